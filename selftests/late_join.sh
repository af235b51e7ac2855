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
hub_add
for i in 1 2; do
	add_ns "n$i"
	hub_plug "n$i" "$i"
	ha "n$i" node set id "$i" max-sas $((n + npol + 1000))
done
ha n1 key generate "$tmp/key"
pp hub_link 1

# ip -batch lines for SAs FROM..TO: four kinds in turn; the SPI and the
# destination make each unique. awk, not a shell loop: 10,000 lines.
sa_lines() {	# sa_lines FROM TO [add|del] [REQID-OFFSET]
	awk -v from="$1" -v to="$2" -v op="${3:-add}" -v roff="${4:-0}" '
	BEGIN {
		gcm = "0x0102030405060708090a0b0c0d0e0f1011121314"
		enc = "0x00112233445566778899aabbccddeeff"
		auth = "0x0123456789abcdef0123456789abcdef01234567"
		for (i = from; i <= to; i++) {
			k = i % 4
			spi = sprintf("0x%08x", 2097152 + i)
			if (k < 2)
				dst = sprintf("10.%d.%d.%d", int(i / 65536) % 256, int(i / 256) % 256, i % 256)
			else
				dst = sprintf("2001:db8:1::%x", i)
			src = k < 2 ? "10.0.0.1" : "2001:db8::1"
			id = "src " src " dst " dst " proto esp spi " spi
			if (op == "del") {
				print "xfrm state del " id
				continue
			}
			mode = (k % 2) ? "transport" : "tunnel"
			if (k == 0)
				alg = sprintf("aead rfc4106(gcm(aes)) %s 128 sel src 10.0.0.0/24 dst 10.%d.0.0/16", gcm, int(i / 256) % 256)
			else if (k == 1)
				alg = "enc cbc(aes) " enc " auth-trunc hmac(sha1) " auth " 96"
			else if (k == 2)
				alg = "aead rfc4106(gcm(aes)) " gcm " 128 flag esn replay-window 128"
			else
				alg = "enc cbc(aes) " enc " auth-trunc hmac(sha256) " auth "0011223344556677889900aa 128"
			print "xfrm state add " id " reqid " (i + roff) " mode " mode " " alg
		}
	}'
}
sa_lines 1 "$n" > "$tmp/sas"
awk -v n="$npol" 'BEGIN {
	for (i = 1; i <= n; i++)
		printf "xfrm policy add src 10.0.0.0/24 dst 10.%d.%d.0/24 dir out priority %d " \
			"tmpl src 10.0.0.1 dst 10.0.%d.%d proto esp reqid %d mode tunnel\n", \
			int(i / 256) % 256, i % 256, i, int(i / 256) % 256, i % 256, i
}' > "$tmp/pols"
check "node 1 installs $n SAs" ip -n n1 -batch "$tmp/sas"
check "node 1 installs $npol policies" ip -n n1 -batch "$tmp/pols"
check_eq "node 1 owns them all" $((n + npol)) "$(n1_owned)"

# What a node mirrors, without what is local to each node's view.
bulk_state() { ha n2 -j peers | jq -r '.[] | select(.node_id == 1) | .bulk'; }
# Node 2 holds COUNT objects of node 1 and node 1's last summary matched.
in_sync() {
	ha n2 -j peers | jq -e ".[] | select(.node_id == 1) | .objects == $1 and .in_sync" > /dev/null
}

# Node 2 joins: everything arrives by bulk sync.
t0=$(date +%s%N)
pp hub_link 2
check "node 2 receives all $((n + npol)) objects by bulk sync" wait_until 120 in_sync $((n + npol))
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
echo "# bulk sync of $((n + npol)) objects: $ms ms, $(stat_field n2 rx_datagrams) datagrams received"
check_eq "node 2 reports the bulk sync from node 1 complete" complete "$(bulk_state)"
check_eq "node 2's SAs are node 1's, field for field" "$(sa_view n1)" "$(sa_view n2)"
check_eq "node 2's policies are node 1's, field for field" "$(policy_view n1)" "$(policy_view n2)"
check_eq "node 2 dropped nothing as forged" 0 "$(stat_field n2 drop_auth)"
check_eq "node 2 installed none of them in its SAD" 0 "$(ip -n n2 xfrm state | grep -c '^src')"

# Node 2 leaves; node 1 deletes 100 SAs, replaces 100 (another reqid) and
# adds 100.
pp ha n2 link del
{
	sa_lines 1 200 del
	sa_lines 101 200 add 50000
	sa_lines $((n + 1)) $((n + 100))
} > "$tmp/changes"
check "node 1 deletes 100 SAs, replaces 100 and adds 100" ip -n n1 -batch "$tmp/changes"

# Node 2 rejoins with its stale view and must converge to node 1's.
t0=$(date +%s%N)
pp hub_link 2
check "node 2 converges to node 1's state after rejoining" wait_until 120 in_sync $((n + npol))
echo "# rejoin converged in $(( ($(date +%s%N) - t0) / 1000000 )) ms"
check_eq "node 2's SAs are node 1's again, field for field" "$(sa_view n1)" "$(sa_view n2)"
check_eq "node 2's policies are node 1's again" "$(policy_view n1)" "$(policy_view n2)"
check_eq "the deleted SAs are gone from node 2" 0 \
	"$(ha n2 -j sa list | jq '[.[] | select(.spi == "0x00200001" or .spi == "0x00200064")] | length')"
check_eq "no SA is left flagged as colliding once its replaced version is gone" 0 \
	"$(ha n2 -j sa list | jq '[.[] | select(.collides)] | length')"
check_eq "node 2 has the replaced SAs' new reqids" 100 \
	"$(ha n2 -j sa list | jq '[.[] | select(.reqid > 50000)] | length')"

finish
