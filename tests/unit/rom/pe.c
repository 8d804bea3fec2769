/* tests for tools/rom/pe.c: every EFI driver fixture, cut and corrupted headers
 *
 * Expected values from a python3 struct walk of each file (machine, section count,
 * SizeOfImage; the last section's raw data ends exactly at the end of the file).
 */
#include "helpers.h"
#include "rom/pe.h"

#include <stdlib.h>
#include <string.h>

static const struct {
	const char *path;
	uint16_t nsec;
	uint32_t size_of_image;
} pes[] = {
	{ "gop-efi/adl-n.efi", 5, 0x2e6e0 },
	{ "gop-efi/adl-p.efi", 5, 0x25140 },
	{ "gop-efi/adl-s-rpl.efi", 5, 0x27ae0 },
	{ "gop-efi/apl.efi", 3, 0x13280 },
	{ "gop-efi/byt.efi", 3, 0xff40 },
	{ "gop-efi/cml.efi", 5, 0x120e0 },
	{ "gop-efi/ehl.efi", 5, 0x1b640 },
	{ "gop-efi/glk.efi", 5, 0x15d20 },
	{ "gop-efi/hsw-bdw.efi", 3, 0xb4a0 },
	{ "gop-efi/jsl.efi", 5, 0x1bc00 },
	{ "gop-efi/rkl.efi", 5, 0x251e0 },
	{ "gop-efi/rpl-h.efi", 5, 0x29000 },
	{ "gop-efi/skl-cfl.efi", 5, 0x115a0 },
	{ "gop-efi/tgl.efi", 5, 0x273e0 },
	{ "gop-n150-adln/IntelGopDriver.efi", 5, 0x2b000 },
	{ "gop-n150-adln/IgdAssignmentDxe.efi", 3, 0x44c0 },
	{ "gop-n150-adln/PlatformGOPPolicy.efi", 2, 0x1b80 },
	{ "ovmf-gop-cml/IntelGopDriver.efi", 5, 0x11e60 },
};
#define NPES (sizeof(pes) / sizeof(pes[0]))

static int parse(const uint8_t *p, size_t n, struct pe_info *pe, struct diag *d)
{
	struct reader r;
	diag_init(d);
	rd_init(&r, p, n, 0x1000, d);	/* a base, as inside a ROM: offsets must carry it */
	return pe_parse(&r, pe);
}

static void test_fixtures(void **state)
{
	(void)state;
	struct pe_info *pe = malloc(sizeof(*pe));
	for (size_t k = 0; k < NPES; k++) {
		struct file_buf fb = fixture_read(pes[k].path);
		struct diag d;
		assert_int_equal(parse(fb.data, fb.len, pe, &d), 0);
		assert_int_equal(d.n, 0);
		assert_int_equal(pe->machine, PE_MACHINE_X64);
		assert_int_equal(pe->opt_magic, PE_OPT_MAGIC_PE32PLUS);
		assert_int_equal(pe->subsystem, PE_SUBSYSTEM_EFI_BOOT_SERVICE_DRIVER);
		assert_int_equal(pe->nsections, pes[k].nsec);
		assert_int_equal(pe->size_of_image, pes[k].size_of_image);
		assert_int_equal(pe->file_size, fb.len);
		assert_string_equal(pe->sec[0].name, ".text");
		/* trailing padding does not change the file size */
		uint8_t *padded = calloc(1, fb.len + 0x200);
		memcpy(padded, fb.data, fb.len);
		diag_free(&d);
		assert_int_equal(parse(padded, fb.len + 0x200, pe, &d), 0);
		assert_int_equal(pe->file_size, fb.len);
		free(padded);
		diag_free(&d);
		file_buf_free(&fb);
	}
	free(pe);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(pe_machine_name(0x8664), "X64");
	assert_string_equal(pe_machine_name(0x014c), "IA-32");
	assert_string_equal(pe_machine_name(0xaa64), "ARM 64-bit");
	assert_null(pe_machine_name(0x1234));
	assert_string_equal(pe_subsystem_name(11), "Boot");
	assert_string_equal(pe_subsystem_name(12), "Runtime");
	assert_null(pe_subsystem_name(3));
}

/* Cuts anywhere before the end lose section data: always an error, never an overread. */
static void test_truncations(void **state)
{
	(void)state;
	struct pe_info *pe = malloc(sizeof(*pe));
	const char *files[] = { "gop-n150-adln/PlatformGOPPolicy.efi", "gop-efi/hsw-bdw.efi" };
	for (size_t k = 0; k < 2; k++) {
		struct file_buf fb = fixture_read(files[k]);
		for (size_t n = 0; n < fb.len; n += n < 0x400 ? 1 : 61) {
			uint8_t *c = malloc(n ? n : 1);
			struct diag d;
			memcpy(c, fb.data, n);
			assert_int_equal(parse(c, n, pe, &d), -1);
			assert_true(d.errors > 0);
			assert_true(d.v[d.n - 1].off >= 0x1000);
			diag_free(&d);
			free(c);
		}
		file_buf_free(&fb);
	}
	free(pe);
}

static void expect_error(const uint8_t *p, size_t n, const char *needle)
{
	struct pe_info *pe = malloc(sizeof(*pe));
	struct diag d;
	assert_int_equal(parse(p, n, pe, &d), -1);
	bool found = false;
	for (size_t i = 0; i < d.n; i++)
		if (d.v[i].level == DIAG_ERROR && strstr(d.v[i].msg, needle))
			found = true;
	if (!found)
		fail_msg("no error with '%s'; last: %s", needle, diag_last(&d));
	diag_free(&d);
	free(pe);
}

static void test_corruptions(void **state)
{
	(void)state;
	struct file_buf fb = fixture_read("gop-efi/cml.efi");
	uint8_t *p = malloc(fb.len);
	uint32_t lfanew = le32(fb.data + 0x3c);
	size_t opt = lfanew + 24;

	memcpy(p, fb.data, fb.len);
	p[0] = 'X';
	expect_error(p, fb.len, "expected 'MZ'");

	memcpy(p, fb.data, fb.len);
	put_le32(p + 0x3c, 0x7ffffff0);
	expect_error(p, fb.len, "e_lfanew 0x7ffffff0");

	memcpy(p, fb.data, fb.len);
	p[lfanew + 1] = 'X';
	expect_error(p, fb.len, "expected 'PE\\0\\0'");

	memcpy(p, fb.data, fb.len);
	put_le16(p + opt, 0x1234);
	expect_error(p, fb.len, "optional header magic 0x1234");

	memcpy(p, fb.data, fb.len);
	put_le16(p + lfanew + 20, 8);
	expect_error(p, fb.len, "SizeOfOptionalHeader 8");

	memcpy(p, fb.data, fb.len);
	put_le16(p + lfanew + 6, 0xffff);
	expect_error(p, fb.len, "PE section table");

	memcpy(p, fb.data, fb.len);
	put_le32(p + opt + 56, 0x100);	/* SizeOfImage smaller than the headers */
	expect_error(p, fb.len, "SizeOfImage 0x100");

	/* first section's raw data pointer out of the file */
	memcpy(p, fb.data, fb.len);
	size_t sec = opt + le16(fb.data + lfanew + 20);
	put_le32(p + sec + 20, 0x7fff0000);
	expect_error(p, fb.len, "raw data 0x7fff0000");

	free(p);
	file_buf_free(&fb);
}

UNIT_MAIN(NULL, NULL, cmocka_unit_test(test_fixtures), cmocka_unit_test(test_names), cmocka_unit_test(test_truncations),
	  cmocka_unit_test(test_corruptions))
