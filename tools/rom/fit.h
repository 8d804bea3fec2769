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

/* What a ROM file holds (PCI expansion ROM image chain). */
struct rom_summary {
	bool ok;
	bool has_legacy, has_efi;
	uint16_t vendor, device;
	size_t len;
	unsigned char *data;
};
int rom_summarize(const unsigned char *data, size_t len, struct rom_summary *s, struct diag *d);
/* Summarizes the ROM and checks it would run on 8086:device (PCIR device, PCI 3.0 device list or
 * the 0xFFFF wildcard); rom check's errors become warnings. -1 with the reason in d. */
int rom_fits_igd(const unsigned char *rom, size_t romlen, uint16_t device, struct rom_summary *rs, struct diag *d);

#endif
