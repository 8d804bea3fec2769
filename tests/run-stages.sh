#!/bin/sh
# run-stages.sh BUILD TARGET... - run make targets in turn (all of them, even
# after a failure) and end with one line adding up their "N passed, M failed".
set -u
B=$1
shift
p=0 f=0 bad=
for t in "$@"; do
	log=$B/$t.log
	{ make --no-print-directory "$t" 2>&1; echo "$?" > "$log.rc"; } | tee "$log"
	line=$(grep -E '^[a-z-]+: [0-9]+ passed, [0-9]+ failed' "$log" | tail -1)
	if [ -z "$line" ]; then
		bad="$bad $t"
		f=$((f + 1))
		continue
	fi
	np=$(echo "$line" | sed -E 's/.*: ([0-9]+) passed.*/\1/')
	nf=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
	p=$((p + np))
	f=$((f + nf))
	[ "$nf" = 0 ] && [ "$(cat "$log.rc")" = 0 ] || bad="$bad $t"
done
[ -n "$bad" ] && echo "make test: failing stages:$bad"
echo "test: $p passed, $f failed"
[ "$f" = 0 ] && [ -z "$bad" ]
