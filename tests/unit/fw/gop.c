/* tests for tools/fw/gop.c: GOP/VBT found in real images, bodies equal to UEFIExtract's (EXPECTED.md)
 * Expected values: ../shared/fixtures/EXPECTED.md (UEFIExtract NE A69) and the SOURCE.md files. */
#include "helpers.h"
#include "fw/fw.h"
#include "fw/tree.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const struct guid gop_file = GUID_INIT(0x1647B4F3, 0x3E8A, 0x4FDD, 0x81, 0xC8, 0x32, 0x8E, 0xD6, 0x47, 0xAB, 0x1A);
static const struct guid vbt_file = GUID_INIT(0x1647B4F3, 0x3E8A, 0x4FEF, 0x81, 0xC8, 0x32, 0x8E, 0xD6, 0x47, 0xAB, 0x1A);
static const struct guid dxe_fv = GUID_INIT(0x7CB8BDC9, 0xF8EB, 0x4F34, 0xAA, 0xEA, 0x3E, 0xE4, 0xAF, 0x65, 0x16, 0xA1);
static const struct guid lzma_guid = GUID_INIT(0xEE4E5898, 0x3914, 0x4259, 0x9D, 0x6E, 0xDC, 0x7B, 0xD7, 0x94, 0x03, 0xCF);
static const struct guid fv_file = GUID_INIT(0x9E21FD93, 0x9C72, 0x4C15, 0x8C, 0x4B, 0xE7, 0x7F, 0x1D, 0xB2, 0xD7, 0x92);
static const struct guid top_fv = GUID_INIT(0x48DB5E17, 0x707C, 0x472D, 0x91, 0xCD, 0x16, 0x13, 0xE7, 0xEF, 0x51, 0xB0);

static struct fw_image *open_fixture(const char *rel, struct file_buf *fb, struct diag *d)
{
	struct fw_image *img;
	*fb = fixture_read(rel);
	diag_init(d);
	assert_int_equal(fw_open(fb->data, fb->len, &img, d), 0);
	return img;
}

/* The nesting EXPECTED.md gives for the GOP file in both OVMF builds. */
static void assert_ovmf_nesting(const struct fw_blob *b)
{
	const struct fw_node *file = b->file;
	assert_non_null(file);
	assert_true(guid_eq(&file->guid, &gop_file));
	assert_int_equal(file->type, 0x07);	/* DXE driver */
	assert_string_equal(file->name, "IntelGopDriver");
	const struct fw_node *vol = file->parent;
	assert_int_equal(vol->kind, FWN_VOLUME);
	assert_true(vol->flags & FWN_EXT_HEADER);
	assert_true(guid_eq(&vol->guid2, &dxe_fv));
	const struct fw_node *fvsec = vol->parent;
	assert_int_equal(fvsec->kind, FWN_SECTION);
	assert_int_equal(fvsec->type, 0x17);
	const struct fw_node *lz = fvsec->parent;
	assert_int_equal(lz->type, 0x02);
	assert_true(guid_eq(&lz->guid, &lzma_guid));
	assert_int_equal(lz->comp, FW_COMP_LZMA);
	const struct fw_node *f2 = lz->parent;
	assert_int_equal(f2->kind, FWN_FILE);
	assert_true(guid_eq(&f2->guid, &fv_file));
	const struct fw_node *top = f2->parent;
	assert_int_equal(top->kind, FWN_VOLUME);
	assert_true(guid_eq(&top->guid2, &top_fv));
	assert_null(top->stream);
	assert_int_equal(top->off, 0);
	assert_int_equal(top->len, 0x348000);
}

static void test_cml_gop_and_vbt_equal_loose_files(void **state)
{
	(void)state;
	struct file_buf fb, gop = fixture_read("ovmf-gop-cml/IntelGopDriver.efi"), vbt = fixture_read("ovmf-gop-cml/vbt.bin");
	struct diag d;
	struct fw_image *img = open_fixture("ovmf-gop-cml/OVMF_CODE.fd", &fb, &d);
	struct fw_blob b;
	assert_int_equal(fw_find_gop(img, 0, &b, &d), 0);
	assert_int_equal(b.len, gop.len);
	assert_memory_equal(b.data, gop.data, gop.len);
	assert_int_equal(b.file->len, 0x11EAE);
	assert_ovmf_nesting(&b);
	assert_string_equal(b.version, "build 1107");	/* UTF-16 "1107" after "Intel(R) GOP Driver" (xxd) */
	assert_int_equal(fw_find_vbt(img, 0, &b, &d), 0);
	assert_int_equal(b.len, vbt.len);
	assert_memory_equal(b.data, vbt.data, vbt.len);
	assert_true(guid_eq(&b.file_guid, &vbt_file));
	assert_int_equal(b.file->type, 0x02);	/* freeform */
	assert_string_equal(b.version, "$VBT SKYLAKE");
	assert_int_equal(d.errors, 0);
	fw_close(img);
	file_buf_free(&fb);
	file_buf_free(&gop);
	file_buf_free(&vbt);
	diag_free(&d);
}

static void test_glk_gop_sha256_and_vbt(void **state)
{
	(void)state;
	struct file_buf fb;
	struct diag d;
	struct fw_image *img = open_fixture("ovmf-gop-glk/OVMF_CODE.fd", &fb, &d);
	struct fw_blob b;
	char hex[65];
	assert_int_equal(fw_find_gop(img, 0, &b, &d), 0);
	assert_int_equal(b.len, 89344);
	sha256_hex_ext(b.data, b.len, hex);
	assert_memory_equal(hex, "c731f7ab56c6378a", 16);
	assert_int_equal(b.file->len, 0x15D4E);
	assert_ovmf_nesting(&b);
	/* not the gop-efi/glk.efi build (SOURCE/EXPECTED: "its own build") */
	struct file_buf other = fixture_read("gop-efi/glk.efi");
	assert_true(other.len != b.len || memcmp(other.data, b.data, b.len));
	file_buf_free(&other);
	assert_int_equal(fw_find_vbt(img, 0, &b, &d), 0);
	assert_int_equal(b.len, 5632);
	assert_memory_equal(b.data, "$VBT GEMINILAKE", 15);
	assert_true(guid_eq(&b.file_guid, &vbt_file));
	/* 8086:3185 (UHD 600) is in this GOP's device table; a CML ID is not */
	assert_int_equal(fw_find_gop(img, 0x3185, &b, &d), 0);
	assert_int_equal(b.match, FW_MATCH_YES);
	assert_int_equal(gop_supports(b.data, b.len, 0x9BC8), FW_MATCH_NO);
	fw_close(img);
	file_buf_free(&fb);
	diag_free(&d);
}

static const struct fw_node *next_in_tree(const struct fw_node *n)
{
	if (n->first)
		return n->first;
	while (n && !n->next)
		n = n->parent;
	return n ? n->next : NULL;
}

static void test_debian_ovmf_has_no_gop(void **state)
{
	(void)state;
	const char *path = "/usr/share/OVMF/OVMF_CODE_4M.fd";
	if (access(path, R_OK) != 0)
		skip();
	struct file_buf fb;
	char err[256];
	assert_int_equal(file_read(path, FILE_MAX_FIRMWARE, &fb, err, sizeof(err)), 0);
	char hex[65];
	sha256_hex_ext(fb.data, fb.len, hex);
	if (strcmp(hex, "b157d97b1f69729514feb7f201d2cbe4957f23ab77920e361fe9f822ba49ca4c")) {
		file_buf_free(&fb);
		skip();	/* another ovmf package version: the expected values do not apply */
	}
	struct diag d;
	struct fw_image *img;
	diag_init(&d);
	assert_int_equal(fw_open(fb.data, fb.len, &img, &d), 0);
	struct fw_blob b;
	assert_int_equal(fw_candidates(img, FW_BLOB_GOP, NULL, 0, NULL, 0), 0);
	assert_int_equal(fw_find_gop(img, 0, &b, &d), -1);
	assert_non_null(strstr(diag_last(&d), "no Intel GOP driver"));
	assert_int_equal(fw_find_vbt(img, 0, &b, &d), -1);
	/* two top volumes; the second (FvName 763BED0D-...) at 0x348000 */
	const struct guid second = GUID_INIT(0x763BED0D, 0xDE9F, 0x48F5, 0x81, 0xF1, 0x3E, 0x90, 0xE1, 0xB1, 0xA0, 0x15);
	const struct fw_node *v1 = fw_root(img)->first, *v2 = v1 ? v1->next : NULL;
	assert_non_null(v2);
	assert_int_equal(v1->kind, FWN_VOLUME);
	assert_true(guid_eq(&v1->guid2, &top_fv));
	assert_int_equal(v2->kind, FWN_VOLUME);
	assert_int_equal(v2->off, 0x348000);
	assert_true(guid_eq(&v2->guid2, &second));
	assert_null(v2->next);
	/* QemuVideoDxe (E3752948-...) is there, and is no GOP */
	bool seen = false;
	for (const struct fw_node *n = fw_root(img); n; n = next_in_tree(n))
		if (n->kind == FWN_FILE && n->guid.b[0] == 0x48 && n->guid.b[1] == 0x29 && n->guid.b[2] == 0x75 && n->guid.b[3] == 0xE3) {
			assert_string_equal(n->name, "QemuVideoDxe");
			seen = true;
		}
	assert_true(seen);
	fw_close(img);
	file_buf_free(&fb);
	diag_free(&d);
}

static size_t count_efi_sections(const struct fw_node *n)
{
	size_t k = n->kind == FWN_SECTION && n->type == 0x01 && n->comp == FW_COMP_EFI;
	for (const struct fw_node *c = n->first; c; c = c->next)
		k += count_efi_sections(c);
	return k;
}

static void fsp_case(const char *rel, size_t compressed)
{
	struct file_buf fb;
	struct diag d;
	struct fw_image *img = open_fixture(rel, &fb, &d);
	assert_int_equal(count_efi_sections(fw_root(img)), compressed);
	assert_int_equal(d.errors, 0);
	struct fw_blob b;
	assert_int_equal(fw_find_gop(img, 0, &b, &d), -1);
	/* the decoy is there (a PEI module), just not a GOP */
	const struct guid peim = GUID_INIT(0x76ED893A, 0xB2F9, 0x4C7D, 0xA0, 0x5F, 0x1E, 0xA1, 0x70, 0xEC, 0xF6, 0xCD);
	struct fw_blob p;
	assert_int_equal(fw_candidates(img, FW_BLOB_GUID, &peim, 0, &p, 1), 1);
	assert_string_equal(p.ui_name, "IntelGraphicsPeim");
	assert_int_equal(p.file->type, 0x06);
	fw_close(img);
	file_buf_free(&fb);
	diag_free(&d);
}

static void test_fsp_kbl_no_gop_9_efi_sections(void **state)
{
	(void)state;
	fsp_case("fsp-fv/kbl-Fsp.fd", 9);
}

static void test_fsp_tgl_no_gop_13_efi_sections(void **state)
{
	(void)state;
	fsp_case("fsp-fv/tgl-Fsp.fd", 13);
}

static void test_loose_gop_facts(void **state)
{
	(void)state;
	char v[48];
	/* build numbers as UTF-16 strings after the name (visible with xxd) */
	static const struct { const char *rel, *version; uint16_t dev; } cases[] = {
		{ "ovmf-gop-cml/IntelGopDriver.efi", "build 1107", 0x9BC8 },
		{ "gop-efi/hsw-bdw.efi", "5.0.1025", 0x0416 },
		{ "gop-efi/apl.efi", "10.0.1036", 0 },
		{ "gop-efi/tgl.efi", "build 1071", 0x9A49 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct file_buf fb = fixture_read(cases[i].rel);
		assert_true(gop_is_intel_gop(fb.data, fb.len));
		assert_string_equal(gop_version(fb.data, fb.len, v, sizeof(v)), cases[i].version);
		if (cases[i].dev)
			assert_int_equal(gop_supports(fb.data, fb.len, cases[i].dev), FW_MATCH_YES);
		file_buf_free(&fb);
	}
	struct file_buf vbt = fixture_read("vbt/kbl-fsp.vbt");
	assert_false(gop_is_intel_gop(vbt.data, vbt.len));
	assert_string_equal(gop_version(vbt.data, vbt.len, v, sizeof(v)), "");
	file_buf_free(&vbt);
}

/* The summary the menu shows before a file is used (brief) and `fw list` prints: sizes from
 * EXPECTED.md, build 1107 from ovmf-gop-cml/SOURCE.md; the CML GOP serves 9bc8, not ADL-N's 46d0,
 * and a VBT counts as serving the device when its volume holds a GOP that does. */
static void test_blobs_summary(void **state)
{
	(void)state;
	struct file_buf fb;
	struct diag d;
	struct fw_image *img = open_fixture("ovmf-gop-cml/OVMF_CODE.fd", &fb, &d);
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	fw_blobs_print(f, img, 0x9bc8, true);
	fw_blobs_print(f, img, 0x46d0, true);
	fw_blobs_print(f, img, 0, false);
	fclose(f);
	assert_string_equal(text,
			    "GOP: 73312 bytes, \"IntelGopDriver\", build 1107, serves the device: yes\n"
			    "VBT: 4608 bytes, $VBT SKYLAKE, serves the device: yes\n"
			    "VBIOS: none\n"
			    "GOP: 73312 bytes, \"IntelGopDriver\", build 1107, serves the device: no\n"
			    "VBT: 4608 bytes, $VBT SKYLAKE, serves the device: unknown\n"
			    "VBIOS: none\n"
			    "GOP at 0x90+0x13d600: 73312 bytes, file 1647B4F3-3E8A-4FDD-81C8-328ED647AB1A \"IntelGopDriver\", build 1107\n"
			    "VBT at 0x90+0x14f4b0: 4608 bytes, file 1647B4F3-3E8A-4FEF-81C8-328ED647AB1A, $VBT SKYLAKE\n"
			    "VBIOS: none\n");
	free(text);
	fw_close(img);
	file_buf_free(&fb);
	diag_free(&d);
}

/* Texts are found in the input and in what was inflated from it, as ASCII or UCS-2: the GOP's UI
 * name (UCS-2) sits only inside the LZMA-compressed DXE volume, "_FVH" in the raw input. */
static void test_text_search_reaches_inflated_blocks(void **state)
{
	(void)state;
	struct file_buf fb;
	struct diag d;
	struct fw_image *img = open_fixture("ovmf-gop-cml/OVMF_CODE.fd", &fb, &d);
	const char *texts[] = { "IntelGopDriver", "_FVH", "no such text in an OVMF build", "", NULL };
	bool raw[5] = { false }, all[5] = { false };
	fw_search_bytes(fb.data, fb.len, texts, 5, raw);
	fw_search_texts(img, texts, 5, all);
	assert_false(raw[0]);
	assert_true(all[0]);
	assert_true(raw[1] && all[1]);
	assert_false(all[2] || all[3] || all[4]);
	fw_close(img);
	file_buf_free(&fb);
	diag_free(&d);
}

UNIT_MAIN(NULL, NULL, cmocka_unit_test(test_cml_gop_and_vbt_equal_loose_files), cmocka_unit_test(test_blobs_summary),
	  cmocka_unit_test(test_text_search_reaches_inflated_blocks),
	  cmocka_unit_test(test_glk_gop_sha256_and_vbt), cmocka_unit_test(test_debian_ovmf_has_no_gop),
	  cmocka_unit_test(test_fsp_kbl_no_gop_9_efi_sections), cmocka_unit_test(test_fsp_tgl_no_gop_13_efi_sections),
	  cmocka_unit_test(test_loose_gop_facts))
