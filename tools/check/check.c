/* check.c - igdkit check: prove every IGD passthrough prerequisite of this machine */
#include "check/check.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "verdict/verdict.h"
#include "verdict/bios_setup.h"
#include "plan/decide.h"
#include "report/check_report.h"
#include "pve/target.h"
#include "plan/changes.h"
#include "rom/check.h"
#include "rom/fit.h"
#include "lib/file.h"
#include "host/firmware_access.h"

static const char synopsis[] =
	"usage: igdkit check [--root DIR] [--pci-dump FILE] [--firmware FILE] [--qemu X.Y] [--rom FILE] [--vmid N] [--json]\n"
	"                    [--boot-to-setup] [--test-accept VID:DID]\n"
	"\n"
	"Gives a verdict (ok / fix / unknown) with evidence and advice for VT-x, VT-d (ACPI DMAR),\n"
	"the IOMMU and 00:02.0's group, the iGPU (present, primary, generation, passthrough mode),\n"
	"boot mode and Secure Boot, stolen memory (GGC) and OpRegion, the host kernel and known\n"
	"breakages, then prints the settings igdkit install would write (for the Proxmox VE install\n"
	"under --root when there is one, else for --qemu X.Y or for every QEMU version). With IGDKIT_STICK set\n"
	"the text report is also saved to $IGDKIT_STICK/logs/check-<UTC time>.txt.\n"
	"--firmware FILE (on the stick: the one firmware file at the top of the IGDKIT partition) adds the\n"
	"BIOS Setup values: where VT-d, CSM, primary display and internal graphics live in the board's forms,\n"
	"and what the UEFI variables say they are set to.\n"
	"Run as root, it also reads the OpRegion at ASLS (signature, version, VBT) through /dev/mem and\n"
	"the memory map under ASLS and BDSM: inside a VM this shows whether the guest firmware set up\n"
	"the IGD assignment (the stick's \"firmware access\" boot entry lets the kernel allow the read).\n"
	"--boot-to-setup asks the firmware to open its setup at the next boot (UEFI OsIndications, as\n"
	"'systemctl reboot --firmware-setup' does), to make the changes the report asks for; reboot after.\n"
	"--test-accept VID:DID (tests only) takes that emulated device at 00:02.0 as a Gen12 iGPU.\n"
	"Exit status: 0 all ok, 1 something to fix, 2 usage, 3 cannot read the machine.";

int cmd_check(struct ctx *ctx, int argc, char **argv)
{
	const char *qemu = NULL, *rom = NULL, *firmware = NULL, *test_accept = NULL;
	bool boot_to_setup = false;
	unsigned long vmid = 0;
	const struct opt own[] = {
		{ "vmid", 0, OPT_ULONG, &vmid, "N", "plan for this existing VM of the --root target (its machine pin, bios, slot, ROM)" },
		{ "qemu", 0, OPT_STR, &qemu, "X.Y", "plan for this pve-qemu-kvm version (default: the one under --root, else every version)" },
		{ "rom", 0, OPT_STR, &rom, "FILE", "plan for this option ROM (what igdkit install --rom would get)" },
		{ "firmware", 0, OPT_STR, &firmware, "FILE", "the board's firmware file: read its BIOS Setup options' current values" },
		{ "boot-to-setup", 0, OPT_BOOL, &boot_to_setup, NULL, "after the report, have the firmware open its setup at the next boot" },
		{ "test-accept", 0, OPT_STR, &test_accept, "VID:DID", "tests only: take this emulated device at 00:02.0 as the iGPU" },
		{ 0 },
	};
	int rc = cmd_parse_noargs(ctx, synopsis, own, argc, argv);
	if (rc != CMD_PARSED)
		return rc;
	/* The live machine's firmware only: a --root tree has none to ask. */
	if (boot_to_setup && ctx->root && strcmp(ctx->root, "/"))
		return cmd_fail(ctx, EXIT_USAGE, "--boot-to-setup asks this machine's firmware: not with --root");
	struct collect_opts co = { 0 };
	if (test_accept && (rom_parse_device_id(test_accept, &co.test_vendor, &co.test_device) < 0 || !co.test_vendor))
		return cmd_fail(ctx, EXIT_USAGE, "--test-accept '%s': expected VID:DID in hex, e.g. 8086:100e", test_accept);
	int qmaj = 0, qmin = 0;
	if (qemu && (sscanf(qemu, "%d.%d", &qmaj, &qmin) != 2 || qmaj < 1))
		return cmd_fail(ctx, EXIT_USAGE, "--qemu wants a version like 9.2, not '%s'", qemu);
	struct stat st;
	if (ctx->root && strcmp(ctx->root, "/") && (stat(ctx->root, &st) < 0 || !S_ISDIR(st.st_mode)))
		return cmd_fail(ctx, EXIT_INPUT, "--root %s: not a directory", ctx->root);
	if (ctx->pci_dump && access(ctx->pci_dump, R_OK) < 0)
		return cmd_fail(ctx, EXIT_INPUT, "--pci-dump %s: cannot read it", ctx->pci_dump);
	/* The ROM decides the route as it does for install: a VBIOS for legacy mode, EFI images for OVMF. */
	struct rom_summary rs = { 0 };
	struct file_buf romfb = { 0 };
	if (rom) {
		char ferr[256];
		struct diag rd;
		diag_init(&rd);
		if (file_read(rom, 16u << 20, &romfb, ferr, sizeof(ferr)) < 0) {
			diag_free(&rd);
			return cmd_fail(ctx, EXIT_INPUT, "--rom %s: %s", rom, ferr);
		}
		if (rom_summarize(romfb.data, romfb.len, &rs, &rd) < 0) {
			int code = cmd_fail(ctx, EXIT_INPUT, "--rom %s: not a PCI option ROM: %s", rom, diag_last(&rd));
			diag_free(&rd);
			file_buf_free(&romfb);
			return code;
		}
		diag_free(&rd);
	}

	struct host_data *c = calloc(1, sizeof(*c));
	struct verdict_list *l = calloc(1, sizeof(*l));
	struct igd_plan *p = calloc(1, sizeof(*p));
	struct bios_setup *bs = calloc(1, sizeof(*bs));
	if (!c || !l || !p || !bs) {
		file_buf_free(&romfb);
		free(c);
		free(l);
		free(p);
		free(bs);
		return cmd_fail(ctx, EXIT_INTERNAL, "out of memory");
	}
	struct diag d;
	diag_init(&d);
	int crc = host_collect_opts(ctx->root, ctx->pci_dump, &co, c, &d);
	if (ctx->verbose)
		cmd_print_diag(ctx, "check", &d);
	int code;
	if (crc < 0 && ctx->pci_dump) {
		code = cmd_fail(ctx, EXIT_INPUT, "--pci-dump %s: %s", ctx->pci_dump, c->pci_err);
		goto out;
	}
	check_all(c, l);
	/* The stick's own firmware file belongs to the machine it booted, not to a --root tree. */
	bool live = !ctx->root || !strcmp(ctx->root, "/");
	if (bios_setup_collect(&c->host, firmware, live ? getenv("IGDKIT_STICK") : NULL, bs) < 0) {
		code = cmd_fail(ctx, EXIT_INTERNAL, "out of memory");
		goto out;
	}
	if (firmware && !bs->s) {
		code = cmd_fail(ctx, EXIT_INPUT, "--firmware %s", bs->err);
		goto out;
	}
	if (bs->stick_note[0] && ctx->verbose)
		cmd_progress(ctx, "%s", bs->stick_note);
	check_bios_setup(c, bs, l);
	/* The plan for the PVE install under --root when there is one (the versions install would
	 * use), else for --qemu / an unknown target. */
	struct pve_target *t = calloc(1, sizeof(*t));
	struct plan_opts po = { 0 };
	char *target_cmd = NULL;
	struct install_vm_now vm = { 0 };
	bool have_target = false;
	if (t) {
		struct diag td;
		diag_init(&td);
		if (target_probe(ctx->root ? ctx->root : "/", t, &td) == 0) {
			install_plan_opts(t, &po);
			target_cmd = install_target_cmdline(t, &td);
			po.target_cmdline = target_cmd;
			po.target_cmdline_name = install_target_cmdline_name(t);
			have_target = true;
			if (vmid) {
				int vr = install_vm_now(t, (unsigned)vmid, c->f.igd_device_id, &vm, &td);
				if (vr < 0)
					cmd_warn(ctx, "VM %lu: %s; planning for a new VM", vmid, diag_last(&td));
				else if (vr == 0)
					cmd_warn(ctx, "VM %lu does not exist on this target; planning for a new VM", vmid);
			}
			target_free(t);
		}
		diag_free(&td);
	}
	free(t);
	if (qmaj) {
		po.qemu_major = qmaj;
		po.qemu_minor = qmin;
	}
	if (vmid && !have_target)
		cmd_warn(ctx, "--vmid %lu: no Proxmox VE install under --root; planning for a new VM", vmid);
	/* A VM igdkit install creates has no EFI disk, so no Secure Boot keys; an existing one says. */
	po.vm_efi_known = have_target;
	if (vm.exists) {
		po.vm_efi_keys = vm.efi_keys;
		po.vmid = (unsigned)vmid;
		po.vm_bios = vm.bios[0] ? vm.bios : NULL;
		po.vm_machine = vm.machine[0] ? vm.machine : NULL;
		po.hostpci_slot = vm.slot > 0 ? vm.slot : 0;
		if (!rom && vm.rom_name[0]) {
			/* install keeps the ROM the VM already uses, and routes by what it holds */
			po.rom_name = vm.rom_name;
			po.rom_known = vm.rom_ok;
			po.rom_legacy = vm.rom_legacy;
			po.rom_efi = vm.rom_efi;
			po.rom_chain = vm.rom_chain;
			po.rom_legacy_other = vm.rom_legacy_other;
		}
	}
	if (rom)
		plan_opts_use_rom(&po, &rs, c->f.igd_device_id);
	plan_compute(&c->f, &po, p);
	free(target_cmd);
	/* The route verdict speaks for the plan: what install will really write for this target. */
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i].id, "passthrough_mode") && p->route != ROUTE_NONE)
			verdict_advice(&l->v[i], "igdkit plans %s%s: %s", p->route_name,
				       p->qemu_known ? "" : " (for QEMU 10.0; the target's version decides, see the plan)",
				       p->why);
	if (rom && c->f.igd_present && c->f.igd_device_id && p->nnotes < PLAN_NOTES_MAX) {
		/* the same acceptance test install makes before it writes anything */
		struct diag rd;
		diag_init(&rd);
		struct rom_summary fit;
		if (rom_fits_igd(romfb.data, romfb.len, c->f.igd_device_id, &fit, &rd) < 0)
			snprintf(p->notes[p->nnotes++], sizeof(p->notes[0]), "install refuses this ROM: %s", diag_last(&rd));
		diag_free(&rd);
	}
	code = verdicts_need_fix(l) ? EXIT_FINDINGS : EXIT_OK;
	if (crc < 0 && !verdicts_need_fix(l))
		code = EXIT_INPUT;
	if (ctx->json)
		report_json(ctx->out, c, bs, l, p, code);
	else
		report_text(ctx->out, c, bs, l, p, isatty(fileno(ctx->out)) && !getenv("NO_COLOR"));
	const char *stick = getenv("IGDKIT_STICK");
	if (stick && *stick) {
		char path[4300], err[512];
		if (report_write_stick(stick, c, bs, l, p, path, sizeof(path), err, sizeof(err)) < 0)
			cmd_warn(ctx, "report not saved on the stick: %s", err);
		else
			cmd_progress(ctx, "report saved to %s", path);
	}
	if (boot_to_setup) {
		struct diag sd;
		diag_init(&sd);
		if (fw_request_setup_on_next_boot(&sd) < 0)
			code = cmd_fail(ctx, EXIT_INPUT, "--boot-to-setup: %s", diag_last(&sd));
		else
			cmd_progress(ctx, "the firmware will open its setup at the next boot (OsIndications): reboot to get there");
		diag_free(&sd);
	}
out:
	file_buf_free(&romfb);
	diag_free(&d);
	host_data_free(c);
	bios_setup_free(bs);
	free(bs);
	free(c);
	free(l);
	free(p);
	return code;
}
