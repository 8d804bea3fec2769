/* tests for tools/pve/target_dev.c: the parts that need no root and no disks */
#include "pvefixture.h"
#include "pve/target.h"
#include "pve/target_dev.h"
#include "plan/changes.h"
#include "rom/fit.h"
#include "change/diff.h"
#include "change/manifest.h"
#include "change/apply.h"
#include "change/rebuild.h"

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
	rm_tmpdir(dir);
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

static int64_t epoch_of(const char *when)
{
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "date -u -d '%s' +%%s", when);
	char *s = sh_capture(cmd);
	int64_t v = strtoll(s, NULL, 10);
	free(s);
	return v;
}

/* Last boot = the newest of the files a running system rewrites (dates set with touch, expected
 * epochs from date(1)); a file dated in the future does not count. */
static void test_last_boot(void **state)
{
	(void)state;
	char *root = pve_root("pve8-grub");
	char src[96];
	assert_int_equal(target_last_boot(root, src, sizeof(src)), 0);
	assert_string_equal(src, "");
	sh("cd '%s' && mkdir -p var/lib/systemd/timesync var/log/journal/3f0e5c1d2b7a4e6f8a9b0c1d2e3f4a5b var/log/journal/remote && "
	   "head -c 512 /dev/zero > var/lib/systemd/random-seed && touch -d '2026-01-02 03:04:05 UTC' var/lib/systemd/random-seed && "
	   ": > var/log/wtmp && touch -d '2026-03-04 05:06:07 UTC' var/log/wtmp && "
	   ": > var/log/journal/3f0e5c1d2b7a4e6f8a9b0c1d2e3f4a5b/system.journal && "
	   "touch -d '2026-02-01 00:00:00 UTC' var/log/journal/3f0e5c1d2b7a4e6f8a9b0c1d2e3f4a5b/system.journal && "
	   ": > var/lib/systemd/timesync/clock && touch -d '2099-01-01 00:00:00 UTC' var/lib/systemd/timesync/clock",
	   root);
	assert_int_equal(target_last_boot(root, src, sizeof(src)), epoch_of("2026-03-04 05:06:07 UTC"));
	assert_string_equal(src, "/var/log/wtmp");
	sh("touch -d '2026-05-06 07:08:09 UTC' '%s/var/log/journal/3f0e5c1d2b7a4e6f8a9b0c1d2e3f4a5b/system.journal'", root);
	assert_int_equal(target_last_boot(root, src, sizeof(src)), epoch_of("2026-05-06 07:08:09 UTC"));
	assert_string_equal(src, "/var/log/journal/3f0e5c1d2b7a4e6f8a9b0c1d2e3f4a5b/system.journal");
	/* Debian 13: no wtmp, wtmpdb instead; only the random seed on a minimal system */
	sh("cd '%s' && rm -r var/log/wtmp var/log/journal && mkdir -p var/lib/wtmpdb && : > var/lib/wtmpdb/wtmp.db && "
	   "touch -d '2026-04-01 10:00:00 UTC' var/lib/wtmpdb/wtmp.db", root);
	assert_int_equal(target_last_boot(root, NULL, 0), epoch_of("2026-04-01 10:00:00 UTC"));
	sh("rm '%s/var/lib/wtmpdb/wtmp.db'", root);
	assert_int_equal(target_last_boot(root, src, sizeof(src)), epoch_of("2026-01-02 03:04:05 UTC"));
	assert_string_equal(src, "/var/lib/systemd/random-seed");
	rm_tmpdir(root);
}

/* What --list shows of a mounted install: node name, pve-manager version (from the fixture's
 * dpkg status, read here with awk), last boot. */
static void test_probe_root(void **state)
{
	(void)state;
	static const char *const trees[] = { "pve7-grub", "pve8-grub", "pve9-btrfs-sdboot" };
	for (size_t i = 0; i < 3; i++) {
		char *root = pve_root(trees[i]);
		sh("touch -d '2026-01-02 03:04:05 UTC' '%s/var/log/.keep' && mkdir -p '%s/var/lib/systemd' && : > '%s/var/lib/systemd/random-seed' && "
		   "touch -d '2026-07-08 09:10:11 UTC' '%s/var/lib/systemd/random-seed'", root, root, root, root);
		char cmd[4400];
		snprintf(cmd, sizeof(cmd), "awk '/^Package: /{p=$2} p==\"pve-manager\" && /^Version: /{printf \"%%s\", $2}' '%s/var/lib/dpkg/status'", root);
		char *ver = sh_capture(cmd);
		assert_true(strlen(ver) > 2);
		struct pve_install pi;
		memset(&pi, 0, sizeof(pi));
		targetdev_probe_root(root, &pi);
		assert_string_equal(pi.hostname, "pve");
		assert_string_equal(pi.pve_version, ver);
		assert_int_equal(pi.last_boot, epoch_of("2026-07-08 09:10:11 UTC"));
		assert_string_equal(pi.last_boot_source, "/var/lib/systemd/random-seed");
		free(ver);
		rm_tmpdir(root);
	}
}

/* A stand-in `lvm` on PATH: logs every call, answers vgs with four VGs after a reinstall (two
 * named pve, a renamed pve-OLD-..., a data VG without LV root, and a line that is no UUID), lvs
 * with the root LV of the VG named in --select. */
static const char uuid_a[] = "MtRb3z-1dzV-kjaK-wi5V-MZAM-uXay-VBCcGk";
static const char uuid_b[] = "q2Wd8E-Xy0P-0aZb-7cPq-RtYu-Io9L-kJhGf3";
static const char uuid_c[] = "Zx81Qw-2eRt-Yu3I-op4A-sd5F-gh6J-kl7ZXC";
static const char uuid_data[] = "Dd00aa-1bb1-2cc2-3dd3-4ee4-5ff5-6gg6hh";

static char *fake_lvm(char **log)
{
	char *dir = make_tmpdir();
	char p[4200];
	snprintf(p, sizeof(p), "%s/lvm", dir);
	write_textf(p,
		    "#!/bin/sh\n"
		    "echo \"$*\" >> '%s/log'\n"
		    "sel=; prev=; for a in \"$@\"; do [ \"$prev\" = --select ] && sel=$a; prev=$a; done\n"
		    "case \"$1\" in\n"
		    "vgs) printf '  %%s\\n' '%s|pve|255550554112' 'not-a-uuid|pve|1' '%s|pve|1000204886016' '%s|pve-OLD-5A3C|511101108224' '%s|data|42' ;;\n"
		    "lvs) case \"$sel\" in\n"
		    "  'vg_uuid=%s && lv_name=root') echo '  /dev/pve/root' ;;\n"
		    "  'vg_uuid=%s && lv_name=root') echo '  /dev/mapper/pve-root' ;;\n"
		    "  'vg_uuid=%s && lv_name=root') echo '  /dev/pve-OLD-5A3C/root' ;;\n"
		    "  esac ;;\n"
		    "esac\n"
		    "exit 0\n",
		    dir, uuid_a, uuid_b, uuid_c, uuid_data, uuid_a, uuid_b, uuid_c);
	chmod(p, 0755);
	*log = malloc(4200);
	snprintf(*log, 4200, "%s/log", dir);
	const char *path = getenv("PATH");
	char np[8400];
	snprintf(np, sizeof(np), "%s:%s", dir, path ? path : "/usr/bin:/bin");
	setenv("PATH", np, 1);
	return dir;
}

static void test_list_vgs_by_uuid(void **state)
{
	(void)state;
	char *oldpath = strdup(getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin");
	char *log;
	char *dir = fake_lvm(&log);
	struct pve_install *v;
	size_t n;
	struct diag d;
	diag_init(&d);
	assert_int_equal(targetdev_list_vgs(&v, &n, &d), 0);
	assert_int_equal(n, 3);	/* the data VG has no LV root; the bad line is skipped */
	assert_string_equal(v[0].vg_uuid, uuid_a);
	assert_string_equal(v[0].vg_name, "pve");
	assert_string_equal(v[0].lv_path, "/dev/pve/root");
	assert_int_equal(v[0].size, 255550554112ULL);
	assert_string_equal(v[1].vg_uuid, uuid_b);
	assert_string_equal(v[1].vg_name, "pve");
	assert_string_equal(v[1].lv_path, "/dev/mapper/pve-root");
	assert_int_equal(v[1].size, 1000204886016ULL);
	assert_string_equal(v[2].vg_name, "pve-OLD-5A3C");
	free(v);
	/* listing changes nothing: only vgs and lvs ran */
	assert_sh_prints(" 4 lvs\n 1 vgs\n", "cut -d' ' -f1 '%s' | sort | uniq -c | tr -s ' '", log);

	/* activating the second "pve" names its UUID and nothing else */
	sh(": > '%s'", log);
	assert_int_equal(targetdev_activate(uuid_b, true, &d), 0);
	assert_int_equal(targetdev_activate(uuid_b, false, &d), 0);
	char *got = read_text_file(dir, "log");
	char want[512];
	snprintf(want, sizeof(want), "lvchange -ay --select vg_uuid=%s && lv_name=root\nlvchange -an --select vg_uuid=%s && lv_name=root\n",
		 uuid_b, uuid_b);
	assert_string_equal(got, want);
	free(got);
	/* a VG name (ambiguous after a reinstall) or anything else is not a UUID: no lvm call */
	sh(": > '%s'", log);
	assert_int_equal(targetdev_activate("pve", true, &d), -1);
	assert_non_null(strstr(diag_last(&d), "is not an LVM VG UUID"));
	assert_int_equal(targetdev_activate("MtRb3z-1dzV-kjaK-wi5V-MZAM-uXay-VBCcGk && vg_name=pve", true, &d), -1);
	got = read_text_file(dir, "log");
	assert_string_equal(got, "");
	free(got);
	diag_free(&d);
	setenv("PATH", oldpath, 1);
	free(oldpath);
	free(log);
	rm_tmpdir(dir);
}

/* btrfs installs are found by their superblock: a 1 MiB image with a superblock at 64 KiB
 * (written here with python3, checksummed so blkid accepts it); the UUID igdkit reads must be
 * the one blkid reports. A wrong magic, a superblock that names another position, or a short
 * file is no btrfs. */
static void test_btrfs_fsid(void **state)
{
	(void)state;
	char *dir = make_tmpdir();
	char img[4200];
	snprintf(img, sizeof(img), "%s/p3", dir);
	static const char py[] =
		"import struct,sys\n"
		"def crc32c(b):\n"
		"    c=0xffffffff\n"
		"    for x in b:\n"
		"        c^=x\n"
		"        for _ in range(8): c=(c>>1)^(0x82F63B78 if c&1 else 0)\n"
		"    return c^0xffffffff\n"
		"sb=bytearray(4096)\n"
		"sb[0x20:0x30]=bytes.fromhex('7d3c1f0e5a2b4c8d9e6f0a1b2c3d4e5f')\n"
		"struct.pack_into('<Q',sb,0x30,int(sys.argv[3]))\n"
		"sb[0x40:0x48]=sys.argv[2].encode()\n"
		"struct.pack_into('<QQ',sb,0x70,505660903424,1)\n"
		"struct.pack_into('<Q',sb,0x88,1)\n"
		"struct.pack_into('<II',sb,0x90,4096,16384)\n"
		"struct.pack_into('<I',sb,0,crc32c(bytes(sb[0x20:])))\n"
		"img=bytearray(1<<20); img[0x10000:0x11000]=sb\n"
		"open(sys.argv[1],'wb').write(img)\n";
	char pyf[4300];
	snprintf(pyf, sizeof(pyf), "%s/mk.py", dir);
	write_file(pyf, py, strlen(py));
	sh("python3 '%s' '%s' _BHRfS_M 65536", pyf, img);
	char cmd[9000];
	snprintf(cmd, sizeof(cmd), "blkid -p -o value -s UUID '%s'", img);
	char *want = sh_capture(cmd);
	want[strcspn(want, "\n")] = 0;
	assert_int_equal(strlen(want), 36);
	char fsid[37];
	uint64_t total = 0;
	assert_true(targetdev_btrfs_fsid(img, fsid, &total));
	assert_string_equal(fsid, want);
	assert_int_equal(total, 505660903424ULL);
	free(want);
	sh("python3 '%s' '%s' _BHRfS_X 65536", pyf, img);
	assert_false(targetdev_btrfs_fsid(img, fsid, NULL));
	sh("python3 '%s' '%s' _BHRfS_M 67108864", pyf, img);	/* a backup copy's position */
	assert_false(targetdev_btrfs_fsid(img, fsid, NULL));
	sh("truncate -s 65600 '%s'", img);	/* cut inside the superblock */
	assert_false(targetdev_btrfs_fsid(img, fsid, NULL));
	snprintf(img, sizeof(img), "%s/none", dir);
	assert_false(targetdev_btrfs_fsid(img, fsid, NULL));
	/* a btrfs UUID is accepted by --target, and needs root like a VG UUID */
	struct diag d;
	diag_init(&d);
	if (geteuid() != 0) {
		assert_int_equal(targetdev_mount("7d3c1f0e-5a2b-4c8d-9e6f-0a1b2c3d4e5f", "/tmp/x", false, &d), -1);
		assert_non_null(strstr(diag_last(&d), "needs root"));
	} else {
		/* as root: only reads superblocks; this UUID is on no real disk, nothing is mounted */
		assert_int_equal(targetdev_mount("7d3c1f0e-5a2b-4c8d-9e6f-0a1b2c3d4e5f", "/tmp/x", false, &d), -1);
		assert_non_null(strstr(diag_last(&d), "no btrfs file system with UUID 7d3c1f0e-5a2b-4c8d-9e6f-0a1b2c3d4e5f"));
	}
	diag_free(&d);
	rm_tmpdir(dir);
}

UNIT_MAIN(NULL, NULL, cmocka_unit_test(test_zfs_member), cmocka_unit_test(test_needs_root),
	  cmocka_unit_test(test_last_boot), cmocka_unit_test(test_probe_root), cmocka_unit_test(test_list_vgs_by_uuid),
	  cmocka_unit_test(test_btrfs_fsid))
