/* find.h - firmware files in a folder tree (a stick, a mounted partition): by name, then by content */
#ifndef IGDKIT_FW_FIND_H
#define IGDKIT_FW_FIND_H

#include <stddef.h>
#include <stdint.h>

#include "lib/diag.h"

struct fw_found {
	char path[1024];
	uint64_t size;
	char kind[96];		/* fw_input_name of what the walker recognised */
};

/*
 * Looks under dir, at most three folders deep, for firmware images: names that look like BIOS
 * files (.bin .rom .fd .cap .upd .img .fl1 ..., vendor numbered extensions such as .F20 or .1A0,
 * no extension at all) between 64 KiB and FILE_MAX_FIRMWARE, each confirmed by walking it with
 * fw_open. Skips EFI/, boot/ and logs/ (the stick's own files). Appends to *v (realloc'd), at
 * most max entries in all. Unreadable folders are notes in d, not errors.
 */
int fw_find_files(const char *dir, struct fw_found **v, size_t *n, size_t max, struct diag *d);

#endif
