/* plan.c - from machine facts to the settings igdkit writes (reference/qemu-igd.md, failures.md) */
#include "plan.h"

#include <stdio.h>
#include <string.h>

/* Next whitespace-separated word of s at *pos into w; false at the end. */
static bool next_word(const char *s, size_t *pos, char *w, size_t len)
{
	while (s[*pos] == ' ' || s[*pos] == '\t' || s[*pos] == '\n')
		(*pos)++;
	if (!s[*pos])
		return false;
	size_t k = 0;
	while (s[*pos] && s[*pos] != ' ' && s[*pos] != '\t' && s[*pos] != '\n') {
		if (k + 1 < len)
			w[k++] = s[*pos];
		(*pos)++;
	}
	w[k] = 0;
	return true;
}

static bool has_word_prefix(const char *cmdline, const char *prefix)
{
	char w[PLAN_WORD_LEN];
	size_t pos = 0;
	while (next_word(cmdline, &pos, w, sizeof(w)))
		if (!strncmp(w, prefix, strlen(prefix)))
			return true;
	return false;
}

static void add(struct igd_plan *p, const char *w)
{
	if (p->nadd < PLAN_WORDS_MAX)
		snprintf(p->cmdline_add[p->nadd++], PLAN_WORD_LEN, "%s", w);
}

/* Words to drop: IOMMU switched off or the IGD's unit ignored, isolation downgrades, sharing modes. */
static bool word_must_go(const struct machine_facts *f, const char *w)
{
	if (!strncmp(w, "intel_iommu=", 12) && (strstr(w, "igfx_off") || strstr(w, "off")))
		return true;
	if (!strcmp(w, "iommu=off"))
		return true;
	if (!strncmp(w, "pcie_acs_override=", 18) && f->igd_group_alone != TRI_NO)
		return true;
	if (!strncmp(w, "vfio_iommu_type1.allow_unsafe_interrupts=", 41) && f->intr_remap == TRI_YES)
		return true;
	if (!strncmp(w, "i915.enable_gvt=", 16) || !strncmp(w, "i915.max_vfs=", 13) ||
	    !strncmp(w, "i915.enable_guc=", 16))
		return true;
	return false;
}

void plan_compute(const struct machine_facts *f, const struct plan_opts *o, struct igd_plan *p)
{
	memset(p, 0, sizeof(*p));
	p->route = ROUTE_NONE;
	p->route_name = "none";
	if (!f->igd_present || f->igd_gen < 6) {
		snprintf(p->why, sizeof(p->why), "%s",
			 !f->igd_present ? "no Intel iGPU at 00:02.0: there is nothing to pass through"
					 : "graphics older than Sandy Bridge: QEMU IGD assignment does not support it");
		return;
	}
	const char *cmd = f->cmdline;
	char w[PLAN_WORD_LEN];
	size_t pos = 0;
	while (next_word(cmd, &pos, w, sizeof(w)))
		if (word_must_go(f, w) && p->nremove < PLAN_WORDS_MAX)
			snprintf(p->cmdline_remove[p->nremove++], PLAN_WORD_LEN, "%s", w);
	/* intel_iommu=on: PVE kernels >= 6.8 default to it, older ones and Debian's igfx-off default need it. */
	if (!has_word_prefix(cmd, "intel_iommu=on") || strstr(cmd, "igfx_off"))
		add(p, "intel_iommu=on");
	if (!has_word_prefix(cmd, "iommu=pt"))
		add(p, "iommu=pt");
	/* The firmware framebuffer on the IGD aperture blocks BAR2 (failures.md #6). */
	if (f->fb_owns_bar2 == TRI_YES || (f->igd_class == 0x0300 && f->boot_vga != TRI_NO))
		if (!has_word_prefix(cmd, "initcall_blacklist=sysfb_init"))
			add(p, "initcall_blacklist=sysfb_init");

	snprintf(p->vfio_ids, sizeof(p->vfio_ids), "8086:%04x", f->igd_device_id);
	snprintf(p->modprobe_conf, sizeof(p->modprobe_conf),
		 "options vfio-pci ids=%s\nsoftdep i915 pre: vfio-pci\n", p->vfio_ids);
	snprintf(p->modules_load, sizeof(p->modules_load), "vfio\nvfio_iommu_type1\nvfio_pci\n");

	/* qemu-server's legacy-igd=1 wants i440fx and vga: none in every route. */
	snprintf(p->vm_machine, sizeof(p->vm_machine), "pc");
	snprintf(p->vm_vga, sizeof(p->vm_vga), "none");
	snprintf(p->hostpci0, sizeof(p->hostpci0), "0000:00:02.0,legacy-igd=1,romfile=igd.rom");
	bool qemu_known = o && o->qemu_major > 0;
	bool qemu_le_91 = qemu_known && (o->qemu_major < 9 || (o->qemu_major == 9 && o->qemu_minor <= 1));
	bool qemu_92 = qemu_known && o->qemu_major == 9 && o->qemu_minor == 2;
	if (f->igd_legacy_vbios && f->igd_gen <= 9) {
		p->route = ROUTE_LEGACY_SEABIOS;
		p->route_name = "legacy-igd + SeaBIOS (legacy VBIOS igd.rom)";
		snprintf(p->vm_bios, sizeof(p->vm_bios), "seabios");
		snprintf(p->why, sizeof(p->why),
			 "gen %d has a legacy VBIOS: classic legacy IGD assignment on i440fx with SeaBIOS "
			 "(works on QEMU <= 9.1 and >= 10.0%s)",
			 f->igd_gen, qemu_92 ? "; QEMU 9.2 may refuse this device id" : "");
	} else {
		p->route = ROUTE_OVMF_EFIROM;
		p->route_name = "OVMF + EFI option ROM (IgdAssignmentDxe + PlatformGopPolicy + IntelGopDriver)";
		snprintf(p->vm_bios, sizeof(p->vm_bios), "ovmf");
		snprintf(p->why, sizeof(p->why),
			 "gen %d has no legacy VBIOS and SeaBIOS cannot program its 64-bit BDSM: OVMF with an EFI "
			 "option ROM is the only route%s",
			 f->igd_gen, f->igd_gen > 12 || !strcmp(f->igd_platform ? f->igd_platform : "", "Meteor Lake") ||
					     (f->igd_platform && !strcmp(f->igd_platform, "Arrow Lake"))
					 ? " (QEMU has no quirks for this generation: best effort)"
					 : "");
	}
	/* QEMU <= 9.1 gives the guest no stolen memory unless told; >= 9.2 copies the host's. */
	if (qemu_le_91 && f->gms_value > 0)
		snprintf(p->args, sizeof(p->args), "-set device.hostpci0.x-igd-gms=0x%x", (unsigned)f->gms_value);
}

int plan_apply_cmdline(const struct igd_plan *p, const char *cmdline, char *out, size_t len)
{
	size_t used = 0, pos = 0;
	char w[PLAN_WORD_LEN];
	if (!len)
		return -1;
	out[0] = 0;
	for (int pass = 0; pass < 2; pass++) {
		size_t n = pass ? p->nadd : 0;
		pos = 0;
		for (size_t i = 0;; i++) {
			const char *word;
			if (!pass) {
				if (!next_word(cmdline, &pos, w, sizeof(w)))
					break;
				bool drop = false;
				for (size_t k = 0; k < p->nremove; k++)
					drop |= !strcmp(w, p->cmdline_remove[k]);
				if (drop)
					continue;
				word = w;
			} else {
				if (i >= n)
					break;
				word = p->cmdline_add[i];
			}
			int k = snprintf(out + used, len - used, "%s%s", used ? " " : "", word);
			if (k < 0 || (size_t)k >= len - used)
				return -1;
			used += (size_t)k;
		}
	}
	return 0;
}
