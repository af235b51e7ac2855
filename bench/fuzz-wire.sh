#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A long libFuzzer run of the wire decoder's harness (tests/wire/fuzz.c,
# module/wire*.c under ASan and UBSan): RUNS executions (default 10000000),
# seeded with the unit tests' corpus as `make -C tests/wire fuzz-run`
# seeds it. Prints the executions, the wall and CPU time, executions per
# second, the peak RSS and the verdict; exits 1 on a crash (the input is
# kept under tests/wire/out/bench-fuzz/), 0 otherwise. Runs on the host.
#
#   bench/fuzz-wire.sh [RUNS]
#
# JOBS=N (default 1) splits the executions over N fuzzer processes
# (libFuzzer's -jobs/-workers), each with its own copy of the seeds; on
# this project's two-core machines one process is the default, as other
# work shares the cores. `make check` keeps its own short timed run.

set -u -o pipefail
export LC_ALL=C
repo=$(cd "$(dirname "$0")/.." && pwd -P) || exit 2
wire=$repo/tests/wire
runs=${1:-10000000}
jobs=${JOBS:-1}
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || { echo "usage: $0 [RUNS]" >&2; exit 2; }
[[ "$jobs" =~ ^[1-9][0-9]?$ ]] || { echo "JOBS wants a small number, not '$jobs'" >&2; exit 2; }

make -s -C "$wire" fuzz out/corpus/.seeded > /dev/null || exit 2
out=$wire/out/bench-fuzz
rm -rf "$out"
mkdir -p "$out" || exit 2
per_job=$(( (runs + jobs - 1) / jobs ))
for j in $(seq 1 "$jobs"); do
	mkdir -p "$out/corpus-$j" && cp "$wire"/out/seeds/* "$out/corpus-$j/" || exit 2
done
seeds=$(find "$wire/out/seeds" -type f | wc -l)

# fuzz J: one fuzzer process on its own corpus, its log in $out/fuzz-J.log
fuzz() {
	"$wire/out/fuzz" -runs="$per_job" -max_len=9000 -print_final_stats=1 \
		-artifact_prefix="$out/job$1-" "$out/corpus-$1" > "$out/fuzz-$1.log" 2>&1
}

echo "# wire decoder fuzzing: $runs executions in $jobs process(es), $seeds seed inputs"
TIMEFORMAT='%R %U %S'
{
	time {
		pids=()
		for j in $(seq 1 "$jobs"); do
			fuzz "$j" &
			pids+=($!)
		done
		rc=0
		for p in "${pids[@]}"; do
			wait "$p" || rc=1
		done
		echo "$rc" > "$out/rc"
	}
} 2> "$out/time"
rc=$(cat "$out/rc")
read -r wall user sys < "$out/time"

final() { # NAME: the values of stat::NAME over the jobs' logs, one a line
	sed -n "s/^stat::$1: *//p" "$out"/fuzz-*.log
}
execs=$(final number_of_executed_units | awk '{ s += $1 } END { print s + 0 }')
rss=$(final peak_rss_mb | awk '$1 > m { m = $1 } END { print m + 0 }')
added=$(final new_units_added | awk '{ s += $1 } END { print s + 0 }')
cov=$(grep -h -o 'cov: [0-9]*' "$out"/fuzz-*.log | awk '$2 > m { m = $2 } END { print m + 0 }')
awk -v e="$execs" -v w="$wall" -v u="$user" -v s="$sys" -v r="$rss" -v a="$added" -v c="$cov" 'BEGIN {
	printf "executions: %d\n", e
	printf "time: %.1f s wall, %.1f s CPU (user %.1f, sys %.1f)\n", w, u + s, u, s
	printf "executions/s: %.0f (wall), %.0f per CPU second\n", e / (w > 0 ? w : 1), e / (u + s > 0 ? u + s : 1)
	printf "peak RSS: %d MB (per process)\n", r
	printf "coverage: %d edges, %d new inputs kept\n", c, a
}'
if [ "$rc" != 0 ] || grep -q -E '^==[0-9]+==|^SUMMARY|deadly signal' "$out"/fuzz-*.log; then
	grep -h -E '^==[0-9]+==|^SUMMARY|round trip failed|Test unit written' "$out"/fuzz-*.log | head -n 20
	echo "verdict: CRASH (logs: $out/fuzz-*.log, inputs: $out/job*-crash-*)"
	exit 1
fi
if [ "$execs" -lt "$runs" ]; then
	echo "verdict: INCOMPLETE ($execs of $runs executions; logs: $out/fuzz-*.log)"
	exit 1
fi
echo "verdict: no crash in $execs executions"
