/* undo.c - put back what an install run changed, byte-identical, from its manifest and backup */
#include "change/apply.h"
#include "pve/configdb.h"
#include "lib/atomic.h"
#include "lib/file.h"
#include "lib/sha256.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int full_path(const char *root, const char *abs, char *buf, size_t len)
{
	int n = (!root || strcmp(root, "/") == 0) ? snprintf(buf, len, "%s", abs) : snprintf(buf, len, "%s%s", root, abs);
	return (n < 0 || (size_t)n >= len) ? -1 : 0;
}

static int restore_from_backup(const char *root, const struct manifest *m, const struct manifest_entry *e, const char *full,
			       struct diag *d)
{
	if (!e->existed)
		return atomic_unlink(full, d);
	char bp[INST_PATH], rel[512], err[512];
	snprintf(rel, sizeof(rel), "%s/%s/%s", INST_BACKUP_DIR, m->id, e->backup);
	if (full_path(root, rel, bp, sizeof(bp)) < 0)
		return diag_err(d, DIAG_NO_OFFSET, "path too long");
	struct file_buf fb;
	if (file_read(bp, (size_t)256 << 20, &fb, err, sizeof(err)) < 0)
		return diag_err(d, DIAG_NO_OFFSET, "backup copy missing: %s", err);
	int rc;
	if (strcmp(e->kind, "symlink") == 0) {
		char t[4096];
		if (fb.len >= sizeof(t)) {
			file_buf_free(&fb);
			return diag_err(d, DIAG_NO_OFFSET, "%s: backup of the link is too long", bp);
		}
		memcpy(t, fb.data, fb.len);
		t[fb.len] = 0;
		rc = atomic_symlink(t, full, d);
	} else {
		char sha[65];
		sha256_buf_hex(fb.data ? (void *)fb.data : (void *)"", fb.len, sha);
		if (strcmp(e->kind, "sidecar") != 0 && strcmp(sha, e->sha_before) != 0)
			rc = diag_err(d, DIAG_NO_OFFSET, "%s: backup copy does not match the manifest's sha256; not restored", bp);
		else {
			/* /etc/pve: pmxcfs takes no chmod (see apply.c write_change); best effort after. */
			bool pmxcfs = strncmp(e->path, "/etc/pve/", 9) == 0;
			rc = atomic_write(full, fb.data ? (void *)fb.data : (void *)"", fb.len, pmxcfs ? 0 : e->mode, e->uid,
					  e->gid, d);
			if (!rc && pmxcfs)
				(void)!chmod(full, e->mode);
		}
	}
	file_buf_free(&fb);
	return rc;
}

/* config.db's -wal/-shm go back to how they were (usually: absent). */
static int restore_sidecars(const char *root, const struct manifest *m, const char *dbpath, struct diag *d)
{
	int rc = 0;
	for (size_t i = 0; i < m->n; i++) {
		const struct manifest_entry *e = &m->e[i];
		if (strcmp(e->kind, "sidecar") != 0 || strncmp(e->path, dbpath, strlen(dbpath)) != 0)
			continue;
		char full[INST_PATH];
		if (full_path(root, e->path, full, sizeof(full)) < 0)
			return diag_err(d, DIAG_NO_OFFSET, "path too long");
		if (restore_from_backup(root, m, e, full, d) < 0)
			rc = -1;
	}
	return rc;
}

static unsigned char *backup_text(const char *root, const struct manifest *m, const char *name, size_t *len, int *exists)
{
	char bp[INST_PATH], rel[512], err[512];
	struct file_buf fb;
	snprintf(rel, sizeof(rel), "%s/%s/%s", INST_BACKUP_DIR, m->id, name);
	*exists = 0;
	if (full_path(root, rel, bp, sizeof(bp)) < 0 || file_read(bp, CDB_FILE_MAX, &fb, err, sizeof(err)) < 0)
		return NULL;
	*exists = 1;
	unsigned char *s = malloc(fb.len + 1);
	if (s) {
		if (fb.len)
			memcpy(s, fb.data, fb.len);
		s[fb.len] = 0;
		*len = fb.len;
	}
	file_buf_free(&fb);
	return s;
}

/*
 * config.db changed after igdkit wrote it (the host booted and pmxcfs wrote to it): the file
 * cannot go back byte for byte without losing those changes. If the VM's row still holds what
 * igdkit wrote, put the old text back (or remove a VM igdkit created) as one more pmxcfs-style
 * mutation; every other row stays as pmxcfs left it.
 */
static int undo_configdb_rows(const char *root, const struct manifest *m, const char *full, struct diag *d)
{
	if (!m->vmid)
		return diag_err(d, DIAG_NO_OFFSET, "%s was changed after igdkit wrote it; left as it is", full);
	size_t alen = 0, blen = 0;
	int aex, bex;
	unsigned char *after = backup_text(root, m, "vm.after", &alen, &aex);
	unsigned char *before = backup_text(root, m, "vm.before", &blen, &bex);
	int rc = -1;
	struct configdb c;
	if (!after) {
		diag_err(d, DIAG_NO_OFFSET, "backup has no vm.after: cannot tell igdkit's VM %u config", m->vmid);
		goto out;
	}
	if (configdb_open(&c, full, true, d) < 0)
		goto out;
	struct cdb_guest g;
	int found = configdb_find_guest(&c, m->vmid, &g, d);
	if (found != 1 || g.row->len != alen || memcmp(g.row->data, after, alen) != 0) {
		diag_err(d, DIAG_NO_OFFSET, "%s: VM %u was changed after igdkit wrote it; left as it is", full, m->vmid);
		configdb_close(&c);
		goto out;
	}
	int64_t now = (int64_t)time(NULL);
	if (bex)
		rc = configdb_put_vm(&c, m->node, m->vmid, before, blen, now, d);
	else
		rc = configdb_delete_vm(&c, m->vmid, now, d) < 0 ? -1 : 0;
	configdb_close(&c);
	if (!rc)
		diag_note(d, DIAG_NO_OFFSET,
			  "%s had changed since igdkit wrote it (the host ran): VM %u's config was put back as a new change, "
			  "every other row left as pmxcfs wrote it", full, m->vmid);
out:
	free(after);
	free(before);
	return rc;
}

/* A crash in the middle of atomic_write leaves ".NAME.igdkit-XXXXXX" beside NAME: ours, remove it. */
static void remove_crash_leftovers(const char *full)
{
	char dir[INST_PATH];
	snprintf(dir, sizeof(dir), "%s", full);
	char *sl = strrchr(dir, '/');
	if (!sl)
		return;
	*sl = 0;
	const char *base = sl + 1;
	char pfx[600];
	snprintf(pfx, sizeof(pfx), ".%s.igdkit-", base);
	size_t pl = strlen(pfx);
	DIR *dd = opendir(dir);
	if (!dd)
		return;
	struct dirent *e;
	while ((e = readdir(dd)))
		if (strncmp(e->d_name, pfx, pl) == 0 && strlen(e->d_name) == pl + 6) {
			char p[INST_PATH + 300];
			snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
			unlink(p);
		}
	closedir(dd);
}

int undo_restore(const char *root, const struct manifest *m, struct diag *d)
{
	int rc = 0;
	for (size_t k = m->n; k-- > 0;) {
		const struct manifest_entry *e = &m->e[k];
		char full[INST_PATH];
		if (full_path(root, e->path, full, sizeof(full)) < 0) {
			rc = diag_err(d, DIAG_NO_OFFSET, "%s: path too long", e->path);
			continue;
		}
		if (strcmp(e->kind, "dir") != 0)
			remove_crash_leftovers(full);
		if (strcmp(e->kind, "sidecar") == 0)
			continue;	/* with their config.db */
		if (strcmp(e->kind, "dir") == 0) {
			if (rmdir(full) < 0 && errno != ENOENT && errno != ENOTEMPTY && errno != EEXIST)
				rc = diag_err(d, DIAG_NO_OFFSET, "%s: rmdir: %s", full, strerror(errno));
			continue;
		}
		char cur[65];
		if (manifest_sha_of(full, strcmp(e->kind, "symlink") == 0, cur) < 0) {
			rc = diag_err(d, DIAG_NO_OFFSET, "%s: cannot read: %s", full, strerror(errno));
			continue;
		}
		bool is_db = strcmp(e->kind, "configdb") == 0;
		if (strcmp(cur, e->sha_before) == 0) {
			/* Already as before. For config.db a WAL may still hold our committed change. */
			if (is_db && restore_sidecars(root, m, e->path, d) < 0)
				rc = -1;
			continue;
		}
		/* Ours to restore when it still holds what we wrote; a pending run's config.db has
		 * no recorded "after" (the crash came before it was recorded) but nothing else ran. */
		bool ours = strcmp(cur, e->sha_after) == 0 || (is_db && m->state == MAN_PENDING && strcmp(e->sha_after, "-") == 0);
		if (!ours && is_db) {
			if (undo_configdb_rows(root, m, full, d) < 0)
				rc = -1;
			continue;
		}
		if (!ours) {
			rc = diag_err(d, DIAG_NO_OFFSET, "%s was changed after igdkit wrote it (sha256 %.12s...); left as it is", full, cur);
			continue;
		}
		if (restore_from_backup(root, m, e, full, d) < 0) {
			rc = -1;
			continue;
		}
		if (is_db && restore_sidecars(root, m, e->path, d) < 0)
			rc = -1;
	}
	return rc;
}

int install_undo(const char *root, const char *id, struct manifest *m, struct diag *d)
{
	char chosen[64] = "";
	if (id && *id)
		snprintf(chosen, sizeof(chosen), "%s", id);
	else {
		/* The newest run that is still applied (or was interrupted). */
		char **ids;
		size_t n;
		if (manifest_list(root, &ids, &n, d) < 0)
			return -1;
		for (size_t i = n; i-- > 0 && !chosen[0];) {
			struct manifest tmp;
			if (manifest_load(root, ids[i], &tmp, NULL) == 0 && (tmp.state == MAN_APPLIED || tmp.state == MAN_PENDING))
				snprintf(chosen, sizeof(chosen), "%s", ids[i]);
		}
		manifest_list_free(ids, n);
		if (!chosen[0])
			return diag_err(d, DIAG_NO_OFFSET, "no igdkit install to undo under %s%s", strcmp(root, "/") ? root : "",
					INST_BACKUP_DIR);
	}
	if (manifest_load(root, chosen, m, d) < 0)
		return -1;
	if (m->state == MAN_UNDONE || m->state == MAN_ROLLED_BACK) {
		diag_note(d, DIAG_NO_OFFSET, "%s was already %s", m->id, manifest_state_name(m->state));
		return 1;
	}
	if (undo_restore(root, m, d) < 0)
		return -1;
	m->state = MAN_UNDONE;
	return manifest_save(root, m, getenv("IGDKIT_STICK"), d);
}
