/* tests for tools/repair/repair.c: the command's exit codes, dry run, --yes, --json */
#include "pvefixture.h"
#include "lib/cli.h"

static const char *dump_snb(void)
{
	return fixture_path("hw/snb-gigabyte-h61m-ds2/pci-host-igd.dump");
}

static void test_exit_codes_and_json(void **state)
{
	(void)state;
	char *out, *err;
	/* healthy: 0 */
	char *ok = pve_root("pve9-grub");
	assert_int_equal(run_igdkit(&out, &err, (const char *const[]){ "repair", "--root", ok, "--pci-dump", dump_snb(), NULL }), EXIT_OK);
	assert_non_null(strstr(out, "Nothing wrong found."));
	run_igdkit_free(out, err);
	/* pve8-grub lists vfio_virqfd with 6.x kernels: dry run 1, the diff, nothing written */
	char *r = pve_root("pve8-grub");
	char *start = tree_digest(r);
	assert_int_equal(run_igdkit(&out, &err, (const char *const[]){ "repair", "--root", r, "--pci-dump", dump_snb(), NULL }), EXIT_FINDINGS);
	assert_non_null(strstr(out, "fix  [modules-virqfd]"));
	assert_non_null(strstr(out, "--- a/etc/modules\n+++ b/etc/modules\n"));
	assert_non_null(strstr(out, "-vfio_virqfd\n"));
	run_igdkit_free(out, err);
	char *now = tree_digest(r);
	assert_string_equal(now, start);
	free(now);
	assert_int_equal(run_igdkit(&out, &err, (const char *const[]){ "repair", "--root", r, "--pci-dump", dump_snb(), "--json", NULL }),
			 EXIT_FINDINGS);
	assert_non_null(strstr(out, "\"id\": \"modules-virqfd\""));
	assert_non_null(strstr(out, "\"written\": false"));
	run_igdkit_free(out, err);
	/* --yes: written (1: fixes made), then nothing wrong (0), and install --undo takes it back */
	setenv("IGDKIT_REBUILD_NO_CHROOT", "1", 1);
	assert_int_equal(run_igdkit(&out, &err, (const char *const[]){ "repair", "--root", r, "--pci-dump", dump_snb(), "--yes", NULL }),
			 EXIT_FINDINGS);
	assert_non_null(strstr(out, "Written; backup and manifest in /var/lib/igdkit/backup/"));
	run_igdkit_free(out, err);
	char *log = read_text_file(r, "var/log/igdkit-test-rebuild.log");
	assert_string_equal(log, "update-initramfs -u -k all\n");
	free(log);
	assert_int_equal(run_igdkit(&out, &err, (const char *const[]){ "repair", "--root", r, "--pci-dump", dump_snb(), NULL }), EXIT_OK);
	assert_non_null(strstr(out, "note [earlier-run]"));
	run_igdkit_free(out, err);
	assert_int_equal(run_igdkit(&out, &err, (const char *const[]){ "install", "--undo", "--root", r, "--no-rebuild", NULL }), EXIT_OK);
	run_igdkit_free(out, err);
	/* the rebuild's record is not part of the run: the undo leaves it */
	char logpath[4200];
	snprintf(logpath, sizeof(logpath), "%s/var/log/igdkit-test-rebuild.log", r);
	assert_int_equal(unlink(logpath), 0);
	now = tree_digest(r);
	assert_string_equal(now, start);
	free(now);
	unsetenv("IGDKIT_REBUILD_NO_CHROOT");
	/* not a PVE root: 3; usage: 2 */
	assert_int_equal(run_igdkit(&out, &err, (const char *const[]){ "repair", "--root", "/nonexistent-igdkit", NULL }), EXIT_INPUT);
	run_igdkit_free(out, err);
	assert_int_equal(run_igdkit(&out, &err, (const char *const[]){ "repair", "--root", r, "extra", NULL }), EXIT_USAGE);
	run_igdkit_free(out, err);
	free(start);
	rm_rf(r);
	rm_rf(ok);
	free(r);
	free(ok);
}

UNIT_MAIN(NULL, NULL, cmocka_unit_test(test_exit_codes_and_json))
