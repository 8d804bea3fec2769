#!/bin/sh
# mkiso.sh BUILD - assemble BUILD/igdkit.iso without root: a hybrid ISO for CDs,
# BMC virtual media (iDRAC, iLO, IPMI, PiKVM), Ventoy, and USB sticks (dd).
#
# The same signed shim, GRUB and kernel as the stick, and the same initrd,
# both parts of it: the live system runs from RAM and never needs the medium
# again, which is what lets Ventoy and virtual media boot it. The kernel command line gets
# igdkit.medium=iso: the medium is read-only, so /init looks for a writable
# IGDKIT partition on another stick for the logs instead of waiting for one.
#
#   BIOS, CD:   El Torito, no emulation, GRUB's i386-pc-eltorito core
#   BIOS, disk: GRUB's boot_hybrid.img in the MBR loads that same core
#   UEFI, CD:   El Torito EFI entry = the appended FAT partition 2 (shim, GRUB)
#   UEFI, disk: the same FAT as MBR partition 2, type 0xef
# EFI/BOOT is also in the ISO9660 tree, as on Debian's own ISOs, for loaders
# (Ventoy among them) that look there.
set -eu
B=$1
PATH=$PATH:/usr/sbin:/sbin
export MTOOLS_SKIP_CHECK=1
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
chain=$B/chain
kver=$(cat "$chain/.kver")
version=$(cat "$top/VERSION")
work=$B/iso
marker=.igdkit-iso-$version

rm -rf "$work"
mkdir -p "$work/root/boot/grub" "$work/root/EFI/BOOT" "$work/root/EFI/debian"
tree=$work/root
cp "$chain/boot/vmlinuz-$kver" "$tree/boot/vmlinuz"
cp "$B/initrd.img" "$tree/boot/initrd.img"
cp "$B/extra-boot.img" "$tree/boot/extra.img"
# The medium may be gone after boot (virtual media, Ventoy): GRUB loads the
# initrd's second part (LVM, target file systems) right away.
sed -e 's|^\([[:space:]]*linux /boot/vmlinuz\) |\1 igdkit.medium=iso |' \
    -e 's|^\([[:space:]]*initrd /boot/initrd.img\)$|\1 /boot/extra.img|' "$here/grub.cfg" > "$tree/boot/grub/grub.cfg"
grep -q 'igdkit.medium=iso' "$tree/boot/grub/grub.cfg" && grep -q 'initrd.img /boot/extra.img' "$tree/boot/grub/grub.cfg" ||
	{ echo "mkiso: no linux or initrd line in grub.cfg" >&2; exit 1; }
sed "s|@MARKER@|$marker|g" "$here/grub-iso-stub.cfg" > "$work/stub.cfg"
cp "$work/stub.cfg" "$tree/EFI/debian/grub.cfg"
cp "$chain/usr/lib/shim/shimx64.efi.signed" "$tree/EFI/BOOT/BOOTX64.EFI"
cp "$chain/usr/lib/grub/x86_64-efi-signed/grubx64.efi.signed" "$tree/EFI/BOOT/grubx64.efi"
cp "$chain/usr/lib/shim/mmx64.efi.signed" "$tree/EFI/BOOT/mmx64.efi"
echo "igdkit $version" > "$tree/$marker"
cp "$here/README-iso.txt" "$tree/README.txt"

# BIOS: every module GRUB needs is built into the El Torito core.
grub-mkimage -O i386-pc-eltorito -d "$chain/usr/lib/grub/i386-pc" -p /boot/grub -o "$tree/boot/grub/bios.img" \
	biosdisk iso9660 part_msdos normal configfile linux search search_label serial terminal echo test sleep

# UEFI: a FAT just big enough for shim, GRUB and MokManager (no fbx64.efi:
# shim would run fallback and reset, see mkimage.sh).
efi=$work/efi.img
kib=$(( $(du -ck "$tree/EFI/BOOT"/* | tail -1 | cut -f1) + 256 ))
mkfs.fat -C -n IGDKIT_EFI -i 1a2b3c4e "$efi" "$kib" >/dev/null
mmd -i "$efi" ::/EFI ::/EFI/BOOT ::/EFI/debian
mcopy -i "$efi" "$tree/EFI/BOOT/BOOTX64.EFI" "$tree/EFI/BOOT/grubx64.efi" "$tree/EFI/BOOT/mmx64.efi" ::/EFI/BOOT/
mcopy -i "$efi" "$work/stub.cfg" ::/EFI/debian/grub.cfg
fsck.fat -n "$efi" >/dev/null

xorriso -as mkisofs -quiet -o "$work/igdkit.iso" -iso-level 3 -R -J -V IGDKIT_ISO \
	--grub2-mbr "$chain/usr/lib/grub/i386-pc/boot_hybrid.img" -partition_offset 16 --mbr-force-bootable \
	-append_partition 2 0xef "$efi" \
	-c /boot/boot.cat -b /boot/grub/bios.img -no-emul-boot -boot-load-size 4 -boot-info-table --grub2-boot-info \
	-eltorito-alt-boot -e --interval:appended_partition_2:all:: -no-emul-boot \
	"$tree" 2> "$work/xorriso.log" || { cat "$work/xorriso.log" >&2; exit 1; }
mv "$work/igdkit.iso" "$B/igdkit.iso"
rm -rf "$tree" "$efi"
echo "mkiso: $B/igdkit.iso ($(( $(wc -c < "$B/igdkit.iso") / 1024 )) KiB; CD, virtual media, Ventoy, or dd to a USB stick)"
