/* atomic.h - replace a file so that a crash leaves either the old or the new bytes
 *
 * Temp file in the same directory -> write -> fchmod/fchown -> fsync -> rename over
 * the target -> fsync the directory (SQLite's unixSync does the directory too).
 * Temp files still open when the process dies are removed by atomic_cleanup(),
 * which the command layer runs from atexit/its die hook.
 */
#ifndef IGDKIT_ATOMIC_H
#define IGDKIT_ATOMIC_H

#include <stddef.h>
#include <sys/types.h>

#include "lib/diag.h"

/*
 * Writes data to path atomically with the given mode and owner (uid/gid -1 keep
 * the caller's; mode 0 leaves mode and owner to the file system, as pmxcfs wants). Fault points: "atomic.write", "atomic.fsync", "atomic.rename",
 * "atomic.dirsync". Returns 0, or -1 with a diag naming path and errno text.
 */
int atomic_write(const char *path, const void *data, size_t len, mode_t mode, uid_t uid, gid_t gid,
		 struct diag *d);
/* Makes path a symlink to target atomically (symlink to temp name, rename). */
int atomic_symlink(const char *target, const char *path, struct diag *d);
/* Removes path and fsyncs its directory; a missing file is not an error. */
int atomic_unlink(const char *path, struct diag *d);
/* fsync the directory holding path. */
int atomic_sync_dir_of(const char *path, struct diag *d);
/* Unlinks every temp file a failed or interrupted atomic_* left behind. */
void atomic_cleanup(void);

#endif
