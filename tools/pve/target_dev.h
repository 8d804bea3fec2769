/* target_dev.h - the disks a Proxmox VE install lives on: LVM, btrfs, ZFS detection, mounting
 *
 * Everything here acts only on the volume group or file system the user chose (by UUID).
 */
#ifndef IGDKIT_PVE_TARGET_DEV_H
#define IGDKIT_PVE_TARGET_DEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/diag.h"

struct pve_install {
	char vg_uuid[64];
	char vg_name[64];
	char lv_path[128];		/* /dev/pve/root or /dev/mapper/... */
	char fstype[16];
	uint64_t size;
	char hostname[64];
	char pve_version[48];
	int64_t last_boot;		/* target_last_boot: when the install last ran, 0 unknown */
	char last_boot_source[96];	/* the file that told, e.g. "/var/lib/systemd/random-seed" */
	bool zfs;			/* an rpool we cannot import */
	bool btrfs;			/* vg_uuid is the btrfs file system UUID, lv_path a member device */
};

/* Lists PVE installs on the block devices (LVM VGs with a root LV; rpool detection); as root. */
int targetdev_scan(struct pve_install **out, size_t *n, struct diag *d);
/* The LVM part of the scan: every VG (`lvm vgs`) that has an LV named root (`lvm lvs --select
 * vg_uuid=UUID && lv_name=root`), with UUID, name, size and root LV path; mounts nothing. */
int targetdev_list_vgs(struct pve_install **out, size_t *n, struct diag *d);
/* lvm lvchange -ay/-an on the root LV of VG vg_uuid only (selected by UUID, never by name). */
int targetdev_activate(const char *vg_uuid, bool on, struct diag *d);
/* Hostname, PVE version and last boot of the install mounted at mnt. */
void targetdev_probe_root(const char *mnt, struct pve_install *pi);
/* Activates VG vg_uuid (only it), mounts its root LV at mnt (read-only unless rw); a btrfs file
 * system UUID instead mounts that btrfs (every member device named). */
int targetdev_mount(const char *vg_uuid, const char *mnt, bool rw, struct diag *d);
int targetdev_remount(const char *mnt, bool rw, struct diag *d);
int targetdev_umount(const char *vg_uuid, const char *mnt, struct diag *d);
/* A btrfs file system (superblock at 64 KiB)? fsid receives its UUID ("8-4-4-4-12"), total its
 * size; works on files too (tests). --target takes this UUID for a btrfs install. */
bool targetdev_btrfs_fsid(const char *dev, char fsid[37], uint64_t *total);
/* A ZFS pool member (uberblock magic in label 0's ring)? Works on files too (tests). */
bool targetdev_is_zfs_member(const char *dev);

#endif
