#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A member given another node id at run time (node set id) takes what it
# owns along: its SAs, policies and IKE contexts, learnt under the old id,
# are announced under the new one, the peers mirror them as the new id's,
# and the cluster settles. Before, their records still named the old id as owner:
# the peers refused them (a node speaks only for what it owns), found the
# new id's summary differing from their mirror and asked it for a bulk
# sync every few seconds, for ever.
#
#                        +------ hub: br0 ------+
#   n1 (node 1 -> 5) ha0 -- p1                   |
#   n2 (node 2) ha0 ------- p2                   |
#   n3 (node 3) ha0 ------- p3                   |
#                        +-----------------------+

# Helper functions run through check and wait_until:
# shellcheck disable=SC2317
# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/lib.sh"
require

hub_cluster 3
HA_GROUP=239.192.0.6 HA_PORT=7736
key20=0x0102030405060708090a0b0c0d0e0f1011121314
nsas=20
for i in $(seq 1 $nsas); do
	ip -n n1 xfrm state add src 192.0.2.1 dst 192.0.2.100 proto esp \
		spi $((0xc1000000 + i)) reqid 1 mode tunnel \
		aead 'rfc4106(gcm(aes))' "$key20" 128
done
ip -n n1 xfrm policy add src 10.1.0.0/24 dst 10.2.0.0/24 dir out \
	tmpl src 192.0.2.1 dst 192.0.2.100 proto esp reqid 1 mode tunnel
for i in 1 2 3; do pp hub_join "$i"; done
(umask 077; printf 'sk_d=%s\n' "$(printf 'd1%.0s' $(seq 32))" > "$tmp/secrets")
pp ha n1 ike add spi-i 0x1111000000000001 spi-r 0x2222000000000001 \
	local 192.0.2.1 remote 192.0.2.100 child 0xc1000002 secrets file "$tmp/secrets"

# owned NS NODE: how many SAs, policies and IKE contexts NS mirrors as NODE's.
owned() {
	local what n=0
	for what in sa policy ike; do
		n=$((n + $(ha "$1" -j "$what" list | jq "[.[] | select(.owner == $2)] | length")))
	done
	echo "$n"
}
owned_is() { [ "$(owned "$1" "$2")" = "$3" ]; }
total=$((nsas + 2))
check "n2 mirrors node 1's $total objects" wait_until 20 owned_is n2 1 "$total"
check "n3 mirrors node 1's $total objects" wait_until 20 owned_is n3 1 "$total"
check "n2 is in sync with node 1" wait_until 10 peer_in_sync n2 1

pp ha n1 node set id 5
check_eq "n1 is node 5" 5 "$(show_field n1 .node_id)"
check_eq "n1 owns its $total objects as node 5" "$total" "$(owned n1 5)"
check "n2 mirrors them as node 5's" wait_until 15 owned_is n2 5 "$total"
check "n3 mirrors them as node 5's" wait_until 15 owned_is n3 5 "$total"
check "n2 is in sync with node 5" wait_until 15 peer_in_sync n2 5
check "n3 is in sync with node 5" wait_until 15 peer_in_sync n3 5
check_eq "n2 mirrors nothing as node 1's" 0 "$(owned n2 1)"

# Settled: over 20 quiet seconds, no bulk sync is asked for and only
# ALIVEs go out: about one datagram a second per node, at most 1.5 a
# second and 5 more over the time between the two readings.
for i in 1 2 3; do
	res[i]=$(stat_field "n$i" resyncs)
	tx[i]=$(stat_field "n$i" tx_datagrams)
	at[i]=$SECONDS
done
sleep 20
for i in 1 2 3; do
	d_res=$(($(stat_field "n$i" resyncs) - res[i]))
	d_tx=$(($(stat_field "n$i" tx_datagrams) - tx[i]))
	secs=$((SECONDS - at[i]))
	echo "# n$i: $d_res resyncs, $d_tx datagrams sent in $secs s"
	check_eq "n$i asked for no bulk sync in 20 quiet seconds" 0 "$d_res"
	check "n$i sent only ALIVEs ($d_tx datagrams in $secs s)" test "$d_tx" -le $((secs * 3 / 2 + 5))
done
check "n2 is still in sync with node 5" peer_in_sync n2 5

# A change after the renumbering goes out under the new id.
pp ip -n n1 xfrm state add src 192.0.2.1 dst 192.0.2.100 proto esp \
	spi 0xc1000100 reqid 1 mode tunnel aead 'rfc4106(gcm(aes))' "$key20" 128
check "n2 mirrors a new SA as node 5's" wait_until 10 sh -c \
	"ip netns exec n2 '$IPSEC_HA' -j sa list | jq -e '.[] | select(.spi == \"0xc1000100\" and .owner == 5)' > /dev/null"
pp ip -n n1 xfrm state delete src 192.0.2.1 dst 192.0.2.100 proto esp spi $((0xc1000001))
check "n2 drops a deleted one" wait_until 10 sh -c \
	"! ip netns exec n2 '$IPSEC_HA' -j sa list | jq -e '.[] | select(.spi == \"0xc1000001\")' > /dev/null"
check "n2 is in sync with node 5 after the changes" wait_until 10 peer_in_sync n2 5

finish
