#!/bin/sh
# mkinitramfs.sh BUILD - the stick's busybox initramfs, built without root
#
# Contents: busybox-static, the kernel modules of modules.list with their
# dependencies (unstripped: Secure Boot lockdown rejects modules whose appended
# signature was removed), lvm2, and igdkit with exactly the shared libraries
# it needs (copied from this Debian 12 build machine, found with ldd).
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

# --- kernel modules, dependency-ordered, each once -------------------------
order=$root/lib/modules/load.list
: > "$order"
grep -v '^[[:space:]]*#' "$top/initramfs/modules.list" | grep . > "$B/modules.wanted"
while read -r mod args; do
	deps=$(modprobe -d "$chain" -S "$kver" --show-depends "$mod" 2>&1) || {
		echo "mkinitramfs: module $mod: $deps" >&2
		exit 1
	}
	for ko in $(printf '%s\n' "$deps" | awk '$1 == "insmod" { print $2 }'); do
		rel=${ko#"$chain/lib/modules/$kver/"}
		awk -v r="$rel" '$1 == r { found = 1 } END { exit !found }' "$order" && continue
		mkdir -p "$root/lib/modules/$kver/$(dirname "$rel")"
		cp "$ko" "$root/lib/modules/$kver/$rel"
		# insmod arguments belong to the module named in modules.list, not its dependencies
		if [ "$(basename "$rel" .ko | tr - _)" = "$(echo "$mod" | tr - _)" ]; then
			echo "$rel $args"
		else
			echo "$rel"
		fi >> "$order"
	done
done < "$B/modules.wanted"
[ -s "$order" ] || { echo "mkinitramfs: no modules collected" >&2; exit 1; }

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
# Disk tools busybox lacks: GPT partitioning (the boot tests build a Proxmox
# installer layout inside the guest with them) and ext4 creation and repair.
for t in sfdisk mke2fs e2fsck; do
	copy_with_libs "$(command -v $t)" usr/sbin/$t
done
ln -sf mke2fs "$root/usr/sbin/mkfs.ext4"
ln -sf e2fsck "$root/usr/sbin/fsck.ext4"
[ -r /etc/mke2fs.conf ] && cp /etc/mke2fs.conf "$root/etc/mke2fs.conf"
# terminfo for igdkit menu (libdialog/ncurses): the Linux console and the serial terminals
for ti in l/linux v/vt100 v/vt102 v/vt220; do
	mkdir -p "$root/lib/terminfo/${ti%/*}"
	cp "/lib/terminfo/$ti" "$root/lib/terminfo/$ti"
done
# the dynamic loader at the path the binaries ask for
ldso=$(ldd "$B/igdkit" | awk '/ld-linux/ { print $1 }')
mkdir -p "$root/$(dirname "$ldso")"
[ -e "$root/$ldso" ] || cp "$(readlink -f "$ldso")" "$root/$ldso"
# Debian's merged /usr: /lib is /usr/lib on the build machine
[ -e "$root/usr/lib" ] || ln -s ../lib "$root/usr/lib"

# --- the archive ---------------------------------------------------------
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --owner=0:0 --quiet) | gzip -9 -n > "$B/initrd.img.tmp"
mv "$B/initrd.img.tmp" "$B/initrd.img"
echo "mkinitramfs: $B/initrd.img $(wc -c < "$B/initrd.img") bytes, $(wc -l < "$order") modules"
