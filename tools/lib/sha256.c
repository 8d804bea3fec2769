/* sha256.c - SHA-256 through nettle: the one digest igdkit needs, without OpenSSL's
 * libcrypto (4.7 MB on the stick for this alone). */
#include "lib/sha256.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <nettle/sha2.h>

static void to_hex(const uint8_t *md, char out[65])
{
	static const char hx[] = "0123456789abcdef";
	for (int i = 0; i < SHA256_DIGEST_SIZE; i++) {
		out[2 * i] = hx[md[i] >> 4];
		out[2 * i + 1] = hx[md[i] & 15];
	}
	out[64] = 0;
}

int sha256_buf_hex(const void *data, size_t len, char out[65])
{
	struct sha256_ctx c;
	uint8_t md[SHA256_DIGEST_SIZE];
	sha256_init(&c);
	sha256_update(&c, len, data);
	sha256_digest(&c, sizeof(md), md);
	to_hex(md, out);
	return 0;
}

int sha256_file_hex(const char *path, char out[65])
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	struct sha256_ctx c;
	sha256_init(&c);
	uint8_t buf[65536];
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;
			close(fd);
			errno = e;
			return -1;
		}
		if (n == 0)
			break;
		sha256_update(&c, (size_t)n, buf);
	}
	close(fd);
	uint8_t md[SHA256_DIGEST_SIZE];
	sha256_digest(&c, sizeof(md), md);
	to_hex(md, out);
	return 0;
}
