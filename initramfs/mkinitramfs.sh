#!/bin/sh
# mkinitramfs.sh BUILD - the stick's busybox initramfs, built without root
#
# Two parts. BUILD/initrd.img: busybox-static, igdkit with exactly the shared
# libraries it needs (copied from this Debian 12 build machine, found with
# ldd) and the kernel modules of modules.list with their dependencies
# (unstripped: Secure Boot lockdown rejects modules whose appended signature
# was removed). BUILD/extra.img: what only a target disk needs, lvm2 and the
# modules of modules-target.list. The ISO loads both; the stick boots with the
# first and unpacks the second from its partition in the background.
# Tools only the boot tests use (sfdisk, mkfs.ext4) are in neither.
set -eu
B=$1
PATH=$PATH:/usr/sbin:/sbin
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
chain=$(cd "$B/chain" && pwd)
kver=$(cat "$chain/.kver")
root=$B/initramfs
extra=$B/initramfs-extra
version=$(cat "$top/VERSION")

rm -rf "$root" "$extra"
mkdir -p "$root" "$extra/lib/igdkit"
cd "$root"
mkdir -p bin sbin usr/bin usr/sbin usr/libexec lib lib64 etc/lvm proc sys dev tmp run mnt/stick root "lib/modules/$kver"
cd - >/dev/null

cp "$chain/bin/busybox" "$root/bin/busybox"
cp "$top/initramfs/init" "$root/init"
chmod 755 "$root/init"
# rootfs/ holds the small text files of the live system, copied as they are.
(cd "$top/initramfs/rootfs" && find . -type f) | while read -r f; do
	mkdir -p "$root/$(dirname "$f")"
	cp "$top/initramfs/rootfs/$f" "$root/$f"
done
sed -i "s/@VERSION@/$version/g" "$root/etc/issue"
cp "$top/configs/lvm.conf" "$root/etc/lvm/lvm.conf"
echo "$kver" > "$root/etc/igdkit-kernel"

# --- kernel modules ----------------------------------------------------------
# Only the files go in, with their dependencies; none is loaded at build time's
# choice. /init loads by modalias what this machine has (and msr, cpuid), and
# the kernel asks modprobe for the rest when it needs it: a file system at
# mount(2), dm-mod when lvm opens /dev/mapper/control, an nls table when vfat
# mounts. depmod runs over both parts together, so busybox modprobe knows the
# target modules before their files are unpacked.
mdir=$root/lib/modules/$kver
collect() {	# collect LIST DESTROOT: modules of LIST and their dependencies not yet in $root or $extra
	grep -v '^[[:space:]]*#' "$1" | awk 'NF { print $1 }' | while read -r mod; do
		deps=$(modprobe -d "$chain" -S "$kver" --show-depends "$mod" 2>&1) || {
			echo "mkinitramfs: module $mod: $deps" >&2
			exit 1
		}
		for ko in $(printf '%s\n' "$deps" | awk '$1 == "insmod" { print $2 }'); do
			rel=lib/modules/$kver/${ko#"$chain/lib/modules/$kver/"}
			[ -e "$root/$rel" ] || [ -e "$extra/$rel" ] && continue
			mkdir -p "$2/$(dirname "$rel")"
			cp "$ko" "$2/$rel"
		done
	done
}
collect "$top/initramfs/modules.list" "$root"
collect "$top/initramfs/modules-target.list" "$extra"
all=$B/modules-all
rm -rf "$all"
mkdir -p "$all"
cp -al "$root/lib" "$all/"
cp -al "$extra/lib/." "$all/lib/"
cp "$chain/lib/modules/$kver/modules.builtin" "$chain/lib/modules/$kver/modules.builtin.modinfo" "$chain/lib/modules/$kver/modules.order" "$all/lib/modules/$kver/"
depmod -b "$all" "$kver"
for f in modules.dep modules.alias modules.symbols modules.builtin; do
	cp "$all/lib/modules/$kver/$f" "$mdir/$f"
done
rm -rf "$all"
nmod=$(find "$mdir" -name '*.ko' | wc -l)
nextra=$(find "$extra/lib/modules" -name '*.ko' | wc -l)
[ "$nmod" -gt 0 ] && [ "$nextra" -gt 0 ] || { echo "mkinitramfs: no modules collected" >&2; exit 1; }
# What the kernel may ask for that only the second part has: module names
# (both spellings) and their exact aliases (fs-ext4, char-major-10-236, ...).
find "$extra/lib/modules" -name '*.ko' | sed 's|.*/||; s|\.ko$||' | while read -r m; do
	echo "$m"
	echo "$m" | tr - _
	echo "$m" | tr _ -
	u=$(echo "$m" | tr - _)
	awk -v m="$u" '$1 == "alias" && $3 == m && $2 !~ /[*?[]/ { print $2 }' "$mdir/modules.alias"
done | sort -u > "$root/etc/igdkit-extra.names"
# insmod arguments of modules.list become busybox modprobe options
mkdir -p "$root/etc/modprobe.d"
cat "$top/initramfs/modules.list" "$top/initramfs/modules-target.list" | grep -v '^[[:space:]]*#' |
	awk 'NF > 1 { $0 = "options " $0; print }' > "$root/etc/modprobe.d/igdkit.conf"

# --- programs with their shared libraries ------------------------------------
copy_with_libs() {	# copy_with_libs SRC DEST-in-tree TREE: libraries the first part has are not copied again
	mkdir -p "$3/$(dirname "$2")"
	cp "$1" "$3/$2"
	ldd "$1" | awk '/=>/ { print $3 } /^\t\/lib64\// { print $1 }' | while read -r lib; do
		[ -n "$lib" ] || continue
		[ -e "$root/$lib" ] || [ -e "$3/$lib" ] && continue
		mkdir -p "$3/$(dirname "$lib")"
		cp "$(readlink -f "$lib")" "$3/$lib"
	done
}
copy_with_libs "$B/igdkit" usr/bin/igdkit "$root"
# the build keeps its debug information (-g) for the tests; the stick need not carry it
strip "$root/usr/bin/igdkit"
# terminfo for igdkit menu (libdialog/ncurses): the Linux console and the serial terminals
for ti in l/linux v/vt100 v/vt102 v/vt220; do
	mkdir -p "$root/lib/terminfo/${ti%/*}"
	cp "/lib/terminfo/$ti" "$root/lib/terminfo/$ti"
done
# the dynamic loader at the path the binaries ask for
ldso=$(ldd "$B/igdkit" | awk '/ld-linux/ { print $1 }')
mkdir -p "$root/$(dirname "$ldso")"
[ -e "$root/$ldso" ] || cp "$(readlink -f "$ldso")" "$root/$ldso"
# lvm2 is in the second part; /usr/sbin/lvm of the first unpacks it and runs it.
copy_with_libs "$(command -v lvm)" lib/igdkit/lvm "$extra"
# Libraries igdkit loads only when a command needs them (dlopen, after
# unpacking the second part): libsqlite3 for config.db (install, repair),
# libflashrom (and the USB programmer libraries it links) for reading this
# machine's flash.
for so in libsqlite3.so.0:libsqlite3-0 libflashrom.so.1:libflashrom1; do
	lib=
	for d in /usr/lib/x86_64-linux-gnu /lib/x86_64-linux-gnu; do
		[ -e "$d/${so%%:*}" ] && { lib=$d/${so%%:*}; break; }
	done
	[ -n "$lib" ] || { echo "mkinitramfs: ${so%%:*} not found (apt-get install ${so#*:})" >&2; exit 1; }
	copy_with_libs "$lib" "lib/x86_64-linux-gnu/${so%%:*}" "$extra"
done
for l in pvs vgs lvs vgchange lvchange vgscan pvscan vgdisplay lvdisplay vgmknodes; do
	ln -sf lvm "$root/usr/sbin/$l"
done
# busybox's applets as links made here, not by `busybox --install` at every
# boot; a file the tree already has (the lvm wrapper) is not replaced
"$chain/bin/busybox" --list-full | while read -r applet; do
	[ -e "$root/$applet" ] || [ -L "$root/$applet" ] && continue
	mkdir -p "$root/$(dirname "$applet")"
	ln -s /bin/busybox "$root/$applet"
done
[ -L "$root/sbin/modprobe" ] || { echo "mkinitramfs: busybox applet links missing" >&2; exit 1; }
echo "igdkit $version extra part" > "$extra/lib/igdkit/extra.present"
# Debian's merged /usr: /lib is /usr/lib on the build machine. (The second
# part must not hold a usr/lib directory: unpacking it would replace this link.)
[ -e "$root/usr/lib" ] || ln -s ../lib "$root/usr/lib"
[ ! -e "$extra/usr/lib" ] || { echo "mkinitramfs: extra part has usr/lib" >&2; exit 1; }

# --- the archive ---------------------------------------------------------
# INITRD_COMP: chosen by boot time on SeaBIOS, OVMF and OVMF Secure Boot
# (make bench), not by size alone: the firmware reads every byte over USB or
# virtual media, the kernel then inflates it. Measured under TCG (December
# 2026): lz4 (7.2 MB against zstd's 4.7 MB) inflates in 0.8 s instead of 2.7 s,
# which OVMF gains back (boot to autorun end 24.2 s against 25.5 s); SeaBIOS
# gains nothing (24.6 s against 24.7 s: reading the extra 2.5 MB costs what
# inflating saves), and the stick grows past 24 MiB allocated; zstd stays.
comp=${INITRD_COMP:-zstd}
case $comp in
xz) pack='xz -9e --check=crc32 -T1' ;;
zstd) pack='zstd --ultra -22 -q -T1' ;;
gzip) pack='gzip -9 -n' ;;
lz4) pack='lz4 -l -9 -q' ;;
*) echo "mkinitramfs: INITRD_COMP=$comp: xz, zstd, gzip or lz4" >&2; exit 2 ;;
esac
pack_tree() {	# pack_tree TREE OUT PACKER
	(cd "$1" && find . | LC_ALL=C sort | cpio -o -H newc --owner=0:0 --quiet) | $3 > "$2.tmp"
	mv "$2.tmp" "$2"
}
# The second part twice: extra.img in xz for the stick, where busybox unpacks
# it (it has unxz, not unzstd); extra-boot.img as the kernel unpacks the
# first part, for the ISO, whose GRUB loads both.
xz='xz -9e --check=crc32 -T1'
pack_tree "$extra" "$B/extra.img" "$xz"
if [ "$comp" = xz ]; then
	cp "$B/extra.img" "$B/extra-boot.img"
else
	pack_tree "$extra" "$B/extra-boot.img" "$pack"
fi
# the first part knows the second by its digest: an extra.img of another build
# (another kernel) is refused, not unpacked
sha256sum "$B/extra.img" | cut -d' ' -f1 > "$root/etc/igdkit-extra.sha256"
pack_tree "$root" "$B/initrd.img" "$pack"
echo "mkinitramfs: $B/initrd.img $(wc -c < "$B/initrd.img") bytes ($comp), $nmod modules, $(du -sk "$root" | cut -f1) KiB unpacked"
echo "mkinitramfs: $B/extra.img $(wc -c < "$B/extra.img") bytes (xz; $comp for the ISO: $(wc -c < "$B/extra-boot.img")), $nextra modules and lvm2, $(du -sk "$extra" | cut -f1) KiB unpacked"
