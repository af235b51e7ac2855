#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The soak test, shared by its short form (selftests/soak.sh) and its long
# form (bench/soak.sh). Sourced instead of cluster_lib.sh (it sources it).
#
# Three nodes, the peer and srv of cluster_lib.sh. Besides cluster_lib's
# three SA pairs, SOAK_N tunnel SA pairs, each for its own pair of /32
# selectors: 10.20.X.Y on the peer's lo and 10.21.X.Y on srv's in0
# (pair i: X = (i - 1) / 250, Y = (i - 1) % 250 + 1), AES-GCM with random
# keys, SPIs 0xc3000000 + i (cluster->peer) and 0xc4000000 + i
# (peer->cluster), reqid 1000 + i. srv sends small UDP datagrams round
# robin from every 10.21.X.Y to its 10.20.X.Y (port 9, nobody listens: the
# peer answers some with an ICMP port unreachable, rate limited, which
# carries a little traffic on the peer->cluster SAs); ping flows run
# through cluster_lib's pairs. Every HA link loses SOAK_LOSS % of its
# frames (netem).
#
# Failures, one after the other, each after the previous one settled and
# SOAK_GAP seconds passed (random, 2-5 s):
#   failover (3 in 5): the VIP holder is cut off, a random survivor takes
#     over (cl_takeover), the old holder comes back 1-3 s later with its
#     stale view and must lose its SAs by itself (sas-lost);
#   blip (1 in 5): a node that does not hold the VIP is cut off and comes
#     back 1-3 s later;
#   double (1 in 5): a standby is cut off, then the holder half a second
#     later; the last node takes over; both come back 1-3 s later.
# A node that comes back must converge before the next failure: its
# mirror holds every SA, owned by the holder, and every policy, and its
# SAD and SPD are empty.
#
# The verdict comes from the peer's capture and counters: no (SPI, seq)
# sent twice (cl_analyse), no replay and no integrity failure on the peer,
# every mirror complete at the end, traffic on every cluster->peer SA at
# the end. Per failure the outage is reported: the first packet from the
# new holder after the cut, and the time until every SA that carried
# traffic before the cut carried some again.

# Helper functions run through check and wait_until:
# shellcheck disable=SC2317
# Variables set here are read by the scripts that source this file.
# shellcheck disable=SC2034
# shellcheck source=selftests/cluster_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/cluster_lib.sh"

SOAK_N=${SOAK_N:-60}		# extra SA pairs
SOAK_FAILOVERS=${SOAK_FAILOVERS:-6}	# failovers (holder changes) to do
SOAK_LOSS=${SOAK_LOSS:-20}	# % of frames lost on every HA link
SOAK_INTERVAL=${SOAK_INTERVAL:-100}	# ms between two datagrams on one SA
SOAK_SEED=${SOAK_SEED:-$$}
SOAK_OUT=${SOAK_OUT:-}		# a directory to keep the findings in
SOAK_ESN=${SOAK_ESN:-1}		# 0: without cluster_lib's ESN pair E
SOAK_PFX=${SOAK_PFX:-# }		# prefix of the summary lines

# soak_ip NET I: the address of pair I in NET (10.20 or 10.21).
soak_ip() { echo "$1.$((($2 - 1) / 250)).$((($2 - 1) % 250 + 1))"; }

# soak_routes NODE: the routes a node needs for the extra pairs (removed by
# the kernel when its links go down).
soak_routes() {
	printf 'route replace %s\n' "10.20.0.0/16 via $CL_PEER dev lan0" \
		"10.21.0.0/16 via $CL_SRV dev in0" | ip -n "$1" -batch -
}

# soak_return NODE: cl_return, and the routes of the extra pairs.
soak_return() {
	cl_return "$1"
	soak_routes "$1"
}

# soak_batches: $tmp/soak-peer.batch, $tmp/soak-node.batch (SAs and
# policies of the extra pairs), $tmp/soak-peer-addr.batch and
# $tmp/soak-srv-addr.batch (their addresses).
soak_batches() {
	od -An -tx1 -v -N $((40 * SOAK_N)) /dev/urandom | tr -d ' \n' |
	awk -v n="$SOAK_N" -v vip="$CL_VIP" -v peer="$CL_PEER" -v dir="$tmp" '
	function ip(net, i) { return sprintf("%s.%d.%d", net, int((i - 1) / 250), (i - 1) % 250 + 1) }
	function sa(f, src, dst, spi, reqid, key) {
		printf "xfrm state add src %s dst %s proto esp spi 0x%08x reqid %d mode tunnel " \
			"aead rfc4106(gcm(aes)) 0x%s 128 replay-window 64\n", src, dst, spi, reqid, key > f
	}
	function pol(f, src, dst, d, tsrc, tdst, reqid) {
		printf "xfrm policy add src %s/32 dst %s/32 dir %s tmpl src %s dst %s proto esp reqid %d mode tunnel\n", \
			src, dst, d, tsrc, tdst, reqid > f
	}
	{
		pb = dir "/soak-peer.batch"; nb = dir "/soak-node.batch"
		for (i = 1; i <= n; i++) {
			ko = substr($0, (i - 1) * 80 + 1, 40); ki = substr($0, (i - 1) * 80 + 41, 40)
			a = ip("10.20", i); b = ip("10.21", i); r = 1000 + i
			so = 3271557120 + i; si = 3288334336 + i	# 0xc3000000, 0xc4000000
			for (k = 0; k < 2; k++) {
				f = k ? nb : pb
				sa(f, vip, peer, so, r, ko)
				sa(f, peer, vip, si, r, ki)
			}
			pol(pb, a, b, "out", peer, vip, r)
			pol(pb, b, a, "in", vip, peer, r)
			pol(nb, b, a, "out", vip, peer, r)
			pol(nb, a, b, "in", peer, vip, r)
			pol(nb, a, b, "fwd", peer, vip, r)
			printf "address add %s/32 dev lo\n", a > (dir "/soak-peer-addr.batch")
			printf "address add %s/32 dev in0\n", b > (dir "/soak-srv-addr.batch")
		}
	}'
}

# soak_ipsec_up NODE: cluster_lib's pairs (cl_ipsec_up, NODE takes the
# VIP) and the extra pairs on the peer and on NODE, their addresses and
# routes.
soak_ipsec_up() {
	local n
	soak_batches &&
	ip -n peer -batch "$tmp/soak-peer-addr.batch" &&
	ip -n srv -batch "$tmp/soak-srv-addr.batch" &&
	ip -n peer route add 10.21.0.0/16 via $CL_VIP dev lan0 || return 1
	for n in "${CL_NODES[@]}"; do
		soak_routes "$n" || return 1
	done
	ip -n peer -batch "$tmp/soak-peer.batch" &&
	ip -n "$1" -batch "$tmp/soak-node.batch" &&
	cl_ipsec_up "$1"
}

SOAK_SAS=0 SOAK_POLICIES=0	# set by soak_main: what every mirror must hold

# soak_holds_all NODE: NODE mirrors every SA and every policy.
soak_holds_all() {
	[ "$(ha "$1" -j sa list | jq length)" = "$SOAK_SAS" ] &&
	[ "$(ha "$1" -j policy list | jq length)" = "$SOAK_POLICIES" ]
}

# soak_sad_count NODE: SAs in NODE's SAD; soak_spd_count: policies in its SPD.
soak_sad_count() { ip -n "$1" xfrm state count | awk '{ print $NF }'; }
soak_spd_count() { ip -n "$1" xfrm policy list | grep -c '^src'; }

# soak_converged NODE HOLDER: NODE mirrors every SA, owned by HOLDER, and
# every policy; HOLDER's SAD and SPD hold them all, every other node's
# are empty (the SAs it held are lost to the holder).
soak_converged() {
	local sad=0 spd=0
	[ "$(ha "$1" -j sa list | jq --argjson o "${2#n}" '[.[] | select(.owner == $o)] | length')" = "$SOAK_SAS" ] &&
	[ "$(ha "$1" -j policy list | jq length)" = "$SOAK_POLICIES" ] || return 1
	[ "$1" = "$2" ] && sad=$SOAK_SAS spd=$SOAK_POLICIES
	[ "$(soak_sad_count "$1")" = "$sad" ] && [ "$(soak_spd_count "$1")" = "$spd" ]
}

# soak_owners NODE: NODE's mirror of the SAs as OWNER@EPOCH[L]:COUNT words
# (L: this node's, by its own account).
soak_owners() {
	ha "$1" -j sa list | jq -r 'group_by([.owner, .owner_epoch, .local]) |
		map("\(.[0].owner)@\(.[0].owner_epoch)\(if .[0].local then "L" else "" end):\(length)") | join(" ")'
}

# soak_flowing: every pair of cluster_lib's answers a ping.
soak_flowing() {
	local kind
	for kind in "${CL_KINDS[@]}"; do
		cl_ping_once "$kind" || return 1
	done
}

# soak_state NODE: one line about NODE's mirror and SAD, for the reports.
soak_state() {
	ha "$1" -j stats > "$tmp/soak-stats"
	printf '%s: mirror %s SAs (owner@epoch:count %s), %s policies; SAD %s, SPD %s; %s' \
		"$1" "$(ha "$1" -j sa list | jq length)" "$(soak_owners "$1")" \
		"$(ha "$1" -j policy list | jq length)" "$(soak_sad_count "$1")" "$(soak_spd_count "$1")" \
		"$(jq -r '"sas-lost \(.sas_lost), split-brains \(.split_brains), drop-stale \(.drop_stale), tx-nacks \(.tx_nacks), rx-nacks \(.rx_nacks)"' "$tmp/soak-stats")"
}

# --- traffic --------------------------------------------------------------

# soak_send_start: the UDP sender on srv, one datagram per pair every
# SOAK_INTERVAL ms, round robin; on SIGINT it prints "SENT ERRORS".
soak_send_start() {
	cl_bg soak-send srv python3 -c '
import signal, socket, sys, time
n, interval = int(sys.argv[1]), float(sys.argv[2]) / 1000
def ip(net, i):
    return "%s.%d.%d" % (net, (i - 1) // 250, (i - 1) % 250 + 1)
socks = []
for i in range(1, n + 1):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((ip("10.21", i), 0))
    s.setblocking(False)
    socks.append((s, (ip("10.20", i), 9)))
stop = False
def end(*_):
    global stop
    stop = True
signal.signal(signal.SIGINT, end)
signal.signal(signal.SIGTERM, end)
sent = errors = 0
step = interval / n
t = time.monotonic()
payload = b"ipsec-ha soak test datagram...."
while not stop:
    for s, dst in socks:
        try:
            s.sendto(payload, dst)
            sent += 1
        except OSError:
            errors += 1
        t += step
        d = t - time.monotonic()
        if d > 0.002:
            time.sleep(d)
        elif d < -1:
            t = time.monotonic()	# fell behind by a second: no burst to catch up
        if stop:
            break
print(sent, errors, flush=True)
' "$SOAK_N" "$SOAK_INTERVAL"
}

# soak_send_stop: end the sender; SOAK_SENT and SOAK_SEND_ERRORS.
soak_send_stop() {
	cl_stop soak-send
	read -r SOAK_SENT SOAK_SEND_ERRORS < <(tail -n 1 "$tmp/soak-send.log")
	SOAK_SENT=${SOAK_SENT:-0} SOAK_SEND_ERRORS=${SOAK_SEND_ERRORS:-?}
}

# --- failures -------------------------------------------------------------

SOAK_DONE=0		# failovers done
SOAK_EVENTS=0		# failures of any kind
SOAK_PROMOTE_BAD=0	# promotes that failed or did not install everything
SOAK_UNCONVERGED=0	# returns after which a node did not converge in time
SOAK_PROMOTE_MS=()	# wall time of every promote command
declare -A SOAK_KIND=()	# kind -> count

# (RANDOM is read in this shell, never in $(...): the choices of a run
# follow from SOAK_SEED.)
# soak_sleep MIN_MS MAX_MS: a random pause, x slow.
soak_sleep() {
	local ms=$(( ($1 + RANDOM % ($2 - $1 + 1)) * slow ))
	sleep "$((ms / 1000)).$(printf '%03d' $((ms % 1000)))"
}

# soak_pick NODE...: SOAK_PICK is one of the nodes not named, at random.
soak_pick() {
	local n a=()
	for n in "${CL_NODES[@]}"; do
		[[ " $* " == *" $n "* ]] || a+=("$n")
	done
	SOAK_PICK=${a[RANDOM % ${#a[@]}]}
}

# soak_failover NODE: NODE takes over from the holder (already cut off);
# the cut is noted in $tmp/soak-cuts ("MS OLD NEW").
soak_failover() {
	local old=$CL_VIP_NODE cut=$1 new=$2 rc
	cl_event "$new's mirror before its promote (owner@epoch:count): $(soak_owners "$new")"
	cl_takeover "$new"
	rc=$?
	SOAK_PROMOTE_MS+=("$CL_PROMOTE_MS")
	echo "$cut $old $new" >> "$tmp/soak-cuts"
	SOAK_DONE=$((SOAK_DONE + 1))
	if [ $rc != 0 ] || [ "$(cl_promoted "$new" sas)" != "$SOAK_SAS" ] ||
	   [ "$(cl_promoted "$new" policies)" != "$SOAK_POLICIES" ] ||
	   [ "$(cl_promoted "$new" failed)" != 0 ]; then
		SOAK_PROMOTE_BAD=$((SOAK_PROMOTE_BAD + 1))
		echo "${SOAK_PFX}failover $SOAK_DONE: $old -> $new: promote exit $rc: $(cl_promote_summary "$new")"
	fi
}

# soak_settle: every node converges to the holder (the nodes that came
# back lose their SAs; the others learn of the takeover).
soak_settle() {
	local n t0=$SECONDS bad=0
	for n in "${CL_NODES[@]}"; do
		wait_until 30 soak_converged "$n" "$CL_VIP_NODE" || bad=1
	done
	SOAK_SETTLE_S=$((SECONDS - t0))
	[ $bad = 0 ] && return 0
	SOAK_UNCONVERGED=$((SOAK_UNCONVERGED + 1))
	echo "${SOAK_PFX}event $SOAK_EVENTS: the nodes did not converge to $CL_VIP_NODE within $((30 * slow)) s:"
	for n in "${CL_NODES[@]}"; do
		echo "${SOAK_PFX}  $(soak_state "$n")"
	done
}

# soak_event: one failure, at random, and the return of what failed.
soak_event() {
	local r kind h=$CL_VIP_NODE x s cut
	r=$((RANDOM % 5))
	if [ $r -lt 3 ]; then kind=failover; elif [ $r = 3 ]; then kind=blip; else kind=double; fi
	SOAK_EVENTS=$((SOAK_EVENTS + 1))
	SOAK_KIND[$kind]=$((${SOAK_KIND[$kind]:-0} + 1))
	case $kind in
	failover)
		soak_pick "$h"
		s=$SOAK_PICK
		cut=$(cl_now)
		cl_cut "$h"
		cl_event_at "$cut" "$h cut off (holder)"
		soak_failover "$cut" "$s"
		soak_sleep 1000 3000
		soak_return "$h"
		cl_event "$h back"
		soak_settle
		echo "${SOAK_PFX}event $SOAK_EVENTS: failover $SOAK_DONE, $h -> $s (promote ${CL_PROMOTE_MS} ms); $h back and converged in ${SOAK_SETTLE_S} s"
		;;
	blip)
		soak_pick "$h"
		x=$SOAK_PICK
		cl_cut "$x"
		cl_event "$x cut off (standby)"
		soak_sleep 1000 3000
		soak_return "$x"
		cl_event "$x back"
		soak_settle
		echo "${SOAK_PFX}event $SOAK_EVENTS: standby $x cut off and back, converged in ${SOAK_SETTLE_S} s"
		;;
	double)
		soak_pick "$h"
		x=$SOAK_PICK
		soak_pick "$h" "$x"
		s=$SOAK_PICK
		cl_cut "$x"
		cl_event "$x cut off (standby)"
		soak_sleep 300 700
		cut=$(cl_now)
		cl_cut "$h"
		cl_event_at "$cut" "$h cut off (holder)"
		soak_failover "$cut" "$s"
		soak_sleep 1000 3000
		soak_return "$x"
		soak_return "$h"
		cl_event "$x and $h back"
		soak_settle
		echo "${SOAK_PFX}event $SOAK_EVENTS: standby $x then holder $h cut off, failover $SOAK_DONE to $s (promote ${CL_PROMOTE_MS} ms); both back and converged in ${SOAK_SETTLE_S} s"
		;;
	esac
}

# --- analysis -------------------------------------------------------------

# soak_outages PCAP CUTS END_MS: per failure of CUTS ("MS OLD NEW"), the
# outage on the cluster->peer SAs; over the whole capture, the longest gap
# per SA, the packet rate per 1 s bucket, and which SAs the last holder
# carried in the 2 s before END_MS. One JSON object.
soak_outages() {
	local macs=() n
	for n in "${CL_NODES[@]}"; do macs+=("$n=${CL_MAC[$n]}"); done
	python3 -c '
import bisect, json, socket, struct, sys
pcap, cutsf, end, peer = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4]
names = dict((m.split("=", 1)[1].lower(), m.split("=", 1)[0]) for m in sys.argv[5:])
cuts = []
for line in open(cutsf):
    t, old, new = line.split()
    cuts.append((float(t), old, new))
cuts.sort()
ct = [c[0] for c in cuts]
before = [set() for _ in cuts]	# SPIs with a packet in the 2 s before the cut
resumed = [{} for _ in cuts]	# SPI -> first packet from the new holder after it
spis = {}			# SPI -> [last ms, longest gap ms, last sender, packets]
buckets = {}
senders = {}
total = 0
with open(pcap, "rb") as f:
    hdr = f.read(24)
    e = "<" if struct.unpack("<I", hdr[:4])[0] in (0xa1b2c3d4, 0xa1b23c4d) else ">"
    nano = struct.unpack(e + "I", hdr[:4])[0] == 0xa1b23c4d
    while True:
        rh = f.read(16)
        if len(rh) < 16:
            break
        sec, frac, incl, _ = struct.unpack(e + "IIII", rh)
        d = f.read(incl)
        if len(d) < incl:
            break
        ts = sec * 1000.0 + frac / (1e6 if nano else 1e3)
        if len(d) < 42 or d[12:14] != b"\x08\x00" or d[23] != 50:
            continue
        ihl = (d[14] & 15) * 4
        if socket.inet_ntoa(d[30:34]) != peer or len(d) < 14 + ihl + 8:
            continue
        spi = "0x%08x" % struct.unpack(">I", d[14 + ihl:18 + ihl])[0]
        who = names.get(":".join("%02x" % b for b in d[6:12]), "?")
        total += 1
        senders[who] = senders.get(who, 0) + 1
        s = spis.get(spi)
        if s is None:
            s = spis[spi] = [ts, 0.0, who, 0]
        s[1] = max(s[1], ts - s[0])
        s[0], s[2] = ts, who
        s[3] += 1
        b = int(ts // 1000)
        buckets[b] = buckets.get(b, 0) + 1
        k = bisect.bisect_right(ct, ts) - 1
        if k >= 0 and who == cuts[k][2] and spi not in resumed[k]:
            resumed[k][spi] = ts
        j = bisect.bisect_left(ct, ts)
        if j < len(ct) and ct[j] - ts <= 2000:
            before[j].add(spi)
out = {"packets": total, "senders": senders, "spis": len(spis), "cuts": []}
for k, (t, old, new) in enumerate(cuts):
    r = resumed[k]
    c = {"old": old, "new": new, "expected": len(before[k]),
         "resumed": len([x for x in before[k] if x in r])}
    c["first_ms"] = round(min(r.values()) - t) if r else None
    c["all_ms"] = round(max(r[x] for x in before[k]) - t) if before[k] and c["resumed"] == c["expected"] else None
    out["cuts"].append(c)
gaps = sorted(s[1] for s in spis.values())
out["gap_max_ms"] = round(gaps[-1]) if gaps else None
out["gap_median_ms"] = round(gaps[len(gaps) // 2]) if gaps else None
last = cuts[-1][2] if cuts else None
out["live_at_end"] = len([1 for s in spis.values() if s[0] >= end - 2000 and (last is None or s[2] == last)])
full = sorted(buckets.items())[1:-1]	# whole seconds only
rates = sorted(v for _, v in full)
out["pps_median"] = rates[len(rates) // 2] if rates else 0
out["pps_min"] = rates[0] if rates else 0
out["buckets"] = len(full)
out["buckets_below_half"] = len([v for v in rates if v < out["pps_median"] / 2])
json.dump(out, sys.stdout)
print()
' "$1" "$2" "$3" "$CL_PEER" "${macs[@]}"
}

# --- the whole test -------------------------------------------------------

soak_main() {
	local n t_start t_traffic t_end i nodes_ok reused h kind
	RANDOM=$SOAK_SEED
	[ "$SOAK_ESN" = 1 ] || CL_KINDS=(T U)
	SOAK_PAIRS=$((SOAK_N + ${#CL_KINDS[@]}))
	SOAK_SAS=$((2 * SOAK_PAIRS))
	# 3 policies per tunnel pair, 2 for the transport pair T
	SOAK_POLICIES=$((3 * SOAK_PAIRS - 1))
	echo "${SOAK_PFX}soak: $SOAK_FAILOVERS failovers, $SOAK_N extra SA pairs ($SOAK_SAS SAs, $SOAK_POLICIES policies)," \
		"${SOAK_LOSS}% loss on the HA link, a datagram per SA every $SOAK_INTERVAL ms, seed $SOAK_SEED (SOAK_SEED)"
	t_start=$SECONDS
	pp load_module
	cl_setup 3
	for n in "${CL_NODES[@]}"; do
		check "$n joins the HA link" cl_join "$n"
		check "$n's HA link loses ${SOAK_LOSS}% of its frames" \
			tc -n "$n" qdisc add dev ha0 root netem loss "${SOAK_LOSS}%"
	done
	check "IKE on the peer and n1: $SOAK_SAS SAs and their $SOAK_POLICIES policies; n1 holds the VIP" \
		soak_ipsec_up n1
	check "ESP flows through cluster_lib's SA pairs (${CL_KINDS[*]})" wait_until 15 soak_flowing
	for n in n2 n3; do
		check "$n mirrors the $SOAK_SAS SAs and $SOAK_POLICIES policies" wait_until 60 soak_holds_all "$n"
	done

	for n in "${CL_NODES[@]}"; do
		cl_bg "mon-$n" "$n" "$IPSEC_HA" -j monitor
	done
	check "capture on the peer's LAN port" cl_capture_start soak
	soak_send_start
	for kind in "${CL_KINDS[@]}"; do
		cl_ping_start "$kind" 0.1 100000
	done
	t_traffic=$SECONDS
	cl_event "traffic starts"
	sleep $((2 * slow))

	while [ "$SOAK_DONE" -lt "$SOAK_FAILOVERS" ]; do
		soak_event
		soak_sleep 2000 5000
	done

	sleep $((2 * slow))
	t_end=$(cl_now)
	cl_event "traffic stops"
	soak_send_stop
	for kind in "${CL_KINDS[@]}"; do
		cl_ping_stop "$kind"
	done
	sleep 1
	cl_capture_stop soak
	du -h "$tmp/soak.pcap" | awk -v p="$SOAK_PFX" '{ print p "capture: " $1 }'

	# The verdict.
	h=$CL_VIP_NODE
	cl_analyse "$tmp/soak.pcap" > "$tmp/soak-analyse.json"
	soak_outages "$tmp/soak.pcap" "$tmp/soak-cuts" "$t_end" > "$tmp/soak-outages.json"
	reused=$(jq .reused "$tmp/soak-analyse.json")
	check "$SOAK_DONE failovers done ($SOAK_EVENTS failures: ${SOAK_KIND[failover]:-0} failovers, ${SOAK_KIND[blip]:-0} standby blips, ${SOAK_KIND[double]:-0} double failures)" \
		test "$SOAK_DONE" -ge "$SOAK_FAILOVERS"
	check_eq "every promote succeeded and installed all SAs and policies" 0 "$SOAK_PROMOTE_BAD"
	check_eq "every node that came back lost its SAs and converged to the holder" 0 "$SOAK_UNCONVERGED"
	check_eq "no sequence number sent twice on any SA (capture on the peer)" 0 "$reused"
	if [ "${reused:-0}" != 0 ]; then
		jq -r '.spis | to_entries[] | select(.value.reused > 0) | "#   \(.key): reused \(.value.reused): \(.value.reused_seqs | map("#\(.[0]) by \(.[1] | join("+"))") | join(", "))"' \
			"$tmp/soak-analyse.json" | head -n 20
	fi
	cl_check_peer_clean "the peer counted no replay and no integrity failure" > "$tmp/soak-clean"
	sed -n '1,3p' "$tmp/soak-clean"
	if [ "$(cl_failures peer)" != "0 0" ]; then
		echo "#   SAs with failures on the peer: $(cl_xfrm_stats peer | awk '$8 + $9 + $10 > 0' | wc -l); on cluster_lib's pairs:"
		cl_failures_detail peer | grep -E '0xc[12]00000' || true
		soak_late_report
	fi
	check_eq "the peer's XFRM statistics agree (sequence and protocol errors)" "0 0" \
		"$(cl_xfrm_mib peer XfrmInStateSeqError) $(cl_xfrm_mib peer XfrmInStateProtoError)"
	nodes_ok=0
	for n in "${CL_NODES[@]}"; do
		if wait_until 10 soak_converged "$n" "$h"; then
			nodes_ok=$((nodes_ok + 1))
		else
			echo "#   $(soak_state "$n")"
		fi
	done
	check_eq "every mirror holds the $SOAK_SAS SAs, owned by $h, and the $SOAK_POLICIES policies" 3 "$nodes_ok"
	check_eq "$h's SAD holds the $SOAK_SAS SAs, its SPD the $SOAK_POLICIES policies" \
		"$SOAK_SAS $SOAK_POLICIES" "$(soak_sad_count "$h") $(soak_spd_count "$h")"
	i=$(jq .live_at_end "$tmp/soak-outages.json")
	check_eq "$h carried traffic on every cluster->peer SA at the end" "$SOAK_PAIRS" "$i"

	# The figures.
	for n in "${CL_NODES[@]}"; do
		echo "${SOAK_PFX}$(soak_state "$n")"
	done
	soak_summary "$t_start" "$t_traffic"
	if [ -n "$SOAK_OUT" ]; then
		mkdir -p "$SOAK_OUT"
		cp "$tmp/soak-analyse.json" "$tmp/soak-outages.json" "$tmp/soak-cuts" "$tmp/soak-clean" "$SOAK_OUT/"
		for n in "${CL_NODES[@]}"; do
			cl_stop "mon-$n"
			cp "$tmp/mon-$n.log" "$SOAK_OUT/monitor-$n.json"
			ha "$n" -j sa list > "$SOAK_OUT/sa-$n.json"
		done
		cl_timeline > "$SOAK_OUT/timeline"
		for n in "${CL_NODES[@]}"; do
			ha "$n" -j stats > "$SOAK_OUT/stats-$n.json"
		done
		echo "${SOAK_PFX}findings kept in $SOAK_OUT"
	fi
}

# soak_late_report: the packets the capture saw arrive 64 or more behind
# the highest sequence number of their SA (a peer drops them as outside its
# replay window): who sent each and when, who sent the highest before it,
# and the events of the timeline from 3 s before to 1 s after it.
soak_late_report() {
	local ms
	jq -r '.spis | to_entries[] | .key as $spi | .value.late_pkts[]? |
		"\(.ms | floor) \($spi) #\(.seq) from \(.sender) (IP ID \(.ip_id)); highest before: #\(.top) from \(.top_sender), \(.ms - .top_ms | floor) ms earlier" +
		(if .prev then "; \(.sender)'"'"'s packet before it on the SA: #\(.prev.seq) (IP ID \(.prev.ip_id)), \(.ms - .prev.ms | floor) ms earlier" else "" end)' \
		"$tmp/soak-analyse.json" |
	while read -r ms rest; do
		echo "#   late packet at $ms: $rest"
		awk -v t="$ms" '$1 >= t - 3000 && $1 <= t + 1000 {
			d = $1 - t; $1 = ""; printf "#     %+6d ms%s\n", d, $0 }' "$tmp/timeline" | sort -n -k2
	done
}

# soak_summary START TRAFFIC_START: the figures of the run.
soak_summary() {
	local p=$SOAK_PFX o=$tmp/soak-outages.json an=$tmp/soak-analyse.json kind
	echo "${p}summary:"
	echo "${p}  failovers: $SOAK_DONE (failures: $SOAK_EVENTS; ${SOAK_KIND[failover]:-0} failovers, ${SOAK_KIND[blip]:-0} standby blips, ${SOAK_KIND[double]:-0} double)"
	echo "${p}  duration: $((SECONDS - $1)) s in all, $((SECONDS - $2)) s of traffic"
	echo "${p}  srv sent $SOAK_SENT datagrams ($SOAK_SEND_ERRORS send errors) on $SOAK_N SAs"
	for kind in "${CL_KINDS[@]}"; do
		echo "${p}  ping $kind: ${CL_TX[$kind]} sent, ${CL_RX[$kind]} answered"
	done
	jq -r --arg p "$p" '"\($p)  ESP packets captured: \(.packets) (cluster->peer \(
		[.spis[] | select(.dir == "to_peer") | .packets] | add // 0), peer->cluster \(
		[.spis[] | select(.dir == "from_peer") | .packets] | add // 0)); reused: \(.reused); late by 64 or more: \(
		[.spis[] | select(.dir == "to_peer") | .late] | add // 0)"' "$an"
	jq -r --arg p "$p" '"\($p)  cluster->peer: \(.packets) packets on \(.spis) SAs, by sender \(.senders | tostring);" +
		" \(.pps_median) packets/s (median of \(.buckets) 1 s buckets, lowest \(.pps_min), \(.buckets_below_half) below half the median)",
		"\($p)  longest gap on one SA: \(.gap_max_ms) ms (median over the SAs of each SA'"'"'s longest: \(.gap_median_ms) ms)"' "$o"
	echo "${p}  replay / integrity failures on the peer: $(cl_failures peer | tr ' ' /)"
	echo "${p}  split-brain events (monitor): $(for n in "${CL_NODES[@]}"; do printf '%s %s ' "$n" "$(grep -c split-brain "$tmp/mon-$n.log")"; done)"
	echo "${p}  SAs in every mirror: $(for n in "${CL_NODES[@]}"; do printf '%s %s ' "$n" "$(ha "$n" -j sa list | jq length)"; done)(of $SOAK_SAS)"
	echo "${p}  promote, command wall time (ms): $(printf '%s\n' "${SOAK_PROMOTE_MS[@]}" | sort -n | awk '{ a[NR] = $1 } END { printf "min %d, median %d, max %d", a[1], a[int((NR + 1) / 2)], a[NR] }')"
	echo "${p}  outage per failover (ms from the cut to the new holder's first packet on any SA / on every SA that carried traffic before):"
	jq -r --arg p "$p" '.cuts | to_entries[] | "\($p)    \(.key + 1): \(.value.old) -> \(.value.new): \(.value.first_ms // "none") / \(.value.all_ms // "-")" +
		(if .value.resumed < .value.expected then " (\(.value.resumed) of \(.value.expected) SAs resumed before the next cut)" else "" end)' "$o"
	jq -r --arg p "$p" '[.cuts[] | .all_ms | select(. != null)] | sort |
		if length > 0 then "\($p)  outage on every SA: median \(.[length / 2 | floor]) ms, max \(.[-1]) ms" else empty end' "$o"
}
