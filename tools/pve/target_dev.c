/* target_dev.c - find PVE installs on the block devices, activate and mount only the chosen one
 *
 * btrfs installs (no LVM) are found by their superblock and named by their file system UUID.
 * LVM through the lvm2 command (the stick has it; liblvm2app is gone from Debian), always
 * selecting by VG UUID: after a reinstall several VGs are named "pve". Mounts with mount(2).
 * Only the root LV of the chosen VG is activated, and only it is deactivated again.
 * Mounting needs root and real disks (the QEMU boot test); listing, activation commands and the
 * probe of a mounted root are unit-tested with a stand-in `lvm` on PATH and fixture roots.
 */
#include "pve/target.h"
#include "pve/target_dev.h"
#include "host/disk_drivers.h"
#include "lib/reader.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* Runs argv, captures up to len-1 bytes of stdout; returns exit status or -1. */
static int run_capture(const char *const *argv, char *out, size_t len)
{
	int pfd[2];
	if (pipe(pfd) < 0)
		return -1;
	pid_t pid = fork();
	if (pid < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return -1;
	}
	if (pid == 0) {
		dup2(pfd[1], 1);
		int nul = open("/dev/null", O_WRONLY);
		if (nul >= 0)
			dup2(nul, 2);
		close(pfd[0]);
		setenv("LVM_SUPPRESS_FD_WARNINGS", "1", 1);
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(pfd[1]);
	size_t n = 0;
	ssize_t k;
	char sink[512];
	while ((k = read(pfd[0], n + 1 < len ? out + n : sink, n + 1 < len ? len - 1 - n : sizeof(sink))) > 0)
		if (n + 1 < len)
			n += (size_t)k;
	if (len)
		out[n] = 0;
	close(pfd[0]);
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static bool uuid_ok(const char *u)
{
	/* LVM UUIDs: 32 base62 chars in 6-4-4-4-4-4-6 groups with '-' */
	size_t n = strlen(u);
	if (n < 32 || n > 38)
		return false;
	for (; *u; u++)
		if (!((*u >= '0' && *u <= '9') || (*u >= 'a' && *u <= 'z') || (*u >= 'A' && *u <= 'Z') || *u == '-'))
			return false;
	return true;
}

/* A file system UUID, 8-4-4-4-12 hex: the btrfs fsid that names a btrfs install for --target. */
static bool fsid_ok(const char *u)
{
	if (strlen(u) != 36)
		return false;
	for (int i = 0; i < 36; i++)
		if ((i == 8 || i == 13 || i == 18 || i == 23) ? u[i] != '-' : !isxdigit((unsigned char)u[i]))
			return false;
	return true;
}

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\n' || s[n - 1] == '\t'))
		s[--n] = 0;
	return s;
}

static int root_lv_path(const char *vg_uuid, char *path, size_t len, struct diag *d)
{
	char sel[160], out[512];
	snprintf(sel, sizeof(sel), "vg_uuid=%s && lv_name=root", vg_uuid);
	const char *argv[] = { "lvm", "lvs", "--noheadings", "-o", "lv_path", "--select", sel, NULL };
	if (run_capture(argv, out, sizeof(out)) != 0)
		return diag_err(d, DIAG_NO_OFFSET, "lvm lvs failed for VG %s", vg_uuid);
	char *p = trim(out);
	if (!*p || strchr(p, '\n'))
		return diag_err(d, DIAG_NO_OFFSET, "VG %s has no (single) LV named root: not a Proxmox VE installer layout", vg_uuid);
	snprintf(path, len, "%s", p);
	return 0;
}

static int lv_activate(const char *vg_uuid, bool on, struct diag *d)
{
	char sel[160], out[256];
	snprintf(sel, sizeof(sel), "vg_uuid=%s && lv_name=root", vg_uuid);
	const char *argv[] = { "lvm", "lvchange", on ? "-ay" : "-an", "--select", sel, NULL };
	if (run_capture(argv, out, sizeof(out)) != 0)
		return diag_err(d, DIAG_NO_OFFSET, "lvm lvchange %s failed for VG %s", on ? "-ay" : "-an", vg_uuid);
	return 0;
}

/* noreplay: a look at an install the user did not choose must not even replay its journal. */
static int mount_any(const char *dev, const char *mnt, bool rw, bool noreplay, char *fstype, size_t flen, struct diag *d)
{
	static const char *const types[] = { "ext4", "xfs", "btrfs" };
	static const char *const noreplay_opt[] = { "noload", "norecovery", "nologreplay" };
	for (size_t i = 0; i < 3; i++)
		if (mount(dev, mnt, types[i], rw ? 0 : MS_RDONLY, noreplay && !rw ? noreplay_opt[i] : NULL) == 0) {
			if (fstype)
				snprintf(fstype, flen, "%s", types[i]);
			return 0;
		}
	return diag_err(d, DIAG_NO_OFFSET, "mount %s on %s: %s", dev, mnt, strerror(errno));
}

static int mount_root_lv(const char *vg_uuid, const char *mnt, bool rw, bool noreplay, struct diag *d)
{
	if (!uuid_ok(vg_uuid))
		return diag_err(d, DIAG_NO_OFFSET, "'%s' is not an LVM VG UUID", vg_uuid);
	if (geteuid() != 0)
		return diag_err(d, DIAG_NO_OFFSET, "--target needs root (LVM activation and mount)");
	char dev[256];
	if (lv_activate(vg_uuid, true, d) < 0 || root_lv_path(vg_uuid, dev, sizeof(dev), d) < 0)
		return -1;
	if (mkdir(mnt, 0700) < 0 && errno != EEXIST)
		return diag_err(d, DIAG_NO_OFFSET, "%s: %s", mnt, strerror(errno));
	if (mount_any(dev, mnt, rw, noreplay, NULL, 0, d) < 0) {
		lv_activate(vg_uuid, false, NULL);
		return -1;
	}
	return 0;
}

/*
 * btrfs keeps its primary superblock at 64 KiB: fsid (16 bytes) at +0x20, the superblock's own
 * position (64 KiB again) at +0x30, magic "_BHRfS_M" at +0x40, total_bytes at +0x70.
 */
#define BTRFS_SB_OFF 0x10000
#define BTRFS_MAGIC 0x4D5F53665248425FULL

bool targetdev_btrfs_fsid(const char *dev, char fsid[37], uint64_t *total)
{
	int fd = open(dev, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	uint8_t sb[0x100];
	ssize_t n = pread(fd, sb, sizeof(sb), BTRFS_SB_OFF);
	close(fd);
	if (n <= 0)
		return false;
	struct reader r, id;
	rd_init(&r, sb, (size_t)n, BTRFS_SB_OFF, NULL);
	uint64_t magic, bytenr, tot;
	const uint8_t *b;
	if (rd_u64le_at(&r, 0x40, &magic, "magic") < 0 || magic != BTRFS_MAGIC || rd_u64le_at(&r, 0x30, &bytenr, "bytenr") < 0 ||
	    bytenr != BTRFS_SB_OFF || rd_u64le_at(&r, 0x70, &tot, "total_bytes") < 0 || rd_sub_at(&r, 0x20, 16, &id, "fsid") < 0 ||
	    rd_take(&id, 16, &b, "fsid") < 0)
		return false;
	snprintf(fsid, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2], b[3], b[4], b[5],
		 b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
	if (total)
		*total = tot;
	return true;
}

/* Block devices worth a look: disks and partitions, not loop/ram/dm/optical/zram. */
static size_t block_devices(char (*names)[64], size_t max)
{
	host_disk_drivers_wait();
	DIR *d = opendir("/sys/class/block");
	if (!d)
		return 0;
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(d)) && n < max) {
		const char *nm = e->d_name;
		if (nm[0] == '.' || !strncmp(nm, "loop", 4) || !strncmp(nm, "ram", 3) || !strncmp(nm, "dm-", 3) ||
		    !strncmp(nm, "sr", 2) || !strncmp(nm, "zram", 4) || strlen(nm) >= 58)
			continue;
		snprintf(names[n++], 64, "/dev/%s", nm);
	}
	closedir(d);
	return n;
}

/* Mounts the btrfs file system fsid (every member device named, a udev-less stick has not
 * registered them) at mnt; its top-level volume is a PVE btrfs install's root. */
static int mount_btrfs(const char *fsid, const char *mnt, bool rw, bool noreplay, struct diag *d)
{
	if (geteuid() != 0)
		return diag_err(d, DIAG_NO_OFFSET, "--target needs root (mount)");
	static char devs[256][64];
	size_t nd = block_devices(devs, 256);
	char first[64] = "", opts[2048] = "";
	for (size_t i = 0; i < nd; i++) {
		char f[37];
		if (!targetdev_btrfs_fsid(devs[i], f, NULL) || strcmp(f, fsid) != 0)
			continue;
		if (!first[0])
			snprintf(first, sizeof(first), "%s", devs[i]);
		size_t at = strlen(opts);
		snprintf(opts + at, sizeof(opts) - at, "%sdevice=%s", at ? "," : "", devs[i]);
	}
	if (!first[0])
		return diag_err(d, DIAG_NO_OFFSET, "no btrfs file system with UUID %s on the disks", fsid);
	if (noreplay && !rw) {
		size_t at = strlen(opts);
		snprintf(opts + at, sizeof(opts) - at, ",nologreplay");
	}
	if (mkdir(mnt, 0700) < 0 && errno != EEXIST)
		return diag_err(d, DIAG_NO_OFFSET, "%s: %s", mnt, strerror(errno));
	if (mount(first, mnt, "btrfs", rw ? 0 : MS_RDONLY, opts) < 0)
		return diag_err(d, DIAG_NO_OFFSET, "mount btrfs %s (%s) on %s: %s", fsid, first, mnt, strerror(errno));
	return 0;
}

int targetdev_mount(const char *vg_uuid, const char *mnt, bool rw, struct diag *d)
{
	if (fsid_ok(vg_uuid))
		return mount_btrfs(vg_uuid, mnt, rw, false, d);
	return mount_root_lv(vg_uuid, mnt, rw, false, d);
}

int targetdev_remount(const char *mnt, bool rw, struct diag *d)
{
	if (mount(NULL, mnt, NULL, MS_REMOUNT | (rw ? 0 : MS_RDONLY), NULL) < 0)
		return diag_err(d, DIAG_NO_OFFSET, "remount %s %s: %s", mnt, rw ? "read-write" : "read-only", strerror(errno));
	return 0;
}

int targetdev_umount(const char *vg_uuid, const char *mnt, struct diag *d)
{
	sync();
	if (umount(mnt) < 0)
		return diag_err(d, DIAG_NO_OFFSET, "umount %s: %s", mnt, strerror(errno));
	rmdir(mnt);
	if (fsid_ok(vg_uuid))
		return 0;	/* btrfs: no LVM to deactivate */
	return lv_activate(vg_uuid, false, d);
}

/*
 * A ZFS vdev starts with two 256 KiB labels; the second half of each holds the uberblock
 * ring, every slot (1 KiB or more, a power of two) starting with ub_magic 0x00bab10c. Any
 * magic at a 1 KiB step of label 0's ring marks a pool member.
 */
bool targetdev_is_zfs_member(const char *dev)
{
	int fd = open(dev, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	static uint8_t ring[128 * 1024];
	ssize_t n = pread(fd, ring, sizeof(ring), 128 * 1024);
	close(fd);
	if (n <= 0)
		return false;
	struct reader r;
	rd_init(&r, ring, (size_t)n, 128 * 1024, NULL);
	for (size_t at = 0; at + 8 <= (size_t)n; at += 1024) {
		uint64_t magic;
		if (rd_u64le_at(&r, at, &magic, "ub_magic") == 0 && magic == 0x00bab10cULL)
			return true;
	}
	return false;
}

static void zfs_members(char *out, size_t len)
{
	static char devs[256][64];
	size_t nd = block_devices(devs, 256);
	for (size_t i = 0; i < nd; i++)
		if (targetdev_is_zfs_member(devs[i])) {
			size_t at = strlen(out);
			snprintf(out + at, len - at, "%s%s", at ? " " : "", devs[i]);
		}
}

/* btrfs installs (PVE's btrfs option: the whole root on btrfs, no LVM), one entry per fsid. */
static int btrfs_installs(struct pve_install **out, size_t *n, struct diag *d)
{
	static char devs[256][64];
	size_t nd = block_devices(devs, 256);
	for (size_t i = 0; i < nd; i++) {
		char fsid[37];
		uint64_t total = 0;
		if (!targetdev_btrfs_fsid(devs[i], fsid, &total))
			continue;
		bool seen = false;
		for (size_t k = 0; k < *n; k++)
			if (strcmp((*out)[k].vg_uuid, fsid) == 0)
				seen = true;
		if (seen)
			continue;
		struct pve_install pi;
		memset(&pi, 0, sizeof(pi));
		snprintf(pi.vg_uuid, sizeof(pi.vg_uuid), "%s", fsid);
		snprintf(pi.vg_name, sizeof(pi.vg_name), "btrfs");
		snprintf(pi.lv_path, sizeof(pi.lv_path), "%s", devs[i]);
		snprintf(pi.fstype, sizeof(pi.fstype), "btrfs");
		pi.btrfs = true;
		pi.size = total;
		struct diag q;
		diag_init(&q);
		char mnt[96];
		snprintf(mnt, sizeof(mnt), "/run/igdkit-scan-%.40s", fsid);
		if (mount_btrfs(fsid, mnt, false, true, &q) == 0) {
			targetdev_probe_root(mnt, &pi);
			targetdev_umount(fsid, mnt, &q);
		} else
			diag_warn(d, DIAG_NO_OFFSET, "btrfs %s on %s: cannot look inside: %s", fsid, devs[i], diag_last(&q));
		diag_free(&q);
		if (!pi.pve_version[0] && !pi.hostname[0])
			continue;	/* a btrfs that is no PVE root (data disk) */
		struct pve_install *nv = realloc(*out, (*n + 1) * sizeof(*nv));
		if (!nv)
			return diag_err(d, DIAG_NO_OFFSET, "out of memory");
		*out = nv;
		(*out)[(*n)++] = pi;
	}
	return 0;
}

void targetdev_probe_root(const char *mnt, struct pve_install *pi)
{
	struct pve_target t;
	struct diag d;
	diag_init(&d);
	if (target_probe(mnt, &t, &d) == 0) {
		snprintf(pi->hostname, sizeof(pi->hostname), "%s", t.hostname);
		snprintf(pi->pve_version, sizeof(pi->pve_version), "%s", t.pve_manager);
		target_free(&t);
	}
	diag_free(&d);
	pi->last_boot = target_last_boot(mnt, pi->last_boot_source, sizeof(pi->last_boot_source));
}

int targetdev_activate(const char *vg_uuid, bool on, struct diag *d)
{
	if (!uuid_ok(vg_uuid))
		return diag_err(d, DIAG_NO_OFFSET, "'%s' is not an LVM VG UUID", vg_uuid);
	return lv_activate(vg_uuid, on, d);
}

int targetdev_list_vgs(struct pve_install **out, size_t *n, struct diag *d)
{
	*out = NULL;
	*n = 0;
	host_disk_drivers_wait();
	static char buf[65536];
	const char *argv[] = { "lvm", "vgs", "--noheadings", "--separator", "|", "--units", "b", "--nosuffix", "-o",
			       "vg_uuid,vg_name,vg_size", NULL };
	if (run_capture(argv, buf, sizeof(buf)) != 0)
		return diag_err(d, DIAG_NO_OFFSET, "lvm vgs failed (is lvm2 on this system?)");
	size_t cap = 0;
	char *save = NULL;
	for (char *l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char *u = trim(l), *name = strchr(u, '|');
		if (!name)
			continue;
		*name++ = 0;
		char *size = strchr(name, '|');
		if (!size)
			continue;
		*size++ = 0;
		if (!uuid_ok(u))
			continue;
		struct diag q;
		diag_init(&q);
		char lv[128];
		int ok = root_lv_path(u, lv, sizeof(lv), &q) == 0;
		diag_free(&q);
		if (!ok)
			continue;	/* no LV "root": not an installer layout */
		if (*n == cap) {
			cap = cap ? cap * 2 : 8;
			struct pve_install *nv = realloc(*out, cap * sizeof(*nv));
			if (!nv)
				return diag_err(d, DIAG_NO_OFFSET, "out of memory");
			*out = nv;
		}
		struct pve_install *pi = &(*out)[(*n)++];
		memset(pi, 0, sizeof(*pi));
		snprintf(pi->vg_uuid, sizeof(pi->vg_uuid), "%s", u);
		snprintf(pi->vg_name, sizeof(pi->vg_name), "%s", name);
		snprintf(pi->lv_path, sizeof(pi->lv_path), "%s", lv);
		pi->size = strtoull(size, NULL, 10);
	}
	return 0;
}

int targetdev_scan(struct pve_install **out, size_t *n, struct diag *d)
{
	*out = NULL;
	*n = 0;
	if (geteuid() != 0)
		return diag_err(d, DIAG_NO_OFFSET, "scanning disks needs root");
	if (targetdev_list_vgs(out, n, d) < 0)
		return -1;
	size_t nlvm = *n;
	for (size_t i = 0; i < nlvm; i++) {
		struct pve_install *pi = &(*out)[i];
		struct diag q;
		diag_init(&q);
		char mnt[96];
		snprintf(mnt, sizeof(mnt), "/run/igdkit-scan-%.40s", pi->vg_uuid);
		if (mount_root_lv(pi->vg_uuid, mnt, false, true, &q) == 0) {
			targetdev_probe_root(mnt, pi);
			targetdev_umount(pi->vg_uuid, mnt, &q);
		}
		diag_free(&q);
	}
	if (btrfs_installs(out, n, d) < 0)
		return -1;
	/* ZFS members, found by their labels (no blkid on the stick): the stick has no ZFS module,
	 * say so instead of silently listing nothing. */
	char zb[4096] = "";
	zfs_members(zb, sizeof(zb));
	if (*zb) {
		struct pve_install *nv = realloc(*out, (*n + 1) * sizeof(*nv));
		if (!nv)
			return diag_err(d, DIAG_NO_OFFSET, "out of memory");
		*out = nv;
		struct pve_install *pi = &(*out)[(*n)++];
		memset(pi, 0, sizeof(*pi));
		pi->zfs = true;
		snprintf(pi->vg_name, sizeof(pi->vg_name), "rpool");
		snprintf(pi->lv_path, sizeof(pi->lv_path), "%.127s", trim(zb));
		diag_warn(d, DIAG_NO_OFFSET,
			  "a ZFS pool (rpool?) is on %s: this stick cannot import ZFS (no ZFS module; PVE 8/9 pools need OpenZFS "
			  ">= 2.2). Boot the host itself and run igdkit there with /etc/pve mounted, or import the pool from a PVE "
			  "installer's debug shell (zpool import -N -R /mnt -f rpool) and use --root /mnt",
			  pi->lv_path);
	}
	return 0;
}
