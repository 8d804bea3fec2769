/* tests for tools/install/install.c: the command line end to end on a PVE 8 fixture root
 * (machine facts from the same --root plus a real lspci dump, as `igdkit check` reads them) */
#include "pvefixture.h"
#include "igdkit.h"

static const char *dump_snb(void)
{
	return fixture_path("hw/snb-gigabyte-h61m-ds2/pci-host-igd.dump");
}

static void assert_file_has(const char *root)
{
	char *s = read_text_file(root, "etc/modprobe.d/igdkit-vfio.conf");
	assert_non_null(s);
	assert_string_equal(s, "# Written by igdkit: hand the iGPU (8086:0102, Sandy Bridge) to vfio-pci before i915 can bind it.\n"
			       "options vfio-pci ids=8086:0102\nsoftdep i915 pre: vfio-pci\n");
	free(s);
}

/* Skips (with the reason) when this build has no facts collector yet. */
static int run(char **out, char **err, const char *const *argv)
{
	int rc = run_igdkit(out, err, argv);
	if (rc == EXIT_INTERNAL && strstr(*err, "no machine-facts collector"))
		skip();
	return rc;
}

static void test_dry_run_then_write_then_undo(void **state)
{
	(void)state;
	char *root = pve_root("pve8-grub");
	char *before = tree_digest(root);
	const char *rom = fixture_path("vbios-legacy/snb-0102-vbios.rom");
	char *out, *err;

	/* dry run: the diff, nothing written */
	int rc = run(&out, &err, (const char *const[]){ "install", "--root", root, "--pci-dump", dump_snb(), "--vmid", "100", "--rom",
							rom, NULL });
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "+++ b/etc/modprobe.d/igdkit-vfio.conf\n@@ -0,0 +1,3 @@\n"));
	assert_non_null(strstr(out, "+options vfio-pci ids=8086:0102\n"));
	assert_non_null(strstr(out, "--- a/etc/pve/nodes/pve/qemu-server/100.conf\n+++ b/etc/pve/nodes/pve/qemu-server/100.conf\n"));
	assert_non_null(strstr(out, "+hostpci0: 0000:00:02.0,legacy-igd=1,romfile=igd-sandy-bridge-8086-0102-vbios.rom\n"));
	assert_non_null(strstr(out, "Dry run: nothing was written."));
	char *mid = tree_digest(root);
	assert_string_equal(mid, before);
	free(mid);
	run_igdkit_free(out, err);

	/* --yes --no-rebuild: written, says what still has to run; the manifest is copied to the stick */
	char stick[4200];
	snprintf(stick, sizeof(stick), "%s/stick", root);
	sh("mkdir -p '%s'", stick);
	setenv("IGDKIT_STICK", stick, 1);
	rc = run(&out, &err, (const char *const[]){ "install", "--root", root, "--pci-dump", dump_snb(), "--vmid", "100", "--rom", rom,
						    "--yes", "--no-rebuild", NULL });
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "Written; backup and manifest in /var/lib/igdkit/backup/"));
	assert_non_null(strstr(out, "Still to run (--no-rebuild): chroot "));
	assert_non_null(strstr(out, " update-initramfs -u -k all; chroot "));
	assert_non_null(strstr(out, " update-grub\n"));
	assert_file_has(root);
	unsetenv("IGDKIT_STICK");
	char *cp = sh_capture("true");
	free(cp);
	char cmd[9000];
	snprintf(cmd, sizeof(cmd), "cd '%s' && for m in stick/logs/install-*.manifest; do cmp \"$m\" var/lib/igdkit/backup/$(basename \"$m\" .manifest | sed s/^install-//)/manifest && echo same; done", root);
	cp = sh_capture(cmd);
	assert_string_equal(cp, "same\n");
	free(cp);
	sh("rm -r '%s'", stick);
	run_igdkit_free(out, err);

	/* second run: nothing to change */
	rc = run(&out, &err, (const char *const[]){ "install", "--root", root, "--pci-dump", dump_snb(), "--vmid", "100", "--rom", rom,
						    "--yes", "--no-rebuild", NULL });
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "Nothing to change"));
	run_igdkit_free(out, err);

	/* --list, --json */
	assert_int_equal(run_igdkit(&out, &err, (const char *const[]){ "install", "--root", root, "--list", NULL }), 0);
	assert_non_null(strstr(out, " applied "));
	assert_non_null(strstr(out, "    /etc/modprobe.d/igdkit-vfio.conf (new)\n"));
	run_igdkit_free(out, err);

	/* --undo with the rebuild through the fixture's recording doubles */
	setenv("IGDKIT_REBUILD_NO_CHROOT", "1", 1);
	assert_int_equal(run_igdkit(&out, &err, (const char *const[]){ "install", "--root", root, "--undo", NULL }), 0);
	unsetenv("IGDKIT_REBUILD_NO_CHROOT");
	assert_non_null(strstr(out, "every file is back as it was"));
	run_igdkit_free(out, err);
	char *log = read_text_file(root, "var/log/igdkit-test-rebuild.log");
	assert_non_null(log);
	assert_string_equal(log, "update-initramfs -u -k all\nupdate-grub\n");
	free(log);
	sh("rm '%s/var/log/igdkit-test-rebuild.log'", root);
	char *after = tree_digest(root);
	assert_string_equal(after, before);
	free(after);
	free(before);
	rm_tmpdir(root);
}

static void test_json_and_errors(void **state)
{
	(void)state;
	char *root = pve_root("pve8-grub");
	const char *rom = fixture_path("vbios-legacy/snb-0102-vbios.rom");
	char *out, *err;
	int rc = run(&out, &err, (const char *const[]){ "install", "--root", root, "--pci-dump", dump_snb(), "--vmid", "100", "--rom",
							rom, "--json", NULL });
	assert_int_equal(rc, 0);
	char tmp[4200];
	snprintf(tmp, sizeof(tmp), "%s/out.json", root);
	write_file(tmp, out, strlen(out));
	assert_sh_prints("9.0.0-6 5 False\n", "python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); "
			 "print(d[\"target\"][\"pve_qemu_kvm\"], len(d[\"plan\"][\"changes\"]), d[\"written\"])' '%s'", tmp);
	unlink(tmp);
	run_igdkit_free(out, err);

	/* unknown VM: clear error, exit 3, nothing written */
	char *before = tree_digest(root);
	rc = run(&out, &err, (const char *const[]){ "install", "--root", root, "--pci-dump", dump_snb(), "--vmid", "555", "--rom", rom,
						    "--yes", NULL });
	assert_int_equal(rc, EXIT_INPUT);
	assert_non_null(strstr(err, "VM 555 does not exist"));
	char *after = tree_digest(root);
	assert_string_equal(after, before);
	free(after);
	free(before);
	run_igdkit_free(out, err);

	/* usage errors */
	assert_int_equal(run_igdkit(NULL, &err, (const char *const[]){ "install", "--vmid", "7", NULL }), EXIT_USAGE);
	assert_non_null(strstr(err, "100..999999999"));
	free(err);
	assert_int_equal(run_igdkit_status((const char *const[]){ "install", "--rom", "a", "--firmware", "b", NULL }), EXIT_USAGE);
	/* not a PVE root */
	char *empty = make_tmpdir();
	assert_int_equal(run_igdkit(NULL, &err, (const char *const[]){ "install", "--root", empty, NULL }), EXIT_INPUT);
	assert_non_null(strstr(err, "not a Proxmox VE root"));
	free(err);
	rm_tmpdir(empty);
	rm_tmpdir(root);
}

/* --firmware: the ROM is made from a firmware image the way `igdkit rom make` does. The machine is
 * the SNB dump with 00:02.0's device id changed to 8086:9bc8 (Comet Lake) to match the GOP in the
 * OVMF image; PVE 9.0 (QEMU 10.0) knows CML: UEFI route, no args. */
static void test_firmware_option(void **state)
{
	(void)state;
	char *root = pve_root("pve9-grub");
	char dump[4200];
	snprintf(dump, sizeof(dump), "%s/cml.dump", root);
	sh("sed '/^00:02.0 /,/^00: /s/^00: 86 80 02 01/00: 86 80 c8 9b/' '%s' > '%s'", dump_snb(), dump);
	char *txt = read_text_file(root, "cml.dump");
	assert_non_null(strstr(txt, "00: 86 80 c8 9b"));
	free(txt);
	char *out, *err;
	int rc = run(&out, &err, (const char *const[]){ "install", "--root", root, "--pci-dump", dump, "--vmid", "100", "--firmware",
							fixture_path("ovmf-gop-cml/OVMF_CODE.fd"), NULL });
	if (rc != 0)
		fail_msg("rc %d: %s", rc, err);
	assert_non_null(strstr(out, "VM 100: UEFI: OVMF, pc-i440fx-7.1, hostpci0 at guest 00:02.0 (legacy-igd=1), ROM igd-comet-lake-8086-9bc8-efi.rom\n"));
	assert_non_null(strstr(out, "Binary /usr/share/kvm/igd-comet-lake-8086-9bc8-efi.rom: new file, "));
	assert_non_null(strstr(out, "+bios: ovmf\n"));
	assert_null(strstr(out, "+args:"));
	run_igdkit_free(out, err);
	rm_tmpdir(root);
}

/* On a live host (/etc/pve mounted, see pve_make_live) the command says so, the VM's diff is
 * against the file in /etc/pve, --yes writes it there and leaves config.db's bytes alone. */
static void test_live_host(void **state)
{
	(void)state;
	char *root = pve_root("pve8-grub");
	char cmd[4400];
	snprintf(cmd, sizeof(cmd), "sqlite3 '%s/var/lib/pve-cluster/config.db' \"select data from tree where name='100.conf'\"", root);
	char *conf = sh_capture(cmd);	/* sqlite3 prints the text and one newline */
	conf[strlen(conf) - 1] = 0;
	pve_make_live(root, conf, "", true);
	snprintf(cmd, sizeof(cmd), "sha256sum < '%s/var/lib/pve-cluster/config.db'", root);
	char *db_before = sh_capture(cmd);
	const char *rom = fixture_path("vbios-legacy/snb-0102-vbios.rom");
	char *out, *err;
	int rc = run(&out, &err, (const char *const[]){ "install", "--root", root, "--pci-dump", dump_snb(), "--vmid", "100", "--rom",
							rom, NULL });
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "  live host: /etc/pve is pmxcfs's mount"));
	assert_non_null(strstr(out, "  boot: GRUB (/etc/default/grub); kernels: "));
	assert_non_null(strstr(out, "--- a/etc/pve/nodes/pve/qemu-server/100.conf\n+++ b/etc/pve/nodes/pve/qemu-server/100.conf\n"));
	run_igdkit_free(out, err);
	rc = run(&out, &err, (const char *const[]){ "install", "--root", root, "--pci-dump", dump_snb(), "--vmid", "100", "--rom", rom,
						    "--yes", "--no-rebuild", "--json", NULL });
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "\"etc_pve_mounted\": true"));
	run_igdkit_free(out, err);
	char *now = read_text_file(root, "etc/pve/nodes/pve/qemu-server/100.conf");
	assert_non_null(strstr(now, "\nhostpci0: 0000:00:02.0,legacy-igd=1,romfile=igd-sandy-bridge-8086-0102-vbios.rom\n"));
	assert_non_null(strstr(now, "\nvga: none\n"));
	free(now);
	char *db_after = sh_capture(cmd);
	assert_string_equal(db_after, db_before);
	free(db_after);
	free(db_before);
	free(conf);
	rm_tmpdir(root);
}

UNIT_MAIN(NULL, NULL, cmocka_unit_test(test_dry_run_then_write_then_undo), cmocka_unit_test(test_json_and_errors),
	  cmocka_unit_test(test_firmware_option), cmocka_unit_test(test_live_host))
