/* tests for tools/host/efivars.c: SecureBoot/SetupMode and any variable of a fixture efivarfs,
 * several roots in one process */
#include "helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host/efivars.h"
#include "host/hostops.h"

static void put_var(const char *name, const uint8_t *v, size_t n)
{
	char p[700];
	uint8_t b[16] = { 6, 0, 0, 0 };
	memcpy(b + 4, v, n);
	snprintf(p, sizeof(p), "%s/sys/firmware/efi/efivars/%s-8be4df61-93ca-11d2-aa0d-00e098032b8c", unit_dir, name);
	write_file(p, b, 4 + n);
}

static void del_var(const char *name)
{
	char p[700];
	snprintf(p, sizeof(p), "%s/sys/firmware/efi/efivars/%s-8be4df61-93ca-11d2-aa0d-00e098032b8c", unit_dir, name);
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

static void read_state(const char *r, struct efi_secure_state *s)
{
	struct host h;
	host_open(&h, r);
	efivars_read_secure_state(&h, s);
}

static void test_secure_boot_states(void **state)
{
	(void)state;
	struct efi_secure_state s;
	put_var("SecureBoot", (const uint8_t[]){ 1 }, 1);
	put_var("SetupMode", (const uint8_t[]){ 0 }, 1);
	read_state(unit_dir, &s);
	assert_int_equal(s.secure_boot, TRI_YES);
	assert_int_equal(s.setup_mode, TRI_NO);

	put_var("SecureBoot", (const uint8_t[]){ 0 }, 1);
	put_var("SetupMode", (const uint8_t[]){ 1 }, 1);
	read_state(unit_dir, &s);
	assert_int_equal(s.secure_boot, TRI_NO);
	assert_int_equal(s.setup_mode, TRI_YES);

	del_var("SecureBoot");
	read_state(unit_dir, &s);
	assert_int_equal(s.secure_boot, TRI_UNKNOWN);
	assert_non_null(strstr(s.why, "SecureBoot"));

	/* a root without efivarfs: refused, with the reason */
	read_state("/somewhere/else", &s);
	assert_int_equal(s.secure_boot, TRI_UNKNOWN);
	assert_non_null(strstr(s.why, "/somewhere/else/sys/firmware/efi/efivars/ does not exist"));
	/* a second root in the same process reads its own variables (no re-exec, no environment) */
	char *other = make_tmpdir(), p[700];
	const char *sub[] = { "/sys", "/sys/firmware", "/sys/firmware/efi", "/sys/firmware/efi/efivars" };
	for (int i = 0; i < 4; i++) {
		snprintf(p, sizeof(p), "%s%s", other, sub[i]);
		mkdir(p, 0755);
	}
	read_state(other, &s);
	assert_int_equal(s.secure_boot, TRI_UNKNOWN);
	assert_non_null(strstr(s.why, "SecureBoot variable not present"));
	snprintf(p, sizeof(p), "%s/sys/firmware/efi/efivars/SecureBoot-" EFI_GLOBAL_VARIABLE_GUID, other);
	write_file(p, (const uint8_t[]){ 6, 0, 0, 0, 1 }, 5);
	read_state(other, &s);
	assert_int_equal(s.secure_boot, TRI_YES);
	read_state(unit_dir, &s);
	assert_int_equal(s.secure_boot, TRI_UNKNOWN);	/* still deleted in the first root */
	rm_tmpdir(other);
}

/* efivar_read: attributes split from the data; truncated files and empty ones */
static void test_read_any_variable(void **state)
{
	(void)state;
	struct host h;
	host_open(&h, unit_dir);
	char p[700], why[256];
	uint8_t *data;
	size_t len;
	uint32_t attr;
	snprintf(p, sizeof(p), "%s/sys/firmware/efi/efivars/Setup-ec87d643-eba4-4bb5-a1e5-3f3e36b20da9", unit_dir);
	write_file(p, (const uint8_t[]){ 7, 0, 0, 0, 0x11, 0x22, 0x33 }, 7);
	assert_int_equal(efivar_read(&h, "Setup", "ec87d643-eba4-4bb5-a1e5-3f3e36b20da9", &data, &len, &attr, why, sizeof(why)), 1);
	assert_int_equal(attr, 7);
	assert_int_equal(len, 3);
	assert_memory_equal(data, ((const uint8_t[]){ 0x11, 0x22, 0x33 }), 3);
	free(data);
	write_file(p, (const uint8_t[]){ 7, 0 }, 2);
	assert_int_equal(efivar_read(&h, "Setup", "ec87d643-eba4-4bb5-a1e5-3f3e36b20da9", &data, &len, &attr, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "need 4 bytes of attributes"));
	assert_null(data);
	assert_int_equal(efivar_read(&h, "Absent", "ec87d643-eba4-4bb5-a1e5-3f3e36b20da9", &data, &len, &attr, why, sizeof(why)), 0);
	assert_string_equal(why, "Absent variable not present");
	unlink(p);
}

/* one root for all tests: an empty efivarfs */
static int setup(void **state)
{
	unit_dir_setup(state);
	char p[600];
	const char *sub[] = { "/sys", "/sys/firmware", "/sys/firmware/efi", "/sys/firmware/efi/efivars" };
	for (int i = 0; i < 4; i++) {
		snprintf(p, sizeof(p), "%s%s", unit_dir, sub[i]);
		mkdir(p, 0755);
	}
	return 0;
}

UNIT_MAIN(setup, unit_dir_teardown, cmocka_unit_test(test_dir_for_root), cmocka_unit_test(test_secure_boot_states),
	  cmocka_unit_test(test_read_any_variable))
