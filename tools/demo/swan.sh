#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The ipsec-ha demo, run inside the guest by `make demo` (tools/demo.sh),
# on the real cluster of selftests/swan_lib.sh: strongSwan's charon on a
# peer P and on three nodes, keepalived on the nodes writing its state
# changes to a notify FIFO that `ipsec-ha notify-fifo` reads (the faster
# of the two documented ways; SW_NOTIFY_MODE=script runs the notify
# script tools/keepalived/ipsec-ha-notify instead), and the ipsec-ha
# plugin in the nodes' charon, which publishes each IKE SA's context to
# the module and rebuilds the IKE SA on the node that takes over.
#
#   P 192.0.2.100 ---- LAN ----+---- n1 .11 (VIP 192.0.2.1) ----+---- inside ---- srv 10.0.1.10
#   10.0.2.1 (u)               +---- n2 .12 --------------------+                  10.0.3.10
#   10.0.4.1 (e)               \---- n3 .13 --------------------/
#                        n1, n2, n3 ha0 198.51.100.N: the HA link
#
# P sets up one IKE SA with the VIP (held by n1) and two CHILD SAs in
# tunnel mode, u (AES-GCM) and e (AES-GCM with ESN). Pings and an iperf3
# stream run through them; n1 is cut off; keepalived on n2 takes the VIP,
# notify-fifo promotes and the plugin rebuilds the IKE SA. n2 then
# rekeys a CHILD SA and the IKE SA, and answers P's DPD. The demo ends with
# what P saw: SPIs, the capture's counts, a timeline and a verdict.
#
# The story's steps are swan_lib's, checks included; lib.sh's check lines
# and the comments swan_lib prints for the tests are shown as plain text.
#
# Exit status 0 when every step went as the story says, 1 otherwise.

SW_NOTIFY_MODE=${SW_NOTIFY_MODE:-fifo}
# Helper functions run through check and wait_until:
# shellcheck disable=SC2317
# shellcheck source=selftests/swan_lib.sh
source "$(dirname "$0")/../../selftests/swan_lib.sh"

ok() { step_time; printf '  ok      %s\n' "$*"; }
not_ok() { step_time; printf '  FAILED  %s\n' "$*"; failures=$((failures + 1)); }
pp() { "$@"; }
say() { printf '\n== %s\n' "$*"; }
# present: the output for a reader: swan_lib's headings become sections,
# its "# " comments indented text.
present() {
	sed -u -e '/^# capture: /d' -e "s/^# IKE exchanges on P's LAN port \(.*\):$/\n== IKE exchanges on P's LAN port \1/" \
		-e 's/^# timeline \(.*\):$/\n== Timeline \1/' \
		-e 's/^#  *\(t=\)/  \1/' -e 's/^# \{0,1\}/  /'
}

require
sw_require
[ -n "$SWAN_PLUGIN" ] || { echo "demo: the ipsec-ha charon plugin is not built (make)"; exit 1; }

exec 3>&1
exec > >(present >&3) 2>&1
presenter=$!

CL_PING_INTERVAL=0.05
CL_IPERF_RATE=500K
POST=3		# seconds of traffic after both CHILD SAs answer again
PCAP=$tmp/main.pcap

say "ipsec-ha $(cat "$top/VERSION") on Linux $(uname -r): a strongSwan peer and a three-node cluster"
sed -n '/^#   P 192/,/^#  *n1, n2, n3 ha0/p' "$0" | sed 's/^#/  /'

say "Set-up: the module, charon (the nodes' with the ipsec-ha plugin), keepalived; P connects to the VIP (n1)"
sw_story_start
sw_child_desc P | sed "s/^/  P's CHILD SA /"
child_before=$(sw_child_spis P)

say "Traffic: P pings srv through u and e every 50 ms; iperf3 streams srv -> P through u"
check "capture of ESP and IKE on P's LAN port" sw_capture_start main
SW_TIMELINE_FROM=$(cl_now)
cl_event_at "$SW_TIMELINE_FROM" "traffic starts"
cl_traffic_start
check "n2's mirror follows n1's outbound sequence counters" sw_wait 10 sw_oseq_synced n2 u
sleep 2

say "n1 fails: its LAN, inside and HA links go down"
cut=$(cl_now)
cl_cut n1
cl_event_at "$cut" "n1 cut off"
sw_takeover n2
check "keepalived on n3 stayed backup" sh -c "! grep -q 'Entering MASTER STATE' '$tmp/keepalived-n3.log'"
check "ESP flows again through both CHILD SAs" wait_until 15 cl_flowing
flowing=$(cl_now)
# TCP backed off its retransmissions during the outage: the stream
# resumes at its next retransmission, which can be seconds after ESP.
rx=$(sw_iperf_rx)
wait_until 30 sw_iperf_rx_above $((rx + 65536))
sleep $POST
cl_event "traffic stops"
cl_traffic_stop "$flowing"
check "P still has IKE SA ${SW_CONN}[$SW_IKE_ID]" sw_same_ike
ike_after=$(sw_ike_spis P)
check_eq "P's IKE SA has the same SPIs as before the cut" "$ike_before" "$ike_after"
check_eq "P's CHILD SAs have the same SPIs as before the cut" "$child_before" "$(sw_child_spis P)"

say "What P's capture shows of the ESP, per SPI from the cluster"
sw_esp_verdicts "$cut"
first=$(jq -r '.first_after_cut.ms // empty | floor' "$tmp/cut.json")
first_from=$(jq -r '.first_after_cut.sender // "nobody"' "$tmp/cut.json")
[ -z "$first" ] || cl_event_at "$first" "P receives the first ESP packet from $first_from"
check_eq "the first ESP packet after the cut comes from n2" n2 "$first_from"
read -r bytes _ empty since <<< "$CL_IPERF"
check "the iperf3 stream survived the takeover" test "$since" -gt 0

say "n2 runs the IKE SA now: it rekeys a CHILD SA and the IKE SA, and answers P's DPD"
sw_step
check "CHILD_SA rekey of e started by n2 succeeds" sw_rekey_child n2 e
check "n2 sent the CHILD_SA rekey request (capture)" sw_by n2 36 request
sw_step
check "IKE_SA rekey started by n2 succeeds" sw_rekey_ike n2
check "n2 sent the IKE_SA rekey request (capture)" sw_by n2 36 request
ike_rekeyed=$(sw_ike_spis P)
check "ESP flows through both CHILD SAs after the rekeys" wait_until 15 cl_flowing
sw_step
check "P's DPD on IKE SA ${SW_CONN}[$SW_IKE_ID] is answered" sw_dpd 20
check "n2 answered the DPD (capture)" sw_by n2 37 response
read -r -a spis <<< "$(sw_spi_list | tr '\n' ' ')"
check "n3 mirrors the rekeyed ESP SAs" sw_wait 10 sw_mirrors n3 "${spis[@]}"
check "n3 mirrors the rekeyed IKE SA's context" sw_wait 10 sw_ike_mirrors n3
sw_wrap_up "$cut" "${CL_NODES[@]}"
init_after=$(sw_ike_count_msgs ".exchange == 34 and .ms > $cut" "$PCAP")

# --- what P saw -----------------------------------------------------------

say "What P saw"
lost=0 sent=0
for kind in "${CL_KINDS[@]}"; do
	sent=$((sent + CL_TX[$kind]))
	lost=$((lost + CL_TX[$kind] - CL_RX[$kind]))
done
read -r replay integrity <<< "$(cl_failures peer)"
outage=$(jq -r '.outage_ms // "n/a"' "$tmp/cut.json")
master=$(sw_master_ms n2)
same=different
[ "$ike_before" = "$ike_after" ] && same="the same"
printf '  %-38s %s\n' \
	"IKE SA before the cut" "$ike_before" \
	"IKE SA after the takeover" "$ike_after ($same; IKE_SA_INIT after the cut: $init_after)" \
	"IKE SA after n2's IKE_SA rekey" "$ike_rekeyed" \
	"outage (cut -> ESP from n2)" "$outage ms" \
	"  n2 became VRRP master after" "$(( ${master:-$cut} - cut )) ms (3 adverts of ${SW_ADVERT_INT} s missed, + skew)" \
	"  n2's promote took" "$(sw_promote_ms n2) ms" \
	"pings lost" "$lost of $sent (every 50 ms on u and e)" \
	"P's ESP sent into the outage" "$(sw_esp_sent "$PCAP" "$CL_PEER" "$cut" "${first:-$flowing}") packets (lost: n1 is gone, n2 not ready)" \
	"iperf3 srv -> P" "$bytes bytes, $since after the takeover, $empty s without data (TCP backs off)" \
	"(SPI, seq) sent twice by the cluster" "$(jq .reused "$tmp/cut.json") in $(jq .packets "$tmp/cut.json") ESP packets" \
	"replay failures on P" "$replay" \
	"integrity failures on P" "$integrity"
echo "  CHILD SAs before the cut (name, P's inbound SPI, outbound SPI):"
awk '{ print "    " $0 }' <<< "$child_before"
echo "  CHILD SAs at the end (e rekeyed by n2, u adopted by n2 unchanged):"
sw_child_spis P | sed 's/^/    /'

echo
if [ "$failures" = 0 ]; then
	echo "VERDICT: n2 took over from n1 in $outage ms; P kept its IKE SA (same SPIs, no new IKE_SA_INIT), lost $lost pings and saw no replay, integrity failure or reused sequence number; n2 rekeyed and answered DPD."
else
	echo "VERDICT: FAILED: $failures step(s) did not go as told (FAILED above); logs and captures: build/vm/runs/<id>/swan/"
fi
exec >&3 2>&1 3>&-
wait "$presenter"
finish
