/* pe.h - PE/COFF image headers, as far as an option ROM check needs them
 *
 * An EFI option ROM carries a PE32/PE32+ driver. The check wants to know that
 * the payload really is one (MZ, e_lfanew, "PE\0\0", a sane optional header,
 * section raw data inside the file), which machine and subsystem it declares,
 * and where the file ends, so that an uncompressed payload can be cut out of
 * its padded ROM image byte for byte.
 */
#ifndef IGDKIT_ROM_PE_H
#define IGDKIT_ROM_PE_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/reader.h"

#define PE_MACHINE_I386 0x014c
#define PE_MACHINE_IA64 0x0200
#define PE_MACHINE_EBC 0x0ebc
#define PE_MACHINE_X64 0x8664
#define PE_MACHINE_ARM 0x01c2		/* ARMTHUMB_MIXED, what EFI uses */
#define PE_MACHINE_ARM64 0xaa64
#define PE_MACHINE_RISCV64 0x5064
#define PE_MACHINE_LOONGARCH64 0x6264

#define PE_SUBSYSTEM_EFI_APPLICATION 10
#define PE_SUBSYSTEM_EFI_BOOT_SERVICE_DRIVER 11
#define PE_SUBSYSTEM_EFI_RUNTIME_DRIVER 12

#define PE_OPT_MAGIC_PE32 0x10b
#define PE_OPT_MAGIC_PE32PLUS 0x20b

/* More sections than any real EFI driver has; caps the table walk. */
#define PE_MAX_SECTIONS 96

struct pe_section {
	char name[9];			/* NUL-terminated copy of the 8-byte name */
	uint32_t virtual_size, virtual_address;
	uint32_t raw_size, raw_offset;	/* raw_offset relative to the image start */
};

struct pe_info {
	uint32_t e_lfanew;		/* offset of "PE\0\0" from the image start */
	uint16_t machine;
	uint16_t nsections;
	uint16_t characteristics;
	uint16_t opt_magic;		/* 0x10b PE32, 0x20b PE32+ */
	uint16_t subsystem;
	uint32_t entry_point;		/* RVA */
	uint32_t size_of_image;
	uint32_t size_of_headers;
	uint32_t section_alignment, file_alignment;
	size_t file_size;		/* bytes the file occupies: headers, section raw data, certificates */
	size_t nsec_kept;		/* entries filled in sec[] (<= PE_MAX_SECTIONS) */
	struct pe_section sec[PE_MAX_SECTIONS];
};

/*
 * Validates the PE/COFF headers of the image that starts at r's position 0
 * (the window may extend past the image: padding is allowed after it).
 * Errors and findings, with absolute offsets, go to r->d. Returns 0 when the
 * headers are valid (warnings may still have been recorded), -1 otherwise;
 * out is filled as far as parsing got.
 */
int pe_parse(const struct reader *r, struct pe_info *out);

/* "X64", "IA-32", ... or NULL for a machine EFI does not use. */
const char *pe_machine_name(uint16_t machine);
/* "Boot" (boot service driver), "Runtime", "Application", or NULL. */
const char *pe_subsystem_name(uint16_t subsystem);

#endif
