/* check.h - igdkit check inside: what was read, the verdicts, the plan
 *
 * collect.c fills a check_data from a host (live or --root) and libpci; each
 * verdict file (vtx.c, vtd.c, iommu.c, igd.c, bootmode.c, gms.c, hostkernel.c,
 * breakages.c) turns part of it into verdicts; report.c prints them.
 */
#ifndef IGDKIT_CHECK_H
#define IGDKIT_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "check/dmar.h"
#include "check/facts.h"
#include "check/gms.h"
#include "check/igd_ids.h"
#include "host/efivars.h"
#include "host/hostops.h"
#include "host/hostpci.h"

enum verdict_status { V_OK, V_FIX, V_UNKNOWN };

struct verdict {
	const char *id;
	enum verdict_status status;
	char evidence[640];
	char advice[640];
};

#define VERDICTS_MAX 40
struct verdict_list {
	struct verdict v[VERDICTS_MAX];
	size_t n;
};

struct check_data {
	struct machine_facts f;
	struct host host;
	bool on_stick;			/* IGDKIT_STICK is set */
	bool dump_only;			/* --pci-dump on the live root: this machine's sysfs is not the dump's */

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
};

/* collect.c */
int check_collect(const struct ctx *ctx, struct check_data *c, struct diag *d);
void check_data_free(struct check_data *c);

/* verdicts.c */
struct verdict *verdict_add(struct verdict_list *l, const char *id, enum verdict_status s);
void verdict_evidence(struct verdict *v, const char *fmt, ...) PRINTF_LIKE(2, 3);
void verdict_advice(struct verdict *v, const char *fmt, ...) PRINTF_LIKE(2, 3);
const struct verdict *verdict_find(const struct verdict_list *l, const char *id);
const char *verdict_status_name(enum verdict_status s);
bool verdicts_need_fix(const struct verdict_list *l);

/* one file each */
void check_vtx(const struct check_data *c, struct verdict_list *l);
void check_vtd(const struct check_data *c, struct verdict_list *l);
void check_iommu(const struct check_data *c, struct verdict_list *l);
void check_igd(const struct check_data *c, struct verdict_list *l);
void check_bootmode(const struct check_data *c, struct verdict_list *l);
void check_gms(const struct check_data *c, struct verdict_list *l);
void check_hostkernel(const struct check_data *c, struct verdict_list *l);
void check_breakages(const struct check_data *c, struct verdict_list *l);
/* All of the above in report order. */
void check_all(const struct check_data *c, struct verdict_list *l);

/* cmdline helpers (hostkernel.c): is a word (or "word=" prefix) on the command line? */
bool cmdline_has(const char *cmdline, const char *word);
bool cmdline_has_prefix(const char *cmdline, const char *prefix, char *found, size_t len);

#endif
