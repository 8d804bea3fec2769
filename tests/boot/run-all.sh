#!/bin/sh
# run-all.sh BUILD FIXTURES - boot tests of the real stick image under QEMU
set -u
B=$1
FIXTURES=$2
here=$(cd "$(dirname "$0")" && pwd)
IMG=$B/igdkit.img
ISO=$B/igdkit.iso
OUT=$B/boot
rm -rf "$OUT"
mkdir -p "$OUT"
TOP=$(cd "$here/../.." && pwd)
. "$here/lib.sh"
. "$here/install-test.sh"
. "$here/menu-test.sh"
. "$here/iso-test.sh"
detect_accel

passed=0 failed=0
ok() { passed=$((passed + 1)); echo "boot: ok   $1"; }
bad() {
	failed=$((failed + 1))
	echo "boot: FAIL $1: $2"
	[ -f "$OUT/$1.serial" ] && tail -25 "$OUT/$1.serial" | tr -d '\r' | sed 's/^/    | /'
}
# expect NAME PATTERN FILE: an extended regex that must match a line of FILE
expect() {
	grep -qE -- "$2" "$3" && return 0
	bad "$1" "no /$2/ in ${3##*/}"
	return 1
}
serial_text() { tr -d '\r' < "$OUT/$1.serial" > "$OUT/$1.serial.txt"; }
# version_run NAME: a `--version` autorun printed $version and ended with rc=0; leaves
# NAME.block (the autorun's output) and t (the whole serial text) for more checks
version_run() {
	serial_block "$1" > "$OUT/$1.block"
	serial_text "$1"
	t=$OUT/$1.serial.txt
	expect "$1" "^igdkit $version\$" "$OUT/$1.block" &&
		expect "$1" '^=== igdkit autorun end \(rc=0\) ===$' "$OUT/$1.block"
}

version=$(cat VERSION)
for fw in bios uefi uefi-sb; do
	name=version-$fw
	if ! boot_stick "$name" "$fw" "--version" "$here/setup-probe.sh"; then
		bad "$name" "no autorun end marker"
		continue
	fi
	version_run "$name" || continue
	# the log on the FAT partition holds the same text as the serial port
	if ! cmp -s "$OUT/$name.block" "$OUT/$name.autorun.log"; then
		bad "$name" "autorun.log on the IGDKIT partition differs from the serial output"
		continue
	fi
	expect "$name" 'igdkit-init: IGDKIT partition /dev/sd[a-z]1 mounted at /mnt/stick' "$t" || continue
	expect "$name" '^=== igdkit setup end \(rc=0\) ===$' "$t" || continue
	expect "$name" '^probe: msr=loaded$' "$t" || continue
	# drivers by modalias: the USB stick's before the autorun; the second part, unpacked
	# by the background step the setup hook waited for, with the disk controllers this
	# machine has (q35's AHCI); the target file systems and dm-mod not (they load when a
	# target is mounted: the install tests), nor drivers for devices it lacks (NVMe)
	expect "$name" '^probe: modules=.*usb_storage' "$t" || continue
	expect "$name" '^probe: extra=present$' "$t" || continue
	expect "$name" '^probe: drivers=done$' "$t" || continue
	case $fw in uefi*) expect "$name" '^probe: modules=(.* )?ahci ' "$t" || continue ;; esac
	if grep -qE '^probe: modules=.*( |=)(xfs|btrfs|ext4|dm_mod|nvme) ' "$t"; then
		bad "$name" "modules the machine does not use were loaded at boot: $(grep '^probe: modules=' "$t")"
		continue
	fi
	case $fw in
	bios)
		expect "$name" '^probe: efi=no$' "$t" || continue
		# SeaBIOS shadowed the VGA BIOS of the std VGA at 00:02.0 (SeaVGABIOS, 1234:1111)
		expect "$name" '^probe: vbios=/run/vbios.rom: the ROM of 0000:00:02.0 as the kernel shows it, [0-9]* bytes, x86 image for PCIR 1234:1111$' "$t" || continue
		expect "$name" '^probe: boot_to_setup=rc3 .*this is a legacy \(CSM\) boot: press the setup key' "$t" || continue
		# libflashrom, from the second part, runs its internal programmer: i440fx
		# is no chipset it knows, and there is no flash chip to find
		expect "$name" '^probe: flash=rc3 igdkit rom flash: error: no flash chip found \(WARNING: No chipset found' "$t" || continue ;;
	uefi)
		expect "$name" '^probe: efi=yes$' "$t" || continue
		expect "$name" '^probe: secureboot=06 00 00 00 00$' "$t" || continue
		# q35's default NIC (e1000e) sits at 00:02.0: its ROM BAR, as the kernel shows it. OVMF
		# offers boot-to-setup: NV+BS+RT, bit 0 set
		expect "$name" '^probe: vbios=/run/vbios.rom: the ROM of 0000:00:02.0 as the kernel shows it, [0-9]* bytes, x86 image for PCIR 8086:10d3$' "$t" || continue
		expect "$name" '^probe: boot_to_setup=rc1 .*the firmware will open its setup at the next boot' "$t" || continue
		expect "$name" '^probe: osindications=07 00 00 00 01 00 00 00 00 00 00 00$' "$t" || continue
		# q35's ICH9 is a chipset flashrom drives, but QEMU emulates no SPI flash behind it
		expect "$name" '^probe: flash=rc3 igdkit rom flash: error: (no flash chip found|probing the flash chip failed|reading the flash failed) ' "$t" || continue ;;
	uefi-sb)
		# Secure Boot really enforced inside the guest: the efivar, and the
		# lockdown Debian's kernel turns on only under Secure Boot.
		expect "$name" '^probe: efi=yes$' "$t" || continue
		expect "$name" '^probe: secureboot=06 00 00 00 01$' "$t" || continue
		expect "$name" '^probe: lockdown=none \[integrity\] confidentiality$' "$t" || continue
		# lockdown guards /dev/mem, not efivarfs: boot-to-setup still works
		expect "$name" '^probe: boot_to_setup=rc1 .*the firmware will open its setup at the next boot' "$t" || continue
		expect "$name" '^probe: osindications=07 00 00 00 01 00 00 00 00 00 00 00$' "$t" || continue
		# the flash is refused before libflashrom is even loaded
		expect "$name" '^probe: flash=rc3 igdkit rom flash: error: Secure Boot is on, so the kernel is locked down' "$t" || continue ;;
	esac
	ok "$name"
done

# A failing command's exit status reaches the end marker and the log.
name=rc-uefi
if boot_stick "$name" uefi "rom frobnicate"; then
	serial_block "$name" > "$OUT/$name.block"
	expect "$name" "is not a rom subcommand" "$OUT/$name.block" &&
	expect "$name" '^=== igdkit autorun end \(rc=2\) ===$' "$OUT/$name.block" &&
	expect "$name" '^=== igdkit autorun end \(rc=2\) ===$' "$OUT/$name.autorun.log" &&
	ok "$name"
else
	bad "$name" "no autorun end marker"
fi

# q35 with an emulated VT-d unit: the live kernel shows DMAR units and IOMMU
# groups, and `igdkit check` decodes the DMAR table and finds no Intel iGPU.
# The same boot's setup also runs the efivar test (setup-efivar): a second USB
# disk, made here, carries a real board's Setup module; the guest writes that
# board's SaSetup variable into OVMF through efivarfs in three states, runs
# `check --firmware` on the module each time, and deletes the variable again
# (before the autorun's plain check).
name=iommu-q35
vdir=$OUT/efivar
setup=$here/setup-probe.sh
vdisk=
if python3 "$here/efivar_test.py" make "$FIXTURES" "$vdir" > "$OUT/setup-efivar.make" 2>&1 &&
	make_testtools "$vdir/disk/testtools.tar" &&
	mkfs.fat -C -n IGDVARS "$vdir/vars.img" 16384 > /dev/null &&
	mcopy -i "$vdir/vars.img" "$vdir"/disk/* ::; then
	cat "$here/setup-probe.sh" "$here/setup-efivar.sh" > "$OUT/$name.setup"
	setup=$OUT/$name.setup
	vdisk="-drive if=none,id=vars,format=raw,file=$vdir/vars.img -device usb-storage,bus=usb.0,drive=vars"
else
	bad setup-efivar "cannot make the test disk: $(tail -2 "$OUT/setup-efivar.make")"
fi
# shellcheck disable=SC2086
if boot_stick "$name" uefi "check --json" "$setup" -- -device intel-iommu $vdisk; then
	serial_text "$name"
	t=$OUT/$name.serial.txt
	expect "$name" '^probe: dmar_table=yes$' "$t" &&
	expect "$name" '^probe: iommu=dmar0' "$t" &&
	expect "$name" '^probe: iommu_groups=[1-9][0-9]*$' "$t" &&
	expect "$name" '^probe: cmdline=.*intel_iommu=on' "$t" &&
	python3 "$here/assert_check.py" q35-iommu "$OUT/$name.autorun.log" > "$OUT/$name.assert" 2>&1 &&
	ok "$name" || bad "$name" "$(cat "$OUT/$name.assert" 2>/dev/null)"
	if [ -n "$vdisk" ]; then
		rm -rf "$vdir/out"
		mkdir -p "$vdir/out"
		mcopy -n -i "$vdir/vars.img" '::*.json' '::guest.log' "$vdir/out/" 2>/dev/null
		if python3 "$here/efivar_test.py" assert "$vdir" > "$OUT/setup-efivar.assert" 2>&1; then
			ok setup-efivar
		else
			bad setup-efivar "$(cat "$OUT/setup-efivar.assert")"
			grep '^efivar-test:' "$t" | sed 's/^/    | /'
		fi
	fi
else
	bad "$name" "no autorun end marker"
	[ -n "$vdisk" ] && bad setup-efivar "no autorun end marker"
fi

# Secure Boot guest: igdkit check sees the UEFI boot and Secure Boot through libefivar.
name=check-uefi-sb
if boot_stick "$name" uefi-sb "check --json"; then
	python3 "$here/assert_check.py" uefi-sb "$OUT/$name.autorun.log" > "$OUT/$name.assert" 2>&1 &&
	ok "$name" || bad "$name" "$(cat "$OUT/$name.assert")"
else
	bad "$name" "no autorun end marker"
fi

# The menu's ROM step: a firmware file dropped onto the stick becomes a checked
# igd.rom on the stick. Comet Lake GOP inside an OVMF build, no VBIOS in it: the
# OVMF chain, byte-identical to `rom build --igd-helpers` on the loose GOP here,
# and its last image (73728 bytes) to EDK2's `EfiRom -f 0x8086 -i 0x9bc8 -e` of
# that GOP alone (EXPECTED.md).
name=rom-make
fw=$FIXTURES/ovmf-gop-cml/OVMF_CODE.fd
if [ ! -f "$fw" ]; then
	bad "$name" "fixture $fw missing"
elif STICK_PUT="$fw:CML.FD" boot_stick "$name" bios "rom make /mnt/stick/CML.FD --device 8086:9bc8 -o /mnt/stick/igd.rom"; then
	serial_block "$name" > "$OUT/$name.block"
	mcopy -n -i "$OUT/$name.img@@1048576" ::igd.rom "$OUT/$name.igd.rom" 2>/dev/null
	"$B/igdkit" rom build --igd-helpers --efi "$FIXTURES/ovmf-gop-cml/IntelGopDriver.efi" --device 0x9bc8 \
		-o "$OUT/$name.host.rom" -q > /dev/null 2>&1
	gop=$(tail -c 73728 "$OUT/$name.igd.rom" 2>/dev/null | sha256sum | cut -d' ' -f1)
	expect "$name" '^=== igdkit autorun end \(rc=0\) ===$' "$OUT/$name.block" &&
	expect "$name" 'Verdict: ok' "$OUT/$name.block" &&
	expect "$name" '^OVMF chain: complete' "$OUT/$name.block" &&
	if ! cmp -s "$OUT/$name.igd.rom" "$OUT/$name.host.rom"; then
		bad "$name" "igd.rom on the stick differs from rom build --igd-helpers of the same GOP"
	elif [ "$gop" != debbb669ed1e1d1921b936dfa1661ef7f116888041c799b3859e35c9051481af ]; then
		bad "$name" "the GOP image of igd.rom has sha256 $gop, not EfiRom's"
	else
		ok "$name"
	fi
else
	bad "$name" "no autorun end marker"
fi

# igdkit's own EFI drivers inside OVMF: an e1000 at 00:02.0 stands in for the
# IGD through --test-accept; OpRegion, BDSM and the VBT hand-off are read back
# from guest memory, then the stick boots in that guest (its "firmware access"
# entry) and its check must see the same; without the fw_cfg files nothing changes.
name=efi-drivers
if python3 "$here/efidrv/firmware_test.py" "$B" "$FIXTURES" "$OUT/efidrv" > "$OUT/$name.out" 2>&1; then
	ok "$name"
else
	bad "$name" "$(head -5 "$OUT/$name.out" | tr '\n' ' ')"
fi

run_install_tests
run_install_btrfs_tests
run_menu_tests

run_iso_tests

# Interactive boot (no autorun): greeting, the menu on ttyS0 and tty1, its Quit, a working root shell.
name=interactive-bios
if python3 "$here/interactive.py" "$IMG" "$OUT" "$ACCEL" "$CPU" > "$OUT/$name.out" 2>&1; then
	ok "$name"
else
	bad "$name" "$(tail -3 "$OUT/$name.out" | tr '\n' ' ')"
fi

echo "boot: times:"; sed 's/^/    /' "$OUT/times" 2>/dev/null
echo "boot: $passed passed, $failed failed"
[ "$failed" = 0 ]
