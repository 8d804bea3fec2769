/* target.h - a Proxmox VE install as data: versions, boot layout, kernels, guests, config.db
 *
 * target_probe reads everything from a root (the live "/" or a mounted disk); nothing here
 * writes. Libraries record diags and return; the commands print.
 */
#ifndef IGDKIT_PVE_TARGET_H
#define IGDKIT_PVE_TARGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "host/facts.h"
#include "lib/diag.h"

#define INST_PATH 4096
#define INST_MAX_KERNELS 32
#define INST_CONFIGDB "/var/lib/pve-cluster/config.db"

enum boot_layout {
	BOOT_UNKNOWN,
	BOOT_GRUB,			/* plain GRUB: cmdline from /etc/default/grub(.d) */
	BOOT_PROXMOX_BOOT_TOOL,		/* ESPs in /etc/kernel/proxmox-boot-uuids: systemd-boot and/or GRUB */
};

struct pve_kernel {
	char release[64];		/* "6.8.12-4-pve" */
	int major, minor;
};

struct pve_guest {
	unsigned vmid;
	char node[64];
	char kind[16];			/* qemu-server, lxc, openvz */
	char name[64];
	char machine[64];
	char bios[16];
	char hostpci0[160];
	bool locked;			/* a "lock:" line (backup, migrate, snapshot, ...) */
};

struct pve_target {
	char root[INST_PATH];		/* "/" or a mounted tree, no trailing slash (except "/") */
	char hostname[64];		/* short name: the pmxcfs node directory */
	char debian_version[32];
	int pve_major;			/* 7, 8, 9; 0 unknown */
	char pve_manager[48];		/* dpkg version of pve-manager (or pvecfg.pm) */
	char qemu_pkg[48];		/* dpkg version of pve-qemu-kvm, "9.2.0-5" */
	int qemu_major, qemu_minor;	/* -1 when pve-qemu-kvm is not installed */
	struct pve_kernel kernels[INST_MAX_KERNELS];
	size_t nkernels;
	enum boot_layout boot;
	bool kernel_cmdline_present;
	char kernel_cmdline[2048];	/* first line of /etc/kernel/cmdline */
	int nesps;			/* lines in /etc/kernel/proxmox-boot-uuids */
	char esp_uuids[8][40];		/* the first 8 of them (FS UUIDs of the ESPs) */
	bool root_on_zfs, root_on_btrfs;
	enum tristate host_uefi;	/* from the boot packages: grub-pc -> no; grub-efi-amd64/systemd-boot -> yes */
	bool systemd_boot;		/* systemd-boot package installed (p-b-t UEFI without Secure Boot) */
	bool corosync_file;		/* /etc/corosync/corosync.conf */
	bool corosync_row;		/* corosync.conf in config.db */
	bool etc_pve_mounted;		/* live host: /etc/pve is the pmxcfs FUSE mount */
	bool configdb_present;
	struct pve_guest *guests;
	size_t nguests;
};

/* Reads everything above from t->root; -1 (with a diag) when it is not a PVE root. */
int target_probe(const char *root, struct pve_target *t, struct diag *d);
void target_free(struct pve_target *t);
bool target_clustered(const struct pve_target *t);
/* root + abs ("/etc/x") -> buf. */
int target_path(const struct pve_target *t, const char *abs, char *buf, size_t len);
/* Reads abs under the root: 1 read, 0 missing, -1 error (diag). *data is NUL-terminated. */
int target_read(const struct pve_target *t, const char *abs, size_t max, unsigned char **data, size_t *len,
		struct diag *d);
/* Reads rel ("mapping/pci.cfg") of /etc/pve: the file on a live host, else its config.db row
 * (through a private snapshot): 1 read, 0 missing, -1 error. *data is NUL-terminated. */
int target_read_pve(const struct pve_target *t, const char *rel, size_t max, unsigned char **data, size_t *len,
		    struct diag *d);
/*
 * When the install at root last ran (epoch seconds, 0 unknown): the newest mtime of files a
 * running Debian/PVE system rewrites at every boot and shutdown: /var/lib/systemd/random-seed
 * (systemd-random-seed.service, on every systemd system), the persistent journal
 * /var/log/journal/ID/system.journal (Debian 12+ default), /var/log/wtmp (boot records up to
 * Debian 12), /var/lib/wtmpdb/wtmp.db (Debian 13's wtmp) and /var/lib/systemd/timesync/clock
 * (only with systemd-timesyncd; PVE uses chrony). Files dated in the future are ignored.
 * source (may be NULL) receives the path that gave the time.
 */
int64_t target_last_boot(const char *root, char *source, size_t srclen);
/* The guest with vmid or NULL. */
const struct pve_guest *target_guest(const struct pve_target *t, unsigned vmid);
/* Copies root's config.db (+ -wal) into a private temp dir and opens the copy read-only:
 * inspecting never creates -wal/-shm files on the target. tmpdir (INST_PATH) is removed by
 * target_snapshot_done. */
struct configdb;
int target_snapshot_configdb(const struct pve_target *t, struct configdb *c, char *tmpdir, struct diag *d);
void target_snapshot_done(struct configdb *c, const char *tmpdir);
/* The same without pmxcfs's load checks: a DB pmxcfs refuses, opened to say why and to repair
 * the private copy (the copy's path is tmpdir/config.db; c->path names the target's file). */
int target_snapshot_configdb_unchecked(const struct pve_target *t, struct configdb *c, char *tmpdir, struct diag *d);

#endif
