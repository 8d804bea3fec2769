# iso-test.sh - boot tests of build/igdkit.iso (sourced by run-all.sh)
#
# The ISO: the same chain from a read-only medium, on every firmware. As a CD
# (El Torito: GRUB's eltorito core on BIOS, the appended ESP on UEFI) and as a
# USB stick it was dd'd to (boot_hybrid.img in the MBR; the ESP as MBR
# partition 2). With no other stick the logs stay in RAM and init says so; with
# a second stick labelled IGDKIT the log lands there, as on the stick itself.

run_iso_tests() {
	version=$(cat "$TOP/VERSION")
	logstick=$OUT/logstick.img
	rm -f "$logstick" "$OUT/logstick.part"
	truncate -s 33M "$OUT/logstick.part"
	mkfs.fat -F 32 -s 1 -n IGDKIT -h 2048 "$OUT/logstick.part" >/dev/null
	truncate -s 34M "$logstick"
	printf 'label: dos\nstart=2048, type=c\n' | sfdisk -q "$logstick"
	dd if="$OUT/logstick.part" of="$logstick" bs=1M seek=1 conv=notrunc,sparse status=none
	for run in cd:bios cd:uefi:logstick cd:uefi-sb usb:bios usb:uefi-sb; do
		how=${run%%:*} fw=${run#*:} logs=
		case $fw in *:logstick) fw=${fw%:logstick} logs=$logstick ;; esac
		name=iso-$how-$fw
		if ! LOGSTICK=$logs boot_iso "$name" "$fw" "$how" "--version" "$here/setup-probe.sh"; then
			bad "$name" "no autorun end marker"
			continue
		fi
		version_run "$name" || continue
		expect "$name" '^probe: cmdline=.* igdkit\.medium=iso' "$t" || continue
		# GRUB loaded the initrd's second part too: the medium may be gone later
		expect "$name" '^probe: extra=present$' "$t" || continue
		if [ -n "$logs" ]; then
			expect "$name" 'igdkit-init: IGDKIT partition /dev/sd[a-z]1 mounted at /mnt/stick' "$t" || continue
			if ! cmp -s "$OUT/$name.block" "$OUT/$name.autorun.log"; then
				bad "$name" "autorun.log on the second stick differs from the serial output"
				continue
			fi
		else
			expect "$name" 'igdkit-init: booted from the ISO and no writable IGDKIT stick: they stay in RAM \(/run/igdkit\)' "$t" || continue
		fi
		case $fw in
		bios) expect "$name" '^probe: efi=no$' "$t" || continue ;;
		uefi) expect "$name" '^probe: secureboot=06 00 00 00 00$' "$t" || continue ;;
		uefi-sb)
			expect "$name" '^probe: secureboot=06 00 00 00 01$' "$t" || continue
			expect "$name" '^probe: lockdown=none \[integrity\] confidentiality$' "$t" || continue ;;
		esac
		ok "$name"
	done
}
