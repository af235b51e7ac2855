#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Cluster events on the events group, as `ipsec-ha monitor` prints them:
# a peer heard for the first time, lost (its port on the hub down for
# more than 3 s) and heard again, a peer that restarts (its namespace made
# anew: a new epoch), a bulk sync that completes, and an SA that collides
# with a peer's (same destination, SPI and protocol), also counted.
#
#                        +---------- hub ----------+
#   n1 (node 1) ha0 ---- p1                        |
#   n2 (node 2) ha0 ---- p2          br0           |
#   n3 (node 3) ha0 ---- p3                        |
#                        +-------------------------+
#   HA link: 239.192.0.5 UDP 7735, addresses 198.51.100.N/24 on ha0

# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/lib.sh"
require

pp load_module
hub_add
plug() { hub_plug "n$1" "$1"; }	# plug N: namespace nN on the hub
HA_GROUP=239.192.0.5 HA_PORT=7735
seen() { grep -q -- "$1" "$tmp/events"; }

hub_nodes 3
ha n1 key generate "$tmp/key"
pp hub_join 1
ha n1 -j monitor > "$tmp/events" 2>&1 &
mon=$!
sleep 1

# Node 2 already has three SAs when it joins.
for i in 1 2 3; do
	ip -n n2 xfrm state add src 10.0.0.2 dst 10.0.1.$i proto esp spi "0x2000$i" \
		mode tunnel aead 'rfc4106(gcm(aes))' 0x0102030405060708090a0b0c0d0e0f1011121314 128
done
pp hub_join 2
check "n1 reports node 2 up" wait_until 5 seen '{"event":"peer-up","node":2}'
check "n1 reports its bulk sync from node 2 complete, with its 3 SAs" wait_until 5 \
	seen '{"event":"bulk-done","node":2,"count":3}'

# An SA on n1 with the destination, SPI and protocol of one of node 2's.
check_eq "no collision so far" 0 "$(stat_field n1 spi_collisions)"
pp ip -n n1 xfrm state add src 10.0.0.1 dst 10.0.1.2 proto esp spi 0x20002 \
	mode tunnel aead 'rfc4106(gcm(aes))' 0x0102030405060708090a0b0c0d0e0f1011121314 128
check "n1 reports the SPI collision" wait_until 5 seen \
	'{"event":"spi-collision","node":1,"other_node":2,"spi":"0x00020002","proto":"esp","family":"inet","daddr":"10.0.1.2"}'
check_eq "... and counts it" 1 "$(stat_field n1 spi_collisions)"
check "sa list flags it" sh -c "ip netns exec n1 '$IPSEC_HA' sa list | grep -q 'spi 0x00020002 .*local COLLISION'"
check_eq "an update of the colliding SA is no new collision" 1 "$(
	ip -n n1 xfrm state update src 10.0.0.1 dst 10.0.1.2 proto esp spi 0x20002 \
		mode tunnel aead 'rfc4106(gcm(aes))' 0x0102030405060708090a0b0c0d0e0f1011121314 128 \
		if_id 7 && sleep 1 && stat_field n1 spi_collisions)"

# Node 2's port on the hub goes down for 5 s: lost, then up again.
pp ip -n hub link set p2 down
check "n1 reports node 2 lost after 3 s" wait_until 8 seen '{"event":"peer-lost","node":2,"last_heard":'
check_eq "... once" 1 "$(grep -c '"peer-lost","node":2' "$tmp/events")"
pp ip -n hub link set p2 up
check "n1 reports node 2 up again" wait_until 5 sh -c \
	"[ \$(grep -c '{\"event\":\"peer-up\",\"node\":2}' '$tmp/events') = 2 ]"

# Node 3 joins, then restarts: its namespace is made anew (a new epoch).
pp hub_join 3
check "n1 reports node 3 up" wait_until 5 seen '{"event":"peer-up","node":3}'
epoch3=$(ha n1 -j peers | jq -r '.[] | select(.node_id == 3) | .epoch')
pp ip netns del n3
add_ns n3
plug 3
pp hub_join 3
check "n1 reports node 3 up again after its restart" wait_until 5 sh -c \
	"[ \$(grep -c '{\"event\":\"peer-up\",\"node\":3}' '$tmp/events') = 2 ]"
check "... with its new epoch" test "$(ha n1 -j peers | jq -r '.[] | select(.node_id == 3) | .epoch')" != "$epoch3"

kill "$mon"
wait "$mon" 2> /dev/null
sed 's/^/# /' "$tmp/events"
finish
