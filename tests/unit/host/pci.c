/* tests for tools/host/pci.c: libpci's dump method on every full-tier fixture, against lspci -vvnn
 *
 * The reference is the fixture's lspci-vvnn.txt (pciutils 3.9.0 reading the
 * same dump); python3 pulls "bus:dev.fn vendor device class" out of it.
 */
#include "helpers.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host/hostpci.h"

/* lspci shortens long names and may cut the [vendor:device] off: those lines give only bdf and class. */
static const char py[] =
	"import re,sys\n"
	"for l in open(sys.argv[1]):\n"
	"  m=re.match(r'^([0-9a-f]{2}):([0-9a-f]{2})\\.([0-7]) .*?\\[([0-9a-f]{4})\\]: ',l)\n"
	"  if not m: continue\n"
	"  i=re.search(r'\\[([0-9a-f]{4}):([0-9a-f]{4})\\]',l[m.end():])\n"
	"  print(' '.join(str(int(x,16)) for x in m.groups()), *(str(int(x,16)) for x in i.groups()) if i else ('-1','-1'))\n";

static void test_every_full_machine_matches_lspci(void **state)
{
	(void)state;
	char pf[] = "/tmp/igdkit-pcipy-XXXXXX";
	int fd = mkstemp(pf);
	assert_int_equal(write(fd, py, strlen(py)), (ssize_t)strlen(py));
	close(fd);
	DIR *dir = opendir(fixture_path("hw"));
	struct dirent *e;
	int machines = 0;
	while ((e = readdir(dir)) != NULL) {
		char ref[512], dump[512];
		snprintf(ref, sizeof(ref), "hw/%s/lspci-vvnn.txt", e->d_name);
		snprintf(dump, sizeof(dump), "hw/%s/lspci-full.dump", e->d_name);
		if (e->d_name[0] == '.' || access(fixture_path(ref), R_OK) != 0)
			continue;
		char cmd[4400];
		snprintf(cmd, sizeof(cmd), "python3 %s %s", pf, fixture_path(ref));
		FILE *p = popen(cmd, "r");
		char *want = calloc(1, 1 << 16);
		size_t n = fread(want, 1, (1 << 16) - 1, p);
		want[n] = 0;
		assert_int_equal(pclose(p), 0);
		assert_true(n > 20);

		struct pci_snapshot s;
		struct diag d;
		diag_init(&d);
		assert_int_equal(pci_snapshot_read(fixture_path(dump), NULL, &s, &d), 0);
		size_t lines = 0;
		for (char *line = strtok(want, "\n"); line; line = strtok(NULL, "\n")) {
			int b, dv, fn, cls, ven, dev;
			assert_int_equal(sscanf(line, "%d %d %d %d %d %d", &b, &dv, &fn, &cls, &ven, &dev), 6);
			const struct pci_fn *f = pci_find(&s, (unsigned)b, (unsigned)dv, (unsigned)fn);
			if (!f)
				fail_msg("%s: %02x:%02x.%x missing", e->d_name, b, dv, fn);
			assert_int_equal(f->class_code >> 8, cls);
			if (ven >= 0) {
				assert_int_equal(f->vendor, ven);
				assert_int_equal(f->device, dev);
			}
			assert_true(f->cfg_len >= 64);
			lines++;
		}
		assert_int_equal(lines, s.n);
		free(want);
		pci_snapshot_free(&s);
		diag_free(&d);
		machines++;
	}
	closedir(dir);
	unlink(pf);
	assert_int_equal(machines, 8);
}

static void test_find_and_config_reads(void **state)
{
	(void)state;
	struct pci_snapshot s;
	struct diag d;
	diag_init(&d);
	assert_int_equal(pci_snapshot_read(fixture_path("hw/ivb-dell-latitude-e6430-nvs/pci-host-igd.dump"), NULL, &s, &d), 0);
	assert_int_equal(s.n, 2);
	const struct pci_fn *g = pci_find(&s, 0, 2, 0);
	assert_non_null(g);
	assert_int_equal(g->cfg_len, 256);
	/* expected.json (lspci -xxxx): ggc 0x0209, asls 0xca7d7018, bdsm_5c 0xcda00001 */
	assert_int_equal(pci_cfg16(g, 0x50), 0x0209);
	assert_int_equal(pci_cfg32(g, 0xfc), 0xca7d7018);
	assert_int_equal(pci_cfg32(g, 0x5c), 0xcda00001);
	assert_int_equal(pci_cfg32(g, 0x100), 0xffffffff);	/* beyond what was read */
	assert_null(pci_find(&s, 1, 0, 0));
	assert_non_null(strstr(s.source, "dump"));
	pci_snapshot_free(&s);
	diag_free(&d);
}

static void test_broken_dumps_are_diags(void **state)
{
	(void)state;
	struct pci_snapshot s;
	struct diag d;
	diag_init(&d);
	assert_int_equal(pci_snapshot_read("/nonexistent/igdkit.dump", NULL, &s, &d), -1);
	assert_non_null(strstr(diag_last(&d), "libpci"));
	char *dir = make_tmpdir();
	char p[600];
	snprintf(p, sizeof(p), "%s/bad.dump", dir);
	write_file(p, "00:02.0 VGA\n00: 86 80 zz\n", 25);
	diag_clear(&d);
	assert_int_equal(pci_snapshot_read(p, NULL, &s, &d), -1);
	assert_non_null(strstr(diag_last(&d), "libpci"));
	/* the library is usable again after an error */
	diag_clear(&d);
	assert_int_equal(pci_snapshot_read(fixture_path("hw/snb-gigabyte-h61m-ds2/pci-host-igd.dump"), NULL, &s, &d), 0);
	assert_int_equal(pci_find(&s, 0, 2, 0)->device, 0x0102);
	pci_snapshot_free(&s);
	diag_free(&d);
	rm_tmpdir(dir);
}

UNIT_MAIN(NULL, NULL, cmocka_unit_test(test_every_full_machine_matches_lspci),
	  cmocka_unit_test(test_find_and_config_reads), cmocka_unit_test(test_broken_dumps_are_diags))
