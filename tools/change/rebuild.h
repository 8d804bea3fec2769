/* rebuild.h - the target's own initramfs and boot loader rebuild, in a chroot */
#ifndef IGDKIT_CHANGE_REBUILD_H
#define IGDKIT_CHANGE_REBUILD_H

#include <stdbool.h>
#include <stddef.h>

#include "host/facts.h"
#include "lib/diag.h"
#include "pve/target.h"

struct rebuild_req {
	bool initramfs, grub, pbt;
};
/*
 * Runs the target's own update-initramfs -u -k all and update-grub /
 * proxmox-boot-tool refresh, chrooted into root with /dev, /dev/pts, /proc, /sys,
 * /run bind-mounted. When root is "/" the commands run directly.
 * Test-only: IGDKIT_REBUILD_NO_CHROOT=1 runs ROOT/usr/sbin/<cmd> without chroot
 * (tests are not root; their fixture commands are recording scripts).
 */
int rebuild_run(const char *root, const struct rebuild_req *r, struct diag *d);
/* The commands as text for --no-rebuild ("chroot /mnt update-initramfs -u -k all; ..."). */
void rebuild_describe(const char *root, const struct rebuild_req *r, char *buf, size_t len);
/* Firmware-mode trap: proxmox-boot-tool picks systemd-boot vs GRUB by the running
 * kernel's /sys/firmware/efi; a stick booted the other way skips every ESP. */
int rebuild_firmware_trap(const struct pve_target *t, const struct machine_facts *f, struct diag *d);

#endif
