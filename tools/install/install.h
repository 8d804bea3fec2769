/* install.h - igdkit install: find the PVE target, plan, show, write, undo
 *
 * One concern per file: target.c (what the installed system is), plan.c (what
 * to change), diff.c (show it), apply.c + manifest.c (write it, with backup),
 * undo.c (take it back), rebuild.c (initramfs/bootloader in a chroot),
 * target_dev.c (block devices: LVM, mount). Libraries record diags and return;
 * install.c is the only part that prints.
 */
#ifndef IGDKIT_INSTALL_H
#define IGDKIT_INSTALL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../check/facts.h"
#include "../lib/diag.h"

#define INST_PATH 4096
#define INST_MAX_KERNELS 32
#define INST_MAX_CHANGES 16
#define INST_BACKUP_DIR "/var/lib/igdkit/backup"
#define INST_CONFIGDB "/var/lib/pve-cluster/config.db"

/* ---- target.c ---------------------------------------------------------- */

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

/* ---- plan.c ------------------------------------------------------------ */

/* What a ROM file holds (PCI expansion ROM image chain). */
struct rom_summary {
	bool ok;
	bool has_legacy, has_efi;
	uint16_t vendor, device;
	size_t len;
	unsigned char *data;
};
int rom_summarize(const unsigned char *data, size_t len, struct rom_summary *s, struct diag *d);
/* Summarizes the ROM and checks it would run on 8086:device (PCIR device, PCI 3.0 device list or
 * the 0xFFFF wildcard); rom check's errors become warnings. -1 with the reason in d. */
int install_rom_fits(const unsigned char *rom, size_t romlen, uint16_t device, struct rom_summary *rs, struct diag *d);

enum change_kind {
	CH_FILE,		/* a file on the target root (incl. /etc/pve/... on a live host) */
	CH_SYMLINK,		/* new = link target text */
	CH_CONFIGDB,		/* VM config row in config.db; path = INST_CONFIGDB */
};

struct change {
	enum change_kind kind;
	char path[512];			/* absolute inside the target */
	char label[400];		/* shown in the diff header */
	bool existed;
	unsigned char *old, *new;	/* NUL-terminated copies */
	size_t oldlen, newlen;
	mode_t mode;			/* 0: keep what the file system gives (pmxcfs) */
	bool binary;			/* diff shows sizes and sha256, not lines */
	unsigned vmid;			/* CH_CONFIGDB */
	char node[64];
};

struct install_opts {
	const char *root;		/* target root, default "/" */
	const unsigned char *rom;	/* ROM bytes, or NULL */
	size_t romlen;
	unsigned vmid;			/* 0: host side only */
	bool create;			/* --create: make VM vmid when it does not exist */
	bool no_rebuild;
	int64_t now;			/* epoch seconds for mtimes/ids (0: time(NULL)) */
	const char *stick;		/* $IGDKIT_STICK: where a copy of the manifest goes */
};

struct install_plan {
	struct change ch[INST_MAX_CHANGES];
	size_t n;
	char route[400];		/* one line: how the VM will get the iGPU */
	char rom_name[96];
	bool rebuild_initramfs, rebuild_grub, rebuild_pbt;
	bool vm_staged;			/* cluster member: a one-shot unit applies the VM change */
	char *vm_before, *vm_after;	/* the whole VM config, for the dry run (NULL: no VM change) */
	char qm_set[1024];		/* the qm set command the unit runs */
};

/* Computes every change; unchanged files are left out (n == 0 means nothing to change).
 * Warnings/notes for the user go to d as DIAG_WARN/DIAG_NOTE. */
int install_plan_compute(const struct pve_target *t, const struct machine_facts *f, const struct install_opts *o,
		 struct install_plan *p, struct diag *d);
void install_plan_free(struct install_plan *p);
/* The kernel command-line words this machine needs, space-separated (check/plan.c decides them). */
void install_cmdline_words(const struct pve_target *t, const struct machine_facts *f, char *buf, size_t len);
/* What the plan engine (check/plan.h) needs to know about the target: QEMU and kernel versions. */
struct plan_opts;
void install_plan_opts(const struct pve_target *t, struct plan_opts *o);
/* The kernel command line the target is configured with, for comparing against: /etc/kernel/cmdline
 * on proxmox-boot-tool installs that have it, otherwise the GRUB files (allocated; NULL on error). */
char *install_target_cmdline(const struct pve_target *t, struct diag *d);
/* Which file(s) that is: "/etc/kernel/cmdline" or "/etc/default/grub(.d)". */
const char *install_target_cmdline_name(const struct pve_target *t);
/* What the plan reads from an existing VM: read the way install_plan_compute reads it, so that
 * `igdkit check --vmid N` shows the same plan. 1 found, 0 no such guest, -1 error (diag). */
struct install_vm_now {
	bool exists;
	char bios[16];			/* "" = not set (SeaBIOS) */
	char machine[64];		/* "" = not set */
	int slot;			/* hostpciN holding 00:02.0, else the first free one; -1 none free */
	char rom_name[96];		/* romfile= of that slot when the file is in /usr/share/kvm */
	bool rom_ok, rom_legacy, rom_efi;	/* that file is a PCI option ROM holding a VBIOS / EFI images */
};
int install_vm_now(const struct pve_target *t, unsigned vmid, struct install_vm_now *v, struct diag *d);

/* ---- diff.c ------------------------------------------------------------ */

/* Unified diff (3 lines of context) of old -> new, with --- a/PATH +++ b/PATH headers.
 * Allocated text; "" when equal. */
char *diff_unified(const char *label_a, const char *label_b, const char *old, size_t oldlen, const char *new,
		   size_t newlen);
/* The whole plan as text, one diff per change. */
char *diff_plan(const struct install_plan *p);

/* ---- manifest.c -------------------------------------------------------- */

enum manifest_state { MAN_PENDING, MAN_APPLIED, MAN_ROLLED_BACK, MAN_UNDONE };

struct manifest_entry {
	char kind[16];			/* file, symlink, configdb, sidecar, dir */
	char path[512];
	bool existed;
	mode_t mode;
	uid_t uid;
	gid_t gid;
	char sha_before[65], sha_after[65];	/* "-" none / unknown */
	char backup[64];		/* name inside the backup folder, or "-" */
};

struct manifest {
	char id[64];
	enum manifest_state state;
	int64_t created;
	char rebuild[64];		/* "initramfs grub pbt" words */
	char summary[400];
	unsigned vmid;			/* VM whose config.db row was written (0: none) */
	char node[64];
	struct manifest_entry e[INST_MAX_CHANGES * 4];
	size_t n;
};

const char *manifest_state_name(enum manifest_state s);
/* Writes ROOT/var/lib/igdkit/backup/ID/manifest atomically (and a copy to $stick/logs). */
int manifest_save(const char *root, const struct manifest *m, const char *stick, struct diag *d);
int manifest_load(const char *root, const char *id, struct manifest *m, struct diag *d);
/* IDs of every run, oldest first (allocated array of allocated strings). */
int manifest_list(const char *root, char ***ids, size_t *n, struct diag *d);
void manifest_list_free(char **ids, size_t n);
/* "-" for a missing file. */
int manifest_sha_of(const char *path, bool symlink, char out[65]);

/* ---- apply.c ----------------------------------------------------------- */

/* Checks that every write can happen (writable, enough space, VM not locked), then backs up,
 * writes the manifest and applies each change atomically. On failure restores what it wrote.
 * id receives the backup id. Fault points: "install.backup", "install.manifest", "install.write",
 * "install.configdb", "install.finish" plus the atomic.* and configdb.* ones. */
int install_apply(const struct pve_target *t, const struct install_plan *p, const struct install_opts *o,
		  char id[64], struct diag *d);
/* Free space / read-only checks only (also used by the dry run to warn early). */
int install_preflight(const struct pve_target *t, const struct install_plan *p, struct diag *d);

/* ---- undo.c ------------------------------------------------------------ */

/* Puts every entry of m back to its "before" state (newest first); entries already there are
 * skipped, entries changed by someone else since are left alone with an error. Shared by
 * install_apply's rollback and install_undo. */
int undo_restore(const char *root, const struct manifest *m, struct diag *d);

/* Restores every entry of run id (NULL: the newest applied run) byte-identical.
 * A file changed since igdkit wrote it is left alone and reported. */
int install_undo(const char *root, const char *id, struct manifest *m, struct diag *d);

/* ---- rebuild.c --------------------------------------------------------- */

struct rebuild_req {
	bool initramfs, grub, pbt;
};
/*
 * Runs the target's own update-initramfs -u -k all and update-grub /
 * proxmox-boot-tool refresh, chrooted into root with /dev, /dev/pts, /proc, /sys,
 * /run bind-mounted. When root is "/" the commands run directly.
 * Test-only: IGDKIT_REBUILD_NO_CHROOT=1 runs ROOT/usr/sbin/<cmd> without chroot
 * (tests are not root; their fixture commands are recording scripts).
 */
int rebuild_run(const char *root, const struct rebuild_req *r, struct diag *d);
/* The commands as text for --no-rebuild ("chroot /mnt update-initramfs -u -k all; ..."). */
void rebuild_describe(const char *root, const struct rebuild_req *r, char *buf, size_t len);
/* Firmware-mode trap: proxmox-boot-tool picks systemd-boot vs GRUB by the running
 * kernel's /sys/firmware/efi; a stick booted the other way skips every ESP. */
int rebuild_firmware_trap(const struct pve_target *t, const struct machine_facts *f, struct diag *d);

/* ---- target_dev.c ------------------------------------------------------ */

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
