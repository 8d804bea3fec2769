/* configdb.c - pmxcfs config.db through libsqlite3, by pmxcfs's own rules */
#include "pve/configdb.h"
#include "host/libload.h"
#include "lib/fault.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sqlite3.h>

/* SQLite calls the progress handler every PROGRESS_OPS virtual-machine steps. A real config.db
 * (<= 128 MiB, pmxcfs's limit) needs far less than BUDGET_BASE + size/BUDGET_BYTES calls for an
 * integrity check plus a full read; a hostile one runs out and gets SQLITE_INTERRUPT. */
#define PROGRESS_OPS 1000
#define BUDGET_BASE 100000u
#define BUDGET_BYTES 64u
/* Longest value SQLite may build: pmxcfs files are <= 1 MiB, so this is slack, not a limit on
 * real data; it stops CHECK expressions or stored values that would allocate gigabytes. */
#define VALUE_MAX (2 * 1024 * 1024)

#define DB(c) ((sqlite3 *)(c)->db)

/* libsqlite3 is loaded on first use (host/libload.c): only install and repair read config.db, and
 * the stick's boot need not unpack 1.4 MB for them. */
static struct sqlite_api {
	int (*open_v2)(const char *, sqlite3 **, int, const char *);
	int (*close)(sqlite3 *);
	const char *(*errmsg)(sqlite3 *);
	int (*busy_timeout)(sqlite3 *, int);
	int (*db_config)(sqlite3 *, int, ...);
	int (*limit)(sqlite3 *, int, int);
	void (*progress_handler)(sqlite3 *, int, int (*)(void *), void *);
	int (*exec)(sqlite3 *, const char *, int (*)(void *, int, char **, char **), void *, char **);
	void (*free)(void *);
	int (*prepare_v2)(sqlite3 *, const char *, int, sqlite3_stmt **, const char **);
	int (*step)(sqlite3_stmt *);
	int (*finalize)(sqlite3_stmt *);
	int (*changes)(sqlite3 *);
	int (*column_type)(sqlite3_stmt *, int);
	sqlite3_int64 (*column_int64)(sqlite3_stmt *, int);
	const unsigned char *(*column_text)(sqlite3_stmt *, int);
	const void *(*column_blob)(sqlite3_stmt *, int);
	int (*column_bytes)(sqlite3_stmt *, int);
	int (*bind_int64)(sqlite3_stmt *, int, sqlite3_int64);
	int (*bind_text)(sqlite3_stmt *, int, const char *, int, void (*)(void *));
	int (*bind_blob)(sqlite3_stmt *, int, const void *, int, void (*)(void *));
	int (*bind_null)(sqlite3_stmt *, int);
	int (*wal_checkpoint_v2)(sqlite3 *, const char *, int, int *, int *);
} sq;

#define SQ(member) LIBLOAD_SYM("sqlite3_", struct sqlite_api, member)
static const struct libload_sym sqlite_syms[] = {
	SQ(open_v2), SQ(close), SQ(errmsg), SQ(busy_timeout), SQ(db_config), SQ(limit), SQ(progress_handler),
	SQ(exec), SQ(free), SQ(prepare_v2), SQ(step), SQ(finalize), SQ(changes), SQ(column_type),
	SQ(column_int64), SQ(column_text), SQ(column_blob), SQ(column_bytes), SQ(bind_int64), SQ(bind_text),
	SQ(bind_blob), SQ(bind_null), SQ(wal_checkpoint_v2),
};
#undef SQ

static int sqlite_load(struct diag *d)
{
	static bool loaded;
	if (loaded)
		return 0;
	char why[400];
	void *h = libload_open("libsqlite3.so.0", why, sizeof(why));
	if (!h)
		return diag_err(d, DIAG_NO_OFFSET, "reading config.db needs %s", why);
	if (!libload_resolve(h, sqlite_syms, sizeof(sqlite_syms) / sizeof(sqlite_syms[0]), &sq, "libsqlite3", why,
			     sizeof(why)))
		return diag_err(d, DIAG_NO_OFFSET, "%s", why);
	loaded = true;	/* kept loaded: later databases use it too */
	return 0;
}

static void rows_free(struct configdb *c)
{
	for (size_t i = 0; i < c->nrows; i++) {
		free(c->rows[i].name);
		free(c->rows[i].data);
	}
	free(c->rows);
	c->rows = NULL;
	c->nrows = 0;
}

void configdb_close(struct configdb *c)
{
	rows_free(c);
	if (c->db)
		sq.close(DB(c));
	c->db = NULL;
}

static int sql_err(const struct configdb *c, struct diag *d, const char *what)
{
	if (c->db && c->budget && c->spent > c->budget)
		return diag_err(d, DIAG_NO_OFFSET, "%s: %s: stopped after %llu million SQLite steps: far more work than a pmxcfs "
				"database of this size needs (damaged or not made by pmxcfs)", c->path, what,
				(unsigned long long)(c->spent * PROGRESS_OPS / 1000000));
	return diag_err(d, DIAG_NO_OFFSET, "%s: %s: %s", c->path, what, c->db ? sq.errmsg(DB(c)) : "no database");
}

static int progress(void *arg)
{
	struct configdb *c = arg;
	return ++c->spent > c->budget;
}

/* pmxcfs's database.c creates one table, `tree`, and nothing else. Anything more (a view, a
 * trigger, an index on an expression, a virtual table) is not pmxcfs's and could make our
 * reads endless or our writes do something else. */
static int schema_check(struct configdb *c, struct diag *d)
{
	sqlite3_stmt *st;
	if (sq.prepare_v2(DB(c), "SELECT type, name, sql FROM sqlite_master", -1, &st, NULL) != SQLITE_OK)
		return sql_err(c, d, "reading the schema");
	int rc = 0, step, tree = 0;
	while ((step = sq.step(st)) == SQLITE_ROW) {
		const char *type = (const char *)sq.column_text(st, 0);
		const char *name = (const char *)sq.column_text(st, 1);
		const char *sql = (const char *)sq.column_text(st, 2);
		if (type && name && strcmp(type, "table") == 0 && strcmp(name, "tree") == 0 && sql &&
		    strncmp(sql, "CREATE TABLE ", 13) == 0) {
			tree = 1;
			continue;
		}
		if (type && name && strcmp(type, "table") == 0 && strncmp(name, "sqlite_", 7) == 0)
			continue;	/* SQLite's own (sqlite_sequence, sqlite_stat1) */
		rc = diag_err(d, DIAG_NO_OFFSET, "%s: schema has %s '%.64s', which pmxcfs never creates: not a pmxcfs database",
			      c->path, type ? type : "?", name ? name : "?");
		break;
	}
	if (!rc && step != SQLITE_ROW && step != SQLITE_DONE)
		rc = sql_err(c, d, "reading the schema");
	sq.finalize(st);
	if (!rc && !tree)
		rc = diag_err(d, DIAG_NO_OFFSET, "%s: no table 'tree': not a pmxcfs database", c->path);
	return rc;
}

static int exec_simple(struct configdb *c, const char *sql, struct diag *d)
{
	char *msg = NULL;
	if (sq.exec(DB(c), sql, NULL, NULL, &msg) != SQLITE_OK) {
		diag_err(d, DIAG_NO_OFFSET, "%s: %s: %s", c->path, sql, msg ? msg : "failed");
		sq.free(msg);
		return -1;
	}
	return 0;
}

static int integrity_check(struct configdb *c, struct diag *d)
{
	sqlite3_stmt *st;
	if (sq.prepare_v2(DB(c), "PRAGMA integrity_check", -1, &st, NULL) != SQLITE_OK)
		return sql_err(c, d, "integrity check");
	int rc = 0, step;
	while ((step = sq.step(st)) == SQLITE_ROW) {
		const char *r = (const char *)sq.column_text(st, 0);
		if (!r || strcmp(r, "ok") != 0) {
			rc = diag_err(d, DIAG_NO_OFFSET, "%s: SQLite integrity check: %s", c->path, r ? r : "?");
			break;
		}
	}
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		rc = sql_err(c, d, "integrity check");
	sq.finalize(st);
	return rc;
}

static int load_rows(struct configdb *c, struct diag *d)
{
	rows_free(c);
	sqlite3_stmt *st;
	if (sq.prepare_v2(DB(c), "SELECT inode, parent, version, writer, mtime, type, name, data FROM tree ORDER BY inode",
			       -1, &st, NULL) != SQLITE_OK)
		return sql_err(c, d, "not a pmxcfs database (table tree)");
	size_t cap = 0;
	int step, rc = 0;
	while ((step = sq.step(st)) == SQLITE_ROW) {
		if (c->nrows >= CDB_MAX_ROWS) {
			rc = diag_err(d, DIAG_NO_OFFSET, "%s: more than %d rows (pmxcfs's inode limit)", c->path, CDB_MAX_ROWS);
			break;
		}
		for (int k = 0; k < 6; k++)
			if (sq.column_type(st, k) != SQLITE_INTEGER) {
				rc = diag_err(d, DIAG_NO_OFFSET, "%s: row %zu: column %d is not an integer", c->path, c->nrows, k);
				goto done;
			}
		if (c->nrows == cap) {
			cap = cap ? cap * 2 : 64;
			struct cdb_row *nr = realloc(c->rows, cap * sizeof(*nr));
			if (!nr) {
				rc = diag_err(d, DIAG_NO_OFFSET, "out of memory");
				break;
			}
			c->rows = nr;
		}
		struct cdb_row *r = &c->rows[c->nrows];
		memset(r, 0, sizeof(*r));
		r->inode = sq.column_int64(st, 0);
		r->parent = sq.column_int64(st, 1);
		r->version = sq.column_int64(st, 2);
		r->writer = sq.column_int64(st, 3);
		r->mtime = sq.column_int64(st, 4);
		r->type = sq.column_int64(st, 5);
		const unsigned char *nm = sq.column_text(st, 6);
		r->name = strdup(nm ? (const char *)nm : "");
		if (sq.column_type(st, 7) != SQLITE_NULL) {
			const void *b = sq.column_blob(st, 7);
			int n = sq.column_bytes(st, 7);
			r->len = n > 0 ? (size_t)n : 0;
			r->data = malloc(r->len + 1);
			if (r->data) {
				if (r->len)
					memcpy(r->data, b, r->len);
				r->data[r->len] = 0;
			}
		}
		c->nrows++;
		if (!r->name || (sq.column_type(st, 7) != SQLITE_NULL && !r->data)) {
			rc = diag_err(d, DIAG_NO_OFFSET, "out of memory");
			break;
		}
	}
	if (!rc && step != SQLITE_DONE)
		rc = sql_err(c, d, "reading rows");
done:
	sq.finalize(st);
	return rc;
}

const struct cdb_row *configdb_row(const struct configdb *c, int64_t inode)
{
	size_t lo = 0, hi = c->nrows;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (c->rows[mid].inode < inode)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (lo < c->nrows && c->rows[lo].inode == inode) ? &c->rows[lo] : NULL;
}

const struct cdb_row *configdb_child(const struct configdb *c, int64_t parent, const char *name)
{
	for (size_t i = 0; i < c->nrows; i++)
		if (c->rows[i].inode != 0 && c->rows[i].parent == parent && strcmp(c->rows[i].name, name) == 0)
			return &c->rows[i];
	return NULL;
}

const struct cdb_row *configdb_lookup(const struct configdb *c, const char *rel)
{
	int64_t parent = 0;
	const struct cdb_row *r = NULL;
	char name[256];
	for (const char *p = rel; *p;) {
		size_t n = strcspn(p, "/");
		if (n == 0 || n >= sizeof(name))
			return NULL;
		memcpy(name, p, n);
		name[n] = 0;
		r = configdb_child(c, parent, name);
		if (!r)
			return NULL;
		parent = r->inode;
		p += n;
		if (*p == '/')
			p++;
	}
	return r;
}

bool configdb_clustered(const struct configdb *c)
{
	const struct cdb_row *r = configdb_child(c, 0, "corosync.conf");
	return r && r->type == CDB_DT_REG;
}

static int cmp_parent_name(const void *a, const void *b)
{
	const struct cdb_row *x = *(const struct cdb_row *const *)a, *y = *(const struct cdb_row *const *)b;
	if (x->parent != y->parent)
		return x->parent < y->parent ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* "[1-9][0-9]*.conf" -> vmid, else 0 (status.c only lists names of that shape). */
static unsigned vmid_of_name(const char *n)
{
	if (*n < '1' || *n > '9')
		return 0;
	unsigned long v = 0;
	const char *p = n;
	while (isdigit((unsigned char)*p)) {
		v = v * 10 + (unsigned long)(*p - '0');
		if (v > 999999999UL)
			return 0;
		p++;
	}
	return strcmp(p, ".conf") == 0 ? (unsigned)v : 0;
}

static int cmp_guest(const void *a, const void *b)
{
	const struct cdb_guest *x = a, *y = b;
	return x->vmid < y->vmid ? -1 : x->vmid > y->vmid;
}

int configdb_guests(const struct configdb *c, struct cdb_guest **out, struct diag *d)
{
	*out = NULL;
	size_t n = 0, cap = 0;
	struct cdb_guest *v = NULL;
	static const char *const kinds[] = { "qemu-server", "lxc", "openvz" };
	/* One pass over the files, walking up by inode (binary search): O(n log n) even for 256 Ki rows. */
	for (size_t j = 0; j < c->nrows; j++) {
		const struct cdb_row *f = &c->rows[j];
		unsigned id;
		if (f->inode == 0 || f->type != CDB_DT_REG || !(id = vmid_of_name(f->name)))
			continue;
		const struct cdb_row *dir = configdb_row(c, f->parent);
		const struct cdb_row *node = dir && dir->inode ? configdb_row(c, dir->parent) : NULL;
		const struct cdb_row *nodes = node && node->inode ? configdb_row(c, node->parent) : NULL;
		if (!nodes || nodes->inode == 0 || nodes->parent != 0 || strcmp(nodes->name, "nodes") != 0 ||
		    dir->type != CDB_DT_DIR || node->type != CDB_DT_DIR || nodes->type != CDB_DT_DIR)
			continue;
		const char *kind = NULL;
		for (size_t k = 0; k < 3; k++)
			if (strcmp(dir->name, kinds[k]) == 0)
				kind = kinds[k];
		if (!kind)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			struct cdb_guest *nv = realloc(v, cap * sizeof(*nv));
			if (!nv) {
				free(v);
				return diag_err(d, DIAG_NO_OFFSET, "out of memory");
			}
			v = nv;
		}
		v[n++] = (struct cdb_guest){ id, node->name, kind, f };
	}
	if (n)
		qsort(v, n, sizeof(*v), cmp_guest);
	*out = v;
	return (int)n;
}

int configdb_find_guest(const struct configdb *c, unsigned vmid, struct cdb_guest *g, struct diag *d)
{
	struct cdb_guest *v;
	int n = configdb_guests(c, &v, d);
	if (n < 0)
		return -1;
	int found = 0;
	for (int i = 0; i < n; i++)
		if (v[i].vmid == vmid) {
			*g = v[i];
			found = 1;
			break;
		}
	free(v);
	return found;
}

int configdb_validate(const struct configdb *c, struct diag *d)
{
	const char *p = c->path;
	const struct cdb_row *ver = configdb_row(c, 0);
	if (!ver)
		return diag_err(d, DIAG_NO_OFFSET, "%s: no __version__ row (inode 0): pmxcfs would reuse inodes and overwrite entries", p);
	if (strcmp(ver->name, "__version__") != 0)
		return diag_err(d, DIAG_NO_OFFSET, "%s: inode 0 is '%s', pmxcfs requires __version__", p, ver->name);
	int rc = 0;
	for (size_t i = 0; i < c->nrows; i++) {
		const struct cdb_row *r = &c->rows[i];
		if (!r->name[0])
			rc = diag_err(d, DIAG_NO_OFFSET, "%s: inode %" PRId64 " has an empty name", p, r->inode);
		if (i && c->rows[i - 1].inode == r->inode)	/* rows are sorted by inode */
			rc = diag_err(d, DIAG_NO_OFFSET, "%s: inode %" PRId64 " appears twice (%s, %s)", p, r->inode,
				      c->rows[i - 1].name, r->name);
		if (r->type != CDB_DT_DIR && r->type != CDB_DT_REG)
			rc = diag_err(d, DIAG_NO_OFFSET, "%s: inode %" PRId64 " (%s) has type %" PRId64 ", pmxcfs accepts only 4 and 8",
				      p, r->inode, r->name, r->type);
		if (r->type == CDB_DT_DIR && r->data && r->len)
			rc = diag_err(d, DIAG_NO_OFFSET, "%s: directory inode %" PRId64 " (%s) carries data", p, r->inode, r->name);
		if (r->inode > ver->version || r->version > ver->version)
			rc = diag_err(d, DIAG_NO_OFFSET,
				      "%s: inode %" PRId64 " (%s) has inode/version %" PRId64 "/%" PRId64 " above __version__ %" PRId64
				      ": pmxcfs would hand out that inode again and overwrite it", p, r->inode, r->name, r->inode,
				      r->version, ver->version);
		if (r->type == CDB_DT_REG && r->len > CDB_FILE_MAX)
			rc = diag_err(d, DIAG_NO_OFFSET, "%s: %s is %zu bytes, over pmxcfs's 1 MiB file limit", p, r->name, r->len);
		if (r->inode == 0 || r->parent == 0)
			continue;
		const struct cdb_row *par = configdb_row(c, r->parent);
		if (!par || par->inode == 0)
			rc = diag_err(d, DIAG_NO_OFFSET, "%s: inode %" PRId64 " (%s) has parent %" PRId64 " which does not exist",
				      p, r->inode, r->name, r->parent);
		else if (par->type != CDB_DT_DIR)
			rc = diag_err(d, DIAG_NO_OFFSET, "%s: inode %" PRId64 " (%s) has parent %" PRId64 " (%s) which is not a directory",
				      p, r->inode, r->name, r->parent, par->name);
	}
	if (rc)
		return rc;
	/* Every chain must reach the root; a loop would hide entries. Marks make it O(n log n). */
	unsigned char *mark = calloc(c->nrows ? c->nrows : 1, 1);	/* 0 new, 1 on current walk, 2 reaches root */
	if (!mark)
		return diag_err(d, DIAG_NO_OFFSET, "out of memory");
	for (size_t i = 0; i < c->nrows && !rc; i++) {
		size_t k = i;
		while (mark[k] == 0) {
			mark[k] = 1;
			const struct cdb_row *q = &c->rows[k];
			if (q->inode == 0 || q->parent == 0) {
				mark[k] = 2;
				break;
			}
			k = (size_t)(configdb_row(c, q->parent) - c->rows);
		}
		if (mark[k] == 1)
			rc = diag_err(d, DIAG_NO_OFFSET, "%s: inode %" PRId64 " (%s) is in a parent loop", p, c->rows[k].inode, c->rows[k].name);
		/* settle the walk: everything on it reaches the root (or we already failed) */
		k = i;
		while (mark[k] == 1) {
			mark[k] = 2;
			const struct cdb_row *q = &c->rows[k];
			if (q->inode == 0 || q->parent == 0)
				break;
			k = (size_t)(configdb_row(c, q->parent) - c->rows);
		}
	}
	free(mark);
	if (rc)
		return rc;
	/* Two rows with one name under one parent. */
	const struct cdb_row **s = malloc((c->nrows ? c->nrows : 1) * sizeof(*s));
	if (!s)
		return diag_err(d, DIAG_NO_OFFSET, "out of memory");
	size_t m = 0;
	for (size_t i = 0; i < c->nrows; i++)
		if (c->rows[i].inode != 0)
			s[m++] = &c->rows[i];
	qsort(s, m, sizeof(*s), cmp_parent_name);
	for (size_t i = 1; i < m; i++)
		if (cmp_parent_name(&s[i - 1], &s[i]) == 0)
			rc = diag_err(d, DIAG_NO_OFFSET, "%s: two entries named %s under inode %" PRId64, p, s[i]->name, s[i]->parent);
	free(s);
	if (rc)
		return rc;
	/* The same VMID twice anywhere makes memdb_open fail (status.c). */
	struct cdb_guest *g;
	int n = configdb_guests(c, &g, d);
	if (n < 0)
		return -1;
	for (int i = 1; i < n; i++)
		if (g[i].vmid == g[i - 1].vmid)
			rc = diag_err(d, DIAG_NO_OFFSET, "%s: VMID %u exists twice (%s/%s and %s/%s)", p, g[i].vmid,
				      g[i - 1].node, g[i - 1].kind, g[i].node, g[i].kind);
	free(g);
	return rc;
}

static void update_counter(struct configdb *c)
{
	int64_t v = 0;
	for (size_t i = 0; i < c->nrows; i++) {
		if (c->rows[i].inode > v)
			v = c->rows[i].inode;
		if (c->rows[i].version > v)
			v = c->rows[i].version;
	}
	c->counter = v;
}

static int open_db(struct configdb *c, const char *path, bool writable, bool validate, struct diag *d)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->path, sizeof(c->path), "%s", path);
	if (sqlite_load(d) < 0)
		return -1;
	sqlite3 *db = NULL;
	int flags = (writable ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY) | SQLITE_OPEN_NOMUTEX;
	if (sq.open_v2(path, &db, flags, NULL) != SQLITE_OK) {
		diag_err(d, DIAG_NO_OFFSET, "%s: cannot open: %s", path, db ? sq.errmsg(db) : "out of memory");
		sq.close(db);
		return -1;
	}
	c->db = db;
	sq.busy_timeout(db, 2000);
	/* Treat the file as untrusted: no code from its schema, bounded work and value sizes. */
	sq.db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	sq.db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
	sq.db_config(db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, NULL);
	sq.db_config(db, SQLITE_DBCONFIG_ENABLE_VIEW, 0, NULL);
	sq.limit(db, SQLITE_LIMIT_LENGTH, VALUE_MAX);
	struct stat fst;
	uint64_t size = stat(path, &fst) == 0 && fst.st_size > 0 ? (uint64_t)fst.st_size : 0;
	c->budget = BUDGET_BASE + size / BUDGET_BYTES;
	c->spent = 0;
	sq.progress_handler(db, PROGRESS_OPS, progress, c);
	if (schema_check(c, d) < 0 || integrity_check(c, d) < 0 || load_rows(c, d) < 0 ||
	    (validate && configdb_validate(c, d) < 0)) {
		configdb_close(c);
		return -1;
	}
	update_counter(c);
	return 0;
}

int configdb_open(struct configdb *c, const char *path, bool writable, struct diag *d)
{
	return open_db(c, path, writable, true, d);
}

int configdb_open_unchecked(struct configdb *c, const char *path, bool writable, struct diag *d)
{
	return open_db(c, path, writable, false, d);
}

static bool node_name_ok(const char *n)
{
	/* LDH, as pmxcfs requires of node directories. */
	if (!*n || strlen(n) > 63 || *n == '-')
		return false;
	for (; *n; n++)
		if (!isalnum((unsigned char)*n) && *n != '-')
			return false;
	return true;
}

static int insert_row(struct configdb *c, int64_t inode, int64_t parent, int64_t now, int64_t type, const char *name,
		      const void *data, size_t len, struct diag *d)
{
	sqlite3_stmt *st;
	if (sq.prepare_v2(DB(c), "INSERT INTO tree (inode, parent, version, writer, mtime, type, name, data) VALUES (?, ?, ?, 0, ?, ?, ?, ?)",
			       -1, &st, NULL) != SQLITE_OK)
		return sql_err(c, d, "insert");
	sq.bind_int64(st, 1, inode);
	sq.bind_int64(st, 2, parent);
	sq.bind_int64(st, 3, inode);
	sq.bind_int64(st, 4, now);
	sq.bind_int64(st, 5, type);
	sq.bind_text(st, 6, name, -1, SQLITE_TRANSIENT);
	if (data)
		sq.bind_blob(st, 7, data, (int)len, SQLITE_TRANSIENT);
	else
		sq.bind_null(st, 7);
	int rc = (FAULT("configdb.insert") || sq.step(st) != SQLITE_DONE) ? sql_err(c, d, "insert") : 0;
	sq.finalize(st);
	return rc;
}

static int update_row(struct configdb *c, int64_t inode, int64_t version, int64_t now, const void *data, size_t len,
		      bool set_data, struct diag *d)
{
	sqlite3_stmt *st;
	const char *sql = set_data ? "UPDATE tree SET version = ?, writer = 0, mtime = ?, data = ? WHERE inode = ?"
				   : "UPDATE tree SET version = ?, writer = 0, mtime = ? WHERE inode = ?";
	if (sq.prepare_v2(DB(c), sql, -1, &st, NULL) != SQLITE_OK)
		return sql_err(c, d, "update");
	int k = 1;
	sq.bind_int64(st, k++, version);
	sq.bind_int64(st, k++, now);
	if (set_data)
		sq.bind_blob(st, k++, data, (int)len, SQLITE_TRANSIENT);
	sq.bind_int64(st, k, inode);
	int rc = (sq.step(st) != SQLITE_DONE || sq.changes(DB(c)) != 1) ? sql_err(c, d, "update") : 0;
	sq.finalize(st);
	return rc;
}

/*
 * The end every write shares, inside its BEGIN IMMEDIATE: COMMIT (or roll back
 * on failure), fold the WAL into the main file so the disk holds one complete
 * DB as pmxcfs leaves it, then check the result by pmxcfs's rules again.
 */
static int commit_write(struct configdb *c, struct diag *d)
{
	if (FAULT("configdb.commit")) {
		diag_err(d, DIAG_NO_OFFSET, "%s: commit: injected fault", c->path);
		exec_simple(c, "ROLLBACK", NULL);
		return -1;
	}
	if (exec_simple(c, "COMMIT", d) < 0) {
		exec_simple(c, "ROLLBACK", NULL);
		return -1;
	}
	int logn = 0, ckpt = 0;
	if (sq.wal_checkpoint_v2(DB(c), NULL, SQLITE_CHECKPOINT_TRUNCATE, &logn, &ckpt) != SQLITE_OK)
		return sql_err(c, d, "WAL checkpoint");
	if (integrity_check(c, d) < 0 || load_rows(c, d) < 0 || configdb_validate(c, d) < 0)
		return diag_err(d, DIAG_NO_OFFSET, "%s: re-validation after the write failed", c->path);
	update_counter(c);
	return 0;
}

int configdb_put_vm(struct configdb *c, const char *node, unsigned vmid, const void *data, size_t len,
		    int64_t now, struct diag *d)
{
	if (!c->db)
		return diag_err(d, DIAG_NO_OFFSET, "config.db is not open");
	if (!node_name_ok(node))
		return diag_err(d, DIAG_NO_OFFSET, "node name '%s' is not a valid host name", node);
	if (vmid < 100 || vmid > 999999999)
		return diag_err(d, DIAG_NO_OFFSET, "VMID %u is outside 100..999999999", vmid);
	if (len > CDB_FILE_MAX)
		return diag_err(d, DIAG_NO_OFFSET, "VM config of %zu bytes is over pmxcfs's 1 MiB limit", len);
	struct cdb_guest g;
	int found = configdb_find_guest(c, vmid, &g, d);
	if (found < 0)
		return -1;
	if (found && (strcmp(g.node, node) != 0 || strcmp(g.kind, "qemu-server") != 0))
		return diag_err(d, DIAG_NO_OFFSET, "%s: VMID %u already belongs to nodes/%s/%s", c->path, vmid, g.node, g.kind);

	int64_t v = c->counter;
	c->spent = 0;
	if (exec_simple(c, "PRAGMA synchronous=FULL", d) < 0 || exec_simple(c, "BEGIN IMMEDIATE", d) < 0)
		return -1;
	/* nodes -> NODE -> qemu-server: each missing directory is one mkdir (one bump). */
	const char *chain[3] = { "nodes", node, "qemu-server" };
	int64_t parent = 0;
	for (int i = 0; i < 3; i++) {
		const struct cdb_row *r = configdb_child(c, parent, chain[i]);
		if (r && r->type != CDB_DT_DIR) {
			diag_err(d, DIAG_NO_OFFSET, "%s: %s (inode %" PRId64 ") is a file, expected a directory", c->path, chain[i], r->inode);
			goto rollback;
		}
		if (r) {
			parent = r->inode;
			continue;
		}
		v++;
		if (insert_row(c, v, parent, now, CDB_DT_DIR, chain[i], NULL, 0, d) < 0)
			goto rollback;
		parent = v;
	}
	char fname[32];
	snprintf(fname, sizeof(fname), "%u.conf", vmid);
	const struct cdb_row *f = found ? g.row : NULL;
	v++;
	if (f ? update_row(c, f->inode, v, now, data, len, true, d) < 0
	      : insert_row(c, v, parent, now, CDB_DT_REG, fname, data, len, d) < 0)
		goto rollback;
	if (update_row(c, 0, v, now, NULL, 0, false, d) < 0)
		goto rollback;
	return commit_write(c, d);
rollback:
	exec_simple(c, "ROLLBACK", NULL);
	return -1;
}

int configdb_delete_vm(struct configdb *c, unsigned vmid, int64_t now, struct diag *d)
{
	struct cdb_guest g;
	int found = configdb_find_guest(c, vmid, &g, d);
	if (found <= 0)
		return found;
	if (strcmp(g.kind, "qemu-server") != 0)
		return diag_err(d, DIAG_NO_OFFSET, "%u is not a VM", vmid);
	int64_t inode = g.row->inode, v = c->counter + 1;
	c->spent = 0;
	if (exec_simple(c, "PRAGMA synchronous=FULL", d) < 0 || exec_simple(c, "BEGIN IMMEDIATE", d) < 0)
		return -1;
	sqlite3_stmt *st;
	if (sq.prepare_v2(DB(c), "DELETE FROM tree WHERE inode = ?", -1, &st, NULL) != SQLITE_OK) {
		sql_err(c, d, "delete");
		goto rollback;
	}
	sq.bind_int64(st, 1, inode);
	int ok = sq.step(st) == SQLITE_DONE && sq.changes(DB(c)) == 1;
	sq.finalize(st);
	if (!ok) {
		sql_err(c, d, "delete");
		goto rollback;
	}
	if (update_row(c, 0, v, now, NULL, 0, false, d) < 0)
		goto rollback;
	return commit_write(c, d) < 0 ? -1 : 1;
rollback:
	exec_simple(c, "ROLLBACK", NULL);
	return -1;
}

static void hex_append(char **buf, size_t *len, size_t *cap, const char *s, size_t n)
{
	if (*len + n + 1 > *cap) {
		size_t nc = (*cap + n + 1) * 2;
		char *nb = realloc(*buf, nc);
		if (!nb)
			return;
		*buf = nb;
		*cap = nc;
	}
	memcpy(*buf + *len, s, n);
	*len += n;
	(*buf)[*len] = 0;
}

char *configdb_dump_rows(const struct configdb *c)
{
	char *buf = NULL;
	size_t len = 0, cap = 0;
	hex_append(&buf, &len, &cap, "", 0);
	for (size_t i = 0; i < c->nrows; i++) {
		const struct cdb_row *r = &c->rows[i];
		char line[512];
		int n = snprintf(line, sizeof(line), "%" PRId64 "|%" PRId64 "|%" PRId64 "|%" PRId64 "|%" PRId64 "|%" PRId64 "|%s|",
				 r->inode, r->parent, r->version, r->writer, r->mtime, r->type, r->name);
		hex_append(&buf, &len, &cap, line, n > 0 && (size_t)n < sizeof(line) ? (size_t)n : 0);
		if (!r->data)
			hex_append(&buf, &len, &cap, "NULL", 4);
		for (size_t k = 0; r->data && k < r->len; k++) {
			char h[3];
			snprintf(h, sizeof(h), "%02x", r->data[k]);
			hex_append(&buf, &len, &cap, h, 2);
		}
		hex_append(&buf, &len, &cap, "\n", 1);
	}
	return buf;
}

static int run_edit(struct configdb *c, const char *sql, int64_t a, int64_t b, int64_t e, int nbind, struct diag *d)
{
	sqlite3_stmt *st;
	if (sq.prepare_v2(DB(c), sql, -1, &st, NULL) != SQLITE_OK)
		return sql_err(c, d, "repair");
	int64_t v[3] = { a, b, e };
	for (int k = 0; k < nbind; k++)
		sq.bind_int64(st, k + 1, v[k]);
	int rc = FAULT("configdb.edit") ? diag_err(d, DIAG_NO_OFFSET, "%s: repair: injected fault", c->path)
		 : sq.step(st) != SQLITE_DONE ? sql_err(c, d, "repair") : 0;
	sq.finalize(st);
	return rc;
}

int configdb_edit_rows(struct configdb *c, const struct cdb_edit *e, size_t n, struct diag *d)
{
	if (!c->db)
		return diag_err(d, DIAG_NO_OFFSET, "config.db is not open");
	c->spent = 0;
	if (exec_simple(c, "PRAGMA synchronous=FULL", d) < 0 || exec_simple(c, "BEGIN IMMEDIATE", d) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		int rc;
		switch (e[i].op) {
		case CDB_EDIT_DELETE:
			rc = run_edit(c, "DELETE FROM tree WHERE inode = ?", e[i].inode, 0, 0, 1, d);
			break;
		case CDB_EDIT_NULL_DATA:
			rc = run_edit(c, "UPDATE tree SET data = NULL, version = ? WHERE inode = ?", e[i].version, e[i].inode, 0, 2, d);
			break;
		case CDB_EDIT_REPARENT:
			rc = run_edit(c, "UPDATE tree SET parent = ?, version = ? WHERE inode = ?", e[i].arg, e[i].version, e[i].inode, 3, d);
			break;
		case CDB_EDIT_VERSION:
			/* __version__ (inode 0) gets the counter; mtime e->arg is used only when the row is new */
			rc = run_edit(c, "INSERT INTO tree (inode, parent, version, writer, mtime, type, name, data) "
					 "VALUES (0, 0, ?, 0, ?, 8, '__version__', NULL) "
					 "ON CONFLICT(inode) DO UPDATE SET version = excluded.version",
				      e[i].version, e[i].arg, 0, 2, d);
			break;
		default:
			rc = diag_err(d, DIAG_NO_OFFSET, "internal: unknown config.db edit %d", (int)e[i].op);
		}
		if (rc < 0) {
			exec_simple(c, "ROLLBACK", NULL);
			return -1;
		}
	}
	return commit_write(c, d);
}
