#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Takeover bookkeeping that a security review found wrong, each checked on
# its own small cluster of namespaces on one HA segment:
#   - the margin comes from the old owner's counter threshold (it announces
#     it in NODE_INFO), not from the promoting node's;
#   - a node that restarts gives its new SAs and policies refs of its own,
#     never those of objects a peer took over from its earlier life, and
#     a peer's record under a ref it holds for another object is no
#     takeover of that object.
#
#                        +------ hub: br0 ------+
#   n1 (node 1) ha0 ---- p1                      |
#   n2 (node 2) ha0 ---- p2                      |
#                        +-----------------------+

# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/lib.sh"
require

pp load_module
hub_add
for i in 1 2; do
	add_ns "n$i"
	hub_plug "n$i" "$i"
done
ha n1 key generate "$tmp/key"
join() {	# join N: node N on the HA link
	ha "n$1" node set id "$1"
	ha "n$1" link set dev ha0 group 239.192.0.1 port 7731
	ha "n$1" key set file "$tmp/key"
}
key20=0x0102030405060708090a0b0c0d0e0f1011121314
# sa NS SPI [ARGS...]: an AES-GCM SA from 192.0.2.1 to 192.0.2.100.
sa() {
	ip -n "$1" xfrm state add src 192.0.2.1 dst 192.0.2.100 proto esp spi "$2" \
		reqid 1 mode tunnel aead 'rfc4106(gcm(aes))' "$key20" 128 "${@:3}"
}
# What NS mirrors of (or holds as) the SA of that SPI: one jq field.
sa_field() {
	ha "$1" -j sa list | jq -r --arg s "$(printf '0x%08x' "$2")" \
		"[.[] | select(.spi == \$s)] | first | .$3 // empty"
}
in_sync() { ha "$1" -j peers | jq -e ".[] | select(.node_id == $2) | .in_sync" > /dev/null; }

# --- the margin is the old owner's ---------------------------------------
# n1 syncs counters every 100,000 packets, n2 every 256; both have a margin
# floor of 16. n1's SA stands at 1,000 (nothing sent since it was learnt:
# no rate). n2 takes it over: n1 may have sent up to 100,000 packets past
# the last synced value, so n2 must start past 101,000, not 1,256.
pp join 1
pp join 2
ha n1 node set sync-packets 100000 margin-min 16
ha n2 node set sync-packets 256 margin-min 16
pp sa n1 0xc1000001 replay-oseq 1000
check "n2 mirrors n1's SA and n1's summary" wait_until 10 sh -c \
	"[ -n \"\$(ip netns exec n2 $IPSEC_HA -j sa list | jq '.[] | select(.spi == \"0xc1000001\")')\" ]"
check "n2 is in sync with n1" wait_until 10 in_sync n2 1
ip -n n1 link set ha0 down	# n1 fails
pp ha n2 -j promote node 1 > "$tmp/promote.json"
oseq=$(ip -n n2 xfrm state list spi 0xc1000001 | grep -o ' oseq 0x[0-9a-f]*' | awk '{ print $2 }')
[ -z "$oseq" ] || oseq=$((oseq))
check "n2 installed the SA" test -n "$oseq"
check "n2 starts past n1's threshold: oseq $oseq > 101000" test "${oseq:-0}" -gt 101000
ip -n n1 link set ha0 up

finish
