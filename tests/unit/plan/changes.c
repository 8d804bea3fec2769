/* tests for tools/plan/changes.c against tools/plan/decide.c: on the PVE 7, 8.2, 8.4 and 9.0 fixture
 * trees, for a Gen6 (Sandy Bridge, legacy VBIOS), a Gen9 (Comet Lake) and a Gen12 (Alder Lake-N)
 * iGPU, what `igdkit check` prints is exactly what `igdkit install` writes. The expected values
 * come from reference/qemu-igd.md (version table, x-igd-gms / x-igd-opregion rules, kernel facts),
 * not from igdkit's output. Self-contained: builds its roots like pvefixture.h does. */
#include "helpers.h"
#include "host/facts.h"
#include "plan/decide.h"
#include "pve/target.h"
#include "pve/target_dev.h"
#include "plan/changes.h"
#include "rom/fit.h"
#include "change/diff.h"
#include "change/manifest.h"
#include "change/apply.h"
#include "change/rebuild.h"
#include "lib/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void sh(const char *cmd)
{
	if (system(cmd) != 0)
		fail_msg("command failed: %s", cmd);
}

/* tests/data/pve/TREE in a temp dir, with the pmxcfs-made config.db (pve-configdb/SOURCE.md). */
static char *pve_tree(const char *tree)
{
	char *t = make_tmpdir();
	char cmd[8192];
	snprintf(cmd, sizeof(cmd),
		 "cp -a tests/data/pve/%s/. '%s'/ && mkdir -p '%s/var/lib/pve-cluster' && cp '%s' '%s/var/lib/pve-cluster/config.db'",
		 tree, t, t, fixture_path("pve-configdb/config.db"), t);
	sh(cmd);
	return t;
}

static struct machine_facts facts_base(uint16_t device, int gen, const char *platform)
{
	struct machine_facts f = facts_igd(device, gen, platform);
	f.intr_remap = TRI_YES;
	f.uefi_boot = TRI_YES;
	return f;
}

/* Sandy Bridge desktop (8086:0102): gen 6, GGC 0x0010 = GMS 2 (64 MiB) in bits 7:3 */
static struct machine_facts facts_snb(void)
{
	struct machine_facts f = facts_base(0x0102, 6, "Sandy Bridge");
	f.igd_legacy_vbios = true;
	f.ggc = 0x0010;
	return f;
}

static struct machine_facts facts_cml(void)
{
	struct machine_facts f = facts_base(0x9bc8, 9, "Comet Lake");
	f.igd_legacy_vbios = true;
	f.ggc = 0x0200;
	return f;
}

static struct machine_facts facts_adln(void)
{
	struct machine_facts f = facts_base(0x46d4, 12, "Alder Lake-N");
	f.ggc = 0x0200;
	return f;
}

/* One 512-byte EFI image for 8086:9bc8 whose driver is none of the chain's, byte by byte (PCI
 * Firmware Spec 3.0 layout): a GOP-only ROM as far as the plan is concerned. */
static void make_cml_efi_rom(unsigned char *b)
{
	memset(b, 0, 512);
	b[0] = 0x55, b[1] = 0xaa, b[2] = 1;
	b[0x18] = 0x1c;
	memcpy(b + 0x1c, "PCIR", 4);
	b[0x1c + 4] = 0x86, b[0x1c + 5] = 0x80, b[0x1c + 6] = 0xc8, b[0x1c + 7] = 0x9b;
	b[0x1c + 0x0a] = 0x18;
	b[0x1c + 0x10] = 1;
	b[0x1c + 0x14] = 3;	/* EFI */
	b[0x1c + 0x15] = 0x80;
}

struct expect {
	const char *route;	/* "legacy" / "UEFI" */
	const char *machine;
	const char *args;	/* "" none */
	const char *words;	/* needed cmdline words, space-separated */
	bool virqfd;
	const char *rom_name;
};

static const struct change *change_at(const struct install_plan *p, const char *path)
{
	for (size_t i = 0; i < p->n; i++)
		if (!strcmp(p->ch[i].path, path))
			return &p->ch[i];
	return NULL;
}

/* "key: value" of a VM config text, or NULL. */
static char *conf_line(const char *conf, const char *key, char *buf, size_t len)
{
	size_t kl = strlen(key);
	for (const char *l = conf; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		if (!strncmp(l, key, kl) && l[kl] == ':' && l[kl + 1] == ' ') {
			snprintf(buf, len, "%.*s", (int)strcspn(l + kl + 2, "\n"), l + kl + 2);
			return buf;
		}
		if (*l == '[')
			break;	/* snapshot sections are not the current config */
	}
	return NULL;
}

/* Install's plan for new VM 102 and check's plan for the same facts, target and ROM, side by side. */
static void agree(const char *tree, const struct machine_facts *f, const unsigned char *rom, size_t romlen,
		  const struct expect *e)
{
	char *root = pve_tree(tree);
	struct pve_target t;
	struct diag d;
	diag_init(&d);
	assert_int_equal(target_probe(root, &t, &d), 0);
	struct install_opts io = { .root = root, .rom = rom, .romlen = romlen, .vmid = 102, .create = true,
				   .now = 1800000000 };
	struct install_plan ip;
	if (install_plan_compute(&t, f, &io, &ip, &d) < 0)
		fail_msg("%s: install plan failed: %s", tree, diag_last(&d));

	/* what `igdkit check --root TREE --rom ROM` computes (tools/check/check.c) */
	struct plan_opts po;
	install_plan_opts(&t, &po);
	char *tcmd = install_target_cmdline(&t, &d);
	po.target_cmdline = tcmd;
	struct rom_summary rs;
	assert_int_equal(rom_summarize(rom, romlen, &rs, &d), 0);
	plan_opts_use_rom(&po, &rs, f->igd_device_id);
	po.vm_efi_known = true;	/* the VM install creates has no EFI disk */
	struct igd_plan cp;
	plan_compute(f, &po, &cp);
	assert_true(cp.qemu_known);

	/* VM lines: check's values are the lines install writes */
	const struct change *c = change_at(&ip, "/var/lib/pve-cluster/config.db");
	assert_non_null(c);
	const char *conf = (const char *)c->new;
	char v[512];
	assert_non_null(conf_line(conf, "machine", v, sizeof(v)));
	assert_string_equal(v, cp.vm_machine);
	assert_string_equal(v, e->machine);
	assert_non_null(conf_line(conf, "vga", v, sizeof(v)));
	assert_string_equal(v, cp.vm_vga);
	assert_non_null(conf_line(conf, cp.hostpci_key, v, sizeof(v)));
	assert_string_equal(v, cp.hostpci0);
	assert_string_equal(cp.rom_name, e->rom_name);
	char want_hp[200];
	snprintf(want_hp, sizeof(want_hp), "0000:00:02.0,legacy-igd=1,romfile=%s", e->rom_name);
	assert_string_equal(v, want_hp);
	if (*cp.args) {
		assert_non_null(conf_line(conf, "args", v, sizeof(v)));
		assert_string_equal(v, cp.args);
	} else
		assert_null(conf_line(conf, "args", v, sizeof(v)));
	assert_string_equal(cp.args, e->args);
	/* SeaBIOS is qemu-server's default: a new VM gets no bios line for it */
	if (!strcmp(cp.vm_bios, "seabios"))
		assert_null(conf_line(conf, "bios", v, sizeof(v)));
	else {
		assert_non_null(conf_line(conf, "bios", v, sizeof(v)));
		assert_string_equal(v, cp.vm_bios);
	}
	assert_string_equal(plan_route_seabios(cp.route) ? "legacy" : "UEFI", e->route);
	assert_int_equal(strncmp(ip.route, e->route, strlen(e->route)), 0);
	char rompath[200];
	snprintf(rompath, sizeof(rompath), "/usr/share/kvm/%s", cp.rom_name);
	assert_non_null(change_at(&ip, rompath));

	/* host side: the needed words, the modules and the modprobe directives */
	char words[512] = "";
	for (size_t i = 0; i < cp.nneed; i++)
		snprintf(words + strlen(words), sizeof(words) - strlen(words), "%s%s", *words ? " " : "", cp.need[i].word);
	assert_string_equal(words, e->words);
	char iw[512];
	install_cmdline_words(&t, f, iw, sizeof(iw));
	assert_string_equal(iw, words);
	char add[512] = "";
	for (size_t i = 0; i < cp.nadd; i++)
		snprintf(add + strlen(add), sizeof(add) - strlen(add), "%s%s", *add ? " " : "", cp.cmdline_add[i]);
	const struct change *g = change_at(&ip, "/etc/kernel/cmdline");
	if (t.boot == BOOT_PROXMOX_BOOT_TOOL && t.kernel_cmdline_present) {
		/* check compares with /etc/kernel/cmdline: install appends exactly those words */
		char want[4200];
		snprintf(want, sizeof(want), "%s%s%s\n", t.kernel_cmdline, *add ? " " : "", add);
		if (*add) {
			assert_non_null(g);
			assert_string_equal((const char *)g->new, want);
		} else
			assert_null(g);
	} else {
		assert_null(g);
		g = change_at(&ip, "/etc/default/grub.d/igdkit.cfg");
		char want[600];
		snprintf(want, sizeof(want), "GRUB_CMDLINE_LINUX_DEFAULT=\"$GRUB_CMDLINE_LINUX_DEFAULT %s\"\n", add);
		if (*add) {
			assert_non_null(g);
			assert_non_null(strstr((const char *)g->new, want));
		} else
			assert_null(g);
	}
	assert_int_equal(cp.vfio_virqfd, e->virqfd);
	c = change_at(&ip, "/etc/modules-load.d/igdkit-vfio.conf");
	assert_non_null(c);
	assert_string_equal((const char *)c->new + strcspn((const char *)c->new, "\n") + 1, cp.modules_load);
	c = change_at(&ip, "/etc/modprobe.d/igdkit-vfio.conf");
	assert_non_null(c);
	assert_string_equal((const char *)c->new + strcspn((const char *)c->new, "\n") + 1, cp.modprobe_conf);
	char ids[64];
	snprintf(ids, sizeof(ids), "options vfio-pci ids=8086:%04x\nsoftdep i915 pre: vfio-pci\n", f->igd_device_id);
	assert_int_equal(strncmp(cp.modprobe_conf, ids, strlen(ids)), 0);
	assert_int_equal(strstr(cp.modprobe_conf, "softdep xe pre: vfio-pci\n") != NULL, f->igd_gen >= 12);

	free(tcmd);
	install_plan_free(&ip);
	target_free(&t);
	diag_free(&d);
	rm_tmpdir(root);
}

/* PVE 7.4: pve-qemu-kvm 7.2, kernels 5.15: intel_iommu=on, vfio_virqfd, x-igd-gms on <= 9.1. */
static void test_pve7_qemu72(void **state)
{
	(void)state;
	struct file_buf snb = fixture_read("vbios-legacy/snb-0102-vbios.rom");
	struct file_buf n150 = fixture_read("gop-n150-adln/n150_vfio_igd.rom");
	struct file_buf cml = chain_rom("gop-efi/cml.efi", 0x9bc8);
	const char *both = "intel_iommu=on initcall_blacklist=sysfb_init";
	struct machine_facts f = facts_snb();
	agree("pve7-grub", &f, snb.data, snb.len,
	      &(struct expect){ "legacy", "pc-i440fx-7.2", "-set device.hostpci0.x-igd-gms=0x2", both, true,
				"igd-sandy-bridge-8086-0102-vbios.rom" });
	f = facts_cml();
	agree("pve7-grub", &f, cml.data, cml.len,
	      &(struct expect){ "UEFI", "pc-i440fx-7.2", "-set device.hostpci0.x-igd-gms=0x2", both, true,
				"igd-comet-lake-8086-9bc8-efi.rom" });
	f = facts_adln();
	agree("pve7-grub", &f, n150.data, n150.len,
	      &(struct expect){ "UEFI", "pc-i440fx-7.2", "-set device.hostpci0.x-igd-gms=0x2", both, true,
				"igd-alder-lake-n-8086-46d4-efi.rom" });
	file_buf_free(&snb);
	file_buf_free(&n150);
	file_buf_free(&cml);
}

/* PVE 8.2: QEMU 9.0, kernels 6.5 + 6.8: still intel_iommu=on (6.5 is installed), no vfio_virqfd. */
static void test_pve82_qemu90(void **state)
{
	(void)state;
	struct file_buf snb = fixture_read("vbios-legacy/snb-0102-vbios.rom");
	struct file_buf n150 = fixture_read("gop-n150-adln/n150_vfio_igd.rom");
	struct file_buf cml = chain_rom("gop-efi/cml.efi", 0x9bc8);
	const char *both = "intel_iommu=on initcall_blacklist=sysfb_init";
	struct machine_facts f = facts_snb();
	agree("pve8-grub", &f, snb.data, snb.len,
	      &(struct expect){ "legacy", "pc-i440fx-9.0", "-set device.hostpci0.x-igd-gms=0x2", both, false,
				"igd-sandy-bridge-8086-0102-vbios.rom" });
	f = facts_cml();
	agree("pve8-grub", &f, cml.data, cml.len,
	      &(struct expect){ "UEFI", "pc-i440fx-9.0", "-set device.hostpci0.x-igd-gms=0x2", both, false,
				"igd-comet-lake-8086-9bc8-efi.rom" });
	f = facts_adln();
	agree("pve8-grub", &f, n150.data, n150.len,
	      &(struct expect){ "UEFI", "pc-i440fx-9.0", "-set device.hostpci0.x-igd-gms=0x2", both, false,
				"igd-alder-lake-n-8086-46d4-efi.rom" });
	file_buf_free(&snb);
	file_buf_free(&n150);
	file_buf_free(&cml);
}

/* PVE 8.4: QEMU 9.2 (host GMS copied: no x-igd-gms; CML unknown to its table: x-igd-opregion=on),
 * kernel 6.8 only: no intel_iommu=on; proxmox-boot-tool: /etc/kernel/cmdline. */
static void test_pve84_qemu92(void **state)
{
	(void)state;
	struct file_buf snb = fixture_read("vbios-legacy/snb-0102-vbios.rom");
	struct file_buf n150 = fixture_read("gop-n150-adln/n150_vfio_igd.rom");
	struct file_buf cml = chain_rom("gop-efi/cml.efi", 0x9bc8);
	const char *sysfb = "initcall_blacklist=sysfb_init";
	struct machine_facts f = facts_snb();
	agree("pve8-zfs-sdboot", &f, snb.data, snb.len,
	      &(struct expect){ "legacy", "pc-i440fx-9.2", "", sysfb, false, "igd-sandy-bridge-8086-0102-vbios.rom" });
	f = facts_cml();
	agree("pve8-zfs-sdboot", &f, cml.data, cml.len,
	      &(struct expect){ "UEFI", "pc-i440fx-9.2", "-set device.hostpci0.x-igd-opregion=on", sysfb, false,
				"igd-comet-lake-8086-9bc8-efi.rom" });
	f = facts_adln();
	agree("pve8-zfs-sdboot", &f, n150.data, n150.len,
	      &(struct expect){ "UEFI", "pc-i440fx-9.2", "-set device.hostpci0.x-igd-opregion=on", sysfb, false,
				"igd-alder-lake-n-8086-46d4-efi.rom" });
	file_buf_free(&snb);
	file_buf_free(&n150);
	file_buf_free(&cml);
}

/* PVE 9.0: QEMU 10.0 knows CML and ADL: no args at all; kernel 6.14. */
static void test_pve90_qemu100(void **state)
{
	(void)state;
	struct file_buf snb = fixture_read("vbios-legacy/snb-0102-vbios.rom");
	struct file_buf n150 = fixture_read("gop-n150-adln/n150_vfio_igd.rom");
	struct file_buf cml = chain_rom("gop-efi/cml.efi", 0x9bc8);
	const char *sysfb = "initcall_blacklist=sysfb_init";
	struct machine_facts f = facts_snb();
	agree("pve9-grub", &f, snb.data, snb.len,
	      &(struct expect){ "legacy", "pc-i440fx-10.0", "", sysfb, false, "igd-sandy-bridge-8086-0102-vbios.rom" });
	f = facts_cml();
	agree("pve9-grub", &f, cml.data, cml.len,
	      &(struct expect){ "UEFI", "pc-i440fx-10.0", "", sysfb, false, "igd-comet-lake-8086-9bc8-efi.rom" });
	f = facts_adln();
	agree("pve9-grub", &f, n150.data, n150.len,
	      &(struct expect){ "UEFI", "pc-i440fx-10.0", "", sysfb, false, "igd-alder-lake-n-8086-46d4-efi.rom" });
	file_buf_free(&snb);
	file_buf_free(&n150);
	file_buf_free(&cml);
}

/*
 * The seed's case: a Comet Lake without CSM, a ROM with the GOP only (no VBIOS, no IGD assignment
 * driver). OVMF would leave OpRegion and stolen memory unset with it, so the plan never sends it
 * there: where QEMU runs the iGPU in legacy mode (7.2, 10.0) SeaBIOS + legacy-igd with that ROM
 * (the OS driver works, no picture before it); QEMU 9.2 does not know CML: no route at all.
 */
static void test_gop_only_rom(void **state)
{
	(void)state;
	unsigned char cml[512];
	make_cml_efi_rom(cml);
	const char *both = "intel_iommu=on initcall_blacklist=sysfb_init", *sysfb = "initcall_blacklist=sysfb_init";
	struct machine_facts f = facts_cml();
	agree("pve7-grub", &f, cml, sizeof(cml),
	      &(struct expect){ "legacy", "pc-i440fx-7.2", "-set device.hostpci0.x-igd-gms=0x2", both, true,
				"igd-comet-lake-8086-9bc8-efi.rom" });
	agree("pve9-grub", &f, cml, sizeof(cml),
	      &(struct expect){ "legacy", "pc-i440fx-10.0", "", sysfb, false, "igd-comet-lake-8086-9bc8-efi.rom" });

	char *root = pve_tree("pve8-zfs-sdboot");
	struct pve_target t;
	struct diag d;
	diag_init(&d);
	assert_int_equal(target_probe(root, &t, &d), 0);
	struct install_opts io = { .root = root, .rom = cml, .romlen = sizeof(cml), .vmid = 102, .create = true,
				   .now = 1800000000 };
	struct install_plan ip;
	assert_int_equal(install_plan_compute(&t, &f, &io, &ip, &d), -1);
	assert_non_null(strstr(diag_last(&d), "OVMF needs the whole chain (IGD assignment, GOP policy, GOP)"));
	assert_non_null(strstr(diag_last(&d), "QEMU 9.2 does not know device 8086:9bc8"));
	assert_non_null(strstr(diag_last(&d), "igdkit rom make IMAGE --device 8086:9bc8"));
	target_free(&t);
	diag_free(&d);
	rm_tmpdir(root);
}

/* The commands themselves: `igdkit check --root TREE --pci-dump DUMP --rom ROM --json` prints the VM
 * lines that `igdkit install ... --vmid 102 --create` shows in its VM config after. */
static void test_commands_agree(void **state)
{
	(void)state;
	static const char *const trees[] = { "pve7-grub", "pve8-grub", "pve8-zfs-sdboot", "pve9-grub" };
	/* fixture_path reuses its buffer */
	char *dump = strdup(fixture_path("hw/snb-gigabyte-h61m-ds2/pci-host-igd.dump"));
	char *rom = strdup(fixture_path("vbios-legacy/snb-0102-vbios.rom"));
	for (size_t k = 0; k < 2 * sizeof(trees) / sizeof(trees[0]); k++) {
		/* first a new VM 102, then the fixture's VM 100 (machine: pc-i440fx-7.1, kept everywhere) */
		size_t i = k % 4;
		bool vm100 = k >= 4;
		char *root = pve_tree(trees[i]);
		char *cout, *iout, *err;
		int rc = vm100 ? run_igdkit(&cout, &err, (const char *const[]){ "check", "--root", root, "--pci-dump", dump, "--rom",
									      rom, "--vmid", "100", "--json", NULL })
			       : run_igdkit(&cout, &err, (const char *const[]){ "check", "--root", root, "--pci-dump", dump, "--rom",
									      rom, "--json", NULL });
		if (rc != EXIT_OK && rc != EXIT_FINDINGS)
			fail_msg("check rc %d: %s", rc, err);
		free(err);
		rc = run_igdkit(&iout, &err, (const char *const[]){ "install", "--root", root, "--pci-dump", dump, "--rom", rom,
								    "--vmid", vm100 ? "100" : "102", "--json",
								    vm100 ? NULL : "--create", NULL });
		if (rc != EXIT_OK)
			fail_msg("install rc %d: %s", rc, err);
		free(err);
		/* both from JSON through python3, an independent parser */
		char p1[4200], p2[4200], cmd[16384];
		snprintf(p1, sizeof(p1), "%s/check.json", root);
		snprintf(p2, sizeof(p2), "%s/install.json", root);
		write_file(p1, cout, strlen(cout));
		write_file(p2, iout, strlen(iout));
		snprintf(cmd, sizeof(cmd),
			 "python3 -c 'import json,sys\n"
			 "c=json.load(open(sys.argv[1]))[\"plan\"]; i=json.load(open(sys.argv[2]))[\"plan\"]\n"
			 "vm=dict(l.split(\": \",1) for l in i[\"vm_after\"].splitlines() if \": \" in l)\n"
			 "v=c[\"vm\"]; bad=[]\n"
			 "bad+=[] if vm.get(\"machine\")==v[\"machine\"] else [\"machine\"]\n"
			 "bad+=[] if vm.get(v[\"hostpci_key\"])==v[\"hostpci0\"] else [\"hostpci\"]\n"
			 "bad+=[] if vm.get(\"vga\")==v[\"vga\"] else [\"vga\"]\n"
			 "bad+=[] if vm.get(\"args\")==v[\"args\"] else [\"args\"]\n"
			 "bad+=[] if vm.get(\"bios\",\"seabios\")==v[\"bios\"] else [\"bios\"]\n"
			 "bad+=[] if i[\"rom_name\"]==c[\"rom_name\"] else [\"rom\"]\n"
			 "plus=[l[1:] for l in i[\"diff\"].splitlines() if l.startswith(\"+\") and not l.startswith(\"+++\")]\n"
			 "host=c[\"cmdline_add\"]+c[\"modprobe_conf\"].splitlines()+c[\"modules_load\"].splitlines()\n"
			 "bad+=[] if c[\"cmdline_add\"] and all(any(w in l for l in plus) for w in host) else [\"host\"]\n"
			 "print(\" \".join(bad) or \"same\", v[\"machine\"], v[\"args\"], c[\"cmdline_compared_with\"])' '%s' '%s'",
			 p1, p2);
		FILE *py = popen(cmd, "r");
		assert_non_null(py);
		char line[512] = "";
		if (!fgets(line, sizeof(line), py))
			line[0] = 0;
		pclose(py);
		/* SNB legacy everywhere, machine pinned to the target's QEMU; x-igd-gms from the dump's
		 * GGC (0x50 = 0x0210 in the dump: GMS bits 7:3 = 2, 64 MiB) only on QEMU <= 9.1 */
		static const char *const machines[] = { "pc-i440fx-7.2", "pc-i440fx-9.0", "pc-i440fx-9.2", "pc-i440fx-10.0" };
		char want[300];
		snprintf(want, sizeof(want), "same %s %s %s\n", vm100 ? "pc-i440fx-7.1" : machines[i], i < 2 ? "-set device.hostpci0.x-igd-gms=0x2" : "None",
			 i == 2 ? "/etc/kernel/cmdline" : "/etc/default/grub(.d)");
		if (strcmp(line, want) != 0)
			fail_msg("%s: check and install differ: %s (wanted %s)", trees[i], line, want);
		free(cout);
		free(iout);
		rm_tmpdir(root);
	}
	free(dump);
	free(rom);
}

/* After an install, `check --vmid 100` without --rom plans with the ROM the VM already uses, as
 * install does (same name, route from its contents); an unknown VM is said, not guessed. */
static void test_check_vmid_after_install(void **state)
{
	(void)state;
	char *dump = strdup(fixture_path("hw/snb-gigabyte-h61m-ds2/pci-host-igd.dump"));
	char *rom = strdup(fixture_path("vbios-legacy/snb-0102-vbios.rom"));
	char *root = pve_tree("pve9-grub");
	char *out, *err;
	int rc = run_igdkit(&out, &err, (const char *const[]){ "install", "--root", root, "--pci-dump", dump, "--rom", rom, "--vmid",
								"100", "--yes", "--no-rebuild", NULL });
	if (rc != EXIT_OK)
		fail_msg("install rc %d: %s", rc, err);
	run_igdkit_free(out, err);
	rc = run_igdkit(&out, &err, (const char *const[]){ "check", "--root", root, "--pci-dump", dump, "--vmid", "100", NULL });
	assert_true(rc == EXIT_OK || rc == EXIT_FINDINGS);
	assert_non_null(strstr(out, "\n  VM 100 config lines:\n    machine: pc-i440fx-7.1  (the VM's own pin, kept)\n    bios: seabios\n"
				    "    vga: none\n    hostpci0: 0000:00:02.0,legacy-igd=1,romfile=igd-sandy-bridge-8086-0102-vbios.rom\n"));
	assert_non_null(strstr(out, "  ROM:                 /usr/share/kvm/igd-sandy-bridge-8086-0102-vbios.rom\n  VM 100"));
	/* everything is in place: nothing left to add to the GRUB files */
	assert_non_null(strstr(out, "  kernel cmdline add:  (nothing)  (not yet in /etc/default/grub(.d))\n"));
	run_igdkit_free(out, err);
	rc = run_igdkit(&out, &err, (const char *const[]){ "install", "--root", root, "--pci-dump", dump, "--vmid", "100", NULL });
	assert_int_equal(rc, EXIT_OK);
	assert_non_null(strstr(out, "Nothing to change"));
	run_igdkit_free(out, err);
	rc = run_igdkit(&out, &err, (const char *const[]){ "check", "--root", root, "--pci-dump", dump, "--vmid", "555", NULL });
	assert_non_null(strstr(err, "VM 555 does not exist on this target; planning for a new VM"));
	run_igdkit_free(out, err);
	rm_tmpdir(root);
	free(dump);
	free(rom);
}

/* Install's plan for VM 100 of `tree` after `sql_tail` (an SQL text expression) is appended to its
 * config in config.db, with the given ROM and machine: the scenario of the VM-config tests below. */
struct vm100_plan {
	char *root;
	struct pve_target t;
	struct diag d;
	struct install_plan ip;
	const char *conf;	/* VM 100's config as the plan writes it */
};

static void vm100_plan(struct vm100_plan *s, const char *tree, const char *sql_tail, const struct file_buf *rom,
		       const struct machine_facts *f, const char *more_sql)
{
	s->root = pve_tree(tree);
	char cmd[9000];
	snprintf(cmd, sizeof(cmd),
		 "sqlite3 '%s/var/lib/pve-cluster/config.db' \"update tree set data = cast(cast(data as text) || "
		 "%s as blob) where name='100.conf'; %s\"",
		 s->root, sql_tail, more_sql ? more_sql : "");
	sh(cmd);
	diag_init(&s->d);
	assert_int_equal(target_probe(s->root, &s->t, &s->d), 0);
	struct install_opts io = { .root = s->root, .rom = rom->data, .romlen = rom->len, .vmid = 100, .now = 1800000000 };
	if (install_plan_compute(&s->t, f, &io, &s->ip, &s->d) < 0)
		fail_msg("%s + %s: install plan failed: %s", tree, sql_tail, diag_last(&s->d));
	const struct change *c = change_at(&s->ip, "/var/lib/pve-cluster/config.db");
	assert_non_null(c);
	s->conf = (const char *)c->new;
}

static void vm100_plan_free(struct vm100_plan *s)
{
	install_plan_free(&s->ip);
	target_free(&s->t);
	diag_free(&s->d);
	rm_tmpdir(s->root);
}

/* VM 100 already passes the iGPU through, spelled as qemu-server allows: install replaces that
 * entry instead of adding 00:02.0 a second time (qemu-server will not start a VM that names one
 * device in two hostpciN). Another device stays where it is; a PCI mapping gets a warning. */
static void test_igd_slot_spellings(void **state)
{
	(void)state;
	struct file_buf snb = fixture_read("vbios-legacy/snb-0102-vbios.rom");
	struct machine_facts f = facts_snb();
	static const struct {
		const char *hostpci0;
		const char *want0;	/* hostpci0 after install, NULL: the iGPU */
		bool igd_in_1;		/* the iGPU went to hostpci1 (else there is no hostpci1) */
		bool warn_mapping;
	} cases[] = {
		{ "0000:00:02", NULL, false, false },
		{ "host=0000:00:02.0,rombar=0", NULL, false, false },
		{ "rombar=0,00:02", NULL, false, false },
		{ "x-vga=1,host=00000:00:02.0", NULL, false, false },
		{ "01:00.0", "01:00.0", true, false },
		{ "mapping=igpu", "mapping=igpu", true, true },
	};
	const char *igd = "0000:00:02.0,legacy-igd=1,romfile=igd-sandy-bridge-8086-0102-vbios.rom";
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char tail[300];
		snprintf(tail, sizeof(tail), "'hostpci0: %s' || char(10)", cases[i].hostpci0);
		struct vm100_plan p;
		vm100_plan(&p, "pve9-grub", tail, &snb, &f, NULL);
		const char *conf = p.conf;
		char v[512];
		const char *want0 = cases[i].want0 ? cases[i].want0 : igd;
		if (!conf_line(conf, "hostpci0", v, sizeof(v)) || strcmp(v, want0) != 0)
			fail_msg("%s: hostpci0 is '%s', want '%s'", cases[i].hostpci0, conf_line(conf, "hostpci0", v, sizeof(v)) ? v : "(none)", want0);
		if (cases[i].igd_in_1) {
			assert_non_null(conf_line(conf, "hostpci1", v, sizeof(v)));
			assert_string_equal(v, igd);
		} else if (conf_line(conf, "hostpci1", v, sizeof(v)))
			fail_msg("%s: 00:02.0 named twice, hostpci1: %s", cases[i].hostpci0, v);
		bool warned = false;
		for (size_t k = 0; k < p.d.n; k++)
			if (p.d.v[k].level == DIAG_WARN && strstr(p.d.v[k].msg, "hostpci0: mapping=igpu is a PCI mapping"))
				warned = true;
		assert_int_equal(warned, cases[i].warn_mapping);
		vm100_plan_free(&p);
	}
	file_buf_free(&snb);
}

/* A PCI resource mapping (PVE 8+) resolved through /etc/pve/mapping/pci.cfg in config.db: one that
 * maps 00:02.0 on this node is the iGPU's slot (replaced, not joined by a second entry); one for
 * another node or another device stays, silently; an ID the file lacks keeps the warning. */
static void test_igd_slot_through_mapping(void **state)
{
	(void)state;
	struct file_buf snb = fixture_read("vbios-legacy/snb-0102-vbios.rom");
	struct machine_facts f = facts_snb();
	const char *igd = "0000:00:02.0,legacy-igd=1,romfile=igd-sandy-bridge-8086-0102-vbios.rom";
	static const struct {
		const char *hostpci0, *sql;
		bool igd_in_0, warn;
	} cases[] = {
		{ "mapping=igpu,pcie=0", PCIMAP_SQL(PCIMAP_IGPU_ON("pve")), true, false },
		{ "mapping=igpu", PCIMAP_SQL(PCIMAP_IGPU_ON("other")), false, false },
		{ "mapping=nic", PCIMAP_SQL(PCIMAP_IGPU_ON("pve")), false, false },
		{ "mapping=gone", PCIMAP_SQL(PCIMAP_IGPU_ON("pve")), false, true },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char tail[300], v[512];
		snprintf(tail, sizeof(tail), "'hostpci0: %s' || char(10)", cases[i].hostpci0);
		struct vm100_plan p;
		vm100_plan(&p, "pve9-grub", tail, &snb, &f, cases[i].sql);
		assert_non_null(conf_line(p.conf, "hostpci0", v, sizeof(v)));
		if (cases[i].igd_in_0) {
			assert_string_equal(v, igd);
			assert_null(conf_line(p.conf, "hostpci1", v, sizeof(v)));
		} else {
			assert_string_equal(v, cases[i].hostpci0);
			assert_non_null(conf_line(p.conf, "hostpci1", v, sizeof(v)));
			assert_string_equal(v, igd);
		}
		bool warned = false;
		for (size_t k = 0; k < p.d.n; k++)
			if (p.d.v[k].level == DIAG_WARN && strstr(p.d.v[k].msg, "not found in /etc/pve/mapping/pci.cfg"))
				warned = true;
		assert_int_equal(warned, cases[i].warn);
		vm100_plan_free(&p);
	}
	file_buf_free(&snb);
}

/* Another GPU holds hostpci0 and args still sets an x-igd-* property on hostpci0 (where the iGPU
 * used to be): qemu-server names that multifunction device hostpci0.0/.1, so QEMU would stop at
 * '-set device.hostpci0...'. Install drops every x-igd-* -set, keeps the other words, and adds
 * its own for the iGPU's new slot where the QEMU needs one. */
static void test_stale_igd_args_on_other_slot(void **state)
{
	(void)state;
	struct file_buf snb = fixture_read("vbios-legacy/snb-0102-vbios.rom");
	struct machine_facts f = facts_snb();
	static const struct {
		const char *tree, *want;
	} cases[] = {
		{ "pve9-grub", "-cpu host,kvm=off -smbios type=1" },
		{ "pve8-grub", "-cpu host,kvm=off -smbios type=1 -set device.hostpci1.x-igd-gms=0x2" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vm100_plan p;
		vm100_plan(&p, cases[i].tree,
			   "'hostpci0: 0000:01:00,x-vga=1' || char(10) || 'args: -cpu host,kvm=off -set device.hostpci0.x-igd-gms=0x1 "
			   "-set device.hostpci0.0.x-igd-opregion=on -smbios type=1' || char(10)",
			   &snb, &f, NULL);
		char v[512];
		assert_non_null(conf_line(p.conf, "args", v, sizeof(v)));
		assert_string_equal(v, cases[i].want);
		assert_non_null(conf_line(p.conf, "hostpci0", v, sizeof(v)));
		assert_string_equal(v, "0000:01:00,x-vga=1");
		assert_non_null(conf_line(p.conf, "hostpci1", v, sizeof(v)));
		assert_string_equal(v, "0000:00:02.0,legacy-igd=1,romfile=igd-sandy-bridge-8086-0102-vbios.rom");
		vm100_plan_free(&p);
	}
	file_buf_free(&snb);
}

/* An EFI disk with Secure Boot keys: the warning names the VM being set up. */
static void test_efi_keys_warning_names_vm(void **state)
{
	(void)state;
	struct file_buf n150 = fixture_read("gop-n150-adln/n150_vfio_igd.rom");
	struct machine_facts f = facts_adln();
	struct vm100_plan p;
	vm100_plan(&p, "pve9-grub",
		   "'bios: ovmf' || char(10) || "
		   "'efidisk0: local-lvm:vm-100-disk-1,efitype=4m,pre-enrolled-keys=1,size=4M' || char(10)",
		   &n150, &f, NULL);
	bool named = false;
	for (size_t k = 0; k < p.d.n; k++) {
		assert_null(strstr(p.d.v[k].msg, "VM 0's"));
		if (p.d.v[k].level == DIAG_WARN && strstr(p.d.v[k].msg, "VM 100's EFI disk has Secure Boot keys enrolled"))
			named = true;
	}
	assert_true(named);
	vm100_plan_free(&p);
	file_buf_free(&n150);
}

/* A ROM for another device: check says install will refuse it, with install's own reason. */
static void test_check_rom_refused_like_install(void **state)
{
	(void)state;
	char *dump = strdup(fixture_path("hw/snb-gigabyte-h61m-ds2/pci-host-igd.dump"));
	char *rom = strdup(fixture_path("gop-rom/cfl-3e91-gop.rom"));
	char *root = pve_tree("pve8-grub");
	char *out, *err;
	int rc = run_igdkit(&out, &err, (const char *const[]){ "install", "--root", root, "--pci-dump", dump, "--rom", rom, "--vmid",
								"100", NULL });
	assert_int_equal(rc, EXIT_INPUT);
	assert_non_null(strstr(err, "the ROM is for 8086:3e91, this iGPU is 8086:0102"));
	run_igdkit_free(out, err);
	rc = run_igdkit(&out, &err, (const char *const[]){ "check", "--root", root, "--pci-dump", dump, "--rom", rom, NULL });
	assert_true(rc == EXIT_OK || rc == EXIT_FINDINGS);
	assert_non_null(strstr(out, "\n  note: install refuses this ROM: the ROM is for 8086:3e91, this iGPU is 8086:0102"));
	run_igdkit_free(out, err);
	rm_tmpdir(root);
	free(dump);
	free(rom);
}

UNIT_MAIN(NULL, NULL, cmocka_unit_test(test_pve7_qemu72), cmocka_unit_test(test_pve82_qemu90),
	  cmocka_unit_test(test_pve84_qemu92), cmocka_unit_test(test_pve90_qemu100),
	  cmocka_unit_test(test_gop_only_rom), cmocka_unit_test(test_commands_agree),
	  cmocka_unit_test(test_check_vmid_after_install), cmocka_unit_test(test_check_rom_refused_like_install),
	  cmocka_unit_test(test_igd_slot_spellings), cmocka_unit_test(test_igd_slot_through_mapping), cmocka_unit_test(test_efi_keys_warning_names_vm),
	  cmocka_unit_test(test_stale_igd_args_on_other_slot))
