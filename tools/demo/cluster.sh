#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The ipsec-ha demo, run inside the guest by `make demo` (tools/demo.sh).
# A peer and a two-node gateway cluster, each a network namespace: the IKE
# daemons' SAs on node 1 are mirrored to node 2 over the HA link, traffic
# runs, node 1 fails under it, node 2 promotes and takes the virtual
# address. The peer notices a pause and nothing else: the demo ends with a
# timeline and a summary of what the peer saw.
#
#   peer 192.0.2.100 ---- LAN ----+---- n1 (node 1, VIP 192.0.2.1) ----+---- inside ---- srv 10.0.1.10
#   subnets 10.0.2.0/24,          \---- n2 (node 2) ----------------/                  10.0.3.10
#           10.0.4.0/24                n1, n2 ha0: the HA link, 239.192.0.1 UDP 7731
#
# Exit status 0 when the peer saw no replay or integrity failure and no
# sequence number was sent twice; 1 otherwise.
set -u -o pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=selftests/cluster_lib.sh
source "$top/selftests/cluster_lib.sh"

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() {	# run NS CMD...: show the command (keys masked) and run it in NS
	local shown=() arg
	for arg in "${@:2}"; do
		[[ $arg =~ ^0x[0-9a-f]{32,}$ ]] && arg="0x<key>"
		[ "$arg" = "$IPSEC_HA" ] && arg=ipsec-ha
		shown+=("$arg")
	done
	printf '\033[36m%s#\033[0m %s\n' "$1" "${shown[*]}"
	ip netns exec "$1" "${@:2}"
}
die() { echo "demo: $*" >&2; exit 1; }

for c in jq python3 tcpdump iperf3; do
	command -v $c > /dev/null || die "$c is missing (make deps installs it)"
done
[ -e "$KO" ] || die "$KO not built (make)"

say "Loading ipsec_ha on Linux $(uname -r)"
load_module || die "cannot load $KO"
dmesg | grep ipsec_ha | tail -n 1

say "A peer, a two-node cluster behind one virtual address, and an HA link"
cl_setup 2
sed -n '/^#        LAN/,/^#   The active/p' "$top/selftests/cluster_lib.sh" | sed 's/^#//; /n3 /d'

say "Each node joins the HA link with the cluster key (generated once, copied, mode 0600)"
"$IPSEC_HA" key generate "$tmp/cluster.key"
for i in 1 2; do
	run n$i "$IPSEC_HA" node set id $i
	run n$i "$IPSEC_HA" link set dev ha0 group "$CL_GROUP" port "$CL_PORT"
	run n$i "$IPSEC_HA" key set file "$tmp/cluster.key"
done

say "IKE on the peer and on n1 installs three SA pairs (AES-GCM) and their policies"
echo "transport peer<->VIP; tunnel 10.0.2.0/24<->10.0.1.0/24; tunnel with ESN 10.0.4.0/24<->10.0.3.0/24"
cl_ipsec_up n1 || die "the SAs could not be installed"
run n1 ip xfrm state count
run n1 ip xfrm policy count
wait_until 15 cl_flowing || die "no ESP traffic between the peer and n1"
echo "ESP flows between the peer and n1 through every SA pair"

say "n2 mirrors them (keys never shown)"
holds_all() {
	[ "$(ha n2 -j sa list | jq length)" = "$CL_SAS" ] &&
	[ "$(ha n2 -j policy list | jq length)" = "$CL_POLICIES" ]
}
wait_until 10 holds_all || echo "(n2 does not hold all of them yet)"
mirrored_sas=$(ha n2 -j sa list | jq length)
mirrored_pols=$(ha n2 -j policy list | jq length)
run n2 "$IPSEC_HA" sa list

say "Traffic from the peer: three ping flows (one per SA pair) and an iperf3 stream from srv"
cl_capture_start main || die "tcpdump did not start"
CL_IPERF_RATE=500K cl_traffic_start
cl_event "traffic starts"
seen_oseq() { ha n2 -j sa list | jq --arg s "${CL_SPI_OUT[T]}" '.[] | select(.spi == $s) | .oseq // 0'; }
synced() { [ "$(seen_oseq)" -gt 0 ]; }
wait_until 8 synced
sleep 2
echo "n1 has sent $(cl_xfrm_stats n1 | awk -v s="${CL_SPI_OUT[T]}" '$1 == s { print $7 }') packets on SA ${CL_SPI_OUT[T]}; n2's mirror has its counter at $(seen_oseq)"

say "n1 fails: its LAN, inside and HA links go down"
cut=$(cl_now)
cl_cut n1
cl_event_at "$cut" "n1 cut off"
echo "n2 promotes at once and takes the VIP, as a keepalived notify script would"
printf '\033[36mn2#\033[0m ipsec-ha promote\n'
cl_takeover n2
promote_rc=$?
cl_promote_summary n2
if wait_until 15 cl_flowing; then
	flowing=$(cl_now)
	cl_event_at "$flowing" "every SA pair answers a ping again"
	echo "every SA pair answers again; traffic goes on for 3 s"
	sleep 3
else
	flowing=$(cl_now)
	echo "the SA pairs do not all answer after 15 s"
fi
cl_event "traffic stops"
cl_traffic_stop "$flowing"
cl_capture_stop main > /dev/null
cl_analyse --cut "$cut" "$tmp/main.pcap" > "$tmp/main.json"
first=$(jq -r '.first_after_cut.ms // empty | floor' "$tmp/main.json")
[ -n "$first" ] && cl_event_at "$first" "the peer receives the first ESP packet from n2"

say "What the peer's capture shows, per SA from the cluster"
cl_report "$tmp/main.json" | sed 's/^# //'

say "Timeline"
cl_timeline "$cut"

say "Summary"
lost=0 sent=0
for kind in "${CL_KINDS[@]}"; do
	sent=$((sent + CL_TX[$kind]))
	lost=$((lost + CL_TX[$kind] - CL_RX[$kind]))
done
read -r replay integrity <<< "$(cl_failures peer)"
reused=$(jq .reused "$tmp/main.json")
outage=$(jq -r '.outage_ms // "n/a"' "$tmp/main.json")
read -r bytes _ _ since <<< "$CL_IPERF"
printf '  %-38s %s\n' \
	"SAs and policies mirrored to n2" "$mirrored_sas SAs, $mirrored_pols policies" \
	"takeover (ipsec-ha promote)" "$(if [ $promote_rc = 0 ]; then echo "$(cl_promoted n2 usecs) us in the kernel, $CL_PROMOTE_MS ms for the command"; else echo "FAILED: $(head -n 1 "$tmp/promote-n2.err")"; fi)" \
	"outage seen by the peer" "first packet from n2 $outage ms after the cut" \
	"pings lost" "$lost of $sent" \
	"iperf3 stream" "$bytes bytes, $since after the takeover" \
	"replay failures seen by the peer" "$replay" \
	"integrity failures seen by the peer" "$integrity" \
	"sequence numbers reused (must be 0)" "$reused, in $(jq .packets "$tmp/main.json") ESP packets"

cl_cleanup
trap - EXIT
rmmod ipsec_ha
if [ $promote_rc = 0 ] && [ "$reused" = 0 ] && [ "$replay" = 0 ] && [ "$integrity" = 0 ]; then
	say "Node 2 took over: the peer saw a pause, no replay, no integrity failure, no reused sequence number"
else
	say "Something went wrong: see above"
	exit 1
fi
