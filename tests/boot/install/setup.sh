# setup.sh - guest side of the `igdkit install` boot test (runs as opt/igdkit/setup, busybox sh).
#
# Turns the blank second virtual disk into a Proxmox-installer-style layout and fills it
# with a fixture root, then (MODE=install) runs igdkit install on it by VG UUID, or
# (MODE=verify / MODE=undo) reads it back. Output lines "install-test: key=value" are
# what the host side asserts.
#
# Host side (tests/boot, not in this file):
#   -drive if=none,id=pve,file=pve.img,format=raw -device virtio-blk-pci,drive=pve,serial=igdkit-pve-target
#     (only the disk with that serial is ever touched)
#   STICK_PUT="pve-root.tar:pve-root.tar  snb.dump:snb.dump  snb-0102-vbios.rom:test.rom"
#     pve-root.tar = tests/data/pve/pve8-grub plus var/lib/pve-cluster/config.db (mode 0600)
#   a first line "MODE=install" | "MODE=verify" | "MODE=undo" prepended to this script.
#
# Needs in the stick's initramfs: busybox (sh, tar, mke2fs, mkdosfs, sha256sum), lvm.
# Uses when present: sfdisk (GPT exactly like the PVE installer), mkfs.ext4 (ext4 root;
# busybox mke2fs only makes ext2). Without sfdisk the host must create the GPT itself
# (sfdisk works on an image file without root).
set -u
MODE=${MODE:-install}
STICK=${IGDKIT_STICK:-/mnt/stick}
say() { echo "install-test: $*"; }
die() { say "error=$*"; exit 1; }

disk=
for s in /sys/block/*/serial; do
	[ -r "$s" ] || continue
	if [ "$(cat "$s")" = igdkit-pve-target ]; then
		disk=/dev/$(basename "$(dirname "$s")")
	fi
done
[ -n "$disk" ] || die "no disk with serial igdkit-pve-target"
say "disk=$disk"
case $disk in
*[0-9]) part=${disk}p ;;
*) part=$disk ;;
esac
mkdir -p /run/lock/lvm /mnt/target

vg_uuid() {
	lvm vgs --noheadings -o vg_uuid --select 'vg_name=pve' 2>/dev/null | tr -d ' '
}

create_layout() {
	if [ ! -b "${part}3" ]; then
		command -v sfdisk >/dev/null 2>&1 || die "no ${part}3 and no sfdisk: create the GPT on the host"
		# PVE installer: p1 BIOS boot 1 MiB (EF02), p2 ESP 512 MiB (EF00), p3 LVM (8E00)
		sfdisk --label gpt "$disk" <<-PARTS || die "sfdisk failed"
			size=1MiB, type=21686148-6449-6E6F-744E-656564454649
			size=512MiB, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B
			type=E6D6D379-F507-44C2-A23C-238F2A3DF928
		PARTS
		sleep 1
	fi
	[ -b "${part}3" ] || die "${part}3 missing after partitioning"
	mkdosfs -F 32 -n ESP "${part}2" >/dev/null 2>&1 || say "warning=no FAT on the ESP"
	lvm pvcreate -ff -y "${part}3" >/dev/null || die "pvcreate failed"
	lvm vgcreate pve "${part}3" >/dev/null || die "vgcreate failed"
	lvm lvcreate -y -Wy -L 64M -n swap pve >/dev/null || die "lvcreate swap failed"
	lvm lvcreate -y -Wy -l 100%FREE -n root pve >/dev/null || die "lvcreate root failed"
	lvm vgmknodes pve >/dev/null 2>&1
	if command -v mkfs.ext4 >/dev/null 2>&1; then
		mkfs.ext4 -q -F -L root /dev/pve/root || die "mkfs.ext4 failed"
		say "rootfs=ext4"
	else
		mke2fs -F -L root /dev/pve/root >/dev/null || die "mke2fs failed"
		say "rootfs=ext2 (no mkfs.ext4 on the stick)"
	fi
	mount /dev/pve/root /mnt/target || die "mount failed"
	tar -xf "$STICK/pve-root.tar" -C /mnt/target || die "untar failed"
	mkdir -p /mnt/target/etc/pve /mnt/target/boot/efi
	chmod 600 /mnt/target/var/lib/pve-cluster/config.db
	umount /mnt/target
	lvm vgchange -an pve >/dev/null
}

digest() {	# sha256 of everything igdkit may touch, from a read-only mount
	lvm lvchange -ay --select "vg_uuid=$1 && lv_name=root" >/dev/null
	lvm vgmknodes pve >/dev/null 2>&1
	mount -o ro /dev/pve/root /mnt/target || die "mount for digest failed"
	(cd /mnt/target && find etc usr/share/kvm var/lib/pve-cluster -type f 2>/dev/null | sort | while read -r f; do
		say "sha256 $(sha256sum "$f" | cut -d' ' -f1) $f"
	done)
	umount /mnt/target
	lvm lvchange -an --select "vg_uuid=$1 && lv_name=root" >/dev/null
}

case $MODE in
install)
	create_layout
	uuid=$(vg_uuid)
	[ -n "$uuid" ] || die "no VG pve after setup"
	say "vg_uuid=$uuid"
	digest "$uuid"
	igdkit install --target "$uuid" --pci-dump "$STICK/snb.dump" --rom "$STICK/test.rom" \
		--vmid 100 --yes --no-rebuild
	say "install_rc=$?"
	digest "$uuid"
	;;
verify)
	uuid=$(vg_uuid)
	say "vg_uuid=$uuid"
	igdkit install --list --target "$uuid"
	say "list_rc=$?"
	digest "$uuid"
	;;
undo)
	uuid=$(vg_uuid)
	say "vg_uuid=$uuid"
	igdkit install --undo --target "$uuid" --no-rebuild
	say "undo_rc=$?"
	digest "$uuid"
	;;
*)
	die "unknown MODE=$MODE"
	;;
esac
