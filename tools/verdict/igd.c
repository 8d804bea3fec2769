/* igd.c - verdicts "igd" (present), "primary", "generation", "passthrough_mode" */
#include "verdict/verdict.h"

#include <stdio.h>
#include <string.h>

static const char *qemu_gen_text(int g, char *buf, size_t len)
{
	if (g < 0)
		snprintf(buf, len, "unknown (no IGD quirks)");
	else
		snprintf(buf, len, "gen %d", g);
	return buf;
}

static void present(const struct host_data *c, struct verdict_list *l)
{
	const struct machine_facts *f = &c->f;
	if (!c->pci_ok) {
		struct verdict *v = verdict_add(l, "igd", V_UNKNOWN);
		verdict_evidence(v, "PCI devices not readable: %s", c->pci_err);
		verdict_advice(v, "run igdkit check on the machine itself (or give --pci-dump)");
		return;
	}
	if (c->igd) {
		struct verdict *v = verdict_add(l, "igd", V_OK);
		verdict_evidence(v, "00:02.0 is 8086:%04x, class 0x%06x%s%s", f->igd_device_id, c->igd->class_code,
				 f->igd_platform ? ", " : "", f->igd_platform ? f->igd_platform : "");
		verdict_advice(v, "Intel iGPU present");
		return;
	}
	struct verdict *v = verdict_add(l, "igd", V_FIX);
	char other[96] = "", fuse[96] = "";
	if (c->other_display)
		snprintf(other, sizeof(other), "; display adapter %04x:%04x at %02x:%02x.%x", c->other_display->vendor,
			 c->other_display->device, c->other_display->bus, c->other_display->dev, c->other_display->fn);
	bool fused = c->capid_ok && (c->capid0_a & (1u << 11));
	if (c->capid_ok)
		snprintf(fuse, sizeof(fuse), "; host bridge CAPID0_A 0x%08x: graphics %s", c->capid0_a,
			 fused ? "fused off (bit 11)" : "not fused off");
	if (c->dev02)
		verdict_evidence(v, "no Intel iGPU: 00:02.0 is %04x:%04x class 0x%06x%s%s", c->dev02->vendor,
				 c->dev02->device, c->dev02->class_code, other, fuse);
	else
		verdict_evidence(v, "no Intel iGPU: nothing at 00:02.0%s%s%s%s", other, fuse,
				 c->cpu_model[0] && !c->dump_only ? "; CPU " : "", c->dump_only ? "" : c->cpu_model);
	if (fused)
		verdict_advice(v, "this CPU has no integrated graphics (fused off, like F-model and most Xeon "
				  "CPUs): iGPU passthrough is impossible on it");
	else if (c->other_display)
		verdict_advice(v, "a discrete GPU is the only display adapter%s: enable iGPU multi-monitor (\"IGD "
				  "Multi-Monitor\") or set the primary display to onboard/IGD in the BIOS setup%s",
			       c->capid_ok ? " although the CPU's graphics is not fused off" : "",
			       c->capid_ok ? "" : "; F-model and server CPUs have no iGPU");
	else
		verdict_advice(v, "no Intel integrated graphics found: enable the internal graphics in the BIOS setup; "
				  "F-model and server CPUs have no iGPU, and igdkit cannot help there");
}

static void primary(const struct host_data *c, struct verdict_list *l)
{
	const struct machine_facts *f = &c->f;
	if (!c->igd) {
		struct verdict *v = verdict_add(l, "primary", V_UNKNOWN);
		verdict_evidence(v, "no Intel iGPU at 00:02.0");
		verdict_advice(v, "see the igd verdict");
		return;
	}
	bool vga_class = (c->igd->class_code >> 8) == 0x0300;
	char bv[48];
	snprintf(bv, sizeof(bv), "boot_vga %s", f->boot_vga == TRI_YES ? "1" : f->boot_vga == TRI_NO ? "0" : "unknown");
	char ggc[48] = "";
	if (c->igd->cfg_len >= 256 && c->ggc.valid)
		snprintf(ggc, sizeof(ggc), ", GGC.IVD %d", f->igd_ivd);
	if (!vga_class || f->igd_ivd) {
		struct verdict *v = verdict_add(l, "primary", V_FIX);
		verdict_evidence(v, "class 0x%06x%s, %s: the iGPU is not the primary display (VGA disabled)",
				 c->igd->class_code, ggc, bv);
		verdict_advice(v, "set \"Primary Display\" / \"Initial Display Output\" to IGD/onboard in the BIOS "
				  "setup; QEMU's legacy IGD mode needs the iGPU as a VGA-class device");
	} else if (f->boot_vga == TRI_NO) {
		struct verdict *v = verdict_add(l, "primary", V_FIX);
		verdict_evidence(v, "class 0x%06x%s, %s: firmware used another adapter as the boot display",
				 c->igd->class_code, ggc, bv);
		verdict_advice(v, "set the primary display to IGD/onboard in the BIOS setup%s",
			       c->other_display ? " (or move the monitor to the iGPU's port)" : "");
	} else {
		struct verdict *v = verdict_add(l, "primary", V_OK);
		verdict_evidence(v, "class 0x%06x (VGA)%s, %s", c->igd->class_code, ggc, bv);
		verdict_advice(v, "%s", f->boot_vga == TRI_YES ? "the iGPU is the primary display"
							       : "VGA class and VGA enabled; boot_vga was not visible");
	}
}

static void generation(const struct host_data *c, struct verdict_list *l)
{
	const struct machine_facts *f = &c->f;
	if (!c->igd)
		return;
	const struct igd_id_info *id = c->id;
	if (!id) {
		struct verdict *v = verdict_add(l, "generation", V_UNKNOWN);
		verdict_evidence(v, "device id 8086:%04x is not in igdkit's table (from Linux i915_pciids.h)",
				 f->igd_device_id);
		verdict_advice(v, "a newer iGPU than this igdkit knows: update igdkit");
		return;
	}
	char q10[40], q92[40], q91[40];
	struct verdict *v = verdict_add(l, "generation", id->gen >= 6 ? V_OK : V_FIX);
	verdict_evidence(v, "8086:%04x = %s (%s), graphics gen %d; QEMU <= 9.1 treats it as %s, 9.2 as %s, "
			    ">= 10.0 as %s",
			 f->igd_device_id, id->platform, id->cpu_gen, id->gen, qemu_gen_text(id->qemu91_gen, q91, sizeof(q91)),
			 qemu_gen_text(id->qemu92_gen, q92, sizeof(q92)), qemu_gen_text(id->qemu10_gen, q10, sizeof(q10)));
	if (id->gen < 6)
		verdict_advice(v, "graphics older than Sandy Bridge: QEMU's IGD assignment does not support it");
	else if (id->qemu92_gen < 0)
		verdict_advice(v, "known to igdkit; avoid pve-qemu-kvm 9.2 (PVE 8.4), which refuses legacy mode for "
				  "this device id");
	else
		verdict_advice(v, "known to igdkit and to every QEMU version in use");
}

static void mode(const struct host_data *c, struct verdict_list *l)
{
	const struct machine_facts *f = &c->f;
	if (!c->igd || !c->id || c->id->gen < 6)
		return;
	const struct igd_id_info *id = c->id;
	if (id->legacy_vbios) {
		struct verdict *v = verdict_add(l, "passthrough_mode", V_OK);
		verdict_evidence(v, "gen %d has a legacy VBIOS: legacy-igd=1 on i440fx with SeaBIOS and igd.rom "
				    "(legacy VBIOS) fits; OVMF with an EFI ROM (IgdAssignmentDxe + PlatformGopPolicy + "
				    "IntelGopDriver) also works",
				 id->gen);
		verdict_advice(v, "igdkit uses legacy-igd + SeaBIOS%s",
			       (c->igd->class_code >> 8) != 0x0300 || f->igd_ivd
				       ? "; QEMU >= 10.1 refuses legacy mode until the iGPU is the primary display"
				       : "");
	} else if (id->qemu10_gen >= 11) {
		struct verdict *v = verdict_add(l, "passthrough_mode", V_OK);
		verdict_evidence(v, "gen %d: no legacy VBIOS exists and SeaBIOS only programs the 32-bit BDSM, so "
				    "OVMF with an EFI option ROM (IgdAssignmentDxe + PlatformGopPolicy + IntelGopDriver) "
				    "is required",
				 id->gen);
		verdict_advice(v, "igdkit uses OVMF + EFI ROM (bios: ovmf, legacy-igd=1 on i440fx)");
	} else {
		struct verdict *v = verdict_add(l, "passthrough_mode", V_UNKNOWN);
		verdict_evidence(v, "%s (gen %d) has no IGD quirks in QEMU (igd_gen -1): only the OpRegion is "
				    "passed (QEMU >= 10.1 default), no BDSM/GGC emulation",
				 id->platform, id->gen);
		verdict_advice(v, "best effort only: OVMF + EFI ROM; expect to experiment");
	}
}

void check_igd(const struct host_data *c, struct verdict_list *l)
{
	present(c, l);
	primary(c, l);
	generation(c, l);
	mode(c, l);
}
