/* helpers.h - igdkit's own EFI drivers (built from efi/, carried inside the igdkit binary)
 *
 * An OVMF guest drives an assigned IGD only when its ROM carries, before the
 * GOP, an IGD assignment driver and a GOP policy driver. igdkit writes its own
 * (efi/igd_assign.c, efi/gop_policy.c) and embeds them at build time, so
 * `rom build --igd-helpers` and `rom make` work offline.
 */
#ifndef IGDKIT_ROM_HELPERS_H
#define IGDKIT_ROM_HELPERS_H

#include <stddef.h>
#include <stdint.h>

struct igd_helper {
	const char *name;	/* "igdkit:igd-assign.efi", for listings */
	const uint8_t *data;	/* the PE image */
	size_t len;
};

#define IGD_HELPERS 2
/* Both in chain order: the assignment driver, then the GOP policy driver. */
const struct igd_helper *igd_helpers(void);

/*
 * The test-only hook (efi/igd.h): makes the assignment driver in pe[0..len)
 * accept vendor:device at 00:02.0 as an IGD. -1 when pe does not hold exactly
 * one hook record (not igdkit's assignment driver).
 */
int igd_helper_set_test_accept(uint8_t *pe, size_t len, uint16_t vendor, uint16_t device);

/* 1 with the vendor and device set when pe carries a hook record that is switched on,
   0 when it carries one that is off, -1 when it carries none. */
int igd_helper_test_accept(const uint8_t *pe, size_t len, uint16_t *vendor, uint16_t *device);

#endif
