#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The outage of a takeover in the real cluster (selftests/swan_lib.sh:
# strongSwan on the peer P and on nodes n1..n3, keepalived calling
# tools/keepalived/ipsec-ha-notify, the ipsec-ha charon plugin), split into
# its phases, over ROUNDS takeovers (default 5), with the median of each:
#
#   tools/vm/run -k 6.1 -m 2048 -t 1800 -- bench/swan_outage.sh
#
# Each round cuts the node that holds the VIP; keepalived on the next one
# becomes master and calls the notify script, which promotes; that node's
# charon rebuilds the IKE SA (one IKE SA, CHILD SAs u and e). Then the cut
# node comes back (backup: nopreempt), the mirrors settle, and the next
# round cuts the new master. Only pings run (P -> srv through u and e,
# every 20 ms), so the first ESP packet the new node sends P is the answer
# to a packet of P's it accepted.
#
# The phases, in ms, each from the end of the one before:
#   detect   the cut -> the VIP on the new master's lan0 (keepalived, VRRP;
#            ip -ts monitor address)
#   notify   the VIP -> the start of the promote in the notify script (its
#            log: keepalived's fork, the script's start, what it runs first)
#   promote  the promote as the notify script timed it (the tool's exec,
#            its netlink request, and what the script runs to time it);
#            kernel: the module's share, as the tool reports it
#   import   the promote's end -> charon's "ipsec-ha: took over IKE_SA"
#            (plugin: the import job's own time, from its log)
#   esp      the VIP -> the first ESP packet of the new node on P's wire
#   after    the VIP -> the later of import and esp: the whole path after
#            detection
#
# Before and after side by side: OUTAGE_OLD=DIR runs the same rounds with
# DIR/ipsec-ha-notify, DIR/libstrongswan-ipsec-ha.so and (when there)
# DIR/ipsec-ha instead of this tree's, e.g. from an older commit:
#   git worktree add /tmp/old REV && make -C /tmp/old &&
#   mkdir -p build/outage-old && cp /tmp/old/tools/keepalived/ipsec-ha-notify \
#     /tmp/old/build/strongswan/libstrongswan-ipsec-ha.so build/outage-old/
#   tools/vm/run ... -e OUTAGE_OLD=build/outage-old -- bench/swan_outage.sh
# SW_NOTIFY_MODE=fifo runs the rounds with keepalived's notify FIFO and
# `ipsec-ha notify-fifo` as its reader instead of the notify script: the
# notify phase is then the VIP -> the reader's read of keepalived's line,
# and promote the tool's request alone (no process is started).
# The guest's timings are noisy (TCG, other guests on the host): compare
# medians of runs made one after the other.

# shellcheck disable=SC2317 # helpers run through wait_until
# shellcheck source=selftests/swan_lib.sh
source "$(dirname "$0")/../selftests/swan_lib.sh"
require
sw_require

ROUNDS=${ROUNDS:-5}
variant=this
if [ -n "${OUTAGE_OLD:-}" ]; then
	OUTAGE_OLD=$(cd "$OUTAGE_OLD" && pwd) || exit 1
	SW_NOTIFY=$OUTAGE_OLD/ipsec-ha-notify
	SWAN_PLUGIN=$OUTAGE_OLD/libstrongswan-ipsec-ha.so
	[ -x "$OUTAGE_OLD/ipsec-ha" ] && IPSEC_HA=$OUTAGE_OLD/ipsec-ha
	variant="old ($OUTAGE_OLD)"
fi

sw_story_start
echo "# variant: $variant; notify $SW_NOTIFY_MODE ($SW_NOTIFY); plugin $SWAN_PLUGIN; tool $IPSEC_HA"
for n in "${CL_NODES[@]}"; do
	# line-buffered: ip's output to a file is otherwise held back
	cl_bg "addrmon-$n" "$n" stdbuf -oL ip -ts -o monitor address dev lan0
done
for k in U E; do
	cl_ping_start "$k" 0.02 100000
done

# ms N: epoch ms of a time stamp (date(1) formats; a time of day is today's).
ms() { date -d "$1" +%s%3N; }

# master: the node that holds the VIP (one).
master() { sw_vip_holder | head -n 1; }
# other_master NODE: a node other than NODE holds the VIP.
other_master() { sw_vip_holder | grep -qvx "$1"; }

# vip_ms NODE SINCE: when the VIP appeared on NODE's lan0 after SINCE
# (ip monitor; else charon's "appeared on lan0", which comes later).
vip_ms() {
	local ts t
	while read -r ts; do
		t=$(ms "${ts//[][]/}")
		[ "$t" -gt "$2" ] && { echo "$t"; return; }
	done < <(grep -w "$CL_VIP/24" "$tmp/addrmon-$1.log" | awk '$2 != "Deleted" { print $1 }')
	sw_log_ms "$1" "$CL_VIP appeared on lan0"
}

# esp_ms NODE CUT: the first ESP packet NODE sent P after CUT (round capture).
esp_ms() {
	cl_analyse --cut "$2" "$tmp/round.pcap" | jq -r --arg n "$1" \
		'[.spis[] | .around_cut.first_after // empty | select(.sender == $n) | .ms] | min // empty | floor'
}

declare -A PH=()	# phase -> space-separated values
ph() { PH[$1]="${PH[$1]:-} $2"; }
median() { printf '%s\n' "$@" | sort -n | sed -n "$(( ($# + 1) / 2 ))p"; }

rounds_done=0
declare -A masters=()	# node -> its notify script's master lines before the round
for r in $(seq "$ROUNDS"); do
	old=$(master)
	[ -n "$old" ] || { echo "# round $r: no node holds the VIP"; break; }
	check "round $r: the backups mirror the IKE SA" sw_wait 20 sw_ike_mirrors n3
	sleep 3	# counters and Message IDs synced
	sw_log_mark "${CL_NODES[@]}"
	for n in "${CL_NODES[@]}"; do
		masters[$n]=$(grep -c ' master: ' "$SW_NOTIFY_LOG.$n" 2> /dev/null)
	done
	check "round $r: capture on P's LAN port" cl_capture_start round
	cut=$(cl_now)
	cl_cut "$old"
	check "round $r: another node takes the VIP" wait_until 20 other_master "$old"
	new=$(sw_vip_holder | grep -vx "$old" | head -n 1)
	check "round $r: $new's notify script promoted" \
		wait_until 20 sw_notified "$new" master $((${masters[$new]:-0} + 1))
	check "round $r: $new's charon took the IKE SA over" wait_until 20 sw_took_over "$new"
	check "round $r: $new answers P's pings" wait_until 20 cl_flowing
	sleep 1
	cl_capture_stop round > /dev/null

	t_vip=$(vip_ms "$new" "$cut")
	t_imp=$(sw_log_ms "$new" 'ipsec-ha: took over IKE_SA ')
	t_esp=$(esp_ms "$new" "$cut")
	kern=$(sed -n 's/.* master: promote ok .* in \([0-9.]*\) ms (.*/\1/p' "$SW_NOTIFY_LOG.$new" | tail -n 1)
	imp_self=$(sw_log_since "$new" | sed -n 's/.*ipsec-ha: took over [0-9]* IKE_SAs in \([0-9]*\) ms.*/\1/p' | tail -n 1)
	# the notify script's line: "START_MS master: promote ok in MS ms: ..."
	read -r t0 d <<< "$(awk '$2 == "master:" { t = $1; d = $0; sub(/.* ok in /, "", d); sub(/ ms.*/, "", d) } END { print t, d }' "$SW_NOTIFY_LOG.$new")"
	t_prom=$((t0 + d))
	if [ -z "$t_vip" ] || [ -z "$t_imp" ] || [ -z "$t_esp" ]; then
		echo "# round $r: incomplete (vip '$t_vip', import '$t_imp', esp '$t_esp')"
	else
		after=$(( (t_imp > t_esp ? t_imp : t_esp) - t_vip ))
		ph detect $((t_vip - cut)); ph notify $((t0 - t_vip)); ph promote "$d"; ph kernel "$kern"
		ph import $((t_imp - t_prom)); ph plugin "${imp_self:-0}"; ph esp $((t_esp - t_vip)); ph after "$after"
		echo "# round $r: $old -> $new: detect $((t_vip - cut)) | notify $((t0 - t_vip)) | promote $d (kernel $kern) | import $((t_imp - t_prom)) (plugin's own $imp_self) | esp $((t_esp - t_vip)) | after detection $after ms"
		rounds_done=$((rounds_done + 1))
	fi

	# the cut node comes back as backup; its charon drops the IKE SA
	cl_return "$old"
	check "round $r: $old becomes backup again" wait_until 20 sw_vrrp_is "$old" BACKUP
	check "round $r: $old's charon dropped the IKE SA $new took" wait_until 20 test "$(sw_ike_count "$old")" = 0
done

for k in U E; do
	cl_ping_stop "$k"
done
echo "# medians over $rounds_done rounds ($variant), ms:"
for p in detect notify promote kernel import plugin esp after; do
	[ -n "${PH[$p]:-}" ] || continue
	# shellcheck disable=SC2086 # the values, one word each
	printf '#   %-7s %8s   (%s)\n' "$p" "$(median ${PH[$p]})" "${PH[$p]# }"
done
check "at least one round measured" test "$rounds_done" -gt 0
finish
