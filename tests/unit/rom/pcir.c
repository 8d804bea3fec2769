/* tests for tools/rom/pcir.c: the image chain of real ROMs, and hostile ones */
#include "helpers.h"
#include "rom/pcir.h"
#include "rom/pe.h"
#include "romparser_expected.h"

#include <stdlib.h>
#include <string.h>

static void parse(const uint8_t *p, size_t n, struct optrom *rom, struct diag *d, int want_rc)
{
	struct reader r;
	diag_init(d);
	rd_init(&r, p, n, 0, d);
	assert_int_equal(optrom_parse(&r, rom), want_rc);
}

static bool has_msg(const struct diag *d, enum diag_level lvl, const char *needle)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->v[i].level == lvl && strstr(d->v[i].msg, needle))
			return true;
	return false;
}

/* Every fact rom-parser prints (EXPECTED.md), field by field. */
static void test_romparser_facts(void **state)
{
	(void)state;
	for (size_t k = 0; k < RP_NROMS; k++) {
		const struct rp_rom *e = &rp_roms[k];
		struct file_buf fb = fixture_read(e->path);
		struct optrom *rom = malloc(sizeof(*rom));
		struct diag d;
		char cls[7];
		parse(fb.data, fb.len, rom, &d, 0);
		assert_int_equal(rom->nimages, e->n);
		for (unsigned i = 0; i < e->n; i++) {
			const struct optrom_image *m = &rom->img[i];
			const struct rp_image *x = &e->img[i];
			assert_int_equal(m->off, x->off);
			assert_int_equal(m->pcir_ptr, x->pcir);
			assert_true(m->pcir.valid);
			assert_int_equal(m->pcir.code_type, x->type);
			assert_int_equal(m->pcir.vendor, x->vendor);
			assert_int_equal(m->pcir.device, x->device);
			pcir_class_str(&m->pcir, cls);
			assert_string_equal(cls, x->cls);
			assert_int_equal(m->pcir.revision, x->revision);
			assert_int_equal(m->pcir.code_rev, x->vendor_revision);
			assert_int_equal(m->is_efi, x->efi);
			if (x->efi) {
				assert_true(m->efi_sig_ok);
				assert_int_equal(m->efi.subsystem, 0xb);
				assert_int_equal(m->efi.machine, 0x8664);
			}
			assert_int_equal(m->last, x->last);
		}
		assert_true(rom->last_seen);
		assert_int_equal(d.errors, 0);
		diag_free(&d);
		free(rom);
		file_buf_free(&fb);
	}
}

/* Facts rom-parser does not print, checked by hand with xxd/python3. */
static void test_legacy_images(void **state)
{
	(void)state;
	static const struct {
		const char *path;
		uint32_t init_size, len;
		int64_t vbt_at;
		const char *platform;
		size_t ndev;
		uint16_t dev0;
	} t[] = {
		/* SOURCE.md: snb image is 109*512 bytes inside a 64 KiB PCIR length */
		{ "vbios-legacy/snb-0102-vbios.rom", 109 * 512, 0x10000, 0xab0, "SANDYBRIDGE-D", 4, 0x0102 },
		{ "vbios-legacy/bsw-22b0-vbios.rom", 0x10000, 0x10000, 0xaf0, "CHERRYVIEW", 1, 0x22b1 },
		{ "vbios-legacy/hsw-0406-vbios.rom", 0x10000, 0x10000, 0xb30, "SKYLAKE", 68, 0x1902 },
		{ "vbios-legacy/amd-kabini-vbios.rom", 0xec00, 0xec00, -1, NULL, 0, 0 },
	};
	for (size_t k = 0; k < sizeof(t) / sizeof(t[0]); k++) {
		struct file_buf fb = fixture_read(t[k].path);
		struct optrom *rom = malloc(sizeof(*rom));
		struct diag d;
		parse(fb.data, fb.len, rom, &d, 0);
		const struct optrom_image *m = &rom->img[0];
		assert_true(m->is_legacy);
		assert_int_equal(m->init_size, t[k].init_size);
		assert_int_equal(m->len, t[k].len);
		assert_true(m->checksum_ok);
		assert_int_equal(m->checksum_len, t[k].init_size);
		assert_int_equal(m->has_vbt, t[k].vbt_at >= 0);
		if (t[k].vbt_at >= 0) {
			assert_true(m->vbt_valid);
			assert_int_equal(m->vbt.off, (uint64_t)t[k].vbt_at);
			assert_string_equal(m->vbt.platform, t[k].platform);
		}
		assert_int_equal(m->pcir.ndevlist, t[k].ndev);
		if (t[k].ndev)
			assert_int_equal(m->pcir.devlist[0], t[k].dev0);
		assert_int_equal(d.errors, 0);
		diag_free(&d);
		free(rom);
		file_buf_free(&fb);
	}
	/* snb's list, from xxd at 0x5c: 0102 0112 0122 010a */
	struct file_buf fb = fixture_read("vbios-legacy/snb-0102-vbios.rom");
	struct optrom *rom = malloc(sizeof(*rom));
	struct diag d;
	parse(fb.data, fb.len, rom, &d, 0);
	assert_int_equal(rom->img[0].pcir.devlist[1], 0x0112);
	assert_int_equal(rom->img[0].pcir.devlist[2], 0x0122);
	assert_int_equal(rom->img[0].pcir.devlist[3], 0x010a);
	diag_free(&d);
	free(rom);
	file_buf_free(&fb);
}

/* SOURCE.md: adlp InitializationSize 0x129 sectors (a 16-bit field); EFI image offsets per EXPECTED.md. */
static void test_efi_headers(void **state)
{
	(void)state;
	struct file_buf fb = fixture_read("gop-rom/adlp-46a6-gop.rom");
	struct optrom *rom = malloc(sizeof(*rom));
	struct diag d;
	parse(fb.data, fb.len, rom, &d, 0);
	assert_int_equal(rom->img[0].init_size, 0x129 * 512);
	assert_int_equal(rom->img[0].len, 152064);
	assert_int_equal(rom->img[0].efi.compression, 0);
	diag_free(&d);
	file_buf_free(&fb);

	fb = fixture_read("gop-n150-adln/n150_vfio_igd.rom");
	parse(fb.data, fb.len, rom, &d, 0);
	assert_int_equal(rom->img[0].efi.image_off, 0x200);
	assert_int_equal(rom->img[1].efi.image_off, 0x140);
	assert_int_equal(rom->img[2].efi.image_off, 0x80);
	assert_false(rom->img[1].found_by_scan);
	assert_int_equal(rom->chain_end, fb.len);
	diag_free(&d);
	free(rom);
	file_buf_free(&fb);
}

/* Every truncation: an error naming an offset, never a crash (ASan run) or a silent pass. */
static void test_truncations(void **state)
{
	(void)state;
	for (size_t k = 0; k < RP_NROMS; k++) {
		struct file_buf fb = fixture_read(rp_roms[k].path);
		struct optrom *rom = malloc(sizeof(*rom));
		size_t step = fb.len > 8192 ? 509 : 1;
		for (size_t n = 0; n < fb.len; n += (n < 64 ? 1 : step)) {
			struct diag d;
			struct reader r;
			uint8_t *copy = malloc(n ? n : 1);	/* exact-size copy so ASan sees overreads */
			memcpy(copy, fb.data, n);
			diag_init(&d);
			rd_init(&r, copy, n, 0, &d);
			int rc = optrom_parse(&r, rom);
			assert_true(d.errors > 0);
			if (n < 2)
				assert_int_equal(rc, -1);
			diag_free(&d);
			free(copy);
		}
		free(rom);
		file_buf_free(&fb);
	}
}

static uint8_t *dup_fixture(const char *rel, size_t *n)
{
	struct file_buf fb = fixture_read(rel);
	*n = fb.len;
	return fb.data;
}

static void test_corruptions(void **state)
{
	(void)state;
	struct optrom *rom = malloc(sizeof(*rom));
	struct diag d;
	size_t n;
	uint8_t *p;

	/* PCIR pointer into nowhere */
	p = dup_fixture("ovmf-gop-glk/igd.rom", &n);
	put_le16(p + 0x18, 0xfff0);
	parse(p, n, rom, &d, 0);
	assert_true(has_msg(&d, DIAG_ERROR, "PCIR pointer 0xfff0"));
	assert_int_equal(d.v[0].off, 0x18);
	diag_free(&d);
	free(p);

	/* "PCIR" signature broken */
	p = dup_fixture("ovmf-gop-glk/igd.rom", &n);
	p[0x1c] = 'X';
	parse(p, n, rom, &d, 0);
	assert_true(has_msg(&d, DIAG_ERROR, "expected 'PCIR'"));
	diag_free(&d);
	free(p);

	/* image length 0 */
	p = dup_fixture("ovmf-gop-glk/igd.rom", &n);
	put_le16(p + 0x1c + 16, 0);
	parse(p, n, rom, &d, 0);
	assert_true(has_msg(&d, DIAG_ERROR, "PCIR image length 0"));
	diag_free(&d);
	free(p);

	/* image length past the end */
	p = dup_fixture("ovmf-gop-glk/igd.rom", &n);
	put_le16(p + 0x1c + 16, 0x4000);
	parse(p, n, rom, &d, 0);
	assert_true(rom->img[0].truncated);
	assert_true(has_msg(&d, DIAG_ERROR, "truncated"));
	diag_free(&d);
	free(p);

	/* no last flag: the chain runs off the end */
	p = dup_fixture("ovmf-gop-glk/igd.rom", &n);
	p[0x1c + 21] = 0;
	parse(p, n, rom, &d, 0);
	assert_false(rom->last_seen);
	assert_true(has_msg(&d, DIAG_ERROR, "no image is flagged last"));
	diag_free(&d);
	free(p);

	/* EFI header: signature, subsystem, machine, compression, image offset */
	p = dup_fixture("ovmf-gop-glk/igd.rom", &n);
	p[4] = 0xf2;
	parse(p, n, rom, &d, 0);
	assert_false(rom->img[0].efi_sig_ok);
	assert_true(has_msg(&d, DIAG_ERROR, "EFI signature"));
	diag_free(&d);
	free(p);
	p = dup_fixture("ovmf-gop-glk/igd.rom", &n);
	put_le16(p + 8, 10);
	put_le16(p + 10, 0x1234);
	put_le16(p + 12, 7);
	put_le16(p + 0x16, 0x2000);
	parse(p, n, rom, &d, 0);
	assert_true(has_msg(&d, DIAG_ERROR, "application"));
	assert_true(has_msg(&d, DIAG_ERROR, "machine 0x1234"));
	assert_true(has_msg(&d, DIAG_ERROR, "compression type 7"));
	assert_true(has_msg(&d, DIAG_ERROR, "EFI image offset 0x2000"));
	diag_free(&d);
	free(p);

	/* legacy checksum */
	p = dup_fixture("vbios-legacy/bsw-22b0-vbios.rom", &n);
	p[0x100] ^= 0x01;
	parse(p, n, rom, &d, 0);
	assert_false(rom->img[0].checksum_ok);
	assert_true(has_msg(&d, DIAG_ERROR, "checksum wrong"));
	diag_free(&d);
	free(p);

	/* a wrong image length in the middle of the chain: found again by a 512-byte scan */
	p = dup_fixture("gop-n150-adln/n150_vfio_igd.rom", &n);
	put_le16(p + 0x1c + 16, 0x144);
	parse(p, n, rom, &d, 0);
	assert_int_equal(rom->nimages, 3);
	assert_true(rom->img[1].found_by_scan);
	assert_int_equal(rom->img[1].off, 0x28a00);
	assert_true(has_msg(&d, DIAG_WARN, "512-byte scan"));
	diag_free(&d);
	free(p);
	free(rom);
}

static void test_trailing_bytes(void **state)
{
	(void)state;
	struct optrom *rom = malloc(sizeof(*rom));
	struct diag d;
	size_t n;
	uint8_t *p = dup_fixture("ovmf-gop-glk/igd.rom", &n);
	uint8_t *q = malloc(2 * n);
	memcpy(q, p, n);

	memset(q + n, 0xff, 512);
	parse(q, n + 512, rom, &d, 0);
	assert_true(has_msg(&d, DIAG_NOTE, "padding"));
	assert_int_equal(d.errors, 0);
	diag_free(&d);

	memset(q + n, 0x12, 512);
	parse(q, n + 512, rom, &d, 0);
	assert_true(has_msg(&d, DIAG_WARN, "belong to no image"));
	diag_free(&d);

	memcpy(q + n, p, n);
	parse(q, 2 * n, rom, &d, 0);
	assert_int_equal(rom->nimages, 1);
	assert_true(has_msg(&d, DIAG_WARN, "after the image flagged last"));
	diag_free(&d);

	free(q);
	free(p);
	free(rom);
}

static void test_not_a_rom(void **state)
{
	(void)state;
	struct optrom *rom = malloc(sizeof(*rom));
	struct diag d;
	struct file_buf fb = fixture_read("vbt/kbl-fsp.vbt");
	parse(fb.data, fb.len, rom, &d, -1);
	assert_non_null(strstr(diag_last(&d), "not a PCI option ROM: expected 55 AA at 0x0, found 24 56"));
	diag_free(&d);
	parse(fb.data, 0, rom, &d, -1);
	diag_free(&d);
	file_buf_free(&fb);
	free(rom);
}

UNIT_MAIN(NULL, NULL, cmocka_unit_test(test_romparser_facts), cmocka_unit_test(test_legacy_images),
	  cmocka_unit_test(test_efi_headers), cmocka_unit_test(test_truncations), cmocka_unit_test(test_corruptions),
	  cmocka_unit_test(test_trailing_bytes), cmocka_unit_test(test_not_a_rom))
