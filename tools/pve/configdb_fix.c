/* configdb_fix.c - plan and apply the minimal row edits that make config.db loadable by pmxcfs again */
#include "pve/configdb_fix.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Deeper than any real /etc/pve tree (nodes/N/priv/... is 4); a walk that goes on is a loop. */
#define MAX_DEPTH 64

static const struct cdb_row *row_of(const struct configdb *c, int64_t inode)
{
	size_t lo = 0, hi = c->nrows;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (c->rows[mid].inode < inode)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < c->nrows && c->rows[lo].inode == inode ? &c->rows[lo] : NULL;
}

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

/* Is row i (by index) at or below a row marked in root[]? Walks up at most MAX_DEPTH steps. */
static bool below_marked(const struct configdb *c, const unsigned char *root, size_t i)
{
	const struct cdb_row *r = &c->rows[i];
	for (int depth = 0; r && depth < MAX_DEPTH; depth++) {
		size_t k = (size_t)(r - c->rows);
		if (root[k])
			return true;
		if (r->inode == 0 || r->parent == 0)
			return false;
		r = row_of(c, r->parent);
	}
	return false;
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

int configdb_fix_plan(const struct configdb *c, struct cdb_fix *fx, struct diag *d)
{
	memset(fx, 0, sizeof(*fx));
	size_t cap = 0;
	int64_t v = c->counter, maxmtime = 0;
	const struct cdb_row *ver = row_of(c, 0);
	size_t n = c->nrows;
	unsigned char *gone = calloc(n ? n : 1, 1), *orphan = calloc(n ? n : 1, 1);
	const struct cdb_row **s = malloc((n ? n : 1) * sizeof(*s));
	int rc = 0;
	if (!gone || !orphan || !s) {
		rc = diag_err(d, DIAG_NO_OFFSET, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		if (c->rows[i].mtime > maxmtime)
			maxmtime = c->rows[i].mtime;

	/* What igdkit does not repair: the row's meaning is unclear, so any edit would be a guess. */
	if (ver && strcmp(ver->name, "__version__") != 0)
		problem(fx, "db-unfixable", 0, false, "left as it is: inode 0 is reserved for __version__, and which entry this was meant to be is unknown",
			"inode 0 is '%.64s', pmxcfs requires __version__", ver->name);
	for (size_t i = 0; i < n; i++) {
		const struct cdb_row *r = &c->rows[i];
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
		const struct cdb_row *q = r;
		int depth = 0;
		while (q && q->inode != 0 && q->parent != 0 && depth < MAX_DEPTH) {
			q = row_of(c, q->parent);
			depth++;
		}
		if (depth >= MAX_DEPTH)
			problem(fx, "db-unfixable", r->inode, false, "left as it is: where the loop should be cut is unknown",
				"inode %" PRId64 " (%.64s) is in a parent loop or a chain deeper than %d", r->inode, r->name, MAX_DEPTH);
	}

	/* A directory row with data: pmxcfs refuses to load; the data of a directory means nothing. */
	for (size_t i = 0; i < n && !rc; i++) {
		const struct cdb_row *r = &c->rows[i];
		if (r->inode == 0 || r->type != CDB_DT_DIR || !r->data || !r->len)
			continue;
		problem(fx, "db-dir-data", r->inode, true, "set the directory's data to NULL (pmxcfs never stores data for directories)",
			"directory %.64s (inode %" PRId64 ") carries %zu bytes of data: pmxcfs refuses to start", r->name, r->inode, r->len);
		rc = add_edit(fx, &cap, CDB_EDIT_NULL_DATA, r->inode, 0, ++v, d);
	}

	/* Rows whose parent is missing or a file: unreachable, and pmxcfs refuses the DB. Removed with
	 * everything below them, unless a guest config is among them: where it belonged is lost. */
	for (size_t i = 0; i < n; i++) {
		const struct cdb_row *r = &c->rows[i];
		if (r->inode == 0 || r->parent == 0)
			continue;
		const struct cdb_row *par = row_of(c, r->parent);
		if (!par || par->inode == 0 || par->type != CDB_DT_DIR)
			orphan[i] = 1;
	}
	for (size_t i = 0; i < n && !rc; i++) {
		if (!orphan[i])
			continue;
		const struct cdb_row *r = &c->rows[i];
		const struct cdb_row *par = row_of(c, r->parent);
		char why[160];
		if (!par || par->inode == 0)
			snprintf(why, sizeof(why), "its parent inode %" PRId64 " does not exist", r->parent);
		else
			snprintf(why, sizeof(why), "its parent %.64s (inode %" PRId64 ") is a file", par->name, par->inode);
		unsigned char *one = calloc(n, 1);
		if (!one) {
			rc = diag_err(d, DIAG_NO_OFFSET, "out of memory");
			break;
		}
		one[i] = 1;
		size_t count = 0;
		const struct cdb_row *guest = NULL;
		for (size_t k = 0; k < n; k++)
			if (below_marked(c, one, k)) {
				count++;
				if (c->rows[k].type == CDB_DT_REG && guest_name(c->rows[k].name))
					guest = &c->rows[k];
			}
		if (guest) {
			char fix[300];
			snprintf(fix, sizeof(fix), "left as it is: %.64s (inode %" PRId64 ") looks like a guest config and where it belonged "
				 "is lost; restore /var/lib/pve-cluster/config.db from a backup", guest->name, guest->inode);
			problem(fx, "db-orphan", r->inode, false, fix, "%.64s (inode %" PRId64 ") is unreachable: %s; pmxcfs refuses to start",
				r->name, r->inode, why);
		} else {
			char fix[300];
			snprintf(fix, sizeof(fix), "remove it%s (%zu row%s, no guest config among them; the backup keeps the bytes)",
				 count > 1 ? " and what is below it" : "", count, count == 1 ? "" : "s");
			problem(fx, "db-orphan", r->inode, true, fix, "%.64s (inode %" PRId64 ") is unreachable: %s; pmxcfs refuses to start",
				r->name, r->inode, why);
			for (size_t k = 0; k < n && !rc; k++)
				if (!gone[k] && below_marked(c, one, k)) {
					gone[k] = 1;
					rc = add_edit(fx, &cap, CDB_EDIT_DELETE, c->rows[k].inode, 0, ++v, d);
				}
		}
		free(one);
	}

	/* Two rows with one name under one parent. Identical files: keep the newest. Directories:
	 * keep the newest, move the others' entries into it (names must not collide), drop them. */
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		if (c->rows[i].inode != 0 && !gone[i] && !orphan[i])
			s[m++] = &c->rows[i];
	qsort(s, m, sizeof(*s), cmp_parent_name);
	for (size_t i = 0; i < m && !rc;) {
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
		snprintf(what + strlen(what), sizeof(what) - strlen(what), "): pmxcfs refuses to start");
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
			/* the entries of the other directories must not clash with each other or the kept one */
			bool clash = false;
			for (size_t a = 0; a < n && !clash; a++) {
				const struct cdb_row *x = &c->rows[a];
				if (gone[a] || x->inode == 0)
					continue;
				bool in_group = false;
				for (size_t k = i; k < j; k++)
					in_group |= x->parent == s[k]->inode;
				if (!in_group)
					continue;
				for (size_t b = a + 1; b < n && !clash; b++) {
					const struct cdb_row *y = &c->rows[b];
					if (gone[b] || y->inode == 0 || y->parent == x->parent || strcmp(x->name, y->name) != 0)
						continue;
					for (size_t k = i; k < j; k++)
						clash |= y->parent == s[k]->inode;
				}
			}
			if (clash) {
				problem(fx, "db-duplicate", keep->inode, false,
					"left as it is: the directories hold entries of the same name, and which one is right is unknown", "%s", what);
			} else {
				char fix[300];
				snprintf(fix, sizeof(fix), "keep directory inode %" PRId64 " (the newest), move the others' entries into it, remove the empty cop%s",
					 keep->inode, j - i > 2 ? "ies" : "y");
				problem(fx, "db-duplicate", keep->inode, true, fix, "%s", what);
				for (size_t k = i; k < j && !rc; k++) {
					if (s[k] == keep)
						continue;
					for (size_t a = 0; a < n && !rc; a++)
						if (!gone[a] && c->rows[a].inode != 0 && c->rows[a].parent == s[k]->inode)
							rc = add_edit(fx, &cap, CDB_EDIT_REPARENT, c->rows[a].inode, keep->inode, ++v, d);
					gone[s[k] - c->rows] = 1;
					if (!rc)
						rc = add_edit(fx, &cap, CDB_EDIT_DELETE, s[k]->inode, 0, ++v, d);
				}
			}
		} else {
			problem(fx, "db-duplicate", keep->inode, false,
				"left as it is: the entries differ (content or kind), and which one is right is unknown", "%s", what);
		}
		i = j;
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
	free(s);
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
