/* apply.h - writing a plan to a user's disk safely, and taking it back
 *
 * Backup first, manifest next, every file atomically, rollback on failure; undo restores a
 * run byte for byte. Shared by install and repair.
 */
#ifndef IGDKIT_CHANGE_APPLY_H
#define IGDKIT_CHANGE_APPLY_H

#include <stdbool.h>

#include "change/manifest.h"
#include "lib/diag.h"
#include "plan/changes.h"
#include "pve/target.h"

/* Checks that every write can happen (writable, enough space, VM not locked), then backs up,
 * writes the manifest and applies each change atomically. On failure restores what it wrote.
 * id receives the backup id. Fault points: "install.backup", "install.manifest", "install.write",
 * "install.configdb", "install.finish" plus the atomic.* and configdb.* ones. */
int install_apply(const struct pve_target *t, const struct install_plan *p, const struct install_opts *o,
		  char id[64], struct diag *d);
/* Free space / read-only checks only (also used by the dry run to warn early). */
int install_preflight(const struct pve_target *t, const struct install_plan *p, struct diag *d);

/* Puts every entry of m back to its "before" state (newest first); entries already there are
 * skipped, entries changed by someone else since are left alone with an error. Shared by
 * install_apply's rollback and install_undo. */
int undo_restore(const char *root, const struct manifest *m, struct diag *d);

/* Restores every entry of run id (NULL: the newest applied run) byte-identical.
 * A file changed since igdkit wrote it is left alone and reported. */
int install_undo(const char *root, const char *id, struct manifest *m, struct diag *d);

#endif
