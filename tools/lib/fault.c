/* fault.c - named fault points enabled from the environment (see fault.h) */
#include "fault.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void fault_trace(const char *name)
{
	const char *path = getenv("IGDKIT_FAULT_TRACE");
	if (!path || !*path)
		return;
	FILE *f = fopen(path, "a");
	if (!f)
		return;
	fprintf(f, "%s\n", name);
	fclose(f);
}

bool fault_hit(const char *name)
{
	fault_trace(name);
	const char *want = getenv("IGDKIT_FAULT");
	if (!want || !*want)
		return false;
	size_t n = strlen(name);
	if (strncmp(want, name, n) != 0)
		return false;
	if (want[n] == 0)
		return true;
	if (strcmp(want + n, ":crash") == 0) {
		fflush(NULL);
		_exit(FAULT_CRASH_STATUS);
	}
	return false;
}
