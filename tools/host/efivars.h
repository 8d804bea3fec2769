/* efivars.h - Secure Boot state through libefivar */
#ifndef IGDKIT_EFIVARS_H
#define IGDKIT_EFIVARS_H

#include <stddef.h>

#include "host/facts.h"

struct efi_secure_state {
	enum tristate secure_boot;	/* SecureBoot variable, byte 0 == 1 */
	enum tristate setup_mode;	/* SetupMode variable, byte 0 == 1 (no platform key) */
	char why[256];			/* why a value stayed unknown */
};

/* The efivarfs directory libefivar must use for a root: ROOT/sys/firmware/efi/efivars/ (trailing '/'). */
int efivars_dir_for_root(const char *root, char *buf, size_t len);

/*
 * libefivar picks its backend and path in a library constructor from the
 * environment (EFIVARFS_PATH, LIBEFIVAR_OPS), so a fixture root only works if
 * those were set before the process started. For a --root other than "/" whose
 * efivars directory exists and differs from EFIVARFS_PATH, this sets both and
 * re-executes /proc/self/exe with the original command line. Returns only when
 * nothing needs doing (0) or the re-exec failed (-1).
 */
int efivars_reexec_for_root(const char *root);

/*
 * Reads SecureBoot and SetupMode. root "/" reads the live machine; another root
 * is only read when EFIVARFS_PATH already names its efivars directory.
 */
void efivars_read_secure_state(const char *root, struct efi_secure_state *s);

#endif
