/* scenario.h - fixture machines for check tests: a --root tree built at test time
 *
 * Real parts come from fixtures/hw/<machine> (DMAR table, cpuinfo, lspci dump);
 * the sysfs/procfs/efivars/MSR pieces no public capture has are written here
 * by hand, one knob per scenario. Header-only (static) because every
 * tests/unit/ .c file is its own test binary.
 */
#ifndef IGDKIT_TEST_SCENARIO_H
#define IGDKIT_TEST_SCENARIO_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers.h"

struct scn {
	const char *machine;	/* fixtures/hw/<machine> */
	bool no_dmar;		/* leave /sys/firmware/acpi/tables without DMAR */
	bool no_vmx;		/* strip vmx from cpuinfo flags and drop "vmx flags" */
	long long msr;		/* IA32_FEATURE_CONTROL, -1: no /dev/cpu/0/msr */
	int cpuid_vmx;		/* -1: no /dev/cpu/0/cpuid */
	bool legacy_boot;	/* no /sys/firmware/efi */
	int secure_boot, setup_mode;	/* -1: variable absent */
	int boot_vga;		/* -1: attribute absent */
	bool no_iommu;		/* no /sys/class/iommu entries, no groups */
	const char *group_extra;	/* another member of 00:02.0's group ("0000:00:1f.0") */
	const char *driver;	/* driver link of 00:02.0, NULL none */
	const char *cmdline;
	bool fb_in_bar2;	/* a BOOTFB entry inside BAR2 in /proc/iomem */
};

static inline struct scn scn_all_ok(void)
{
	struct scn s = {
		.machine = "ivb-dell-latitude-e6430-nvs",
		.msr = 0x5,
		.cpuid_vmx = 1,
		.secure_boot = 0,
		.setup_mode = 0,
		.boot_vga = 1,
		.driver = "vfio-pci",
		.cmdline = "BOOT_IMAGE=/boot/vmlinuz-6.8.12-4-pve root=/dev/mapper/pve-root ro quiet intel_iommu=on "
			   "iommu=pt initcall_blacklist=sysfb_init",
	};
	return s;
}

static inline void scn_mkdirs(const char *root, const char *rel)
{
	char p[8400];
	snprintf(p, sizeof(p), "%s/%s", root, rel);
	for (char *s = p + strlen(root) + 1; *s; s++)
		if (*s == '/') {
			*s = 0;
			mkdir(p, 0755);
			*s = '/';
		}
	mkdir(p, 0755);
}

static inline void scn_write(const char *root, const char *rel, const void *data, size_t len)
{
	char p[8400], dir[4096];
	snprintf(p, sizeof(p), "%s/%s", root, rel);
	snprintf(dir, sizeof(dir), "%s", rel);
	char *slash = strrchr(dir, '/');
	if (slash) {
		*slash = 0;
		scn_mkdirs(root, dir);
	}
	write_file(p, data, len);
}

static inline void scn_text(const char *root, const char *rel, const char *text)
{
	scn_write(root, rel, text, strlen(text));
}

static inline void scn_link(const char *root, const char *rel, const char *target)
{
	char p[8400], dir[4096];
	snprintf(dir, sizeof(dir), "%s", rel);
	*strrchr(dir, '/') = 0;
	scn_mkdirs(root, dir);
	snprintf(p, sizeof(p), "%s/%s", root, rel);
	unlink(p);
	assert_int_equal(symlink(target, p), 0);
}

/* The fixture's /proc/cpuinfo, optionally with VT-x hidden the way Linux hides it when the BIOS locks it off. */
static inline void scn_cpuinfo(const char *root, const char *machine, bool no_vmx)
{
	char rel[512];
	snprintf(rel, sizeof(rel), "hw/%s/cpuinfo.txt", machine);
	struct file_buf fb = fixture_read(rel);
	char *out = malloc(fb.len + 1);
	size_t n = 0;
	for (size_t i = 0; i < fb.len;) {
		size_t e = i;
		while (e < fb.len && fb.data[e] != '\n')
			e++;
		size_t ll = e - i + (e < fb.len);
		const char *line = (const char *)fb.data + i;
		if (no_vmx && !strncmp(line, "vmx flags", 9)) {
			i += ll;
			continue;
		}
		for (size_t k = 0; k < ll; k++) {
			if (no_vmx && !strncmp(line, "flags", 5) && k + 4 <= ll && !memcmp(line + k, " vmx", 4) &&
			    (k + 4 == ll || line[k + 4] == ' ' || line[k + 4] == '\n')) {
				k += 3;
				continue;
			}
			out[n++] = line[k];
		}
		i += ll;
	}
	scn_write(root, "proc/cpuinfo", out, n);
	free(out);
	file_buf_free(&fb);
}

static inline void scn_efivar(const char *root, const char *name, int value)
{
	if (value < 0)
		return;
	char rel[256];
	uint8_t b[5] = { 6, 0, 0, 0, (uint8_t)value };
	snprintf(rel, sizeof(rel), "sys/firmware/efi/efivars/%s-8be4df61-93ca-11d2-aa0d-00e098032b8c", name);
	scn_write(root, rel, b, sizeof(b));
}

static inline void scn_build(const char *root, const struct scn *s)
{
	char rel[512];
	mkdir(root, 0700);	/* tests rebuild a scenario in the same place after rm_rf */
	scn_mkdirs(root, "sys/firmware/acpi/tables");
	if (!s->no_dmar) {
		snprintf(rel, sizeof(rel), "hw/%s/dmar.bin", s->machine);
		struct file_buf fb = fixture_read(rel);
		scn_write(root, "sys/firmware/acpi/tables/DMAR", fb.data, fb.len);
		file_buf_free(&fb);
	}
	scn_cpuinfo(root, s->machine, s->no_vmx);
	if (s->msr >= 0) {
		uint8_t m[0x3a + 8];
		memset(m, 0, sizeof(m));
		for (int i = 0; i < 8; i++)
			m[0x3a + i] = (uint8_t)((unsigned long long)s->msr >> (8 * i));
		scn_write(root, "dev/cpu/0/msr", m, sizeof(m));
	}
	if (s->cpuid_vmx >= 0) {
		uint8_t c[1 + 16];
		memset(c, 0, sizeof(c));
		c[1 + 8] = s->cpuid_vmx ? 0x20 : 0;	/* leaf 1 at offset 1: ECX bit 5 */
		scn_write(root, "dev/cpu/0/cpuid", c, sizeof(c));
	}
	if (!s->legacy_boot) {
		scn_mkdirs(root, "sys/firmware/efi/efivars");
		scn_efivar(root, "SecureBoot", s->secure_boot);
		scn_efivar(root, "SetupMode", s->setup_mode);
	}
	const char *dev = "sys/bus/pci/devices/0000:00:02.0";
	scn_mkdirs(root, dev);
	if (s->boot_vga >= 0) {
		snprintf(rel, sizeof(rel), "%s/boot_vga", dev);
		scn_text(root, rel, s->boot_vga ? "1\n" : "0\n");
	}
	snprintf(rel, sizeof(rel), "%s/reset_method", dev);
	scn_text(root, rel, "\n");
	scn_mkdirs(root, "sys/class/iommu");
	scn_mkdirs(root, "sys/kernel/iommu_groups");
	if (!s->no_iommu) {
		scn_mkdirs(root, "sys/class/iommu/dmar0");
		scn_mkdirs(root, "sys/class/iommu/dmar1");
		scn_text(root, "sys/class/iommu/dmar0/intel-iommu/cap", "d2008c40660462\n");
		scn_text(root, "sys/kernel/iommu_groups/0/devices/0000:00:00.0", "");
		scn_text(root, "sys/kernel/iommu_groups/1/devices/0000:00:02.0", "");
		if (s->group_extra) {
			snprintf(rel, sizeof(rel), "sys/kernel/iommu_groups/1/devices/%s", s->group_extra);
			scn_text(root, rel, "");
		}
		snprintf(rel, sizeof(rel), "%s/iommu_group", dev);
		scn_link(root, rel, "../../../../kernel/iommu_groups/1");
	}
	if (s->driver) {
		char target[128];
		snprintf(rel, sizeof(rel), "%s/driver", dev);
		snprintf(target, sizeof(target), "../../../../bus/pci/drivers/%s", s->driver);
		scn_link(root, rel, target);
	}
	scn_mkdirs(root, "sys/module/vfio_pci");
	scn_mkdirs(root, "etc/modprobe.d");
	scn_text(root, "proc/cmdline", s->cmdline ? s->cmdline : "BOOT_IMAGE=/vmlinuz ro quiet");
	/* ivb-e6430's BAR2 is 0xd0000000 (config 0x18 in its lspci dump), 256 MiB */
	scn_text(root, "proc/iomem",
		 s->fb_in_bar2 ? "00000000-00000fff : Reserved\n"
				 "c0000000-febfffff : PCI Bus 0000:00\n"
				 "  d0000000-dfffffff : 0000:00:02.0\n"
				 "    d0000000-d07e8fff : BOOTFB\n"
			       : "00000000-00000fff : Reserved\n"
				 "c0000000-febfffff : PCI Bus 0000:00\n"
				 "  d0000000-dfffffff : 0000:00:02.0\n");
}

/* Runs python3 on a JSON text: prints EXPR evaluated with d = the document. */
static inline char *json_query(const char *json, const char *expr)
{
	char jf[] = "/tmp/igdkit-json-XXXXXX", pf[] = "/tmp/igdkit-jq-XXXXXX";
	int fd = mkstemp(jf);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, json, strlen(json)), (ssize_t)strlen(json));
	close(fd);
	fd = mkstemp(pf);
	FILE *f = fdopen(fd, "w");
	fprintf(f, "import json,sys\nd=json.load(open(sys.argv[1]))\nv={x['id']:x for x in d['verdicts']}\n"
		   "r=(%s)\nprint(r if isinstance(r,str) else json.dumps(r))\n", expr);
	fclose(f);
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "python3 %s %s", pf, jf);
	FILE *p = popen(cmd, "r");
	char *out = calloc(1, 65536);
	size_t n = fread(out, 1, 65535, p);
	out[n] = 0;
	int rc = pclose(p);
	unlink(jf);
	unlink(pf);
	if (rc != 0)
		fail_msg("python3 failed on %s", expr);
	while (n && out[n - 1] == '\n')
		out[--n] = 0;
	return out;
}

#endif
