#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# An SA in crypto offload keeps its counters in software: node 1 runs an
# outbound SA offloaded to a netdevsim port (ESP crypto offload of
# rfc4106(gcm(aes))) and sends on it; node 2 mirrors it with its counter
# and, node 1 cut off, takes it over (in software: node 2 has no such
# device) with its outbound counter past the last one node 1 synced, and
# past every number node 1 used. Packet offload, whose counters are in
# the NIC, is refused by promote (sa_kinds.sh, peer_input.sh). netdevsim
# is a test driver that none of Debian's kernels builds; the debug kernel
# (tools/kernels/debug-kernel.config) does. Elsewhere the test skips.
#
#   n1 (node 1) ha0 -- hub -- ha0 (node 2) n2      HA link
#   n1 eni0: a netdevsim port, 192.0.2.1/24, toward 192.0.2.2

# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/lib.sh"
require
modprobe -q netdevsim 2> /dev/null
if [ ! -w /sys/bus/netdevsim/new_device ]; then
	echo "# SKIP: no netdevsim in $(uname -r)"
	exit $ksft_skip
fi

key=0x0102030405060708090a0b0c0d0e0f1011121314
spi=0x00008001
hub_cluster 2
pp hub_join 1
pp hub_join 2

# A netdevsim device of one port; its port goes to node 1.
id=$((700 + RANDOM % 200))
echo "$id 1" > /sys/bus/netdevsim/new_device
nsim_gone() { echo "$id" > /sys/bus/netdevsim/del_device 2> /dev/null; }
trap 'nsim_gone; cleanup' EXIT
wait_until 5 sh -c "ls /sys/bus/netdevsim/devices/netdevsim$id/net/ 2> /dev/null | grep -q ."
dev=$(ls "/sys/bus/netdevsim/devices/netdevsim$id/net/")
ip link set "$dev" netns n1 name eni0
ip -n n1 addr add 192.0.2.1/24 dev eni0
ip -n n1 link set eni0 up
ip -n n1 neigh add 192.0.2.2 lladdr 02:00:00:00:00:02 dev eni0 nud permanent

check "node 1's SA is offloaded to the netdevsim port (crypto offload)" \
	ip -n n1 xfrm state add src 192.0.2.1 dst 192.0.2.2 proto esp spi $spi reqid 80 \
		mode transport aead 'rfc4106(gcm(aes))' $key 128 offload dev eni0 dir out
check "the kernel lists it as offloaded" \
	sh -c "ip -n n1 xfrm state list | grep -q 'crypto offload parameters: dev eni0 dir out'"
ip -n n1 xfrm policy add src 192.0.2.1 dst 192.0.2.2 dir out \
	tmpl src 192.0.2.1 dst 192.0.2.2 proto esp reqid 80 mode transport

# netdevsim drops what it sends; each packet has taken a sequence number.
ip netns exec n1 ping -q -c 300 -i 0.01 -W 1 192.0.2.2 > /dev/null 2>&1
oseq1() { printf '%d' "$(ip -n n1 -s xfrm state list | sed -n 's/.*oseq \(0x[0-9a-f]*\).*/\1/p' | head -n 1)"; }
n1_oseq=$(oseq1)
echo "# node 1 sent $n1_oseq packets on the offloaded SA"
check "node 1's outbound counter moved in software" test "$n1_oseq" -ge 300
tx=$(sed -n 's/.*tx=\([0-9]*\).*/\1/p' "/sys/kernel/debug/netdevsim/netdevsim$id/ports/0/ipsec" 2> /dev/null)
check "the netdevsim port encrypted them (its ipsec tx count: ${tx:-none})" test "${tx:-0}" -ge 300

sa_oseq() { ha "$1" -j sa list | jq -r ".[] | select(.spi == \"$spi\") | .oseq"; }
synced() { [ "$(sa_oseq n2)" -ge "$n1_oseq" ] 2> /dev/null; }
check "node 2 mirrors the SA with node 1's counter" wait_until 10 synced

# Node 1 sends more after the last sync it could make: its link goes down
# first, so node 2 never hears of these numbers.
ip -n n1 link set ha0 down
ip netns exec n1 ping -q -c 100 -i 0.01 -W 1 192.0.2.2 > /dev/null 2>&1
n1_last=$(oseq1)
ha n2 -j promote > "$tmp/promote.json"
echo "# promote: $(cat "$tmp/promote.json")"
check_eq "node 2 takes the SA over" 0 "$(jq -r .failed "$tmp/promote.json")"
n2_oseq=$(printf '%d' "$(ip -n n2 -s xfrm state list | sed -n 's/.*oseq \(0x[0-9a-f]*\).*/\1/p' | head -n 1)")
echo "# node 1's last number $n1_last, node 2 starts after $n2_oseq"
check "node 2's outbound counter is past every number node 1 used" test "$n2_oseq" -gt "$n1_last"
check "node 2 runs it in software (no offload device there)" \
	sh -c "! ip -n n2 xfrm state list | grep -q 'offload'"

# The device goes down: the kernel deletes the SA offloaded to it and
# tells no key manager. Node 1 notices, drops the SA and its reference to
# it, and the device can go away (before, its unregistration hung).
ip -n n1 link set eni0 down
local_sa() { ha n1 -j sa list | jq -e ".[] | select(.spi == \"$spi\" and .local)" > /dev/null; }
no_local_sa() { ! local_sa; }
check "node 1 drops the SA its kernel deleted with the device" wait_until 10 no_local_sa
check "the netdevsim device goes away" timeout $((20 * slow)) sh -c "echo $id > /sys/bus/netdevsim/del_device"
trap cleanup EXIT
finish
