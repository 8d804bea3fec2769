/* fault.c - named fault points enabled from the environment (see fault.h) */
#include "lib/fault.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Hits per point name, so "NAME#K" can pick the K-th pass through a point. */
#define FAULT_NAMES 64
static struct {
	char name[48];
	unsigned hits;
} counts[FAULT_NAMES];

static unsigned count_hit(const char *name)
{
	for (int i = 0; i < FAULT_NAMES; i++) {
		if (!counts[i].name[0]) {
			snprintf(counts[i].name, sizeof(counts[i].name), "%s", name);
			return ++counts[i].hits;
		}
		if (strcmp(counts[i].name, name) == 0)
			return ++counts[i].hits;
	}
	return 0;
}

void fault_reset(void)
{
	memset(counts, 0, sizeof(counts));
}

static void fault_trace(const char *name, unsigned k)
{
	const char *path = getenv("IGDKIT_FAULT_TRACE");
	if (!path || !*path)
		return;
	FILE *f = fopen(path, "a");
	if (!f)
		return;
	fprintf(f, "%s#%u\n", name, k);
	fclose(f);
}

bool fault_hit(const char *name)
{
	unsigned k = count_hit(name);
	fault_trace(name, k);
	const char *want = getenv("IGDKIT_FAULT");
	if (!want || !*want)
		return false;
	size_t n = strlen(name);
	if (strncmp(want, name, n) != 0)
		return false;
	const char *rest = want + n;
	if (*rest == '#') {
		char *end;
		unsigned long w = strtoul(rest + 1, &end, 10);
		if (end == rest + 1 || w != k)
			return false;
		rest = end;
	}
	if (*rest == 0)
		return true;
	if (strcmp(rest, ":crash") == 0) {
		fflush(NULL);
		_exit(FAULT_CRASH_STATUS);
	}
	return false;
}
