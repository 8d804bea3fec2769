/* apply.c - write a plan: preflight, backup + manifest first, then atomic writes; roll back on failure */
#include "change/apply.h"
#include "pve/configdb.h"
#include "pve/configdb_fix.h"
#include "lib/atomic.h"
#include "lib/fault.h"
#include "lib/file.h"
#include "lib/sha256.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

static int rpath(const struct pve_target *t, const char *abs, char *buf, size_t len, struct diag *d)
{
	if (target_path(t, abs, buf, len) < 0)
		return diag_err(d, DIAG_NO_OFFSET, "%s: path too long", abs);
	return 0;
}

/* The nearest existing directory at or above dirname(path). */
static void existing_parent(const char *path, char *out, size_t len)
{
	snprintf(out, len, "%s", path);
	struct stat st;
	for (;;) {
		char *sl = strrchr(out, '/');
		if (!sl || sl == out) {
			snprintf(out, len, "/");
			return;
		}
		*sl = 0;
		if (stat(out, &st) == 0 && S_ISDIR(st.st_mode))
			return;
	}
}

static int check_dir_writable(const char *dir, uint64_t need, struct diag *d)
{
	struct statvfs sv;
	if (statvfs(dir, &sv) < 0)
		return diag_err(d, DIAG_NO_OFFSET, "%s: %s", dir, strerror(errno));
	if ((sv.f_flag & ST_RDONLY) || FAULT("preflight.readonly"))
		return diag_err(d, DIAG_NO_OFFSET, "%s is on a read-only file system: nothing was written", dir);
	if (access(dir, W_OK) < 0)
		return diag_err(d, DIAG_NO_OFFSET, "%s is not writable (%s): nothing was written", dir, strerror(errno));
	uint64_t avail = (uint64_t)sv.f_bavail * sv.f_frsize;
	if (avail < need || FAULT("preflight.full"))
		return diag_err(d, DIAG_NO_OFFSET, "%s: only %llu bytes free, %llu needed for backup and new files: nothing was written",
				dir, (unsigned long long)avail, (unsigned long long)need);
	return 0;
}

int install_preflight(const struct pve_target *t, const struct install_plan *p, struct diag *d)
{
	/* Everything we write plus a backup of everything we replace, plus slack for temp files
	 * and the SQLite WAL; checked on each file system we touch. */
	uint64_t need = 1 << 20;
	for (size_t i = 0; i < p->n; i++) {
		need += p->ch[i].newlen + p->ch[i].oldlen;
		if (p->ch[i].kind == CH_CONFIGDB || p->ch[i].kind == CH_CONFIGDB_FIX) {
			char db[INST_PATH];
			struct stat st;
			if (target_path(t, INST_CONFIGDB, db, sizeof(db)) == 0 && stat(db, &st) == 0)
				need += 3 * (uint64_t)st.st_size;
		}
	}
	char dir[INST_PATH], full[INST_PATH];
	int rc = 0;
	if (rpath(t, INST_BACKUP_DIR "/x", full, sizeof(full), d) < 0)
		return -1;
	existing_parent(full, dir, sizeof(dir));
	if (check_dir_writable(dir, need, d) < 0)
		rc = -1;
	for (size_t i = 0; i < p->n && !rc; i++) {
		if (rpath(t, p->ch[i].path, full, sizeof(full), d) < 0)
			return -1;
		existing_parent(full, dir, sizeof(dir));
		if (check_dir_writable(dir, need, d) < 0)
			rc = -1;
	}
	return rc;
}

static int mkdir_p(const struct pve_target *t, const char *absdir, struct manifest *m, bool record_only, struct diag *d)
{
	/* Record (record_only) or create the missing components of absdir, outermost first. */
	char cur[512] = "";
	const char *p = absdir;
	while (*p) {
		const char *sl = strchr(p + 1, '/');
		size_t n = sl ? (size_t)(sl - absdir) : strlen(absdir);
		if (n >= sizeof(cur))
			return diag_err(d, DIAG_NO_OFFSET, "%s: path too long", absdir);
		memcpy(cur, absdir, n);
		cur[n] = 0;
		p = absdir + n;
		char full[INST_PATH];
		struct stat st;
		if (rpath(t, cur, full, sizeof(full), d) < 0)
			return -1;
		if (record_only) {
			if (stat(full, &st) == 0)
				continue;
			bool listed = false;
			for (size_t i = 0; i < m->n; i++)
				if (strcmp(m->e[i].kind, "dir") == 0 && strcmp(m->e[i].path, cur) == 0)
					listed = true;
			if (listed)
				continue;
			if (m->n >= sizeof(m->e) / sizeof(m->e[0]))
				return diag_err(d, DIAG_NO_OFFSET, "internal: manifest full");
			struct manifest_entry *e = &m->e[m->n++];
			memset(e, 0, sizeof(*e));
			strcpy(e->kind, "dir");
			snprintf(e->path, sizeof(e->path), "%s", cur);
			e->mode = 0755;
			strcpy(e->sha_before, "-");
			strcpy(e->sha_after, "-");
			strcpy(e->backup, "-");
		} else if (mkdir(full, 0755) < 0 && errno != EEXIST)
			return diag_err(d, DIAG_NO_OFFSET, "%s: mkdir failed: %s", full, strerror(errno));
	}
	return 0;
}

/* mkdir_p for the folder that holds path. */
static int mkdir_parent(const struct pve_target *t, const char *path, struct manifest *m, bool record_only,
			struct diag *d)
{
	char dir[512];
	snprintf(dir, sizeof(dir), "%s", path);
	char *sl = strrchr(dir, '/');
	if (sl && sl != dir)
		*sl = 0;
	return mkdir_p(t, dir, m, record_only, d);
}

static int backup_copy(const char *from, const char *to, struct diag *d)
{
	struct file_buf fb;
	char err[512];
	if (file_read(from, (size_t)256 << 20, &fb, err, sizeof(err)) < 0)
		return diag_err(d, DIAG_NO_OFFSET, "backup: %s", err);
	int rc = atomic_write(to, fb.data ? (void *)fb.data : (void *)"", fb.len, 0600, (uid_t)-1, (gid_t)-1, d);
	file_buf_free(&fb);
	return rc;
}

static struct manifest_entry *add_entry(struct manifest *m, const char *kind, const char *path, struct diag *d)
{
	if (m->n >= sizeof(m->e) / sizeof(m->e[0])) {
		diag_err(d, DIAG_NO_OFFSET, "internal: manifest full");
		return NULL;
	}
	struct manifest_entry *e = &m->e[m->n++];
	memset(e, 0, sizeof(*e));
	snprintf(e->kind, sizeof(e->kind), "%s", kind);
	snprintf(e->path, sizeof(e->path), "%s", path);
	strcpy(e->sha_before, "-");
	strcpy(e->sha_after, "-");
	strcpy(e->backup, "-");
	return e;
}

/* Fill the entry from the file as it is now and copy it into the backup folder. */
static int snapshot_entry(const struct pve_target *t, struct manifest_entry *e, const char *bdir, size_t idx, bool symlink,
			  struct diag *d)
{
	char full[INST_PATH];
	if (rpath(t, e->path, full, sizeof(full), d) < 0)
		return -1;
	struct stat st;
	if (lstat(full, &st) < 0) {
		if (errno != ENOENT)
			return diag_err(d, DIAG_NO_OFFSET, "%s: %s", full, strerror(errno));
		e->existed = false;
		return 0;
	}
	e->existed = true;
	e->mode = st.st_mode & 07777;
	e->uid = st.st_uid;
	e->gid = st.st_gid;
	if (manifest_sha_of(full, symlink, e->sha_before) < 0)
		return diag_err(d, DIAG_NO_OFFSET, "%s: cannot read: %s", full, strerror(errno));
	const char *base = strrchr(e->path, '/');
	snprintf(e->backup, sizeof(e->backup), "%02zu-%.48s", idx, base ? base + 1 : e->path);
	char to[INST_PATH];
	snprintf(to, sizeof(to), "%s/%s", bdir, e->backup);
	if (symlink && S_ISLNK(st.st_mode)) {
		char lt[4096];
		ssize_t n = readlink(full, lt, sizeof(lt));
		if (n < 0)
			return diag_err(d, DIAG_NO_OFFSET, "%s: readlink: %s", full, strerror(errno));
		return atomic_write(to, lt, (size_t)n, 0600, (uid_t)-1, (gid_t)-1, d);
	}
	return backup_copy(full, to, d);
}

static int write_change(const struct pve_target *t, const struct change *c, const struct manifest_entry *e, int64_t now,
			struct diag *d)
{
	char full[INST_PATH];
	if (rpath(t, c->path, full, sizeof(full), d) < 0)
		return -1;
	if (c->kind == CH_SYMLINK)
		return atomic_symlink((const char *)c->new, full, d);
	if (c->kind == CH_FILE) {
		mode_t mode = e->existed ? e->mode : c->mode;
		bool pmxcfs = strncmp(c->path, "/etc/pve/", 9) == 0;
		uid_t uid = e->existed ? e->uid : 0;
		gid_t gid = e->existed ? e->gid : 0;
		/* /etc/pve on a live host is pmxcfs: written the way PVE's own tools write it
		 * (PVE::Tools::file_set_contents: a temp file in the same directory, renamed over
		 * the target; pmxcfs's memdb_rename replaces the target in one mutation). pmxcfs
		 * refuses chmod/chown to anything but its own 0640/0600 root:www-data, so the temp
		 * file is not chmod'ed; afterwards the recorded mode is set best-effort, which is a
		 * no-op (or EPERM) on pmxcfs and keeps the mode on any other file system. */
		if (atomic_write(full, c->new, c->newlen, pmxcfs ? 0 : mode, uid, gid, d) < 0)
			return -1;
		if (pmxcfs && e->existed)
			(void)!chmod(full, e->mode);
		char got[65], want[65];
		sha256_buf_hex(c->new, c->newlen, want);
		if (manifest_sha_of(full, false, got) < 0 || strcmp(got, want) != 0)
			return diag_err(d, DIAG_NO_OFFSET, "%s: read back differs from what was written", full);
		return 0;
	}
	if (c->kind == CH_CONFIGDB_FIX) {
		/* The same fix the plan showed, on the rows the plan saw: anything else is refused. */
		char *after = NULL;
		int rc = configdb_fix_file(full, (const char *)c->old, NULL, &after, d);
		if (!rc && (!after || strcmp(after, (const char *)c->new) != 0))
			rc = diag_err(d, DIAG_NO_OFFSET, "%s: the repaired rows differ from the plan", full);
		free(after);
		return rc;
	}
	/* CH_CONFIGDB */
	struct configdb db;
	if (configdb_open(&db, full, true, d) < 0)
		return diag_err(d, DIAG_NO_OFFSET, "%s: refused before writing (see above)", full);
	int rc = configdb_put_vm(&db, c->node, c->vmid, c->new, c->newlen, now, d);
	if (!rc) {
		struct cdb_guest g;
		if (configdb_find_guest(&db, c->vmid, &g, d) != 1 || g.row->len != c->newlen ||
		    memcmp(g.row->data, c->new, c->newlen) != 0)
			rc = diag_err(d, DIAG_NO_OFFSET, "%s: VM %u reads back different from what was written", full, c->vmid);
	}
	configdb_close(&db);
	return rc;
}

int install_apply(const struct pve_target *t, const struct install_plan *p, const struct install_opts *o, char id[64],
		  struct diag *d)
{
	if (!p->n)
		return 0;
	if (install_preflight(t, p, d) < 0)
		return -1;
	int64_t now = o->now ? o->now : (int64_t)time(NULL);

	/* Before anything: the files on disk must still be what the plan was made from. */
	for (size_t i = 0; i < p->n; i++) {
		const struct change *c = &p->ch[i];
		if (c->kind != CH_FILE)
			continue;
		unsigned char *cur;
		size_t curlen;
		int ex = target_read(t, c->path, (size_t)64 << 20, &cur, &curlen, d);
		if (ex < 0)
			return -1;
		bool same = (ex == 1) == c->existed && (!c->existed || (curlen == c->oldlen && memcmp(cur, c->old, curlen) == 0));
		free(cur);
		if (!same)
			return diag_err(d, DIAG_NO_OFFSET, "%s changed since the plan was made; run again", c->path);
	}

	struct manifest *m = calloc(1, sizeof(*m));
	if (!m)
		return diag_err(d, DIAG_NO_OFFSET, "out of memory");
	time_t tt = (time_t)now;
	struct tm tm;
	gmtime_r(&tt, &tm);
	char base[32], bdir[INST_PATH] = "", rel[256];
	strftime(base, sizeof(base), "%Y%m%d-%H%M%S", &tm);
	for (int k = 1;; k++) {
		if (k == 1)
			snprintf(m->id, sizeof(m->id), "%s", base);
		else
			snprintf(m->id, sizeof(m->id), "%s-%d", base, k);
		snprintf(rel, sizeof(rel), "%s/%s", INST_BACKUP_DIR, m->id);
		struct stat st;
		if (rpath(t, rel, bdir, sizeof(bdir), d) < 0)
			goto fail_early;
		if (stat(bdir, &st) < 0)
			break;
		if (k > 1000) {
			diag_err(d, DIAG_NO_OFFSET, "too many backups named %s", base);
			goto fail_early;
		}
	}
	snprintf(id, 64, "%s", m->id);
	m->state = MAN_PENDING;
	m->created = now;
	snprintf(m->rebuild, sizeof(m->rebuild), "%s%s%s", p->rebuild_initramfs ? "initramfs " : "",
		 p->rebuild_grub ? "grub " : "", p->rebuild_pbt ? "pbt" : "");
	snprintf(m->summary, sizeof(m->summary), "%s", p->route[0] ? p->route : "host side only");
	{
		/* The backup folder: /var/lib/igdkit/backup/ID (0700, holds copies of root-only files). */
		char vl[INST_PATH];
		static const char *const parts[] = { "/var", "/var/lib", "/var/lib/igdkit", INST_BACKUP_DIR };
		for (int k = 0; k < 4; k++) {
			if (rpath(t, parts[k], vl, sizeof(vl), d) < 0)
				goto fail_early;
			if (mkdir(vl, k >= 2 ? 0700 : 0755) < 0 && errno != EEXIST) {
				diag_err(d, DIAG_NO_OFFSET, "%s: mkdir failed: %s", vl, strerror(errno));
				goto fail_early;
			}
		}
		if (mkdir(bdir, 0700) < 0) {
			diag_err(d, DIAG_NO_OFFSET, "%s: mkdir failed: %s", bdir, strerror(errno));
			goto fail_early;
		}
	}

	/* Entries: directories we will create, then the file itself (and config.db's sidecars). */
	size_t first_entry[INST_MAX_CHANGES];
	size_t db_changes = 0;
	for (size_t i = 0; i < p->n; i++)
		db_changes += p->ch[i].kind == CH_CONFIGDB || p->ch[i].kind == CH_CONFIGDB_FIX;
	for (size_t i = 0; i < p->n; i++) {
		const struct change *c = &p->ch[i];
		if (mkdir_parent(t, c->path, m, true, d) < 0)
			goto fail_early;
		first_entry[i] = m->n;
		bool is_db = c->kind == CH_CONFIGDB || c->kind == CH_CONFIGDB_FIX;
		struct manifest_entry *e = add_entry(m, c->kind == CH_SYMLINK ? "symlink" : is_db ? "configdb" : "file", c->path, d);
		if (!e || snapshot_entry(t, e, bdir, m->n - 1, c->kind == CH_SYMLINK, d) < 0)
			goto fail_early;
		if (!is_db)
			sha256_buf_hex(c->new, c->newlen, e->sha_after);
		else {
			/* The VM's texts on their own: undo needs them when pmxcfs changed the DB since.
			 * Only for a run that changed one VM row and nothing else in config.db: for more,
			 * a DB changed since is left alone (the file backup still undoes it byte for byte). */
			char vp[INST_PATH + 16];
			if (c->kind == CH_CONFIGDB && db_changes == 1) {
				m->vmid = c->vmid;
				snprintf(m->node, sizeof(m->node), "%s", c->node);
				snprintf(vp, sizeof(vp), "%s/vm.after", bdir);
				if (atomic_write(vp, c->new, c->newlen, 0600, (uid_t)-1, (gid_t)-1, d) < 0)
					goto fail_early;
				snprintf(vp, sizeof(vp), "%s/vm.before", bdir);
				if (c->existed && atomic_write(vp, c->old, c->oldlen, 0600, (uid_t)-1, (gid_t)-1, d) < 0)
					goto fail_early;
			}
			static const char *const sfx[] = { "-wal", "-shm" };
			for (int k = 0; k < 2; k++) {
				char sp[600];
				snprintf(sp, sizeof(sp), "%s%s", c->path, sfx[k]);
				struct manifest_entry *s = add_entry(m, "sidecar", sp, d);
				if (!s || snapshot_entry(t, s, bdir, m->n - 1, false, d) < 0)
					goto fail_early;
			}
		}
	}
	if (FAULT("install.backup")) {
		diag_err(d, DIAG_NO_OFFSET, "backup: injected fault");
		goto fail_early;
	}
	if (manifest_save(t->root, m, o->stick, d) < 0)
		goto fail_early;
	if (FAULT("install.manifest")) {
		diag_err(d, DIAG_NO_OFFSET, "manifest: injected fault");
		goto fail;
	}

	for (size_t i = 0; i < p->n; i++) {
		const struct change *c = &p->ch[i];
		if (mkdir_parent(t, c->path, m, false, d) < 0)
			goto fail;
		if (FAULT("install.write")) {
			diag_err(d, DIAG_NO_OFFSET, "%s: injected fault", c->path);
			goto fail;
		}
		struct manifest_entry *e = &m->e[first_entry[i]];
		if (write_change(t, c, e, now, d) < 0)
			goto fail;
		if (c->kind == CH_CONFIGDB || c->kind == CH_CONFIGDB_FIX) {
			char full[INST_PATH];
			rpath(t, c->path, full, sizeof(full), d);
			manifest_sha_of(full, false, e->sha_after);
			if (FAULT("install.configdb")) {
				diag_err(d, DIAG_NO_OFFSET, "%s: injected fault", c->path);
				goto fail;
			}
		}
	}
	m->state = MAN_APPLIED;
	if (manifest_save(t->root, m, o->stick, d) < 0)
		goto fail;
	if (FAULT("install.finish")) {
		diag_err(d, DIAG_NO_OFFSET, "finish: injected fault");
		goto fail;
	}
	free(m);
	return 0;

fail:
	/* Put back what was written; the manifest says what that is. */
	{
		struct diag ud;
		diag_init(&ud);
		if (undo_restore(t->root, m, &ud) < 0) {
			for (size_t i = 0; i < ud.n; i++)
				diag_err(d, DIAG_NO_OFFSET, "rollback: %s", ud.v[i].msg);
			diag_err(d, DIAG_NO_OFFSET, "rollback incomplete: run 'igdkit install --undo %s'", m->id);
		} else {
			m->state = MAN_ROLLED_BACK;
			manifest_save(t->root, m, o->stick, NULL);
		}
		diag_free(&ud);
	}
	free(m);
	return -1;
fail_early:
	/* Nothing on the target changed yet; drop the half-made backup folder. */
	{
		char q[INST_PATH];
		for (size_t i = 0; i < m->n; i++)
			if (strcmp(m->e[i].backup, "-") != 0) {
				snprintf(q, sizeof(q), "%s/%s", bdir, m->e[i].backup);
				unlink(q);
			}
		static const char *const extra[] = { "manifest", "vm.before", "vm.after" };
		for (int k = 0; k < 3; k++) {
			snprintf(q, sizeof(q), "%s/%s", bdir, extra[k]);
			unlink(q);
		}
		if (bdir[0])
			rmdir(bdir);
	}
	free(m);
	return -1;
}
