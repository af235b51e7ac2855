#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# SPI ranges: each node is given its share of the SPI space (for its IKE
# daemon's own SPI settings); `show` has it, the peers learn it from the
# NODE_INFO that rides with every ALIVE and show it in `peers`; ranges
# that overlap are flagged there and reported to `monitor` as events;
# clearing a range clears the flags. Bad ranges are refused by the kernel.
#
#                        +---------- hub ----------+
#   n1 (node 1) ha0 ---- p1                        |
#   n2 (node 2) ha0 ---- p2          br0           |
#   n3 (node 3) ha0 ---- p3                        |
#                        +-------------------------+
#   HA link: 239.192.0.4 UDP 7734, addresses 198.51.100.N/24 on ha0

# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/lib.sh"
require

hub_cluster 3
HA_GROUP=239.192.0.4 HA_PORT=7734
for i in 1 2 3; do
	hub_join "$i"
done

# peer NS NODE JQ: a field of NODE in NS's `peers -j`
peer() { ha "$1" -j peers | jq -c ".[] | select(.node_id == $2) | $3"; }
peer_is() { [ "$(peer "$1" "$2" "$3")" = "$4" ]; }

ha n1 -j monitor > "$tmp/events" 2>&1 &
mon=$!

check "n1 takes 0x10000-0x1ffff" ha n1 node set spi-range 0x10000-0x1ffff
check_eq "show -j has it" '{"min":65536,"max":131071}' "$(show_field n1 .spi_range)"
check "show has it" sh -c "ip netns exec n1 '$IPSEC_HA' show | grep -q 'spi-range 0x00010000-0x0001ffff'"
check "n2 takes 0x20000-0x2ffff" ha n2 node set spi-range 0x20000-0x2ffff
check "n2 learns n1's range" wait_until 5 peer_is n2 1 '[.spi_min,.spi_max,.spi_overlap]' '[65536,131071,false]'
check "n1 learns n2's range" wait_until 5 peer_is n1 2 '[.spi_min,.spi_max,.spi_overlap]' '[131072,196607,false]'
check "peers shows it" sh -c "ip netns exec n1 '$IPSEC_HA' peers | grep -q '^node 2 .* spi-range 0x00020000-0x0002ffff$'"

# n3 straddles both.
check "n3 takes 0x1f000-0x20fff" ha n3 node set spi-range 0x1f000-0x20fff
check "n1 flags n3's range as overlapping" wait_until 5 peer_is n1 3 .spi_overlap true
check "... and n2's, which overlaps n3's" peer_is n1 2 .spi_overlap true
check "peers says OVERLAP" sh -c "ip netns exec n1 '$IPSEC_HA' peers | grep -q '^node 3 .*spi-range 0x0001f000-0x00020fff OVERLAP$'"
check "monitor reports n3 overlapping n1" wait_until 5 grep -q \
	'"event":"spi-overlap","node":3,"spi_min":"0x0001f000","spi_max":"0x00020fff","other_node":1,"other_spi_min":"0x00010000","other_spi_max":"0x0001ffff"' "$tmp/events"
check "monitor reports n3 overlapping n2" grep -q \
	'"event":"spi-overlap","node":3,.*"other_node":2,"other_spi_min":"0x00020000"' "$tmp/events"

# Clearing n3's range clears the flags; n1 moving onto n2's range is reported.
check "n3 clears its range" ha n3 node set spi-range none
check_eq "show -j: no range" null "$(show_field n3 .spi_range)"
check "n1 no longer flags n3" wait_until 5 peer_is n1 3 '[.spi_min,.spi_overlap]' '[null,false]'
check "... nor n2" peer_is n1 2 .spi_overlap false
: > "$tmp/events"
check "n1 moves onto n2's range" ha n1 node set spi-range 0x2f000-0x3ffff
check "n1 reports n2 overlapping it at once" wait_until 2 grep -q \
	'"event":"spi-overlap","node":2,.*"other_node":1,"other_spi_min":"0x0002f000","other_spi_max":"0x0003ffff"' "$tmp/events"
check "n2 flags n1" wait_until 5 peer_is n2 1 .spi_overlap true
check "a config event came too" grep -q '"event":"config"' "$tmp/events"
kill "$mon"
wait "$mon" 2> /dev/null

# Bad ranges: the kernel's reason, and no change.
want=$(show_field n1 .spi_range)
check_err "a range below 256 is refused" "256 <= spi-min <= spi-max.*spi-min" ha n1 node set spi-range 1-1000
check_eq "... and nothing changed" "$want" "$(show_field n1 .spi_range)"
check_err "MIN above MAX is refused" "256 <= spi-min <= spi-max.*spi-max" ha n1 node set spi-range 0x2000-0x1fff
check_eq "... and nothing changed" "$want" "$(show_field n1 .spi_range)"
check_err "0-MAX is refused" "256 <= spi-min" ha n1 node set spi-range 0-0x1000
check "a range of one SPI is fine" ha n1 node set spi-range 0xffffffff-0xffffffff
check_eq "... and shown" '{"min":4294967295,"max":4294967295}' "$(show_field n1 .spi_range)"

finish
