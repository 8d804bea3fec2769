/* tests for tools/main.c and tools/cmd.c: the command table, options, exit codes */
#include "helpers.h"
#include "igdkit.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void test_version(void **state)
{
	(void)state;
	char *out, *err;
	assert_int_equal(run_igdkit(&out, &err, (const char *const[]){ "--version", NULL }), 0);
	assert_string_equal(out, "igdkit " IGDKIT_VERSION "\n");
	run_igdkit_free(out, err);
}

static void test_help_lists_every_command(void **state)
{
	(void)state;
	char *out, *err;
	assert_int_equal(run_igdkit(&out, &err, (const char *const[]){ "--help", NULL }), 0);
	for (size_t i = 0; i < igdkit_ncmds; i++) {
		char want[64];
		snprintf(want, sizeof(want), "\n  %-9s ", igdkit_cmds[i].name);
		assert_non_null(strstr(out, want));
	}
	run_igdkit_free(out, err);
}

static void test_every_command_has_help(void **state)
{
	(void)state;
	for (size_t i = 0; i < igdkit_ncmds; i++) {
		char *out, *err;
		int rc = run_igdkit(&out, &err, (const char *const[]){ igdkit_cmds[i].name, "--help", NULL });
		assert_int_equal(rc, 0);
		assert_non_null(strstr(out, "usage: igdkit "));
		assert_non_null(strstr(out, igdkit_cmds[i].name));
		assert_non_null(strstr(out, "--json"));
		run_igdkit_free(out, err);
		/* "igdkit help CMD" is the same text */
		char *out2;
		assert_int_equal(run_igdkit(&out2, NULL, (const char *const[]){ "help", igdkit_cmds[i].name, NULL }), 0);
		assert_non_null(strstr(out2, "usage: igdkit "));
		free(out2);
	}
}

static void test_usage_errors(void **state)
{
	(void)state;
	char *err;
	assert_int_equal(run_igdkit(NULL, &err, (const char *const[]){ "frobnicate", NULL }), EXIT_USAGE);
	assert_non_null(strstr(err, "'frobnicate' is not an igdkit command"));
	free(err);
	assert_int_equal(run_igdkit_status((const char *const[]){ NULL }), EXIT_USAGE);
	assert_int_equal(run_igdkit(NULL, &err, (const char *const[]){ "repair", "--bogus", NULL }), EXIT_USAGE);
	assert_non_null(strstr(err, "igdkit repair: unknown option '--bogus'"));
	free(err);
}

static void test_argfile(void **state)
{
	(void)state;
	char *dir = make_tmpdir();
	char path[512], arg[520];
	snprintf(path, sizeof(path), "%s/autorun", dir);
	write_file(path, "'--version'\n", 12);
	snprintf(arg, sizeof(arg), "@%s", path);
	char *out;
	assert_int_equal(run_igdkit(&out, NULL, (const char *const[]){ arg, NULL }), 0);
	assert_string_equal(out, "igdkit " IGDKIT_VERSION "\n");
	free(out);
	write_file(path, "check 'unterminated", 19);
	char *err;
	assert_int_equal(run_igdkit(NULL, &err, (const char *const[]){ arg, NULL }), EXIT_USAGE);
	assert_non_null(strstr(err, "unterminated single quote"));
	free(err);
	rm_tmpdir(dir);
}

/* rom flash, rom vbios and check --boot-to-setup refuse what they cannot do before touching anything; their
 * real work is asserted inside QEMU guests (tests/boot: SeaBIOS's shadow, OVMF's OsIndications). */
static void test_machine_firmware_commands_refuse_cleanly(void **state)
{
	(void)state;
	char *err;
	assert_int_equal(run_igdkit(NULL, &err, (const char *const[]){ "rom", "flash", NULL }), EXIT_USAGE);
	assert_non_null(strstr(err, "-o FILE"));
	free(err);
	assert_int_equal(run_igdkit(NULL, &err, (const char *const[]){ "rom", "vbios", NULL }), EXIT_USAGE);
	assert_non_null(strstr(err, "-o FILE"));
	free(err);
	assert_int_equal(run_igdkit(NULL, &err, (const char *const[]){ "rom", "vbios", "-o", "/dev/null", "--bdf", "00:02.0", NULL }),
			 EXIT_USAGE);
	assert_non_null(strstr(err, "expected a PCI address like 0000:00:02.0"));
	free(err);
	assert_int_equal(run_igdkit(NULL, &err, (const char *const[]){ "rom", "vbios", "-o", "/dev/null", "--bdf", "0000:ff:1f.7", NULL }),
			 EXIT_INPUT);
	assert_non_null(strstr(err, "0000:ff:1f.7 has no ROM attribute"));
	free(err);
	char *root = make_tmpdir();
	assert_int_equal(run_igdkit(NULL, &err, (const char *const[]){ "check", "--root", root, "--pci-dump",
								   fixture_path("hw/snb-gigabyte-h61m-ds2/pci-host-igd.dump"),
								   "--boot-to-setup", NULL }),
			 EXIT_USAGE);
	assert_non_null(strstr(err, "--boot-to-setup asks this machine's firmware: not with --root"));
	free(err);
	rm_tmpdir(root);
}

static void test_man_page_names_every_command_and_exit_code(void **state)
{
	(void)state;
	struct file_buf fb;
	char e[256];
	assert_int_equal(file_read("man/igdkit.1.in", 1 << 20, &fb, e, sizeof(e)), 0);
	char *man = calloc(1, fb.len + 1);
	memcpy(man, fb.data, fb.len);
	for (size_t i = 0; i < igdkit_ncmds; i++) {
		char want[64];
		snprintf(want, sizeof(want), ".B igdkit %s", igdkit_cmds[i].name);
		if (!strstr(man, want))
			fail_msg("man page lacks synopsis for '%s'", igdkit_cmds[i].name);
	}
	for (int code = EXIT_OK; code <= EXIT_INTERNAL; code++) {
		char want[32];
		snprintf(want, sizeof(want), "\n.B %d\n", code);
		if (!strstr(man, want))
			fail_msg("man page lacks exit status %d", code);
	}
	free(man);
	file_buf_free(&fb);
}

UNIT_MAIN(NULL, NULL, cmocka_unit_test(test_version), cmocka_unit_test(test_help_lists_every_command),
	  cmocka_unit_test(test_every_command_has_help), cmocka_unit_test(test_usage_errors),
	  cmocka_unit_test(test_argfile), cmocka_unit_test(test_machine_firmware_commands_refuse_cleanly),
	  cmocka_unit_test(test_man_page_names_every_command_and_exit_code))
