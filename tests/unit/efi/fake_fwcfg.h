/* fake_fwcfg.h - a simulated QEMU fw_cfg device behind struct fwcfg_io, for unit tests and fuzzing
 *
 * Header-only (each unit test is its own binary). It behaves like QEMU's
 * device: selecting a key rewinds the data port; reads past an item's end
 * give 0; the DMA descriptor is read from (host) memory at the address
 * written to 0x514/0x518, which works because the test runs in one process.
 */
#ifndef IGDKIT_TEST_FAKE_FWCFG_H
#define IGDKIT_TEST_FAKE_FWCFG_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "efi/fwcfg.h"

#define FAKE_MAX_FILES 8

struct fake_file {
	const char *name;	/* copied into the 56-byte field as is (may be 56 bytes without NUL) */
	size_t name_len;	/* 0: strlen(name) + 1 */
	uint16_t key;
	const uint8_t *data;
	uint32_t len;
	uint32_t dir_size;	/* size the directory claims; 0: len */
};

struct fake_fwcfg {
	char sig[4];
	uint32_t features;
	struct fake_file files[FAKE_MAX_FILES];
	size_t nfiles;
	const uint8_t *raw_dir;	/* when set, served verbatim as key 0x19 */
	size_t raw_dir_len;
	bool raw_files;		/* any other key serves raw_dir too */
	bool dma_fail;		/* set the error bit on every transfer */
	bool dma_hang;		/* never complete a transfer */
	/* state */
	uint16_t sel;
	size_t pos;
	uint8_t *dir;
	size_t dir_len;
	uint32_t dma_hi;
	unsigned dma_transfers, port_reads;
};

static void fake_item(struct fake_fwcfg *f, const uint8_t **p, size_t *len)
{
	static uint8_t id[4];
	*p = NULL;
	*len = 0;
	if (f->sel == FWCFG_KEY_SIGNATURE) {
		*p = (const uint8_t *)f->sig;
		*len = 4;
	} else if (f->sel == FWCFG_KEY_ID) {
		id[0] = (uint8_t)f->features;
		id[1] = (uint8_t)(f->features >> 8);
		id[2] = (uint8_t)(f->features >> 16);
		id[3] = (uint8_t)(f->features >> 24);
		*p = id;
		*len = 4;
	} else if (f->sel == FWCFG_KEY_FILE_DIR) {
		if (f->raw_dir) {
			*p = f->raw_dir;
			*len = f->raw_dir_len;
		} else {
			*p = f->dir;
			*len = f->dir_len;
		}
	} else if (f->raw_files) {
		*p = f->raw_dir;
		*len = f->raw_dir_len;
	} else {
		for (size_t i = 0; i < f->nfiles; i++)
			if (f->files[i].key == f->sel) {
				*p = f->files[i].data;
				*len = f->files[i].len;
			}
	}
}

static void fake_outw(void *ctx, uint16_t port, uint16_t v)
{
	struct fake_fwcfg *f = ctx;
	if (port == FWCFG_PORT_SEL) {
		f->sel = v;
		f->pos = 0;
	}
}

static uint8_t fake_inb(void *ctx, uint16_t port)
{
	struct fake_fwcfg *f = ctx;
	const uint8_t *p;
	size_t len;
	if (port != FWCFG_PORT_DATA)
		return 0xff;
	f->port_reads++;
	fake_item(f, &p, &len);
	return f->pos < len ? p[f->pos++] : (f->pos++, 0);
}

static uint32_t fake_swap32(uint32_t v)
{
	return (v >> 24) | ((v >> 8) & 0xff00) | ((v << 8) & 0xff0000) | (v << 24);
}

static uint32_t fake_be32(const volatile uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static void fake_outl(void *ctx, uint16_t port, uint32_t v)
{
	struct fake_fwcfg *f = ctx;
	if (port == FWCFG_PORT_DMA_HI) {
		f->dma_hi = fake_swap32(v);
		return;
	}
	if (port != FWCFG_PORT_DMA_LO)
		return;
	volatile uint8_t *d = (volatile uint8_t *)(uintptr_t)((uint64_t)f->dma_hi << 32 | fake_swap32(v));
	uint32_t ctl = fake_be32(d), len = fake_be32(d + 4);
	uint64_t addr = (uint64_t)fake_be32(d + 8) << 32 | fake_be32(d + 12);
	f->dma_transfers++;
	if (f->dma_hang)
		return;
	if (f->dma_fail) {
		d[3] |= FWCFG_DMA_ERROR;
		return;
	}
	if (ctl & FWCFG_DMA_SELECT) {
		f->sel = (uint16_t)(ctl >> 16);
		f->pos = 0;
	}
	if (ctl & FWCFG_DMA_READ) {
		const uint8_t *p;
		size_t ilen;
		uint8_t *out = (uint8_t *)(uintptr_t)addr;
		fake_item(f, &p, &ilen);
		for (uint32_t i = 0; i < len; i++, f->pos++)
			out[i] = f->pos < ilen ? p[f->pos] : 0;
	}
	d[0] = d[1] = d[2] = d[3] = 0;
}

static uint64_t fake_phys(void *ctx, const volatile void *p)
{
	(void)ctx;
	return (uint64_t)(uintptr_t)p;
}

/* Builds the directory from files[]; call after filling them in. */
static void fake_build_dir(struct fake_fwcfg *f)
{
	free(f->dir);
	f->dir_len = 4 + FWCFG_DIR_ENTRY_LEN * f->nfiles;
	f->dir = calloc(1, f->dir_len);
	f->dir[3] = (uint8_t)f->nfiles;
	for (size_t i = 0; i < f->nfiles; i++) {
		uint8_t *e = f->dir + 4 + FWCFG_DIR_ENTRY_LEN * i;
		const struct fake_file *x = &f->files[i];
		uint32_t sz = x->dir_size ? x->dir_size : x->len;
		size_t nl = x->name_len ? x->name_len : strlen(x->name) + 1;
		e[0] = (uint8_t)(sz >> 24);
		e[1] = (uint8_t)(sz >> 16);
		e[2] = (uint8_t)(sz >> 8);
		e[3] = (uint8_t)sz;
		e[4] = (uint8_t)(x->key >> 8);
		e[5] = (uint8_t)x->key;
		memcpy(e + 8, x->name, nl > FWCFG_NAME_LEN ? FWCFG_NAME_LEN : nl);
	}
}

static void fake_init(struct fake_fwcfg *f, bool dma, struct fwcfg_io *io)
{
	memset(f, 0, sizeof(*f));
	memcpy(f->sig, "QEMU", 4);
	f->features = 1 | (dma ? FWCFG_FEATURE_DMA : 0);
	*io = (struct fwcfg_io){ f, fake_outw, fake_outl, fake_inb, fake_phys };
}

static void fake_free(struct fake_fwcfg *f)
{
	free(f->dir);
	f->dir = NULL;
}

#endif
