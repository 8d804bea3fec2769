/* sha256.c - SHA-256 through OpenSSL libcrypto (EVP) */
#include "lib/sha256.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include <openssl/evp.h>

static void to_hex(const unsigned char *md, char out[65])
{
	static const char hx[] = "0123456789abcdef";
	for (int i = 0; i < 32; i++) {
		out[2 * i] = hx[md[i] >> 4];
		out[2 * i + 1] = hx[md[i] & 15];
	}
	out[64] = 0;
}

int sha256_buf_hex(const void *data, size_t len, char out[65])
{
	unsigned char md[32];
	unsigned int mdlen = 0;
	if (!EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL) || mdlen != 32)
		return -1;
	to_hex(md, out);
	return 0;
}

int sha256_file_hex(const char *path, char out[65])
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	int rc = -1;
	if (!c || !EVP_DigestInit_ex(c, EVP_sha256(), NULL))
		goto out;
	unsigned char buf[65536];
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			goto out;
		}
		if (n == 0)
			break;
		if (!EVP_DigestUpdate(c, buf, (size_t)n))
			goto out;
	}
	unsigned char md[32];
	unsigned int mdlen = 0;
	if (!EVP_DigestFinal_ex(c, md, &mdlen) || mdlen != 32)
		goto out;
	to_hex(md, out);
	rc = 0;
out:
	EVP_MD_CTX_free(c);
	close(fd);
	return rc;
}
