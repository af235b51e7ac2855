#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The real cluster (swan_lib.sh: strongSwan on the peer P and on nodes
# n1..n3, keepalived, the ipsec-ha charon plugin on the nodes) through
# harder failovers than swan_cluster.sh's single one. Five stories, each
# on a cluster of its own (a child process: its own namespaces, logs in
# $IPSEC_HA_RUN_DIR/swan-failover-STORY/); `swan_failover.sh STORY` or
# swan_failover_STORY.sh (a link, what TEST_PROGS lists) runs one:
#
# rapid  n1 is cut off; n2 takes over (its charon rebuilds the IKE SA) and
#        is cut off within a second of that; n3 takes over from n2. ESP
#        flows again with no (SPI, sequence number) sent twice and no replay
#        or integrity failure on P; P keeps its IKE SA (same SPIs, no
#        IKE_SA_INIT after the first cut); n3 answers P's DPD and CHILD_SA
#        rekey, and rekeys the IKE SA itself.
#
# skew   n1's HA link output is dropped (tc on its ha0), so what it
#        publishes no longer reaches n2 and n3; P runs DPDs with n1, which
#        moves the Message IDs of P and n1 past those of the mirror; then n1
#        is cut off. n2 rebuilds the IKE SA with stale Message IDs and
#        synchronizes them with P (RFC 6311): P's DPD and a CHILD_SA rekey
#        started by P and by n2 succeed on the same IKE SA. DPDs only, no
#        CHILD_SA rekey while the output is dropped: the CHILD SAs of such a
#        rekey would exist on n1 and P only, so the CHILD SA could carry no
#        ESP after the takeover; DPDs move the same Message ID counter (the
#        one n1 responds with) and leave ESP checkable.
#
# heal   n1 is cut off, not killed (its charon keeps the IKE SA), and n2
#        takes over. n1 comes back: keepalived (nopreempt) leaves the VIP
#        with n2, and n1's module hears from n2 that n2 owns the IKE SA
#        (event ike-lost): n1's charon drops the IKE SA without a word to P,
#        and sends P nothing (capture: no IKE or ESP from n1's MAC); P's
#        session stays with n2 (same SPIs, DPD answered by n2, ESP flows).
#
# move   a planned switchover, nothing fails: n1 hands P's session to n2
#        (ipsec-ha move peer P to 2) under traffic, then keepalived on n1
#        stops and the VIP moves to n2. n2's charon rebuilds the IKE SA, n1's
#        drops it without a word to P; n2 goes on from n1's exact counters
#        (each CHILD SA's numbers rise by one across the handover, no
#        margin), P sees no replay and keeps its IKE SA, and n2 answers P's
#        DPD and CHILD_SA rekey and rekeys the IKE SA itself.
#
# activate  no node promotes: every node has node set activate gone, and
#        keepalived's notify script runs with promote withheld
#        (sw_notify_no_promote); keepalived on n3 stops, so that the VIP
#        can only move to n2. n1 is cut off and keepalived moves the
#        VIP to n2, which promotes nothing; once n2 no longer hears n1,
#        P's ESP reaching n2 makes it take the session over by activation
#        (stats activations), and its charon rebuilds the IKE SA
#        (event ike-taken, as after a promote). ESP flows again with no
#        (SPI, sequence number) sent twice and no replay or integrity
#        failure on P; P keeps its IKE SA (same SPIs, no IKE_SA_INIT);
#        n2 answers P's DPD and CHILD_SA rekey and rekeys the IKE SA
#        itself. The outage (the cut to n2's first ESP to P) is printed.

# Helper functions run through check and wait_until:
# shellcheck disable=SC2317
# VRRP adverts every second: at 0.2 s, a guest starved of CPU for a moment
# (the notify script's promote took seconds when other guests ran beside)
# lets a backup time out while the master is alive, and keepalived flaps.
SW_ADVERT_INT=${SW_ADVERT_INT:-1}
# shellcheck source=selftests/swan_lib.sh
source "$(dirname "$0")/swan_lib.sh"
require
sw_require

STORIES=(rapid skew heal move activate)
# The story: the argument, or the name this file is called by
# (swan_failover_STORY.sh, links that run.sh runs one by one, each within
# its time limit); all of them in turn otherwise.
story=${1:-}
base=$(basename "$0" .sh)
[ -n "$story" ] || [ "$base" = swan_failover ] || story=${base#swan_failover_}
if [ -z "$story" ]; then
	rc=0
	for s in "${STORIES[@]}"; do
		echo "# story $s"
		"$0" "$s"
		r=$?
		[ "$r" = 0 ] || [ "$r" = "$ksft_skip" ] || rc=1
	done
	exit $rc
fi
printf '%s\n' "${STORIES[@]}" | grep -qx -- "$story" ||
	{ echo "# unknown story '$story' (${STORIES[*]})"; exit 1; }
SW_KEEP_DIR=swan-failover-$story
# rapid runs keepalived with its notify FIFO read by `ipsec-ha notify-fifo`
# (the other stories with the notify script): two promotes within a
# second, on two nodes, through the reader that stays.
[ "$story" = rapid ] && SW_NOTIFY_MODE=fifo

# Every check says which story it belongs to.
ok() { step_time; printf 'ok - %s: %s\n' "$story" "$*"; }
not_ok() { step_time; printf 'not ok - %s: %s\n' "$story" "$*"; failures=$((failures + 1)); }

CL_PING_INTERVAL=0.05
CL_IPERF_RATE=500K
POST=2	# seconds of traffic after both CHILD SAs answer again

# --- rapid: n1, then n2 within a second of its takeover -------------------

story_rapid() {
	local cut cut2 seen flowing rx
	sw_story_start
	check "capture of ESP and IKE on P's LAN port" sw_capture_start main
	cl_event "traffic starts"
	cl_traffic_start
	sleep 1

	cut=$(cl_now)
	cl_cut n1
	cl_event_at "$cut" "n1 cut off"
	sw_takeover n2
	seen=$(cl_now)
	# n2 goes within about a second of its takeover: n3's mirror has
	# what n2 announced until then (the ownership of the SAs and of the
	# IKE context, the counters of the ESP it sent).
	sleep 0.3
	cut2=$(cl_now)
	cl_cut n2
	cl_event_at "$cut2" "n2 cut off"
	echo "# n2 cut $((cut2 - seen)) ms after its charon's takeover was seen, $((cut2 - cut)) ms after n1's cut"
	sw_log_since n2 | grep -q 'message IDs synchronized' &&
		echo "# n2 synchronized the message IDs with P before its cut"
	sw_takeover n3
	check "ESP flows again through both CHILD SAs" wait_until 20 cl_flowing
	flowing=$(cl_now)
	cl_event_at "$flowing" "both CHILD SAs answer a ping again"
	# TCP's retransmission timer backed off during two outages in a row:
	# the stream resumes seconds after ESP does
	rx=$(sw_iperf_rx)
	check "the iperf3 stream survived both takeovers (P receives again)" \
		wait_until 30 sw_iperf_rx_above $((rx + 65536))
	cl_event "iperf3 stream received again"
	sleep "$POST"
	cl_event "traffic stops"
	cl_traffic_stop "$flowing"
	sw_esp_verdicts "$cut2"

	sw_answers n3 "the cuts"
	sw_step
	check "IKE_SA rekey started by n3 succeeds" sw_rekey_ike n3
	check "n3 sent the IKE_SA rekey request" sw_by n3 36 request
	check "ESP flows through both CHILD SAs after the rekeys" wait_until 15 cl_flowing
	sw_wrap_up "$cut" n3
}

# --- skew: Message IDs that the mirror never learnt ------------------------

# ha_out_drop NODE: NODE's HA link output is dropped (clsact on ha0, a
# matchall filter that drops everything on egress).
ha_out_drop() {
	ip netns exec "$1" tc qdisc add dev ha0 clsact &&
	ip netns exec "$1" tc filter add dev ha0 egress matchall action drop
}
# ha_out_dropped NODE: how many packets NODE's drop filter dropped.
ha_out_dropped() {
	ip netns exec "$1" tc -s filter show dev ha0 egress |
		sed -n 's/.*Sent [0-9]* bytes \([0-9]*\) pkt.*/\1/p' | head -n 1
}

# counters_synced NODE: NODE's mirror has n1's outbound ESP counters as
# they are in n1's SAD (nothing n1 sent is missing there).
counters_synced() {
	local spi oseq mirrored
	while read -r spi oseq; do
		mirrored=$(ha "$1" -j sa list | jq -r --arg s "${spi,,}" \
			'[.[] | select((.spi | ascii_downcase) == $s) | .oseq // 0] | max // 0')
		[ "$mirrored" -ge "$oseq" ] ||
			{ sw_why "$1's mirror has oseq $mirrored for $spi, n1 is at $oseq"; return 1; }
	done < <(cl_xfrm_stats n1 | awk -v vip="$CL_VIP" '$2 == vip { printf "%s %.0f\n", $1, $6 * 4294967296 + $7 }')
}

# mids_follow NODE: NODE's mirror has n1's message IDs of P's IKE SA.
mids_follow() {
	local mine theirs
	mine=$(sw_ike_mids n1)
	theirs=$(sw_ike_mids "$1")
	if [ -z "$mine" ] || [ "$mine" != "$theirs" ]; then
		sw_why "n1 has '$mine', $1's mirror '$theirs'"
		return 1
	fi
}

# p_next_mid: the Message ID of P's next request on its IKE SA (one past
# the last request P's charon generated, as its log says).
p_next_mid() {
	local last
	last=$(grep -E "<$SW_CONN\\|$SW_IKE_ID> generating [A-Z_]+ request [0-9]+ " "$(sw_log P)" |
		tail -n 1 | sed -E 's/.* request ([0-9]+) .*/\1/')
	echo $(( ${last:-0} + 1 ))
}

story_skew() {
	local n1_block n1_after n2_now n3_now cut flowing i p_block p_after upd_block upd_after
	sw_story_start
	# No ESP while n1's output is dropped: the mirror's counters stay
	# exact, so what the ESP verdicts see is the Message ID story alone.
	check "n2's mirror has n1's ESP counters" sw_wait 10 counters_synced n2
	# P's DPDs run every 2 s all along (P is idle): the message IDs move
	check "n2's mirror has n1's message IDs" sw_wait 10 mids_follow n2
	check "capture of ESP and IKE on P's LAN port" sw_capture_start main

	check "n1's HA link output is dropped (tc)" ha_out_drop n1
	cl_event "n1's HA output dropped"
	read -r _ n1_block <<< "$(sw_ike_mids n1)"
	p_block=$(p_next_mid)
	upd_block=$(stat_field n1 ike_updates)
	# P idle: a DPD after each 2 s without inbound traffic
	for i in 1 2 3; do
		check "P's DPD $i with n1 is answered" sw_dpd 20
	done
	p_after=$(p_next_mid)
	upd_after=$(stat_field n1 ike_updates)
	read -r _ n1_after <<< "$(sw_ike_mids n1)"
	read -r _ n2_now <<< "$(sw_ike_mids n2)"
	read -r _ n3_now <<< "$(sw_ike_mids n3)"
	echo "# next message ID from P: $p_block when n1's output was dropped, $p_after now; n1 published $n1_block then, $n1_after now ($((upd_after - upd_block)) context updates); n2's mirror $n2_now, n3's $n3_now; n1's HA output dropped $(ha_out_dropped n1) packets"
	check "P's message IDs moved on with the DPDs ($p_block -> $p_after)" \
		test "$p_after" -ge $((p_block + 3))
	# P supports RFC 6311: n1's plugin publishes every 8th move only
	# (mid_publish_interval), so three DPDs give at most one update.
	check "n1's plugin published at most one update for three DPDs ($((upd_after - upd_block)))" \
		test $((upd_after - upd_block)) -le 1
	check "n2's mirror stayed behind ($n2_now <= $p_block)" test "$n2_now" -le "$p_block"
	check "n3's mirror stayed behind ($n3_now <= $p_block)" test "$n3_now" -le "$p_block"

	cut=$(cl_now)
	cl_cut n1
	cl_event_at "$cut" "n1 cut off"
	sw_takeover n2
	check "n2's charon synchronized the message IDs (RFC 6311)" \
		wait_until 15 sw_log_has n2 'message IDs synchronized \(RFC 6311\)'
	check "P's charon says \"responder requested MID sync\"" \
		wait_until 5 sw_log_has P 'responder requested MID sync'
	sw_log_since P | grep -E 'MID sync|MESSAGE_ID_SYNC' | sed 's/^/# P: /'
	cl_event "traffic starts"
	cl_traffic_start
	check "ESP flows through both CHILD SAs with n2" wait_until 20 cl_flowing
	flowing=$(cl_now)
	sleep "$POST"
	cl_traffic_stop "$flowing"
	sw_esp_verdicts "$cut"

	sw_answers n2 "the cut"
	sw_step
	check "CHILD_SA rekey (e) started by n2 succeeds" sw_rekey_child n2 e
	check "n2 sent the CHILD_SA rekey request" sw_by n2 36 request
	check_eq "P's IKE SA still has the same SPIs" "$ike_before" "$(sw_ike_spis P)"
	check "ESP flows through both CHILD SAs after the rekeys" wait_until 15 cl_flowing
	sw_wrap_up "$cut" n2
}

# --- heal: n1 comes back and lets go ---------------------------------------

# n1_quiet SINCE_MS: n1 sent P no IKE message and no ESP after SINCE_MS.
n1_quiet() {
	local ike esp
	ike=$(sw_ike_count_msgs ".sender == \"n1\" and .ms > $1" "$tmp/main.pcap")
	esp=$(cl_analyse "$tmp/main.pcap" | jq --argjson t "$1" \
		'[.spis[] | .senders.n1 // empty | select(.last_ms > $t)] | length')
	[ "$ike" = 0 ] && [ "$esp" = 0 ] && return 0
	echo "n1 sent $ike IKE messages after the heal, and ESP on $esp SPIs"
	return 1
}

story_heal() {
	local cut heal flowing
	sw_story_start
	check "capture of ESP and IKE on P's LAN port" sw_capture_start main
	cl_event "traffic starts"
	cl_traffic_start
	sleep 1
	cut=$(cl_now)
	cl_cut n1
	cl_event_at "$cut" "n1 cut off"
	sw_takeover n2
	check "ESP flows again through both CHILD SAs" wait_until 20 cl_flowing
	check "keepalived on n1 went to FAULT (its notify script demoted)" wait_until 10 sw_notified n1 fault
	check "n1's charon still has the IKE SA (cut off, not dead)" test "$(sw_ike_count n1)" = 1

	sw_log_mark n1
	heal=$(cl_now)
	cl_return n1
	cl_event_at "$heal" "n1 comes back"
	check "keepalived on n1 becomes backup (nopreempt)" wait_until 15 sw_notified n1 backup
	check "n1's charon drops the IKE SA n2 took over (event ike-lost)" \
		wait_until 20 sw_log_has n1 'took IKE_SA .* over, dropping it here without a word to the peer'
	cl_event "n1's charon dropped the IKE SA"
	sw_log_since n1 | grep -E 'ipsec-ha|deleting|delete|error|failed' | head -n 20 | sed 's/^/# n1: /'
	check "n1's swanctl --list-sas no longer shows it" wait_until 5 test "$(sw_ike_count n1)" = 0
	check_eq "n2 still holds the VIP alone" n2 "$(sw_vip_holder | tr '\n' ' ' | sed 's/ $//')"
	check "n1 stays backup" sw_vrrp_is n1 BACKUP
	check "ESP flows through both CHILD SAs after the heal" wait_until 15 cl_flowing
	flowing=$(cl_now)
	sleep "$POST"
	cl_traffic_stop "$flowing"
	sw_esp_verdicts "$cut"

	sw_answers n2 "the cut"
	read -r -a spis <<< "$(sw_spi_list | tr '\n' ' ')"
	check "n1 mirrors the rekeyed ESP SAs (it follows n2 again)" sw_wait 10 sw_mirrors n1 "${spis[@]}"
	check "n1 sent P nothing after the heal (no IKE, no ESP from its MAC)" n1_quiet "$heal"
	sw_wrap_up "$cut" n2
}

# --- move: a planned switchover, nothing fails ------------------------------

# owned_by VIEW ID SPI...: VIEW's mirror says node ID owns every SA of
# these SPIs.
owned_by() {
	local view=$1 id=$2 spi owner
	shift 2
	for spi in "$@"; do
		owner=$(ha "$view" -j sa list | jq -r --arg s "${spi,,}" \
			'[.[] | select((.spi | ascii_downcase) == $s) | .owner] | unique | join(",")')
		[ "$owner" = "$id" ] || { sw_why "$spi: owner '$owner' in $view's mirror"; return 1; }
	done
}

# seq_steps: per cluster->peer SPI of the capture, n2's first sequence
# number minus n1's last (1: n2 went on right after n1).
seq_steps() {
	jq -r --arg vip "$CL_VIP" '[.spis[] | select(.dir == "to_peer") | .senders |
		select(.n1 and .n2) | .n2.min_seq - .n1.max_seq | tostring] | join(" ")' "$tmp/cut.json"
}

story_move() {
	local cut flowing spis steps pid
	sw_story_start
	read -r -a spis <<< "$(sw_spi_list | tr '\n' ' ')"
	check "capture of ESP and IKE on P's LAN port" sw_capture_start main
	cl_event "traffic starts"
	cl_traffic_start
	sleep 1

	# The move, then at once the path change: keepalived on n1 stops (a
	# priority-0 advert), n2 becomes master and takes the VIP. Until then
	# P's packets reach n1, which no longer has the SAs.
	pid=$(cat "$(sw_dir n1)/run/keepalived.pid" 2> /dev/null)
	cut=$(cl_now)
	cl_event_at "$cut" "n1: ipsec-ha move peer $CL_PEER to 2"
	check "n1 hands P's sessions to n2" sh -c \
		"ip netns exec n1 '$IPSEC_HA' -j move peer $CL_PEER to 2 > '$tmp/move.json'"
	cl_event "move returned; keepalived on n1 stops"
	check "keepalived on n1 stops" kill -TERM "$pid"
	echo "# n1's move: $(cat "$tmp/move.json")"
	check "keepalived on n2 becomes master" wait_until 15 sw_vrrp_is n2 MASTER
	check "n2 holds the VIP" wait_until 5 sh -c "ip -n n2 -br addr show dev lan0 | grep -qw '$CL_VIP/24'"
	cl_event "n2 holds the VIP"
	check "n2 owns the 4 ESP SAs" sw_wait 5 owned_by n1 2 "${spis[@]}"
	cl_event "n2 owns the ESP SAs"
	check "n2's charon rebuilt the IKE SA (\"ipsec-ha: took over IKE_SA\")" \
		wait_until 15 sw_took_over n2
	cl_event_at "$(sw_log_ms n2 'ipsec-ha: took over IKE_SA ')" "n2: charon took the IKE SA over"
	check "n1's charon drops the IKE SA without a word to P (event ike-lost)" \
		wait_until 20 sw_log_has n1 'took IKE_SA .* over, dropping it here without a word to the peer'
	check_eq "n2 took its SAs and policies over with n1's counters (no fallback)" 0 \
		"$(stat_or0 n2 moves_fallback)"
	echo "# n1 handed over $(stat_or0 n1 moves_given), n2 took $(stat_or0 n2 moves_taken)"
	check "ESP flows again through both CHILD SAs" wait_until 20 cl_flowing
	flowing=$(cl_now)
	cl_event_at "$flowing" "both CHILD SAs answer a ping again"
	sleep "$POST"
	cl_event "traffic stops"
	cl_traffic_stop "$flowing"
	sw_esp_verdicts "$cut"
	steps=$(seq_steps)
	check_eq "n2 went on from n1's last sequence number on both cluster->peer SAs (no margin)" \
		"1 1" "$steps"

	sw_answers n2 "the move"
	sw_step
	check "IKE_SA rekey started by n2 succeeds" sw_rekey_ike n2
	check "n2 sent the IKE_SA rekey request" sw_by n2 36 request
	sw_wrap_up "$cut" n2
}

# --- activate: no promote, P's ESP moves the session ------------------------

# act_stats NODE: NODE's activation counters, in words.
act_stats() {
	echo "activations $(stat_or0 "$1" activations), activate-alive $(stat_or0 "$1" activate_alive)," \
		"activate-limited $(stat_or0 "$1" activate_limited), activate-unknown $(stat_or0 "$1" activate_unknown)"
}

# lost_n1 NODE: NODE no longer hears n1 (last heard over 3 s ago: gone).
lost_n1() {
	[ "$(ha "$1" -j peers | jq '[.[] | select(.node_id == 1) | .last_heard] | first // 0')" -gt 3000 ]
}

# first_esp_from NODE SINCE_MS: ms from SINCE_MS to NODE's first ESP to P
# in $tmp/cut.json (empty when NODE sent none).
first_esp_from() {
	jq -r --arg n "$1" --argjson t "$2" '[.spis[] | select(.dir == "to_peer") |
		.senders[$n].first_ms // empty | select(. > $t)] | min // empty | . - $t | floor' "$tmp/cut.json"
}

story_activate() {
	local cut flowing spis n rx master took first
	sw_notify_no_promote
	sw_story_start
	read -r -a spis <<< "$(sw_spi_list | tr '\n' ' ')"
	check "n1's notify script withheld its promote (keepalived master at the start)" \
		sw_wait 5 sw_promote_withheld n1
	for n in "${CL_NODES[@]}"; do
		check "$n: node set activate gone" ha "$n" node set activate gone
	done
	check_eq "n2's show says activate gone" gone "$(ha n2 -j show | jq -r .activate)"
	check "capture of ESP and IKE on P's LAN port" sw_capture_start main
	cl_event "traffic starts"
	cl_traffic_start
	check "n2's mirror follows the outbound counter of u" sw_wait 10 sw_oseq_synced n2 u
	check "n2's mirror follows the outbound counter of e" sw_wait 10 sw_oseq_synced n2 e
	# n2 is the only node the VIP can move to: with n3 in the election
	# too, a guest starved of CPU for two seconds fires n3's timer before
	# n2's (their skews differ by 0.55 s), n3 becomes master and n2 then
	# stays backup (nopreempt). n3 keeps its charon and its mirror.
	check "keepalived on n3 stops (n2 is the only backup left)" sw_stop keepalived-n3
	cl_event "keepalived on n3 stopped"
	sleep 1

	cut=$(cl_now)
	cl_cut n1
	cl_event_at "$cut" "n1 cut off"
	check "keepalived on n2 becomes master" wait_until 15 sw_vrrp_is n2 MASTER
	check "n2 holds the VIP" wait_until 5 sh -c "ip -n n2 -br addr show dev lan0 | grep -qw '$CL_VIP/24'"
	check "n2's notify script withheld the promote (nothing promoted)" sw_wait 15 sw_promote_withheld n2
	master=$(sw_master_ms n2)
	check "n2 no longer hears n1" wait_until 10 lost_n1 n2
	check "n2 owns the 4 ESP SAs: P's ESP activated the session" sw_wait 15 owned_by n2 2 "${spis[@]}"
	echo "# n2: $(act_stats n2)"
	check "n2 counted an activation" test "$(stat_or0 n2 activations)" -ge 1
	check_eq "n2's SAD holds the 4 ESP SAs" 4 "$(cl_sad_count n2 "${spis[@]}")"
	check "n3's mirror says n2 owns them" sw_wait 5 owned_by n3 2 "${spis[@]}"
	check "n2's charon rebuilt the IKE SA (\"ipsec-ha: took over IKE_SA\")" \
		wait_until 15 sw_took_over n2
	took=$(sw_log_ms n2 'ipsec-ha: took over IKE_SA ')
	cl_event_at "${took:-$(cl_now)}" "n2: charon took the IKE SA over (ipsec-ha plugin)"
	sw_log_since n2 | grep -E 'ipsec-ha: (took over|message IDs)' | sed 's/^/# n2: /'
	check "ESP flows again through both CHILD SAs" wait_until 20 cl_flowing
	flowing=$(cl_now)
	cl_event_at "$flowing" "both CHILD SAs answer a ping again"
	rx=$(sw_iperf_rx)
	check "the iperf3 stream survived the takeover (P receives again)" \
		wait_until 30 sw_iperf_rx_above $((rx + 65536))
	cl_event "iperf3 stream received again"
	sleep "$POST"
	cl_event "traffic stops"
	cl_traffic_stop "$flowing"
	sw_esp_verdicts "$cut"
	first=$(first_esp_from n2 "$cut")
	check "n2 sent ESP to P after the cut" test -n "$first"
	[ -z "$first" ] || cl_event_at "$((cut + first))" "n2's first ESP to P (capture)"
	echo "# outage: ${first:-?} ms from n1's cut to n2's first ESP to P" \
		"(keepalived made n2 master at +$(( ${master:-$cut} - cut )) ms," \
		"n2's charon took the IKE SA over at +$(( ${took:-$cut} - cut )) ms)"
	check_eq "no node promoted (notify logs: every master line withheld)" "" \
		"$(cat "$SW_NOTIFY_LOG".n* 2> /dev/null | grep ' master: ' | grep -v ' promote withheld ')"

	sw_answers n2 "the cut"
	sw_step
	check "IKE_SA rekey started by n2 succeeds" sw_rekey_ike n2
	check "n2 sent the IKE_SA rekey request" sw_by n2 36 request
	check "ESP flows through both CHILD SAs after the rekeys" wait_until 15 cl_flowing
	sw_wrap_up "$cut" n2
}

"story_$story"
finish
