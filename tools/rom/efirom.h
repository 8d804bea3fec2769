/* efirom.h - building PCI expansion ROMs the way EDK2's EfiRom does, plus a legacy VBIOS in front
 *
 * Layout of one EFI image (PCI Firmware 3.0, UEFI "PCI Option ROMs"), byte-identical to EfiRom:
 *   0x00 ROM header (0x1A bytes: 55AA, size/512, EF1 signature, subsystem, machine, compressed,
 *        8 reserved, EFI image offset, PCIR offset) + 2 pad bytes
 *   0x1C PCIR 3.0 (0x1C bytes: vendor, device, class, length/512, revision 3, code type 3, last flag)
 *   0x38 EFI image; the total is rounded up to 512 with 0xFF, placed before the image when it is
 *        stored as is (-e) and after it when compressed (-ec).
 */
#ifndef IGDKIT_EFIROM_H
#define IGDKIT_EFIROM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/diag.h"

#define OPTROM_MAX_SIZE ((size_t)16 << 20)	/* EfiRom's MAX_OPTION_ROM_SIZE */

struct optrom_efi_opts {
	uint16_t vendor, device;
	uint32_t class_code;	/* 24-bit PCI class code; EfiRom leaves 000000 unless -l */
	bool compress;		/* EFI 1.1 compression, as EfiRom -ec */
	uint16_t code_revision;	/* PCIR code revision (EfiRom -r), usually 0 */
	bool last;		/* set the last-image indicator */
};

/* What the PE header of an EFI driver says. */
struct optrom_pe {
	uint16_t machine;	/* 0x8664 x64, 0x014c ia32, 0xaa64 aarch64 */
	uint16_t subsystem;	/* 10 application, 11 boot service driver, 12 runtime driver */
	bool pe32plus;
};

/*
 * Checks that efi is a PE/COFF image an option ROM can carry (MZ, PE\0\0, machine x64/ia32/aarch64,
 * a PE32 or PE32+ optional header with an EFI subsystem). base is the offset errors are relative to.
 */
int optrom_pe_check(const uint8_t *efi, size_t len, uint64_t base, struct optrom_pe *pe, struct diag *d);

/* One EFI image (ROM header 0x1C bytes + PCIR 3.0 + EFI image, padded to 512, as EfiRom lays it out).
   *out is malloc'ed. */
int optrom_build_efi(const uint8_t *efi, size_t len, const struct optrom_efi_opts *o,
		     uint8_t **out, size_t *out_len, struct diag *d);

/* What was done to a legacy VBIOS on its way into the ROM. */
struct optrom_legacy_fix {
	uint16_t vendor, device;	/* from its PCIR */
	size_t image_len;		/* PCIR image length * 512: the slot it occupies */
	size_t init_len;		/* header byte 2 * 512: what the BIOS checksums and copies */
	bool device_mismatch;		/* PCIR device differs from the one asked for (and stays) */
	bool device_patched;		/* PCIR device was another id of the same platform, now the one asked for */
	bool was_last;			/* its last-image flag was set and has been cleared */
	/* The Gen6-9 VBIOS caches the host's stolen-memory base (BDSM) in its own code segment
	   after the first run; a shadow copy dumped from a CSM-booted host carries that value. */
	bool bdsm_slot_found;		/* the routine that caches BDSM was recognised */
	uint32_t bdsm_offset;		/* offset of the cached dword in the image */
	uint32_t bdsm_value;		/* what it held */
	bool bdsm_cleared;		/* it was non-zero and is now 0 */
	uint8_t checksum_old, checksum_new;	/* byte 6, the byte adjusted to make the sum 0 */
};

/*
 * Takes a legacy VBIOS image (55AA, PCIR code type 0) for the front of a combined ROM: keeps its
 * header and PCIR, clears its last-image flag and a cached host BDSM, and makes the 8-bit sum of
 * the initialization-size bytes 0 again. The image is cut to its PCIR image length. SeaBIOS runs
 * a ROM's x86 image only when its PCIR vendor:device is the device's own, and QEMU patches ids
 * only in its default ROMs, never in a romfile=: a PCIR naming another id of the same Intel
 * platform is rewritten to device (fix->device_patched); another platform's stays, with a warning.
 */
int optrom_legacy_prepare(const uint8_t *vbios, size_t len, uint16_t vendor, uint16_t device,
			  uint8_t **out, size_t *out_len, struct optrom_legacy_fix *fix, struct diag *d);

/* Finds the dword in which the VBIOS caches BDSM; 0 found, 1 absent or ambiguous, -1 error. */
int optrom_vbios_find_saved_bdsm(const uint8_t *img, size_t len, uint32_t *off);

enum optrom_kind { OPTROM_LEGACY, OPTROM_EFI };

struct optrom_image_info {
	enum optrom_kind kind;
	size_t offset, size;		/* the image within the ROM */
	size_t payload_offset;		/* EFI: image header offset (absolute); legacy: 0 */
	size_t payload_size;		/* EFI: bytes stored (compressed or not) */
	size_t efi_size;		/* EFI: size of the PE image itself */
	uint16_t vendor, device;
	uint16_t machine, subsystem;	/* EFI only */
	bool compressed, last;
};

struct optrom_efi_input {
	const char *name;		/* for messages */
	const uint8_t *data;
	size_t len;
};

struct optrom_rom {
	uint8_t *data;
	size_t len;
	struct optrom_image_info *images;
	size_t nimages;
	bool has_legacy;
	struct optrom_legacy_fix legacy;
};

/* A whole ROM: optional legacy VBIOS first, then N EFI images chained in order, only the last
   flagged last-image. o->last is ignored. Errors name the input in the message. */
int optrom_build(const uint8_t *legacy, size_t legacy_len, const struct optrom_efi_input *efi, size_t nefi,
		 const struct optrom_efi_opts *o, struct optrom_rom *rom, struct diag *d);
void optrom_rom_free(struct optrom_rom *rom);

#endif
