/* tests for tools/diagnose (repair's findings) and pve/configdb_fix on broken PVE 7/8/9 roots:
 * each root is a fixture tree (tests/data/pve) broken by the shell commands below; repair ->
 * exact files and config.db rows, a second run finds nothing, undo is byte-identical to the
 * broken start, and every fault point of the apply rolls back or is undone. */
#include "pvefixture.h"
#include "change/apply.h"
#include "change/manifest.h"
#include "diagnose/diagnose.h"
#include "lib/fault.h"
#include "pve/configdb.h"
#include "pve/configdb_fix.h"
#include "pve/target.h"

#include <sys/wait.h>

#define DB "var/lib/pve-cluster/config.db"

struct broken {
	char *root;
	char *start;		/* tree_digest of the broken root */
	struct pve_target t;
	struct diagnosis x;
};

/* A fixture root, broken by sh commands run inside it. */
static char *broken_root(const char *tree, const char *breakage)
{
	char *r = pve_root(tree);
	if (breakage && *breakage)
		sh("cd '%s' && %s", r, breakage);
	return r;
}

static int diagnose_root(const char *root, struct machine_facts *f, struct pve_target *t, struct diagnosis *x)
{
	struct diag d;
	diag_init(&d);
	int rc = target_probe(root, t, &d);
	if (!rc)
		rc = diagnose_run(t, f, x, &d);
	if (rc)
		print_message("diagnose: %s\n", diag_last(&d));
	diag_free(&d);
	return rc;
}

static bool has_finding(const struct diagnosis *x, const char *id, bool automatic)
{
	for (size_t i = 0; i < x->n; i++)
		if (!strcmp(x->f[i].id, id) && x->f[i].automatic == automatic)
			return true;
	return false;
}

static void print_findings(const struct diagnosis *x)
{
	for (size_t i = 0; i < x->n; i++)
		print_message("  [%s]%s %s | %s | %s\n", x->f[i].id, x->f[i].automatic ? " auto" : "", x->f[i].what,
			      x->f[i].evidence, x->f[i].fix);
}

static void open_broken(struct broken *b, const char *tree, const char *breakage, struct machine_facts *f)
{
	memset(b, 0, sizeof(*b));
	b->root = broken_root(tree, breakage);
	b->start = tree_digest(b->root);
	assert_int_equal(diagnose_root(b->root, f, &b->t, &b->x), 0);
}

static int apply_fixes(struct broken *b, char id[64])
{
	struct diag d;
	diag_init(&d);
	struct install_opts io = { .root = b->root, .now = 1800000000 };
	int rc = install_apply(&b->t, &b->x.plan, &io, id, &d);
	if (rc)
		print_message("apply: %s\n", diag_last(&d));
	diag_free(&d);
	return rc;
}

/* Nothing left to fix (notes about earlier runs aside), and no change planned. */
static void assert_second_run_clean(const char *root, struct machine_facts *f)
{
	struct pve_target t;
	struct diagnosis x;
	assert_int_equal(diagnose_root(root, f, &t, &x), 0);
	if (x.nproblems || x.plan.n)
		print_findings(&x);
	assert_int_equal(x.nproblems, 0);
	assert_int_equal(x.plan.n, 0);
	diagnosis_free(&x);
	target_free(&t);
}

static void assert_undo_identical(struct broken *b)
{
	struct manifest *m = calloc(1, sizeof(*m));
	struct diag d;
	diag_init(&d);
	if (install_undo(b->root, NULL, m, &d) != 0)
		fail_msg("undo: %s", diag_last(&d));
	diag_free(&d);
	free(m);
	char *now = tree_digest(b->root);
	assert_string_equal(now, b->start);
	free(now);
}

static void close_broken(struct broken *b)
{
	diagnosis_free(&b->x);
	target_free(&b->t);
	rm_rf(b->root);
	free(b->root);
	free(b->start);
}

/* The whole cycle: findings expected, apply, exact file(s), second run clean, undo identical. */
static void cycle(const char *tree, const char *breakage, struct machine_facts *f, const char *const *ids, const char *file,
		  const char *expect)
{
	struct broken b;
	open_broken(&b, tree, breakage, f);
	for (size_t i = 0; ids[i]; i++)
		if (!has_finding(&b.x, ids[i], true)) {
			print_findings(&b.x);
			fail_msg("%s: no automatic finding %s", tree, ids[i]);
		}
	char id[64];
	assert_int_equal(apply_fixes(&b, id), 0);
	if (file) {
		char *got = !strcmp(file, "@100.conf") ? db_file(b.root, "100.conf") : read_text_file(b.root, file);
		assert_non_null(got);
		assert_string_equal(got, expect);
		free(got);
	}
	assert_second_run_clean(b.root, f);
	assert_undo_identical(&b);
	close_broken(&b);
}

static void test_healthy_roots_have_no_findings(void **state)
{
	(void)state;
	static const char *const trees[] = { "pve7-grub", "pve9-grub", "pve8-zfs-sdboot", "pve9-btrfs-sdboot" };
	struct machine_facts f = facts_cfl();
	for (size_t i = 0; i < 4; i++) {
		char *r = pve_root(trees[i]);
		assert_second_run_clean(r, &f);
		rm_tmpdir(r);
	}
}

static void test_grub_cmdline_words(void **state)
{
	(void)state;
	struct machine_facts f = facts_cfl();
	static const char *const ids[] = { "cmdline-bad-word", "cmdline-duplicate", NULL };
	/* intel_iommu=off, iommu=off, igfx_off (kept "on"), a repeat; pve7's quiet stays */
	const char *brk = "sed -i 's/^GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"/GRUB_CMDLINE_LINUX_DEFAULT=\"quiet intel_iommu=on,igfx_off iommu=pt "
			  "iommu=pt\"/; s/^GRUB_CMDLINE_LINUX=\"\"/GRUB_CMDLINE_LINUX=\"iommu=off\"/' etc/default/grub";
	cycle("pve7-grub", brk, &f, ids, NULL, NULL);
	struct broken b;
	open_broken(&b, "pve7-grub", brk, &f);
	assert_true(b.x.plan.rebuild_grub);
	char id[64];
	assert_int_equal(apply_fixes(&b, id), 0);
	char *g = read_text_file(b.root, "etc/default/grub");
	assert_non_null(strstr(g, "\nGRUB_CMDLINE_LINUX_DEFAULT=\"quiet intel_iommu=on iommu=pt\"\nGRUB_CMDLINE_LINUX=\"\"\n"));
	free(g);
	close_broken(&b);
}

static void test_sdboot_cmdline(void **state)
{
	(void)state;
	struct machine_facts f = facts_cfl();
	static const char *const ids[] = { "cmdline-bad-word", "cmdline-wrong-file", NULL };
	/* nomodeset with vfio-pci taking 3e91; intel_iommu=on / sysfb words only in GRUB's file */
	const char *brk = "printf 'root=ZFS=rpool/ROOT/pve-1 boot=zfs nomodeset\\n' > etc/kernel/cmdline && "
			  "mkdir -p etc/modprobe.d && printf 'options vfio-pci ids=8086:3e91\\n' > etc/modprobe.d/vfio.conf && "
			  "sed -i 's/^GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"/GRUB_CMDLINE_LINUX_DEFAULT=\"quiet intel_iommu=on initcall_blacklist=sysfb_init\"/' etc/default/grub";
	cycle("pve8-zfs-sdboot", brk, &f, ids, "etc/kernel/cmdline",
	      "root=ZFS=rpool/ROOT/pve-1 boot=zfs intel_iommu=on initcall_blacklist=sysfb_init\n");
}

static void test_kernel_cmdline_on_grub_host(void **state)
{
	(void)state;
	struct machine_facts f = facts_cfl();
	static const char *const ids[] = { "cmdline-wrong-file", NULL };
	cycle("pve9-grub", "mkdir -p etc/kernel && printf 'root=/dev/mapper/pve-root ro quiet intel_iommu=on iommu=pt\\n' > etc/kernel/cmdline",
	      &f, ids, "etc/default/grub.d/igdkit-repair.cfg",
	      "# Written by igdkit repair: kernel command-line words found only in /etc/kernel/cmdline,\n"
	      "# which GRUB does not read. To take it back: igdkit install --undo, or delete this file and run update-grub.\n"
	      "GRUB_CMDLINE_LINUX_DEFAULT=\"$GRUB_CMDLINE_LINUX_DEFAULT intel_iommu=on iommu=pt\"\n");
}

static void test_vfio_options(void **state)
{
	(void)state;
	struct machine_facts f = facts_cfl();
	static const char *const ids[] = { "vfio-disable-vga", "vfio-wrong-id", NULL };
	cycle("pve9-grub",
	      "mkdir -p etc/modprobe.d && printf '# from a guide\\noptions vfio-pci ids=8086:9bc8,10de:1c82 disable_vga=1\\nsoftdep i915 pre: vfio-pci\\n' > etc/modprobe.d/vfio.conf",
	      &f, ids, "etc/modprobe.d/vfio.conf", "# from a guide\noptions vfio-pci ids=8086:3e91,10de:1c82\nsoftdep i915 pre: vfio-pci\n");
}

static void test_virqfd_on_new_kernels(void **state)
{
	(void)state;
	struct machine_facts f = facts_cfl();
	static const char *const ids[] = { "modules-virqfd", NULL };
	char *want = read_text_file("tests/data/pve/pve8-grub", "etc/modules");
	char *at = strstr(want, "vfio_virqfd\n");
	assert_non_null(at);
	memmove(at, at + 12, strlen(at + 12) + 1);
	cycle("pve8-grub", "", &f, ids, "etc/modules", want);
	free(want);
	/* pve7's 5.15 kernels still have the module: not a finding there */
	struct broken b;
	open_broken(&b, "pve7-grub", "printf 'vfio\\nvfio_virqfd\\n' > etc/modules", &f);
	assert_false(has_finding(&b.x, "modules-virqfd", true));
	close_broken(&b);
}

static void test_initramfs_stale(void **state)
{
	(void)state;
	struct machine_facts f = facts_cfl();
	struct broken b;
	open_broken(&b, "pve9-grub",
		    "mkdir -p boot etc/modprobe.d && printf 'options vfio-pci ids=8086:3e91\\n' > etc/modprobe.d/vfio.conf && "
		    "for k in $(ls lib/modules 2>/dev/null; sed -n 's/^Package: proxmox-kernel-\\(.*-pve\\).*/\\1/p' var/lib/dpkg/status); do "
		    "touch -d 2020-01-01 boot/initrd.img-$k; done",
		    &f);
	if (!has_finding(&b.x, "initramfs-stale", true)) {
		print_findings(&b.x);
		fail_msg("no initramfs-stale finding");
	}
	assert_true(b.x.plan.rebuild_initramfs);
	assert_int_equal(b.x.plan.n, 0);	/* nothing to write: the fix is the rebuild */
	close_broken(&b);
}

static const char vm_break[] =
	"sqlite3 " DB " \"update tree set data = cast(replace(cast(data as text), 'machine: pc-i440fx-7.1', "
	"'machine: q35' || char(10) || 'onboot: 1' || char(10) || 'hostpci0: 0000:00:02.0,legacy_igd=1,romfile=/usr/share/kvm/igd.rom' "
	"|| char(10) || 'args: -set device.hostpci1.x-igd-gms=0x2 -cpu host,kvm=off' || char(10) || 'vga: std') as blob) "
	"where name='100.conf'\" && mkdir -p usr/share/kvm && printf 'rom' > usr/share/kvm/igd.rom";

static const char vm_fixed[] =
	"agent: 1\n"
	"boot: order=scsi0;ide2;net0\n"
	"cores: 6\n"
	"cpu: host\n"
	"ide2: local:iso/virtio-win-0.1.240.iso,media=cdrom,size=612812K\n"
	"machine: %s\n"
	"onboot: 0\n"
	"hostpci0: 0000:00:02.0,legacy-igd=1,romfile=igd.rom\n"
	"args: -cpu host,kvm=off\n"
	"vga: none\n"
	CONF100_MEMORY_TO_SOCKETS
	"vmgenid: 9a4e6b21-0c3d-4f58-8e7a-2b1c9d0f6e53\n";

static void test_vm_config(void **state)
{
	(void)state;
	struct machine_facts f = facts_cfl();
	static const char *const ids[] = { "vm-hostpci-option", "vm-onboot", "vm-legacy-q35", "vm-legacy-vga", "vm-args", NULL };
	char want[2048];
	snprintf(want, sizeof(want), vm_fixed, "pc-i440fx-10.0");	/* pve9-grub: pve-qemu-kvm 10.0 */
	cycle("pve9-grub", vm_break, &f, ids, "@100.conf", want);
	snprintf(want, sizeof(want), vm_fixed, "pc-i440fx-7.2");
	cycle("pve7-grub", vm_break, &f, ids, "@100.conf", want);
	/* the iGPU is not the boot display (a dGPU boots): onboot stays */
	f.boot_vga = TRI_NO;
	struct broken b;
	open_broken(&b, "pve9-grub", vm_break, &f);
	assert_false(has_finding(&b.x, "vm-onboot", true));
	close_broken(&b);
}

static void test_vm_args_per_qemu(void **state)
{
	(void)state;
	struct machine_facts f = facts_cfl();
	const char *brk = "sqlite3 " DB " \"update tree set data = cast(cast(data as text) || "
			  "'hostpci0: 0000:00:02.0,legacy-igd=1' || char(10) || 'vga: none' || char(10) || "
			  "'args: -set device.hostpci0.x-igd-gms=0x20 -set device.hostpci0.x-igd-legacy-mode=on -set device.hostpci0.x-igd-lpc=on -smbios type=1' "
			  "|| char(10) as blob) where name='100.conf'\"";
	/* QEMU 7.2: x-igd-gms out of range -> the host's 0x2; x-igd-legacy-mode / x-igd-lpc unknown -> gone */
	struct broken b;
	open_broken(&b, "pve7-grub", brk, &f);
	char id[64];
	assert_int_equal(apply_fixes(&b, id), 0);
	char *c = db_file(b.root, "100.conf");
	assert_non_null(strstr(c, "\nargs: -smbios type=1 -set device.hostpci0.x-igd-gms=0x2\n") ||
			strstr(c, "\nargs: -set device.hostpci0.x-igd-gms=0x2 -smbios type=1\n"));
	free(c);
	assert_second_run_clean(b.root, &f);
	assert_undo_identical(&b);
	close_broken(&b);
	/* QEMU 10.0: x-igd-gms goes (host value used), the 10.0 properties stay */
	open_broken(&b, "pve9-grub", brk, &f);
	assert_int_equal(apply_fixes(&b, id), 0);
	c = db_file(b.root, "100.conf");
	assert_non_null(strstr(c, "\nargs: -set device.hostpci0.x-igd-legacy-mode=on -set device.hostpci0.x-igd-lpc=on -smbios type=1\n"));
	free(c);
	assert_second_run_clean(b.root, &f);
	close_broken(&b);
}

static void test_romfile_missing_is_reported_only(void **state)
{
	(void)state;
	struct machine_facts f = facts_cfl();
	struct broken b;
	open_broken(&b, "pve9-grub",
		    "sqlite3 " DB " \"update tree set data = cast(cast(data as text) || 'hostpci0: 0000:00:02.0,romfile=gone.rom' || char(10) as blob) where name='100.conf'\"",
		    &f);
	assert_true(has_finding(&b.x, "vm-romfile-missing", false));
	assert_int_equal(b.x.plan.n, 0);
	close_broken(&b);
}

static void test_lxc_dri_with_i915_blacklisted(void **state)
{
	(void)state;
	struct machine_facts f = facts_cfl();
	struct broken b;
	open_broken(&b, "pve9-grub",
		    "mkdir -p etc/modprobe.d && printf 'blacklist i915\\n' > etc/modprobe.d/blacklist.conf && sqlite3 " DB
		    " \"insert into tree values (40, 5, 40, 0, 1795600664, 8, '200.conf', cast('dev0: /dev/dri/renderD128,gid=104' || char(10) as blob)); "
		    "update tree set version = 40 where inode = 0\"",
		    &f);
	assert_true(has_finding(&b.x, "lxc-dri-i915-blacklisted", false));
	assert_int_equal(b.x.plan.n, 0);
	close_broken(&b);
}

/* GRUB's files are sourced in order: a later assignment without $GRUB_CMDLINE_LINUX_DEFAULT
 * replaces the earlier one, so its words repeat nothing; one that refers to it appends. */
static void test_grub_reassignment_is_not_a_repeat(void **state)
{
	(void)state;
	struct machine_facts f = facts_cfl();
	/* a second line replacing the first (as users add one under Debian's): nothing wrong */
	char *r = broken_root("pve9-grub", "sed -i 's/^GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"$/&\\nGRUB_CMDLINE_LINUX_DEFAULT=\"quiet intel_iommu=on iommu=pt\"/' "
				 "etc/default/grub && grep -c '^GRUB_CMDLINE_LINUX_DEFAULT=' etc/default/grub | grep -qx 2");
	assert_second_run_clean(r, &f);
	rm_tmpdir(r);
	/* a drop-in appending a word the file already has: that is a repeat, removed from the drop-in */
	static const char *const ids[] = { "cmdline-duplicate", NULL };
	cycle("pve9-grub",
	      "sed -i 's/^GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"$/GRUB_CMDLINE_LINUX_DEFAULT=\"quiet iommu=pt\"/' etc/default/grub && "
	      "mkdir -p etc/default/grub.d && printf 'GRUB_CMDLINE_LINUX_DEFAULT=\"$GRUB_CMDLINE_LINUX_DEFAULT iommu=pt intel_iommu=on\"\\n' "
	      "> etc/default/grub.d/iommu.cfg",
	      &f, ids, "etc/default/grub.d/iommu.cfg", "GRUB_CMDLINE_LINUX_DEFAULT=\"$GRUB_CMDLINE_LINUX_DEFAULT intel_iommu=on\"\n");
	/* the words GRUB really passes decide what is missing: an overridden intel_iommu=on is gone,
	 * so /etc/kernel/cmdline's is carried over to the drop-in */
	static const char *const wf[] = { "cmdline-wrong-file", NULL };
	cycle("pve9-grub",
	      "sed -i 's/^GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"$/GRUB_CMDLINE_LINUX_DEFAULT=\"quiet intel_iommu=on\"\\nGRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"/' "
	      "etc/default/grub && mkdir -p etc/kernel && printf 'root=/dev/mapper/pve-root ro quiet intel_iommu=on\\n' > etc/kernel/cmdline",
	      &f, wf, "etc/default/grub.d/igdkit-repair.cfg",
	      "# Written by igdkit repair: kernel command-line words found only in /etc/kernel/cmdline,\n"
	      "# which GRUB does not read. To take it back: igdkit install --undo, or delete this file and run update-grub.\n"
	      "GRUB_CMDLINE_LINUX_DEFAULT=\"$GRUB_CMDLINE_LINUX_DEFAULT intel_iommu=on\"\n");
}

/* A file with NUL bytes (a power loss during a write) is reported and never rewritten: as text it
 * ends at the first NUL, and writing that back would cut it. */
static void test_damaged_file_is_reported_not_rewritten(void **state)
{
	(void)state;
	struct machine_facts f = facts_cfl();
	struct broken b;
	open_broken(&b, "pve9-grub",
		    "sed -i 's/^GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"$/GRUB_CMDLINE_LINUX_DEFAULT=\"quiet intel_iommu=off\"/' etc/default/grub && "
		    "head -c 64 /dev/zero >> etc/default/grub && echo 'GRUB_TIMEOUT=1' >> etc/default/grub",
		    &f);
	if (!has_finding(&b.x, "file-damaged", false)) {
		print_findings(&b.x);
		fail_msg("no file-damaged finding");
	}
	assert_false(has_finding(&b.x, "cmdline-bad-word", true));
	assert_int_equal(b.x.plan.n, 0);
	close_broken(&b);
	/* the other files' fixes still go through; the damaged one is left byte for byte */
	open_broken(&b, "pve8-grub", "printf 'GRUB_DEFAULT=0\\n' > etc/default/grub && head -c 100 /dev/zero >> etc/default/grub", &f);
	assert_true(has_finding(&b.x, "file-damaged", false));
	assert_true(has_finding(&b.x, "modules-virqfd", true));
	assert_int_equal(b.x.plan.n, 1);
	assert_string_equal(b.x.plan.ch[0].path, "/etc/modules");
	close_broken(&b);
}

/* A symbolic link on the way to a file: on the target it points into the running system, so the
 * file is neither read nor written through it (a note says so). */
static void test_symlinked_paths_are_not_followed(void **state)
{
	(void)state;
	struct machine_facts f = facts_cfl();
	char outside[] = "/tmp/igdkit-outside-XXXXXX";
	assert_non_null(mkdtemp(outside));
	sh("printf 'GRUB_CMDLINE_LINUX_DEFAULT=\"$GRUB_CMDLINE_LINUX_DEFAULT intel_iommu=off\"\\n' > '%s/x.cfg'", outside);
	char *before = sh_capture("cat /tmp/igdkit-outside-*/x.cfg | sha256sum");
	char brk[256];
	/* grub.d is a link to a directory outside the root; vfio.conf a link inside it */
	snprintf(brk, sizeof(brk), "rm -rf etc/default/grub.d && ln -s '%s' etc/default/grub.d && mkdir -p etc/modprobe.d && "
		 "printf 'options vfio-pci disable_vga=1\\n' > etc/vfio-real.conf && ln -s ../vfio-real.conf etc/modprobe.d/vfio.conf", outside);
	struct broken b;
	open_broken(&b, "pve9-grub", brk, &f);
	size_t notes = 0;
	for (size_t i = 0; i < b.x.n; i++)
		notes += !strcmp(b.x.f[i].id, "file-symlink") && b.x.f[i].note && !b.x.f[i].automatic;
	if (notes != 2) {
		print_findings(&b.x);
		fail_msg("expected 2 file-symlink notes, got %zu", notes);
	}
	assert_false(has_finding(&b.x, "cmdline-bad-word", true));
	assert_false(has_finding(&b.x, "vfio-disable-vga", true));
	assert_int_equal(b.x.nproblems, 0);
	assert_int_equal(b.x.plan.n, 0);
	close_broken(&b);
	char *after = sh_capture("cat /tmp/igdkit-outside-*/x.cfg | sha256sum");
	assert_string_equal(before, after);
	free(before);
	free(after);
	sh("rm -rf '%s'", outside);
}

/* No iGPU in the facts (another machine, a dump without one): nothing says it is the boot
 * display, so a VM naming 00:02.0 keeps starting at boot. */
static void test_onboot_needs_an_igpu(void **state)
{
	(void)state;
	struct machine_facts f = facts_cfl();
	f.igd_present = false;
	f.boot_vga = TRI_UNKNOWN;
	struct broken b;
	open_broken(&b, "pve9-grub",
		    "sqlite3 " DB " \"update tree set data = cast(cast(data as text) || 'onboot: 1' || char(10) || 'hostpci0: 0000:00:02.0' || char(10) as blob) where name='100.conf'\"",
		    &f);
	assert_false(has_finding(&b.x, "vm-onboot", true));
	assert_false(has_finding(&b.x, "vm-onboot", false));
	close_broken(&b);
}

/* The iGPU named through a PCI resource mapping (PVE 8+): repair resolves mapping=ID through
 * /etc/pve/mapping/pci.cfg in config.db for the VM's node, and fixes that VM like one naming
 * 0000:00:02.0 (onboot, vga), leaving the mapping itself as it is. A mapping of the iGPU on
 * another node is another machine's device: nothing to fix here. */
static void test_vm_through_mapping(void **state)
{
	(void)state;
	struct machine_facts f = facts_cfl();
	static const char vm_sql[] =
		"update tree set data = cast(cast(data as text) || 'onboot: 1' || char(10) || "
		"'hostpci0: mapping=igpu,legacy-igd=1,romfile=igd.rom' || char(10) as blob) where name='100.conf'; ";
	static const char kvm[] = "mkdir -p usr/share/kvm && printf rom > usr/share/kvm/igd.rom && ";
	char breakage[2048];
	snprintf(breakage, sizeof(breakage), "%ssqlite3 " DB " \"%s%s\"", kvm, vm_sql, PCIMAP_SQL(PCIMAP_IGPU_ON("pve")));
	struct broken b;
	open_broken(&b, "pve9-grub", breakage, &f);
	if (!has_finding(&b.x, "vm-onboot", true) || !has_finding(&b.x, "vm-legacy-vga", true)) {
		print_findings(&b.x);
		fail_msg("the VM with hostpci0: mapping=igpu got no onboot/vga finding");
	}
	char id[64];
	assert_int_equal(apply_fixes(&b, id), 0);
	char *conf = db_file(b.root, "100.conf");
	assert_non_null(conf);
	assert_non_null(strstr(conf, "\nonboot: 0\n"));
	assert_non_null(strstr(conf, "\nvga: none\n"));
	assert_non_null(strstr(conf, "\nhostpci0: mapping=igpu,legacy-igd=1,romfile=igd.rom\n"));
	free(conf);
	char *map = db_file(b.root, "pci.cfg");	/* the mapping is the user's: kept as it was */
	assert_non_null(map);
	assert_non_null(strstr(map, "node=pve,path=0000:01:00.0;0000:00:02.0"));
	free(map);
	assert_second_run_clean(b.root, &f);
	assert_undo_identical(&b);
	close_broken(&b);

	snprintf(breakage, sizeof(breakage), "%ssqlite3 " DB " \"%s%s\"", kvm, vm_sql, PCIMAP_SQL(PCIMAP_IGPU_ON("pve2")));
	open_broken(&b, "pve9-grub", breakage, &f);
	assert_false(has_finding(&b.x, "vm-onboot", true));
	assert_false(has_finding(&b.x, "vm-legacy-vga", true));
	close_broken(&b);
}

/* i915 counts as blacklisted only when modprobe.blacklist= names it, not when an i915.* word
 * follows; vfio-pci.ids= only when it lists this iGPU (nomodeset is removed only then). */
static void test_cmdline_lists_are_read_word_by_word(void **state)
{
	(void)state;
	struct machine_facts f = facts_cfl();
	struct broken b;
	open_broken(&b, "pve9-grub",
		    "sed -i 's/^GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"$/GRUB_CMDLINE_LINUX_DEFAULT=\"quiet modprobe.blacklist=nouveau i915.enable_guc=3 "
		    "vfio-pci.ids=10de:1c82 nomodeset video=8086:3e91\"/' etc/default/grub && sqlite3 " DB
		    " \"insert into tree values (40, 5, 40, 0, 1795600664, 8, '200.conf', cast('dev0: /dev/dri/renderD128,gid=104' || char(10) as blob)); "
		    "update tree set version = 40 where inode = 0\"",
		    &f);
	assert_false(has_finding(&b.x, "lxc-dri-i915-blacklisted", false));
	assert_false(has_finding(&b.x, "cmdline-bad-word", true));
	assert_int_equal(b.x.nproblems, 0);
	close_broken(&b);
	/* named in the list: both are found */
	open_broken(&b, "pve9-grub",
		    "sed -i 's/^GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"$/GRUB_CMDLINE_LINUX_DEFAULT=\"quiet modprobe.blacklist=nouveau,i915 "
		    "vfio-pci.ids=10de:1c82,8086:3E91 nomodeset\"/' etc/default/grub && sqlite3 " DB
		    " \"insert into tree values (40, 5, 40, 0, 1795600664, 8, '200.conf', cast('dev0: /dev/dri/renderD128,gid=104' || char(10) as blob)); "
		    "update tree set version = 40 where inode = 0\"",
		    &f);
	assert_true(has_finding(&b.x, "lxc-dri-i915-blacklisted", false));
	assert_true(has_finding(&b.x, "cmdline-bad-word", true));
	close_broken(&b);
}

/* ---- config.db ---------------------------------------------------------- */

static void db_cycle(const char *breakage, const char *id, const char *expect_rows)
{
	struct machine_facts f = facts_cfl();
	struct broken b;
	open_broken(&b, "pve9-grub", breakage, &f);
	if (!has_finding(&b.x, id, true)) {
		print_findings(&b.x);
		fail_msg("no automatic %s", id);
	}
	char *before100 = db_file(b.root, "100.conf"), *before101 = db_file(b.root, "101.conf");
	char rid[64];
	assert_int_equal(apply_fixes(&b, rid), 0);
	char *rows = db_rows(b.root);
	assert_string_equal(rows, expect_rows);
	free(rows);
	/* every guest config's bytes kept; the DB passes pmxcfs's load checks */
	char *a100 = db_file(b.root, "100.conf"), *a101 = db_file(b.root, "101.conf");
	assert_string_equal(a100, before100);
	assert_string_equal(a101, before101);
	struct configdb c;
	char p[4200];
	snprintf(p, sizeof(p), "%s/" DB, b.root);
	assert_int_equal(configdb_open(&c, p, false, NULL), 0);
	configdb_close(&c);
	free(a100);
	free(a101);
	free(before100);
	free(before101);
	assert_second_run_clean(b.root, &f);
	assert_undo_identical(&b);
	close_broken(&b);
}

static const char rows_head[] = "2|0|2|0|4|priv|\n3|0|3|0|4|nodes|\n4|3|4|0|4|pve|\n5|4|5|0|4|lxc|\n6|4|6|0|4|qemu-server|\n"
				"7|4|7|0|4|openvz|\n8|4|8|0|4|priv|\n9|0|12|0|8|user.cfg|38\n13|0|15|0|8|datacenter.cfg|16\n"
				"16|2|16|0|4|lock|\n18|0|20|0|8|storage.cfg|128\n28|6|30|0|8|101.conf|897\n33|6|35|0|8|100.conf|484\n";

static void test_db_version_low(void **state)
{
	(void)state;
	char want[1024];
	snprintf(want, sizeof(want), "0|0|35|0|8|__version__|\n%s", rows_head);
	db_cycle("sqlite3 " DB " 'update tree set version = 5 where inode = 0'", "db-version", want);
	db_cycle("sqlite3 " DB " 'delete from tree where inode = 0'", "db-version", want);
}

static void test_db_dir_with_data(void **state)
{
	(void)state;
	char want[1024];
	snprintf(want, sizeof(want), "0|0|37|0|8|__version__|\n2|0|2|0|4|priv|\n3|0|3|0|4|nodes|\n4|3|4|0|4|pve|\n5|4|37|0|4|lxc|\n"
		 "6|4|6|0|4|qemu-server|\n7|4|7|0|4|openvz|\n8|4|8|0|4|priv|\n9|0|12|0|8|user.cfg|38\n13|0|15|0|8|datacenter.cfg|16\n"
		 "16|2|16|0|4|lock|\n18|0|20|0|8|storage.cfg|128\n28|6|30|0|8|101.conf|897\n33|6|35|0|8|100.conf|484\n");
	db_cycle("sqlite3 " DB " \"update tree set data = x'6869' where inode = 5\"", "db-dir-data", want);
}

static void test_db_orphan_and_duplicates(void **state)
{
	(void)state;
	char want[1024];
	/* an unreachable non-guest file: removed */
	snprintf(want, sizeof(want), "0|0|41|0|8|__version__|\n%s", rows_head);
	db_cycle("sqlite3 " DB " \"insert into tree values (40, 99, 40, 0, 1795600664, 8, 'stray.cfg', x'78'); "
		 "update tree set version = 40 where inode = 0\"", "db-orphan", want);
	/* an identical second user.cfg (newer): the older copy goes */
	snprintf(want, sizeof(want), "0|0|41|0|8|__version__|\n2|0|2|0|4|priv|\n3|0|3|0|4|nodes|\n4|3|4|0|4|pve|\n5|4|5|0|4|lxc|\n"
		 "6|4|6|0|4|qemu-server|\n7|4|7|0|4|openvz|\n8|4|8|0|4|priv|\n13|0|15|0|8|datacenter.cfg|16\n"
		 "16|2|16|0|4|lock|\n18|0|20|0|8|storage.cfg|128\n28|6|30|0|8|101.conf|897\n33|6|35|0|8|100.conf|484\n"
		 "40|0|40|0|8|user.cfg|38\n");
	db_cycle("sqlite3 " DB " \"insert into tree select 40, 0, 40, 0, mtime, 8, 'user.cfg', data from tree where inode = 9; "
		 "update tree set version = 40 where inode = 0\"", "db-duplicate", want);
	/* a second qemu-server directory (newer) holding 300.conf: the old one's VMs move into it */
	snprintf(want, sizeof(want), "0|0|44|0|8|__version__|\n2|0|2|0|4|priv|\n3|0|3|0|4|nodes|\n4|3|4|0|4|pve|\n5|4|5|0|4|lxc|\n"
		 "7|4|7|0|4|openvz|\n8|4|8|0|4|priv|\n9|0|12|0|8|user.cfg|38\n13|0|15|0|8|datacenter.cfg|16\n"
		 "16|2|16|0|4|lock|\n18|0|20|0|8|storage.cfg|128\n28|40|42|0|8|101.conf|897\n33|40|43|0|8|100.conf|484\n"
		 "40|4|40|0|4|qemu-server|\n41|40|41|0|8|300.conf|8\n");
	db_cycle("sqlite3 " DB " \"insert into tree values (40, 4, 40, 0, 1795600664, 4, 'qemu-server', NULL); "
		 "insert into tree values (41, 40, 41, 0, 1795600664, 8, '300.conf', cast('cores: 1' as blob)); "
		 "update tree set version = 41 where inode = 0\"", "db-duplicate", want);
}

static void test_db_unfixable_left_alone(void **state)
{
	(void)state;
	struct machine_facts f = facts_cfl();
	/* an unreachable guest config: where it belonged is lost */
	struct broken b;
	open_broken(&b, "pve9-grub",
		    "sqlite3 " DB " \"insert into tree values (40, 99, 40, 0, 1795600664, 8, '105.conf', x'78'); "
		    "update tree set version = 40 where inode = 0\" && " "sqlite3 " DB
		    " \"update tree set data = cast(cast(data as text) || 'onboot: 1' || char(10) || 'hostpci0: 0000:00:02.0' || char(10) as blob) where name='100.conf'\"",
		    &f);
	assert_true(has_finding(&b.x, "db-orphan", false));
	/* the VM finding is there, but nothing can be written through this DB */
	assert_true(has_finding(&b.x, "vm-onboot", false));
	assert_int_equal(b.x.plan.n, 0);
	close_broken(&b);
	/* two different 100.conf in one folder */
	open_broken(&b, "pve9-grub",
		    "sqlite3 " DB " \"insert into tree values (40, 6, 40, 0, 1795600664, 8, '100.conf', x'78'); update tree set version = 40 where inode = 0\"",
		    &f);
	assert_true(has_finding(&b.x, "db-duplicate", false));
	assert_int_equal(b.x.plan.n, 0);
	close_broken(&b);
	/* a cluster member's DB is never edited offline */
	open_broken(&b, "pve8-cluster", "sqlite3 " DB " 'update tree set version = 5 where inode = 0'", &f);
	assert_true(has_finding(&b.x, "db-version", false));
	for (size_t i = 0; i < b.x.plan.n; i++)
		assert_int_not_equal(b.x.plan.ch[i].kind, CH_CONFIGDB_FIX);
	close_broken(&b);
}

/* What pmxcfs loads is not a problem (a chain of 100 directories); what it refuses is named, even
 * when igdkit leaves it (one VMID twice, a parent loop). */
static void test_db_problems_match_pmxcfs(void **state)
{
	(void)state;
	struct machine_facts f = facts_cfl();
	char *r = broken_root("pve9-grub", "sqlite3 " DB " \"with recursive n(i) as (select 40 union all select i + 1 from n where i < 139) "
					   "insert into tree select i, case when i = 40 then 0 else i - 1 end, i, 0, 1795600664, 4, 'd' || i, NULL from n; "
					   "update tree set version = 139 where inode = 0\"");
	assert_second_run_clean(r, &f);
	rm_tmpdir(r);
	struct broken b;
	open_broken(&b, "pve9-grub", "sqlite3 " DB " \"insert into tree select 40, 5, 40, 0, mtime, 8, '101.conf', data from tree where name = '101.conf'; "
				       "update tree set version = 40 where inode = 0\"", &f);
	if (!has_finding(&b.x, "db-duplicate-vmid", false)) {
		print_findings(&b.x);
		fail_msg("no db-duplicate-vmid");
	}
	for (size_t i = 0; i < b.x.plan.n; i++)
		assert_int_not_equal(b.x.plan.ch[i].kind, CH_CONFIGDB_FIX);
	close_broken(&b);
	open_broken(&b, "pve9-grub", "sqlite3 " DB " \"insert into tree values (40, 41, 40, 0, 1, 4, 'a', NULL), (41, 40, 41, 0, 1, 4, 'b', NULL); "
				       "update tree set version = 41 where inode = 0\"", &f);
	assert_true(has_finding(&b.x, "db-unfixable", false));
	assert_int_equal(b.x.plan.n, 0);
	close_broken(&b);
}

/* Many unreachable rows and a duplicate directory with many entries: one pass each (the plan is
 * made at once), past 32 problems nothing is repaired, and the entries move in row order. */
static void test_db_plan_scales(void **state)
{
	(void)state;
	char *r = broken_root("pve9-grub", "sqlite3 " DB " \"with recursive n(i) as (select 100 union all select i + 1 from n where i < 20099) "
					   "insert into tree select i, 99, i, 0, 1, 8, 'o' || i, NULL from n; update tree set version = 20099 where inode = 0\"");
	char p[4200];
	snprintf(p, sizeof(p), "%s/" DB, r);
	struct configdb c;
	assert_int_equal(configdb_open_unchecked(&c, p, false, NULL), 0);
	struct cdb_fix fx;
	assert_int_equal(configdb_fix_plan(&c, &fx, NULL), 0);
	assert_true(fx.truncated);
	assert_int_equal(fx.np, CDB_PROBLEMS_MAX);
	assert_false(configdb_fix_all_fixable(&fx));
	configdb_fix_free(&fx);
	configdb_close(&c);
	rm_tmpdir(r);
	/* a second qemu-server directory holding 20000 entries: they all move, none is lost */
	r = broken_root("pve9-grub", "sqlite3 " DB " \"insert into tree values (40, 4, 40, 0, 1795600664, 4, 'qemu-server', NULL); "
				   "with recursive n(i) as (select 100 union all select i + 1 from n where i < 20099) "
				   "insert into tree select i, 40, i, 0, 1, 8, 'x' || i || '.cfg', NULL from n; update tree set version = 20099 where inode = 0\"");
	snprintf(p, sizeof(p), "%s/" DB, r);
	assert_int_equal(configdb_open_unchecked(&c, p, false, NULL), 0);
	assert_int_equal(configdb_fix_plan(&c, &fx, NULL), 0);
	assert_int_equal(fx.np, 1);	/* the duplicate (__version__ follows the edits' versions) */
	assert_true(configdb_fix_all_fixable(&fx));
	/* the old directory (inode 6, older) is dropped: its two VMs move into the new one (40) */
	assert_int_equal(fx.nedits, 4);
	assert_int_equal(fx.edits[0].op, CDB_EDIT_REPARENT);
	assert_int_equal(fx.edits[0].inode, 28);
	assert_int_equal(fx.edits[0].arg, 40);
	assert_int_equal(fx.edits[1].inode, 33);
	assert_int_equal(fx.edits[2].op, CDB_EDIT_DELETE);
	assert_int_equal(fx.edits[2].inode, 6);
	assert_int_equal(fx.edits[3].op, CDB_EDIT_VERSION);
	assert_int_equal(fx.edits[3].version, 20102);
	configdb_fix_free(&fx);
	configdb_close(&c);
	rm_tmpdir(r);
}

static void test_cluster_vm_fix_is_staged(void **state)
{
	(void)state;
	struct machine_facts f = facts_cfl();
	struct broken b;
	open_broken(&b, "pve8-cluster",
		    "sqlite3 " DB " \"update tree set data = cast(cast(data as text) || 'onboot: 1' || char(10) || 'hostpci0: 0000:00:02.0' || char(10) as blob) where name='100.conf'\"",
		    &f);
	assert_true(has_finding(&b.x, "vm-onboot", true));
	assert_true(b.x.plan.vm_staged);
	assert_string_equal(b.x.plan.qm_set, "/usr/sbin/qm set 100 --onboot \"0\"");
	for (size_t i = 0; i < b.x.plan.n; i++)
		assert_int_not_equal(b.x.plan.ch[i].kind, CH_CONFIGDB);
	char id[64];
	assert_int_equal(apply_fixes(&b, id), 0);
	char *u = read_text_file(b.root, "etc/systemd/system/igdkit-vm100.service");
	assert_non_null(strstr(u, "\nExecStart=/usr/sbin/qm set 100 --onboot \"0\"\n"));
	free(u);
	assert_undo_identical(&b);
	close_broken(&b);
}

/* Every pass of every fault point of a combined repair (config.db fix, VM row, host files) fails
 * once and crashes once: the tree is the broken start again after the rollback / the undo. */
static const char combo[] = "sqlite3 " DB " 'update tree set version = 5 where inode = 0' && "
			    "mkdir -p etc/modprobe.d && printf 'options vfio-pci ids=8086:3e91 disable_vga=1\\n' > etc/modprobe.d/vfio.conf && "
			    "sqlite3 " DB " \"update tree set data = cast(cast(data as text) || 'onboot: 1' || char(10) || "
			    "'hostpci0: 0000:00:02.0' || char(10) as blob) where name='100.conf'\"";

static void test_fault_points(void **state)
{
	(void)state;
	struct machine_facts f = facts_cfl();
	struct broken b;
	open_broken(&b, "pve8-grub", combo, &f);
	char trace[] = "/tmp/igdkit-rtrace-XXXXXX";
	int fd = mkstemp(trace);
	assert_true(fd >= 0);
	close(fd);
	setenv("IGDKIT_FAULT_TRACE", trace, 1);
	fault_reset();
	char id[64];
	assert_int_equal(apply_fixes(&b, id), 0);
	unsetenv("IGDKIT_FAULT_TRACE");
	close_broken(&b);
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "cat '%s'", trace);
	char *s = sh_capture(cmd);
	unlink(trace);
	assert_non_null(strstr(s, "configdb.edit#1"));
	size_t n = 0;
	char *save = NULL;
	for (char *l = strtok_r(s, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		n++;
		for (int crash = 0; crash < 2; crash++) {
			open_broken(&b, "pve8-grub", combo, &f);
			char spec[128];
			snprintf(spec, sizeof(spec), "%s%s", l, crash ? ":crash" : "");
			pid_t pid = fork();
			assert_true(pid >= 0);
			if (pid == 0) {
				setenv("IGDKIT_FAULT", spec, 1);
				fault_reset();
				_exit(apply_fixes(&b, id) == 0 ? 0 : 1);
			}
			int st;
			assert_int_equal(waitpid(pid, &st, 0), pid);
			assert_true(WIFEXITED(st));
			if (crash) {
				if (WEXITSTATUS(st) != FAULT_CRASH_STATUS)
					fail_msg("%s: expected the crash exit, got %d", spec, WEXITSTATUS(st));
				struct manifest *m = calloc(1, sizeof(*m));
				struct diag d;
				diag_init(&d);
				int u = install_undo(b.root, NULL, m, &d);
				if (u < 0 && !strstr(diag_last(&d), "no igdkit install to undo"))
					fail_msg("%s: undo failed: %s", spec, diag_last(&d));
				diag_free(&d);
				free(m);
			} else if (WEXITSTATUS(st) != 1)
				fail_msg("%s: the injected failure did not fail the run", spec);
			char *after = tree_digest(b.root);
			if (strcmp(after, b.start) != 0)
				fail_msg("%s: tree differs after %s", spec, crash ? "crash + undo" : "rollback");
			free(after);
			close_broken(&b);
		}
	}
	assert_true(n >= 20);
	free(s);
}

static void test_configdb_fix_refuses_other_rows(void **state)
{
	(void)state;
	char *r = broken_root("pve9-grub", "sqlite3 " DB " 'update tree set version = 5 where inode = 0'");
	char p[4200];
	snprintf(p, sizeof(p), "%s/" DB, r);
	struct diag d;
	diag_init(&d);
	/* the plan was made on other rows: nothing is written */
	char *before = db_rows(r);
	assert_int_equal(configdb_fix_file(p, "0|0|1|0|0|8|__version__|NULL\n", NULL, NULL, &d), -1);
	assert_non_null(strstr(diag_last(&d), "changed since the plan"));
	char *after = db_rows(r);
	assert_string_equal(before, after);
	free(before);
	free(after);
	diag_free(&d);
	rm_tmpdir(r);
}

UNIT_MAIN(NULL, NULL, cmocka_unit_test(test_healthy_roots_have_no_findings), cmocka_unit_test(test_grub_cmdline_words),
	  cmocka_unit_test(test_sdboot_cmdline), cmocka_unit_test(test_kernel_cmdline_on_grub_host),
	  cmocka_unit_test(test_vfio_options), cmocka_unit_test(test_virqfd_on_new_kernels),
	  cmocka_unit_test(test_initramfs_stale), cmocka_unit_test(test_vm_config),
	  cmocka_unit_test(test_vm_args_per_qemu), cmocka_unit_test(test_romfile_missing_is_reported_only),
	  cmocka_unit_test(test_lxc_dri_with_i915_blacklisted),
	  cmocka_unit_test(test_grub_reassignment_is_not_a_repeat),
	  cmocka_unit_test(test_damaged_file_is_reported_not_rewritten),
	  cmocka_unit_test(test_symlinked_paths_are_not_followed), cmocka_unit_test(test_onboot_needs_an_igpu), cmocka_unit_test(test_vm_through_mapping),
	  cmocka_unit_test(test_cmdline_lists_are_read_word_by_word), cmocka_unit_test(test_db_version_low),
	  cmocka_unit_test(test_db_dir_with_data), cmocka_unit_test(test_db_orphan_and_duplicates),
	  cmocka_unit_test(test_db_unfixable_left_alone), cmocka_unit_test(test_db_problems_match_pmxcfs),
	  cmocka_unit_test(test_db_plan_scales), cmocka_unit_test(test_cluster_vm_fix_is_staged),
	  cmocka_unit_test(test_configdb_fix_refuses_other_rows), cmocka_unit_test(test_fault_points))
