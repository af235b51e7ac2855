#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Takeover under traffic, two nodes. Node 1 owns three SA pairs with the
# peer (transport, tunnel, and an ESN tunnel whose counters cross 2^32
# around the takeover) and the VIP. Ping flows and an iperf3 stream run
# through them; node 1 is cut off mid-stream, node 2 promotes at once and
# takes the VIP. The peer must see only a pause: no replay or integrity
# failure, and a capture on its LAN port shows no sequence number sent
# twice on any SA. Then node 1 comes back with its stale view (still
# holding the VIP: a healed partition) and must not send on the SAs it
# lost, nor move ownership back. Node 2 fails in turn and node 1 promotes
# with `inbound strict`: replays of what the peer sent before that failover
# are refused. Last, a negative control: SAs restarted by hand with
# counters from 0 must be caught by the same analysis.
#
#   peer 192.0.2.100 ---- br-lan ---- n1 .11 (VIP 192.0.2.1) ---- br-in ---- srv 10.0.1.10
#   10.0.2.1, 10.0.4.1         \----- n2 .12 ------------------/            10.0.3.10
#                                 n1, n2 ha0 198.51.100.N on br-ha: 239.192.0.1 UDP 7731
#   (the full drawing is in cluster_lib.sh)

# Helper functions run through check and wait_until:
# shellcheck disable=SC2317
# shellcheck source=selftests/cluster_lib.sh
source "$(dirname "$0")/cluster_lib.sh"
require
cl_require

# The ESN pair's counters start 400 below 2^32 in both directions, and its
# ping flow moves both by one per echo. n1 is cut when the peer's counter is
# 100 below 2^32: n1's last packets are just below it, n2's margin carries
# its first ones over, and the peer's own counter crosses 2^32 about when
# n2 takes over.
CL_ESN_START=$(( (1 << 32) - 400 ))
POST=3	# seconds of traffic after every SA pair answers again

cl_start 2

# Traffic, and n1 cut off in the middle of it.
check "capture on the peer's LAN port" cl_capture_start main
cl_event "traffic starts"
cl_traffic_start
check "n2's mirror follows n1's outbound counters" wait_until 10 cl_synced n2
esn_near() {	# the peer's ESN counter is at least 2^32 - 100
	cl_xfrm_stats peer | awk -v s="${CL_SPI_IN[E]}" -v min=$(( (1 << 32) - 100 )) \
		'$1 == s && $6 * 4294967296 + $7 >= min { found = 1 } END { exit !found }'
}
check "the ESN pair's counters come within 100 of 2^32" wait_until 40 esn_near
before=$(cl_ownership n2)
cut=$(cl_now)
cl_cut n1
cl_event_at "$cut" "n1 cut off (LAN, inside and HA links down)"
cl_takeover n2
rc=$?
check_eq "promote on n2 succeeds" 0 $rc
echo "# n2's promote: $(cl_promote_summary n2)"
check_eq "promote installed the 6 SAs" $CL_SAS "$(cl_promoted n2 sas)"
check_eq "promote installed the 8 policies" $CL_POLICIES "$(cl_promoted n2 policies)"
check_eq "promote reported no failure" 0 "$(cl_promoted n2 failed)"
echo "# promote: $(cl_promoted n2 usecs) us in the kernel, $CL_PROMOTE_MS ms for the command"
check "traffic flows again through every SA pair" wait_until 15 cl_flowing
flowing=$(cl_now)
cl_event_at "$flowing" "every SA pair answers a ping again"
sleep $POST
cl_event "traffic stops"
cl_traffic_stop "$flowing"
cl_capture_stop main

# What the peer saw.
cl_analyse --cut "$cut" "$tmp/main.pcap" > "$tmp/main.json"
cl_report "$tmp/main.json"
for kind in "${CL_KINDS[@]}"; do
	echo "# ping $kind: ${CL_TX[$kind]} sent, ${CL_RX[$kind]} answered"
done
read -r bytes intervals empty since <<< "$CL_IPERF"
echo "# iperf3 srv -> peer: $bytes bytes in $intervals s, $empty s without data, $since bytes after the takeover"
echo "# outage: first packet from n2 $(jq .outage_ms "$tmp/main.json") ms after the cut"
check_eq "no sequence number sent twice on any SA (capture on the peer)" 0 "$(jq .reused "$tmp/main.json")"
cl_check_peer_clean "the peer counted no replay and no integrity failure"
check_eq "the peer's XFRM statistics agree (sequence and protocol errors)" "0 0" \
	"$(cl_xfrm_mib peer XfrmInStateSeqError) $(cl_xfrm_mib peer XfrmInStateProtoError)"
check "n2 sent on every cluster->peer SA after the takeover" cl_sent_on_all n2 "$tmp/main.json"
check "the iperf3 stream survived the takeover ($since bytes after it)" test "$since" -gt 0

# The ESN pair crossed 2^32 in both directions and kept working.
esn_out=$(jq -c --arg e "${CL_SPI_OUT[E]}" '.spis[$e] | [.min_seq, .max_seq]' "$tmp/main.json")
echo "# ESN cluster->peer sequence numbers seen: $esn_out (2^32 = $((1 << 32)))"
# shellcheck disable=SC2016 # jq's variables
check "the ESN SA's outbound counter crossed 2^32 around the takeover" \
	jq -e --arg e "${CL_SPI_OUT[E]}" '.spis[$e] | .min_seq < 4294967296 and .max_seq >= 4294967296' "$tmp/main.json"
read -r _ _ _ seq_hi _ _ _ < <(cl_xfrm_stats peer | grep "^${CL_SPI_OUT[E]} ")
read -r _ _ _ _ _ oseq_hi _ < <(cl_xfrm_stats peer | grep "^${CL_SPI_IN[E]} ")
check "the peer's ESN states are past 2^32 both ways (seq-hi $seq_hi, oseq-hi $oseq_hi)" \
	test "${seq_hi:-0}" -ge 1 -a "${oseq_hi:-0}" -ge 1
check "the ESN pair still answers after the crossing" wait_until 5 cl_ping_once E
check "n2 owns all 6 SAs now" cl_owned_by n2 2
check "the owner epoch of every SA rose" cl_epochs_up "$before" n2

# n1 comes back with its stale view: the partition heals, n1 still holds
# the VIP and, unless the module removed them, the SAs in its SAD. The
# peer's and srv's neighbour entries stay on n2. n1 must learn that n2
# owns the SAs, send nothing on them, and not drag ownership back.
after=$(cl_ownership n2)
check "capture while n1 is back" cl_capture_start stale
back=$(cl_now)
cl_return n1
cl_event_at "$back" "n1 back (still holding the VIP)"
cl_ping_start T 0.02 8
check "n1 learns that n2 owns the SAs" wait_until 10 cl_owned_by n1 2
cl_event "n1 knows n2 owns the SAs"
# Traffic n1 would send through its old SAs if it still used them.
ip netns exec n1 ping -q -n -c 20 -i 0.05 -W 1 -I $CL_VIP $CL_PEER > /dev/null 2>&1
ip netns exec n1 ping -q -n -c 20 -i 0.05 -W 1 -I 10.0.1.11 $CL_PEER_U > /dev/null 2>&1
ip netns exec n1 ping -q -n -c 20 -i 0.05 -W 1 -I 10.0.3.11 $CL_PEER_E > /dev/null 2>&1
cl_ping_wait T
cl_capture_stop stale
cl_analyse "$tmp/stale.pcap" > "$tmp/stale.json"
cl_report "$tmp/stale.json"
n1_sends=$(jq '[.spis[] | select(.dir == "to_peer") | .senders.n1.packets // 0] | add // 0' "$tmp/stale.json")
check_eq "n1 sends nothing on the SAs it lost" 0 "$n1_sends"
read -r -a spis <<< "$(cl_spis)"
in_sad=$(cl_sad_count n1 "${spis[@]}")
echo "# n1's SAD holds $in_sad of the 6 SAs it lost, $(( ($(cl_now) - back) / 1000 )) s after its return"
check_eq "n2's owner and owner epoch did not move back" "$after" "$(cl_ownership n2)"
check "n2 kept carrying the transport pair meanwhile (${CL_RX[T]}/${CL_TX[T]} answered)" \
	test "${CL_RX[T]}" -gt $(( CL_TX[T] * 9 / 10 ))
cl_check_peer_clean "the peer still counts no replay and no integrity failure"

# n2 fails in turn; n1 takes the SAs back with `inbound strict`. Frames the
# peer sent before that cut, replayed to n1, must all be refused: the last
# of them are newer than anything n2 synced, which only strict refuses.
check "capture with whole frames" cl_capture_start strict 2048
cl_ping_start T 0.01 3
cl_ping_start U 0.01 3
cl_ping_wait T
cl_ping_wait U
cut2=$(cl_now)
cl_cut n2
cl_event_at "$cut2" "n2 cut off"
cl_takeover n1 inbound strict
rc=$?
check_eq "promote inbound strict on n1 succeeds" 0 $rc
echo "# n1's promote: $(cl_promote_summary n1)"
check_eq "it installed the 6 SAs" $CL_SAS "$(cl_promoted n1 sas)"
# (strict may lose up to a margin's worth of what the peer sends next)
if wait_until 10 cl_flowing; then
	cl_event "every SA pair answers a ping again"
	echo "# n1 answers through every SA pair again"
else
	silent=
	for kind in "${CL_KINDS[@]}"; do
		cl_ping_once "$kind" || silent+=" $kind"
	done
	echo "# pairs that do not answer within 10 s:$silent (strict refuses what the peer sends within the margin)"
fi
cl_capture_stop strict
replay_drops() {	# replay drops and accepted packets of n1's inbound T and U SAs
	cl_xfrm_stats n1 | awk -v t="${CL_SPI_IN[T]}" -v u="${CL_SPI_IN[U]}" \
		'$1 == t || $1 == u { r += $8 + $9; p += $11 } END { print r + 0, p + 0 }'
}
read -r drops0 accepted0 < <(replay_drops)
replayed=0
for kind in T U; do
	n=$(cl_replay "$tmp/strict.pcap" "${CL_SPI_IN[$kind]}" n1 "$cut2")
	replayed=$((replayed + ${n:-0}))
done
sleep 1
read -r drops1 accepted1 < <(replay_drops)
echo "# replayed $replayed frames captured before n2 was cut: n1 counted $((drops1 - drops0)) replays, accepted $((accepted1 - accepted0))"
check "frames captured before the failover were replayed to n1" test "$replayed" -gt 0
check_eq "strict: n1 accepted none of them" 0 $((accepted1 - accepted0))
check "strict: n1 counted every one as a replay" test $((drops1 - drops0)) -ge "$replayed"
check_eq "no sequence number sent twice on any SA, over the whole run" 0 \
	"$(cl_analyse "$tmp/main.pcap" "$tmp/stale.pcap" "$tmp/strict.pcap" | jq .reused)"
cl_check_peer_clean "the peer counted no replay and no integrity failure, over the whole run"

# Negative control: the holder's outbound transport SA restarted by hand
# with its counter from 0, as a naive takeover would install it, and used
# by the holder itself. The same analysis must see the reuse (and the peer
# drops those packets as replays).
h=$CL_VIP_NODE
ip -n "$h" xfrm state del src $CL_VIP dst $CL_PEER proto esp spi "${CL_SPI_OUT[T]}" 2> /dev/null
# shellcheck disable=SC2046 # the arguments of one SA, split on purpose
ip -n "$h" xfrm state add $(cl_sa_args T out node)
# shellcheck disable=SC2046
ip -n "$h" $(cl_policy_lines node T | head -n 1) 2> /dev/null	# if promote did not install it
check "capture for the negative control" cl_capture_start control
ip netns exec "$h" ping -q -n -c 30 -i 0.01 -W 1 -I $CL_VIP $CL_PEER > /dev/null 2>&1
cl_capture_stop control
reused=$(cl_analyse "$tmp/main.pcap" "$tmp/control.pcap" | jq .reused)
check "the analyser detects reuse when counters restart ($reused reused)" test "${reused:-0}" -gt 0
read -r replays _ <<< "$(cl_failures peer "${CL_SPI_OUT[T]}")"
check "... and the peer drops those packets as replays ($replays)" test "$replays" -gt 0

echo "# timeline:"
cl_timeline "$cut" | sed 's/^/#/'
finish
