#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Control records from authentic peers: fake nodes that hold the cluster
# key (ha_inject, nodes 8 and 9) and node 1.
#
# Amplification: datagrams each packed with NACKs of every datagram node 1
# ever sent, BULK_REQs and ALIVEs, back to back. Each of those records is
# a walk of node 1's store; node 1 serves them once per datagram and per
# peer within limits (rx-limited), so that an SA record sent right after
# the flood is mirrored at once, and what node 1 sends in reply stays
# bounded.
#
# Bulk sync time per peer: node 1 asks every node for a bulk sync when it
# joins; node 9 answers with an SA; node 8's summaries then differ, and
# node 1 asks node 8 alone for a bulk sync. Node 9's BULK_END must not
# drop the SA node 9 sent after node 1's request to it but before its
# request to node 8.
#
# The end of an earlier bulk: node 1 asks again; a BULK_END of node 9
# that answers an earlier request must not end the bulk node 1 waits
# for (it would drop what node 9 sent before the new request); the
# BULK_END of the latest request does, and drops what node 9 did not
# send again.
#
#                        +------- hub -------+
#   n1 (node 1) ha0 ---- p1       br0        |
#   inj         ha0 ---- p9  (fake nodes 8 and 9)
#                        +-------------------+
#   HA link: 239.192.0.1 UDP 7731, addresses 198.51.100.N/24 on ha0

# Helper functions run through check and wait_until:
# shellcheck disable=SC2317
# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/lib.sh"
require
[ -x "$INJECT" ] || { echo "# SKIP: $INJECT not built (make -C selftests)"; exit $ksft_skip; }

klog_start=$(dmesg | wc -l)
pp load_module
hub_add
add_ns n1
hub_plug n1 1
add_ns inj
hub_plug inj 9

# Each fake node keeps one epoch, and its datagram numbers follow on
# across ha_inject runs: node 1 sees no restart and no gap.
e8=$(date +%s%N)
e9=$((e8 + 1))
s8=1 s9=1
inject() {	# inject NODE [--count=N] [--flood] RECORD...: datagrams of NODE (8 or 9)
	local node=$1 e s count=1 a
	shift
	if [ "$node" = 8 ]; then e=$e8 s=$s8; else e=$e9 s=$s9; fi
	for a in "$@"; do
		case $a in --count=*) count=${a#--count=} ;; esac
	done
	ip netns exec inj "$INJECT" -k "$tmp/key" -i ha0 -g 239.192.0.1 -p 7731 \
		-n "$node" -e "$e" -s "$s" "$@" | sed 's/^/# inject: /'
	if [ "$node" = 8 ]; then s8=$((s8 + count)); else s9=$((s9 + count)); fi
}
peer9() { ha n1 -j peers | jq -r ".[] | select(.node_id == 9) | .$1"; }

# --- bulk sync time per peer ----------------------------------------------

ha n1 key generate "$tmp/key"
ha n1 node set id 1
ha n1 link set dev ha0 group 239.192.0.1 port 7731
ha n1 key set file "$tmp/key"	# node 1 joins: it asks every node for a bulk sync
t0=$SECONDS
pp inject 9 'sa:ref=9/1,spi=0x9001'	# node 9's answer, heard after the request
check "node 9's SA is mirrored" wait_until 10 has_sa n1 9 1
# Node 8's summary says it owns an object node 1 does not hold: once the
# request's patience (3 s) is over, two such ALIVEs make node 1 ask node 8
# alone for a bulk sync.
sleep $(( (3 - (SECONDS - t0) > 0 ? 3 - (SECONDS - t0) : 0) + 1 ))
for _ in 1 2 3; do
	inject 8 "alive:last=$s8,count=1,digest=0x1234"
	sleep 1.1
done
check "node 1 asked node 8 for a bulk sync (resyncs)" test "$(stat_or0 n1 resyncs)" -ge 1
# Node 9's bulk ends: one object sent, none lost. (A BULK_END names the
# datagram of the request it answers; node 9 cannot see node 1's, so it
# names one past any: the answer to node 1's latest request.)
answer=0x4000000000000000
pp inject 9 "bulk-end:node=1,count=1,req=$answer"
sleep 1
check "node 9's BULK_END keeps the SA node 9 sent after node 1 asked it" has_sa n1 9 1
check_eq "node 9's bulk sync is complete" complete "$(peer9 bulk)"

# --- the end of an earlier bulk ---------------------------------------------

# Node 9 sends an SA; node 1 then asks every node for a bulk sync again.
# A BULK_END that answers an earlier request of node 1 (its datagram 1)
# crosses that request: it says nothing of what node 9 sent since, and
# must not end the bulk sync node 1 is waiting for.
pp inject 9 'sa:ref=9/5,spi=0x9005'
check "node 9's SA 9/5 is mirrored" wait_until 10 has_sa n1 9 5
sleep 0.5
ha n1 key set file "$tmp/key"	# asks every node again
sleep 1
pp inject 9 'bulk-end:node=1,count=2,req=1'
sleep 1
check "the end of an earlier bulk keeps SA 9/1" has_sa n1 9 1
check "and SA 9/5" has_sa n1 9 5
check_eq "node 1 still waits for node 9's bulk sync" waiting "$(peer9 bulk)"
# Node 9 answers: it sends SA 9/1 again, not 9/5 (gone there), then the
# BULK_END of node 1's latest request.
pp inject 9 'sa:ref=9/1,spi=0x9001' "bulk-end:node=1,count=1,req=$answer"
sleep 1
check "the end of the bulk node 1 waited for keeps SA 9/1, sent again" has_sa n1 9 1
check "and drops SA 9/5, which node 9 no longer has" eval '! has_sa n1 9 5'
check_eq "node 9's bulk sync is complete again" complete "$(peer9 bulk)"

# --- amplification ----------------------------------------------------------

# node 1 owns 2000 SAs (fewer on a slow kernel): each walk visits them all.
nsas=2000
[ "$slow" = 1 ] || nsas=500
for i in $(seq 1 "$nsas"); do
	printf 'xfrm state add src 198.51.100.1 dst 198.51.100.%d proto esp spi %d mode transport reqid %d aead "rfc4106(gcm(aes))" 0x%s 128\n' \
		$((100 + i % 100)) $((0x10000 + i)) "$i" 0102030405060708090a0b0c0d0e0f1011121314
done | ip -n n1 -batch -
mirrored() { [ "$(ha n1 -j sa list | jq '[.[] | select(.local)] | length')" = "$nsas" ]; }
check "node 1 announced its $nsas SAs" wait_until 30 mirrored
sleep 2
tx0=$(stat_or0 n1 tx_records)
lim0=$(stat_or0 n1 rx_limited)
res0=$(peer9 resends)
# 100 datagrams of 150 NACKs of everything, 100 BULK_REQs and 100 ALIVEs.
start=$(date +%s%N)
pp inject 9 --count=100 --flood 'nack:node=1,from=1,to=0xffffffffffffffff*150' \
	'bulk-req:node=1*100' "alive:last=$((s9 + 99)),count=1,digest=0*100"
pp inject 9 'sa:ref=9/2,spi=0x9002'
check "an SA record sent right after the flood is mirrored within 3 s" wait_until 3 has_sa n1 9 2
ms=$(( ($(date +%s%N) - start) / 1000000 ))
echo "# the flood and the SA after it took $ms ms to apply"
sleep 2
tx=$(( $(stat_or0 n1 tx_records) - tx0 ))
echo "# node 1 sent $tx records in reply (store of $nsas SAs)"
# One bulk (a second at most) and a resend per 50 ms of the flood's
# time: far below one per datagram (100 x $nsas).
res=$(( $(peer9 resends) - res0 ))
echo "# node 1 served $res of the flood's 15000 NACK records"
# At most one resend walk per 50 ms of the flood per peer.
check "node 1 serves NACKs within limits: $res resend walks for 15000 NACKs" test "$res" -le 100
check "node 1's replies stay bounded: $tx records, below 20 x $nsas" test "$tx" -lt $((20 * nsas))
check "the walks beyond the limits are counted (rx-limited)" test "$(stat_or0 n1 rx_limited)" -gt "$lim0"

dmesg | tail -n +"$((klog_start + 1))" > "$tmp/klog"
check_eq "the kernel log is clean" 0 \
	"$(grep -cE 'UBSAN|BUG:|WARNING:|KASAN|INFO: task' "$tmp/klog")"

finish
