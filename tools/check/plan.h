/* plan.h - the exact settings igdkit would write for this machine (check shows them, install writes them) */
#ifndef IGDKIT_PLAN_H
#define IGDKIT_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "check/facts.h"

struct plan_opts {
	/* Installed pve-qemu-kvm version; 0.0 = unknown (then the plan suits QEMU >= 10.0). */
	int qemu_major, qemu_minor;
};

#define PLAN_WORDS_MAX 8
#define PLAN_WORD_LEN 96

enum plan_route {
	ROUTE_NONE,		/* no IGD, or nothing known works */
	ROUTE_LEGACY_SEABIOS,	/* gen 6-9: i440fx, legacy-igd=1, legacy VBIOS igd.rom, SeaBIOS */
	ROUTE_OVMF_EFIROM,	/* gen 11+: i440fx, legacy-igd=1, EFI ROM (IgdAssignmentDxe + GOP), OVMF */
};

struct igd_plan {
	enum plan_route route;
	const char *route_name;		/* "legacy-igd + SeaBIOS", ... */
	char why[400];			/* one sentence: why this route, what is uncertain */
	char cmdline_add[PLAN_WORDS_MAX][PLAN_WORD_LEN];
	size_t nadd;
	char cmdline_remove[PLAN_WORDS_MAX][PLAN_WORD_LEN];	/* words now on the cmdline that must go */
	size_t nremove;
	char vfio_ids[16];		/* "8086:9bc8" */
	char modprobe_conf[200];	/* contents of /etc/modprobe.d/igdkit-vfio.conf */
	char modules_load[64];		/* contents of /etc/modules-load.d/igdkit-vfio.conf */
	/* VM configuration lines (qemu-server syntax) */
	char vm_machine[16], vm_bios[16], vm_vga[16];
	char hostpci0[128];
	char args[128];			/* "" = no args: line */
};

/* Never fails: without an IGD the plan has route ROUTE_NONE and says why. */
void plan_compute(const struct machine_facts *f, const struct plan_opts *o, struct igd_plan *p);

/* Applies the plan's removals and additions to a command line (used by install for grub/systemd-boot). */
int plan_apply_cmdline(const struct igd_plan *p, const char *cmdline, char *out, size_t len);

#endif
