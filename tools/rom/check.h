/* check.h - the core of `igdkit rom check`, shared with `rom make` and the fuzz target
 *
 * rom_check_run() parses the image chain (pcir.c), inflates and validates
 * each EFI payload (tiano.c, pe.c), names the drivers (drivers.c), checks the
 * VBT inside legacy images (vbt.c), matches the ROM against a device and
 * decides whether an OVMF guest gets what it needs. Every finding, with its
 * absolute offset, is in c->d: DIAG_ERROR = the ROM is unusable for the
 * device, DIAG_WARN = usable but something is off, DIAG_NOTE = a fact worth
 * saying. Nothing is printed; the printers below are for the command layer.
 */
#ifndef IGDKIT_ROM_CHECK_H
#define IGDKIT_ROM_CHECK_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "lib/diag.h"
#include "lib/json.h"
#include "rom/drivers.h"
#include "igd/ids.h"
#include "rom/pcir.h"
#include "rom/pe.h"

/* A PCI ROM BAR maps at most 16 MiB, so no EFI payload inflates beyond that. */
#define ROM_PAYLOAD_MAX ((size_t)16 << 20)

struct rom_check_opts {
	bool have_device;
	uint16_t vendor, device;
};

struct rom_payload {
	bool present;			/* EFI image whose header could be read */
	uint64_t off;			/* absolute offset of the stored payload */
	size_t stored_len;		/* bytes from the EFI image offset to the image end (in the file) */
	bool inflated;			/* was compressed and inflated fine */
	bool usable;			/* bytes below hold the payload (stored or inflated) */
	uint8_t *owned;			/* inflated bytes (free with rom_check_free) */
	const uint8_t *data;		/* the payload: stored bytes or inflated ones */
	size_t len;
	bool pe_ok;
	struct pe_info pe;
	size_t pe_len;			/* the PE file's own length (<= len); the rest is padding */
	struct driver_id drv;
	int supports_device;		/* Intel GOP with --device: its device table lists it 1, not 0, unknown -1 */
	char sha256[65];		/* of the PE file bytes data[0..pe_len) */
};

struct rom_check {
	bool is_rom;			/* 55 AA at 0: an option ROM at all */
	struct optrom rom;
	struct rom_payload pay[OPTROM_MAX_IMAGES];
	struct diag d;
	struct rom_check_opts opt;
	uint16_t gen_device;		/* the id the generation was taken from (0: none) */
	struct igd_gen gen;
	bool gen_from_option;		/* --device, rather than a PCIR id */
	unsigned roles;			/* union of enum driver_role over the EFI images */
	int device_image;		/* first image whose PCIR names --device, or -1 */
	/* What an OVMF guest gets from the EFI images: IGD assignment (OpRegion), GOP policy (VBT), GOP. */
	bool has_efi;
	unsigned chain_missing;		/* of ROLE_OPREGION | ROLE_VBT_POLICY | ROLE_GOP */
	int test_accept_image;		/* an igdkit assignment driver built with --test-accept, or -1 */
};

#define ROM_OVMF_CHAIN_ROLES (ROLE_OPREGION | ROLE_VBT_POLICY | ROLE_GOP)

/* Allocates *out (free with rom_check_free) and checks data. Returns -1 only on out-of-memory. */
int rom_check_run(const uint8_t *data, size_t len, const struct rom_check_opts *o, struct rom_check **out);
void rom_check_free(struct rom_check *c);

static inline bool rom_check_usable(const struct rom_check *c)
{
	return c->is_rom && c->d.errors == 0;
}
/* "ok" when nothing but notes was found, else "findings". */
const char *rom_check_verdict(const struct rom_check *c);

/* "8086:9bc8", "0x8086:0x9bc8" or a bare "9bc8" (vendor 8086); -1 on junk. */
int rom_parse_device_id(const char *s, uint16_t *vendor, uint16_t *device);

/* The report as members of the currently open JSON object (schema: man section "rom check"). */
void rom_check_json(const struct rom_check *c, struct json *j);
/* The report as text: rom-parser's lines for every image, then igdkit's own. */
void rom_check_text(const struct rom_check *c, FILE *f);

#endif
