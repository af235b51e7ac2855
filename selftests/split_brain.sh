#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Split brain: node 1 owns the SAs and fails; nodes 2 and 3 cannot hear
# each other on the HA link and both promote. Both send on every
# cluster->peer SA (each holds the VIP; traffic starts on each node). The
# peer's capture must show no (SPI, sequence number) sent twice: each
# node starts in a range of its own. When the HA link heals, the tie is
# resolved for the lower node id (n2) on both nodes: n3 removes the SAs
# from its SAD, and both report the split brain.
#
#   peer 192.0.2.100 ---- br-lan ---- n1 (cut), n2, n3: all on the LAN
#                                     ha0 on br-ha: n3's is down (the partition)
#   (the full drawing is in cluster_lib.sh)

# Helper functions run through check and wait_until:
# shellcheck disable=SC2317
# shellcheck source=selftests/cluster_lib.sh
source "$(dirname "$0")/cluster_lib.sh"
require
cl_require

cl_start 3
for n in n2 n3; do
	ha $n -j monitor > "$tmp/events-$n" 2>&1 &
	CL_PIDS[monitor-$n]=$!
done

# n1 fails; n3's HA link goes down: n2 and n3 each believe they are alone.
cl_cut n1
ip -n n3 link set ha0 down
check "promote on n2 (cut off from n3)" cl_promote n2
echo "# n2's promote: $(cl_promote_summary n2)"
check "promote on n3 (cut off from n2)" cl_promote n3
echo "# n3's promote: $(cl_promote_summary n3)"

# Both send on the cluster->peer SAs: each holds the VIP, and pings leave
# each node through every SA (T from the VIP, U and E from its inside
# addresses).
for n in n2 n3; do
	ip -n $n addr replace $CL_VIP/24 dev lan0
	ip -n $n addr replace $CL_IN_VIP/24 dev in0
done
check "capture on the peer's LAN port" cl_capture_start split
for n in n2 n3; do
	i=${n#n}
	cl_bg "ping-$n-T" $n ping -q -n -c 200 -i 0.01 -I $CL_VIP $CL_PEER
	cl_bg "ping-$n-U" $n ping -q -n -c 200 -i 0.01 -I "10.0.1.1$i" $CL_PEER_U
	cl_bg "ping-$n-E" $n ping -q -n -c 200 -i 0.01 -I "10.0.3.1$i" $CL_PEER_E
done
for n in n2 n3; do
	for k in T U E; do
		cl_wait "ping-$n-$k"
	done
done
cl_capture_stop split
cl_analyse "$tmp/split.pcap" > "$tmp/split.json"
cl_report "$tmp/split.json"
both_sent() {	# n2 and n3 both sent on every cluster->peer SA
	jq -e --arg t "${CL_SPI_OUT[T]}" --arg u "${CL_SPI_OUT[U]}" --arg e "${CL_SPI_OUT[E]}" \
		'[.spis[$t, $u, $e].senders | (.n2.packets // 0), (.n3.packets // 0)] | all(. > 0)' \
		"$tmp/split.json" > /dev/null
}
check "n2 and n3 both sent on every cluster->peer SA" both_sent
check_eq "no (SPI, sequence number) sent twice by the two nodes (capture on the peer)" 0 \
	"$(jq .reused "$tmp/split.json")"

# The partition heals: the lower node id keeps the SAs.
ip -n n3 link set ha0 up
out_sas() {	# out_sas NODE: NODE's cluster->peer SAs in its SAD
	ip -n "$1" xfrm state | grep -c "^src $CL_VIP dst $CL_PEER"
}
gave_up() { [ "$(out_sas n3)" = 0 ]; }
check "n3 removes the SAs it lost the tie for from its SAD" wait_until 20 gave_up
check_eq "n2 keeps its 3 cluster->peer SAs" 3 "$(out_sas n2)"
check "n3's mirror agrees: n2 owns all 6 SAs" wait_until 10 cl_owned_by n3 2
check "n2 owns all 6 SAs" cl_owned_by n2 2
check "n3 counts the split brain" test "$(stat_field n3 split_brains)" -gt 0
reported() { grep -q '"event":"split-brain".*"node":2.*"other_node":3' "$tmp/events-$1"; }
check "n3 reports the split brain (node 2 keeps, node 3 gives up)" wait_until 10 reported n3
check "n2 reports it too" wait_until 10 reported n2
cl_stop monitor-n2
cl_stop monitor-n3
grep -h split-brain "$tmp/events-n2" "$tmp/events-n3" | head -n 4 | sed 's/^/# /'

finish
