/* scan.h - the menu's firmware search: the IGDKIT partition, then every other partition the
 * person plugged in, each mounted read-only for the search and unmounted again */
#ifndef IGDKIT_MENU_SCAN_H
#define IGDKIT_MENU_SCAN_H

#include <stddef.h>

#include "fw/find.h"
#include "lib/diag.h"

#define SCAN_MAX_FILES 40

/* stick: the IGDKIT partition's mount point (or NULL). Appends what fw_find_files finds; each
 * other partition's files are named by their device ("sdb1:/BIOS/E7B79IMS.1A0") in label. */
struct scan_hit {
	struct fw_found f;
	char where[64];		/* "IGDKIT" or the device name */
};
int scan_firmware(const char *stick, struct scan_hit **v, size_t *n, struct diag *d);

/* Reads a hit's bytes (the partition is mounted read-only again for the read). */
int scan_read(const struct scan_hit *h, const char *stick, unsigned char **data, size_t *len, struct diag *d);

#endif
