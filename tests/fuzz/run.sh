#!/bin/sh
# run.sh MODE FIXTURES FUZZER... - run libFuzzer targets
#   seeds: every target once over its kept corpus and its fixture seeds (make test)
#   fuzz:  a campaign (make fuzz): every target for FUZZ_RUNS runs or, without it, FUZZ_SECONDS
#          seconds, FUZZ_JOBS targets at a time (default: one per core); it starts from the kept
#          corpus and the target's dictionary, new inputs go to build/fuzz/corpus-NAME; prints the
#          runs and runs per second of each target
#   merge: the inputs a campaign found that add coverage, up to FUZZ_KEEP_BYTES each, join the
#          kept corpus tests/fuzz/corpus/NAME (make fuzz-merge)
#
# Kept corpus: tests/fuzz/corpus/NAME (seeds written here, and what campaigns found). Fixture seeds:
# the files named (as globs relative to FIXTURES) one per line in tests/fuzz/NAME.seeds. Campaigns do
# not start from the fixtures: several are vendor binaries that must not end up in the kept corpus
# (its inputs would be mutated copies of them), and megabyte inputs make every run slow; make test
# replays them. Dictionary: tests/fuzz/NAME.dict; more libFuzzer flags for campaigns: NAME.options.
set -u
mode=$1 fixtures=$2
shift 2
out=.
[ $# -gt 0 ] && out=$(dirname "$1")

# Fills directory $2 with the inputs of target $1 for this mode.
gather() {
	name=$1 sd=$2
	rm -rf "$sd"
	mkdir -p "$sd"
	if [ -d "tests/fuzz/corpus/$name" ]; then
		for x in "tests/fuzz/corpus/$name"/*; do [ -f "$x" ] && cp "$x" "$sd/"; done
	fi
	if [ "$mode" = seeds ] && [ -f "tests/fuzz/$name.seeds" ]; then
		for g in $(grep -v '^#' "tests/fuzz/$name.seeds"); do
			for p in $fixtures/$g; do [ -f "$p" ] && cp "$p" "$sd/fixture$(echo "$p" | tr / _)"; done
		done
	fi
	[ -n "$(ls "$sd")" ]
}

# Runs one target; the log is $out/fuzz_NAME.log, the result line goes to $out/fuzz_NAME.result.
run_one() {
	f=$1
	name=${f##*/fuzz_}
	log=$out/fuzz_$name.log res=$out/fuzz_$name.result
	sd=$out/seeds-$name
	if ! gather "$name" "$sd"; then
		echo "fuzz_$name: FAILED, no seeds" >"$res"
		return 1
	fi
	dict= opts=
	[ -f "tests/fuzz/$name.dict" ] && dict=-dict=tests/fuzz/$name.dict
	[ -f "tests/fuzz/$name.options" ] && opts=$(grep -v '^#' "tests/fuzz/$name.options")
	case $mode in
	seeds)
		# -runs=0: run every input once and stop.
		"$f" -runs=0 -rss_limit_mb=2048 -timeout=30 "$sd" >"$log" 2>&1
		;;
	fuzz)
		mkdir -p "$out/corpus-$name"
		if [ -n "${FUZZ_RUNS:-}" ]; then limit=-runs=$FUZZ_RUNS; else limit=-max_total_time=${FUZZ_SECONDS:-60}; fi
		"$f" $limit $dict $opts -print_final_stats=1 -rss_limit_mb=2048 -timeout=10 \
			-artifact_prefix="$out/crash-$name-" "$out/corpus-$name" "$sd" >"$log" 2>&1
		;;
	merge)
		# Only the campaign's own finds, and only inputs small enough to keep.
		cand=$out/merge-$name
		rm -rf "$cand"
		mkdir -p "$cand" "tests/fuzz/corpus/$name"
		keep=${FUZZ_KEEP_BYTES:-16384}
		find "$out/corpus-$name" -type f -size -"$((keep + 1))"c -exec cp {} "$cand/" \; 2>/dev/null
		before=$(ls "tests/fuzz/corpus/$name" | wc -l)
		# Edges only (no hit counters): a kept corpus that reaches each branch, not every loop count.
		"$f" -merge=1 -use_counters=0 -rss_limit_mb=2048 -timeout=30 "tests/fuzz/corpus/$name" "$cand" >"$log" 2>&1
		rc=$?
		after=$(ls "tests/fuzz/corpus/$name" | wc -l)
		[ $rc = 0 ] && echo "fuzz_$name: kept corpus $before -> $after inputs, $(du -sk "tests/fuzz/corpus/$name" | cut -f1) KiB" >"$res"
		[ $rc = 0 ] || echo "fuzz_$name: FAILED, see $log" >"$res"
		return $rc
		;;
	esac
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
	if [ $rc = 0 ]; then
		if [ "$mode" = fuzz ]; then
			echo "fuzz_$name: ok, ${runs:-?} runs, ${rate:-?} runs/s, corpus $(ls "$out/corpus-$name" | wc -l) new inputs" >"$res"
		else
			echo "fuzz_$name: ok ($(ls "$sd" | wc -l) inputs)" >"$res"
		fi
	else
		{ echo "fuzz_$name: FAILED after ${runs:-?} runs, see $log"; tail -30 "$log"; } >"$res"
	fi
	return $rc
}

# One target: run.sh --one MODE FIXTURES FUZZER (what the pool below starts).
if [ "$mode" = --one ]; then
	mode=$fixtures fixtures=$1 out=$(dirname "$2")
	run_one "$2"
	exit 0
fi

jobs=1
[ "$mode" = fuzz ] && jobs=${FUZZ_JOBS:-$(nproc)}
rm -f "$out"/fuzz_*.result
# A pool, not batches: a fast target's slot goes to the next one at once.
printf '%s\n' "$@" | xargs -P "$jobs" -I{} sh "$0" --one "$mode" "$fixtures" {}
passed=0 failed=0
for f in "$@"; do
	res=$out/fuzz_${f##*/fuzz_}.result
	if [ -f "$res" ]; then cat "$res"; else echo "fuzz_${f##*/fuzz_}: FAILED, no result"; fi
	if [ ! -f "$res" ] || head -1 "$res" | grep -q FAILED; then failed=$((failed + 1)); else passed=$((passed + 1)); fi
done
echo "fuzz-$mode: $passed passed, $failed failed"
[ "$failed" = 0 ]
