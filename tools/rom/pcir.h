/* pcir.h - PCI expansion ROM layout: the image chain, ROM headers, PCI data structures
 *
 * A ROM is a chain of images, each starting on a 512-byte boundary with 55 AA.
 * Header (all images): 0x00 55 AA, 0x02 initialization size (512-byte units:
 * one byte for legacy x86 images, 16 bits for EFI images), 0x18 pointer to
 * the PCI data structure ("PCIR"). EFI images (PCIR code type 3) add:
 * 0x04 EFI signature 0x0EF1, 0x08 subsystem, 0x0A machine, 0x0C compression
 * type, 0x16 offset of the EFI image. PCIR: vendor, device, device-list
 * pointer (PCIR 3.0), length, revision, class code, image length (512-byte
 * units), code revision, code type, indicator (bit 7: last image),
 * PCIR 3.0: max runtime length, config utility and DMTF CLP pointers.
 *
 * The chain is followed by image length, the way firmware does. When the
 * next header is not where an image length says, the walk scans on at
 * 512-byte steps (as rom-parser and EDK2 do) and says so in a finding.
 */
#ifndef IGDKIT_ROM_PCIR_H
#define IGDKIT_ROM_PCIR_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/reader.h"
#include "rom/vbt.h"

#define OPTROM_MAX_IMAGES 32
#define PCIR_MAX_DEVLIST 128
#define OPTROM_BLOCK 512

enum optrom_code_type {
	OPTROM_CODE_X86 = 0,
	OPTROM_CODE_OPENFIRMWARE = 1,
	OPTROM_CODE_HPPA = 2,
	OPTROM_CODE_EFI = 3,
};

#define EFI_ROM_SIGNATURE 0x0ef1
enum efi_rom_compression { EFI_ROM_UNCOMPRESSED = 0, EFI_ROM_EFI_COMPRESSED = 1 };

struct pcir_info {
	bool valid;			/* "PCIR" found where the header points, inside the file */
	uint64_t off;			/* absolute offset of "PCIR" */
	uint16_t vendor, device;
	uint16_t devlist_ptr;		/* PCIR 3.0: offset of the device list from "PCIR"; reserved before */
	uint16_t length;		/* PCIR structure length */
	uint8_t revision;
	uint8_t class_code[3];		/* as stored: prog-if, subclass, base class */
	uint16_t image_len_units;	/* 512-byte units */
	uint16_t code_rev;		/* "vendor revision" in rom-parser */
	uint8_t code_type;
	uint8_t indicator;
	uint16_t max_runtime_units;	/* PCIR 3.0 */
	uint16_t config_util_ptr;	/* PCIR 3.0 */
	uint16_t dmtf_clp_ptr;		/* PCIR 3.0 */
	uint16_t devlist[PCIR_MAX_DEVLIST];
	size_t ndevlist;
};

struct efi_rom_header {
	uint32_t signature;		/* 0x0EF1 */
	uint16_t subsystem, machine, compression;
	uint16_t image_off;		/* from the image start */
};

struct optrom_image {
	uint64_t off;			/* absolute offset of 55 AA */
	size_t avail;			/* bytes from off to the end of the input */
	uint16_t pcir_ptr;		/* header 0x18, from the image start */
	struct pcir_info pcir;
	uint32_t len;			/* image length in bytes from PCIR (0 when PCIR is unusable) */
	bool truncated;			/* len runs past the end of the input */
	uint32_t init_size;		/* initialization size in bytes (header 0x02) */
	bool found_by_scan;		/* not at the end of the previous image */

	/* code type 0 (x86) */
	bool is_legacy;
	size_t checksum_len;		/* bytes summed: init_size (clamped to what the file has) */
	uint8_t checksum_sum;		/* 0 when right */
	bool checksum_ok;
	bool has_vbt;			/* "$VBT" inside the image */
	bool vbt_valid;
	struct vbt_info vbt;

	/* code type 3 (EFI) */
	bool is_efi;
	bool efi_sig_ok;
	struct efi_rom_header efi;

	bool last;			/* indicator bit 7 */
};

struct optrom {
	size_t file_len;
	size_t nimages;
	struct optrom_image img[OPTROM_MAX_IMAGES];
	bool last_seen;			/* the chain ended at an image flagged last */
	uint64_t chain_end;		/* first byte after the last image walked */
};

/*
 * Walks the image chain of the ROM in r. Returns -1 only when the input is no
 * option ROM at all (no 55 AA at offset 0); everything else (bad PCIR,
 * truncation, bad checksum, missing last-image flag, trailing data) is a
 * finding in r->d and the walk returns 0 with what it could read.
 * Findings are DIAG_ERROR when firmware would not use the image as meant,
 * DIAG_WARN when it would but something is off, DIAG_NOTE for facts.
 */
int optrom_parse(const struct reader *r, struct optrom *rom);

/* "x86 PC-AT", "Open Firmware", "HP PA RISC", "EFI", or NULL. */
const char *optrom_code_type_name(uint8_t t);
/* "none", "EFI compression", or NULL for an unknown type. */
const char *efi_rom_compression_name(uint16_t c);
/* Does the image's PCIR name this device (device field or 3.0 device list)? */
bool pcir_matches(const struct pcir_info *p, uint16_t vendor, uint16_t device);
/* class code as rom-parser prints it: "030000" (base, sub, prog-if) */
void pcir_class_str(const struct pcir_info *p, char out[7]);

#endif
