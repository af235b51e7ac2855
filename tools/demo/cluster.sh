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
run() { printf '\033[36m%s#\033[0m %s\n' "$1" "${*:2}"; ip netns exec "$1" "${@:2}"; }

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
ip -n node1 link set ha0 up
ip -n node2 link set ha0 up
echo "node1 <-> node2 over ha0"

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

say "node1: ipsec-ha stats"
run node1 "$ha" stats

say "Unloading"
for n in node1 node2; do ip netns del $n; done
rmmod ipsec_ha
echo "ipsec_ha unloaded; kernel log clean is checked by the runner"
