/* live.c - the running machine: /sys, /proc, /dev/cpu/N/msr, /dev/mem and the CPUID instruction
 *
 * Nothing here needs more than a busybox system: files are read directly, the
 * MSR through the msr module's device (the stick loads it), CPUID with the
 * instruction itself so the cpuid module is not required.
 */
#include "host/hostops.h"

#include <stdio.h>
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

static int live_read_file(const struct host *h, const char *path, size_t max, struct file_buf *out, char *err,
			  size_t errlen)
{
	(void)h;
	return hostfs_read_file("", path, max, out, err, errlen);
}

static bool live_exists(const struct host *h, const char *path)
{
	(void)h;
	return hostfs_exists("", path);
}

static int live_list_dir(const struct host *h, const char *path, char ***names, size_t *n)
{
	(void)h;
	return hostfs_list_dir("", path, names, n);
}

static int live_link_name(const struct host *h, const char *path, char *buf, size_t len)
{
	(void)h;
	return hostfs_link_name("", path, buf, len);
}

static int live_read_msr(const struct host *h, unsigned cpu, uint32_t msr, uint64_t *val, char *err,
			 size_t errlen)
{
	(void)h;
	char path[64];
	uint8_t b[8];
	snprintf(path, sizeof(path), "/dev/cpu/%u/msr", cpu);
	if (hostfs_pread("", path, msr, b, sizeof(b), err, errlen) < 0)
		return -1;
	*val = 0;
	for (int i = 7; i >= 0; i--)
		*val = *val << 8 | b[i];
	return 0;
}

static int live_cpuid(const struct host *h, uint32_t leaf, uint32_t regs[4], char *err, size_t errlen)
{
	(void)h;
#if defined(__x86_64__) || defined(__i386__)
	unsigned a, b, c, d;
	if (!__get_cpuid(leaf, &a, &b, &c, &d)) {
		snprintf(err, errlen, "CPUID leaf 0x%x not supported", leaf);
		return -1;
	}
	regs[0] = a;
	regs[1] = b;
	regs[2] = c;
	regs[3] = d;
	return 0;
#else
	(void)leaf;
	(void)regs;
	snprintf(err, errlen, "CPUID: not an x86 machine");
	return -1;
#endif
}

static int live_read_phys(const struct host *h, uint64_t addr, void *buf, size_t len, char *err, size_t errlen)
{
	(void)h;
	return hostfs_pread("", "/dev/mem", addr, buf, len, err, errlen);
}

static const struct host_ops live_ops = {
	.name = "live",
	.read_file = live_read_file,
	.exists = live_exists,
	.list_dir = live_list_dir,
	.link_name = live_link_name,
	.read_msr = live_read_msr,
	.cpuid = live_cpuid,
	.read_phys = live_read_phys,
};

void host_open_live(struct host *h)
{
	h->ops = &live_ops;
	h->root[0] = 0;
}
