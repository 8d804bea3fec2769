/* tests for tools/fw/tiano.c and tiano_compress.c: real EFI 1.1 sections inflate to PE/TE images,
 * hostile streams fail with offsets, and the compressor round-trips every GOP driver */
#include "helpers.h"
#include "fw/tiano.h"

#include <stdlib.h>
#include <string.h>

/*
 * EFI_COMPRESSION_SECTION (type 0x01, CompressionType 1) headers in the FSP images, found with a
 * python3 scan for "24-bit size, 0x01, u32 UncompressedLength, u8 1" whose stream header repeats
 * UncompressedLength as OrigSize. The counts (9 and 13) are UEFIExtract's (EXPECTED.md).
 */
struct comp_section {
	const char *image;
	size_t off;		/* section header */
	uint32_t orig, comp;
};

static const struct comp_section fsp_sections[] = {
	{ "fsp-fv/kbl-Fsp.fd", 0x2010, 20262, 12167 },
	{ "fsp-fv/kbl-Fsp.fd", 0x4fd8, 1998, 1131 },
	{ "fsp-fv/kbl-Fsp.fd", 0x5470, 47908, 28425 },
	{ "fsp-fv/kbl-Fsp.fd", 0xc3d0, 10122, 6502 },
	{ "fsp-fv/kbl-Fsp.fd", 0xdd9c, 145638, 81184 },
	{ "fsp-fv/kbl-Fsp.fd", 0x21b10, 1386, 738 },
	{ "fsp-fv/kbl-Fsp.fd", 0x21e48, 4846, 3061 },
	{ "fsp-fv/kbl-Fsp.fd", 0x22a90, 7754, 5003 },
	{ "fsp-fv/kbl-Fsp.fd", 0x23e70, 1822, 1063 },
	{ "fsp-fv/tgl-Fsp.fd", 0x384c, 224998, 139183 },
	{ "fsp-fv/tgl-Fsp.fd", 0x25874, 25442, 15073 },
	{ "fsp-fv/tgl-Fsp.fd", 0x293a8, 24422, 15530 },
	{ "fsp-fv/tgl-Fsp.fd", 0x2d0bc, 2054, 1174 },
	{ "fsp-fv/tgl-Fsp.fd", 0x2d5cc, 4302, 2653 },
	{ "fsp-fv/tgl-Fsp.fd", 0x2e0a4, 14342, 9172 },
	{ "fsp-fv/tgl-Fsp.fd", 0x304e4, 2138, 1209 },
	{ "fsp-fv/tgl-Fsp.fd", 0x30e20, 2058, 1113 },
	{ "fsp-fv/tgl-Fsp.fd", 0x312a8, 114640, 63075 },
	{ "fsp-fv/tgl-Fsp.fd", 0x40974, 982, 374 },
	{ "fsp-fv/tgl-Fsp.fd", 0x40b54, 9842, 5172 },
	{ "fsp-fv/tgl-Fsp.fd", 0x42004, 16950, 9715 },
	{ "fsp-fv/tgl-Fsp.fd", 0x446a4, 5106, 2570 },
};

static const char *const gop_efi[] = {
	"gop-efi/adl-n.efi", "gop-efi/adl-p.efi", "gop-efi/adl-s-rpl.efi", "gop-efi/apl.efi",
	"gop-efi/byt.efi", "gop-efi/cml.efi", "gop-efi/ehl.efi", "gop-efi/glk.efi",
	"gop-efi/hsw-bdw.efi", "gop-efi/jsl.efi", "gop-efi/rkl.efi", "gop-efi/rpl-h.efi",
	"gop-efi/skl-cfl.efi", "gop-efi/tgl.efi",
	"gop-n150-adln/IgdAssignmentDxe.efi", "gop-n150-adln/PlatformGOPPolicy.efi",
	"gop-n150-adln/IntelGopDriver.efi", "ovmf-gop-cml/IntelGopDriver.efi",
};

/*
 * The inflated body of a compression section is itself a section stream. Walk it: the sections
 * must tile it exactly (4-byte aligned), and the image sections must start with MZ (PE32) or VZ
 * (TE). Returns the number of PE32/TE sections seen.
 */
static int count_images_in_sections(const uint8_t *p, size_t len)
{
	size_t at = 0;
	int images = 0, guard = 0;
	while (at < len) {
		assert_true(len - at >= 4);
		size_t sz = p[at] | p[at + 1] << 8 | (size_t)p[at + 2] << 16;
		uint8_t type = p[at + 3];
		assert_true(sz >= 4 && sz <= len - at);
		if (type == 0x10 || type == 0x11) {	/* PE32, PIC */
			assert_memory_equal(p + at + 4, "MZ", 2);
			images++;
		} else if (type == 0x12) {		/* TE */
			assert_memory_equal(p + at + 4, "VZ", 2);
			images++;
		}
		at += sz;
		if (at < len)
			at = (at + 3) & ~(size_t)3;
		assert_true(++guard < 64);
	}
	assert_int_equal(at, len);
	return images;
}

static void test_fsp_sections_inflate_to_images(void **state)
{
	(void)state;
	const char *loaded = NULL;
	struct file_buf fb = { 0 };
	int total_images = 0;
	for (size_t i = 0; i < sizeof(fsp_sections) / sizeof(fsp_sections[0]); i++) {
		const struct comp_section *s = &fsp_sections[i];
		if (!loaded || strcmp(loaded, s->image)) {
			file_buf_free(&fb);
			fb = fixture_read(s->image);
			loaded = s->image;
		}
		struct diag d;
		struct reader whole, r;
		uint8_t *out;
		size_t out_len;
		diag_init(&d);
		rd_init(&whole, fb.data, fb.len, 0, &d);
		/* stream starts after the 9-byte section header (size, type, UncompressedLength, type) */
		assert_int_equal(rd_sub_at(&whole, s->off + 9, 8 + s->comp, &r, "stream"), 0);
		if (tiano_decompress(&r, TIANO_ALGO_EFI, 16 << 20, &out, &out_len, &d) < 0)
			fail_msg("%s @0x%zx: %s", s->image, s->off, diag_last(&d));
		assert_int_equal(out_len, s->orig);
		total_images += count_images_in_sections(out, out_len);
		free(out);
		diag_free(&d);
	}
	file_buf_free(&fb);
	assert_true(total_images >= 10);
}

/* The same stream decoded as Tiano (5-bit position count) must not silently give the same bytes. */
static void test_fsp_section_as_tiano_differs_or_fails(void **state)
{
	(void)state;
	struct file_buf fb = fixture_read("fsp-fv/kbl-Fsp.fd");
	struct diag d;
	struct reader whole, r;
	uint8_t *out = NULL;
	size_t out_len;
	diag_init(&d);
	rd_init(&whole, fb.data, fb.len, 0, &d);
	assert_int_equal(rd_sub_at(&whole, 0x2010 + 9, 8 + 12167, &r, "stream"), 0);
	if (tiano_decompress(&r, TIANO_ALGO_TIANO, 16 << 20, &out, &out_len, &d) == 0) {
		/* if it happens to decode, the images must not check out */
		assert_false(out_len >= 6 && out[3] == 0x10 && !memcmp(out + 4, "MZ", 2) && out[0] == 0);
		free(out);
	} else {
		assert_true(d.errors > 0);
	}
	diag_free(&d);
	file_buf_free(&fb);
}

static int inflate_buf(const uint8_t *p, size_t n, enum tiano_algo a, size_t max, uint8_t **out, size_t *out_len,
		       struct diag *d, uint64_t base)
{
	struct reader r;
	rd_init(&r, p, n, base, d);
	return tiano_decompress(&r, a, max, out, out_len, d);
}

static void test_hostile_headers(void **state)
{
	(void)state;
	struct diag d;
	uint8_t *out;
	size_t n;
	char msg[300];
	diag_init(&d);

	/* 7 bytes: the header itself is short */
	static const uint8_t short_hdr[7] = { 0 };
	assert_int_equal(inflate_buf(short_hdr, sizeof(short_hdr), TIANO_ALGO_EFI, 1 << 20, &out, &n, &d, 0x4000), -1);
	diag_format(&d.v[d.n - 1], msg, sizeof(msg));
	assert_string_equal(msg, "0x4004: compressed stream OrigSize: need 4 bytes, 3 left");

	/* CompSize beyond the buffer */
	static const uint8_t big_comp[12] = { 0xff, 0xff, 0, 0, 10, 0, 0, 0, 0, 0, 0, 0 };
	assert_int_equal(inflate_buf(big_comp, sizeof(big_comp), TIANO_ALGO_EFI, 1 << 20, &out, &n, &d, 0x4000), -1);
	assert_non_null(strstr(diag_last(&d), "CompSize 65535"));

	/* OrigSize above the caller's limit: refused before any allocation */
	static const uint8_t big_orig[8] = { 0, 0, 0, 0, 0, 0, 0, 0x40 };
	assert_int_equal(inflate_buf(big_orig, sizeof(big_orig), TIANO_ALGO_EFI, 1 << 20, &out, &n, &d, 0), -1);
	assert_non_null(strstr(diag_last(&d), "above the limit"));

	/* OrigSize 0: empty output, nothing read */
	static const uint8_t empty[8] = { 0 };
	assert_int_equal(inflate_buf(empty, sizeof(empty), TIANO_ALGO_EFI, 1 << 20, &out, &n, &d, 0), 0);
	assert_int_equal(n, 0);
	free(out);

	/* OrigSize 16 but no data: running out of bits names the first byte after the header */
	static const uint8_t nodata[8] = { 0, 0, 0, 0, 16, 0, 0, 0 };
	assert_int_equal(inflate_buf(nodata, sizeof(nodata), TIANO_ALGO_EFI, 1 << 20, &out, &n, &d, 0x100), -1);
	diag_format(&d.v[d.n - 1], msg, sizeof(msg));
	assert_string_equal(msg, "0x108: block size: compressed stream ends (need 16 bits, 0 left)");
	diag_free(&d);
}

/* Bit writer for hand-made streams. */
struct bw {
	uint8_t b[64];
	size_t bits;
};

static void put(struct bw *w, unsigned n, uint32_t v)
{
	for (unsigned i = n; i-- > 0;) {
		if ((v >> i) & 1)
			w->b[w->bits / 8] |= (uint8_t)(0x80 >> (w->bits % 8));
		w->bits++;
	}
}

static size_t finish(struct bw *w, uint32_t orig, uint8_t *out)
{
	uint32_t comp = (uint32_t)((w->bits + 7) / 8);
	put_le32(out, comp);
	put_le32(out + 4, orig);
	memcpy(out + 8, w->b, comp);
	return 8 + comp;
}

static void test_single_symbol_tables(void **state)
{
	(void)state;
	/* One block of 5 symbols, each set sent as "single symbol": 5 x 'A' for zero data bits. */
	struct bw w = { { 0 }, 0 };
	uint8_t s[80];
	put(&w, 16, 5);
	put(&w, 5, 0), put(&w, 5, 3);		/* extra set: single symbol 3 */
	put(&w, 9, 0), put(&w, 9, 'A');		/* char/len set: single 'A' */
	put(&w, 4, 0), put(&w, 4, 0);		/* position set: single 0 */
	size_t n = finish(&w, 5, s);
	struct diag d;
	uint8_t *out;
	size_t out_len;
	diag_init(&d);
	assert_int_equal(inflate_buf(s, n, TIANO_ALGO_EFI, 100, &out, &out_len, &d, 0), 0);
	assert_int_equal(out_len, 5);
	assert_memory_equal(out, "AAAAA", 5);
	free(out);

	/* A match symbol as the very first code points before the output: error with its offset. */
	memset(&w, 0, sizeof(w));
	put(&w, 16, 5);
	put(&w, 5, 0), put(&w, 5, 3);
	put(&w, 9, 0), put(&w, 9, 256);		/* single: match of length 3 */
	put(&w, 4, 0), put(&w, 4, 0);
	n = finish(&w, 5, s);
	assert_int_equal(inflate_buf(s, n, TIANO_ALGO_EFI, 100, &out, &out_len, &d, 0x2000), -1);
	assert_non_null(strstr(diag_last(&d), "match 1 bytes back at output offset 0"));
	assert_int_equal(d.v[d.n - 1].off, 0x2000 + 8 + 6);	/* 52 bits of header and tables precede it */

	/* Single symbol out of range */
	memset(&w, 0, sizeof(w));
	put(&w, 16, 5);
	put(&w, 5, 0), put(&w, 5, 25);
	n = finish(&w, 5, s);
	assert_int_equal(inflate_buf(s, n, TIANO_ALGO_EFI, 100, &out, &out_len, &d, 0x2000), -1);
	assert_non_null(strstr(diag_last(&d), "extra code lengths: single symbol 25, only 19 exist"));
	assert_int_equal(d.v[d.n - 1].off, 0x2000 + 8 + 2);
	diag_free(&d);
}

static void test_bad_code_length_sets(void **state)
{
	(void)state;
	struct bw w = { { 0 }, 0 };
	uint8_t s[80];
	struct diag d;
	uint8_t *out;
	size_t out_len;
	diag_init(&d);

	/* extra set: three symbols of length 1 -> over-subscribed */
	put(&w, 16, 1);
	put(&w, 5, 3);
	put(&w, 3, 1), put(&w, 3, 1), put(&w, 3, 1), put(&w, 2, 0);
	size_t n = finish(&w, 4, s);
	assert_int_equal(inflate_buf(s, n, TIANO_ALGO_EFI, 100, &out, &out_len, &d, 0x300), -1);
	assert_non_null(strstr(diag_last(&d), "extra code lengths: code lengths over-subscribed at length 1"));
	assert_int_equal(d.v[d.n - 1].off, 0x300 + 8 + 2);

	/* extra set: one symbol of length 1 -> incomplete */
	memset(&w, 0, sizeof(w));
	put(&w, 16, 1);
	put(&w, 5, 1);
	put(&w, 3, 1);
	n = finish(&w, 4, s);
	assert_int_equal(inflate_buf(s, n, TIANO_ALGO_EFI, 100, &out, &out_len, &d, 0x300), -1);
	assert_non_null(strstr(diag_last(&d), "do not form a complete prefix code"));

	/* a unary code length running past 16 */
	memset(&w, 0, sizeof(w));
	put(&w, 16, 1);
	put(&w, 5, 1);
	put(&w, 16, 0xffff);
	n = finish(&w, 4, s);
	assert_int_equal(inflate_buf(s, n, TIANO_ALGO_EFI, 100, &out, &out_len, &d, 0x300), -1);
	assert_non_null(strstr(diag_last(&d), "above 16"));

	/* more lengths announced than the set has symbols */
	memset(&w, 0, sizeof(w));
	put(&w, 16, 1);
	put(&w, 5, 20);
	n = finish(&w, 4, s);
	assert_int_equal(inflate_buf(s, n, TIANO_ALGO_EFI, 100, &out, &out_len, &d, 0x300), -1);
	assert_non_null(strstr(diag_last(&d), "20 code lengths for 19 symbols"));
	diag_free(&d);
}

/* Every truncation of a real stream fails cleanly or (never) succeeds with the right length. */
static void test_truncations(void **state)
{
	(void)state;
	struct file_buf fb = fixture_read("fsp-fv/kbl-Fsp.fd");
	const uint8_t *stream = fb.data + 0x4fd8 + 9;	/* 1131 + 8 bytes */
	uint8_t *buf = malloc(1131 + 8);
	for (size_t cut = 0; cut < 1131; cut += 7) {
		struct diag d;
		uint8_t *out;
		size_t out_len;
		diag_init(&d);
		memcpy(buf, stream, 8 + cut);
		put_le32(buf, (uint32_t)cut);	/* CompSize says the truncated length */
		int rc = inflate_buf(buf, 8 + cut, TIANO_ALGO_EFI, 1 << 20, &out, &out_len, &d, 0);
		assert_int_equal(rc, -1);
		assert_true(d.errors > 0);
		assert_true(d.v[0].off <= 8 + cut);
		diag_free(&d);
	}
	free(buf);
	file_buf_free(&fb);
}

/* Single-bit corruption anywhere: either exactly OrigSize bytes or an error inside the stream. */
static void test_bit_flips(void **state)
{
	(void)state;
	struct file_buf fb = fixture_read("fsp-fv/tgl-Fsp.fd");
	const size_t comp = 1174;
	const uint8_t *stream = fb.data + 0x2d0bc + 9;
	uint8_t *buf = malloc(8 + comp);
	int failed = 0, decoded = 0;
	for (size_t at = 8; at < 8 + comp; at += 5) {
		struct diag d;
		uint8_t *out;
		size_t out_len;
		diag_init(&d);
		memcpy(buf, stream, 8 + comp);
		buf[at] ^= (uint8_t)(1u << (at % 8));
		if (inflate_buf(buf, 8 + comp, TIANO_ALGO_EFI, 1 << 20, &out, &out_len, &d, 0x2d0bc + 9) == 0) {
			assert_int_equal(out_len, 2054);
			free(out);
			decoded++;
		} else {
			assert_true(d.errors > 0);
			assert_true(d.v[0].off >= 0x2d0bc + 9 + 8 && d.v[0].off <= 0x2d0bc + 9 + 8 + comp);
			failed++;
		}
		diag_free(&d);
	}
	/* most flips break a table or run the stream dry, some only change data */
	assert_true(failed > 0);
	free(buf);
	file_buf_free(&fb);
}

static void test_compress_roundtrip_gop(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(gop_efi) / sizeof(gop_efi[0]); i++) {
		struct file_buf fb = fixture_read(gop_efi[i]);
		uint8_t *c, *back;
		size_t clen, blen;
		struct diag d;
		diag_init(&d);
		assert_int_equal(efi_compress(fb.data, fb.len, &c, &clen), 0);
		assert_true(clen < fb.len);
		assert_int_equal(le32(c), clen - 8);
		assert_int_equal(le32(c + 4), fb.len);
		if (inflate_buf(c, clen, TIANO_ALGO_EFI, fb.len, &back, &blen, &d, 0) < 0)
			fail_msg("%s: %s", gop_efi[i], diag_last(&d));
		assert_int_equal(blen, fb.len);
		assert_memory_equal(back, fb.data, fb.len);
		free(back);
		free(c);
		diag_free(&d);
		file_buf_free(&fb);
	}
}

static void test_compress_edge_inputs(void **state)
{
	(void)state;
	static const size_t sizes[] = { 0, 1, 2, 3, 4, 255, 256, 257, 8192, 70000 };
	uint8_t *src = malloc(70000);
	for (int kind = 0; kind < 3; kind++) {
		for (size_t i = 0; i < 70000; i++)
			src[i] = kind == 0 ? 0 : kind == 1 ? (uint8_t)(i * 2654435761u >> 13) : (uint8_t)(i % 7);
		for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
			uint8_t *c, *back;
			size_t clen, blen;
			struct diag d;
			diag_init(&d);
			assert_int_equal(efi_compress(src, sizes[k], &c, &clen), 0);
			if (inflate_buf(c, clen, TIANO_ALGO_EFI, sizes[k], &back, &blen, &d, 0) < 0)
				fail_msg("kind %d size %zu: %s", kind, sizes[k], diag_last(&d));
			assert_int_equal(blen, sizes[k]);
			if (blen)
				assert_memory_equal(back, src, blen);
			free(back);
			free(c);
			diag_free(&d);
		}
	}
	free(src);
}

UNIT_MAIN(NULL, NULL, cmocka_unit_test(test_fsp_sections_inflate_to_images),
	  cmocka_unit_test(test_fsp_section_as_tiano_differs_or_fails), cmocka_unit_test(test_hostile_headers),
	  cmocka_unit_test(test_single_symbol_tables), cmocka_unit_test(test_bad_code_length_sets),
	  cmocka_unit_test(test_truncations), cmocka_unit_test(test_bit_flips),
	  cmocka_unit_test(test_compress_roundtrip_gop), cmocka_unit_test(test_compress_edge_inputs))
