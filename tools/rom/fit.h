/* fit.h - what an option ROM file holds, and whether it would run on a given iGPU
 *
 * Both read the chain through optrom_parse (rom/pcir.c), the one parser of the format.
 */
#ifndef IGDKIT_ROM_FIT_H
#define IGDKIT_ROM_FIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/diag.h"
#include "rom/pcir.h"

/* What a ROM file holds (PCI expansion ROM image chain). */
struct rom_summary {
	bool ok;
	bool has_legacy, has_efi;
	bool ovmf_chain;		/* its EFI drivers are a complete OVMF chain: IGD assignment, GOP policy, GOP */
	uint16_t vendor, device;	/* of the first image */
	struct pcir_info legacy_pcir;	/* the x86 image's PCIR (has_legacy): SeaBIOS runs it only for the ids it names */
	size_t len;
};
int rom_summarize(const unsigned char *data, size_t len, struct rom_summary *s, struct diag *d);
/* Summarizes the ROM and checks it would run on 8086:device (PCIR device, PCI 3.0 device list or
 * the 0xFFFF wildcard); rom check's errors become warnings. -1 with the reason in d. */
/* Does the ROM's x86 image (if any) name 8086:device, so that SeaBIOS runs it? */
bool rom_legacy_runs_on(const struct rom_summary *s, uint16_t device);
int rom_fits_igd(const unsigned char *rom, size_t romlen, uint16_t device, struct rom_summary *rs, struct diag *d);

#endif
