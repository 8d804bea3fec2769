#!/bin/sh
# deps.sh build|test - make sure the Debian 12 packages igdkit needs are installed.
# As root it installs what is missing; otherwise it prints the one apt-get
# command to run and fails, so a plain `make` never needs root itself.
set -eu
what=${1:-build}
PATH=$PATH:/usr/sbin:/sbin

# "package: file-or-command" pairs; a leading / means a file to test for.
build_need='
gcc: gcc
make: make
pkg-config: pkg-config
libpci-dev: /usr/include/x86_64-linux-gnu/pci/pci.h
libefivar-dev: /usr/include/efivar/efivar.h
libefiboot-dev: /usr/include/efivar/efiboot.h
liblzma-dev: /usr/include/lzma.h
libbrotli-dev: /usr/include/brotli/decode.h
libsqlite3-dev: /usr/include/sqlite3.h
nettle-dev: /usr/include/nettle/sha2.h
dialog: /usr/include/dialog.h
libncurses-dev: /usr/include/ncursesw/curses.h
libflashrom-dev: /usr/include/libflashrom.h
gnu-efi: /usr/lib/crt0-efi-x86_64.o
mtools: mcopy
dosfstools: mkfs.fat
fdisk: sfdisk
grub-common: grub-mkimage
xorriso: xorriso
cpio: cpio
kmod: depmod
xz-utils: xz
zstd: zstd
lvm2: lvm
e2fsprogs: mke2fs
apt: apt-get
'
test_need='
libcmocka-dev: /usr/include/cmocka.h
clang: clang
libclang-rt-14-dev: /usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.fuzzer-x86_64.a
qemu-system-x86: qemu-system-x86_64
ovmf: /usr/share/OVMF/OVMF_CODE_4M.secboot.fd
python3: python3
python3-pexpect: /usr/lib/python3/dist-packages/pexpect/__init__.py
sqlite3: sqlite3
btrfs-progs: mkfs.btrfs
'
case $what in
build) need=$build_need ;;
test) need="$build_need$test_need" ;;
*) echo "usage: $0 build|test" >&2; exit 2 ;;
esac

missing=
for line in $(printf '%s\n' "$need" | tr -d ' ' | grep ':'); do
	pkg=${line%%:*}
	thing=${line#*:}
	case $thing in
	/*) [ -e "$thing" ] && continue ;;
	*) command -v "$thing" >/dev/null 2>&1 && continue ;;
	esac
	case " $missing " in *" $pkg "*) ;; *) missing="$missing $pkg" ;; esac
done

# apt-get download needs package lists even when nothing is missing.
lists_ok=true
ls /var/lib/apt/lists/*_Packages* >/dev/null 2>&1 || lists_ok=false

[ -z "$missing" ] && $lists_ok && exit 0

if [ "$(id -u)" = 0 ]; then
	echo "igdkit: installing build tools:${missing:- (package lists only)}" >&2
	apt-get update -qq
	[ -n "$missing" ] && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >&2
	exit 0
fi
if [ -n "$missing" ]; then
	echo "igdkit: missing build tools. Run this once, then make again:" >&2
	echo "  sudo apt-get update && sudo apt-get install -y$missing" >&2
else
	echo "igdkit: apt has no package lists yet. Run once: sudo apt-get update" >&2
fi
exit 1
