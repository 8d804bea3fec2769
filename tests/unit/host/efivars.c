/* tests for tools/host/efivars.c: SecureBoot/SetupMode through libefivar on a fixture efivarfs
 *
 * libefivar picks its path in a constructor, so main() re-executes this test
 * with EFIVARFS_PATH set, exactly as `igdkit check --root` does for itself.
 */
#include "helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host/efivars.h"

static char *root;

static void put_var(const char *name, const uint8_t *v, size_t n)
{
	char p[700];
	uint8_t b[16] = { 6, 0, 0, 0 };
	memcpy(b + 4, v, n);
	snprintf(p, sizeof(p), "%s/sys/firmware/efi/efivars/%s-8be4df61-93ca-11d2-aa0d-00e098032b8c", root, name);
	write_file(p, b, 4 + n);
}

static void del_var(const char *name)
{
	char p[700];
	snprintf(p, sizeof(p), "%s/sys/firmware/efi/efivars/%s-8be4df61-93ca-11d2-aa0d-00e098032b8c", root, name);
	unlink(p);
}

static void test_dir_for_root(void **state)
{
	(void)state;
	char b[256];
	assert_int_equal(efivars_dir_for_root("/", b, sizeof(b)), 0);
	assert_string_equal(b, "/sys/firmware/efi/efivars/");
	assert_int_equal(efivars_dir_for_root("/tmp/x/", b, sizeof(b)), 0);
	assert_string_equal(b, "/tmp/x/sys/firmware/efi/efivars/");
	assert_int_equal(efivars_dir_for_root("/tmp/x", b, 8), -1);
}

static void test_secure_boot_states(void **state)
{
	(void)state;
	struct efi_secure_state s;
	put_var("SecureBoot", (const uint8_t[]){ 1 }, 1);
	put_var("SetupMode", (const uint8_t[]){ 0 }, 1);
	efivars_read_secure_state(root, &s);
	assert_int_equal(s.secure_boot, TRI_YES);
	assert_int_equal(s.setup_mode, TRI_NO);

	put_var("SecureBoot", (const uint8_t[]){ 0 }, 1);
	put_var("SetupMode", (const uint8_t[]){ 1 }, 1);
	efivars_read_secure_state(root, &s);
	assert_int_equal(s.secure_boot, TRI_NO);
	assert_int_equal(s.setup_mode, TRI_YES);

	del_var("SecureBoot");
	efivars_read_secure_state(root, &s);
	assert_int_equal(s.secure_boot, TRI_UNKNOWN);
	assert_non_null(strstr(s.why, "SecureBoot"));

	/* another root than the one libefivar was started with: refused, with the reason */
	efivars_read_secure_state("/somewhere/else", &s);
	assert_int_equal(s.secure_boot, TRI_UNKNOWN);
	assert_non_null(strstr(s.why, "/somewhere/else/sys/firmware/efi/efivars/ does not exist"));
	char *other = make_tmpdir(), p[700], want[800];
	const char *sub[] = { "/sys", "/sys/firmware", "/sys/firmware/efi", "/sys/firmware/efi/efivars" };
	for (int i = 0; i < 4; i++) {
		snprintf(p, sizeof(p), "%s%s", other, sub[i]);
		mkdir(p, 0755);
	}
	efivars_read_secure_state(other, &s);
	assert_int_equal(s.secure_boot, TRI_UNKNOWN);
	snprintf(want, sizeof(want), "not started with EFIVARFS_PATH=%s/sys/firmware/efi/efivars/", other);
	assert_non_null(strstr(s.why, want));
	rm_rf(other);
	free(other);
	/* nothing to re-exec for the live root or a root without efivars */
	assert_int_equal(efivars_reexec_for_root("/"), 0);
	assert_int_equal(efivars_reexec_for_root("/nonexistent"), 0);
	assert_int_equal(efivars_reexec_for_root(root), 0);	/* already set */
}

int main(int argc, char **argv)
{
	(void)argc;
	if (!getenv("IGDKIT_TEST_EFI_ROOT")) {
		char *t = make_tmpdir();
		char p[600];
		const char *sub[] = { "/sys", "/sys/firmware", "/sys/firmware/efi", "/sys/firmware/efi/efivars" };
		for (int i = 0; i < 4; i++) {
			snprintf(p, sizeof(p), "%s%s", t, sub[i]);
			mkdir(p, 0755);
		}
		setenv("IGDKIT_TEST_EFI_ROOT", t, 1);
		snprintf(p, sizeof(p), "%s/sys/firmware/efi/efivars/", t);
		setenv("EFIVARFS_PATH", p, 1);
		setenv("LIBEFIVAR_OPS", "efivarfs", 1);
		execv("/proc/self/exe", argv);
		return 1;
	}
	root = getenv("IGDKIT_TEST_EFI_ROOT");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dir_for_root),
		cmocka_unit_test(test_secure_boot_states),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	rm_rf(root);
	return rc;
}
