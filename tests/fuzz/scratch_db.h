/* scratch_db.h - a private file for fuzz targets whose library needs a path (SQLite)
 *
 * The file lives on tmpfs when there is one: SQLite syncs its journal on every write, and on a
 * disk file system those syncs, creates and unlinks cost more than the parsing being fuzzed.
 */
#ifndef IGDKIT_FUZZ_SCRATCH_DB_H
#define IGDKIT_FUZZ_SCRATCH_DB_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static char scratch_dir[64];

static void scratch_remove_dir(void)
{
	rmdir(scratch_dir);
}

/* Removes the database and the journal, WAL and shared-memory files SQLite puts beside it. */
static void scratch_cleanup(const char *path)
{
	static const char *const sfx[] = { "", "-wal", "-shm", "-journal" };
	char p[128];
	for (int i = 0; i < 4; i++) {
		snprintf(p, sizeof(p), "%s%s", path, sfx[i]);
		unlink(p);
	}
}

/* Writes data to a fresh file in the private directory and puts its path in path[128]. */
static void scratch_write(const char *name, const uint8_t *data, size_t size, char path[128])
{
	if (!scratch_dir[0]) {
		const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
		snprintf(scratch_dir, sizeof(scratch_dir), "%s/igdkit-fuzz-XXXXXX", base);
		if (!mkdtemp(scratch_dir))
			abort();
		atexit(scratch_remove_dir);
	}
	snprintf(path, 128, "%s/%s", scratch_dir, name);
	scratch_cleanup(path);
	FILE *f = fopen(path, "wb");
	if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f) != 0)
		abort();
}

#endif
