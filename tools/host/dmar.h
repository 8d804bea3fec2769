/* dmar.h - ACPI DMAR (DMA remapping) table: every remapping structure, every device scope */
#ifndef IGDKIT_DMAR_H
#define IGDKIT_DMAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/diag.h"

enum dmar_type {
	DMAR_DRHD = 0,	/* DMA remapping hardware unit */
	DMAR_RMRR = 1,	/* reserved memory region */
	DMAR_ATSR = 2,	/* root-port ATS capability */
	DMAR_RHSA = 3,	/* remapping unit NUMA affinity */
	DMAR_ANDD = 4,	/* ACPI namespace device */
	DMAR_SATC = 5,	/* SoC integrated address translation cache */
	DMAR_SIDP = 6,	/* SoC integrated device property */
};

enum dmar_scope_type {
	DMAR_SCOPE_ENDPOINT = 1,
	DMAR_SCOPE_BRIDGE = 2,
	DMAR_SCOPE_IOAPIC = 3,
	DMAR_SCOPE_HPET = 4,
	DMAR_SCOPE_ACPI = 5,
};

#define DMAR_FLAG_INTR_REMAP 0x01
#define DMAR_FLAG_X2APIC_OPT_OUT 0x02
#define DMAR_FLAG_DMA_CTRL_PLATFORM_OPT_IN 0x04
/* Scope length is a byte: (255 - 6) / 2 hops at most. */
#define DMAR_PATH_MAX 124

struct dmar_scope {
	uint64_t off;		/* absolute offset in the table */
	uint8_t type, length, flags, enum_id, bus;
	uint8_t npath;		/* hops in the path */
	size_t path_first;	/* into dmar_table.hops: {device, function} pairs walked from bus */
};

struct dmar_unit {
	uint64_t off;
	uint16_t type, length;
	uint8_t flags;		/* DRHD: INCLUDE_PCI_ALL; ATSR: ALL_PORTS; SATC: ATC_REQUIRED */
	uint8_t size;		/* DRHD: register-set size, log2 of 4 KiB pages (VT-d 3+) */
	uint16_t segment;
	uint64_t base;		/* DRHD/RHSA register base, RMRR base */
	uint64_t limit;		/* RMRR end, inclusive */
	uint32_t proximity;	/* RHSA */
	uint8_t acpi_dev;	/* ANDD device number */
	char name[64];		/* ANDD object name ("\_SB.PCI0.I2C0"), truncated if longer */
	size_t scope_first, nscope;	/* into dmar_table.scopes */
};

struct dmar_table {
	uint32_t length;
	uint8_t revision, checksum;
	bool checksum_ok;
	char oem_id[7], oem_table_id[9];
	uint32_t oem_revision;
	uint8_t haw_raw;	/* host address width - 1 */
	uint8_t flags;
	struct dmar_unit *units;
	size_t nunits;
	struct dmar_scope *scopes;
	size_t nscopes;
	uint8_t (*hops)[2];
	size_t nhops;
};

/*
 * Parses a DMAR table. Returns -1 (with a diag naming the offset) when the
 * header itself is unusable; otherwise 0, with every structure it could read.
 * A broken structure or scope is a diag error at its offset and the walk goes
 * on from the next structure its Length field names, so d->errors tells
 * whether the decode was complete.
 */
int dmar_parse(const uint8_t *buf, size_t len, struct dmar_table *t, struct diag *d);
void dmar_free(struct dmar_table *t);

const char *dmar_type_name(unsigned type);
const char *dmar_type_key(unsigned type);	/* JSON key: "drhd", "rmrr", ... */
const char *dmar_scope_type_name(unsigned type);
const struct dmar_scope *dmar_unit_scope(const struct dmar_table *t, const struct dmar_unit *u, size_t i);

/* Hop i of a scope's path: hop[0] device, hop[1] function. */
const uint8_t *dmar_scope_hop(const struct dmar_table *t, const struct dmar_scope *s, size_t i);
/* Scope names bus:dev.fn as a single hop (only single-hop paths are unambiguous offline). */
bool dmar_scope_is(const struct dmar_table *t, const struct dmar_scope *s, unsigned bus, unsigned dev, unsigned fn);
/* The DRHD dedicated to 00:02.0: not INCLUDE_PCI_ALL and every scope is endpoint 00:02.0. NULL if none. */
const struct dmar_unit *dmar_graphics_drhd(const struct dmar_table *t);
/* Some DRHD that names 00:02.0 in its scopes (dedicated or shared). */
const struct dmar_unit *dmar_drhd_for(const struct dmar_table *t, unsigned bus, unsigned dev, unsigned fn);
/* An RMRR whose scope names bus:dev.fn (the IGD stolen-memory RMRR for 00:02.0). */
const struct dmar_unit *dmar_rmrr_for(const struct dmar_table *t, unsigned bus, unsigned dev, unsigned fn);
size_t dmar_count(const struct dmar_table *t, unsigned type);

#endif
