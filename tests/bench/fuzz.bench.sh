#!/bin/sh
# fuzz.bench.sh BUILD FIXTURES - runs per second of every fuzz target (issue: every target
# >= 1,000 runs/s on a 2-core machine, one target per core). Each target runs FUZZ_BENCH_SECONDS
# (default 20) from a copy of its kept corpus with its dictionary and options, as a campaign does;
# the rate includes loading that corpus. A target below the mark says why in its source comment.
set -u
B=$1
secs=${FUZZ_BENCH_SECONDS:-20}
bb=$B/bench-fuzz
rm -rf "$bb"
mkdir -p "$bb"
for f in "$B"/fuzz/fuzz_*; do
	case $f in *.log | *.result) continue ;; esac
	[ -x "$f" ] || continue
	name=${f##*/fuzz_}
	mkdir -p "$bb/$name"
	[ -d "tests/fuzz/corpus/$name" ] && cp tests/fuzz/corpus/"$name"/* "$bb/$name/" 2>/dev/null
	dict= opts=
	[ -f "tests/fuzz/$name.dict" ] && dict=-dict=tests/fuzz/$name.dict
	[ -f "tests/fuzz/$name.options" ] && opts=$(grep -v '^#' "tests/fuzz/$name.options")
	"$f" -max_total_time="$secs" $dict $opts -print_final_stats=1 -rss_limit_mb=2048 -timeout=10 \
		"$bb/$name" >"$bb/$name.log" 2>&1
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$bb/$name.log")
	printf 'bench: fuzz_%-14s %8s runs/s   target >= 1000\n' "$name" "${rate:-?}"
done
