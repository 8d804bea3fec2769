/* tests for tools/report/forum.c and `igdkit report`: masking, what the report gathers from
 * the stick, and the command on a fixture machine (lspci dump) */
#include "helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fw/find.h"
#include "report/forum.h"

static void test_mask(void **state)
{
	(void)state;
	char t[] = "VG pve uuid Ax3kQz-9b1C-0dEf-GhIj-KlMn-OpQr-StUvWx, fs 6a1c0de5-1bd2-4e3f-9d7a-0b5e1ab7c0de\n"
		   "eth0 52:54:00:12:ab:CD up; wlan 00-1B-44-11-3A-B7\n"
		   "usb 1-1: SerialNumber: AB12CD34\n"
		   "Serial Number: Q7X-2291 (board)\n"
		   "time 12:34:56, id 8086:9bc8, sha 4593b31b\n"
		   "xx6a1c0de5-1bd2-4e3f-9d7a-0b5e1ab7c0de is glued to a word\n";
	size_t n = report_mask(t);
	assert_int_equal(n, 6);
	assert_non_null(strstr(t, "uuid xxxxxx-xxxx-xxxx-xxxx-xxxx-xxxx-xxxxxx, fs xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx\n"));
	assert_non_null(strstr(t, "eth0 xx:xx:xx:xx:xx:xx up; wlan xx-xx-xx-xx-xx-xx\n"));
	assert_non_null(strstr(t, "SerialNumber: xxxxxxxx\n"));
	assert_non_null(strstr(t, "Serial Number: xxx-xxxx (board)\n"));
	/* what is not an identifier stays: times, PCI ids, hashes, a GUID inside a longer word */
	assert_non_null(strstr(t, "time 12:34:56, id 8086:9bc8, sha 4593b31b\n"));
	assert_non_null(strstr(t, "xx6a1c0de5-1bd2-4e3f-9d7a-0b5e1ab7c0de is glued"));
	char empty[] = "";
	assert_int_equal(report_mask(empty), 0);
	char edge[] = "52:54:00:12:ab";	/* five groups: no MAC */
	assert_int_equal(report_mask(edge), 0);
	assert_string_equal(edge, "52:54:00:12:ab");
}

static void put(const char *dir, const char *name, const char *text)
{
	char p[2048];
	snprintf(p, sizeof(p), "%.900s/%.900s", dir, name);
	write_file(p, text, strlen(text));
}

/* The newest file of each kind is taken, the dmesg lines are filtered, everything is masked. */
static void test_build_gathers_newest(void **state)
{
	(void)state;
	char *stick = make_tmpdir();
	char logs[1024];
	snprintf(logs, sizeof(logs), "%.900s/logs", stick);
	mkdir(logs, 0755);
	put(logs, "rom-20260101T000000Z.txt", "old rom findings\n");
	put(logs, "rom-20261207T120000Z.txt", "GOP: Intel GOP driver build 1107\n");
	put(logs, "plan-20261207T120100Z.txt", "+hostpci0: 0000:00:02.0,legacy-igd=1\n");
	put(logs, "install-20261207T120200Z-1.manifest", "igdkit-install-manifest 1\nstate\tapplied\n");
	put(logs, "menu.log", "screen check\nscreen confirm\n");
	put(logs, "dmesg.txt", "usb 1-1: SerialNumber: AB12CD34\nDMAR: IOMMU enabled\nrandom line\nvfio-pci 0000:00:02.0: enabling\n");
	size_t masked = 99;
	struct diag d;
	diag_init(&d);
	char *r = forum_report_build(stick, "check text 52:54:00:12:34:56\n", &masked, &d);
	assert_non_null(r);
	assert_int_equal(masked, 1);
	assert_non_null(strstr(r, "==== check ====\ncheck text xx:xx:xx:xx:xx:xx\n"));
	assert_non_null(strstr(r, "Intel GOP driver build 1107"));
	assert_null(strstr(r, "old rom findings"));
	assert_non_null(strstr(r, "+hostpci0: 0000:00:02.0,legacy-igd=1"));
	assert_non_null(strstr(r, "state\tapplied"));
	assert_non_null(strstr(r, "screen confirm"));
	assert_non_null(strstr(r, "DMAR: IOMMU enabled\nvfio-pci 0000:00:02.0: enabling\n"));
	assert_null(strstr(r, "random line"));
	assert_null(strstr(r, "AB12CD34"));
	assert_non_null(strstr(r, "(serial numbers, MAC addresses and UUIDs are masked with x)"));
	char path[2048];
	assert_int_equal(forum_report_save(stick, r, path, sizeof(path), &d), 0);
	struct file_buf fb;
	char err[256];
	assert_int_equal(file_read(path, 1 << 20, &fb, err, sizeof(err)), 0);
	assert_int_equal(fb.len, strlen(r));
	assert_memory_equal(fb.data, r, fb.len);
	assert_non_null(strstr(path, "/igdkit-report-"));
	file_buf_free(&fb);
	free(r);
	/* no stick: only the check, and it says so */
	r = forum_report_build(NULL, NULL, NULL, &d);
	assert_non_null(r);
	assert_non_null(strstr(r, "(no check ran)"));
	assert_non_null(strstr(r, "the stick's logs are not included"));
	free(r);
	diag_free(&d);
	rm_tmpdir(stick);
}

/* igdkit report on a fixture machine: written to the stick, masked, the check inside. */
static void test_command(void **state)
{
	(void)state;
	char *stick = make_tmpdir();
	char logs[1024];
	snprintf(logs, sizeof(logs), "%.900s/logs", stick);
	mkdir(logs, 0755);
	put(logs, "menu.log", "target fs 6a1c0de5-1bd2-4e3f-9d7a-0b5e1ab7c0de\n");
	setenv("IGDKIT_STICK", stick, 1);
	char *out, *err;
	int rc = run_igdkit(&out, &err, (const char *const[]){ "report", "--pci-dump",
								fixture_path("hw/snb-gigabyte-h61m-ds2/pci-host-igd.dump"), NULL });
	unsetenv("IGDKIT_STICK");
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "Report written to "));
	char *p = strstr(out, stick);
	assert_non_null(p);
	char path[2048];
	snprintf(path, sizeof(path), "%.*s", (int)strcspn(p, " "), p);
	struct file_buf fb;
	char ferr[256];
	assert_int_equal(file_read(path, 1 << 20, &fb, ferr, sizeof(ferr)), 0);
	char *text = calloc(1, fb.len + 1);
	memcpy(text, fb.data, fb.len);
	assert_non_null(strstr(text, "==== check ===="));
	assert_non_null(strstr(text, "8086:0102"));
	assert_non_null(strstr(text, "target fs xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"));
	free(text);
	file_buf_free(&fb);
	run_igdkit_free(out, err);
	/* -o - --json: the text in the JSON, nothing written */
	rc = run_igdkit(&out, &err, (const char *const[]){ "report", "-o", "-", "--json", "--pci-dump",
							   fixture_path("hw/snb-gigabyte-h61m-ds2/pci-host-igd.dump"), NULL });
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "\"written\": false"));
	assert_non_null(strstr(out, "==== check ===="));
	run_igdkit_free(out, err);
	/* an unwritable -o is exit 4 */
	rc = run_igdkit(&out, &err, (const char *const[]){ "report", "-o", "/nonexistent/dir/r.txt", NULL });
	assert_int_equal(rc, 4);
	run_igdkit_free(out, err);
	rc = run_igdkit(&out, &err, (const char *const[]){ "report", "extra", NULL });
	assert_int_equal(rc, 2);
	run_igdkit_free(out, err);
	rm_tmpdir(stick);
}

/* fw_find_files: by name and content; the stick's own folders and non-firmware are skipped. */
static void test_find_files(void **state)
{
	(void)state;
	char *dir = make_tmpdir();
	struct file_buf fw = fixture_read("ovmf-gop-cml/OVMF_CODE.fd");
	char p[2048], sub[1024];
	snprintf(sub, sizeof(sub), "%.900s/BIOS", dir);
	mkdir(sub, 0755);
	snprintf(p, sizeof(p), "%s/E7B79IMS.1A0", sub);
	write_file(p, fw.data, fw.len);
	snprintf(sub, sizeof(sub), "%.900s/EFI", dir);
	mkdir(sub, 0755);
	snprintf(p, sizeof(p), "%s/copy.fd", sub);	/* EFI/ is the stick's own */
	write_file(p, fw.data, fw.len);
	snprintf(p, sizeof(p), "%.900s/notes.txt", dir);	/* not a firmware name */
	write_file(p, fw.data, fw.len);
	unsigned char *junk = calloc(1, 256 << 10);
	snprintf(p, sizeof(p), "%.900s/junk.bin", dir);	/* a firmware name, not firmware content */
	write_file(p, junk, 256 << 10);
	free(junk);
	struct fw_found *v = NULL;
	size_t n = 0;
	struct diag d;
	diag_init(&d);
	assert_int_equal(fw_find_files(dir, &v, &n, 10, &d), 0);
	assert_int_equal(n, 1);
	assert_non_null(strstr(v[0].path, "/BIOS/E7B79IMS.1A0"));
	assert_int_equal(v[0].size, fw.len);
	assert_true(strlen(v[0].kind) > 0);
	free(v);
	diag_free(&d);
	file_buf_free(&fw);
	rm_tmpdir(dir);
}

UNIT_MAIN(NULL, NULL, cmocka_unit_test(test_mask), cmocka_unit_test(test_build_gathers_newest),
	  cmocka_unit_test(test_command), cmocka_unit_test(test_find_files))
