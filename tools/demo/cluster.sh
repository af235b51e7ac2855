#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The ipsec-ha demo, run inside the guest: two cluster nodes, each a
# network namespace, joined by a dedicated HA link, configured with the
# ipsec-ha tool the way an operator (or a keepalived notify script) would.
#
#   +----------------+                        +----------------+
#   |  node1 (id 1)  |ha0 ----- veth ----- ha0|  node2 (id 2)  |
#   +----------------+                        +----------------+
#          HA link: multicast 239.192.0.1, UDP port 7731
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
ha=$top/tools/ipsec-ha/ipsec-ha
ko=$top/build/$(uname -r)/module/ipsec_ha.ko
key=$(mktemp -d)/cluster.key

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() {	# run NS CMD...: show the command (keys masked) and run it in NS
	local shown=() arg
	for arg in "${@:2}"; do
		[[ $arg =~ ^0x[0-9a-f]{32,}$ ]] && arg="0x<key>"
		shown+=("$arg")
	done
	printf '\033[36m%s#\033[0m %s\n' "$1" "${shown[*]}"
	ip netns exec "$1" "${@:2}"
}

say "Loading ipsec_ha on Linux $(uname -r)"
read -r -a deps <<< "$(modinfo -F depends "$ko" | tr , ' ')"
[ ${#deps[@]} = 0 ] || modprobe -a "${deps[@]}"
insmod "$ko"
dmesg | grep ipsec_ha | tail -n 1

say "Two nodes and their HA link"
for n in node1 node2; do
	ip netns add $n
	ip -n $n link set lo up
done
ip link add ha0 netns node1 type veth peer name ha0 netns node2
for i in 1 2; do
	ip -n node$i link set ha0 up
	ip -n node$i addr add 198.51.100.$i/24 dev ha0
done
echo "node1 (198.51.100.1) <-> node2 (198.51.100.2) over ha0"

say "One cluster key, generated once and copied to every node (mode 0600)"
"$ha" key generate "$key"
ls -l "$key" | awk '{print $1, $NF}'

for i in 1 2; do
	say "Configuring node$i"
	run node$i "$ha" node set id $i
	run node$i "$ha" link set dev ha0 group 239.192.0.1 port 7731
	run node$i "$ha" key set file "$key"
done

for i in 1 2; do
	say "node$i: ipsec-ha show"
	run node$i "$ha" show
done

say "Both nodes hold the same key: same id and fingerprint, never the key itself"
for i in 1 2; do
	printf 'node%s: ' $i
	ip netns exec node$i "$ha" -j show | jq -c .key
done

say "Each node joined the group on its HA link"
for i in 1 2; do
	printf 'node%s: ' $i
	ip -n node$i maddr show dev ha0 | grep -Eo 'inet +239.192.0.1' || echo "not joined"
done

say "The IKE daemon of node1 installs an IPsec SA pair and a policy"
run node1 ip xfrm state add src 192.0.2.1 dst 203.0.113.7 proto esp spi 0xc1a55001 reqid 1 mode tunnel \
	aead 'rfc4106(gcm(aes))' 0x"$(head -c 20 /dev/urandom | od -An -tx1 | tr -d ' \n')" 128
run node1 ip xfrm state add src 203.0.113.7 dst 192.0.2.1 proto esp spi 0xc1a55002 reqid 1 mode tunnel \
	aead 'rfc4106(gcm(aes))' 0x"$(head -c 20 /dev/urandom | od -An -tx1 | tr -d ' \n')" 128 replay-window 64
run node1 ip xfrm policy add src 192.0.2.0/24 dst 203.0.113.0/24 dir out \
	tmpl src 192.0.2.1 dst 203.0.113.7 proto esp reqid 1 mode tunnel
sleep 1

say "node2 mirrors them, keys included but never shown"
run node2 "$ha" sa list
run node2 "$ha" policy list
run node2 "$ha" peers

say "node1: ipsec-ha stats"
run node1 "$ha" stats | grep -v ' 0$'

say "Unloading"
for n in node1 node2; do ip netns del $n; done
rmmod ipsec_ha
echo "ipsec_ha unloaded; kernel log clean is checked by the runner"
