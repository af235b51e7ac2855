#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Kinds of SA beyond the plain one, mirrored and taken over as the kernel
# allows: larval ACQUIRE states (never mirrored, whether they exist when
# a node joins or appear after), SA directions (6.10+: outbound ESN SAs
# without replay window, as strongSwan 6 installs them), the direction
# the owner infers where the kernel gave none, per-CPU SAs (RFC 9611,
# 6.12.13+: their CPU follows them to the new owner), NAT-T SAs with a
# NAT keepalive interval (6.9+: the new owner's kernel sends the
# keepalives) and a mapping max age, and what a node refuses to take
# over: IP-TFS SAs, SAs with a security context (labelled IPsec), and
# outbound per-CPU SAs on a kernel without per-CPU SAs. Node 9
# (ha_inject) feeds such records to node 2
# whatever node 1's kernel can make. Node 2 promotes everything at the
# end, node 1 being cut off.
#
#                        +------- hub -------+
#   n1 (node 1) ha0 ---- p1                  |
#   n2 (node 2) ha0 ---- p2       br0        |
#   inj         ha0 ---- p9  (fake node 9)   |
#                        +-------------------+
#   HA link: 239.192.0.1 UDP 7731, addresses 198.51.100.N/24 on ha0

# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/lib.sh"
require
XSA=$sdir/xfrm_sa
for b in "$INJECT" "$XSA"; do
	[ -x "$b" ] || { echo "# SKIP: $b not built (make -C selftests)"; exit $ksft_skip; }
done

pp load_module
hub_add
hub_nodes 2
add_ns inj
hub_plug inj 9

# What this kernel has: an SA added with a direction and a CPU lists them
# only where the kernel keeps them (older kernels ignore the attributes).
add_ns probe
ip netns exec probe "$XSA" add 192.0.2.1 192.0.2.2 0x10 dir out pcpu 0 > /dev/null 2>&1
ip netns exec probe "$XSA" add 192.0.2.1 192.0.2.2 0x11 dir out encap 4500 4500 natka 5 \
	> /dev/null 2>&1
probe=$(ip netns exec probe "$XSA" list 2> /dev/null)
has_dir=0
has_pcpu=0
has_natka=0
grep -q 'dir 2' <<< "$probe" && has_dir=1
grep -q 'pcpu 0 ' <<< "$probe" && has_pcpu=1
grep -q 'natka 5 ' <<< "$probe" && has_natka=1
ip netns del probe
echo "# kernel $(uname -r): SA directions $has_dir, per-CPU SAs $has_pcpu, NAT keepalives $has_natka"

# ------------------------------------------------------------ larval states
# larval NET DST: a policy toward DST/24 with no SA, traffic, and a
# listener that takes the ACQUIRE, so the kernel keeps the larval state.
larval() {
	ip -n n1 route add "$1.0/24" via 198.51.100.50 dev ha0 onlink
	ip -n n1 xfrm policy add src 10.1.0.0/24 dst "$1.0/24" dir out \
		tmpl src 198.51.100.1 dst 198.51.100.50 proto esp reqid "$2" mode tunnel
	ip netns exec n1 timeout 10 ip xfrm monitor acquire > /dev/null 2>&1 &
	local monitor=$!
	sleep 0.5
	ip netns exec n1 ping -q -c 1 -W 1 -I 10.1.0.1 "$1.1" > /dev/null 2>&1
	kill "$monitor" 2> /dev/null
	wait "$monitor" 2> /dev/null
}
ip -n n1 addr add 10.1.0.1/24 dev lo
larval 10.2.0 50	# before node 1 joins: found by its SAD walk

ha n1 key generate "$tmp/key"
pp hub_join 1
pp hub_join 2
larval 10.3.0 51	# after: the key manager's events

check_eq "node 1 holds two larval states" 2 \
	"$(ip -n n1 xfrm state list | grep -c 'spi 0x00000000')"
has_spi() { ha "$1" -j sa list | jq -e ".[] | select(.spi == \"$2\")" > /dev/null; }
sa_of() { ha "$1" -j sa list | jq -c ".[] | select(.spi == \"$2\")"; }
# An SA after them: once node 2 has it, node 1 announced what came before.
ip -n n1 xfrm state add src 198.51.100.1 dst 203.0.113.1 proto esp spi 0x7001 reqid 70 \
	mode tunnel aead 'rfc4106(gcm(aes))' 0x0102030405060708090a0b0c0d0e0f1011121314 128
check "node 2 mirrors the SA added after the larval states" wait_until 10 has_spi n2 0x00007001
check_eq "node 1 mirrors no larval state" 0 \
	"$(ha n1 -j sa list | jq '[.[] | select(.spi == "0x00000000")] | length')"
check_eq "node 2 mirrors no larval state" 0 \
	"$(ha n2 -j sa list | jq '[.[] | select(.spi == "0x00000000")] | length')"

# ---------------------------------------------------------------- directions
key=0x0102030405060708090a0b0c0d0e0f1011121314
# No direction from the kernel: node 1 infers it from its addresses.
ip -n n1 xfrm state add src 203.0.113.2 dst 198.51.100.1 proto esp spi 0x7103 reqid 71 \
	mode tunnel aead 'rfc4106(gcm(aes))' $key 128
ip -n n1 xfrm state add src 198.51.100.1 dst 203.0.113.2 proto esp spi 0x7104 reqid 71 \
	mode tunnel aead 'rfc4106(gcm(aes))' $key 128
check "node 2 mirrors the SAs of no direction" wait_until 10 has_spi n2 0x00007104
check_eq "an SA to node 1's address is inbound, inferred" '"in" true' \
	"$(sa_of n2 0x00007103 | jq -r '[.dir, .dir_inferred] | @json' | tr -d '[]' | tr , ' ')"
check_eq "an SA from node 1's address is outbound, inferred" '"out" true' \
	"$(sa_of n2 0x00007104 | jq -r '[.dir, .dir_inferred] | @json' | tr -d '[]' | tr , ' ')"
check "sa list says so" sh -c "ip netns exec n2 '$IPSEC_HA' sa list | grep -q 'dir in inferred .*spi 0x00007103'"

if [ $has_dir = 1 ]; then
	# strongSwan 6's pair: outbound ESN without replay window, inbound ESN.
	pp ip netns exec n1 "$XSA" add 198.51.100.1 203.0.113.2 0x7101 dir out esn replay 0 reqid 71
	pp ip netns exec n1 "$XSA" add 203.0.113.2 198.51.100.1 0x7102 dir in esn replay 128 reqid 71
	check "node 2 mirrors the outbound ESN SA of window 0" wait_until 10 has_spi n2 0x00007101
	check "node 2 mirrors the inbound ESN SA" wait_until 10 has_spi n2 0x00007102
	check_eq "its direction is out, the kernel's" '"out" null 0' \
		"$(sa_of n2 0x00007101 | jq -r '[.dir, .dir_inferred, .replay_window] | @json' |
			tr -d '[]' | tr , ' ')"
	check_eq "the other's is in" '"in"' "$(sa_of n2 0x00007102 | jq .dir)"
else
	skip "outbound ESN SA of window 0 mirrored" "no SA directions in $(uname -r)"
fi

# -------------------------------------------------------------- per-CPU SAs
if [ $has_pcpu = 1 ]; then
	# An SA for each CPU and the fallback, behind one policy; traffic on each CPU.
	for c in 0 1; do
		pp ip netns exec n1 "$XSA" add 198.51.100.1 203.0.113.72 0x720$c dir out pcpu $c reqid 72
	done
	pp ip netns exec n1 "$XSA" add 198.51.100.1 203.0.113.72 0x7202 dir out reqid 72
	ip -n n1 addr add 10.72.0.1/24 dev lo
	ip -n n1 route add 10.73.0.0/24 via 198.51.100.50 dev ha0 onlink
	ip -n n1 route add 203.0.113.0/24 via 198.51.100.50 dev ha0 onlink
	ip -n n1 xfrm policy add src 10.72.0.0/24 dst 10.73.0.0/24 dir out \
		tmpl src 198.51.100.1 dst 203.0.113.72 proto esp reqid 72 mode tunnel
	for c in 0 1; do
		ip netns exec n1 taskset -c $c ping -q -c 5 -i 0.2 -W 1 -I 10.72.0.1 10.73.0.1 \
			> /dev/null 2>&1
	done
	ip netns exec n1 "$XSA" list | grep 'spi 0x0000720' | sed 's/^/# n1: /'
	oseq_of() { ip netns exec n1 "$XSA" list | awk -v s="0x0000$1" '$2 == s { print $12 }'; }
	check "CPU 0's SA carried packets" test "$(oseq_of 7200)" -gt 0
	check "CPU 1's SA carried packets" test "$(oseq_of 7201)" -gt 0
	check "node 2 mirrors the per-CPU SAs" wait_until 10 has_spi n2 0x00007202
	check_eq "with their CPUs" '0 1 null' \
		"$(for s in 7200 7201 7202; do sa_of n2 0x0000$s | jq .pcpu; done | tr '\n' ' ' |
			sed 's/ $//')"
	check "sa list shows cpu 1" sh -c "ip netns exec n2 '$IPSEC_HA' sa list | grep -q 'cpu 1 .*spi 0x00007201'"
else
	skip "per-CPU SAs mirrored with their CPU" "no per-CPU SAs in $(uname -r)"
fi

# ------------------------------------------------------------------ NAT-T
# A pair of ESP-in-UDP SAs on the cluster address 192.0.2.200: outbound
# with a NAT keepalive every 2 s where the kernel has them, inbound with
# a mapping max age of 30 s.
ip -n n1 addr add 192.0.2.200/32 dev lo
natt_dir_out=
natt_dir_in=
[ $has_dir = 1 ] && natt_dir_out="dir out" && natt_dir_in="dir in"
natt_ka=
[ $has_natka = 1 ] && natt_ka="natka 2"
# shellcheck disable=SC2086 # the options are words
pp ip netns exec n1 "$XSA" add 192.0.2.200 203.0.113.80 0x7301 $natt_dir_out reqid 73 \
	encap 4500 4500 $natt_ka
# shellcheck disable=SC2086
pp ip netns exec n1 "$XSA" add 203.0.113.80 192.0.2.200 0x7302 $natt_dir_in reqid 73 \
	encap 4500 4500 mapage 30
ip netns exec n1 "$XSA" list | grep 'spi 0x0000730' | sed 's/^/# n1: /'
check "node 2 mirrors the NAT-T SAs" wait_until 10 has_spi n2 0x00007302
check "node 2 mirrors the outbound one" has_spi n2 0x00007301

# ------------------------------------------------ records node 1 cannot make
has_ref() { ha n2 -j sa list | jq -e ".[] | select(.origin == 9 and .id == $1)" > /dev/null; }
ref_of() { ha n2 -j sa list | jq -c ".[] | select(.origin == 9 and .id == $1)"; }
pp inject9 'sa:ref=9/1,spi=0x9001,dir=out,esn=1,flags=128,replay=0,oseq=0x100000010' \
	'sa:ref=9/2,spi=0x9002,dir=out,pcpu=1' \
	'sa:ref=9/3,spi=0x9003,dir=in,pcpu=1' \
	'sa:ref=9/4,spi=0x9004,dir=out,mode=5' \
	'sa:ref=9/6,spi=0x9006,secctx=1/1/32' \
	'sa:ref=9/5,spi=0x9005'
check "node 2 mirrors node 9's last SA" wait_until 10 has_ref 5
check "node 2 mirrors an outbound ESN SA of window 0" has_ref 1
check "node 2 mirrors per-CPU SAs" eval 'has_ref 2 && has_ref 3'
check "node 2 mirrors an IP-TFS SA" has_ref 4
check_eq "the IP-TFS SA is listed as such" '"iptfs" "IP-TFS mode: its parameters are not mirrored"' \
	"$(ref_of 4 | jq -r '[.mode, .no_takeover] | @json' | tr -d '[]' | tr , ' ')"
check "sa list flags it NO-TAKEOVER" sh -c \
	"ip netns exec n2 '$IPSEC_HA' sa list | grep -q 'spi 0x00009004 .*mode iptfs.*NO-TAKEOVER'"
if [ $has_pcpu = 1 ]; then
	check_eq "an outbound per-CPU SA can be taken over" null "$(ref_of 2 | jq .no_takeover)"
else
	check_eq "an outbound per-CPU SA cannot be taken over here" \
		'"per-CPU SA: this kernel has none"' "$(ref_of 2 | jq .no_takeover)"
fi
check_eq "an inbound per-CPU SA can" null "$(ref_of 3 | jq .no_takeover)"
check "node 2 mirrors an SA with a security context" has_ref 6
check_eq "the SA with a security context is flagged" \
	'"security context (labelled IPsec): not mirrored"' "$(ref_of 6 | jq .no_takeover)"
check "sa list flags it NO-TAKEOVER" sh -c \
	"ip netns exec n2 '$IPSEC_HA' sa list | grep -q 'spi 0x00009006 .*NO-TAKEOVER'"
check_eq "nothing dropped as invalid" 0 \
	"$(ha n2 -j stats | jq '[to_entries[] | select(.key | startswith("drop_invalid")) | .value] | add')"
# What xfrm_user refuses: a keepalive without encapsulation, or on an
# inbound SA; a mapping max age on an outbound SA. Then a valid one.
proto_drops=$(stat_field n2 drop_invalid_proto)
pp inject9 'sa:ref=9/7,spi=0x9007,dir=out,natka=5' \
	'sa:ref=9/8,spi=0x9008,dir=in,encap=2/4500/4500,natka=5' \
	'sa:ref=9/9,spi=0x9009,dir=out,encap=2/4500/4500,mapage=5' \
	'sa:ref=9/10,spi=0x900a,dir=out,src=192.0.2.200,dst=203.0.113.81,encap=2/4500/4500,natka=5'
check "node 2 mirrors node 9's valid keepalive SA" wait_until 10 has_ref 10
check_eq "and dropped the three others as invalid" $((proto_drops + 3)) \
	"$(stat_field n2 drop_invalid_proto)"

# ------------------------------------------------------------- takeover
ip -n n1 link set ha0 down
# The cluster address moves to node 2, which sends toward the NAT-T peers
# through a neighbour that answers no ARP.
ip -n n2 addr add 192.0.2.200/32 dev lo
ip -n n2 route add 203.0.113.0/24 via 198.51.100.50 dev ha0 onlink
ip -n n2 neigh add 198.51.100.50 lladdr 02:00:00:00:00:50 dev ha0 nud permanent
capture=0
if [ $has_natka = 1 ] && command -v tcpdump > /dev/null; then
	ip netns exec n2 tcpdump -Z root -U -n -i ha0 -w "$tmp/ka.pcap" \
		'src host 192.0.2.200 and udp dst port 4500' > /dev/null 2>&1 &
	capture=$!
	# tcpdump writes the file header once it listens.
	wait_until 5 test -s "$tmp/ka.pcap"
fi
ha n2 -j promote > "$tmp/promote.json" 2> "$tmp/promote.err"
echo "# promote: $(cat "$tmp/promote.json" "$tmp/promote.err")"
ip netns exec n2 "$XSA" list > "$tmp/sad"
sed 's/^/# n2: /' "$tmp/sad"
sad() { grep "spi $1 " "$tmp/sad"; }
failed_for() { jq -r ".failures[]? | select(.what | test(\"spi $1\")) | .reason" "$tmp/promote.json"; }

check "the SAs of inferred direction are in node 2's SAD" eval 'sad 0x00007103 && sad 0x00007104'
check_eq "promote refused the IP-TFS SA, saying why" "IP-TFS mode: its parameters are not mirrored" \
	"$(failed_for 0x00009004)"
check_eq "the IP-TFS SA is not in node 2's SAD" "" "$(sad 0x00009004)"
check "node 9's inbound per-CPU SA is in node 2's SAD" sad 0x00009003
check_eq "promote refused the SA with a security context, saying why" \
	"security context (labelled IPsec): not mirrored" "$(failed_for 0x00009006)"
check_eq "the SA with a security context is not in node 2's SAD" "" "$(sad 0x00009006)"
natt_of() { sad "$1" | grep -o 'encap.*'; }
check_eq "the inbound NAT-T SA keeps its mapping max age" "encap 4500 4500 natka 0 mapage 30" \
	"$(natt_of 0x00007302)"
# keepalives (UDP to port 4500, one byte 0xff: length 9) to $1, at least $2
kas() {
	[ "$(tcpdump -r "$tmp/ka.pcap" -n "udp[4:2] = 9 and udp[8] = 0xff and dst host $1" \
		2> /dev/null | wc -l)" -ge "$2" ]
}
if [ $has_natka = 1 ]; then
	check_eq "the outbound NAT-T SA keeps its keepalive interval" \
		"encap 4500 4500 natka 2 mapage 0" "$(natt_of 0x00007301)"
	check_eq "node 9's outbound NAT-T SA its own" "encap 4500 4500 natka 5 mapage 0" \
		"$(natt_of 0x0000900a)"
	if [ $capture != 0 ]; then
		# one at once (the SA was never used here), then one every 2 s
		check "node 2 sends the NAT keepalives of the SA it took over" \
			wait_until 10 kas 203.0.113.80 2
		check "and of node 9's" kas 203.0.113.81 1
		kill "$capture" 2> /dev/null
		wait "$capture" 2> /dev/null
		tcpdump -r "$tmp/ka.pcap" -n -tt 2> /dev/null | head -n 6 | sed 's/^/# n2: /'
	else
		skip "node 2 sends the NAT keepalives of the SA it took over" "no tcpdump"
	fi
else
	check_eq "the outbound NAT-T SA is installed, without keepalives here" \
		"encap 4500 4500 natka 0 mapage 0" "$(natt_of 0x00007301)"
	skip "NAT keepalive interval restored and keepalives sent" "no NAT keepalives in $(uname -r)"
fi
if [ $has_dir = 1 ]; then
	check_eq "the outbound ESN SA of window 0 is outbound, window 0" "dir 2 pcpu -1 esn 1 replay 0" \
		"$(sad 0x00007101 | cut -d' ' -f3-10)"
	check_eq "the inbound ESN SA is inbound" "dir 1 pcpu -1 esn 1 replay 128" \
		"$(sad 0x00007102 | cut -d' ' -f3-10)"
	check_eq "node 9's outbound ESN SA of window 0 likewise" "dir 2 pcpu -1 esn 1 replay 0" \
		"$(sad 0x00009001 | cut -d' ' -f3-10)"
else
	# The kernel wants a window for ESN: the smallest, unused outbound.
	check_eq "node 9's outbound ESN SA of window 0 is installed with window 1" \
		"dir 0 pcpu -1 esn 1 replay 1" "$(sad 0x00009001 | cut -d' ' -f3-10)"
fi
if [ $has_pcpu = 1 ]; then
	check_eq "the per-CPU SAs keep their CPU" "pcpu 0 pcpu 1 pcpu -1" \
		"$(for s in 7200 7201 7202; do sad 0x0000$s | cut -d' ' -f5-6; done | tr '\n' ' ' | sed 's/ $//')"
	check_eq "node 9's outbound per-CPU SA is on CPU 1" "pcpu 1" "$(sad 0x00009002 | cut -d' ' -f5-6)"
	check_eq "promote refused nothing else" 2 "$(jq -r .failed "$tmp/promote.json")"
else
	check_eq "promote refused node 9's outbound per-CPU SA, saying why" \
		"per-CPU SA: this kernel has none" "$(failed_for 0x00009002)"
	check_eq "it is not in node 2's SAD" "" "$(sad 0x00009002)"
	check_eq "promote refused nothing else" 3 "$(jq -r .failed "$tmp/promote.json")"
fi

finish
