/* decide.h - the one place that decides what igdkit writes for a machine and a Proxmox target
 *
 * check prints these decisions, install turns them into file contents and diffs
 * (tools/plan/changes.c). Every rule comes from reference/qemu-igd.md: the kernel
 * command-line words, the VFIO modules, vfio-pci ids and softdeps, the ROM name and the
 * VM lines (machine, bios, vga, hostpciN, args) per QEMU version and iGPU generation.
 */
#ifndef IGDKIT_PLAN_H
#define IGDKIT_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "host/facts.h"
#include "rom/fit.h"

#define PLAN_KERNELS_MAX 32

/* What is known about the target (all optional: zero means unknown). */
struct plan_opts {
	/* Installed pve-qemu-kvm version; 0.0 = unknown (then the main plan suits QEMU 10.0 and
	 * qemu_depends says what changes for the other versions). */
	int qemu_major, qemu_minor;
	/* Installed kernels (major, minor); nkernels 0 = unknown. */
	size_t nkernels;
	int kernel_major[PLAN_KERNELS_MAX], kernel_minor[PLAN_KERNELS_MAX];
	/* The kernel command line the target is configured with (GRUB files, /etc/kernel/cmdline);
	 * NULL: compare with the facts' running cmdline. */
	const char *target_cmdline;
	const char *target_cmdline_name;	/* where it comes from ("/etc/kernel/cmdline"), for the report */
	/* The option ROM that will be used; rom_known false: the one 'igdkit rom make' makes
	 * (a legacy VBIOS + GOP for Gen6-9 with a VBIOS, igdkit's OVMF chain otherwise). */
	bool rom_known, rom_legacy, rom_efi;
	bool rom_chain;			/* its EFI drivers are a complete OVMF chain (IGD assignment, GOP policy, GOP) */
	bool rom_legacy_other;		/* its x86 image names another device: SeaBIOS will not run it */
	/* What the VM's EFI disk is known to hold: Secure Boot keys enrolled (efidisk0 pre-enrolled-keys=1)
	 * make OVMF refuse the ROM's unsigned drivers. Unknown (a VM not looked at): the plan says so. */
	bool vm_efi_known, vm_efi_keys;
	/* The VM as it is now (NULL: a new VM or not known). */
	unsigned vmid;			/* 0: a new VM */
	const char *vm_bios, *vm_machine;
	int hostpci_slot;		/* the hostpciN that holds (or will hold) 00:02.0 */
	const char *rom_name;		/* keep this romfile= name (the VM already uses it) */
};

#define PLAN_WORDS_MAX 8
#define PLAN_WORD_LEN 96
#define PLAN_NOTES_MAX 6

enum plan_route {
	ROUTE_NONE,		/* no IGD, or nothing known works */
	ROUTE_LEGACY_SEABIOS,	/* gen 6-9: i440fx, legacy-igd=1, legacy VBIOS ROM, SeaBIOS */
	ROUTE_OVMF_EFIROM,	/* i440fx, legacy-igd=1, the OVMF chain (IGD assignment + GOP policy + GOP), OVMF */
	ROUTE_SEABIOS_EFIROM,	/* gen 6-9: i440fx, legacy-igd=1, a ROM without a VBIOS SeaBIOS runs: QEMU's legacy
				   mode and SeaBIOS set up OpRegion and stolen memory, so the OS driver works,
				   with no picture before it */
};

/* Does the route boot the VM with SeaBIOS? */
static inline bool plan_route_seabios(enum plan_route r)
{
	return r == ROUTE_LEGACY_SEABIOS || r == ROUTE_SEABIOS_EFIROM;
}

/* A kernel command-line word the host needs, and why (with its condition when the target is not known). */
struct plan_word {
	char word[PLAN_WORD_LEN];
	char why[200];
};

struct igd_plan {
	enum plan_route route;
	const char *route_name;		/* "legacy-igd + SeaBIOS", ... */
	char why[600];			/* one sentence: why this route, what is uncertain */
	char legacy_refused[200];	/* why not the legacy route ("" when it is the route or no VBIOS) */
	bool qemu_known;		/* false: computed for QEMU 10.0, see qemu_depends */
	char qemu_depends[800];		/* "depends on the target's QEMU version: ..." ("" when known) */

	/* Host kernel command line */
	struct plan_word need[PLAN_WORDS_MAX];	/* every word this host needs */
	size_t nneed;
	char compared_with[64];		/* the cmdline add/remove are relative to ("/proc/cmdline") */
	char cmdline_add[PLAN_WORDS_MAX][PLAN_WORD_LEN];	/* needed and not on the compared cmdline */
	size_t nadd;
	char cmdline_remove[PLAN_WORDS_MAX][PLAN_WORD_LEN];	/* words on the compared cmdline that must go */
	size_t nremove;

	/* Modules */
	char vfio_ids[16];		/* "8086:9bc8" */
	char modprobe_conf[200];	/* directives of /etc/modprobe.d/igdkit-vfio.conf */
	char modules_load[160];		/* lines of /etc/modules-load.d/igdkit-vfio.conf */
	bool vfio_virqfd;		/* modules_load lists vfio_virqfd (a target kernel < 6.2) */
	char modules_note[160];		/* the condition, when the target's kernels are not known */

	/* The ROM under /usr/share/kvm */
	char rom_name[96];
	char rom_note[200];		/* what the name assumes ("" when the ROM is known) */

	/* VM configuration lines (qemu-server syntax) */
	char vm_machine[64], vm_bios[16], vm_vga[16];
	unsigned vmid;			/* the existing VM planned for, 0 = a new one */
	bool machine_kept;		/* the VM's own i440fx pin stays */
	char hostpci_key[24];		/* "hostpci0" */
	char hostpci0[160];		/* its value */
	char args[256];			/* igdkit's own args: words; "" = none */

	/* Things the user must know (install shows them as warnings). */
	char notes[PLAN_NOTES_MAX][300];
	size_t nnotes;
};

/* What the plan needs to know of the ROM that will be used, for the iGPU 8086:device. */
void plan_opts_use_rom(struct plan_opts *o, const struct rom_summary *rs, uint16_t device);

/* Never fails: without an IGD (or without a usable ROM) the plan has route ROUTE_NONE and says why. */
void plan_compute(const struct machine_facts *f, const struct plan_opts *o, struct igd_plan *p);

/* Is word on cmdline as a whole word? Quotes around a GRUB value count as separators, so it also
 * answers for a line of /etc/default/grub. */
bool plan_has_word(const char *cmdline, const char *word);

/* Does word (one command-line word) have to leave the command line on this machine? */
bool plan_word_must_go(const struct machine_facts *f, const char *word);

/* Applies the plan's removals and additions to a command line (used by install for grub/systemd-boot). */
int plan_apply_cmdline(const struct igd_plan *p, const char *cmdline, char *out, size_t len);

#endif
