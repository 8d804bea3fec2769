/* tests for tools/rom/check.c: `igdkit rom check` against rom-parser and beyond
 *
 * Expected values: rom-parser's output typed in from EXPECTED.md (romparser_expected.h),
 * sha256sum of the loose .efi fixtures, SOURCE.md facts, and EXPECTED.md's EfiRom hashes.
 * igdkit's --json is read with python3's json module, never with igdkit code.
 */
#include "helpers.h"
#include "fw/tiano.h"
#include "igdkit.h"
#include "rom/check.h"
#include "romparser_expected.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Runs `igdkit rom check ARGS --json`, then python3 EXPR over the parsed document `d`. */
static char *check_json_query(int *rc, const char *const *args, const char *expr)
{
	const char *argv[16];
	size_t n = 0;
	argv[n++] = "rom";
	argv[n++] = "check";
	for (size_t i = 0; args[i] && n < 13; i++)
		argv[n++] = args[i];
	argv[n++] = "--json";
	argv[n] = NULL;
	return run_igdkit_json(rc, argv, expr);
}

#define PY_IMAGES                                                                                          \
	"for m in d[\"images\"]:\n"                                                                        \
	"  p=m[\"pcir\"]; e=m.get(\"efi\")\n"                                                              \
	"  print(m[\"offset\"], m[\"pcir_offset\"], p[\"code_type\"], p[\"vendor\"], p[\"device\"], p[\"class\"], " \
	"p[\"revision\"], p[\"vendor_revision\"], "                                                        \
	"(str(e[\"signature_valid\"])+\"/\"+e[\"subsystem_name\"]+\"/\"+e[\"machine_name\"]) if e else \"-\", m[\"last\"])"

/* rom-parser's facts, from --json, for all 11 ROMs it was run on. */
static void test_json_matches_romparser(void **state)
{
	(void)state;
	for (size_t k = 0; k < RP_NROMS; k++) {
		const struct rp_rom *e = &rp_roms[k];
		int rc;
		char *got = check_json_query(&rc, (const char *const[]){ fixture_path(e->path), NULL }, PY_IMAGES);
		char want[2048] = "";
		for (unsigned i = 0; i < e->n; i++) {
			const struct rp_image *x = &e->img[i];
			size_t l = strlen(want);
			snprintf(want + l, sizeof(want) - l, "%u %u %u %04x %04x %s %u %x %s %s\n", x->off, x->pcir, x->type,
				 x->vendor, x->device, x->cls, x->revision, x->vendor_revision,
				 x->efi ? "True/Boot/X64" : "-", x->last ? "True" : "False");
		}
		assert_string_equal(got, want);
		assert_int_equal(rc, 0);	/* rom-parser: rc=0 on all of them */
		free(got);
	}
}

/* The text output carries rom-parser's lines verbatim, in order. */
static void test_text_has_romparser_lines(void **state)
{
	(void)state;
	for (size_t k = 0; k < RP_NROMS; k++) {
		char *out;
		int rc = run_igdkit(&out, NULL, (const char *const[]){ "rom", "check", fixture_path(rp_roms[k].path), NULL });
		assert_int_equal(rc, 0);
		const char *pos = out, *t = rp_roms[k].text;
		while (*t) {
			const char *nl = strchr(t, '\n');
			char line[256];
			size_t n = (size_t)(nl - t) + 1;
			assert_true(n < sizeof(line));
			memcpy(line + 1, t, n);
			line[0] = '\n';
			line[n + 1] = 0;
			const char *hit = strstr(pos, line);
			if (!hit)
				fail_msg("%s: line '%.*s' missing or out of order", rp_roms[k].path, (int)n - 1, t);
			pos = hit + n;
			t = nl + 1;
		}
		free(out);
	}
}

/* EXPECTED.md/SOURCE.md: 3 chained EFI images whose payloads equal the loose files. */
static void test_n150(void **state)
{
	(void)state;
	int rc;
	char *got = check_json_query(&rc, (const char *const[]){ fixture_path("gop-n150-adln/n150_vfio_igd.rom"), NULL },
				     "for m in d[\"images\"]:\n"
				     "  print(m[\"efi\"][\"driver\"][\"kind\"], m[\"efi\"][\"payload\"][\"sha256\"], m[\"efi\"][\"payload\"][\"pe_length\"])\n"
				     "print(sorted(d[\"roles\"]), d[\"verdict\"], d[\"usable\"])");
	const char *files[] = { "gop-n150-adln/IntelGopDriver.efi", "gop-n150-adln/IgdAssignmentDxe.efi",
				"gop-n150-adln/PlatformGOPPolicy.efi" };
	const char *kinds[] = { "intel-gop", "igd-assignment", "gop-policy" };
	char want[1024] = "";
	for (int i = 0; i < 3; i++) {
		struct file_buf fb = fixture_read(files[i]);
		char sha[65];
		sha256_hex_ext(fb.data, fb.len, sha);
		size_t l = strlen(want);
		snprintf(want + l, sizeof(want) - l, "%s %s %zu\n", kinds[i], sha, fb.len);
		file_buf_free(&fb);
	}
	strcat(want, "['gop', 'opregion', 'vbt-policy'] ok True\n");
	assert_string_equal(got, want);
	assert_int_equal(rc, 0);
	free(got);

	/* byte for byte, through the library as well */
	struct file_buf rom = fixture_read("gop-n150-adln/n150_vfio_igd.rom");
	struct rom_check *c;
	assert_int_equal(rom_check_run(rom.data, rom.len, NULL, &c), 0);
	assert_int_equal(c->rom.nimages, 3);
	for (int i = 0; i < 3; i++) {
		struct file_buf fb = fixture_read(files[i]);
		assert_int_equal(c->pay[i].pe_len, fb.len);
		assert_memory_equal(c->pay[i].data, fb.data, fb.len);
		file_buf_free(&fb);
	}
	rom_check_free(c);
	file_buf_free(&rom);

	/* device ffff is reported as such when a real device is asked for (Twin Lake N150: 46d4 class) */
	got = check_json_query(&rc,
			       (const char *const[]){ fixture_path("gop-n150-adln/n150_vfio_igd.rom"), "--device", "8086:46d4", NULL },
			       "print(d[\"device\"][\"matched\"], d[\"generation\"][\"gen\"], any(\"ffff\" in f[\"message\"] for f in d[\"findings\"]), "
			       "d[\"images\"][0][\"efi\"][\"driver\"][\"supports_device\"])");
	assert_string_equal(got, "False 12 True True\n");
	assert_int_equal(rc, 0);
	free(got);
}

/* The AMD VBIOS: rejected for an Intel device; legacy facts verified by hand with python3. */
static void test_amd_and_legacy(void **state)
{
	(void)state;
	int rc;
	char *got = check_json_query(&rc,
				     (const char *const[]){ fixture_path("vbios-legacy/amd-kabini-vbios.rom"), "--device", "8086:9bc8", NULL },
				     "print(d[\"usable\"], [f[\"level\"] for f in d[\"findings\"] if \"not an Intel IGD ROM\" in f[\"message\"]])");
	assert_string_equal(got, "False ['error']\n");
	assert_int_equal(rc, EXIT_FINDINGS);
	free(got);

	const char *intel[] = { "vbios-legacy/bsw-22b0-vbios.rom", "vbios-legacy/hsw-0406-vbios.rom",
				"vbios-legacy/snb-0102-vbios.rom" };
	const char *platforms[] = { "CHERRYVIEW", "SKYLAKE", "SANDYBRIDGE-D" };
	for (int i = 0; i < 3; i++) {
		got = check_json_query(&rc, (const char *const[]){ fixture_path(intel[i]), NULL },
				       "l=d[\"images\"][0][\"legacy\"]; print(l[\"checksum_ok\"], l[\"vbt\"][\"valid\"], l[\"vbt\"][\"platform\"])");
		char want[64];
		snprintf(want, sizeof(want), "True True %s\n", platforms[i]);
		assert_string_equal(got, want);
		assert_int_equal(rc, 0);
		free(got);
	}
	/* own device named by the PCIR: matched; another generation: unusable */
	got = check_json_query(&rc, (const char *const[]){ fixture_path("vbios-legacy/snb-0102-vbios.rom"), "--device", "8086:0112", NULL },
			       "print(d[\"device\"][\"matched\"], d[\"usable\"])");
	assert_string_equal(got, "True True\n");	/* 0112 is in the PCIR 3.0 device list */
	free(got);
	got = check_json_query(&rc, (const char *const[]){ fixture_path("vbios-legacy/snb-0102-vbios.rom"), "--device", "8086:9bc8", NULL },
			       "print(d[\"device\"][\"matched\"], d[\"usable\"])");
	assert_string_equal(got, "False False\n");
	assert_int_equal(rc, EXIT_FINDINGS);
	free(got);
}

/* Gen11+ ROMs: what OVMF needs, by role. */
static void test_gen11_needs(void **state)
{
	(void)state;
	int rc;
	const char *q = "print(d[\"generation\"][\"gen\"], sorted(d[\"roles\"]), d[\"verdict\"], "
			"any(\"IgdAssignmentDxe\" in f[\"message\"] for f in d[\"findings\"]), "
			"any(\"PlatformGopPolicy\" in f[\"message\"] for f in d[\"findings\"]), "
			"any(\"no GOP driver\" in f[\"message\"] for f in d[\"findings\"]))";
	char *got = check_json_query(&rc, (const char *const[]){ fixture_path("gop-rom/adlp-46a6-gop.rom"), "--device", "8086:46a6", NULL }, q);
	assert_string_equal(got, "12 ['gop'] findings True True False\n");
	assert_int_equal(rc, 0);
	free(got);
	got = check_json_query(&rc, (const char *const[]){ fixture_path("gop-rom/gen12-a780-igd.rom"), NULL }, q);
	assert_string_equal(got, "12 ['bdsm', 'opregion', 'vbt-policy'] findings False False True\n");
	free(got);
	got = check_json_query(&rc, (const char *const[]){ fixture_path("gop-rom/jsl-4e61-gop.rom"), NULL }, q);
	assert_string_equal(got, "11 ['gop'] findings True True False\n");
	free(got);
	/* an Alder Lake GOP ROM for a Comet Lake device is unusable: its GOP does not drive 9bc8 */
	got = check_json_query(&rc, (const char *const[]){ fixture_path("gop-rom/adlp-46a6-gop.rom"), "--device", "8086:9bc8", NULL },
			       "print(d[\"usable\"], d[\"images\"][0][\"efi\"][\"driver\"][\"supports_device\"])");
	assert_string_equal(got, "False False\n");
	assert_int_equal(rc, EXIT_FINDINGS);
	free(got);
	/* the Coffee Lake ROM's GOP (the SKL..CFL driver) also drives Kaby Lake 5912: only a warning */
	got = check_json_query(&rc, (const char *const[]){ fixture_path("gop-rom/cfl-3e91-gop.rom"), "--device", "8086:5912", NULL },
			       "print(d[\"usable\"], d[\"verdict\"], d[\"images\"][0][\"efi\"][\"driver\"][\"supports_device\"])");
	assert_string_equal(got, "True findings True\n");
	assert_int_equal(rc, 0);
	free(got);
	/* EXPECTED.md: the two gop-rom builds outside the .efi fixtures have PE lengths 70272 and 112864 */
	got = check_json_query(&rc, (const char *const[]){ fixture_path("gop-rom/cfl-3e91-gop.rom"), NULL },
			       "print(d[\"images\"][0][\"efi\"][\"payload\"][\"pe_length\"])");
	assert_string_equal(got, "70272\n");
	free(got);
	got = check_json_query(&rc, (const char *const[]){ fixture_path("gop-rom/jsl-4e61-gop.rom"), NULL },
			       "print(d[\"images\"][0][\"efi\"][\"payload\"][\"pe_length\"])");
	assert_string_equal(got, "112864\n");
	free(got);
}

/*
 * An EFI-compressed ROM laid out like EfiRom -ec (header + PCIR 3.0, image at 0x38, 0xFF pad to
 * 512). Its sha256 must be EXPECTED.md's for gop-efi_cml.ec.rom, so the input is EfiRom's bytes;
 * the check must inflate it back to cml.efi.
 */
static void test_efi_compressed(void **state)
{
	(void)state;
	struct file_buf efi = fixture_read("gop-efi/cml.efi");
	uint8_t *cz;
	size_t czl;
	assert_int_equal(efi_compress(efi.data, efi.len, &cz, &czl), 0);
	size_t total = (0x38 + czl + 511) / 512 * 512;
	uint8_t *r = malloc(total);
	memset(r, 0xff, total);
	memset(r, 0, 0x38);
	r[0] = 0x55;
	r[1] = 0xaa;
	put_le16(r + 2, (uint16_t)(total / 512));
	put_le32(r + 4, 0xef1);
	put_le16(r + 8, 11);
	put_le16(r + 10, 0x8664);
	put_le16(r + 12, 1);
	put_le16(r + 0x16, 0x38);
	put_le16(r + 0x18, 0x1c);
	memcpy(r + 0x1c, "PCIR", 4);
	put_le16(r + 0x20, 0x8086);
	put_le16(r + 0x22, 0x9bc8);
	put_le16(r + 0x26, 0x1c);
	r[0x28] = 3;
	put_le16(r + 0x2c, (uint16_t)(total / 512));
	r[0x30] = 3;
	r[0x31] = 0x80;
	memcpy(r + 0x38, cz, czl);
	char sha[65];
	sha256_hex_ext(r, total, sha);
	assert_string_equal(sha, "ee925305a9e0eb7bcef1c34f78b007917131bd03b455f1b051c83f2858d60e41");
	assert_int_equal(total, 41472);

	char *dir = make_tmpdir(), path[512];
	snprintf(path, sizeof(path), "%s/cml.ec.rom", dir);
	write_file(path, r, total);
	char efisha[65];
	sha256_hex_ext(efi.data, efi.len, efisha);
	int rc;
	char *got = check_json_query(&rc, (const char *const[]){ path, "--device", "8086:9bc8", NULL },
				     "p=d[\"images\"][0][\"efi\"][\"payload\"]; print(p[\"inflated\"], p[\"pe_valid\"], p[\"sha256\"], "
				     "d[\"images\"][0][\"efi\"][\"driver\"][\"gop_build\"], d[\"device\"][\"matched\"])");
	char want[256];
	snprintf(want, sizeof(want), "True True %s 1109 True\n", efisha);
	assert_string_equal(got, want);
	assert_int_equal(rc, 0);
	free(got);

	/* a corrupt compressed stream: an error, exit 1 */
	r[0x38 + 40] ^= 0xff;
	r[0x38 + 41] ^= 0x5a;
	write_file(path, r, total);
	got = check_json_query(&rc, (const char *const[]){ path, NULL }, "print(d[\"usable\"])");
	assert_string_equal(got, "False\n");
	assert_int_equal(rc, EXIT_FINDINGS);
	free(got);

	rm_tmpdir(dir);
	free(r);
	free(cz);
	file_buf_free(&efi);
}

static void test_exit_codes(void **state)
{
	(void)state;
	char *err;
	assert_int_equal(run_igdkit(NULL, &err, (const char *const[]){ "rom", "check", fixture_path("vbt/kbl-fsp.vbt"), NULL }), EXIT_INPUT);
	assert_non_null(strstr(err, "not a PCI option ROM"));
	free(err);
	assert_int_equal(run_igdkit_status((const char *const[]){ "rom", "check", "/nonexistent/x.rom", NULL }), EXIT_INPUT);
	char *dir = make_tmpdir(), path[512];
	snprintf(path, sizeof(path), "%s/empty.rom", dir);
	write_file(path, "", 0);
	assert_int_equal(run_igdkit_status((const char *const[]){ "rom", "check", path, NULL }), EXIT_INPUT);
	rm_tmpdir(dir);
	assert_int_equal(run_igdkit_status((const char *const[]){ "rom", "check", NULL }), EXIT_USAGE);
	assert_int_equal(run_igdkit_status((const char *const[]){ "rom", "check", fixture_path("ovmf-gop-glk/igd.rom"), "--device", "zz", NULL }),
			 EXIT_USAGE);
	char *out;
	assert_int_equal(run_igdkit(&out, NULL, (const char *const[]){ "rom", "check", "--help", NULL }), EXIT_OK);
	assert_non_null(strstr(out, "--device"));
	free(out);
}

/* Every truncation of a multi-image ROM through the whole check: no crash, always a finding. */
static void test_truncations_core(void **state)
{
	(void)state;
	struct file_buf fb = fixture_read("gop-n150-adln/n150_vfio_igd.rom");
	struct rom_check_opts o = { true, 0x8086, 0x46d4 };
	for (size_t n = 0; n < fb.len; n += 1021) {
		uint8_t *c = malloc(n ? n : 1);
		memcpy(c, fb.data, n);
		struct rom_check *rc;
		assert_int_equal(rom_check_run(c, n, &o, &rc), 0);
		assert_false(rom_check_usable(rc));
		rom_check_free(rc);
		free(c);
	}
	file_buf_free(&fb);
}

static void test_parse_device_id(void **state)
{
	(void)state;
	uint16_t v, d;
	assert_int_equal(rom_parse_device_id("8086:9bc8", &v, &d), 0);
	assert_int_equal(v, 0x8086);
	assert_int_equal(d, 0x9bc8);
	assert_int_equal(rom_parse_device_id("0x1002:0x9850", &v, &d), 0);
	assert_int_equal(v, 0x1002);
	assert_int_equal(rom_parse_device_id("46a6", &v, &d), 0);
	assert_int_equal(v, 0x8086);
	assert_int_equal(d, 0x46a6);
	assert_int_equal(rom_parse_device_id("8086:", &v, &d), -1);
	assert_int_equal(rom_parse_device_id(":9bc8", &v, &d), -1);
	assert_int_equal(rom_parse_device_id("8086:10000", &v, &d), -1);
	assert_int_equal(rom_parse_device_id("xyz", &v, &d), -1);
}

UNIT_MAIN(NULL, NULL, cmocka_unit_test(test_json_matches_romparser), cmocka_unit_test(test_text_has_romparser_lines),
	  cmocka_unit_test(test_n150), cmocka_unit_test(test_amd_and_legacy), cmocka_unit_test(test_gen11_needs),
	  cmocka_unit_test(test_efi_compressed), cmocka_unit_test(test_exit_codes),
	  cmocka_unit_test(test_truncations_core), cmocka_unit_test(test_parse_device_id))
