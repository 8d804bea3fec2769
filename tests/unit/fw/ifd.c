/* tests for tools/fw/ifd.c: region maps of real descriptors and of the synthetic 8 MiB SPI image
 * Expected values: EXPECTED.md "Descriptor region maps" and "Synthetic SPI recipe". */
#include "helpers.h"
#include "fw/fw.h"
#include "fw/tree.h"
#include "fw/walk.h"

#include <stdlib.h>
#include <string.h>

struct want { unsigned index; uint32_t base, limit; };

static void check_map(const char *rel, long sig_off, const struct want *w, size_t nw)
{
	struct file_buf fb = fixture_read(rel);
	struct diag d;
	struct reader r;
	struct ifd ifd;
	diag_init(&d);
	assert_int_equal(ifd_detect(fb.data, fb.len), sig_off);
	rd_init(&r, fb.data, fb.len, 0, &d);
	assert_int_equal(ifd_parse(&r, &ifd), 0);
	if (ifd.nregions != nw)
		fail_msg("%s: %u regions, want %zu", rel, ifd.nregions, nw);
	for (size_t i = 0; i < nw; i++) {
		assert_int_equal(ifd.region[i].index, w[i].index);
		assert_int_equal(ifd.region[i].base, w[i].base);
		assert_int_equal(ifd.region[i].limit, w[i].limit);
	}
	/* As an input: detected, every region listed, those beyond the 4 KiB file named with their offset. */
	struct fw_image *img;
	assert_int_equal(fw_open(fb.data, fb.len, &img, &d), 0);
	assert_int_equal(fw_input_kind(img), FW_INPUT_SPI_IFD);
	size_t k = 0;
	for (const struct fw_node *n = fw_root(img)->first; n; n = n->next, k++) {
		if (n->kind == FWN_PADDING) {
			/* a BIOS region outside the file: the whole file was searched for volumes instead */
			assert_string_equal(n->name, "whole image, scanned for volumes");
			k--;
			continue;
		}
		assert_int_equal(n->kind, FWN_REGION);
		if (n->off >= fb.len) {
			assert_non_null(n->findings);
			assert_int_equal(n->findings->off, n->off);
			assert_non_null(strstr(n->findings->msg, "beyond the end"));
		}
	}
	assert_int_equal(k, nw);
	fw_close(img);
	diag_free(&d);
	file_buf_free(&fb);
}

static void test_emeraldlake2(void **state)
{
	(void)state;
	static const struct want w[] = { { 0, 0, 0xFFF }, { 1, 0x200000, 0x7FFFFF }, { 2, 0x1000, 0x1FFFFF } };
	check_map("ifd-me/ivb-emeraldlake2-descriptor.bin", 0x10, w, 3);
}

static void test_tiogapass(void **state)
{
	(void)state;
	static const struct want w[] = {
		{ 0, 0, 0xFFF }, { 1, 0x1000000, 0x1FFFFFF }, { 2, 0x3000, 0xA25FFF }, { 3, 0x1000, 0x2FFF }, { 5, 0xA26000, 0xA35FFF },
	};
	check_map("ifd-me/skx-tiogapass-descriptor.bin", 0x10, w, 5);
}

static void test_ich9_signature_at_0(void **state)
{
	(void)state;
	static const struct want w[] = { { 0, 0, 0xFFF }, { 1, 0x3000, 0x7FFFFF }, { 3, 0x1000, 0x2FFF } };
	check_map("ifd-me/ich9-t400-descriptor.bin", 0, w, 3);
}

static void test_synthetic_spi(void **state)
{
	(void)state;
	struct file_buf desc = fixture_read("ifd-me/ivb-emeraldlake2-descriptor.bin");
	struct file_buf me = fixture_read("ifd-me/ivb-emeraldlake2-me.bin");
	struct file_buf ovmf = fixture_read("ovmf-gop-cml/OVMF_CODE.fd");
	struct file_buf gop = fixture_read("ovmf-gop-cml/IntelGopDriver.efi");
	size_t size = 8u << 20;
	uint8_t *spi = malloc(size);
	memset(spi, 0xFF, size);
	memcpy(spi, desc.data, desc.len);
	memcpy(spi + 0x1000, me.data, me.len);
	memcpy(spi + size - ovmf.len, ovmf.data, ovmf.len);
	char hex[65];
	sha256_hex_ext(spi, size, hex);
	assert_string_equal(hex, "b75299356d199849bd5a3386be10909a7a32a96ec4d848ab017d7344b80a58a0");

	struct diag d;
	struct fw_image *img;
	diag_init(&d);
	assert_int_equal(fw_open(spi, size, &img, &d), 0);
	assert_int_equal(fw_input_kind(img), FW_INPUT_SPI_IFD);
	assert_int_equal(d.errors, 0);
	/* Descriptor 0x0+0x1000, ME 0x1000+0x1FF000, BIOS 0x200000+0x600000, in flash order */
	const struct fw_node *r = fw_root(img)->first;
	static const struct { unsigned idx; uint64_t off, len; } want[] = { { 0, 0, 0x1000 }, { 2, 0x1000, 0x1FF000 }, { 1, 0x200000, 0x600000 } };
	for (size_t i = 0; i < 3; i++, r = r->next) {
		assert_non_null(r);
		assert_int_equal(r->type, want[i].idx);
		assert_int_equal(r->off, want[i].off);
		assert_int_equal(r->len, want[i].len);
	}
	assert_null(r);
	struct fw_blob b;
	assert_int_equal(fw_find_gop(img, 0, &b, &d), 0);
	assert_int_equal(b.len, gop.len);
	assert_memory_equal(b.data, gop.data, gop.len);
	/* the OVMF volumes sit at the top of the BIOS region */
	const struct fw_node *bios = fw_root(img)->last;
	bool found = false;
	for (const struct fw_node *v = bios->first; v; v = v->next)
		if (v->kind == FWN_VOLUME && v->off == size - ovmf.len)
			found = true;
	assert_true(found);
	fw_close(img);
	diag_free(&d);
	free(spi);
	file_buf_free(&desc);
	file_buf_free(&me);
	file_buf_free(&ovmf);
	file_buf_free(&gop);
}

static void test_broken_descriptor_tables(void **state)
{
	(void)state;
	struct file_buf fb = fixture_read("ifd-me/ivb-emeraldlake2-descriptor.bin");
	struct diag d;
	struct reader r;
	struct ifd ifd;
	diag_init(&d);
	/* FRBA pointing past the end of a truncated descriptor: an error naming the table's offset */
	rd_init(&r, fb.data, 0x44, 0, &d);
	assert_int_equal(ifd_parse(&r, &ifd), -1);
	assert_non_null(strstr(diag_last(&d), "region table"));
	assert_int_equal(d.v[d.n - 1].off, 0x44);
	/* no signature */
	uint8_t zero[64] = { 0 };
	rd_init(&r, zero, sizeof(zero), 0, &d);
	assert_int_equal(ifd_parse(&r, &ifd), -1);
	diag_free(&d);
	file_buf_free(&fb);
}

UNIT_MAIN(NULL, NULL, cmocka_unit_test(test_emeraldlake2), cmocka_unit_test(test_tiogapass),
	  cmocka_unit_test(test_ich9_signature_at_0), cmocka_unit_test(test_synthetic_spi),
	  cmocka_unit_test(test_broken_descriptor_tables))
