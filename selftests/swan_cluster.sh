#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The real cluster: strongSwan on the peer P and on nodes n1..n3,
# keepalived on the nodes calling tools/keepalived/ipsec-ha-notify, the
# module mirroring between the nodes (swan_lib.sh has the set-up).
#
# P establishes IKEv2 with the VIP, served by n1 (keepalived's master):
# CHILD SAs u (AES-GCM) and e (AES-GCM with ESN) carry ping flows and an
# iperf3 stream. n1 is cut off; keepalived on n2 stops hearing it, takes the
# VIP and its notify script promotes. The ESP side must carry on at once:
# traffic flows again, P counts no replay or integrity failure, no (SPI,
# sequence number) goes out twice. The IKE side must carry on too, which
# needs the ipsec-ha charon plugin on the nodes (SWAN_PLUGIN, default
# build/strongswan/libstrongswan-ipsec-ha.so): P keeps its IKE SA (same
# SPIs, no IKE_SA_INIT after the cut); a DPD, a CHILD_SA rekey and an
# IKE_SA rekey started by P are answered by n2; a CHILD_SA rekey and an
# IKE_SA rekey started by n2 succeed; n3 mirrors the rekeyed SAs.
#
#   P 192.0.2.100 ---- br-lan ---- n1 .11 (VIP 192.0.2.1) ---- br-in ---- srv 10.0.1.10
#   10.0.2.1 (u)            +----- n2 .12 ------------------+            10.0.3.10
#   10.0.4.1 (e)            \----- n3 .13 ------------------/
#                    n1, n2, n3 ha0 198.51.100.N on br-ha: 239.192.0.1 UDP 7731

# Helper functions run through check and wait_until:
# shellcheck disable=SC2317
# shellcheck source=selftests/swan_lib.sh
source "$(dirname "$0")/swan_lib.sh"
require
sw_require

POST=3	# seconds of traffic after both CHILD SAs answer again
CL_PING_INTERVAL=0.05
CL_IPERF_RATE=500K

# The notify script's two calling forms, on a stand-in for the tool.
notify_forms() {
	local stub=$tmp/stub out
	printf '#!/bin/sh\necho "$*"\n' > "$stub"
	chmod +x "$stub"
	out=$(IPSEC_HA=$stub IPSEC_HA_DEFAULTS=/nonexistent "$SW_NOTIFY" master) &&
	[ "${out#master: promote ok in }" != "$out" ] && [ "${out##*: }" = promote ] &&
	out=$(IPSEC_HA=$stub IPSEC_HA_DEFAULTS=/nonexistent IPSEC_HA_NETNS=nx \
		IPSEC_HA_PROMOTE_ARGS="inbound strict" "$SW_NOTIFY" INSTANCE gw MASTER 150) &&
	[ "${out##*: }" = "-n nx promote inbound strict" ] &&
	for st in BACKUP FAULT STOP; do
		out=$(IPSEC_HA=$stub IPSEC_HA_DEFAULTS=/nonexistent "$SW_NOTIFY" INSTANCE gw "$st" 150) &&
		[ "${out##*: }" = demote ] || return 1
	done &&
	out=$(IPSEC_HA=$stub IPSEC_HA_DEFAULTS=/nonexistent "$SW_NOTIFY" fault) &&
	[ "${out##*: }" = demote ] &&
	! IPSEC_HA=false IPSEC_HA_DEFAULTS=/nonexistent "$SW_NOTIFY" backup > /dev/null
}
check "ipsec-ha-notify: master promotes, backup/fault/stop demote, in both of keepalived's forms" notify_forms

# The promote comes first: no process (date, tr, logger...) before the
# tool, as each one adds to the outage. A date and a logger earlier in
# PATH leave a mark; the stand-in for the tool says whether it found one.
notify_first() {
	local bin=$tmp/notify-bin out c
	mkdir -p "$bin"
	for c in date logger tr sed; do
		printf '#!/bin/sh\n: > "%s/ran"\nexec /usr/bin/%s "$@"\n' "$bin" "$c" > "$bin/$c"
		chmod +x "$bin/$c"
	done
	printf '#!/bin/sh\n[ -e "%s/ran" ] && echo "a process ran before" || echo first\n' "$bin" > "$bin/tool"
	chmod +x "$bin/tool"
	rm -f "$bin/ran"
	out=$(PATH=$bin:$PATH IPSEC_HA=$bin/tool IPSEC_HA_DEFAULTS=/nonexistent \
		IPSEC_HA_NOTIFY_LOG=$tmp/notify-first.log "$SW_NOTIFY" master) || return 1
	[ "${out##*: }" = first ] || { echo "$out"; return 1; }
	grep -q '^[0-9]\{13\} master: promote ok in [0-9]* ms: first$' "$tmp/notify-first.log" ||
		{ cat "$tmp/notify-first.log"; return 1; }
}
check "ipsec-ha-notify runs the tool before any other process, and logs its start in ms" notify_first

sw_story_start
# The plugin moves each node's own reqids to node id << 16, so that
# CHILD SAs adopted from another node keep theirs without a collision.
reqids_in_range() {	# reqids_in_range NODE: every SA's reqid is NODE's
	local i=${1#n} r
	r=$(ip -n "$1" xfrm state | sed -n 's/.* reqid \([0-9]*\) .*/\1/p' | sort -u)
	[ -n "$r" ] && ! echo "$r" | awk -v lo=$((i << 16)) -v hi=$(((i + 1) << 16)) '$1 < lo || $1 >= hi { bad = 1 } END { exit !bad }'
}
check "n1's CHILD SAs have reqids in n1's range (1 << 16 ...)" reqids_in_range n1

check "capture of ESP and IKE on P's LAN port" sw_capture_start main
cl_event "traffic starts"
cl_traffic_start
check "n3's mirror follows n1's outbound counters" sw_wait 10 sw_oseq_synced n3 u
sleep 1

cut=$(cl_now)
cl_cut n1
cl_event_at "$cut" "n1 cut off"
check "keepalived on n2 becomes master" wait_until 15 sw_vrrp_is n2 MASTER
cl_event "n2: keepalived master"
check "n2 holds the VIP" wait_until 5 sh -c "ip -n n2 -br addr show dev lan0 | grep -qw '$CL_VIP/24'"
check "n2's notify script promoted" wait_until 15 sw_notified n2 master
cl_event "n2: notify script done"
check "the promote succeeded" grep -q ' master: promote ok ' "$SW_NOTIFY_LOG.n2"
sw_notify_lines n2 | sed 's/^/# notify: /'
check "keepalived on n1 went to FAULT (its notify script demoted)" wait_until 10 sw_notified n1 fault
check "keepalived on n3 stayed backup" sh -c "! grep -q 'Entering MASTER STATE' '$tmp/keepalived-n3.log'"
check "ESP flows again through both CHILD SAs" wait_until 15 cl_flowing
flowing=$(cl_now)
cl_event_at "$flowing" "both CHILD SAs answer a ping again"
sleep $POST
cl_event "traffic stops"
cl_traffic_stop "$flowing"

cl_analyse --window "$SW_REPLAY_WINDOW" --cut "$cut" "$tmp/main.pcap" > "$tmp/cut.json"
cl_report "$tmp/cut.json"
for kind in "${CL_KINDS[@]}"; do
	echo "# ping $kind: ${CL_TX[$kind]} sent, ${CL_RX[$kind]} answered"
done
read -r bytes intervals empty since <<< "$CL_IPERF"
echo "# iperf3 srv -> P: $bytes bytes in $intervals s, $empty s without data, $since bytes after the takeover"
echo "# outage: $(jq -r '.outage_ms' "$tmp/cut.json") ms from the cut to n2's first ESP packet; promote took $(sw_promote_ms n2) ms"
check "the iperf3 stream survived the takeover ($since bytes after it)" test "$since" -gt 0
check_eq "no (SPI, sequence number) sent twice by the cluster (capture on P)" 0 \
	"$(jq .reused "$tmp/cut.json")"
cl_check_peer_clean "P counted no replay and no integrity failure"
check_eq "P's XFRM statistics agree (sequence and protocol errors)" "0 0" \
	"$(cl_xfrm_mib peer XfrmInStateSeqError) $(cl_xfrm_mib peer XfrmInStateProtoError)"

# The IKE side, P idle: its DPD runs after 2 s without inbound traffic.
# Each exchange must run on the IKE SA P had before the cut (or on what
# it was rekeyed into), with n2 at the other end (capture: source MAC).
sw_answers n2 "the cut"
sw_step
check "IKE_SA rekey started by P succeeds" sw_rekey_ike P
check "n2 answered the IKE_SA rekey" sw_by n2 36 response
sw_step
check "CHILD_SA rekey (e) started by n2 succeeds" sw_rekey_child n2 e
check "n2 sent the CHILD_SA rekey request" sw_by n2 36 request
sw_step
check "IKE_SA rekey started by n2 succeeds" sw_rekey_ike n2
check "n2 sent the IKE_SA rekey request" sw_by n2 36 request
check "ESP flows through both CHILD SAs after the rekeys" wait_until 15 cl_flowing
sw_child_spis P | sed 's/^/# P: CHILD SA /'
read -r -a spis <<< "$(sw_spi_list | tr '\n' ' ')"
check "n3 mirrors the rekeyed ESP SAs" sw_wait 10 sw_mirrors n3 "${spis[@]}"
check "n3 mirrors the rekeyed IKE SA's context" sw_wait 10 sw_ike_mirrors n3
sw_capture_stop main
echo "# IKE on P's LAN port:"
sw_ike_report "$tmp/main.pcap"
check_eq "no IKE_SA_INIT sent or received by P after the cut" 0 \
	"$(sw_ike_count_msgs ".exchange == 34 and .ms > $cut" "$tmp/main.pcap")"
cl_check_peer_clean "P counted no replay and no integrity failure over the whole run"
for n in P n1 n2 n3; do
	check "no error in $(sw_ns $n)'s charon log" sw_log_errors $n
done

for n in "${CL_NODES[@]}"; do
	sw_notify_timeline "$n"
done
echo "# timeline:"
cl_timeline "$cut" | sed 's/^/#/'
finish
