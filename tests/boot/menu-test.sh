# menu-test.sh - `igdkit menu` end to end on the stick (sourced by run-all.sh and tests/bench)
#
# Two boots without an autorun request, OVMF, with the PVE-installer-style disk of the
# install test (tests/boot/install/setup.sh builds it inside the guest) and a firmware file
# on the IGDKIT partition (a Comet Lake GOP inside an OVMF build). The live machine has no
# Intel iGPU, so a lspci dump stands in for it: the Sandy Bridge fixture with its 00:02.0
# renamed to 8086:9bc8, passed to the menu by the setup hook (/run/igdkit-menu.env).
#   menu-write  tests/boot/menu/drive.py walks check -> firmware -> ROM -> install -> Yes ->
#               report, then reads the target back onto the stick. The files and VM 100's
#               config.db row must equal what `igdkit install --firmware ... --yes` writes
#               (through --root on the host, as the install test compares), igd.rom and the
#               report must be on the IGDKIT partition.
#   menu-esc    the same disk: "New VM", then Esc at "Write these changes?": the disk must
#               be byte-identical afterwards.

run_menu_tests() {
	mdir=$OUT/menu
	rm -rf "$mdir"
	mkdir -p "$mdir/root"
	fwfile=$FIXTURES/ovmf-gop-cml/OVMF_CODE.fd
	snbdump=$FIXTURES/hw/snb-gigabyte-h61m-ds2/pci-host-igd.dump
	if [ ! -f "$fwfile" ] || [ ! -f "$snbdump" ]; then
		bad menu-write "fixtures $fwfile or $snbdump missing"
		return
	fi
	cp -a "$TOP/tests/data/pve/pve8-grub/." "$mdir/root/"
	mkdir -p "$mdir/root/var/lib/pve-cluster"
	cp "$FIXTURES/pve-configdb/config.db" "$mdir/root/var/lib/pve-cluster/config.db"
	chmod 600 "$mdir/root/var/lib/pve-cluster/config.db"
	tar -cf "$mdir/pve-root.tar" --owner=0 --group=0 -C "$mdir/root" .
	make_testtools "$mdir/testtools.tar" || { bad menu-write "could not bundle sfdisk and mke2fs"; return; }
	sed -e '/^00:02.0/s/\[8086:0102\]/[8086:9bc8]/' -e '/^00:02.0/,/^00:/s/^00: 86 80 02 01/00: 86 80 c8 9b/' \
		"$snbdump" > "$mdir/cml.dump"
	grep -q '^00: 86 80 c8 9b' "$mdir/cml.dump" || { bad menu-write "could not make the 8086:9bc8 dump"; return; }
	menu_env='echo IGDKIT_MENU_ARGS=\"--pci-dump /mnt/stick/cml.dump\" > /run/igdkit-menu.env'
	{ echo "MODE=create"; cat "$here/install/setup.sh"; echo "$menu_env"; } > "$mdir/setup-write.sh"
	echo "$menu_env" > "$mdir/setup-esc.sh"
	rm -f "$mdir/pve.img"
	truncate -s 1G "$mdir/pve.img"

	# 1: write through the menu
	drive_menu write "$fwfile:CML.FD" "$mdir/cml.dump:cml.dump" "$mdir/pve-root.tar:pve-root.tar" \
		"$mdir/testtools.tar:testtools.tar" || return
	rm -rf "$mdir/after" "$mdir/host"
	mkdir -p "$mdir/after"
	mcopy -n -i "$img@@1048576" ::after.tar "$mdir/after.tar" 2>/dev/null &&
		tar -xf "$mdir/after.tar" -C "$mdir/after" 2>/dev/null ||
		{ bad menu-write "no after.tar on the stick"; return; }
	cp -a "$mdir/root" "$mdir/host"
	IGDKIT_REBUILD_NO_CHROOT=1 "$B/igdkit" install --root "$mdir/host" --pci-dump "$mdir/cml.dump" --firmware "$fwfile" \
		--vmid 100 --yes > "$mdir/host.out" 2>&1 ||
		{ bad menu-write "host-side install --firmware failed: $(tail -2 "$mdir/host.out")"; return; }
	compare_with_host "$mdir/host" "$mdir/after"
	vm "$mdir/after/var/lib/pve-cluster/config.db" | grep -q '^hostpci0: 0000:00:02.0' || problems="$problems no-hostpci0"
	grep -q '^update-initramfs -u -k all' "$mdir/after/var/log/igdkit-test-rebuild.log" 2>/dev/null ||
		problems="$problems rebuild-not-run"
	# the stick: igd.rom equal to the ROM install put into /usr/share/kvm, the report
	mcopy -n -i "$img@@1048576" ::igd.rom "$mdir/igd.rom" 2>/dev/null || problems="$problems no-igd.rom"
	romname=$(cd "$mdir/host/usr/share/kvm" 2>/dev/null && ls | head -1)
	cmp -s "$mdir/igd.rom" "$mdir/host/usr/share/kvm/$romname" 2>/dev/null || problems="$problems igd.rom-differs"
	report=$(mdir -b -i "$img@@1048576" :: 2>/dev/null | tr -d '\r' | grep -o 'igdkit-report-[0-9TZ]*\.txt' | tail -1)
	if [ -z "$report" ]; then
		problems="$problems no-report"
	else
		mtype -i "$img@@1048576" "::$report" | tr -d '\r' > "$mdir/report.txt"
		for want in '==== check ====' 'Intel GOP driver build' '==== plan and diff' 'hostpci0: 0000:00:02.0' \
			'==== what was written' 'igdkit-install-manifest' 'screen confirm'; do
			grep -qF -- "$want" "$mdir/report.txt" || problems="$problems report-lacks:$(echo "$want" | tr ' ' _)"
		done
		uuid=$(tr -d '\r' < "$OUT/menu-write.serial" | sed -n 's/^install-test: vg_uuid=\([A-Za-z0-9-]*\).*/\1/p' | tail -1)
		[ -n "$uuid" ] && grep -qF "$uuid" "$mdir/report.txt" && problems="$problems report-shows-vg-uuid"
	fi
	if [ -n "$problems" ]; then bad menu-write "after the menu's install:$problems"; return; fi
	ok menu-write

	[ -n "${MENU_WRITE_ONLY:-}" ] && return
	# 2: Esc at the final question leaves the disk as it was, byte for byte
	cp --sparse=always "$mdir/pve.img" "$mdir/pve-before-esc.img"
	drive_menu esc "$fwfile:CML.FD" "$mdir/cml.dump:cml.dump" || return
	if cmp -s "$mdir/pve-before-esc.img" "$mdir/pve.img"; then
		ok menu-esc
	else
		bad menu-esc "the disk changed although Esc was pressed at the final question: $(cmp "$mdir/pve-before-esc.img" "$mdir/pve.img" | head -1)"
	fi
	rm -f "$mdir/pve-before-esc.img"
}

# drive_menu MODE FROM:TO...: menu/drive.py MODE on a fresh copy of the stick (left in img) with
# the files FROM put on its IGDKIT partition as TO; a failure is reported as menu-MODE (status 1).
drive_menu() {
	mode=$1
	shift
	img=$mdir/stick-$mode.img
	cp --sparse=always "$IMG" "$img"
	for put in "$@"; do
		mcopy -o -i "$img@@1048576" "${put%%:*}" "::${put#*:}" || { bad "menu-$mode" "mcopy failed"; return 1; }
	done
	python3 "$here/menu/drive.py" "$mode" "$img" "$mdir/pve.img" "$mdir/setup-$mode.sh" "$OUT" "$ACCEL" "$CPU" \
		> "$OUT/menu-$mode.out" 2>&1 && return 0
	bad "menu-$mode" "$(tail -3 "$OUT/menu-$mode.out" | tr '\n' ' ')"
	return 1
}
