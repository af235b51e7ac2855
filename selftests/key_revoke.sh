#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Key rotation, with and without the grace period. key set keeps the
# previous key for 60 seconds on receive, so that nodes can roll one by
# one; key set ... no-grace forgets it at once, for a key that may be
# compromised: datagrams sealed with it are dropped from then on
# (drop-unknown-key) and nothing they carry reaches the mirror. Events
# (monitor) never carry a key.
#
#                        +------ hub: br0 ------+
#   n1 (node 1) ha0 ---- p1   stays on key A     |
#   n2 (node 2) ha0 ---- p2   A -> B (grace), then no-grace
#   n3 (node 3) ha0 ---- p3   A -> B no-grace    |
#                        +-----------------------+

# Helper functions run through check and wait_until:
# shellcheck disable=SC2317
# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/lib.sh"
require

pp load_module
hub_add
for i in 1 2 3; do
	add_ns "n$i"
	hub_plug "n$i" "$i"
done
ha n1 key generate "$tmp/keyA"
ha n1 key generate "$tmp/keyB"
key20=0x0102030405060708090a0b0c0d0e0f1011121314
mons=()
for i in 1 2 3; do
	ha "n$i" -j monitor > "$tmp/events$i" 2>&1 &
	mons+=($!)
done
sleep 0.5
for i in 1 2 3; do
	pp ha "n$i" node set id "$i"
	pp ha "n$i" link set dev ha0 group 239.192.0.8 port 7738
	pp ha "n$i" key set file "$tmp/keyA"
done
# sa N SPI: an SA on node N.
sa() {
	ip -n "n$1" xfrm state add src 192.0.2.1 dst 192.0.2.100 proto esp spi "$2" \
		reqid 1 mode tunnel aead 'rfc4106(gcm(aes))' "$key20" 128
}
# mirrors NS SPI: NS holds the SA of that SPI.
mirrors() {
	ha "$1" -j sa list | jq -e --arg s "$(printf '0x%08x' "$2")" \
		'.[] | select(.spi == $s)' > /dev/null
}
heard() { ha "$1" -j peers | jq ".[] | select(.node_id == $2) | .datagrams"; }

pp sa 1 0xc1000001
check "n2 mirrors n1's SA" wait_until 10 mirrors n2 0xc1000001
check "n3 mirrors n1's SA" wait_until 10 mirrors n3 0xc1000001

# n2 rolls with the grace period (the form without no-grace keeps
# working): it still hears n1, which seals with key A.
pp ha n2 key set file "$tmp/keyB"
unknown2=$(stat_field n2 drop_unknown_key)
heard2=$(heard n2 1)
pp sa 1 0xc1000002
check "within the grace period n2 mirrors n1's new SA (key A)" wait_until 10 mirrors n2 0xc1000002
sleep 2
check_eq "... and drops none of n1's datagrams as unknown-key" "$unknown2" "$(stat_field n2 drop_unknown_key)"
check "... it heard n1 ($heard2 datagrams before)" test "$(heard n2 1)" -gt "$heard2"

# n3 rolls without: key A is refused at once.
check "n3 rolls to key B with no-grace" ha n3 key set file "$tmp/keyB" no-grace
unknown3=$(stat_field n3 drop_unknown_key)
heard3=$(heard n3 1)
pp sa 1 0xc1000003
check "n3 drops n1's datagrams sealed with key A at once (drop-unknown-key)" \
	wait_until 5 sh -c "[ \"\$(ip netns exec n3 '$IPSEC_HA' -j stats | jq .drop_unknown_key)\" -gt $unknown3 ]"
check "n2 mirrors n1's SA added after n3 rolled" wait_until 10 mirrors n2 0xc1000003
sleep 2
check "n3 does not mirror it" sh -c "! ip netns exec n3 '$IPSEC_HA' -j sa list | grep -q 0xc1000003"
check_eq "n3 accepted no datagram of n1 since" "$heard3" "$(heard n3 1)"
check "n3 still hears n2 on key B" wait_until 5 sh -c \
	"ip netns exec n3 '$IPSEC_HA' -j peers | jq -e '.[] | select(.node_id == 2) | .in_sync' > /dev/null"
check "n3 still shows key B" test "$(show_field n3 .key.id)" = "$(show_field n2 .key.id)"

# n2, on key B and within its grace period, drops key A now: key set of
# the same key with no-grace forgets the previous one kept before.
check "n2 sets key B again with no-grace" ha n2 key set file "$tmp/keyB" no-grace
unknown2=$(stat_field n2 drop_unknown_key)
heard2=$(heard n2 1)
pp sa 1 0xc1000004
check "n2 now drops n1's datagrams sealed with key A" \
	wait_until 5 sh -c "[ \"\$(ip netns exec n2 '$IPSEC_HA' -j stats | jq .drop_unknown_key)\" -gt $unknown2 ]"
sleep 2
check "n2 does not mirror n1's newest SA" sh -c "! ip netns exec n2 '$IPSEC_HA' -j sa list | grep -q 0xc1000004"
check_eq "n2 accepted no datagram of n1 since" "$heard2" "$(heard n2 1)"

# n1 rolls too: the cluster is whole again.
pp ha n1 key set file "$tmp/keyB"
check "n2 mirrors all of n1's SAs" wait_until 15 mirrors n2 0xc1000004
check "n3 mirrors all of n1's SAs" wait_until 15 mirrors n3 0xc1000004

# No event carries either key.
kill "${mons[@]}"
keys="$(tr -d ' \n' < "$tmp/keyA")|$(tr -d ' \n' < "$tmp/keyB")"
check "the monitors saw events" test -s "$tmp/events2"
check "no event carries a key" sh -c "! cat '$tmp'/events? | grep -Eqi '$keys'"

finish
