#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The counter hook's cost: ESP throughput (iperf3, both directions)
# between a peer and a node, with the module not loaded, and loaded with
# the node syncing the SAs to a second node (its hooks on every packet).
# Interleaved rounds (ABBA); prints the medians, their ratio and the
# median of the per-round ratios.
#
#   tools/vm/run -t 900 -- bench/hook-cost.sh [ROUNDS] [SECONDS]

# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/../selftests/lib.sh"
require
command -v iperf3 > /dev/null || { echo "# SKIP: iperf3 missing"; exit $ksft_skip; }
rounds=${1:-5}
secs=${2:-4}

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
k=0x0102030405060708090a0b0c0d0e0f1011121314
for ns in peer n1; do
	ip -n $ns xfrm state add src 10.0.0.1 dst 10.0.0.2 proto esp spi 0x301 reqid 3 replay-window 64 \
		mode transport aead 'rfc4106(gcm(aes))' $k 128
	ip -n $ns xfrm state add src 10.0.0.2 dst 10.0.0.1 proto esp spi 0x302 reqid 3 replay-window 64 \
		mode transport aead 'rfc4106(gcm(aes))' $k 128
done
for pair in "peer out 10.0.0.1 10.0.0.2" "peer in 10.0.0.2 10.0.0.1" \
	    "n1 out 10.0.0.2 10.0.0.1" "n1 in 10.0.0.1 10.0.0.2"; do
	read -r ns dir s d <<< "$pair"
	ip -n "$ns" xfrm policy add src "$s" dst "$d" dir "$dir" \
		tmpl src "$s" dst "$d" proto esp reqid 3 mode transport
done
ip netns exec n1 iperf3 -s -D -1 > /dev/null 2>&1 || true
"$IPSEC_HA" key generate "$tmp/key"

with_module() {
	load_module
	for i in 1 2; do
		ha "n$i" node set id "$i"
		ha "n$i" link set dev ha0 group 239.192.0.1 port 7731
		ha "n$i" key set file "$tmp/key"
	done
}

# run DIR: Mbit/s (one decimal) of one iperf3 run (DIR: up = peer to node, down = node to peer)
run() {
	local r=
	[ "$1" = down ] && r=-R
	ip netns exec n1 iperf3 -s -D -1 > /dev/null 2>&1
	sleep 0.3
	ip netns exec peer iperf3 -c 10.0.0.2 -t "$secs" $r -J 2> /dev/null |
		jq '.end.sum_received.bits_per_second / 1e5 | floor / 10'
}

median() { printf '%s\n' "$@" | sort -g | sed -n "$(( ($# + 1) / 2 ))p"; }

# Rounds alternate the order (off then on, on then off) so that a drift
# of the guest's speed over the run weighs on both sides alike.
declare -A res
for r in $(seq 1 "$rounds"); do
	order="off on"
	[ $((r % 2)) = 0 ] && order="on off"
	for mode in $order; do
		if [ $mode = on ]; then with_module; else unload_module; fi
		for dir in up down; do
			res[$mode-$dir]+="$(run $dir) "
		done
		[ $mode = off ] ||
			synced=$(ha n2 -j sa list | jq '[.[] | select(.owner == 1) | .oseq] | max')
	done
done
echo "module syncing: node 2 mirrors outbound counter $synced of node 1's SA 0x302"
for dir in up down; do
	# shellcheck disable=SC2086 # one word per run
	off=$(median ${res[off-$dir]}) on=$(median ${res[on-$dir]})
	awk -v a="$off" -v b="$on" -v d="$dir" -v ro="${res[off-$dir]}" -v rn="${res[on-$dir]}" '
	function median(v, n,   i, j, t) {
		for (i = 2; i <= n; i++)
			for (j = i; j > 1 && v[j - 1] > v[j]; j--) {
				t = v[j]; v[j] = v[j - 1]; v[j - 1] = t
			}
		return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
	}
	BEGIN {
		n = split(ro, x, " "); split(rn, y, " ")
		for (i = 1; i <= n; i++)
			q[i] = x[i] ? 100 * y[i] / x[i] : 0
		printf "%-4s not loaded %.1f Mbit/s, loaded and syncing %.1f Mbit/s: %.1f%%; median of the rounds\x27 ratios %.1f%% (runs: %s/ %s)\n",
			d, a, b, 100 * b / (a ? a : 1), median(q, n), ro, rn }'
done
cleanup
