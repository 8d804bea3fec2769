/* bootmode.c - verdicts "boot_mode" (UEFI or legacy/CSM) and "secure_boot" (efivars through libefivar) */
#include "verdict/verdict.h"

#include <stdio.h>

void check_bootmode(const struct host_data *c, struct verdict_list *l)
{
	const struct machine_facts *f = &c->f;
	bool legacy_route = c->id && c->id->legacy_vbios;
	bool have_igd = c->igd && c->id && c->id->gen >= 6;
	const char *route = !have_igd ? ""
			  : legacy_route ? " This iGPU can use the legacy-igd + SeaBIOS route (legacy VBIOS) or the "
					   "UEFI/GOP-ROM route."
					 : " This iGPU has no legacy VBIOS: only the UEFI route (OVMF + EFI ROM) works, "
					   "whatever the host booted with.";
	if (f->uefi_boot == TRI_YES) {
		struct verdict *v = verdict_add(l, "boot_mode", V_OK);
		verdict_evidence(v, "UEFI boot (/sys/firmware/efi present); CSM state is not visible from a UEFI boot");
		verdict_advice(v, "fine for both routes.%s%s", route,
			       legacy_route ? " The host has no shadow VBIOS after a UEFI boot, so igdkit takes the "
					      "legacy VBIOS from the board firmware (igdkit rom make) instead."
					    : "");
	} else if (f->uefi_boot == TRI_NO) {
		struct verdict *v = verdict_add(l, "boot_mode", V_OK);
		verdict_evidence(v, "legacy BIOS boot (no /sys/firmware/efi): CSM is enabled");
		verdict_advice(v, "fine.%s%s", route,
			       legacy_route ? " After a CSM boot the host's shadow copy of the legacy VBIOS can be "
					      "read from the iGPU's rom file."
					    : "");
	} else {
		struct verdict *v = verdict_add(l, "boot_mode", V_UNKNOWN);
		verdict_evidence(v, "/sys/firmware not visible");
		verdict_advice(v, "run igdkit check on the machine itself.%s", route);
	}

	if (f->uefi_boot == TRI_NO) {
		struct verdict *v = verdict_add(l, "secure_boot", V_OK);
		verdict_evidence(v, "legacy boot: Secure Boot does not apply");
		verdict_advice(v, "nothing to do");
		return;
	}
	if (f->secure_boot == TRI_UNKNOWN) {
		struct verdict *v = verdict_add(l, "secure_boot", V_UNKNOWN);
		verdict_evidence(v, "SecureBoot variable not read: %s", c->sb.why);
		verdict_advice(v, "mount efivarfs (mount -t efivarfs efivarfs /sys/firmware/efi/efivars) and run "
				  "igdkit check as root");
		return;
	}
	struct verdict *v = verdict_add(l, "secure_boot", V_OK);
	verdict_evidence(v, "SecureBoot=%d, SetupMode=%s (efivars via libefivar)", f->secure_boot == TRI_YES,
			 f->setup_mode == TRI_YES ? "1" : f->setup_mode == TRI_NO ? "0" : "unknown");
	if (f->secure_boot == TRI_YES)
		verdict_advice(v, "Secure Boot is on: full passthrough works with Proxmox's signed kernel. It forces "
				  "CSM off on most boards (no shadow VBIOS) and out-of-tree modules such as "
				  "i915-sriov-dkms would need MOK signing");
	else if (f->setup_mode == TRI_YES)
		verdict_advice(v, "Secure Boot is off and the firmware is in Setup Mode (no platform key): nothing "
				  "to do for passthrough");
	else
		verdict_advice(v, "Secure Boot is off: nothing to do");
}
