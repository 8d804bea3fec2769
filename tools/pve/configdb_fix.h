/* configdb_fix.h - a config.db pmxcfs refuses (or will damage), and the smallest repair that keeps
 * every guest config's bytes
 *
 * pmxcfs refuses to start on a DB with a directory row carrying data, a row whose parent is
 * missing or not a directory, two rows with one name under one parent, or one VMID twice; with `__version__`
 * missing or below the largest inode/version it starts and later hands an inode out again,
 * overwriting an entry (reference/proxmox-offline.md §3-4). Each problem is either fixable by
 * row edits that lose no guest config, or reported with the reason it is not.
 */
#ifndef IGDKIT_PVE_CONFIGDB_FIX_H
#define IGDKIT_PVE_CONFIGDB_FIX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/diag.h"
#include "pve/configdb.h"

#define CDB_PROBLEMS_MAX 32

struct cdb_problem {
	char id[32];		/* "db-version", "db-dir-data", "db-orphan", "db-duplicate", "db-duplicate-vmid", "db-unfixable" */
	char what[400];
	char fix[300];		/* the edit, or why igdkit leaves it */
	bool fixable;
	int64_t inode;
};

struct cdb_fix {
	struct cdb_problem p[CDB_PROBLEMS_MAX];
	size_t np;
	bool truncated;		/* more problems than CDB_PROBLEMS_MAX (then nothing is fixed) */
	struct cdb_edit *edits;
	size_t nedits;
};

/* Looks at the loaded rows (configdb_open_unchecked) and plans the edits. Never writes.
 * fx->np == 0: nothing wrong. Any unfixable problem makes the whole set not to be applied. */
int configdb_fix_plan(const struct configdb *c, struct cdb_fix *fx, struct diag *d);
void configdb_fix_free(struct cdb_fix *fx);
bool configdb_fix_all_fixable(const struct cdb_fix *fx);

/*
 * Repairs the DB file at path: opens it (unchecked), plans, refuses when something is not
 * fixable or when its rows (configdb_dump_rows) are not expect_before (if given), applies the
 * edits in one transaction, re-validates by pmxcfs's rules and checks that every guest config
 * (VMID, node, kind, bytes) is still there unchanged. before/after (each may be NULL) receive
 * the row dumps. Used on a private copy to show the plan and on the target to apply it.
 */
int configdb_fix_file(const char *path, const char *expect_before, char **before, char **after, struct diag *d);

#endif
