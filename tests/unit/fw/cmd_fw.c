/* tests for tools/fw/cmd_fw.c: igdkit fw list|extract as the user runs them (exit codes, files, JSON) */
#include "helpers.h"
#include "igdkit.h"
#include "fwbuild.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const uint8_t gop_a[16] = { 0xF3, 0xB4, 0x47, 0x16, 0x8A, 0x3E, 0xDD, 0x4F, 0x81, 0xC8, 0x32, 0x8E, 0xD6, 0x47, 0xAB, 0x1A };
static const uint8_t gop_b[16] = { 0xE6, 0x83, 0xBA, 0x5B, 0x27, 0xF0, 0xA7, 0x4C, 0xBF, 0xD0, 0x16, 0x35, 0x8C, 0xC9, 0xE1, 0x23 };
static const uint8_t csm_a[16] = { 0xC5, 0x11, 0x22, 0x33, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };
static const uint8_t csm_b[16] = { 0xC6, 0x11, 0x22, 0x33, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };

static const char *tmp(const char *name)
{
	static char buf[4][600];
	static int k;
	k = (k + 1) % 4;
	snprintf(buf[k], sizeof(buf[k]), "%s/%s", unit_dir, name);
	return buf[k];
}

static void assert_file_equals(const char *path, const char *fixture)
{
	struct file_buf got, want = fixture_read(fixture);
	char err[256];
	assert_int_equal(file_read(path, FILE_MAX_FIRMWARE, &got, err, sizeof(err)), 0);
	assert_int_equal(got.len, want.len);
	assert_memory_equal(got.data, want.data, want.len);
	file_buf_free(&got);
	file_buf_free(&want);
}

static void add_file(struct tbuf *files, const uint8_t guid[16], uint8_t type, uint8_t sect, const char *fixture, const char *ui)
{
	struct file_buf f = fixture_read(fixture);
	struct tbuf secs = { 0 };
	tb_section(&secs, sect, f.data, f.len);
	if (ui)
		tb_section_ui(&secs, ui);
	tb_ffs(files, guid, type, secs.p, secs.len, 1);
	tb_free(&secs);
	file_buf_free(&f);
}

/* One volume with two different GOPs (CML and GLK) and two VBIOS (Intel HSW and AMD). */
static const char *two_gop_image(void)
{
	struct tbuf files = { 0 }, v = { 0 };
	add_file(&files, gop_a, 0x07, 0x10, "ovmf-gop-cml/IntelGopDriver.efi", "IntelGopDriver");
	add_file(&files, gop_b, 0x07, 0x10, "gop-efi/glk.efi", "IntelGopDriver");
	add_file(&files, csm_a, 0x02, 0x19, "vbios-legacy/hsw-0406-vbios.rom", NULL);
	add_file(&files, csm_b, 0x02, 0x19, "vbios-legacy/amd-kabini-vbios.rom", NULL);
	tb_volume(&v, (0x48 + files.len + 0xFFF) & ~(size_t)0xFFF, &files);
	const char *p = tmp("two-gops.fd");
	write_file(p, v.p, v.len);
	tb_free(&files);
	tb_free(&v);
	return p;
}

static void test_identical_copies_are_one(void **state)
{
	(void)state;
	/* the same GOP in two volumes (as in backup regions): no ambiguity */
	struct tbuf f1 = { 0 }, f2 = { 0 }, img = { 0 };
	add_file(&f1, gop_a, 0x07, 0x10, "gop-efi/jsl.efi", "IntelGopDriver");
	add_file(&f2, gop_b, 0x07, 0x10, "gop-efi/jsl.efi", "IntelGopDriver");
	tb_volume(&img, (0x48 + f1.len + 0xFFF) & ~(size_t)0xFFF, &f1);
	tb_volume(&img, (0x48 + f2.len + 0xFFF) & ~(size_t)0xFFF, &f2);
	char path[600], *out, *err;
	snprintf(path, sizeof(path), "%s", tmp("copies.fd"));
	write_file(path, img.p, img.len);
	assert_int_equal(run_igdkit(&out, &err, (const char *const[]){ "fw", "extract", path, "--gop", "-o", tmp("j.efi"), NULL }), 0);
	run_igdkit_free(out, err);
	assert_file_equals(tmp("j.efi"), "gop-efi/jsl.efi");
	tb_free(&f1);
	tb_free(&f2);
	tb_free(&img);
}

static void test_vbios_inside_a_csm_body(void **state)
{
	(void)state;
	/* a raw section holding the AMD ROM, then the SNB ROM at a 512-byte boundary: the Intel image,
	   cut at its own length (byte 2 x 512 = 109 x 512, SOURCE.md) */
	struct file_buf amd = fixture_read("vbios-legacy/amd-kabini-vbios.rom"), snb = fixture_read("vbios-legacy/snb-0102-vbios.rom");
	struct tbuf body = { 0 }, secs = { 0 }, files = { 0 }, v = { 0 };
	tb_put(&body, amd.data, amd.len);
	tb_align(&body, 512, 0xFF);
	tb_put(&body, snb.data, snb.len);
	tb_section(&secs, 0x19, body.p, body.len);
	tb_ffs(&files, csm_a, 0x02, secs.p, secs.len, 1);
	tb_volume(&v, (0x48 + files.len + 0xFFF) & ~(size_t)0xFFF, &files);
	char path[600], *out, *err;
	snprintf(path, sizeof(path), "%s", tmp("csm.fd"));
	write_file(path, v.p, v.len);
	assert_int_equal(run_igdkit(&out, &err, (const char *const[]){ "fw", "extract", path, "--vbios", "--device", "8086:0102", "-o", tmp("s.rom"), NULL }), 0);
	assert_non_null(strstr(out, "55808 bytes"));
	run_igdkit_free(out, err);
	struct file_buf got;
	char e[256];
	assert_int_equal(file_read(tmp("s.rom"), FILE_MAX_FIRMWARE, &got, e, sizeof(e)), 0);
	assert_int_equal(got.len, 109 * 512);
	assert_memory_equal(got.data, snb.data, got.len);
	file_buf_free(&got);
	tb_free(&body);
	tb_free(&secs);
	tb_free(&files);
	tb_free(&v);
	file_buf_free(&amd);
	file_buf_free(&snb);
}

static void test_list_text_and_json(void **state)
{
	(void)state;
	char *out, *err;
	const char *img = fixture_path("ovmf-gop-cml/OVMF_CODE.fd");
	assert_int_equal(run_igdkit(&out, &err, (const char *const[]){ "fw", "list", img, NULL }), 0);
	assert_non_null(strstr(out, "BIOS region"));
	assert_non_null(strstr(out, "1647B4F3-3E8A-4FDD-81C8-328ED647AB1A DXE driver \"IntelGopDriver\""));
	assert_non_null(strstr(out, "73312 bytes"));
	assert_non_null(strstr(out, "$VBT SKYLAKE"));
	run_igdkit_free(out, err);
	assert_int_equal(run_igdkit(&out, &err, (const char *const[]){ "fw", "list", "--json", img, NULL }), 0);
	write_file(tmp("list.json"), out, strlen(out));
	run_igdkit_free(out, err);
	/* parsed by python's json module, not by igdkit */
	assert_cmd_prints("BIOS region (firmware volumes without a descriptor) 1 73312 IntelGopDriver 4608 0x348000\n",
		 "python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d[\"detected\"], len(d[\"gop\"]), d[\"gop\"][0][\"size\"], d[\"gop\"][0][\"ui_name\"], d[\"vbt\"][0][\"size\"], d[\"tree\"][\"children\"][1][\"offset\"])' %s",
		 tmp("list.json"));
}

static void test_extract_gop_vbt_guid(void **state)
{
	(void)state;
	char *out, *err;
	const char *img = fixture_path("ovmf-gop-cml/OVMF_CODE.fd");
	assert_int_equal(run_igdkit(&out, &err, (const char *const[]){ "fw", "extract", img, "--gop", "-o", tmp("gop.efi"), NULL }), 0);
	assert_non_null(strstr(out, "GOP version: build 1107"));
	run_igdkit_free(out, err);
	assert_file_equals(tmp("gop.efi"), "ovmf-gop-cml/IntelGopDriver.efi");
	assert_int_equal(run_igdkit(&out, &err, (const char *const[]){ "fw", "extract", img, "--vbt", "-o", tmp("vbt.bin"), NULL }), 0);
	run_igdkit_free(out, err);
	assert_file_equals(tmp("vbt.bin"), "ovmf-gop-cml/vbt.bin");
	/* the VBT's file by GUID: its raw section body */
	assert_int_equal(run_igdkit(&out, &err, (const char *const[]){ "fw", "extract", img, "--guid", "1647b4f3-3e8a-4fef-81c8-328ed647ab1a",
								   "-o", tmp("byguid.bin"), NULL }), 0);
	run_igdkit_free(out, err);
	assert_file_equals(tmp("byguid.bin"), "ovmf-gop-cml/vbt.bin");
	/* only the outputs are left: no temporary files */
	DIR *dd = opendir(unit_dir);
	struct dirent *e;
	while ((e = readdir(dd)))
		assert_null(strstr(e->d_name, ".tmp-"));
	closedir(dd);
	/* nothing of the kind */
	assert_int_equal(run_igdkit(&out, &err, (const char *const[]){ "fw", "extract", img, "--vbios", "-o", tmp("x.rom"), NULL }), EXIT_FINDINGS);
	assert_non_null(strstr(err, "no Intel legacy VBIOS"));
	run_igdkit_free(out, err);
}

static void test_several_candidates_need_device(void **state)
{
	(void)state;
	char *out, *err, img[600];
	snprintf(img, sizeof(img), "%s", two_gop_image());
	assert_int_equal(run_igdkit(&out, &err, (const char *const[]){ "fw", "extract", img, "--gop", "-o", tmp("g.efi"), NULL }), EXIT_USAGE);
	assert_non_null(strstr(err, "2 different Intel GOP drivers"));
	assert_non_null(strstr(err, "--device"));
	run_igdkit_free(out, err);
	assert_int_equal(run_igdkit(&out, &err, (const char *const[]){ "fw", "extract", img, "--gop", "--device", "8086:3185", "-o", tmp("g.efi"), NULL }), 0);
	run_igdkit_free(out, err);
	assert_file_equals(tmp("g.efi"), "gop-efi/glk.efi");
	assert_int_equal(run_igdkit(&out, &err, (const char *const[]){ "fw", "extract", img, "--gop", "--device", "9bc8", "-o", tmp("g.efi"), "--json", NULL }), 0);
	assert_non_null(strstr(out, "\"serves_device\": \"yes\""));
	run_igdkit_free(out, err);
	assert_file_equals(tmp("g.efi"), "ovmf-gop-cml/IntelGopDriver.efi");
	/* the AMD VBIOS is no candidate; the Intel one is, with its PCIR IDs */
	assert_int_equal(run_igdkit(&out, &err, (const char *const[]){ "fw", "extract", img, "--vbios", "-o", tmp("v.rom"), NULL }), 0);
	assert_non_null(strstr(out, "8086:0406"));
	run_igdkit_free(out, err);
	assert_file_equals(tmp("v.rom"), "vbios-legacy/hsw-0406-vbios.rom");
}

static void test_usage_and_input_errors(void **state)
{
	(void)state;
	char *out, *err;
	const char *img = fixture_path("ovmf-gop-cml/OVMF_CODE.fd");
	assert_int_equal(run_igdkit(&out, &err, (const char *const[]){ "fw", "extract", fixture_path("gop-efi/cml.efi"), "--gop", NULL }), EXIT_INPUT);
	assert_non_null(strstr(err, "0x0: not a firmware image I know: \"MZ\""));
	run_igdkit_free(out, err);
	assert_int_equal(run_igdkit(&out, &err, (const char *const[]){ "fw", "list", tmp("missing.fd"), NULL }), EXIT_INPUT);
	run_igdkit_free(out, err);
	assert_int_equal(run_igdkit(&out, &err, (const char *const[]){ "fw", "extract", img, NULL }), EXIT_USAGE);
	run_igdkit_free(out, err);
	assert_int_equal(run_igdkit(&out, &err, (const char *const[]){ "fw", "extract", img, "--gop", "--device", "1002:9850", NULL }), EXIT_USAGE);
	run_igdkit_free(out, err);
	assert_int_equal(run_igdkit(&out, &err, (const char *const[]){ "fw", "frob", img, NULL }), EXIT_USAGE);
	run_igdkit_free(out, err);
	assert_int_equal(run_igdkit(&out, &err, (const char *const[]){ "fw", "extract", img, "--gop", "-o", "/nonexistent-dir/x.efi", NULL }), EXIT_WRITE);
	run_igdkit_free(out, err);
	/* findings make `fw list` exit 1: a truncated image */
	struct file_buf fb = fixture_read("fsp-fv/kbl-Fsp.fd");
	write_file(tmp("cut.fd"), fb.data, 0x30001);
	file_buf_free(&fb);
	assert_int_equal(run_igdkit(&out, &err, (const char *const[]){ "fw", "list", tmp("cut.fd"), NULL }), EXIT_FINDINGS);
	assert_non_null(strstr(out, "! error: 0x"));
	run_igdkit_free(out, err);
}

UNIT_MAIN(unit_dir_setup, unit_dir_teardown, cmocka_unit_test(test_list_text_and_json),
	  cmocka_unit_test(test_identical_copies_are_one), cmocka_unit_test(test_vbios_inside_a_csm_body),
	  cmocka_unit_test(test_extract_gop_vbt_guid), cmocka_unit_test(test_several_candidates_need_device),
	  cmocka_unit_test(test_usage_and_input_errors))
