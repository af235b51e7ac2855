#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run selftests (all of TEST_PROGS, or those named) inside the guest and
# print one TAP stream: every check numbered, prefixed with its test's name.
# A test that exits non-zero without reporting a failed check, or times
# out, is reported as a failure of its own; exit 4 is a skip.

cd "$(dirname "$0")" || exit 1
timeout=$(sed -n 's/^timeout=//p' settings)
# A slow machine (KSFT_MACHINE_SLOW=yes, kselftest's convention) doubles
# each test's time limit. IPSEC_HA_SLOW (the debug kernel) stretches the
# waits inside the tests only: a test that hangs there still ends at the
# limit of settings, which keeps make check within its time.
slow=1
[ -n "${IPSEC_HA_SLOW:-}" ] || [ "${KSFT_MACHINE_SLOW:-}" != yes ] || slow=2
timeout=$(( ${timeout:-600} * slow ))
tests=("$@")
[ ${#tests[@]} -gt 0 ] || read -r -a tests <<< "$(sed -n 's/^TEST_PROGS := //p' Makefile)"

echo "TAP version 13"
n=0
fails=0
for t in "${tests[@]}"; do
	name=${t%.sh}
	echo "# selftests: $name (kernel $(uname -r))"
	out=$(mktemp)
	t0=$(date +%s)
	timeout --kill-after=10 "$timeout" "./$t" > "$out" 2>&1
	rc=$?
	reported_fail=0
	while IFS= read -r line; do
		case $line in
		"ok - "*) n=$((n + 1)); echo "ok $n $name: ${line#ok - }" ;;
		"not ok - "*)
			n=$((n + 1)); echo "not ok $n $name: ${line#not ok - }"
			reported_fail=1; fails=$((fails + 1)) ;;
		*) echo "# $line" ;;
		esac
	done < "$out"
	rm -f "$out"
	echo "# $name took $(( $(date +%s) - t0 )) s"
	n=$((n + 1))
	case $rc in
	0) echo "ok $n $name" ;;
	4) echo "ok $n $name # SKIP" ;;
	124|137) echo "not ok $n $name # TIMEOUT after ${timeout}s"; fails=$((fails + 1)) ;;
	*)
		echo "not ok $n $name # exit code $rc"
		[ $reported_fail = 1 ] || true
		fails=$((fails + 1)) ;;
	esac
done
echo "1..$n"
[ $fails = 0 ]
