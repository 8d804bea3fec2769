/* tests for tools/rom/vbt.c: the 13 VBT fixtures, VBTs inside VBIOS images, hostile VBTs
 *
 * Expected values come from SOURCE.md (signatures, BDB versions of gm45/ivb/ptl) and from a
 * python3 walk of each file (struct.unpack of the header, sum of vbt_size bytes, i915-style
 * block walk {u8 id, u16 size} from the BDB header to bdb_size).
 */
#include "helpers.h"
#include "rom/vbt.h"

#include <stdlib.h>
#include <string.h>

static const struct {
	const char *path;
	const char *platform;
	uint16_t vbt_size, bdb_version;
	bool checksum_ok;
	size_t nblocks;
	bool past_bdb;
} vbts[] = {
	{ "vbt/adln-fsp.vbt", "ALDERLAKE-P", 8737, 256, true, 20, true },
	{ "vbt/adlp-fsp.vbt", "ALDERLAKE-P", 8727, 253, true, 20, true },
	{ "vbt/apl-fsp.vbt", "BROXTON", 6154, 207, true, 31, true },
	{ "vbt/bsw-fsp.vbt", "CHERRYVIEW", 4659, 195, true, 31, false },
	{ "vbt/cfl-fsp.vbt", "SKYLAKE", 4517, 228, true, 28, true },
	{ "vbt/cml-fsp.vbt", "SKYLAKE", 4517, 228, true, 28, true },
	{ "vbt/gm45-t400.vbt", "CANTIGA", 3863, 155, false, 31, false },
	{ "vbt/icl-fsp.vbt", "ICELAKE", 5947, 228, true, 19, true },
	{ "vbt/ivb-t430.vbt", "SNB/IVB-MOBILE", 4459, 168, false, 37, false },
	{ "vbt/kbl-fsp.vbt", "SKYLAKE", 4517, 228, true, 28, true },
	{ "vbt/mtl-fsp.vbt", "METEORLAKE", 7323, 261, false, 20, true },
	{ "vbt/ptl-crb.vbt", "PANTHERLAKE", 7323, 261, true, 20, true },
	{ "vbt/tgl-fsp.vbt", "TIGERLAKE", 8666, 250, true, 20, true },
	{ "gop-n150-adln/vbt.bin", "ALDERLAKE-P", 8737, 256, true, 20, true },
	{ "ovmf-gop-cml/vbt.bin", "SKYLAKE", 4517, 228, true, 28, true },
};
#define NVBTS (sizeof(vbts) / sizeof(vbts[0]))

static int parse(const uint8_t *p, size_t n, struct vbt_info *v, struct diag *d)
{
	struct reader r;
	diag_init(d);
	rd_init(&r, p, n, 0, d);
	return vbt_parse(&r, v);
}

static void test_fixtures(void **state)
{
	(void)state;
	for (size_t k = 0; k < NVBTS; k++) {
		struct file_buf fb = fixture_read(vbts[k].path);
		struct vbt_info v;
		struct diag d;
		assert_int_equal(parse(fb.data, fb.len, &v, &d), 0);
		assert_int_equal(d.errors, 0);
		assert_string_equal(v.platform, vbts[k].platform);
		assert_int_equal(strncmp(v.signature, "$VBT ", 5), 0);
		assert_int_equal(v.version, 100);
		assert_int_equal(v.header_size, 0x30);
		assert_int_equal(v.bdb_offset, 0x30);
		assert_int_equal(v.vbt_size, vbts[k].vbt_size);
		assert_int_equal(v.bdb_version, vbts[k].bdb_version);
		assert_int_equal(v.checksum_ok, vbts[k].checksum_ok);
		assert_int_equal(v.nblocks, vbts[k].nblocks);
		assert_int_equal(v.last_block_past_bdb, vbts[k].past_bdb);
		/* block 2 (general definitions) is in every VBT i915 can use */
		assert_true(vbt_has_block(&v, 2));
		diag_free(&d);
		file_buf_free(&fb);
	}
}

/* SOURCE.md: gm45-t400.vbt is 3863 bytes, not a multiple of 512: the VBT fills the file exactly. */
static void test_exact_fit(void **state)
{
	(void)state;
	struct file_buf fb = fixture_read("vbt/gm45-t400.vbt");
	struct vbt_info v;
	struct diag d;
	assert_int_equal(fb.len, 3863);
	assert_int_equal(parse(fb.data, fb.len, &v, &d), 0);
	assert_int_equal(v.vbt_size, fb.len);
	diag_free(&d);
	file_buf_free(&fb);
}

static void test_find(void **state)
{
	(void)state;
	struct file_buf fb = fixture_read("vbios-legacy/bsw-22b0-vbios.rom");
	struct reader r;
	size_t at;
	rd_init(&r, fb.data, fb.len, 0, NULL);
	assert_true(vbt_find(&r, 0, &at));
	assert_int_equal(at, 0xaf0);	/* xxd: "$VBT CHERRYVIEW" at 0xaf0 */
	assert_false(vbt_find(&r, 0xaf1, &at));
	file_buf_free(&fb);
	fb = fixture_read("vbios-legacy/amd-kabini-vbios.rom");
	rd_init(&r, fb.data, fb.len, 0, NULL);
	assert_false(vbt_find(&r, 0, &at));
	file_buf_free(&fb);
}

/* Any cut before vbt_size is an error with an offset; exact-size copies let ASan see overreads. */
static void test_truncations(void **state)
{
	(void)state;
	for (size_t k = 0; k < NVBTS; k++) {
		struct file_buf fb = fixture_read(vbts[k].path);
		for (size_t n = 0; n < vbts[k].vbt_size; n += n < 64 ? 1 : 7) {
			uint8_t *c = malloc(n ? n : 1);
			struct vbt_info v;
			struct diag d;
			memcpy(c, fb.data, n);
			assert_int_equal(parse(c, n, &v, &d), -1);
			assert_true(d.errors > 0);
			assert_true(d.v[d.n - 1].off != DIAG_NO_OFFSET);
			diag_free(&d);
			free(c);
		}
		file_buf_free(&fb);
	}
}

static void expect_error(uint8_t *p, size_t n, const char *needle, uint64_t off)
{
	struct vbt_info v;
	struct diag d;
	assert_int_equal(parse(p, n, &v, &d), -1);
	assert_non_null(strstr(diag_last(&d), needle));
	bool found = false;
	for (size_t i = 0; i < d.n; i++)
		if (d.v[i].level == DIAG_ERROR && d.v[i].off == off)
			found = true;
	assert_true(found);
	diag_free(&d);
}

static void test_corruptions(void **state)
{
	(void)state;
	struct file_buf fb = fixture_read("vbt/kbl-fsp.vbt");
	uint8_t *p = malloc(fb.len);

	memcpy(p, fb.data, fb.len);
	p[1] = 'X';
	expect_error(p, fb.len, "expected '$VBT'", 0);

	memcpy(p, fb.data, fb.len);
	put_le16(p + 0x18, 0xffff);
	expect_error(p, fb.len, "VBT size 0xffff runs past", 0x18);

	memcpy(p, fb.data, fb.len);
	put_le32(p + 0x1c, 0x7fffffff);
	expect_error(p, fb.len, "BDB offset 0x7fffffff", 0x1c);

	memcpy(p, fb.data, fb.len);
	p[0x30] = 'X';
	expect_error(p, fb.len, "BIOS_DATA_BLOCK", 0x30);

	memcpy(p, fb.data, fb.len);
	put_le16(p + 0x30 + 20, 0xfff0);
	expect_error(p, fb.len, "BDB size 0xfff0 runs past", 0x30 + 20);

	memcpy(p, fb.data, fb.len);
	put_le16(p + 0x30 + 18, 3);
	expect_error(p, fb.len, "BDB header size 0x3", 0x30 + 18);

	/* first block (at BDB + 22) claims 0xff00 bytes */
	memcpy(p, fb.data, fb.len);
	put_le16(p + 0x30 + 22 + 1, 0xff00);
	expect_error(p, fb.len, "runs past the BDB", 0x30 + 22);

	/* the checksum is only a note */
	memcpy(p, fb.data, fb.len);
	p[0x1a] ^= 0x55;
	struct vbt_info v;
	struct diag d;
	assert_int_equal(parse(p, fb.len, &v, &d), 0);
	assert_false(v.checksum_ok);
	assert_int_equal(d.errors, 0);
	diag_free(&d);

	free(p);
	file_buf_free(&fb);
}

UNIT_MAIN(NULL, NULL, cmocka_unit_test(test_fixtures), cmocka_unit_test(test_exact_fit), cmocka_unit_test(test_find),
	  cmocka_unit_test(test_truncations), cmocka_unit_test(test_corruptions))
