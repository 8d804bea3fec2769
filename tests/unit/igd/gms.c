/* tests for tools/igd/gms.c: GGC decode per generation
 *
 * Register values are from the fixtures' lspci -xxxx dumps (expected.json);
 * the sizes are decoded by hand from the Linux early-quirks layout, and for
 * ivb-dell-latitude-e6430 cross-checked with iasl's DMAR: the IGD RMRR
 * 0xcd800000-0xcf9fffff spans 34 MiB = 32 MiB data + 2 MiB GTT.
 */
#include "helpers.h"

#include "igd/gms.h"

static void test_fixture_machines(void **state)
{
	(void)state;
	struct ggc_decode g;
	ggc_decode(7, false, 0x0209, &g);	/* ivb-dell-latitude-e6430-nvs */
	assert_true(g.valid);
	assert_int_equal(g.gms_mib, 32);
	assert_int_equal(g.ggms_mib, 2);
	assert_int_equal(g.x_igd_gms, 1);
	assert_false(g.ivd);
	assert_true(g.locked);
	ggc_decode(6, false, 0x0210, &g);	/* snb-gigabyte-h61m-ds2: GMS field 2 */
	assert_int_equal(g.gms_mib, 64);
	assert_int_equal(g.ggms_mib, 2);
	assert_int_equal(g.x_igd_gms, 2);
	assert_false(g.locked);
	ggc_decode(7, false, 0x0211, &g);	/* ivb-intel-dh77df */
	assert_int_equal(g.gms_mib, 64);
	ggc_decode(4, false, 0xe1b9, &g);	/* gm45: GGC lives in the host bridge there */
	assert_false(g.valid);
	assert_int_equal(g.x_igd_gms, -1);
}

static void test_gen8_and_later(void **state)
{
	(void)state;
	struct ggc_decode g;
	ggc_decode(9, false, 0x02c1, &g);	/* GMS 0x02 = 64 MiB, GGMS 3 -> 8 MiB */
	assert_int_equal(g.gms_mib, 64);
	assert_int_equal(g.ggms_mib, 8);
	assert_int_equal(g.x_igd_gms, 2);
	ggc_decode(9, false, 0xf0c1, &g);	/* 0xf0 = 4 MiB (gen9 small sizes) */
	assert_int_equal(g.gms_mib, 4);
	assert_int_equal(g.x_igd_gms, -1);
	ggc_decode(12, false, 0xfe01, &g);	/* 0xfe = 60 MiB */
	assert_int_equal(g.gms_mib, 60);
	ggc_decode(8, false, 0xf001, &g);	/* gen8 has no small sizes: 0xf0 * 32 MiB */
	assert_int_equal(g.gms_mib, 0xf0 * 32);
	assert_int_equal(g.x_igd_gms, -1);	/* above 0x10: no value fits every QEMU */
	ggc_decode(8, true, 0x1301, &g);	/* CHV: 0x13 = (0x13 - 0x11) * 4 + 8 */
	assert_int_equal(g.gms_mib, 16);
	ggc_decode(8, true, 0x1801, &g);	/* CHV: 0x18 = (0x18 - 0x17) * 4 + 4 */
	assert_int_equal(g.gms_mib, 8);
	ggc_decode(9, false, 0x0003, &g);	/* GMS 0 with IVD set */
	assert_int_equal(g.gms_mib, 0);
	assert_true(g.ivd);
}

static void test_bdsm(void **state)
{
	(void)state;
	/* ivb-dell-latitude-e6430 0x5c = 0xcda00001 (bit 0 = lock) */
	assert_int_equal(bdsm_from_cfg(7, 0xcda00001, 0, 0), 0xcda00000);
	assert_int_equal(bdsm_from_cfg(12, 0, 0x7b800001, 0x1), 0x17b800000ull);
}

UNIT_MAIN(NULL, NULL, cmocka_unit_test(test_fixture_machines), cmocka_unit_test(test_gen8_and_later),
	  cmocka_unit_test(test_bdsm))
