/* fwcfg.c - the EFI drivers' fw_cfg client against a simulated device: directory, port and DMA reads */
#include "helpers.h"

#include "fake_fwcfg.h"

static const uint8_t opregion_bytes[] = "IntelGraphicsMem and some more bytes of a pretend OpRegion";
static const uint8_t bdsm[8] = { 0, 0, 0, 4, 0, 0, 0, 0 };	/* 64 MiB */

static void setup_files(struct fake_fwcfg *f)
{
	f->files[0] = (struct fake_file){ "etc/e820", 0, 0x20, bdsm, 8, 0 };
	f->files[1] = (struct fake_file){ "etc/igd-opregion-not", 0, 0x21, bdsm, 8, 0 };
	f->files[2] = (struct fake_file){ "etc/igd-opregion", 0, 0x22, opregion_bytes, sizeof(opregion_bytes), 0 };
	f->files[3] = (struct fake_file){ "etc/igd-bdsm-size", 0, 0x23, bdsm, 8, 0 };
	f->nfiles = 4;
	fake_build_dir(f);
}

static void no_qemu_signature(void **state)
{
	(void)state;
	struct fake_fwcfg f;
	struct fwcfg_io io;
	struct fwcfg fc;
	fake_init(&f, true, &io);
	memcpy(f.sig, "\xff\xff\xff\xff", 4);	/* what an empty I/O port reads */
	assert_int_equal(fwcfg_init(&fc, &io), FWCFG_ABSENT);
	fake_free(&f);
}

static void finds_exact_name_only(void **state)
{
	(void)state;
	struct fake_fwcfg f;
	struct fwcfg_io io;
	struct fwcfg fc;
	struct fwcfg_file ff;
	fake_init(&f, false, &io);
	setup_files(&f);
	assert_int_equal(fwcfg_init(&fc, &io), FWCFG_OK);
	assert_false(fc.dma);
	assert_int_equal(fwcfg_find(&fc, "etc/igd-opregion", &ff), FWCFG_OK);
	assert_int_equal(ff.select, 0x22);
	assert_int_equal(ff.size, sizeof(opregion_bytes));
	assert_string_equal(ff.name, "etc/igd-opregion");
	assert_int_equal(fwcfg_find(&fc, "etc/igd-bdsm-size", &ff), FWCFG_OK);
	assert_int_equal(ff.select, 0x23);
	assert_int_equal(fwcfg_find(&fc, "etc/igd", &ff), FWCFG_NOT_FOUND);
	assert_int_equal(fwcfg_find(&fc, "etc/igd-opregion-not-either", &ff), FWCFG_NOT_FOUND);
	fake_free(&f);
}

static void port_and_dma_read_the_same_bytes(void **state)
{
	(void)state;
	for (int dma = 0; dma < 2; dma++) {
		struct fake_fwcfg f;
		struct fwcfg_io io;
		struct fwcfg fc;
		struct fwcfg_file ff;
		uint8_t buf[sizeof(opregion_bytes)];
		fake_init(&f, dma, &io);
		setup_files(&f);
		assert_int_equal(fwcfg_init(&fc, &io), FWCFG_OK);
		assert_int_equal(fc.dma, dma);
		assert_int_equal(fwcfg_find(&fc, "etc/igd-opregion", &ff), FWCFG_OK);
		memset(buf, 0xaa, sizeof(buf));
		unsigned reads_before = f.port_reads;
		assert_int_equal(fwcfg_read(&fc, &ff, buf, ff.size), FWCFG_OK);
		assert_memory_equal(buf, opregion_bytes, sizeof(buf));
		/* DMA moves the file in one transfer, with no data-port reads at all. */
		assert_int_equal(f.dma_transfers, dma ? 1 : 0);
		assert_int_equal(f.port_reads - reads_before, dma ? 0 : sizeof(buf));
		/* A shorter read of the start. */
		uint8_t head[16];
		assert_int_equal(fwcfg_read(&fc, &ff, head, sizeof(head)), FWCFG_OK);
		assert_memory_equal(head, "IntelGraphicsMem", 16);
		fake_free(&f);
	}
}

static void read_past_size_refused(void **state)
{
	(void)state;
	struct fake_fwcfg f;
	struct fwcfg_io io;
	struct fwcfg fc;
	struct fwcfg_file ff;
	uint8_t buf[16];
	fake_init(&f, true, &io);
	setup_files(&f);
	fwcfg_init(&fc, &io);
	assert_int_equal(fwcfg_find(&fc, "etc/igd-bdsm-size", &ff), FWCFG_OK);
	assert_int_equal(fwcfg_read(&fc, &ff, buf, 9), FWCFG_SHORT);
	assert_int_equal(f.dma_transfers, 0);
	fake_free(&f);
}

static void dma_error_and_hang_reported(void **state)
{
	(void)state;
	struct fake_fwcfg f;
	struct fwcfg_io io;
	struct fwcfg fc;
	struct fwcfg_file ff;
	uint8_t buf[8];
	fake_init(&f, true, &io);
	setup_files(&f);
	fwcfg_init(&fc, &io);
	assert_int_equal(fwcfg_find(&fc, "etc/igd-bdsm-size", &ff), FWCFG_OK);
	f.dma_fail = true;
	assert_int_equal(fwcfg_read(&fc, &ff, buf, 8), FWCFG_DMA_FAILED);
	f.dma_fail = false;
	f.dma_hang = true;
	assert_int_equal(fwcfg_read(&fc, &ff, buf, 8), FWCFG_DMA_FAILED);
	fake_free(&f);
}

/* A device (port I/O only) whose file directory is the raw bytes dir, count first. */
static void open_raw_dir(struct fake_fwcfg *f, struct fwcfg_io *io, struct fwcfg *fc, const uint8_t *dir, size_t len)
{
	fake_init(f, false, io);
	f->raw_dir = dir;
	f->raw_dir_len = len;
	fwcfg_init(fc, io);
}

/* A directory claiming 2^32-1 files is refused before a single entry is read. */
static void hostile_count_refused(void **state)
{
	(void)state;
	static const uint8_t dir[4] = { 0xff, 0xff, 0xff, 0xff };
	struct fake_fwcfg f;
	struct fwcfg_io io;
	struct fwcfg fc;
	struct fwcfg_file ff;
	open_raw_dir(&f, &io, &fc, dir, sizeof(dir));
	unsigned before = f.port_reads;
	assert_int_equal(fwcfg_find(&fc, "etc/igd-opregion", &ff), FWCFG_BAD_DIR);
	assert_int_equal(f.port_reads - before, 4);
	fake_free(&f);
}

/* The count says 3 but the device has 1 entry: the rest reads as zeros (empty names), no match. */
static void short_directory_is_not_found(void **state)
{
	(void)state;
	uint8_t dir[4 + 64] = { 0, 0, 0, 3 };
	memcpy(dir + 4 + 8, "etc/other", 9);
	struct fake_fwcfg f;
	struct fwcfg_io io;
	struct fwcfg fc;
	struct fwcfg_file ff;
	open_raw_dir(&f, &io, &fc, dir, sizeof(dir));
	assert_int_equal(fwcfg_find(&fc, "etc/igd-opregion", &ff), FWCFG_NOT_FOUND);
	fake_free(&f);
}

static void unterminated_name_never_matches(void **state)
{
	(void)state;
	uint8_t e[FWCFG_DIR_ENTRY_LEN] = { 0 };
	struct fwcfg_file ff;
	e[3] = 0x10;
	e[5] = 0x22;
	memset(e + 8, 'a', FWCFG_NAME_LEN);	/* 56 bytes, no NUL */
	assert_false(fwcfg_dir_entry(e, &ff));
	e[8 + FWCFG_NAME_LEN - 1] = 0;		/* 55 + NUL: the longest legal name */
	assert_true(fwcfg_dir_entry(e, &ff));
	assert_int_equal(strlen(ff.name), 55);
	assert_int_equal(ff.size, 0x10);
	assert_int_equal(ff.select, 0x22);
	memset(e + 8, 0, FWCFG_NAME_LEN);
	assert_false(fwcfg_dir_entry(e, &ff));	/* empty name */
}

UNIT_MAIN(NULL, NULL, cmocka_unit_test(no_qemu_signature), cmocka_unit_test(finds_exact_name_only),
	  cmocka_unit_test(port_and_dma_read_the_same_bytes), cmocka_unit_test(read_past_size_refused),
	  cmocka_unit_test(dma_error_and_hang_reported), cmocka_unit_test(hostile_count_refused),
	  cmocka_unit_test(short_directory_is_not_found), cmocka_unit_test(unterminated_name_never_matches))
