/* tests for tools/host/tree.c: the --root backend on a hand-made tree */
#include "helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host/hostops.h"

static void test_tree_backend(void **state)
{
	(void)state;
	char *dir = make_tmpdir();
	char p[600], q[600];
	/* drivers/b is made before drivers/a: list_dir must sort */
	static const char *const dirs[] = { "proc", "dev", "dev/cpu", "dev/cpu/0", "drivers", "drivers/b", "drivers/a" };
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, dirs[i]);
		assert_int_equal(mkdir(p, 0755), 0);
	}
	snprintf(p, sizeof(p), "%s/proc/cmdline", dir);
	write_file(p, "ro quiet\n\n", 10);
	uint8_t msr[0x3a + 8] = { 0 };
	msr[0x3a] = 0x05;
	msr[0x3a + 7] = 0x80;
	snprintf(p, sizeof(p), "%s/dev/cpu/0/msr", dir);
	write_file(p, msr, sizeof(msr));
	uint8_t cpuid[17] = { 0 };
	cpuid[1 + 8] = 0x20;
	snprintf(p, sizeof(p), "%s/dev/cpu/0/cpuid", dir);
	write_file(p, cpuid, sizeof(cpuid));
	snprintf(p, sizeof(p), "%s/driver", dir);
	snprintf(q, sizeof(q), "../x/bus/pci/drivers/vfio-pci");
	assert_int_equal(symlink(q, p), 0);

	struct host h;
	char root_slash[600];
	snprintf(root_slash, sizeof(root_slash), "%s/", dir);
	host_open(&h, root_slash);
	assert_false(host_is_live(&h));
	assert_string_equal(h.ops->name, "tree");
	char buf[64], err[256];
	assert_int_equal(host_read_text(&h, "/proc/cmdline", buf, sizeof(buf), err, sizeof(err)), 0);
	assert_string_equal(buf, "ro quiet");
	assert_int_equal(host_read_text(&h, "/proc/nothing", buf, sizeof(buf), err, sizeof(err)), -1);
	assert_non_null(strstr(err, "/proc/nothing"));
	assert_true(h.ops->exists(&h, "/dev/cpu/0/msr"));
	assert_false(h.ops->exists(&h, "/sys"));
	uint64_t v;
	assert_int_equal(h.ops->read_msr(&h, 0, 0x3a, &v, err, sizeof(err)), 0);
	assert_int_equal(v, 0x8000000000000005ull);
	assert_int_equal(h.ops->read_msr(&h, 1, 0x3a, &v, err, sizeof(err)), -1);
	assert_int_equal(h.ops->read_msr(&h, 0, 0x1000, &v, err, sizeof(err)), -1);	/* short read */
	uint32_t r[4];
	assert_int_equal(h.ops->cpuid(&h, 1, r, err, sizeof(err)), 0);
	assert_int_equal(r[2], 0x20);
	char **names;
	size_t n;
	assert_int_equal(h.ops->list_dir(&h, "/drivers", &names, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(names[0], "a");
	assert_string_equal(names[1], "b");
	host_names_free(names, n);
	assert_int_equal(h.ops->list_dir(&h, "/none", &names, &n), -1);
	assert_int_equal(h.ops->link_name(&h, "/driver", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "vfio-pci");
	assert_int_equal(host_real_path(&h, "/proc/cmdline", p, sizeof(p)), 0);
	snprintf(q, sizeof(q), "%s/proc/cmdline", dir);
	assert_string_equal(p, q);
	rm_tmpdir(dir);
}

static void test_live_backend_is_chosen_for_slash(void **state)
{
	(void)state;
	struct host h;
	host_open(&h, "/");
	assert_true(host_is_live(&h));
	assert_string_equal(h.ops->name, "live");
	host_open(&h, NULL);
	assert_true(host_is_live(&h));
	char buf[4096], err[256];
	/* every Linux system has these; check must never need more than a busybox system */
	assert_int_equal(host_read_text(&h, "/proc/cpuinfo", buf, sizeof(buf), err, sizeof(err)), 0);
	assert_non_null(strstr(buf, "processor"));
	uint32_t r[4];
	assert_int_equal(h.ops->cpuid(&h, 0, r, err, sizeof(err)), 0);
	assert_true(r[0] >= 1);	/* highest standard leaf */
}

UNIT_MAIN(NULL, NULL, cmocka_unit_test(test_tree_backend), cmocka_unit_test(test_live_backend_is_chosen_for_slash))
