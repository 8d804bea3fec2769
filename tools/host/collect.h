/* collect.h - everything igdkit reads from a machine, read once: PCI (libpci), ACPI DMAR,
 * CPU and MSRs, IOMMU groups, efivars, the kernel's view (sysfs, procfs)
 *
 * Nothing here decides ok/fix: host_collect records what was seen, or why it could not be
 * seen; the verdicts (tools/verdict/) judge it and the plan consumes the facts.
 */
#ifndef IGDKIT_HOST_COLLECT_H
#define IGDKIT_HOST_COLLECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "host/dmar.h"
#include "host/efivars.h"
#include "host/facts.h"
#include "host/hostops.h"
#include "host/hostpci.h"
#include "host/igd_memory.h"
#include "host/iomem.h"
#include "igd/gms.h"
#include "igd/ids.h"
#include "lib/cli.h"

struct host_data {
	struct machine_facts f;
	struct host host;
	bool on_stick;			/* IGDKIT_STICK is set */
	bool dump_only;			/* --pci-dump on the live root: this machine's sysfs is not the dump's */
	uint16_t test_vendor, test_device;	/* --test-accept: taken as the iGPU at 00:02.0; 0 = off */

	/* PCI */
	bool pci_ok;
	char pci_err[DIAG_MSG_MAX];
	struct pci_snapshot pci;
	const struct pci_fn *dev02;	/* whatever sits at 00:02.0 */
	const struct pci_fn *igd;	/* dev02 if it is an Intel display controller */
	const struct pci_fn *other_display;	/* first display function that is not 00:02.x */
	const struct igd_id_info *id;
	struct ggc_decode ggc;
	uint64_t bar2;			/* 00:02.0 BAR2 (aperture) base */
	bool capid_ok;			/* host bridge carries CAPID0 (client parts: vendor capability 0x09 at 0xE0) */
	uint32_t capid0_a;		/* host bridge 0xE4: bit 11 IGD fused off, bit 23 VT-d disabled */

	/* DMAR */
	char dmar_err[DIAG_MSG_MAX];	/* why dmar_present is unknown, or the parse error */
	bool dmar_parsed;
	size_t dmar_errors;		/* structures/scopes that did not decode */
	struct dmar_table dmar;

	/* CPU */
	bool cpuinfo_ok;
	bool cpu_vmx_flag, cpu_hypervisor, cpu_intel;
	char vmx_flags[400];		/* the "vmx flags" line, "" if none */
	char cpu_model[96];
	enum tristate msr_ok;
	uint64_t msr_feature_control;
	char msr_err[160];
	int msr_cpus;			/* CPUs whose MSR 0x3A was read */
	int msr_odd_cpu;		/* first CPU whose MSR 0x3A differs from CPU 0's, -1 none */
	char cpuid_err[160];

	/* IOMMU (sysfs) */
	size_t n_iommu_units, n_groups;
	char iommu_units[96];		/* "dmar0 dmar1" */
	int iommu_aw;			/* address width of the first unit from its cap register, 0 unknown */

	/* firmware */
	struct efi_secure_state sb;

	/* kernel */
	bool cmdline_ok;
	char igd_reset_method[64];
	int sriov_numvfs;		/* -1 unknown */
	bool mdev_types;		/* mdev_supported_types under 00:02.0 (GVT-g) */
	char fb_name[64];		/* the framebuffer entry that overlaps BAR2 */
	char iomem_err[120];
	struct iomem_map iomem;		/* /proc/iomem; n = 0 when not read */

	/* the OpRegion and stolen memory behind ASLS/BDSM */
	bool mem_read;			/* looked at (the iGPU's ASLS or BDSM is set, this machine's memory) */
	struct igd_memory mem;
};

/* Test-only: an emulated device at 00:02.0 (vendor:device) is taken as a Gen12 iGPU, the way
 * igdkit's assignment driver built with `rom build --test-accept` treats it. */
struct collect_opts {
	uint16_t test_vendor, test_device;
};

/*
 * Reads the machine under root ("/" or NULL: the live one; else a --root fixture tree), PCI
 * from pci_dump when given. -1 when PCI could not be read (c->pci_err says why); everything
 * else that cannot be read stays unknown, with a note in d.
 */
int host_collect(const char *root, const char *pci_dump, struct host_data *c, struct diag *d);
int host_collect_opts(const char *root, const char *pci_dump, const struct collect_opts *o, struct host_data *c,
		      struct diag *d);
void host_data_free(struct host_data *c);
/* host_collect, keeping only the facts (for install and the menu). Never fails as a whole:
 * unreadable PCI becomes an error in d and unknown facts. */
int facts_collect(const char *root, const char *pci_dump, struct machine_facts *f, struct diag *d);
/* facts_collect for a command that writes an install: the facts describe the machine igdkit runs
 * on, so with a mounted --target disk (target_mounted) they come from the live system, else
 * from --root; --pci-dump is used; the notes are shown only with --verbose. */
void facts_collect_cmd(const struct ctx *ctx, bool target_mounted, struct machine_facts *f);

#endif
