/* hostpci.h - PCI functions of a machine, read once through libpci
 *
 * Live: libpci's /sys/bus/pci access. Fixtures: libpci's own "dump" access
 * method on an `lspci -xxx`-style text file (--pci-dump), or its sysfs access
 * pointed at ROOT/sys/bus/pci. Only what check needs is kept: ids, class and
 * the first 256 bytes of config space.
 */
#ifndef IGDKIT_HOSTPCI_H
#define IGDKIT_HOSTPCI_H

#include <stddef.h>
#include <stdint.h>

#include "lib/diag.h"

struct pci_fn {
	uint16_t domain;
	uint8_t bus, dev, fn;
	uint16_t vendor, device;
	uint32_t class_code;	/* 24-bit: class << 16 | subclass << 8 | prog-if */
	unsigned cfg_len;	/* bytes of cfg that were readable: 64 (non-root sysfs) or 256 */
	uint8_t cfg[256];
};

struct pci_snapshot {
	struct pci_fn *v;
	size_t n;
	char source[300];	/* "libpci dump: FILE" etc., for evidence */
};

/*
 * dump_file: an lspci -xxx text file, or NULL. sysfs_dir: the directory that
 * stands for /sys/bus/pci, or NULL for the live one. Returns 0, or -1 with a
 * diag (libpci's own message) when PCI cannot be read at all.
 */
int pci_snapshot_read(const char *dump_file, const char *sysfs_dir, struct pci_snapshot *s, struct diag *d);
void pci_snapshot_free(struct pci_snapshot *s);
const struct pci_fn *pci_find(const struct pci_snapshot *s, unsigned bus, unsigned dev, unsigned fn);

static inline uint16_t pci_cfg16(const struct pci_fn *f, unsigned off)
{
	return off <= sizeof(f->cfg) - 2 && off + 2 <= f->cfg_len ? (uint16_t)(f->cfg[off] | f->cfg[off + 1] << 8) : 0xffff;
}
static inline uint32_t pci_cfg32(const struct pci_fn *f, unsigned off)
{
	return off <= sizeof(f->cfg) - 4 && off + 4 <= f->cfg_len ? (uint32_t)f->cfg[off] | (uint32_t)f->cfg[off + 1] << 8 |
					       (uint32_t)f->cfg[off + 2] << 16 | (uint32_t)f->cfg[off + 3] << 24
				     : 0xffffffffu;
}
/* Display class (0x03xxxx). */
static inline int pci_is_display(const struct pci_fn *f) { return (f->class_code >> 16) == 0x03; }

#endif
