#!/bin/sh
# menu.bench.sh BUILD FIXTURES - issue 12's number: the guided stick end to end, boot to
# written config (tests/boot/menu-test.sh's menu-write run: boot without autorun, check,
# firmware, ROM, install, confirm, report, read-back, power off).
# Target: well under 3 minutes under TCG.
set -u
B=$1
FIXTURES=$2
here=$(cd "$(dirname "$0")/../boot" && pwd)
TOP=$(cd "$here/../.." && pwd)
IMG=$B/bench/igdkit.img
[ -f "$IMG" ] || IMG=$B/igdkit.img
OUT=$B/bench-menu
rm -rf "$OUT"
mkdir -p "$OUT"
. "$here/lib.sh"
. "$here/install-test.sh"
. "$here/menu-test.sh"
detect_accel >/dev/null
ok() { :; }
bad() { echo "bench: menu end to end failed: $1: $2"; }
MENU_WRITE_ONLY=1 run_menu_tests
w=$(sed -n 's/^menu-written \([0-9]*\)ms$/\1/p' "$OUT/times" 2>/dev/null)
t=$(sed -n 's/^menu-write \([0-9]*\)ms$/\1/p' "$OUT/times" 2>/dev/null)
[ -n "$w" ] && echo "bench: menu end to end     ${w} ms from power-on to the written config ($ACCEL)   target well under 180 s under TCG"
[ -n "$t" ] && echo "bench: menu whole run      ${t} ms incl. report, read-back and power-off ($ACCEL)"
exit 0
