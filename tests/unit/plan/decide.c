/* tests for tools/plan/decide.c: the settings igdkit would write (reference/qemu-igd.md) */
#include "helpers.h"

#include <stdio.h>
#include <string.h>

#include "plan/decide.h"

static struct machine_facts facts_cml(void)
{
	struct machine_facts f = facts_igd(0x9bc8, 9, "Comet Lake");
	f.igd_legacy_vbios = true;
	f.intr_remap = TRI_YES;
	snprintf(f.cmdline, sizeof(f.cmdline), "ro quiet");
	return f;
}

static void test_legacy_route(void **state)
{
	(void)state;
	struct machine_facts f = facts_cml();
	struct igd_plan p;
	struct plan_opts o = { .qemu_major = 10, .qemu_minor = 1 };
	plan_compute(&f, &o, &p);
	assert_int_equal(p.route, ROUTE_LEGACY_SEABIOS);
	assert_string_equal(p.vm_bios, "seabios");
	/* a pinned i440fx version the installed QEMU has, as install writes it (qemu-igd.md: no pin
	 * gives a Windows guest an old machine version) */
	assert_string_equal(p.vm_machine, "pc-i440fx-10.1");
	assert_string_equal(p.vm_vga, "none");
	/* the ROM under the name install gives it: what it is and what it is for */
	assert_string_equal(p.hostpci0, "0000:00:02.0,legacy-igd=1,romfile=igd-comet-lake-8086-9bc8-vbios.rom");
	assert_string_equal(p.args, "");	/* QEMU >= 9.2 copies the host GMS */
	assert_string_equal(p.vfio_ids, "8086:9bc8");
	assert_string_equal(p.modprobe_conf, "options vfio-pci ids=8086:9bc8\nsoftdep i915 pre: vfio-pci\n");
	/* iommu=pt is optional (qemu-igd.md), so neither check nor install plans it */
	assert_int_equal(p.nadd, 2);
	assert_string_equal(p.cmdline_add[0], "intel_iommu=on");
	assert_string_equal(p.cmdline_add[1], "initcall_blacklist=sysfb_init");
	o.qemu_major = 8;
	o.qemu_minor = 1;
	plan_compute(&f, &o, &p);
	assert_string_equal(p.args, "-set device.hostpci0.x-igd-gms=0x2");
	o.qemu_major = 9;
	o.qemu_minor = 2;
	plan_compute(&f, &o, &p);
	/* QEMU 9.2's table lacks Comet Lake: legacy mode is refused there (qemu-igd.md), so the
	 * UEFI route, and the OpRegion has to be asked for */
	assert_non_null(strstr(p.why, "QEMU 9.2 does not know device 8086:9bc8"));
	assert_int_equal(p.route, ROUTE_OVMF_EFIROM);
	assert_string_equal(p.vm_bios, "ovmf");
	assert_string_equal(p.args, "-set device.hostpci0.x-igd-opregion=on");
	assert_string_equal(p.hostpci0, "0000:00:02.0,legacy-igd=1,romfile=igd-comet-lake-8086-9bc8-efi.rom");
}

static void test_ovmf_route_and_cmdline_cleanup(void **state)
{
	(void)state;
	struct machine_facts f = facts_cml();
	f.igd_device_id = 0x46d0;
	f.igd_gen = 12;
	f.igd_platform = "Alder Lake-N / Twin Lake";
	f.igd_legacy_vbios = false;
	snprintf(f.cmdline, sizeof(f.cmdline),
		 "ro intel_iommu=on,igfx_off iommu=pt pcie_acs_override=downstream i915.max_vfs=7 "
		 "vfio_iommu_type1.allow_unsafe_interrupts=1 initcall_blacklist=sysfb_init");
	struct igd_plan p;
	plan_compute(&f, NULL, &p);
	assert_int_equal(p.route, ROUTE_OVMF_EFIROM);
	assert_string_equal(p.vm_bios, "ovmf");
	/* pcie_acs_override stays: other passed-through devices may rely on it */
	assert_int_equal(p.nremove, 3);
	assert_string_equal(p.cmdline_remove[0], "intel_iommu=on,igfx_off");
	assert_string_equal(p.cmdline_remove[1], "i915.max_vfs=7");
	assert_string_equal(p.cmdline_remove[2], "vfio_iommu_type1.allow_unsafe_interrupts=1");
	assert_int_equal(p.nadd, 1);
	assert_string_equal(p.cmdline_add[0], "intel_iommu=on");
	char out[1024];
	assert_int_equal(plan_apply_cmdline(&p, f.cmdline, out, sizeof(out)), 0);
	assert_string_equal(out, "ro iommu=pt pcie_acs_override=downstream initcall_blacklist=sysfb_init intel_iommu=on");
	/* only the tokens off and igfx_off condemn an intel_iommu word: sm_off is a real option */
	assert_false(plan_word_must_go(&f, "intel_iommu=on,sm_off"));
	assert_true(plan_word_must_go(&f, "intel_iommu=off"));
	assert_true(plan_word_must_go(&f, "intel_iommu=igfx_off,on"));
	assert_int_equal(plan_apply_cmdline(&p, f.cmdline, out, 10), -1);
}

static void test_no_igd(void **state)
{
	(void)state;
	struct machine_facts f;
	memset(&f, 0, sizeof(f));
	struct igd_plan p;
	plan_compute(&f, NULL, &p);
	assert_int_equal(p.route, ROUTE_NONE);
	assert_non_null(strstr(p.why, "no Intel iGPU"));
	f = facts_cml();
	f.igd_gen = 5;
	plan_compute(&f, NULL, &p);
	assert_int_equal(p.route, ROUTE_NONE);
}

/* Target kernels decide intel_iommu=on (default on from 6.8) and vfio_virqfd (merged into vfio in 6.2). */
static void test_kernels_decide_words(void **state)
{
	(void)state;
	struct machine_facts f = facts_cml();
	struct igd_plan p;
	struct plan_opts o = { .qemu_major = 9, .qemu_minor = 0 };
	plan_compute(&f, &o, &p);	/* kernels unknown: the rule with its condition */
	assert_string_equal(p.need[0].word, "intel_iommu=on");
	assert_non_null(strstr(p.need[0].why, "needed while kernels older than 6.8 are installed"));
	assert_false(p.vfio_virqfd);
	assert_non_null(strstr(p.modules_note, "vfio_virqfd while a kernel older than 6.2"));
	o.nkernels = 2;
	o.kernel_major[0] = 6, o.kernel_minor[0] = 8;
	o.kernel_major[1] = 6, o.kernel_minor[1] = 5;
	plan_compute(&f, &o, &p);
	assert_int_equal(p.nneed, 2);
	assert_string_equal(p.need[0].word, "intel_iommu=on");
	assert_non_null(strstr(p.need[0].why, "kernel 6.5"));
	assert_false(p.vfio_virqfd);
	assert_string_equal(p.modules_load, "vfio\nvfio_iommu_type1\nvfio_pci\n");
	assert_string_equal(p.modules_note, "");
	o.nkernels = 1;
	o.kernel_major[0] = 6, o.kernel_minor[0] = 8;
	plan_compute(&f, &o, &p);
	assert_int_equal(p.nneed, 1);
	assert_string_equal(p.need[0].word, "initcall_blacklist=sysfb_init");
	o.kernel_major[0] = 5, o.kernel_minor[0] = 15;
	plan_compute(&f, &o, &p);
	assert_true(p.vfio_virqfd);
	assert_non_null(strstr(p.modules_load, "\nvfio_virqfd\n"));
	/* a discrete GPU as boot display keeps its console: no sysfb word */
	f.dgpu_present = true;
	f.boot_vga = TRI_NO;
	plan_compute(&f, &o, &p);
	assert_int_equal(p.nneed, 1);
	assert_string_equal(p.need[0].word, "intel_iommu=on");
	/* ... unless a firmware framebuffer is seen in the iGPU's BAR2 */
	f.fb_owns_bar2 = TRI_YES;
	plan_compute(&f, &o, &p);
	assert_int_equal(p.nneed, 2);
	/* compared with the target's configured cmdline, not the running one */
	o.target_cmdline = "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet intel_iommu=on\"\nGRUB_CMDLINE_LINUX=\"intel_iommu=igfx_off\"\n";
	plan_compute(&f, &o, &p);
	assert_int_equal(p.nadd, 1);
	assert_string_equal(p.cmdline_add[0], "initcall_blacklist=sysfb_init");
	assert_int_equal(p.nremove, 1);
	assert_string_equal(p.cmdline_remove[0], "intel_iommu=igfx_off");
}

/* Without a target, check says what each QEMU version gets (qemu-igd.md's version table). */
static void test_unknown_qemu_depends(void **state)
{
	(void)state;
	struct machine_facts f = facts_cml();
	struct igd_plan p;
	plan_compute(&f, NULL, &p);
	assert_false(p.qemu_known);
	assert_int_equal(p.route, ROUTE_LEGACY_SEABIOS);	/* the 10.0 plan */
	assert_string_equal(p.vm_machine, "pc-i440fx-X.Y");
	assert_non_null(strstr(p.qemu_depends, "depends on the target's QEMU version: "));
	assert_non_null(strstr(p.qemu_depends,
			       "<= 9.1 (PVE 7, 8.0-8.3): legacy mode, bios: seabios, args: -set device.hostpci0.x-igd-gms=0x2; "));
	assert_non_null(strstr(p.qemu_depends,
			       "9.2 (PVE 8.4): UEFI route, bios: ovmf, args: -set device.hostpci0.x-igd-opregion=on; "));
	assert_non_null(strstr(p.qemu_depends, "10.0 (PVE 9.0): legacy mode, bios: seabios, no args; "));
	assert_non_null(strstr(p.qemu_depends, "10.1+ (PVE 9.1+): legacy mode, bios: seabios, no args"));
	/* 10.1+ wants the VGA class and IVD clear for legacy mode */
	f.ggc = 0x0202;
	plan_compute(&f, NULL, &p);
	/* ... without legacy mode, no LPC bridge IDs either: asked for (the GOP checks them) */
	assert_non_null(strstr(p.qemu_depends, "10.1+ (PVE 9.1+): UEFI route, bios: ovmf, args: -set device.hostpci0.x-igd-lpc=on"));
	/* Gen12 (ADL-N): the UEFI route everywhere, xe gets a softdep too */
	f = facts_cml();
	f.igd_device_id = 0x46d0;
	f.igd_gen = 12;
	f.igd_platform = "Alder Lake-N";
	f.igd_legacy_vbios = false;
	plan_compute(&f, NULL, &p);
	assert_int_equal(p.route, ROUTE_OVMF_EFIROM);
	assert_null(strstr(p.qemu_depends, "legacy mode"));
	assert_non_null(strstr(p.qemu_depends, "<= 9.1 (PVE 7, 8.0-8.3): UEFI route, bios: ovmf, args: -set device.hostpci0.x-igd-gms=0x2"));
	assert_string_equal(p.modprobe_conf, "options vfio-pci ids=8086:46d0\nsoftdep i915 pre: vfio-pci\nsoftdep xe pre: vfio-pci\n");
	assert_string_equal(p.rom_name, "igd-alder-lake-n-8086-46d0-efi.rom");
	assert_non_null(strstr(p.rom_note, "-vbios-efi"));
	/* 10.0 runs ADL-N in legacy mode (LPC IDs included); 10.1+ keeps legacy mode to Gen6-9, so the
	 * OVMF route asks for the LPC bridge IDs Intel's GOP checks (uefi-rom.md) */
	assert_non_null(strstr(p.qemu_depends, "10.0 (PVE 9.0): UEFI route, bios: ovmf, no args; "));
	assert_non_null(strstr(p.qemu_depends, "10.1+ (PVE 9.1+): UEFI route, bios: ovmf, args: -set device.hostpci0.x-igd-lpc=on"));
	struct plan_opts o = { .qemu_major = 10, .qemu_minor = 1, .hostpci_slot = 1 };
	plan_compute(&f, &o, &p);
	assert_string_equal(p.args, "-set device.hostpci1.x-igd-lpc=on");
	o = (struct plan_opts){ .qemu_major = 8, .qemu_minor = 1 };
	plan_compute(&f, &o, &p);
	assert_int_equal(p.nnotes, 2);
	assert_non_null(strstr(p.notes[0], "treats Gen12 as Gen8"));
	/* the VM is not known: how to keep Secure Boot keys from refusing the ROM's drivers */
	assert_non_null(strstr(p.notes[1], "EFI disk without pre-enrolled Secure Boot keys"));
	/* a VM whose EFI disk has the keys enrolled: said plainly; one without: nothing to say */
	o.vm_efi_known = true, o.vm_efi_keys = true, o.vmid = 105;
	plan_compute(&f, &o, &p);
	assert_int_equal(p.nnotes, 2);
	assert_non_null(strstr(p.notes[1], "VM 105's EFI disk has Secure Boot keys enrolled (pre-enrolled-keys=1)"));
	o.vm_efi_keys = false;
	plan_compute(&f, &o, &p);
	assert_int_equal(p.nnotes, 1);
}

/* The ROM and the VM as they are: what install knows, check gets through --rom. */
static void test_rom_and_vm(void **state)
{
	(void)state;
	struct machine_facts f = facts_cml();
	struct igd_plan p;
	struct plan_opts o = { .qemu_major = 10, .qemu_minor = 0, .rom_known = true, .rom_efi = true };
	/* the GOP alone (the vendor BIOS's, no IGD assignment driver): never OVMF, which would leave
	 * OpRegion and stolen memory unset; SeaBIOS in legacy mode with it (no picture before the OS) */
	plan_compute(&f, &o, &p);
	assert_int_equal(p.route, ROUTE_SEABIOS_EFIROM);
	assert_string_equal(p.vm_bios, "seabios");
	assert_non_null(strstr(p.why, "nothing shows before it loads"));
	assert_non_null(strstr(p.why, "'igdkit rom make IMAGE --uefi'"));
	assert_string_equal(p.rom_name, "igd-comet-lake-8086-9bc8-efi.rom");
	o.rom_chain = true;
	plan_compute(&f, &o, &p);	/* the OVMF chain: OVMF (a picture from power-on), though legacy mode would work */
	assert_int_equal(p.route, ROUTE_OVMF_EFIROM);
	assert_non_null(strstr(p.why, "the ROM holds no legacy VBIOS (EFI images only)"));
	assert_string_equal(p.rom_name, "igd-comet-lake-8086-9bc8-efi.rom");
	assert_string_equal(p.rom_note, "");
	o.rom_legacy = true;
	plan_compute(&f, &o, &p);
	assert_int_equal(p.route, ROUTE_LEGACY_SEABIOS);
	assert_string_equal(p.rom_name, "igd-comet-lake-8086-9bc8-vbios-efi.rom");
	/* the VM already boots UEFI: it stays there */
	o.vm_bios = "ovmf";
	plan_compute(&f, &o, &p);
	assert_int_equal(p.route, ROUTE_OVMF_EFIROM);
	assert_string_equal(p.legacy_refused, "the VM already boots UEFI (bios: ovmf)");
	/* ... but not with a ROM that lacks the chain: no route, and why */
	o.rom_chain = false;
	plan_compute(&f, &o, &p);
	assert_int_equal(p.route, ROUTE_NONE);
	assert_non_null(strstr(p.why, "OVMF needs the whole chain (IGD assignment, GOP policy, GOP)"));
	assert_non_null(strstr(p.why, "the VM already boots UEFI (bios: ovmf)"));
	o.rom_chain = true;
	/* a VBIOS made for another device: SeaBIOS would not run it, so the chain on OVMF wins */
	o.vm_bios = NULL;
	o.rom_legacy_other = true;
	plan_compute(&f, &o, &p);
	assert_int_equal(p.route, ROUTE_OVMF_EFIROM);
	assert_non_null(strstr(p.legacy_refused, "the ROM's VBIOS names another device"));
	o.rom_chain = false;
	plan_compute(&f, &o, &p);
	assert_int_equal(p.route, ROUTE_SEABIOS_EFIROM);
	assert_non_null(strstr(p.why, "a VBIOS for another device"));
	o.rom_legacy_other = false;
	o.vm_bios = "ovmf";
	/* VBIOS only on 9.2, which refuses CML: no route at all */
	o.vm_bios = NULL;
	o.rom_efi = false;
	o.qemu_minor = 2, o.qemu_major = 9;
	plan_compute(&f, &o, &p);
	assert_int_equal(p.route, ROUTE_NONE);
	assert_non_null(strstr(p.why, "the ROM has only a legacy VBIOS, but QEMU 9.2 does not know device 8086:9bc8"));
	/* an older i440fx pin stays, a newer one than the QEMU is replaced; the slot names the -set */
	o = (struct plan_opts){ .qemu_major = 9, .qemu_minor = 0, .vm_machine = "pc-i440fx-7.1", .hostpci_slot = 2,
				.rom_name = "mine.rom" };
	plan_compute(&f, &o, &p);
	assert_string_equal(p.vm_machine, "pc-i440fx-7.1");
	assert_true(p.machine_kept);
	assert_string_equal(p.hostpci_key, "hostpci2");
	assert_string_equal(p.hostpci0, "0000:00:02.0,legacy-igd=1,romfile=mine.rom");
	assert_string_equal(p.args, "-set device.hostpci2.x-igd-gms=0x2");
	o.vm_machine = "pc-i440fx-9.2+pve0";
	plan_compute(&f, &o, &p);
	assert_string_equal(p.vm_machine, "pc-i440fx-9.0");
	o.vm_machine = "q35";
	plan_compute(&f, &o, &p);
	assert_string_equal(p.vm_machine, "pc-i440fx-9.0");
	/* GMS above what x-igd-gms takes on <= 9.1: no args, a note */
	f.gms_value = 0x20;
	f.gms_mib = 1024;
	plan_compute(&f, &o, &p);
	assert_string_equal(p.args, "");
	assert_non_null(strstr(p.notes[0], "host DVMT pre-allocation (1024 MiB) cannot be passed to QEMU 9.0"));
}

/* An id QEMU 10.0's table lacks (Amber Lake 8086:87c0, gen 9): legacy on <= 9.1 (treated as gen 8),
 * refused on 9.2 and 10.0 (OpRegion asked for), 10.1+ turns the OpRegion on by itself. */
static void test_id_unknown_to_qemu(void **state)
{
	(void)state;
	struct machine_facts f = facts_cml();
	f.igd_device_id = 0x87c0;
	f.igd_platform = "Amber Lake";
	struct igd_plan p;
	plan_compute(&f, NULL, &p);
	assert_non_null(strstr(p.qemu_depends, "<= 9.1 (PVE 7, 8.0-8.3): legacy mode, bios: seabios, args: -set device.hostpci0.x-igd-gms=0x2"));
	assert_non_null(strstr(p.qemu_depends, "9.2 (PVE 8.4): UEFI route, bios: ovmf, args: -set device.hostpci0.x-igd-opregion=on"));
	assert_non_null(strstr(p.qemu_depends, "10.0 (PVE 9.0): UEFI route, bios: ovmf, args: -set device.hostpci0.x-igd-opregion=on -set device.hostpci0.x-igd-lpc=on"));
	assert_non_null(strstr(p.qemu_depends, "10.1+ (PVE 9.1+): UEFI route, bios: ovmf, args: -set device.hostpci0.x-igd-lpc=on"));
	assert_non_null(strstr(p.legacy_refused, "QEMU 10.0 does not know device 8086:87c0"));
}

UNIT_MAIN(NULL, NULL, cmocka_unit_test(test_legacy_route), cmocka_unit_test(test_ovmf_route_and_cmdline_cleanup),
	  cmocka_unit_test(test_no_igd), cmocka_unit_test(test_kernels_decide_words),
	  cmocka_unit_test(test_unknown_qemu_depends), cmocka_unit_test(test_rom_and_vm),
	  cmocka_unit_test(test_id_unknown_to_qemu))
