/* sha256.h - SHA-256 hex digests (nettle underneath) */
#ifndef IGDKIT_SHA256_H
#define IGDKIT_SHA256_H

#include <stddef.h>

/* Lowercase hex digest of data into out (65 bytes with the NUL). Returns 0 or -1. */
int sha256_buf_hex(const void *data, size_t len, char out[65]);
/* Digest of a whole file; -1 if it cannot be read (errno kept). */
int sha256_file_hex(const char *path, char out[65]);

#endif
