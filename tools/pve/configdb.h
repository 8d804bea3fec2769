/* configdb.h - pmxcfs's /var/lib/pve-cluster/config.db, read and edited offline
 *
 * Rules come from pve-cluster src/pmxcfs (database.c, memdb.c, status.c); see
 * shared/reference/proxmox-offline.md §2-4: one `tree` table, inode 0 is the
 * `__version__` row holding the global counter, every mutation bumps it, new
 * entries take inode = version = the new counter, the whole change and the
 * `__version__` row go in one transaction.
 */
#ifndef IGDKIT_INSTALL_CONFIGDB_H
#define IGDKIT_INSTALL_CONFIGDB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/diag.h"

#define CDB_DT_DIR 4
#define CDB_DT_REG 8
#define CDB_FILE_MAX (1024 * 1024)	/* memdb.h MEMDB_MAX_FILE_SIZE */
#define CDB_MAX_ROWS (256 * 1024)	/* memdb.h MEMDB_MAX_INODES */

struct cdb_row {
	int64_t inode, parent, version, writer, mtime, type;
	char *name;
	unsigned char *data;	/* NULL when the column is NULL */
	size_t len;
};

struct configdb {
	void *db;		/* sqlite3 * */
	char path[4096];
	struct cdb_row *rows;
	size_t nrows;
	int64_t counter;	/* max(__version__.version, every inode, every version) */
	uint64_t budget;	/* SQLite progress callbacks allowed per operation (set from the file size) */
	uint64_t spent;
};

/* A guest config found under nodes/NODE/{qemu-server,lxc,openvz}/VMID.conf. */
struct cdb_guest {
	unsigned vmid;
	const char *node;	/* points into the rows */
	const char *kind;	/* "qemu-server", "lxc", "openvz" */
	const struct cdb_row *row;
};

/*
 * Opens path (writable: read-write, so a leftover WAL is replayed), checks the schema
 * is pmxcfs's (one table `tree`: no views, triggers or indexes, which could run code or
 * never finish on our reads and writes), runs PRAGMA integrity_check, loads every row and
 * applies pmxcfs's load-time checks (configdb_validate). Any failure is an error: nothing
 * may be written to a DB pmxcfs itself would refuse. The work SQLite does for one call is
 * bounded (progress budget proportional to the file size; values over 2 MiB refused), so a
 * hostile file ends in an error, not a hang.
 */
int configdb_open(struct configdb *c, const char *path, bool writable, struct diag *d);
void configdb_close(struct configdb *c);
/* The same without pmxcfs's load checks (schema, integrity check and bounded reads stay): for
 * looking at a DB pmxcfs refuses, to say why and to repair it (pve/configdb_fix.h). */
int configdb_open_unchecked(struct configdb *c, const char *path, bool writable, struct diag *d);
/* pmxcfs's load checks plus the counter invariant (every inode/version <= __version__). */
int configdb_validate(const struct configdb *c, struct diag *d);

const struct cdb_row *configdb_child(const struct configdb *c, int64_t parent, const char *name);
/* The row of inode (the rows are sorted by inode), NULL if there is none. */
const struct cdb_row *configdb_row(const struct configdb *c, int64_t inode);
/* The row at rel below /etc/pve ("mapping/pci.cfg"), NULL when a component is missing. */
const struct cdb_row *configdb_lookup(const struct configdb *c, const char *rel);
/* corosync.conf at the top level means the node is (or was) a cluster member. */
bool configdb_clustered(const struct configdb *c);
/* Every guest config, sorted by VMID; *out is allocated. Returns the count or -1. */
int configdb_guests(const struct configdb *c, struct cdb_guest **out, struct diag *d);
/* The guest with vmid, or 0 when none (-1 on error). */
int configdb_find_guest(const struct configdb *c, unsigned vmid, struct cdb_guest *g, struct diag *d);

/*
 * Writes nodes/NODE/qemu-server/VMID.conf = data as one pmxcfs mutation:
 * creates missing directories (each a counter bump), inserts the file (new
 * inode = version = counter) or updates it in place (same inode, new version),
 * updates __version__ (version, mtime, writer 0), all in one transaction;
 * then wal_checkpoint(TRUNCATE) and a full reload + validate.
 * Refuses a VMID that exists elsewhere (another node, lxc, openvz).
 * Fault points: "configdb.insert", "configdb.commit".
 */
int configdb_put_vm(struct configdb *c, const char *node, unsigned vmid, const void *data, size_t len,
		    int64_t now, struct diag *d);

/* Removes nodes/NODE/qemu-server/VMID.conf as pmxcfs's unlink does (row gone, counter bumped,
 * one transaction, checkpoint, re-validation). 0 when there was no such VM. */
int configdb_delete_vm(struct configdb *c, unsigned vmid, int64_t now, struct diag *d);

/* One row edit of a repair (pve/configdb_fix.h plans them). Versions are given, not computed
 * here, so the plan shows exactly the rows that will be written. */
enum cdb_edit_op {
	CDB_EDIT_DELETE,	/* remove row inode */
	CDB_EDIT_NULL_DATA,	/* a directory's data -> NULL; version = version */
	CDB_EDIT_REPARENT,	/* parent = arg; version = version */
	CDB_EDIT_VERSION,	/* __version__ row -> version (inserted with mtime arg when missing) */
};
struct cdb_edit {
	enum cdb_edit_op op;
	int64_t inode, arg, version;
};
/* Applies the edits in one transaction, then checkpoints and re-validates by pmxcfs's rules
 * (an edit set that leaves a DB pmxcfs refuses fails and is rolled back only as far as SQLite's
 * transaction goes: callers keep a backup). Fault point: "configdb.edit", "configdb.commit". */
int configdb_edit_rows(struct configdb *c, const struct cdb_edit *e, size_t n, struct diag *d);

/* sqlite3 .dump-like canonical text of every row (tests compare DBs with it). */
char *configdb_dump_rows(const struct configdb *c);

#endif
