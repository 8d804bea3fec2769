/* tests for tools/plan/changes.c and tools/change/{apply,undo,manifest}.c on PVE 7/8/9 fixture roots:
 * exact files and config.db rows, idempotence, undo byte-identity, cluster staging, refusals,
 * and a crash/failure at every fault point. */
#include "pvefixture.h"
#include "pve/target.h"
#include "pve/target_dev.h"
#include "plan/changes.h"
#include "rom/fit.h"
#include "change/diff.h"
#include "change/manifest.h"
#include "change/apply.h"
#include "change/rebuild.h"
#include "lib/fault.h"
#include "lib/sha256.h"

#include <sys/wait.h>

/* 100.conf as pmxcfs stored it (pve-configdb/SOURCE.md). */
static const char conf100[] =
	"agent: 1\n"
	"boot: order=scsi0;ide2;net0\n"
	"cores: 6\n"
	"cpu: host\n"
	"ide2: local:iso/virtio-win-0.1.240.iso,media=cdrom,size=612812K\n"
	"machine: pc-i440fx-7.1\n"
	CONF100_MEMORY_TO_SOCKETS
	"vmgenid: 9a4e6b21-0c3d-4f58-8e7a-2b1c9d0f6e53\n";

/* Replace line `old` (with newline) of conf100 by `repl`, insert lines after `after` ... kept simple: full literals below. */
static const char conf100_pve8_cfl[] =
	"agent: 1\n"
	"args: -set device.hostpci0.x-igd-gms=0x2\n"
	"bios: ovmf\n"
	"boot: order=scsi0;ide2;net0\n"
	"cores: 6\n"
	"cpu: host\n"
	"hostpci0: 0000:00:02.0,legacy-igd=1,romfile=igd-coffee-lake-8086-3e91-efi.rom\n"
	"ide2: local:iso/virtio-win-0.1.240.iso,media=cdrom,size=612812K\n"
	"machine: pc-i440fx-7.1\n"
	CONF100_MEMORY_TO_SOCKETS
	"vga: none\n"
	"vmgenid: 9a4e6b21-0c3d-4f58-8e7a-2b1c9d0f6e53\n";

static const char grub_both[] =
	"# Written by igdkit: kernel command line for Intel iGPU passthrough (00:02.0 -> vfio-pci).\n"
	"# intel_iommu=on: kernels before 6.8 leave the Intel IOMMU off.\n"
	"# initcall_blacklist=sysfb_init: no firmware framebuffer on the iGPU's memory (BAR 2).\n"
	"# To take it back: igdkit install --undo, or delete this file and run update-grub.\n"
	"GRUB_CMDLINE_LINUX_DEFAULT=\"$GRUB_CMDLINE_LINUX_DEFAULT intel_iommu=on initcall_blacklist=sysfb_init\"\n";

static const char grub_sysfb[] =
	"# Written by igdkit: kernel command line for Intel iGPU passthrough (00:02.0 -> vfio-pci).\n"
	"# initcall_blacklist=sysfb_init: no firmware framebuffer on the iGPU's memory (BAR 2).\n"
	"# To take it back: igdkit install --undo, or delete this file and run update-grub.\n"
	"GRUB_CMDLINE_LINUX_DEFAULT=\"$GRUB_CMDLINE_LINUX_DEFAULT initcall_blacklist=sysfb_init\"\n";

static const char modules_vfio[] =
	"# Written by igdkit: VFIO modules, so vfio-pci can claim the iGPU (00:02.0) at boot.\n"
	"vfio\nvfio_iommu_type1\nvfio_pci\n";

static const char modprobe_cfl[] =
	"# Written by igdkit: hand the iGPU (8086:3e91, Coffee Lake) to vfio-pci before i915 can bind it.\n"
	"options vfio-pci ids=8086:3e91\n"
	"softdep i915 pre: vfio-pci\n";

struct run {
	char *root;
	struct pve_target t;
	struct install_plan p;
	struct diag d;
	struct file_buf rom;
};

static char *replace1(const char *s, const char *from, const char *to)
{
	const char *at = strstr(s, from);
	assert_non_null(at);
	char *o = malloc(strlen(s) + strlen(to) + 1);
	sprintf(o, "%.*s%s%s", (int)(at - s), s, to, at + strlen(from));
	return o;
}

/* "live-TREE": TREE as a live host sees it (pve_make_live): VM 100 is in /etc/pve, named
 * differently from config.db's VM 100, so the tests can tell where it was read from. */
static char *live_conf(void)
{
	return replace1(conf100, "name: Win11-iGD\n", "name: live-vm\n");
}

/* Coffee Lake's GOP with igdkit's drivers in front: what rom make writes for an OVMF guest. */
#define CFL_CHAIN "chain:3e91:gop-efi/skl-cfl.efi"

static int plan_for(struct run *r, const char *tree, const struct machine_facts *f, const char *rom, unsigned vmid, bool create)
{
	if (tree && strncmp(tree, "live-", 5) == 0) {
		r->root = pve_root(tree + 5);
		char *lc = live_conf();
		pve_make_live(r->root, lc, "", true);
		free(lc);
	} else if (tree)
		r->root = pve_root(tree);
	diag_init(&r->d);
	memset(&r->rom, 0, sizeof(r->rom));
	if (rom && !strncmp(rom, "chain:", 6))	/* chain:DDDD:GOP.efi */
		r->rom = chain_rom(rom + 11, (uint16_t)strtoul(rom + 6, NULL, 16));
	else if (rom)
		r->rom = fixture_read(rom);
	if (target_probe(r->root, &r->t, &r->d) < 0)
		return -1;
	struct install_opts o = { .root = r->root, .rom = r->rom.data, .romlen = r->rom.len, .vmid = vmid, .create = create,
				  .now = 1800000000 };
	return install_plan_compute(&r->t, f, &o, &r->p, &r->d);
}

static int apply_run(struct run *r, char id[64])
{
	struct install_opts o = { .root = r->root, .rom = r->rom.data, .romlen = r->rom.len, .now = 1800000000 };
	return install_apply(&r->t, &r->p, &o, id, &r->d);
}

static void run_free(struct run *r, bool keep_root)
{
	install_plan_free(&r->p);
	target_free(&r->t);
	file_buf_free(&r->rom);
	diag_free(&r->d);
	if (!keep_root) {
		rm_rf(r->root);
		free(r->root);
	}
}

static const struct change *find_change(const struct install_plan *p, const char *path)
{
	for (size_t i = 0; i < p->n; i++)
		if (strcmp(p->ch[i].path, path) == 0)
			return &p->ch[i];
	return NULL;
}

static void assert_file(const char *root, const char *rel, const char *want)
{
	char *got = read_text_file(root, rel);
	if (!got)
		fail_msg("%s missing", rel);
	assert_string_equal(got, want);
	free(got);
}

static void test_probe_versions(void **state)
{
	(void)state;
	static const struct {
		const char *tree;
		int major, qmaj, qmin;
		enum boot_layout boot;
		size_t nk;
		const char *newest;
		enum tristate uefi;
	} cases[] = {
		{ "pve7-grub", 7, 7, 2, BOOT_GRUB, 2, "5.15.143-1-pve", TRI_NO },
		{ "pve8-grub", 8, 9, 0, BOOT_GRUB, 2, "6.8.8-2-pve", TRI_YES },
		{ "pve8-zfs-sdboot", 8, 9, 2, BOOT_PROXMOX_BOOT_TOOL, 1, "6.8.12-9-pve", TRI_YES },
		{ "pve9-grub", 9, 10, 0, BOOT_GRUB, 1, "6.14.8-2-pve", TRI_YES },
		{ "pve9-btrfs-sdboot", 9, 10, 1, BOOT_PROXMOX_BOOT_TOOL, 1, "6.17.2-1-pve", TRI_YES },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *root = pve_root(cases[i].tree);
		struct pve_target t;
		struct diag d;
		diag_init(&d);
		assert_int_equal(target_probe(root, &t, &d), 0);
		assert_int_equal(d.errors, 0);
		assert_string_equal(t.hostname, "pve");
		assert_int_equal(t.pve_major, cases[i].major);
		assert_int_equal(t.qemu_major, cases[i].qmaj);
		assert_int_equal(t.qemu_minor, cases[i].qmin);
		assert_int_equal(t.boot, cases[i].boot);
		assert_int_equal(t.nkernels, cases[i].nk);
		assert_string_equal(t.kernels[t.nkernels - 1].release, cases[i].newest);
		assert_int_equal(t.host_uefi, cases[i].uefi);
		/* the ESP list is the file's lines */
		char *esps = read_text_file(root, "etc/kernel/proxmox-boot-uuids");
		char joined[512] = "";
		for (int k = 0; k < t.nesps; k++)
			snprintf(joined + strlen(joined), sizeof(joined) - strlen(joined), "%s\n", t.esp_uuids[k]);
		assert_string_equal(joined, esps ? esps : "");
		assert_int_equal(t.nesps, cases[i].boot == BOOT_PROXMOX_BOOT_TOOL ? (strstr(cases[i].tree, "zfs") ? 2 : 1) : 0);
		free(esps);
		assert_false(target_clustered(&t));
		assert_int_equal(t.nguests, 2);
		assert_int_equal(t.guests[0].vmid, 100);
		assert_string_equal(t.guests[0].name, "Win11-iGD");
		assert_string_equal(t.guests[0].machine, "pc-i440fx-7.1");
		assert_string_equal(t.guests[1].name, "debian12");
		target_free(&t);
		diag_free(&d);
		rm_tmpdir(root);
	}
	/* a tree that is no PVE root */
	char *empty = make_tmpdir();
	struct pve_target t;
	struct diag d;
	diag_init(&d);
	assert_int_equal(target_probe(empty, &t, &d), -1);
	assert_non_null(strstr(diag_last(&d), "not a Proxmox VE root"));
	diag_free(&d);
	rm_tmpdir(empty);
}

/* PVE 8.2 (QEMU 9.0), GRUB, Coffee Lake, EFI ROM: full cycle. */
static void test_pve8_grub_cycle(void **state)
{
	(void)state;
	struct machine_facts f = facts_cfl();
	struct run r;
	assert_int_equal(plan_for(&r, "pve8-grub", &f, CFL_CHAIN, 100, false), 0);
	char *before = tree_digest(r.root);
	char *orig = db_file(r.root, "100.conf");
	assert_string_equal(orig, conf100);	/* the fixture is what SOURCE.md says */
	free(orig);

	assert_int_equal(r.p.n, 5);
	const struct change *c = find_change(&r.p, "/etc/default/grub.d/igdkit.cfg");
	assert_non_null(c);
	assert_false(c->existed);
	assert_string_equal((char *)c->new, grub_both);
	assert_non_null(find_change(&r.p, "/etc/modules-load.d/igdkit-vfio.conf"));
	assert_non_null(find_change(&r.p, "/etc/modprobe.d/igdkit-vfio.conf"));
	assert_non_null(find_change(&r.p, "/usr/share/kvm/igd-coffee-lake-8086-3e91-efi.rom"));
	c = find_change(&r.p, "/var/lib/pve-cluster/config.db");
	assert_non_null(c);
	assert_string_equal((char *)c->new, conf100_pve8_cfl);
	assert_true(r.p.rebuild_initramfs);
	assert_true(r.p.rebuild_grub);
	assert_false(r.p.rebuild_pbt);

	char *text = diff_plan(&r.p);
	assert_non_null(strstr(text, "--- /dev/null\n+++ b/etc/default/grub.d/igdkit.cfg\n@@ -0,0 +1,5 @@\n"));
	assert_non_null(strstr(text, "@@ -1,7 +1,10 @@\n agent: 1\n+args: -set device.hostpci0.x-igd-gms=0x2\n+bios: ovmf\n"));
	assert_non_null(strstr(text, "Binary /usr/share/kvm/igd-coffee-lake-8086-3e91-efi.rom: new file"));
	free(text);

	char id[64];
	assert_int_equal(apply_run(&r, id), 0);
	assert_string_equal(id, "20270115-080000");	/* 1800000000 = 2027-01-15 08:00:00 UTC */
	assert_file(r.root, "etc/default/grub.d/igdkit.cfg", grub_both);
	assert_file(r.root, "etc/modules-load.d/igdkit-vfio.conf", modules_vfio);
	assert_file(r.root, "etc/modprobe.d/igdkit-vfio.conf", modprobe_cfl);
	char want[65], got[65], p[4096];
	sha256_hex_ext(r.rom.data, r.rom.len, want);
	snprintf(p, sizeof(p), "%s/usr/share/kvm/igd-coffee-lake-8086-3e91-efi.rom", r.root);
	assert_int_equal(sha256_file_hex(p, got), 0);
	assert_string_equal(got, want);
	char *conf = db_file(r.root, "100.conf");
	assert_string_equal(conf, conf100_pve8_cfl);
	free(conf);
	char *rows = db_rows(r.root);
	assert_string_equal(rows, "0|0|37|0|8|__version__|\n2|0|2|0|4|priv|\n3|0|3|0|4|nodes|\n4|3|4|0|4|pve|\n5|4|5|0|4|lxc|\n"
				  "6|4|6|0|4|qemu-server|\n7|4|7|0|4|openvz|\n8|4|8|0|4|priv|\n9|0|12|0|8|user.cfg|38\n"
				  "13|0|15|0|8|datacenter.cfg|16\n16|2|16|0|4|lock|\n18|0|20|0|8|storage.cfg|128\n"
				  "28|6|30|0|8|101.conf|897\n33|6|37|0|8|100.conf|624\n");
	free(rows);
	/* /etc/modules is never rewritten */
	assert_file(r.root, "etc/modules", "# /etc/modules: kernel modules to load at boot time.\n#\n"
					    "# This file contains the names of kernel modules that should be loaded\n"
					    "# at boot time, one per line. Lines beginning with \"#\" are ignored.\n"
					    "vfio\nvfio_iommu_type1\nvfio_pci\nvfio_virqfd\n");
	/* manifest: pending -> applied, one entry per file (+ sidecars, + created dir) */
	struct manifest m;
	assert_int_equal(manifest_load(r.root, id, &m, &r.d), 0);
	assert_int_equal(m.state, MAN_APPLIED);
	assert_string_equal(m.rebuild, "initramfs grub ");
	bool saw_dir = false;
	for (size_t i = 0; i < m.n; i++)
		if (strcmp(m.e[i].kind, "dir") == 0 && strcmp(m.e[i].path, "/etc/default/grub.d") == 0)
			saw_dir = true;
	assert_true(saw_dir);

	/* rebuild through the fixture's recording doubles (test-only no-chroot mode) */
	setenv("IGDKIT_REBUILD_NO_CHROOT", "1", 1);
	struct rebuild_req rq = { true, true, false };
	assert_int_equal(rebuild_run(r.root, &rq, &r.d), 0);
	unsetenv("IGDKIT_REBUILD_NO_CHROOT");
	assert_file(r.root, "var/log/igdkit-test-rebuild.log", "update-initramfs -u -k all\nupdate-grub\n");
	snprintf(p, sizeof(p), "%s/var/log/igdkit-test-rebuild.log", r.root);
	unlink(p);

	/* second run: nothing to change */
	run_free(&r, true);
	assert_int_equal(plan_for(&r, NULL, &f, CFL_CHAIN, 100, false), 0);
	assert_int_equal(r.p.n, 0);
	/* and without --rom it keeps the ROM the VM already uses */
	run_free(&r, true);
	assert_int_equal(plan_for(&r, NULL, &f, NULL, 100, false), 0);
	assert_int_equal(r.p.n, 0);

	/* undo: every file and every DB row byte-identical */
	struct manifest um;
	assert_int_equal(install_undo(r.root, NULL, &um, &r.d), 0);
	assert_string_equal(um.id, id);
	char *after = tree_digest(r.root);
	assert_string_equal(after, before);
	free(after);
	assert_int_equal(manifest_load(r.root, id, &m, &r.d), 0);
	assert_int_equal(m.state, MAN_UNDONE);
	/* undoing twice is harmless */
	assert_int_equal(install_undo(r.root, id, &um, &r.d), 1);
	free(before);
	run_free(&r, false);
}

/* PVE 7.4 (QEMU 7.2), BIOS host, Haswell with a legacy VBIOS: SeaBIOS route, vfio_virqfd, new grub.d. */
static void test_pve7_legacy(void **state)
{
	(void)state;
	struct machine_facts f = facts_hsw();
	struct run r;
	assert_int_equal(plan_for(&r, "pve7-grub", &f, "vbios-legacy/hsw-0406-vbios.rom", 100, false), 0);
	const struct change *c = find_change(&r.p, "/var/lib/pve-cluster/config.db");
	assert_non_null(c);
	const char *s = (char *)c->new;
	assert_non_null(strstr(s, "\nargs: -set device.hostpci0.x-igd-gms=0x2\n"));
	assert_non_null(strstr(s, "\nhostpci0: 0000:00:02.0,legacy-igd=1,romfile=igd-haswell-8086-0406-vbios.rom\n"));
	assert_null(strstr(s, "bios:"));	/* SeaBIOS is the default; nothing to write */
	assert_non_null(strstr(s, "\nmachine: pc-i440fx-7.1\n"));
	assert_non_null(strstr(s, "\nvga: none\n"));
	assert_non_null(strstr(r.p.route, "legacy: SeaBIOS"));
	c = find_change(&r.p, "/etc/modules-load.d/igdkit-vfio.conf");
	assert_non_null(c);
	assert_string_equal((char *)c->new, "# Written by igdkit: VFIO modules, so vfio-pci can claim the iGPU (00:02.0) at boot.\n"
					    "vfio\nvfio_iommu_type1\nvfio_pci\n"
					    "# vfio_virqfd: a separate module only on kernels before 6.2\nvfio_virqfd\n");
	c = find_change(&r.p, "/etc/default/grub.d/igdkit.cfg");
	assert_non_null(c);
	assert_string_equal((char *)c->new, grub_both);
	char *before = tree_digest(r.root);
	char id[64];
	assert_int_equal(apply_run(&r, id), 0);
	assert_true(path_exists(r.root, "etc/default/grub.d/igdkit.cfg"));
	struct manifest m;
	assert_int_equal(install_undo(r.root, id, &m, &r.d), 0);
	char *after = tree_digest(r.root);
	assert_string_equal(after, before);	/* also: grub.d/ itself is gone again */
	assert_false(path_exists(r.root, "etc/default/grub.d"));
	free(before);
	free(after);
	run_free(&r, false);
}

/* PVE 8.4 (QEMU 9.2), ZFS + systemd-boot: /etc/kernel/cmdline keeps root=, no intel_iommu (6.8). */
static void test_pve8_zfs_sdboot(void **state)
{
	(void)state;
	struct machine_facts f = facts_cfl();
	struct run r;
	assert_int_equal(plan_for(&r, "pve8-zfs-sdboot", &f, CFL_CHAIN, 101, false), 0);
	const struct change *c = find_change(&r.p, "/etc/kernel/cmdline");
	assert_non_null(c);
	assert_string_equal((char *)c->new, "root=ZFS=rpool/ROOT/pve-1 boot=zfs initcall_blacklist=sysfb_init\n");
	c = find_change(&r.p, "/etc/default/grub.d/igdkit.cfg");
	assert_non_null(c);
	assert_string_equal((char *)c->new, grub_sysfb);
	assert_true(r.p.rebuild_pbt);
	assert_false(r.p.rebuild_grub);
	c = find_change(&r.p, "/var/lib/pve-cluster/config.db");
	assert_non_null(c);
	/* QEMU 9.2 knows 3e91: no x-igd-gms (host value is used), no args at all */
	const char *s = (char *)c->new;
	assert_null(strstr(s, "args:"));
	assert_non_null(strstr(s, "#Debian 12 test VM\nbios: ovmf\nboot: order=scsi0;ide2;net0\n"));
	assert_non_null(strstr(s, "\nmachine: pc-i440fx-9.2\nmemory: 2048\n"));
	/* the snapshot section is untouched */
	const char *snap = strstr(s, "\n[pre-upgrade]\n");
	assert_non_null(snap);
	assert_null(strstr(snap, "hostpci0"));
	assert_null(strstr(snap, "vga:"));
	char id[64];
	char *before = tree_digest(r.root);
	assert_int_equal(apply_run(&r, id), 0);
	assert_file(r.root, "etc/kernel/cmdline", "root=ZFS=rpool/ROOT/pve-1 boot=zfs initcall_blacklist=sysfb_init\n");
	struct manifest m;
	assert_int_equal(install_undo(r.root, NULL, &m, &r.d), 0);
	char *after = tree_digest(r.root);
	assert_string_equal(after, before);
	free(before);
	free(after);
	run_free(&r, false);
}

/* QEMU 9.2 does not know Comet Lake: no legacy mode, so the OpRegion must be asked for. */
static void test_pve8_cml_opregion(void **state)
{
	(void)state;
	struct machine_facts f = facts_cfl();
	f.igd_device_id = 0x9bc8;
	f.igd_platform = "Comet Lake";
	struct run r;
	r.root = pve_root("pve8-zfs-sdboot");
	diag_init(&r.d);
	r.rom = chain_rom("gop-efi/cml.efi", 0x9bc8);
	assert_int_equal(target_probe(r.root, &r.t, &r.d), 0);
	struct install_opts o = { .root = r.root, .rom = r.rom.data, .romlen = r.rom.len, .vmid = 100, .now = 1800000000 };
	assert_int_equal(install_plan_compute(&r.t, &f, &o, &r.p, &r.d), 0);
	const struct change *c = find_change(&r.p, "/var/lib/pve-cluster/config.db");
	assert_non_null(c);
	assert_non_null(strstr((char *)c->new, "\nargs: -set device.hostpci0.x-igd-opregion=on\n"));
	assert_non_null(strstr((char *)c->new, "\nhostpci0: 0000:00:02.0,legacy-igd=1,romfile=igd-comet-lake-8086-9bc8-efi.rom\n"));
	install_plan_free(&r.p);
	/* a ROM for another device is refused */
	f.igd_device_id = 0x9bca;
	assert_int_equal(install_plan_compute(&r.t, &f, &o, &r.p, &r.d), -1);
	assert_non_null(strstr(diag_last(&r.d), "the ROM is for 8086:9bc8"));
	run_free(&r, false);
}

/* PVE 9.1 (QEMU 10.1), btrfs: wildcard-device ROM (VfioIgdPkg style), new VM with --create. */
static void test_pve9_create_vm(void **state)
{
	(void)state;
	struct machine_facts f = facts_cfl();
	f.igd_device_id = 0x46d4;
	f.igd_gen = 12;
	f.igd_platform = "Alder Lake-N";
	struct run r;
	assert_int_equal(plan_for(&r, "pve9-btrfs-sdboot", &f, "gop-n150-adln/n150_vfio_igd.rom", 102, false), -1);
	assert_non_null(strstr(diag_last(&r.d), "VM 102 does not exist"));
	run_free(&r, false);
	assert_int_equal(plan_for(&r, "pve9-btrfs-sdboot", &f, "gop-n150-adln/n150_vfio_igd.rom", 102, true), 0);
	const struct change *c = find_change(&r.p, "/var/lib/pve-cluster/config.db");
	assert_non_null(c);
	assert_false(c->existed);
	const char *s = (char *)c->new;
	assert_non_null(strstr(s, "bios: ovmf\ncores: 2\nhostpci0: 0000:00:02.0,legacy-igd=1,romfile=igd-alder-lake-n-8086-46d4-efi.rom\n"
				  "machine: pc-i440fx-10.1\nmemory: 4096\nname: igd-vm102\nostype: l26\nscsihw: virtio-scsi-single\n"
				  "smbios1: uuid="));
	assert_non_null(strstr(s, "\nsockets: 1\nvga: none\n"));
	/* QEMU 10.1 keeps legacy mode (and with it the LPC bridge IDs the GOP checks) to Gen6-9 */
	assert_non_null(strstr(s, "args: -set device.hostpci0.x-igd-lpc=on\n"));
	c = find_change(&r.p, "/etc/modprobe.d/igdkit-vfio.conf");
	assert_non_null(strstr((char *)c->new, "softdep xe pre: vfio-pci\n"));
	c = find_change(&r.p, "/etc/kernel/cmdline");
	assert_string_equal((char *)c->new, "root=UUID=6f1c2b8e-3d4a-4e5f-9a0b-1c2d3e4f5a6b ro quiet initcall_blacklist=sysfb_init\n");
	char id[64];
	char *before = tree_digest(r.root);
	assert_int_equal(apply_run(&r, id), 0);
	char *rows = db_rows(r.root);
	assert_non_null(strstr(rows, "0|0|37|0|8|__version__|\n"));
	assert_non_null(strstr(rows, "\n37|6|37|0|8|102.conf|"));
	free(rows);
	struct manifest m;
	assert_int_equal(install_undo(r.root, NULL, &m, &r.d), 0);
	char *after = tree_digest(r.root);
	assert_string_equal(after, before);
	free(before);
	free(after);
	run_free(&r, false);
}

/* Cluster member: config.db untouched; a one-shot unit runs qm set on next boot. */
static void test_cluster_stages_qm_set(void **state)
{
	(void)state;
	struct machine_facts f = facts_cfl();
	struct run r;
	assert_int_equal(plan_for(&r, "pve8-cluster", &f, CFL_CHAIN, 100, false), 0);
	assert_true(r.p.vm_staged);
	assert_null(find_change(&r.p, "/var/lib/pve-cluster/config.db"));
	const struct change *u = find_change(&r.p, "/etc/systemd/system/igdkit-vm100.service");
	assert_non_null(u);
	assert_non_null(strstr((char *)u->new,
			       "ExecStart=/usr/sbin/qm set 100 --hostpci0 \"0000:00:02.0,legacy-igd=1,romfile=igd-coffee-lake-8086-3e91-efi.rom\" "
			       "--vga none --machine pc-i440fx-7.1 --bios ovmf --args \"-set device.hostpci0.x-igd-gms=0x2\"\n"));
	assert_non_null(strstr((char *)u->new, "ConditionPathExists=!/var/lib/igdkit/vm100-applied\n"));
	char id[64];
	char *db_before = db_rows(r.root);
	char dbp[4096], sha_b[65], sha_a[65];
	snprintf(dbp, sizeof(dbp), "%s/var/lib/pve-cluster/config.db", r.root);
	assert_int_equal(sha256_file_hex(dbp, sha_b), 0);
	char *before = tree_digest(r.root);
	assert_int_equal(apply_run(&r, id), 0);
	assert_int_equal(sha256_file_hex(dbp, sha_a), 0);
	assert_string_equal(sha_a, sha_b);
	char lp[4096], lt[256];
	snprintf(lp, sizeof(lp), "%s/etc/systemd/system/multi-user.target.wants/igdkit-vm100.service", r.root);
	ssize_t n = readlink(lp, lt, sizeof(lt) - 1);
	assert_true(n > 0);
	lt[n] = 0;
	assert_string_equal(lt, "/etc/systemd/system/igdkit-vm100.service");
	struct manifest m;
	assert_int_equal(install_undo(r.root, NULL, &m, &r.d), 0);
	char *after = tree_digest(r.root);
	assert_string_equal(after, before);
	free(before);
	free(after);
	free(db_before);
	run_free(&r, false);
}

static void expect_refusal(const char *tree, const char *sql, const struct machine_facts *f, unsigned vmid, const char *msg)
{
	struct run r;
	r.root = pve_root(tree);
	if (sql)
		sh("sqlite3 '%s/var/lib/pve-cluster/config.db' \"%s\"", r.root, sql);
	char *before = tree_digest(r.root);
	int rc = plan_for(&r, NULL, f, CFL_CHAIN, vmid, false);
	if (rc == 0 && r.d.errors == 0) {
		char id[64];
		rc = apply_run(&r, id);
	}
	if (rc == 0 && r.d.errors == 0)
		fail_msg("%s: expected a refusal containing '%s'", tree, msg);
	bool found = false;
	for (size_t i = 0; i < r.d.n; i++)
		if (strstr(r.d.v[i].msg, msg))
			found = true;
	if (!found)
		fail_msg("'%s' not among the messages (last: %s)", msg, diag_last(&r.d));
	char *after = tree_digest(r.root);
	assert_string_equal(after, before);
	assert_false(path_exists(r.root, "var/lib/igdkit"));
	free(before);
	free(after);
	run_free(&r, false);
}

static void test_refusals_write_nothing(void **state)
{
	(void)state;
	struct machine_facts f = facts_cfl();
	expect_refusal("pve8-grub", NULL, &f, 123, "VM 123 does not exist");
	expect_refusal("pve8-grub", "update tree set data=cast(data||'lock: backup\n' as blob) where name='100.conf'", &f, 100, "is locked");
	expect_refusal("pve8-grub", "update tree set version=37 where inode=0; insert into tree values (37,5,37,0,1,8,'100.conf',x'00')", &f, 100,
		       "exists twice");
	expect_refusal("pve8-grub", "update tree set version=20 where inode=0", &f, 100, "above __version__");
	struct machine_facts g = f;
	g.igd_device_id = 0x3e92;
	expect_refusal("pve8-grub", NULL, &g, 100, "the ROM is for 8086:3e91");
	setenv("IGDKIT_FAULT", "preflight.readonly", 1);
	expect_refusal("pve8-grub", NULL, &f, 100, "read-only file system");
	setenv("IGDKIT_FAULT", "preflight.full", 1);
	expect_refusal("pve8-grub", NULL, &f, 100, "bytes free");
	unsetenv("IGDKIT_FAULT");
}

/* The fault points a full run passes, in order (read from the trace). */
static char **trace_points(const char *tree, size_t *n)
{
	struct machine_facts f = facts_cfl();
	struct run r;
	char trace[] = "/tmp/igdkit-trace-XXXXXX";
	int fd = mkstemp(trace);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(plan_for(&r, tree, &f, CFL_CHAIN, 100, false), 0);
	setenv("IGDKIT_FAULT_TRACE", trace, 1);
	fault_reset();
	char id[64];
	assert_int_equal(apply_run(&r, id), 0);
	unsetenv("IGDKIT_FAULT_TRACE");
	run_free(&r, false);
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "cat '%s'", trace);	/* every pass, in order: NAME#K */
	char *s = sh_capture(cmd);
	unlink(trace);
	char **v = calloc(256, sizeof(*v));
	*n = 0;
	for (char *l = strtok(s, "\n"); l && *n < 255; l = strtok(NULL, "\n"))
		v[(*n)++] = strdup(l);
	free(s);
	return v;
}

static void assert_old_or_new(const struct run *r)
{
	for (size_t i = 0; i < r->p.n; i++) {
		const struct change *c = &r->p.ch[i];
		if (c->kind == CH_CONFIGDB) {
			char name[32];
			snprintf(name, sizeof(name), "%u.conf", c->vmid);
			char *conf = db_file(r->root, name);
			if (strcmp(conf, (char *)c->old) != 0 && strcmp(conf, (char *)c->new) != 0)
				fail_msg("config.db holds neither the old nor the new %s", name);
			free(conf);
			assert_sh_prints("ok\n", "sqlite3 '%s/var/lib/pve-cluster/config.db' 'pragma integrity_check'", r->root);
			continue;
		}
		char p[4200], got[65], o[65], nw[65];
		snprintf(p, sizeof(p), "%s%s", r->root, c->path);
		assert_int_equal(manifest_sha_of(p, c->kind == CH_SYMLINK, got), 0);
		if (c->existed)
			sha256_buf_hex(c->old, c->oldlen, o);
		else
			strcpy(o, "-");
		sha256_buf_hex(c->new, c->newlen, nw);
		if (strcmp(got, o) != 0 && strcmp(got, nw) != 0)
			fail_msg("%s is neither old nor new", c->path);
	}
}

/* config.db edit (pve8-grub), a replaced /etc/kernel/cmdline (pve8-zfs-sdboot), the cluster's unit
 * and symlink (pve8-cluster): each pass of each fault point fails once, and crashes once. */
static void fault_points_on(const char *tree)
{
	size_t n;
	char **pts = trace_points(tree, &n);
	assert_true(n >= 30);	/* every atomic.*, configdb.*, install.* and preflight.* pass */
	struct machine_facts f = facts_cfl();
	for (size_t i = 0; i < n; i++) {
		for (int crash = 0; crash < 2; crash++) {
			struct run r;
			assert_int_equal(plan_for(&r, tree, &f, CFL_CHAIN, 100, false), 0);
			char *before = tree_digest(r.root);
			char spec[128];
			snprintf(spec, sizeof(spec), "%s%s", pts[i], crash ? ":crash" : "");
			pid_t pid = fork();
			assert_true(pid >= 0);
			if (pid == 0) {
				setenv("IGDKIT_FAULT", spec, 1);
				fault_reset();
				char id[64];
				int rc = apply_run(&r, id);
				_exit(rc == 0 ? 0 : 1);
			}
			int st;
			assert_int_equal(waitpid(pid, &st, 0), pid);
			assert_true(WIFEXITED(st));
			if (crash) {
				/* power cut at this point: every file old or new, then --undo restores all */
				if (WEXITSTATUS(st) != 86)
					fail_msg("%s: expected the crash exit, got %d", spec, WEXITSTATUS(st));
				assert_old_or_new(&r);
				struct manifest m;
				struct diag d;
				diag_init(&d);
				int u = install_undo(r.root, NULL, &m, &d);
				/* crashing before the manifest existed leaves nothing to undo */
				if (u < 0 && !strstr(diag_last(&d), "no igdkit install to undo"))
					fail_msg("%s: undo failed: %s", spec, diag_last(&d));
				diag_free(&d);
			} else if (WEXITSTATUS(st) != 1)
				fail_msg("%s: the injected failure did not fail the run", spec);
			char *after = tree_digest(r.root);
			if (strcmp(after, before) != 0)
				fail_msg("%s: tree differs after %s", spec, crash ? "crash + undo" : "automatic rollback");
			free(before);
			free(after);
			run_free(&r, false);
		}
		free(pts[i]);
	}
	free(pts);
}

static void test_fault_points(void **state)
{
	(void)state;
	fault_points_on("live-pve8-grub");
	fault_points_on("pve8-grub");
	fault_points_on("pve8-zfs-sdboot");
	fault_points_on("pve8-cluster");
}


static char *sha_of_file(const char *root, const char *rel)
{
	char cmd[4200];
	snprintf(cmd, sizeof(cmd), "sha256sum < '%s/%s' | cut -c1-64", root, rel);
	char *s = sh_capture(cmd);
	s[strcspn(s, "\n")] = 0;
	return s;
}

/* A live host (/etc/pve mounted): the VM change goes through /etc/pve (temp file + rename in the
 * same directory, as PVE's own file_set_contents does; pmxcfs's memdb_rename replaces the target),
 * backed up and in the manifest; config.db is neither read nor written; undo restores the file
 * byte-identical; a second run has nothing to do. */
static void test_live_etc_pve(void **state)
{
	(void)state;
	struct machine_facts f = facts_cfl();
	struct run r;
	const char *conf = "etc/pve/nodes/pve/qemu-server/100.conf";
	assert_int_equal(plan_for(&r, "live-pve8-grub", &f, CFL_CHAIN, 100, false), 0);
	char *old = live_conf();
	char *want = replace1(conf100_pve8_cfl, "name: Win11-iGD\n", "name: live-vm\n");
	assert_true(r.t.etc_pve_mounted);
	/* guests come from /etc/pve: only VM 100 there (config.db also has 101), with its own name */
	assert_int_equal(r.t.nguests, 1);
	assert_int_equal(r.t.guests[0].vmid, 100);
	assert_string_equal(r.t.guests[0].name, "live-vm");
	assert_string_equal(r.t.guests[0].kind, "qemu-server");
	const struct change *c = find_change(&r.p, "/etc/pve/nodes/pve/qemu-server/100.conf");
	assert_non_null(c);
	assert_int_equal(c->kind, CH_FILE);
	assert_int_equal(c->mode, 0);	/* pmxcfs owns modes there */
	assert_null(find_change(&r.p, INST_CONFIGDB));
	assert_string_equal((const char *)c->old, old);
	assert_string_equal((const char *)c->new, want);

	char *before = tree_digest(r.root);
	char *db_sha = sha_of_file(r.root, "var/lib/pve-cluster/config.db");
	char id[64];
	assert_int_equal(apply_run(&r, id), 0);
	assert_file(r.root, conf, want);
	/* config.db untouched: same bytes, no WAL/SHM made by opening it */
	char *db_sha2 = sha_of_file(r.root, "var/lib/pve-cluster/config.db");
	assert_string_equal(db_sha2, db_sha);
	free(db_sha2);
	assert_false(path_exists(r.root, "var/lib/pve-cluster/config.db-wal"));
	assert_false(path_exists(r.root, "var/lib/pve-cluster/config.db-shm"));
	/* atomic: nothing but the config is left in pmxcfs's directory (no temp file) */
	assert_sh_prints("100.conf\n", "ls -A '%s/etc/pve/nodes/pve/qemu-server'", r.root);
	/* the manifest: path, existed, sha256 before/after (sha256sum's), backup copy = old bytes */
	struct manifest m;
	struct diag d;
	diag_init(&d);
	assert_int_equal(manifest_load(r.root, id, &m, &d), 0);
	assert_int_equal(m.state, MAN_APPLIED);
	assert_int_equal(m.vmid, 0);	/* no config.db row written */
	const struct manifest_entry *e = NULL;
	for (size_t i = 0; i < m.n; i++)
		if (strcmp(m.e[i].path, "/etc/pve/nodes/pve/qemu-server/100.conf") == 0)
			e = &m.e[i];
	assert_non_null(e);
	assert_string_equal(e->kind, "file");
	assert_true(e->existed);
	for (size_t i = 0; i < m.n; i++)
		assert_string_not_equal(m.e[i].kind, "configdb");
	char *sb = sh_out("printf %%s '%s' | sha256sum | cut -c1-64", old);
	sb[64] = 0;
	assert_string_equal(e->sha_before, sb);
	free(sb);
	char *sa = sha_of_file(r.root, conf);
	assert_string_equal(e->sha_after, sa);
	free(sa);
	char bk[512];
	snprintf(bk, sizeof(bk), "var/lib/igdkit/backup/%s/%s", id, e->backup);
	assert_file(r.root, bk, old);
	diag_free(&d);
	run_free(&r, true);

	/* second run: nothing to change */
	struct run r2 = { .root = r.root };
	assert_int_equal(plan_for(&r2, NULL, &f, CFL_CHAIN, 100, false), 0);
	assert_int_equal(r2.p.n, 0);
	run_free(&r2, true);

	/* undo: the file byte-identical, the whole tree as before */
	struct manifest mu;
	diag_init(&d);
	assert_int_equal(install_undo(r.root, id, &mu, &d), 0);
	diag_free(&d);
	assert_file(r.root, conf, old);
	char *after = tree_digest(r.root);
	assert_string_equal(after, before);
	free(after);
	free(before);
	free(db_sha);
	free(old);
	free(want);
	rm_rf(r.root);
	free(r.root);
}

/* Only ROOT's own /etc/pve mount counts: a mount table naming the host's /etc/pve (a chroot
 * with the host's /proc), or a mount that does not answer (no .version), is not a live target:
 * the change goes to config.db as offline. */
/* On a live host a running VM (its pid file names a live process) is refused; a stale pid
 * file is not. Both are read under the target root. */
static void test_live_running_vm_refused(void **state)
{
	(void)state;
	struct machine_facts f = facts_cfl();
	struct run r;
	r.root = pve_root("pve8-grub");
	char *lc = live_conf();
	pve_make_live(r.root, lc, "", true);
	free(lc);
	sh("mkdir -p '%s/var/run/qemu-server' && echo 4242 > '%s/var/run/qemu-server/100.pid'", r.root, r.root);
	/* stale pid file: no /proc/4242 under the root */
	assert_int_equal(plan_for(&r, NULL, &f, CFL_CHAIN, 100, false), 0);
	run_free(&r, true);
	sh("mkdir -p '%s/proc/4242'", r.root);
	assert_int_equal(plan_for(&r, NULL, &f, CFL_CHAIN, 100, false), -1);
	assert_non_null(strstr(diag_last(&r.d), "VM 100 is running (pid 4242)"));
	run_free(&r, false);
}

static void test_live_detection_strict(void **state)
{
	(void)state;
	struct machine_facts f = facts_cfl();
	for (int k = 0; k < 2; k++) {
		char *root = pve_root("pve8-grub");
		char *lc = live_conf();
		pve_make_live(root, lc, k == 0 ? "/etc/pve" : "", k == 0);
		free(lc);
		struct run r = { .root = root };
		assert_int_equal(plan_for(&r, NULL, &f, CFL_CHAIN, 100, false), 0);
		assert_false(r.t.etc_pve_mounted);
		assert_int_equal(r.t.nguests, 2);	/* from config.db */
		assert_string_equal(r.t.guests[0].name, "Win11-iGD");
		const struct change *c = find_change(&r.p, INST_CONFIGDB);
		assert_non_null(c);
		assert_int_equal(c->kind, CH_CONFIGDB);
		assert_null(find_change(&r.p, "/etc/pve/nodes/pve/qemu-server/100.conf"));
		run_free(&r, false);
	}
	/* an escaped mount point (\040 for a space in the root's path) is still ours */
	char *base = make_tmpdir();
	char root[4200];
	snprintf(root, sizeof(root), "%s/with space", base);
	sh("mkdir '%s' && cp -a tests/data/pve/pve8-grub/. '%s'/ && mkdir -p '%s/var/lib/pve-cluster' && cp '%s' '%s/var/lib/pve-cluster/config.db'",
	   root, root, root, fixture_path("pve-configdb/config.db"), root);
	char mp[4300];
	snprintf(mp, sizeof(mp), "%s/with\\040space/etc/pve", base);
	char *lc = live_conf();
	pve_make_live(root, lc, mp, true);
	free(lc);
	struct pve_target t;
	struct diag d;
	diag_init(&d);
	assert_int_equal(target_probe(root, &t, &d), 0);
	assert_true(t.etc_pve_mounted);
	assert_string_equal(t.guests[0].name, "live-vm");
	target_free(&t);
	diag_free(&d);
	rm_tmpdir(base);
}

/* A live cluster member: membership comes from /etc/pve/corosync.conf (config.db is not read). */
static void test_live_cluster_member(void **state)
{
	(void)state;
	char *root = pve_root("pve8-grub");
	char *lc = live_conf();
	pve_make_live(root, lc, "", true);
	free(lc);
	struct pve_target t;
	struct diag d;
	diag_init(&d);
	assert_int_equal(target_probe(root, &t, &d), 0);
	assert_false(target_clustered(&t));
	target_free(&t);
	sh("printf 'totem {\\n  cluster_name: lab\\n}\\n' > '%s/etc/pve/corosync.conf'", root);
	assert_int_equal(target_probe(root, &t, &d), 0);
	assert_true(target_clustered(&t));
	target_free(&t);
	diag_free(&d);
	rm_tmpdir(root);
}

/* A live cluster member with quorum: the VM change goes through /etc/pve (pmxcfs replicates it);
 * without quorum /etc/pve is read-only, so the change is staged for the next boot. */
static void test_live_cluster_quorum_decides(void **state)
{
	(void)state;
	struct machine_facts f = facts_cfl();
	for (int quorate = 1; quorate >= 0; quorate--) {
		struct run r;
		r.root = pve_root("pve8-grub");
		char *lc = live_conf();
		pve_make_live(r.root, lc, "", true);
		free(lc);
		sh("printf 'totem {\\n  cluster_name: lab\\n}\\n' > '%s/etc/pve/corosync.conf'", r.root);
		char members[300], mp[4200];
		snprintf(members, sizeof(members),
			 "{\n\"nodename\": \"pve\",\n\"version\": 5,\n\"cluster\": { \"name\": \"lab\", \"version\": 2, "
			 "\"nodes\": 2, \"quorate\": %d }\n}\n", quorate);
		snprintf(mp, sizeof(mp), "%s/etc/pve/.members", r.root);
		write_file(mp, members, strlen(members));
		assert_int_equal(plan_for(&r, NULL, &f, CFL_CHAIN, 100, false), 0);
		assert_true(target_clustered(&r.t));
		const struct change *c = find_change(&r.p, "/etc/pve/nodes/pve/qemu-server/100.conf");
		if (quorate) {
			assert_false(r.p.vm_staged);
			assert_non_null(c);
			assert_null(find_change(&r.p, "/etc/systemd/system/igdkit-vm100.service"));
		} else {
			assert_true(r.p.vm_staged);
			assert_null(c);
			assert_non_null(find_change(&r.p, "/etc/systemd/system/igdkit-vm100.service"));
		}
		run_free(&r, false);
	}
}

/* The host ran between install and undo: pmxcfs wrote to config.db, so the file cannot go back
 * byte for byte; the VM's row goes back (as one more pmxcfs change), pmxcfs's rows stay. */
static void test_undo_after_host_ran(void **state)
{
	(void)state;
	struct machine_facts f = facts_cfl();
	struct run r;
	assert_int_equal(plan_for(&r, "pve8-grub", &f, CFL_CHAIN, 100, false), 0);
	char *files_before = sh_capture("true");
	char cmd[4200];
	snprintf(cmd, sizeof(cmd), "cd '%s' && find etc usr -type f -print0 | sort -z | xargs -0 sha256sum", r.root);
	free(files_before);
	files_before = sh_capture(cmd);
	char id[64];
	assert_int_equal(apply_run(&r, id), 0);
	/* what pmxcfs would do on boot: a new file (inode = version = counter + 1) */
	sh("sqlite3 '%s/var/lib/pve-cluster/config.db' \"update tree set version=38, mtime=1800000100 where inode=0; "
	   "insert into tree values (38,0,38,0,1800000100,8,'vzdump.cron',cast('# cluster wide vzdump cron schedule\n' as blob))\"",
	   r.root);
	struct manifest m;
	assert_int_equal(install_undo(r.root, id, &m, &r.d), 0);
	char *conf = db_file(r.root, "100.conf");
	assert_string_equal(conf, conf100);
	free(conf);
	char *rows = db_rows(r.root);
	assert_string_equal(rows, "0|0|39|0|8|__version__|\n2|0|2|0|4|priv|\n3|0|3|0|4|nodes|\n4|3|4|0|4|pve|\n5|4|5|0|4|lxc|\n"
				  "6|4|6|0|4|qemu-server|\n7|4|7|0|4|openvz|\n8|4|8|0|4|priv|\n9|0|12|0|8|user.cfg|38\n"
				  "13|0|15|0|8|datacenter.cfg|16\n16|2|16|0|4|lock|\n18|0|20|0|8|storage.cfg|128\n"
				  "28|6|30|0|8|101.conf|897\n33|6|39|0|8|100.conf|484\n38|0|38|0|8|vzdump.cron|36\n");
	free(rows);
	char *files_after = sh_capture(cmd);
	assert_string_equal(files_after, files_before);
	free(files_before);
	free(files_after);
	run_free(&r, true);

	/* a VM igdkit created is removed again the same way */
	assert_int_equal(plan_for(&r, NULL, &f, CFL_CHAIN, 102, true), 0);
	assert_int_equal(apply_run(&r, id), 0);
	sh("sqlite3 '%s/var/lib/pve-cluster/config.db' \"update tree set version=41, mtime=1800000200 where inode=0; "
	   "insert into tree values (41,0,41,0,1800000200,8,'replication.cfg',cast('' as blob))\"", r.root);
	assert_int_equal(install_undo(r.root, NULL, &m, &r.d), 0);
	rows = db_rows(r.root);
	assert_null(strstr(rows, "102.conf"));
	assert_non_null(strstr(rows, "0|0|42|0|8|__version__|\n"));
	assert_non_null(strstr(rows, "\n41|0|41|0|8|replication.cfg|0\n"));
	free(rows);
	/* if the VM itself was changed since, undo leaves config.db alone and says so */
	run_free(&r, true);
	assert_int_equal(plan_for(&r, NULL, &f, CFL_CHAIN, 100, false), 0);
	assert_int_equal(apply_run(&r, id), 0);
	sh("sqlite3 '%s/var/lib/pve-cluster/config.db' \"update tree set version=50, data=cast(data||'onboot: 1\n' as blob) where name='100.conf'; "
	   "update tree set version=50 where inode=0\"", r.root);
	assert_int_equal(install_undo(r.root, NULL, &m, &r.d), -1);
	assert_non_null(strstr(diag_last(&r.d), "VM 100 was changed after igdkit wrote it"));
	run_free(&r, false);
}

/* Words that must go: intel_iommu=igfx_off leaves /etc/kernel/cmdline; root= and the rest stay. */
static void test_kernel_cmdline_cleanup(void **state)
{
	(void)state;
	struct machine_facts f = facts_cfl();
	struct run r;
	r.root = pve_root("pve9-btrfs-sdboot");
	sh("printf 'root=UUID=6f1c2b8e-3d4a-4e5f-9a0b-1c2d3e4f5a6b ro quiet intel_iommu=igfx_off initcall_blacklist=sysfb_init\\n' > '%s/etc/kernel/cmdline'",
	   r.root);
	assert_int_equal(plan_for(&r, NULL, &f, NULL, 0, false), 0);
	const struct change *c = find_change(&r.p, "/etc/kernel/cmdline");
	assert_non_null(c);
	assert_string_equal((char *)c->new, "root=UUID=6f1c2b8e-3d4a-4e5f-9a0b-1c2d3e4f5a6b ro quiet initcall_blacklist=sysfb_init\n");
	assert_null(find_change(&r.p, "/var/lib/pve-cluster/config.db"));	/* no --vmid: host side only */
	run_free(&r, true);
	/* no root= : refresh would abort, so igdkit refuses */
	sh("printf 'quiet\\n' > '%s/etc/kernel/cmdline'", r.root);
	assert_int_equal(plan_for(&r, NULL, &f, NULL, 0, false), -1);
	assert_non_null(strstr(diag_last(&r.d), "has no root="));
	run_free(&r, false);
}

UNIT_MAIN(NULL, NULL, cmocka_unit_test(test_probe_versions), cmocka_unit_test(test_pve8_grub_cycle),
	  cmocka_unit_test(test_pve7_legacy), cmocka_unit_test(test_pve8_zfs_sdboot),
	  cmocka_unit_test(test_pve8_cml_opregion), cmocka_unit_test(test_pve9_create_vm),
	  cmocka_unit_test(test_cluster_stages_qm_set), cmocka_unit_test(test_refusals_write_nothing),
	  cmocka_unit_test(test_fault_points), cmocka_unit_test(test_live_etc_pve),
	  cmocka_unit_test(test_live_running_vm_refused), cmocka_unit_test(test_live_detection_strict),
	  cmocka_unit_test(test_live_cluster_member), cmocka_unit_test(test_live_cluster_quorum_decides),
	  cmocka_unit_test(test_undo_after_host_ran), cmocka_unit_test(test_kernel_cmdline_cleanup))
