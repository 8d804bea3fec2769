/* gms.c - the "gms" (stolen memory, x-igd-gms, BDSM) and "opregion" (ASLS) verdicts */
#include "verdict/verdict.h"

#include <stdio.h>
#include <string.h>

/* Verdicts "gms" (stolen memory, x-igd-gms, BDSM) and "opregion" (ASLS). */
void check_gms(const struct host_data *c, struct verdict_list *l)
{
	const struct machine_facts *f = &c->f;
	if (!c->igd)
		return;
	if (c->igd->cfg_len < 256) {
		struct verdict *v = verdict_add(l, "gms", V_UNKNOWN);
		verdict_evidence(v, "only %u bytes of 00:02.0 config space readable", c->igd->cfg_len);
		verdict_advice(v, "run igdkit check as root (GGC at 0x50 and ASLS at 0xFC are root-only)");
		struct verdict *o = verdict_add(l, "opregion", V_UNKNOWN);
		verdict_evidence(o, "ASLS (0xFC) not readable");
		verdict_advice(o, "run igdkit check as root");
		return;
	}
	const struct ggc_decode *g = &c->ggc;
	if (!g->valid) {
		struct verdict *v = verdict_add(l, "gms", V_UNKNOWN);
		verdict_evidence(v, "GGC 0x%04x: no decode for this generation", f->ggc);
		verdict_advice(v, "graphics older than Sandy Bridge or unknown device id");
	} else {
		char x[64];
		if (g->x_igd_gms > 0)
			snprintf(x, sizeof(x), "x-igd-gms=0x%x", (unsigned)g->x_igd_gms);
		else
			snprintf(x, sizeof(x), "no x-igd-gms value fits");
		enum verdict_status s = g->gms_mib == 0 ? V_FIX : V_OK;
		struct verdict *v = verdict_add(l, "gms", s);
		verdict_evidence(v, "GGC 0x%04x: GMS field 0x%x = %u MiB pre-allocated (%s), GTT %u MiB, IVD %d; "
				    "BDSM 0x%llx",
				 f->ggc, g->gms_field, g->gms_mib, x, g->ggms_mib, g->ivd, (unsigned long long)f->bdsm);
		if (g->gms_mib == 0)
			verdict_advice(v, "no graphics stolen memory: set \"DVMT Pre-Allocated\" to 64M in the BIOS setup "
					  "(the guest driver needs it)");
		else if (g->x_igd_gms < 0)
			verdict_advice(v, "QEMU <= 9.1 only accepts 32..512 MiB in 32 MiB steps: set \"DVMT "
					  "Pre-Allocated\" to 64M if you run pve-qemu-kvm 9.1 or older; newer QEMU copies "
					  "the host value");
		else if (g->gms_mib >= 256)
			verdict_advice(v, "works; with SeaBIOS a large DVMT may fail to fit below 4G, 64M is the safe "
					  "value. QEMU <= 9.1 needs %s, QEMU >= 9.2 copies the host value", x);
		else
			verdict_advice(v, "QEMU <= 9.1 needs %s in args:, QEMU >= 9.2 copies the host value by itself",
				       x);
	}
	if (f->asls) {
		struct verdict *o = verdict_add(l, "opregion", V_OK);
		verdict_evidence(o, "ASLS (0xFC) = 0x%08x: the firmware set up an OpRegion", f->asls);
		verdict_advice(o, "x-igd-opregion=on (the legacy mode default) can pass it to the guest");
	} else {
		struct verdict *o = verdict_add(l, "opregion", V_FIX);
		verdict_evidence(o, "ASLS (0xFC) = 0: no OpRegion");
		verdict_advice(o, "the firmware did not initialise the iGPU (not primary, or disabled while headless): "
				  "make the iGPU the primary display in the BIOS setup; without an OpRegion the guest "
				  "driver gets no VBT");
	}
}
