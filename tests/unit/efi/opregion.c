/* opregion.c - OpRegion header, extent and VBT location on real VBTs and hostile OpRegions */
#include "helpers.h"

#include <stdlib.h>
#include <string.h>

#include "efi/opregion.h"

static void put32(uint8_t *b, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		b[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *b, uint64_t v)
{
	put32(b, (uint32_t)v);
	put32(b + 4, (uint32_t)(v >> 32));
}

/* An 8 KiB OpRegion of the given version, plus `extra` zero bytes behind it. */
static uint8_t *opregion_new(uint8_t major, uint8_t minor, size_t extra, size_t *len)
{
	*len = 0x2000 + extra;
	uint8_t *p = calloc(1, *len);
	memcpy(p, "IntelGraphicsMem", 16);
	put32(p + 0x10, 8);
	p[0x16] = minor;
	p[0x17] = major;
	put32(p + 0x58, 0x5);
	return p;
}

/* The way Linux vfio presents a large VBT: 2.1, appended at 0x2000, RVDA relative. */
static uint8_t *opregion_with_vbt_21(const struct file_buf *vbt, size_t *len)
{
	uint8_t *p = opregion_new(2, 1, vbt->len, len);
	memcpy(p + 0x2000, vbt->data, vbt->len);
	put64(p + OPREGION_RVDA_OFF, 0x2000);
	put32(p + OPREGION_RVDS_OFF, (uint32_t)vbt->len);
	return p;
}

static void vfio_21_layout_finds_the_vbt_at_rvda(void **state)
{
	(void)state;
	/* VBT sizes are the fixtures' own header values (see fixtures/vbt). */
	static const struct { const char *file; uint16_t size; } t[] = {
		{ "vbt/adln-fsp.vbt", 0x2221 }, { "vbt/apl-fsp.vbt", 0x180a }, { "vbt/tgl-fsp.vbt", 0x21da },
		{ "vbt/mtl-fsp.vbt", 0x1c9b }, { "vbt/cml-fsp.vbt", 0x11a5 },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct file_buf vbt = fixture_read(t[i].file);
		size_t len, bad = 0;
		uint8_t *op = opregion_with_vbt_21(&vbt, &len);
		struct opregion_info oi;
		struct opregion_vbt v;
		assert_int_equal(opregion_header(op, len, &oi, &bad), OPR_OK);
		assert_int_equal(oi.major, 2);
		assert_int_equal(oi.minor, 1);
		assert_int_equal(oi.size, 0x2000);
		assert_int_equal(oi.extent, 0x2000 + vbt.len);
		assert_int_equal(opregion_find_vbt(op, len, &v, &bad), OPR_OK);
		assert_int_equal(v.source, OPR_VBT_RVDA);
		assert_int_equal(v.off, 0x2000);
		assert_int_equal(v.window, vbt.len);
		assert_int_equal(v.size, t[i].size);
		free(op);
		file_buf_free(&vbt);
	}
}

static void mailbox4_for_old_opregions(void **state)
{
	(void)state;
	struct file_buf vbt = fixture_read("vbt/cml-fsp.vbt");
	static const uint8_t versions[][2] = { { 1, 0 }, { 2, 0 }, { 3, 0 } };
	for (size_t i = 0; i < 3; i++) {
		size_t len, bad = 0;
		uint8_t *op = opregion_new(versions[i][0], versions[i][1], 0, &len);
		memcpy(op + 0x400, vbt.data, vbt.len);
		struct opregion_vbt v;
		assert_int_equal(opregion_find_vbt(op, len, &v, &bad), OPR_OK);
		assert_int_equal(v.source, OPR_VBT_MAILBOX4);
		assert_int_equal(v.off, 0x400);
		assert_int_equal(v.window, 0x1c00);
		assert_int_equal(v.size, 0x11a5);
		free(op);
	}
	file_buf_free(&vbt);
}

/* With the ASLE extension at 0x1C00, mailbox 4 is 6 KiB: a 0x180a-byte VBT no longer fits. */
static void asle_extension_shrinks_mailbox4(void **state)
{
	(void)state;
	struct file_buf vbt = fixture_read("vbt/apl-fsp.vbt");
	size_t len, bad = 0;
	struct opregion_vbt v;
	uint8_t *op = opregion_new(2, 0, 0, &len);
	assert_true(vbt.len <= 0x1c00);
	memcpy(op + 0x400, vbt.data, vbt.len);	/* the header says 0x180a: over 6 KiB, under 7 */
	assert_int_equal(opregion_find_vbt(op, len, &v, &bad), OPR_OK);
	assert_int_equal(v.size, 0x180a);
	put32(op + 0x58, 0x5 | 0x10);
	assert_int_equal(opregion_find_vbt(op, len, &v, &bad), OPR_VBT_TRUNCATED);
	assert_int_equal(bad, 0x400 + 0x18);
	free(op);
	file_buf_free(&vbt);
}

static void hostile_rvda_rvds(void **state)
{
	(void)state;
	struct file_buf vbt = fixture_read("vbt/adln-fsp.vbt");
	size_t len, bad = 0;
	struct opregion_vbt v;
	struct opregion_info oi;
	uint8_t *op = opregion_with_vbt_21(&vbt, &len);

	/* RVDS one byte past the end. */
	put32(op + OPREGION_RVDS_OFF, (uint32_t)vbt.len + 1);
	assert_int_equal(opregion_find_vbt(op, len, &v, &bad), OPR_RVDA_RANGE);
	assert_int_equal(bad, OPREGION_RVDA_OFF);
	/* Huge RVDS: refused by the 1 MiB cap, so the extent never wraps. */
	put32(op + OPREGION_RVDS_OFF, 0xffffffffu);
	assert_int_equal(opregion_header(op, len, &oi, &bad), OPR_TOO_LARGE);
	/* RVDA that would wrap size_t when added. */
	put32(op + OPREGION_RVDS_OFF, (uint32_t)vbt.len);
	put64(op + OPREGION_RVDA_OFF, UINT64_MAX - 4);
	assert_int_equal(opregion_find_vbt(op, len, &v, &bad), OPR_TOO_LARGE);
	/* RVDA pointing into the header itself. */
	put64(op + OPREGION_RVDA_OFF, 0x10);
	assert_int_equal(opregion_find_vbt(op, len, &v, &bad), OPR_RVDA_RANGE);
	/* RVDA inside the OpRegion but at no VBT. */
	put64(op + OPREGION_RVDA_OFF, 0x1000);
	assert_int_equal(opregion_find_vbt(op, len, &v, &bad), OPR_NO_VBT);
	assert_int_equal(bad, 0x1000);
	/* The right RVDA but an RVDS smaller than the VBT's own size. */
	put64(op + OPREGION_RVDA_OFF, 0x2000);
	put32(op + OPREGION_RVDS_OFF, 0x1000);
	assert_int_equal(opregion_find_vbt(op, len, &v, &bad), OPR_VBT_TRUNCATED);
	assert_int_equal(bad, 0x2000 + 0x18);
	free(op);
	file_buf_free(&vbt);
}

/* OpRegion 2.0 keeps RVDA as a physical address: nothing to bound it against. */
static void absolute_rvda_without_mailbox_vbt(void **state)
{
	(void)state;
	size_t len, bad = 0;
	struct opregion_vbt v;
	uint8_t *op = opregion_new(2, 0, 0, &len);
	put64(op + OPREGION_RVDA_OFF, 0x7f000000);
	put32(op + OPREGION_RVDS_OFF, 0x2000);
	assert_int_equal(opregion_find_vbt(op, len, &v, &bad), OPR_RVDA_ABSOLUTE);
	free(op);
}

static void header_errors(void **state)
{
	(void)state;
	size_t len, bad = 0;
	struct opregion_info oi;
	struct opregion_vbt v;
	uint8_t *op = opregion_new(2, 1, 0, &len);

	assert_int_equal(opregion_header(op, OPREGION_HEADER_LEN - 1, &oi, &bad), OPR_TRUNCATED);
	assert_int_equal(opregion_find_vbt(op, 0x1000, &v, &bad), OPR_BAD_SIZE);	/* says 8 KiB, has 4 */
	assert_int_equal(bad, 0x10);
	assert_int_equal(opregion_find_vbt(op, len, &v, &bad), OPR_NO_VBT);
	put32(op + 0x10, 0);
	assert_int_equal(opregion_header(op, len, &oi, &bad), OPR_BAD_SIZE);
	put32(op + 0x10, 0xffffffffu);
	assert_int_equal(opregion_header(op, len, &oi, &bad), OPR_BAD_SIZE);
	put32(op + 0x10, 8);
	op[15] = 'X';
	assert_int_equal(opregion_header(op, len, &oi, &bad), OPR_BAD_SIGNATURE);
	assert_int_equal(bad, 0);
	free(op);
}

static void vbt_checks(void **state)
{
	(void)state;
	struct file_buf f = fixture_read("vbt/tgl-fsp.vbt");
	uint8_t *vbt = malloc(f.len);
	uint16_t size = 0;
	size_t bad = 0;
	memcpy(vbt, f.data, f.len);
	assert_int_equal(vbt_validate(vbt, f.len, &size, &bad), OPR_OK);
	assert_int_equal(size, 0x21da);
	assert_int_equal(vbt_validate(vbt, 0x21d9, &size, &bad), OPR_VBT_TRUNCATED);
	assert_int_equal(vbt_validate(vbt, 0x20, &size, &bad), OPR_VBT_TRUNCATED);
	assert_int_equal(vbt_validate(vbt, 3, &size, &bad), OPR_NO_VBT);

	uint32_t bdb = vbt[0x1c] | vbt[0x1d] << 8;
	vbt[bdb] = 'X';
	assert_int_equal(vbt_validate(vbt, f.len, &size, &bad), OPR_VBT_BAD_BDB);
	assert_int_equal(bad, bdb);
	vbt[bdb] = 'B';
	put32(vbt + 0x1c, 0x21da - 10);		/* BDB header would end past the VBT */
	assert_int_equal(vbt_validate(vbt, f.len, &size, &bad), OPR_VBT_BAD_BDB);
	put32(vbt + 0x1c, bdb);
	vbt[0x18] = 0x10;			/* VBT size 0x10: smaller than its own header */
	vbt[0x19] = 0x00;
	assert_int_equal(vbt_validate(vbt, f.len, &size, &bad), OPR_VBT_BAD_SIZE);
	free(vbt);
	file_buf_free(&f);
}

/* GetVbtData recomputes the checksum: the copy's bytes sum to 0 mod 256 afterwards. */
static void checksum_fixed(void **state)
{
	(void)state;
	struct file_buf f = fixture_read("vbt/adln-fsp.vbt");
	uint8_t *vbt = malloc(f.len);
	memcpy(vbt, f.data, f.len);
	vbt[0x100] ^= 0x5a;		/* stale checksum now */
	vbt_fix_checksum(vbt, 0x2221);
	unsigned sum = 0;
	for (size_t i = 0; i < 0x2221; i++)
		sum += vbt[i];
	assert_int_equal(sum % 256, 0);
	assert_memory_equal(vbt + 0x1b, f.data + 0x1b, 0x100 - 0x1b);
	free(vbt);
	file_buf_free(&f);
}

UNIT_MAIN(NULL, NULL, cmocka_unit_test(vfio_21_layout_finds_the_vbt_at_rvda),
	  cmocka_unit_test(mailbox4_for_old_opregions), cmocka_unit_test(asle_extension_shrinks_mailbox4),
	  cmocka_unit_test(hostile_rvda_rvds), cmocka_unit_test(absolute_rvda_without_mailbox_vbt),
	  cmocka_unit_test(header_errors), cmocka_unit_test(vbt_checks), cmocka_unit_test(checksum_fixed))
