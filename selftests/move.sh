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
# 4. n1 is back: rebalancing, then a drain, under traffic. U gets an IKE
#    context of its own; n2 runs `move node 2 share to 1`, which must hand
#    n1 exactly the sessions that the share rule over the live nodes {1, 2}
#    gives node 1 (computed here from sa list and ike list with the rule's
#    hashes): U's IKE session and E's pair, not T's IKE session. A second
#    share move finds nothing more to move. Then n1 runs `move node 2 to 1`
#    (the drain: it asks n2 for T) while the VIP moves to n1. Every handover
#    is exact (moves-taken, no fallback), n1 goes on from n2's last number
#    on every cluster->peer SA, and the peer sees no (SPI, seq) twice.
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
# share_expect NODE N M NODES: the SPIs (sorted, on one line) of the SAs
# that N owns in NODE's mirror whose session the share rule over the node
# ids NODES (a comma list) gives to M; on a second line those of the others. The rule of module/move.c: a CHILD SA
# of an IKE context of N takes the key jhash(SPI_I, SPI_R), another SA the
# key jhash of its two addresses in order; the winner is the node with the
# highest jhash_2words(key, node).
share_expect() {
	python3 - "$2" "$3" "$4" 3<<<"$(ha "$1" -j sa list)" 4<<<"$(ha "$1" -j ike list)" <<'PY'
import ipaddress, json, os, struct, sys
M, SEED = 0xffffffff, 0x5ea51de5
def rol(x, k): return ((x << k) | (x >> (32 - k))) & M
def mix(a, b, c):
    for x, y, z, k in ((0, 2, 1, 4), (1, 0, 2, 6), (2, 1, 0, 8), (0, 2, 1, 16), (1, 0, 2, 19), (2, 1, 0, 4)):
        v = [a, b, c]
        v[x] = (v[x] - v[y]) & M; v[x] ^= rol(v[y], k); v[y] = (v[y] + v[z]) & M
        a, b, c = v
    return a, b, c
def final(a, b, c):
    for x, y, k in ((2, 1, 14), (0, 2, 11), (1, 0, 25), (2, 1, 16), (0, 2, 4), (1, 0, 14), (2, 1, 24)):
        v = [a, b, c]
        v[x] ^= v[y]; v[x] = (v[x] - rol(v[y], k)) & M
        a, b, c = v
    return c
def jhash(k, iv):
    a = b = c = (0xdeadbeef + len(k) + iv) & M
    while len(k) > 12:
        x, y, z = struct.unpack_from('<III', k)
        a, b, c = mix((a + x) & M, (b + y) & M, (c + z) & M)
        k = k[12:]
    if not k:
        return c
    x, y, z = struct.unpack('<III', k + bytes(12 - len(k)))
    return final((a + x) & M, (b + y) & M, (c + z) & M)
def jhash_2words(x, y, iv):
    iv = (iv + 0xdeadbeef + 8) & M
    return final((x + iv) & M, (y + iv) & M, iv)
def winner(key, nodes):
    return max(nodes, key=lambda n: (jhash_2words(key, n, SEED), -n))
def addr(s):
    b = ipaddress.ip_address(s).packed
    return b + bytes(16 - len(b))
n, m, nodes = int(sys.argv[1]), int(sys.argv[2]), [int(x) for x in sys.argv[3].split(',')]
sas, ikes = json.load(os.fdopen(3)), json.load(os.fdopen(4))
keys = {}
for i in ikes:
    if i['owner'] == n:
        k = jhash(struct.pack('<QQ', int(i['spi_i'], 16), int(i['spi_r'], 16)), SEED)
        keys.update((int(c, 16), k) for c in i.get('child_spi', []))
out, rest = [], []
for sa in sas:
    if sa['owner'] != n:
        continue
    spi = int(sa['spi'], 16)
    if spi not in keys:
        a, b = sorted((addr(sa['saddr']), addr(sa['daddr'])))
        keys[spi] = jhash(a + b, SEED ^ (2 if sa['family'] == 'inet' else 10))
    (out if winner(keys[spi], nodes) == m else rest).append(sa['spi'])
print(' '.join(sorted(out)))
print(' '.join(sorted(rest)))
PY
}
# moves NODE: NODE's moves-given, moves-taken, moves-fallback and moves-unconfirmed.
moves() { ha "$1" -j stats | jq -r '[.moves_given, .moves_taken, .moves_fallback, .moves_unconfirmed] | map(. // 0) | join(" ")'; }
# owned_spis NODE N: the SPIs (sorted, on one line) of the SAs that N owns in NODE's mirror.
owned_spis() { ha "$1" -j sa list | jq -r --argjson n "$2" '[.[] | select(.owner == $n) | .spi] | sort | join(" ")'; }
# ike_owner_of NODE SPI_I: the owner of that IKE context in NODE's mirror.
ike_owner_of() { ha "$1" -j ike list | jq -r --arg s "$2" '.[] | select(.spi_i == $s) | .owner'; }
# heard NODE N: NODE hears N on the HA link (within the last second).
heard() { ha "$1" -j peers | jq -e --argjson n "$2" '.[] | select(.node_id == $n) | .last_heard < 1000' > /dev/null; }
secrets() {
	local h
	h=$(printf 'ab%.0s' {1..32})
	printf '%s\n' "nonce_i=$h nonce_r=$h" "sk_d=$h sk_ai=$h sk_ar=$h" "sk_ei=$h sk_er=$h sk_pi=$h sk_pr=$h"
}

cl_start 2
check "n1 pushes the IKE context of T (its CHILD SAs: T's pair)" ha n1 ike add \
	spi-i $SPI_I spi-r $SPI_R local "$CL_VIP" remote "$CL_PEER" role responder \
	encr aes-gcm-16 keylen 256 prf hmac-sha2-256 dh-group ecp256 \
	id-i fqdn peer.example.com id-r fqdn vpn.example.com mid-send 1 mid-recv 2 \
	child "${CL_SPI_OUT[T]},${CL_SPI_IN[T]}" secrets - < <(secrets)
read -r -a ALL_SPIS <<< "$(cl_spis)"
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

cut1=$cut

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

# --- 4. n1 is back: n2 hands n1 its share, then drains into it -------------
SPI_I_U=0x1111000000000002
SPI_R_U=0x2222000000000004
check "n2 pushes an IKE context for U (its CHILD SAs: U's pair)" ha n2 ike add \
	spi-i $SPI_I_U spi-r $SPI_R_U local "$CL_VIP" remote "$CL_PEER" role responder \
	encr aes-gcm-16 keylen 256 prf hmac-sha2-256 dh-group ecp256 \
	id-i fqdn peeru.example.com id-r fqdn vpn.example.com mid-send 1 mid-recv 2 \
	child "${CL_SPI_OUT[U]},${CL_SPI_IN[U]}" secrets - < <(secrets)
ready4() { [ "$(ha n1 -j ike list | jq length)" = 2 ] && heard n2 1; }
check "n1 mirrors both IKE contexts, n2 hears n1" wait_until 10 ready4
{ read -r want; read -r stay; } < <(share_expect n1 2 1 1,2)
echo "# the share rule over {1, 2}: to n1 $want; n2 keeps $stay"
check_eq "... gives n1 U's IKE session and E's pair, and n2 T's IKE session (the rule's hashes)" \
	"$(printf '%s\n' "${CL_SPI_OUT[U]}" "${CL_SPI_IN[U]}" "${CL_SPI_OUT[E]}" "${CL_SPI_IN[E]}" | sort | tr '\n' ' ' | sed 's/ $//')
$(printf '%s\n' "${CL_SPI_OUT[T]}" "${CL_SPI_IN[T]}" | sort | tr '\n' ' ' | sed 's/ $//')" "$want
$stay"
check_err "share to a node n2 does not hear is refused" "not heard on the link" \
	ip netns exec n2 "$IPSEC_HA" move node 2 share to 9
if [ -x "$NL_RAW" ]; then
	check_err "the kernel refuses share without node" "share needs node" ip netns exec n2 "$NL_RAW" move-share-alone
	check_err "... node with another selector" "node names the sessions alone" \
		ip netns exec n2 "$NL_RAW" move-node-peer
	check_err "... node and to the same" "same node" ip netns exec n2 "$NL_RAW" move-node-to
fi
read -r _ taken1 fb1 un1 < <(moves n1)
read -r given2 _ fb2 un2 < <(moves n2)
check "capture on the peer's LAN port" cl_capture_start main
cl_traffic_start
check "traffic flows through every SA pair on n2" wait_until 15 cl_flowing
before=$(cl_ownership n1)
cut=$(cl_now)
cl_event_at "$cut" "n2: ipsec-ha move node 2 share to 1"
check "n2 moves its sessions that the share rule gives n1" sh -c \
	"ip netns exec n2 '$IPSEC_HA' -j move node 2 share to 1 > '$tmp/move4.json'"
cl_event "share move returned"
echo "# n2's share move: $(cat "$tmp/move4.json")"
check_eq "... U's and E's 4 SAs and 6 policies, handed over by node 2" "4 6 10 2" \
	"$(jq -r '"\(.sas) \(.policies) \(.given) \(.owner)"' "$tmp/move4.json")"
split_is() { [ "$(owned_spis "$1" 1)" = "$want" ] && [ "$(owned_spis "$1" 2)" = "$stay" ]; }
check "n1 owns exactly the SAs the rule gives it, n2 keeps T (n1's view)" wait_until 5 split_is n1
check "n2 agrees" wait_until 5 split_is n2
check_eq "n1's SAD holds U's and E's pairs, n2's T's" "4 2" \
	"$(cl_sad_count n1 "${ALL_SPIS[@]}") $(cl_sad_count n2 "${ALL_SPIS[@]}")"
ike_split() { [ "$(ike_owner_of n2 "$SPI_I_U") $(ike_owner_of n2 "$SPI_I")" = "1 2" ]; }
check "U's IKE context moved with its CHILD SAs, T's stayed" wait_until 5 ike_split
read -r _ taken _ < <(moves n1)
read -r given _ < <(moves n2)
check_eq "n1 took the 10 with n2's counters (moves-taken), n2 gave 10" "10 10" \
	"$((taken - taken1)) $((given - given2))"
# Once n1's TAKEN confirms the handover (a move under way is refused).
share_again() { ! ha n2 move node 2 share to 1 2> "$tmp/again.err" && grep -q "share rule gives the new owner none" "$tmp/again.err"; }
check "a second share move finds nothing more for n1" wait_until 5 share_again
sed 's/^/#   said: /' "$tmp/again.err"
cl_event "n1: ipsec-ha move node 2 to 1, and the VIP moves to n1"
(cl_vip_move n1 && cl_event "n1 holds the VIP") &
vip=$!
ha n1 -j move node 2 to 1 > "$tmp/move5.json" 2> "$tmp/move5.err"
rc=$?
cl_event "drain returned ($rc)"
wait $vip
CL_VIP_NODE=n1
check_eq "n1's drain of node 2 succeeds" 0 $rc
echo "# n1's drain: $(cat "$tmp/move5.json" "$tmp/move5.err")"
check_eq "... T's 2 SAs and 2 policies, asked of node 2" "2 2 4 2" \
	"$(jq -r '"\(.sas) \(.policies) \(.asked) \(.owner)"' "$tmp/move5.json")"
check "n1 owns every SA (its view)" wait_until 5 cl_owned_by n1 1
check "n2 agrees" wait_until 5 cl_owned_by n2 1
read -r _ taken fb un < <(moves n1)
read -r _ _ fb_2 un_2 < <(moves n2)
check_eq "n1 took the 14 with n2's counters, no fallback, nothing unconfirmed" "14 $fb1 $fb2 $un1 $un2" \
	"$((taken - taken1)) $fb $fb_2 $un $un_2"
check_eq "n2's SAD holds none of them" 0 "$(cl_sad_count n2 "${ALL_SPIS[@]}")"
check "traffic flows again through every SA pair" wait_until 15 cl_flowing
flowing=$(cl_now)
cl_event_at "$flowing" "every SA pair answers a ping again"
sleep 1
cl_traffic_stop "$flowing"
cl_esp_verdicts "$cut" n1 "$before"
check_eq "n1 went on from n2's last sequence number on every cluster->peer SA (no margin)" \
	"1 1 1" "$(jq -r --arg t "${CL_SPI_OUT[T]}" --arg u "${CL_SPI_OUT[U]}" --arg e "${CL_SPI_OUT[E]}" \
		'[.spis[$t, $u, $e].senders | .n1.min_seq - .n2.max_seq | tostring] | join(" ")' "$tmp/cut.json")"

echo "# timeline:"
cl_timeline "$cut1" | sed 's/^/#/'
finish
