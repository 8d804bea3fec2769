/* tests for tools/rom/make.c: firmware image in, checked ROM out
 *
 * Expected bytes: EXPECTED.md's EfiRom hashes for ovmf-gop-cml/IntelGopDriver.efi with
 * -f 0x8086 -i 0x9bc8 (-e and -ec), and sha256sum of the loose .efi fixtures.
 */
#include "helpers.h"
#include "fw/fwbuild.h"
#include "igdkit.h"
#include "lib/reader.h"
#include "rom/pcir.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *tmp_path(char *dir, const char *name)
{
	static char buf[2][512];
	static int k;
	k ^= 1;
	snprintf(buf[k], sizeof(buf[k]), "%s/%s", dir, name);
	return buf[k];
}

static void sha_file(const char *path, char out[65])
{
	struct file_buf fb;
	char err[256];
	assert_int_equal(file_read(path, FILE_MAX_FIRMWARE, &fb, err, sizeof(err)), 0);
	sha256_hex_ext(fb.data, fb.len, out);
	file_buf_free(&fb);
}

/* Where the last image of a ROM file starts (its GOP in every chain rom make writes). */
static size_t last_image_offset(const char *path)
{
	struct file_buf fb;
	char err[256];
	assert_int_equal(file_read(path, FILE_MAX_FIRMWARE, &fb, err, sizeof(err)), 0);
	struct optrom *rom = calloc(1, sizeof(*rom));
	struct reader r;
	struct diag d;
	diag_init(&d);
	rd_init(&r, fb.data, fb.len, 0, &d);
	assert_int_equal(optrom_parse(&r, rom), 0);
	assert_true(rom->last_seen);
	size_t off = (size_t)rom->img[rom->nimages - 1].off;
	free(rom);
	diag_free(&d);
	file_buf_free(&fb);
	return off;
}

static void sha_file_from(const char *path, size_t from, char out[65])
{
	struct file_buf fb;
	char err[256];
	assert_int_equal(file_read(path, FILE_MAX_FIRMWARE, &fb, err, sizeof(err)), 0);
	assert_true(from < fb.len);
	sha256_hex_ext(fb.data + from, fb.len - from, out);
	file_buf_free(&fb);
}

/*
 * The brief's end-to-end case: the CML OVMF build's GOP (Gen9, no legacy VBIOS in that image), so
 * the OVMF chain: igdkit's two drivers, then the GOP image exactly as EfiRom wraps it on its own
 * (EfiRom's last image is the only one; in the chain it is the last one, the bytes are the same).
 */
static void test_cml_like_efirom(void **state)
{
	(void)state;
	char *dir = make_tmpdir(), sha[65], *out;
	const char *rom = tmp_path(dir, "igd.rom");
	int rc = run_igdkit(&out, NULL, (const char *const[]){ "rom", "make", fixture_path("ovmf-gop-cml/OVMF_CODE.fd"),
							   "--device", "8086:9bc8", "-o", rom, "-q", NULL });
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "Verdict: ok"));
	assert_non_null(strstr(out, "Valid ROM signature found @0h, PCIR offset 1ch\n"));
	assert_non_null(strstr(out, "IGD helpers: igdkit's IGD assignment and GOP policy drivers lead the chain"));
	assert_non_null(strstr(out, "OVMF chain: complete (IGD assignment, GOP policy, GOP)"));
	size_t gop_at = last_image_offset(rom);
	assert_true(gop_at > 0);
	sha_file_from(rom, gop_at, sha);
	assert_string_equal(sha, "debbb669ed1e1d1921b936dfa1661ef7f116888041c799b3859e35c9051481af");
	free(out);

	/* the payload is the GOP UEFIExtract gets (== ovmf-gop-cml/IntelGopDriver.efi) */
	struct file_buf r = fixture_read("ovmf-gop-cml/IntelGopDriver.efi");
	struct file_buf m;
	char err[256];
	assert_int_equal(file_read(rom, FILE_MAX_FIRMWARE, &m, err, sizeof(err)), 0);
	uint16_t off = le16(m.data + gop_at + 0x16);
	assert_true(gop_at + off + r.len == m.len);	/* EfiRom -e: padding before the image */
	assert_memory_equal(m.data + gop_at + off, r.data, r.len);
	file_buf_free(&m);
	file_buf_free(&r);

	/* the same bytes as rom build --igd-helpers on the loose GOP: make found the right driver */
	const char *built = tmp_path(dir, "built.rom");
	char sha2[65];
	rc = run_igdkit(NULL, NULL, (const char *const[]){ "rom", "build", "--igd-helpers", "--efi",
							  fixture_path("ovmf-gop-cml/IntelGopDriver.efi"), "--device", "0x9bc8",
							  "-o", built, "-q", NULL });
	assert_int_equal(rc, 0);
	sha_file(rom, sha);
	sha_file(built, sha2);
	assert_string_equal(sha, sha2);

	rc = run_igdkit(NULL, NULL, (const char *const[]){ "rom", "make", fixture_path("ovmf-gop-cml/OVMF_CODE.fd"),
							  "--device", "8086:9bc8", "-o", rom, "--compress", "-q", NULL });
	assert_int_equal(rc, 0);
	sha_file_from(rom, last_image_offset(rom), sha);
	assert_string_equal(sha, "4069f5dd6324c281b94fe155564bc4f50521c005c4f212c74cfd17945b919891");
	rm_tmpdir(dir);
}

/* GOP + IgdAssignmentDxe + PlatformGopPolicy, as OVMF guests want it, checked through --json. */
static void test_with_extras_json(void **state)
{
	(void)state;
	char *dir = make_tmpdir(), *out;
	const char *rom = tmp_path(dir, "igd.rom");
	int rc = run_igdkit(&out, NULL, (const char *const[]){ "rom", "make", fixture_path("ovmf-gop-glk/OVMF_CODE.fd"),
							   "--device", "8086:3185", "-o", rom,
							   "--efi", fixture_path("gop-n150-adln/IgdAssignmentDxe.efi"),
							   "--efi", fixture_path("gop-n150-adln/PlatformGOPPolicy.efi"),
							   "--json", "-q", NULL });
	assert_int_equal(rc, 0);
	const char *json = tmp_path(dir, "out.json");
	write_file(json, out, strlen(out));
	free(out);
	/* sha256sum IgdAssignmentDxe.efi = 56d53535ee85..., PlatformGOPPolicy.efi = 3fe23928de4e... (SOURCE.md) */
	assert_cmd_prints("True IntelGopDriver True ['intel-gop', 'igd-assignment', 'gop-policy'] "
			  "[False, False, True] ['56d53535ee85', '3fe23928de4e']\n",
		 "python3 -c 'import json,sys\nd=json.load(open(sys.argv[1]))\nc=d[\"check\"]\n"
		 "print(d[\"written\"], d[\"gop\"][\"ui_name\"], c[\"usable\"], [m[\"efi\"][\"driver\"][\"kind\"] for m in c[\"images\"]], "
		 "[m[\"last\"] for m in c[\"images\"]], [m[\"efi\"][\"payload\"][\"sha256\"][:12] for m in c[\"images\"]][1:])' %s",
		 json);
	assert_int_equal(access(rom, F_OK), 0);
	rm_tmpdir(dir);
}

/*
 * Gen6-9: a firmware volume (built with the fw tests' PI builder) holding the HSW/BDW GOP and
 * a legacy VBIOS whose PCIR says 8086:0406 gives one ROM for SeaBIOS and OVMF: the VBIOS
 * first, still checksummed, its last flag cleared, then the GOP.
 */
static void test_legacy_plus_gop(void **state)
{
	(void)state;
	static const uint8_t gop_guid[16] = { 0xE6, 0x83, 0xBA, 0x5B, 0x27, 0xF0, 0xA7, 0x4C,
					      0xBF, 0xD0, 0x16, 0x35, 0x8C, 0xC9, 0xE1, 0x23 };
	static const uint8_t vbios_guid[16] = { 0x6E, 0x30, 0xA4, 0xC5, 0x47, 0xE2, 0xCD, 0x4E,
						0xA9, 0xD8, 0x5B, 0x19, 0x85, 0xD3, 0xDC, 0xDA };
	struct file_buf gop = fixture_read("gop-efi/hsw-bdw.efi"), vb = fixture_read("vbios-legacy/hsw-0406-vbios.rom");
	struct tbuf s1 = { 0 }, s2 = { 0 }, files = { 0 }, fv = { 0 };
	tb_section(&s1, 0x10, gop.data, gop.len);
	tb_section_ui(&s1, "IntelGopDriver");
	tb_ffs(&files, gop_guid, 0x07, s1.p, s1.len, 1);
	tb_section(&s2, 0x19, vb.data, vb.len);
	tb_ffs(&files, vbios_guid, 0x02, s2.p, s2.len, 1);
	tb_volume(&fv, 0x40000, &files);

	char *dir = make_tmpdir(), *out;
	const char *img = tmp_path(dir, "bios.fd");
	write_file(img, fv.p, fv.len);
	const char *rom = tmp_path(dir, "igd.rom");
	int rc = run_igdkit(&out, NULL, (const char *const[]){ "rom", "make", img, "--device", "8086:0406", "-o", rom, "--json", "-q", NULL });
	assert_int_equal(rc, 0);
	const char *json = tmp_path(dir, "out.json");
	write_file(json, out, strlen(out));
	free(out);
	char cmd[1024], line[512] = "", sha[65];
	snprintf(cmd, sizeof(cmd),
		 "python3 -c 'import json,sys\nd=json.load(open(sys.argv[1]))\nc=d[\"check\"]\ni=c[\"images\"]\n"
		 "print(d[\"written\"], c[\"usable\"], i[0][\"pcir\"][\"code_type\"], i[0][\"pcir\"][\"device\"], "
		 "i[0][\"legacy\"][\"checksum_ok\"], i[0][\"legacy\"][\"vbt\"][\"platform\"], i[0][\"last\"], "
		 "i[1][\"efi\"][\"driver\"][\"kind\"], i[1][\"last\"], i[1][\"offset\"], i[1][\"efi\"][\"payload\"][\"sha256\"])' %s",
		 json);
	FILE *p = popen(cmd, "r");
	assert_non_null(fgets(line, sizeof(line), p));
	assert_int_equal(pclose(p), 0);
	char want[512];
	sha256_hex_ext(gop.data, gop.len, sha);
	/* the VBIOS keeps its 64 KiB PCIR length, so the GOP image starts at 0x10000 */
	snprintf(want, sizeof(want), "True True 0 0406 True SKYLAKE False intel-gop True 65536 %s\n", sha);
	assert_string_equal(line, want);

	/* an 0416 Haswell: the image's VBIOS names 0406 (the same platform), so it is used with its
	 * PCIR rewritten to 0416 -- SeaBIOS runs an x86 image only for the id its PCIR names */
	char img2[512], rom2[512], json2[512];
	snprintf(img2, sizeof(img2), "%s/bios.fd", dir);
	snprintf(rom2, sizeof(rom2), "%s/igd.rom", dir);
	snprintf(json2, sizeof(json2), "%s/out.json", dir);
	img = img2;
	rom = rom2;
	json = json2;
	rc = run_igdkit(&out, NULL, (const char *const[]){ "rom", "make", img, "--device", "8086:0416", "-o", rom, "--json", "-q", NULL });
	assert_int_equal(rc, 0);
	write_file(json, out, strlen(out));
	free(out);
	p = popen(cmd, "r");
	assert_non_null(fgets(line, sizeof(line), p));
	assert_int_equal(pclose(p), 0);
	snprintf(want, sizeof(want), "True True 0 0416 True SKYLAKE False intel-gop True 65536 %s\n", sha);
	assert_string_equal(line, want);

	/* --uefi: the OVMF chain instead (igdkit's drivers + GOP), the VBIOS left out */
	rc = run_igdkit(&out, NULL, (const char *const[]){ "rom", "make", img, "--device", "8086:0416", "-o", rom, "--uefi", "-q", NULL });
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "Legacy VBIOS: left out (--uefi)"));
	assert_non_null(strstr(out, "OVMF chain: complete (IGD assignment, GOP policy, GOP)"));
	assert_null(strstr(out, "type 0 (x86"));
	free(out);
	rm_tmpdir(dir);
	tb_free(&s1);
	tb_free(&s2);
	tb_free(&files);
	tb_free(&fv);
	file_buf_free(&gop);
	file_buf_free(&vb);
}

static void test_refusals(void **state)
{
	(void)state;
	char *dir = make_tmpdir(), *err;
	const char *rom = tmp_path(dir, "igd.rom");

	/* the GLK GOP does not list an Alder Lake-N id: nothing written */
	assert_int_equal(run_igdkit(NULL, &err, (const char *const[]){ "rom", "make", fixture_path("ovmf-gop-glk/OVMF_CODE.fd"),
								       "--device", "8086:46d4", "-o", rom, "-q", NULL }),
			 EXIT_FINDINGS);
	assert_non_null(strstr(err, "does not list 8086:46d4"));
	assert_int_equal(access(rom, F_OK), -1);
	free(err);

	/* Debian's stock OVMF has no GOP (EXPECTED.md negative case) */
	if (access("/usr/share/OVMF/OVMF_CODE_4M.fd", R_OK) == 0) {
		assert_int_equal(run_igdkit(NULL, &err, (const char *const[]){ "rom", "make", "/usr/share/OVMF/OVMF_CODE_4M.fd",
									       "--device", "8086:9bc8", "-o", rom, "-q", NULL }),
				 EXIT_FINDINGS);
		assert_non_null(strstr(err, "no Intel GOP driver"));
		free(err);
	}

	/* not a firmware image */
	assert_int_equal(run_igdkit(NULL, &err, (const char *const[]){ "rom", "make", fixture_path("vbt/kbl-fsp.vbt"),
								       "--device", "8086:9bc8", "-o", rom, "-q", NULL }),
			 EXIT_INPUT);
	assert_non_null(strstr(err, "not a firmware image"));
	free(err);

	/* usage */
	assert_int_equal(run_igdkit_status((const char *const[]){ "rom", "make", fixture_path("ovmf-gop-cml/OVMF_CODE.fd"), "-o", rom, NULL }),
			 EXIT_USAGE);
	assert_int_equal(run_igdkit_status((const char *const[]){ "rom", "make", fixture_path("ovmf-gop-cml/OVMF_CODE.fd"),
								       "--device", "8086:9bc8", NULL }),
			 EXIT_USAGE);
	assert_int_equal(run_igdkit_status((const char *const[]){ "rom", "make", fixture_path("ovmf-gop-cml/OVMF_CODE.fd"),
								       "--device", "8086:9bc8", "-o", rom, "--efi", "/nonexistent.efi", NULL }),
			 EXIT_INPUT);

	/* an extra that is no PE: the build refuses it */
	const char *junk = tmp_path(dir, "junk.efi");
	write_file(junk, "not a PE at all", 15);
	assert_int_equal(run_igdkit(NULL, &err, (const char *const[]){ "rom", "make", fixture_path("ovmf-gop-cml/OVMF_CODE.fd"),
								       "--device", "8086:9bc8", "-o", rom, "--efi", junk, "-q", NULL }),
			 EXIT_FINDINGS);
	assert_int_equal(access(rom, F_OK), -1);
	free(err);

	/* the output cannot be written */
	assert_int_equal(run_igdkit_status((const char *const[]){ "rom", "make", fixture_path("ovmf-gop-cml/OVMF_CODE.fd"),
								       "--device", "8086:9bc8", "-o", "/nonexistent-dir/igd.rom", "-q", NULL }),
			 EXIT_WRITE);

	char *out;
	assert_int_equal(run_igdkit(&out, NULL, (const char *const[]){ "rom", "make", "--help", NULL }), EXIT_OK);
	assert_non_null(strstr(out, "--efi"));
	free(out);
	rm_tmpdir(dir);
}

UNIT_MAIN(NULL, NULL, cmocka_unit_test(test_cml_like_efirom), cmocka_unit_test(test_with_extras_json),
	  cmocka_unit_test(test_legacy_plus_gop), cmocka_unit_test(test_refusals))
