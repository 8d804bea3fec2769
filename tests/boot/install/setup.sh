# setup.sh - guest side of the `igdkit install` boot test (runs as opt/igdkit/setup, busybox sh).
#
# Turns the blank second virtual disk into a Proxmox-installer-style layout and fills it
# with a fixture root (MODE=create), or reads it back (MODE=before/after/undone).
# MODE=break also reads it back, then breaks it for `igdkit repair` (the files of
# repair-broken.tar written over the root); MODE=repaired reads the repair back, runs
# repair a second time and `install --undo`, and reads the disk again. Output lines
# "install-test: key=value" are what the host side asserts.
#
# Host side: tests/boot/install-test.sh, which boots the stick five times on the
# same disk with MODE=create, before, after, break and repaired prepended to
# this script, and the igdkit commands themselves as the autorun:
#   -drive if=none,id=pve,file=pve.img,format=raw -device virtio-blk-pci,drive=pve,serial=igdkit-pve-target
#     (only the disk with that serial is ever touched)
#   STICK_PUT="pve-root.tar:pve-root.tar repair-broken.tar:repair-broken.tar testtools.tar:testtools.tar ..."
#     pve-root.tar = tests/data/pve/pve8-grub plus var/lib/pve-cluster/config.db (mode 0600)
#     repair-broken.tar = the files of that root broken on the host (config.db, GRUB, vfio)
#     testtools.tar = sfdisk and mke2fs with their libraries (the stick does not carry them)
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
# sfdisk and mkfs.ext4 come with the test (testtools.tar), not with the stick
if [ -r "$STICK/testtools.tar" ]; then
	mkdir -p /run/testtools
	tar -xf "$STICK/testtools.tar" -C /run/testtools || die "testtools.tar did not unpack"
	export PATH=/run/testtools/bin:$PATH LD_LIBRARY_PATH=/run/testtools/lib MKE2FS_CONFIG=/run/testtools/mke2fs.conf
fi

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
	mkdir -p /mnt/target/etc/pve /mnt/target/boot/efi /mnt/target/bin
	# the rebuild runs the target's own update-initramfs/update-grub (test doubles,
	# shell scripts) inside chroot: give the target a shell
	cp /bin/busybox /mnt/target/bin/busybox
	ln -sf busybox /mnt/target/bin/sh
	chmod 600 /mnt/target/var/lib/pve-cluster/config.db
	umount /mnt/target
	lvm vgchange -an pve >/dev/null
}

digest() {	# digest UUID [LABEL]: sha256 of everything igdkit may touch, from a read-only mount
	lvm lvchange -ay --select "vg_uuid=$1 && lv_name=root" >/dev/null
	lvm vgmknodes pve >/dev/null 2>&1
	mount -o ro /dev/pve/root /mnt/target || die "mount for digest failed"
	(cd /mnt/target && find etc usr/share/kvm var/lib/pve-cluster -type f 2>/dev/null | sort | while read -r f; do
		say "${2:-sha256} $(sha256sum "$f" | cut -d' ' -f1) $f"
	done)
	umount /mnt/target
	lvm lvchange -an --select "vg_uuid=$1 && lv_name=root" >/dev/null
}

keep_after() {	# keep_after UUID [NAME]: the target's files as a tar on the stick for the host to compare
	lvm lvchange -ay --select "vg_uuid=$1 && lv_name=root" >/dev/null
	lvm vgmknodes pve >/dev/null 2>&1
	mount -o ro /dev/pve/root /mnt/target || die "mount for copy failed"
	dirs=	# usr/share/kvm exists only while an install's ROM is there
	for x in etc usr/share/kvm var/lib/pve-cluster var/log; do
		[ -d "/mnt/target/$x" ] && dirs="$dirs $x"
	done
	# shellcheck disable=SC2086
	tar -cf "$STICK/${2:-after}.tar" -C /mnt/target $dirs || die "tar failed"
	umount /mnt/target
	lvm lvchange -an --select "vg_uuid=$1 && lv_name=root" >/dev/null
	say "kept=${2:-after}.tar"
}

break_layout() {	# the broken files of repair-broken.tar over the root, as a user's edits would leave them
	lvm lvchange -ay --select "vg_uuid=$1 && lv_name=root" >/dev/null
	lvm vgmknodes pve >/dev/null 2>&1
	mount /dev/pve/root /mnt/target || die "mount for the breakage failed"
	tar -xf "$STICK/repair-broken.tar" -C /mnt/target || die "untar of repair-broken.tar failed"
	chmod 600 /mnt/target/var/lib/pve-cluster/config.db
	# the rebuild doubles append here: the host counts what the repair's rebuild added
	say "rebuild_log_lines=$(cat /mnt/target/var/log/igdkit-test-rebuild.log 2>/dev/null | wc -l)"
	umount /mnt/target
	lvm lvchange -an --select "vg_uuid=$1 && lv_name=root" >/dev/null
}

run_igdkit() {	# run_igdkit KEY ARGS...: igdkit's output as "install-test: KEY: line", then KEY_rc=N
	key=$1
	shift
	igdkit "$@" > /run/igdkit-$key.out 2>&1
	rc=$?
	sed "s/^/install-test: $key: /" /run/igdkit-$key.out
	say "${key}_rc=$rc"
}

uuid=
case $MODE in
create)
	create_layout
	uuid=$(vg_uuid)
	[ -n "$uuid" ] || die "no VG pve after setup"
	say "vg_uuid=$uuid"
	;;
before|undone)
	uuid=$(vg_uuid)
	say "vg_uuid=$uuid"
	digest "$uuid"
	;;
after)
	uuid=$(vg_uuid)
	say "vg_uuid=$uuid"
	digest "$uuid"
	keep_after "$uuid"
	;;
break)
	uuid=$(vg_uuid)
	say "vg_uuid=$uuid"
	digest "$uuid"
	break_layout "$uuid"
	digest "$uuid" broken
	;;
repaired)
	# the repair as written, a second run (must find nothing), the undo, the disk again
	uuid=$(vg_uuid)
	say "vg_uuid=$uuid"
	digest "$uuid" repaired
	keep_after "$uuid" repaired
	run_igdkit second repair --target "$uuid" --pci-dump "$STICK/snb.dump"
	run_igdkit undo install --undo --target "$uuid" --no-rebuild
	digest "$uuid" undone
	;;
*)
	die "unknown MODE=$MODE"
	;;
esac
# the layout exists, but nothing may be left active or mounted for igdkit
lvm vgchange -an pve >/dev/null 2>&1
say "done"
