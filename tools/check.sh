#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Every test of ipsec-ha, as one TAP stream ending in
# "N passed, N failed, N skipped". Parts: build, lint, the tool's unit
# tests, the wire codec's unit tests and a bounded fuzz run, dkms, a staged
# make install, then the guests: the whole suite on Debian 12's 6.1 and on
# the newest 7.x (booted by virtme-ng), the tests that cross the compat
# switches on 6.12, the suite's concurrent and hostile paths on a KASAN +
# lockdep debug kernel, and a cluster of a 6.1 and a 7.x guest (rolling
# upgrade). A guest run also fails when its kernel log shows a BUG,
# WARNING, lockdep or KASAN report. Every part prints how long it took.
#
# The guests run in two lanes, one per core of the 2-core machine this is
# sized for: the foreground runs the parts one after the other, a
# background lane runs the debug kernel's build and suite, then its half of
# the 7.x suite.
#
#   CHECK_KERNELS="6.1 6.12"   kernels (prefixes of installed releases)
#   CHECK_TESTS="control_plane.sh ..."   a subset of the guest suite (every
#                              guest; the debug kernel keeps its own list)
#   CHECK_612_TESTS="..."      the 6.12 tests (default: the compat tests
#                              below; "all" for the whole suite)
#   CHECK_7X=0, CHECK_DEBUG=0, CHECK_MIXED=0   leave out the 7.x, the
#                              debug-kernel or the mixed-kernel part
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
logdir=$top/build/check
mkdir -p "$logdir"
kernels=${CHECK_KERNELS:-6.1 6.12}
n=0 passed=0 failed=0 skipped=0
t_all=$(date +%s)

echo "TAP version 13"

emit() {	# emit PART STATUS-LINE
	local line=$2 desc
	case $line in
	"ok "*"# SKIP"*|"ok "*"# skip"*)
		skipped=$((skipped + 1)) ;;
	"ok "*) passed=$((passed + 1)) ;;
	"not ok "*) failed=$((failed + 1)) ;;
	*) return ;;
	esac
	n=$((n + 1))
	desc=$(sed -E 's/^(not )?ok[ ]+[0-9]*[ ]*(- )?//' <<< "$line")
	case $line in
	"not ok "*) echo "not ok $n $1: $desc" ;;
	*) echo "ok $n $1: $desc" ;;
	esac
}

# part NAME CMD...: run CMD, pass its TAP results through, its other
# output to the part's log (and as comments when it fails).
part() {
	local name=$1 t0 rc
	shift
	t0=$(date +%s)
	echo "# == $name"
	"$@" > "$logdir/$name.log" 2>&1
	rc=$?
	echo $rc > "$logdir/$name.rc"
	part_report "$name" $rc "$t0"
}

part_report() {	# part_report NAME STATUS START-TIME [END-TIME]
	local name=$1 rc=$2 log=$logdir/$1.log line before=$failed end=${4:-$(date +%s)}
	while IFS= read -r line; do
		emit "$name" "$line"
	done < <(grep -E '^(not )?ok ' "$log")
	if [ "$rc" != 0 ] && [ $failed = "$before" ]; then
		emit "$name" "not ok - exited with status $rc"
	fi
	if [ $failed != "$before" ]; then
		grep -vE '^(not )?ok ' "$log" | tail -n 40 | sed 's/^/#   /'
	fi
	echo "# $name took $(( end - $3 )) s (log: ${log#"$top"/})"
}

# The background lane: lane_part NAME CMD... runs a part there, keeping its
# status and times in build/check/NAME.{rc,t}; lane_report NAME reports it
# (in the foreground, once the lane is done) as part does.
lane_part() {
	local name=$1 t0 rc
	shift
	t0=$(date +%s)
	"$@" > "$logdir/$name.log" 2>&1
	rc=$?
	echo "$t0 $(date +%s)" > "$logdir/$name.t"
	echo $rc > "$logdir/$name.rc"
}
lane_report() {
	local t
	echo "# == $1 (ran in the background lane)"
	[ -f "$logdir/$1.rc" ] || { emit "$1" "not ok - did not run"; return; }
	grep '^# waited' "$logdir/$1.log"
	read -r -a t < "$logdir/$1.t"
	part_report "$1" "$(cat "$logdir/$1.rc")" "${t[0]}" "${t[1]}"
}

single() {	# single DESCRIPTION CMD...: one TAP line for one command
	local desc=$1
	shift
	if "$@"; then echo "ok - $desc"; else echo "not ok - $desc"; fi
}

build() {
	single "module and tool build" make -C "$top" all
	single "selftest helpers build" make -C "$top/selftests" all
	single "YNL client unpacked" tools/ynl.sh path
}

install_staged() {	# make install into a staging directory, then look
	local d rc=0 r
	d=$(mktemp -d)
	make -C "$top" install DESTDIR="$d" PREFIX=/usr > "$logdir/install-make.log" 2>&1 || rc=1
	single "make install stages the tool" test -x "$d/usr/sbin/ipsec-ha"
	single "make install stages the man page" test -f "$d/usr/share/man/man8/ipsec-ha.8"
	single "make install stages bash completion" test -f "$d/usr/share/bash-completion/completions/ipsec-ha"
	single "make install stages the charon plugin" test -f "$d/usr/lib/ipsec/plugins/libstrongswan-ipsec-ha.so"
	single "make install stages the plugin's strongswan.d snippet" test -f "$d/etc/strongswan.d/charon/ipsec-ha.conf"
	for r in $(find /lib/modules -mindepth 2 -maxdepth 2 -name build -printf '%h\n' | xargs -rn1 basename); do
		single "make install stages the module for $r" \
			sh -c "find '$d/lib/modules/$r' -name 'ipsec_ha.ko*' | grep -q ."
	done
	rm -rf "$d"
	return $rc
}

unit() {
	make -C tools/ipsec-ha test && make -s -C tools/strongswan test
}

# The wire codec, shared with the module: unit tests (plain, sanitised,
# clang) and a bounded libFuzzer run (FUZZ_SECONDS, default 30).
wire() {
	local rc=0 execs t
	make -C tests/wire test > "$logdir/wire-make.log" 2>&1 || rc=1
	# Each test once, and the other builds of the same tests as one line each.
	cat tests/wire/out/unit.tap
	for t in unit-san unit-clang; do
		if grep -q '^not ok' "tests/wire/out/$t.tap" 2> /dev/null || [ ! -s "tests/wire/out/$t.tap" ]; then
			echo "not ok - wire unit tests built as $t"
		else
			echo "ok - wire unit tests built as $t ($(grep -c '^ok' "tests/wire/out/$t.tap") passed)"
		fi
	done
	if make -C tests/wire fuzz-run FUZZ_SECONDS="${FUZZ_SECONDS:-30}" > "$logdir/fuzz.log" 2>&1; then
		execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$logdir/fuzz.log" | grep -o '[0-9]*$' | tail -n 1)
		echo "ok - wire decoder fuzzed for ${FUZZ_SECONDS:-30} s (${execs:-?} executions), no crash"
	else
		echo "not ok - wire decoder fuzzing found a crash (tests/wire/out/fuzz.log)"
		tail -n 30 "$logdir/fuzz.log"
		rc=1
	fi
	return $rc
}

guest() {	# guest KERNEL-PREFIX
	local rel rc
	rel=$(find /lib/modules -mindepth 1 -maxdepth 1 \( -name "$1.*" -o -name "$1-*" \) \
		-printf '%f\n' 2> /dev/null | sort -V | tail -n 1)
	if [ -z "$rel" ]; then
		echo "not ok - kernel $1 is not installed (make deps installs it)"
		return 1
	fi
	if [ ! -e "build/$rel/module/ipsec_ha.ko" ]; then
		echo "not ok - module for $rel is not built"
		return 1
	fi
	# The time limit is a last resort against a hung guest, not a budget:
	# the 6.1 guest's whole suite (the strongSwan stories included) took
	# 1900-2400 s on this project's 2-core machines, depending on their
	# load, and each test has its own limit (selftests/settings).
	# shellcheck disable=SC2086
	tools/vm/run -k "$rel" -t 3600 --test-env -e IPSEC_HA_STEP_TIMES=1 -- selftests/run.sh ${CHECK_TESTS:-}
	rc=$?
	case $rc in
	125) echo "not ok - guest kernel log of $rel is clean (BUG/WARNING/lockdep/KASAN found)" ;;
	124) echo "not ok - guest $rel finished in time" ;;
	126) echo "not ok - guest $rel ran to the end (guest died)" ;;
	127) echo "not ok - guest $rel started (runner setup error)" ;;
	*) echo "ok - guest kernel log of $rel is clean" ;;
	esac
	return $rc
}

# The two slow preparations of a fresh machine, the debug kernel (about 10
# minutes of both cores) and the Debian 13 root for 7.x (mostly downloads),
# start now in the background and overlap the parts below; the parts that
# need them wait for them. Their output: build/check/prep-*.log. The debug
# kernel's build heads the longest chain (its suite then runs for half an
# hour beside the other parts), so it runs before them (niceness -5); the
# root, mostly downloads, at the lowest priority.
declare -A prep_pid
prep() {	# prep NAME NICENESS CMD...: start CMD in the background
	local name=$1 niceness=$2
	shift 2
	echo "# preparing $name in the background (log: build/check/prep-$name.log)"
	rm -f "$logdir/prep-$name.done"
	( t0=$(date +%s); nice -n "$niceness" "$@"; rc=$?
	  echo "prep-$name: exit $rc after $(( $(date +%s) - t0 )) s"
	  echo $rc > "$logdir/prep-$name.done"; exit $rc ) \
		> "$logdir/prep-$name.log" 2>&1 &
	prep_pid[$name]=$!
}
# prep_wait NAME: wait until it is done (from any process: it polls the
# file the preparation leaves), say how long the wait was.
prep_wait() {
	local t0
	[ -n "${prep_pid[$1]:-}" ] || return 0
	t0=$(date +%s)
	while [ ! -e "$logdir/prep-$1.done" ]; do
		sleep 5
	done
	echo "# waited $(( $(date +%s) - t0 )) s for $1 ($(tail -n 1 "$logdir/prep-$1.log"))"
}
if [ "$(id -u)" = 0 ]; then
	[ "${CHECK_DEBUG:-1}" = 0 ] ||
		IPSEC_HA_DEBUG_NICE=0 prep debug-kernel -5 tools/kernels/debug-kernel.sh
	[ "${CHECK_7X:-1}" = 0 ] || prep trixie-root 19 tools/kernels/trixie-root.sh setup
fi

# The KASAN + lockdep + kmemleak + UBSAN 6.1 kernel (built once from
# Debian's linux-source-6.1, cached outside the clone): its list of tests,
# a load/unload loop under namespace churn with ESP flowing, kmemleak. It
# runs in the background lane (a runner lock of its own) once everything it
# needs is built. CHECK_DEBUG=0 leaves it out.
kernel_debug() {
	prep_wait debug-kernel
	IPSEC_HA_VM_LOCK=$top/build/vm/lock-debug tools/kernels/check-debug.sh
}

# The suite's tests without the integration tests: strongSwan and
# keepalived (swan_*.sh) and the Pacemaker agent (ocf.sh) exercise
# userspace daemons the same way on every kernel, so they run on one
# kernel, Debian 12's own (CHECK_SWAN_KERNEL), whose strongSwan the plugin
# is built for.
swan_kernel=${CHECK_SWAN_KERNEL:-6.1}
no_swan=$(make -s -C selftests print-tests | tr ' ' '\n' | grep -v -e '^swan_' -e '^ocf\.sh$' | tr '\n' ' ')
# 6.12 shares every compat switch of module/compat.h with 7.x but one,
# __xfrm_init_state()'s replay argument, which it shares with 6.1: it runs
# the tests that load the module, use genetlink and install SAs.
t612=${CHECK_612_TESTS:-module_lifecycle.sh control_plane.sh takeover.sh sa_kinds.sh migrate.sh move.sh}
[ "$t612" != all ] || t612=$no_swan
# The 7.x suite runs in two guests, one per lane: the background lane's
# share (after the debug kernel) is 7x_b, the foreground's the rest.
lane_b_7x=" mirror.sh takeover.sh ike.sh link_mtu.sh hardening.sh soak.sh move.sh split_brain.sh active_active.sh "
t7x_b=
t7x_a=
for t in ${CHECK_TESTS:-$no_swan}; do
	case $lane_b_7x in
	*" $t "*) t7x_b+="$t " ;;
	*) t7x_a+="$t " ;;
	esac
done
# The 7.x builds come first (foreground); the background lane's half
# waits for them.
kernel_7x_b() {
	local t0
	t0=$(date +%s)
	while [ ! -e "$logdir/kernel-7x-build.rc" ]; do
		sleep 5
	done
	echo "# waited $(( $(date +%s) - t0 )) s for the 7.x builds"
	[ "$(cat "$logdir/kernel-7x-build.rc")" = 0 ] || { echo "not ok - the 7.x builds failed"; return 1; }
	# shellcheck disable=SC2086 # one word per test
	IPSEC_HA_7X_NAME=suite-b tools/kernels/check-7x.sh suite $t7x_b
}
lane_b() {
	[ "${CHECK_DEBUG:-1}" = 0 ] || lane_part kernel-debug kernel_debug
	[ "${CHECK_7X:-1}" = 0 ] || [ -z "$t7x_b" ] || lane_part kernel-7x-b kernel_7x_b
}

part build build
part lint tools/lint.sh
part unit unit
part wire wire
part dkms tools/dkms-test.sh
part install install_staged
rm -f "$logdir"/kernel-7x-build.rc "$logdir"/kernel-debug.rc "$logdir"/kernel-7x-b.rc
echo "# == background lane: kernel-debug, then kernel-7x-b"
lane_b &
lane_pid=$!
for k in $kernels; do
	if [ -n "${CHECK_TESTS:-}" ]; then
		part "guest-$k" guest "$k"
	elif [ "$k" = "$swan_kernel" ]; then
		CHECK_TESTS='' part "guest-$k" guest "$k"
	elif [ "$k" = 6.12 ]; then
		CHECK_TESTS=$t612 part "guest-$k" guest "$k"
	else
		CHECK_TESTS=$no_swan part "guest-$k" guest "$k"
	fi
	# The 7.x builds right after the first guest (the Debian 13 root
	# was prepared in the background meanwhile).
	if [ "${CHECK_7X:-1}" != 0 ] && [ ! -e "$logdir/kernel-7x-build.rc" ]; then
		prep_wait trixie-root
		part kernel-7x-build tools/kernels/check-7x.sh build
	fi
done
if [ "${CHECK_7X:-1}" != 0 ]; then
	if [ ! -e "$logdir/kernel-7x-build.rc" ]; then
		prep_wait trixie-root
		part kernel-7x-build tools/kernels/check-7x.sh build
	fi
	# shellcheck disable=SC2086 # one word per test
	[ -z "$t7x_a" ] || IPSEC_HA_7X_NAME=suite-a part kernel-7x-a tools/kernels/check-7x.sh suite $t7x_a
fi
# The rolling upgrade: a 6.1 and a 7.x guest in one cluster, after the
# builds of both (--no-build: the background lane's guests may be loading
# their modules from build/ meanwhile).
if [ "${CHECK_MIXED:-1}" != 0 ] && [ "${CHECK_7X:-1}" != 0 ]; then
	part kernel-mixed tools/kernels/check-mixed.sh --lock "$top/build/vm/lock" --no-build
fi
wait "$lane_pid"
[ "${CHECK_DEBUG:-1}" = 0 ] || lane_report kernel-debug
[ "${CHECK_7X:-1}" = 0 ] || [ -z "$t7x_b" ] || lane_report kernel-7x-b

echo "1..$n"
echo "# make check took $(( $(date +%s) - t_all )) s"
echo "$passed passed, $failed failed, $skipped skipped"
[ $failed = 0 ]
