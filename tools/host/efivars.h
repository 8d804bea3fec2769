/* efivars.h - UEFI variables of a machine: libefivar on the live one, the efivarfs files of a
 * --root tree through host_ops (bios-settings.md section 4 lists libefivar's traps)
 *
 * libefivar chooses its backend and path once per process, from the environment, so it only
 * ever serves the live machine here; a fixture tree's Name-GUID files (4 bytes of attributes,
 * then the data, as efivarfs shows them) are read directly. One process serves both.
 */
#ifndef IGDKIT_EFIVARS_H
#define IGDKIT_EFIVARS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "host/facts.h"
#include "host/hostops.h"

#define EFI_GLOBAL_VARIABLE_GUID "8be4df61-93ca-11d2-aa0d-00e098032b8c"
#define EFIVAR_MAX_SIZE (1u << 20)

struct efi_secure_state {
	enum tristate secure_boot;	/* SecureBoot variable, byte 0 == 1 */
	enum tristate setup_mode;	/* SetupMode variable, byte 0 == 1 (no platform key) */
	char why[256];			/* why a value stayed unknown */
};

/* The efivarfs directory of a root: ROOT/sys/firmware/efi/efivars/ (trailing '/'), for messages. */
int efivars_dir_for_root(const char *root, char *buf, size_t len);

/* Can h's variables be read at all? why says why not. */
bool efivars_available(const struct host *h, char *why, size_t whylen);

/*
 * Reads variable NAME-GUID (guid as "8be4df61-93ca-11d2-aa0d-00e098032b8c") of h. Returns 1 with
 * *data (allocated; free it), *len and *attr filled; 0 when the machine has no such variable;
 * -1 when it cannot be read (no efivarfs, not a UEFI boot, an I/O error). why says what.
 */
int efivar_read(const struct host *h, const char *name, const char *guid, uint8_t **data, size_t *len,
		uint32_t *attr, char *why, size_t whylen);

/* Reads SecureBoot and SetupMode of h. */
void efivars_read_secure_state(const struct host *h, struct efi_secure_state *s);

#endif
