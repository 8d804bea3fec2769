#!/bin/sh
# run.sh BUILD FIXTURES - igdkit's speed and size numbers (make bench)
#   image size            target <= 48 MiB
#   clean build time      package cache warm (build/debs), separate build dir
#   boot to autorun end   per firmware; target <= 15 s each under KVM
# Targets are printed beside the numbers; bench never fails on them (timed
# tests would be flaky on a loaded machine), it reports.
set -u
B=$1
FIXTURES=$2
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
cd "$top"

bb=$B/bench
rm -rf "$bb"
mkdir -p "$bb"
[ -d "$B/debs" ] && cp -al "$B/debs" "$bb/debs"
start=$(date +%s%N)
make --no-print-directory B="$bb" all >"$bb/build.log" 2>&1 || { echo "bench: build failed, see $bb/build.log"; exit 1; }
end=$(date +%s%N)
size=$(wc -c < "$bb/igdkit.img")
used=$(du -k "$bb/igdkit.img" | cut -f1)
echo "bench: image size            $size bytes ($((size / 1048576)) MiB; $((used / 1024)) MiB allocated)   target <= 48 MiB"
echo "bench: clean build           $(( (end - start) / 1000000 )) ms (package cache warm)"

IMG=$bb/igdkit.img
OUT=$bb/boot
mkdir -p "$OUT"
. "$top/tests/boot/lib.sh"
detect_accel
for fw in bios uefi uefi-sb; do
	if boot_stick "bench-$fw" "$fw" "--version"; then
		echo "bench: boot $fw $(tail -1 "$OUT/times" | cut -d' ' -f2) to autorun end ($ACCEL)   target <= 15 s under KVM"
	else
		echo "bench: boot $fw did not reach the autorun end"
	fi
done
for s in "$top"/tests/bench/*.bench.sh; do
	[ -e "$s" ] && sh "$s" "$B" "$FIXTURES"
done
exit 0
