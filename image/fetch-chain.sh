#!/bin/sh
# fetch-chain.sh BUILD - download Debian 12's signed boot chain and unpack it, without root
#
#   BUILD/debs/   the .deb cache (kept across `make clean`; `make distclean` drops it)
#   BUILD/chain/  every package unpacked with dpkg-deb -x, modules.dep made by depmod
#   BUILD/chain/.kver  the kernel version ("6.1.0-56-amd64")
set -eu
B=$1
PATH=$PATH:/usr/sbin:/sbin
debs=$B/debs
chain=$B/chain

# linux-image-amd64 is a metapackage: its Depends names the real (signed) kernel package.
kpkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ { print $2; exit }')
if [ -z "$kpkg" ]; then
	echo "fetch-chain: apt-cache does not know linux-image-amd64; run 'apt-get update' (as root) once" >&2
	exit 1
fi
kver=${kpkg#linux-image-}
pkgs="shim-signed shim-helpers-amd64-signed grub-efi-amd64-signed grub-pc-bin busybox-static $kpkg"

mkdir -p "$debs"
need=
for p in $pkgs; do
	ls "$debs/${p}_"*.deb >/dev/null 2>&1 || need="$need $p"
done
if [ -n "$need" ]; then
	echo "fetch-chain: apt-get download$need"
	# apt-get download writes into the current directory; as root it warns that
	# the _apt sandbox user cannot write there, which is harmless.
	(cd "$debs" && apt-get download -q $need 2>&1 | grep -v '^W: Download is performed unsandboxed' || true)
	for p in $need; do
		ls "$debs/${p}_"*.deb >/dev/null 2>&1 || { echo "fetch-chain: could not download $p" >&2; exit 1; }
	done
fi

rm -rf "$chain"
mkdir -p "$chain"
for p in $pkgs; do
	# newest cached version of each package
	deb=$(ls "$debs/${p}_"*.deb | sort -V | tail -1)
	dpkg-deb -x "$deb" "$chain"
done
for f in usr/lib/shim/shimx64.efi.signed usr/lib/shim/mmx64.efi.signed \
	 usr/lib/grub/x86_64-efi-signed/grubx64.efi.signed usr/lib/grub/i386-pc/boot.img \
	 boot/vmlinuz-$kver bin/busybox; do
	[ -e "$chain/$f" ] || { echo "fetch-chain: $f missing from the unpacked packages" >&2; exit 1; }
done
# The kernel deb ships no modules.dep (its postinst runs depmod); make it here.
depmod -b "$chain" "$kver"
echo "$kver" > "$chain/.kver"
touch "$chain/.stamp"
echo "fetch-chain: boot chain for kernel $kver ready in $chain"
