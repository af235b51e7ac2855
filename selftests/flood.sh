#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A flood on the HA link does not hold up a takeover. An attacker on the
# segment (no key) sends forged datagrams that name the cluster's key id,
# as fast as it can: each one costs the receiver an authentication
# attempt (jumbo frames: 9,000-byte datagrams). Node 2 promotes in the middle of the flood; it must take about
# as long as a promote on a quiet link, and the flood must be dropped and
# counted.
#
#                        +---------- hub: br0 ----------+
#   n1 (node 1) ha0 ---- p1                             |
#   n2 (node 2) ha0 ---- p2                             |
#   spy         eth0 --- p9   (the attacker)            |
#                        +------------------------------+

# Helper functions run through check and wait_until:
# shellcheck disable=SC2317
# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/lib.sh"
require
[ -x "$sdir/ha_flood" ] || { echo "# SKIP: ha_flood not built"; exit $ksft_skip; }

pp load_module
hub_add
hub_nodes 2
add_ns spy
hub_plug spy 9 eth0
# Jumbo frames on the segment: the largest datagrams cost the most to
# authenticate.
for i in 1 2 9; do
	ip -n hub link set "p$i" mtu 9000
done
for dev in n1:ha0 n2:ha0 spy:eth0; do
	ip -n "${dev%:*}" link set "${dev#*:}" mtu 9000
done
ha n1 key generate "$tmp/key"
pp hub_join 1
pp hub_join 2

# 200 SAs on n1, mirrored by n2.
n=200
key20=0x0102030405060708090a0b0c0d0e0f1011121314
for i in $(seq 1 $n); do
	printf 'xfrm state add src 192.0.2.1 dst 100.64.%d.%d proto esp spi 0x%08x reqid %d mode tunnel aead rfc4106(gcm(aes)) %s 128\n' \
		$((i / 250)) $((i % 250 + 1)) $((0xc3000000 + i)) "$i" "$key20"
done > "$tmp/sas.batch"
pp ip -n n1 -batch "$tmp/sas.batch"
in_sync() { ha n2 -j peers | jq -e ".[] | select(.node_id == 1) | .objects == $n and .in_sync" > /dev/null; }
check "n2 mirrors n1's $n SAs" wait_until 30 in_sync
ip -n n1 link set ha0 down	# n1 fails

# promote_ms: the wall time of n2's promote, in ms.
promote_ms() {
	local t0
	t0=$(date +%s%N)
	ha n2 -j promote > "$tmp/promote.json" || return 1
	echo $(( ($(date +%s%N) - t0) / 1000000 ))
}

# The flood: forged datagrams naming the cluster's key id, in both header
# layouts a receiver may speak (version 2, 40 bytes; version 1, 24).
keyid=$(ha n2 -j show | jq -r '.key.id')
secs=12
ip netns exec spy "$sdir/ha_flood" 198.51.100.9 239.192.0.1 7731 "$keyid" 8900 "$secs" > "$tmp/spy.log" 2>&1 &
spy=$!
sleep 3
auth0=$(stat_field n2 drop_auth)
flooded=$(promote_ms)
check "promote on n2 in the flood succeeds" test -n "$flooded"
echo "# promote in the flood: $flooded ms ($(jq .sas "$tmp/promote.json") SAs)"
check_eq "... and takes the $n SAs" $n "$(jq .sas "$tmp/promote.json")"
wait $spy
echo "# $(cat "$tmp/spy.log") datagrams; n2: $(( $(stat_field n2 drop_auth) - auth0 )) failed authentication after the promote started, $(stat_field n2 drop_backlog) dropped at the door (backlog full)"
check "the flood reached n2 and was counted (drop-auth)" test "$(stat_field n2 drop_auth)" -gt 1000

# The same promote on a quiet link, for comparison.
sleep 2
pp ha n2 demote > /dev/null
quiet=$(promote_ms)
echo "# promote on a quiet link: $quiet ms"
check "a promote in the flood takes at most 5 times a quiet one (or 2 s): $flooded ms against $quiet ms" \
	test "${flooded:-999999}" -le $(( quiet * 5 > 2000 ? quiet * 5 : 2000 ))

finish
