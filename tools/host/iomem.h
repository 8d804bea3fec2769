/* iomem.h - /proc/iomem: the physical address map the running kernel keeps
 *
 * One parser for the file, used for the boot framebuffer inside the iGPU's BAR2 and for
 * the memory types under the OpRegion (ASLS) and stolen memory (BDSM). Lines look like
 * "  a0000000-afffffff : 0000:00:02.0": two spaces of indent per level of nesting.
 */
#ifndef IGDKIT_HOST_IOMEM_H
#define IGDKIT_HOST_IOMEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/diag.h"

#define IOMEM_MAX_ENTRIES 65536	/* a large server lists a few thousand */

struct iomem_entry {
	uint64_t start, end;	/* inclusive, as the file prints them */
	unsigned depth;		/* 0 = top level */
	char name[64];
};

struct iomem_map {
	struct iomem_entry *v;
	size_t n;
	bool addresses;		/* some range is not 0-0 (unprivileged readers see zeros) */
};

/* Parses text[0..len). Lines that do not fit the format are skipped with a warning naming
 * the line; -1 only when out of memory or past IOMEM_MAX_ENTRIES. */
int iomem_parse(const char *text, size_t len, struct iomem_map *m, struct diag *d);
void iomem_free(struct iomem_map *m);

/* The top-level range holding addr, NULL if none does. */
const struct iomem_entry *iomem_top_at(const struct iomem_map *m, uint64_t addr);

#endif
