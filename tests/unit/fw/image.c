/* tests for tools/fw/image.c: input detection, refusals, and truncated/corrupted fixtures
 * (never a crash; always an error or finding naming an offset). Capsules and single files are
 * built here around real fixtures with fwbuild.h. */
#include "helpers.h"
#include "fw/fw.h"
#include "fw/tree.h"
#include "fwbuild.h"
#include "lib/reader.h"

#include <stdlib.h>
#include <string.h>

static const uint8_t efi_capsule_guid[16] = { 0xBD, 0x86, 0x66, 0x3B, 0x76, 0x0D, 0x30, 0x40, 0xB7, 0x0E, 0xB5, 0x51, 0x9E, 0x2F, 0xC5, 0xA0 };
static const uint8_t fmp_capsule_guid[16] = { 0xED, 0xD5, 0xCB, 0x6D, 0x2D, 0xE8, 0x44, 0x4C, 0xBD, 0xA1, 0x71, 0x94, 0x19, 0x9A, 0xD9, 0x2A };
static const uint8_t ami_capsule_guid[16] = { 0x90, 0xBB, 0xEE, 0x14, 0x0A, 0x89, 0xDB, 0x43, 0xAE, 0xD1, 0x5D, 0x3C, 0x45, 0x88, 0xA4, 0x18 };

static size_t count_efi_sections(const struct fw_node *n)
{
	size_t k = n->kind == FWN_SECTION && n->type == 0x01 && n->comp == FW_COMP_EFI;
	for (const struct fw_node *c = n->first; c; c = c->next)
		k += count_efi_sections(c);
	return k;
}

static struct fw_image *open_buf(const uint8_t *p, size_t len, struct diag *d, enum fw_input want)
{
	struct fw_image *img;
	diag_init(d);
	if (fw_open(p, len, &img, d) < 0)
		fail_msg("fw_open: %s", diag_last(d));
	assert_int_equal(fw_input_kind(img), want);
	return img;
}

static void assert_cml_gop(const struct fw_image *img)
{
	struct file_buf gop = fixture_read("ovmf-gop-cml/IntelGopDriver.efi");
	struct fw_blob b;
	struct diag d;
	diag_init(&d);
	assert_int_equal(fw_find_gop(img, 0, &b, &d), 0);
	assert_int_equal(b.len, gop.len);
	assert_memory_equal(b.data, gop.data, gop.len);
	diag_free(&d);
	file_buf_free(&gop);
}

static void test_detects_fv_and_region(void **state)
{
	(void)state;
	struct diag d;
	struct file_buf fsp = fixture_read("fsp-fv/kbl-Fsp.fd");
	struct fw_image *img = open_buf(fsp.data, fsp.len, &d, FW_INPUT_BIOS_REGION);
	fw_close(img);
	diag_free(&d);
	/* one volume, exactly the input: a single FV */
	struct tbuf files = { 0 }, fv = { 0 };
	tb_volume(&fv, 0x2000, &files);
	img = open_buf(fv.p, fv.len, &d, FW_INPUT_FV);
	assert_int_equal(d.errors, 0);
	assert_int_equal(fw_root(img)->first->kind, FWN_VOLUME);
	fw_close(img);
	diag_free(&d);
	/* the same volume after 0x1000 bytes of 0xFF: a region whose first volume is not at 0 */
	struct tbuf region = { 0 };
	tb_fill(&region, 0xFF, 0x1000);
	tb_put(&region, fv.p, fv.len);
	img = open_buf(region.p, region.len, &d, FW_INPUT_BIOS_REGION);
	assert_int_equal(fw_root(img)->first->kind, FWN_PADDING);
	assert_int_equal(fw_root(img)->first->next->off, 0x1000);
	fw_close(img);
	diag_free(&d);
	tb_free(&files);
	tb_free(&fv);
	tb_free(&region);
	file_buf_free(&fsp);
}

static void test_detects_capsules(void **state)
{
	(void)state;
	struct diag d;
	struct file_buf fsp = fixture_read("fsp-fv/kbl-Fsp.fd"), ovmf = fixture_read("ovmf-gop-cml/OVMF_CODE.fd");
	/* EFI_CAPSULE_HEADER (HeaderSize 0x20) + FSP image: still 9 EFI-compressed sections */
	struct tbuf c = { 0 };
	tb_put(&c, efi_capsule_guid, 16);
	tb_u32(&c, 0x20);
	tb_u32(&c, 0x00010000);
	tb_u32(&c, (uint32_t)(0x20 + fsp.len));
	tb_fill(&c, 0, 4);
	tb_put(&c, fsp.data, fsp.len);
	struct fw_image *img = open_buf(c.p, c.len, &d, FW_INPUT_CAPSULE);
	assert_int_equal(count_efi_sections(fw_root(img)), 9);
	assert_int_equal(d.errors, 0);
	fw_close(img);
	diag_free(&d);
	tb_free(&c);

	/* AMI Aptio capsule: RomImageOffset 0x800 */
	tb_put(&c, ami_capsule_guid, 16);
	tb_u32(&c, 0x1C);
	tb_u32(&c, 0);
	tb_u32(&c, (uint32_t)(0x800 + ovmf.len));
	tb_u16(&c, 0x800);
	tb_u16(&c, 0x20);
	tb_fill(&c, 0, 0x800 - c.len);
	tb_put(&c, ovmf.data, ovmf.len);
	img = open_buf(c.p, c.len, &d, FW_INPUT_AMI_CAPSULE);
	assert_cml_gop(img);
	fw_close(img);
	diag_free(&d);
	tb_free(&c);

	/* FMP capsule: header, FMP header with one payload, image header v2, payload = OVMF */
	tb_put(&c, fmp_capsule_guid, 16);
	tb_u32(&c, 0x20);
	tb_u32(&c, 0x00050000);
	size_t fmp_len = 8 + 8 + 40 + ovmf.len;
	tb_u32(&c, (uint32_t)(0x20 + fmp_len));
	tb_fill(&c, 0, 4);
	tb_u32(&c, 1);		/* FMP header Version */
	tb_u16(&c, 0);		/* EmbeddedDriverCount */
	tb_u16(&c, 1);		/* PayloadItemCount */
	tb_u64(&c, 16);		/* ItemOffsetList[0] */
	tb_u32(&c, 2);		/* image header Version 2: 40 bytes */
	tb_fill(&c, 0x11, 16);	/* UpdateImageTypeId */
	tb_u8(&c, 1);
	tb_fill(&c, 0, 3);
	tb_u32(&c, (uint32_t)ovmf.len);
	tb_u32(&c, 0);
	tb_u64(&c, 0);
	tb_put(&c, ovmf.data, ovmf.len);
	img = open_buf(c.p, c.len, &d, FW_INPUT_FMP_CAPSULE);
	assert_cml_gop(img);
	assert_int_equal(d.errors, 0);
	fw_close(img);
	diag_free(&d);
	/* the same with an UpdateImageSize that overruns: a finding at that field, the walk still finds the GOP */
	size_t size_field = 0x20 + 16 + 24;
	c.p[size_field + 3] = 0x7F;
	img = open_buf(c.p, c.len, &d, FW_INPUT_FMP_CAPSULE);
	assert_true(d.errors >= 1);
	assert_int_equal(d.v[0].off, size_field);
	assert_cml_gop(img);
	fw_close(img);
	diag_free(&d);
	/* an item offset 0x10 bytes before the end: no room for its image header (found by fuzz_capsule);
	   the first field that does not fit is UpdateImageTypeId at +4 */
	size_t item_list = 0x20 + 8;
	uint64_t late = fmp_len - 0x10;
	for (int i = 0; i < 8; i++)
		c.p[item_list + i] = (uint8_t)(late >> (8 * i));
	img = open_buf(c.p, c.len, &d, FW_INPUT_FMP_CAPSULE);
	assert_int_equal(d.errors, 1);
	assert_int_equal(d.v[0].off, 0x20 + late + 4);
	assert_non_null(strstr(d.v[0].msg, "FMP UpdateImageTypeId: need 16 bytes, 12 left"));
	fw_close(img);
	diag_free(&d);
	/* 0x20 bytes left and a version-3 (0x30-byte) image header there: the header itself overruns */
	late = fmp_len - 0x20;
	for (int i = 0; i < 8; i++)
		c.p[item_list + i] = (uint8_t)(late >> (8 * i));
	memset(c.p + 0x20 + late, 0, 4);
	c.p[0x20 + late] = 3;
	img = open_buf(c.p, c.len, &d, FW_INPUT_FMP_CAPSULE);
	assert_int_equal(d.errors, 1);
	assert_int_equal(d.v[0].off, 0x20 + late);
	assert_non_null(strstr(d.v[0].msg, "FMP image header (version 3, 0x30 bytes) overruns"));
	fw_close(img);
	diag_free(&d);
	tb_free(&c);
	file_buf_free(&fsp);
	file_buf_free(&ovmf);
}

static void test_detects_single_ffs_file(void **state)
{
	(void)state;
	struct file_buf vbt = fixture_read("vbt/kbl-fsp.vbt");
	struct tbuf body = { 0 }, file = { 0 };
	tb_section(&body, 0x19, vbt.data, vbt.len);
	static const uint8_t name[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
	tb_ffs(&file, name, 0x02, body.p, body.len, 1);
	struct diag d;
	struct fw_image *img = open_buf(file.p, file.len, &d, FW_INPUT_FFS);
	assert_int_equal(d.errors, 0);
	struct fw_blob b;
	assert_int_equal(fw_find_vbt(img, 0, &b, &d), 0);
	assert_int_equal(b.len, vbt.len);
	assert_memory_equal(b.data, vbt.data, vbt.len);
	assert_string_equal(b.version, "$VBT SKYLAKE");
	fw_close(img);
	diag_free(&d);
	tb_free(&body);
	tb_free(&file);
	file_buf_free(&vbt);
}

static void refused(const uint8_t *p, size_t len, const char *want)
{
	struct diag d;
	struct fw_image *img = (struct fw_image *)1;
	diag_init(&d);
	assert_int_equal(fw_open(p, len, &img, &d), -1);
	assert_null(img);
	assert_int_equal(d.n, 1);
	assert_int_equal(d.v[0].off, 0);
	assert_non_null(strstr(d.v[0].msg, "not a firmware image I know: "));
	if (!strstr(d.v[0].msg, want))
		fail_msg("'%s' lacks '%s'", d.v[0].msg, want);
	diag_free(&d);
}

static void test_refuses_what_it_does_not_know(void **state)
{
	(void)state;
	refused((const uint8_t *)"", 0, "empty");
	struct file_buf f = fixture_read("vbios-legacy/hsw-0406-vbios.rom");
	refused(f.data, f.len, "55 AA");
	file_buf_free(&f);
	f = fixture_read("gop-efi/cml.efi");
	refused(f.data, f.len, "\"MZ\"");
	file_buf_free(&f);
	f = fixture_read("vbt/tgl-fsp.vbt");
	refused(f.data, f.len, "$VBT");
	file_buf_free(&f);
	uint8_t ff[4096];
	memset(ff, 0xFF, sizeof(ff));
	refused(ff, sizeof(ff), "all 0xFF");
	refused((const uint8_t *)"hello, firmware?", 16, "68 65 6c 6c 6f 2c 20 66");
}

/* Every error and finding must name an offset; a cut inside a structure must produce at least one. */
static void walk_cut(const uint8_t *p, size_t len, const char *what)
{
	struct diag d;
	struct fw_image *img;
	diag_init(&d);
	int rc = fw_open(p, len, &img, &d);
	if (rc == 0) {
		assert_true(fw_inflated_bytes(img) <= 8 * len + ((size_t)64 << 20));
		if (!d.errors)
			fail_msg("%s cut at 0x%zx: no error", what, len);
		/* fw_find must cope with whatever tree is left */
		struct fw_blob b;
		fw_find_gop(img, 0, &b, &d);
		fw_find_vbt(img, 0x3185, &b, &d);
		fw_find_vbios(img, 0, &b, &d);
		fw_close(img);
	} else {
		assert_int_equal(d.v[0].off, 0);
	}
	for (size_t i = 0; i < d.n; i++)
		if (d.v[i].level == DIAG_ERROR && d.v[i].off == DIAG_NO_OFFSET && !strstr(d.v[i].msg, "in this image"))
			fail_msg("%s cut at 0x%zx: error without offset: %s", what, len, d.v[i].msg);
	diag_free(&d);
}

static void truncate_fixture(const char *rel, size_t step)
{
	struct file_buf fb = fixture_read(rel);
	/* odd cut points never coincide with a volume boundary */
	static const size_t early[] = { 1, 0x11, 0x29, 0x2F, 0x31, 0x37, 0x47, 0x4F, 0x59, 0x79, 0x8B, 0x91, 0xA3, 0xB7, 0x201 };
	for (size_t i = 0; i < sizeof(early) / sizeof(early[0]); i++)
		walk_cut(fb.data, early[i], rel);
	for (size_t cut = step + 13; cut < fb.len; cut += step)
		walk_cut(fb.data, cut, rel);
	walk_cut(fb.data, fb.len - 1, rel);
	file_buf_free(&fb);
}

static void test_truncated_ovmf(void **state)
{
	(void)state;
	truncate_fixture("ovmf-gop-cml/OVMF_CODE.fd", 0x2E001);
	truncate_fixture("ovmf-gop-glk/OVMF_CODE.fd", 0x61003);
}

static void test_truncated_fsp(void **state)
{
	(void)state;
	truncate_fixture("fsp-fv/kbl-Fsp.fd", 0x3001);
	truncate_fixture("fsp-fv/tgl-Fsp.fd", 0x7003);
}

static void test_truncated_descriptor_image(void **state)
{
	(void)state;
	struct file_buf desc = fixture_read("ifd-me/ivb-emeraldlake2-descriptor.bin"), me = fixture_read("ifd-me/ivb-emeraldlake2-me.bin");
	uint8_t *img = malloc(0x1000 + me.len);
	memcpy(img, desc.data, desc.len);
	memcpy(img + 0x1000, me.data, me.len);
	for (size_t cut = 0x15; cut < 0x1000 + me.len; cut += 0x23001)
		walk_cut(img, cut, "descriptor+ME");
	free(img);
	file_buf_free(&desc);
	file_buf_free(&me);
}

/* Damage at the fields a walker trusts: each gives an error at that field's offset, never a crash. */
static void corrupt(const char *rel, size_t at, const uint8_t *bytes, size_t n, size_t want_off, const char *want)
{
	struct file_buf fb = fixture_read(rel);
	memcpy(fb.data + at, bytes, n);
	struct diag d;
	struct fw_image *img;
	diag_init(&d);
	assert_int_equal(fw_open(fb.data, fb.len, &img, &d), 0);
	bool seen = false;
	for (size_t i = 0; i < d.n; i++)
		if (d.v[i].off == want_off && strstr(d.v[i].msg, want))
			seen = true;
	if (!seen) {
		char buf[300];
		for (size_t i = 0; i < d.n; i++) {
			diag_format(&d.v[i], buf, sizeof(buf));
			print_message("  %s\n", buf);
		}
		fail_msg("%s: no finding '%s' at 0x%zx", rel, want, want_off);
	}
	fw_close(img);
	diag_free(&d);
	file_buf_free(&fb);
}

static void test_corrupted_fields(void **state)
{
	(void)state;
	const char *cml = "ovmf-gop-cml/OVMF_CODE.fd";
	struct file_buf fb = fixture_read(cml);
	/* Independent of igdkit: the first file of the top volume starts after its extended header. */
	size_t ext = fb.data[0x34] | fb.data[0x35] << 8;
	size_t extsize = fb.data[ext + 16] | fb.data[ext + 17] << 8;
	size_t file = (ext + extsize + 7) & ~(size_t)7;
	size_t sec = file + 24;
	file_buf_free(&fb);
	static const uint8_t big[8] = { 0, 0, 0, 0x10, 0, 0, 0, 0 };
	corrupt(cml, 0x20, big, 8, 0x20, "overruns its parent");
	corrupt(cml, 0x32, (const uint8_t[]){ 0x12 }, 1, 0x32, "checksum");
	corrupt(cml, 0x30, (const uint8_t[]){ 0x10, 0 }, 2, 0x30, "HeaderLength");
	corrupt(cml, file + 0x14, (const uint8_t[]){ 0xF0, 0xFF, 0x7F }, 3, file + 0x10, "header checksum");
	corrupt(cml, file + 0x11, (const uint8_t[]){ 0x5B }, 1, file + 0x11, "checksum");
	corrupt(cml, sec, (const uint8_t[]){ 0xFF, 0xFF, 0x7F }, 3, sec, "overruns");
	/* LZMA: uncompressed size of 16 EiB-ish is refused before any allocation */
	corrupt(cml, sec + 24 + 5 + 4, (const uint8_t[]){ 0x7F }, 1, sec + 24 + 5, "budget");
	/* LZMA: the range coder's first byte must be 0 */
	corrupt(cml, sec + 24 + 13, (const uint8_t[]){ 0xFF }, 1, sec + 24 + 13, "LZMA: corrupt data");
}

/* Implausible header fields are reported, and the rest of the input is still searched for volumes
   (as UEFIExtract does): a capsule whose image offset is 0 or too large, a capsule image size of 0,
   a descriptor whose BIOS region lies past the end of the file. */
static void test_implausible_headers_still_scanned(void **state)
{
	(void)state;
	struct diag d;
	struct file_buf ovmf = fixture_read("ovmf-gop-cml/OVMF_CODE.fd");
	struct tbuf c = { 0 };
	/* AMI Aptio capsule with RomImageOffset 0 */
	tb_put(&c, ami_capsule_guid, 16);
	tb_u32(&c, 0x1C);
	tb_u32(&c, 0);
	tb_u32(&c, (uint32_t)(0x800 + ovmf.len));
	tb_u16(&c, 0);
	tb_u16(&c, 0x20);
	tb_fill(&c, 0, 0x800 - c.len);
	tb_put(&c, ovmf.data, ovmf.len);
	struct fw_image *img = open_buf(c.p, c.len, &d, FW_INPUT_AMI_CAPSULE);
	assert_true(diag_has_at(&d, 0x1C, "RomImageOffset 0x0 does not fit"));
	assert_cml_gop(img);
	fw_close(img);
	diag_free(&d);
	/* the same with an offset inside the file but past the start of the volumes, and then also
	   CapsuleImageSize 0 */
	c.p[0x1C] = 0xFF;
	c.p[0x1D] = 0xFF;
	put_le32(c.p + 0x18, 0x01000000);
	img = open_buf(c.p, c.len, &d, FW_INPUT_AMI_CAPSULE);
	assert_true(diag_has_at(&d, 0x1C, "no firmware volume or flash image at the capsule RomImageOffset 0xffff"));
	assert_cml_gop(img);
	fw_close(img);
	diag_free(&d);
	put_le32(c.p + 0x18, 0);
	img = open_buf(c.p, c.len, &d, FW_INPUT_AMI_CAPSULE);
	assert_true(diag_has_at(&d, 0x18, "CapsuleImageSize 0x0 is smaller than the capsule header"));
	assert_cml_gop(img);
	fw_close(img);
	diag_free(&d);
	/* an EFI capsule whose HeaderSize is 0 */
	memcpy(c.p, efi_capsule_guid, 16);
	put_le32(c.p + 0x10, 0);
	put_le32(c.p + 0x18, (uint32_t)c.len);
	img = open_buf(c.p, c.len, &d, FW_INPUT_CAPSULE);
	assert_true(diag_has_at(&d, 0x10, "HeaderSize 0x0 does not fit"));
	assert_cml_gop(img);
	fw_close(img);
	diag_free(&d);
	tb_free(&c);

	/* a 4 KiB descriptor saying BIOS = 0x200000-0x7FFFFF (a 8 MiB chip), then OVMF right after it */
	struct file_buf desc = fixture_read("ifd-me/ivb-emeraldlake2-descriptor.bin");
	tb_put(&c, desc.data, desc.len);
	tb_put(&c, ovmf.data, ovmf.len);
	assert_true(c.len > 0x200000);	/* so the BIOS region is cut off */
	img = open_buf(c.p, c.len, &d, FW_INPUT_SPI_IFD);
	assert_true(diag_has_at(&d, 0x10, "runs past the end of"));
	assert_cml_gop(img);
	const struct fw_node *all = fw_root(img)->last;
	assert_int_equal(all->kind, FWN_PADDING);
	assert_int_equal(all->first->kind, FWN_PADDING);	/* the descriptor itself */
	assert_int_equal(all->first->next->kind, FWN_VOLUME);
	assert_int_equal(all->first->next->off, 0x1000);
	fw_close(img);
	diag_free(&d);
	/* cut before 0x200000: the BIOS region starts past the end */
	img = open_buf(c.p, 0x1FF000, &d, FW_INPUT_SPI_IFD);
	assert_true(diag_has_at(&d, 0x10, "starts past the end of"));
	all = fw_root(img)->last;
	assert_int_equal(all->kind, FWN_PADDING);
	assert_int_equal(all->first->kind, FWN_PADDING);	/* the descriptor itself */
	assert_int_equal(all->first->next->kind, FWN_VOLUME);
	assert_int_equal(all->first->next->off, 0x1000);
	fw_close(img);
	diag_free(&d);
	tb_free(&c);
	file_buf_free(&desc);
	file_buf_free(&ovmf);
}

/* fw_open_limited: a node cap below the default stops the walk with a finding; limits above the
 * defaults are clamped to them (the same walk as fw_open). */
static void test_limited_open(void **state)
{
	(void)state;
	struct diag d;
	struct fw_image *img;
	struct file_buf fsp = fixture_read("fsp-fv/kbl-Fsp.fd");
	diag_init(&d);
	assert_int_equal(fw_open(fsp.data, fsp.len, &img, &d), 0);
	size_t nodes = fw_node_count(img), inflated = fw_inflated_bytes(img);
	assert_int_equal(nodes, 106);
	fw_close(img);
	diag_free(&d);

	const struct fw_limits huge = { .inflate_extra = SIZE_MAX, .max_nodes = SIZE_MAX };
	diag_init(&d);
	assert_int_equal(fw_open_limited(fsp.data, fsp.len, &huge, &img, &d), 0);
	assert_int_equal(fw_node_count(img), nodes);
	assert_int_equal(fw_inflated_bytes(img), inflated);
	assert_int_equal(d.errors, 0);
	fw_close(img);
	diag_free(&d);

	const struct fw_limits five = { .inflate_extra = 0, .max_nodes = 5 };
	diag_init(&d);
	assert_int_equal(fw_open_limited(fsp.data, fsp.len, &five, &img, &d), 0);
	assert_int_equal(fw_node_count(img), 5);
	bool named = false;
	for (size_t i = 0; i < d.n; i++)
		named |= strstr(d.v[i].msg, "more than 5 nodes: rest of the image not walked") != NULL;
	assert_true(named);
	fw_close(img);
	diag_free(&d);
	file_buf_free(&fsp);
}

/* A capsule (the fuzz campaign's regression seed) with ~200 compressed sections whose decoding fails
 * late, each claiming less than the budget but together far more: each failure is charged the size
 * its header claimed, so the later sections are refused as over the budget instead of each costing
 * up to all of it in work (without the charge, none is refused). */
static void test_failed_decodes_use_the_budget(void **state)
{
	(void)state;
	static const uint8_t fmp[16] = { 0xED, 0xD5, 0xCB, 0x6D, 0x2D, 0xE8, 0x44, 0x4C,
					 0xBD, 0xA1, 0x71, 0x94, 0x19, 0x9A, 0xD9, 0x2A };
	struct file_buf seed;
	char e[300];
	if (file_read("tests/fuzz/corpus/capsule/failing-sections-cost-budget", 1 << 20, &seed, e, sizeof(e)) < 0)
		fail_msg("%s", e);
	assert_int_equal(seed.data[0] % 3, 1);	/* fuzz_capsule's pick: the FMP capsule GUID */
	size_t n = 16 + seed.len - 1;
	uint8_t *p = malloc(n);
	memcpy(p, fmp, 16);
	memcpy(p + 16, seed.data + 1, seed.len - 1);
	const struct fw_limits small = { .inflate_extra = (size_t)1 << 20, .max_nodes = 0 };
	struct diag d;
	struct fw_image *img;
	diag_init(&d);
	assert_int_equal(fw_open_limited(p, n, &small, &img, &d), 0);
	assert_int_equal(fw_inflated_bytes(img), 0);
	size_t refused = 0;
	for (size_t i = 0; i < d.n; i++)
		refused += strstr(d.v[i].msg, "above the limit") != NULL || strstr(d.v[i].msg, "over the budget") != NULL;
	if (refused == 0)
		fail_msg("no section was refused as over the 0x%zx-byte budget", 8 * n + small.inflate_extra);
	fw_close(img);
	diag_free(&d);
	free(p);
	file_buf_free(&seed);
}

UNIT_MAIN(NULL, NULL, cmocka_unit_test(test_detects_fv_and_region), cmocka_unit_test(test_detects_capsules),
	  cmocka_unit_test(test_detects_single_ffs_file), cmocka_unit_test(test_refuses_what_it_does_not_know),
	  cmocka_unit_test(test_truncated_ovmf), cmocka_unit_test(test_truncated_fsp),
	  cmocka_unit_test(test_truncated_descriptor_image), cmocka_unit_test(test_corrupted_fields),
	  cmocka_unit_test(test_implausible_headers_still_scanned), cmocka_unit_test(test_limited_open), cmocka_unit_test(test_failed_decodes_use_the_budget))
