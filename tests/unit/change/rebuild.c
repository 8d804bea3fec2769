/* tests for tools/change/rebuild.c: the commands, the test-only no-chroot mode, the firmware-mode trap */
#include "pvefixture.h"
#include "pve/target.h"
#include "pve/target_dev.h"
#include "plan/changes.h"
#include "rom/fit.h"
#include "change/diff.h"
#include "change/manifest.h"
#include "change/apply.h"
#include "change/rebuild.h"

static void test_describe(void **state)
{
	(void)state;
	char buf[600];
	struct rebuild_req r = { true, true, false };
	rebuild_describe("/mnt/pve", &r, buf, sizeof(buf));
	assert_string_equal(buf, "chroot /mnt/pve update-initramfs -u -k all; chroot /mnt/pve update-grub");
	r = (struct rebuild_req){ true, false, true };
	rebuild_describe("/", &r, buf, sizeof(buf));
	assert_string_equal(buf, "update-initramfs -u -k all; proxmox-boot-tool refresh");
	r = (struct rebuild_req){ false, false, false };
	rebuild_describe("/", &r, buf, sizeof(buf));
	assert_string_equal(buf, "");
}

static void test_runs_target_commands(void **state)
{
	(void)state;
	char *root = pve_root("pve8-zfs-sdboot");
	struct diag d;
	diag_init(&d);
	setenv("IGDKIT_REBUILD_NO_CHROOT", "1", 1);
	struct rebuild_req r = { true, false, true };
	assert_int_equal(rebuild_run(root, &r, &d), 0);
	char *log = read_text_file(root, "var/log/igdkit-test-rebuild.log");
	assert_string_equal(log, "update-initramfs -u -k all\nproxmox-boot-tool refresh\n");
	free(log);
	/* a failing command is an error naming it */
	sh("printf '#!/bin/sh\\nexit 3\\n' > '%s/usr/sbin/update-initramfs'", root);
	assert_int_equal(rebuild_run(root, &r, &d), -1);
	assert_non_null(strstr(diag_last(&d), "update-initramfs -u failed (exit status 3)"));
	/* a missing one too */
	sh("rm '%s/usr/sbin/update-initramfs'", root);
	assert_int_equal(rebuild_run(root, &r, &d), -1);
	assert_non_null(strstr(diag_last(&d), "/usr/sbin/update-initramfs: not found in the target"));
	unsetenv("IGDKIT_REBUILD_NO_CHROOT");
	diag_free(&d);
	rm_tmpdir(root);
}

static void test_firmware_trap(void **state)
{
	(void)state;
	char *root = pve_root("pve8-zfs-sdboot");	/* systemd-boot: the host boots UEFI */
	struct pve_target t;
	struct diag d;
	diag_init(&d);
	assert_int_equal(target_probe(root, &t, &d), 0);
	struct machine_facts f = facts_cfl();
	f.uefi_boot = TRI_NO;	/* the stick came up in legacy BIOS mode */
	assert_int_equal(rebuild_firmware_trap(&t, &f, &d), 1);
	assert_non_null(strstr(d.v[d.n - 1].msg, "this stick booted in BIOS mode but the host boots UEFI"));
	f.uefi_boot = TRI_YES;
	size_t n = d.n;
	assert_int_equal(rebuild_firmware_trap(&t, &f, &d), 0);
	assert_int_equal(d.n, n);
	target_free(&t);
	rm_tmpdir(root);
	/* plain GRUB: update-grub does not care how the stick booted */
	root = pve_root("pve8-grub");
	assert_int_equal(target_probe(root, &t, &d), 0);
	f.uefi_boot = TRI_NO;
	assert_int_equal(rebuild_firmware_trap(&t, &f, &d), 0);
	target_free(&t);
	diag_free(&d);
	rm_tmpdir(root);
}

UNIT_MAIN(NULL, NULL, cmocka_unit_test(test_describe), cmocka_unit_test(test_runs_target_commands),
	  cmocka_unit_test(test_firmware_trap))
