/* hostops.h - how check reads a machine: the live one, or a --root fixture tree
 *
 * pciutils style: one ops table, one backend per file (live.c, tree.c), so
 * check code never opens /sys, /proc or /dev itself and tests can hand it a
 * directory that looks like a machine. Paths are always absolute ("/proc/cpuinfo");
 * the tree backend prefixes its root.
 */
#ifndef IGDKIT_HOSTOPS_H
#define IGDKIT_HOSTOPS_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/file.h"

struct host;

struct host_ops {
	const char *name;	/* "live" or "tree" */
	/* Whole small file (sysfs attribute, procfs text, ACPI table). err gets "path: reason". */
	int (*read_file)(const struct host *h, const char *path, size_t max, struct file_buf *out,
			 char *err, size_t errlen);
	bool (*exists)(const struct host *h, const char *path);
	/* Sorted entry names without "." and ".."; free with host_names_free. -1 if not a directory. */
	int (*list_dir)(const struct host *h, const char *path, char ***names, size_t *n);
	/* Last path component of a symlink's target ("vfio-pci" for .../driver). */
	int (*link_name)(const struct host *h, const char *path, char *buf, size_t len);
	/* 64-bit MSR of one CPU through /dev/cpu/N/msr (the msr module). */
	int (*read_msr)(const struct host *h, unsigned cpu, uint32_t msr, uint64_t *val, char *err,
			size_t errlen);
	/* CPUID leaf (subleaf 0): eax, ebx, ecx, edx. */
	int (*cpuid)(const struct host *h, uint32_t leaf, uint32_t regs[4], char *err, size_t errlen);
	/* len bytes of physical memory at addr through /dev/mem (a tree: its dev/mem file, sparse).
	 * -EPERM when the kernel refuses the range (STRICT_DEVMEM, lockdown), another -errno else. */
	int (*read_phys)(const struct host *h, uint64_t addr, void *buf, size_t len, char *err, size_t errlen);
};

struct host {
	const struct host_ops *ops;
	char root[PATH_MAX];	/* "" for the live machine */
};

/* root NULL or "/" gives the live backend, anything else the tree backend. */
void host_open(struct host *h, const char *root);
void host_open_live(struct host *h);
void host_open_tree(struct host *h, const char *root);
bool host_is_live(const struct host *h);
void host_names_free(char **names, size_t n);

/* Helpers on top of the ops. */
/* Reads a text file as a NUL-terminated string with trailing newlines removed. */
int host_read_text(const struct host *h, const char *path, char *buf, size_t len, char *err, size_t errlen);
/* Host path of the tree backend (root + path), for libraries that need a real path. */
int host_real_path(const struct host *h, const char *path, char *buf, size_t len);

/* Shared by both backends (tree.c): file access below a prefix ("" = /). */
int hostfs_read_file(const char *prefix, const char *path, size_t max, struct file_buf *out, char *err,
		     size_t errlen);
bool hostfs_exists(const char *prefix, const char *path);
int hostfs_list_dir(const char *prefix, const char *path, char ***names, size_t *n);
int hostfs_link_name(const char *prefix, const char *path, char *buf, size_t len);
/* -errno of the failed open/pread, -EIO for a short read. */
int hostfs_pread(const char *prefix, const char *path, uint64_t off, void *buf, size_t len, char *err,
		 size_t errlen);

#endif
