#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The counter hook's cost in guest instructions per ESP packet, which host
# load cannot move: a QEMU TCG plugin (bench/insn/insn-count.c) counts the
# instructions the guest executes, and bench/insn/mark --echo sends PINGS
# ICMP echoes one after the other from a peer to a node through a
# transport-mode ESP SA pair, between two marks (each echo is two ESP
# packets: the request out of the peer, the reply out of the node; the
# node answers in the kernel). Per packet: the window's instructions /
# (2 * PINGS). Three modes, in interleaved rounds (ABBA):
#
#   off   the module not loaded
#   hook  loaded, node 1 owning and tracking the SAs, its counter sync put
#         off past the run: the hook on every packet and nothing else
#   sync  loaded, nodes 1 and 2 syncing with the defaults (as
#         bench/hook-cost.sh): the hook and the counter sync it drives,
#         node 2's receiving included, as the same guest runs both
#
# A first round warms every mode up and is not counted. Prints, per mode,
# the median per-packet count and its spread across the rounds
# ((max - min) / median), then hook and sync against off: the difference
# of the medians, its share of the path without the module, and the
# median of the rounds' shares; for all guest instructions and for the
# kernel's alone.
#
#   bench/hook-insn.sh [ROUNDS] [PINGS]     (on the host: boots the guest)
#
# ROUNDS defaults to 5, PINGS to 1000. CIPHER=null uses ESP with the null
# cipher and no authentication instead of rfc4106(gcm(aes)) 128: the path
# without crypto, the hook's worst case in share. VM_ARGS adds options to
# tools/vm/run (default -k 6.1 -t 1800).
#
# The guest runs with one vCPU and QEMU's -icount shift=0: its clock
# advances 1 ns per instruction while it runs, so that the timer
# interrupts and the time-driven work (ALIVE, the sync interval) that fall
# into a window depend on the instructions executed, not on how fast the
# host runs them (with the host's clock, they moved the counts by 1-2%
# between rounds). The guest has QEMU's default CPU model, without AES-NI:
# its AES-GCM runs the kernel's generic C code.

if [ -z "${IPSEC_HA_GUEST:-}" ]; then
	repo=$(cd "$(dirname "$0")/.." && pwd -P) || exit 2
	make -s -C "$repo/bench/insn" || exit 2
	marks=$repo/build/insn/hook-insn.$$.marks
	: > "$marks" || exit 2
	# shellcheck disable=SC2086 # VM_ARGS: options, one word each
	"$repo/tools/vm/run" --smp 1 --icount shift=0 ${VM_ARGS:--k 6.1 -t 1800} \
		--plugin "$repo/build/insn/insn-count.so,out=$marks" \
		-e INSN_MARKS="$marks" ${CIPHER:+-e CIPHER="$CIPHER"} \
		-- "$repo/bench/hook-insn.sh" "$@"
	rc=$?
	rm -f "$marks"
	exit $rc
fi

# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/../selftests/lib.sh"
require
rounds=${1:-5}
pings=${2:-1000}
mark=$top/build/insn/mark
if [ ! -x "$mark" ] || [ ! -f "${INSN_MARKS:-}" ]; then
	echo "# SKIP: run on the host (bench/hook-insn.sh), which loads the plugin"
	exit $ksft_skip
fi
[[ "$rounds" =~ ^[1-9][0-9]*$ && "$pings" =~ ^[1-9][0-9]*$ && "$pings" -ge 1 ]] ||
	{ echo "usage: $0 [ROUNDS] [PINGS]"; exit 1; }

add_ns peer
add_ns n1
add_ns n2
add_ns hub
link_ns peer n1 eth0
ip -n peer addr add 10.0.0.1/24 dev eth0
ip -n n1 addr add 10.0.0.2/24 dev eth0
ip -n hub link add br0 type bridge
ip -n hub link set br0 up
for i in 1 2; do
	hub_plug "n$i" "$i"
done
if [ "${CIPHER:-}" = null ]; then
	algo=(enc 'ecb(cipher_null)' '' auth digest_null '')
else
	algo=(aead 'rfc4106(gcm(aes))' 0x0102030405060708090a0b0c0d0e0f1011121314 128)
fi
for ns in peer n1; do
	ip -n $ns xfrm state add src 10.0.0.1 dst 10.0.0.2 proto esp spi 0x301 reqid 3 replay-window 64 \
		mode transport "${algo[@]}" || exit 1
	ip -n $ns xfrm state add src 10.0.0.2 dst 10.0.0.1 proto esp spi 0x302 reqid 3 replay-window 64 \
		mode transport "${algo[@]}" || exit 1
done
for pair in "peer out 10.0.0.1 10.0.0.2" "peer in 10.0.0.2 10.0.0.1" \
	    "n1 out 10.0.0.2 10.0.0.1" "n1 in 10.0.0.1 10.0.0.2"; do
	read -r ns dir s d <<< "$pair"
	ip -n "$ns" xfrm policy add src "$s" dst "$d" dir "$dir" \
		tmpl src "$s" dst "$d" proto esp reqid 3 mode transport
done
"$IPSEC_HA" key generate "$tmp/key"

# ctr FIELD: one of node 1's statistics
ctr() { ha n1 -j stats | jq -r --arg f "$1" '.[$f] // .[$f | gsub("-"; "_")] // 0'; }

# The SAs node 1 owns (so tracks: the hook looks them up on every packet).
owned() { ha n1 -j sa list 2> /dev/null | jq '[.[] | select(.owner == 1)] | length'; }
owns_both() { [ "$(owned)" -ge 2 ]; }

# oseq of node 1's outbound SA 0x302 as node 2 mirrors it (0: none yet)
mirrored() {
	ha n2 -j sa list 2> /dev/null |
		jq '[.[] | select(.owner == 1) | .oseq] | max // 0'
}
mirror_reached() { [ "$(mirrored)" -ge "$want" ]; }

# mode MODE: the module as MODE wants it, from a fresh load
#   off   not loaded
#   hook  node 1 owns and tracks the SAs, alone on its link, its counter
#         sync put off past the run (sync-packets 2^32-1, sync-interval
#         60 s): the hook on every packet and nothing else per packet
#   sync  nodes 1 and 2 syncing with the defaults, as bench/hook-cost.sh:
#         the hook plus the counter sync it drives, node 2's receiving
#         included (the same guest runs both)
mode() {
	unload_module || exit 1
	if [ "$1" = off ]; then
		# the unload's deferred work (RCU callbacks, workers) is done
		sleep 0.5
		return 0
	fi
	load_module || exit 1
	if [ "$1" = hook ]; then
		ha n1 node set id 1 sync-packets 4294967295 sync-interval 60000 > /dev/null || exit 1
	fi
	for i in 1 2; do
		[ "$1" = hook ] && [ "$i" = 2 ] && break
		ha "n$i" node set id "$i" > /dev/null || exit 1
		ha "n$i" link set dev ha0 group 239.192.0.1 port 7731 > /dev/null || exit 1
		ha "n$i" key set file "$tmp/key" > /dev/null || exit 1
	done
	wait_until 10 owns_both || { echo "node 1 owns $(owned) SAs, not 2"; exit 1; }
	if [ "$1" = sync ]; then
		want=1
		wait_until 10 mirror_reached || { echo "node 2 mirrors no SA of node 1"; exit 1; }
	fi
	# the announcements of the start are sent and the link is quiet
	sleep 0.5
}

# window COUNT: the guest instructions (total and kernel) of COUNT echoes
# from the peer to the node, between two marks
window() {
	local out
	if ! out=$(ip netns exec peer "$mark" --echo 10.0.0.2 "$1" 2>&1); then
		echo "window: $out" >&2
		return 1
	fi
	tail -n 2 "$INSN_MARKS" | awk '
		$1 == "mark" { t[NR] = $4; k[NR] = $5 }
		END { if (NR == 2) printf "%d %d\n", t[2] - t[1], k[2] - k[1] }'
}

# measure MODE: one round's per-packet figures of MODE into res[] (not
# in the warm-up round 0)
declare -A res
measure() {
	local w tot k
	w=$(window "$pings") || exit 1
	read -r tot k <<< "$w"
	if [ "$r" -gt 0 ]; then
		res[$1-tot]+="$((tot / (2 * pings))) "
		res[$1-k]+="$((k / (2 * pings))) "
	fi
	printf '# round %d%s %-4s: %d insns (kernel %d), %d a packet\n' "$r" \
		"$([ "$r" -gt 0 ] || echo ' (warm-up)')" "$1" "$tot" "$k" "$((tot / (2 * pings)))"
}

sent_more() { [ "$(ctr tx-counters)" -ge "$want" ]; }

echo "# ${CIPHER:-rfc4106(gcm(aes)) 128} ESP, $pings echoes ($((2 * pings)) ESP packets) a window, $rounds rounds after a warm-up round, kernel $(uname -r), $(nproc) vCPU"
ip netns exec peer "$mark" --echo 10.0.0.2 50 || { echo "no echo through the SAs"; exit 1; }
hook_dgrams=0 synced=0 sync_ctrs=0
for r in $(seq 0 "$rounds"); do
	order="off hook sync"
	[ $((r % 2)) = 1 ] && order="sync hook off"
	for m in $order; do
		mode "$m"
		case $m in
		off)
			[ ! -e /sys/module/ipsec_ha ] || { echo "off mode: ipsec_ha is loaded"; exit 1; }
			;;
		hook)
			[ "$(show_field n2 .link)" = null ] || { echo "hook mode: node 2 is on the HA link"; exit 1; }
			dgrams=$(ctr tx-datagrams) ctrs=$(ctr tx-counters)
			;;
		sync)
			before=$(mirrored) ctrs=$(ctr tx-counters) dgrams=$(ctr tx-datagrams)
			;;
		esac
		measure "$m"
		if [ "$m" = hook ]; then
			hook_dgrams=$((hook_dgrams + $(ctr tx-datagrams) - dgrams))
			# the window sent no counters (the sync put off)...
			sent=$(ctr tx-counters)
			[ "$sent" = "$ctrs" ] || { echo "hook mode: node 1 sent $((sent - ctrs)) counter entries in the window"; exit 1; }
			# ...but the trackers are live: with sync-packets 1, one
			# more echo makes the hook send node 1's counters at once
			ha n1 node set sync-packets 1 > /dev/null
			ip netns exec peer ping -q -c 1 -W 5 10.0.0.2 > /dev/null
			want=$((sent + 1))
			wait_until 10 sent_more || { echo "hook mode: the hook does not count (tx-counters $(ctr tx-counters))"; exit 1; }
		fi
		if [ "$m" = sync ]; then
			echo "#   node 1 sent $(($(ctr tx-counters) - ctrs)) counter entries in $(($(ctr tx-datagrams) - dgrams)) datagrams by the window's end"
			# the hook counted the window's replies: node 2 mirrors
			# node 1's outbound counter past them
			want=$((before + pings))
			wait_until 10 mirror_reached
			synced=$(mirrored)
			[ "$synced" -ge "$want" ] || {
				echo "node 2 mirrors oseq $synced of SA 0x302, not >= $want: hook not counting"
				exit 1
			}
			[ "$r" = 0 ] || sync_ctrs=$((sync_ctrs + $(ctr tx-counters) - ctrs))
		fi
	done
done
echo "# hook mode: node 1 sent no counters in its windows and $hook_dgrams datagrams (ALIVE) in all; sync mode: node 1 sent $sync_ctrs counter entries in and after its counted windows, node 2 mirrors node 1's outbound counter $synced"

for what in tot k; do
	awk -v what="$what" -v ro="${res[off-$what]}" -v rh="${res[hook-$what]}" -v rs="${res[sync-$what]}" '
	function median(v, n,   i, j, t, w) {
		for (i = 1; i <= n; i++)
			w[i] = v[i]
		for (i = 2; i <= n; i++)
			for (j = i; j > 1 && w[j - 1] > w[j]; j--) {
				t = w[j]; w[j] = w[j - 1]; w[j - 1] = t
			}
		return n % 2 ? w[(n + 1) / 2] : (w[n / 2] + w[n / 2 + 1]) / 2
	}
	function spread(v, n,   i, lo, hi) {
		lo = hi = v[1]
		for (i = 2; i <= n; i++) {
			if (v[i] < lo) lo = v[i]
			if (v[i] > hi) hi = v[i]
		}
		return 100 * (hi - lo) / median(v, n)
	}
	function show(name, v, n, s) {
		printf "%-6s %-4s %6d insns/packet, spread %.2f%% (rounds: %s)\n",
			what == "tot" ? "guest" : "kernel", name, median(v, n), spread(v, n), s
	}
	function against(name, v, n,   i, q, off, on) {
		for (i = 1; i <= n; i++)
			q[i] = 100 * (v[i] - x[i]) / x[i]
		off = median(x, n); on = median(v, n)
		printf "%-6s %-4s - off: %+d insns/packet (%+.2f%%); median of the rounds\x27 shares %+.2f%%\n",
			what == "tot" ? "guest" : "kernel", name, on - off, 100 * (on - off) / off, median(q, n)
	}
	BEGIN {
		n = split(ro, x, " "); split(rh, h, " "); split(rs, y, " ")
		sub(/ $/, "", ro); sub(/ $/, "", rh); sub(/ $/, "", rs)
		show("off", x, n, ro); show("hook", h, n, rh); show("sync", y, n, rs)
		against("hook", h, n); against("sync", y, n)
	}'
done
