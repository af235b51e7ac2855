#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# N tunnels through a takeover, with and without ipsec-ha (the problem of
# RFC 6027 section 3.1: a peer whose gateway failed renegotiates every IKE
# SA at once). On swan_lib.sh's cluster (P, n1 active, n2 standby),
# P's charon runs strongSwan's load-tester plugin and initiates N IKE SAs
# to the VIP 192.0.2.1, one CHILD SA (tunnel) each, each from its own
# address in 10.200.0.0/16 on P's lan0 (PSK, aes128-sha256-x25519, ESP
# aes128gcm16, no rekeys). Every tunnel carries one UDP echo a second
# (ECHO_INTERVAL) from its address to an echo service on the VIP. n1 is
# cut off; keepalived on n2 takes the VIP; the bench measures the time
# from the cut until every tunnel's echo works again, in two modes:
#
#   (a) ipsec-ha: the nodes run the ipsec-ha charon plugin; n2's notify
#       script promotes, the plugin rebuilds the N IKE SAs; P does nothing.
#   (b) without it: plain charon on the nodes and a notify script that
#       takes nothing over (the module mirrors but never promotes). P's
#       tunnels are dead and P must renegotiate: as soon as keepalived on
#       n2 is master (the bench watches it: a detection as fast as
#       keepalived's own, which no DPD setting gets near), P drops its IKE
#       SAs (swanctl --terminate --force: nothing is sent that matters,
#       n2 knows none of them) and load-tester initiates N new ones at
#       once, as a peer's DPD with restart would, minus the DPD timeout.
#
# Each round runs (a) then (b), each in a fresh cluster (this script runs
# itself with SWAN_TUNNELS_MODE set); ROUNDS rounds (default 1),
# interleaved. Printed per mode: the median time from the cut until all N
# tunnels echo again and the IKE_SA_INIT requests P sent after the cut
# (capture on P's lan0); the ratio (b)/(a); the split of (a): detection
# (cut -> keepalived's log on n2 says MASTER, polled every 50 ms), the
# notify script's start and its promote time, the IKE import (n2's charon log: "ipsec-ha: took over N
# IKE_SAs in X ms"), first and last tunnel's echo; the split of (b):
# detection, P's terminate, load-tester's re-initiation, first and last
# echo. A tunnel's echo runs once per ECHO_INTERVAL, so its "works again"
# is late by up to that interval: the time until every tunnel echoes again
# is an upper bound, by about ECHO_INTERVAL.
#
# In (a) the echoes come back once promote installed the ESP SAs; the
# plugin's IKE import goes on after that (the run waits for its summary
# line, so that the capture holds every Message ID sync). In (b) P's
# terminate is serial in one charon (N peers would each drop their own
# at once): the summary also gives (b) without it, a lower bound.
#
#   bench/swan_ldt.sh --build           (host) build load-tester into build/strongswan
#   tools/vm/run -k 6.1 -m 4096 -t 2400 -- bench/swan_tunnels.sh [N]
#
# Settings (environment): ROUNDS (1), NODES (2: n1, n2; 3 adds n3),
# ECHO_INTERVAL (1 s), SETUP_DELAY (ms between initiations when setting
# the tunnels up, 5), REINIT_DELAY (the same for (b)'s renegotiation, 0:
# all at once), SW_ADVERT_INT (keepalived, 0.2 s).

# Functions run through check and wait_until:
# shellcheck disable=SC2317

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
# shellcheck source=bench/swan_ldt.sh
source "$here/swan_ldt.sh"

n=${1:-1000}
case $n in ''|*[!0-9]*|0) echo "usage: $0 [N] | --build" >&2; exit 2 ;; esac

# --- the parent: rounds, medians, ratio -----------------------------------

if [ -z "${SWAN_TUNNELS_MODE:-}" ]; then
	[ -e "$LDT_SO" ] || { echo "# SKIP: $LDT_SO missing (run bench/swan_ldt.sh --build on the host)"; exit 4; }
	rounds=${ROUNDS:-1}
	declare -A res=()	# "MODE KEY" -> values of the rounds
	run_dir=${IPSEC_HA_RUN_DIR:-}
	echo "# $n tunnels, $rounds round(s), modes (a) ipsec-ha and (b) renegotiation, interleaved"
	for r in $(seq 1 "$rounds"); do
		for m in a b; do
			echo "# round $r, mode ($m)"
			out=$(mktemp)
			SWAN_TUNNELS_MODE=$m IPSEC_HA_RUN_DIR=${run_dir:+$run_dir/round$r-$m} \
				"$0" "$n" 2>&1 | tee "$out"
			line=$(grep '^result ' "$out" | tail -n 1)
			rm -f "$out"
			[ -n "$line" ] || { echo "# round $r, mode ($m): no result"; continue; }
			for kv in ${line#result }; do
				res["$m ${kv%%=*}"]+=" ${kv#*=}"
			done
		done
	done
	# med MODE KEY: the median of KEY over the rounds of MODE ("-" if none)
	med() {
		local v
		read -r -a v <<< "${res["$1 $2"]:-}"
		v=("${v[@]/-/}")
		read -r -a v <<< "${v[*]}"
		if [ ${#v[@]} = 0 ]; then echo -; else median "${v[@]}"; fi
	}
	rounds_of() { echo "${res["$1 $2"]# }"; }
	echo "== $n tunnels, cut of n1 -> every tunnel echoes again (medians over $rounds round(s))"
	echo "(a) ipsec-ha:     $(med a all_ms) ms (rounds: $(rounds_of a all_ms)); tunnels back $(med a ok)/$n;" \
		"IKE_SA_INIT requests from P after the cut: $(med a init_req)"
	echo "    detection (cut -> keepalived on n2 master) $(med a detect_ms) ms, notify script started $(med a notify_ms) ms after the cut," \
		"its promote $(med a promote_ms) ms," \
		"IKE import $(med a import_ms) ms for $(med a import_n) IKE_SAs (done $(med a import_end_ms) ms after the cut)," \
		"first echo $(med a first_ms) ms, last echo $(med a all_ms) ms after the cut;" \
		"MID sync INFORMATIONAL requests from n2: $(med a info_req)"
	echo "(b) renegotiate:  $(med b all_ms) ms (rounds: $(rounds_of b all_ms)); tunnels back $(med b ok)/$n;" \
		"IKE_SA_INIT requests from P after the cut: $(med b init_req) for $(med b init_sas) IKE SAs"
	echo "    detection (cut -> keepalived on n2 master) $(med b detect_ms) ms = P reacts," \
		"terminate $(med b term_ms) ms, re-initiation of $n IKE SAs $(med b reinit_ms) ms ($(med b reinit_ok) established)," \
		"first echo $(med b first_ms) ms, last echo $(med b all_ms) ms after the cut"
	# P's terminate of N IKE SAs runs one after the other in one charon:
	# N peers would drop theirs in parallel. (b) without it is a lower
	# bound for the renegotiation.
	awk -v a="$(med a all_ms)" -v b="$(med b all_ms)" -v t="$(med b term_ms)" 'BEGIN {
		if (a + 0 > 0 && b + 0 > 0)
			printf "ratio (b)/(a): %.1fx; without P'"'"'s terminate (%d ms), (b) is %d ms: %.1fx\n",
				b / a, t, b - t, (b - t) / a
		else print "ratio (b)/(a): -" }'
	exit 0
fi

# --- a child: one mode in a fresh cluster ---------------------------------

mode=$SWAN_TUNNELS_MODE
[ "$mode" = b ] && SWAN_PLUGIN=
# shellcheck source=selftests/swan_lib.sh
source "$top/selftests/swan_lib.sh"
require

NODES=${NODES:-2}
ECHO_INTERVAL=${ECHO_INTERVAL:-1}
SETUP_DELAY=${SETUP_DELAY:-5}
REINIT_DELAY=${REINIT_DELAY:-0}
ECHO_PORT=7777

ldt_setup 0
sw_require

if [ "$mode" = b ]; then
	# keepalived's notify script with a tool that takes nothing over
	# (same script, same log lines and times as in mode (a)).
	printf '#!/bin/sh\necho "no takeover (mode without ipsec-ha)"\n' > "$tmp/no-takeover"
	printf '#!/bin/sh\nIPSEC_HA=%s exec %s "$@"\n' "$tmp/no-takeover" "$SW_NOTIFY" > "$tmp/notify-b"
	chmod +x "$tmp/no-takeover" "$tmp/notify-b"
	SW_NOTIFY=$tmp/notify-b
fi

# --- the echo service and its clients ---------------------------------------

# echo_server: a UDP echo on VIP:ECHO_PORT (IP_FREEBIND: bound before the
# node holds the VIP), answering from the VIP, so that the answer takes
# the tunnel back.
echo_server_src() {
	cat <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_IP, 15, 1)  # IP_FREEBIND
s.bind((sys.argv[1], int(sys.argv[2])))
while True:
    d, a = s.recvfrom(64)
    try:
        s.sendto(d, a)
    except OSError:
        pass
PY
}

# echo_client: on P, one socket per address of LDT_NET on lan0 (rescanned
# every 0.5 s: addresses come and go with load-tester's IKE SAs), one echo
# per ECHO_INTERVAL each, staggered. An echo counts for a tunnel when it
# was sent at or after the mark (ms, read from a file) and came back from
# the VIP (P's inbound policy lets only ESP-carried ones through). Writes
# a status (JSON) every 0.5 s; the per-address times on SIGTERM.
echo_client_src() {
	cat <<'PY'
import ipaddress, json, os, random, selectors, signal, socket, struct, subprocess, sys, time

dst, port, net, interval, status, markf, dump = sys.argv[1:8]
port, interval, net = int(port), float(interval), ipaddress.ip_network(net)
sel = selectors.DefaultSelector()
socks = {}      # address -> [socket, next send time]
ok = {}         # address -> ms its first echo sent after the mark came back
mark = 0
sent = rcvd = errs = 0
now_ms = lambda: int(time.time() * 1000)

def scan():
    out = subprocess.run(["ip", "-o", "-4", "addr", "show", "dev", "lan0"],
                         capture_output=True, text=True).stdout
    have = set()
    for line in out.splitlines():
        a = line.split()[3].split("/")[0]
        if ipaddress.ip_address(a) in net:
            have.add(a)
    for a in list(socks):
        if a not in have:
            sel.unregister(socks[a][0])
            socks[a][0].close()
            del socks[a]
    t = time.time()
    for a in have - socks.keys():
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setblocking(False)
        try:
            s.bind((a, 0))
        except OSError:
            s.close()
            continue
        sel.register(s, selectors.EVENT_READ, a)
        socks[a] = [s, t + random.uniform(0, interval)]

def write_status():
    cur = [ok[a] for a in socks if a in ok]
    st = {"t": now_ms(), "addrs": len(socks), "mark": mark, "ok": len(cur),
          "first_ms": min(cur) if cur else None,
          "all_ms": max(cur) if cur and len(cur) == len(socks) else None,
          "sent": sent, "rcvd": rcvd, "errs": errs}
    with open(status + ".new", "w") as f:
        json.dump(st, f)
    os.replace(status + ".new", status)

def finish(*_):
    with open(dump, "w") as f:
        json.dump({"mark": mark, "ok": {a: ok.get(a) for a in socks}}, f)
    sys.exit(0)

signal.signal(signal.SIGTERM, finish)
next_scan = next_status = next_mark = 0
while True:
    t = time.time()
    if t >= next_mark:
        try:
            with open(markf) as f:
                m = int(f.read().strip() or 0)
        except (OSError, ValueError):
            m = mark
        if m != mark:
            mark, ok = m, {}
        next_mark = t + 0.05
    if t >= next_scan:
        scan()
        next_scan = t + 0.5
    if t >= next_status:
        write_status()
        next_status = t + 0.5
    for a, e in socks.items():
        if e[1] <= t:
            try:
                e[0].sendto(struct.pack("!Q", now_ms()), (dst, port))
                sent += 1
            except OSError:
                errs += 1
            e[1] = max(e[1] + interval, t)
    for key, _ in sel.select(0.02):
        s, a = key.fileobj, key.data
        try:
            d, src = s.recvfrom(64)
        except OSError:
            continue
        if src[0] != dst or len(d) < 8:
            continue
        rcvd += 1
        sent_ms = struct.unpack("!Q", d[:8])[0]
        if sent_ms >= mark and a not in ok:
            ok[a] = now_ms()
PY
}

# echo_status FIELD: a field of the echo client's status.
echo_status() { jq -r ".$1 // empty" "$tmp/echo.json" 2> /dev/null; }
# echo_all_ok: every tunnel of P (N addresses) echoed since the mark.
echo_all_ok() {
	[ "$(echo_status addrs)" = "$n" ] && [ -n "$(echo_status all_ms)" ]
}
echo_mark() { echo "$1" > "$tmp/echo.mark.new" && mv "$tmp/echo.mark.new" "$tmp/echo.mark"; }

ms_now() { cl_now; }

# --- the run ----------------------------------------------------------------

echo "# mode ($mode): $( [ "$mode" = a ] && echo "ipsec-ha plugin on the nodes" || echo "plain charon, no takeover") , $n tunnels"
pp load_module
sw_setup "$NODES"
ldt_routes
for nd in "${CL_NODES[@]}"; do
	cl_bg "echo-$nd" "$nd" python3 -c "$(echo_server_src)" "$CL_VIP" "$ECHO_PORT"
done
sw_keepalived_up

check "P's charon loaded load-tester" p_loaded
t0=$(ms_now)
ldt_initiate "$n" "$SETUP_DELAY" > "$tmp/setup.out" 2>&1
setup_ms=$(( $(ms_now) - t0 ))
check_eq "P's load-tester establishes $n IKE SAs with the VIP (n1) ($setup_ms ms)" \
	"established=$n failed=0" "$(grep -o 'established=[0-9]* failed=[0-9]*' "$tmp/setup.out")"
echo "# set-up: $(cat "$tmp/setup.out")"
if ! grep -q "established=$n failed=0" "$tmp/setup.out"; then
	echo "# P's addresses, neighbours, routes, policies, counters:"
	{
		ip -n peer -br addr
		ip -n peer neigh
		ip -n peer route get "$CL_VIP" from 10.200.0.1
		ip -n peer xfrm policy
		ip netns exec peer nstat -az | grep -v ' 0 *0.0$'
		ip -n n1 -br addr
		ip -n n1 route
		ip netns exec n1 nstat -az | grep -v ' 0 *0.0$'
		for f in "$tmp"/charon-*.log; do echo "== $f"; grep -E 'error|failed' "$f" | head -n 5; done
	} 2>&1 | sed 's/^/#   /'
	finish
fi
check_eq "P has $n IKE SAs" "$n" "$(ike_sas P)"
check_eq "n1 has $n IKE SAs" "$n" "$(ike_sas n1)"
n_mirror() {	# NODE mirrors 2N ESP SAs (and, in mode a, N IKE contexts)
	local sas ikes
	sas=$(ha "$1" -j sa list | jq length)
	[ "$sas" -ge $((2 * n)) ] || { sw_why "$1 mirrors $sas ESP SAs"; return 1; }
	[ "$mode" = b ] && return 0
	ikes=$(ha "$1" -j ike list | jq length)
	[ "$ikes" -ge "$n" ] || { sw_why "$1 mirrors $ikes IKE contexts"; return 1; }
}
check "n2 mirrors $((2 * n)) ESP SAs$([ "$mode" = a ] && echo " and $n IKE contexts")" \
	sw_wait $((60 + n / 10)) n_mirror n2

echo_mark 0
cl_bg echo-client peer python3 -c "$(echo_client_src)" "$CL_VIP" "$ECHO_PORT" "$LDT_NET" \
	"$ECHO_INTERVAL" "$tmp/echo.json" "$tmp/echo.mark" "$tmp/echo-dump.json"
check "every tunnel echoes ($n)" wait_until $((60 + n / 10)) echo_all_ok
echo "# echo client: $(cat "$tmp/echo.json" 2> /dev/null)"
check "capture of IKE on P's LAN port" \
	cl_capture_start ike 256 'udp port 500 or udp port 4500'
sleep $((2 * ECHO_INTERVAL))
check_eq "n2 is backup before the cut" BACKUP "$(sw_vrrp_state n2)"

# The cut is done when cl_cut returns (its links are down): echoes sent
# from then on can only come back through n2.
cl_cut n1
cut=$(ms_now)
echo_mark "$cut"
cl_event_at "$cut" "n1 cut off"
limit=$((120 + n / 5))
react_ms=- term_ms=- reinit_ms=- reinit_ok=-
# keepalived's log says MASTER (polled every 50 ms): the detection
end=$((SECONDS + 30))
until sw_vrrp_is n2 MASTER || [ $SECONDS -ge $end ]; do sleep 0.05; done
vrrp=$(ms_now)
vrrp_ms=$((vrrp - cut))
if [ "$mode" = b ]; then
	# P's reaction, as soon as keepalived on n2 is master: drop the IKE
	# SAs, initiate N new ones
	react=$vrrp
	react_ms=$((react - cut))
	sw P --terminate --ike load-test --force > "$tmp/terminate.out" 2>&1
	t1=$(ms_now)
	term_ms=$((t1 - react))
	ldt_initiate "$n" "$REINIT_DELAY" > "$tmp/reinit.out"
	reinit_ms=$(( $(ms_now) - t1 ))
	reinit_ok=$(sed -n 's/^established=\([0-9]*\).*/\1/p' "$tmp/reinit.out")
	echo "# P: terminate: $(tail -n 1 "$tmp/terminate.out")"
	echo "# P: re-initiation: $(cat "$tmp/reinit.out") in $reinit_ms ms"
fi
check "keepalived on n2 becomes master" wait_until 30 sw_notified n2 master
master=$(awk '/ master: / { print $1 }' "$SW_NOTIFY_LOG.n2" | tail -n 1)
notify_ms=$((master - cut))
promote_ms=$(sw_promote_ms n2)
sw_notify_lines n2 | tail -n 1 | sed 's/^/# notify: /'
check "every tunnel echoes again" wait_until "$limit" echo_all_ok
echo "# echo client: $(cat "$tmp/echo.json" 2> /dev/null)"
ok_count=$(echo_status ok)
first=$(echo_status first_ms)
all=$(echo_status all_ms)
first_ms=$([ -n "$first" ] && echo $((first - cut)) || echo -)
all_ms=$([ -n "$all" ] && echo $((all - cut)) || echo -)
# The ESP SAs carry the echoes as soon as promote installed them; the
# plugin rebuilds the IKE SAs after that, one by one (and each sends its
# Message ID sync): wait for its summary line before the capture ends.
import_done() { grep -q 'ipsec-ha: took over [0-9]* IKE_SAs in' "$(sw_log n2)"; }
[ "$mode" = b ] || check "n2's plugin finished the takeover" wait_until "$limit" import_done
sleep 2
sw_capture_stop ike

import_line=$(grep 'ipsec-ha: took over [0-9]* IKE_SAs in' "$(sw_log n2)" | tail -n 1)
import_n=- import_ms=- import_end_ms=-
if [ -n "$import_line" ]; then
	echo "# n2: ${import_line}"
	import_n=$(sed -n 's/.*took over \([0-9]*\) IKE_SAs in \([0-9]*\) ms.*/\1/p' <<< "$import_line")
	import_ms=$(sed -n 's/.*took over \([0-9]*\) IKE_SAs in \([0-9]*\) ms.*/\2/p' <<< "$import_line")
	t=$(log_ms "$import_line")
	[ -z "$t" ] || import_end_ms=$((t - cut))
fi
sw_ike_msgs "$tmp/ike.pcap" > "$tmp/ike.json"
init_req=$(jq -s --argjson c "$cut" '[.[] | select(.exchange == 34 and (.response | not) and .ms > $c)] | length' "$tmp/ike.json")
init_sas=$(jq -s --argjson c "$cut" '[.[] | select(.exchange == 34 and (.response | not) and .ms > $c) | .spi_i] | unique | length' "$tmp/ike.json")
info_req=$(jq -s --argjson c "$cut" '[.[] | select(.exchange == 37 and (.response | not) and .sender == "n2" and .ms > $c)] | length' "$tmp/ike.json")

if [ "$mode" = a ]; then
	check_eq "n2's plugin took over $n IKE SAs" "$n" "$import_n"
	check_eq "P sent no IKE_SA_INIT after the cut" 0 "$init_req"
	check_eq "P still has $n IKE SAs" "$n" "$(ike_sas P)"
	check "no error in n2's charon log" sw_log_errors n2
fi
check_eq "every tunnel echoes again ($n)" "$n" "$ok_count"
echo "# n2: $(ike_sas n2) IKE SAs ($(half_open n2) half-open); P: $(ike_sas P)"

echo "result mode=$mode n=$n all_ms=$all_ms ok=${ok_count:--} first_ms=$first_ms detect_ms=$vrrp_ms notify_ms=$notify_ms" \
	"promote_ms=${promote_ms:--} import_n=$import_n import_ms=$import_ms import_end_ms=$import_end_ms" \
	"init_req=$init_req init_sas=$init_sas info_req=$info_req react_ms=$react_ms term_ms=$term_ms" \
	"reinit_ms=$reinit_ms reinit_ok=${reinit_ok:--} setup_ms=$setup_ms"
cl_stop echo-client
finish
