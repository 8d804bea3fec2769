/* gms.c - the "gms" (stolen memory, x-igd-gms, BDSM) and "opregion" (ASLS) verdicts */
#include "verdict/verdict.h"

#include <stdio.h>
#include <string.h>

/* " in \"Reserved\" 0x...-0x..." for the memory map range under an address, "" when unknown. */
static const char *range_text(const struct igd_mem_range *r, char *buf, size_t len)
{
	if (!r->known)
		return "";
	snprintf(buf, len, " in \"%s\" 0x%llx-0x%llx", r->type, (unsigned long long)r->start,
		 (unsigned long long)r->end);
	return buf;
}

/* Memory the kernel may hand out: an OpRegion or stolen memory there gets overwritten. */
static bool is_ram(const struct igd_mem_range *r)
{
	return r->known && !strcmp(r->type, "System RAM");
}

/* What the stolen-memory range looks like in the memory map, appended to the gms verdict. */
static void stolen_in_map(const struct host_data *c, struct verdict *v)
{
	const struct igd_memory *m = &c->mem;
	char r[160];
	if (!c->mem_read || !c->f.bdsm)
		return;
	if (!m->map_read) {
		verdict_evidence_add(v, "; memory map: %s", c->iomem_err[0] ? c->iomem_err : "not read");
		return;
	}
	if (!m->stolen.known) {
		verdict_evidence_add(v, "; BDSM is in no /proc/iomem range");
		return;
	}
	verdict_evidence_add(v, ";%s%s", range_text(&m->stolen, r, sizeof(r)),
			 m->stolen_bytes && !m->stolen_covered ? " (shorter than the stolen memory GGC gives)" : "");
	if (is_ram(&m->stolen)) {
		v->status = V_FIX;
		verdict_advice(v, "the stolen memory at BDSM is System RAM to this kernel: it will be handed out while the "
				  "iGPU uses it. %s",
			       c->cpu_hypervisor ? "Inside a VM the guest firmware must reserve it (SeaBIOS in legacy mode, "
						   "or igdkit's assignment driver in the ROM for OVMF)"
						 : "The firmware's memory map is wrong: update the BIOS");
	}
}

/* Verdict "opregion": ASLS, and when readable the OpRegion it points at and the memory it lies in. */
static void check_opregion(const struct host_data *c, struct verdict_list *l)
{
	const struct machine_facts *f = &c->f;
	const struct igd_memory *m = &c->mem;
	if (!f->asls) {
		struct verdict *o = verdict_add(l, "opregion", V_FIX);
		verdict_evidence(o, "ASLS (0xFC) = 0: no OpRegion");
		if (c->cpu_hypervisor)
			verdict_advice(o, "inside a VM: the guest firmware did not set up the OpRegion. SeaBIOS does it in "
					  "legacy mode (legacy-igd=1 with a romfile), OVMF only with an IGD assignment driver "
					  "in the ROM (igdkit rom make builds it with igdkit's); without it the guest driver "
					  "gets no VBT");
		else
			verdict_advice(o, "the firmware did not initialise the iGPU (not primary, or disabled while headless): "
					  "make the iGPU the primary display in the BIOS setup; without an OpRegion the guest "
					  "driver gets no VBT");
		return;
	}
	struct verdict *o = verdict_add(l, "opregion", V_OK);
	char r[160];
	verdict_evidence(o, "ASLS (0xFC) = 0x%08x%s", f->asls, c->mem_read ? range_text(&m->opregion, r, sizeof(r)) : "");
	if (c->cpu_hypervisor)
		verdict_advice(o, "inside a VM: the guest firmware set up an OpRegion for the guest driver");
	else
		verdict_advice(o, "x-igd-opregion=on (the legacy mode default) can pass it to the guest");
	if (!c->mem_read)
		return;
	if (m->read_rc < 0) {
		const char *hint = igd_memory_read_hint(m);
		verdict_evidence_add(o, "; its bytes not read: %s%s%s", m->read_err, *hint ? " - " : "", hint);
	} else if (m->status != OPR_OK) {
		o->status = V_FIX;
		verdict_evidence_add(o, "; the OpRegion there is not valid: %s (offset 0x%llx)",
				 opr_status_str(m->status), (unsigned long long)m->bad_off);
		verdict_advice(o, "%s", c->cpu_hypervisor
					  ? "inside a VM: the guest firmware's copy of the OpRegion is wrong; check that the "
					    "host's OpRegion is valid (igdkit check on the host, firmware access entry)"
					  : "the firmware's OpRegion is damaged or missing its VBT: the guest driver will not "
					    "find the panel and port layout. Update the BIOS");
	} else {
		verdict_evidence_add(o, "; OpRegion %u.%u, %u KiB, VBT %u bytes (%s, BDB version %u, checksum %s)",
				     m->oi.major, m->oi.minor, m->oi.size / 1024, m->vbt.size,
				 m->vbt.source == OPR_VBT_RVDA ? "after the OpRegion, RVDA" : "mailbox 4", m->bdb_version,
				 m->vbt_sums_to_zero ? "ok" : "stale");
	}
	if (is_ram(&m->opregion)) {
		o->status = V_FIX;
		verdict_advice(o, "the OpRegion lies in System RAM: the kernel will reuse that memory. %s",
			       c->cpu_hypervisor ? "The guest firmware must copy it into ACPI NVS memory"
						 : "The firmware's memory map is wrong: update the BIOS");
	}
}

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
		stolen_in_map(c, v);
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
		stolen_in_map(c, v);
	}
	check_opregion(c, l);
}
