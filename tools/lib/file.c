/* file.c - bounded whole-file reads */
#include "lib/file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int file_read(const char *path, size_t max, struct file_buf *out, char *err, size_t errlen)
{
	out->data = NULL;
	out->len = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	struct stat st;
	size_t cap = 64 * 1024;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
		if ((uint64_t)st.st_size > max) {
			snprintf(err, errlen, "%s: %lld bytes is more than the %zu-byte limit for this input",
				 path, (long long)st.st_size, max);
			close(fd);
			return -1;
		}
		cap = (size_t)st.st_size + 1;	/* +1 lets us see EOF in one read */
	}
	uint8_t *buf = malloc(cap);
	size_t len = 0;
	if (!buf)
		goto oom;
	for (;;) {
		if (len == cap) {
			if (cap > max) {
				snprintf(err, errlen, "%s: more than the %zu-byte limit for this input", path, max);
				goto fail;
			}
			size_t ncap = cap * 2;
			if (ncap > max + 1)
				ncap = max + 1;
			uint8_t *nb = realloc(buf, ncap);
			if (!nb)
				goto oom;
			buf = nb;
			cap = ncap;
		}
		ssize_t n = read(fd, buf + len, cap - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			snprintf(err, errlen, "%s: read failed: %s", path, strerror(errno));
			goto fail;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len > max) {
		snprintf(err, errlen, "%s: more than the %zu-byte limit for this input", path, max);
		goto fail;
	}
	close(fd);
	out->data = buf;
	out->len = len;
	return 0;
oom:
	snprintf(err, errlen, "%s: out of memory", path);
fail:
	free(buf);
	close(fd);
	return -1;
}

void file_buf_free(struct file_buf *fb)
{
	free(fb->data);
	fb->data = NULL;
	fb->len = 0;
}

int path_join(char *buf, size_t len, const char *root, const char *path)
{
	if (!root || !*root || !strcmp(root, "/")) {
		int n = snprintf(buf, len, "%s", path);
		return n < 0 || (size_t)n >= len ? -1 : 0;
	}
	size_t rl = strlen(root);
	while (rl > 1 && root[rl - 1] == '/')
		rl--;
	int n = snprintf(buf, len, "%.*s%s%s", (int)rl, root, path[0] == '/' ? "" : "/", path);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}
