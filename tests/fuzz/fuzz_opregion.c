/* fuzz_opregion.c - the EFI drivers' parsers on arbitrary bytes: the OpRegion as QEMU hands it over,
 * the same bytes as a VBT placed where GetVbtData looks for one, and as a fw_cfg file directory */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/efi/fake_fwcfg.h"
#include "efi/opregion.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What GetVbtData does once it has found the VBT: copy it, fix the checksum. The copy must then
   validate again and sum to 0, or the parser let something through that it should not have. */
static void hand_out(const uint8_t *op, size_t len)
{
	struct opregion_info oi;
	struct opregion_vbt v;
	size_t bad;

	if (len >= OPREGION_HEADER_LEN && opregion_header(op, OPREGION_HEADER_LEN, &oi, &bad) == OPR_OK &&
	    oi.extent <= len && opregion_find_vbt(op, oi.extent, &v, &bad) == OPR_OK) {
		uint8_t *copy = malloc(v.size);
		uint16_t again;
		uint8_t sum = 0;
		memcpy(copy, op + v.off, v.size);
		vbt_fix_checksum(copy, v.size);
		for (size_t i = 0; i < v.size; i++)
			sum = (uint8_t)(sum + copy[i]);
		if (sum != 0 || vbt_validate(copy, v.size, &again, &bad) != OPR_OK || again != v.size)
			__builtin_trap();
		free(copy);
	}
	opregion_find_vbt(op, len, &v, &bad);
}

static void as_vbt(const uint8_t *data, size_t size)
{
	if (size > 0x20000)
		return;
	/* 2.1 with the input appended behind the 8 KiB (vfio's layout), and in mailbox 4 of a 2.0. */
	size_t len = 0x2000 + size;
	uint8_t *op = calloc(1, len);
	memcpy(op, "IntelGraphicsMem", 16);
	op[0x10] = 8;
	op[0x16] = 1;
	op[0x17] = 2;
	op[OPREGION_RVDA_OFF + 1] = 0x20;
	for (int i = 0; i < 4; i++)
		op[OPREGION_RVDS_OFF + i] = (uint8_t)(size >> (8 * i));
	memcpy(op + 0x2000, data, size);
	hand_out(op, len);
	memset(op + OPREGION_RVDA_OFF, 0, 12);
	op[0x16] = 0;
	memcpy(op + 0x400, data, size < 0x1c00 ? size : 0x1c00);
	hand_out(op, 0x2000);
	free(op);
}

static void as_fw_cfg(const uint8_t *in, size_t size)
{
	/* A directory count past the entries the input holds makes the driver read zero entries, one
	 * simulated port access per byte, up to 4096 of them; one such entry shows the same path. */
	uint8_t *data = malloc(size ? size : 1);
	memcpy(data, in, size);
	if (size >= 4) {
		uint32_t count = (uint32_t)data[0] << 24 | (uint32_t)data[1] << 16 | (uint32_t)data[2] << 8 | data[3];
		uint32_t held = (uint32_t)((size - 4) / FWCFG_DIR_ENTRY_LEN) + 1;
		if (count <= FWCFG_MAX_FILES && count > held)
			for (int i = 0; i < 4; i++)
				data[i] = (uint8_t)(held >> (24 - 8 * i));
	}
	for (int dma = 0; dma < 2; dma++) {
		struct fake_fwcfg f;
		struct fwcfg_io io;
		struct fwcfg fc;
		struct fwcfg_file ff;
		fake_init(&f, dma, &io);
		f.raw_dir = data;
		f.raw_dir_len = size;
		f.raw_files = true;
		if (fwcfg_init(&fc, &io) != FWCFG_OK)
			__builtin_trap();
		/* The driver reads only files up to OPREGION_MAX_SIZE; so does the DMA pass. The port I/O
		 * pass, a simulated port access per byte, stops at an OpRegion with a small VBT behind
		 * it: a directory entry claiming a megabyte would otherwise cost a megabyte of simulated
		 * accesses per run for no path the first 12 KiB do not take. */
		size_t cap = dma ? OPREGION_MAX_SIZE : 0x3000;
		if (fwcfg_find(&fc, "etc/igd-opregion", &ff) == FWCFG_OK && ff.size <= cap) {
			uint8_t *buf = malloc(ff.size ? ff.size : 1);
			if (fwcfg_read(&fc, &ff, buf, ff.size) == FWCFG_OK)
				hand_out(buf, ff.size);
			free(buf);
		}
		fake_free(&f);
	}
	free(data);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	hand_out(data, size);
	as_vbt(data, size);
	as_fw_cfg(data, size);
	return 0;
}
