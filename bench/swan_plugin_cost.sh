#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What the ipsec-ha charon plugin costs the node that owns the IKE SAs.
# On swan_lib.sh's cluster (P, n1 master, n2 backup, the module mirroring
# n1's SAs on n2), P's charon runs strongSwan's load-tester plugin
# (bench/swan_ldt.sh) and n1 answers, in two modes:
#
#   (w) with the plugin on the nodes: n1's charon publishes each IKE SA's
#       context to the module as it changes;
#   (o) without it: plain charon (the module still mirrors the ESP SAs).
#
# Two measures, each mode in a fresh cluster, ROUNDS rounds interleaved
# (w o w o ...), medians:
#
#   set-up: load-tester initiates N IKE SAs at once (one CHILD SA each);
#           the time until all are established gives n1's rate of IKE SA
#           set-ups (an IKE_SA_INIT and an IKE_AUTH exchange each).
#   DPD:    then every IKE SA of P sends a DPD (an empty INFORMATIONAL)
#           when it was idle for DPD_DELAY s: an offered load of N /
#           DPD_DELAY exchanges a second. Over WINDOW s, the INFORMATIONAL
#           responses n1 sent (capture on P's lan0) give its exchange rate,
#           and n1's ike-updates counter the context updates the plugin
#           published a second.
#
# The ratio (w)/(o) of each rate is the plugin's cost (1.0: none).
#
# MODES="w k o" adds a third mode, run in the same interleaving:
#   (k) the plugin with mid_publish_interval = 1: every Message ID move
#       published (the plugin's behaviour before that option), so that
#       the option's gain is measured side by side.
#
#   bench/swan_ldt.sh --build       (host) build load-tester into build/strongswan
#   tools/vm/run -k 6.1 -m 4096 -t 3600 -- bench/swan_plugin_cost.sh [N]
#
# Settings (environment): ROUNDS (3), DPD_DELAY (1 s), WINDOW (20 s).

# Functions run through check and wait_until:
# shellcheck disable=SC2317

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
# shellcheck source=bench/swan_ldt.sh
source "$here/swan_ldt.sh"

n=${1:-300}
case $n in ''|*[!0-9]*|0) echo "usage: $0 [N]" >&2; exit 2 ;; esac

# --- the parent: rounds, medians, ratios ------------------------------------

if [ -z "${SWAN_COST_MODE:-}" ]; then
	[ -e "$LDT_SO" ] || { echo "# SKIP: $LDT_SO missing (run bench/swan_ldt.sh --build on the host)"; exit 4; }
	rounds=${ROUNDS:-3}
	declare -A res=()	# "MODE KEY" -> values of the rounds
	echo "# $n IKE SAs, $rounds round(s), modes (w) with the plugin and (o) without, interleaved"
	for r in $(seq 1 "$rounds"); do
		for m in ${MODES:-w o}; do
			echo "# round $r, mode ($m)"
			out=$(mktemp)
			SWAN_COST_MODE=$m "$0" "$n" 2>&1 | tee "$out"
			line=$(grep '^result ' "$out" | tail -n 1)
			rm -f "$out"
			[ -n "$line" ] || { echo "# round $r, mode ($m): no result"; continue; }
			for kv in ${line#result }; do
				res["$m ${kv%%=*}"]+=" ${kv#*=}"
			done
		done
	done
	med() {
		local v
		read -r -a v <<< "${res["$1 $2"]:-}"
		if [ ${#v[@]} = 0 ]; then echo -; else median "${v[@]}"; fi
	}
	rounds_of() { echo "${res["$1 $2"]# }"; }
	ratio() { awk -v w="$1" -v o="$2" 'BEGIN { if (o + 0 > 0 && w != "-") printf "%.2f", w / o; else print "-" }'; }
	# Rates are kept in thousandths (integers for the median).
	rate() { awk -v x="$1" 'BEGIN { if (x == "-") print "-"; else printf "%.1f", x / 1000 }'; }
	echo "== plugin cost on n1, $n IKE SAs (medians over $rounds round(s))"
	echo "set-up of $n IKE SAs: (w) $(med w setup_ms) ms = $(rate "$(med w setup_rate)") IKE SAs/s" \
		"(rounds: $(rounds_of w setup_ms)); (o) $(med o setup_ms) ms = $(rate "$(med o setup_rate)") IKE SAs/s" \
		"(rounds: $(rounds_of o setup_ms)); ratio (w)/(o) of the rates: $(ratio "$(med w setup_rate)" "$(med o setup_rate)")"
	echo "    context updates the plugin published during the set-up: $(med w setup_updates)" \
		"($(rate "$(med w setup_upd_rate)")/s)"
	echo "DPD, offered $n/${DPD_DELAY:-1} s: n1 answered (w) $(rate "$(med w dpd_rate)") and" \
		"(o) $(rate "$(med o dpd_rate)") INFORMATIONAL exchanges/s; ratio (w)/(o): $(ratio "$(med w dpd_rate)" "$(med o dpd_rate)")"
	echo "    context updates the plugin published: $(rate "$(med w dpd_upd_rate)")/s" \
		"(rounds: $(rounds_of w dpd_upd_rate) thousandths), $(med w upd_per_ex) thousandths per exchange"
	if [ -n "${res["k dpd_rate"]:-}" ]; then
		echo "(k) every Message ID move published: n1 answered $(rate "$(med k dpd_rate)") INFORMATIONAL exchanges/s;" \
			"ratio (k)/(o): $(ratio "$(med k dpd_rate)" "$(med o dpd_rate)"), (w)/(k): $(ratio "$(med w dpd_rate)" "$(med k dpd_rate)")"
		echo "    context updates: $(rate "$(med k dpd_upd_rate)")/s, $(med k upd_per_ex) thousandths per exchange;" \
			"set-up ratio (k)/(o): $(ratio "$(med k setup_rate)" "$(med o setup_rate)")"
	fi
	exit 0
fi

# --- a child: one mode in a fresh cluster -----------------------------------

mode=$SWAN_COST_MODE
[ "$mode" = o ] && SWAN_PLUGIN=
[ "$mode" = k ] && SWAN_PLUGIN_CONF="mid_publish_interval = 1"
# shellcheck source=selftests/swan_lib.sh
source "$top/selftests/swan_lib.sh"
require
DPD_DELAY=${DPD_DELAY:-1}
WINDOW=${WINDOW:-20}
ldt_setup "$DPD_DELAY"
sw_require

upd() { stat_field n1 ike_updates; }

echo "# mode ($mode): $(case $mode in w) echo "ipsec-ha plugin on the nodes" ;; k) echo "ipsec-ha plugin, every Message ID move published" ;; *) echo "plain charon" ;; esac), $n IKE SAs"
pp load_module
sw_setup 2
ldt_routes
sw_keepalived_up
check "P's charon loaded load-tester" p_loaded

u0=$(upd)
t0=$(cl_now)
ldt_initiate "$n" 0 > "$tmp/setup.out" 2>&1
t1=$(cl_now)
u1=$(upd)
setup_ms=$((t1 - t0))
check_eq "P's load-tester establishes $n IKE SAs with the VIP (n1) ($setup_ms ms)" \
	"established=$n failed=0" "$(grep -o 'established=[0-9]* failed=[0-9]*' "$tmp/setup.out")"
echo "# set-up: $(cat "$tmp/setup.out")"
check_eq "n1 has $n IKE SAs" "$n" "$(ike_sas n1)"
if [ "$mode" != o ]; then
	check "n1's plugin published during the set-up" test "$((u1 - u0))" -ge "$n"
else
	check_eq "n1 without the plugin published nothing" 0 "$((u1 - u0))"
fi

# DPD: let the set-up's backlog drain (one DPD_DELAY and then some), then
# count over WINDOW s.
sleep $((2 * DPD_DELAY + 2))
check "capture of IKE on P's LAN port" cl_capture_start ike 128 'udp port 500 or udp port 4500'
u2=$(upd)
t2=$(cl_now)
sleep "$WINDOW"
u3=$(upd)
t3=$(cl_now)
sw_capture_stop ike
sw_ike_msgs "$tmp/ike.pcap" > "$tmp/ike.json"
dpd=$(jq -s --argjson a "$t2" --argjson b "$t3" \
	'[.[] | select(.exchange == 37 and .response and .sender == "n1" and .ms >= $a and .ms < $b)] | length' \
	"$tmp/ike.json")
win_ms=$((t3 - t2))
echo "# DPD window: $dpd INFORMATIONAL responses from n1 in $win_ms ms, $((u3 - u2)) context updates"
check "n1 answered DPDs" test "$dpd" -gt 0
check_eq "P still has $n IKE SAs" "$n" "$(ike_sas P)"
check "no error in n1's charon log" sw_log_errors n1

# Rates in thousandths a second.
setup_rate=$((n * 1000000 / setup_ms))
setup_upd_rate=$(((u1 - u0) * 1000000 / setup_ms))
dpd_rate=$((dpd * 1000000 / win_ms))
dpd_upd_rate=$(((u3 - u2) * 1000000 / win_ms))
upd_per_ex=-
[ "$dpd" = 0 ] || upd_per_ex=$(((u3 - u2) * 1000 / dpd))
echo "result mode=$mode n=$n setup_ms=$setup_ms setup_rate=$setup_rate setup_updates=$((u1 - u0))" \
	"setup_upd_rate=$setup_upd_rate dpd=$dpd dpd_rate=$dpd_rate dpd_upd_rate=$dpd_upd_rate upd_per_ex=$upd_per_ex"
finish
