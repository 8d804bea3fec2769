#!/bin/sh
# run.sh seeds|fuzz FIXTURES FUZZER... - run libFuzzer targets
#   seeds: every target once over its seed corpus (make test)
#   fuzz:  every target for $FUZZ_SECONDS (make fuzz); new inputs go to build/fuzz/corpus-NAME
# Seeds of target fuzz_X: tests/fuzz/corpus/X/* plus the fixture files named
# (as globs relative to FIXTURES) one per line in tests/fuzz/X.seeds.
set -u
mode=$1 fixtures=$2
shift 2
passed=0 failed=0
for f in "$@"; do
	name=${f##*/fuzz_}
	seeds=
	[ -d "tests/fuzz/corpus/$name" ] && seeds="tests/fuzz/corpus/$name"
	if [ -f "tests/fuzz/$name.seeds" ]; then
		for g in $(grep -v '^#' "tests/fuzz/$name.seeds"); do
			for p in $fixtures/$g; do [ -e "$p" ] && seeds="$seeds $p"; done
		done
	fi
	if [ -z "$seeds" ]; then
		echo "fuzz_$name: no seeds" >&2
		failed=$((failed + 1))
		continue
	fi
	# libFuzzer takes either corpus directories or single files, not a mix:
	# gather every seed into one directory.
	sd=$(dirname "$f")/seeds-$name
	rm -rf "$sd"
	mkdir -p "$sd"
	for s in $seeds; do
		if [ -d "$s" ]; then
			for x in "$s"/*; do [ -f "$x" ] && cp "$x" "$sd/$(basename "$s")-$(basename "$x")"; done
		else
			cp "$s" "$sd/$(echo "$s" | tr / _)"
		fi
	done
	seeds=$sd
	log=$(dirname "$f")/fuzz_$name.log
	if [ "$mode" = seeds ]; then
		# -runs=0: run every seed once and stop.
		"$f" -runs=0 -rss_limit_mb=2048 -timeout=30 $seeds >"$log" 2>&1
	else
		mkdir -p "$(dirname "$f")/corpus-$name"
		"$f" -max_total_time="${FUZZ_SECONDS:-60}" -rss_limit_mb=2048 -timeout=10 \
			"$(dirname "$f")/corpus-$name" $seeds >"$log" 2>&1
	fi
	if [ $? = 0 ]; then
		passed=$((passed + 1))
		echo "fuzz_$name: ok ($(grep -c . "$log") log lines)"
	else
		failed=$((failed + 1))
		echo "fuzz_$name: FAILED, see $log"
		tail -30 "$log"
	fi
done
echo "fuzz-$mode: $passed passed, $failed failed"
[ "$failed" = 0 ]
