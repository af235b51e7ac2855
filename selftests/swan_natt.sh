#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The real cluster (swan_lib.sh) with the peer P behind a NAT: cluster_lib's
# NAT box (CL_NAT=1) translates P's address 172.31.0.100 to 192.0.2.100 and
# its UDP ports 500 and 4500 to 40500 and 44500. IKE detects the NAT, so
# IKE and ESP run in UDP between the VIP's port 4500 and the NAT's
# translated port; the CHILD SAs carry that encapsulation.
#
# n1 is cut off and n2 takes over (keepalived, promote, the charon plugin
# rebuilds the IKE SA): ESP in UDP flows again, to the NAT's translated
# port, with no (SPI, sequence number) sent twice and no replay or
# integrity failure on P; P keeps its IKE SA (same SPIs, no IKE_SA_INIT);
# n2 answers P's DPD and a CHILD_SA rekey, and rekeys a CHILD SA itself.
#
#   P 172.31.0.100 -- NAT 192.0.2.100 -- br-lan -- n1 .11 (VIP 192.0.2.1), n2 .12, n3 .13

# Helper functions run through check and wait_until:
# shellcheck disable=SC2317
# VRRP adverts every second (see swan_failover.sh).
SW_ADVERT_INT=${SW_ADVERT_INT:-1}
CL_NAT=1
SW_KEEP_DIR=swan-natt
# shellcheck source=selftests/swan_lib.sh
source "$(dirname "$0")/swan_lib.sh"
require
sw_require

CL_PING_INTERVAL=0.05
CL_IPERF_RATE=500K
POST=2	# seconds of traffic after both CHILD SAs answer again
NAT_IKE="$CL_PEER:${CL_NAT_PORT[4500]}"	# P's IKE and ESP as the cluster sees them

# ike_field NODE FIELD: a field of NODE's IKE SA of gw (vici's list-sa).
ike_field() {
	sw_sas_json "$1" | jq -r --arg c "$SW_CONN" --arg f "$2" '.[] | .[$c] // empty | .[$f] // empty'
}
# encap_ok NODE: NODE's kernel has at least two SAs (the outbound ones)
# with UDP encapsulation from port 4500 to the NAT's translated port.
encap_ok() {
	local n
	n=$(ip -n "$1" xfrm state | grep -c "encap type espinudp sport 4500 dport ${CL_NAT_PORT[4500]} ")
	[ "$n" -ge 2 ] || { sw_why "$1 has $n SAs encapsulated to port ${CL_NAT_PORT[4500]}: $(ip -n "$1" xfrm state | grep encap)"; return 1; }
}
# plain_esp: frames of the capture that are ESP outside UDP.
plain_esp() { tcpdump -r "$tmp/main.pcap" -n 'ip proto 50' 2> /dev/null | wc -l; }
in_udp() { tcpdump -r "$tmp/main.pcap" -n 'udp port 4500' 2> /dev/null | wc -l; }

sw_story_start
check "P's charon found itself behind a NAT" grep -q 'local host is behind NAT' "$(sw_log P)"
check "n1's charon found P behind a NAT" grep -q 'remote host is behind NAT' "$(sw_log n1)"
check_eq "n1's IKE SA runs to the NAT's translated port" "$CL_PEER ${CL_NAT_PORT[4500]}" \
	"$(ike_field n1 remote-host) $(ike_field n1 remote-port)"
check_eq "P's IKE SA runs from its own address, port 4500" "$CL_PEER_OWN 4500" \
	"$(ike_field P local-host) $(ike_field P local-port)"
check "n1's SAs are ESP in UDP to the NAT's port" sw_wait 5 encap_ok n1
remote_port() {	# the mirrored IKE context's remote port on NODE
	ha "$1" -j ike list | jq -r '.[0].remote_port'
}
check_eq "n2's mirror of the IKE context has the translated port" "${CL_NAT_PORT[4500]}" "$(remote_port n2)"

check "capture of ESP and IKE on the NAT's LAN port" sw_capture_start main
cl_event "traffic starts"
cl_traffic_start
sleep 1
cut=$(cl_now)
cl_cut n1
cl_event_at "$cut" "n1 cut off"
sw_takeover n2
check "n2's SAs are ESP in UDP to the NAT's port" sw_wait 5 encap_ok n2
check "ESP flows again through both CHILD SAs" wait_until 20 cl_flowing
flowing=$(cl_now)
cl_event_at "$flowing" "both CHILD SAs answer a ping again"
# TCP's retransmission timer backs off during the outage: the stream
# resumes after ESP does
rx=$(sw_iperf_rx)
check "P's iperf3 client receives again after the takeover" \
	wait_until 30 sw_iperf_rx_above $((rx + 65536))
sleep "$POST"
cl_event "traffic stops"
cl_traffic_stop "$flowing"
check "the iperf3 stream survived the takeover" test "$(echo "$CL_IPERF" | awk '{ print $4 }')" -gt 0
sw_esp_verdicts "$cut"
check "ESP ran in UDP only (none outside UDP, $(in_udp) frames on port 4500)" test "$(plain_esp)" = 0
n2_esp() {	# n2 sent ESP in UDP to the translated port
	cl_analyse "$tmp/main.pcap" | jq -e '[.spis[] | select(.dir == "to_peer") | .senders.n2 // empty] | length > 0' > /dev/null &&
	[ "$(tcpdump -r "$tmp/main.pcap" -n "ether src ${CL_MAC[n2]} and udp dst port ${CL_NAT_PORT[4500]}" 2> /dev/null | wc -l)" -gt 0 ]
}
check "n2 sent ESP in UDP to the NAT's translated port" n2_esp

sw_answers n2 "the cut"
check_eq "n2's IKE SA runs to the NAT's translated port" "$CL_PEER ${CL_NAT_PORT[4500]}" \
	"$(ike_field n2 remote-host) $(ike_field n2 remote-port)"
sw_step
check "CHILD_SA rekey (e) started by n2 succeeds" sw_rekey_child n2 e
check "n2 sent the CHILD_SA rekey request" sw_by n2 36 request
check "n2's rekeyed SAs are ESP in UDP to the NAT's port" sw_wait 5 encap_ok n2
check "ESP flows through both CHILD SAs after the rekeys" wait_until 15 cl_flowing
check_eq "n2 sent every IKE message to the NAT's translated port" 0 \
	"$(sw_ike_count_msgs ".sender == \"n2\" and .dst != \"$NAT_IKE\"" "$tmp/main.pcap")"
sw_wrap_up "$cut" n2
finish
