/* scan.c - firmware files on the stick and on other partitions (read-only mounts) */
#include "menu/scan.h"
#include "host/disk_drivers.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/file.h"

#define SCAN_DIR "/run/igdkit-scan"

/* The block device behind a mount point, from /proc/mounts ("" when not mounted). */
static void device_of(const char *mnt, char *dev, size_t len)
{
	dev[0] = 0;
	FILE *f = fopen("/proc/mounts", "r");
	if (!f)
		return;
	char line[1024], d[512], m[512];
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%511s %511s", d, m) == 2 && !strcmp(m, mnt)) {
			snprintf(dev, len, "%s", d);
			break;
		}
	fclose(f);
}

static bool mounted_anywhere(const char *name)
{
	FILE *f = fopen("/proc/mounts", "r");
	if (!f)
		return false;
	char line[1024], dev[512];
	bool yes = false;
	while (!yes && fgets(line, sizeof(line), f))
		if (sscanf(line, "%511s", dev) == 1 && !strncmp(dev, "/dev/", 5) && !strcmp(dev + 5, name))
			yes = true;
	fclose(f);
	return yes;
}

/* Which file system the device starts with, from its magic numbers (NULL: none the search
 * mounts). Asking first keeps the kernel from logging a failed mount per guess on the console. */
static const char *fs_type_of(const char *dev)
{
	unsigned char b[0x8006];
	int fd = open(dev, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	ssize_t n = pread(fd, b, sizeof(b), 0);
	close(fd);
	if (n < 1082)
		return NULL;
	if (!memcmp(b + 3, "EXFAT   ", 8))
		return "exfat";
	if (!memcmp(b + 3, "NTFS    ", 8))
		return "ntfs3";
	if (b[510] == 0x55 && b[511] == 0xaa && (!memcmp(b + 0x36, "FAT", 3) || !memcmp(b + 0x52, "FAT32", 5)))
		return "vfat";
	if (b[1080] == 0x53 && b[1081] == 0xef)
		return "ext4";
	if (n == (ssize_t)sizeof(b) && !memcmp(b + 0x8001, "CD001", 5))
		return "iso9660";
	return NULL;
}

/* Read-only, and for ext4 without replaying the journal: the search must not change a byte.
 * The kernel loads the file system's module when mount(2) names it (on the stick exFAT and ext4
 * come from the initrd's second part that way); without one the mount fails with ENODEV. */
static int mount_ro(const char *dev, const char *dir)
{
	const char *type = fs_type_of(dev);
	if (!type)
		return -1;
	return mount(dev, dir, type, MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, strcmp(type, "ext4") ? "" : "noload");
}

/* Candidate devices: partitions, and whole disks without partitions (a stick formatted as one
 * FAT), except the IGDKIT stick's own disk, device-mapper/loop/ram devices and anything mounted. */
static bool candidate(const char *name, const char *stick_disk)
{
	if (!strncmp(name, "dm-", 3) || !strncmp(name, "loop", 4) || !strncmp(name, "ram", 3) || !strncmp(name, "zram", 4))
		return false;
	if (stick_disk[0] && !strncmp(name, stick_disk, strlen(stick_disk)))
		return false;
	if (mounted_anywhere(name))
		return false;
	char p[300];
	snprintf(p, sizeof(p), "/sys/class/block/%s/partition", name);
	if (access(p, F_OK) == 0)
		return true;
	/* a whole disk: only when it has no partitions */
	snprintf(p, sizeof(p), "/sys/class/block/%s", name);
	DIR *dp = opendir(p);
	if (!dp)
		return false;
	struct dirent *e;
	bool parts = false;
	size_t nl = strlen(name);
	while ((e = readdir(dp)))
		parts |= !strncmp(e->d_name, name, nl) && e->d_name[nl];
	closedir(dp);
	return !parts;
}

static void stick_disk_of(const char *stick, char *disk, size_t len)
{
	char dev[512];
	disk[0] = 0;
	if (!stick)
		return;
	device_of(stick, dev, sizeof(dev));
	if (strncmp(dev, "/dev/", 5))
		return;
	snprintf(disk, len, "%.60s", dev + 5);
	/* sda1 -> sda, nvme0n1p1 -> nvme0n1p (prefix match is enough) */
	size_t n = strlen(disk);
	while (n && disk[n - 1] >= '0' && disk[n - 1] <= '9')
		disk[--n] = 0;
}

int scan_firmware(const char *stick, struct scan_hit **v, size_t *n, struct diag *d)
{
	*v = NULL;
	*n = 0;
	struct fw_found *ff = NULL;
	size_t nf = 0;
	if (stick && *stick) {
		fw_find_files(stick, &ff, &nf, SCAN_MAX_FILES, d);
		for (size_t i = 0; i < nf; i++) {
			struct scan_hit *nv = realloc(*v, (*n + 1) * sizeof(**v));
			if (!nv)
				break;
			*v = nv;
			nv[*n].f = ff[i];
			snprintf(nv[*n].where, sizeof(nv[*n].where), "IGDKIT");
			(*n)++;
		}
		free(ff);
		ff = NULL;
	}
	char stick_disk[64];
	stick_disk_of(stick, stick_disk, sizeof(stick_disk));
	host_disk_drivers_wait();
	DIR *dp = opendir("/sys/class/block");
	if (!dp)
		return 0;
	mkdir(SCAN_DIR, 0700);
	struct dirent *e;
	while ((e = readdir(dp)) && *n < SCAN_MAX_FILES) {
		if (e->d_name[0] == '.' || !candidate(e->d_name, stick_disk))
			continue;
		char dev[300], dir[300];
		snprintf(dev, sizeof(dev), "/dev/%s", e->d_name);
		snprintf(dir, sizeof(dir), "%s/%s", SCAN_DIR, e->d_name);
		mkdir(dir, 0700);
		if (mount_ro(dev, dir) < 0) {
			rmdir(dir);
			continue;
		}
		nf = 0;
		fw_find_files(dir, &ff, &nf, SCAN_MAX_FILES - *n, d);
		for (size_t i = 0; i < nf; i++) {
			struct scan_hit *nv = realloc(*v, (*n + 1) * sizeof(**v));
			if (!nv)
				break;
			*v = nv;
			nv[*n].f = ff[i];
			snprintf(nv[*n].where, sizeof(nv[*n].where), "%.60s", e->d_name);
			(*n)++;
		}
		free(ff);
		ff = NULL;
		if (umount2(dir, 0) < 0)
			diag_warn(d, DIAG_NO_OFFSET, "%s: could not unmount %s: %s", dev, dir, strerror(errno));
		rmdir(dir);
	}
	closedir(dp);
	return 0;
}

int scan_read(const struct scan_hit *h, const char *stick, unsigned char **data, size_t *len, struct diag *d)
{
	(void)stick;
	struct file_buf fb;
	char err[512];
	*data = NULL;
	*len = 0;
	if (strcmp(h->where, "IGDKIT")) {
		/* the partition was unmounted after the search: mount it again, read-only, for the read */
		char dev[300], dir[300];
		snprintf(dev, sizeof(dev), "/dev/%s", h->where);
		snprintf(dir, sizeof(dir), "%s/%s", SCAN_DIR, h->where);
		mkdir(SCAN_DIR, 0700);
		mkdir(dir, 0700);
		if (mount_ro(dev, dir) < 0) {
			rmdir(dir);
			return diag_err(d, DIAG_NO_OFFSET, "%s: cannot mount it again (was the stick pulled?)", dev);
		}
		int rc = file_read(h->f.path, FILE_MAX_FIRMWARE, &fb, err, sizeof(err));
		umount2(dir, 0);
		rmdir(dir);
		if (rc < 0)
			return diag_err(d, DIAG_NO_OFFSET, "%s", err);
	} else if (file_read(h->f.path, FILE_MAX_FIRMWARE, &fb, err, sizeof(err)) < 0)
		return diag_err(d, DIAG_NO_OFFSET, "%s", err);
	*data = fb.data;
	*len = fb.len;
	return 0;
}
