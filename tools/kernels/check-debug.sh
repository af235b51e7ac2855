#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Debug-kernel check: the KASAN + lockdep + kmemleak + UBSAN 6.1 kernel of
# debug-kernel.sh (built once, ~10-15 min of CPU on 2 cores, then reused),
# the module built against its tree, and in a guest booted from it:
#   1. the selftests that drive the module's concurrent and hostile paths
#      (DEBUG_TESTS below, or IPSEC_HA_DEBUG_TESTS; "all" for every test);
#   2. module load/unload cycles while namespaces are created, configured
#      and destroyed, with ESP traffic on SAs their nodes own and sync;
#   3. after the last unload, a kmemleak scan (twice, with a pause: an
#      object is reported only once it is 5 s old and still unreferenced).
# Leaks found during boot are cleared first; the runner fails the run
# (exit 125) on any BUG/WARNING/KASAN/UBSAN/lockdep report in the kernel log.
# Prints TAP lines ("ok - ..." / "not ok - ..."); exits non-zero on failure.
#
#   tools/kernels/check-debug.sh          (as root; make check-debug)
#   tools/kernels/check-debug.sh guest    phases 1-3 (in the guest)
#
# Environment: IPSEC_HA_DEBUG_TESTS the tests of phase 1 (DEBUG_TESTS, or
# "all"), IPSEC_HA_DEBUG_TIMEOUT guest time limit in seconds (4800),
# IPSEC_HA_DEBUG_CYCLES load/unload cycles in phase 2 (10), IPSEC_HA_VM_LOCK
# the runner's lock file (tools/vm/run --lock: make check gives this guest a
# lock of its own, so that it runs beside the 6.1 and 6.12 guests).
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
log=$top/build/check-debug
# The tests the debug kernel runs. KASAN, lockdep and TCG make a test 3 to 4
# times slower here, and every test also runs on 6.1 and 7.x, so this list
# keeps the tests that reach distinct locking, RCU, timer, softirq and
# teardown paths of the module:
#   - the per-packet hook, the link's timers and the work items under ESP
#     traffic, losses and takeovers: mirror, takeover, migrate, move, activate;
#   - hostile input from netlink and from the link: control_plane,
#     bad_input, peer_input, peer_control;
#   - IKE contexts and their events: ike;
#   - namespace, user namespace and module teardown: module_lifecycle,
#     hardening (phase 2 adds load/unload cycles under namespace churn);
#   - crypto offload to netdevsim, which only this kernel has: offload.
# The others (late_join, failover3, split_brain, link_mtu, soak, ...) drive
# these same paths with other configurations, or userspace alone.
DEBUG_TESTS="module_lifecycle.sh control_plane.sh bad_input.sh peer_input.sh
	peer_control.sh mirror.sh takeover.sh ike.sh hardening.sh migrate.sh move.sh
	activate.sh offload.sh"
fails=0
ok() { printf 'ok - %s\n' "$*"; }
not_ok() { printf 'not ok - %s\n' "$*"; fails=$((fails + 1)); }
secs() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f s", b - a }'; }

# ------------------------------------------------------------------ guest
kmemleak=/sys/kernel/debug/kmemleak

churn() {	# namespaces come and go, configured if the module is there, ESP flowing
	local i=0 ha=$top/tools/ipsec-ha/ipsec-ha k=0x0102030405060708090a0b0c0d0e0f1011121314
	local a b dir
	"$ha" key generate "$1.key" > /dev/null
	while [ ! -e "$1" ]; do
		i=$((i + 1))
		a=churn$i b=churnp$i
		ip netns add $a 2> /dev/null || continue
		ip netns add $b
		ip -n $a link add ha0 type veth peer name ha1
		ip -n $a addr add 10.98.0.1/24 dev ha0
		ip -n $a link set ha0 up
		ip -n $a link set ha1 up
		ip -n $a link add eth0 type veth peer name eth0 netns $b
		ip -n $a addr add 10.97.0.1/24 dev eth0
		ip -n $b addr add 10.97.0.2/24 dev eth0
		ip -n $a link set eth0 up
		ip -n $b link set eth0 up
		for ns in $a $b; do
			ip -n "$ns" xfrm state add src 10.97.0.1 dst 10.97.0.2 proto esp spi 0x501 \
				replay-window 32 mode transport aead 'rfc4106(gcm(aes))' "$k" 128
			ip -n "$ns" xfrm state add src 10.97.0.2 dst 10.97.0.1 proto esp spi 0x502 \
				replay-window 32 mode transport aead 'rfc4106(gcm(aes))' "$k" 128
		done
		for dir in out in; do
			ip -n $a xfrm policy add src 10.97.0.1 dst 10.97.0.2 dir $dir \
				tmpl src 10.97.0.1 dst 10.97.0.2 proto esp mode transport
			ip -n $b xfrm policy add src 10.97.0.2 dst 10.97.0.1 dir $dir \
				tmpl src 10.97.0.2 dst 10.97.0.1 proto esp mode transport
		done
		ip netns exec $a "$ha" node set id $i sync-interval 10 > /dev/null 2>&1
		ip netns exec $a "$ha" link set dev ha0 group 239.192.0.$((i % 250 + 1)) port 7731 > /dev/null 2>&1
		ip netns exec $a "$ha" key set file "$1.key" > /dev/null 2>&1
		ip netns exec $b ping -q -c 30 -i 0.01 -W 1 10.97.0.1 > /dev/null 2>&1
		ip netns del $b
		ip netns del $a
	done
	echo "$i" > "$1.count"
}

guest() {
	local ko t rc tests cycles=0 want=${IPSEC_HA_DEBUG_CYCLES:-10} stop deps leaks

	ko=$top/build/$(uname -r)/module/ipsec_ha.ko
	mkdir -p "$log"
	if [ -w "$kmemleak" ]; then
		# Only what happens from here on counts.
		echo scan > "$kmemleak"
		echo clear > "$kmemleak"
	fi

	# 1. The suite, numbered TAP turned into "ok - suite: ...".
	t=$EPOCHREALTIME
	tests=${IPSEC_HA_DEBUG_TESTS:-$DEBUG_TESTS}
	[ "$tests" != all ] || tests=
	# shellcheck disable=SC2086 # one word per test
	"$top/selftests/run.sh" $tests > "$log/suite.log" 2>&1
	rc=$?
	sed -n -E 's/^(not )?ok [0-9]+ /\1ok - suite: /p' "$log/suite.log"
	if [ $rc = 0 ]; then
		ok "selftests/run.sh on $(uname -r) ($(secs "$t"))"
	else
		not_ok "selftests/run.sh on $(uname -r) (exit $rc, $(secs "$t"); $log/suite.log)"
	fi

	# 2. Load/unload under namespace churn.
	t=$EPOCHREALTIME
	[ ! -e /sys/module/ipsec_ha ] || rmmod ipsec_ha
	stop=$(mktemp -u)
	churn "$stop" &
	deps=$(modinfo -F depends "$ko" | tr ',' ' ')
	if [ -n "$deps" ] && [ -d "/lib/modules/$(uname -r)" ]; then
		# shellcheck disable=SC2086 # one word per module
		modprobe -a $deps
	fi
	while [ $cycles -lt "$want" ]; do
		insmod "$ko" || break
		sleep 0.5
		rmmod ipsec_ha || break
		cycles=$((cycles + 1))
	done
	touch "$stop"
	wait
	if [ $cycles = "$want" ]; then
		ok "$cycles load/unload cycles during namespace churn ($(cat "$stop.count") namespaces, $(secs "$t"))"
	else
		not_ok "load/unload cycles during namespace churn: $cycles of $want"
	fi
	rm -f "$stop" "$stop.count" "$stop.key"
	if [ -e /sys/module/ipsec_ha ]; then
		not_ok "module unloaded at the end"
		rmmod ipsec_ha
	fi

	# 3. kmemleak after the unload.
	if [ ! -w "$kmemleak" ]; then
		not_ok "kmemleak scan: $kmemleak not available"
	else
		t=$EPOCHREALTIME
		echo scan > "$kmemleak"
		sleep 6
		echo scan > "$kmemleak"
		leaks=$(cat "$kmemleak")
		if [ -z "$leaks" ]; then
			ok "kmemleak: no leak after unload ($(secs "$t"))"
		else
			printf '%s\n' "$leaks" > "$log/kmemleak.txt"
			not_ok "kmemleak: $(grep -c 'unreferenced object' <<< "$leaks") leak(s) ($log/kmemleak.txt)"
			head -n 40 <<< "$leaks" | sed 's/^/#   /'
		fi
	fi
	[ "$fails" = 0 ]
}

if [ "${1:-}" = guest ]; then
	guest
	exit $?
fi

# ------------------------------------------------------------------ host
[ "$(id -u)" = 0 ] || { echo "check-debug: must run as root (debug-kernel.sh)" >&2; exit 1; }
mkdir -p "$log"

step() {	# step NAME CMD...: run CMD, log to build/check-debug/<n>.log, TAP line
	local name=$1 t rc out
	shift
	out=$log/$(tr -c 'A-Za-z0-9\n' _ <<< "$name" | cut -c1-40).log
	t=$EPOCHREALTIME
	"$@" > "$out" 2>&1
	rc=$?
	if [ $rc = 0 ]; then
		ok "$name ($(secs "$t"))"
	else
		not_ok "$name (exit $rc, $(secs "$t"); $out)"
		tail -n 20 "$out" | sed 's/^/#   /'
	fi
	return $rc
}

# Size for a 2-core machine: the kernel build uses every core, niced.
step "debug kernel (build or reuse)" nice -n 10 "$top/tools/kernels/debug-kernel.sh" || exit 1
tree=$("$top/tools/kernels/debug-kernel.sh" path)
image=${tree%/tree}/bzImage
rel=$(cat "$tree/include/config/kernel.release")
echo "# debug kernel $rel: $image"
step "module build against the debug tree" make -C "$top" KDIR="$tree" modules || exit 1
step "the tool and the selftest helpers" sh -c "make -C '$top' tool && make -C '$top/selftests' all" || exit 1

t=$EPOCHREALTIME
out=$log/guest.log
"$top/tools/vm/run" ${IPSEC_HA_VM_LOCK:+--lock "$IPSEC_HA_VM_LOCK"} --kernel-image "$image" -m 1536 -t "${IPSEC_HA_DEBUG_TIMEOUT:-4800}" -v --test-env \
	-e IPSEC_HA_DEBUG_CYCLES="${IPSEC_HA_DEBUG_CYCLES:-10}" -e IPSEC_HA_SLOW="${IPSEC_HA_SLOW:-4}" -e IPSEC_HA_STEP_TIMES=1 \
	${IPSEC_HA_DEBUG_TESTS:+-e IPSEC_HA_DEBUG_TESTS="$IPSEC_HA_DEBUG_TESTS"} \
	-- "$top/tools/kernels/check-debug.sh" guest > "$out" 2> "$log/guest.run.log"
rc=$?
grep -E '^(not )?ok - ' "$out"
fails=$((fails + $(grep -c '^not ok - ' "$out")))
grep -E 'boot to command' "$log/guest.run.log" | sed 's/^/# /'
case $rc in
0) ok "debug guest: suite, load/unload, kmemleak, clean kernel log ($(secs "$t"))" ;;
125)
	not_ok "debug guest: kernel log dirty ($(secs "$t"); $log/guest.run.log)"
	sed -n '/kernel log dirty/,/failing the run/p' "$log/guest.run.log" | sed 's/^/#   /'
	;;
*)
	not_ok "debug guest (exit $rc, $(secs "$t"); $out, $log/guest.run.log)"
	tail -n 15 "$log/guest.run.log" | sed 's/^/#   /'
	;;
esac
[ "$fails" = 0 ]
