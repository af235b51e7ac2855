#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A node that joins a cluster late gets everything by bulk sync: node 1
# holds 10,000 SAs (IPv4 and IPv6, tunnel and transport, AES-GCM and
# cbc+hmac, some ESN) and 500 policies before node 2 is configured; node 2
# must then mirror all of them, field for field, and report its bulk sync
# complete. Node 2 then leaves the HA link, node 1 deletes, replaces and
# adds SAs while it is away, and node 2 rejoins: it must converge to node
# 1's state again, stale objects included. On a slow kernel (IPSEC_HA_SLOW, the debug
# kernel) the count is 2,000.
#
#   n1 (node 1) ha0 ---- p1 --+
#                             br0 (hub)    HA link 239.192.0.1 UDP 7731
#   n2 (node 2) ha0 ---- p2 --+            198.51.100.N/24 on ha0

# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/lib.sh"
require

n=${LATE_JOIN_SAS:-10000}
[ "$slow" = 1 ] || n=${LATE_JOIN_SAS:-2000}
npol=500
echo "# $n SAs and $npol policies"

pp load_module
add_ns hub
ip -n hub link add br0 type bridge
ip -n hub link set br0 up
for i in 1 2; do
	add_ns "n$i"
	ip link add ha0 netns "n$i" type veth peer name "p$i" netns hub
	ip -n hub link set "p$i" master br0
	ip -n hub link set "p$i" up
	ip -n "n$i" link set ha0 up
	ip -n "n$i" addr add "198.51.100.$i/24" dev ha0
	ha "n$i" node set id "$i" max-sas $((n + npol + 1000))
done
ha n1 key generate "$tmp/key"
join() {
	ha "n$1" link set dev ha0 group 239.192.0.1 port 7731
	ha "n$1" key set file "$tmp/key"
}
pp join 1

# SA i: four kinds in turn. The SPI and the destination make it unique.
gcm=0x0102030405060708090a0b0c0d0e0f1011121314
enc=0x00112233445566778899aabbccddeeff
auth=0x0123456789abcdef0123456789abcdef01234567
sa_line() {	# sa_line I
	local i=$1 spi d4 d6
	spi=$(printf '0x%08x' $((0x200000 + i)))
	d4=10.$((i >> 16 & 255)).$((i >> 8 & 255)).$((i & 255))
	d6=2001:db8:1::$(printf '%x' "$i")
	case $((i % 4)) in
	0) echo "xfrm state add src 10.0.0.1 dst $d4 proto esp spi $spi reqid $i mode tunnel" \
		"aead rfc4106(gcm(aes)) $gcm 128 sel src 10.0.0.0/24 dst 10.$((i >> 8 & 255)).0.0/16" ;;
	1) echo "xfrm state add src 10.0.0.1 dst $d4 proto esp spi $spi reqid $i mode transport" \
		"enc cbc(aes) $enc auth-trunc hmac(sha1) $auth 96" ;;
	2) echo "xfrm state add src 2001:db8::1 dst $d6 proto esp spi $spi reqid $i mode tunnel" \
		"aead rfc4106(gcm(aes)) $gcm 128 flag esn replay-window 128" ;;
	3) echo "xfrm state add src 2001:db8::1 dst $d6 proto esp spi $spi reqid $i mode transport" \
		"enc cbc(aes) $enc auth-trunc hmac(sha256) ${auth}0011223344556677889900aa 128" ;;
	esac
}
for i in $(seq 1 "$n"); do sa_line "$i"; done > "$tmp/sas"
for i in $(seq 1 "$npol"); do
	echo "xfrm policy add src 10.0.0.0/24 dst 10.$((i >> 8 & 255)).$((i & 255)).0/24 dir out" \
		"priority $i tmpl src 10.0.0.1 dst 10.0.$((i >> 8 & 255)).$((i & 255)) proto esp reqid $i mode tunnel"
done > "$tmp/pols"
check "node 1 installs $n SAs" ip -n n1 -batch "$tmp/sas"
check "node 1 installs $npol policies" ip -n n1 -batch "$tmp/pols"
owned() { echo $(( $(ha n1 -j sa list | jq length) + $(ha n1 -j policy list | jq length) )); }
check_eq "node 1 owns them all" $((n + npol)) "$(owned)"

# What a node mirrors, without what is local to each node's view.
view() { ha "$1" -j sa list | jq -c 'map(del(.local, .age)) | sort_by(.origin, .id)'; }
pview() { ha "$1" -j policy list | jq -c 'map(del(.local)) | sort_by(.origin, .id)'; }
mirrored() { ha "$1" -j peers | jq '.[] | select(.node_id == 1) | .objects'; }
has_all() { [ "$(mirrored n2)" = "$1" ]; }
bulk_state() { ha n2 -j peers | jq -r '.[] | select(.node_id == 1) | .bulk'; }

# Node 2 joins: everything arrives by bulk sync.
t0=$(date +%s%N)
pp join 2
check "node 2 receives all $((n + npol)) objects by bulk sync" wait_until 120 has_all $((n + npol))
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
echo "# bulk sync of $((n + npol)) objects: $ms ms, $(stat_field n2 rx_datagrams) datagrams received"
check_eq "node 2 reports the bulk sync from node 1 complete" complete "$(bulk_state)"
check_eq "node 2's SAs are node 1's, field for field" "$(view n1)" "$(view n2)"
check_eq "node 2's policies are node 1's, field for field" "$(pview n1)" "$(pview n2)"
check_eq "node 2 dropped nothing as forged" 0 "$(stat_field n2 drop_auth)"
check_eq "node 2 installed none of them in its SAD" 0 "$(ip -n n2 xfrm state | grep -c '^src')"

# Node 2 leaves; node 1 deletes 100 SAs, replaces 100 (another reqid) and
# adds 100.
del_line() { sa_line "$1" | sed -E 's/^xfrm state add (src [^ ]+ dst [^ ]+ proto esp spi [^ ]+).*/xfrm state del \1/'; }
pp ha n2 link del
{
	for i in $(seq 1 200); do del_line "$i"; done
	for i in $(seq 101 200); do sa_line "$i" | sed "s/ reqid $i / reqid $((i + 50000)) /"; done
	for i in $(seq $((n + 1)) $((n + 100))); do sa_line "$i"; done
} > "$tmp/changes"
check "node 1 deletes 100 SAs, replaces 100 and adds 100" ip -n n1 -batch "$tmp/changes"

# Node 2 rejoins with its stale view and must converge to node 1's.
same_view() { [ "$(view n1)" = "$(view n2)" ] && [ "$(pview n1)" = "$(pview n2)" ]; }
t0=$(date +%s%N)
pp join 2
check "node 2 converges to node 1's state after rejoining" wait_until 120 same_view
echo "# rejoin converged in $(( ($(date +%s%N) - t0) / 1000000 )) ms"
check_eq "node 2 mirrors $((n + npol)) objects of node 1 again" $((n + npol)) "$(mirrored n2)"
check_eq "the deleted SAs are gone from node 2" 0 \
	"$(ha n2 -j sa list | jq '[.[] | select(.spi == "0x00200001" or .spi == "0x00200064")] | length')"
check_eq "node 2 has the replaced SAs' new reqids" 100 \
	"$(ha n2 -j sa list | jq '[.[] | select(.reqid > 50000)] | length')"

finish
