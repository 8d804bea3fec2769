/* VM 100's lines from memory: to sockets: as pmxcfs stored them in the fixture config.db
 * (pve-configdb/SOURCE.md): the part of its config no igdkit run changes. */
#define CONF100_MEMORY_TO_SOCKETS \
	"memory: 8192\n" \
	"meta: creation-qemu=7.1.0,ctime=1700000000\n" \
	"name: Win11-iGD\n" \
	"net0: virtio=F6:ED:C6:88:12:F6,bridge=vmbr0,firewall=1\n" \
	"numa: 1\n" \
	"ostype: win11\n" \
	"scsi0: local-lvm:vm-100-disk-0,iothread=1,size=32G,ssd=1\n" \
	"scsihw: virtio-scsi-single\n" \
	"smbios1: uuid=3f1d8c52-7a0e-4b6f-9c2d-5e8a1b7f4c30\n" \
	"sockets: 1\n"

/* pvefixture.h - fixture roots for the install tests (header-only; static inline so unused ones cost nothing)
 *
 * A root is tests/data/pve/TREE copied into a temp dir plus $FIXTURES/pve-configdb/config.db
 * (written by the real pmxcfs) as var/lib/pve-cluster/config.db, mode 0600 like pmxcfs keeps it.
 * Digests come from sha256sum/find/sqlite3, never from igdkit.
 */
#ifndef PVEFIXTURE_H
#define PVEFIXTURE_H

#include "helpers.h"
#include "host/facts.h"
#include "lib/diag.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* All of f as a string (free it). */
static inline char *read_stream(FILE *f)
{
	size_t cap = 4096, len = 0, n;
	char *b = malloc(cap);
	assert_non_null(b);
	while ((n = fread(b + len, 1, cap - len - 1, f)) > 0) {
		len += n;
		if (len + 1 >= cap) {
			b = realloc(b, cap *= 2);
			assert_non_null(b);
		}
	}
	b[len] = 0;
	return b;
}

static inline char *sh_capture(const char *cmd)
{
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	char *b = read_stream(p);
	pclose(p);
	return b;
}

static inline void sh(const char *fmt, ...) PRINTF_LIKE(1, 2);
static inline void sh(const char *fmt, ...)
{
	char cmd[8192];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	int rc = system(cmd);
	if (rc != 0)
		fail_msg("command failed (%d): %s", rc, cmd);
}

/* Writes the formatted text to path (created or truncated). */
static inline void write_textf(const char *path, const char *fmt, ...) PRINTF_LIKE(2, 3);
static inline void write_textf(const char *path, const char *fmt, ...)
{
	FILE *f = fopen(path, "w");
	if (!f)
		fail_msg("cannot write %s", path);
	va_list ap;
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	assert_int_equal(fclose(f), 0);
}

/* The formatted shell command's standard output (free it). */
static inline char *sh_out(const char *fmt, ...) PRINTF_LIKE(1, 2);
static inline char *sh_out(const char *fmt, ...)
{
	char cmd[8192];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return sh_capture(cmd);
}

/* The formatted shell command prints exactly want. */
static inline void assert_sh_prints(const char *want, const char *fmt, ...) PRINTF_LIKE(2, 3);
static inline void assert_sh_prints(const char *want, const char *fmt, ...)
{
	char cmd[8192];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	char *got = sh_capture(cmd);
	assert_string_equal(got, want);
	free(got);
}

static inline char *pve_root(const char *tree)
{
	char *t = make_tmpdir();
	sh("cp -a tests/data/pve/%s/. '%s'/ && mkdir -p '%s/var/lib/pve-cluster' && cp '%s' '%s/var/lib/pve-cluster/config.db' && "
	   "chmod 600 '%s/var/lib/pve-cluster/config.db'",
	   tree, t, t, fixture_path("pve-configdb/config.db"), t, t);
	return t;
}

/*
 * The same root as seen on a live PVE host: /etc/pve is pmxcfs's FUSE mount. ROOT/proc/mounts
 * lists ROOT/etc/pve the way libfuse mounts it for pmxcfs (source /dev/fuse, type fuse, no
 * subtype: pve-cluster src/pmxcfs/pmxcfs.c calls fuse_mount without fsname/subtype), and
 * ROOT/etc/pve holds pmxcfs's virtual .version plus nodes/pve/qemu-server/100.conf = conf.
 * mount_point: what proc/mounts names ("" = ROOT/etc/pve).
 */
static inline void pve_make_live(const char *root, const char *conf, const char *mount_point, bool version_file)
{
	char p[9000], mp[8800];
	snprintf(mp, sizeof(mp), "%s%s", *mount_point ? "" : root, *mount_point ? mount_point : "/etc/pve");
	sh("mkdir -p '%s/proc' '%s/etc/pve/nodes/pve/qemu-server' '%s/etc/pve/nodes/pve/lxc' '%s/etc/pve/priv'", root, root, root, root);
	snprintf(p, sizeof(p), "%s/proc/mounts", root);
	write_textf(p,
		    "sysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0\n"
		    "proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0\n"
		    "/dev/mapper/pve-root / ext4 rw,relatime,errors=remount-ro 0 0\n"
		    "/dev/fuse %s fuse rw,nosuid,nodev,relatime,user_id=0,group_id=0,default_permissions,allow_other 0 0\n",
		    mp);
	if (version_file) {
		snprintf(p, sizeof(p), "%s/etc/pve/.version", root);
		write_file(p, "{\"version\":36}\n", 15);
	}
	snprintf(p, sizeof(p), "%s/etc/pve/nodes/pve/qemu-server/100.conf", root);
	write_file(p, conf, strlen(conf));
}

/* Every file and symlink (sha256 / link target) and every directory, outside igdkit's backup
 * folder, plus the DB's rows as sqlite3 .dump prints them. */
static inline char *tree_digest(const char *root)
{
	char cmd[4096];
	snprintf(cmd, sizeof(cmd),
		 "cd '%s' && find . -path ./var/lib/igdkit -prune -o -printf '%%y %%m %%p %%l\\n' | grep -v '^d.*/var/lib/igdkit$' | sort && "
		 "find . -path ./var/lib/igdkit -prune -o -type f -print0 | sort -z | xargs -0 sha256sum && "
		 "sqlite3 var/lib/pve-cluster/config.db .dump",
		 root);
	return sh_capture(cmd);
}

static inline char *db_rows(const char *root)
{
	char cmd[4096];
	snprintf(cmd, sizeof(cmd), "sqlite3 '%s/var/lib/pve-cluster/config.db' "
		 "'select inode,parent,version,writer,type,name,length(data) from tree order by inode'", root);
	return sh_capture(cmd);
}

static inline char *db_file(const char *root, const char *name)
{
	char cmd[4096];
	snprintf(cmd, sizeof(cmd), "sqlite3 '%s/var/lib/pve-cluster/config.db' \"select writefile('/dev/stdout', data) from tree where name='%s'\" >/dev/null",
		 root, name);
	/* writefile returns the byte count on stdout too; use a temp file instead */
	char tmp[] = "/tmp/igdkit-dbfile-XXXXXX";
	int fd = mkstemp(tmp);
	assert_true(fd >= 0);
	close(fd);
	snprintf(cmd, sizeof(cmd), "sqlite3 '%s/var/lib/pve-cluster/config.db' \"select writefile('%s', data) from tree where name='%s'\" >/dev/null && cat '%s'",
		 root, tmp, name, tmp);
	char *s = sh_capture(cmd);
	unlink(tmp);
	return s;
}

static inline char *read_text_file(const char *root, const char *rel)
{
	char p[4096];
	snprintf(p, sizeof(p), "%s/%s", root, rel);
	FILE *f = fopen(p, "rb");
	if (!f)
		return NULL;
	char *b = read_stream(f);
	fclose(f);
	return b;
}

static inline bool path_exists(const char *root, const char *rel)
{
	char p[4096];
	struct stat st;
	snprintf(p, sizeof(p), "%s/%s", root, rel);
	return lstat(p, &st) == 0;
}

/* Coffee Lake desktop (8086:3e91), 64 MiB DVMT, iGPU is the boot display, own IOMMU group. */
static inline struct machine_facts facts_cfl(void)
{
	struct machine_facts f = facts_igd(0x3e91, 9, "Coffee Lake");
	f.ggc = 0x0200;		/* GMS 2 (64 MiB), IVD clear */
	f.dmar_present = TRI_YES;
	f.igd_has_drhd = TRI_YES;
	f.uefi_boot = TRI_YES;
	return f;
}

/* Haswell desktop (8086:0406), legacy VBIOS available. */
static inline struct machine_facts facts_hsw(void)
{
	struct machine_facts f = facts_cfl();
	f.igd_device_id = 0x0406;
	f.igd_gen = 7;
	f.igd_platform = "Haswell";
	f.ggc = 0x0010;		/* gen6/7 GMS field bits 7:3 = 2 */
	f.uefi_boot = TRI_NO;
	return f;
}

#endif
