/* atomic.c - temp file, fsync, rename, fsync directory */
#include "lib/atomic.h"
#include "lib/fault.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Temp names in flight, so a die hook can remove them (few: one per write). */
#define ATOMIC_PENDING_MAX 8
static char pending[ATOMIC_PENDING_MAX][PATH_MAX];

static void pending_add(const char *p)
{
	for (int i = 0; i < ATOMIC_PENDING_MAX; i++)
		if (!pending[i][0]) {
			snprintf(pending[i], sizeof(pending[i]), "%s", p);
			return;
		}
}

static void pending_del(const char *p)
{
	for (int i = 0; i < ATOMIC_PENDING_MAX; i++)
		if (strcmp(pending[i], p) == 0)
			pending[i][0] = 0;
}

void atomic_cleanup(void)
{
	for (int i = 0; i < ATOMIC_PENDING_MAX; i++)
		if (pending[i][0]) {
			unlink(pending[i]);
			pending[i][0] = 0;
		}
}

static int split_dir(const char *path, char *dir, size_t len)
{
	const char *slash = strrchr(path, '/');
	if (!slash) {
		snprintf(dir, len, ".");
		return 0;
	}
	size_t n = (size_t)(slash - path);
	if (n == 0)
		n = 1;
	if (n >= len)
		return -1;
	memcpy(dir, path, n);
	dir[n] = 0;
	return 0;
}

int atomic_sync_dir_of(const char *path, struct diag *d)
{
	char dir[PATH_MAX];
	if (split_dir(path, dir, sizeof(dir)) < 0)
		return diag_err(d, DIAG_NO_OFFSET, "%s: path too long", path);
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return diag_err(d, DIAG_NO_OFFSET, "%s: cannot open directory: %s", dir, strerror(errno));
	int rc = 0;
	errno = 0;
	/* EINVAL/ENOSYS: file systems without directory fsync (FUSE pmxcfs); the rename is done. */
	if (FAULT("atomic.dirsync") || (fsync(fd) < 0 && errno != EINVAL && errno != ENOSYS))
		rc = diag_err(d, DIAG_NO_OFFSET, "%s: fsync of directory failed: %s", dir,
			      errno ? strerror(errno) : "injected fault");
	close(fd);
	return rc;
}

static int temp_name(const char *path, char *out, size_t len)
{
	char dir[PATH_MAX];
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	if (split_dir(path, dir, sizeof(dir)) < 0)
		return -1;
	int n = snprintf(out, len, "%s/.%s.igdkit-XXXXXX", dir, base);
	return (n < 0 || (size_t)n >= len) ? -1 : 0;
}

static int write_all(int fd, const void *data, size_t len)
{
	const char *p = data;
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int atomic_write(const char *path, const void *data, size_t len, mode_t mode, uid_t uid, gid_t gid,
		 struct diag *d)
{
	char tmp[PATH_MAX];
	if (temp_name(path, tmp, sizeof(tmp)) < 0)
		return diag_err(d, DIAG_NO_OFFSET, "%s: path too long", path);
	int fd = mkstemp(tmp);
	if (fd < 0)
		return diag_err(d, DIAG_NO_OFFSET, "%s: cannot create a temporary file beside it: %s", path,
				strerror(errno));
	pending_add(tmp);
	errno = 0;
	const char *step = NULL;
	if (FAULT("atomic.write") || write_all(fd, data, len) < 0)
		step = "write";
	else if (mode && fchmod(fd, mode & 07777) < 0)
		step = "chmod";
	else if (mode && (uid != (uid_t)-1 || gid != (gid_t)-1) && fchown(fd, uid, gid) < 0 && errno != EPERM)
		step = "chown";	/* EPERM: not root (tests); the owner stays ours */
	else if (FAULT("atomic.fsync") || fsync(fd) < 0)
		step = "fsync";
	if (close(fd) < 0 && !step)
		step = "close";
	if (!step && (FAULT("atomic.rename") || rename(tmp, path) < 0))
		step = "rename";
	if (step) {
		int e = errno;
		unlink(tmp);
		pending_del(tmp);
		return diag_err(d, DIAG_NO_OFFSET, "%s: %s failed: %s", path, step, e ? strerror(e) : "injected fault");
	}
	pending_del(tmp);
	return atomic_sync_dir_of(path, d);
}

int atomic_symlink(const char *target, const char *path, struct diag *d)
{
	char tmp[PATH_MAX];
	if (temp_name(path, tmp, sizeof(tmp)) < 0)
		return diag_err(d, DIAG_NO_OFFSET, "%s: path too long", path);
	/* mkstemp-like unique name without creating a file: try a few suffixes. */
	size_t n = strlen(tmp);
	for (unsigned i = 0;; i++) {
		snprintf(tmp + n - 6, 7, "%06u", (unsigned)((unsigned)getpid() * 31u + i) % 1000000u);
		if (symlink(target, tmp) == 0)
			break;
		if (errno != EEXIST || i > 100)
			return diag_err(d, DIAG_NO_OFFSET, "%s: symlink failed: %s", path, strerror(errno));
	}
	pending_add(tmp);
	errno = 0;
	if (FAULT("atomic.rename") || rename(tmp, path) < 0) {
		int e = errno;
		unlink(tmp);
		pending_del(tmp);
		return diag_err(d, DIAG_NO_OFFSET, "%s: rename failed: %s", path, e ? strerror(e) : "injected fault");
	}
	pending_del(tmp);
	return atomic_sync_dir_of(path, d);
}

int atomic_unlink(const char *path, struct diag *d)
{
	errno = 0;
	if (FAULT("atomic.unlink") || (unlink(path) < 0 && errno != ENOENT))
		return diag_err(d, DIAG_NO_OFFSET, "%s: unlink failed: %s", path, errno ? strerror(errno) : "injected fault");
	return atomic_sync_dir_of(path, d);
}
