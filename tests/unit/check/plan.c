/* tests for tools/check/plan.c: the settings igdkit would write (reference/qemu-igd.md) */
#include "helpers.h"

#include <string.h>

#include "check/plan.h"

static struct machine_facts facts_cml(void)
{
	struct machine_facts f;
	memset(&f, 0, sizeof(f));
	f.igd_present = true;
	f.igd_device_id = 0x9bc8;
	f.igd_class = 0x0300;
	f.igd_gen = 9;
	f.igd_platform = "Comet Lake";
	f.igd_legacy_vbios = true;
	f.gms_mib = 64;
	f.gms_value = 2;
	f.boot_vga = TRI_YES;
	f.igd_group_alone = TRI_YES;
	f.intr_remap = TRI_YES;
	snprintf(f.cmdline, sizeof(f.cmdline), "ro quiet");
	return f;
}

static void test_legacy_route(void **state)
{
	(void)state;
	struct machine_facts f = facts_cml();
	struct igd_plan p;
	struct plan_opts o = { 10, 1 };
	plan_compute(&f, &o, &p);
	assert_int_equal(p.route, ROUTE_LEGACY_SEABIOS);
	assert_string_equal(p.vm_bios, "seabios");
	assert_string_equal(p.vm_machine, "pc");
	assert_string_equal(p.vm_vga, "none");
	assert_string_equal(p.hostpci0, "0000:00:02.0,legacy-igd=1,romfile=igd.rom");
	assert_string_equal(p.args, "");	/* QEMU >= 9.2 copies the host GMS */
	assert_string_equal(p.vfio_ids, "8086:9bc8");
	assert_string_equal(p.modprobe_conf, "options vfio-pci ids=8086:9bc8\nsoftdep i915 pre: vfio-pci\n");
	assert_int_equal(p.nadd, 3);
	assert_string_equal(p.cmdline_add[0], "intel_iommu=on");
	assert_string_equal(p.cmdline_add[2], "initcall_blacklist=sysfb_init");
	o.qemu_major = 8;
	o.qemu_minor = 1;
	plan_compute(&f, &o, &p);
	assert_string_equal(p.args, "-set device.hostpci0.x-igd-gms=0x2");
	o.qemu_major = 9;
	o.qemu_minor = 2;
	plan_compute(&f, &o, &p);
	assert_non_null(strstr(p.why, "QEMU 9.2 may refuse"));
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
	assert_int_equal(p.nremove, 4);
	assert_string_equal(p.cmdline_remove[0], "intel_iommu=on,igfx_off");
	assert_string_equal(p.cmdline_remove[1], "pcie_acs_override=downstream");
	assert_string_equal(p.cmdline_remove[2], "i915.max_vfs=7");
	assert_string_equal(p.cmdline_remove[3], "vfio_iommu_type1.allow_unsafe_interrupts=1");
	assert_int_equal(p.nadd, 1);
	assert_string_equal(p.cmdline_add[0], "intel_iommu=on");
	char out[1024];
	assert_int_equal(plan_apply_cmdline(&p, f.cmdline, out, sizeof(out)), 0);
	assert_string_equal(out, "ro iommu=pt initcall_blacklist=sysfb_init intel_iommu=on");
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_legacy_route),
		cmocka_unit_test(test_ovmf_route_and_cmdline_cleanup),
		cmocka_unit_test(test_no_igd),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
