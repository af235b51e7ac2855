#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Time of `ipsec-ha promote` for N SAs and N/2 policies (default: 1000
# and 10000), against installing the same SAs and policies from userspace
# with `ip -batch` in the same guest, as a userspace sync daemon would.
# Runs interleaved, three rounds each, and prints medians and the ratio:
#
#   tools/vm/run -t 1800 -- bench/promote.sh [N...]

# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/../selftests/lib.sh"
require
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000)
rounds=3

load_module
modprobe -q esp4 || true
add_ns hub
ip -n hub link add br0 type bridge
ip -n hub link set br0 up
ha_key=$tmp/key
"$IPSEC_HA" key generate "$ha_key"

# node NS N: a cluster member on the hub
node() {
	add_ns "$1"
	ip link add ha0 netns "$1" type veth peer name "p$2" netns hub
	ip -n hub link set "p$2" master br0
	ip -n hub link set "p$2" up
	ip -n "$1" link set ha0 up
	ip -n "$1" addr add "198.51.100.$2/24" dev ha0
	ha "$1" node set id "$2" max-sas 200000
	ha "$1" link set dev ha0 group 239.192.0.1 port 7731
	ha "$1" key set file "$ha_key"
}

# batch N FILE: N tunnel-mode SAs (half in, half out) and N/2 policies
batch() {
	local key20=0x0102030405060708090a0b0c0d0e0f1011121314 i
	for i in $(seq 1 "$1"); do
		printf 'xfrm state add src 10.0.0.1 dst 10.%d.%d.%d proto esp spi 0x%08x reqid %d mode tunnel aead rfc4106(gcm(aes)) %s 128\n' \
			$((i >> 16 & 255)) $((i >> 8 & 255)) $((i & 255)) $((0x100000 + i)) "$i" "$key20"
		if [ $((i % 2)) = 0 ]; then
			printf 'xfrm policy add src 172.16.0.0/16 dst 10.%d.%d.%d/32 dir out tmpl src 10.0.0.1 dst 10.%d.%d.%d proto esp reqid %d mode tunnel\n' \
				$((i >> 16 & 255)) $((i >> 8 & 255)) $((i & 255)) \
				$((i >> 16 & 255)) $((i >> 8 & 255)) $((i & 255)) "$i"
		fi
	done > "$2"
}

ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
median() { printf '%s\n' "$@" | sort -n | sed -n "$(( ($# + 1) / 2 ))p"; }

for n in "${sizes[@]}"; do
	batch "$n" "$tmp/batch"
	pol=$((n / 2))
	prom_k=() prom_w=() ipb=()
	for r in $(seq 1 "$rounds"); do
		# A node that owns the SAs, a node that mirrors them.
		node "o$r" 1
		node "s$r" 2
		ip -n "o$r" -batch "$tmp/batch"
		until [ "$(ha "s$r" -j peers | jq '[.[] | select(.node_id == 1) | .objects] | add // 0')" \
			-ge $((n + pol)) ]; do
			sleep 0.5
		done
		ip -n "o$r" link set ha0 down

		t0=$(date +%s%N)
		"$IPSEC_HA" -n "s$r" -j promote > "$tmp/promote.json"
		prom_w+=("$(ms_since "$t0")")
		prom_k+=("$(jq '.usecs / 1000 | floor' "$tmp/promote.json")")
		got=$(jq -c '[.sas, .policies, .failed]' "$tmp/promote.json")
		[ "$got" = "[$n,$pol,0]" ] || echo "# round $r: promote installed $got, expected [$n,$pol,0]"

		# The same SAs and policies from userspace, in a fresh namespace.
		add_ns "u$r"
		t0=$(date +%s%N)
		ip -n "u$r" -batch "$tmp/batch"
		ipb+=("$(ms_since "$t0")")
		[ "$(ip -n "u$r" xfrm state count | grep -o '[0-9]*' | head -n1)" = "$n" ] ||
			echo "# round $r: ip -batch installed $(ip -n "u$r" xfrm state count)"
		for ns in "o$r" "s$r" "u$r"; do ip netns del "$ns"; done
		namespaces=(hub)
	done
	mk=$(median "${prom_k[@]}")
	mw=$(median "${prom_w[@]}")
	mi=$(median "${ipb[@]}")
	echo "promote $n SAs + $pol policies: ${mk} ms in the kernel, ${mw} ms for the command (rounds: ${prom_w[*]})"
	echo "ip -batch of the same:          ${mi} ms (rounds: ${ipb[*]})"
	awk -v a="$mi" -v b="$mw" -v k="$mk" 'BEGIN {
		printf "ratio ip -batch / promote: %.1fx (command), %.1fx (kernel time)\n", a / (b ? b : 1), a / (k ? k : 1) }'
done
cleanup
