# install-test.sh - `igdkit install` on the stick against a real disk (sourced by run-all.sh)
#
# A second virtual disk (serial igdkit-pve-target) becomes a PVE-installer
# layout inside the guest: GPT, ESP, LVM VG pve with LV root (ext4) holding
# tests/data/pve/pve8-grub and the real config.db made by pmxcfs. Four boots on
# the same disk:
#   1 create the layout; autorun `install --list` finds the install
#   2 digest the files; autorun `install --target UUID --yes` (with the chroot
#     rebuild running the target's own update-initramfs/update-grub doubles)
#   3 digest again and copy the target out; autorun `install --undo --target UUID`
#   4 digest: identical to boot 2
# The files written through --target must equal what the same install writes
# through --root on the host (which the unit tests pin down byte for byte).

vm() { sqlite3 "$1" "select data from tree where name = '100.conf'"; }

# compare_with_host HOST AFTER: sets $problems to what differs between the tree
# the host-side --root install wrote (HOST) and the target read back (AFTER):
# every file under etc and usr/share/kvm, VM 100's config, config.db integrity.
compare_with_host() {
	problems=
	for f in $(cd "$1" && find etc usr/share/kvm -type f | sort); do
		cmp -s "$1/$f" "$2/$f" || problems="$problems $f"
	done
	[ "$(vm "$1/var/lib/pve-cluster/config.db")" = "$(vm "$2/var/lib/pve-cluster/config.db")" ] ||
		problems="$problems config.db:100.conf"
	[ "$(sqlite3 "$2/var/lib/pve-cluster/config.db" 'pragma integrity_check')" = ok ] ||
		problems="$problems config.db-integrity"
}

# make_testtools TAR: sfdisk and mkfs.ext4 with their libraries, for the guest
# side to unpack: the stick carries only what igdkit runs, and the PVE layout
# is made inside the guest with the same tools the Proxmox installer uses.
make_testtools() {
	tt=$OUT/testtools
	rm -rf "$tt"
	mkdir -p "$tt/bin" "$tt/lib"
	for t in sfdisk mke2fs; do
		p=$(command -v $t || echo /usr/sbin/$t)
		cp "$p" "$tt/bin/$t"
		ldd "$p" | awk '/=>/ { print $3 }' | while read -r lib; do
			case $lib in */libc.so.*) continue ;; esac
			cp "$(readlink -f "$lib")" "$tt/lib/${lib##*/}"
		done
	done
	ln -s mke2fs "$tt/bin/mkfs.ext4"
	cp /etc/mke2fs.conf "$tt/mke2fs.conf"
	tar -cf "$1" -C "$tt" .
}

run_install_tests() {
	name=install
	pdir=$OUT/install
	mkdir -p "$pdir/root"
	make_testtools "$pdir/testtools.tar" || { bad install-1 "could not bundle sfdisk and mke2fs"; return; }
	cp -a "$TOP/tests/data/pve/pve8-grub/." "$pdir/root/"
	mkdir -p "$pdir/root/var/lib/pve-cluster"
	cp "$FIXTURES/pve-configdb/config.db" "$pdir/root/var/lib/pve-cluster/config.db"
	chmod 600 "$pdir/root/var/lib/pve-cluster/config.db"
	tar -cf "$pdir/pve-root.tar" --owner=0 --group=0 -C "$pdir/root" .
	dump=$FIXTURES/hw/snb-gigabyte-h61m-ds2/pci-host-igd.dump
	rom=$FIXTURES/vbios-legacy/snb-0102-vbios.rom
	rm -f "$pdir/pve.img"
	truncate -s 1G "$pdir/pve.img"
	disk="-drive if=none,id=pve,file=$pdir/pve.img,format=raw -device virtio-blk-pci,drive=pve,serial=igdkit-pve-target"
	for m in create before after undone; do
		{ echo "MODE=$m"; cat "$here/install/setup.sh"; } > "$pdir/setup-$m.sh"
	done
	# The stick image is fresh each boot; the PVE disk persists across them.
	export STICK_PUT="$pdir/pve-root.tar:pve-root.tar $pdir/testtools.tar:testtools.tar $dump:snb.dump $rom:test.rom"

	# 1: create, and --list must find it
	# shellcheck disable=SC2086
	boot_stick install-1 uefi "install --list" "$pdir/setup-create.sh" -- $disk ||
		{ bad install-1 "no autorun end marker"; return; }
	serial_text install-1
	uuid=$(sed -n 's/^install-test: vg_uuid=\(.*\)$/\1/p' "$OUT/install-1.serial.txt" | tail -1)
	if [ -z "$uuid" ]; then bad install-1 "the setup made no VG"; return; fi
	expect install-1 '^=== igdkit autorun end \(rc=0\) ===$' "$OUT/install-1.autorun.log" &&
	expect install-1 "$uuid" "$OUT/install-1.autorun.log" &&
	expect install-1 'host pve, PVE 8\.2\.4' "$OUT/install-1.autorun.log" &&
	ok install-1 || return

	# 2: write
	args="install --target $uuid --pci-dump /mnt/stick/snb.dump --rom /mnt/stick/test.rom --vmid 100 --yes"
	# shellcheck disable=SC2086
	boot_stick install-2 uefi "$args" "$pdir/setup-before.sh" -- $disk ||
		{ bad install-2 "no autorun end marker"; return; }
	serial_text install-2
	grep '^install-test: sha256 ' "$OUT/install-2.serial.txt" > "$pdir/digest-before"
	expect install-2 '^=== igdkit autorun end \(rc=0\) ===$' "$OUT/install-2.autorun.log" &&
	ok install-2 || return

	# 3: read back, then undo
	# shellcheck disable=SC2086
	boot_stick install-3 uefi "install --undo --target $uuid" "$pdir/setup-after.sh" -- $disk ||
		{ bad install-3 "no autorun end marker"; return; }
	serial_text install-3
	grep '^install-test: sha256 ' "$OUT/install-3.serial.txt" > "$pdir/digest-after"
	rm -rf "$pdir/after"
	mkdir -p "$pdir/after"
	mcopy -n -i "$OUT/install-3.img@@1048576" ::after.tar "$pdir/after.tar" 2>/dev/null &&
		tar -xf "$pdir/after.tar" -C "$pdir/after" 2>/dev/null ||
		{ bad install-3 "no after.tar on the stick"; return; }
	# the same install through --root on the host
	rm -rf "$pdir/host"
	cp -a "$pdir/root" "$pdir/host"
	IGDKIT_REBUILD_NO_CHROOT=1 "$B/igdkit" install --root "$pdir/host" --pci-dump "$dump" --rom "$rom" \
		--vmid 100 --yes > "$pdir/host.out" 2>&1 ||
		{ bad install-3 "host-side --root install failed: $(tail -2 "$pdir/host.out")"; return; }
	compare_with_host "$pdir/host" "$pdir/after"
	cmp -s "$pdir/digest-before" "$pdir/digest-after" && problems="$problems nothing-changed"
	vm "$pdir/after/var/lib/pve-cluster/config.db" | grep -q '^hostpci0: 0000:00:02.0' || problems="$problems no-hostpci0"
	grep -q '^update-initramfs -u -k all' "$pdir/after/var/log/igdkit-test-rebuild.log" 2>/dev/null ||
		problems="$problems rebuild-not-run"
	expect install-3 '^=== igdkit autorun end \(rc=0\) ===$' "$OUT/install-3.autorun.log" || return
	if [ -n "$problems" ]; then bad install-3 "after install:$problems"; return; fi
	ok install-3

	# 4: after --undo every file is as before
	# shellcheck disable=SC2086
	boot_stick install-4 uefi "install --list --target $uuid" "$pdir/setup-undone.sh" -- $disk ||
		{ bad install-4 "no autorun end marker"; return; }
	serial_text install-4
	grep '^install-test: sha256 ' "$OUT/install-4.serial.txt" > "$pdir/digest-undone"
	if [ -s "$pdir/digest-before" ] && cmp -s "$pdir/digest-before" "$pdir/digest-undone"; then
		ok install-4
	else
		bad install-4 "undo did not restore: $(diff "$pdir/digest-before" "$pdir/digest-undone" | head -5 | tr '\n' ' ')"
	fi
	unset STICK_PUT
}

# PVE's btrfs layout (no LVM): GPT with an ESP and a btrfs root made on the host
# from tests/data/pve/pve9-btrfs-sdboot (mkfs.btrfs --rootdir needs no root), with
# a fixed file system UUID. Boots: --list finds it; --target writes; --undo. The
# host reads the file system back with `btrfs restore`, which needs no mount.
run_install_btrfs_tests() {
	pdir=$OUT/btrfs
	fsid=6a1c0de5-1bd2-4e3f-9d7a-0b5e1ab7c0de
	mkdir -p "$pdir/root"
	cp -a "$TOP/tests/data/pve/pve9-btrfs-sdboot/." "$pdir/root/"
	mkdir -p "$pdir/root/var/lib/pve-cluster" "$pdir/root/bin" "$pdir/root/etc/pve" "$pdir/root/boot/efi"
	cp "$FIXTURES/pve-configdb/config.db" "$pdir/root/var/lib/pve-cluster/config.db"
	chmod 600 "$pdir/root/var/lib/pve-cluster/config.db"
	truncate -s 300M "$pdir/part.img"
	mkfs.btrfs -q -f -L root -U "$fsid" --rootdir "$pdir/root" "$pdir/part.img" >/dev/null 2>&1 ||
		{ bad btrfs-1 "mkfs.btrfs --rootdir failed"; return; }
	truncate -s 340M "$pdir/pve.img"
	printf 'label: gpt\nstart=2048, size=65536, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B\nstart=67584, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4\n' |
		sfdisk -q "$pdir/pve.img" || { bad btrfs-1 "sfdisk failed"; return; }
	dd if="$pdir/part.img" of="$pdir/pve.img" bs=512 seek=67584 conv=notrunc,sparse status=none
	disk="-drive if=none,id=pve,file=$pdir/pve.img,format=raw -device virtio-blk-pci,drive=pve,serial=igdkit-pve-target"
	dump=$FIXTURES/hw/snb-gigabyte-h61m-ds2/pci-host-igd.dump
	rom=$FIXTURES/vbios-legacy/snb-0102-vbios.rom
	export STICK_PUT="$dump:snb.dump $rom:test.rom"

	restore() {	# restore DIR: the btrfs root as it is now on the disk
		rm -rf "$1" "$pdir/part-now.img"
		mkdir -p "$1"
		dd if="$pdir/pve.img" of="$pdir/part-now.img" bs=512 skip=67584 status=none
		btrfs restore "$pdir/part-now.img" "$1" >/dev/null 2>&1
	}
	digest() { (cd "$1" && find etc usr/share/kvm var/lib/pve-cluster -type f 2>/dev/null | sort | xargs sha256sum); }

	# shellcheck disable=SC2086
	boot_stick btrfs-1 uefi "install --list" -- $disk || { bad btrfs-1 "no autorun end marker"; return; }
	expect btrfs-1 "$fsid" "$OUT/btrfs-1.autorun.log" &&
	expect btrfs-1 'btrfs' "$OUT/btrfs-1.autorun.log" &&
	expect btrfs-1 'PVE 9\.1\.1' "$OUT/btrfs-1.autorun.log" &&
	ok btrfs-1 || return

	# shellcheck disable=SC2086
	boot_stick btrfs-2 uefi "install --target $fsid --pci-dump /mnt/stick/snb.dump --rom /mnt/stick/test.rom --vmid 100 --yes --no-rebuild" -- $disk ||
		{ bad btrfs-2 "no autorun end marker"; return; }
	expect btrfs-2 '^=== igdkit autorun end \(rc=0\) ===$' "$OUT/btrfs-2.autorun.log" || return
	restore "$pdir/after"
	rm -rf "$pdir/host"
	cp -a "$pdir/root" "$pdir/host"
	"$B/igdkit" install --root "$pdir/host" --pci-dump "$dump" --rom "$rom" --vmid 100 --yes --no-rebuild > "$pdir/host.out" 2>&1 ||
		{ bad btrfs-2 "host-side --root install failed: $(tail -2 "$pdir/host.out")"; return; }
	compare_with_host "$pdir/host" "$pdir/after"
	if [ -n "$problems" ]; then bad btrfs-2 "after install on btrfs:$problems"; return; fi
	ok btrfs-2

	# shellcheck disable=SC2086
	boot_stick btrfs-3 uefi "install --undo --target $fsid --no-rebuild" -- $disk ||
		{ bad btrfs-3 "no autorun end marker"; return; }
	expect btrfs-3 '^=== igdkit autorun end \(rc=0\) ===$' "$OUT/btrfs-3.autorun.log" || return
	restore "$pdir/undone"
	digest "$pdir/root" > "$pdir/digest-before"
	digest "$pdir/undone" > "$pdir/digest-undone"
	if [ -s "$pdir/digest-before" ] && cmp -s "$pdir/digest-before" "$pdir/digest-undone"; then
		ok btrfs-3
	else
		bad btrfs-3 "undo on btrfs did not restore: $(diff "$pdir/digest-before" "$pdir/digest-undone" | head -4 | tr '\n' ' ')"
	fi
	unset STICK_PUT
}
