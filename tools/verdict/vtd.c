/* vtd.c - verdicts "vtd", "igd_dmar_unit", "intr_remap": what the firmware's DMAR table says */
#include "verdict/verdict.h"

#include <stdio.h>

void check_vtd(const struct host_data *c, struct verdict_list *l)
{
	const struct machine_facts *f = &c->f;
	const struct dmar_table *t = &c->dmar;
	if (f->dmar_present == TRI_NO) {
		struct verdict *v = verdict_add(l, "vtd", V_FIX);
		bool fused = c->capid_ok && (c->capid0_a & (1u << 23));
		verdict_evidence(v, "no ACPI DMAR table (%s): the firmware exposes no VT-d%s", c->dmar_err,
				 fused ? "; host bridge CAPID0_A bit 23 (VT-d disabled) is set" : "");
		verdict_advice(v, "enable VT-d (\"Intel VT for Directed I/O\", sometimes under Chipset or System "
				  "Agent) in the BIOS setup; without it nothing can be passed through%s",
			       fused ? ". The host bridge reports VT-d as disabled in hardware: check that this CPU "
				       "and chipset support VT-d at all" : "");
		return;
	}
	if (f->dmar_present == TRI_UNKNOWN) {
		struct verdict *v = verdict_add(l, "vtd", V_UNKNOWN);
		verdict_evidence(v, "DMAR table not readable: %s", c->dmar_err);
		verdict_advice(v, "run igdkit check as root (the ACPI table files are root-only)");
		return;
	}
	if (!c->dmar_parsed) {
		struct verdict *v = verdict_add(l, "vtd", V_UNKNOWN);
		verdict_evidence(v, "DMAR table present but not decodable: %s", c->dmar_err);
		verdict_advice(v, "the firmware's DMAR table is damaged; update the BIOS");
		return;
	}
	struct verdict *v = verdict_add(l, "vtd", V_OK);
	verdict_evidence(v, "DMAR (OEM \"%s\" \"%s\", rev %u%s): host address width %u bits, flags 0x%x%s%s%s; "
			    "%zu DRHD, %zu RMRR, %zu ATSR, %zu RHSA, %zu ANDD, %zu SATC, %zu SIDP%s",
			 t->oem_id, t->oem_table_id, t->revision, t->checksum_ok ? "" : ", bad checksum", t->haw_raw + 1u,
			 t->flags, (t->flags & DMAR_FLAG_INTR_REMAP) ? " INTR_REMAP" : "",
			 (t->flags & DMAR_FLAG_X2APIC_OPT_OUT) ? " X2APIC_OPT_OUT" : "",
			 (t->flags & DMAR_FLAG_DMA_CTRL_PLATFORM_OPT_IN) ? " DMA_CTRL_PLATFORM_OPT_IN" : "",
			 dmar_count(t, DMAR_DRHD), dmar_count(t, DMAR_RMRR), dmar_count(t, DMAR_ATSR),
			 dmar_count(t, DMAR_RHSA), dmar_count(t, DMAR_ANDD), dmar_count(t, DMAR_SATC),
			 dmar_count(t, DMAR_SIDP), c->dmar_errors ? "; some structures did not decode" : "");
	verdict_advice(v, "VT-d is enabled in the firmware");

	/* The iGPU's own remapping unit (GFXVTBAR). */
	const struct dmar_unit *g = dmar_graphics_drhd(t);
	const struct dmar_unit *any = dmar_drhd_for(t, 0, 2, 0);
	const struct dmar_unit *rmrr = dmar_rmrr_for(t, 0, 2, 0);
	char rm[160] = "";
	if (rmrr) {
		int n = snprintf(rm, sizeof(rm), "; RMRR 0x%llx-0x%llx for 00:02.0 (stolen memory)",
				 (unsigned long long)rmrr->base, (unsigned long long)rmrr->limit);
		if (f->bdsm && n > 0 && (size_t)n < sizeof(rm))
			snprintf(rm + n, sizeof(rm) - (size_t)n, ", host BDSM 0x%llx%s", (unsigned long long)f->bdsm,
				 f->bdsm >= rmrr->base && f->bdsm <= rmrr->limit ? " inside it" : " outside it");
	}
	if (g || any) {
		struct verdict *u = verdict_add(l, "igd_dmar_unit", V_OK);
		verdict_evidence(u, "DRHD at 0x%llx %s 00:02.0%s", (unsigned long long)(g ? g : any)->base,
				 g ? "is dedicated to" : "lists", rm);
		verdict_advice(u, "the iGPU has its own DMA remapping unit; never add intel_iommu=igfx_off");
	} else if (f->igd_present) {
		struct verdict *u = verdict_add(l, "igd_dmar_unit", V_FIX);
		verdict_evidence(u, "no DRHD lists 00:02.0 (only INCLUDE_PCI_ALL units)%s", rm);
		verdict_advice(u, "the firmware describes no VT-d unit for the iGPU (graphics VT-d off): look for an "
				  "IGD/graphics VT-d option in the BIOS setup or update the BIOS; until then the iGPU "
				  "cannot be isolated");
	} else {
		struct verdict *u = verdict_add(l, "igd_dmar_unit", V_UNKNOWN);
		verdict_evidence(u, "no DRHD dedicated to 00:02.0, and no Intel iGPU present%s", rm);
		verdict_advice(u, "see the igd verdict");
	}

	struct verdict *ir = verdict_add(l, "intr_remap", (t->flags & DMAR_FLAG_INTR_REMAP) ? V_OK : V_FIX);
	verdict_evidence(ir, "DMAR flags 0x%x: interrupt remapping %s", t->flags,
			 (t->flags & DMAR_FLAG_INTR_REMAP) ? "supported" : "not supported");
	verdict_advice(ir, "%s", (t->flags & DMAR_FLAG_INTR_REMAP)
					 ? "nothing to do; never add vfio_iommu_type1.allow_unsafe_interrupts=1"
					 : "without interrupt remapping vfio refuses devices unless allow_unsafe_interrupts=1, "
					   "which lets a guest spoof interrupts: enable \"Interrupt Remapping\" in the BIOS "
					   "if offered");
}
