/* igd.c - which device the assignment driver accepts, where BDSM goes, how much stolen memory */
#include "helpers.h"

#include "igd/gms.h"
#include "igd/ids.h"
#include "efi/igd.h"

static struct igd_target at(uint16_t vendor, uint16_t device, uint32_t cls, uint8_t dev)
{
	struct igd_target t;
	igd_classify(vendor, device, cls, 0, dev, 0, 0, 0, &t);
	return t;
}

static void bdsm_register_by_generation(void **state)
{
	(void)state;
	static const struct { uint16_t id; int gen; enum igd_bdsm bdsm; } t[] = {
		{ 0x0116, 6, IGD_BDSM_32 },	/* Sandy Bridge */
		{ 0x0416, 7, IGD_BDSM_32 },	/* Haswell */
		{ 0x3185, 9, IGD_BDSM_32 },	/* Gemini Lake */
		{ 0x9bc8, 9, IGD_BDSM_32 },	/* Comet Lake */
		{ 0x5a52, 10, IGD_BDSM_32 },	/* Cannon Lake */
		{ 0x8a52, 11, IGD_BDSM_64 },	/* Ice Lake */
		{ 0x4e61, 11, IGD_BDSM_64 },	/* Jasper Lake */
		{ 0x9a49, 12, IGD_BDSM_64 },	/* Tiger Lake */
		{ 0x46d0, 12, IGD_BDSM_64 },	/* Alder Lake-N (N100) */
		{ 0xa7a0, 12, IGD_BDSM_64 },	/* Raptor Lake-P */
		{ 0x7d55, 12, IGD_BDSM_NONE },	/* Meteor Lake: stolen memory in a BAR */
		{ 0x7d51, 12, IGD_BDSM_NONE },	/* Arrow Lake */
		{ 0x64a0, 20, IGD_BDSM_NONE },	/* Lunar Lake */
		{ 0xb080, 30, IGD_BDSM_NONE },	/* Panther Lake */
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct igd_target x = at(0x8086, t[i].id, 0x030000, 2);
		assert_true(x.accept);
		assert_false(x.test_device);
		assert_int_equal(x.gen, t[i].gen);
		assert_int_equal(x.bdsm, t[i].bdsm);
		/* Anywhere but 00:02.0 the OpRegion is set up, stolen memory is not. */
		x = at(0x8086, t[i].id, 0x030000, 3);
		assert_true(x.accept);
		assert_int_equal(x.bdsm, IGD_BDSM_NONE);
	}
}

static void only_intel_display_devices(void **state)
{
	(void)state;
	assert_true(at(0x8086, 0x46d0, 0x038000, 2).accept);	/* "other display": IGD not primary */
	assert_true(at(0x8086, 0x46d0, 0x038001, 2).accept);
	assert_false(at(0x8086, 0x46d0, 0x030001, 2).accept);	/* 8514-compatible VGA: not an IGD */
	assert_false(at(0x8086, 0x46d0, 0x040300, 2).accept);	/* audio */
	assert_false(at(0x8086, 0x100e, 0x020000, 2).accept);	/* e1000 */
	assert_false(at(0x8086, 0x56a0, 0x030000, 2).accept);	/* Arc A770: a discrete GPU */
	assert_false(at(0x1002, 0x46d0, 0x030000, 2).accept);
	assert_false(at(0x8086, 0x0046, 0x030000, 2).accept);	/* Ironlake: GGC in the host bridge */
	struct igd_target c = at(0x8086, 0x22b0, 0x030000, 2);
	assert_true(c.accept);
	assert_true(c.chv);
}

static void test_accept_hook(void **state)
{
	(void)state;
	struct igd_target t;
	igd_classify(0x8086, 0x100e, 0x020000, 0, 2, 0, 0x8086, 0x100e, &t);
	assert_true(t.accept);
	assert_true(t.test_device);
	assert_int_equal(t.bdsm, IGD_BDSM_64);
	/* Only at 00:02.0, only that id. */
	igd_classify(0x8086, 0x100e, 0x020000, 0, 3, 0, 0x8086, 0x100e, &t);
	assert_false(t.accept);
	igd_classify(0x8086, 0x100f, 0x020000, 0, 2, 0, 0x8086, 0x100e, &t);
	assert_false(t.accept);
	igd_classify(0x8086, 0x100e, 0x020000, 0, 2, 0, 0, 0, &t);
	assert_false(t.accept);
	/* The record the build tool patches: magic then vendor, device. */
	assert_int_equal(sizeof(struct igd_test_accept), IGD_TEST_ACCEPT_MAGIC_LEN + 4);
	assert_int_equal(sizeof(IGD_TEST_ACCEPT_MAGIC) - 1, 22);
}

/* The driver's decode must agree with igdkit check's for every GGC value and generation. */
static void gms_decode_matches_check(void **state)
{
	(void)state;
	static const int gens[] = { 6, 7, 8, 9, 10, 11, 12 };
	for (size_t g = 0; g < sizeof(gens) / sizeof(gens[0]); g++)
		for (int chv = 0; chv < 2; chv++)
			for (unsigned ggc = 0; ggc <= 0xffff; ggc++) {
				struct ggc_decode d;
				ggc_decode(gens[g], chv, (uint16_t)ggc, &d);
				assert_int_equal(igd_gms_bytes(gens[g], chv, (uint16_t)ggc), (uint64_t)d.gms_mib << 20);
			}
	/* Spot values from the register layout itself. */
	assert_int_equal(igd_gms_bytes(9, false, 0x0200), 64u << 20);	/* GMS 0x02 = 64 MiB */
	assert_int_equal(igd_gms_bytes(9, false, 0xf100), 8u << 20);	/* 0xF1 = 8 MiB */
	assert_int_equal(igd_gms_bytes(6, false, 0x0010), 64u << 20);	/* bits 7:3 = 2 */
	assert_int_equal(igd_gms_bytes(5, false, 0xffff), 0);
}

static void bdsm_size_file(void **state)
{
	(void)state;
	const uint8_t mib64[8] = { 0, 0, 0, 4, 0, 0, 0, 0 };
	const uint8_t gib3[8] = { 0, 0, 0, 0xc0, 0, 0, 0, 0 };
	const uint8_t zero[8] = { 0 };
	uint64_t v = 1;
	assert_true(igd_bdsm_size_parse(mib64, 8, &v));
	assert_int_equal(v, 64u << 20);
	assert_false(igd_bdsm_size_parse(mib64, 7, &v));
	assert_false(igd_bdsm_size_parse(gib3, 8, &v));
	assert_true(igd_bdsm_size_parse(zero, 8, &v));	/* newer QEMU: no stolen memory for this device */
	assert_int_equal(v, 0);
}

static void carve_is_aligned_and_inside(void **state)
{
	(void)state;
	static const uint64_t sizes[] = { 4u << 20, 60u << 20, 64u << 20, (4u << 20) + 0x800, 1u << 30 };
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++)
		for (uint64_t alloc = 0x10000000; alloc < 0x10200000; alloc += 0x1000) {
			uint64_t base, head, tail, size = sizes[s];
			uint64_t pages = (size + 0xfff) / 0x1000 + 256;
			igd_stolen_carve(alloc, size, &base, &head, &tail);
			assert_int_equal(base % IGD_STOLEN_ALIGN, 0);
			assert_true(base >= alloc);
			assert_int_equal(alloc + head * 0x1000, base);
			assert_int_equal(head + (size + 0xfff) / 0x1000 + tail, pages);
		}
}

UNIT_MAIN(NULL, NULL, cmocka_unit_test(bdsm_register_by_generation), cmocka_unit_test(only_intel_display_devices),
	  cmocka_unit_test(test_accept_hook), cmocka_unit_test(gms_decode_matches_check),
	  cmocka_unit_test(bdsm_size_file), cmocka_unit_test(carve_is_aligned_and_inside))
