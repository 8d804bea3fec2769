/* fwcfg.h - QEMU's fw_cfg interface as guest firmware reads it (x86 I/O ports)
 *
 * Plain C without EFI headers: the port accesses come in through struct
 * fwcfg_io, so the host build drives the same code against a simulated
 * device (unit tests, fuzzing) and the EFI build against real ports.
 *   0x510 selector (16-bit write)  0x511 data (8-bit reads, auto-advancing)
 *   0x514/0x518 DMA address, big-endian halves; writing 0x518 starts the transfer
 *   key 0x0000 "QEMU" signature, 0x0001 feature bits (bit 1: DMA), 0x0019 file directory:
 *   u32 count (BE), then count x { u32 size BE, u16 select BE, u16 reserved, char name[56] }
 */
#ifndef IGDKIT_EFI_FWCFG_H
#define IGDKIT_EFI_FWCFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FWCFG_PORT_SEL 0x510
#define FWCFG_PORT_DATA 0x511
#define FWCFG_PORT_DMA_HI 0x514
#define FWCFG_PORT_DMA_LO 0x518
#define FWCFG_KEY_SIGNATURE 0x0000
#define FWCFG_KEY_ID 0x0001
#define FWCFG_KEY_FILE_DIR 0x0019
#define FWCFG_FEATURE_DMA 0x2
#define FWCFG_DMA_ERROR 0x01
#define FWCFG_DMA_READ 0x02
#define FWCFG_DMA_SELECT 0x08
#define FWCFG_NAME_LEN 56
#define FWCFG_DIR_ENTRY_LEN 64
/* QEMU allows far fewer files; more than this is a broken or hostile directory. */
#define FWCFG_MAX_FILES 4096
/* QEMU completes a transfer inside the port write; polling this long means it never will. */
#define FWCFG_DMA_POLLS 10000000u

struct fwcfg_io {
	void *ctx;
	void (*outw)(void *ctx, uint16_t port, uint16_t v);
	void (*outl)(void *ctx, uint16_t port, uint32_t v);
	uint8_t (*inb)(void *ctx, uint16_t port);
	uint64_t (*phys)(void *ctx, const volatile void *p);	/* NULL: no DMA */
};

enum fwcfg_status {
	FWCFG_OK = 0,
	FWCFG_ABSENT,		/* no "QEMU" signature: not under QEMU */
	FWCFG_NOT_FOUND,	/* no file of that name */
	FWCFG_BAD_DIR,		/* directory count beyond FWCFG_MAX_FILES */
	FWCFG_SHORT,		/* asked for more than the file holds */
	FWCFG_DMA_FAILED,	/* the device flagged an error or never finished */
};

struct fwcfg {
	const struct fwcfg_io *io;
	bool dma;
};

struct fwcfg_file {
	uint16_t select;
	uint32_t size;
	char name[FWCFG_NAME_LEN];
};

/* Probes the signature and the DMA feature. */
enum fwcfg_status fwcfg_init(struct fwcfg *fc, const struct fwcfg_io *io);
/* Walks the directory for name (exact match). */
enum fwcfg_status fwcfg_find(const struct fwcfg *fc, const char *name, struct fwcfg_file *f);
/* Reads the first n bytes of a file (n <= its size), by DMA when offered. */
enum fwcfg_status fwcfg_read(const struct fwcfg *fc, const struct fwcfg_file *f, void *buf, uint32_t n);

/* One directory entry; false when its name is not NUL-terminated within 56 bytes or empty. */
bool fwcfg_dir_entry(const uint8_t e[FWCFG_DIR_ENTRY_LEN], struct fwcfg_file *f);

const char *fwcfg_status_str(enum fwcfg_status s);

#endif
