#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# An SA migration (XFRM_MSG_MIGRATE, as MOBIKE does it in some IKE daemons)
# under traffic, then a takeover. The peer moves the tunnel pair U from its
# address 192.0.2.100 to a second one, 192.0.2.101: the peer and n1 each
# migrate U's policies and SAs (the xfrm_sa helper). The kernel replaces
# the SAs with copies that carry the new addresses and the same counters,
# and announces it only through the key manager's migrate callback: no
# notify event names the old or the new SAs. n2's mirror must then hold
# the migrated SAs and nothing of the old ones, and n2's takeover must
# carry U on towards the new address with no sequence number sent twice.
#
#   peer 192.0.2.100, .101 -- br-lan -- n1 .11 (VIP 192.0.2.1) -- br-in -- srv
#                                  \---- n2 .12 ----------------/
#   (the full drawing is in cluster_lib.sh)

# Helper functions run through check and wait_until:
# shellcheck disable=SC2317
# shellcheck source=selftests/cluster_lib.sh
source "$(dirname "$0")/cluster_lib.sh"
require
cl_require

XSA=$(dirname "$0")/xfrm_sa
[ -x "$XSA" ] || { echo "# SKIP: xfrm_sa not built"; exit "$ksft_skip"; }
# A kernel without CONFIG_XFRM_MIGRATE answers every migration with
# ENOPROTOOPT; one with it answers this one (no such policy) with ENOENT.
if "$XSA" migrate 10.255.0.0/24 10.255.1.0/24 out 10.255.0.1 10.255.1.1 10.255.0.2 10.255.1.2 9 2>&1 |
	grep -q 'Protocol not available'; then
	echo "# SKIP: kernel without CONFIG_XFRM_MIGRATE"
	exit "$ksft_skip"
fi

NEW_PEER=192.0.2.101
CL_PING_INTERVAL=0.05
CL_IPERF_RATE=500K
POST=3	# seconds of traffic after every SA pair answers again

# mirrored NODE SPI FIELD: FIELD of the SA of SPI in NODE's mirror, one
# line per SA of that SPI.
mirrored() {
	ha "$1" -j sa list | jq -r --arg s "$2" --arg f "$3" '.[] | select(.spi == $s) | .[$f]'
}
# migrated NODE: NODE's mirror holds U's SAs with the peer's new address
# only, and every other SA and policy as before.
migrated() {
	[ "$(mirrored "$1" "${CL_SPI_OUT[U]}" daddr)" = "$NEW_PEER" ] &&
	[ "$(mirrored "$1" "${CL_SPI_IN[U]}" saddr)" = "$NEW_PEER" ] &&
	cl_holds_all "$1"
}
# migrate_u SIDE: SIDE (peer or n1) moves U's policies and SAs from the
# peer's old address to its new one.
migrate_u() {
	local l r
	if [ "$1" = peer ]; then
		ip netns exec peer "$XSA" migrate 10.0.2.0/24 10.0.1.0/24 out "$CL_PEER" "$CL_VIP" "$NEW_PEER" "$CL_VIP" 2 &&
		ip netns exec peer "$XSA" migrate 10.0.1.0/24 10.0.2.0/24 in "$CL_VIP" "$CL_PEER" "$CL_VIP" "$NEW_PEER" 2
		return
	fi
	l=10.0.1.0/24 r=10.0.2.0/24
	ip netns exec "$1" "$XSA" migrate "$l" "$r" out "$CL_VIP" "$CL_PEER" "$CL_VIP" "$NEW_PEER" 2 &&
	ip netns exec "$1" "$XSA" migrate "$r" "$l" in "$CL_PEER" "$CL_VIP" "$NEW_PEER" "$CL_VIP" 2 &&
	ip netns exec "$1" "$XSA" migrate "$r" "$l" fwd "$CL_PEER" "$CL_VIP" "$NEW_PEER" "$CL_VIP" 2
}
# sad_has NS SPI ADDR: NS's SAD has the SA of SPI, with ADDR as an address.
sad_has() {
	ip -n "$1" xfrm state | grep -B1 -i "spi $2" | grep -q "$3"
}

cl_start 2
check_eq "n2 mirrors U's outbound SA towards the peer's first address" $CL_PEER \
	"$(mirrored n2 "${CL_SPI_OUT[U]}" daddr)"

check "capture on the peer's LAN port" cl_capture_start main
cl_event "traffic starts"
cl_traffic_start
check "n2's mirror follows n1's outbound counters" wait_until 10 cl_synced n2

ip -n peer addr add $NEW_PEER/24 dev lan0
check "the peer migrates U to $NEW_PEER (XFRM_MSG_MIGRATE)" migrate_u peer
check "n1 migrates U to $NEW_PEER (XFRM_MSG_MIGRATE)" migrate_u n1
cl_event "U migrated"
check "n1's SAD has U's outbound SA towards $NEW_PEER" sad_has n1 "${CL_SPI_OUT[U]}" "dst $NEW_PEER"
check "n1's SAD has U's inbound SA from $NEW_PEER" sad_has n1 "${CL_SPI_IN[U]}" "src $NEW_PEER"
check "ESP flows through every SA pair after the migration" wait_until 15 cl_flowing
check "n2's mirror has U's SAs with $NEW_PEER, and nothing of the old ones" wait_until 10 migrated n2
echo "# n2's mirror of U: out $(mirrored n2 "${CL_SPI_OUT[U]}" daddr), in $(mirrored n2 "${CL_SPI_IN[U]}" saddr)"
# n1 goes on sending on the migrated SA: its counters reach n2's mirror
out_u() { [ "$(mirrored n2 "${CL_SPI_OUT[U]}" oseq)" -gt "$1" ]; }
oseq=$(mirrored n2 "${CL_SPI_OUT[U]}" oseq)
check "n2's mirror follows the migrated SA's outbound counter" wait_until 15 out_u "${oseq:-0}"
sleep 1
before=$(cl_ownership n2)

cut=$(cl_now)
cl_cut n1
cl_event_at "$cut" "n1 cut off"
cl_takeover n2
rc=$?
check_eq "promote on n2 succeeds" 0 $rc
echo "# n2's promote: $(cl_promote_summary n2)"
check_eq "n2's promote installed the 6 SAs" "$CL_SAS" "$(cl_promoted n2 sas)"
check_eq "n2's promote reported no failure" 0 "$(cl_promoted n2 failed)"
check "n2's SAD has U's outbound SA towards $NEW_PEER" sad_has n2 "${CL_SPI_OUT[U]}" "dst $NEW_PEER"
check "traffic flows again through every SA pair" wait_until 15 cl_flowing
flowing=$(cl_now)
cl_event_at "$flowing" "every SA pair answers a ping again"
sleep $POST
cl_event "traffic stops"
cl_traffic_stop "$flowing"
cl_esp_verdicts "$cut" n2 "$before"

echo "# timeline:"
cl_timeline "$cut" | sed 's/^/#/'
finish
