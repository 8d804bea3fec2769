/* changes.h - the file changes a plan implies for one Proxmox VE target
 *
 * plan/decide.c decides the settings; changes.c turns them into the exact new contents of each
 * file (GRUB drop-in or /etc/kernel/cmdline, modprobe/modules-load drop-ins, the ROM, the VM
 * config in config.db or /etc/pve) so that check, install, repair and the menu show and write
 * the same thing. Nothing here writes: change/ applies a plan.
 */
#ifndef IGDKIT_PLAN_CHANGES_H
#define IGDKIT_PLAN_CHANGES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "host/facts.h"
#include "lib/diag.h"
#include "pve/target.h"

#define INST_MAX_CHANGES 32

enum change_kind {
	CH_FILE,		/* a file on the target root (incl. /etc/pve/... on a live host) */
	CH_SYMLINK,		/* new = link target text */
	CH_CONFIGDB,		/* VM config row in config.db; path = INST_CONFIGDB */
	CH_CONFIGDB_FIX,	/* config.db rows pmxcfs refuses, repaired (pve/configdb_fix.h); old/new = row dumps */
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
/* Adds one text change to p unless new equals old (then 0); 1 added, -1 error. For engines that
 * compute their own file contents (repair's findings) and apply them through change/. */
int install_plan_add(struct install_plan *p, enum change_kind kind, const char *path, const char *label,
		     const unsigned char *old, size_t oldlen, bool existed, const char *new, size_t newlen, mode_t mode,
		     struct diag *d);
/* install_plan_add for VM vmid's row of node in config.db (its label names both); the change
 * carries vmid and node for apply. */
int install_plan_add_vm_row(struct install_plan *p, unsigned vmid, const char *node, const unsigned char *old,
			    size_t oldlen, bool existed, const char *new, size_t newlen, struct diag *d);
/* Cluster member: the VM change waits for the next boot, where a one-shot unit runs p->qm_set
 * (set by the caller) through the live /etc/pve; adds the unit and its multi-user.target.wants
 * link to p and sets p->vm_staged. Shared by install and repair. */
int install_stage_vm(const struct pve_target *t, struct install_plan *p, unsigned vmid, struct diag *d);
/* The kernel command-line words this machine needs, space-separated (plan/decide.c decides them). */
void install_cmdline_words(const struct pve_target *t, const struct machine_facts *f, char *buf, size_t len);
/* What the plan engine (plan/decide.h) needs to know about the target: QEMU and kernel versions. */
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
	bool rom_chain;			/* its EFI drivers are the whole OVMF chain */
	bool rom_legacy_other;		/* its VBIOS names another device than the facts' iGPU */
	bool efi_keys;			/* efidisk0 has pre-enrolled-keys=1 (Secure Boot keys in the VM's vars) */
};
/* device: the iGPU the VM's ROM is judged for (0: not judged). */
int install_vm_now(const struct pve_target *t, unsigned vmid, uint16_t device, struct install_vm_now *v, struct diag *d);

#endif
