/* make.h - board firmware in, option ROM out: the engine behind `igdkit rom make`, also used by
 * `igdkit install --firmware` and the menu
 *
 * fw_open() walks the image, fw_find_gop()/fw_find_vbios() pick the bodies for the device,
 * optrom_build() lays out the chain the way EfiRom does, and the result goes through the same
 * check as `igdkit rom check`. Nothing is written here. The route follows the generation
 * (uefi-rom.md): Gen6-9 with a legacy VBIOS for the device get VBIOS + GOP (SeaBIOS, and OVMF
 * with legacy mode); Gen11+, Gen6-9 without a VBIOS, and `uefi` get igdkit's IGD assignment and
 * GOP policy drivers in front of the GOP, the chain an OVMF guest needs. Extra drivers given by
 * the caller replace igdkit's.
 */
#ifndef IGDKIT_ROM_MAKE_H
#define IGDKIT_ROM_MAKE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "fw/fw.h"
#include "igd/ids.h"
#include "lib/diag.h"
#include "rom/check.h"
#include "rom/efirom.h"

struct rom_make_opts {
	uint16_t vendor, device;		/* the iGPU the ROM is for */
	bool compress;				/* EFI-compress the drivers (EfiRom -ec) */
	bool no_legacy;				/* leave out a legacy VBIOS even when the image has one */
	bool uefi;				/* the OVMF route also for Gen6-9: helpers + GOP, no VBIOS */
	const struct optrom_efi_input *extra;	/* drivers to chain after the GOP, in order */
	size_t nextra;
};

enum rom_make_status {
	ROM_MADE,		/* m->rom holds the ROM; m->usable says whether its check passed */
	ROM_MAKE_BAD_IMAGE,	/* the image is no firmware format igdkit knows (d says why) */
	ROM_MAKE_NO_GOP,	/* no Intel GOP driver for the device (d says why) */
	ROM_MAKE_GOP_MISMATCH,	/* the image's GOP does not list the device */
	ROM_MAKE_BUILD_FAILED,	/* optrom_build refused (d says why) */
	ROM_MAKE_NO_MEMORY,
};

struct rom_made {
	struct igd_gen gen;
	const char *input_kind;		/* "UEFI capsule", ... */
	struct fw_blob gop;
	bool have_vbios;
	struct fw_blob vbios;
	const char *vbios_skipped;	/* why a VBIOS found in the image is not used */
	bool helpers;			/* igdkit's IGD assignment and GOP policy drivers lead the chain */
	struct optrom_rom rom;
	bool built;
	struct rom_check *check;	/* the new ROM as `rom check --device` sees it */
	bool usable;			/* rom_check_usable(check) */
	struct diag walk;		/* findings of the firmware walk (they do not stop the make) */
	struct fw_image *img;		/* the blobs point into it */
};

/* The blobs in m point into image: keep it until rom_made_free. */
enum rom_make_status rom_make(const uint8_t *image, size_t len, const struct rom_make_opts *o, struct rom_made *m,
			      struct diag *d);
void rom_made_free(struct rom_made *m);
/* What was found and used, as `igdkit rom make` prints it before the check: the input kind, the
 * GOP (version, whether it lists the device), the legacy VBIOS or why there is none, igdkit's
 * helper drivers. o is what rom_make was given. */
void rom_made_text(FILE *f, const char *image_name, const struct rom_made *m, const struct rom_make_opts *o);

#endif
