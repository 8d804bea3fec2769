/* tests for tools/fw/ffs.c: checksums, state bits, erase polarity, pad files, alignment, large files,
 * free space; images built with fwbuild.h (offsets known from the construction). */
#include "helpers.h"
#include "fw/fw.h"
#include "fw/tree.h"
#include "fwbuild.h"

#include <string.h>

static const uint8_t name_a[16] = { 0xA0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };
static const uint8_t name_b[16] = { 0xB0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };

#define FILES 0x48	/* where files begin in a tb_volume (no extended header) */

static struct fw_image *walk(const struct tbuf *v, struct diag *d)
{
	struct fw_image *img;
	diag_init(d);
	assert_int_equal(fw_open(v->p, v->len, &img, d), 0);
	return img;
}

static const struct fw_node *nth_child(const struct fw_node *n, size_t k)
{
	const struct fw_node *c = n->first;
	while (c && k--)
		c = c->next;
	return c;
}

static void test_checksums(void **state)
{
	(void)state;
	struct tbuf secs = { 0 }, files = { 0 }, v = { 0 };
	tb_section(&secs, 0x19, "payload!", 8);
	tb_ffs(&files, name_a, 0x02, secs.p, secs.len, 1);
	size_t second = files.len;
	second = (second + 7) & ~(size_t)7;
	tb_ffs(&files, name_b, 0x02, secs.p, secs.len, 1);
	tb_volume(&v, 0x1000, &files);
	struct diag d;
	struct fw_image *img = walk(&v, &d);
	assert_int_equal(d.errors, 0);
	const struct fw_node *vol = fw_root(img)->first, *f = vol->first;
	assert_int_equal(f->kind, FWN_FILE);
	assert_int_equal(f->off, FILES);
	assert_string_equal(fw_file_state_name(f->state), "valid");
	assert_int_equal(nth_child(vol, 1)->off, FILES + second);
	assert_int_equal(nth_child(vol, 2)->kind, FWN_FREE);
	fw_close(img);
	diag_free(&d);

	/* data checksum: one byte of data changed; error at FileChecksum, next file still walked */
	v.p[FILES + 24 + 4] ^= 0x01;
	img = walk(&v, &d);
	assert_int_equal(d.errors, 1);
	assert_true(diag_has_at(&d, FILES + 0x11, "data checksum"));
	assert_int_equal(nth_child(fw_root(img)->first, 1)->kind, FWN_FILE);
	fw_close(img);
	diag_free(&d);
	v.p[FILES + 24 + 4] ^= 0x01;

	/* header checksum */
	v.p[FILES + 0x12] = 0x01;	/* type changed without fixing the checksum */
	img = walk(&v, &d);
	assert_true(diag_has_at(&d, FILES + 0x10, "header checksum"));
	fw_close(img);
	diag_free(&d);
	v.p[FILES + 0x12] = 0x02;

	/* no checksum attribute: FileChecksum must be 0xAA */
	v.p[FILES + 0x13] = 0x00;
	tb_ffs_fix_checksum(v.p + FILES);
	img = walk(&v, &d);
	assert_true(diag_has_at(&d, FILES + 0x11, "must be 0xAA"));
	fw_close(img);
	diag_free(&d);
	v.p[FILES + 0x11] = 0xAA;
	img = walk(&v, &d);
	assert_int_equal(d.errors + d.n, 0);
	fw_close(img);
	diag_free(&d);
	tb_free(&secs);
	tb_free(&files);
	tb_free(&v);
}

static void test_state_and_erase_polarity(void **state)
{
	(void)state;
	struct tbuf secs = { 0 }, files = { 0 }, v = { 0 };
	tb_section(&secs, 0x19, "$VBT zero-erased vol", 20);
	tb_ffs(&files, name_a, 0x02, secs.p, secs.len, 0);
	tb_volume_ex(&v, 0x1000, &files, tb_ffs2_guid, 0x0004F6FF);	/* erase polarity 0 */
	struct diag d;
	struct fw_image *img = walk(&v, &d);
	assert_int_equal(d.errors, 0);
	const struct fw_node *vol = fw_root(img)->first;
	assert_false(vol->flags & FWN_ERASE_ONE);
	assert_string_equal(fw_file_state_name(vol->first->state), "valid");
	assert_int_equal(vol->last->kind, FWN_FREE);
	assert_string_equal(vol->last->name, "erased (0x00)");
	fw_close(img);
	diag_free(&d);
	/* deleted (state bit 0x10 set): a note, and the file is still listed */
	v.p[FILES + 0x17] = 0x17;
	img = walk(&v, &d);
	assert_string_equal(fw_file_state_name(fw_root(img)->first->first->state), "deleted");
	assert_true(diag_has_at(&d, FILES + 0x17, "deleted"));
	assert_int_equal(d.errors, 0);
	fw_close(img);
	diag_free(&d);
	tb_free(&secs);
	tb_free(&files);
	tb_free(&v);
}

static void test_pad_alignment_free_space(void **state)
{
	(void)state;
	struct tbuf files = { 0 }, v = { 0 }, pad = { 0 };
	static const uint8_t ff[16] = { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF };
	tb_fill(&pad, 0xFF, 40);
	tb_ffs(&files, ff, 0xF0, pad.p, pad.len, 1);
	pad.p[7] = 0x00;
	tb_ffs(&files, ff, 0xF0, pad.p, pad.len, 1);
	size_t third = (files.len + 7) & ~(size_t)7;
	tb_ffs(&files, name_a, 0x01, "raw!", 4, 1);
	tb_volume(&v, 0x1000, &files);
	/* the raw file asks for 4 KiB data alignment it does not have */
	v.p[FILES + third + 0x13] |= 5 << 3;
	tb_ffs_fix_checksum(v.p + FILES + third);
	/* stray data inside the free space at 0x400 */
	v.p[0x400] = 0x12;
	struct diag d;
	struct fw_image *img = walk(&v, &d);
	size_t pad2 = (FILES + 24 + 40 + 7) & ~(size_t)7;
	assert_true(diag_has_at(&d, pad2 + 24 + 7, "pad file holds data"));
	assert_true(diag_has_at(&d, FILES + third, "4096-byte aligned"));
	assert_true(diag_has_at(&d, 0x400, "inside the free space"));
	const struct fw_node *vol = fw_root(img)->first;
	assert_int_equal(nth_child(vol, 0)->type, 0xF0);
	assert_int_equal(nth_child(vol, 2)->type, 0x01);
	assert_int_equal(vol->last->kind, FWN_FREE);
	fw_close(img);
	diag_free(&d);
	tb_free(&files);
	tb_free(&v);
	tb_free(&pad);
}

static void test_large_file_ffs3(void **state)
{
	(void)state;
	struct tbuf files = { 0 }, v = { 0 }, secs = { 0 };
	tb_section(&secs, 0x19, "$VBT in a large file of an FFSv3 volume", 40);
	/* header: name, checksums, type, attributes 0x41 (large, checksum), size 0xFFFFFF... then ExtendedSize u64 */
	uint8_t h[32] = { 0 };
	memcpy(h, name_a, 16);
	h[0x12] = 0x02;
	h[0x13] = 0x41;
	h[0x14] = h[0x15] = h[0x16] = 0;
	uint64_t size = 32 + secs.len;
	for (int i = 0; i < 8; i++)
		h[0x18 + i] = (uint8_t)(size >> (8 * i));
	uint8_t s = 0;
	for (int i = 0; i < 32; i++)
		s = (uint8_t)(s + h[i]);
	h[0x10] = (uint8_t)(0x100 - s);
	uint8_t ds = 0;
	for (size_t i = 0; i < secs.len; i++)
		ds = (uint8_t)(ds + secs.p[i]);
	h[0x11] = (uint8_t)(0x100 - ds);
	h[0x17] = (uint8_t)~0x07;
	tb_put(&files, h, 32);
	tb_put(&files, secs.p, secs.len);
	tb_volume_ex(&v, 0x1000, &files, tb_ffs3_guid, 0x0004FEFF);
	struct diag d;
	struct fw_image *img = walk(&v, &d);
	assert_int_equal(d.errors, 0);
	const struct fw_node *f = fw_root(img)->first->first;
	assert_true(fw_root(img)->first->flags & FWN_FFS3);
	assert_true(f->flags & FWN_LARGE);
	assert_int_equal(f->hdr_len, 32);
	assert_int_equal(f->len, size);
	assert_int_equal(fw_candidates(img, FW_BLOB_VBT, NULL, 0, NULL, 0), 1);
	fw_close(img);
	diag_free(&d);
	/* the same bytes in an FFSv2 volume: no large files there, so size 0 is an error at the size field */
	memcpy(v.p + 0x10, tb_ffs2_guid, 16);
	tb_fv_fix_checksum(v.p);
	img = walk(&v, &d);
	assert_true(diag_has_at(&d, FILES + 0x14, "smaller than its"));
	fw_close(img);
	diag_free(&d);
	tb_free(&files);
	tb_free(&v);
	tb_free(&secs);
}

static void test_file_overruns_volume(void **state)
{
	(void)state;
	struct tbuf files = { 0 }, v = { 0 }, secs = { 0 };
	tb_section(&secs, 0x19, "0123456789abcdef", 16);
	tb_ffs(&files, name_a, 0x02, secs.p, secs.len, 1);
	tb_volume(&v, 0x1000, &files);
	v.p[FILES + 0x15] = 0x20;	/* size 0x2000 + ... */
	tb_ffs_fix_checksum(v.p + FILES);
	struct diag d;
	struct fw_image *img = walk(&v, &d);
	assert_true(diag_has_at(&d, FILES + 0x14, "overruns its volume"));
	fw_close(img);
	diag_free(&d);
	tb_free(&files);
	tb_free(&v);
	tb_free(&secs);
}

UNIT_MAIN(NULL, NULL, cmocka_unit_test(test_checksums), cmocka_unit_test(test_state_and_erase_polarity),
	  cmocka_unit_test(test_pad_alignment_free_space), cmocka_unit_test(test_large_file_ffs3),
	  cmocka_unit_test(test_file_overruns_volume))
