/* tests for tools/install/target_dev.c: the parts that need no root and no disks */
#include "pvefixture.h"
#include "install/install.h"

/* ZFS on-disk format: label 0 = bytes 0..256K, uberblock ring = its second half; each
 * uberblock starts with ub_magic 0x00bab10c (little-endian on x86). */
static void test_zfs_member(void **state)
{
	(void)state;
	char *dir = make_tmpdir();
	char p[4200];
	snprintf(p, sizeof(p), "%s/vdev", dir);
	static unsigned char img[512 * 1024];
	memset(img, 0, sizeof(img));
	write_file(p, img, sizeof(img));
	assert_false(targetdev_is_zfs_member(p));
	/* the active uberblock in slot 5 (ashift 9/10: 1 KiB slots) */
	const unsigned char magic[8] = { 0x0c, 0xb1, 0xba, 0x00, 0, 0, 0, 0 };
	memcpy(img + 128 * 1024 + 5 * 1024, magic, 8);
	write_file(p, img, sizeof(img));
	assert_true(targetdev_is_zfs_member(p));
	/* the magic elsewhere (not on a slot boundary) is not a label */
	memset(img, 0, sizeof(img));
	memcpy(img + 128 * 1024 + 5 * 1024 + 8, magic, 8);
	write_file(p, img, sizeof(img));
	assert_false(targetdev_is_zfs_member(p));
	/* short files and missing devices are no member and no crash */
	write_file(p, img, 130 * 1024);
	assert_false(targetdev_is_zfs_member(p));
	write_file(p, img, 100);
	assert_false(targetdev_is_zfs_member(p));
	snprintf(p, sizeof(p), "%s/none", dir);
	assert_false(targetdev_is_zfs_member(p));
	rm_rf(dir);
	free(dir);
}

/* Without root, --target and the scan refuse clearly instead of half-working. */
static void test_needs_root(void **state)
{
	(void)state;
	struct diag d;
	diag_init(&d);
	assert_int_equal(targetdev_mount("not-a-uuid", "/tmp/x", false, &d), -1);
	assert_non_null(strstr(diag_last(&d), "is not an LVM VG UUID"));
	if (geteuid() != 0) {
		assert_int_equal(targetdev_mount("MtRb3z-1dzV-kjaK-wi5V-MZAM-uXay-VBCcGk", "/tmp/x", false, &d), -1);
		assert_non_null(strstr(diag_last(&d), "needs root"));
	}
	diag_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_zfs_member),
		cmocka_unit_test(test_needs_root),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
