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
#
# boot_iso NAME FIRMWARE HOW ARGS [SETUP_SCRIPT] [-- EXTRA QEMU ARGS...]
#   The same with $ISO: HOW=cd attaches it as a CD (IDE on pc, SATA on q35),
#   HOW=usb as a USB stick it was dd'd to. LOGSTICK=FILE adds a second USB
#   stick (no boot index) whose FAT partition at 1 MiB takes the logs; its
#   autorun.log is read back into $OUT/NAME.autorun.log.

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

boot_iso() {
	name=$1 fw=$2 how=$3 args=$4
	shift 4
	BOOT_MEDIUM=iso-$how boot_stick "$name" "$fw" "$args" "$@"
}

boot_stick() {
	name=$1 fw=$2 args=$3
	shift 3
	setup=
	if [ $# -gt 0 ] && [ "$1" != -- ]; then setup=$1; shift; fi
	[ "${1:-}" = -- ] && shift
	img=$OUT/$name.img
	logimg=$img
	case ${BOOT_MEDIUM:-stick} in
	stick)
		cp --sparse=always "$IMG" "$img"
		for put in ${STICK_PUT:-}; do
			mcopy -o -i "$img@@1048576" "${put%%:*}" "::${put#*:}" || return 1
		done
		set -- -drive "if=none,id=stick,format=raw,file=$img" \
			-device usb-storage,bus=usb.0,drive=stick,bootindex=0 "$@" ;;
	iso-cd)
		set -- -drive "if=none,id=cd,media=cdrom,format=raw,readonly=on,file=$ISO" \
			-device ide-cd,drive=cd,bootindex=0 "$@" ;;
	iso-usb)
		cp "$ISO" "$img"
		set -- -drive "if=none,id=stick,format=raw,file=$img" \
			-device usb-storage,bus=usb.0,drive=stick,bootindex=0 "$@" ;;
	*) echo "boot_stick: unknown medium $BOOT_MEDIUM" >&2; return 2 ;;
	esac
	case ${BOOT_MEDIUM:-stick} in
	iso-*)
		logimg=
		if [ -n "${LOGSTICK:-}" ]; then
			logimg=$OUT/$name.logstick.img
			cp --sparse=always "$LOGSTICK" "$logimg"
			set -- -drive "if=none,id=logs,format=raw,file=$logimg" -device usb-storage,bus=usb.0,drive=logs "$@"
		fi ;;
	esac
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
	: > "$OUT/$name.serial"
	start=$(date +%s%N)
	timeout "$BOOT_TIMEOUT" qemu-system-x86_64 -accel "$ACCEL" -cpu "$CPU" -m 1024 -smp 2 \
		-display none -monitor none -no-reboot -serial "file:$OUT/$name.serial" \
		-device qemu-xhci,id=usb \
		"$@" > "$OUT/$name.qemu.log" 2>&1 &
	qpid=$!
	# when the end marker reached the serial port (boot-to-autorun-end, for
	# make bench), polled while QEMU runs
	mark=
	while kill -0 $qpid 2>/dev/null; do
		if [ -z "$mark" ] && grep -q '=== igdkit autorun end (rc=' "$OUT/$name.serial"; then
			mark=$(( ($(date +%s%N) - start) / 1000000 ))
		fi
		sleep 0.1
	done
	wait $qpid
	qrc=$?
	end=$(date +%s%N)
	# printed just before QEMU exited, between two looks
	[ -z "$mark" ] && grep -q '=== igdkit autorun end (rc=' "$OUT/$name.serial" && mark=$(( (end - start) / 1000000 ))
	echo "$name $(( (end - start) / 1000000 ))ms end-marker ${mark:-none}ms" >> "$OUT/times"
	[ $qrc = 124 ] && echo "boot: $name: timed out after ${BOOT_TIMEOUT}s" >&2
	: > "$OUT/$name.autorun.log"
	[ -n "$logimg" ] && mtype -i "$logimg@@1048576" ::autorun.log 2>/dev/null | tr -d '\r' > "$OUT/$name.autorun.log"
	grep -q '=== igdkit autorun end (rc=' "$OUT/$name.serial"
}

# The autorun block as it appeared on the serial port (CRs removed).
serial_block() {
	tr -d '\r' < "$OUT/$1.serial" | sed -n '/^=== igdkit autorun begin ===$/,/^=== igdkit autorun end (rc=[0-9]*) ===$/p'
}
