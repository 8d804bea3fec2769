/* decide.c - from machine facts and the target's versions to the settings igdkit writes
 * (reference/qemu-igd.md, failures.md). check prints this, install writes it. */
#include "plan/decide.h"

#include "lib/diag.h"

#include <ctype.h>
#include <stdarg.h>
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

bool plan_has_word(const char *cmdline, const char *word)
{
	size_t n = strlen(word);
	for (const char *s = cmdline; (s = strstr(s, word)); s += n) {
		bool left = s == cmdline || isspace((unsigned char)s[-1]) || s[-1] == '"' || s[-1] == '\'';
		char r = s[n];
		if (left && (r == 0 || isspace((unsigned char)r) || r == '"' || r == '\''))
			return true;
	}
	return false;
}

static void appendf(char *buf, size_t len, const char *fmt, ...) PRINTF_LIKE(3, 4);
static void appendf(char *buf, size_t len, const char *fmt, ...)
{
	size_t at = strlen(buf);
	if (at + 1 >= len)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf + at, len - at, fmt, ap);
	va_end(ap);
}

static void note(struct igd_plan *p, const char *fmt, ...) PRINTF_LIKE(2, 3);
static void note(struct igd_plan *p, const char *fmt, ...)
{
	if (p->nnotes >= PLAN_NOTES_MAX)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(p->notes[p->nnotes++], sizeof(p->notes[0]), fmt, ap);
	va_end(ap);
}

/* Words to drop: IOMMU switched off or the IGD's unit ignored, isolation downgrades, sharing modes. */
/* true when the comma-separated value of word (after '=') holds token */
static bool value_has_token(const char *word, const char *token)
{
	const char *v = strchr(word, '=');
	size_t tl = strlen(token);
	for (v = v ? v + 1 : word; *v; ) {
		size_t n = strcspn(v, ",");
		if (n == tl && !strncmp(v, token, tl))
			return true;
		v += n;
		if (*v == ',')
			v++;
	}
	return false;
}

/*
 * Words igdkit takes off the command line itself: only those that break IGD
 * passthrough or do nothing on this machine. pcie_acs_override stays even when
 * the iGPU is alone in its group: other devices the user passes through may
 * depend on it, so check advises and the user decides.
 */
bool plan_word_must_go(const struct machine_facts *f, const char *w)
{
	if (!strncmp(w, "intel_iommu=", 12) && (value_has_token(w, "igfx_off") || value_has_token(w, "off")))
		return true;
	if (!strcmp(w, "iommu=off"))
		return true;
	if (!strncmp(w, "vfio_iommu_type1.allow_unsafe_interrupts=", 41) && f->intr_remap == TRI_YES)
		return true;
	if (!strncmp(w, "i915.enable_gvt=", 16) || !strncmp(w, "i915.max_vfs=", 13) ||
	    !strncmp(w, "i915.enable_guc=", 16))
		return true;
	return false;
}

static void need(struct igd_plan *p, const char *word, const char *why)
{
	if (p->nneed >= PLAN_WORDS_MAX)
		return;
	snprintf(p->need[p->nneed].word, PLAN_WORD_LEN, "%s", word);
	snprintf(p->need[p->nneed].why, sizeof(p->need[0].why), "%s", why);
	p->nneed++;
}

/* The oldest target kernel below maj.min, or -1 (none, or kernels unknown). */
static int kernel_below(const struct plan_opts *o, int maj, int min)
{
	int found = -1;
	for (size_t i = 0; o && i < o->nkernels && i < PLAN_KERNELS_MAX; i++)
		if (o->kernel_major[i] < maj || (o->kernel_major[i] == maj && o->kernel_minor[i] < min))
			if (found < 0 || o->kernel_major[i] * 1000 + o->kernel_minor[i] <
						 o->kernel_major[found] * 1000 + o->kernel_minor[found])
				found = (int)i;
	return found;
}

static void plan_cmdline(const struct machine_facts *f, const struct plan_opts *o, struct igd_plan *p)
{
	bool kernels_known = o && o->nkernels > 0;
	int old = kernel_below(o, 6, 8);
	char why[200];
	/* PVE kernels turn the Intel IOMMU on by default from 6.8 (PVE 8.2); older ones need the word. */
	if (!kernels_known)
		need(p, "intel_iommu=on", "needed while kernels older than 6.8 are installed (PVE 7, PVE 8 before 8.2); "
					  "from 6.8 the Intel IOMMU is on by default");
	else if (old >= 0) {
		snprintf(why, sizeof(why), "the target has kernel %d.%d, older than 6.8, which leaves the Intel IOMMU off",
			 o->kernel_major[old], o->kernel_minor[old]);
		need(p, "intel_iommu=on", why);
	}
	/* The firmware framebuffer (sysfb -> simpledrm/efifb) sits on the iGPU's aperture (BAR2) unless
	 * another GPU is the boot display (failures.md #6). */
	bool other_console = f->dgpu_present && (f->boot_vga == TRI_NO || f->igd_class != 0x0300);
	if (f->fb_owns_bar2 == TRI_YES || !other_console)
		need(p, "initcall_blacklist=sysfb_init",
		     f->fb_owns_bar2 == TRI_YES ? "a firmware framebuffer sits in the iGPU's BAR2 and blocks vfio-pci"
						: "the iGPU is the boot display: no firmware framebuffer on its memory (BAR2)");

	const char *cmd = o && o->target_cmdline ? o->target_cmdline : f->cmdline;
	snprintf(p->compared_with, sizeof(p->compared_with), "%s",
		 o && o->target_cmdline ? (o->target_cmdline_name ? o->target_cmdline_name : "the target's command line")
					: "/proc/cmdline");
	char w[PLAN_WORD_LEN];
	size_t pos = 0;
	while (next_word(cmd, &pos, w, sizeof(w))) {
		/* a GRUB assignment keeps its quote on the first word */
		const char *bare = w;
		if (!strncmp(bare, "GRUB_CMDLINE_LINUX", 18)) {
			bare = strchr(w, '=');
			bare = bare ? bare + 1 : w;
		}
		while (*bare == '"' || *bare == '\'')
			bare++;
		char clean[PLAN_WORD_LEN];
		snprintf(clean, sizeof(clean), "%s", bare);
		size_t cl = strlen(clean);
		while (cl && (clean[cl - 1] == '"' || clean[cl - 1] == '\''))
			clean[--cl] = 0;
		if (!*clean || !plan_word_must_go(f, clean))
			continue;
		bool dup = false;
		for (size_t k = 0; k < p->nremove; k++)
			dup |= !strcmp(p->cmdline_remove[k], clean);
		if (!dup && p->nremove < PLAN_WORDS_MAX)
			snprintf(p->cmdline_remove[p->nremove++], PLAN_WORD_LEN, "%s", clean);
	}
	for (size_t i = 0; i < p->nneed; i++)
		if (!plan_has_word(cmd, p->need[i].word) && p->nadd < PLAN_WORDS_MAX)
			snprintf(p->cmdline_add[p->nadd++], PLAN_WORD_LEN, "%s", p->need[i].word);
}

static void plan_modules(const struct machine_facts *f, const struct plan_opts *o, struct igd_plan *p)
{
	snprintf(p->vfio_ids, sizeof(p->vfio_ids), "8086:%04x", f->igd_device_id);
	/* vfio-pci claims the id; the softdeps make sure it is loaded before a graphics driver can bind. */
	snprintf(p->modprobe_conf, sizeof(p->modprobe_conf), "options vfio-pci ids=%s\nsoftdep i915 pre: vfio-pci\n%s",
		 p->vfio_ids, f->igd_gen >= 12 ? "softdep xe pre: vfio-pci\n" : "");
	/* vfio_virqfd was merged into vfio in Linux 6.2: list it only for a known older kernel. */
	p->vfio_virqfd = kernel_below(o, 6, 2) >= 0;
	if (!o || !o->nkernels)
		snprintf(p->modules_note, sizeof(p->modules_note),
			 "plus vfio_virqfd while a kernel older than 6.2 (PVE 7) is installed");
	snprintf(p->modules_load, sizeof(p->modules_load), "vfio\nvfio_iommu_type1\nvfio_pci\n%s",
		 p->vfio_virqfd ? "# vfio_virqfd: a separate module only on kernels before 6.2\nvfio_virqfd\n" : "");
}

/* QEMU 9.2's igd_gen() table (qemu-igd.md): only these IDs get legacy mode there. */
static bool qemu92_knows(uint16_t id)
{
	static const uint8_t hi[] = { 0x01, 0x04, 0x0a, 0x0c, 0x0d, 0x0f, 0x16, 0x22, 0x19, 0x59, 0x3e, 0x45, 0x9a };
	if ((id & 0xfff) == 0xa84)
		return true;
	for (size_t i = 0; i < sizeof(hi); i++)
		if ((id >> 8) == hi[i])
			return true;
	return false;
}

/* QEMU 10.0's table adds CML, GLK, ICL, JSL, RKL, ADL and RPL (qemu-igd.md); 10.1+ keeps it. */
static bool qemu100_knows(uint16_t id)
{
	static const uint8_t hi[] = { 0x9b, 0x31, 0x8a, 0x4e, 0x4c, 0x46, 0xa7 };
	if (qemu92_knows(id))
		return true;
	for (size_t i = 0; i < sizeof(hi); i++)
		if ((id >> 8) == hi[i])
			return true;
	return false;
}

/* Does QEMU qv (major*100+minor) run this iGPU in legacy mode (SeaBIOS + VBIOS)? why gets the reason when not. */
static bool qemu_legacy_ok(int qv, const struct machine_facts *f, char *why, size_t wl)
{
	if (f->igd_gen < 6 || f->igd_gen > 9) {
		snprintf(why, wl, "legacy VBIOS exists only for Gen6-9 (this is Gen%d)", f->igd_gen);
		return false;
	}
	if (qv == 902 && !qemu92_knows(f->igd_device_id)) {
		snprintf(why, wl, "QEMU 9.2 does not know device 8086:%04x and refuses legacy mode", f->igd_device_id);
		return false;
	}
	if (qv >= 1000 && !qemu100_knows(f->igd_device_id)) {
		snprintf(why, wl, "QEMU %d.%d does not know device 8086:%04x and refuses legacy mode", qv / 100, qv % 100,
			 f->igd_device_id);
		return false;
	}
	if (qv >= 1001 && (f->igd_class != 0x0300 || (f->ggc & 2))) {
		snprintf(why, wl, "QEMU 10.1+ needs the iGPU as VGA device with IVD clear (class 0x%04x, GGC 0x%04x)",
			 f->igd_class, f->ggc);
		return false;
	}
	return true;
}

/* Does QEMU qv switch legacy mode on for this iGPU at all (the LPC bridge IDs the GOP checks come
 * with it)? Only versions that have x-igd-lpc (10.0+) are asked. */
static bool qemu_legacy_mode(int qv, const struct machine_facts *f)
{
	if (qv >= 1001)
		return f->igd_gen >= 6 && f->igd_gen <= 9 && qemu100_knows(f->igd_device_id) && f->igd_class == 0x0300 &&
		       !(f->ggc & 2);
	if (qv == 1000)
		return qemu100_knows(f->igd_device_id);
	return true;
}

static void slug(const char *s, char *out, size_t len)
{
	size_t o = 0;
	for (; s && *s && o + 1 < len; s++) {
		if (isalnum((unsigned char)*s))
			out[o++] = (char)tolower((unsigned char)*s);
		else if (o && out[o - 1] != '-')
			out[o++] = '-';
	}
	while (o && out[o - 1] == '-')
		o--;
	out[o] = 0;
}

/* "pc-i440fx-8.1+pve0" -> 801; 0 when it has no version. */
static int machine_version(const char *m)
{
	const char *v = strstr(m, "i440fx-");
	if (!v)
		return 0;
	int a, b;
	if (sscanf(v + 7, "%d.%d", &a, &b) != 2)
		return 0;
	return a * 100 + b;
}

/* The VM side for one QEMU version (qmaj.qmin, known or assumed). */
static void plan_vm(const struct machine_facts *f, const struct plan_opts *o, int qmaj, int qmin, bool known,
		    struct igd_plan *p)
{
	int qv = qmaj * 100 + qmin;
	bool rom_known = o && o->rom_known;
	bool rom_legacy = rom_known ? o->rom_legacy : f->igd_legacy_vbios && f->igd_gen >= 6 && f->igd_gen <= 9;
	bool rom_efi = rom_known ? o->rom_efi : true;
	/* an unknown ROM is the one igdkit makes for the route: with the VBIOS for SeaBIOS, the OVMF
	 * chain otherwise ('rom make --uefi' for a Gen6-9 that has a VBIOS) */
	bool rom_chain = rom_known ? o->rom_chain : true;
	bool legacy_other = rom_known && rom_legacy && o->rom_legacy_other;
	bool guest_uefi = o && o->vm_bios && !strcmp(o->vm_bios, "ovmf");
	char why[200] = "";
	bool legacy_ok = qemu_legacy_ok(qv, f, why, sizeof(why));
	bool legacy = rom_legacy && !legacy_other && legacy_ok && !guest_uefi;
	if (rom_legacy && !legacy)
		snprintf(p->legacy_refused, sizeof(p->legacy_refused), "%s",
			 guest_uefi ? "the VM already boots UEFI (bios: ovmf)"
			 : legacy_other ? "the ROM's VBIOS names another device, so SeaBIOS would not run it" : why);
	bool ovmf = !legacy && rom_efi && rom_chain;
	/* Gen6-9 without a VBIOS SeaBIOS runs: QEMU's legacy mode and SeaBIOS still set up OpRegion and
	 * stolen memory from the ROM's presence, so the OS driver works (the seed's own setup). */
	bool seabios_efi = !legacy && !ovmf && (rom_efi || legacy_other) && legacy_ok && !guest_uefi;
	if (!legacy && !ovmf && !seabios_efi) {
		p->route = ROUTE_NONE;
		p->route_name = "none";
		if (!rom_legacy && !rom_efi)
			snprintf(p->why, sizeof(p->why), "the ROM has neither a legacy VBIOS nor an EFI image");
		else if (rom_efi)
			snprintf(p->why, sizeof(p->why),
				 "OVMF needs the whole chain (IGD assignment, GOP policy, GOP) and this ROM lacks it; SeaBIOS is out: "
				 "%s; 'igdkit rom make IMAGE --device 8086:%04x' makes the chain",
				 guest_uefi ? "the VM already boots UEFI (bios: ovmf)" : why, f->igd_device_id);
		else
			snprintf(p->why, sizeof(p->why),
				 "the ROM has only a legacy VBIOS, but %s; build an EFI ROM with 'igdkit rom make'",
				 p->legacy_refused);
		return;
	}
	const char *plat = f->igd_platform ? f->igd_platform : NULL;
	if (legacy) {
		p->route = ROUTE_LEGACY_SEABIOS;
		p->route_name = "legacy-igd + SeaBIOS (legacy VBIOS ROM)";
		snprintf(p->vm_bios, sizeof(p->vm_bios), "seabios");
		snprintf(p->why, sizeof(p->why),
			 "gen %d has a legacy VBIOS and QEMU %d.%d%s runs it in legacy mode: classic legacy IGD assignment "
			 "on i440fx with SeaBIOS",
			 f->igd_gen, qmaj, qmin, known ? "" : " (assumed)");
	} else if (seabios_efi) {
		p->route = ROUTE_SEABIOS_EFIROM;
		p->route_name = "legacy-igd + SeaBIOS (ROM without a VBIOS for this device: no picture before the OS driver)";
		snprintf(p->vm_bios, sizeof(p->vm_bios), "seabios");
		snprintf(p->why, sizeof(p->why),
			 "the ROM has %s: QEMU %d.%d%s still runs the iGPU in legacy mode and SeaBIOS sets up OpRegion and "
			 "stolen memory, so the guest's driver works, but nothing shows before it loads; for a picture from "
			 "power-on make the OVMF chain ('igdkit rom make IMAGE --uefi')",
			 legacy_other ? "a VBIOS for another device" : "no VBIOS (EFI images only)", qmaj, qmin,
			 known ? "" : " (assumed)");
	} else {
		p->route = ROUTE_OVMF_EFIROM;
		p->route_name = "OVMF + EFI option ROM (IgdAssignmentDxe + PlatformGopPolicy + IntelGopDriver)";
		snprintf(p->vm_bios, sizeof(p->vm_bios), "ovmf");
		bool no_quirks = f->igd_gen > 12 || (plat && (!strcmp(plat, "Meteor Lake") || !strcmp(plat, "Arrow Lake")));
		if (*p->legacy_refused)
			snprintf(p->why, sizeof(p->why), "not the legacy route: %s; OVMF with an EFI option ROM instead%s",
				 p->legacy_refused, no_quirks ? " (QEMU has no quirks for this generation: best effort)" : "");
		else if (f->igd_gen >= 6 && f->igd_gen <= 9 && legacy_ok && !guest_uefi)
			snprintf(p->why, sizeof(p->why),
				 "the ROM holds no legacy VBIOS (EFI images only): OVMF with the EFI option ROM (a ROM with "
				 "the VBIOS would give the legacy route on QEMU %d.%d)", qmaj, qmin);
		else
			snprintf(p->why, sizeof(p->why),
				 "gen %d has no legacy VBIOS and SeaBIOS cannot program its 64-bit BDSM: OVMF with an EFI "
				 "option ROM is the only route%s",
				 f->igd_gen, no_quirks ? " (QEMU has no quirks for this generation: best effort)" : "");
		if (f->igd_gen >= 11 && qv < 902)
			note(p, "QEMU %d.%d treats Gen%d as Gen8 (32-bit BDSM); upgrade pve-qemu-kvm to >= 9.2 for this iGPU",
			     qmaj, qmin, f->igd_gen);
	}
	p->vmid = o ? o->vmid : 0;
	/* qemu-server's legacy-igd=1 wants i440fx and vga: none in every route. */
	snprintf(p->vm_vga, sizeof(p->vm_vga), "none");
	int slot = o && o->hostpci_slot > 0 ? o->hostpci_slot : 0;
	snprintf(p->hostpci_key, sizeof(p->hostpci_key), "hostpci%d", slot);

	/* ROM name: what it is for, so /usr/share/kvm says it. */
	if (o && o->rom_name && *o->rom_name) {
		snprintf(p->rom_name, sizeof(p->rom_name), "%s", o->rom_name);
	} else {
		char sl[64];
		slug(plat ? plat : "intel", sl, sizeof(sl));
		const char *kind = rom_known ? (rom_legacy && rom_efi ? "vbios-efi" : rom_legacy ? "vbios" : "efi")
					     : legacy ? "vbios" : "efi";
		snprintf(p->rom_name, sizeof(p->rom_name), "igd-%s-8086-%04x-%s.rom", sl, f->igd_device_id, kind);
		if (!rom_known)
			snprintf(p->rom_note, sizeof(p->rom_note),
				 "the name follows what the ROM holds: -vbios, -efi or -vbios-efi (this assumes a ROM with %s)",
				 legacy ? "the legacy VBIOS only"
				 : rom_legacy ? "the OVMF chain: 'igdkit rom make IMAGE --uefi' leaves the VBIOS out"
					      : "EFI images only");
	}
	snprintf(p->hostpci0, sizeof(p->hostpci0), "0000:00:02.0,legacy-igd=1,romfile=%s", p->rom_name);

	/* machine: i440fx (legacy-igd is refused on q35), pinned to a version this QEMU has: a
	 * Windows guest without a pin gets an old machine version. */
	int mv = o && o->vm_machine ? machine_version(o->vm_machine) : 0;
	if (known && mv && mv <= qv) {
		snprintf(p->vm_machine, sizeof(p->vm_machine), "%s", o->vm_machine);
		p->machine_kept = true;
	} else if (known)
		snprintf(p->vm_machine, sizeof(p->vm_machine), "pc-i440fx-%d.%d", qmaj, qmin);
	else
		snprintf(p->vm_machine, sizeof(p->vm_machine), "pc-i440fx-X.Y");

	/* args: x-igd-gms only where QEMU zeroes the guest's stolen memory (<= 9.1); x-igd-opregion
	 * where legacy mode will not switch it on (9.2/10.0 with an ID they do not know; 10.1+ turns
	 * it on for any IGD by default). */
	p->args[0] = 0;
	if (qv <= 901) {
		if (f->gms_value >= 1 && f->gms_value <= 0x10)
			snprintf(p->args, sizeof(p->args), "-set device.%s.x-igd-gms=0x%x", p->hostpci_key,
				 (unsigned)f->gms_value);
		else
			note(p, "host DVMT pre-allocation (%u MiB) cannot be passed to QEMU %d.%d (x-igd-gms 1..0x10): "
				"set it to 64 MiB in the BIOS",
			     f->gms_mib, qmaj, qmin);
	}
	bool opregion_off = (qv == 902 && !qemu92_knows(f->igd_device_id)) || (qv == 1000 && !qemu100_knows(f->igd_device_id));
	if (!legacy && opregion_off)
		appendf(p->args, sizeof(p->args), "%s-set device.%s.x-igd-opregion=on", *p->args ? " " : "", p->hostpci_key);
	/* Legacy mode used to bring the host's LPC bridge IDs at 00:1f.0, which Intel's GOP checks; where
	 * QEMU (10.0+, which has the switch) does not enter legacy mode for this iGPU -- Gen11+ from
	 * 10.1 on -- the OVMF route asks for them. */
	if (ovmf && qv >= 1000 && !qemu_legacy_mode(qv, f))
		appendf(p->args, sizeof(p->args), "%s-set device.%s.x-igd-lpc=on", *p->args ? " " : "", p->hostpci_key);
	if (ovmf) {
		if (!o || !o->vm_efi_known)
			note(p, "give the VM an EFI disk without pre-enrolled Secure Boot keys: with keys enrolled, OVMF "
				"refuses the unsigned drivers in igd.rom");
		else if (o->vm_efi_keys)
			note(p, "VM %u's EFI disk has Secure Boot keys enrolled (pre-enrolled-keys=1): OVMF refuses the "
				"unsigned drivers in igd.rom; switch Secure Boot off in the VM's firmware setup or recreate "
				"the EFI disk without pre-enrolled keys", o->vmid);
	}
}

/* One line for a QEMU bucket: route and args as that version would get them. */
static void describe_version(const struct machine_facts *f, const struct plan_opts *o, int qmaj, int qmin,
			     const char *label, char *buf, size_t len)
{
	struct igd_plan v;
	memset(&v, 0, sizeof(v));
	plan_vm(f, o, qmaj, qmin, true, &v);
	if (v.route == ROUTE_NONE) {
		appendf(buf, len, "%s%s: no route (%s)", *buf ? "; " : "", label, v.why);
		return;
	}
	appendf(buf, len, "%s%s: %s, bios: %s, %s%s", *buf ? "; " : "", label,
		v.route == ROUTE_LEGACY_SEABIOS ? "legacy mode" : "UEFI route", v.vm_bios, *v.args ? "args: " : "no args",
		v.args);
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
	plan_cmdline(f, o, p);
	plan_modules(f, o, p);
	p->qemu_known = o && o->qemu_major > 0;
	if (p->qemu_known) {
		plan_vm(f, o, o->qemu_major, o->qemu_minor, true, p);
		return;
	}
	/* Unknown target: the plan for 10.0 (PVE 9.0), and what the other versions change. */
	plan_vm(f, o, 10, 0, false, p);
	char buf[sizeof(p->qemu_depends)] = "";
	describe_version(f, o, 9, 1, "<= 9.1 (PVE 7, 8.0-8.3)", buf, sizeof(buf));
	describe_version(f, o, 9, 2, "9.2 (PVE 8.4)", buf, sizeof(buf));
	describe_version(f, o, 10, 0, "10.0 (PVE 9.0)", buf, sizeof(buf));
	describe_version(f, o, 10, 1, "10.1+ (PVE 9.1+)", buf, sizeof(buf));
	snprintf(p->qemu_depends, sizeof(p->qemu_depends),
		 "depends on the target's QEMU version: %s; machine: pc-i440fx-X.Y, X.Y = the installed pve-qemu-kvm", buf);
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

void plan_opts_use_rom(struct plan_opts *o, const struct rom_summary *rs, uint16_t device)
{
	o->rom_known = true;
	o->rom_legacy = rs->has_legacy;
	o->rom_efi = rs->has_efi;
	o->rom_chain = rs->ovmf_chain;
	o->rom_legacy_other = rs->has_legacy && device && !rom_legacy_runs_on(rs, device);
}
