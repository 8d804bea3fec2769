/* tree.c - the --root backend: a directory that looks like /, plus the file helpers both backends share
 *
 * Fixture trees hold plain files where the kernel has device nodes: /dev/cpu/0/msr
 * is a regular file read at offset = MSR number, /dev/cpu/0/cpuid one read at
 * offset = leaf, exactly like the character devices.
 */
#include "host/hostops.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int join(char *buf, size_t len, const char *prefix, const char *path)
{
	int n = snprintf(buf, len, "%s%s", prefix, path);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

int hostfs_read_file(const char *prefix, const char *path, size_t max, struct file_buf *out, char *err,
		     size_t errlen)
{
	char p[PATH_MAX];
	if (join(p, sizeof(p), prefix, path) < 0) {
		snprintf(err, errlen, "%s: path too long", path);
		return -1;
	}
	return file_read(p, max, out, err, errlen);
}

bool hostfs_exists(const char *prefix, const char *path)
{
	char p[PATH_MAX];
	struct stat st;
	return join(p, sizeof(p), prefix, path) == 0 && stat(p, &st) == 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int hostfs_list_dir(const char *prefix, const char *path, char ***names, size_t *n)
{
	char p[PATH_MAX];
	*names = NULL;
	*n = 0;
	if (join(p, sizeof(p), prefix, path) < 0)
		return -1;
	DIR *dir = opendir(p);
	if (!dir)
		return -1;
	size_t cap = 0;
	char **v = NULL;
	struct dirent *e;
	/* sysfs directories are small; the cap only guards against a hostile fixture. */
	while ((e = readdir(dir)) != NULL && *n < 65536) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			char **nv = realloc(v, cap * sizeof(*v));
			if (!nv)
				break;
			v = nv;
		}
		v[*n] = strdup(e->d_name);
		if (!v[*n])
			break;
		(*n)++;
	}
	closedir(dir);
	if (*n)
		qsort(v, *n, sizeof(*v), cmp_names);
	*names = v;
	return 0;
}

int hostfs_link_name(const char *prefix, const char *path, char *buf, size_t len)
{
	char p[PATH_MAX], t[PATH_MAX];
	if (join(p, sizeof(p), prefix, path) < 0)
		return -1;
	ssize_t k = readlink(p, t, sizeof(t) - 1);
	if (k < 0)
		return -1;
	t[k] = 0;
	const char *base = strrchr(t, '/');
	base = base ? base + 1 : t;
	if (strlen(base) >= len)
		return -1;
	strcpy(buf, base);
	return 0;
}

int hostfs_pread(const char *prefix, const char *path, uint64_t off, void *buf, size_t len, char *err,
		 size_t errlen)
{
	char p[PATH_MAX];
	if (join(p, sizeof(p), prefix, path) < 0) {
		snprintf(err, errlen, "%s: path too long", path);
		return -1;
	}
	int fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;
		snprintf(err, errlen, "%s: %s", p, strerror(e));
		return -e;
	}
	ssize_t k = pread(fd, buf, len, (off_t)off);
	int e = k < 0 ? errno : EIO;
	close(fd);
	if (k != (ssize_t)len) {
		snprintf(err, errlen, "%s: read of %zu bytes at 0x%llx failed: %s", p, len,
			 (unsigned long long)off, k < 0 ? strerror(e) : "short read");
		return -e;
	}
	return 0;
}

static int tree_read_file(const struct host *h, const char *path, size_t max, struct file_buf *out, char *err,
			  size_t errlen)
{
	return hostfs_read_file(h->root, path, max, out, err, errlen);
}

static bool tree_exists(const struct host *h, const char *path)
{
	return hostfs_exists(h->root, path);
}

static int tree_list_dir(const struct host *h, const char *path, char ***names, size_t *n)
{
	return hostfs_list_dir(h->root, path, names, n);
}

static int tree_link_name(const struct host *h, const char *path, char *buf, size_t len)
{
	return hostfs_link_name(h->root, path, buf, len);
}

static int tree_read_msr(const struct host *h, unsigned cpu, uint32_t msr, uint64_t *val, char *err,
			 size_t errlen)
{
	char path[64];
	uint8_t b[8];
	snprintf(path, sizeof(path), "/dev/cpu/%u/msr", cpu);
	if (hostfs_pread(h->root, path, msr, b, sizeof(b), err, errlen) < 0)
		return -1;
	*val = 0;
	for (int i = 7; i >= 0; i--)
		*val = *val << 8 | b[i];
	return 0;
}

static int tree_cpuid(const struct host *h, uint32_t leaf, uint32_t regs[4], char *err, size_t errlen)
{
	uint8_t b[16];
	if (hostfs_pread(h->root, "/dev/cpu/0/cpuid", leaf, b, sizeof(b), err, errlen) < 0)
		return -1;
	for (int i = 0; i < 4; i++)
		regs[i] = (uint32_t)b[4 * i] | (uint32_t)b[4 * i + 1] << 8 | (uint32_t)b[4 * i + 2] << 16 |
			  (uint32_t)b[4 * i + 3] << 24;
	return 0;
}

static int tree_read_phys(const struct host *h, uint64_t addr, void *buf, size_t len, char *err, size_t errlen)
{
	return hostfs_pread(h->root, "/dev/mem", addr, buf, len, err, errlen);
}

static const struct host_ops tree_ops = {
	.name = "tree",
	.read_file = tree_read_file,
	.exists = tree_exists,
	.list_dir = tree_list_dir,
	.link_name = tree_link_name,
	.read_msr = tree_read_msr,
	.cpuid = tree_cpuid,
	.read_phys = tree_read_phys,
};

void host_open_tree(struct host *h, const char *root)
{
	h->ops = &tree_ops;
	snprintf(h->root, sizeof(h->root), "%s", root);
	/* "/x/" and "/x" name the same tree; paths we append start with '/'. */
	size_t n = strlen(h->root);
	while (n > 1 && h->root[n - 1] == '/')
		h->root[--n] = 0;
}

void host_open(struct host *h, const char *root)
{
	if (!root || !*root || !strcmp(root, "/"))
		host_open_live(h);
	else
		host_open_tree(h, root);
}

bool host_is_live(const struct host *h)
{
	return h->root[0] == 0;
}

void host_names_free(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

int host_read_text(const struct host *h, const char *path, char *buf, size_t len, char *err, size_t errlen)
{
	struct file_buf fb;
	if (len == 0 || h->ops->read_file(h, path, 1 << 20, &fb, err, errlen) < 0)
		return -1;
	size_t n = fb.len < len - 1 ? fb.len : len - 1;
	memcpy(buf, fb.data, n);
	buf[n] = 0;
	file_buf_free(&fb);
	/* A NUL inside (cmdline separators in /proc/PID/cmdline) ends the text. */
	n = strlen(buf);
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = 0;
	return 0;
}

int host_real_path(const struct host *h, const char *path, char *buf, size_t len)
{
	return join(buf, len, h->root, path);
}
