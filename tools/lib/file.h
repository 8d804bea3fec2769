/* file.h - whole-file reads with a size cap (inputs are untrusted) */
#ifndef IGDKIT_FILE_H
#define IGDKIT_FILE_H

#include <stddef.h>
#include <stdint.h>

struct file_buf {
	uint8_t *data;
	size_t len;
};

/* Largest firmware image we accept: SPI parts top out at 64 MiB today. */
#define FILE_MAX_FIRMWARE ((size_t)256 << 20)

/*
 * Reads all of path (regular file, pipe or sysfs attribute) into memory.
 * Refuses inputs over max bytes. On failure writes "path: reason" into err.
 */
int file_read(const char *path, size_t max, struct file_buf *out, char *err, size_t errlen);
void file_buf_free(struct file_buf *fb);

/* Joins root and an absolute path: ("/tmp/fx", "/proc/cpuinfo") -> "/tmp/fx/proc/cpuinfo". */
int path_join(char *buf, size_t len, const char *root, const char *path);

#endif
