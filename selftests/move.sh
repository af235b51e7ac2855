#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Planned moves of sessions between live nodes (ipsec-ha move).
#
# 1. A maintenance switchover under traffic: n1 hands every session of the
#    peer to n2 while the VIP moves to n2. The peer must see no sequence
#    number twice, no replay, no integrity failure, and n2 must go on from
#    n1's very last counters: every cluster->peer SA's numbers go up by
#    exactly one across the handover (no margin burned).
# 2. Asked of the owner: n1, the new owner, asks n2 for the IKE session
#    of the transport pair T (an IKE context lists its two CHILD SAs). n1
#    gets T's SAs and policies, and its IKE context, and nothing else;
#    n1's outbound T counter starts where n2's stopped.
# 3. The owner does not answer: n2 asks for T while n1's HA link is down.
#    After a second n2 takes T over past the margin (moves-fallback); when
#    n1's link comes back, n1 learns it lost T and removes it.
#
#   peer -- br-lan -- n1 .11 (VIP 192.0.2.1) -- br-in -- srv
#                \--- n2 .12 ------------------/
#   (the full drawing is in cluster_lib.sh)

# Helper functions run through check and wait_until:
# shellcheck disable=SC2317
# shellcheck source=selftests/cluster_lib.sh
source "$(dirname "$0")/cluster_lib.sh"
require
cl_require

CL_PING_INTERVAL=0.05
CL_IPERF_RATE=500K
POST=3	# seconds of traffic after every SA pair answers again
SPI_I=0x1111000000000001
SPI_R=0x2222000000000001

# owner NODE SPI: the owner of the SA of SPI in NODE's mirror.
owner() { ha "$1" -j sa list | jq -r --arg s "$2" '.[] | select(.spi == $s) | .owner'; }
# t_owned NODE N: NODE's mirror says node N owns T's two SAs.
t_owned() { [ "$(owner "$1" "${CL_SPI_OUT[T]}")" = "$2" ] && [ "$(owner "$1" "${CL_SPI_IN[T]}")" = "$2" ]; }
# stat NODE FIELD
stat() { stat_or0 "$1" "$2"; }
# sad_spis NS: the SPIs of NS's SAD, sorted, on one line.
sad_spis() { ip -n "$1" xfrm state | awk '/ spi / { print $4 }' | sort | tr '\n' ' '; }
# oseq_of NS SPI: the outbound counter of SPI in NS's SAD (decimal).
oseq_of() { cl_xfrm_stats "$1" | awk -v s="$2" '$1 == s { printf "%.0f\n", $6 * 4294967296 + $7 }'; }
ike_owner() { ha "$1" -j ike list | jq -r --arg s "$SPI_I" '.[] | select(.spi_i == $s) | .owner'; }
secrets() {
	local h
	h=$(printf 'ab%.0s' {1..32})
	printf '%s\n' "nonce_i=$h nonce_r=$h" "sk_d=$h sk_ai=$h sk_ar=$h" "sk_ei=$h sk_er=$h sk_pi=$h sk_pr=$h"
}

pp load_module
cl_setup 2
for n in n1 n2; do
	check "$n joins the HA link" cl_join $n
done
check "IKE on the peer and n1: 3 SA pairs and their policies; n1 holds the VIP" cl_ipsec_up n1
check "n1 pushes the IKE context of T (its CHILD SAs: T's pair)" ha n1 ike add \
	spi-i $SPI_I spi-r $SPI_R local "$CL_VIP" remote "$CL_PEER" role responder \
	encr aes-gcm-16 keylen 256 prf hmac-sha2-256 dh-group ecp256 \
	id-i fqdn peer.example.com id-r fqdn vpn.example.com mid-send 1 mid-recv 2 \
	child "${CL_SPI_OUT[T]},${CL_SPI_IN[T]}" secrets - < <(secrets)
read -r -a ALL_SPIS <<< "$(cl_spis)"
check "ESP flows through every SA pair" wait_until 15 cl_flowing
check "n2 mirrors the 6 SAs and 8 policies" wait_until 10 cl_holds_all n2
check "n2 mirrors the IKE context" wait_until 10 sh -c "[ \"\$(ip netns exec n2 '$IPSEC_HA' -j ike list | jq length)\" = 1 ]"

# --- 1. every session of the peer to n2, with the VIP ---------------------
check "capture on the peer's LAN port" cl_capture_start main
cl_event "traffic starts"
cl_traffic_start
check "n2's mirror follows n1's outbound counters" wait_until 10 cl_synced n2
sleep 1
before=$(cl_ownership n2)
cut=$(cl_now)
cl_event_at "$cut" "n1: ipsec-ha move peer $CL_PEER to 2, and the VIP moves to n2"
(cl_vip_move n2 && cl_event "n2 holds the VIP") &
vip=$!
ha n1 -j move peer "$CL_PEER" to 2 > "$tmp/move1.json" 2> "$tmp/move1.err"
rc=$?
cl_event "move returned ($rc)"
wait $vip
CL_VIP_NODE=n2
check_eq "move on n1 succeeds" 0 $rc
echo "# n1's move: $(cat "$tmp/move1.json" "$tmp/move1.err")"
check_eq "... selected the 6 SAs and 8 policies and handed them over" "6 8 14 1" \
	"$(jq -r '"\(.sas) \(.policies) \(.given) \(.owner)"' "$tmp/move1.json")"
check "n2 owns every SA (its view)" wait_until 5 cl_owned_by n2 2
check "n1 agrees" wait_until 5 cl_owned_by n1 2
done_ms=$(cl_now)
cl_event_at "$done_ms" "n1 and n2 see n2 owning every SA"
check_eq "n1's SAD holds none of them" 0 "$(cl_sad_count n1 "${ALL_SPIS[@]}")"
check_eq "n2's SAD holds the 6" 6 "$(cl_sad_count n2 "${ALL_SPIS[@]}")"
check_eq "n2 took the 14 over with n1's counters (moves-taken)" 14 "$(stat n2 moves_taken)"
check_eq "n1 handed 14 over (moves-given)" 14 "$(stat n1 moves_given)"
check_eq "no fallback, nothing unconfirmed" "0 0 0 0" \
	"$(stat n1 moves_fallback) $(stat n2 moves_fallback) $(stat n1 moves_unconfirmed) $(stat n2 moves_unconfirmed)"
check "the IKE context moved with its CHILD SAs" wait_until 5 sh -c "[ \"\$(ip netns exec n1 '$IPSEC_HA' -j ike list | jq -r '.[0].owner')\" = 2 ]"
check "traffic flows again through every SA pair" wait_until 15 cl_flowing
flowing=$(cl_now)
cl_event_at "$flowing" "every SA pair answers a ping again"
sleep $POST
cl_event "traffic stops"
cl_traffic_stop "$flowing"
echo "# pings lost (one every $CL_PING_INTERVAL s, across the move and the VIP's move):" \
     "T $((CL_TX[T] - CL_RX[T])) of ${CL_TX[T]}, U $((CL_TX[U] - CL_RX[U])) of ${CL_TX[U]}," \
     "E $((CL_TX[E] - CL_RX[E])) of ${CL_TX[E]}"
cl_esp_verdicts "$cut" n2 "$before"
# n1 sends until it hands over, after the command: compare each SA's last
# number from n1 with its first from n2.
check_eq "n2 went on from n1's last sequence number on every cluster->peer SA (no margin)" \
	"1 1 1" "$(jq -r --arg t "${CL_SPI_OUT[T]}" --arg u "${CL_SPI_OUT[U]}" --arg e "${CL_SPI_OUT[E]}" \
		'[.spis[$t, $u, $e].senders | .n2.min_seq - .n1.max_seq | tostring] | join(" ")' "$tmp/cut.json")"
echo "# from the command to n2's first ESP packet: $(jq -r '.outage_ms' "$tmp/cut.json") ms;" \
     "to both mirrors agreeing: $((done_ms - cut)) ms"
echo "# per cluster->peer SA, n1's last packet to n2's first (ms): $(jq -c --arg t "${CL_SPI_OUT[T]}" \
	--arg u "${CL_SPI_OUT[U]}" --arg e "${CL_SPI_OUT[E]}" \
	'[.spis[$t, $u, $e].senders | .n2.first_ms - .n1.last_ms | . * 10 | round / 10]' "$tmp/cut.json")"

# --- 2. n1 asks n2 for the IKE session of T ---------------------------------
t_out=$(oseq_of n2 "${CL_SPI_OUT[T]}")
check "n1 asks n2 for the IKE session of T" sh -c \
	"ip netns exec n1 '$IPSEC_HA' -j move ike $SPI_I $SPI_R to 1 > '$tmp/move2.json'"
check_eq "... T's 2 SAs and 2 policies, asked of node 2" "2 2 4 2" \
	"$(jq -r '"\(.sas) \(.policies) \(.asked) \(.owner)"' "$tmp/move2.json")"
check "n1 owns T (n1's view)" wait_until 5 t_owned n1 1
check "n2 agrees" wait_until 5 t_owned n2 1
check_eq "n1's SAD holds T's pair and nothing else" \
	"$(printf '%s\n' "${CL_SPI_OUT[T]}" "${CL_SPI_IN[T]}" | sort | tr '\n' ' ')" "$(sad_spis n1)"
check_eq "n2's SAD holds U's and E's pairs" 4 "$(cl_sad_count n2 "${ALL_SPIS[@]}")"
check_eq "n1's outbound T counter starts where n2's stopped" "$t_out" \
	"$(oseq_of n1 "${CL_SPI_OUT[T]}")"
check "the IKE context is n1's again" wait_until 5 sh -c "[ \"\$(ip netns exec n2 '$IPSEC_HA' -j ike list | jq -r '.[0].owner')\" = 1 ]"
check_eq "n2 handed 4 over, n1 took 4 with the counters" "4 4 0" \
	"$(stat n2 moves_given) $(stat n1 moves_taken) $(stat n1 moves_fallback)"

# --- 3. n2 asks for T while n1 does not answer ------------------------------
t_out=$(oseq_of n1 "${CL_SPI_OUT[T]}")
ip -n n1 link set ha0 down
cl_event "n1's HA link is down"
check "n2 asks n1 for T's session" sh -c \
	"ip netns exec n2 '$IPSEC_HA' -j move spi ${CL_SPI_IN[T]} to 2 > '$tmp/move3.json'"
check_eq "... T's 2 SAs and 2 policies, asked of node 1" "2 2 4" \
	"$(jq -r '"\(.sas) \(.policies) \(.asked)"' "$tmp/move3.json")"
check "n2 takes T over after the wait" wait_until 5 t_owned n2 2
check_eq "... past the margin (moves-fallback)" 4 "$(stat n2 moves_fallback)"
check "... its outbound T counter past n1's" [ "$(oseq_of n2 "${CL_SPI_OUT[T]}")" -gt "$t_out" ]
ip -n n1 link set ha0 up
cl_node_routes n1
cl_event "n1's HA link is back"
check "n1 learns it lost T and removes it from its SAD" wait_until 10 sh -c \
	"[ -z \"\$(ip -n n1 xfrm state)\" ]"
check "n1 and n2 agree that n2 owns every SA" wait_until 10 cl_owned_by n1 2

echo "# timeline:"
cl_timeline "$cut" | sed 's/^/#/'
finish
