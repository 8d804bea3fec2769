#!/bin/sh
# run-unit.sh LABEL FIXTURES BIN... - run cmocka test binaries, print one summary line
set -u
label=$1 fixtures=$2
shift 2
export FIXTURES="$fixtures" IGDKIT_BIN="${IGDKIT_BIN:-build/igdkit}"
if [ ! -d "$FIXTURES" ]; then
	echo "$label: fixture folder $FIXTURES not found (set FIXTURES=...)" >&2
	exit 1
fi
passed=0 failed=0 bad=
for t in "$@"; do
	out=$("$t" 2>&1)
	rc=$?
	printf '%s\n' "$out" | grep -E '^\[  (FAILED|  ERROR)|^\[  ERROR|Assert|ERROR|runtime error|Sanitizer' | head -40
	p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -1)
	f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | tail -1)
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-0}))
	if [ "$rc" != 0 ]; then
		[ -z "$f" ] && failed=$((failed + 1))
		bad="$bad ${t##*/}"
	fi
done
[ -n "$bad" ] && echo "$label: failing binaries:$bad"
echo "$label: $passed passed, $failed failed"
[ -z "$bad" ] && [ "$failed" = 0 ]
