/* iommu.c - verdicts "iommu" (the kernel uses VT-d) and "iommu_group" (00:02.0's group) */
#include "verdict/verdict.h"

#include <stdio.h>
#include <string.h>

void check_iommu(const struct host_data *c, struct verdict_list *l)
{
	const struct machine_facts *f = &c->f;
	char cl[200] = "";
	char w[96];
	if (c->cmdline_ok && (cmdline_has_prefix(f->cmdline, "intel_iommu=", w, sizeof(w)) ||
			      cmdline_has_prefix(f->cmdline, "iommu=", w, sizeof(w))))
		snprintf(cl, sizeof(cl), "; cmdline has %s", w);
	if (f->iommu_active == TRI_YES) {
		struct verdict *v = verdict_add(l, "iommu", V_OK);
		char aw[48] = "";
		if (c->iommu_aw > 1)
			snprintf(aw, sizeof(aw), "; IOMMU address width %d bits", c->iommu_aw);
		verdict_evidence(v, "/sys/class/iommu: %s; %zu IOMMU groups%s%s", c->iommu_units, c->n_groups, aw, cl);
		verdict_advice(v, "the kernel uses VT-d");
	} else if (f->iommu_active == TRI_NO) {
		struct verdict *v = verdict_add(l, "iommu", V_FIX);
		verdict_evidence(v, "%zu entries in /sys/class/iommu, %zu IOMMU groups%s", c->n_iommu_units, c->n_groups,
				 cl);
		if (f->dmar_present == TRI_NO)
			verdict_advice(v, "enable VT-d in the BIOS first (see vtd)");
		else
			verdict_advice(v, "the kernel does not use VT-d: boot with intel_iommu=on (igdkit install adds it)%s",
				       strstr(f->cmdline, "off") ? " and remove the iommu off switch" : "");
	} else {
		struct verdict *v = verdict_add(l, "iommu", V_UNKNOWN);
		verdict_evidence(v, "/sys/class/iommu and /sys/kernel/iommu_groups not visible");
		verdict_advice(v, "run igdkit check on the machine itself");
	}

	if (!f->igd_present) {
		struct verdict *v = verdict_add(l, "iommu_group", V_UNKNOWN);
		verdict_evidence(v, "no Intel iGPU at 00:02.0");
		verdict_advice(v, "see the igd verdict");
		return;
	}
	if (f->iommu_active != TRI_YES) {
		struct verdict *v = verdict_add(l, "iommu_group", V_UNKNOWN);
		verdict_evidence(v, "no IOMMU groups to look at");
		verdict_advice(v, "groups exist once the kernel uses VT-d (see iommu)");
		return;
	}
	if (c->dump_only) {
		struct verdict *v = verdict_add(l, "iommu_group", V_UNKNOWN);
		verdict_evidence(v, "PCI comes from a dump: the dumped machine's IOMMU groups are not visible");
		verdict_advice(v, "run igdkit check on that machine");
		return;
	}
	if (f->igd_iommu_group < 0) {
		struct verdict *v = verdict_add(l, "iommu_group", V_FIX);
		verdict_evidence(v, "00:02.0 has no iommu_group link although the IOMMU is active%s", cl);
		verdict_advice(v, "the kernel ignores the iGPU's remapping unit (intel_iommu=igfx_off, or Debian's "
				  "integrated-GPU-off default): boot with intel_iommu=on and without igfx_off");
		return;
	}
	if (f->igd_group_alone == TRI_YES) {
		struct verdict *v = verdict_add(l, "iommu_group", V_OK);
		verdict_evidence(v, "00:02.0 is alone in IOMMU group %d", f->igd_iommu_group);
		verdict_advice(v, "alone in its group: no ACS override needed (do not add pcie_acs_override)");
	} else if (f->igd_group_alone == TRI_NO) {
		struct verdict *v = verdict_add(l, "iommu_group", V_FIX);
		verdict_evidence(v, "IOMMU group %d holds %s", f->igd_iommu_group, f->igd_group_members);
		verdict_advice(v, "00:02.0 shares its IOMMU group: every device in it would have to go to the VM "
				  "together. This usually means the iGPU's VT-d unit is missing or disabled; enable "
				  "graphics VT-d / update the BIOS rather than using pcie_acs_override");
	} else {
		struct verdict *v = verdict_add(l, "iommu_group", V_UNKNOWN);
		verdict_evidence(v, "00:02.0 is in IOMMU group %d, members not readable", f->igd_iommu_group);
		verdict_advice(v, "run igdkit check as root");
	}
}
