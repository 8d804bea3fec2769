# install-test.sh - `igdkit install` on the stick against a real disk (sourced by run-all.sh)
#
# A second virtual disk (serial igdkit-pve-target) becomes a PVE-installer
# layout inside the guest: GPT, ESP, LVM VG pve with LV root (ext4) holding
# tests/data/pve/pve8-grub and the real config.db made by pmxcfs. Five boots on
# the same disk:
#   1 create the layout; autorun `install --list` finds the install
#   2 digest the files; autorun `install --target UUID --yes` (with the chroot
#     rebuild running the target's own update-initramfs/update-grub doubles)
#   3 digest again and copy the target out; autorun `install --undo --target UUID`
#   4 digest: identical to boot 2. Then the layout is broken the way users break
#     it (config.db pmxcfs refuses, VM 100 with the iGPU starting at boot and a
#     misspelt option, igfx_off and a repeat in GRUB, vfio disable_vga and another
#     iGPU's id); autorun `repair --target UUID --yes`
#   5 digest and copy out the repaired target, run repair again (nothing found)
#     and `install --undo` (identical to the broken disk), all from the setup;
#     autorun `repair --target UUID --json` finds the breakage again
# The files written through --target must equal what the same install (repair)
# writes through --root on the host (which the unit tests pin down byte for byte).

vm() { sqlite3 "$1" "select data from tree where name = '100.conf'"; }

# compare_with_host HOST AFTER: sets $problems to what differs between the tree
# the host-side --root install wrote (HOST) and the target read back (AFTER):
# every file under etc and usr/share/kvm, VM 100's config, config.db integrity.
compare_with_host() {
	problems=
	for f in $(cd "$1" && find etc usr/share/kvm -type f 2>/dev/null | sort); do
		cmp -s "$1/$f" "$2/$f" || problems="$problems $f"
	done
	[ "$(vm "$1/var/lib/pve-cluster/config.db")" = "$(vm "$2/var/lib/pve-cluster/config.db")" ] ||
		problems="$problems config.db:100.conf"
	[ "$(sqlite3 "$2/var/lib/pve-cluster/config.db" 'pragma integrity_check')" = ok ] ||
		problems="$problems config.db-integrity"
}

# make_testtools TAR: sfdisk, mkfs.ext4 and chattr with their libraries, for the
# guest side to unpack: the stick carries only what igdkit runs, and the PVE
# layout is made inside the guest with the same tools the Proxmox installer uses
# (chattr: efivarfs creates a board's own variable immutable, the efivar test
# rewrites and deletes one).
make_testtools() {
	tt=$OUT/testtools
	rm -rf "$tt"
	mkdir -p "$tt/bin" "$tt/lib"
	for t in sfdisk mke2fs chattr; do
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
	make_repair_broken || { bad repair-1 "cannot build the broken layout on the host"; return; }
	for m in create before after break repaired; do
		{ echo "MODE=$m"; cat "$here/install/setup.sh"; } > "$pdir/setup-$m.sh"
	done
	# The stick image is fresh each boot; the PVE disk persists across them.
	export STICK_PUT="$pdir/pve-root.tar:pve-root.tar $pdir/repair-broken.tar:repair-broken.tar $pdir/testtools.tar:testtools.tar $dump:snb.dump $rom:test.rom"

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

	# 4: after --undo every file is as before; then broken, and repaired
	# shellcheck disable=SC2086
	boot_stick install-4 uefi "repair --target $uuid --pci-dump /mnt/stick/snb.dump --yes" "$pdir/setup-break.sh" -- $disk ||
		{ bad install-4 "no autorun end marker"; return; }
	serial_text install-4
	grep '^install-test: sha256 ' "$OUT/install-4.serial.txt" > "$pdir/digest-undone"
	if [ -s "$pdir/digest-before" ] && cmp -s "$pdir/digest-before" "$pdir/digest-undone"; then
		ok install-4
	else
		bad install-4 "undo did not restore: $(diff "$pdir/digest-before" "$pdir/digest-undone" | head -5 | tr '\n' ' ')"
	fi
	run_repair_checks
	unset STICK_PUT
}

# The host side of the repair: pve-root broken by the same edits as on the disk,
# repaired through --root (the result the guest's --target repair must equal).
make_repair_broken() {
	rm -rf "$pdir/broken" "$pdir/rhost"
	cp -a "$pdir/root" "$pdir/broken"
	tarball=$(cd "$pdir" && pwd)/repair-broken.tar
	(
		cd "$pdir/broken" || exit 1
		db=var/lib/pve-cluster/config.db
		mkdir -p etc/modprobe.d &&
		printf 'options vfio-pci ids=8086:3e91 disable_vga=1\n' > etc/modprobe.d/vfio.conf &&
		sed -i 's/^GRUB_CMDLINE_LINUX_DEFAULT="quiet"$/GRUB_CMDLINE_LINUX_DEFAULT="quiet intel_iommu=on,igfx_off iommu=pt iommu=pt"/' etc/default/grub &&
		grep -q igfx_off etc/default/grub &&
		sqlite3 "$db" "update tree set data = cast(cast(data as text) || 'onboot: 1' || char(10) ||
			'hostpci0: 0000:00:02.0,legacy_igd=1' || char(10) as blob) where name = '100.conf';
			insert into tree values (40, 99, 40, 0, 1795600664, 8, 'stray.cfg', x'78');
			update tree set version = 5 where inode = 0;" &&
		tar -cf "$tarball" --owner=0 --group=0 etc/default/grub etc/modprobe.d/vfio.conf "$db"
	) || return 1
	cp -a "$pdir/broken" "$pdir/rhost"
	IGDKIT_REBUILD_NO_CHROOT=1 "$B/igdkit" repair --root "$pdir/rhost" --pci-dump "$dump" --yes > "$pdir/rhost.out" 2>&1
	[ $? = 1 ] && grep -q '^Written; backup and manifest' "$pdir/rhost.out"
}

# rows DB: config.db's rows without mtime (the VM row's mtime is the time of the write)
rows() { sqlite3 "$1" "select inode, parent, version, writer, type, name, hex(data) from tree order by inode"; }

run_repair_checks() {
	t=$OUT/install-4.serial.txt
	a=$OUT/install-4.autorun.log
	# fixes applied: exit 1, every finding of the breakage named, the rebuild run in the target
	expect repair-1 '^=== igdkit autorun end \(rc=1\) ===$' "$a" &&
	expect repair-1 '^Written; backup and manifest in /var/lib/igdkit/backup/' "$a" || return
	for id in db-orphan db-version cmdline-bad-word cmdline-duplicate vfio-wrong-id vfio-disable-vga modules-virqfd \
		vm-hostpci-option vm-onboot vm-legacy-vga; do
		expect repair-1 "^fix  \[$id\] " "$a" || return
	done
	grep '^install-test: broken ' "$t" | sed 's/^install-test: broken /install-test: sha256 /' > "$pdir/digest-broken"
	cmp -s "$pdir/digest-broken" "$pdir/digest-undone" && { bad repair-1 "the breakage changed nothing on the disk"; return; }
	loglines=$(sed -n 's/^install-test: rebuild_log_lines=\([0-9]*\)$/\1/p' "$t")
	[ -n "$loglines" ] || { bad repair-1 "the setup did not break the layout"; return; }
	ok repair-1

	# 5: read back, second run, undo, read again; autorun: the dry run finds the breakage again
	# shellcheck disable=SC2086
	boot_stick repair-2 uefi "repair --target $uuid --pci-dump /mnt/stick/snb.dump --json" "$pdir/setup-repaired.sh" -- $disk ||
		{ bad repair-2 "no autorun end marker"; return; }
	serial_text repair-2
	t=$OUT/repair-2.serial.txt
	rm -rf "$pdir/repaired"
	mkdir -p "$pdir/repaired"
	mcopy -n -i "$OUT/repair-2.img@@1048576" ::repaired.tar "$pdir/repaired.tar" 2>/dev/null &&
		tar -xf "$pdir/repaired.tar" -C "$pdir/repaired" 2>/dev/null ||
		{ bad repair-2 "no repaired.tar on the stick"; return; }
	compare_with_host "$pdir/rhost" "$pdir/repaired"
	rdb=$pdir/repaired/var/lib/pve-cluster/config.db
	[ "$(rows "$pdir/rhost/var/lib/pve-cluster/config.db")" = "$(rows "$rdb")" ] || problems="$problems config.db-rows"
	# what the fixes are, read back from the disk itself
	[ "$(cat "$pdir/repaired/etc/modprobe.d/vfio.conf")" = 'options vfio-pci ids=8086:0102' ] || problems="$problems vfio.conf"
	grep -qx 'GRUB_CMDLINE_LINUX_DEFAULT="quiet intel_iommu=on iommu=pt"' "$pdir/repaired/etc/default/grub" ||
		problems="$problems grub"
	grep -q vfio_virqfd "$pdir/repaired/etc/modules" && problems="$problems modules"
	vm "$rdb" > "$pdir/repaired-100.conf"
	for l in 'onboot: 0' 'hostpci0: 0000:00:02.0,legacy-igd=1' 'vga: none'; do
		grep -qx "$l" "$pdir/repaired-100.conf" || problems="$problems 100.conf:$l"
	done
	[ "$(sqlite3 "$rdb" "select count(*) from tree where name = 'stray.cfg'")" = 0 ] || problems="$problems stray.cfg-kept"
	[ "$(sqlite3 "$rdb" 'select version >= (select max(max(inode), max(version)) from tree) from tree where inode = 0')" = 1 ] ||
		problems="$problems __version__"
	# VM 101 (untouched by any finding) keeps its bytes
	[ "$(sqlite3 "$rdb" "select hex(data) from tree where name = '101.conf'")" = \
		"$(sqlite3 "$pdir/broken/var/lib/pve-cluster/config.db" "select hex(data) from tree where name = '101.conf'")" ] ||
		problems="$problems 101.conf"
	now=$(grep -c . "$pdir/repaired/var/log/igdkit-test-rebuild.log" 2>/dev/null)
	tail -n +$((loglines + 1)) "$pdir/repaired/var/log/igdkit-test-rebuild.log" > "$pdir/repair-rebuild.log" 2>/dev/null
	grep -q '^update-initramfs -u -k all' "$pdir/repair-rebuild.log" && grep -q '^update-grub' "$pdir/repair-rebuild.log" ||
		problems="$problems rebuild-not-run(${loglines}->${now:-none})"
	if [ -n "$problems" ]; then bad repair-2 "after repair:$problems"; return; fi
	# a second run finds nothing; the undo brings the broken disk back byte for byte
	expect repair-2 '^install-test: second_rc=0$' "$t" &&
	expect repair-2 '^install-test: second: Nothing wrong found\.$' "$t" &&
	expect repair-2 '^install-test: undo_rc=0$' "$t" || return
	grep '^install-test: undone ' "$t" | sed 's/^install-test: undone /install-test: sha256 /' > "$pdir/digest-repair-undone"
	if ! cmp -s "$pdir/digest-broken" "$pdir/digest-repair-undone"; then
		bad repair-2 "undo of the repair did not restore: $(diff "$pdir/digest-broken" "$pdir/digest-repair-undone" | head -5 | tr '\n' ' ')"
		return
	fi
	# the restored breakage, seen again by the dry run (nothing written)
	expect repair-2 '^=== igdkit autorun end \(rc=1\) ===$' "$OUT/repair-2.autorun.log" || return
	sed '/^=== igdkit autorun/d' "$OUT/repair-2.autorun.log" > "$pdir/repair-2.json"
	if python3 - "$pdir/repair-2.json" > "$pdir/repair-2.assert" 2>&1 <<-'PY'
		import json, sys
		# stdout (the document) comes first; messages on stderr may follow it
		j, _ = json.JSONDecoder().raw_decode(open(sys.argv[1]).read().lstrip())
		ids = {f["id"] for f in j["findings"] if f["automatic"]}
		want = {"db-orphan", "db-version", "vm-onboot", "vfio-disable-vga", "cmdline-bad-word", "modules-virqfd"}
		assert want <= ids, "missing %s" % sorted(want - ids)
		assert j["written"] is False and j["backup_id"] is None, "the dry run wrote"
		assert j["node"] == "pve" and j["clustered"] is False
	PY
	then
		ok repair-2
	else
		bad repair-2 "repair --json: $(tail -1 "$pdir/repair-2.assert")"
	fi
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
