/* tests for tools/fw/fv.c: volume headers, checksums, block maps, extended headers, file systems,
 * nested volumes and finding volumes in a region; images built with fwbuild.h. */
#include "helpers.h"
#include "fw/fw.h"
#include "fw/tree.h"
#include "fwbuild.h"

#include <string.h>

static const uint8_t nvram_fs[16] = { 0x8D, 0x2B, 0xF1, 0xFF, 0x96, 0x76, 0x8B, 0x4C, 0xA9, 0x85, 0x27, 0x47, 0x07, 0x5B, 0x4F, 0x50 };
static const uint8_t name_a[16] = { 0xA0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };

static struct fw_image *walk(const uint8_t *p, size_t len, struct diag *d)
{
	struct fw_image *img;
	diag_init(d);
	assert_int_equal(fw_open(p, len, &img, d), 0);
	return img;
}

static void test_header_checks(void **state)
{
	(void)state;
	struct tbuf files = { 0 }, v = { 0 };
	tb_volume(&v, 0x2000, &files);
	struct diag d;
	struct fw_image *img = walk(v.p, v.len, &d);
	assert_int_equal(d.n, 0);
	const struct fw_node *vol = fw_root(img)->first;
	assert_int_equal(vol->hdr_len, 0x48);
	assert_int_equal(vol->extra, 0x2000);
	assert_true(vol->flags & FWN_ERASE_ONE);
	fw_close(img);
	diag_free(&d);
	/* checksum */
	v.p[0x2C] ^= 0x01;
	img = walk(v.p, v.len, &d);
	assert_true(diag_has_at(&d, 0x32, "checksum"));
	fw_close(img);
	diag_free(&d);
	v.p[0x2C] ^= 0x01;
	/* block map says 1 block of 4 KiB for an 8 KiB volume */
	v.p[0x38] = 1;
	tb_fv_fix_checksum(v.p);
	img = walk(v.p, v.len, &d);
	assert_true(diag_has_at(&d, 0x38, "block map covers 0x1000"));
	fw_close(img);
	diag_free(&d);
	v.p[0x38] = 2;
	/* revision 1 is old but valid: a note */
	v.p[0x37] = 1;
	tb_fv_fix_checksum(v.p);
	img = walk(v.p, v.len, &d);
	assert_int_equal(d.errors, 0);
	assert_true(diag_has_at(&d, 0x37, "revision 1"));
	fw_close(img);
	diag_free(&d);
	tb_free(&v);
}

static void test_extended_header_and_fs(void **state)
{
	(void)state;
	struct tbuf files = { 0 }, v = { 0 }, secs = { 0 };
	/* extended header at 0x48: FvName + ExtHeaderSize 0x14; files from 0x60 */
	static const uint8_t fvname[16] = { 0xC9, 0xBD, 0xB8, 0x7C, 0xEB, 0xF8, 0x34, 0x4F, 0xAA, 0xEA, 0x3E, 0xE4, 0xAF, 0x65, 0x16, 0xA1 };
	tb_put(&files, fvname, 16);
	tb_u32(&files, 0x14);
	tb_fill(&files, 0xFF, 4);
	tb_section(&secs, 0x19, "$VBT behind an extended header.", 32);
	tb_ffs(&files, name_a, 0x02, secs.p, secs.len, 1);
	tb_volume(&v, 0x1000, &files);
	v.p[0x34] = 0x48;
	tb_fv_fix_checksum(v.p);
	struct diag d;
	struct fw_image *img = walk(v.p, v.len, &d);
	assert_int_equal(d.errors, 0);
	const struct fw_node *vol = fw_root(img)->first;
	assert_true(vol->flags & FWN_EXT_HEADER);
	assert_memory_equal(vol->guid2.b, fvname, 16);
	assert_int_equal(vol->first->off, 0x60);
	assert_int_equal(fw_candidates(img, FW_BLOB_VBT, NULL, 0, NULL, 0), 1);
	fw_close(img);
	diag_free(&d);
	/* ExtHeaderSize running off the volume */
	v.p[0x48 + 16 + 2] = 0x10;
	img = walk(v.p, v.len, &d);
	assert_true(diag_has_at(&d, 0x34, "extended header"));
	fw_close(img);
	diag_free(&d);
	/* a file system without FFS files (NVRAM): listed, a note, not walked */
	memcpy(v.p + 0x10, nvram_fs, 16);
	v.p[0x48 + 16 + 2] = 0;
	tb_fv_fix_checksum(v.p);
	img = walk(v.p, v.len, &d);
	assert_int_equal(d.errors, 0);
	assert_true(diag_has_at(&d, 0x10, "NVRAM"));
	assert_null(fw_root(img)->first->first);
	fw_close(img);
	diag_free(&d);
	tb_free(&files);
	tb_free(&v);
	tb_free(&secs);
}

static void test_nested_volume_overrun_and_region_scan(void **state)
{
	(void)state;
	/* inner volume inside a volume-image section of a file of an outer volume */
	struct tbuf inner_files = { 0 }, inner = { 0 }, secs = { 0 }, files = { 0 }, outer = { 0 }, region = { 0 };
	tb_volume(&inner, 0x1000, &inner_files);
	tb_section(&secs, 0x17, inner.p, inner.len);
	tb_ffs(&files, name_a, 0x0B, secs.p, secs.len, 1);
	tb_volume(&outer, 0x2000, &files);
	/* region: 0x800 bytes of zeros, the outer volume, 0x100 bytes of 0xFF, a bogus "_FVH" */
	tb_fill(&region, 0, 0x800);
	tb_put(&region, outer.p, outer.len);
	tb_fill(&region, 0xFF, 0x100);
	size_t bogus = region.len;
	tb_fill(&region, 0, 0x28);
	tb_put(&region, "_FVH", 4);
	tb_fill(&region, 0, 0x100);
	struct diag d;
	struct fw_image *img = walk(region.p, region.len, &d);
	assert_int_equal(fw_input_kind(img), FW_INPUT_BIOS_REGION);
	const struct fw_node *pad = fw_root(img)->first, *vol = pad->next;
	assert_int_equal(pad->kind, FWN_PADDING);
	assert_string_equal(pad->name, "zeros");
	assert_int_equal(vol->off, 0x800);
	const struct fw_node *nested = vol->first->first->first;
	assert_int_equal(nested->kind, FWN_VOLUME);
	assert_int_equal(nested->off, 0x800 + 0x48 + 24 + 4);
	assert_true(diag_has_at(&d, bogus + 0x30, "no volume header there"));
	fw_close(img);
	diag_free(&d);
	/* the nested volume claims 0x10000 bytes: overruns its section, an error at its FvLength */
	size_t fvlen_at = 0x800 + 0x48 + 24 + 4 + 0x20;
	region.p[fvlen_at + 2] = 0x01;
	tb_fv_fix_checksum(region.p + 0x800 + 0x48 + 24 + 4);
	img = walk(region.p, region.len, &d);
	assert_true(diag_has_at(&d, fvlen_at, "overruns its parent"));
	fw_close(img);
	diag_free(&d);
	tb_free(&inner_files);
	tb_free(&inner);
	tb_free(&secs);
	tb_free(&files);
	tb_free(&outer);
	tb_free(&region);
}

UNIT_MAIN(NULL, NULL, cmocka_unit_test(test_header_checks), cmocka_unit_test(test_extended_header_and_fs),
	  cmocka_unit_test(test_nested_volume_overrun_and_region_scan))
