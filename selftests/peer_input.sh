#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Hostile but authentic peer input: a fake node that holds the cluster key
# (ha_inject, node 9) sends SA and POLICY records that decode but that the
# kernel's xfrm_user would refuse, refs of origin 0, and refs reused for
# another object. Node 1 must drop and count each of them, keep the valid
# ones, and after a promote nothing invalid may be in its SAD or SPD, nor
# anything in its kernel log. Also: larval ACQUIRE states of node 1 are
# not mirrored, and a packet-offload SA is listed as such and refused by
# promote.
#
#                        +------- hub -------+
#   n1 (node 1) ha0 ---- p1       br0        |
#   inj         ha0 ---- p9  (fake node 9)   |
#                        +-------------------+
#   HA link: 239.192.0.1 UDP 7731, addresses 198.51.100.N/24 on ha0

# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/lib.sh"
require
[ -x "$INJECT" ] || { echo "# SKIP: $INJECT not built (make -C selftests)"; exit $ksft_skip; }

klog_start=$(dmesg | wc -l)
pp load_module
hub_add
add_ns n1
hub_plug n1 1
add_ns inj
hub_plug inj 9

# A larval state on n1 before it joins: a policy with no SA, traffic, and
# a listener that takes the ACQUIRE (so the kernel keeps the larval state).
# It expires after 5 s, during the test: its expiry is notified too.
ip netns exec n1 sysctl -q -w net.core.xfrm_acq_expires=5
ip -n n1 addr add 10.1.0.1/24 dev lo
ip -n n1 route add 10.2.0.0/24 via 198.51.100.50 dev ha0 onlink
ip -n n1 route add 10.100.0.0/24 via 198.51.100.50 dev ha0 onlink
ip -n n1 route add 9.9.9.0/24 via 198.51.100.50 dev ha0 onlink
ip -n n1 xfrm policy add src 10.1.0.0/24 dst 10.2.0.0/24 dir out \
	tmpl src 198.51.100.1 dst 198.51.100.50 proto esp reqid 50 mode tunnel
ip netns exec n1 timeout 10 ip xfrm monitor acquire > /dev/null 2>&1 &
monitor=$!
sleep 0.5
ip netns exec n1 ping -q -c 1 -W 1 -I 10.1.0.1 10.2.0.1 > /dev/null 2>&1
kill "$monitor" 2> /dev/null
wait "$monitor" 2> /dev/null
larval=$(ip -n n1 xfrm state list | grep -c 'spi 0x00000000')

ha n1 key generate "$tmp/key"
ha n1 node set id 1
ha n1 link set dev ha0 group 239.192.0.1 port 7731
ha n1 key set file "$tmp/key"

if [ "$larval" -ge 1 ]; then
	check_eq "a larval ACQUIRE state is not mirrored" 0 \
		"$(ha n1 -j sa list | jq '[.[] | select(.spi == "0x00000000")] | length')"
else
	skip "a larval ACQUIRE state is not mirrored" "no larval state was created"
fi

has_pol() { ha n1 -j policy list | jq -e ".[] | select(.origin == $1 and .id == $2)" > /dev/null; }

# Valid objects: an SA (ref 9/1), a policy (9/2) and a packet-offload SA (9/20).
pp inject9 'sa:ref=9/1,spi=0x9001' 'policy:ref=9/2' 'sa:ref=9/20,spi=0x9020,offload=2'
check "the valid SA of node 9 is mirrored" wait_until 10 has_sa n1 9 1
check "the valid policy of node 9 is mirrored" has_pol 9 2
check "the packet-offload SA is mirrored" has_sa n1 9 20
check_eq "sa list flags it PACKET-OFFLOAD" 1 \
	"$(ha n1 sa list | grep -c 'spi 0x00009020.*PACKET-OFFLOAD')"
check_eq "and JSON says packet_offload" true \
	"$(ha n1 -j sa list | jq '.[] | select(.id == 20) | .packet_offload')"

# Invalid ones, each in a datagram of its own.
pp inject9 'policy:ref=9/10,selfamily=0,sel=0.0.0.0/0-9.9.9.0/128'
pp inject9 'sa:ref=9/11,spi=0x9011,mode=7'
pp inject9 'sa:ref=9/12,spi=0x9012,aead=rfc4106(gcm(aes))/17/128'
pp inject9 'sa:ref=9/13,spi=0x9013,replay=1000,bmp=1'
pp inject9 'sa:ref=0/14,spi=0x9014'
pp inject9 'policy:ref=9/1,index=0x109'
pp inject9 'sa:ref=9/31,spi=0x9031'
check "a valid SA after the policy of ref 9/1 arrived" wait_until 10 has_sa n1 9 31
check "policy reusing the SA's ref 9/1 not stored" eval '! has_pol 9 1'
check "SA 9/1 is still there" has_sa n1 9 1
pp inject9 'sa:ref=9/1,spi=0x9999'
pp inject9 'taken:ref=0/14,epoch=1'
# A last valid one: when it is here, everything before it was handled.
pp inject9 'sa:ref=9/30,spi=0x9030'
check "the last valid SA arrived" wait_until 10 has_sa n1 9 30

check "policy with a family-0 selector of prefix 128 not stored" eval '! has_pol 9 10'
check "SA of mode 7 not stored" eval '! has_sa n1 9 11'
check "SA with a 17-byte rfc4106 key not stored" eval '! has_sa n1 9 12'
check "SA with window 1000 and a one-word bitmap not stored" eval '! has_sa n1 9 13'
check "SA of origin 0 not stored" eval '! has_sa n1 0 14'
check_eq "SA 9/1 keeps its SPI (a record of another SPI did not replace it)" '"0x00009001"' \
	"$(ha n1 -j sa list | jq '.[] | select(.origin == 9 and .id == 1) | .spi')"
check_eq "drop-invalid-selector counts the policy" 1 "$(stat_or0 n1 drop_invalid_selector)"
check_eq "drop-invalid-proto counts the mode" 1 "$(stat_or0 n1 drop_invalid_proto)"
check_eq "drop-invalid-alg counts the key length" 1 "$(stat_or0 n1 drop_invalid_alg)"
check_eq "drop-invalid-replay counts the window" 1 "$(stat_or0 n1 drop_invalid_replay)"
check_eq "drop-invalid-ref counts the SA and the TAKEN entry of origin 0" 2 \
	"$(stat_or0 n1 drop_invalid_ref)"
check_eq "drop-ref-reused counts the policy and the SA of another SPI" 2 \
	"$(stat_or0 n1 drop_ref_reused)"
check_eq "nothing counted as malformed" 0 "$(stat_or0 n1 drop_malformed)"

ha n1 -j promote > "$tmp/promote.json" 2> "$tmp/promote.err"
echo "# promote: $(cat "$tmp/promote.json" "$tmp/promote.err")"
check_eq "promote installs the 3 valid SAs of node 9" 3 "$(jq -r .sas "$tmp/promote.json")"
check_eq "promote installs the valid policy" 1 "$(jq -r .policies "$tmp/promote.json")"
check_eq "promote refuses the packet-offload SA" 1 "$(jq -r .failed "$tmp/promote.json")"
check "its failure says why" grep -q 'packet offload' "$tmp/promote.json"

ip -n n1 xfrm state list > "$tmp/states"
ip -n n1 xfrm policy list > "$tmp/policies"
check "SA 0x9001 is in the SAD" grep -q 'spi 0x00009001' "$tmp/states"
check "SA 0x9030 is in the SAD" grep -q 'spi 0x00009030' "$tmp/states"
check "SA 0x9031 is in the SAD" grep -q 'spi 0x00009031' "$tmp/states"
check_eq "no invalid or offloaded SA is in the SAD" 0 \
	"$(grep -cE 'spi 0x0000(9011|9012|9013|9014|9999|9020)' "$tmp/states")"
check_eq "no policy with a /128 selector is in the SPD" 0 "$(grep -c '/128' "$tmp/policies")"
check_eq "the SPD holds n1's own policy and node 9's" 2 "$(grep -c '^src' "$tmp/policies")"

grep -B1 -A3 '/128' "$tmp/policies" | sed 's/^/#   /'

if [ "$larval" -ge 1 ]; then
	check "the larval state expired" wait_until 15 \
		sh -c "! ip -n n1 xfrm state list | grep -q 'spi 0x00000000'"
fi

# Traffic through the policy lookup (below and above n1's own policy in
# the SPD's tree of destination prefixes), then the kernel log.
ip netns exec n1 ping -q -c 1 -W 1 9.9.9.9 > /dev/null 2>&1
ip netns exec n1 ping -q -c 1 -W 1 10.100.0.1 > /dev/null 2>&1
dmesg | tail -n +"$((klog_start + 1))" > "$tmp/klog"
check_eq "the kernel log is clean" 0 \
	"$(grep -cE 'UBSAN|BUG:|WARNING:|KASAN|shift-out-of-bounds' "$tmp/klog")"
grep -E 'UBSAN|BUG:|WARNING:|KASAN|shift-out-of-bounds' "$tmp/klog" | head -n 5 | sed 's/^/#   /'

finish
