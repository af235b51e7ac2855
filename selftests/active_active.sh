#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Active-active: three nodes each run sessions of their own at the same
# time, under traffic; one node fails and its sessions move while the
# survivors' own sessions go on untouched. Both arrangements of
# Documentation/takeover.md:
#
# 1. Each node behind its own address. n1, n2 and n3 each hold a service
#    address (192.0.2.21, .22, .23) and run two sessions (a transport SA
#    pair and its policies) with peers of their own (192.0.2.101 ...
#    .106, all in the namespace peer). n1 is cut off; its address moves to
#    n2, which runs `promote node 1`. n1's sessions resume from n2; n2's
#    and n3's own sessions keep flowing, with the same owner epochs.
#
#      peer .101-.106 -- br-lan -- n1 .11 (.21) / n2 .12 (.22) / n3 .13 (.23)
#
# 2. One cluster address (198.18.0.1, on every node's lo) behind a router
#    namespace (rt) that spreads the peers over the nodes: a route to the
#    cluster address through a resilient nexthop group with one nexthop per
#    node, hashed on the addresses (fib_multipath_hash_policy 0), so that
#    the peer's ESP and its IKE traffic take the same node. The peers
#    (203.0.113.x, in the namespace peer) are chosen by `ip route get` so
#    that n1 serves four of them and n2 and n3 two each; each session (an
#    SA pair, its policies and an IKE context) is created on the node that
#    the router sends its peer to. Every node has `node set activate
#    gone` and nobody promotes anything. n1 fails: its nexthop is removed
#    and it is cut off. The router now sends n1's peers to n2 and n3; once
#    those no longer hear n1, the peers' ESP makes each of them take the
#    sessions it receives (activations). The sessions come up on the node
#    the router sends them to, with raised owner epochs; the survivors'
#    own sessions keep flowing, untouched (resilient hashing moves only
#    the failed nexthop's flows).
#
#      peer 203.0.113.x -- wan0 rt lan0 .254 -- br-lan -- n1 .11, n2 .12, n3 .13
#                                                        (198.18.0.1 on each lo)
#
# In both, the peers' capture must show no (SPI, sequence number) sent
# twice, the peer must count no replay or integrity failure, and traffic
# resumes. The times from the cut to the first ESP from the new owner are
# reported as "# timing" lines. All nodes are on the HA link br-ha.
# Part 2 needs CONFIG_IP_ROUTE_MULTIPATH (skipped without it).

# Helper functions run through check and wait_until:
# shellcheck disable=SC2317
# shellcheck source=selftests/cluster_lib.sh
source "$(dirname "$0")/cluster_lib.sh"
require
cl_require

# Each flow: one echo every INTERVAL s (slower on a slow kernel).
INTERVAL=0.1
[ "$slow" = 1 ] || INTERVAL=0.25
POST=1			# seconds of traffic once every flow answers again
GAP_MAX=$((2000 * slow))	# ms: longest pause a survivor's session may see (TCG stalls reach ~1.1 s)

declare -A NODE=()	# session -> node that runs it (n1 ...)
declare -A PEER=()	# session -> the peer's address
declare -A LOCAL=()	# session -> the cluster side's address
declare -A OUT=()	# session -> SPI cluster->peer
declare -A IN=()	# session -> SPI peer->cluster
declare -A NEWNODE=()	# session -> node after the failure

# sessions_of NODE: the sessions NODE runs (NODE as set up).
sessions_of() {
	local s
	for s in $(all_sessions); do
		[ "${NODE[$s]}" = "$1" ] && echo "$s"
	done
}
spis_of() {	# spis_of SESSION...: their SPIs, both directions
	local s
	for s in "$@"; do echo "${OUT[$s]} ${IN[$s]}"; done
}
node_id() { echo "${1#n}"; }

# mirrored NS NODE: how many objects NS mirrors of NODE (its peers entry).
# mirrors_others NS PER: NS mirrors PER objects per session of every other node.
mirrors_others() {
	local peers m
	peers=$(ha "$1" -j peers)
	for m in n1 n2 n3; do
		[ "$m" = "$1" ] ||
			[ "$(jq ".[] | select(.node_id == ${m#n}) | .objects" <<< "$peers")" = \
				$(( $(sessions_of "$m" | wc -l) * $2 )) ] || { echo "$peers"; return 1; }
	done
}
lost() { [ "$(ha "$1" -j peers | jq ".[] | select(.node_id == $2) | .last_heard")" -gt 3000 ]; }
stat() { stat_or0 "$1" "$2"; }

# install NODE SESSION...: what the IKE daemons would install for these
# sessions, on the peer and on NODE.
install() {
	local node=$1 s
	shift
	# shellcheck disable=SC2046
	cl_keys $(spis_of "$@")
	for s in "$@"; do
		cl_pair_states "${LOCAL[$s]}" "${PEER[$s]}" "${OUT[$s]}" "${IN[$s]}" "$s"
		cl_pair_policies "${PEER[$s]}" "${LOCAL[$s]}" "$s"
	done > "$tmp/peer-$node.batch"
	for s in "$@"; do
		cl_pair_states "${LOCAL[$s]}" "${PEER[$s]}" "${OUT[$s]}" "${IN[$s]}" "$s"
		cl_pair_policies "${LOCAL[$s]}" "${PEER[$s]}" "$s"
	done > "$tmp/$node.batch"
	ip -n peer -batch "$tmp/peer-$node.batch" && ip -n "$node" -batch "$tmp/$node.batch"
}

# synced NS SESSION...: NS's mirror follows the outbound counter of each.
synced() {
	local ns=$1 s o
	shift
	for s in "$@"; do
		o=$(ha "$ns" -j sa list spi "${OUT[$s]}" | jq '.[0].oseq // 0')
		[ "${o:-0}" -gt 0 ] || return 1
	done
}

# The ping flows, one per session, from the peer's address to the cluster's.
flows_start() {
	local s
	for s in "${!NODE[@]}"; do
		cl_bg "ping-s$s" peer ping -q -n -i "$INTERVAL" -w 170 -I "${PEER[$s]}" "${LOCAL[$s]}"
	done
}
flows_stop() {
	local s
	for s in "${!NODE[@]}"; do kill -INT "${CL_PIDS[ping-s$s]}" 2> /dev/null; done
	for s in "${!NODE[@]}"; do cl_ping_stop "s$s"; done
}
# flowing SESSION...: each answers one echo within a second.
flowing() {
	local s pids=() rc=0 p
	for s in "$@"; do
		ip netns exec peer ping -q -n -c 1 -W 1 -I "${PEER[$s]}" "${LOCAL[$s]}" > /dev/null 2>&1 &
		pids+=($!)
	done
	for p in "${pids[@]}"; do wait "$p" || rc=1; done
	return "$rc"
}

# analyse PCAP: the capture per SPI (cl_py analyse; no single peer, so
# every SPI's direction is "other"), into $tmp/PCAP's name .json.
analyse() {
	local macs=() n
	for n in "${CL_NODES[@]}"; do macs+=(--mac "$n=${CL_MAC[$n]}"); done
	cl_py analyse --peer 0.0.0.0 "${macs[@]}" "$1" > "${1%.pcap}.json"
}
# report JSON SESSION...: the cluster->peer SPIs of these sessions, as
# comments.
report() {
	local json=$1 s
	shift
	for s in "$@"; do echo "$s ${OUT[$s]}"; done |
		jq -R -r --slurpfile a "$json" 'split(" ") as [$s, $spi] | $a[0].spis[$spi] // {} |
			"# session \($s) \($spi): \(.packets // 0) packets (" +
			([(.senders // {}) | to_entries[] | "\(.key) \(.value.packets) seq \(.value.min_seq)..\(.value.max_seq)"] | join(", ")) +
			"), reused \(.reused // 0)"'
}
# reused JSON: (SPI, sequence number) pairs seen more than once, all SPIs.
reused() { jq '[.spis[].reused] | add // 0' "$1"; }
# sent_by JSON NODE SESSION...: NODE sent ESP on the cluster->peer SA of each.
sent_by() {
	local json=$1 node=$2 s
	shift 2
	for s in "$@"; do
		jq -e --arg spi "${OUT[$s]}" --arg n "$node" '(.spis[$spi].senders[$n].packets // 0) > 0' "$json" > /dev/null || return 1
	done
}
# only_sender JSON NODE SESSION...: nobody but NODE sent on their cluster->peer SAs.
only_sender() {
	local json=$1 node=$2 s
	shift 2
	for s in "$@"; do
		jq -e --arg spi "${OUT[$s]}" --arg n "$node" '(.spis[$spi].senders // {}) | keys == [$n]' "$json" > /dev/null || return 1
	done
}
# first_ms JSON CUT SESSION: ms from CUT to the first ESP from the session's
# new owner (NEWNODE) on its cluster->peer SA.
first_ms() {
	jq -r --arg spi "${OUT[$3]}" --arg n "${NEWNODE[$3]}" --argjson cut "$2" \
		'.spis[$spi].senders[$n].first_ms // empty | . - $cut | floor' "$1"
}
# timings JSON CUT LABEL SESSION...: first_ms of each, as a "# timing" line.
timings() {
	local json=$1 cut=$2 label=$3 s t all=() min="" max=""
	shift 3
	for s in "$@"; do
		t=$(first_ms "$json" "$cut" "$s")
		all+=("s$s ${OUT[$s]} ${NEWNODE[$s]} ${t:-none}")
		[ -n "$t" ] || continue
		{ [ -z "$min" ] || [ "$t" -lt "$min" ]; } && min=$t
		{ [ -z "$max" ] || [ "$t" -gt "$max" ]; } && max=$t
	done
	echo "# timing ($label, $(uname -r)): cut -> first ESP from the new owner: min ${min:-none} ms, max ${max:-none} ms"
	printf '#   %s ms\n' "${all[@]}"
}
# max_gap FROM TO PCAP SESSION...: the longest pause (ms) on any SA of these
# sessions between FROM and TO.
max_gap() {
	local from=$1 to=$2 pcap=$3 s
	shift 3
	cl_esp_gaps "$pcap" "$from" "$to" > "$tmp/gaps"
	for s in "$@"; do
		awk -v o="${OUT[$s]}" -v i="${IN[$s]}" '$1 == o || $1 == i { print $3 }' "$tmp/gaps"
		# an SA with no packet at all in the span paused for all of it
		if ! grep -q "^${OUT[$s]} " "$tmp/gaps" || ! grep -q "^${IN[$s]} " "$tmp/gaps"; then
			echo $((to - from))
		fi
	done | sort -n | tail -n 1
}
# own_senders: in $tmp/main.json, nobody but n2 sent on n2's sessions'
# cluster->peer SAs, nobody but n3 on n3's.
own_senders() {
	only_sender "$tmp/main.json" n2 "${S2[@]}" && only_sender "$tmp/main.json" n3 "${S3[@]}"
}
join_gone() { cl_join "$1" && ha "$1" node set activate gone; }
all_sessions() { printf '%s\n' "${!NODE[@]}" | sort -n; }
# sad_holds NS SESSION...: how many of their SAs NS's SAD holds.
sad_holds() {
	local ns=$1
	shift
	# shellcheck disable=SC2046
	cl_sad_count "$ns" $(spis_of "$@")
}
# epochs_up BEFORE AFTER NODE: every SA in BEFORE (cl_ownership lines) is,
# in AFTER (cl_ownership lines too), NODE's with a higher epoch.
epochs_up() {
	join <(echo "$1") <(echo "$2") |
		awk -v id="$(node_id "$3")" '{ n++ } $4 == id && $5 > $3 { up++ } END { exit !(n > 0 && up == n) }'
}
# epochs_up_in BEFORE NS NODE: the same in NS's view now.
epochs_up_in() { epochs_up "$1" "$(cl_ownership "$2")" "$3"; }

pp load_module
# =========================================================================
# 1. Each node behind its own address
# =========================================================================
# wrap_up: POST more seconds of traffic, then its end (at t_stop), the
# capture's analysis and each session's pings (its node, and the node
# after the failure if it moved).
wrap_up() {
	sleep $POST
	t_stop=$(cl_now)
	cl_event "traffic stops"
	flows_stop
	cl_capture_stop main
	analyse "$tmp/main.pcap"
	# shellcheck disable=SC2046
	report "$tmp/main.json" $(all_sessions)
	for s in $(all_sessions); do
		echo "# ping session $s (${NODE[$s]}${NEWNODE[$s]:+ -> ${NEWNODE[$s]}}): ${CL_TX[s$s]} sent, ${CL_RX[s$s]} answered"
	done
}

echo "# --- 1. each node behind its own address"
cl_setup 3
for n in n1 n2 n3; do
	check "$n joins the HA link" cl_join $n
done
K=2	# sessions per node
for i in 1 2 3; do
	svc=192.0.2.2$i
	ip -n "n$i" addr add "$svc/24" dev lan0
	ip -n peer neigh replace "$svc" lladdr "${CL_MAC[n$i]}" dev lan0 nud permanent
	for k in $(seq 1 $K); do
		s=$(( (i - 1) * K + k ))
		NODE[$s]=n$i LOCAL[$s]=$svc PEER[$s]=192.0.2.$((100 + s))
		OUT[$s]=$(printf '0xa1%06x' "$s") IN[$s]=$(printf '0xa2%06x' "$s")
		ip -n peer addr add "${PEER[$s]}/24" dev lan0
	done
done
read -r -a S1 <<< "$(sessions_of n1 | tr '\n' ' ')"
read -r -a S2 <<< "$(sessions_of n2 | tr '\n' ' ')"
read -r -a S3 <<< "$(sessions_of n3 | tr '\n' ' ')"
for n in n1 n2 n3; do
	# shellcheck disable=SC2046
	check "IKE on the peer and $n: $K sessions with peers of its own" install $n $(sessions_of $n)
done
check "ESP flows through every session" wait_until 15 flowing "${!NODE[@]}"
for n in n1 n2 n3; do
	check "$n mirrors the other nodes' sessions (2 SAs and 2 policies each)" wait_until 10 mirrors_others $n 4
done

check "capture on the peer's LAN port" cl_capture_start main
cl_event "traffic starts"
t_start=$(cl_now)
flows_start
check "n2's mirror follows n1's outbound counters" wait_until 10 synced n2 "${S1[@]}"
sleep 1
# shellcheck disable=SC2046
before1=$(cl_ownership_of n2 $(spis_of "${S1[@]}"))
# shellcheck disable=SC2046
own2=$(cl_ownership_of n3 $(spis_of "${S2[@]}" "${S3[@]}"))
# shellcheck disable=SC2046
own2b=$(cl_ownership_of n2 $(spis_of "${S2[@]}" "${S3[@]}"))

cut=$(cl_now)
cl_cut n1
cl_event_at "$cut" "n1 cut off; its address moves to n2, which promotes node 1"
(
	ip -n n2 addr add 192.0.2.21/24 dev lan0
	ip -n peer neigh replace 192.0.2.21 lladdr "${CL_MAC[n2]}" dev lan0 nud permanent
	cl_event "n2 holds n1's address"
) &
mover=$!
cl_promote n2 node 1
rc=$?
wait $mover
for s in "${S1[@]}"; do NEWNODE[$s]=n2; done
check_eq "n2's promote node 1 succeeds" 0 $rc
echo "# n2's promote: $(cl_promote_summary n2); $CL_PROMOTE_MS ms for the command"
check_eq "... and installs n1's $((2 * K)) SAs and $((2 * K)) policies, no failure" "$((2 * K)) $((2 * K)) 0" \
	"$(cl_promoted n2 sas) $(cl_promoted n2 policies) $(cl_promoted n2 failed)"
check "n1's sessions answer again, from n2" wait_until 15 flowing "${S1[@]}"
flowing_t=$(cl_now)
cl_event_at "$flowing_t" "n1's sessions answer again"
wrap_up

check "n2 sent on every cluster->peer SA of n1's sessions" sent_by "$tmp/main.json" n2 "${S1[@]}"
check_eq "no (SPI, sequence number) sent twice (capture on the peer)" 0 "$(reused "$tmp/main.json")"
cl_check_peer_clean "the peer counted no replay and no integrity failure"
check "n1's SAs are n2's, with a raised owner epoch (n2's view)" epochs_up_in "$before1" n2 n2
check "... and in n3's view" wait_until 5 epochs_up_in "$before1" n3 n2
check_eq "n2's SAD holds n1's $((2 * K)) SAs, n3's none" "$((2 * K)) 0" \
	"$(sad_holds n2 "${S1[@]}") $(sad_holds n3 "${S1[@]}")"
# shellcheck disable=SC2046
check_eq "n2's and n3's own sessions: same owners and owner epochs (n3's view)" "$own2" \
	"$(cl_ownership_of n3 $(spis_of "${S2[@]}" "${S3[@]}"))"
# shellcheck disable=SC2046
check_eq "... and in n2's view" "$own2b" "$(cl_ownership_of n2 $(spis_of "${S2[@]}" "${S3[@]}"))"
check "only n2 sent on n2's sessions, only n3 on n3's" own_senders
gap=$(max_gap $((t_start + 1000)) "$t_stop" "$tmp/main.pcap" "${S2[@]}" "${S3[@]}")
echo "# the survivors' own sessions: longest pause $gap ms (limit $GAP_MAX)"
check "the survivors' own sessions kept flowing through the failover" test "$gap" -le "$GAP_MAX"
timings "$tmp/main.json" "$cut" "own addresses, promote node 1" "${S1[@]}"
echo "# timing (own addresses, $(uname -r)): cut -> n1's sessions answer again: $((flowing_t - cut)) ms; promote: $CL_PROMOTE_MS ms"
echo "# timeline:"
cl_timeline "$cut" | sed 's/^/#/'

# =========================================================================
# 2. One cluster address on every node, a router spreading peers by ECMP
# =========================================================================
echo "# --- 2. one cluster address, ECMP"
cl_teardown
NODE=() PEER=() LOCAL=() OUT=() IN=() NEWNODE=()
CADDR=198.18.0.1
ecmp_skip() {
	skip "the ECMP arrangement" "$1"
	finish
}
cl_setup 3
# The peer moves behind the router: its LAN port goes, a link to rt comes.
ip -n peer link del lan0
add_ns rt
cl_plug rt lan0 br-lan
ip -n rt addr add 192.0.2.254/24 dev lan0
ip link add lan0 netns peer type veth peer name wan0 netns rt
ip -n peer link set lan0 up
ip -n rt link set wan0 up
ip -n rt addr add 203.0.113.254/24 dev wan0
ip -n peer addr add 203.0.113.250/24 dev lan0	# (for the default route)
ip -n peer route add default via 203.0.113.254 dev lan0
ip netns exec rt sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.wan0.rp_filter=0
CL_LAN_NS=rt
CL_MAC[rt]=$(ip -n rt -br link show lan0 | awk '{print $3}')
[ -e /proc/sys/net/ipv4/fib_multipath_hash_policy ] ||
	ecmp_skip "no CONFIG_IP_ROUTE_MULTIPATH in this kernel"
ip netns exec rt sysctl -qw net.ipv4.fib_multipath_hash_policy=0
for i in 1 2 3; do
	ip -n "n$i" addr add "$CADDR/32" dev lo
	ip -n "n$i" route add 203.0.113.0/24 via 192.0.2.254 dev lan0
	ip -n rt nexthop add id "$i" via "192.0.2.1$i" dev lan0
done
ip -n rt nexthop add id 100 group 1/2/3 type resilient buckets 32 ||
	ecmp_skip "no resilient nexthop groups"
check "rt: a route to $CADDR through a resilient group of one nexthop per node" \
	ip -n rt route add "$CADDR/32" nhid 100

# route_map ADDR...: "ADDR NODE" for each peer address, as rt routes its
# packets to the cluster address.
route_map() {
	printf "route get $CADDR from %s iif wan0\n" "$@" | ip -n rt -batch - | awk '$2 == "from" {
		for (i = 1; i < NF; i++) if ($i == "via") print $3, "n" substr($(i + 1), length($(i + 1)))
	}'
}
declare -A quota=([n1]=4 [n2]=2 [n3]=2) got=([n1]=0 [n2]=0 [n3]=0)
s=0
while read -r p n; do
	[ "${got[$n]:-9}" -lt "${quota[$n]}" ] || continue
	s=$((s + 1)) got[$n]=$((got[$n] + 1))
	NODE[$s]=$n PEER[$s]=$p LOCAL[$s]=$CADDR
	OUT[$s]=$(printf '0xb1%06x' "$s") IN[$s]=$(printf '0xb2%06x' "$s")
done < <(route_map $(seq -f '203.0.113.%g' 1 64))
echo "# rt spreads the peers: $(for s in $(all_sessions); do printf '%s->%s ' "${PEER[$s]}" "${NODE[$s]}"; done)"
check_eq "the router spreads peers over all three nodes (4, 2 and 2 chosen)" "4 2 2" \
	"${got[n1]} ${got[n2]} ${got[n3]}"
for s in "${!NODE[@]}"; do ip -n peer addr add "${PEER[$s]}/24" dev lan0; done
read -r -a S1 <<< "$(sessions_of n1 | tr '\n' ' ')"
read -r -a S2 <<< "$(sessions_of n2 | tr '\n' ' ')"
read -r -a S3 <<< "$(sessions_of n3 | tr '\n' ' ')"

for n in n1 n2 n3; do
	check "$n joins the HA link with activate gone" join_gone $n
done
secrets() {
	local h
	h=$(printf 'ab%.0s' {1..32})
	printf '%s\n' "nonce_i=$h nonce_r=$h" "sk_d=$h sk_ai=$h sk_ar=$h" "sk_ei=$h sk_er=$h sk_pi=$h sk_pr=$h"
}
ike_spi() { printf '0x3333%012x' "$1"; }
# ike_add SESSION: its IKE context on its node, listing its SA pair.
ike_add() {
	ha "${NODE[$1]}" ike add spi-i "$(ike_spi "$1")" spi-r "$(printf '0x4444%012x' "$1")" \
		local "$CADDR" remote "${PEER[$1]}" role responder \
		encr aes-gcm-16 keylen 256 prf hmac-sha2-256 dh-group ecp256 \
		id-i fqdn "peer$1.example.com" id-r fqdn vpn.example.com mid-send 1 mid-recv 2 \
		child "${OUT[$1]},${IN[$1]}" secrets - < <(secrets)
}
for n in n1 n2 n3; do
	# shellcheck disable=SC2046
	check "IKE on the peer and $n: its sessions (SA pair, policies, IKE context each)" \
		install $n $(sessions_of $n)
	for s in $(sessions_of $n); do ike_add "$s" || not_ok "ike add on $n for session $s"; done
done
check "ESP flows through every session, each peer through its node" wait_until 15 flowing "${!NODE[@]}"
for n in n1 n2 n3; do
	check "$n mirrors the other nodes' sessions (2 SAs, 2 policies and an IKE context each)" \
		wait_until 10 mirrors_others $n 5
done

check "capture on the router's LAN port" cl_capture_start main
cl_event "traffic starts"
t_start=$(cl_now)
flows_start
synced_both() { synced n2 "${S1[@]}" && synced n3 "${S1[@]}"; }
check "n2's and n3's mirrors follow n1's outbound counters" wait_until 10 synced_both
sleep 1
# shellcheck disable=SC2046
before1=$(cl_ownership_of n2 $(spis_of "${S1[@]}"))
# shellcheck disable=SC2046
own2=$(cl_ownership_of n3 $(spis_of "${S2[@]}" "${S3[@]}"))
# shellcheck disable=SC2046
own2b=$(cl_ownership_of n2 $(spis_of "${S2[@]}" "${S3[@]}"))
act0="$(stat n2 activations) $(stat n3 activations)"

cut=$(cl_now)
ip -n rt nexthop del id 1 &
mover=$!
cl_cut n1
wait $mover
cl_event_at "$cut" "n1 fails: its nexthop is removed, it is cut off"
while read -r p n; do
	for s in "${S1[@]}" "${S2[@]}" "${S3[@]}"; do
		[ "${PEER[$s]}" = "$p" ] && NEWNODE[$s]=$n
	done
done < <(route_map "${PEER[@]}")
echo "# rt now sends n1's peers to: $(for s in "${S1[@]}"; do printf '%s->%s ' "${PEER[$s]}" "${NEWNODE[$s]:-?}"; done)"
moved=()
for s in "${S2[@]}" "${S3[@]}"; do
	[ "${NEWNODE[$s]}" = "${NODE[$s]}" ] || moved+=("$s")
done
check_eq "the survivors' peers still go to their own node (resilient hashing)" "" "${moved[*]}"
S1n2=() S1n3=()
for s in "${S1[@]}"; do
	case ${NEWNODE[$s]} in
	n2) S1n2+=("$s") ;;
	n3) S1n3+=("$s") ;;
	esac
done
check_eq "n1's peers now go to n2 or n3" "${#S1[@]}" $(( ${#S1n2[@]} + ${#S1n3[@]} ))
# (Which survivor gets which of n1's peers is the router's choice: both
# usually get some, but all four may go to one.)
[ ${#S1n2[@]} -gt 0 ] && [ ${#S1n3[@]} -gt 0 ] || echo "# note: all of n1's peers go to one survivor this time"
lost_both() { lost n2 1 && lost n3 1; }
check "n2 and n3 lose n1" wait_until 10 lost_both
lost_t=$(cl_now)
cl_event_at "$lost_t" "n2 and n3 no longer hear n1"
# up: each of n1's sessions is in the SAD of the node the router now sends
# its peer to.
up() {
	[ "$(sad_holds n2 "${S1n2[@]}")" = $((2 * ${#S1n2[@]})) ] &&
	[ "$(sad_holds n3 "${S1n3[@]}")" = $((2 * ${#S1n3[@]})) ]
}
check "n1's sessions come up where the router sends them (n2: ${S1n2[*]:-none}; n3: ${S1n3[*]:-none})" wait_until 15 up
up_t=$(cl_now)
cl_event_at "$up_t" "n1's sessions are installed on n2 and n3"
check "n1's sessions answer again" wait_until 15 flowing "${S1[@]}"
flowing_t=$(cl_now)
cl_event_at "$flowing_t" "n1's sessions answer again"
wrap_up
for n in n2 n3; do
	echo "# $n: activations $(stat $n activations), activate-alive $(stat $n activate_alive)," \
		"activate-limited $(stat $n activate_limited), activate-unknown $(stat $n activate_unknown)"
done

check_eq "n2 and n3 count one activation per session of n1's that reached them (${#S1n2[@]} and ${#S1n3[@]})" \
	"$(( ${act0% *} + ${#S1n2[@]} )) $(( ${act0#* } + ${#S1n3[@]} ))" "$(stat n2 activations) $(stat n3 activations)"
check_eq "... and took nothing else: each SAD holds only its own and what reached it" \
	"$(( 2 * (${#S2[@]} + ${#S1n2[@]}) )) $(( 2 * (${#S3[@]} + ${#S1n3[@]}) ))" \
	"$(sad_holds n2 "${S1[@]}" "${S2[@]}" "${S3[@]}") $(sad_holds n3 "${S1[@]}" "${S2[@]}" "${S3[@]}")"
# taken_bad NS: n1's SAs (as "SPI:NS") that are not, in NS's view, their new
# owner's with an epoch above the one in before1, and n1's IKE contexts
# (as "SPI_I:ike:NS") that are not their new owner's.
taken_bad() {
	local s id
	for s in "${S1[@]}"; do
		id=$(node_id "${NEWNODE[$s]}")
		printf '%s %s\n' "${OUT[$s]}" "$id" "${IN[$s]}" "$id" "$(ike_spi "$s")" "$id@ike"
	done | sort > "$tmp/expect"
	# SPI NEW_ID OWNER_BEFORE EPOCH_BEFORE OWNER EPOCH, "-" where missing
	join -a 1 -e - -o auto "$tmp/expect" <(echo "$before1") |
		join -a 1 -e - -o auto - <(cl_ownership "$1") |
		awk -v ns="$1" '$2 !~ /@ike$/ && !($5 == $2 && $6 > $4) { print $1 ":" ns }'
	join -a 1 -e - -o auto <(grep @ike "$tmp/expect") \
		<(ha "$1" -j ike list | jq -r '.[] | "\(.spi_i) \(.owner)@ike"' | sort) |
		awk -v ns="$1" '$2 != $3 { print $1 ":ike:" ns }'
}
check_eq "every taken SA and IKE context is its new owner's, the SAs with a raised epoch (both survivors' views)" "" \
	"$(taken_bad n2; taken_bad n3)"
for s in "${S1[@]}"; do
	check "${NEWNODE[$s]} sent on session $s's cluster->peer SA" sent_by "$tmp/main.json" "${NEWNODE[$s]}" "$s"
done
check_eq "no (SPI, sequence number) sent twice (capture on the router)" 0 "$(reused "$tmp/main.json")"
cl_check_peer_clean "the peers counted no replay and no integrity failure"
# shellcheck disable=SC2046
check_eq "the survivors' own sessions: same owners and owner epochs (n3's view)" "$own2" \
	"$(cl_ownership_of n3 $(spis_of "${S2[@]}" "${S3[@]}"))"
# shellcheck disable=SC2046
check_eq "... and in n2's view" "$own2b" "$(cl_ownership_of n2 $(spis_of "${S2[@]}" "${S3[@]}"))"
check "only n2 sent on n2's sessions, only n3 on n3's" own_senders
gap=$(max_gap $((t_start + 1000)) "$t_stop" "$tmp/main.pcap" "${S2[@]}" "${S3[@]}")
echo "# the survivors' own sessions: longest pause $gap ms (limit $GAP_MAX)"
check "the survivors' own sessions kept flowing through the failure" test "$gap" -le "$GAP_MAX"
timings "$tmp/main.json" "$cut" "ECMP, activation" "${S1[@]}"
echo "# timing (ECMP, $(uname -r)): cut -> n1 lost on n2 and n3: $((lost_t - cut)) ms;" \
	"-> sessions installed: $((up_t - cut)) ms; -> answering again: $((flowing_t - cut)) ms"
echo "# timeline:"
cl_timeline "$cut" | sed 's/^/#/'
finish
