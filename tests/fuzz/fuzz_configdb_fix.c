/* fuzz_configdb_fix.c - repair's config.db checks and fixes (pve/configdb_fix.c) on hostile bytes:
 * the bounded unchecked open, the plan, and, when every problem is fixable, the repair itself.
 * What must hold: a plan never names more problems than it holds; a DB pmxcfs's rules accept has
 * nothing to repair; a repair leaves a DB those rules accept, in which a second plan finds nothing
 * and every guest config is still there byte for byte; a refused repair changes no row.
 * The bytes go to a private scratch file (scratch_db.h). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pve/configdb.h"
#include "pve/configdb_fix.h"
#include "scratch_db.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The rows as text, read through a fresh unchecked open (NULL when it cannot be opened). */
static char *rows_of(const char *path)
{
	struct configdb c;
	if (configdb_open_unchecked(&c, path, false, NULL) < 0)
		return NULL;
	char *s = configdb_dump_rows(&c);
	configdb_close(&c);
	return s;
}

/* Every guest of a (VMID, node, kind, bytes) is in b. */
static int guests_in(const struct configdb *a, const struct configdb *b)
{
	struct cdb_guest *ga, *gb;
	int na = configdb_guests(a, &ga, NULL);
	if (na < 0)
		return -1;
	int nb = configdb_guests(b, &gb, NULL);
	if (nb < 0) {
		free(ga);
		return -1;
	}
	int missing = 0;
	for (int i = 0; i < na; i++) {
		bool found = false;
		for (int k = 0; k < nb && !found; k++)
			found = ga[i].vmid == gb[k].vmid && !strcmp(ga[i].node, gb[k].node) && !strcmp(ga[i].kind, gb[k].kind) &&
				ga[i].row->len == gb[k].row->len && (!ga[i].row->len || !memcmp(ga[i].row->data, gb[k].row->data, ga[i].row->len));
		missing += !found;
	}
	free(ga);
	free(gb);
	return missing;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[128];
	scratch_write("config.db", data, size, path);
	struct diag d;
	diag_init(&d);
	struct configdb c;
	/* writable, as repair opens it: a leftover journal is replayed before the rows are read */
	if (configdb_open_unchecked(&c, path, true, &d) < 0)
		goto out;
	struct cdb_fix fx;
	if (configdb_fix_plan(&c, &fx, &d) < 0) {
		configdb_close(&c);
		goto out;
	}
	if (fx.np > CDB_PROBLEMS_MAX || (fx.truncated && configdb_fix_all_fixable(&fx)))
		abort();
	bool accepted = configdb_validate(&c, NULL) == 0;
	if (accepted && (fx.np || fx.nedits))
		abort();	/* a DB pmxcfs loads has nothing to repair */
	if (!accepted && !fx.np)
		abort();	/* and one it refuses has a named problem */
	bool fixable = fx.np && configdb_fix_all_fixable(&fx);
	configdb_fix_free(&fx);
	char *before = configdb_dump_rows(&c);
	if (!before)
		abort();
	char *planned = NULL, *after = NULL;
	int rc = configdb_fix_file(path, before, &planned, &after, &d);
	if (rc == 0) {
		if (!fixable || !planned || !after || strcmp(planned, before) != 0)
			abort();
		struct configdb r;
		if (configdb_open(&r, path, false, &d) < 0)
			abort();	/* repaired: pmxcfs's rules accept it */
		struct cdb_fix again;
		if (configdb_fix_plan(&r, &again, &d) < 0 || again.np)
			abort();	/* a second run finds nothing */
		configdb_fix_free(&again);
		char *now = configdb_dump_rows(&r);
		if (!now || strcmp(now, after) != 0)
			abort();
		free(now);
		if (guests_in(&c, &r) != 0)
			abort();	/* no guest config lost or changed */
		configdb_close(&r);
	} else if (!fixable) {
		char *now = rows_of(path);
		if (!now || strcmp(now, before) != 0)
			abort();	/* refused: not a row changed */
		free(now);
	}
	free(planned);
	free(after);
	free(before);
	configdb_close(&c);
out:
	diag_free(&d);
	scratch_cleanup(path);
	return 0;
}
