#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Rapid multiple failover, three nodes. Node 1 owns three SA pairs with the
# peer and the VIP; traffic runs through all of them. Node 1 is cut off and
# node 2 promotes; node 2 sends a little on the SAs and is cut off in turn,
# about a second after node 1 and before it synced anything of its own
# (all nodes sync at most every 5 s or 1000 packets here); node 3 promotes. The
# peer must see no replay or integrity failure, and no sequence number sent
# twice on any SA by any of the three nodes. Then nodes 1 and 2 come back
# and node 3 keeps the SAs.
#
#   peer 192.0.2.100 ---- br-lan ---- n1 .11 (VIP 192.0.2.1) ---- br-in ---- srv 10.0.1.10
#   10.0.2.1, 10.0.4.1         +----- n2 .12 ------------------+            10.0.3.10
#                              \----- n3 .13 ------------------/
#                       n1, n2, n3 ha0 198.51.100.N on br-ha: 239.192.0.1 UDP 7731
#   (the full drawing is in cluster_lib.sh)

# Helper functions run through check and wait_until:
# shellcheck disable=SC2317
# shellcheck source=selftests/cluster_lib.sh
source "$(dirname "$0")/cluster_lib.sh"
require
cl_require

POST=4	# seconds of traffic after every SA pair answers again
# Lighter traffic than takeover.sh: here the timing matters more than the volume.
CL_PING_INTERVAL=0.05
CL_IPERF_RATE=500K

# Nodes that sync counters at most every 5 s or 1000 packets.
cl_start 3 sync-packets 1000 sync-interval $((5000 * slow))

check "capture on the peer's LAN port" cl_capture_start main
cl_event "traffic starts"
cl_traffic_start
check "n3's mirror follows n1's outbound counters" wait_until 10 cl_synced n3
sleep 1
before=$(cl_ownership n3)

cut1=$(cl_now)
cl_cut n1
cl_event_at "$cut1" "n1 cut off"
cl_takeover n2
rc2=$?
promoted2=$CL_PROMOTE_START
sleep 0.3	# n2 sends on the SAs for a moment
cut2=$(cl_now)
cl_cut n2
cl_event_at "$cut2" "n2 cut off"
cl_takeover n3
rc3=$?
echo "# n2 was cut $((cut2 - cut1)) ms after n1, $((cut2 - promoted2)) ms after its promote began"

check_eq "promote on n2 succeeds" 0 $rc2
echo "# n2's promote: $(cl_promote_summary n2)"
check_eq "n2's promote installed the 6 SAs" "$CL_SAS" "$(cl_promoted n2 sas)"
check_eq "promote on n3 succeeds" 0 $rc3
echo "# n3's promote: $(cl_promote_summary n3)"
check_eq "n3's promote installed the 6 SAs" "$CL_SAS" "$(cl_promoted n3 sas)"
check_eq "n3's promote reported no failure" 0 "$(cl_promoted n3 failed)"
# n2 announced its takeover as TAKEN entries; n3 rebuilt each record from
# its own copy, and a record it could not rebuild would have been asked for.
check_eq "n3 took n2's takeover from its TAKEN entries: n2 was asked to resend nothing" 0 \
	"$(ha n2 -j stats | jq .rx_nacks)"
check "traffic flows again through every SA pair" wait_until 15 cl_flowing
flowing=$(cl_now)
cl_event_at "$flowing" "every SA pair answers a ping again"
sleep $POST
cl_event "traffic stops"
cl_traffic_stop "$flowing"
cl_capture_stop main

cl_analyse --cut "$cut1" "$tmp/main.pcap" > "$tmp/cut1.json"
cl_analyse --cut "$cut2" "$tmp/main.pcap" > "$tmp/cut2.json"
echo "# around n1's cut:"
cl_report "$tmp/cut1.json"
echo "# around n2's cut:"
cl_report "$tmp/cut2.json"
for kind in "${CL_KINDS[@]}"; do
	echo "# ping $kind: ${CL_TX[$kind]} sent, ${CL_RX[$kind]} answered"
done
read -r bytes intervals empty since <<< "$CL_IPERF"
echo "# iperf3 srv -> peer: $bytes bytes in $intervals s, $empty s without data, $since bytes after the takeover"
sent_by() {	# sent_by NODE: packets NODE sent on cluster->peer SAs
	jq --arg n "$1" '[.spis[] | select(.dir == "to_peer") | .senders[$n].packets // 0] | add // 0' "$tmp/cut1.json"
}
check "n2 sent on the SAs before it was cut ($(sent_by n2) packets)" test "$(sent_by n2)" -gt 0
check "n2 was cut before its first counter sync was due ($((5 * slow)) s after its promote)" \
	test $((cut2 - promoted2)) -lt $((5000 * slow))
check "n3 sent on every cluster->peer SA" cl_sent_on_all n3 "$tmp/cut1.json"
check "the iperf3 stream survived both takeovers ($since bytes after them)" test "$since" -gt 0
check_eq "no sequence number sent twice on any SA by any node (capture on the peer)" 0 \
	"$(jq .reused "$tmp/cut1.json")"
cl_check_peer_clean "the peer counted no replay and no integrity failure"
check_eq "the peer's XFRM statistics agree (sequence and protocol errors)" "0 0" \
	"$(cl_xfrm_mib peer XfrmInStateSeqError) $(cl_xfrm_mib peer XfrmInStateProtoError)"
check "n3 owns all 6 SAs" cl_owned_by n3 3
check "the owner epoch of every SA rose" cl_epochs_up "$before" n3

# Nodes 1 and 2 come back (n1 still holding the VIP, n2 too): n3 keeps the
# SAs and the peer keeps hearing only n3.
after=$(cl_ownership n3)
check "capture while n1 and n2 are back" cl_capture_start back
cl_return n1
cl_return n2
cl_event "n1 and n2 back"
cl_ping_start T 0.02 6
check "n1 learns that n3 owns the SAs" wait_until 10 cl_owned_by n1 3
check "n2 learns that n3 owns the SAs" wait_until 10 cl_owned_by n2 3
cl_ping_wait T
cl_capture_stop back
cl_analyse "$tmp/back.pcap" > "$tmp/back.json"
cl_report "$tmp/back.json"
check_eq "n3's owner and owner epoch did not move back" "$after" "$(cl_ownership n3)"
check "n3 kept carrying the transport pair (${CL_RX[T]}/${CL_TX[T]} answered)" \
	test "${CL_RX[T]}" -gt $(( CL_TX[T] * 9 / 10 ))
check_eq "only n3 sent on the SAs meanwhile" 0 \
	"$(jq '[.spis[] | select(.dir == "to_peer") | .senders | to_entries[] | select(.key != "n3") | .value.packets] | add // 0' "$tmp/back.json")"
check_eq "no sequence number sent twice over the whole run" 0 \
	"$(cl_analyse "$tmp/main.pcap" "$tmp/back.pcap" | jq .reused)"
cl_check_peer_clean "the peer counted no replay and no integrity failure over the whole run"

echo "# timeline:"
cl_timeline "$cut1" | sed 's/^/#/'
finish
