#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A rolling upgrade: one cluster whose two nodes run different kernels, in
# two guests (tools/kernels/check-mixed.sh boots them and joins them with
# three virtual cables: the HA link, the LAN and the inside network). Not a
# single-guest test, so not in TEST_PROGS.
#
#   guest A (the older kernel, 6.1): "controller"
#     hub: br-ha, br-lan, br-in, each with one of the guest's network cards
#     peer (the IPsec peer, captures ESP), srv (inside), n1 (node 1)
#   guest B (the newer kernel, 7.x): "agent"
#     n2 (node 2): ha0, lan0 and in0 are the guest's three network cards
#
#   peer 192.0.2.100 -- br-lan -- n1 .11 | card ~~ card | lan0 n2 .12
#   srv 10.0.1.10    -- br-in  -- n1     | card ~~ card | in0  n2
#                       br-ha  -- n1 .1  | card ~~ card | ha0  n2 .2
#   (addresses as in cluster_lib.sh, whose topology, SA pairs, traffic and
#   capture analysis this reuses; n2 is the node that cluster_lib.sh would
#   have made in the same guest)
#
# The controller runs the story and prints the TAP lines; the agent runs
# what the controller asks for on n2 and prints nothing of its own. They
# talk through files in a directory both guests see (DIR, under the
# repository): the agent writes DIR/agent.ready, then executes each
# DIR/req.X it finds (bash, in its own shell, where lib.sh and
# cluster_lib.sh are loaded), its stdout in DIR/out.X, stderr in DIR/err.X
# and exit status in DIR/rc.X; DIR/quit ends it.
#
# The story, a takeover in each direction and back:
#  1. SAs made on the 6.1 node (n1, cl_ipsec_up: the three pairs of
#     cluster_lib.sh), mirrored on the 7.x node; n1 is cut off under
#     traffic and n2 (7.x) takes over.
#  2. The IKE daemon on n2 rekeys every pair the way strongSwan 6 installs
#     SAs on a kernel with SA directions: XFRMA_SA_DIR in or out on every
#     SA, replay window 0 on the outbound ones, the ESN pair too (which a
#     6.1 kernel refuses as such). n1 mirrors them, shows the direction it
#     cannot give its own SAs, and what it could not install (a per-CPU
#     SA: a field of the record that its kernel does not have). n2 is cut
#     off and n1 (6.1) takes over.
#  3. n1 is cut off in turn: n2 takes the SAs it made back, with the
#     counters the 6.1 node moved on.
# Each takeover gets the verdict of every takeover test (cl_esp_verdicts):
# the new owner sends on every SA, no (SPI, sequence number) twice in the
# peer's capture, no replay or integrity failure on the peer, owner epochs
# up.
#
#   mixed_node.sh controller DIR HA_MAC LAN_MAC IN_MAC
#   mixed_node.sh agent DIR HA_MAC LAN_MAC IN_MAC
# (the MACs: this guest's network cards, given by the host)

# Helper functions run through check, wait_until and the agent:
# shellcheck disable=SC2317
# shellcheck source=selftests/cluster_lib.sh
source "$(dirname "$0")/cluster_lib.sh"

role=${1:-}
DIR=${2:-}
MACS=("${3:-}" "${4:-}" "${5:-}")
if [ -z "$role" ] || [ ! -d "$DIR" ] || [ -z "${MACS[2]}" ]; then
	sed -n 's/^#   mixed_node/mixed_node/p' "$0" >&2
	exit 2
fi

# The ESN pairs' counters start 100 below 2^32 (those of the pairs made in
# step 2 too): they cross it during the takeover rounds.
CL_ESN_START=$(( (1 << 32) - 100 ))
CL_PING_INTERVAL=0.05
POST=2		# seconds of traffic after every SA pair answers again
REMOTE=n2	# the node in the other guest
MX_ROUND=0

# nap SECONDS: sleep without a fork (a fork costs a lot under TCG).
nap_fifo=$tmp/nap
mkfifo "$nap_fifo"
nap() { read -r -t "$1" <> "$nap_fifo"; }

# dev_of MAC: the network card with that address.
dev_of() {
	ip -br link | awk -v m="$1" 'tolower($3) == tolower(m) { print $1; exit }'
}
# cards_up: virtio_net loaded and the three cards there.
cards_present() {
	local m
	for m in "${MACS[@]}"; do
		[ -n "$(dev_of "$m")" ] || return 1
	done
}
cards_up() {
	modprobe virtio_net || return 1
	wait_until 10 cards_present
}

# ------------------------------------------------------------ the agent

agent() {
	local f id rc idle=0 names=(ha0 lan0 in0) i dev
	MX_AGENT=1
	require
	cards_up || { echo "agent: network cards missing" > "$DIR/agent.failed"; exit 1; }
	load_module || { echo "agent: cannot load $KO" > "$DIR/agent.failed"; exit 1; }
	add_ns n2
	CL_NODES=(n2)
	for i in 0 1 2; do
		dev=$(dev_of "${MACS[$i]}")
		ip link set "$dev" down
		ip link set "$dev" name "${names[$i]}"
		ip link set "${names[$i]}" netns n2
		ip -n n2 link set "${names[$i]}" up
	done
	ip -n n2 addr add 192.0.2.12/24 dev lan0
	ip -n n2 addr add 10.0.1.12/24 dev in0
	ip -n n2 addr add 10.0.3.12/24 dev in0
	ip -n n2 addr add 198.51.100.2/24 dev ha0
	ip netns exec n2 sysctl -qw net.ipv4.ip_forward=1
	cl_node_routes n2
	{
		echo "A_KVER=$(uname -r)"
		echo "A_MAC_LAN=${MACS[1]}"
		echo "A_MAC_IN=${MACS[2]}"
		echo "A_IPROUTE='$(ip -V)'"
	} > "$DIR/.agent.ready" && mv "$DIR/.agent.ready" "$DIR/agent.ready"

	# Requests, until DIR/quit or 300 s without one (the controller died).
	while [ ! -e "$DIR/quit" ]; do
		for f in "$DIR"/req.*; do
			[ -e "$f" ] || continue
			id=${f##*/req.}
			mv "$f" "$DIR/run.$id" || continue
			# shellcheck disable=SC1090 # the controller's command
			{ . "$DIR/run.$id"; } > "$DIR/out.$id" 2> "$DIR/err.$id" < /dev/null
			rc=$?
			echo "$rc" > "$DIR/.rc.$id" && mv "$DIR/.rc.$id" "$DIR/rc.$id"
			idle=0
		done
		nap 0.02
		idle=$((idle + 1))
		[ $idle -lt 15000 ] || { echo "agent: no request for 300 s" >&2; return 1; }
	done
	return 0
}

# Node-side steps, which the controller has the agent run for n2.

# mx_join NODE KEYFILE: NODE on the HA link with the cluster key.
mx_join() {
	ha "$1" node set id "${1#n}" &&
		ha "$1" link set dev ha0 group "$CL_GROUP" port "$CL_PORT" &&
		ha "$1" key set file "$2"
}

# mx_node_takeover NODE: the node's half of a takeover: the VIP on its
# lan0 and in0, and promote (its JSON on stdout).
mx_node_takeover() {
	local pid
	printf 'addr replace %s\n' "$CL_VIP/24 dev lan0" "$CL_IN_VIP/24 dev in0" | ip -n "$1" -batch - &
	pid=$!
	ha "$1" -j promote
	local rc=$?
	wait $pid
	if command -v arping > /dev/null; then
		ip netns exec "$1" arping -q -U -c 1 -I lan0 $CL_VIP > /dev/null 2>&1 || true
	fi
	return $rc
}

# ------------------------------------------------------------ the controller

# rexec SHELL-TEXT: run it on the agent; its stdout and stderr here, its
# status returned (255: no answer within 90 s).
rexec() {
	local id t
	id=$BASHPID.$RANDOM.$RANDOM
	printf '%s\n' "$*" > "$DIR/.req.$id" && mv "$DIR/.req.$id" "$DIR/req.$id" || return 255
	t=$SECONDS
	until [ -e "$DIR/rc.$id" ]; do
		if [ $((SECONDS - t)) -ge 90 ] || [ -e "$DIR/agent.failed" ]; then
			echo "# the agent did not answer within 90 s: $*" >&2
			return 255
		fi
		nap 0.01
	done
	cat "$DIR/out.$id"
	cat "$DIR/err.$id" >&2
	return "$(cat "$DIR/rc.$id")"
}

# on NODE CMD...: CMD where NODE lives (here, or the agent's guest).
on() {
	local node=$1
	shift
	if [ "$node" = "$REMOTE" ] && [ -z "${MX_AGENT:-}" ]; then
		rexec "$(printf '%q ' "$@")"
	else
		"$@"
	fi
}

# The tool in NODE's namespace, wherever NODE lives (lib.sh's ha, for
# both guests: cluster_lib.sh's helpers call it for any node).
ha() {
	local ns=$1
	shift
	if [ "$ns" = "$REMOTE" ] && [ -z "${MX_AGENT:-}" ]; then
		rexec "$(printf '%q ' ha "$ns" "$@")"
	else
		ip netns exec "$ns" "$IPSEC_HA" "$@"
	fi
}

# mx_cut NODE / mx_return NODE: cl_cut and cl_return wherever NODE lives.
mx_cut() {
	if [ "$1" = "$REMOTE" ]; then
		on "$1" cl_cut "$1"
		CL_CUT+=("$1")
	else
		cl_cut "$1"
	fi
}
mx_return() {
	if [ "$1" = "$REMOTE" ]; then
		on "$1" cl_return "$1"
		read -r -a CL_CUT <<< "$(printf '%s\n' "${CL_CUT[@]}" | grep -vx "$1" | tr '\n' ' ')"
	else
		cl_return "$1"
	fi
}

# mx_takeover NODE: cl_takeover for either node: NODE promotes and takes the
# VIP while the peer's and srv's neighbour entries move to it. Its promote
# report lands in $tmp/promote-NODE.json, as cl_promote leaves it.
mx_takeover() {
	local pids=() rc t0
	if [ "$1" != "$REMOTE" ]; then
		cl_takeover "$1"
		return
	fi
	t0=$(cl_now)
	CL_PROMOTE_START=$t0
	cl_event_at "$t0" "$1: ipsec-ha promote (through the agent)"
	ip -n "$CL_LAN_NS" neigh replace $CL_VIP lladdr "${CL_MAC[$1]}" dev lan0 nud permanent &
	pids+=($!)
	ip -n srv neigh replace $CL_IN_VIP lladdr "${CL_IN_MAC[$1]}" dev in0 nud permanent &
	pids+=($!)
	on "$1" mx_node_takeover "$1" > "$tmp/promote-$1.json" 2> "$tmp/promote-$1.err"
	rc=$?
	CL_PROMOTE_MS=$(( $(cl_now) - t0 ))
	wait "${pids[@]}"
	cl_event "$1: promote returned ($rc)"
	CL_VIP_NODE=$1
	return $rc
}

# mx_sa NODE SPI: NODE's mirror of that SA, as JSON.
mx_sa() { ha "$1" -j sa list | jq -c --arg s "$2" '.[] | select(.spi == $s)'; }
# mx_sa_gone NODE SPI: NODE mirrors no SA of that SPI.
mx_sa_gone() { [ -z "$(mx_sa "$1" "$2")" ]; }
# mx_sa_gone_all SPI: neither node mirrors it.
mx_sa_gone_all() { mx_sa_gone n1 "$1" && mx_sa_gone n2 "$1"; }
# mx_sa_is NODE SPI JQ: NODE's mirror of that SA satisfies JQ.
mx_sa_is() { mx_sa "$1" "$2" | jq -e "$3" > /dev/null; }
# mx_sad NODE SPI: the SA of that SPI, cluster -> peer, in NODE's SAD
# (`ip xfrm state get`), on one line.
mx_sad() {
	on "$1" ip -n "$1" xfrm state get src $CL_VIP dst $CL_PEER proto esp spi "$2" | tr '\n\t' '  '
	echo
}
# mx_sad_has NODE SPI REGEX...: that SA's line matches every REGEX.
mx_sad_has() {
	local line re
	line=$(mx_sad "$1" "$2")
	shift 2
	for re in "$@"; do
		grep -q -E -- "$re" <<< "$line" || { echo "no /$re/ in: $line"; return 1; }
	done
}
# mx_sad_brief NODE SPI: what of it differs between kernels.
mx_sad_brief() {
	mx_sad "$1" "$2" | grep -o -E 'replay-window [0-9]+|flag [a-z0-9 -]+|dir [a-z]+' | tr '\n' ' '
}

# mx_round FROM TO WHAT: traffic through the three pairs, FROM (the owner)
# cut off in the middle of it, TO takes over; the peer's verdict.
mx_round() {
	local from=$1 to=$2 what=$3 before cut rc kind k2 k1
	k1=$(on "$from" uname -r) k2=$(on "$to" uname -r)
	echo "# --- $what: $from ($k1) cut off, $to ($k2) takes over"
	check "$to mirrors the 6 SAs and 8 policies" wait_until 20 cl_holds_all "$to"
	check "capture on the peer's LAN port" cl_capture_start main
	for kind in "${CL_KINDS[@]}"; do
		cl_ping_start "$kind" "$CL_PING_INTERVAL" 120
	done
	check "$to's mirror follows $from's outbound counters" wait_until 20 cl_synced "$to"
	nap 1
	before=$(cl_ownership "$to")
	cut=$(cl_now)
	mx_cut "$from"
	cl_event_at "$cut" "$from cut off"
	mx_takeover "$to"
	rc=$?
	check_eq "promote on $to ($k2) succeeds" 0 $rc
	echo "# $to's promote: $(cl_promote_summary "$to"); $CL_PROMOTE_MS ms for the command"
	check_eq "promote installed the 6 SAs" $CL_SAS "$(cl_promoted "$to" sas)"
	check_eq "promote installed the 8 policies" $CL_POLICIES "$(cl_promoted "$to" policies)"
	check_eq "promote reported no failure" 0 "$(cl_promoted "$to" failed)"
	check "traffic flows again through every SA pair" wait_until 20 cl_flowing
	nap $POST
	for kind in "${CL_KINDS[@]}"; do
		cl_ping_stop "$kind"
		echo "# ping $kind: ${CL_TX[$kind]} sent, ${CL_RX[$kind]} answered"
	done
	cl_esp_verdicts "$cut" "$to" "$before"
	echo "# outage: first packet from $to $(jq .outage_ms "$tmp/cut.json") ms after the cut"
	MX_ROUND=$((MX_ROUND + 1))
	cp "$tmp/main.pcap" "$tmp/round-$MX_ROUND.pcap"
	check "$to owns all 6 SAs now" cl_owned_by "$to" "${to#n}"
}

# mx_rejoin NODE OWNER: NODE's links come back; it gives the VIP up and
# learns that OWNER owns the SAs.
mx_rejoin() {
	mx_return "$1"
	on "$1" cl_vip_del "$1"
	check "$1 is back and learns that $2 owns the SAs" wait_until 20 cl_owned_by "$1" "${2#n}"
}

# future_sa_hex: an SA record (wire-protocol.md 2.6) as a later version
# would send it, in hex: ref 9/1, owner 9, IPv4 ESP tunnel, dir out, ESN,
# replay window 0, 192.0.2.200 -> 192.0.2.100 SPI 0xc6000001 reqid 9; an
# AEAD sub-TLV (OTHER: rfc4106(gcm(aes)), ICV 128, 20-byte key), then the
# sub-TLV 0x7e of 4 bytes that no version defines yet.
future_sa_hex() {
	local name key core aead extra
	name=$(printf 'rfc4106(gcm(aes))' | od -An -tx1 | tr -d ' \n')
	key=$(head -c 20 /dev/urandom | od -An -tx1 | tr -d ' \n')
	core=0009000000010009000002320180020100000000c0000264c00002c8c600000100000009
	core+=00000000$(printf '%048x' 0)
	aead=01$(printf '%02x' $((4 + 20 + ${#name} / 2)))ff008014$key$name
	extra=7e04deadbeef
	printf '81%04x%s%s%s\n' $(((${#core} + ${#aead} + ${#extra}) / 2)) "$core" "$aead" "$extra"
}

# strongswan6_batch: the `ip -batch` lines of the three pairs as strongSwan
# 6 installs them where the kernel has SA directions: dir on every SA,
# replay window 0 on the outbound ones (ESN included).
strongswan6_batch() {
	local kind
	for kind in "${CL_KINDS[@]}"; do
		echo "xfrm state add $(cl_sa_args "$kind" out node | sed 's/replay-window [0-9]*/replay-window 0/') dir out"
		echo "xfrm state add $(cl_sa_args "$kind" in node) dir in"
	done
}

controller() {
	local i dev brs=(br-ha br-lan br-in) spi e_out old_spis
	require
	cl_require
	for i in "$sdir/xfrm_sa" "$INJECT"; do
		[ -x "$i" ] || { echo "# SKIP: $i not built (make -C selftests)"; exit "$ksft_skip"; }
	done
	pp load_module
	check "network cards of this guest" cards_up
	cl_setup 1
	# (after cl_setup's trap) the agent ends with the controller
	trap ': > "$DIR/quit"; cl_cleanup' EXIT
	for i in 0 1 2; do
		dev=$(dev_of "${MACS[$i]}")
		ip link set "$dev" netns hub
		ip -n hub link set "$dev" master "${brs[$i]}" up
	done
	agent_up() { [ -e "$DIR/agent.ready" ] || [ -e "$DIR/agent.failed" ]; }
	if ! wait_until 120 agent_up || [ ! -e "$DIR/agent.ready" ]; then
		not_ok "the agent (n2) is ready in the other guest"
		sed 's/^/# /' "$DIR/agent.failed" 2> /dev/null
		finish
	fi
	# shellcheck disable=SC1091
	. "$DIR/agent.ready"
	ok "the agent (n2) is ready in the other guest"
	CL_NODES+=(n2)
	CL_MAC[n2]=$A_MAC_LAN
	CL_IN_MAC[n2]=$A_MAC_IN
	echo "# n1: $(uname -r), $(ip -V); n2: $A_KVER, $A_IPROUTE"
	check "n1 reaches n2 over the HA link" ip netns exec n1 ping -q -c 1 -W 5 198.51.100.2
	check "the peer reaches n2 over the LAN" ip netns exec peer ping -q -c 1 -W 5 192.0.2.12
	check "srv reaches n2 on the inside network" ip netns exec srv ping -q -c 1 -W 5 10.0.1.12

	# The trap: this kernel has no SA direction and refuses an ESN SA
	# without replay window, the outbound SA strongSwan 6 makes on 7.x.
	add_ns probe
	check_err "n1's kernel ($(uname -r)) itself refuses an outbound ESN SA with replay window 0" \
		'.' ip netns exec probe "$sdir/xfrm_sa" add 192.0.2.1 192.0.2.100 0x77 dir out esn replay 0
	ip netns del probe

	check "n1 (6.1) joins the HA link" cl_join n1
	install -m 0600 "$tmp/cluster.key" "$DIR/cluster.key"
	check "n2 (7.x) joins the HA link" on n2 mx_join n2 "$DIR/cluster.key"
	check "n1 and n2 hear each other" wait_until 20 peer_in_sync n1 2
	check "n2 hears n1" wait_until 20 peer_in_sync n2 1

	# A field that no node knows: node 9 (ha_inject, from this guest) sends
	# an SA record carrying a sub-TLV of a later version of the protocol.
	# Both nodes skip the field and mirror the SA; node 9 deletes it again.
	add_ns inj
	cl_plug inj ha0 br-ha
	ip -n inj addr add 198.51.100.9/24 dev ha0
	inj_epoch=$(date +%s%N)
	inj_seq=0
	inject() {
		inj_seq=$((inj_seq + 1))
		ip netns exec inj "$INJECT" -k "$tmp/cluster.key" -i ha0 -g "$CL_GROUP" -p "$CL_PORT" \
			-n 9 -e "$inj_epoch" -s "$inj_seq" "$@" | sed 's/^/# inject: /'
	}
	mal1=$(stat_or0 n1 drop_malformed) mal2=$(stat_or0 n2 drop_malformed)
	inject "raw:$(future_sa_hex)"
	check "n1 (6.1) mirrors node 9's SA and skips the sub-TLV 0x7e it does not know" \
		wait_until 20 mx_sa_is n1 0xc6000001 '.origin == 9 and .dir == "out" and .esn'
	check "n2 (7.x) too" wait_until 20 mx_sa_is n2 0xc6000001 '.origin == 9 and .dir == "out" and .esn'
	check_eq "neither node counted a malformed record" "$mal1 $mal2" \
		"$(stat_or0 n1 drop_malformed) $(stat_or0 n2 drop_malformed)"
	inject sa-del:9/1
	check "both drop it when node 9 deletes it" \
		wait_until 20 mx_sa_gone_all 0xc6000001

	# 1. SAs made on the 6.1 node, taken over by the 7.x node.
	check "IKE on the peer and n1 (6.1): 3 SA pairs and their policies; n1 holds the VIP" \
		cl_ipsec_up n1
	check "ESP flows through every SA pair" wait_until 20 cl_flowing
	check "n2 (7.x) mirrors the SAs n1 made" wait_until 20 cl_holds_all n2
	echo "# n2's mirror of n1's ESN SA: $(mx_sa n2 "${CL_SPI_OUT[E]}" | jq -c '{dir, dir_inferred, esn, replay_window}')"
	mx_round n1 n2 "6.1 -> 7.x"
	mx_rejoin n1 n2

	# 2. n2 rekeys every pair as strongSwan 6 would: new SPIs, the old SAs
	# deleted; the policies stay.
	echo "# --- SAs made on the 7.x node as strongSwan 6 makes them"
	old_spis=$(cl_spis)
	for i in T U E; do
		CL_SPI_OUT[$i]=0xc300000${CL_SPI_OUT[$i]: -1}
		CL_SPI_IN[$i]=0xc400000${CL_SPI_IN[$i]: -1}
	done
	for spi in $(cl_spis); do
		CL_KEY[$spi]=0x$(head -c 20 /dev/urandom | od -An -tx1 | tr -d ' \n')
	done
	for i in "${CL_KINDS[@]}"; do
		echo "xfrm state add $(cl_sa_args "$i" out peer)"
		echo "xfrm state add $(cl_sa_args "$i" in peer)"
	done > "$tmp/peer-rekey.batch"
	strongswan6_batch > "$DIR/n2-rekey.batch"
	check "the peer installs the new SAs" ip -n peer -batch "$tmp/peer-rekey.batch"
	check "n2 (7.x) installs them with dir in/out, replay window 0 outbound, ESN" \
		on n2 ip -n n2 -batch "$DIR/n2-rekey.batch"
	e_out=${CL_SPI_OUT[E]}
	echo "# n2's SAD: $e_out $(mx_sad_brief n2 "$e_out")"
	check "n2's kernel keeps the direction and the replay window 0 of $e_out" \
		mx_sad_has n2 "$e_out" 'dir out' 'replay-window 0 ' 'flag.*esn'
	for spi in $old_spis; do
		if [[ $spi == 0xc1* ]]; then
			on n2 ip -n n2 xfrm state delete src $CL_VIP dst $CL_PEER proto esp spi "$spi"
			ip -n peer xfrm state delete src $CL_VIP dst $CL_PEER proto esp spi "$spi"
		else
			on n2 ip -n n2 xfrm state delete src $CL_PEER dst $CL_VIP proto esp spi "$spi"
			ip -n peer xfrm state delete src $CL_PEER dst $CL_VIP proto esp spi "$spi"
		fi
	done
	check "ESP flows through the new SAs" wait_until 20 cl_flowing
	check "n1 (6.1) mirrors the SAs n2 made, and no longer the old ones" wait_until 20 cl_holds_all n1
	echo "# n1's mirror of $e_out: $(mx_sa n1 "$e_out")"
	# shellcheck disable=SC2016 # jq's variables
	check "n1 (6.1) keeps what its kernel has no field for: dir out, ESN, replay window 0" \
		mx_sa_is n1 "$e_out" '.dir == "out" and (.dir_inferred | not) and .esn and .replay_window == 0 and (.no_takeover | not)'

	# A record field the older kernel does not have: a per-CPU SA (CPU 0,
	# RFC 9611), outbound, made on n2. n1 mirrors it with its CPU and says
	# why it could not take it over; it is gone before the takeover.
	check "n2 (7.x) adds a per-CPU outbound SA" \
		on n2 ip netns exec n2 "$sdir/xfrm_sa" add 192.0.2.12 192.0.2.99 0xc5000001 dir out pcpu 0 esn replay 0
	check "n1 (6.1) mirrors it, CPU 0 included" \
		wait_until 20 mx_sa_is n1 0xc5000001 '.pcpu == 0 and .dir == "out"'
	echo "# n1's mirror of it: $(mx_sa n1 0xc5000001 | jq -c '{dir, pcpu, esn, replay_window, no_takeover}')"
	check "n1 says why it could not take it over (its kernel has no per-CPU SAs)" \
		mx_sa_is n1 0xc5000001 '.no_takeover // "" | test("per-CPU")'
	on n2 ip -n n2 xfrm state delete src 192.0.2.12 dst 192.0.2.99 proto esp spi 0xc5000001
	check "n1 drops it when n2 deletes it" wait_until 20 mx_sa_gone n1 0xc5000001

	mx_round n2 n1 "7.x -> 6.1"
	echo "# n1's SAD: $e_out $(mx_sad_brief n1 "$e_out")"
	check "n1's kernel (no SA direction) runs $e_out as an ESN SA" mx_sad_has n1 "$e_out" 'flag.*esn'
	mx_rejoin n2 n1
	echo "# n2's mirror of $e_out: $(mx_sa n2 "$e_out" | jq -c '{owner, dir, dir_inferred, esn, replay_window}')"

	# 3. Back to the 7.x node, with the counters the 6.1 node moved on.
	mx_round n1 n2 "6.1 -> 7.x, the SAs n2 made"
	echo "# n2's SAD: $e_out $(mx_sad_brief n2 "$e_out")"
	check "n2 (7.x) has $e_out back as strongSwan 6 made it: dir out, replay window 0, ESN" \
		mx_sad_has n2 "$e_out" 'dir out' 'replay-window 0 ' 'flag.*esn'
	read -r _ _ _ seq_hi _ _ _ < <(cl_xfrm_stats peer | grep "^${CL_SPI_OUT[E]} ")
	check "the peer's ESN SA from the cluster is past 2^32 (seq-hi ${seq_hi:-?})" test "${seq_hi:-0}" -ge 1
	check_eq "no sequence number sent twice on any SA, over the whole run" 0 \
		"$(cl_analyse "$tmp"/round-*.pcap | jq .reused)"

	echo "# timeline:"
	cl_timeline "" | sed 's/^/#/'
	: > "$DIR/quit"
	finish
}

case $role in
agent) agent ;;
controller) controller ;;
*) echo "mixed_node.sh: role controller or agent, not '$role'" >&2; exit 2 ;;
esac
