#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Counter sync traffic: N outbound SAs (default 200, 1000) all sending at
# once, out of a dummy interface, on a node that syncs them to a second
# node. Prints counter entries per sync datagram, the sync traffic in
# bytes per second against the number of active SAs and their packet
# rate, and checks that the mirror's counters reached the SAs' own.
#
#   tools/vm/run -t 900 -- bench/counters.sh [N...]

# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/../selftests/lib.sh"
require
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(200 1000)
secs=10

load_module
hub_add
"$IPSEC_HA" key generate "$tmp/key"
for i in 1 2; do
	add_ns "n$i"
	hub_plug "n$i" "$i"
	ha "n$i" node set id "$i" max-sas 200000
	ha "n$i" link set dev ha0 group 239.192.0.1 port 7731
	ha "n$i" key set file "$tmp/key"
done
ip -n n1 link add dummy0 type dummy
ip -n n1 link set dummy0 up
ip -n n1 addr add 10.9.0.1/16 dev dummy0

stat1() { ha n1 -j stats | jq "$1"; }
key20=0x0102030405060708090a0b0c0d0e0f1011121314
base=0
for n in "${sizes[@]}"; do
	ip -n n1 xfrm state flush
	ip -n n1 xfrm policy flush
	for i in $(seq 1 "$n"); do
		printf 'xfrm state add src 10.9.0.1 dst 10.9.%d.%d proto esp spi 0x%08x reqid %d mode transport aead rfc4106(gcm(aes)) %s 128\n' \
			$((i >> 8 & 255)) $((i & 255 | 0)) $((0x200000 + base + i)) "$i" "$key20"
		printf 'xfrm policy add src 10.9.0.1 dst 10.9.%d.%d proto udp dir out tmpl src 10.9.0.1 dst 10.9.%d.%d proto esp reqid %d mode transport\n' \
			$((i >> 8 & 255)) $((i & 255)) $((i >> 8 & 255)) $((i & 255)) "$i"
	done > "$tmp/batch"
	base=$((base + n))
	ip -n n1 -batch "$tmp/batch"
	until [ "$(ha n2 -j sa list | jq '[.[] | select(.owner == 1)] | length')" -ge "$n" ]; do
		sleep 0.5
	done
	sleep 2
	c0=$(stat1 .tx_counters) d0=$(stat1 .tx_datagrams) b0=$(stat1 .tx_bytes)
	# Round robin over every SA's address for secs seconds.
	pkts=$(ip netns exec n1 python3 - "$n" "$secs" <<'PY'
import socket, sys, time
n, secs = int(sys.argv[1]), float(sys.argv[2])
dst = [("10.9.%d.%d" % (i >> 8 & 255, i & 255), 9) for i in range(1, n + 1)]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
end, sent = time.time() + secs, 0
while time.time() < end:
    for d in dst:
        try:
            s.sendto(b"x" * 64, d)
            sent += 1
        except OSError:
            pass
print(sent)
PY
)
	sleep 1
	c1=$(stat1 .tx_counters) d1=$(stat1 .tx_datagrams) b1=$(stat1 .tx_bytes)
	# Only datagrams that carried counters: the others are ALIVEs.
	alive=$(( (secs + 1) * 2 ))
	dg=$((d1 - d0))
	# The mirror's counters against the SAs' own (summed).
	own=0
	for h in $(ip -n n1 xfrm state | grep -o 'oseq 0x[0-9a-f]*' | cut -d' ' -f2); do
		own=$((own + h))
	done
	mirror=$(ha n2 -j sa list | jq '[.[] | select(.owner == 1) | .oseq] | add')
	echo "$n active SAs, $pkts packets in $secs s ($((pkts / secs)) packets/s, $((pkts / secs / n)) per SA):"
	awk -v c=$((c1 - c0)) -v d="$dg" -v a="$alive" -v b=$((b1 - b0)) -v s="$secs" -v n="$n" 'BEGIN {
		printf "  %d counter entries in %d datagrams: %.1f entries per datagram (%.1f not counting up to %d ALIVE-only)\n",
			c, d, c / (d ? d : 1), c / (d - a > 0 ? d - a : 1), a
		printf "  sync traffic %.0f bytes/s, %.1f bytes/s per active SA\n", b / (s + 1), b / (s + 1) / n
	}'
	echo "  counters: SAs $own, mirror $mirror ($( [ "$mirror" = "$own" ] && echo equal || echo DIFFERENT))"
done
cleanup
