/* target.c - what the installed Proxmox VE on a root tree is: versions, boot layout, node, guests */
#include "pve/target.h"
#include "pve/configdb.h"
#include "pve/vmconf.h"
#include "lib/file.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

#define FUSE_SUPER_MAGIC 0x65735546

/* Copy with truncation (the fields are short names and versions). */
static void copy_str(char *dst, size_t len, const char *src)
{
	size_t n = strlen(src);
	if (n >= len)
		n = len - 1;
	memcpy(dst, src, n);
	dst[n] = 0;
}

int target_path(const struct pve_target *t, const char *abs, char *buf, size_t len)
{
	int n = strcmp(t->root, "/") == 0 ? snprintf(buf, len, "%s", abs) : snprintf(buf, len, "%s%s", t->root, abs);
	return (n < 0 || (size_t)n >= len) ? -1 : 0;
}

/* Small text file under the root; NULL when missing. Capped: these are config files. */
static char *read_text(const struct pve_target *t, const char *abs, size_t max)
{
	char p[INST_PATH], err[256];
	struct file_buf fb;
	if (target_path(t, abs, p, sizeof(p)) < 0 || file_read(p, max, &fb, err, sizeof(err)) < 0)
		return NULL;
	char *s = malloc(fb.len + 1);
	if (s) {
		memcpy(s, fb.data, fb.len);
		s[fb.len] = 0;
	}
	file_buf_free(&fb);
	return s;
}

int target_read(const struct pve_target *t, const char *abs, size_t max, unsigned char **data, size_t *len,
		struct diag *d)
{
	char p[INST_PATH], err[512];
	struct file_buf fb;
	*data = NULL;
	*len = 0;
	if (target_path(t, abs, p, sizeof(p)) < 0)
		return diag_err(d, DIAG_NO_OFFSET, "%s: path too long", abs);
	if (file_read(p, max, &fb, err, sizeof(err)) < 0) {
		if (errno == ENOENT)
			return 0;
		return diag_err(d, DIAG_NO_OFFSET, "%s", err);
	}
	*data = malloc(fb.len + 1);
	if (!*data) {
		file_buf_free(&fb);
		return diag_err(d, DIAG_NO_OFFSET, "out of memory");
	}
	if (fb.len)
		memcpy(*data, fb.data, fb.len);
	(*data)[fb.len] = 0;
	*len = fb.len;
	file_buf_free(&fb);
	return 1;
}

int target_read_pve(const struct pve_target *t, const char *rel, size_t max, unsigned char **data, size_t *len,
		    struct diag *d)
{
	*data = NULL;
	*len = 0;
	if (t->etc_pve_mounted) {
		char abs[512];
		snprintf(abs, sizeof(abs), "/etc/pve/%s", rel);
		return target_read(t, abs, max, data, len, d);
	}
	if (!t->configdb_present)
		return 0;
	struct configdb c;
	char tmp[INST_PATH];
	if (target_snapshot_configdb(t, &c, tmp, d) < 0)
		return -1;
	const struct cdb_row *r = configdb_lookup(&c, rel);
	int rc = 0;
	if (r && r->type == CDB_DT_REG && r->len <= max) {
		*data = malloc(r->len + 1);
		if (!*data) {
			rc = diag_err(d, DIAG_NO_OFFSET, "out of memory");
		} else {
			if (r->len)
				memcpy(*data, r->data, r->len);
			(*data)[r->len] = 0;
			*len = r->len;
			rc = 1;
		}
	}
	target_snapshot_done(&c, tmp);
	return rc;
}

static bool exists(const struct pve_target *t, const char *abs)
{
	char p[INST_PATH];
	struct stat st;
	return target_path(t, abs, p, sizeof(p)) == 0 && lstat(p, &st) == 0;
}

static void first_line(const char *s, char *out, size_t len)
{
	size_t n = strcspn(s, "\r\n");
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	while (n && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	if (n >= len)
		n = len - 1;
	memcpy(out, s, n);
	out[n] = 0;
}

/* "9.2.0-5" -> 9, 2 */
static void parse_major_minor(const char *v, int *maj, int *min)
{
	*maj = *min = -1;
	char *e;
	long a = strtol(v, &e, 10);
	if (e == v || *e != '.')
		return;
	long b = strtol(e + 1, NULL, 10);
	*maj = (int)a;
	*min = (int)b;
}

static void add_kernel(struct pve_target *t, const char *rel)
{
	if (strlen(rel) >= sizeof(t->kernels[0].release) || t->nkernels >= INST_MAX_KERNELS)
		return;
	for (size_t i = 0; i < t->nkernels; i++)
		if (strcmp(t->kernels[i].release, rel) == 0)
			return;
	struct pve_kernel *k = &t->kernels[t->nkernels];
	snprintf(k->release, sizeof(k->release), "%s", rel);
	parse_major_minor(rel, &k->major, &k->minor);
	if (k->major < 0)
		return;
	t->nkernels++;
}

/*
 * /var/lib/dpkg/status: stanzas separated by blank lines. We want installed
 * pve-manager, pve-qemu-kvm and the kernel image packages
 * (pve-kernel-X-pve on PVE <= 7, proxmox-kernel-X-pve[-signed] on 8+).
 */
static void parse_dpkg_status(struct pve_target *t, const char *s)
{
	const char *p = s;
	while (*p) {
		const char *end = strstr(p, "\n\n");
		size_t n = end ? (size_t)(end - p) : strlen(p);
		char pkg[128] = "", ver[64] = "";
		bool installed = false;
		const char *l = p;
		while (l < p + n) {
			const char *nl = memchr(l, '\n', (size_t)(p + n - l));
			size_t ll = nl ? (size_t)(nl - l) : (size_t)(p + n - l);
			char line[256];
			if (ll < sizeof(line)) {
				memcpy(line, l, ll);
				line[ll] = 0;
				if (strncmp(line, "Package: ", 9) == 0)
					copy_str(pkg, sizeof(pkg), line + 9);
				else if (strncmp(line, "Version: ", 9) == 0)
					copy_str(ver, sizeof(ver), line + 9);
				else if (strncmp(line, "Status: ", 8) == 0)
					installed = strstr(line, " installed") != NULL;
			}
			l += ll + 1;
		}
		if (installed) {
			if (strcmp(pkg, "pve-manager") == 0)
				snprintf(t->pve_manager, sizeof(t->pve_manager), "%s", ver);
			else if (strcmp(pkg, "grub-pc") == 0)
				t->host_uefi = TRI_NO;
			else if (strcmp(pkg, "grub-efi-amd64") == 0 || strcmp(pkg, "grub-efi-amd64-signed") == 0)
				t->host_uefi = TRI_YES;
			else if (strcmp(pkg, "systemd-boot") == 0) {
				t->systemd_boot = true;
				t->host_uefi = TRI_YES;
			} else if (strcmp(pkg, "pve-qemu-kvm") == 0) {
				snprintf(t->qemu_pkg, sizeof(t->qemu_pkg), "%s", ver);
				parse_major_minor(ver, &t->qemu_major, &t->qemu_minor);
			} else {
				const char *rel = NULL;
				if (strncmp(pkg, "proxmox-kernel-", 15) == 0)
					rel = pkg + 15;
				else if (strncmp(pkg, "pve-kernel-", 11) == 0)
					rel = pkg + 11;
				if (rel && isdigit((unsigned char)*rel) && strstr(rel, "-pve")) {
					char r[64];
					copy_str(r, sizeof(r), rel);
					char *sg = strstr(r, "-pve");
					sg[4] = 0;	/* drop "-signed" */
					add_kernel(t, r);
				}
			}
		}
		if (!end)
			break;
		p = end + 2;
	}
}

/* A folder of the target, or NULL. */
static DIR *target_opendir(const struct pve_target *t, const char *abs)
{
	char p[INST_PATH];
	return target_path(t, abs, p, sizeof(p)) < 0 ? NULL : opendir(p);
}

static void scan_boot_dir(struct pve_target *t)
{
	DIR *dir = target_opendir(t, "/boot");
	if (!dir)
		return;
	struct dirent *e;
	while ((e = readdir(dir)))
		if (strncmp(e->d_name, "vmlinuz-", 8) == 0)
			add_kernel(t, e->d_name + 8);
	closedir(dir);
}

static int cmp_kernel(const void *a, const void *b)
{
	const struct pve_kernel *x = a, *y = b;
	if (x->major != y->major)
		return x->major - y->major;
	if (x->minor != y->minor)
		return x->minor - y->minor;
	return strcmp(x->release, y->release);
}

static void pvecfg_version(struct pve_target *t)
{
	/* pve-manager's PVE/pvecfg.pm: sub version { return '8.2.4'; } */
	char *s = read_text(t, "/usr/share/perl5/PVE/pvecfg.pm", 64 * 1024);
	if (!s)
		return;
	const char *v = strstr(s, "sub version");
	if (v && (v = strstr(v, "return '"))) {
		v += 8;
		size_t n = strcspn(v, "'");
		if (n < sizeof(t->pve_manager)) {
			memcpy(t->pve_manager, v, n);
			t->pve_manager[n] = 0;
		}
	}
	free(s);
}

static void vm_summary(struct pve_guest *g, const unsigned char *data, size_t len)
{
	struct vmconf vc;
	if (!data || vmconf_parse(&vc, (const char *)data, len, NULL) < 0)
		return;
	const char *v;
	if ((v = vmconf_get(&vc, "name")))
		snprintf(g->name, sizeof(g->name), "%s", v);
	if ((v = vmconf_get(&vc, "machine")))
		snprintf(g->machine, sizeof(g->machine), "%s", v);
	if ((v = vmconf_get(&vc, "bios")))
		snprintf(g->bios, sizeof(g->bios), "%s", v);
	if ((v = vmconf_get(&vc, "hostpci0")))
		snprintf(g->hostpci0, sizeof(g->hostpci0), "%s", v);
	g->locked = vmconf_get(&vc, "lock") != NULL;
	vmconf_free(&vc);
}

static int copy_file(const char *from, const char *to)
{
	int in = open(from, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return errno == ENOENT ? 1 : -1;
	int out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (out < 0) {
		close(in);
		return -1;
	}
	char buf[65536];
	ssize_t n;
	int rc = 0;
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n) {
			rc = -1;
			break;
		}
	if (n < 0)
		rc = -1;
	close(in);
	if (close(out) < 0)
		rc = -1;
	return rc;
}

static int snapshot(const struct pve_target *t, struct configdb *c, char *tmpdir, bool validate, struct diag *d)
{
	char src[INST_PATH], dst[INST_PATH];
	const char *base = getenv("TMPDIR");
	snprintf(tmpdir, INST_PATH, "%s/igdkit-cdb-XXXXXX", base && *base ? base : "/tmp");
	if (!mkdtemp(tmpdir))
		return diag_err(d, DIAG_NO_OFFSET, "cannot create a temporary directory: %s", strerror(errno));
	static const char *const sfx[] = { "", "-wal" };
	for (int i = 0; i < 2; i++) {
		snprintf(src, sizeof(src), "%s%s", INST_CONFIGDB, sfx[i]);
		char full[INST_PATH];
		if (target_path(t, src, full, sizeof(full)) < 0)
			return diag_err(d, DIAG_NO_OFFSET, "path too long");
		snprintf(dst, sizeof(dst), "%s/config.db%s", tmpdir, sfx[i]);
		int rc = copy_file(full, dst);
		if (rc < 0 || (rc == 1 && i == 0)) {
			diag_err(d, DIAG_NO_OFFSET, "%s: cannot read: %s", full, rc == 1 ? "missing" : strerror(errno));
			target_snapshot_done(NULL, tmpdir);
			return -1;
		}
	}
	if (strlen(tmpdir) + 11 > sizeof(dst))
		return diag_err(d, DIAG_NO_OFFSET, "TMPDIR too long");
	memcpy(dst, tmpdir, strlen(tmpdir));
	memcpy(dst + strlen(tmpdir), "/config.db", 11);
	/* Read-write on the private copy: SQLite replays a leftover WAL, as pmxcfs would. */
	if ((validate ? configdb_open(c, dst, true, d) : configdb_open_unchecked(c, dst, true, d)) < 0) {
		target_snapshot_done(NULL, tmpdir);
		return -1;
	}
	char full[INST_PATH];
	target_path(t, INST_CONFIGDB, full, sizeof(full));
	snprintf(c->path, sizeof(c->path), "%s", full);	/* messages name the real file */
	return 0;
}

int target_snapshot_configdb(const struct pve_target *t, struct configdb *c, char *tmpdir, struct diag *d)
{
	return snapshot(t, c, tmpdir, true, d);
}

int target_snapshot_configdb_unchecked(const struct pve_target *t, struct configdb *c, char *tmpdir, struct diag *d)
{
	return snapshot(t, c, tmpdir, false, d);
}

void target_snapshot_done(struct configdb *c, const char *tmpdir)
{
	if (c)
		configdb_close(c);
	if (!tmpdir || !*tmpdir)
		return;
	static const char *const names[] = { "config.db", "config.db-wal", "config.db-shm", "config.db-journal" };
	char p[INST_PATH + 32];
	for (int i = 0; i < 4; i++) {
		snprintf(p, sizeof(p), "%s/%s", tmpdir, names[i]);
		unlink(p);
	}
	rmdir(tmpdir);
}

static void load_guests(struct pve_target *t, struct diag *d)
{
	struct configdb c;
	char tmp[INST_PATH];
	if (target_snapshot_configdb(t, &c, tmp, d) < 0)
		return;
	t->corosync_row = configdb_clustered(&c);
	struct cdb_guest *g;
	int n = configdb_guests(&c, &g, d);
	if (n > 0) {
		t->guests = calloc((size_t)n, sizeof(*t->guests));
		for (int i = 0; t->guests && i < n; i++) {
			struct pve_guest *pg = &t->guests[i];
			pg->vmid = g[i].vmid;
			snprintf(pg->node, sizeof(pg->node), "%s", g[i].node);
			snprintf(pg->kind, sizeof(pg->kind), "%s", g[i].kind);
			vm_summary(pg, g[i].row->data, g[i].row->len);
		}
		if (t->guests)
			t->nguests = (size_t)n;
	}
	free(g);
	target_snapshot_done(&c, tmp);
}

/* A mount-table field: \040 (space), \011, \012, \134 are octal escapes. */
static void unescape_mount_field(char *s)
{
	char *o = s;
	for (char *p = s; *p; p++) {
		if (p[0] == '\\' && p[1] >= '0' && p[1] <= '3' && p[2] >= '0' && p[2] <= '7' && p[3] >= '0' && p[3] <= '7') {
			*o++ = (char)((p[1] - '0') * 64 + (p[2] - '0') * 8 + (p[3] - '0'));
			p += 3;
		} else
			*o++ = *p;
	}
	*o = 0;
}

/*
 * Is the target's /etc/pve pmxcfs's FUSE mount, i.e. a live host? The mount table is read
 * as ROOT/proc/mounts: /proc/mounts for "/", and for a --root tree its own proc (bind-mounted
 * for a chroot, or a test fixture's file). Its mount points are paths as this process sees
 * them (/proc/mounts is /proc/self/mounts), so the entry must be ROOT/etc/pve itself: a
 * chroot's bind-mounted /proc listing the host's own /etc/pve does not count. pmxcfs mounts
 * through libfuse without fsname/subtype ("/dev/fuse /etc/pve fuse ..."); "fuse.pmxcfs" is
 * accepted too. The mount must also answer: .version is one of pmxcfs's virtual files.
 */
static bool etc_pve_mounted(const struct pve_target *t)
{
	char want[INST_PATH], p[INST_PATH];
	if (target_path(t, "/etc/pve", want, sizeof(want)) < 0 || target_path(t, "/proc/mounts", p, sizeof(p)) < 0)
		return false;
	bool listed = false;
	char *s = read_text(t, "/proc/mounts", (size_t)4 << 20);
	if (s) {
		for (char *l = strtok(s, "\n"); l && !listed; l = strtok(NULL, "\n")) {
			char src[512], mnt[INST_PATH], type[64];
			if (sscanf(l, "%511s %4095s %63s", src, mnt, type) != 3)
				continue;
			unescape_mount_field(mnt);
			listed = strcmp(mnt, want) == 0 && (strcmp(type, "fuse.pmxcfs") == 0 ||
							    (strcmp(type, "fuse") == 0 && strcmp(src, "/dev/fuse") == 0));
		}
		free(s);
	} else if (strcmp(t->root, "/") == 0) {
		/* no /proc: the file system type of /etc/pve itself */
		struct statfs sf;
		listed = statfs("/etc/pve", &sf) == 0 && (unsigned long)sf.f_type == FUSE_SUPER_MAGIC;
	}
	return listed && exists(t, "/etc/pve/.version");
}

/* "[1-9][0-9]*.conf" -> vmid, else 0 (the names pmxcfs lists as guests). */
static unsigned conf_vmid(const char *n)
{
	if (*n < '1' || *n > '9')
		return 0;
	unsigned long v = 0;
	for (; isdigit((unsigned char)*n); n++)
		if ((v = v * 10 + (unsigned long)(*n - '0')) > 999999999UL)
			return 0;
	return strcmp(n, ".conf") == 0 ? (unsigned)v : 0;
}

static int cmp_guest_id(const void *a, const void *b)
{
	const struct pve_guest *x = a, *y = b;
	return x->vmid < y->vmid ? -1 : x->vmid > y->vmid;
}

/* Guests from the live /etc/pve: nodes/NODE/{qemu-server,lxc,openvz}/VMID.conf. */
static void load_guests_pve(struct pve_target *t, struct diag *d)
{
	static const char *const kinds[] = { "qemu-server", "lxc", "openvz" };
	DIR *nd = target_opendir(t, "/etc/pve/nodes");
	if (!nd)
		return;
	size_t cap = 0;
	struct dirent *ne;
	while ((ne = readdir(nd))) {
		if (ne->d_name[0] == '.' || strlen(ne->d_name) >= sizeof(t->guests[0].node))
			continue;
		for (int k = 0; k < 3; k++) {
			char rel[512];
			snprintf(rel, sizeof(rel), "/etc/pve/nodes/%s/%s", ne->d_name, kinds[k]);
			DIR *kd = target_opendir(t, rel);
			if (!kd)
				continue;
			struct dirent *fe;
			while ((fe = readdir(kd))) {
				unsigned id = conf_vmid(fe->d_name);
				if (!id || t->nguests >= 100000)
					continue;
				if (t->nguests == cap) {
					size_t nc = cap ? cap * 2 : 16;
					struct pve_guest *nv = realloc(t->guests, nc * sizeof(*nv));
					if (!nv) {
						diag_err(d, DIAG_NO_OFFSET, "out of memory");
						break;
					}
					t->guests = nv;
					cap = nc;
				}
				struct pve_guest *g = &t->guests[t->nguests++];
				memset(g, 0, sizeof(*g));
				g->vmid = id;
				snprintf(g->node, sizeof(g->node), "%s", ne->d_name);
				snprintf(g->kind, sizeof(g->kind), "%s", kinds[k]);
				char fr[1024];
				snprintf(fr, sizeof(fr), "%s/%s", rel, fe->d_name);
				unsigned char *text;
				size_t len;
				if (target_read(t, fr, (size_t)1 << 20, &text, &len, d) == 1)
					vm_summary(g, text, len);
				free(text);
			}
			closedir(kd);
		}
	}
	closedir(nd);
	if (t->nguests)
		qsort(t->guests, t->nguests, sizeof(*t->guests), cmp_guest_id);
}

int target_probe(const char *root, struct pve_target *t, struct diag *d)
{
	memset(t, 0, sizeof(*t));
	t->qemu_major = t->qemu_minor = -1;
	t->host_uefi = TRI_UNKNOWN;
	size_t rl = strlen(root ? root : "/");
	if (!root || !*root)
		root = "/";
	if (rl >= sizeof(t->root))
		return diag_err(d, DIAG_NO_OFFSET, "--root: path too long");
	snprintf(t->root, sizeof(t->root), "%s", root);
	while (strlen(t->root) > 1 && t->root[strlen(t->root) - 1] == '/')
		t->root[strlen(t->root) - 1] = 0;

	char *s;
	if ((s = read_text(t, "/etc/hostname", 4096))) {
		first_line(s, t->hostname, sizeof(t->hostname));
		t->hostname[strcspn(t->hostname, ".")] = 0;	/* pmxcfs uses the short nodename */
		free(s);
	}
	if ((s = read_text(t, "/etc/debian_version", 4096))) {
		first_line(s, t->debian_version, sizeof(t->debian_version));
		free(s);
	}
	if ((s = read_text(t, "/var/lib/dpkg/status", (size_t)64 << 20))) {
		parse_dpkg_status(t, s);
		free(s);
	}
	if (!t->pve_manager[0])
		pvecfg_version(t);
	scan_boot_dir(t);
	qsort(t->kernels, t->nkernels, sizeof(t->kernels[0]), cmp_kernel);

	t->configdb_present = exists(t, INST_CONFIGDB);
	if (!t->pve_manager[0] && !t->configdb_present)
		return diag_err(d, DIAG_NO_OFFSET,
				"%s: not a Proxmox VE root: no pve-manager in /var/lib/dpkg/status and no %s", t->root, INST_CONFIGDB);
	if (!t->hostname[0])
		return diag_err(d, DIAG_NO_OFFSET, "%s: /etc/hostname is missing or empty: cannot tell the pmxcfs node name", t->root);

	int deb = atoi(t->debian_version);
	t->pve_major = deb == 11 ? 7 : deb == 12 ? 8 : deb == 13 ? 9 : deb == 10 ? 6 : 0;
	if (t->pve_manager[0] && isdigit((unsigned char)t->pve_manager[0]))
		t->pve_major = atoi(t->pve_manager);

	if ((s = read_text(t, "/etc/kernel/cmdline", 64 * 1024))) {
		t->kernel_cmdline_present = true;
		first_line(s, t->kernel_cmdline, sizeof(t->kernel_cmdline));
		free(s);
		t->root_on_zfs = strstr(t->kernel_cmdline, "root=ZFS=") != NULL;
	}
	if ((s = read_text(t, "/etc/kernel/proxmox-boot-uuids", 64 * 1024))) {
		for (const char *p = s; *p;) {
			size_t n = strcspn(p, "\n");
			size_t k = n;
			while (k && isspace((unsigned char)p[k - 1]))
				k--;
			if (k >= 4) {
				if (t->nesps < 8 && k < sizeof(t->esp_uuids[0]))
					memcpy(t->esp_uuids[t->nesps], p, k);	/* zeroed by memset */
				t->nesps++;
			}
			p += n + (p[n] ? 1 : 0);
		}
		free(s);
	}
	t->boot = t->nesps > 0 ? BOOT_PROXMOX_BOOT_TOOL : BOOT_GRUB;
	if ((s = read_text(t, "/etc/fstab", 256 * 1024))) {
		/* "UUID=... / btrfs defaults 0 1" */
		for (char *l = strtok(s, "\n"); l; l = strtok(NULL, "\n")) {
			char spec[256], mnt[256], type[32];
			if (l[0] != '#' && sscanf(l, "%255s %255s %31s", spec, mnt, type) == 3 && strcmp(mnt, "/") == 0 &&
			    strcmp(type, "btrfs") == 0)
				t->root_on_btrfs = true;
		}
		free(s);
	}
	t->corosync_file = exists(t, "/etc/corosync/corosync.conf");

	t->etc_pve_mounted = etc_pve_mounted(t);
	if (t->etc_pve_mounted) {
		/* The live /etc/pve is the truth (config.db is pmxcfs's, open and in WAL use):
		 * guests and cluster membership come from it, config.db is not even read. */
		t->corosync_row = exists(t, "/etc/pve/corosync.conf");
		load_guests_pve(t, d);
	} else if (t->configdb_present)
		load_guests(t, d);
	return 0;
}

int64_t target_last_boot(const char *root, char *source, size_t srclen)
{
	static const char *const files[] = { "/var/lib/systemd/random-seed", "/var/log/wtmp", "/var/lib/wtmpdb/wtmp.db",
					     "/var/lib/systemd/timesync/clock" };
	const char *r = root && strcmp(root, "/") != 0 ? root : "";
	int64_t best = 0, limit = (int64_t)time(NULL) + 86400;	/* a clock set wrong once is no "last boot" */
	char p[INST_PATH], bestsrc[INST_PATH] = "";
	struct stat st;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(p, sizeof(p), "%s%s", r, files[i]);
		if (stat(p, &st) == 0 && S_ISREG(st.st_mode) && st.st_mtime > best && st.st_mtime <= limit) {
			best = st.st_mtime;
			snprintf(bestsrc, sizeof(bestsrc), "%s", files[i]);
		}
	}
	/* journald: /var/log/journal/MACHINE-ID/system.journal (one directory per machine id) */
	snprintf(p, sizeof(p), "%s/var/log/journal", r);
	DIR *dir = opendir(p);
	if (dir) {
		struct dirent *e;
		int seen = 0;
		while ((e = readdir(dir)) && seen++ < 64) {
			if (e->d_name[0] == '.' || strlen(e->d_name) > 64)
				continue;
			char jp[INST_PATH + 96];
			snprintf(jp, sizeof(jp), "%s/%s/system.journal", p, e->d_name);
			if (stat(jp, &st) == 0 && S_ISREG(st.st_mode) && st.st_mtime > best && st.st_mtime <= limit) {
				best = st.st_mtime;
				snprintf(bestsrc, sizeof(bestsrc), "/var/log/journal/%s/system.journal", e->d_name);
			}
		}
		closedir(dir);
	}
	if (source && srclen)
		snprintf(source, srclen, "%s", bestsrc);
	return best;
}

void target_free(struct pve_target *t)
{
	free(t->guests);
	t->guests = NULL;
	t->nguests = 0;
}

bool target_clustered(const struct pve_target *t)
{
	return t->corosync_file || t->corosync_row;
}

const struct pve_guest *target_guest(const struct pve_target *t, unsigned vmid)
{
	for (size_t i = 0; i < t->nguests; i++)
		if (t->guests[i].vmid == vmid)
			return &t->guests[i];
	return NULL;
}
