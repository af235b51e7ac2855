#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Bulk sync of N SAs (default 100000) to a node that joins late, measured
# side by side with the kernel's own XFRM netlink dump of the same SAs:
# time, datagrams, bytes per SA on the wire against bytes per SA in the
# netlink dump, memory per mirrored SA (slab before/after), and the sync
# traffic of 1000 SA changes. Runs in a guest:
#
#   tools/vm/run -t 1800 -- bench/sync-bulk.sh [N]

# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/../selftests/lib.sh"
require
n=${1:-100000}

load_module
hub_add
for i in 1 2; do
	add_ns "n$i"
	hub_plug "n$i" "$i"
	# The mirror alone first: SAs prepared for takeover are measured apart.
	ha "n$i" node set id "$i" max-sas $((n + 1000)) prepare-max 0
done
ha n1 key generate "$tmp/key"
ha n1 link set dev ha0 group 239.192.0.1 port 7731
ha n1 key set file "$tmp/key"

echo "# installing $n SAs on node 1"
# Peers' addresses spread over 100.64.0.0/10, unrelated to the reqids (as
# in bench/promote.sh: addresses that track the reqid would hash the SAD's
# bydst table into a few chains).
awk -v n="$n" 'BEGIN {
	key = "0x0102030405060708090a0b0c0d0e0f1011121314"
	for (i = 1; i <= n; i++) {
		a = (i * 40503) % 4194304
		o2 = 64 + int(a / 65536); o3 = int(a / 256) % 256
		printf "xfrm state add src 10.0.0.1 dst 100.%d.%d.%d proto esp spi 0x%08x reqid %d mode tunnel aead rfc4106(gcm(aes)) %s 128\n", \
			o2, o3, a % 256, 1048576 + i, i, key
	}
}' > "$tmp/batch"
ip -n n1 -batch "$tmp/batch"
until [ "$(ha n1 -j stats | jq .tx_records)" -ge "$n" ]; do sleep 1; done

# The kernel's own size of the same SAs: an XFRM_MSG_GETSA dump.
nl_bytes=$(ip netns exec n1 python3 - <<'PY'
import socket, struct
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 6)   # NETLINK_XFRM
s.bind((0, 0))
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
s.send(struct.pack("=IHHII", 16, 18, 0x301, 1, 0))          # GETSA, REQUEST|DUMP
total = count = 0
done = False
while not done:
    data = s.recv(1 << 16)
    off = 0
    while off < len(data):
        ln, typ = struct.unpack_from("=IH", data, off)
        if typ == 3:
            done = True
            break
        if typ == 16:                                       # NEWSA
            total += ln
            count += 1
        off += (ln + 3) & ~3
print(total, count)
PY
)
read -r nl_total nl_count <<< "$nl_bytes"

slab() { awk '/^Slab:/ {print $2}' /proc/meminfo; }
tx0=$(ha n1 -j stats | jq '[.tx_datagrams, .tx_bytes]')
slab0=$(slab)
t0=$(date +%s%N)
ha n2 key set file "$tmp/key"
ha n2 link set dev ha0 group 239.192.0.1 port 7731
# Polled from inside n2's namespace and without jq, every 50 ms: a poll is
# one run of the tool and a short pause that leaves the guest's CPU to the
# sync. (With a pause of 200 ms, ip netns exec and jq, a poll took about
# 450 ms in a TCG guest, and the times fell on its multiples.) n2 hears
# node 1 alone, so its peers table has one "objects".
ip netns exec n2 sh -c 'until "$1" -j peers | grep -q "\"objects\":$2[,}]"; do sleep 0.05; done' \
	sh "$IPSEC_HA" "$n"
t1=$(date +%s%N)
sleep 2
slab1=$(slab)
tx1=$(ha n1 -j stats | jq '[.tx_datagrams, .tx_bytes]')
dg=$(( $(jq '.[0]' <<< "$tx1") - $(jq '.[0]' <<< "$tx0") ))
by=$(( $(jq '.[1]' <<< "$tx1") - $(jq '.[1]' <<< "$tx0") ))

echo "bulk sync of $n SAs: $(( (t1 - t0) / 1000000 )) ms, $dg datagrams, $by bytes"
echo "bytes per SA: wire $((by / n)), kernel netlink dump $((nl_total / nl_count)) ($nl_count SAs): ratio $(awk -v a="$by" -v n="$n" -v b="$nl_total" -v c="$nl_count" 'BEGIN { printf "%.2f", (a / n) / (b / c) }')"
echo "memory per mirrored SA (slab delta on node 2): $(( (slab1 - slab0) * 1024 / n )) bytes, of which key 20 bytes"

# What preparing them for takeover adds (prepare-max): slab and page
# tables grow, so count both (MemAvailable's fall).
avail() { awk '/^MemAvailable:/ {print $2}' /proc/meminfo; }
slab0=$(slab) avail0=$(avail)
t0=$(date +%s%N)
ha n2 node set prepare-max "$n"
until [ "$(ha n2 -j show | jq .prepared)" -ge "$n" ]; do sleep 0.5; done
t1=$(date +%s%N)
sleep 1
echo "preparing $n SAs for takeover: $(( (t1 - t0) / 1000000 )) ms; per SA $(( ($(slab) - slab0) * 1024 / n )) bytes of slab, $(( (avail0 - $(avail)) * 1024 / n )) bytes of available memory"
ha n2 node set prepare-max 0

# Sync traffic of 1000 changes (deletions) on node 1.
tx0=$(ha n1 -j stats | jq '[.tx_datagrams, .tx_bytes]')
awk 'BEGIN {
	for (i = 1; i <= 1000; i++) {
		a = (i * 40503) % 4194304
		printf "xfrm state del src 10.0.0.1 dst 100.%d.%d.%d proto esp spi 0x%08x\n", \
			64 + int(a / 65536), int(a / 256) % 256, a % 256, 1048576 + i
	}
}' > "$tmp/del"
ip -n n1 -batch "$tmp/del"
until [ "$(ha n2 -j peers | jq '.[] | select(.node_id == 1) | .objects')" = "$((n - 1000))" ]; do
	sleep 0.2
done
sleep 1.5
tx1=$(ha n1 -j stats | jq '[.tx_datagrams, .tx_bytes]')
echo "1000 SA deletions: $(( $(jq '.[0]' <<< "$tx1") - $(jq '.[0]' <<< "$tx0") )) datagrams, $(( $(jq '.[1]' <<< "$tx1") - $(jq '.[1]' <<< "$tx0") )) bytes (an ALIVE included)"
