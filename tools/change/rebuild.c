/* rebuild.c - run the target's own initramfs and bootloader updates, chrooted into it */
#include "change/rebuild.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

struct rebuild_cmd {
	const char *path;		/* inside the target */
	const char *argv[6];
};

static size_t rebuild_cmds(const struct rebuild_req *r, struct rebuild_cmd *out)
{
	size_t n = 0;
	/* initramfs first: it carries modprobe.d (vfio-pci ids, softdep) into early boot. */
	if (r->initramfs)
		out[n++] = (struct rebuild_cmd){ "/usr/sbin/update-initramfs", { "update-initramfs", "-u", "-k", "all", NULL } };
	if (r->grub)
		out[n++] = (struct rebuild_cmd){ "/usr/sbin/update-grub", { "update-grub", NULL } };
	if (r->pbt)
		out[n++] = (struct rebuild_cmd){ "/usr/sbin/proxmox-boot-tool", { "proxmox-boot-tool", "refresh", NULL } };
	return n;
}

void rebuild_describe(const char *root, const struct rebuild_req *r, char *buf, size_t len)
{
	struct rebuild_cmd c[3];
	size_t n = rebuild_cmds(r, c);
	buf[0] = 0;
	bool live = !root || strcmp(root, "/") == 0;
	for (size_t i = 0; i < n; i++) {
		size_t at = strlen(buf);
		snprintf(buf + at, len - at, "%s%s%s", i ? "; " : "", live ? "" : "chroot ", live ? "" : root);
		at = strlen(buf);
		for (size_t k = 0; c[i].argv[k]; k++) {
			snprintf(buf + at, len - at, "%s%s", (k || !live) ? " " : "", c[i].argv[k]);
			at = strlen(buf);
		}
	}
}

static const char *const binds[] = { "/dev", "/dev/pts", "/proc", "/sys", "/run", "/sys/firmware/efi/efivars" };
#define NBINDS (sizeof(binds) / sizeof(binds[0]))

static int bind_all(const char *root, bool *done, struct diag *d)
{
	for (size_t i = 0; i < NBINDS; i++) {
		char dst[INST_PATH];
		struct stat st;
		done[i] = false;
		if (stat(binds[i], &st) < 0)
			continue;	/* efivars only on a UEFI-booted stick */
		snprintf(dst, sizeof(dst), "%s%s", root, binds[i]);
		if (stat(dst, &st) < 0 && mkdir(dst, 0755) < 0)
			return diag_err(d, DIAG_NO_OFFSET, "%s: %s", dst, strerror(errno));
		if (mount(binds[i], dst, NULL, MS_BIND | MS_REC, NULL) < 0)
			return diag_err(d, DIAG_NO_OFFSET, "bind-mount %s on %s: %s", binds[i], dst, strerror(errno));
		done[i] = true;
	}
	return 0;
}

static void unbind_all(const char *root, const bool *done)
{
	for (size_t i = NBINDS; i-- > 0;) {
		if (!done[i])
			continue;
		char dst[INST_PATH];
		snprintf(dst, sizeof(dst), "%s%s", root, binds[i]);
		if (umount2(dst, 0) < 0)
			umount2(dst, MNT_DETACH);
	}
}

static int run_one(const char *root, const struct rebuild_cmd *c, int mode, struct diag *d)
{
	/* mode 0: live "/", 1: chroot, 2: test-only direct run of ROOT<path> */
	pid_t pid = fork();
	if (pid < 0)
		return diag_err(d, DIAG_NO_OFFSET, "fork: %s", strerror(errno));
	if (pid == 0) {
		dup2(2, 1);	/* their chatter goes to stderr; stdout stays ours (--json) */
		char path[INST_PATH];
		if (mode == 1) {
			if (chroot(root) < 0 || chdir("/") < 0)
				_exit(126);
			snprintf(path, sizeof(path), "%s", c->path);
			setenv("PATH", "/usr/sbin:/usr/bin:/sbin:/bin", 1);
		} else if (mode == 2) {
			snprintf(path, sizeof(path), "%s%s", root, c->path);
			setenv("IGDKIT_TEST_ROOT", root, 1);
		} else
			snprintf(path, sizeof(path), "%s", c->path);
		execv(path, (char *const *)c->argv);
		_exit(127);
	}
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return diag_err(d, DIAG_NO_OFFSET, "waitpid: %s", strerror(errno));
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 127)
		return diag_err(d, DIAG_NO_OFFSET, "%s: not found in the target", c->path);
	return diag_err(d, DIAG_NO_OFFSET, "%s %s failed (%s %d)", c->argv[0], c->argv[1] ? c->argv[1] : "",
			WIFEXITED(st) ? "exit status" : "signal", WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
}

/*
 * proxmox-boot-tool finds its ESPs as /dev/disk/by-uuid/<UUID> (from /etc/kernel/proxmox-boot-uuids).
 * The stick has no udev, so those links do not exist and refresh would skip every ESP while
 * exiting 0. Make the missing links (findfs UUID=...) in the live /dev that the chroot sees;
 * remove them afterwards. made[] records which ones we created.
 */
#define MAX_ESPS 8
static int esp_links(const char *root, char made[MAX_ESPS][96], struct diag *d)
{
	char p[INST_PATH];
	snprintf(p, sizeof(p), "%s/etc/kernel/proxmox-boot-uuids", root);
	FILE *f = fopen(p, "r");
	if (!f)
		return 0;
	char line[128];
	int n = 0;
	while (fgets(line, sizeof(line), f) && n < MAX_ESPS) {
		line[strcspn(line, " \t\r\n")] = 0;
		if (!line[0] || strspn(line, "0123456789abcdefABCDEF-") != strlen(line))
			continue;
		char link[96];
		snprintf(link, sizeof(link), "/dev/disk/by-uuid/%.60s", line);
		struct stat st;
		if (lstat(link, &st) == 0)
			continue;
		char spec[96], dev[256] = "";
		snprintf(spec, sizeof(spec), "UUID=%.60s", line);
		int pfd[2];
		if (pipe(pfd) < 0)
			break;
		pid_t pid = fork();
		if (pid == 0) {
			dup2(pfd[1], 1);
			close(pfd[0]);
			execlp("findfs", "findfs", spec, (char *)NULL);
			_exit(127);
		}
		close(pfd[1]);
		ssize_t k = pid > 0 ? read(pfd[0], dev, sizeof(dev) - 1) : -1;
		close(pfd[0]);
		if (pid > 0)
			waitpid(pid, NULL, 0);
		dev[k > 0 ? k : 0] = 0;
		dev[strcspn(dev, "\n")] = 0;
		if (dev[0] != '/') {
			diag_warn(d, DIAG_NO_OFFSET, "ESP %s from /etc/kernel/proxmox-boot-uuids is not on any disk here; "
				  "proxmox-boot-tool will skip it", line);
			continue;
		}
		mkdir("/dev/disk", 0755);
		mkdir("/dev/disk/by-uuid", 0755);
		if (symlink(dev, link) == 0)
			snprintf(made[n++], 96, "%s", link);
	}
	fclose(f);
	return n;
}

int rebuild_run(const char *root, const struct rebuild_req *r, struct diag *d)
{
	struct rebuild_cmd c[3];
	size_t n = rebuild_cmds(r, c);
	if (!n)
		return 0;
	bool live = !root || strcmp(root, "/") == 0;
	const char *nc = getenv("IGDKIT_REBUILD_NO_CHROOT");
	int mode = live ? 0 : (nc && strcmp(nc, "1") == 0) ? 2 : 1;
	bool done[NBINDS] = { false };
	if (mode == 1) {
		if (geteuid() != 0)
			return diag_err(d, DIAG_NO_OFFSET, "the rebuild chroots into %s and needs root (or use --no-rebuild)", root);
		if (bind_all(root, done, d) < 0) {
			unbind_all(root, done);
			return -1;
		}
	}
	char made[MAX_ESPS][96];
	int nmade = (mode == 1 && (r->pbt || r->initramfs)) ? esp_links(root, made, d) : 0;
	int rc = 0;
	for (size_t i = 0; i < n; i++)
		if (run_one(root, &c[i], mode, d) < 0) {
			rc = -1;
			break;
		}
	for (int i = 0; i < nmade; i++)
		unlink(made[i]);
	if (mode == 1)
		unbind_all(root, done);
	return rc;
}

int rebuild_firmware_trap(const struct pve_target *t, const struct machine_facts *f, struct diag *d)
{
	if (t->boot != BOOT_PROXMOX_BOOT_TOOL || strcmp(t->root, "/") == 0)
		return 0;
	if (f->uefi_boot == TRI_UNKNOWN || t->host_uefi == TRI_UNKNOWN || f->uefi_boot == t->host_uefi)
		return 0;
	/* proxmox-boot-tool decides systemd-boot vs GRUB by the running kernel's /sys/firmware/efi:
	 * from a stick booted the other way it skips every ESP and still exits 0. */
	diag_warn(d, DIAG_NO_OFFSET,
		  "this stick booted in %s mode but the host boots %s: 'proxmox-boot-tool refresh' from here would skip every ESP. "
		  "/etc/kernel/cmdline and the GRUB drop-in are written; boot the stick in %s mode and run install again, "
		  "or run 'proxmox-boot-tool refresh' on the host and reboot it once more",
		  f->uefi_boot == TRI_YES ? "UEFI" : "BIOS", t->host_uefi == TRI_YES ? "UEFI" : "BIOS (legacy)",
		  t->host_uefi == TRI_YES ? "UEFI" : "BIOS/CSM");
	return 1;
}
