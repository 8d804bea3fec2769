/* write.h - one write run, from a computed plan to rebuilt boot files: the sequence `igdkit
 * install --yes` and the menu's "Write these changes?" share
 */
#ifndef IGDKIT_CHANGE_WRITE_H
#define IGDKIT_CHANGE_WRITE_H

#include <stdbool.h>

#include "lib/diag.h"
#include "plan/changes.h"
#include "pve/target.h"

/* Told before each long step (percent of the whole run, what is happening); may be NULL. */
typedef void (*install_step_fn)(void *arg, int percent, const char *what);

/* The steps' percents: the write starts, the rebuild starts (what: its commands; told only when
 * the files are written and a rebuild runs), the run ends. */
enum { INSTALL_STEP_WRITE = 5, INSTALL_STEP_REBUILD = 30, INSTALL_STEP_END = 100 };

struct install_written {
	char id[64];		/* the backup/manifest id ("" when nothing was written) */
	bool rebuild_failed;	/* files written, but the rebuild failed: run rebuild_what by hand */
	char rebuild_what[600];	/* the rebuild commands ("" none needed) */
};

/*
 * Writes plan p onto target t: remounts mnt read-write when the target was mounted by igdkit
 * (NULL: t->root is used as it is), applies the changes with backup and manifest
 * (install_apply; a plan without changes writes no file, as repair's rebuild-only fix), runs the
 * rebuild unless o->no_rebuild, and remounts mnt read-only again.
 * SIGINT/SIGTERM/SIGHUP/SIGQUIT are held throughout so a run is never cut in half.
 * 0: written (w->rebuild_failed may still be set); -1: nothing is left written (d says why).
 */
int install_write(const struct pve_target *t, const struct install_plan *p, const struct install_opts *o,
		  const char *mnt, install_step_fn step, void *arg, struct install_written *w, struct diag *d);

#endif
