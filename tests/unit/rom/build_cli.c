/* tests for tools/rom/build.c: the real igdkit binary against EfiRom's outputs (EXPECTED.md) */
#include "helpers.h"
#include "lib/reader.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* A subset of the EfiRom -f 0x8086 -i 0x9bc8 table in EXPECTED.md (the full 32 run in rom/efirom). */
static const struct {
	const char *efi;
	bool compress;
	const char *sha256;
} expected[] = {
	{ "gop-efi/cml.efi", false, "ce14aad78d5290c5ad204085caeb33c48df8f96568d7cf43de0d7f1eb9988600" },
	{ "gop-efi/cml.efi", true, "ee925305a9e0eb7bcef1c34f78b007917131bd03b455f1b051c83f2858d60e41" },
	{ "gop-efi/tgl.efi", true, "a00927e3af8cdc466dba506fb3bcf981302eec5d5184d17947146ed99d9fb0fb" },
	{ "gop-efi/byt.efi", false, "8e3e5a1010485a77f8e1f43e006cd157bc829a907e7509ef755cc3ff52856203" },
	{ "gop-efi/adl-n.efi", true, "f059fe8606b358bf0e15bc26edab052f7837afb69edd5c8f0c2e2a7a54d416f8" },
	{ "gop-n150-adln/IntelGopDriver.efi", true, "36bbb89d1095c52312d5d070bc3e90784e1fb9d0a0458a5b67d2541b16d46eba" },
	{ "ovmf-gop-cml/IntelGopDriver.efi", false, "debbb669ed1e1d1921b936dfa1661ef7f116888041c799b3859e35c9051481af" },
};

static char *path_in(const char *dir, const char *name)
{
	char *p = malloc(strlen(dir) + strlen(name) + 2);
	sprintf(p, "%s/%s", dir, name);
	return p;
}

static void file_sha(const char *path, char hex[65])
{
	struct file_buf fb;
	char err[300];
	if (file_read(path, 64 << 20, &fb, err, sizeof(err)) < 0)
		fail_msg("%s", err);
	sha256_hex_ext(fb.data, fb.len, hex);
	file_buf_free(&fb);
}

static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	int n = 0;
	struct dirent *e;
	assert_non_null(d);
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

static void test_matches_efirom(void **state)
{
	(void)state;
	char *dir = make_tmpdir(), *out = path_in(dir, "igd.rom");
	for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); i++) {
		char in[4096], hex[65], *o = NULL, *e = NULL;
		snprintf(in, sizeof(in), "%s", fixture_path(expected[i].efi));
		const char *argv[] = { "rom", "build", "--efi", in, "--vendor", "0x8086", "--device", "0x9bc8", "-o", out,
				       expected[i].compress ? "--compress" : "-q", NULL };
		int rc = run_igdkit(&o, &e, argv);
		if (rc != 0)
			fail_msg("%s: exit %d: %s", expected[i].efi, rc, e);
		file_sha(out, hex);
		if (strcmp(hex, expected[i].sha256))
			fail_msg("%s%s: %s, EfiRom gives %s", expected[i].efi, expected[i].compress ? " --compress" : "", hex,
				 expected[i].sha256);
		/* the text summary reports the same digest */
		assert_non_null(strstr(o, expected[i].sha256));
		run_igdkit_free(o, e);
	}
	/* replaced in place, no temporary file left behind */
	assert_int_equal(count_entries(dir), 1);
	rm_rf(dir);
	free(out);
	free(dir);
}

static void test_json_summary(void **state)
{
	(void)state;
	char *dir = make_tmpdir(), *out = path_in(dir, "g.rom");
	char in[4096], *o = NULL, *e = NULL;
	snprintf(in, sizeof(in), "%s", fixture_path("gop-efi/skl-cfl.efi"));
	const char *argv[] = { "rom", "build", "--json", "--efi", in, "--device", "9bc8", "--compress", "-o", out, NULL };
	assert_int_equal(run_igdkit(&o, &e, argv), 0);
	assert_non_null(strstr(o, "\"sha256\": \"555ee88f313296d3e99c9a04bb1d011d5b88d0eecd0378cc3aab0c86764482bd\""));
	assert_non_null(strstr(o, "\"size\": 39424"));
	assert_non_null(strstr(o, "\"kind\": \"efi\""));
	assert_non_null(strstr(o, "\"efi_offset\": 56"));
	assert_non_null(strstr(o, "\"machine\": \"x64\""));
	assert_non_null(strstr(o, "\"last\": true"));
	run_igdkit_free(o, e);
	rm_rf(dir);
	free(out);
	free(dir);
}

/* Several --efi in order reproduce the uploader's 3-image ROM (SOURCE.md sha256). */
static void test_chain_n150(void **state)
{
	(void)state;
	char *dir = make_tmpdir(), *out = path_in(dir, "n150.rom");
	char a[4096], b[4096], c[4096], hex[65];
	snprintf(a, sizeof(a), "%s", fixture_path("gop-n150-adln/IntelGopDriver.efi"));
	snprintf(b, sizeof(b), "%s", fixture_path("gop-n150-adln/IgdAssignmentDxe.efi"));
	snprintf(c, sizeof(c), "%s", fixture_path("gop-n150-adln/PlatformGOPPolicy.efi"));
	const char *argv[] = { "rom", "build", "--efi", a, "--efi", b, "--efi", c, "--device", "0xffff", "-o", out, NULL };
	char *e = NULL;
	int rc = run_igdkit(NULL, &e, argv);
	if (rc)
		fail_msg("exit %d: %s", rc, e);
	free(e);
	file_sha(out, hex);
	assert_string_equal(hex, "185df62b8b25f8e29b8d4c72840a596f42f1e44b6e14f94a65090be033185245");
	rm_rf(dir);
	free(out);
	free(dir);
}

/* snb-0102-vbios.rom is a shadow copy: its cached BDSM (0xbba00000 at 0x4d7c) must come out as 0. */
static void test_legacy_shadow(void **state)
{
	(void)state;
	char *dir = make_tmpdir(), *out = path_in(dir, "snb.rom");
	char vb[4096], efi[4096], *o = NULL, *e = NULL;
	snprintf(vb, sizeof(vb), "%s", fixture_path("vbios-legacy/snb-0102-vbios.rom"));
	snprintf(efi, sizeof(efi), "%s", fixture_path("gop-efi/hsw-bdw.efi"));
	const char *argv[] = { "rom", "build", "--legacy", vb, "--efi", efi, "--device", "0x0102", "-o", out, "--json", NULL };
	assert_int_equal(run_igdkit(&o, &e, argv), 0);
	assert_non_null(strstr(o, "\"value\": \"0xbba00000\""));
	assert_non_null(strstr(o, "\"cleared\": true"));
	assert_null(strstr(e, "warning"));
	struct file_buf rom, src = fixture_read("vbios-legacy/snb-0102-vbios.rom");
	char err[300];
	assert_int_equal(file_read(out, 1 << 20, &rom, err, sizeof(err)), 0);
	assert_int_equal(rom.len, 65536 + 46592);
	assert_int_equal(le32(rom.data + 0x4d7c), 0);
	assert_int_equal(le32(src.data + 0x4d7c), 0xbba00000);
	uint8_t s = 0;
	for (size_t i = 0; i < (size_t)rom.data[2] * 512; i++)
		s = (uint8_t)(s + rom.data[i]);
	assert_int_equal(s, 0);
	assert_int_equal(rom.data[0x40 + 0x15] & 0x80, 0);		/* legacy no longer last */
	assert_int_equal(rom.data[65536 + 0x1c + 0x15], 0x80);		/* the EFI image is */
	file_buf_free(&rom);
	file_buf_free(&src);
	run_igdkit_free(o, e);

	/* a device of another platform than the VBIOS's own: built, with a warning */
	const char *argv2[] = { "rom", "build", "--legacy", vb, "--efi", efi, "--device", "0x0166", "-o", out, NULL };
	assert_int_equal(run_igdkit(NULL, &e, argv2), 0);
	assert_non_null(strstr(e, "warning: 0x46: legacy ROM: PCIR device 0102 differs from 0166"));
	free(e);
	/* another Sandy Bridge id: the VBIOS's PCIR now names it, so SeaBIOS runs it */
	const char *argv3[] = { "rom", "build", "--legacy", vb, "--efi", efi, "--device", "0x0106", "-o", out, NULL };
	assert_int_equal(run_igdkit(NULL, &e, argv3), 0);
	assert_null(strstr(e, "differs from"));
	free(e);
	struct file_buf built;
	char rerr[300];
	assert_int_equal(file_read(out, 1 << 20, &built, rerr, sizeof(rerr)), 0);
	assert_int_equal(built.data[0x40 + 6] | built.data[0x40 + 7] << 8, 0x0106);
	file_buf_free(&built);
	rm_rf(dir);
	free(out);
	free(dir);
}

static void test_errors(void **state)
{
	(void)state;
	char *dir = make_tmpdir(), *out = path_in(dir, "x.rom"), *e = NULL;
	char efi[4096], vbt[4096], amd[4096], missing[4200], nodir[4200];
	snprintf(efi, sizeof(efi), "%s", fixture_path("gop-efi/cml.efi"));
	snprintf(vbt, sizeof(vbt), "%s", fixture_path("ovmf-gop-cml/vbt.bin"));
	snprintf(amd, sizeof(amd), "%s", fixture_path("vbios-legacy/amd-kabini-vbios.rom"));
	snprintf(missing, sizeof(missing), "%s/none.efi", dir);
	snprintf(nodir, sizeof(nodir), "%s/no/such/dir/x.rom", dir);

	const char *no_device[] = { "rom", "build", "--efi", efi, "-o", out, NULL };
	assert_int_equal(run_igdkit(NULL, &e, no_device), 2);
	assert_non_null(strstr(e, "--device"));
	free(e);

	const char *no_efi[] = { "rom", "build", "--device", "0x9bc8", "-o", out, NULL };
	assert_int_equal(run_igdkit_status(no_efi), 2);

	const char *bad_id[] = { "rom", "build", "--efi", efi, "--device", "0x19bc8", "-o", out, NULL };
	assert_int_equal(run_igdkit_status(bad_id), 2);

	const char *not_pe[] = { "rom", "build", "--efi", vbt, "--device", "0x9bc8", "-o", out, NULL };
	assert_int_equal(run_igdkit(NULL, &e, not_pe), 3);
	assert_non_null(strstr(e, "0x0: EFI image: DOS signature"));
	free(e);

	const char *gone[] = { "rom", "build", "--efi", missing, "--device", "0x9bc8", "-o", out, NULL };
	assert_int_equal(run_igdkit_status(gone), 3);

	const char *not_intel[] = { "rom", "build", "--legacy", amd, "--efi", efi, "--device", "0x9bc8", "-o", out, NULL };
	assert_int_equal(run_igdkit(NULL, &e, not_intel), 3);
	assert_non_null(strstr(e, "0x1c8: legacy ROM: PCIR vendor 1002"));
	free(e);

	const char *same[] = { "rom", "build", "--efi", efi, "--device", "0x9bc8", "-o", efi, NULL };
	assert_int_equal(run_igdkit_status(same), 2);

	const char *cannot_write[] = { "rom", "build", "--efi", efi, "--device", "0x9bc8", "-o", nodir, NULL };
	assert_int_equal(run_igdkit_status(cannot_write), 4);

	/* nothing was written by any of the failures */
	assert_int_equal(count_entries(dir), 0);

	const char *help[] = { "rom", "build", "--help", NULL };
	char *o = NULL;
	assert_int_equal(run_igdkit(&o, NULL, help), 0);
	assert_non_null(strstr(o, "--legacy"));
	free(o);
	rm_rf(dir);
	free(out);
	free(dir);
}

UNIT_MAIN(NULL, NULL, cmocka_unit_test(test_matches_efirom), cmocka_unit_test(test_json_summary),
	  cmocka_unit_test(test_chain_n150), cmocka_unit_test(test_legacy_shadow), cmocka_unit_test(test_errors))
