/* igd_memory.h - the iGPU's OpRegion (at ASLS) and stolen memory (at BDSM) as the running OS sees them
 *
 * On a host this shows what vfio-pci will copy to a guest (the firmware's OpRegion and its VBT);
 * inside a guest it shows whether the guest firmware did its part of an IGD assignment (SeaBIOS
 * in legacy mode, or the OVMF helper drivers in the ROM): ASLS pointing at a copy of the
 * OpRegion in ACPI NVS memory, BDSM at stolen memory the memory map keeps from the OS.
 * The bytes come through /dev/mem, which the kernel may refuse: Debian's kernel
 * (IO_STRICT_DEVMEM) allows ACPI NVS only when booted with iomem=relaxed, and never under
 * Secure Boot lockdown. The memory types come from /proc/iomem (root sees the addresses).
 */
#ifndef IGDKIT_HOST_IGD_MEMORY_H
#define IGDKIT_HOST_IGD_MEMORY_H

#include <stdbool.h>
#include <stdint.h>

#include "efi/opregion.h"
#include "host/hostops.h"
#include "host/iomem.h"

struct igd_mem_range {
	bool known;		/* the address lies in a top-level /proc/iomem range */
	uint64_t start, end;	/* that range, inclusive */
	char type[64];		/* "ACPI Non-volatile Storage", "Reserved", "System RAM", ... */
};

struct igd_memory {
	bool map_read;			/* /proc/iomem with addresses was available */
	struct igd_mem_range opregion;	/* the range holding ASLS */
	struct igd_mem_range stolen;	/* the range holding BDSM */
	uint64_t stolen_bytes;		/* expected size (GGC), 0 unknown */
	bool stolen_covered;		/* [BDSM, BDSM + stolen_bytes) lies in that one range */

	/* The OpRegion's bytes at ASLS. */
	int read_rc;			/* 0 read; -errno (-EPERM: the kernel refused) */
	char read_err[200];
	enum opr_status status;		/* OPR_OK when header and VBT check out */
	uint64_t bad_off;		/* offset in the OpRegion of what was wrong */
	struct opregion_info oi;
	struct opregion_vbt vbt;	/* valid when status == OPR_OK */
	bool vbt_sums_to_zero;		/* the VBT's checksum byte is consistent */
	uint16_t bdb_version;		/* from the VBT's BIOS data block header */
	char opregion_sha256[65];	/* of the extent's bytes */
	char vbt_sha256[65];		/* of the VBT's own size */
};

/*
 * Fills *out for an iGPU whose ASLS and BDSM registers hold asls and bdsm (0 = not set):
 * memory types from map (NULL or without addresses: unknown), the OpRegion's bytes through
 * h->ops->read_phys, only when the map shows ASLS in firmware memory (ACPI NVS, reserved, ACPI
 * tables). Never fails; what could not be read says why in *out.
 */
void igd_memory_read(const struct host *h, const struct iomem_map *map, uint32_t asls, uint64_t bdsm,
		     uint64_t stolen_bytes, struct igd_memory *out);

/* "the kernel refuses /dev/mem there: ..." - one sentence for a failed read, for reports. */
const char *igd_memory_read_hint(const struct igd_memory *m);

#endif
