#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A gateway cluster and its IPsec peer, for the takeover tests and the demo.
# Sourced instead of lib.sh (it sources lib.sh itself): builds the topology
# out of network namespaces, installs SAs and policies the way an IKE daemon would,
# moves the virtual address, cuts nodes off, runs traffic, captures ESP on
# the peer and analyses the capture.
#
#        LAN 192.0.2.0/24                          inside 10.0.1.0/24, 10.0.3.0/24
#   peer lan0 .100 ---+                   +--- in0 srv 10.0.1.10, 10.0.3.10
#   lo 10.0.2.1 (U)   |     br-lan        |    br-in     (gateway 10.0.1.1)
#   lo 10.0.4.1 (E)   +-- lan0 n1 .11 in0-+  10.0.1.11, 10.0.3.11
#                     +-- lan0 n2 .12 in0-+  10.0.1.12, 10.0.3.12
#                     +-- lan0 n3 .13 in0-+  (n3 only on request)
#                           ha0 198.51.100.N/24 on br-ha (the HA link)
#   All bridges live in the namespace "hub" (IGMP snooping off: a plain hub).
#   The active node also holds the VIP 192.0.2.1 on lan0 and 10.0.1.1 on in0.
#
# Three SA pairs between the peer and the VIP, AES-GCM (rfc4106), each
# direction its own random key; SPIs 0xc100000X carry cluster->peer,
# 0xc200000X peer->cluster:
#   T  transport, peer <-> VIP, replay-window 64 (reqid 1)
#   U  tunnel, 10.0.2.0/24 (peer) <-> 10.0.1.0/24 (srv), replay-window 64 (reqid 2)
#   E  tunnel, 10.0.4.0/24 (peer) <-> 10.0.3.0/24 (srv), ESN, replay-window 128,
#      counters starting at CL_ESN_START (cluster->peer) and CL_ESN_START_IN
#      (peer->cluster, default the same) (reqid 3)
# The active node has out, in and (tunnel) fwd policies for them: 8 policies.
#
# Address moves are explicit: the new holder adds the addresses, the peer's
# and srv's neighbour entries are pinned to its MAC with `ip neigh replace
# ... nud permanent` (a gratuitous ARP is sent too when arping exists), so a
# node that comes back still holding the VIP (a partition) is not heard by
# the peer's ARP cache.
#
# CL_NAT=1 (set before cl_setup) puts the peer behind a NAT box, the
# namespace "nat": the cluster sees the peer as CL_PEER (192.0.2.100, the
# NAT's LAN address), the peer's own address is CL_PEER_OWN (172.31.0.100,
# on the link to the NAT box). The NAT is stateless, with tc (act_nat for
# the addresses, act_pedit for the ports): the peer's UDP ports 500 and
# 4500 appear on the LAN as CL_NAT_PORT[500] and CL_NAT_PORT[4500], so IKE
# detects the NAT and both IKE and ESP run in UDP from port 4500 to the
# translated port.
#
#   peer lan0 172.31.0.100 -- priv0 nat .1 | lan0 192.0.2.100 -- br-lan ...
#
# CL_LAN_NS is the namespace whose lan0 is the peer's side of the LAN (peer,
# or nat): captures run there, where the nodes' MACs are seen.

# Variables set here are read by the scripts that source this file.
# shellcheck disable=SC2034
# shellcheck source=selftests/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CL_PEER=192.0.2.100
CL_NAT=${CL_NAT:-}
CL_NAT_PRIV=172.31.0.1
declare -A CL_NAT_PORT=([500]=40500 [4500]=44500)
if [ -n "$CL_NAT" ]; then
	CL_PEER_OWN=172.31.0.100 CL_LAN_NS=nat
else
	CL_PEER_OWN=$CL_PEER CL_LAN_NS=peer
fi
CL_VIP=192.0.2.1
CL_IN_VIP=10.0.1.1
CL_SRV=10.0.1.10
CL_SRV_E=10.0.3.10
CL_PEER_U=10.0.2.1
CL_PEER_E=10.0.4.1
CL_GROUP=${CL_GROUP:-239.192.0.1}
CL_PORT=${CL_PORT:-7731}
CL_ESN_START=${CL_ESN_START:-$(( (1 << 32) - 1500 ))}
CL_KINDS=(T U E)
CL_SAS=6 CL_POLICIES=8
declare -A CL_SPI_OUT=([T]=0xc1000001 [U]=0xc1000002 [E]=0xc1000003)
declare -A CL_SPI_IN=([T]=0xc2000001 [U]=0xc2000002 [E]=0xc2000003)
declare -A CL_KEY=()		# SPI -> AEAD key
declare -A CL_MAC=()		# node -> MAC of its lan0
declare -A CL_IN_MAC=()		# node -> MAC of its in0
declare -A CL_PIDS=()		# background job name -> pid
CL_NODES=()
CL_VIP_NODE=
CL_CUT=()			# nodes currently cut off

# ms since the epoch (the clock of pcap timestamps), without a fork of date
cl_now() { local t=${EPOCHREALTIME/[.,]/}; echo "${t:0:-3}"; }

# --- timeline -------------------------------------------------------------

# cl_event TEXT: note TEXT with the current time in the timeline.
cl_event() { echo "$(cl_now) $*" >> "$tmp/timeline"; }
# cl_event_at MS TEXT: note TEXT at a given time.
cl_event_at() { echo "$1 ${*:2}" >> "$tmp/timeline"; }
# cl_timeline [ZERO_MS]: the events sorted, in ms relative to ZERO (default:
# the first event).
cl_timeline() {
	sort -n -s -k1,1 "$tmp/timeline" | awk -v zero="${1:-}" '
		NR == 1 && zero == "" { zero = $1 }
		{ t = $1; $1 = ""; printf "  t=%+7d ms %s\n", t - zero, $0 }'
}

# --- topology -------------------------------------------------------------

# cl_plug NS IFNAME BRIDGE: NS joins BRIDGE (in hub) with a veth named IFNAME.
cl_plug() {
	local hubif=${3#br-}-$1
	ip link add "$2" netns "$1" type veth peer name "$hubif" netns hub
	ip -n hub link set "$hubif" master "$3" up
	ip -n "$1" link set "$2" up
}

# Routes a node needs to reach the peer's protected subnets (removed by the
# kernel when lan0 goes down, so cl_return adds them again).
cl_node_routes() {
	ip -n "$1" route replace 10.0.2.0/24 via $CL_PEER dev lan0
	ip -n "$1" route replace 10.0.4.0/24 via $CL_PEER dev lan0
}

# cl_setup NODES: hub, peer, srv and nodes n1..nNODES (not yet on the HA link).
cl_setup() {
	local i n
	add_ns hub
	for n in br-lan br-in br-ha; do
		ip -n hub link add $n type bridge mcast_snooping 0
		ip -n hub link set $n up
	done

	add_ns peer
	ip -n peer addr add $CL_PEER_U/32 dev lo
	ip -n peer addr add $CL_PEER_E/32 dev lo
	if [ -n "$CL_NAT" ]; then
		cl_nat_setup
	else
		cl_plug peer lan0 br-lan
		ip -n peer addr add $CL_PEER/24 dev lan0
		ip -n peer route add 10.0.1.0/24 via $CL_VIP dev lan0
		ip -n peer route add 10.0.3.0/24 via $CL_VIP dev lan0
	fi

	add_ns srv
	cl_plug srv in0 br-in
	ip -n srv addr add $CL_SRV/24 dev in0
	ip -n srv addr add $CL_SRV_E/24 dev in0
	ip -n srv route add default via $CL_IN_VIP dev in0

	for i in $(seq 1 "$1"); do
		n=n$i
		add_ns "$n"
		CL_NODES+=("$n")
		cl_plug "$n" lan0 br-lan
		cl_plug "$n" in0 br-in
		cl_plug "$n" ha0 br-ha
		ip -n "$n" addr add "192.0.2.1$i/24" dev lan0
		ip -n "$n" addr add "10.0.1.1$i/24" dev in0
		ip -n "$n" addr add "10.0.3.1$i/24" dev in0
		ip -n "$n" addr add "198.51.100.$i/24" dev ha0
		ip netns exec "$n" sysctl -qw net.ipv4.ip_forward=1
		cl_node_routes "$n"
		CL_MAC[$n]=$(ip -n "$n" -br link show lan0 | awk '{print $3}')
		CL_IN_MAC[$n]=$(ip -n "$n" -br link show in0 | awk '{print $3}')
	done
	CL_MAC[peer]=$(ip -n "$CL_LAN_NS" -br link show lan0 | awk '{print $3}')
	for i in "${CL_SPI_OUT[@]}" "${CL_SPI_IN[@]}"; do
		CL_KEY[$i]=0x$(head -c 20 /dev/urandom | od -An -tx1 | tr -d ' \n')
	done
	trap cl_cleanup EXIT
}

# cl_nat_setup: the NAT box between the peer and the LAN (CL_NAT). Out to
# the LAN (lan0 egress): the peer's source address becomes CL_PEER, its
# source ports 500 and 4500 their CL_NAT_PORT. In from the LAN: the
# destination CL_PEER becomes the peer's address before routing (lan0
# ingress), then the translated ports their own again on the way to the
# peer (priv0 egress, where the UDP header's offset is known). act_nat
# mends the checksums for the addresses, act_csum the UDP checksum after a
# port change (one of 0, ESP in UDP's, is left as it is).
cl_nat_setup() {
	local p pub=$CL_PEER priv=$CL_PEER_OWN
	modprobe -a sch_ingress cls_flower act_nat act_pedit act_csum 2> /dev/null
	add_ns nat
	cl_plug nat lan0 br-lan
	ip -n nat addr add "$pub/24" dev lan0
	ip link add lan0 netns peer type veth peer name priv0 netns nat
	ip -n peer link set lan0 up
	ip -n nat link set priv0 up
	ip -n nat addr add "$CL_NAT_PRIV/24" dev priv0
	ip -n peer addr add "$priv/24" dev lan0
	ip -n peer route add default via "$CL_NAT_PRIV" dev lan0
	ip netns exec nat sysctl -qw net.ipv4.ip_forward=1
	{
		echo "qdisc add dev lan0 clsact"
		echo "qdisc add dev priv0 clsact"
		for p in "${!CL_NAT_PORT[@]}"; do
			echo "filter add dev lan0 egress prio 1 protocol ip flower ip_proto udp" \
				"src_ip $priv src_port $p action pedit ex munge udp sport set ${CL_NAT_PORT[$p]}" \
				"pipe action nat egress $priv/32 $pub pipe action csum ip and udp"
			echo "filter add dev priv0 egress prio 1 protocol ip flower ip_proto udp" \
				"dst_ip $priv dst_port ${CL_NAT_PORT[$p]} action pedit ex munge udp dport set $p" \
				"pipe action csum ip and udp"
		done
		echo "filter add dev lan0 egress prio 2 protocol ip flower src_ip $priv action nat egress $priv/32 $pub"
		echo "filter add dev lan0 ingress prio 1 protocol ip flower dst_ip $pub action nat ingress $pub/32 $priv"
	} | ip netns exec nat tc -batch -
}

# cl_start NODES [SETTINGS...]: the story most cluster tests begin with, as
# checks: the module, cl_setup NODES, every node on the HA link (and given
# SETTINGS, `node set SETTINGS` as it joins), IPsec up on n1 (the peer's SA
# pairs, n1 holds the VIP), ESP through every SA pair, and every other node
# mirroring n1's SAs and policies.
cl_start() {
	local nodes=$1 n i
	shift
	pp load_module
	cl_setup "$nodes"
	for i in $(seq 1 "$nodes"); do
		check "n$i joins the HA link${*:+, node set $*}" cl_join "n$i" "$@"
	done
	check "IKE on the peer and n1: 3 SA pairs and their policies; n1 holds the VIP" cl_ipsec_up n1
	check "ESP flows through every SA pair" wait_until 15 cl_flowing
	for i in $(seq 2 "$nodes"); do
		n=n$i
		check "$n mirrors the $CL_SAS SAs and $CL_POLICIES policies" wait_until 10 cl_holds_all "$n"
	done
}

# cl_join NODE [SETTINGS...]: NODE (nI) on the HA link with id I (and
# SETTINGS: more `node set` arguments) and the cluster key.
cl_join() {
	[ -e "$tmp/cluster.key" ] || ha "$1" key generate "$tmp/cluster.key" > /dev/null
	ha "$1" node set id "${1#n}" "${@:2}" &&
	ha "$1" link set dev ha0 group "$CL_GROUP" port "$CL_PORT" &&
	ha "$1" key set file "$tmp/cluster.key"
}

# cl_cut NODE: NODE loses its LAN, inside and HA links (it keeps running and
# keeps its addresses and SAs: a partition, or a node about to die).
cl_cut() {
	printf 'link set %s down\n' lan0 in0 ha0 | ip -n "$1" -batch -
	CL_CUT+=("$1")
}

# cl_return NODE: NODE's links come back, as they were.
cl_return() {
	printf 'link set %s up\n' lan0 in0 ha0 | ip -n "$1" -batch -
	cl_node_routes "$1"
	read -r -a CL_CUT <<< "$(printf '%s\n' "${CL_CUT[@]}" | grep -vx "$1" | tr '\n' ' ')"
}

cl_is_cut() { printf '%s\n' "${CL_CUT[@]}" | grep -qx "$1"; }

# cl_vip_add NODE: NODE takes the VIP (LAN and inside); the peer and srv
# are pointed at it explicitly (permanent neighbour entries).
cl_vip_add() {	# (three ip commands at once: every ms counts in the outage)
	local pids=()
	printf 'addr replace %s\n' "$CL_VIP/24 dev lan0" "$CL_IN_VIP/24 dev in0" | ip -n "$1" -batch - &
	pids+=($!)
	ip -n "$CL_LAN_NS" neigh replace $CL_VIP lladdr "${CL_MAC[$1]}" dev lan0 nud permanent &
	pids+=($!)
	ip -n srv neigh replace $CL_IN_VIP lladdr "${CL_IN_MAC[$1]}" dev in0 nud permanent &
	pids+=($!)
	wait "${pids[@]}"
	if command -v arping > /dev/null; then
		ip netns exec "$1" arping -q -U -c 1 -I lan0 $CL_VIP > /dev/null 2>&1 || true
	fi
	CL_VIP_NODE=$1
}

# cl_vip_del NODE: NODE gives the VIP up.
cl_vip_del() {
	ip -n "$1" addr del $CL_VIP/24 dev lan0 2> /dev/null
	ip -n "$1" addr del $CL_IN_VIP/24 dev in0 2> /dev/null
	return 0
}

# cl_vip_move TO: the holder (unless cut off) gives the VIP up, TO takes it.
cl_vip_move() {
	if [ -n "$CL_VIP_NODE" ] && [ "$CL_VIP_NODE" != "$1" ] && ! cl_is_cut "$CL_VIP_NODE"; then
		cl_vip_del "$CL_VIP_NODE"
	fi
	cl_vip_add "$1"
}

# --- SAs and policies -----------------------------------------------------

# cl_sa_args KIND out|in [SIDE]: the `ip xfrm state add` arguments of one SA
# (out: cluster->peer, in: peer->cluster). SIDE (node or peer) decides which
# end's view of the ESN counters is given: the sender's oseq, the receiver's seq.
cl_sa_args() {
	local kind=$1 dir=$2 side=${3:-node} spi src dst mode=tunnel rw=64 extra=() start
	if [ "$dir" = out ]; then
		spi=${CL_SPI_OUT[$kind]} src=$CL_VIP dst=$CL_PEER
	else
		spi=${CL_SPI_IN[$kind]} src=$CL_PEER dst=$CL_VIP
	fi
	[ "$kind" = T ] && mode=transport
	if [ "$kind" = E ]; then
		rw=128
		extra=(flag esn)
		start=$CL_ESN_START
		[ "$dir" = in ] && start=${CL_ESN_START_IN:-$CL_ESN_START}
		if { [ "$dir" = out ] && [ "$side" = node ]; } || { [ "$dir" = in ] && [ "$side" = peer ]; }; then
			extra+=(replay-oseq $((start & 0xffffffff)) replay-oseq-hi $((start >> 32)))
		else
			extra+=(replay-seq $((start & 0xffffffff)) replay-seq-hi $((start >> 32)))
		fi
	fi
	echo "src $src dst $dst proto esp spi $spi reqid $(cl_reqid "$kind") mode $mode" \
		"aead rfc4106(gcm(aes)) ${CL_KEY[$spi]} 128 replay-window $rw ${extra[*]}"
}

cl_reqid() { case $1 in T) echo 1 ;; U) echo 2 ;; E) echo 3 ;; esac; }

# cl_policy_lines SIDE KIND: `ip xfrm policy add` lines for one SA pair.
cl_policy_lines() {
	local side=$1 kind=$2 local_net remote_net l r reqid
	reqid=$(cl_reqid "$kind")
	if [ "$side" = peer ]; then l=$CL_PEER r=$CL_VIP; else l=$CL_VIP r=$CL_PEER; fi
	case $kind in
	T)
		echo "xfrm policy add src $l dst $r dir out tmpl src $l dst $r proto esp reqid $reqid mode transport"
		echo "xfrm policy add src $r dst $l dir in tmpl src $r dst $l proto esp reqid $reqid mode transport"
		return ;;
	U) if [ "$side" = peer ]; then local_net=10.0.2.0/24 remote_net=10.0.1.0/24; else local_net=10.0.1.0/24 remote_net=10.0.2.0/24; fi ;;
	E) if [ "$side" = peer ]; then local_net=10.0.4.0/24 remote_net=10.0.3.0/24; else local_net=10.0.3.0/24 remote_net=10.0.4.0/24; fi ;;
	esac
	echo "xfrm policy add src $local_net dst $remote_net dir out tmpl src $l dst $r proto esp reqid $reqid mode tunnel"
	echo "xfrm policy add src $remote_net dst $local_net dir in tmpl src $r dst $l proto esp reqid $reqid mode tunnel"
	[ "$side" = peer ] ||
		echo "xfrm policy add src $remote_net dst $local_net dir fwd tmpl src $r dst $l proto esp reqid $reqid mode tunnel"
}

# cl_ipsec_up NODE: what the IKE daemons of the peer and of NODE would
# install after negotiating: SAs and policies on both ends; NODE takes the VIP.
cl_ipsec_up() {
	local kind
	for kind in "${CL_KINDS[@]}"; do
		echo "xfrm state add $(cl_sa_args "$kind" out peer)"
		echo "xfrm state add $(cl_sa_args "$kind" in peer)"
		cl_policy_lines peer "$kind"
	done > "$tmp/peer.batch"
	for kind in "${CL_KINDS[@]}"; do
		echo "xfrm state add $(cl_sa_args "$kind" out node)"
		echo "xfrm state add $(cl_sa_args "$kind" in node)"
		cl_policy_lines node "$kind"
	done > "$tmp/node.batch"
	ip -n peer -batch "$tmp/peer.batch" && ip -n "$1" -batch "$tmp/node.batch" && cl_vip_move "$1"
}

# cl_xfrm_stats NS: one line per SA of NS's SAD:
#   spi src dst seq_hi seq oseq_hi oseq replay_window replay failed packets
# (seq/oseq from the replay state, decimal; the last four from `ip -s`).
cl_xfrm_stats() {
	ip -n "$1" -s xfrm state | awk '
		function hex(x,  i, v) {
			sub(/^0x/, "", x); v = 0
			for (i = 1; i <= length(x); i++) v = v * 16 + index("0123456789abcdef", tolower(substr(x, i, 1))) - 1
			return v
		}
		function out() {
			if (spi != "") printf "%s %s %s %.0f %.0f %.0f %.0f %.0f %.0f %.0f %.0f\n", spi, src, dst, sh, s, oh, o, rw, rp, f, pk
		}
		/^src / { out(); spi = ""; src = $2; dst = $4; sh = s = oh = o = 0; rw = rp = f = pk = 0; next }
		/proto .* spi / { for (i = 1; i <= NF; i++) if ($i == "spi") { spi = $(i + 1); sub(/\(.*/, "", spi) } }
		/seq-hi .*oseq/ { gsub(/,/, ""); for (i = 1; i < NF; i++) {
			if ($i == "seq-hi") sh = hex($(i + 1)); if ($i == "seq") s = hex($(i + 1))
			if ($i == "oseq-hi") oh = hex($(i + 1)); if ($i == "oseq") o = hex($(i + 1)) } }
		/^[ \t]*replay-window [0-9]+ replay [0-9]+ failed/ { rw = $2; rp = $4; f = $6 }
		/\(packets\)/ { for (i = 1; i <= NF; i++) if ($i ~ /\(packets\)/) { pk = $i; sub(/\(.*/, "", pk) } }
		END { out() }'
}

# cl_failures NS [SPI_PREFIX]: "REPLAY INTEGRITY" summed over NS's SAs
# (replay = replayed within the window + too old for the window).
cl_failures() {
	cl_xfrm_stats "$1" | awk -v p="${2:-}" 'index($1, p) == 1 { r += $8 + $9; f += $10 } END { print r + 0, f + 0 }'
}

# cl_failures_detail NS: the SAs of NS with replay or integrity failures.
cl_failures_detail() {
	cl_xfrm_stats "$1" | awk '$8 + $9 + $10 > 0 {
		printf "#   %s %s -> %s: replay-window %s replay %s failed %s (seq %.0f)\n", $1, $2, $3, $8, $9, $10, $4 * 4294967296 + $5 }'
}

# cl_check_peer_clean DESCRIPTION: a check that the peer counted no replay
# and no integrity failure on any SA (the SAs that did are shown).
cl_check_peer_clean() {
	check_eq "$1" "0 0" "$(cl_failures peer)"
	cl_failures_detail peer
}

# cl_xfrm_mib NS FIELD: a counter of /proc/net/xfrm_stat in NS (0 if absent).
cl_xfrm_mib() {
	# shellcheck disable=SC2016 # awk's own $1
	ip netns exec "$1" awk -v k="$2" '$1 == k { v = $2 } END { print v + 0 }' /proc/net/xfrm_stat 2> /dev/null || echo 0
}

# cl_sad_count NS SPI...: how many of these SPIs NS's SAD holds.
cl_sad_count() {
	local ns=$1
	shift
	cl_xfrm_stats "$ns" | awk -v l="$*" 'BEGIN { n = split(l, a, " "); for (i = 1; i <= n; i++) w[a[i]] = 1 } ($1 in w) { c++ } END { print c + 0 }'
}

# cl_spis: every SPI of the three pairs.
cl_spis() { echo "${CL_SPI_OUT[@]}" "${CL_SPI_IN[@]}"; }

# cl_ownership NS: "spi owner owner_epoch" per mirrored SA, sorted.
cl_ownership() {
	ha "$1" -j sa list | jq -r '.[] | "\(.spi) \(.owner) \(.owner_epoch)"' | sort
}

# cl_holds_all NODE: NODE mirrors all CL_SAS SAs and CL_POLICIES policies.
cl_holds_all() {
	[ "$(ha "$1" -j sa list | jq length)" = "$CL_SAS" ] &&
	[ "$(ha "$1" -j policy list | jq length)" = "$CL_POLICIES" ]
}

# cl_owned_by NODE N: NODE's mirror says node N owns all CL_SAS SAs.
cl_owned_by() {
	[ "$(ha "$1" -j sa list | jq --argjson n "$2" '[.[] | select(.owner == $n)] | length')" = "$CL_SAS" ]
}

# cl_synced NODE: NODE's mirror follows the owner's outbound counter of the
# transport SA (an oseq above 0).
cl_synced() {
	[ "$(ha "$1" -j sa list | jq --arg s "${CL_SPI_OUT[T]}" '.[] | select(.spi == $s) | .oseq // 0')" -gt 0 ]
}

# cl_epochs_up BEFORE NODE: the owner epoch of every SA in NODE's
# cl_ownership is above the one in BEFORE (an earlier cl_ownership).
cl_epochs_up() {
	join <(echo "$1") <(cl_ownership "$2") |
		awk -v n="$CL_SAS" '$5 > $3 { up++ } END { exit up != n }'
}

# cl_sent_on_all NODE JSON: the cl_analyse report JSON shows NODE sending
# on every cluster->peer SA.
cl_sent_on_all() {
	jq -e --arg t "${CL_SPI_OUT[T]}" --arg u "${CL_SPI_OUT[U]}" --arg e "${CL_SPI_OUT[E]}" \
		--arg n "$1" '[.spis[$t, $u, $e].senders[$n].packets // 0] | all(. > 0)' "$2" > /dev/null
}

# cl_promote NODE [ARGS...]: ipsec-ha -j promote on NODE; its JSON is kept
# in $tmp/promote-NODE.json, its start (ms since the epoch) in
# CL_PROMOTE_START and its wall time (ms) in CL_PROMOTE_MS.
cl_promote() {
	local t0 rc
	t0=$(cl_now)
	CL_PROMOTE_START=$t0
	cl_event_at "$t0" "$1: ipsec-ha promote ${*:2}"
	ha "$1" -j promote "${@:2}" > "$tmp/promote-$1.json" 2> "$tmp/promote-$1.err"
	rc=$?
	CL_PROMOTE_MS=$(( $(cl_now) - t0 ))
	if [ $rc = 0 ]; then
		cl_event "$1: promote returned"
	else
		cl_event "$1: promote failed ($rc): $(head -n 1 "$tmp/promote-$1.err")"
	fi
	return $rc
}
# cl_promoted NODE FIELD: a field of NODE's last promote report.
cl_promoted() { jq -r ".$2 // empty" "$tmp/promote-$1.json" 2> /dev/null; }
# cl_promote_summary NODE: that report in words.
cl_promote_summary() {
	[ -s "$tmp/promote-$1.json" ] || { head -n 3 "$tmp/promote-$1.err"; return; }
	jq -r '"\(.sas) SAs and \(.policies) policies installed, \(.failed) failed, in \(.usecs) us" +
		(if (.failures // []) != [] then "; failures: \(.failures | tostring)" else "" end)' \
		"$tmp/promote-$1.json"
}

# cl_takeover NODE [PROMOTE_ARGS...]: what a keepalived notify script does
# when NODE becomes master: the VIP moves to NODE while NODE promotes (both
# at once). The status of the promote.
cl_takeover() {
	local pid rc
	(cl_vip_move "$1" && cl_event "$1 holds the VIP") &
	pid=$!
	cl_promote "$@"
	rc=$?
	wait $pid
	CL_VIP_NODE=$1
	return $rc
}

# --- traffic --------------------------------------------------------------

# cl_bg NAME NS CMD...: run CMD in NS in the background, output in $tmp/NAME.log.
cl_bg() {
	ip netns exec "$2" "${@:3}" > "$tmp/$1.log" 2>&1 &
	CL_PIDS[$1]=$!
}

# cl_wait NAME: wait for a background job; its status.
cl_wait() {
	local pid=${CL_PIDS[$1]:-}
	[ -n "$pid" ] || return 1
	unset "CL_PIDS[$1]"
	wait "$pid"
}

# cl_stop NAME: end a background job (SIGINT first, as ^C would).
cl_stop() {
	local pid=${CL_PIDS[$1]:-} i
	[ -n "$pid" ] || return 0
	kill -INT "$pid" 2> /dev/null
	for i in $(seq 50); do
		kill -0 "$pid" 2> /dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2> /dev/null
	cl_wait "$1"
	return 0
}

# The three ping flows from the peer, one per SA pair.
declare -A CL_PING_SRC=([T]=$CL_PEER [U]=$CL_PEER_U [E]=$CL_PEER_E)
declare -A CL_PING_DST=([T]=$CL_VIP [U]=$CL_SRV [E]=$CL_SRV_E)

# cl_ping_start KIND INTERVAL SECONDS: ping through SA pair KIND from the peer.
cl_ping_start() {
	cl_bg "ping-$1" peer ping -q -n -i "$2" -w "$3" -I "${CL_PING_SRC[$1]}" "${CL_PING_DST[$1]}"
}
# cl_ping_wait KIND: wait for the ping to end (in this shell, not in
# $(...)); its counts go to CL_TX[KIND] and CL_RX[KIND].
declare -A CL_TX=() CL_RX=()
cl_ping_wait() {
	local tx rx
	cl_wait "ping-$1"	# (nothing to wait for after cl_stop)
	read -r tx rx < <(sed -n 's/^\([0-9]*\) packets transmitted, \([0-9]*\) \(packets \)\{0,1\}received.*/\1 \2/p' "$tmp/ping-$1.log")
	CL_TX[$1]=${tx:-0} CL_RX[$1]=${rx:-0}
}
# cl_ping_stop KIND: end the ping (it prints its counts on SIGINT).
cl_ping_stop() {
	cl_stop "ping-$1"
	cl_ping_wait "$1"
}
# cl_ping_once KIND: one echo through SA pair KIND answered within a second.
cl_ping_once() {
	ip netns exec peer ping -q -n -c 1 -W 1 -I "${CL_PING_SRC[$1]}" "${CL_PING_DST[$1]}" > /dev/null 2>&1
}
# cl_flowing: every SA pair of CL_KINDS answers a ping.
cl_flowing() {
	local kind
	for kind in "${CL_KINDS[@]}"; do
		cl_ping_once "$kind" || return 1
	done
}

# cl_iperf_start SECONDS RATE: a TCP stream from srv to the peer (10.0.2.1;
# the client runs on the peer, -R), through the tunnel SA pair U; JSON
# report in $tmp/iperf.log.
cl_iperf_start() {
	cl_bg iperf-server srv iperf3 -s -1 -B $CL_SRV
	wait_until 10 sh -c "ip netns exec srv ss -ltn | grep -q ':5201 '" || return 1
	cl_bg iperf peer iperf3 -c $CL_SRV -B $CL_PEER_U -R -t "$1" -b "$2" -J --connect-timeout 3000
}
# cl_iperf_wait [SINCE_MS]: end the stream (SIGINT: iperf3 still reports);
# CL_IPERF is "BYTES INTERVALS EMPTY_INTERVALS BYTES_SINCE" (bytes the peer
# received; 1 s intervals; BYTES_SINCE: in the intervals that started at
# or after SINCE_MS).
cl_iperf_wait() {
	cl_stop iperf
	cl_stop iperf-server
	CL_IPERF=$(jq -r --argjson since "${1:-0}" '(.start.timestamp.timesecs // 0) as $t0 |
		[.end.sum_received.bytes // 0,
		([.intervals[]?] | length),
		([.intervals[]?.sum.bytes | select(. == 0)] | length),
		([.intervals[]? | select(($t0 + .sum.start) * 1000 >= $since) | .sum.bytes] | add // 0)] |
		map(tostring) | join(" ")' "$tmp/iperf.log" 2> /dev/null)
	CL_IPERF=${CL_IPERF:-0 0 0 0}
}

# cl_traffic_start: a ping flow through each SA pair (every
# CL_PING_INTERVAL s) and an iperf3 TCP stream from srv to the peer
# (CL_IPERF_RATE) through the tunnel pair U, until cl_traffic_stop.
CL_PING_INTERVAL=${CL_PING_INTERVAL:-0.02}
CL_IPERF_RATE=${CL_IPERF_RATE:-1M}
cl_traffic_start() {
	local kind
	for kind in "${CL_KINDS[@]}"; do
		cl_ping_start "$kind" "$CL_PING_INTERVAL" 170
	done
	cl_iperf_start 170 "$CL_IPERF_RATE"
}
# cl_traffic_stop [SINCE_MS]: end all of it; the results as cl_ping_wait
# and cl_iperf_wait give them.
cl_traffic_stop() {
	local kind
	for kind in "${CL_KINDS[@]}"; do
		cl_ping_stop "$kind"
	done
	cl_iperf_wait "$@"
}

# --- capture and analysis -------------------------------------------------

# cl_capture_start NAME [SNAPLEN [FILTER]]: capture ESP (or what the pcap
# FILTER selects) on the peer's side of the LAN (lan0 of CL_LAN_NS) into
# $tmp/NAME.pcap (frames cut to SNAPLEN bytes, default 128: the headers).
cl_capture_start() {
	cl_bg "cap-$1" "$CL_LAN_NS" tcpdump -Z root -U -n -i lan0 -s "${2:-128}" -w "$tmp/$1.pcap" "${3:-esp}"
	wait_until 10 grep -q 'listening on' "$tmp/cap-$1.log"
}
# cl_capture_stop NAME: end the capture; its file is complete afterwards.
cl_capture_stop() {
	cl_stop "cap-$1"
	grep -E 'captured|dropped by kernel' "$tmp/cap-$1.log" | sed 's/^/# capture: /'
}

# cl_analyse [--cut MS] PCAP...: the capture, per SPI, as JSON (see cl_py).
cl_analyse() {
	local macs=() n
	for n in "${CL_NODES[@]}"; do macs+=(--mac "$n=${CL_MAC[$n]}"); done
	cl_py analyse --peer $CL_PEER "${macs[@]}" "$@"
}

# cl_replay PCAP SPI NODE [BEFORE_MS]: send again, from the peer's lan0,
# every frame of PCAP that the peer sent on SPI (before BEFORE_MS),
# addressed to NODE's MAC; prints the count.
cl_replay() {
	ip netns exec peer python3 - replay --peer $CL_PEER --spi "$2" --dst-mac "${CL_MAC[$3]}" \
		--iface lan0 ${4:+--before "$4"} "$1" < <(cl_py_src)
}

cl_py() { python3 - "$@" < <(cl_py_src); }

# The capture analyser and the replayer, in Python (stdlib only).
#
# analyse: reads pcap files (Ethernet, IPv4 ESP). For each SPI of packets
# sent to the peer (cluster->peer), it rebuilds the full sequence number
# (the 32 high bits of an ESN counter are not on the wire: the value nearest
# to the highest one seen so far wins) and counts every sequence number seen
# more than once ("reused"), whoever sent it (the sender is known by the
# source MAC), and those that arrive --window (64) or more behind the
# highest one seen before them ("late": a receiver with that replay window
# drops them, though nothing was reused). With --cut MS (a time on the same clock as the capture) it
# also gives, per SPI, the last packet before the cut and the first packet
# after it from another sender: the pause, the outage from the cut, and the
# jump in the sequence. Prints one JSON object:
#   {"packets": N, "reused": N, "outage_ms": X|null, "first_after_cut": {...},
#    "spis": {"0x...": {"dir": "to_peer"|"from_peer", "packets": N,
#             "reused": N, "reused_seqs": [...], "late": N, "min_seq": N, "max_seq": N,
#             "late_pkts": [{"ms", "sender", "seq", "ip_id", "top", "top_ms",
#                            "top_sender", "prev": {"ms", "seq", "ip_id"}}]
#             (the first 10 late packets, the highest one seen before each, and
#             the sender's packet on that SPI before it: an IP ID and sequence
#             number that follow it closely mean a packet held up on its way,
#             not one sent late),
#             "senders": {"n1": {"packets", "first_ms", "last_ms", "min_seq",
#                                "max_seq"}}, "around_cut": {...}}}}
# ESP in UDP (from or to port 4500, RFC 3948; a NAT may have changed the
# other port) counts as ESP.
#
# ike: reads the same pcap files and prints one JSON object per IKE message
# (UDP port 500, or 4500 after the non-ESP marker), in time order:
#   {"ms": X, "sender": "n2"|"peer"|MAC, "src": "ip:port", "dst": "ip:port",
#    "spi_i": "16 hex digits", "spi_r": "...", "exchange": N (34 IKE_SA_INIT,
#    35 IKE_AUTH, 36 CREATE_CHILD_SA, 37 INFORMATIONAL), "initiator": bool
#    (the original initiator's flag), "response": bool, "mid": N}
cl_py_src() {
	cat <<'PY'
import argparse, json, socket, struct, sys

def frames(path):
    with open(path, "rb") as f:
        hdr = f.read(24)
        if len(hdr) < 24:
            return
        magic = struct.unpack("<I", hdr[:4])[0]
        if magic in (0xa1b2c3d4, 0xa1b23c4d):
            e = "<"
        elif magic in (0xd4c3b2a1, 0x4d3cb2a1):
            e = ">"
        else:
            sys.exit("%s: not a pcap file" % path)
            return
        nano = magic in (0xa1b23c4d, 0x4d3cb2a1)
        link = struct.unpack(e + "I", hdr[20:24])[0]
        if link != 1:
            sys.exit("%s: link type %d, not Ethernet" % (path, link))
        while True:
            rh = f.read(16)
            if len(rh) < 16:
                return
            sec, frac, incl, _ = struct.unpack(e + "IIII", rh)
            data = f.read(incl)
            if len(data) < incl:
                return
            yield sec * 1000.0 + frac / (1e6 if nano else 1e3), data

def esp(data):
    """(src_mac, ip_src, ip_dst, spi, seq, ip_id) of an Ethernet/IPv4/ESP frame."""
    off, etype = 14, struct.unpack(">H", data[12:14])[0]
    while etype in (0x8100, 0x88a8):
        etype = struct.unpack(">H", data[off + 2:off + 4])[0]
        off += 4
    if etype != 0x0800 or len(data) < off + 20:
        return None
    ihl = (data[off] & 15) * 4
    l4 = off + ihl
    if data[off + 9] == 17 and len(data) >= l4 + 16 and \
            4500 in struct.unpack(">HH", data[l4:l4 + 4]) and \
            struct.unpack(">H", data[l4 + 4:l4 + 6])[0] >= 16 and \
            data[l4 + 8:l4 + 12] != b"\0\0\0\0":
        l4 += 8     # ESP in UDP: the ESP header follows the UDP header
    elif data[off + 9] != 50 or len(data) < l4 + 8:
        return None
    spi, seq = struct.unpack(">II", data[l4:l4 + 8])
    mac = ":".join("%02x" % b for b in data[6:12])
    return (mac, socket.inet_ntoa(data[off + 12:off + 16]),
            socket.inet_ntoa(data[off + 16:off + 20]), spi, seq,
            struct.unpack(">H", data[off + 4:off + 6])[0])

def analyse(a):
    names = {}
    for m in a.mac:
        n, mac = m.split("=", 1)
        names[mac.lower()] = n
    pkts = []
    for path in a.pcap:
        for ts, data in frames(path):
            p = esp(data)
            if p:
                pkts.append((ts,) + p)
    pkts.sort(key=lambda p: p[0])
    spis, total_reused = {}, 0
    for ts, mac, src, dst, spi, lo, ipid in pkts:
        key = "0x%08x" % spi
        s = spis.get(key)
        if s is None:
            s = spis[key] = {"dir": "to_peer" if dst == a.peer else
                             "from_peer" if src == a.peer else "other",
                             "packets": 0, "top": None, "seen": {}, "list": [], "prev": {}}
        # the full sequence number nearest to the highest seen so far
        if s["top"] is None:
            full = lo
        else:
            hi = s["top"] >> 32
            full = min(((h << 32) | lo for h in (hi - 1, hi, hi + 1) if h >= 0),
                       key=lambda v: abs(v - s["top"]))
        sender = names.get(mac, "peer" if src == a.peer else mac)
        if s["top"] is None or full > s["top"]:
            s["top"], s["top_by"] = full, (ts, sender)
        s["packets"] += 1
        if s["top"] - full >= a.window:
            s["late"] = s.get("late", 0) + 1
            if len(s.setdefault("late_pkts", [])) < 10:
                prev = s["prev"].get(sender)
                s["late_pkts"].append({"ms": ts, "sender": sender, "seq": full, "ip_id": ipid,
                                       "top": s["top"], "top_ms": s["top_by"][0],
                                       "top_sender": s["top_by"][1],
                                       "prev": prev and {"ms": prev[0], "seq": prev[1], "ip_id": prev[2]}})
        s["prev"][sender] = (ts, full, ipid)
        s["seen"].setdefault(full, []).append(sender)
        s["list"].append((ts, sender, full))
    out = {"packets": len(pkts), "reused": 0, "spis": {}}
    firsts = []
    for key, s in sorted(spis.items()):
        reused = {seq: who for seq, who in s["seen"].items() if len(who) > 1}
        n_reused = sum(len(w) - 1 for w in reused.values())
        senders = {}
        for ts, who, seq in s["list"]:
            d = senders.setdefault(who, {"packets": 0, "first_ms": ts, "last_ms": ts,
                                         "min_seq": seq, "max_seq": seq})
            d["packets"] += 1
            d["last_ms"] = ts
            d["min_seq"] = min(d["min_seq"], seq)
            d["max_seq"] = max(d["max_seq"], seq)
        r = {"dir": s["dir"], "packets": s["packets"], "reused": n_reused, "late": s.get("late", 0),
             "late_pkts": s.get("late_pkts", []),
             "reused_seqs": [[q, w] for q, w in sorted(reused.items())[:10]],
             "min_seq": min(s["seen"]), "max_seq": max(s["seen"]), "senders": senders}
        if a.cut is not None and s["dir"] == "to_peer":
            before = [p for p in s["list"] if p[0] <= a.cut]
            after = [p for p in s["list"] if p[0] > a.cut and
                     (not before or p[1] != before[-1][1])]
            c = {}
            if before:
                c["last_before"] = {"ms": before[-1][0], "sender": before[-1][1], "seq": before[-1][2]}
            if after:
                c["first_after"] = {"ms": after[0][0], "sender": after[0][1], "seq": after[0][2]}
                c["outage_ms"] = round(after[0][0] - a.cut, 1)
                firsts.append((after[0][0], key, after[0][1]))
            if before and after:
                c["pause_ms"] = round(after[0][0] - before[-1][0], 1)
                c["seq_jump"] = after[0][2] - before[-1][2]
            r["around_cut"] = c
        if s["dir"] == "to_peer":
            out["reused"] += n_reused
        out["spis"][key] = r
    if a.cut is not None:
        out["outage_ms"] = round(min(firsts)[0] - a.cut, 1) if firsts else None
        if firsts:
            f = min(firsts)
            out["first_after_cut"] = {"ms": f[0], "spi": f[1], "sender": f[2]}
    json.dump(out, sys.stdout)
    print()

def ike(a):
    names = {}
    for m in a.mac:
        n, mac = m.split("=", 1)
        names[mac.lower()] = n
    msgs = []
    for path in a.pcap:
        for ts, data in frames(path):
            off, etype = 14, struct.unpack(">H", data[12:14])[0]
            while etype in (0x8100, 0x88a8):
                etype = struct.unpack(">H", data[off + 2:off + 4])[0]
                off += 4
            if etype != 0x0800 or len(data) < off + 20 or data[off + 9] != 17:
                continue
            l4 = off + (data[off] & 15) * 4
            if len(data) < l4 + 8:
                continue
            sport, dport = struct.unpack(">HH", data[l4:l4 + 4])
            h = l4 + 8
            if 4500 in (sport, dport):
                if data[h:h + 4] != b"\0\0\0\0":
                    continue        # ESP in UDP, or a NAT-T keepalive
                h += 4
            elif 500 not in (sport, dport):
                continue
            if len(data) < h + 28:
                continue
            spi_i, spi_r = data[h:h + 8].hex(), data[h + 8:h + 16].hex()
            exch, flags = data[h + 18], data[h + 19]
            mid = struct.unpack(">I", data[h + 20:h + 24])[0]
            src = socket.inet_ntoa(data[off + 12:off + 16])
            dst = socket.inet_ntoa(data[off + 16:off + 20])
            mac = ":".join("%02x" % b for b in data[6:12])
            msgs.append({"ms": ts, "sender": names.get(mac, "peer" if src == a.peer else mac),
                         "src": "%s:%d" % (src, sport), "dst": "%s:%d" % (dst, dport),
                         "spi_i": spi_i, "spi_r": spi_r, "exchange": exch,
                         "initiator": bool(flags & 0x08), "response": bool(flags & 0x20),
                         "mid": mid})
    msgs.sort(key=lambda m: m["ms"])
    for m in msgs:
        print(json.dumps(m))

def replay(a):
    spi = int(a.spi, 16)
    dst = bytes.fromhex(a.dst_mac.replace(":", ""))
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    sock.bind((a.iface, 0))
    n = 0
    for path in a.pcap:
        for ts, data in frames(path):
            p = esp(data)
            if a.before is not None and ts >= a.before:
                continue
            if p and p[1] == a.peer and p[3] == spi:
                sock.send(dst + data[6:])
                n += 1
    print(n)

ap = argparse.ArgumentParser()
sub = ap.add_subparsers(dest="cmd", required=True)
p = sub.add_parser("analyse")
p.add_argument("--peer", required=True)
p.add_argument("--mac", action="append", default=[])
p.add_argument("--cut", type=float)
p.add_argument("--window", type=int, default=64)
p.add_argument("pcap", nargs="+")
p.set_defaults(fn=analyse)
p = sub.add_parser("ike")
p.add_argument("--peer", required=True)
p.add_argument("--mac", action="append", default=[])
p.add_argument("pcap", nargs="+")
p.set_defaults(fn=ike)
p = sub.add_parser("replay")
p.add_argument("--peer", required=True)
p.add_argument("--spi", required=True)
p.add_argument("--dst-mac", required=True)
p.add_argument("--iface", required=True)
p.add_argument("--before", type=float)
p.add_argument("pcap", nargs="+")
p.set_defaults(fn=replay)
a = ap.parse_args()
a.fn(a)
PY
}

# cl_esp_verdicts CUT NODE BEFORE: the capture "main" stops, is analysed
# from CUT into $tmp/cut.json and reported; then the checks of every
# takeover: NODE sent on every cluster->peer SA, no sequence number twice,
# the peer clean, and every owner epoch in NODE's view above BEFORE (an
# earlier cl_ownership).
cl_esp_verdicts() {
	cl_capture_stop main
	cl_analyse --cut "$1" "$tmp/main.pcap" > "$tmp/cut.json"
	cl_report "$tmp/cut.json"
	check "$2 sent on every cluster->peer SA" cl_sent_on_all "$2" "$tmp/cut.json"
	check_eq "no sequence number sent twice on any SA (capture on the peer)" 0 \
		"$(jq .reused "$tmp/cut.json")"
	cl_check_peer_clean "the peer counted no replay and no integrity failure"
	check "the owner epoch of every SA rose" cl_epochs_up "$3" "$2"
}

# cl_report ANALYSIS: the analyser's findings, as TAP comments.
cl_report() {
	jq -r '.spis | to_entries[] | select(.value.dir == "to_peer") | .key as $spi | .value |
		"# \($spi): \(.packets) packets (" +
		([.senders | to_entries[] | "\(.key) \(.value.packets)"] | join(", ")) +
		"), seq \(.min_seq)..\(.max_seq), reused \(.reused)" +
		(if .late > 0 then ", \(.late) late by 64 or more" else "" end) +
		(if .around_cut.first_after then
			"; last before the cut #\(.around_cut.last_before.seq // "-") from \(.around_cut.last_before.sender // "-")" +
			", first after #\(.around_cut.first_after.seq) from \(.around_cut.first_after.sender)" +
			" (+\(.around_cut.seq_jump // "?"), \(.around_cut.outage_ms) ms after the cut)"
		else "" end) +
		(if .reused > 0 then "; reused: \(.reused_seqs | map("#\(.[0]) by \(.[1] | join("+"))") | join(", "))" else "" end)' "$1"
}

# --- set-up checks and cleanup -------------------------------------------

# cl_require: what the cluster tests need besides lib.sh's require.
cl_require() {
	local c
	for c in python3 tcpdump iperf3 ping ${CL_NAT:+tc}; do
		command -v "$c" > /dev/null || { echo "# SKIP: $c missing"; exit "$ksft_skip"; }
	done
}

cl_cleanup() {
	local name pid
	for name in "${!CL_PIDS[@]}"; do
		pid=${CL_PIDS[$name]}
		kill -KILL "$pid" 2> /dev/null && wait "$pid" 2> /dev/null
	done
	cleanup
}

# --- several sessions, several topologies --------------------------------

# cl_teardown: ends the background jobs and deletes every namespace, keeping
# $tmp and the cluster key, so that a test can build a second topology with
# cl_setup.
cl_teardown() {
	local name pid ns
	for name in "${!CL_PIDS[@]}"; do
		pid=${CL_PIDS[$name]}
		kill -KILL "$pid" 2> /dev/null && wait "$pid" 2> /dev/null
		unset "CL_PIDS[$name]"
	done
	for ns in "${namespaces[@]}"; do
		ip netns del "$ns" 2> /dev/null
	done
	namespaces=() CL_NODES=() CL_CUT=() CL_VIP_NODE=
	CL_MAC=() CL_IN_MAC=()
	rm -f "$tmp/timeline"
}

# cl_keys SPI...: a random AEAD key in CL_KEY for each SPI that has none
# (in this shell: not from $(...)).
cl_keys() {	# (one read of /dev/urandom for all: forks are slow in a guest)
	local spi hex i=0
	hex=$(od -An -tx1 -v -N $((20 * $#)) /dev/urandom | tr -d ' \n')
	for spi in "$@"; do
		[ -n "${CL_KEY[$spi]:-}" ] || CL_KEY[$spi]=0x${hex:$((40 * i)):40}
		i=$((i + 1))
	done
}

# cl_pair_states A B SPI_AB SPI_BA REQID: `ip -batch` lines for a
# transport-mode AES-GCM SA pair between addresses A and B (SPI_AB carries
# A->B); the same lines on both ends. The keys come from CL_KEY (cl_keys).
cl_pair_states() {
	local spi src dst
	for spi in "$3" "$4"; do
		if [ "$spi" = "$3" ]; then src=$1 dst=$2; else src=$2 dst=$1; fi
		echo "xfrm state add src $src dst $dst proto esp spi $spi reqid $5 mode transport" \
			"aead rfc4106(gcm(aes)) ${CL_KEY[$spi]} 128 replay-window 64"
	done
}

# cl_pair_policies LOCAL REMOTE REQID: `ip -batch` lines for LOCAL's out and
# in policies of the transport-mode SA pair with REMOTE.
cl_pair_policies() {
	echo "xfrm policy add src $1 dst $2 dir out tmpl src $1 dst $2 proto esp reqid $3 mode transport"
	echo "xfrm policy add src $2 dst $1 dir in tmpl src $2 dst $1 proto esp reqid $3 mode transport"
}

# cl_ownership_of NS SPI...: the lines of cl_ownership NS for these SPIs.
cl_ownership_of() {
	local ns=$1
	shift
	cl_ownership "$ns" | awk -v l="$*" 'BEGIN { n = split(l, a, " "); for (i = 1; i <= n; i++) w[a[i]] = 1 } ($1 in w)'
}

# cl_esp_gaps PCAP FROM_MS TO_MS: per SPI seen in PCAP between FROM and TO
# (ms since the epoch), "SPI PACKETS MAX_GAP_MS": the longest time without
# a packet on it in that span, its ends included. How steadily each SA
# carried traffic.
cl_esp_gaps() {
	tcpdump -r "$1" -n -tt esp 2> /dev/null | awk -v from="$2" -v to="$3" '
		{ t = $1 * 1000; if (t < from || t > to) next
		  if (!match($0, /spi=0x[0-9a-f]+/)) next
		  s = substr($0, RSTART + 4, RLENGTH - 4)
		  g = t - (s in last ? last[s] : from); if (g > gap[s]) gap[s] = g
		  last[s] = t; n[s]++ }
		END { for (s in n) { g = to - last[s]; if (g > gap[s]) gap[s] = g
		      printf "%s %d %d\n", s, n[s], gap[s] } }' | sort
}
