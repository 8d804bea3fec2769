/* tests for tools/rom/helpers.c and `rom build --igd-helpers`: igdkit's own drivers in the chain
 *
 * Expected values: the PE facts gnu-efi gives every driver (x64, PE32+, subsystem 11), the
 * files make builds in build/efi (what the binary must carry), EXPECTED.md's EfiRom hash for
 * the N150 GOP alone (the last image of a chain is byte for byte that ROM), and python3's
 * json module for igdkit's --json.
 */
#include "helpers.h"
#include "rom/drivers.h"
#include "rom/efirom.h"
#include "rom/helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void embedded_drivers_are_the_built_ones(void **state)
{
	(void)state;
	static const char *const built[IGD_HELPERS] = { "build/efi/igd-assign.efi", "build/efi/gop-policy.efi" };
	const struct igd_helper *h = igd_helpers();
	for (size_t i = 0; i < IGD_HELPERS; i++) {
		struct file_buf fb;
		char err[300];
		if (file_read(built[i], 1 << 20, &fb, err, sizeof(err)) < 0)
			fail_msg("%s", err);
		assert_int_equal(h[i].len, fb.len);
		assert_memory_equal(h[i].data, fb.data, fb.len);
		file_buf_free(&fb);

		struct optrom_pe pe;
		assert_int_equal(optrom_pe_check(h[i].data, h[i].len, 0, &pe, NULL), 0);
		assert_int_equal(pe.machine, 0x8664);
		assert_int_equal(pe.subsystem, 11);
		assert_true(pe.pe32plus);
	}
}

static void identified_with_their_roles(void **state)
{
	(void)state;
	const struct igd_helper *h = igd_helpers();
	struct driver_id id;
	driver_identify(h[0].data, h[0].len, &id);
	assert_int_equal(id.kind, DRV_IGDKIT_ASSIGNMENT);
	assert_string_equal(driver_kind_key(id.kind), "igdkit-igd-assignment");
	assert_int_equal(id.roles, ROLE_OPREGION | ROLE_BDSM);
	assert_false(id.test_accept);
	driver_identify(h[1].data, h[1].len, &id);
	assert_int_equal(id.kind, DRV_IGDKIT_GOP_POLICY);
	assert_int_equal(id.roles, ROLE_VBT_POLICY);
	assert_false(id.test_accept);
}

static void test_accept_record(void **state)
{
	(void)state;
	const struct igd_helper *h = igd_helpers();
	uint16_t v = 0, d = 0;
	uint8_t *pe = malloc(h[0].len);
	memcpy(pe, h[0].data, h[0].len);
	assert_int_equal(igd_helper_test_accept(pe, h[0].len, &v, &d), 0);
	assert_int_equal(igd_helper_set_test_accept(pe, h[0].len, 0x8086, 0x100e), 0);
	assert_int_equal(igd_helper_test_accept(pe, h[0].len, &v, &d), 1);
	assert_int_equal(v, 0x8086);
	assert_int_equal(d, 0x100e);
	/* Only the four id bytes changed. */
	size_t diff = 0;
	for (size_t i = 0; i < h[0].len; i++)
		diff += pe[i] != h[0].data[i];
	assert_true(diff >= 1 && diff <= 4);
	struct driver_id id;
	driver_identify(pe, h[0].len, &id);
	assert_true(id.test_accept);
	assert_int_equal(id.test_device, 0x100e);
	free(pe);

	/* No record (the policy driver, a GOP) or two of them: refused. */
	struct file_buf gop = fixture_read("gop-n150-adln/IntelGopDriver.efi");
	assert_int_equal(igd_helper_test_accept(gop.data, gop.len, &v, &d), -1);
	file_buf_free(&gop);
	uint8_t *two = malloc(2 * h[0].len);
	memcpy(two, h[0].data, h[0].len);
	memcpy(two + h[0].len, h[0].data, h[0].len);
	assert_int_equal(igd_helper_set_test_accept(two, 2 * h[0].len, 0x8086, 0x100e), -1);
	free(two);
}

/* The GOP is the chain's last image, so its bytes are EfiRom's ROM for the GOP alone. */
static void chain_is_efirom_wrapped(void **state)
{
	(void)state;
	char *dir = make_tmpdir(), out[512];
	snprintf(out, sizeof(out), "%s/igd.rom", dir);
	const char *argv[] = { "rom", "build", "--igd-helpers", "--efi", fixture_path("gop-n150-adln/IntelGopDriver.efi"),
			       "--device", "0x9bc8", "--compress", "-o", out, "--json", NULL };
	int rc;
	char *r = run_igdkit_json(&rc, argv,
			   "im=d[\"images\"]\n"
			   "print(len(im), d[\"igd_helpers\"], d[\"test_accept\"])\n"
			   "for i in im: print(i[\"input\"], i[\"offset\"], i[\"size\"], i[\"last\"], i[\"compressed\"], i[\"subsystem\"], i[\"device\"])");
	assert_int_equal(rc, 0);
	char *line2 = strchr(r, '\n') + 1;
	assert_memory_equal(r, "3 True None\n", 12);
	assert_memory_equal(line2, "igdkit:igd-assign.efi 0 ", 24);
	assert_non_null(strstr(r, "igdkit:gop-policy.efi "));
	assert_non_null(strstr(r, "IntelGopDriver.efi "));
	unsigned long gop_off = 0;
	char *g = strstr(r, "IntelGopDriver.efi ");
	assert_int_equal(sscanf(g, "IntelGopDriver.efi %lu", &gop_off), 1);
	assert_non_null(strstr(g, "True True 11 0x9bc8"));
	/* Helpers: compressed, not last. */
	assert_non_null(strstr(line2, "False True 11 0x9bc8"));

	struct file_buf rom;
	char err[300], sha[65];
	if (file_read(out, 1 << 24, &rom, err, sizeof(err)) < 0)
		fail_msg("%s", err);
	assert_true(gop_off > 0 && gop_off < rom.len);
	sha256_hex_ext(rom.data + gop_off, rom.len - gop_off, sha);
	assert_string_equal(sha, "36bbb89d1095c52312d5d070bc3e90784e1fb9d0a0458a5b67d2541b16d46eba");

	/* The first image is the embedded driver wrapped alone the same way (not last). */
	const struct igd_helper *h = igd_helpers();
	struct optrom_efi_opts o = { .vendor = 0x8086, .device = 0x9bc8, .compress = true };
	uint8_t *one;
	size_t one_len;
	assert_int_equal(optrom_build_efi(h[0].data, h[0].len, &o, &one, &one_len, NULL), 0);
	assert_true(one_len < rom.len);
	assert_memory_equal(rom.data, one, one_len);
	free(one);
	file_buf_free(&rom);
	free(r);

	/* rom check: a complete OVMF chain of igdkit's helpers and the Intel GOP, for the N150's id. */
	const char *bargv[] = { "rom", "build", "--igd-helpers", "--efi", fixture_path("gop-n150-adln/IntelGopDriver.efi"),
				"--device", "0x46d0", "--compress", "-o", out, NULL };
	char *bo, *be;
	assert_int_equal(run_igdkit(&bo, &be, bargv), 0);
	free(bo);
	free(be);
	const char *cargv[] = { "rom", "check", out, "--device", "8086:46d0", "--json", NULL };
	r = run_igdkit_json(&rc, cargv,
		     "print(d[\"ovmf_chain\"][\"complete\"], d[\"ovmf_chain\"][\"missing\"], d[\"ovmf_chain\"][\"test_accept\"])\n"
		     "print([i[\"efi\"][\"driver\"][\"kind\"] for i in d[\"images\"]])\n"
		     "print([f[\"level\"] for f in d[\"findings\"]])");
	assert_int_equal(rc, 0);
	assert_string_equal(r, "True [] None\n['igdkit-igd-assignment', 'igdkit-gop-policy', 'intel-gop']\n['note']\n");
	free(r);
	rm_tmpdir(dir);
}

static void test_accept_rom_is_flagged(void **state)
{
	(void)state;
	char *dir = make_tmpdir(), out[512];
	snprintf(out, sizeof(out), "%s/t.rom", dir);
	const char *argv[] = { "rom", "build", "--igd-helpers", "--test-accept", "8086:100e", "--device", "0x100e",
			       "-o", out, "--json", NULL };
	int rc;
	char *r = run_igdkit_json(&rc, argv, "print(d[\"test_accept\"], len(d[\"images\"]))");
	assert_int_equal(rc, 0);
	assert_string_equal(r, "8086:100e 2\n");
	free(r);
	const char *cargv[] = { "rom", "check", out, "--json", NULL };
	r = run_igdkit_json(&rc, cargv,
		     "c=d[\"ovmf_chain\"]\nprint(c[\"complete\"], c[\"missing\"], c[\"test_accept\"], d[\"usable\"])\n"
		     "print([f[\"message\"] for f in d[\"findings\"] if f[\"level\"] == \"error\"])");
	assert_int_equal(rc, 1);
	assert_memory_equal(r, "False ['gop'] 8086:100e False\n", 30);
	assert_non_null(strstr(r, "built with --test-accept 8086:100e"));
	free(r);
	/* Text output says it too. */
	char *o, *e;
	const char *targv[] = { "rom", "check", out, NULL };
	assert_int_equal(run_igdkit(&o, &e, targv), 1);
	assert_non_null(strstr(o, "TEST-ONLY ROM: image 0 accepts 8086:100e as an IGD"));
	assert_non_null(strstr(o, "OVMF chain: incomplete, missing a GOP (picture before the OS)\n"));
	run_igdkit_free(o, e);
	rm_tmpdir(dir);
}

/* VfioIgdPkg's drivers (an uploader's N150 ROM: GOP, IgdAssignmentDxe, PlatformGopPolicy). */
static void vfioigdpkg_chain_recognised(void **state)
{
	(void)state;
	const char *argv[] = { "rom", "check", fixture_path("gop-n150-adln/n150_vfio_igd.rom"), "--json", NULL };
	int rc;
	char *r = run_igdkit_json(&rc, argv,
			   "print(d[\"ovmf_chain\"][\"complete\"], [i[\"efi\"][\"driver\"][\"kind\"] for i in d[\"images\"]])");
	assert_string_equal(r, "True ['intel-gop', 'igd-assignment', 'gop-policy']\n");
	free(r);
	/* The GOP alone: incomplete, both helpers missing. */
	char *dir = make_tmpdir(), out[512];
	snprintf(out, sizeof(out), "%s/gop.rom", dir);
	const char *bargv[] = { "rom", "build", "--efi", fixture_path("gop-n150-adln/IntelGopDriver.efi"), "--device",
				"0x46d0", "-o", out, NULL };
	char *o, *e;
	assert_int_equal(run_igdkit(&o, &e, bargv), 0);
	run_igdkit_free(o, e);
	const char *cargv[] = { "rom", "check", out, "--json", NULL };
	r = run_igdkit_json(&rc, cargv, "print(d[\"ovmf_chain\"])");
	assert_string_equal(r, "{'complete': False, 'missing': ['opregion', 'vbt-policy'], 'test_accept': None}\n");
	free(r);
	rm_tmpdir(dir);
}

static void usage_errors(void **state)
{
	(void)state;
	static const char *const cases[][8] = {
		{ "rom", "build", "--test-accept", "8086:100e", "--efi", "x.efi", "--device", "0x46d0" },
		{ "rom", "build", "--igd-helpers", "--test-accept", "zz", "--device", "0x46d0", NULL },
		{ "rom", "build", "--igd-helpers", "--test-accept", "0:0", "--device", "0x46d0", NULL },
		{ "rom", "build", "--device", "0x46d0", NULL },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *argv[12];
		size_t n = 0;
		for (; n < 8 && cases[i][n]; n++)
			argv[n] = cases[i][n];
		argv[n++] = "-o";
		argv[n++] = "/nonexistent/never.rom";
		argv[n] = NULL;
		char *o, *e;
		assert_int_equal(run_igdkit(&o, &e, argv), 2);
		run_igdkit_free(o, e);
	}
}

UNIT_MAIN(NULL, NULL, cmocka_unit_test(embedded_drivers_are_the_built_ones),
	  cmocka_unit_test(identified_with_their_roles), cmocka_unit_test(test_accept_record),
	  cmocka_unit_test(chain_is_efirom_wrapped), cmocka_unit_test(test_accept_rom_is_flagged),
	  cmocka_unit_test(vfioigdpkg_chain_recognised), cmocka_unit_test(usage_errors))
