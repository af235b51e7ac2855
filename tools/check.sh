#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Every test of ipsec-ha, as one TAP stream ending in
# "N passed, N failed, N skipped". Parts: build, lint, the tool's unit
# tests, the wire codec's unit tests and a bounded fuzz run, dkms, a staged
# make install, the guest suite on each supported kernel, a build and
# smoke test on the newest Debian kernel (7.x), and the suite on a KASAN +
# lockdep debug kernel (a guest run also fails when the guest kernel log
# shows a BUG, WARNING, lockdep or KASAN report). Every part prints how
# long it took.
#
#   CHECK_KERNELS="6.1 6.12"   kernels (prefixes of installed releases)
#   CHECK_TESTS="control_plane.sh ..."   a subset of the guest suite
#   CHECK_7X=0, CHECK_DEBUG=0   leave out the 7.x or the debug-kernel part
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
	part_report "$name" $rc "$t0"
}

part_report() {	# part_report NAME STATUS START-TIME
	local name=$1 rc=$2 log=$logdir/$1.log line before=$failed
	while IFS= read -r line; do
		emit "$name" "$line"
	done < <(grep -E '^(not )?ok ' "$log")
	if [ "$rc" != 0 ] && [ $failed = "$before" ]; then
		emit "$name" "not ok - exited with status $rc"
	fi
	if [ $failed != "$before" ]; then
		grep -vE '^(not )?ok ' "$log" | tail -n 40 | sed 's/^/#   /'
	fi
	echo "# $name took $(( $(date +%s) - $3 )) s (log: ${log#"$top"/})"
}

# part_bg NAME CMD...: start a part in the background; part_wait NAME
# waits for it and reports it as part does.
declare -A bg_pid bg_t0
part_bg() {
	local name=$1
	shift
	echo "# == $name: started in the background"
	bg_t0[$name]=$(date +%s)
	"$@" > "$logdir/$name.log" 2>&1 &
	bg_pid[$name]=$!
}
part_wait() {
	local rc
	wait "${bg_pid[$1]}"
	rc=$?
	echo "# == $1 (ran in the background)"
	grep '^# waited' "$logdir/$1.log"
	part_report "$1" $rc "${bg_t0[$1]}"
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
	# shellcheck disable=SC2086
	tools/vm/run -k "$rel" -t 2400 -e IPSEC_HA_STEP_TIMES=1 -- selftests/run.sh ${CHECK_TESTS:-}
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
# Debian's linux-source-6.1, cached outside the clone): the suite, a
# load/unload loop under namespace churn with ESP flowing, kmemleak. Its
# guest uses about one core for half an hour, so it runs beside the 6.1
# and 6.12 guests (a runner lock of its own) once everything it needs is
# built. CHECK_DEBUG=0 leaves it out.
kernel_debug() {
	prep_wait debug-kernel
	IPSEC_HA_VM_LOCK=$top/build/vm/lock-debug tools/kernels/check-debug.sh
}

part build build
part lint tools/lint.sh
part unit unit
part wire wire
part dkms tools/dkms-test.sh
part install install_staged
[ "${CHECK_DEBUG:-1}" = 0 ] || part_bg kernel-debug kernel_debug
# The strongSwan and keepalived tests (swan_*.sh) exercise userspace
# daemons the same way on every kernel: they run on one kernel (Debian
# 12's own, CHECK_SWAN_KERNEL), the rest of the suite on all of them.
swan_kernel=${CHECK_SWAN_KERNEL:-6.1}
no_swan=$(make -s -C selftests print-tests | tr ' ' '\n' | grep -v '^swan_' | tr '\n' ' ')
for k in $kernels; do
	if [ -z "${CHECK_TESTS:-}" ] && [ "$k" != "$swan_kernel" ]; then
		CHECK_TESTS=$no_swan part "guest-$k" guest "$k"
	else
		part "guest-$k" guest "$k"
	fi
done
# The newest Debian kernel (7.x, from a Debian 13 root): 0-warning build
# and a smoke test in its guest. CHECK_7X=0 leaves it out.
if [ "${CHECK_7X:-1}" != 0 ]; then
	prep_wait trixie-root
	part kernel-7x tools/kernels/check-7x.sh
fi
[ "${CHECK_DEBUG:-1}" = 0 ] || part_wait kernel-debug

echo "1..$n"
echo "# make check took $(( $(date +%s) - t_all )) s"
echo "$passed passed, $failed failed, $skipped skipped"
[ $failed = 0 ]
