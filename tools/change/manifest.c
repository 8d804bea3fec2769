/* manifest.c - the record of one install run: what was backed up, with modes, owners and sha256
 *
 * ROOT/var/lib/igdkit/backup/ID/manifest, text, one entry a line, tab-separated:
 *   igdkit-install-manifest 1
 *   id ID / state pending|applied|rolled-back|undone / created EPOCH / rebuild WORDS / summary TEXT
 *   vm VMID NODE (the VM whose config.db row was written; its texts are vm.before / vm.after)
 *   entry KIND PATH EXISTED MODE UID GID SHA_BEFORE SHA_AFTER BACKUP
 * KIND: file, symlink, configdb (config.db; its -wal/-shm are "sidecar" entries), dir (created by us).
 * Paths are absolute inside the target; "-" stands for none/unknown.
 */
#include "change/manifest.h"
#include "lib/atomic.h"
#include "lib/file.h"
#include "lib/sha256.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const state_names[] = { "pending", "applied", "rolled-back", "undone" };

const char *manifest_state_name(enum manifest_state s)
{
	return (unsigned)s < 4 ? state_names[s] : "?";
}

static int rootpath(const char *root, const char *abs, char *buf, size_t len)
{
	int n = (!root || strcmp(root, "/") == 0) ? snprintf(buf, len, "%s", abs) : snprintf(buf, len, "%s%s", root, abs);
	return (n < 0 || (size_t)n >= len) ? -1 : 0;
}

int manifest_sha_of(const char *path, bool symlink, char out[65])
{
	struct stat st;
	if (lstat(path, &st) < 0) {
		strcpy(out, "-");
		return errno == ENOENT ? 0 : -1;
	}
	if (symlink && S_ISLNK(st.st_mode)) {
		char t[4096];
		ssize_t n = readlink(path, t, sizeof(t));
		if (n < 0)
			return -1;
		return sha256_buf_hex(t, (size_t)n, out);
	}
	return sha256_file_hex(path, out);
}

static bool field_ok(const char *s)
{
	return !strpbrk(s, "\t\n");
}

int manifest_save(const char *root, const struct manifest *m, const char *stick, struct diag *d)
{
	size_t cap = 4096 + m->n * 900;
	char *b = malloc(cap);
	if (!b)
		return diag_err(d, DIAG_NO_OFFSET, "out of memory");
	size_t len = 0;
#define OUT(...) len += (size_t)snprintf(b + len, cap - len, __VA_ARGS__)
	OUT("igdkit-install-manifest 1\n");
	OUT("id\t%s\nstate\t%s\ncreated\t%" PRId64 "\nrebuild\t%s\nsummary\t%s\n", m->id, manifest_state_name(m->state), m->created,
	    m->rebuild[0] ? m->rebuild : "-", m->summary[0] ? m->summary : "-");
	if (m->vmid)
		OUT("vm\t%u\t%s\n", m->vmid, m->node);
	for (size_t i = 0; i < m->n; i++) {
		const struct manifest_entry *e = &m->e[i];
		if (!field_ok(e->path) || !field_ok(m->summary)) {
			free(b);
			return diag_err(d, DIAG_NO_OFFSET, "manifest: tab or newline in a path");
		}
		OUT("entry\t%s\t%s\t%d\t%04o\t%u\t%u\t%s\t%s\t%s\n", e->kind, e->path, e->existed ? 1 : 0, (unsigned)e->mode & 07777,
		    (unsigned)e->uid, (unsigned)e->gid, e->sha_before, e->sha_after, e->backup);
	}
#undef OUT
	if (len >= cap) {
		free(b);
		return diag_err(d, DIAG_NO_OFFSET, "manifest: too long");
	}
	char p[INST_PATH], rel[256];
	snprintf(rel, sizeof(rel), "%s/%s/manifest", INST_BACKUP_DIR, m->id);
	int rc = 0;
	if (rootpath(root, rel, p, sizeof(p)) < 0 || atomic_write(p, b, len, 0600, (uid_t)-1, (gid_t)-1, d) < 0)
		rc = -1;
	if (!rc && stick && *stick) {
		/* A copy on the stick's IGDKIT partition: the user keeps a record even if the disk dies. */
		char sp[INST_PATH];
		snprintf(sp, sizeof(sp), "%s/logs", stick);
		mkdir(sp, 0755);
		snprintf(sp, sizeof(sp), "%s/logs/install-%s.manifest", stick, m->id);
		struct diag tmp;
		diag_init(&tmp);
		if (atomic_write(sp, b, len, 0644, (uid_t)-1, (gid_t)-1, &tmp) < 0)
			diag_warn(d, DIAG_NO_OFFSET, "could not copy the manifest to the stick: %s", diag_last(&tmp));
		diag_free(&tmp);
	}
	free(b);
	return rc;
}

static int get_field(char **s, char *out, size_t len)
{
	char *t = strsep(s, "\t");
	if (!t || strlen(t) >= len)
		return -1;
	strcpy(out, t);
	return 0;
}

int manifest_load(const char *root, const char *id, struct manifest *m, struct diag *d)
{
	memset(m, 0, sizeof(*m));
	if (!id || !*id || strchr(id, '/') || strcmp(id, "..") == 0 || strcmp(id, ".") == 0)
		return diag_err(d, DIAG_NO_OFFSET, "'%s' is not a backup id", id ? id : "");
	char p[INST_PATH], rel[256], err[512];
	snprintf(rel, sizeof(rel), "%s/%s/manifest", INST_BACKUP_DIR, id);
	if (rootpath(root, rel, p, sizeof(p)) < 0)
		return diag_err(d, DIAG_NO_OFFSET, "path too long");
	struct file_buf fb;
	if (file_read(p, 1 << 20, &fb, err, sizeof(err)) < 0)
		return diag_err(d, DIAG_NO_OFFSET, "%s", err);
	char *text = malloc(fb.len + 1);
	if (!text) {
		file_buf_free(&fb);
		return diag_err(d, DIAG_NO_OFFSET, "out of memory");
	}
	memcpy(text, fb.data, fb.len);
	text[fb.len] = 0;
	file_buf_free(&fb);
	int rc = 0, lineno = 0;
	char *save = text;
	for (char *line = strsep(&save, "\n"); line; line = strsep(&save, "\n")) {
		lineno++;
		if (lineno == 1) {
			if (strcmp(line, "igdkit-install-manifest 1") != 0) {
				rc = diag_err(d, DIAG_NO_OFFSET, "%s: not an igdkit manifest", p);
				break;
			}
			continue;
		}
		if (!*line)
			continue;
		char *s = line, key[16];
		if (get_field(&s, key, sizeof(key)) < 0 || !s) {
			rc = diag_err(d, DIAG_NO_OFFSET, "%s:%d: bad line", p, lineno);
			break;
		}
		if (strcmp(key, "id") == 0)
			snprintf(m->id, sizeof(m->id), "%s", s);
		else if (strcmp(key, "state") == 0) {
			for (int k = 0; k < 4; k++)
				if (strcmp(s, state_names[k]) == 0)
					m->state = (enum manifest_state)k;
		} else if (strcmp(key, "created") == 0)
			m->created = strtoll(s, NULL, 10);
		else if (strcmp(key, "rebuild") == 0)
			snprintf(m->rebuild, sizeof(m->rebuild), "%s", strcmp(s, "-") ? s : "");
		else if (strcmp(key, "summary") == 0)
			snprintf(m->summary, sizeof(m->summary), "%s", strcmp(s, "-") ? s : "");
		else if (strcmp(key, "vm") == 0) {
			char *node = strchr(s, '\t');
			if (!node || strlen(node + 1) >= sizeof(m->node)) {
				rc = diag_err(d, DIAG_NO_OFFSET, "%s:%d: bad vm line", p, lineno);
				break;
			}
			m->vmid = (unsigned)strtoul(s, NULL, 10);
			strcpy(m->node, node + 1);
		} else if (strcmp(key, "entry") == 0) {
			if (m->n >= sizeof(m->e) / sizeof(m->e[0])) {
				rc = diag_err(d, DIAG_NO_OFFSET, "%s:%d: too many entries", p, lineno);
				break;
			}
			struct manifest_entry *e = &m->e[m->n];
			char ex[4], mode[8], uid[16], gid[16];
			if (get_field(&s, e->kind, sizeof(e->kind)) < 0 || get_field(&s, e->path, sizeof(e->path)) < 0 ||
			    get_field(&s, ex, sizeof(ex)) < 0 || get_field(&s, mode, sizeof(mode)) < 0 ||
			    get_field(&s, uid, sizeof(uid)) < 0 || get_field(&s, gid, sizeof(gid)) < 0 ||
			    get_field(&s, e->sha_before, sizeof(e->sha_before)) < 0 ||
			    get_field(&s, e->sha_after, sizeof(e->sha_after)) < 0 || get_field(&s, e->backup, sizeof(e->backup)) < 0 ||
			    e->path[0] != '/' || strstr(e->path, "/../") || strchr(e->backup, '/')) {
				rc = diag_err(d, DIAG_NO_OFFSET, "%s:%d: bad entry", p, lineno);
				break;
			}
			e->existed = ex[0] == '1';
			e->mode = (mode_t)strtoul(mode, NULL, 8);
			e->uid = (uid_t)strtoul(uid, NULL, 10);
			e->gid = (gid_t)strtoul(gid, NULL, 10);
			m->n++;
		}
	}
	free(text);
	if (!rc && strcmp(m->id, id) != 0)
		rc = diag_err(d, DIAG_NO_OFFSET, "%s: id line says '%s'", p, m->id);
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int manifest_list(const char *root, char ***ids, size_t *n, struct diag *d)
{
	*ids = NULL;
	*n = 0;
	char p[INST_PATH];
	if (rootpath(root, INST_BACKUP_DIR, p, sizeof(p)) < 0)
		return diag_err(d, DIAG_NO_OFFSET, "path too long");
	DIR *dd = opendir(p);
	if (!dd)
		return errno == ENOENT ? 0 : diag_err(d, DIAG_NO_OFFSET, "%s: %s", p, strerror(errno));
	size_t cap = 0;
	struct dirent *e;
	while ((e = readdir(dd))) {
		if (e->d_name[0] == '.')
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			char **nv = realloc(*ids, cap * sizeof(*nv));
			if (!nv)
				break;
			*ids = nv;
		}
		(*ids)[(*n)++] = strdup(e->d_name);
	}
	closedir(dd);
	if (*n)
		qsort(*ids, *n, sizeof(**ids), cmp_str);	/* ids start with a UTC timestamp */
	return 0;
}

void manifest_list_free(char **ids, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
}
