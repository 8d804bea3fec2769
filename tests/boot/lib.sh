# lib.sh - boot the real igdkit.img under QEMU as a USB stick (sourced by run-all.sh)
#
# boot_stick NAME FIRMWARE ARGS [SETUP_SCRIPT] [-- EXTRA QEMU ARGS...]
#   FIRMWARE: bios (SeaBIOS, -machine pc), uefi (OVMF, q35), uefi-sb (OVMF Secure
#   Boot with Microsoft keys, q35 smm=on). ARGS go to opt/igdkit/autorun.
#   Leaves $OUT/NAME.serial (the serial console), $OUT/NAME.img (the stick after
#   the run) and $OUT/NAME.autorun.log (read back from the FAT with mtools).
#   Returns 0 when the autorun end marker appeared.
#   STICK_PUT="HOSTFILE:NAME ..." copies files onto the IGDKIT partition first,
#   the way a user drops a vendor BIOS file onto the stick from another computer.

OVMF_DIR=${OVMF_DIR:-/usr/share/OVMF}
BOOT_TIMEOUT=${BOOT_TIMEOUT:-300}
export MTOOLS_SKIP_CHECK=1

# KVM exists on some machines but aborts or hangs on others: prove it boots
# SeaBIOS to its "no bootable device" message before trusting it.
detect_accel() {
	if [ -n "${IGDKIT_ACCEL:-}" ]; then
		ACCEL=$IGDKIT_ACCEL
	else
		ACCEL=tcg
		if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
			dbg=$OUT/kvm-probe.log
			rm -f "$dbg"
			timeout 20 qemu-system-x86_64 -accel kvm -cpu host -machine pc -m 64 -display none \
				-nodefaults -no-reboot -chardev file,id=dbg,path="$dbg" \
				-device isa-debugcon,iobase=0x402,chardev=dbg >/dev/null 2>&1
			grep -q 'No bootable device' "$dbg" 2>/dev/null && ACCEL=kvm
		fi
	fi
	if [ "$ACCEL" = kvm ]; then CPU=host; else CPU=max; fi
	echo "boot: accelerator $ACCEL (cpu $CPU)"
}

boot_stick() {
	name=$1 fw=$2 args=$3
	shift 3
	setup=
	if [ $# -gt 0 ] && [ "$1" != -- ]; then setup=$1; shift; fi
	[ "${1:-}" = -- ] && shift
	img=$OUT/$name.img
	cp --sparse=always "$IMG" "$img"
	for put in ${STICK_PUT:-}; do
		mcopy -o -i "$img@@1048576" "${put%%:*}" "::${put#*:}" || return 1
	done
	printf '%s' "$args" > "$OUT/$name.args"
	set -- -fw_cfg "name=opt/igdkit/autorun,file=$OUT/$name.args" "$@"
	[ -n "$setup" ] && set -- -fw_cfg "name=opt/igdkit/setup,file=$setup" "$@"
	case $fw in
	bios)
		set -- -machine pc "$@" ;;
	uefi)
		cp "$OVMF_DIR/OVMF_VARS_4M.fd" "$OUT/$name.vars"
		set -- -machine q35 \
			-drive "if=pflash,format=raw,readonly=on,file=$OVMF_DIR/OVMF_CODE_4M.fd" \
			-drive "if=pflash,format=raw,file=$OUT/$name.vars" "$@" ;;
	uefi-sb)
		cp "$OVMF_DIR/OVMF_VARS_4M.ms.fd" "$OUT/$name.vars"
		set -- -machine q35,smm=on -global driver=cfi.pflash01,property=secure,value=on \
			-drive "if=pflash,format=raw,readonly=on,file=$OVMF_DIR/OVMF_CODE_4M.secboot.fd" \
			-drive "if=pflash,format=raw,file=$OUT/$name.vars" "$@" ;;
	*) echo "boot_stick: unknown firmware $fw" >&2; return 2 ;;
	esac
	start=$(date +%s%N)
	timeout "$BOOT_TIMEOUT" qemu-system-x86_64 -accel "$ACCEL" -cpu "$CPU" -m 1024 -smp 2 \
		-display none -monitor none -no-reboot -serial "file:$OUT/$name.serial" \
		-device qemu-xhci,id=usb \
		-drive "if=none,id=stick,format=raw,file=$img" \
		-device usb-storage,bus=usb.0,drive=stick,bootindex=0 \
		"$@" > "$OUT/$name.qemu.log" 2>&1
	qrc=$?
	end=$(date +%s%N)
	echo "$name $(( (end - start) / 1000000 ))ms" >> "$OUT/times"
	[ $qrc = 124 ] && echo "boot: $name: timed out after ${BOOT_TIMEOUT}s" >&2
	mtype -i "$img@@1048576" ::autorun.log 2>/dev/null | tr -d '\r' > "$OUT/$name.autorun.log"
	grep -q '=== igdkit autorun end (rc=' "$OUT/$name.serial"
}

# The autorun block as it appeared on the serial port (CRs removed).
serial_block() {
	tr -d '\r' < "$OUT/$1.serial" | sed -n '/^=== igdkit autorun begin ===$/,/^=== igdkit autorun end (rc=[0-9]*) ===$/p'
}
