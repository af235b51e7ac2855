#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Activation on an unknown SPI (node set activate): a node that receives
# ESP for a mirrored SA it does not run takes that SA's session over.
#
# 1. n2 has activate gone while n1 is alive: the VIP moves to n2 (no
#    promote), the peer's ESP reaches n2, and n2 takes nothing (its owner
#    is alive: activate-alive). The VIP moves back.
# 2. n1 is cut off and the VIP moves to n2, with no promote: once n2 no
#    longer hears n1, the peer's ESP makes n2 take the sessions over (the
#    SA pairs whole, past the margin). The peer sees no sequence number
#    twice and no replay or integrity failure.
# 3. ESP with an SPI in no mirror only counts (activate-unknown).
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
command -v python3 > /dev/null || { echo "# SKIP: python3 missing"; exit "$ksft_skip"; }

CL_PING_INTERVAL=0.05
CL_IPERF_RATE=500K
POST=3

stat() { stat_or0 "$1" "$2"; }
lost() { [ "$(ha "$1" -j peers | jq ".[] | select(.node_id == $2) | .last_heard")" -gt 3500 ]; }
# esp_to NS DST SPI N: N ESP packets with SPI to DST, from NS (raw socket).
esp_to() {
	ip netns exec "$1" python3 - "$2" "$3" "$4" <<'PY'
import socket, struct, sys
dst, spi, n = sys.argv[1], int(sys.argv[2], 0), int(sys.argv[3])
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ESP)
for i in range(n):
    s.sendto(struct.pack(">II", spi, i + 1) + bytes(32), (dst, 0))
PY
}

cl_start 2
read -r -a ALL_SPIS <<< "$(cl_spis)"
check "n2: node set activate gone" ha n2 node set activate gone
check_eq "n2's show says activate gone" gone "$(ha n2 -j show | jq -r .activate)"

# --- 1. the owner is alive: nothing is taken -------------------------------
cl_vip_move n2
cl_event "the VIP moves to n2, n1 alive"
# alive_counted: the peer sends ESP to the VIP (a ping through each SA
# pair, unanswered), and n2 counted it as activate-alive.
alive_counted() { cl_flowing > /dev/null 2>&1; [ "$(stat n2 activate_alive)" -gt 0 ]; }
check "the peer's ESP reaches n2 and counts as activate-alive" wait_until 10 alive_counted
check_eq "n2 took nothing" "0 0" "$(stat n2 activations) $(cl_sad_count n2 "${ALL_SPIS[@]}")"
cl_vip_move n1
check "ESP flows through n1 again" wait_until 15 cl_flowing

# --- 2. n1 fails; its ESP reaching n2 activates the sessions ----------------
check "capture on the peer's LAN port" cl_capture_start main
cl_event "traffic starts"
cl_traffic_start
check "n2's mirror follows n1's outbound counters" wait_until 10 cl_synced n2
sleep 1
before=$(cl_ownership n2)
cut=$(cl_now)
cl_cut n1
cl_event_at "$cut" "n1 cut off; the VIP moves to n2 (no promote)"
cl_vip_move n2
check "n2 loses n1" wait_until 10 lost n2 1
cl_event "n2 no longer hears n1"
check "n2 owns every SA: the peer's ESP activated them" wait_until 15 cl_owned_by n2 2
cl_event "n2 owns every SA"
echo "# n2: activations $(stat n2 activations), activate-alive $(stat n2 activate_alive), activate-limited $(stat n2 activate_limited)"
check "... in at least one activation" [ "$(stat n2 activations)" -ge 1 ]
check_eq "n2's SAD holds the 6" 6 "$(cl_sad_count n2 "${ALL_SPIS[@]}")"
check "traffic flows again through every SA pair" wait_until 20 cl_flowing
flowing=$(cl_now)
cl_event_at "$flowing" "every SA pair answers a ping again"
sleep $POST
cl_event "traffic stops"
cl_traffic_stop "$flowing"
cl_esp_verdicts "$cut" n2 "$before"

# --- 3. an SPI in no mirror only counts ---------------------------------------
u=$(stat n2 activate_unknown)
a=$(stat n2 activations)
check "srv sends 20 ESP packets with an SPI no node has to the inside VIP" esp_to srv "$CL_IN_VIP" 0x7e57ab1e 20
check "n2 counts them as activate-unknown" wait_until 5 sh -c \
	"[ \"\$(ip netns exec n2 '$IPSEC_HA' -j stats | jq '.activate_unknown // 0')\" -ge $((u + 20)) ]"
check_eq "... and activates nothing" "$a" "$(stat n2 activations)"
check "n2: node set activate off" ha n2 node set activate off
check_eq "n2's show says activate off" off "$(ha n2 -j show | jq -r .activate)"
u=$(stat n2 activate_unknown)
esp_to srv "$CL_IN_VIP" 0x7e57ab1e 5
sleep 1
check_eq "with activate off, nothing is looked at" "$u" "$(stat n2 activate_unknown)"

echo "# timeline:"
cl_timeline "$cut" | sed 's/^/#/'
finish
