#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A/B comparison of two builds with one bench: runs BENCH (a script of
# bench/) AB_ROUNDS times (default 3) against the module and tool built in
# the tree OLD, and as often against this tree's, alternately (old, new,
# old, new, ...), in one guest. Each run gets ROUNDS=1, so the bench does
# one round of its own. Every line the bench prints that holds numbers is
# a figure; for each number of each such line it prints the median of the
# old runs, the median of the new runs and their ratio new/old:
#
#   tools/vm/run -m 3072 -t 3600 -- bench/ab.sh OLD bench/promote.sh 1000
#   bench/ab.sh --report DIR      the figures of the runs kept in DIR again
#
# OLD is a work tree of an earlier commit (git worktree add OLD COMMIT)
# with its module built for the guest's kernel and its tool built (make
# KDIR=/lib/modules/<release>/build modules tool). The bench script is this
# tree's, run against either build through IPSEC_HA_KO and IPSEC_HA
# (selftests/lib.sh): its commands must exist in both. Lines that start
# with "#" are comments, not figures. The runs' whole output is kept in
# AB_OUT (default build/bench/ab-<bench>/), one file per run.
set -uo pipefail

usage() { echo "usage: bench/ab.sh OLD BENCH [ARGS...] | --report DIR" >&2; exit 2; }
[ $# -ge 2 ] || usage
top=$(cd "$(dirname "$0")/.." && pwd)

# report DIR: for every figure, the median and range of the runs A.* and
# of the runs B.* in DIR, and the ratio of the medians B/A. A line with its numbers replaced by "{}" names the
# figure, its numbers in order are its values; a name that comes back in
# one run (a bench that measures several sizes) is told apart by its
# occurrence ("[2]"). Comments ("#") and kernel messages ("[") are no
# figures.
report() {
	python3 - "$1" <<'EOF'
import glob, re, statistics, sys
out = sys.argv[1]
num = re.compile(r"-?\d+(?:\.\d+)?")
runs = {"A": [], "B": []}
order = []
for side in runs:
    for path in sorted(glob.glob("%s/%s.*" % (out, side))):
        figs, seen = {}, {}
        for line in open(path).read().splitlines():
            if line.startswith(("#", "[")) or not num.search(line):
                continue
            name = num.sub("{}", line.strip())
            seen[name] = seen.get(name, 0) + 1
            key = name if seen[name] == 1 else "%s [%d]" % (name, seen[name])
            if key not in order:
                order.append(key)
            figs[key] = [float(x) for x in num.findall(line)]
        runs[side].append(figs)
print("# runs: %d of A, %d of B; per figure: median [lowest..highest] of A -> of B (B/A)"
      % (len(runs["A"]), len(runs["B"])))
for key in order:
    a = [f[key] for f in runs["A"] if key in f]
    b = [f[key] for f in runs["B"] if key in f]
    if not a or not b:
        continue
    n = min(min(len(x) for x in a), min(len(x) for x in b))
    vals = []
    for i in range(n):
        va, vb = [x[i] for x in a], [x[i] for x in b]
        ma, mb = statistics.median(va), statistics.median(vb)
        if min(va) == max(va) and min(vb) == max(vb):
            vals.append("%g -> %g" % (ma, mb))
            continue
        vals.append("%g [%g..%g] -> %g [%g..%g] (%s)" % (
            ma, min(va), max(va), mb, min(vb), max(vb), "%.2f" % (mb / ma) if ma else "-"))
    print("%s\n    %s" % (key, "; ".join(vals)))
EOF
}

if [ "$1" = --report ]; then
	report "$2"
	exit
fi
old=$(cd "$1" && pwd) || exit 2
bench=$2
shift 2
rel=$(uname -r)
rounds=${AB_ROUNDS:-3}
out=${AB_OUT:-$top/build/bench/ab-$(basename "$bench" .sh)}
for t in "$old" "$top"; do
	for f in "$t/build/$rel/module/ipsec_ha.ko" "$t/tools/ipsec-ha/ipsec-ha"; do
		[ -x "$f" ] || [ -f "$f" ] || { echo "ab.sh: $f is not built" >&2; exit 2; }
	done
done
rm -rf "$out"
mkdir -p "$out"
echo "# A: $(git -C "$old" log --oneline -1 2> /dev/null || echo "$old")"
echo "# B: $(git -C "$top" log --oneline -1 2> /dev/null || echo "$top")"
echo "# $bench $*, $rounds runs each, interleaved"

fail=0
for r in $(seq 1 "$rounds"); do
	for side in A B; do
		t=$top
		[ $side = B ] || t=$old
		# shellcheck disable=SC2097,SC2098 # the bench reads them
		if ! ROUNDS=1 IPSEC_HA_KO="$t/build/$rel/module/ipsec_ha.ko" \
			IPSEC_HA="$t/tools/ipsec-ha/ipsec-ha" \
			"$top/$bench" "$@" > "$out/$side.$r" 2>&1; then
			echo "# run $r of $side failed: $out/$side.$r"
			tail -n 5 "$out/$side.$r" | sed 's/^/#   /'
			fail=1
		fi
		[ ! -e /sys/module/ipsec_ha ] || rmmod ipsec_ha
		echo "# run $r of $side done"
	done
done

report "$out"
exit $fail
