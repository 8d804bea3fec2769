/* configdb_fix.c - plan and apply the minimal row edits that make config.db loadable by pmxcfs again */
#include "pve/configdb_fix.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "none" in the index arrays of the walks below */
#define NO_ROW SIZE_MAX

/* "[1-9][0-9]*.conf": a name pmxcfs lists as a guest config when it sits in a guest directory. */
static bool guest_name(const char *n)
{
	if (*n < '1' || *n > '9')
		return false;
	while (isdigit((unsigned char)*n))
		n++;
	return strcmp(n, ".conf") == 0;
}

static struct cdb_problem *problem(struct cdb_fix *fx, const char *id, int64_t inode, bool fixable, const char *fix,
				   const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static struct cdb_problem *problem(struct cdb_fix *fx, const char *id, int64_t inode, bool fixable, const char *fix,
				   const char *fmt, ...)
{
	if (fx->np >= CDB_PROBLEMS_MAX) {
		fx->truncated = true;
		return NULL;
	}
	struct cdb_problem *p = &fx->p[fx->np++];
	memset(p, 0, sizeof(*p));
	snprintf(p->id, sizeof(p->id), "%s", id);
	p->inode = inode;
	p->fixable = fixable;
	snprintf(p->fix, sizeof(p->fix), "%s", fix);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(p->what, sizeof(p->what), fmt, ap);
	va_end(ap);
	return p;
}

static int add_edit(struct cdb_fix *fx, size_t *cap, enum cdb_edit_op op, int64_t inode, int64_t arg, int64_t version,
		    struct diag *d)
{
	if (fx->nedits == *cap) {
		size_t nc = *cap ? *cap * 2 : 16;
		struct cdb_edit *ne = realloc(fx->edits, nc * sizeof(*ne));
		if (!ne)
			return diag_err(d, DIAG_NO_OFFSET, "out of memory");
		fx->edits = ne;
		*cap = nc;
	}
	fx->edits[fx->nedits++] = (struct cdb_edit){ op, inode, arg, version };
	return 0;
}

void configdb_fix_free(struct cdb_fix *fx)
{
	free(fx->edits);
	fx->edits = NULL;
	fx->nedits = 0;
}

bool configdb_fix_all_fixable(const struct cdb_fix *fx)
{
	if (fx->truncated)
		return false;
	for (size_t i = 0; i < fx->np; i++)
		if (!fx->p[i].fixable)
			return false;
	return true;
}

/*
 * One walk up from every row, every row settled once (O(n log n) however deep or looped the
 * tree is): top[k] is the topmost unreachable row ("orphan": parent missing or a file) at or
 * above row k, NO_ROW when none; cycle[k] is set for the rows of a parent loop and looped[k]
 * for every row that never reaches the root because of one.
 */
static int walk_up(const struct configdb *c, const unsigned char *orphan, size_t *top, unsigned char *cycle,
		   unsigned char *looped, struct diag *d)
{
	size_t n = c->nrows;
	unsigned char *st = calloc(n ? n : 1, 1);	/* 0 new, 1 on this walk, 2 settled */
	size_t *path = malloc((n ? n : 1) * sizeof(*path));
	if (!st || !path) {
		free(st);
		free(path);
		return diag_err(d, DIAG_NO_OFFSET, "out of memory");
	}
	for (size_t i = 0; i < n; i++) {
		if (st[i])
			continue;
		size_t np = 0, k = i, t = NO_ROW;
		bool loop = false;
		for (;;) {
			if (st[k] == 2) {
				t = top[k];
				loop = looped[k];
				break;
			}
			if (st[k] == 1) {	/* back on this walk: path[pos..] is the loop */
				loop = true;
				for (size_t j = np; j-- > 0;) {
					cycle[path[j]] = 1;
					if (path[j] == k)
						break;
				}
				break;
			}
			st[k] = 1;
			path[np++] = k;
			const struct cdb_row *r = &c->rows[k];
			if (r->inode == 0 || r->parent == 0)
				break;
			const struct cdb_row *par = configdb_row(c, r->parent);
			if (!par)
				break;
			k = (size_t)(par - c->rows);
		}
		for (size_t j = np; j-- > 0;) {
			size_t x = path[j];
			if (!loop && t == NO_ROW && orphan[x])
				t = x;
			top[x] = loop ? NO_ROW : t;
			looped[x] = loop;
			st[x] = 2;
		}
	}
	free(st);
	free(path);
	return 0;
}

static int cmp_parent_name(const void *a, const void *b)
{
	const struct cdb_row *x = *(const struct cdb_row *const *)a, *y = *(const struct cdb_row *const *)b;
	if (x->parent != y->parent)
		return x->parent < y->parent ? -1 : 1;
	int s = strcmp(x->name, y->name);
	if (s)
		return s;
	return x->inode < y->inode ? -1 : x->inode > y->inode;
}

static bool same_data(const struct cdb_row *a, const struct cdb_row *b)
{
	if (!a->data || !b->data)
		return !a->data && !b->data;
	return a->len == b->len && memcmp(a->data, b->data, a->len) == 0;
}

static int cmp_name_parent(const void *a, const void *b)
{
	const struct cdb_row *x = *(const struct cdb_row *const *)a, *y = *(const struct cdb_row *const *)b;
	int k = strcmp(x->name, y->name);
	if (k)
		return k;
	return x->parent < y->parent ? -1 : x->parent > y->parent;
}

/* Children of a group of duplicate directories, in the order their edits are made: by the
 * directory's place in the group, then by row. */
struct kid {
	size_t gpos, row;
};

static int cmp_kid(const void *a, const void *b)
{
	const struct kid *x = a, *y = b;
	if (x->gpos != y->gpos)
		return x->gpos < y->gpos ? -1 : 1;
	return x->row < y->row ? -1 : x->row > y->row;
}

int configdb_fix_plan(const struct configdb *c, struct cdb_fix *fx, struct diag *d)
{
	memset(fx, 0, sizeof(*fx));
	size_t cap = 0;
	int64_t v = c->counter, maxmtime = 0;
	const struct cdb_row *ver = configdb_row(c, 0);
	size_t n = c->nrows, nn = n ? n : 1;
	unsigned char *gone = calloc(nn, 1), *orphan = calloc(nn, 1), *cycle = calloc(nn, 1), *looped = calloc(nn, 1);
	size_t *top = malloc(nn * sizeof(*top)), *count = calloc(nn, sizeof(*count)), *guest = malloc(nn * sizeof(*guest));
	size_t *gpos = malloc(nn * sizeof(*gpos));
	const struct cdb_row **s = malloc(nn * sizeof(*s)), **kn = malloc(nn * sizeof(*kn));
	struct kid *kids = malloc(nn * sizeof(*kids));
	int rc = 0;
	if (!gone || !orphan || !cycle || !looped || !top || !count || !guest || !gpos || !s || !kn || !kids) {
		rc = diag_err(d, DIAG_NO_OFFSET, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		guest[i] = NO_ROW;
		gpos[i] = NO_ROW;
		if (c->rows[i].mtime > maxmtime)
			maxmtime = c->rows[i].mtime;
	}

	/* Rows whose parent is missing or a file: unreachable, and pmxcfs refuses the DB. */
	for (size_t i = 0; i < n; i++) {
		const struct cdb_row *r = &c->rows[i];
		if (r->inode == 0 || r->parent == 0)
			continue;
		const struct cdb_row *par = configdb_row(c, r->parent);
		if (!par || par->inode == 0 || par->type != CDB_DT_DIR)
			orphan[i] = 1;
	}
	if ((rc = walk_up(c, orphan, top, cycle, looped, d)) < 0)
		goto out;

	/* What igdkit does not repair: the row's meaning is unclear, so any edit would be a guess.
	 * (Past CDB_PROBLEMS_MAX nothing is repaired, so the rest need not be looked at.) */
	if (ver && strcmp(ver->name, "__version__") != 0)
		problem(fx, "db-unfixable", 0, false, "left as it is: inode 0 is reserved for __version__, and which entry this was meant to be is unknown",
			"inode 0 is '%.64s', pmxcfs requires __version__", ver->name);
	else if (ver && (ver->type != CDB_DT_REG || (ver->data && ver->len)))
		problem(fx, "db-unfixable", 0, false, "left as it is: pmxcfs writes __version__ as a file without data; this one is something else",
			"__version__ has type %" PRId64 " and %zu bytes of data", ver->type, ver->data ? ver->len : 0);
	for (size_t i = 0; i < n && !fx->truncated; i++) {
		const struct cdb_row *r = &c->rows[i];
		if (i && c->rows[i - 1].inode == r->inode)	/* rows are sorted by inode; only a foreign schema allows this */
			problem(fx, "db-unfixable", r->inode, false, "left as it is: which of the two rows is the entry is unknown",
				"inode %" PRId64 " appears twice (%.64s, %.64s)", r->inode, c->rows[i - 1].name, r->name);
		if (r->inode == 0)
			continue;
		if (!r->name[0])
			problem(fx, "db-unfixable", r->inode, false, "left as it is: an entry without a name cannot be placed",
				"inode %" PRId64 " has an empty name", r->inode);
		if (r->type != CDB_DT_DIR && r->type != CDB_DT_REG)
			problem(fx, "db-unfixable", r->inode, false, "left as it is: whether it was a file or a directory is unknown",
				"inode %" PRId64 " (%.64s) has type %" PRId64 ", pmxcfs accepts only 4 and 8", r->inode, r->name, r->type);
		if (r->type == CDB_DT_REG && r->len > CDB_FILE_MAX)
			problem(fx, "db-unfixable", r->inode, false, "left as it is: cutting a file would lose its content",
				"%.64s (inode %" PRId64 ") is %zu bytes, over pmxcfs's 1 MiB limit", r->name, r->inode, r->len);
		if (cycle[i])
			problem(fx, "db-unfixable", r->inode, false, "left as it is: where the loop should be cut is unknown",
				"inode %" PRId64 " (%.64s) is in a parent loop: it and what is below it never reach the root", r->inode, r->name);
	}

	/* A directory row with data: pmxcfs refuses to load; the data of a directory means nothing. */
	for (size_t i = 0; i < n && !rc && !fx->truncated; i++) {
		const struct cdb_row *r = &c->rows[i];
		if (r->inode == 0 || r->type != CDB_DT_DIR || !r->data || !r->len)
			continue;
		problem(fx, "db-dir-data", r->inode, true, "set the directory's data to NULL (pmxcfs never stores data for directories)",
			"directory %.64s (inode %" PRId64 ") carries %zu bytes of data: pmxcfs refuses to start", r->name, r->inode, r->len);
		rc = add_edit(fx, &cap, CDB_EDIT_NULL_DATA, r->inode, 0, ++v, d);
	}

	/* Each topmost unreachable row goes with everything below it (unreachable rows below it
	 * included), unless a guest config is among them: where it belonged is lost. */
	for (size_t k = 0; k < n; k++)
		if (top[k] != NO_ROW) {
			count[top[k]]++;
			if (c->rows[k].type == CDB_DT_REG && guest_name(c->rows[k].name) && guest[top[k]] == NO_ROW)
				guest[top[k]] = k;
		}
	for (size_t i = 0; i < n && !rc && !fx->truncated; i++) {
		if (!orphan[i] || top[i] != i)
			continue;
		const struct cdb_row *r = &c->rows[i];
		const struct cdb_row *par = configdb_row(c, r->parent);
		char why[160];
		if (!par || par->inode == 0)
			snprintf(why, sizeof(why), "its parent inode %" PRId64 " does not exist", r->parent);
		else
			snprintf(why, sizeof(why), "its parent %.64s (inode %" PRId64 ") is a file", par->name, par->inode);
		char fix[300];
		if (guest[i] != NO_ROW) {
			const struct cdb_row *g = &c->rows[guest[i]];
			snprintf(fix, sizeof(fix), "left as it is: %.64s (inode %" PRId64 ") looks like a guest config and where it belonged "
				 "is lost; restore /var/lib/pve-cluster/config.db from a backup", g->name, g->inode);
			problem(fx, "db-orphan", r->inode, false, fix, "%.64s (inode %" PRId64 ") is unreachable: %s; pmxcfs refuses to start",
				r->name, r->inode, why);
			continue;
		}
		snprintf(fix, sizeof(fix), "remove it%s (%zu row%s, no guest config among them; the backup keeps the bytes)",
			 count[i] > 1 ? " and what is below it" : "", count[i], count[i] == 1 ? "" : "s");
		problem(fx, "db-orphan", r->inode, true, fix, "%.64s (inode %" PRId64 ") is unreachable: %s; pmxcfs refuses to start",
			r->name, r->inode, why);
		for (size_t k = 0; k < n && !rc; k++)
			if (top[k] == i) {
				gone[k] = 1;
				rc = add_edit(fx, &cap, CDB_EDIT_DELETE, c->rows[k].inode, 0, ++v, d);
			}
	}

	/* Two rows with one name under one parent. Identical files: keep the newest. Directories:
	 * keep the newest, move the others' entries into it (names must not collide), drop them. */
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		if (c->rows[i].inode != 0 && !gone[i] && !orphan[i] && !looped[i])
			s[m++] = &c->rows[i];
	qsort(s, m, sizeof(*s), cmp_parent_name);
	for (size_t i = 0; i < m && !rc && !fx->truncated;) {
		size_t j = i + 1;
		while (j < m && s[j]->parent == s[i]->parent && strcmp(s[j]->name, s[i]->name) == 0)
			j++;
		if (j - i < 2) {
			i = j;
			continue;
		}
		const struct cdb_row *keep = s[i];
		bool all_dir = true, all_same_file = true;
		for (size_t k = i; k < j; k++) {
			if (s[k]->version > keep->version)
				keep = s[k];
			if (s[k]->type != CDB_DT_DIR)
				all_dir = false;
			if (s[k]->type != CDB_DT_REG || !same_data(s[k], s[i]))
				all_same_file = false;
		}
		char what[400];
		snprintf(what, sizeof(what), "%zu entries named %.64s under inode %" PRId64 " (inodes", j - i, s[i]->name, s[i]->parent);
		for (size_t k = i; k < j && k < i + 6; k++)
			snprintf(what + strlen(what), sizeof(what) - strlen(what), " %" PRId64, s[k]->inode);
		snprintf(what + strlen(what), sizeof(what) - strlen(what), "%s): pmxcfs refuses to start", j - i > 6 ? " ..." : "");
		if (all_same_file) {
			char fix[300];
			snprintf(fix, sizeof(fix), "keep inode %" PRId64 " (the newest), remove the other identical cop%s",
				 keep->inode, j - i > 2 ? "ies" : "y");
			problem(fx, "db-duplicate", keep->inode, true, fix, "%s", what);
			for (size_t k = i; k < j && !rc; k++)
				if (s[k] != keep) {
					gone[s[k] - c->rows] = 1;
					rc = add_edit(fx, &cap, CDB_EDIT_DELETE, s[k]->inode, 0, ++v, d);
				}
		} else if (all_dir) {
			/* the entries of all these directories, found in one pass; two with one name in
			 * different directories of the group would collide in the kept one */
			for (size_t k = i; k < j; k++)
				gpos[s[k] - c->rows] = k - i;
			size_t nk = 0;
			for (size_t a = 0; a < n; a++) {
				const struct cdb_row *x = &c->rows[a];
				if (gone[a] || x->inode == 0 || x->parent == 0)
					continue;
				const struct cdb_row *par = configdb_row(c, x->parent);
				if (par && gpos[par - c->rows] != NO_ROW) {
					kids[nk] = (struct kid){ gpos[par - c->rows], a };
					kn[nk++] = x;
				}
			}
			qsort(kn, nk, sizeof(*kn), cmp_name_parent);
			bool clash = false;
			for (size_t a = 1; a < nk && !clash; a++)
				clash = strcmp(kn[a - 1]->name, kn[a]->name) == 0 && kn[a - 1]->parent != kn[a]->parent;
			if (clash) {
				problem(fx, "db-duplicate", keep->inode, false,
					"left as it is: the directories hold entries of the same name, and which one is right is unknown", "%s", what);
			} else {
				char fix[300];
				snprintf(fix, sizeof(fix), "keep directory inode %" PRId64 " (the newest), move the others' entries into it, remove the empty cop%s",
					 keep->inode, j - i > 2 ? "ies" : "y");
				problem(fx, "db-duplicate", keep->inode, true, fix, "%s", what);
				qsort(kids, nk, sizeof(*kids), cmp_kid);
				size_t a = 0;
				for (size_t k = i; k < j && !rc; k++) {
					for (; a < nk && kids[a].gpos == k - i && !rc; a++)
						if (s[k] != keep)
							rc = add_edit(fx, &cap, CDB_EDIT_REPARENT, c->rows[kids[a].row].inode, keep->inode, ++v, d);
					if (s[k] == keep)
						continue;
					gone[s[k] - c->rows] = 1;
					if (!rc)
						rc = add_edit(fx, &cap, CDB_EDIT_DELETE, s[k]->inode, 0, ++v, d);
				}
			}
			for (size_t k = i; k < j; k++)
				gpos[s[k] - c->rows] = NO_ROW;
		} else {
			problem(fx, "db-duplicate", keep->inode, false,
				"left as it is: the entries differ (content or kind), and which one is right is unknown", "%s", what);
		}
		i = j;
	}

	/* One VMID twice (in a node's qemu-server and lxc, or on two nodes): pmxcfs refuses to start,
	 * and which guest is meant only the user knows; igdkit deletes no guest config. */
	if (!rc && !fx->truncated) {
		struct cdb_guest *g;
		int ng = configdb_guests(c, &g, d);
		if (ng < 0)
			rc = -1;
		for (int a = 0, b; a < ng && !fx->truncated; a = b) {
			const struct cdb_guest *x = NULL, *y = NULL;
			int live = 0;
			for (b = a; b < ng && g[b].vmid == g[a].vmid; b++)
				if (!gone[g[b].row - c->rows]) {
					live++;
					if (!x)
						x = &g[b];
					else if (!y)
						y = &g[b];
				}
			if (live > 1)
				problem(fx, "db-duplicate-vmid", y->row->inode, false,
					"left as it is: igdkit deletes no guest config; remove or renumber one of them by hand",
					"VMID %u exists %d times (nodes/%.64s/%s/%u.conf, nodes/%.64s/%s/%u.conf): pmxcfs refuses to start",
					x->vmid, live, x->node, x->kind, x->vmid, y->node, y->kind, y->vmid);
		}
		free(g);	/* NULL on error */
	}

	/* __version__: missing, or below what the rows hold (pmxcfs would hand an inode out again). */
	if (!rc) {
		bool need = fx->nedits > 0;
		if (!ver) {
			problem(fx, "db-version", 0, true, "insert the __version__ row with the largest inode/version",
				"no __version__ row (inode 0): pmxcfs would start counting again and overwrite entries");
			need = true;
		} else if (strcmp(ver->name, "__version__") == 0 && ver->version < c->counter) {
			char fix[300];
			snprintf(fix, sizeof(fix), "set __version__ to %" PRId64, v);
			problem(fx, "db-version", 0, true, fix,
				"__version__ is %" PRId64 " but inodes/versions go up to %" PRId64
				": pmxcfs would hand those inodes out again and overwrite entries", ver->version, c->counter);
			need = true;
		}
		if (need)
			rc = add_edit(fx, &cap, CDB_EDIT_VERSION, 0, maxmtime, v, d);
	}
out:
	free(gone);
	free(orphan);
	free(cycle);
	free(looped);
	free(top);
	free(count);
	free(guest);
	free(gpos);
	free(s);
	free(kn);
	free(kids);
	if (rc)
		configdb_fix_free(fx);
	return rc;
}

/* Every guest row of before has a row in after with the same VMID, node, kind and bytes. */
static int guests_kept(const struct configdb *before, const struct configdb *after, struct diag *d)
{
	struct cdb_guest *a, *b;
	int na = configdb_guests(before, &a, d);
	if (na < 0)
		return -1;
	int nb = configdb_guests(after, &b, d);
	if (nb < 0) {
		free(a);
		return -1;
	}
	int rc = 0;
	for (int i = 0; i < na && !rc; i++) {
		bool found = false;
		for (int k = 0; k < nb && !found; k++)
			found = a[i].vmid == b[k].vmid && strcmp(a[i].node, b[k].node) == 0 && strcmp(a[i].kind, b[k].kind) == 0 &&
				same_data(a[i].row, b[k].row);
		if (!found)
			rc = diag_err(d, DIAG_NO_OFFSET, "%s: guest %u (%s/%s) would not be kept byte for byte; nothing was changed",
				      before->path, a[i].vmid, a[i].node, a[i].kind);
	}
	free(a);
	free(b);
	return rc;
}

int configdb_fix_file(const char *path, const char *expect_before, char **before, char **after, struct diag *d)
{
	if (before)
		*before = NULL;
	if (after)
		*after = NULL;
	struct configdb c, orig;
	/* Writable, so a leftover WAL is replayed as pmxcfs would; the rows are loaded once here and
	 * kept for the comparison after the edit (made through a second connection). */
	if (configdb_open_unchecked(&orig, path, true, d) < 0)
		return -1;
	struct cdb_fix fx;
	char *dump = NULL;
	int rc = configdb_fix_plan(&orig, &fx, d);
	if (rc < 0) {
		configdb_close(&orig);
		return -1;
	}
	dump = configdb_dump_rows(&orig);
	if (!dump)
		rc = diag_err(d, DIAG_NO_OFFSET, "out of memory");
	else if (expect_before && strcmp(dump, expect_before) != 0)
		rc = diag_err(d, DIAG_NO_OFFSET, "%s changed since the plan was made; run again", path);
	else if (!configdb_fix_all_fixable(&fx))
		rc = diag_err(d, DIAG_NO_OFFSET, "%s: not every problem can be repaired safely; nothing was changed", path);
	else if (!fx.nedits)
		rc = diag_err(d, DIAG_NO_OFFSET, "%s: nothing to repair", path);
	if (rc) {
		free(dump);
		configdb_fix_free(&fx);
		configdb_close(&orig);
		return -1;
	}
	if (configdb_open_unchecked(&c, path, true, d) < 0)
		rc = -1;
	else {
		rc = configdb_edit_rows(&c, fx.edits, fx.nedits, d);
		if (!rc)
			rc = guests_kept(&orig, &c, d);
		if (!rc && after && !(*after = configdb_dump_rows(&c)))
			rc = diag_err(d, DIAG_NO_OFFSET, "out of memory");
		configdb_close(&c);
	}
	if (!rc && before) {
		*before = dump;
		dump = NULL;
	}
	free(dump);
	configdb_fix_free(&fx);
	configdb_close(&orig);
	return rc;
}
