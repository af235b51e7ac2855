#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A cluster of mixed kernels (a rolling upgrade): two guests at once, one on
# Debian 12's 6.1 (the host root) and one on the newest 7.x (the Debian 13
# root of trixie-root.sh), joined by three virtual cables (QEMU dgram
# netdevs over Unix sockets: the HA link, the LAN, the inside network).
# The 6.1 guest holds node 1, the IPsec peer and the inside server and runs
# the story (selftests/mixed_node.sh controller); the 7.x guest holds node
# 2 (mixed_node.sh agent) and runs what the controller asks of it, through
# files in a directory of the repository, which both guests share. SAs made
# on each node, mirrored on the other, and a takeover in each direction
# under traffic, judged from the peer's capture. Prints TAP lines ("ok -
# ..." / "not ok - ...") and exits non-zero on any failure; either guest's
# kernel log with a BUG or WARNING fails the run (tools/vm/run exit 125).
#
#   tools/kernels/check-mixed.sh [--lock FILE] [-k KVER] [-t SECONDS] [--no-build]
#     --lock FILE  the runner lock taken once for the pair (default
#                  build/vm/lock); the two guests then run under lock files
#                  of their own
#     -k KVER      the older node's kernel (default 6.1)
#     -t SECONDS   time limit of each guest (default 300); KSFT_MACHINE_SLOW
#                  and IPSEC_HA_SLOW, when set, go to both guests
#     --no-build   use the modules, the tool, xfrm_sa and ha_inject as
#                  they are (built: make modules tool, trixie-root.sh
#                  build, make -C selftests xfrm_sa ha_inject)
# As root (trixie-root.sh). Logs: build/mixed/<id>/.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
lock=$top/build/vm/lock
old=6.1
tlimit=300
build=1
while [ $# -gt 0 ]; do
	case $1 in
	--lock) lock=$2; shift 2 ;;
	-k) old=$2; shift 2 ;;
	-t) tlimit=$2; shift 2 ;;
	--no-build) build=0; shift ;;
	*) sed -n 's/^#   tools/tools/p; s/^#     /    /p' "$0" >&2; exit 2 ;;
	esac
done
[ "$(id -u)" = 0 ] || { echo "check-mixed: must run as root (trixie-root.sh)" >&2; exit 1; }

# shellcheck source=tools/kernels/tap.sh
source "$top/tools/kernels/tap.sh"
t_all=$EPOCHREALTIME

id=$(date +%Y%m%d-%H%M%S)-$$
log=$top/build/mixed/$id
mkdir -p "$log" || exit 1
# Keep the newest 10 runs.
ls -d "$top"/build/mixed/[0-9]*-*/ 2> /dev/null | head -n -10 | xargs -r rm -rf


trixie=$top/tools/kernels/trixie-root.sh
step "trixie root ready" "$trixie" setup || exit 1
rel=$("$trixie" release)
root=$("$trixie" path)
if [ $build = 1 ]; then
	step "module for $rel" "$trixie" build || exit 1
	step "module for every installed kernel, the tool, xfrm_sa and ha_inject" \
		sh -c 'make -C "$1" modules tool && make -C "$1/selftests" xfrm_sa ha_inject' sh "$top" || exit 1
fi

# The pair takes the runner lock once; each guest then has a lock of its own.
exec 9> "$lock" || { not_ok "open the lock $lock"; exit 1; }
if ! flock -n 9; then
	echo "# waiting for the runner lock $lock"
	flock 9
fi

# The cables: a Unix datagram socket per end (QEMU's dgram netdev), in a
# short directory (socket paths are limited to 107 bytes).
socks=$(mktemp -d /tmp/ipsec-ha-mixed.XXXXXX) || exit 1
pids=()
# shellcheck disable=SC2317 # called from traps
finish() {
	local p
	for p in "${pids[@]}"; do
		kill -TERM "$p" 2> /dev/null
	done
	for p in "${pids[@]}"; do
		wait "$p" 2> /dev/null
	done
	rm -rf "$socks"
}
trap finish EXIT
trap 'exit 130' INT TERM

# nics SIDE N: the --nic options of guest SIDE (a or b), card i of both
# guests on one cable; MACs 52:54:00:6d:N:0i.
nics() {
	local side=$1 n=$2 other i
	[ "$side" = a ] && other=b || other=a
	for i in 1 2 3; do
		printf -- '--nic\0dgram,local.type=unix,local.path=%s,remote.type=unix,remote.path=%s,mac=52:54:00:6d:%02d:%02d\0' \
			"$socks/$side$i" "$socks/$other$i" "$n" "$i"
	done
}
macs() { printf '52:54:00:6d:%02d:01 52:54:00:6d:%02d:02 52:54:00:6d:%02d:03' "$1" "$1" "$1"; }
readarray -d '' nics_a < <(nics a 1)
readarray -d '' nics_b < <(nics b 2)
read -r -a macs_a <<< "$(macs 1)"
read -r -a macs_b <<< "$(macs 2)"
shared=$log/shared
mkdir -p "$shared"

echo "# older node: $old (this host's root); newer node: $rel ($root)"
t=$EPOCHREALTIME
"$top/tools/vm/run" --lock "$log/lock-b" --root "$root" -k "$rel" -t "$tlimit" -v --test-env "${nics_b[@]}" \
	-- "$top/selftests/mixed_node.sh" agent "$shared" "${macs_b[@]}" > "$log/agent.log" 2> "$log/agent.run.log" &
pids+=($!)
pid_b=$!
"$top/tools/vm/run" --lock "$log/lock-a" -k "$old" -t "$tlimit" -v --test-env "${nics_a[@]}" \
	-- "$top/selftests/mixed_node.sh" controller "$shared" "${macs_a[@]}" 2> "$log/controller.run.log" |
	tee "$log/controller.log" | awk '/^(ok|not ok) - |^#/ { print; fflush(); next } { print "# " $0; fflush() }'
rc_a=${PIPESTATUS[0]}
# The agent ends when the controller says so (DIR/quit, written on its exit).
: > "$shared/quit"
for _ in $(seq 60); do
	kill -0 "$pid_b" 2> /dev/null || break
	sleep 0.5
done
kill -TERM "$pid_b" 2> /dev/null
wait "$pid_b"
rc_b=$?
pids=()
fails=$((fails + $(grep -c '^not ok - ' "$log/controller.log")))
grep -h 'boot to command' "$log/controller.run.log" "$log/agent.run.log" | sed 's/^/# /'

case $rc_a in
0) ok "$old guest (controller: node 1, peer) exits 0 with a clean kernel log ($(secs "$t"))" ;;
*)
	not_ok "$old guest (controller) exit $rc_a ($log/controller.log, $log/controller.run.log)"
	tail -n 15 "$log/controller.run.log" | sed 's/^/#   /'
	;;
esac
case $rc_b in
0) ok "$rel guest (agent: node 2) exits 0 with a clean kernel log" ;;
*)
	not_ok "$rel guest (agent) exit $rc_b ($log/agent.log, $log/agent.run.log)"
	tail -n 15 "$log/agent.log" | sed 's/^/#   /'
	tail -n 15 "$log/agent.run.log" | sed 's/^/#   /'
	;;
esac
echo "# check-mixed took $(secs "$t_all") (guests $(secs "$t")); logs $log"
[ "$fails" = 0 ]
