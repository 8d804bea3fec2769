/* tests for tools/check/check.c: `igdkit check` end to end on fixture roots (--root, --pci-dump, --json)
 *
 * Each scenario is a real fixture machine (DMAR, cpuinfo, lspci dump) plus
 * hand-made sysfs/procfs/efivars/MSR files; the JSON is read with python3.
 */
#include "scenario.h"

#include <dirent.h>

#include "igdkit.h"

struct run {
	int rc;
	char *out, *err;
};

static struct run run_check(const char *root, const char *dump_rel, bool json)
{
	struct run r;
	const char *argv[8];
	int n = 0;
	argv[n++] = "check";
	argv[n++] = "--root";
	argv[n++] = root;
	if (dump_rel) {
		argv[n++] = "--pci-dump";
		argv[n++] = dump_rel[0] == '/' ? dump_rel : fixture_path(dump_rel);
	}
	if (json)
		argv[n++] = "--json";
	argv[n] = NULL;
	r.rc = run_igdkit(&r.out, &r.err, argv);
	return r;
}

static void run_free(struct run *r)
{
	free(r->out);
	free(r->err);
}

static void expect(const char *json, const char *expr, const char *want)
{
	char *got = json_query(json, expr);
	if (strcmp(got, want))
		fail_msg("%s: got '%s', want '%s'", expr, got, want);
	free(got);
}

static void expect_contains(const char *json, const char *expr, const char *needle)
{
	char *got = json_query(json, expr);
	if (!strstr(got, needle))
		fail_msg("%s: '%s' lacks '%s'", expr, got, needle);
	free(got);
}

#define IVB "hw/ivb-dell-latitude-e6430-nvs/pci-host-igd.dump"

static void test_all_ok(void **state)
{
	(void)state;
	char *dir = make_tmpdir();
	struct scn s = scn_all_ok();
	scn_build(dir, &s);
	struct run r = run_check(dir, IVB, true);
	if (r.rc != EXIT_OK)
		fail_msg("rc %d\n%s\n%s", r.rc, r.out, r.err);
	expect(r.out, "sorted(set(x['status'] for x in d['verdicts']))", "[\"ok\"]");
	expect(r.out, "sorted(v)",
	       "[\"boot_mode\", \"cmdline_words\", \"framebuffer\", \"generation\", \"gms\", \"host_driver\", "
	       "\"igd\", \"igd_dmar_unit\", \"intr_remap\", \"iommu\", \"iommu_group\", \"opregion\", "
	       "\"passthrough_mode\", \"primary\", \"reset\", \"secure_boot\", \"sharing\", \"vtd\", \"vtx\"]");
	/* expected.json of the machine: iasl (DMAR) and lspci -xxxx (GGC, ASLS, ids) */
	expect(r.out, "d['dmar']['present']", "true");
	expect(r.out, "d['dmar']['host_address_width']", "36");
	expect(r.out, "d['dmar']['flags']", "{\"raw\": 1, \"intr_remap\": true, \"x2apic_opt_out\": false, "
					     "\"dma_ctrl_platform_opt_in\": false}");
	expect(r.out, "[(x['base'], x['include_pci_all'], x['scopes'][0]['path']) for x in d['dmar']['drhd']]",
	       "[[\"0xfed90000\", false, [[2, 0]]], [\"0xfed91000\", true, [[31, 0]]]]");
	expect(r.out, "[(x['base'], x['end']) for x in d['dmar']['rmrr']]",
	       "[[\"0xcbccd000\", \"0xcbcecfff\"], [\"0xcd800000\", \"0xcf9fffff\"]]");
	expect(r.out, "d['dmar']['graphics_drhd']", "0xfed90000");
	expect(r.out, "[d['igd'][k] for k in ('present','device_id','generation','ggc','asls')]",
	       "[true, \"0x166\", 7, \"0x209\", \"0xca7d7018\"]");
	/* GMS 32 MiB: the IGD RMRR above spans 34 MiB = 32 MiB data + 2 MiB GTT stolen memory */
	expect(r.out, "[d['igd']['gms_mib'], d['igd']['ggms_mib'], d['igd']['x_igd_gms']]", "[32, 2, \"0x1\"]");
	expect(r.out, "d['igd']['iommu_group']", "1");
	expect(r.out, "d['plan']['route']", "legacy-seabios");
	/* the route verdict tells the same story as the plan it ends with */
	expect_contains(r.out, "v['passthrough_mode']['advice']", "igdkit plans legacy-igd + SeaBIOS");
	expect(r.out, "d['plan']['vm']['hostpci0']", "0000:00:02.0,legacy-igd=1,romfile=igd-ivy-bridge-8086-0166-vbios.rom");
	expect(r.out, "d['plan']['vfio_ids']", "8086:0166");
	expect(r.out, "d['plan']['cmdline_add']", "[]");
	expect_contains(r.out, "v['iommu_group']['advice']", "no ACS override needed");
	/* cap 0xd2008c40660462: MGAW (bits 21:16) = 0x26, so 39 bits */
	expect_contains(r.out, "v['iommu']['evidence']", "dmar0 dmar1; 2 IOMMU groups; IOMMU address width 39 bits");
	expect(r.out, "d['firmware']['secure_boot']", "false");
	run_free(&r);

	/* the text table: aligned, no colour when stdout is not a terminal */
	r = run_check(dir, IVB, false);
	assert_int_equal(r.rc, EXIT_OK);
	assert_non_null(strstr(r.out, "\nSTATUS   CHECK             EVIDENCE"));
	assert_non_null(strstr(r.out, "\nok       vtx               cpuinfo has the vmx flag"));
	assert_null(strchr(r.out, '\033'));
	assert_non_null(strstr(r.out, "\nDMAR (INTEL  SNB ), host address width 36 bits, flags 0x1:\n"));
	assert_non_null(strstr(r.out, "\n  drhd base 0xfed90000: endpoint 00:02.0\n"));
	assert_non_null(strstr(r.out, "\n  rmrr 0xcd800000-0xcf9fffff: endpoint 00:02.0\n"));
	assert_non_null(strstr(r.out, "hostpci0: 0000:00:02.0,legacy-igd=1,romfile=igd-ivy-bridge-8086-0166-vbios.rom"));
	run_free(&r);
	rm_tmpdir(dir);
}

static void test_vtd_off(void **state)
{
	(void)state;
	char *dir = make_tmpdir();
	struct scn s = scn_all_ok();
	s.machine = "snb-gigabyte-h61m-ds2";
	s.no_dmar = true;
	s.no_iommu = true;
	scn_build(dir, &s);
	struct run r = run_check(dir, "hw/snb-gigabyte-h61m-ds2/pci-host-igd.dump", true);
	assert_int_equal(r.rc, EXIT_FINDINGS);
	expect(r.out, "v['vtd']['status']", "fix");
	expect_contains(r.out, "v['vtd']['advice']", "enable VT-d");
	/* i3-2100 has no VT-d; its host bridge CAPID0_A (0xe280c096) has bit 23 set */
	expect_contains(r.out, "v['vtd']['evidence']", "CAPID0_A bit 23");
	expect(r.out, "v['iommu']['status']", "fix");
	expect(r.out, "d['dmar']['present']", "false");
	/* the Sandy Bridge IGD itself decodes: GGC 0x0210 -> GMS field 2 = 64 MiB */
	expect(r.out, "[d['igd']['device_id'], d['igd']['ggc'], d['igd']['gms_mib'], d['igd']['generation']]",
	       "[\"0x102\", \"0x210\", 64, 6]");
	run_free(&r);
	rm_tmpdir(dir);
}

static void test_vtx_locked_off_and_unlocked(void **state)
{
	(void)state;
	char *dir = make_tmpdir();
	struct scn s = scn_all_ok();
	s.no_vmx = true;
	s.msr = 0x1;	/* locked, VMX outside SMX clear */
	scn_build(dir, &s);
	struct run r = run_check(dir, IVB, true);
	assert_int_equal(r.rc, EXIT_FINDINGS);
	expect(r.out, "v['vtx']['status']", "fix");
	expect_contains(r.out, "v['vtx']['advice']", "disabled by the BIOS");
	expect_contains(r.out, "v['vtx']['evidence']", "MSR 0x3A = 0x1 (lock 1, VMX outside SMX 0)");
	expect(r.out, "[x['id'] for x in d['verdicts'] if x['status']=='fix']", "[\"vtx\"]");
	run_free(&r);
	rm_rf(dir);

	s = scn_all_ok();
	s.msr = 0;	/* unlocked: Linux locks it with VMX on */
	scn_build(dir, &s);
	r = run_check(dir, IVB, true);
	assert_int_equal(r.rc, EXIT_OK);
	expect(r.out, "v['vtx']['status']", "ok");
	expect_contains(r.out, "v['vtx']['advice']", "unlocked");
	run_free(&r);
	rm_rf(dir);

	/* every CPU is read: one configured differently from CPU 0 is named */
	s = scn_all_ok();
	scn_build(dir, &s);
	uint8_t m[0x3a + 8];
	memset(m, 0, sizeof(m));
	m[0x3a] = 0x5;
	scn_write(dir, "dev/cpu/1/msr", m, sizeof(m));
	m[0x3a] = 0x1;
	scn_write(dir, "dev/cpu/2/msr", m, sizeof(m));
	r = run_check(dir, IVB, true);
	expect_contains(r.out, "v['vtx']['evidence']", "on CPU 0, but CPU 2 differs");
	expect_contains(r.out, "v['vtx']['advice']", "CPU 2");
	run_free(&r);
	rm_tmpdir(dir);
}

static void test_igd_hidden_behind_dgpu(void **state)
{
	(void)state;
	char *dir = make_tmpdir();
	struct scn s = scn_all_ok();
	s.machine = "cfl-ecs-h310ch5-es-nvidia";
	scn_build(dir, &s);
	struct run r = run_check(dir, "hw/cfl-ecs-h310ch5-es-nvidia/lspci-full.dump", true);
	assert_int_equal(r.rc, EXIT_FINDINGS);
	expect(r.out, "v['igd']['status']", "fix");
	expect_contains(r.out, "v['igd']['advice']", "multi-monitor");
	expect_contains(r.out, "v['igd']['advice']", "primary display to onboard");
	expect_contains(r.out, "v['igd']['evidence']", "10de:1244 at 01:00.0");
	/* CAPID0_A at 0xE4 of 00:00.0 in the dump is 0x62012079: bit 11 clear, the CPU has graphics */
	expect_contains(r.out, "v['igd']['evidence']", "CAPID0_A 0x62012079: graphics not fused off");
	expect(r.out, "d['igd']['present']", "false");
	expect(r.out, "d['plan']['route']", "none");
	run_free(&r);
	rm_tmpdir(dir);
}

static void test_legacy_boot_and_secure_boot(void **state)
{
	(void)state;
	char *dir = make_tmpdir();
	struct scn s = scn_all_ok();
	s.legacy_boot = true;
	scn_build(dir, &s);
	struct run r = run_check(dir, IVB, true);
	assert_int_equal(r.rc, EXIT_OK);
	expect(r.out, "v['boot_mode']['status']", "ok");
	expect_contains(r.out, "v['boot_mode']['evidence']", "legacy BIOS boot");
	expect_contains(r.out, "v['boot_mode']['advice']", "shadow copy of the legacy VBIOS");
	expect_contains(r.out, "v['secure_boot']['evidence']", "does not apply");
	expect(r.out, "d['firmware']['uefi_boot']", "false");
	run_free(&r);
	rm_rf(dir);

	s = scn_all_ok();
	s.secure_boot = 1;
	scn_build(dir, &s);
	r = run_check(dir, IVB, true);
	assert_int_equal(r.rc, EXIT_OK);
	expect(r.out, "d['firmware']['secure_boot']", "true");
	expect(r.out, "d['firmware']['setup_mode']", "false");
	expect(r.out, "v['secure_boot']['status']", "ok");
	expect_contains(r.out, "v['secure_boot']['advice']", "Secure Boot is on");
	expect_contains(r.out, "v['secure_boot']['evidence']", "SecureBoot=1, SetupMode=0");
	run_free(&r);
	rm_rf(dir);

	/* UEFI boot but efivarfs not mounted */
	s = scn_all_ok();
	scn_build(dir, &s);
	char efi[700];
	snprintf(efi, sizeof(efi), "%s/sys/firmware/efi/efivars", dir);
	rm_rf(efi);
	r = run_check(dir, IVB, true);
	expect(r.out, "v['secure_boot']['status']", "unknown");
	expect_contains(r.out, "v['secure_boot']['evidence']", "efivarfs not mounted");
	expect_contains(r.out, "v['secure_boot']['advice']", "mount -t efivarfs");
	run_free(&r);
	rm_rf(dir);

	/* efivars directory without the variables: cannot tell */
	s = scn_all_ok();
	s.secure_boot = s.setup_mode = -1;
	scn_build(dir, &s);
	r = run_check(dir, IVB, true);
	expect(r.out, "v['secure_boot']['status']", "unknown");
	expect(r.out, "d['firmware']['secure_boot']", "null");
	run_free(&r);
	rm_tmpdir(dir);
}

static void test_server_without_igd(void **state)
{
	(void)state;
	char *dir = make_tmpdir();
	struct scn s = scn_all_ok();
	s.machine = "hsw-ep-huananzhi-x99-bd4";
	scn_build(dir, &s);
	struct run r = run_check(dir, "hw/hsw-ep-huananzhi-x99-bd4/lspci-full.dump", true);
	assert_int_equal(r.rc, EXIT_FINDINGS);
	expect(r.out, "v['igd']['status']", "fix");
	expect_contains(r.out, "v['igd']['advice']", "server CPUs have no iGPU");
	expect(r.out, "v['vtd']['status']", "ok");
	/* iasl: HAW 46 bits, flags 3, one ATSR with four bridge scopes, one RHSA */
	expect(r.out, "[d['dmar']['host_address_width'], d['dmar']['flags']['x2apic_opt_out']]", "[46, true]");
	expect(r.out, "[len(d['dmar']['atsr'][0]['scopes']), d['dmar']['rhsa'][0]['base']]", "[4, \"0xfbffc000\"]");
	expect(r.out, "v['igd_dmar_unit']['status']", "unknown");
	expect(r.out, "d['plan']['route']", "none");
	run_free(&r);
	rm_rf(dir);

	/* Xeon E3-1270 v2 (no graphics): CAPID0_A 0xe200ea92 has bit 11 set */
	s = scn_all_ok();
	s.machine = "ivb-xeon-p61-s3-b3";
	s.no_dmar = true;
	scn_build(dir, &s);
	r = run_check(dir, "hw/ivb-xeon-p61-s3-b3/lspci-full.dump", true);
	assert_int_equal(r.rc, EXIT_FINDINGS);
	expect(r.out, "v['igd']['status']", "fix");
	expect_contains(r.out, "v['igd']['evidence']", "CAPID0_A 0xe200ea92: graphics fused off (bit 11)");
	expect_contains(r.out, "v['igd']['advice']", "this CPU has no integrated graphics");
	run_free(&r);
	rm_tmpdir(dir);
}

static void test_igd_shares_its_group(void **state)
{
	(void)state;
	char *dir = make_tmpdir();
	struct scn s = scn_all_ok();
	s.group_extra = "0000:00:1f.0";
	scn_build(dir, &s);
	struct run r = run_check(dir, IVB, true);
	assert_int_equal(r.rc, EXIT_FINDINGS);
	expect(r.out, "v['iommu_group']['status']", "fix");
	expect_contains(r.out, "v['iommu_group']['evidence']", "0000:00:02.0 0000:00:1f.0");
	expect_contains(r.out, "v['iommu_group']['advice']", "shares its IOMMU group");
	run_free(&r);
	rm_tmpdir(dir);
}

/* A DMAR without a graphics DRHD (cfl-asus-prime-z390-p: one INCLUDE_PCI_ALL unit) while an IGD is present. */
static void test_igd_without_its_remapping_unit(void **state)
{
	(void)state;
	char *dir = make_tmpdir();
	struct scn s = scn_all_ok();
	s.no_dmar = true;
	scn_build(dir, &s);
	struct file_buf fb = fixture_read("hw/cfl-asus-prime-z390-p-842B84D25492/dmar.bin");
	scn_write(dir, "sys/firmware/acpi/tables/DMAR", fb.data, fb.len);
	file_buf_free(&fb);
	struct run r = run_check(dir, IVB, true);
	assert_int_equal(r.rc, EXIT_FINDINGS);
	expect(r.out, "v['igd_dmar_unit']['status']", "fix");
	expect_contains(r.out, "v['igd_dmar_unit']['advice']", "graphics VT-d off");
	expect(r.out, "[d['dmar']['graphics_drhd'], len(d['dmar']['drhd']), d['dmar']['drhd'][0]['include_pci_all']]",
	       "[null, 1, true]");
	run_free(&r);
	rm_tmpdir(dir);
}

/* The same IVB dump with class 0x038000 and GGC.IVD set, as firmware leaves an IGD that is not primary. */
static void test_not_primary_class_0380(void **state)
{
	(void)state;
	char *dir = make_tmpdir();
	struct scn s = scn_all_ok();
	s.boot_vga = -1;
	scn_build(dir, &s);
	struct file_buf fb = fixture_read(IVB);
	char *t = calloc(1, fb.len + 1);
	memcpy(t, fb.data, fb.len);
	char *igd = strstr(t, "\n00:02.0 ");
	assert_non_null(igd);
	char *l0 = strstr(igd, "\n00: 86 80 66 01 07 04 90 00 09 00 00 03");
	char *l5 = strstr(igd, "\n50: 09 02");
	assert_non_null(l0);
	assert_non_null(l5);
	memcpy(l0 + strlen("\n00: 86 80 66 01 07 04 90 00 09 00 "), "80", 2);
	memcpy(l5 + strlen("\n50: "), "0b", 2);
	char dump[600];
	snprintf(dump, sizeof(dump), "%s/ivb-0380.dump", dir);
	write_file(dump, t, fb.len);
	struct run r = run_check(dir, dump, true);
	assert_int_equal(r.rc, EXIT_FINDINGS);
	expect(r.out, "v['primary']['status']", "fix");
	expect_contains(r.out, "v['primary']['evidence']", "class 0x038000, GGC.IVD 1");
	expect_contains(r.out, "v['primary']['advice']", "Primary Display");
	expect(r.out, "d['igd']['ivd']", "true");
	run_free(&r);
	free(t);
	file_buf_free(&fb);
	rm_tmpdir(dir);
}

static void test_breakages_on_the_cmdline_and_iomem(void **state)
{
	(void)state;
	char *dir = make_tmpdir();
	struct scn s = scn_all_ok();
	s.fb_in_bar2 = true;
	s.driver = "i915";
	s.cmdline = "ro quiet intel_iommu=on,igfx_off pcie_acs_override=downstream,multifunction "
		    "vfio_iommu_type1.allow_unsafe_interrupts=1 i915.enable_gvt=1";
	scn_build(dir, &s);
	struct run r = run_check(dir, IVB, true);
	assert_int_equal(r.rc, EXIT_FINDINGS);
	expect(r.out, "v['framebuffer']['status']", "fix");
	expect_contains(r.out, "v['framebuffer']['evidence']", "BOOTFB at d0000000-d07e8fff");
	expect_contains(r.out, "v['framebuffer']['advice']", "initcall_blacklist=sysfb_init");
	expect(r.out, "v['cmdline_words']['status']", "fix");
	expect_contains(r.out, "v['cmdline_words']['advice']", "remove igfx_off");
	expect_contains(r.out, "v['cmdline_words']['evidence']", "/proc/cmdline: ro quiet intel_iommu=on,igfx_off");
	expect_contains(r.out, "v['cmdline_words']['advice']", "remove pcie_acs_override=downstream,multifunction");
	expect_contains(r.out, "v['cmdline_words']['advice']", "remove allow_unsafe_interrupts=1");
	expect(r.out, "v['sharing']['status']", "fix");
	expect_contains(r.out, "v['sharing']['evidence']", "i915.enable_gvt=1");
	expect(r.out, "v['host_driver']['status']", "fix");
	expect_contains(r.out, "v['host_driver']['advice']", "options vfio-pci ids=8086:0166");
	expect(r.out, "d['plan']['cmdline_remove']",
	       "[\"intel_iommu=on,igfx_off\", \"vfio_iommu_type1.allow_unsafe_interrupts=1\", \"i915.enable_gvt=1\"]");
	/* iommu=pt is optional (qemu-igd.md): install never writes it, so check does not plan it */
	expect(r.out, "d['plan']['cmdline_add']", "[\"intel_iommu=on\", \"initcall_blacklist=sysfb_init\"]");
	run_free(&r);
	rm_tmpdir(dir);
}

/* What the QEMU boot test sees: q35 + intel-iommu (one INCLUDE_PCI_ALL DRHD, OEM BOCHS), std VGA, no IGD. */
static void test_qemu_q35_like_machine(void **state)
{
	(void)state;
	char *dir = make_tmpdir();
	struct scn s = scn_all_ok();
	s.machine = "cfl-ecs-h310ch5-es-nvidia";	/* for cpuinfo only */
	s.no_dmar = true;
	s.driver = NULL;
	scn_build(dir, &s);
	uint8_t t[64];
	memset(t, 0, sizeof(t));
	memcpy(t, "DMAR", 4);
	t[4] = 64;
	t[8] = 1;
	memcpy(t + 10, "BOCHS ", 6);
	memcpy(t + 16, "BXPC    ", 8);
	t[36] = 38;
	t[37] = 1;
	const uint8_t drhd[16] = { 0, 0, 16, 0, 1, 0, 0, 0, 0, 0, 0xd9, 0xfe, 0, 0, 0, 0 };
	memcpy(t + 48, drhd, sizeof(drhd));
	uint8_t sum = 0;
	for (int i = 0; i < 64; i++)
		sum = (uint8_t)(sum + t[i]);
	t[9] = (uint8_t)(0x100 - sum);
	scn_write(dir, "sys/firmware/acpi/tables/DMAR", t, sizeof(t));
	const char *dump = "00:00.0 Host bridge: Intel Corporation 82G33/G31/P35/P31 Express DRAM Controller\n"
			   "00: 86 80 c0 29 07 00 00 00 00 00 00 06 00 00 00 00\n"
			   "10: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00\n"
			   "20: 00 00 00 00 00 00 00 00 00 00 00 00 f4 1a 00 11\n"
			   "30: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00\n"
			   "\n"
			   "00:01.0 VGA compatible controller: Device 1234:1111 (rev 02)\n"
			   "00: 34 12 11 11 03 00 00 00 02 00 00 03 00 00 00 00\n"
			   "10: 08 00 00 fd 00 00 00 00 00 00 00 00 00 00 00 00\n"
			   "20: 00 00 00 00 00 00 00 00 00 00 00 00 f4 1a 00 11\n"
			   "30: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00\n";
	char dp[600];
	snprintf(dp, sizeof(dp), "%s/q35.dump", dir);
	write_file(dp, dump, strlen(dump));
	struct run r = run_check(dir, dp, true);
	assert_int_equal(r.rc, EXIT_FINDINGS);
	expect(r.out, "[v['vtd']['status'], v['iommu']['status'], v['igd']['status']]", "[\"ok\", \"ok\", \"fix\"]");
	expect(r.out, "[d['dmar']['oem_id'], d['dmar']['drhd'][0]['include_pci_all']]", "[\"BOCHS \", true]");
	expect_contains(r.out, "v['igd']['evidence']", "no Intel iGPU: nothing at 00:02.0");
	expect(r.out, "d['igd']", "{\"present\": false, \"device_id\": null, \"generation\": null, \"ggc\": null, "
				   "\"gms_mib\": null, \"asls\": null}");
	run_free(&r);
	rm_tmpdir(dir);
}

static void test_report_file_on_the_stick(void **state)
{
	(void)state;
	char *dir = make_tmpdir(), *stick = make_tmpdir();
	struct scn s = scn_all_ok();
	scn_build(dir, &s);
	setenv("IGDKIT_STICK", stick, 1);
	struct run r = run_check(dir, IVB, true);
	unsetenv("IGDKIT_STICK");
	assert_int_equal(r.rc, EXIT_OK);
	/* on the stick the host's driver binding is install's business, not a finding */
	expect(r.out, "v['host_driver']['status']", "unknown");
	char logs[600];
	snprintf(logs, sizeof(logs), "%s/logs", stick);
	DIR *d = opendir(logs);
	assert_non_null(d);
	struct dirent *e;
	int found = 0;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		assert_int_equal(strncmp(e->d_name, "check-", 6), 0);
		assert_non_null(strstr(e->d_name, "Z.txt"));
		char p[1200];
		snprintf(p, sizeof(p), "%s/%s", logs, e->d_name);
		struct file_buf fb;
		char err[256];
		assert_int_equal(file_read(p, 1 << 20, &fb, err, sizeof(err)), 0);
		char *txt = calloc(1, fb.len + 1);
		memcpy(txt, fb.data, fb.len);
		assert_non_null(strstr(txt, "STATUS   CHECK"));
		assert_non_null(strstr(txt, "hostpci0: 0000:00:02.0,legacy-igd=1,romfile=igd-ivy-bridge-8086-0166-vbios.rom"));
		free(txt);
		file_buf_free(&fb);
		found++;
	}
	closedir(d);
	assert_int_equal(found, 1);
	run_free(&r);

	/* a stick that cannot be written: a warning, the verdicts and exit code unchanged */
	setenv("IGDKIT_STICK", "/nonexistent/igdkit-stick", 1);
	r = run_check(dir, IVB, true);
	unsetenv("IGDKIT_STICK");
	assert_int_equal(r.rc, EXIT_OK);
	assert_non_null(strstr(r.err, "report not saved on the stick"));
	run_free(&r);
	rm_rf(dir);
	rm_rf(stick);
	free(dir);
	free(stick);
}

static void test_usage_and_unreadable_inputs(void **state)
{
	(void)state;
	char *out, *err;
	assert_int_equal(run_igdkit(&out, &err, (const char *const[]){ "check", "extra", NULL }), EXIT_USAGE);
	run_igdkit_free(out, err);
	assert_int_equal(run_igdkit(&out, &err, (const char *const[]){ "check", "--qemu", "new", NULL }), EXIT_USAGE);
	run_igdkit_free(out, err);
	assert_int_equal(run_igdkit(&out, &err, (const char *const[]){ "check", "--root", "/nonexistent/x", NULL }),
			 EXIT_INPUT);
	assert_non_null(strstr(err, "not a directory"));
	run_igdkit_free(out, err);
	/* a dump libpci cannot parse: its error callback must not end igdkit */
	char *dir = make_tmpdir();
	char p[600];
	snprintf(p, sizeof(p), "%s/bad.dump", dir);
	write_file(p, "00:02.0 VGA\n00: zz zz\n", 22);
	assert_int_equal(run_igdkit(&out, &err, (const char *const[]){ "check", "--root", dir, "--pci-dump", p, NULL }),
			 EXIT_INPUT);
	assert_non_null(strstr(err, "libpci"));
	run_igdkit_free(out, err);
	rm_tmpdir(dir);
}

static void test_plan_for_old_qemu_sets_gms(void **state)
{
	(void)state;
	char *dir = make_tmpdir();
	struct scn s = scn_all_ok();
	scn_build(dir, &s);
	char *out;
	int rc = run_igdkit(&out, NULL, (const char *const[]){ "check", "--root", dir, "--pci-dump", fixture_path(IVB),
								 "--qemu", "8.1", "--json", NULL });
	assert_int_equal(rc, EXIT_OK);
	expect(out, "d['plan']['vm']['args']", "-set device.hostpci0.x-igd-gms=0x1");
	free(out);
	rm_tmpdir(dir);
}

/* --firmware: the Dell 5370's Setup module and a Setup variable written at its offsets (expected.json). */
static void test_bios_setup_values(void **state)
{
	(void)state;
	char *dir = make_tmpdir();
	struct scn s = scn_all_ok();
	s.no_dmar = true;
	s.no_iommu = true;
	scn_build(dir, &s);
	scn_text(dir, "sys/class/dmi/id/bios_version", "1.22.0\n");
	uint8_t *var = calloc(1, 4 + 0x14fb);
	var[0] = 7;
	var[4 + 0x7ec] = 0;	/* VT-d Disabled */
	var[4 + 0x104a] = 1;	/* CSM Support Enabled */
	var[4 + 0x80d] = 0;	/* Primary Display IGFX */
	var[4 + 0x813] = 2;	/* Internal Graphics Auto */
	scn_write(dir, "sys/firmware/efi/efivars/Setup-ec87d643-eba4-4bb5-a1e5-3f3e36b20da9", var, 4 + 0x14fb);
	const char *fw = fixture_path("ifr/kbl-r-dell-inspiron-5370/Setup.pe32.sct");
	char *out, *err;
	int rc = run_igdkit(&out, &err, (const char *const[]){ "check", "--root", dir, "--pci-dump", fixture_path(IVB),
								 "--firmware", fw, "--json", NULL });
	assert_int_equal(rc, EXIT_FINDINGS);
	expect(out, "[x['key'] for x in d['bios_setup']]",
	       "[\"vtd\", \"csm\", \"primary_display\", \"internal_graphics\", \"above_4gb_mmio_bios_assignment\", \"cfg_lock\"]");
	char want[1600];
	snprintf(want, sizeof(want),
		 "{\"key\": \"vtd\", \"prompt\": \"VT-d\", \"varstore\": \"Setup\", "
		 "\"guid\": \"EC87D643-EBA4-4BB5-A1E5-3F3E36B20DA9\", \"offset\": \"0x7ec\", \"width\": 1, \"value\": 0, "
		 "\"text\": \"Disabled\", \"default\": 1, \"source\": \"%s/sys/firmware/efi/efivars/"
		 "Setup-ec87d643-eba4-4bb5-a1e5-3f3e36b20da9\"}", dir);
	expect(out, "{k: d['bios_setup'][0][k] for k in ('key','prompt','varstore','guid','offset','width','value','text','default','source')}",
	       want);
	expect(out, "[d['bios_setup'][0]['path'], d['bios_setup'][0]['status'], d['bios_setup'][0]['default_text']]",
	       "[\"Setup > Chipset > System Agent (SA) Configuration > VT-d\", \"ok\", \"Enabled\"]");
	expect(out, "[(x['key'], x['value'], x['text']) for x in d['bios_setup'][1:4]]",
	       "[[\"csm\", 1, \"Enabled\"], [\"primary_display\", 0, \"IGFX\"], [\"internal_graphics\", 2, \"Auto\"]]");
	expect(out, "[d['bios_setup_file'][k] for k in ('detected','dmi_bios_version','same_bios','found_on_stick','absent')]",
	       "[\"PE32 image section\", \"1.22.0\", true, false, [\"igpu_multi_monitor\", \"above_4g_decoding\"]]");
	expect_contains(out, "v['vtd']['evidence']", "BIOS Setup: Setup(EC87D643-\u2026)+0x7EC = 0 \"Disabled\" (VT-d)");
	expect_contains(out, "v['vtd']['advice']", "in the BIOS setup set \"VT-d\" to \"Enabled\" (Setup > Chipset > "
						   "System Agent (SA) Configuration > VT-d; it is \"Disabled\" now)");
	expect_contains(out, "v['boot_mode']['evidence']", "CSM enabled according to the BIOS Setup");
	expect(out, "v['bios_setup']['status']", "ok");
	run_igdkit_free(out, err);

	/* the text report: the section with paths, values, defaults and choices */
	rc = run_igdkit(&out, &err, (const char *const[]){ "check", "--root", dir, "--pci-dump", fixture_path(IVB),
							     "--firmware", fw, NULL });
	assert_int_equal(rc, EXIT_FINDINGS);
	assert_non_null(strstr(out, "\nBIOS Setup from "));
	assert_non_null(strstr(out, "  vtd                            Setup > Chipset > System Agent (SA) Configuration > VT-d\n"
				    "                                 Setup(EC87D643-\u2026)+0x7EC = 0 \"Disabled\" (VT-d)\n"
				    "                                 default 1 \"Enabled\"; options: 0 \"Disabled\", 1 \"Enabled\"\n"));
	assert_non_null(strstr(out, "  not in these forms: igpu_multi_monitor above_4g_decoding\n"));
	run_igdkit_free(out, err);

	/* without runtime variables (efivarfs not mounted): every place named, nothing read, said why */
	char efi[700];
	snprintf(efi, sizeof(efi), "%s/sys/firmware/efi/efivars", dir);
	rm_rf(efi);
	rc = run_igdkit(&out, &err, (const char *const[]){ "check", "--root", dir, "--pci-dump", fixture_path(IVB),
							     "--firmware", fw, "--json", NULL });
	expect(out, "sorted(set((x['status'], x['value'], x['source']) for x in d['bios_setup']))",
	       "[[\"variable unreadable\", null, null]]");
	expect_contains(out, "d['bios_setup_file']['variables_unreadable']", "efivarfs not mounted");
	expect(out, "v['bios_setup']['status']", "unknown");
	run_igdkit_free(out, err);

	/* a firmware file that cannot be read, or is none: exit 3 */
	rc = run_igdkit(&out, &err, (const char *const[]){ "check", "--root", dir, "--pci-dump", fixture_path(IVB),
							     "--firmware", "/nonexistent/bios.bin", NULL });
	assert_int_equal(rc, EXIT_INPUT);
	assert_non_null(strstr(err, "--firmware /nonexistent/bios.bin"));
	run_igdkit_free(out, err);
	rc = run_igdkit(&out, &err, (const char *const[]){ "check", "--root", dir, "--pci-dump", fixture_path(IVB),
							     "--firmware", fixture_path(IVB), NULL });
	assert_int_equal(rc, EXIT_INPUT);
	run_igdkit_free(out, err);
	/* without --firmware the JSON keeps the key: an empty list */
	rc = run_igdkit(&out, &err, (const char *const[]){ "check", "--root", dir, "--pci-dump", fixture_path(IVB), "--json", NULL });
	expect(out, "[d['bios_setup'], d['bios_setup_file'], 'bios_setup' in v]", "[[], null, false]");
	run_igdkit_free(out, err);
	rm_tmpdir(dir);
	free(var);
}

UNIT_MAIN(NULL, NULL, cmocka_unit_test(test_all_ok), cmocka_unit_test(test_vtd_off),
	  cmocka_unit_test(test_vtx_locked_off_and_unlocked), cmocka_unit_test(test_igd_hidden_behind_dgpu),
	  cmocka_unit_test(test_legacy_boot_and_secure_boot), cmocka_unit_test(test_server_without_igd),
	  cmocka_unit_test(test_igd_shares_its_group), cmocka_unit_test(test_igd_without_its_remapping_unit),
	  cmocka_unit_test(test_not_primary_class_0380), cmocka_unit_test(test_breakages_on_the_cmdline_and_iomem),
	  cmocka_unit_test(test_qemu_q35_like_machine), cmocka_unit_test(test_report_file_on_the_stick),
	  cmocka_unit_test(test_usage_and_unreadable_inputs), cmocka_unit_test(test_plan_for_old_qemu_sets_gms),
	  cmocka_unit_test(test_bios_setup_values))
