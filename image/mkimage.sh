#!/bin/sh
# mkimage.sh BUILD - assemble BUILD/igdkit.img without root (no loop mounts)
#
# Layout: MBR disk, one FAT32 partition (type 0x0c, bootable, label IGDKIT)
# from 1 MiB to the end. It is the EFI system partition (shim -> grub ->
# kernel) and the user's data partition at once. BIOS boot: GRUB's boot.img
# in the MBR (first 440 bytes, the partition table stays) and core.img in the
# gap before the partition.
set -eu
B=$1
PATH=$PATH:/usr/sbin:/sbin
export MTOOLS_SKIP_CHECK=1
here=$(cd "$(dirname "$0")" && pwd)
chain=$B/chain
kver=$(cat "$chain/.kver")
work=$B/image
IMG_MIB=48
PART_START=2048		# sectors: 1 MiB

rm -rf "$work"
mkdir -p "$work"
part=$work/part.img
img=$work/igdkit.img

# FAT32 needs at least 65525 clusters: one 512-byte sector per cluster.
truncate -s $(( (IMG_MIB - 1) * 1024 * 1024 )) "$part"
mkfs.fat -F 32 -s 1 -S 512 -n IGDKIT -h $PART_START -i 1a2b3c4d "$part" >/dev/null

mmd -i "$part" ::/EFI ::/EFI/BOOT ::/EFI/debian ::/boot ::/boot/grub ::/logs
# shim as the removable-media path; grub and MokManager beside it. No fbx64.efi:
# shim would run fallback, find no BOOTX64.CSV and reset, a boot loop.
mcopy -i "$part" "$chain/usr/lib/shim/shimx64.efi.signed" ::/EFI/BOOT/BOOTX64.EFI
mcopy -i "$part" "$chain/usr/lib/grub/x86_64-efi-signed/grubx64.efi.signed" ::/EFI/BOOT/grubx64.efi
mcopy -i "$part" "$chain/usr/lib/shim/mmx64.efi.signed" ::/EFI/BOOT/mmx64.efi
mcopy -i "$part" "$here/grub-stub.cfg" ::/EFI/debian/grub.cfg
mcopy -i "$part" "$here/grub.cfg" ::/boot/grub/grub.cfg
mcopy -i "$part" "$chain/boot/vmlinuz-$kver" ::/boot/vmlinuz
mcopy -i "$part" "$B/initrd.img" ::/boot/initrd.img
# the initrd's second part: GRUB does not load it, /init unpacks it when a target is used
mcopy -i "$part" "$B/extra.img" ::/boot/extra.img
mcopy -i "$part" "$here/README.txt" ::/README.txt

# BIOS: every module GRUB needs is built into core.img, so no /boot/grub/i386-pc.
grub-mkimage -O i386-pc -d "$chain/usr/lib/grub/i386-pc" -p '(,msdos1)/boot/grub' -o "$work/core.img" \
	biosdisk part_msdos fat normal configfile linux search search_label serial terminal echo test sleep
core_sectors=$(( ($(wc -c < "$work/core.img") + 511) / 512 ))
if [ $((core_sectors + 1)) -ge $PART_START ]; then
	echo "mkimage: core.img ($core_sectors sectors) does not fit before the partition" >&2
	exit 1
fi

truncate -s ${IMG_MIB}M "$img"
printf 'label: dos\nlabel-id: 0x1a2b3c4d\nstart=%s, type=c, bootable\n' $PART_START | sfdisk -q "$img"
# 4 KiB blocks: the FAT tables are mostly zeros, so they stay holes (what the stick really holds).
dd if="$part" of="$img" bs=4096 seek=$((PART_START / 8)) conv=notrunc,sparse status=none
# boot.img's defaults already point at sector 1 for core.img and use the boot drive.
dd if="$chain/usr/lib/grub/i386-pc/boot.img" of="$img" bs=440 count=1 conv=notrunc status=none
dd if="$work/core.img" of="$img" bs=512 seek=1 conv=notrunc status=none
fsck.fat -n "$part" >/dev/null

mv "$img" "$B/igdkit.img"
rm -f "$part"
echo "mkimage: $B/igdkit.img ($IMG_MIB MiB; write it to a USB stick with dd)"
