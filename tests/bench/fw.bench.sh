#!/bin/sh
# fw.bench.sh BUILD FIXTURES - issue 3's numbers: `igdkit fw extract --gop` per
# firmware image against UEFIExtract (times from ../shared/fixtures/EXPECTED.md,
# measured on the same kind of machine) and against liblzma alone inflating the
# image's LZMA sections (both timed as whole processes, best of 5); and `igdkit rom build` (-e and -ec layouts).
# Targets: several times faster than UEFIExtract; within 1.3x of liblzma.
set -u
B=$1
FIXTURES=$2
bb=$B/bench-fw
mkdir -p "$bb"
cc -O2 -o "$bb/lzma_inflate" tests/bench/lzma_inflate.c -llzma || exit 1

# best of 5 whole-process runs, in seconds
best5() {
	best=
	for i in 1 2 3 4 5; do
		s=$(date +%s%N)
		"$@" >/dev/null 2>&1
		e=$(date +%s%N)
		t=$(( (e - s) / 1000 ))
		if [ -z "$best" ] || [ "$t" -lt "$best" ]; then best=$t; fi
	done
	echo "$best" | awk '{ printf "%.4f", $1 / 1e6 }'
}

# the synthetic 8 MiB SPI image of EXPECTED.md
spi=$bb/synthetic-spi.bin
python3 - "$FIXTURES" "$spi" <<'PY'
import sys
fx, out = sys.argv[1], sys.argv[2]
img = bytearray(b"\xff" * (8 << 20))
d = open(f"{fx}/ifd-me/ivb-emeraldlake2-descriptor.bin", "rb").read()
me = open(f"{fx}/ifd-me/ivb-emeraldlake2-me.bin", "rb").read()
fd = open(f"{fx}/ovmf-gop-cml/OVMF_CODE.fd", "rb").read()
img[0:len(d)] = d
img[0x1000:0x1000 + len(me)] = me
img[len(img) - len(fd):] = fd
open(out, "wb").write(img)
PY

# image | UEFIExtract seconds from EXPECTED.md (report or GUID-targeted extraction)
cat > "$bb/images" <<EOF2
$FIXTURES/ovmf-gop-glk/OVMF_CODE.fd 0.189
$FIXTURES/ovmf-gop-cml/OVMF_CODE.fd 0.261
/usr/share/OVMF/OVMF_CODE_4M.fd 0.283
$FIXTURES/fsp-fv/kbl-Fsp.fd 0.014
$FIXTURES/fsp-fv/tgl-Fsp.fd 0.025
$spi 0.318
EOF2
printf 'bench: %-28s %10s %12s %8s %12s %8s\n' "fw extract --gop" "igdkit s" "UEFIExtract" "ratio" "liblzma s" "x lzma"
while read -r img ue; do
	[ -f "$img" ] || continue
	t=$(best5 "$B/igdkit" fw extract "$img" --gop -o "$bb/gop.efi" -q)
	# LZMA sections stored directly in the image (not inside another compressed section)
	secs=$("$B/igdkit" fw list "$img" --json 2>/dev/null | python3 -c '
import json, sys
d = json.load(sys.stdin)
def walk(n):
    if n.get("guid_name") in ("LZMA", "LZMA x86", "LZMAF86") and "+" not in str(n.get("offset")):
        off = int(n["offset"], 16) + n["header_size"]
        print("%d:%d" % (off, n["size"] - n["header_size"]))
    for c in n.get("children", []):
        walk(c)
walk(d["tree"])')
	if [ -n "$secs" ]; then
		# shellcheck disable=SC2086
		lz=$(best5 "$bb/lzma_inflate" "$img" $secs)
		x=$(awk -v a="$t" -v b="$lz" 'BEGIN { printf "%.2f", a / b }')
	else
		lz=- x=-
	fi
	r=$(awk -v a="$ue" -v b="$t" 'BEGIN { printf "%.1fx", a / b }')
	printf 'bench: %-28s %10s %12s %8s %12s %8s\n' "$(basename "$(dirname "$img")")/$(basename "$img")" "$t" "$ue" "$r" "$lz" "$x"
done < "$bb/images"

for mode in "" "--compress"; do
	t=$(best5 "$B/igdkit" rom build --efi "$FIXTURES/gop-efi/adl-p.efi" --device 0x46a6 $mode -o "$bb/igd.rom" -q)
	echo "bench: rom build adl-p.efi ${mode:-(uncompressed)}: $t s"
done
