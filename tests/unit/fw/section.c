/* tests for tools/fw/section.c (and inflate.c): every section kind, built here around real payloads.
 * Packers are independent of igdkit: liblzma's encoder, a stored Brotli meta-block written by hand
 * from RFC 7932, lzma_crc32, and the EFI compressor of tiano.h for the EFI 1.1 round trip. */
#include "helpers.h"
#include "fw/fw.h"
#include "fw/tiano.h"
#include "fw/tree.h"
#include "fwbuild.h"

#include <lzma.h>
#include <stdlib.h>
#include <string.h>

static const uint8_t gop_guid[16] = { 0xF3, 0xB4, 0x47, 0x16, 0x8A, 0x3E, 0xDD, 0x4F, 0x81, 0xC8, 0x32, 0x8E, 0xD6, 0x47, 0xAB, 0x1A };
static const uint8_t lzma_guid[16] = { 0x98, 0x58, 0x4E, 0xEE, 0x14, 0x39, 0x59, 0x42, 0x9D, 0x6E, 0xDC, 0x7B, 0xD7, 0x94, 0x03, 0xCF };
static const uint8_t f86_guid[16] = { 0xBD, 0xE6, 0x2A, 0xD4, 0x52, 0x13, 0xFB, 0x4B, 0x90, 0x9A, 0xCA, 0x72, 0xA6, 0xEA, 0xE8, 0x89 };
static const uint8_t brotli_guid[16] = { 0x50, 0x20, 0x53, 0x3D, 0xDA, 0x5C, 0xD0, 0x4F, 0x87, 0x9E, 0x0F, 0x7F, 0x63, 0x0D, 0x5A, 0xFB };
static const uint8_t crc_guid[16] = { 0xB0, 0xCD, 0x1B, 0xFC, 0x31, 0x7D, 0xAA, 0x49, 0x93, 0x6A, 0xA4, 0x60, 0x0D, 0x9D, 0xD0, 0x83 };
static const uint8_t odd_guid[16] = { 0xAA, 0xBB, 0xCC, 0xDD, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };
static const uint8_t raw_file[16] = { 0x42, 0x42, 0x42, 0x42, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };

/* .lzma ("alone") stream as EDK2 writes it: props, dictionary, size, then LZMA1 data (here with an end marker). */
static void lzma_alone(struct tbuf *out, const uint8_t *p, size_t n, bool x86)
{
	lzma_options_lzma opt;
	assert_false(lzma_lzma_preset(&opt, 6));
	lzma_filter f[3];
	int k = 0;
	if (x86)
		f[k++] = (lzma_filter){ .id = LZMA_FILTER_X86, .options = NULL };
	f[k++] = (lzma_filter){ .id = LZMA_FILTER_LZMA1, .options = &opt };
	f[k] = (lzma_filter){ .id = LZMA_VLI_UNKNOWN, .options = NULL };
	uint8_t props[5];
	lzma_filter pf = { .id = LZMA_FILTER_LZMA1, .options = &opt };
	assert_int_equal(lzma_properties_encode(&pf, props), LZMA_OK);
	size_t cap = n + n / 2 + 4096, pos = 0;
	uint8_t *buf = malloc(cap);
	assert_int_equal(lzma_raw_buffer_encode(f, NULL, p, n, buf, &pos, cap), LZMA_OK);
	tb_put(out, props, 5);
	tb_u64(out, n);
	tb_put(out, buf, pos);
	free(buf);
}

/* RFC 7932: WBITS=16 (one 0 bit), a meta-block ISLAST=0, MNIBBLES=4, MLEN-1, ISUNCOMPRESSED=1, the
   bytes, then an empty last meta-block. EDK2 puts the decoded size and a scratch size (u64 each) first. */
static void brotli_section_body(struct tbuf *out, const uint8_t *p, size_t n)
{
	tb_u64(out, n);
	tb_u64(out, 0x1000);
	uint32_t v = (uint32_t)(n - 1) << 4 | 1u << 20;
	tb_u8(out, (uint8_t)v);
	tb_u8(out, (uint8_t)(v >> 8));
	tb_u8(out, (uint8_t)(v >> 16));
	tb_put(out, p, n);
	tb_u8(out, 0x03);
}

/* volume { DXE driver GOP { sections } } */
static struct fw_image *image_of(const struct tbuf *sections, uint8_t file_type, struct tbuf *keep, struct diag *d)
{
	struct tbuf files = { 0 };
	tb_ffs(&files, gop_guid, file_type, sections->p, sections->len, 1);
	memset(keep, 0, sizeof(*keep));
	size_t size = (0x48 + files.len + 0xFFF) & ~(size_t)0xFFF;
	tb_volume(keep, size, &files);
	tb_free(&files);
	struct fw_image *img;
	diag_init(d);
	assert_int_equal(fw_open(keep->p, keep->len, &img, d), 0);
	return img;
}

static void assert_gop_is(const struct fw_image *img, const struct file_buf *want, enum fw_comp comp)
{
	struct fw_blob b;
	struct diag d;
	diag_init(&d);
	assert_int_equal(fw_find_gop(img, 0, &b, &d), 0);
	assert_int_equal(b.len, want->len);
	assert_memory_equal(b.data, want->data, want->len);
	assert_string_equal(b.ui_name, "IntelGopDriver");
	const struct fw_node *n = b.section;
	while (n && n->kind == FWN_SECTION && !n->comp)
		n = n->parent;
	assert_non_null(n);
	assert_int_equal(n->comp, comp);
	diag_free(&d);
}

static void gop_packed(const uint8_t guid[16], bool x86)
{
	struct file_buf gop = fixture_read("gop-efi/tgl.efi");
	struct tbuf inner = { 0 }, packed = { 0 }, secs = { 0 }, img_bytes;
	tb_section(&inner, 0x10, gop.data, gop.len);
	tb_section_ui(&inner, "IntelGopDriver");
	lzma_alone(&packed, inner.p, inner.len, x86);
	tb_section_guided(&secs, guid, 0x01, NULL, 0, packed.p, packed.len);
	struct diag d;
	struct fw_image *img = image_of(&secs, 0x07, &img_bytes, &d);
	assert_int_equal(d.errors, 0);
	assert_gop_is(img, &gop, x86 ? FW_COMP_LZMA_F86 : FW_COMP_LZMA);
	fw_close(img);
	diag_free(&d);
	tb_free(&inner);
	tb_free(&packed);
	tb_free(&secs);
	tb_free(&img_bytes);
	file_buf_free(&gop);
}

static void test_lzma(void **state)
{
	(void)state;
	gop_packed(lzma_guid, false);
}

static void test_lzma_x86(void **state)
{
	(void)state;
	gop_packed(f86_guid, true);
}

static void test_brotli(void **state)
{
	(void)state;
	struct file_buf vbt = fixture_read("vbt/tgl-fsp.vbt");
	struct tbuf inner = { 0 }, packed = { 0 }, secs = { 0 }, bytes;
	tb_section(&inner, 0x19, vbt.data, vbt.len);
	brotli_section_body(&packed, inner.p, inner.len);
	tb_section_guided(&secs, brotli_guid, 0x01, NULL, 0, packed.p, packed.len);
	struct diag d;
	struct fw_image *img = image_of(&secs, 0x02, &bytes, &d);
	assert_int_equal(d.errors, 0);
	struct fw_blob b;
	assert_int_equal(fw_find_vbt(img, 0, &b, &d), 0);
	assert_int_equal(b.len, vbt.len);
	assert_memory_equal(b.data, vbt.data, vbt.len);
	assert_int_equal(b.section->parent->comp, FW_COMP_BROTLI);
	fw_close(img);
	diag_free(&d);
	tb_free(&bytes);
	/* the decoded size in the header lies: an error naming the Brotli data, nothing overruns */
	tb_free(&secs);
	secs = (struct tbuf){ 0 };
	packed.p[0] = (uint8_t)(packed.p[0] + 1);
	tb_section_guided(&secs, brotli_guid, 0x01, NULL, 0, packed.p, packed.len);
	img = image_of(&secs, 0x02, &bytes, &d);
	assert_true(d.errors >= 1);
	assert_non_null(strstr(diag_last(&d), "Brotli"));
	assert_int_equal(fw_candidates(img, FW_BLOB_VBT, NULL, 0, NULL, 0), 0);
	fw_close(img);
	diag_free(&d);
	tb_free(&inner);
	tb_free(&packed);
	tb_free(&secs);
	tb_free(&bytes);
	file_buf_free(&vbt);
}

static void test_efi_compression_section(void **state)
{
	(void)state;
	struct file_buf gop = fixture_read("gop-efi/cml.efi");
	struct tbuf inner = { 0 }, secs = { 0 }, bytes, body = { 0 };
	tb_section(&inner, 0x10, gop.data, gop.len);
	tb_section_ui(&inner, "IntelGopDriver");
	uint8_t *c;
	size_t clen;
	assert_int_equal(efi_compress(inner.p, inner.len, &c, &clen), 0);
	tb_u32(&body, (uint32_t)inner.len);
	tb_u8(&body, 1);	/* EFI_STANDARD_COMPRESSION */
	tb_put(&body, c, clen);
	tb_section(&secs, 0x01, body.p, body.len);
	struct diag d;
	struct fw_image *img = image_of(&secs, 0x07, &bytes, &d);
	assert_int_equal(d.errors, 0);
	assert_gop_is(img, &gop, FW_COMP_EFI);
	fw_close(img);
	diag_free(&d);
	free(c);
	tb_free(&inner);
	tb_free(&secs);
	tb_free(&bytes);
	tb_free(&body);
	file_buf_free(&gop);
}

static void test_crc32_and_unknown_guided(void **state)
{
	(void)state;
	struct file_buf vbt = fixture_read("vbt/icl-fsp.vbt");
	struct tbuf inner = { 0 }, secs = { 0 }, bytes;
	tb_section(&inner, 0x19, vbt.data, vbt.len);
	uint32_t crc = lzma_crc32(inner.p, inner.len, 0);
	uint8_t crcb[4] = { (uint8_t)crc, (uint8_t)(crc >> 8), (uint8_t)(crc >> 16), (uint8_t)(crc >> 24) };
	tb_section_guided(&secs, crc_guid, 0x02, crcb, 4, inner.p, inner.len);
	struct diag d;
	struct fw_image *img = image_of(&secs, 0x02, &bytes, &d);
	assert_int_equal(d.errors, 0);
	assert_int_equal(fw_candidates(img, FW_BLOB_VBT, NULL, 0, NULL, 0), 1);
	fw_close(img);
	diag_free(&d);
	tb_free(&bytes);
	/* wrong CRC: an error at the CRC field (volume 0x48 + file header 24 + section header 24), walk goes on */
	crcb[0] ^= 0xFF;
	tb_free(&secs);
	tb_section_guided(&secs, crc_guid, 0x02, crcb, 4, inner.p, inner.len);
	img = image_of(&secs, 0x02, &bytes, &d);
	assert_int_equal(d.errors, 1);
	assert_int_equal(d.v[0].off, 0x48 + 24 + 24);
	assert_non_null(strstr(d.v[0].msg, "CRC32"));
	assert_int_equal(fw_candidates(img, FW_BLOB_VBT, NULL, 0, NULL, 0), 1);
	fw_close(img);
	diag_free(&d);
	tb_free(&bytes);
	/* unknown GUID: walked when no processing is required, left alone (a note) when it is */
	tb_free(&secs);
	tb_section_guided(&secs, odd_guid, 0x00, NULL, 0, inner.p, inner.len);
	img = image_of(&secs, 0x02, &bytes, &d);
	assert_int_equal(fw_candidates(img, FW_BLOB_VBT, NULL, 0, NULL, 0), 1);
	fw_close(img);
	diag_free(&d);
	tb_free(&bytes);
	tb_free(&secs);
	tb_section_guided(&secs, odd_guid, 0x01, NULL, 0, inner.p, inner.len);
	img = image_of(&secs, 0x02, &bytes, &d);
	assert_int_equal(fw_candidates(img, FW_BLOB_VBT, NULL, 0, NULL, 0), 0);
	assert_int_equal(d.errors, 0);
	assert_non_null(strstr(d.v[0].msg, "needs processing"));
	fw_close(img);
	diag_free(&d);
	tb_free(&bytes);
	tb_free(&secs);
	tb_free(&inner);
	file_buf_free(&vbt);
}

static void test_lzma_budget_and_garbage(void **state)
{
	(void)state;
	struct tbuf body = { 0 }, secs = { 0 }, bytes;
	/* props 0x5D, 8 MiB dictionary, 1 TiB claimed: refused before allocating */
	tb_u8(&body, 0x5D);
	tb_u32(&body, 1u << 23);
	tb_u64(&body, (uint64_t)1 << 40);
	tb_fill(&body, 0, 64);
	tb_section_guided(&secs, lzma_guid, 0x01, NULL, 0, body.p, body.len);
	struct diag d;
	struct fw_image *img = image_of(&secs, 0x07, &bytes, &d);
	assert_int_equal(d.errors, 1);
	assert_non_null(strstr(d.v[0].msg, "over the budget"));
	assert_int_equal(d.v[0].off, 0x48 + 24 + 24 + 5);
	assert_int_equal(fw_inflated_bytes(img), 0);
	fw_close(img);
	diag_free(&d);
	tb_free(&bytes);
	/* invalid properties byte (lc/lp/pb out of range), with a believable size */
	body.p[0] = 0xFF;
	memset(body.p + 5, 0, 8);
	body.p[5] = 16;
	tb_free(&secs);
	tb_section_guided(&secs, lzma_guid, 0x01, NULL, 0, body.p, body.len);
	img = image_of(&secs, 0x07, &bytes, &d);
	assert_int_equal(d.errors, 1);
	assert_non_null(strstr(d.v[0].msg, "properties"));
	fw_close(img);
	diag_free(&d);
	tb_free(&bytes);
	tb_free(&secs);
	tb_free(&body);
}

static void test_nesting_limit(void **state)
{
	(void)state;
	/* 40 uncompressed compression sections inside each other around a raw section */
	struct tbuf cur = { 0 };
	tb_section(&cur, 0x19, "$VBT deep", 9);
	for (int i = 0; i < 40; i++) {
		struct tbuf outer = { 0 }, body = { 0 };
		tb_u32(&body, (uint32_t)cur.len);
		tb_u8(&body, 0);
		tb_put(&body, cur.p, cur.len);
		tb_section(&outer, 0x01, body.p, body.len);
		tb_free(&cur);
		tb_free(&body);
		cur = outer;
	}
	struct tbuf bytes;
	struct diag d;
	struct fw_image *img = image_of(&cur, 0x02, &bytes, &d);
	bool deep = false;
	for (size_t i = 0; i < d.n; i++)
		deep = deep || strstr(d.v[i].msg, "nesting deeper");
	assert_true(deep);
	fw_close(img);
	diag_free(&d);
	tb_free(&bytes);
	tb_free(&cur);
}

static void test_sizes_extended_and_overrun(void **state)
{
	(void)state;
	struct file_buf vbt = fixture_read("vbt/kbl-fsp.vbt");
	struct tbuf secs = { 0 }, bytes;
	/* extended-size raw section: Size 0xFFFFFF, then ExtendedSize u32 */
	tb_u24(&secs, 0xFFFFFF);
	tb_u8(&secs, 0x19);
	tb_u32(&secs, (uint32_t)(8 + vbt.len));
	tb_put(&secs, vbt.data, vbt.len);
	struct diag d;
	struct fw_image *img = image_of(&secs, 0x02, &bytes, &d);
	assert_int_equal(d.errors, 0);
	struct fw_blob b;
	assert_int_equal(fw_find_vbt(img, 0, &b, &d), 0);
	assert_int_equal(b.len, vbt.len);
	assert_memory_equal(b.data, vbt.data, vbt.len);
	fw_close(img);
	diag_free(&d);
	tb_free(&bytes);
	/* a section claiming more than its file: an error at that section, the bytes that are there still walked */
	secs.p[4] = (uint8_t)(secs.p[4] + 0x40);
	img = image_of(&secs, 0x02, &bytes, &d);
	assert_int_equal(d.errors, 1);
	assert_int_equal(d.v[0].off, 0x48 + 24);
	assert_non_null(strstr(d.v[0].msg, "overruns"));
	fw_close(img);
	diag_free(&d);
	tb_free(&bytes);
	tb_free(&secs);
	/* a raw file holds data, not sections: its body is the VBT */
	struct tbuf files = { 0 }, vol = { 0 };
	tb_ffs(&files, raw_file, 0x01, vbt.data, vbt.len, 1);
	tb_volume(&vol, 0x2000, &files);
	diag_init(&d);
	assert_int_equal(fw_open(vol.p, vol.len, &img, &d), 0);
	assert_int_equal(fw_find_vbt(img, 0, &b, &d), 0);
	assert_int_equal(b.len, vbt.len);
	assert_null(b.section);
	fw_close(img);
	diag_free(&d);
	tb_free(&files);
	tb_free(&vol);
	file_buf_free(&vbt);
}

UNIT_MAIN(NULL, NULL, cmocka_unit_test(test_lzma), cmocka_unit_test(test_lzma_x86), cmocka_unit_test(test_brotli),
	  cmocka_unit_test(test_efi_compression_section), cmocka_unit_test(test_crc32_and_unknown_guided),
	  cmocka_unit_test(test_lzma_budget_and_garbage), cmocka_unit_test(test_nesting_limit),
	  cmocka_unit_test(test_sizes_extended_and_overrun))
