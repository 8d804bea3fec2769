/* tests for tools/igd/ids.c: ids typed in from Linux include/drm/i915_pciids.h and intel-igd-ids.md */
#include "helpers.h"

#include "igd/ids.h"

struct want {
	uint16_t id;
	const char *platform;
	int gen, q10, q92, q91;
	bool vbios;
};

static void test_known_ids(void **state)
{
	(void)state;
	static const struct want w[] = {
		{ 0x0102, "Sandy Bridge", 6, 6, 6, 6, true },	/* INTEL_SNB_D_GT1_IDS; fixture snb-gigabyte */
		{ 0x0166, "Ivy Bridge", 7, 6, 6, 6, true },	/* INTEL_IVB_M_GT2_IDS; fixture ivb-dell-e6430 */
		{ 0x0152, "Ivy Bridge", 7, 6, 6, 6, true },	/* fixture ivb-intel-dh77df */
		{ 0x0d26, "Haswell", 7, 7, 6, 6, true },	/* CRW GT3 mobile */
		{ 0x0f31, "Valleyview (Bay Trail)", 7, 7, 6, 6, true },
		{ 0x162b, "Broadwell", 8, 8, 8, 8, true },
		{ 0x22b3, "Cherryview (Braswell)", 8, 8, 8, 8, true },
		{ 0x193d, "Skylake", 9, 9, 8, 8, true },
		{ 0x5a85, "Broxton (Apollo Lake)", 9, 9, 8, 8, true },
		{ 0x3185, "Gemini Lake", 9, 9, -1, 8, true },
		{ 0x5912, "Kaby Lake", 9, 9, 8, 8, true },	/* fixture kbl-asrock-h170 */
		{ 0x87c0, "Amber Lake (KBL)", 9, -1, -1, 8, true },
		{ 0x3e92, "Coffee Lake", 9, 9, 9, 8, true },
		{ 0x3ea0, "Whiskey Lake", 9, 9, 9, 8, true },
		{ 0x9bc8, "Comet Lake", 9, 9, -1, 8, true },	/* the brief's example; QEMU 9.2 refuses it */
		{ 0x5a52, "Cannon Lake", 10, -1, -1, 8, false },
		{ 0x8a56, "Ice Lake", 11, 11, -1, 8, false },
		{ 0x4571, "Elkhart Lake", 11, 11, 11, 8, false },
		{ 0x4e61, "Jasper Lake", 11, 11, -1, 8, false },
		{ 0x9a49, "Tiger Lake", 12, 12, 12, 8, false },
		{ 0x4c8a, "Rocket Lake", 12, 12, -1, 8, false },
		{ 0x4680, "Alder Lake-S", 12, 12, -1, 8, false },
		{ 0x46a6, "Alder Lake-P", 12, 12, -1, 8, false },
		{ 0x46d0, "Alder Lake-N / Twin Lake", 12, 12, -1, 8, false },	/* fixture adln-starlabs */
		{ 0xa780, "Raptor Lake-S", 12, 12, -1, 8, false },
		{ 0xa7a0, "Raptor Lake-P/U", 12, 12, -1, 8, false },
		{ 0x7d55, "Meteor Lake", 12, -1, -1, 8, false },	/* fixture mtl-msi-claw */
		{ 0x7dd1, "Arrow Lake", 12, -1, -1, 8, false },
		{ 0x64a0, "Lunar Lake", 20, -1, -1, 8, false },
		{ 0x2a42, "GM45 (Core 2 mobile)", 4, -1, -1, 8, false },	/* fixture gm45-acer-homa */
	};
	for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++) {
		const struct igd_id_info *x = igd_id_lookup(w[i].id);
		if (!x)
			fail_msg("8086:%04x not found", w[i].id);
		assert_string_equal(x->platform, w[i].platform);
		assert_int_equal(x->gen, w[i].gen);
		assert_int_equal(x->qemu10_gen, w[i].q10);
		assert_int_equal(x->qemu92_gen, w[i].q92);
		assert_int_equal(x->qemu91_gen, w[i].q91);
		assert_int_equal(x->legacy_vbios, w[i].vbios);
	}
}

static void test_discrete_and_unknown_ids(void **state)
{
	(void)state;
	/* DG1 49xx, Arc 56xx, Battlemage e2xx are discrete (never at 00:02.0); 0x0000/0xffff are not ids. */
	static const uint16_t none[] = { 0x4905, 0x4908, 0x5690, 0x56a0, 0xe202, 0x0000, 0xffff, 0x0103, 0x9bc3 };
	for (size_t i = 0; i < sizeof(none) / sizeof(none[0]); i++)
		if (igd_id_lookup(none[i]))
			fail_msg("8086:%04x should be unknown", none[i]);
	/* GVT-g only on BDW, SKL, KBL, BXT, CFL, CML (Linux intel_gvt.c) */
	assert_true(igd_id_lookup(0x9bc8)->gvt_g);
	assert_false(igd_id_lookup(0x3185)->gvt_g);
	assert_false(igd_id_lookup(0x46d0)->gvt_g);
	assert_true(igd_id_lookup(0x46d0)->sriov);
	assert_false(igd_id_lookup(0x4e61)->sriov);
}

UNIT_MAIN(NULL, NULL, cmocka_unit_test(test_known_ids), cmocka_unit_test(test_discrete_and_unknown_ids))
