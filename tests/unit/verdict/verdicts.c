/* tests for tools/host/collect.c and tools/verdict/: facts_collect / host_collect + the verdict
 * functions, in-process, on the scenario roots every test builds (efivars included) */
#include "scenario.h"

#include <dirent.h>

#include "verdict/verdict.h"
#include "host/collect.h"
#include "igdkit.h"

static void reset_root(void)
{
	rm_rf(unit_dir);
}

static struct ctx ctx_for(const char *dump_rel)
{
	struct ctx c = { .cmd = "check", .root = unit_dir, .pci_dump = dump_rel ? fixture_path(dump_rel) : NULL, .out = stdout };
	return c;
}

static enum verdict_status status_of(const struct verdict_list *l, const char *id)
{
	const struct verdict *v = verdict_find(l, id);
	if (!v)
		fail_msg("no verdict %s", id);
	return v->status;
}

#define IVB "hw/ivb-dell-latitude-e6430-nvs/pci-host-igd.dump"

static void collect(const struct scn *s, const char *dump, struct host_data *c, struct verdict_list *l)
{
	reset_root();
	scn_build(unit_dir, s);
	struct ctx ctx = ctx_for(dump);
	struct diag d;
	diag_init(&d);
	assert_int_equal(host_collect(ctx.root, ctx.pci_dump, c, &d), 0);
	diag_free(&d);
	check_all(c, l);
}

static void test_all_ok_facts(void **state)
{
	(void)state;
	struct scn s = scn_all_ok();
	s.secure_boot = 1;
	reset_root();
	scn_build(unit_dir, &s);
	struct ctx ctx = ctx_for(IVB);
	struct machine_facts f;
	struct diag d;
	diag_init(&d);
	assert_int_equal(facts_collect(ctx.root, ctx.pci_dump, &f, &d), 0);
	diag_free(&d);
	assert_true(f.igd_present);
	assert_int_equal(f.igd_device_id, 0x0166);
	assert_int_equal(f.igd_class, 0x0300);
	assert_int_equal(f.igd_gen, 7);
	assert_string_equal(f.igd_platform, "Ivy Bridge");
	assert_int_equal(f.ggc, 0x0209);
	assert_int_equal(f.gms_mib, 32);
	assert_int_equal(f.gms_value, 1);
	assert_int_equal(f.asls, 0xca7d7018);
	assert_int_equal(f.bdsm, 0xcda00000);
	assert_int_equal(f.boot_vga, TRI_YES);
	assert_true(f.dgpu_present == false);	/* pci-host-igd.dump holds only 00:00.0 and 00:02.0 */
	assert_int_equal(f.dmar_present, TRI_YES);
	assert_int_equal(f.igd_has_drhd, TRI_YES);
	assert_int_equal(f.igd_rmrr, TRI_YES);
	assert_int_equal(f.intr_remap, TRI_YES);
	assert_int_equal(f.iommu_active, TRI_YES);
	assert_int_equal(f.igd_iommu_group, 1);
	assert_int_equal(f.igd_group_alone, TRI_YES);
	assert_string_equal(f.igd_group_members, "0000:00:02.0");
	assert_int_equal(f.vmx_capable, TRI_YES);
	assert_int_equal(f.vmx_enabled, TRI_YES);
	assert_int_equal(f.uefi_boot, TRI_YES);
	assert_int_equal(f.secure_boot, TRI_YES);	/* through libefivar */
	assert_int_equal(f.setup_mode, TRI_NO);
	assert_int_equal(f.vfio_bound, TRI_YES);
	assert_string_equal(f.igd_driver, "vfio-pci");
	assert_int_equal(f.i915_loaded, TRI_NO);
	assert_int_equal(f.fb_owns_bar2, TRI_NO);
	assert_non_null(strstr(f.cmdline, "intel_iommu=on"));

	struct host_data *c = calloc(1, sizeof(*c));
	struct verdict_list *l = calloc(1, sizeof(*l));
	collect(&s, IVB, c, l);
	assert_false(verdicts_need_fix(l));
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].status != V_OK)
			fail_msg("%s: %s (%s)", l->v[i].id, verdict_status_name(l->v[i].status), l->v[i].evidence);
	host_data_free(c);
	free(c);
	free(l);
}

static void test_scenarios_in_process(void **state)
{
	(void)state;
	struct host_data *c = calloc(1, sizeof(*c));
	struct verdict_list *l = calloc(1, sizeof(*l));

	struct scn s = scn_all_ok();
	s.machine = "ivb-intel-dh77df";
	s.no_dmar = true;
	collect(&s, "hw/ivb-intel-dh77df/pci-host-igd.dump", c, l);
	assert_int_equal(c->f.dmar_present, TRI_NO);
	assert_int_equal(status_of(l, "vtd"), V_FIX);
	assert_non_null(strstr(verdict_find(l, "vtd")->advice, "enable VT-d"));
	host_data_free(c);

	s = scn_all_ok();
	s.no_vmx = true;
	s.msr = 0x1;
	collect(&s, IVB, c, l);
	assert_int_equal(c->f.vmx_enabled, TRI_NO);
	assert_int_equal(c->f.vmx_capable, TRI_YES);
	assert_int_equal(status_of(l, "vtx"), V_FIX);
	assert_non_null(strstr(verdict_find(l, "vtx")->advice, "disabled by the BIOS"));
	host_data_free(c);

	s = scn_all_ok();
	s.machine = "cfl-ecs-h310ch5-es-nvidia";
	collect(&s, "hw/cfl-ecs-h310ch5-es-nvidia/lspci-full.dump", c, l);
	assert_false(c->f.igd_present);
	assert_true(c->f.dgpu_present);
	assert_int_equal(status_of(l, "igd"), V_FIX);
	assert_non_null(strstr(verdict_find(l, "igd")->advice, "multi-monitor"));
	host_data_free(c);

	s = scn_all_ok();
	s.legacy_boot = true;
	collect(&s, IVB, c, l);
	assert_int_equal(c->f.uefi_boot, TRI_NO);
	assert_int_equal(c->f.csm_likely, TRI_YES);
	assert_int_equal(status_of(l, "boot_mode"), V_OK);
	host_data_free(c);

	s = scn_all_ok();
	s.machine = "hsw-ep-huananzhi-x99-bd4";
	collect(&s, "hw/hsw-ep-huananzhi-x99-bd4/lspci-full.dump", c, l);
	assert_false(c->f.igd_present);
	assert_int_equal(status_of(l, "igd"), V_FIX);
	assert_null(verdict_find(l, "gms"));
	host_data_free(c);

	s = scn_all_ok();
	s.group_extra = "0000:00:1f.3";
	collect(&s, IVB, c, l);
	assert_int_equal(c->f.igd_group_alone, TRI_NO);
	assert_int_equal(status_of(l, "iommu_group"), V_FIX);
	host_data_free(c);

	s = scn_all_ok();
	s.no_iommu = true;
	s.cmdline = "ro intel_iommu=off";
	collect(&s, IVB, c, l);
	assert_int_equal(c->f.iommu_active, TRI_NO);
	assert_int_equal(status_of(l, "iommu"), V_FIX);
	assert_non_null(strstr(verdict_find(l, "iommu")->advice, "intel_iommu=on"));
	assert_int_equal(status_of(l, "iommu_group"), V_UNKNOWN);
	assert_int_equal(status_of(l, "cmdline_words"), V_FIX);
	host_data_free(c);
	free(c);
	free(l);
}

/* Every full-tier machine: 00:02.0 ids, GGC, ASLS and BDSM against lspci -xxxx (expected.json). */
static void test_every_full_machine_igd_registers(void **state)
{
	(void)state;
	static const char py[] =
		"import json,sys\n"
		"e=json.load(open(sys.argv[1]))\n"
		"if e['tier']!='full': print('skip'); sys.exit(0)\n"
		"g=e.get('igd_device_id')\n"
		"print(int(e['igd_present']), int(g,16) if g else 0, int(e['ggc'],16) if e.get('ggc') else 0,"
		" int(e['asls'],16) if e.get('asls') else 0, int(e['bdsm_5c'],16) if e.get('bdsm_5c') else 0,"
		" int(e['discrete_gpu']))\n";
	char pf[] = "/tmp/igdkit-pf-XXXXXX";
	int fd = mkstemp(pf);
	assert_int_equal(write(fd, py, strlen(py)), (ssize_t)strlen(py));
	close(fd);
	DIR *dir = opendir(fixture_path("hw"));
	struct dirent *e;
	int n = 0;
	while ((e = readdir(dir)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		char rel[512], cmd[4400], line[256] = "";
		snprintf(rel, sizeof(rel), "hw/%s/expected.json", e->d_name);
		if (access(fixture_path(rel), R_OK) != 0)
			continue;	/* README.md */
		snprintf(cmd, sizeof(cmd), "python3 %s %s", pf, fixture_path(rel));
		FILE *p = popen(cmd, "r");
		if (!p || !fgets(line, sizeof(line), p))
			fail_msg("python3 on %s", rel);
		pclose(p);
		if (!strncmp(line, "skip", 4))
			continue;
		unsigned present, id, ggc, disc;
		unsigned long asls, bdsm;
		assert_int_equal(sscanf(line, "%u %u %u %lu %lu %u", &present, &id, &ggc, &asls, &bdsm, &disc), 6);
		reset_root();
		mkdir(unit_dir, 0700);
		snprintf(rel, sizeof(rel), "hw/%s/lspci-full.dump", e->d_name);
		struct ctx ctx = ctx_for(rel);
		struct host_data *c = calloc(1, sizeof(*c));
		struct diag d;
		diag_init(&d);
		assert_int_equal(host_collect(ctx.root, ctx.pci_dump, c, &d), 0);
		diag_free(&d);
		if (c->f.igd_present != (present != 0))
			fail_msg("%s: igd_present %d", e->d_name, c->f.igd_present);
		assert_int_equal(c->f.dgpu_present, disc != 0);
		if (present) {
			assert_int_equal(c->f.igd_device_id, id);
			assert_int_equal(c->f.ggc, ggc);
			assert_int_equal(c->f.asls, asls);
			if (c->f.igd_gen >= 6)
				assert_int_equal(c->f.bdsm, bdsm & 0xfff00000u);
		}
		host_data_free(c);
		free(c);
		n++;
	}
	closedir(dir);
	unlink(pf);
	assert_int_equal(n, 8);
}

UNIT_MAIN(unit_dir_setup, unit_dir_teardown, cmocka_unit_test(test_all_ok_facts),
	  cmocka_unit_test(test_scenarios_in_process), cmocka_unit_test(test_every_full_machine_igd_registers))
