/* diagnose.h - what is wrong with an installed Proxmox VE after a passthrough change, and the fix
 *
 * The findings engine behind `igdkit repair` (and the menu): each finding names what is wrong,
 * the evidence (file and line, or config.db row), the fix and whether igdkit makes it. The
 * automatic fixes are an install_plan (plan/changes.h), so change/ shows, applies, records and
 * undoes them exactly as it does install's changes. Facts: reference/failures.md,
 * proxmox-offline.md, qemu-igd.md. A file without a finding is never in the plan.
 */
#ifndef IGDKIT_DIAGNOSE_H
#define IGDKIT_DIAGNOSE_H

#include <stdbool.h>
#include <stddef.h>

#include "host/facts.h"
#include "lib/diag.h"
#include "plan/changes.h"
#include "pve/target.h"

#define DX_MAX_FINDINGS 64

struct finding {
	char id[32];		/* stable name: "vm-onboot", "cmdline-bad-word", "db-orphan", ... */
	char what[400];		/* what is wrong */
	char evidence[400];	/* where: "/etc/default/grub:6: GRUB_CMDLINE_LINUX_DEFAULT=..." */
	char fix[400];		/* what igdkit writes, or what the user has to do */
	bool automatic;		/* in the plan: --yes makes it */
	bool note;		/* information only (an earlier igdkit run): nothing is wrong */
};

struct diagnosis {
	struct finding f[DX_MAX_FINDINGS];
	size_t n;
	size_t nproblems;	/* findings that are not notes */
	bool truncated;		/* more than DX_MAX_FINDINGS */
	bool clustered;
	struct install_plan plan;	/* every automatic fix; plan.route holds the run's summary */
};

/*
 * Reads the target (files under t->root, config.db through a private copy) and the machine
 * facts, fills x. Nothing is written. -1 only when the target cannot be read at all.
 */
int diagnose_run(const struct pve_target *t, const struct machine_facts *f, struct diagnosis *x, struct diag *d);
void diagnosis_free(struct diagnosis *x);

#endif
