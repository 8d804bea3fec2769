#!/bin/sh
# mkinitramfs.sh BUILD - the stick's busybox initramfs, built without root
#
# Contents: busybox-static, the kernel modules of modules.list with their
# dependencies (unstripped: Secure Boot lockdown rejects modules whose appended
# signature was removed), lvm2, and igdkit with exactly the shared libraries
# they need (copied from this Debian 12 build machine, found with ldd). Tools
# only the boot tests use (sfdisk, mkfs.ext4) are not here: the tests bring them.
set -eu
B=$1
PATH=$PATH:/usr/sbin:/sbin
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
chain=$(cd "$B/chain" && pwd)
kver=$(cat "$chain/.kver")
root=$B/initramfs
version=$(cat "$top/VERSION")

rm -rf "$root"
mkdir -p "$root"
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
# the kernel asks /sbin/modprobe (busybox) for the rest when it needs it: a
# file system at mount(2), dm-mod when lvm opens /dev/mapper/control, an nls
# table when vfat mounts. depmod over exactly these files gives busybox
# modprobe a modules.dep and modules.alias that name nothing absent.
mdir=$root/lib/modules/$kver
grep -v '^[[:space:]]*#' "$top/initramfs/modules.list" | awk 'NF { print $1 }' > "$B/modules.wanted"
while read -r mod; do
	deps=$(modprobe -d "$chain" -S "$kver" --show-depends "$mod" 2>&1) || {
		echo "mkinitramfs: module $mod: $deps" >&2
		exit 1
	}
	for ko in $(printf '%s\n' "$deps" | awk '$1 == "insmod" { print $2 }'); do
		rel=${ko#"$chain/lib/modules/$kver/"}
		[ -e "$mdir/$rel" ] && continue
		mkdir -p "$mdir/$(dirname "$rel")"
		cp "$ko" "$mdir/$rel"
	done
done < "$B/modules.wanted"
cp "$chain/lib/modules/$kver/modules.builtin" "$chain/lib/modules/$kver/modules.builtin.modinfo" "$chain/lib/modules/$kver/modules.order" "$mdir/"
depmod -b "$root" "$kver"
# busybox reads the text files; the .bin indexes are kmod's
rm -f "$mdir"/*.bin "$mdir/modules.devname" "$mdir/modules.softdep" "$mdir/modules.builtin.modinfo"
nmod=$(find "$mdir" -name '*.ko' | wc -l)
[ "$nmod" -gt 0 ] || { echo "mkinitramfs: no modules collected" >&2; exit 1; }
# insmod arguments of modules.list become busybox modprobe options
mkdir -p "$root/etc/modprobe.d"
grep -v '^[[:space:]]*#' "$top/initramfs/modules.list" | awk 'NF > 1 { $0 = "options " $0; print }' > "$root/etc/modprobe.d/igdkit.conf"

# --- programs with their shared libraries ------------------------------------
copy_with_libs() {	# copy_with_libs SRC DEST-in-root
	cp "$1" "$root/$2"
	ldd "$1" | awk '/=>/ { print $3 } /^\t\/lib64\// { print $1 }' | while read -r lib; do
		[ -n "$lib" ] || continue
		real=$(readlink -f "$lib")
		mkdir -p "$root/$(dirname "$lib")"
		[ -e "$root/$lib" ] || cp "$real" "$root/$lib"
	done
}
copy_with_libs "$B/igdkit" usr/bin/igdkit
lvm=$(command -v lvm)
copy_with_libs "$lvm" usr/sbin/lvm
for l in pvs vgs lvs vgchange lvchange vgscan pvscan vgdisplay lvdisplay; do
	ln -sf lvm "$root/usr/sbin/$l"
done
# the dynamic loader at the path the binaries ask for
ldso=$(ldd "$B/igdkit" | awk '/ld-linux/ { print $1 }')
mkdir -p "$root/$(dirname "$ldso")"
[ -e "$root/$ldso" ] || cp "$(readlink -f "$ldso")" "$root/$ldso"
# Debian's merged /usr: /lib is /usr/lib on the build machine
[ -e "$root/usr/lib" ] || ln -s ../lib "$root/usr/lib"

# --- the archive ---------------------------------------------------------
# INITRD_COMP: chosen by boot time on SeaBIOS, OVMF and OVMF Secure Boot
# (make bench), not by size alone: the firmware reads every byte over USB or
# virtual media, the kernel then inflates it.
comp=${INITRD_COMP:-xz}
case $comp in
xz) pack='xz -9e --check=crc32 -T1' ;;
zstd) pack='zstd -19 -q -T1' ;;
gzip) pack='gzip -9 -n' ;;
lz4) pack='lz4 -l -9 -q' ;;
*) echo "mkinitramfs: INITRD_COMP=$comp: xz, zstd, gzip or lz4" >&2; exit 2 ;;
esac
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --owner=0:0 --quiet) | $pack > "$B/initrd.img.tmp"
mv "$B/initrd.img.tmp" "$B/initrd.img"
echo "mkinitramfs: $B/initrd.img $(wc -c < "$B/initrd.img") bytes ($comp), $nmod modules, $(du -sk "$root" | cut -f1) KiB unpacked"
