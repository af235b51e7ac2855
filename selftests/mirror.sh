#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Mirroring over the sync link: SAs and policies made with ip xfrm on
# node 1 appear on nodes 2 and 3; changes, deletions and flushes follow;
# a node that joins late gets everything by bulk sync; loss is repaired;
# forged, replayed and malformed datagrams are dropped and counted.
#
#                        +---------------- hub ----------------+
#   n1 (node 1) ha0 ---- p1                                    |
#   n2 (node 2) ha0 ---- p2            br0                     |
#   n3 (node 3) ha0 ---- p3                                    |
#   spy         eth0 --- p9   (an attacker on the HA segment)  |
#                        +-------------------------------------+
#   HA link: 239.192.0.1 UDP 7731, addresses 198.51.100.N/24 on ha0

# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/lib.sh"
require
command -v python3 > /dev/null || { echo "# SKIP: python3 missing"; exit $ksft_skip; }

pp load_module
hub_add
hub_nodes 3
add_ns spy
hub_plug spy 9 eth0

ha n1 key generate "$tmp/key"
pp hub_join 1
pp hub_join 2

count() { ha "$1" -j sa list | jq length; }
same_view() { [ "$(sa_view n1)" = "$(sa_view "$1")" ] && [ "$(policy_view n1)" = "$(policy_view "$1")" ]; }
# has_all NODE N: NODE mirrors N objects of node 1 (cheap).
has_all() { [ "$(n1_mirrored "$1")" = "$2" ]; }

# N SAs of mixed kinds (1000; 250 on a slow kernel, where building each
# one's crypto on every node is costly), and a policy for every tenth, in
# one batch.
n=1000
[ "$slow" = 1 ] || n=250
key16=0x0102030405060708090a0b0c0d0e0f10
key20=0x0102030405060708090a0b0c0d0e0f1011121314
key32=0x0102030405060708090a0b0c0d0e0f100102030405060708090a0b0c0d0e0f10
for i in $(seq 1 $n); do
	spi=$(printf '0x%08x' $((0x10000 + i)))
	a=$((i / 250)) b=$((i % 250 + 1))
	case $((i % 8)) in
	0) echo "xfrm state add src 10.$a.0.1 dst 10.$a.1.$b proto esp spi $spi reqid $i mode tunnel aead rfc4106(gcm(aes)) $key20 128" ;;
	1) echo "xfrm state add src 10.$a.0.1 dst 10.$a.1.$b proto esp spi $spi reqid $i mode transport enc cbc(aes) $key16 auth-trunc hmac(sha256) $key32 128 replay-window 128 flag esn" ;;
	2) echo "xfrm state add src 2001:db8::1 dst 2001:db8:1::$b proto esp spi $spi reqid $i mode tunnel aead rfc4106(gcm(aes)) $key20 128 sel src 2001:db8::/64 dst 2001:db8:$a::/64" ;;
	3) echo "xfrm state add src 2001:db8::1 dst 2001:db8:1::$b proto ah spi $spi reqid $i mode transport auth hmac(sha1) $key20" ;;
	4) echo "xfrm state add src 10.$a.0.1 dst 10.$a.2.$b proto esp spi $spi reqid $i mode tunnel aead rfc4106(gcm(aes)) $key20 128 encap espinudp 4500 4500 0.0.0.0" ;;
	5) echo "xfrm state add src 10.$a.0.1 dst 10.$a.3.$b proto esp spi $spi reqid $i mode tunnel enc cbc(aes) $key16 auth-trunc hmac(sha1) $key20 96 mark 0x$i mask 0xffff" ;;
	6) echo "xfrm state add src 10.$a.0.1 dst 10.$a.4.$b proto esp spi $spi reqid $i mode tunnel aead rfc4106(gcm(aes)) $key20 128 if_id $i" ;;
	7) echo "xfrm state add src 10.$a.0.1 dst 10.$a.5.$b proto esp spi $spi reqid $i mode tunnel aead rfc7539esp(chacha20,poly1305) 0x0102030405060708090a0b0c0d0e0f100102030405060708090a0b0c0d0e0f1011121314 128 replay-window 64" ;;
	esac
	[ $((i % 10)) = 0 ] &&
		echo "xfrm policy add src 10.$a.0.0/24 dst 10.$a.1.$b/32 dir out tmpl src 10.$a.0.1 dst 10.$a.1.$b proto esp reqid $i mode tunnel"
done > "$tmp/batch"
check "$n SAs and $((n / 10)) policies installed on n1" ip -n n1 -batch "$tmp/batch"
check_eq "n1 holds them as its own" $n "$(count n1)"
t0=$(date +%s%N)
check "n2 holds all $((n + n / 10)) objects" wait_until 10 has_all n2 $((n + n / 10))
echo "# n2 had them all $(( ($(date +%s%N) - t0) / 1000000 )) ms after the batch"
check "n2 mirrors all of them, field for field" same_view n2
check_eq "n2 mirrors $n SAs" $n "$(count n2)"
check_eq "n2 mirrors $((n / 10)) policies" $((n / 10)) "$(ha n2 -j policy list | jq length)"
check "nothing secret in n2's listing" sh -c "! ip netns exec n2 '$IPSEC_HA' -j sa list | grep -qi 0102030405060708"
check_eq "every kind arrived (v4, v6, AH, NAT-T, mark, if_id, ESN)" '[true,true,true,true,true,true,true]' \
	"$(ha n2 -j sa list | jq -c '[any(.family=="inet"), any(.family=="inet6"), any(.proto=="ah"), any(.encap_type != null), any(.mark_mask != null), any(.if_id != null), any(.esn)]')"

# A node that joins late receives everything by bulk sync.
pp hub_join 3
check "n3 receives all by bulk sync" wait_until 10 same_view n3
check_eq "n3 reports its bulk sync from node 1 complete" complete \
	"$(ha n3 -j peers | jq -r '.[] | select(.node_id == 1) | .bulk')"

# Changes, deletions and flushes follow.
# (An update may change what xfrm_state_update() changes: if_id, for one.)
pp ip -n n1 xfrm state update src 10.0.0.1 dst 10.0.1.2 proto esp spi 0x00010001 reqid 1 mode transport enc 'cbc(aes)' $key16 auth-trunc 'hmac(sha256)' $key32 128 replay-window 128 flag esn if_id 4242
check "an update follows" wait_until 5 sh -c \
	"ip netns exec n2 '$IPSEC_HA' -j sa list | jq -e '.[] | select(.spi == \"0x00010001\") | .if_id == 4242' > /dev/null"
pp ip -n n1 xfrm state del src 10.0.0.1 dst 10.0.1.10 proto esp spi 0x00010009
check "a deletion follows" wait_until 5 sh -c \
	"[ \"\$(ip netns exec n3 '$IPSEC_HA' -j sa list | jq '[.[] | select(.spi == \"0x00010009\")] | length')\" = 0 ]"
check "n2 and n3 agree with n1" wait_until 5 sh -c "$(declare -f sa_view policy_view ha same_view); IPSEC_HA='$IPSEC_HA'; same_view n2 && same_view n3"
pp ip -n n1 xfrm state flush proto ah
check "a flush of AH SAs follows" wait_until 5 sh -c \
	"[ \"\$(ip netns exec n2 '$IPSEC_HA' -j sa list | jq '[.[] | select(.proto == \"ah\")] | length')\" = 0 ]"

# 20% loss on every node's HA link: the mirrors converge anyway, round
# after round (the holes of earlier rounds, repaired long ago, must not
# crowd out the new ones when a node asks again).
for i in 1 2 3; do
	tc -n "n$i" qdisc add dev ha0 root netem loss 20%
done
for r in 1 2 3 4; do
	for i in $(seq 1 $((n / 20))); do
		spi=$(printf '0x%08x' $((0x20000 + r * 0x1000 + i)))
		echo "xfrm state add src 10.9.0.1 dst 10.9.$r.$i proto esp spi $spi reqid $i mode tunnel aead rfc4106(gcm(aes)) $key20 128"
	done > "$tmp/batch2"
	for j in $(seq $((8 * r)) 32 $((n * 4 / 5))); do	# IPv4 tunnel-mode ones
		echo "xfrm state del src 10.$((j / 250)).0.1 dst 10.$((j / 250)).1.$((j % 250 + 1)) proto esp spi $(printf '0x%08x' $((0x10000 + j)))"
	done >> "$tmp/batch2"
	check "round $r: $((n / 20)) additions and $(( (n * 4 / 5 - 8 * r) / 32 + 1)) deletions on n1" ip -n n1 -batch "$tmp/batch2"
	want=$(n1_owned)
	t0=$(date +%s%N)
	check "round $r: with 20% loss, n2 converges within 5 s of the last change" wait_until 5 has_all n2 "$want"
	check "round $r: with 20% loss, n3 converges within 5 s of the last change" wait_until 5 has_all n3 "$want"
	echo "# round $r: converged after $(( ($(date +%s%N) - t0) / 1000000 )) ms; n2 asked for $(ha n2 -j peers | jq '.[] | select(.node_id == 1) | .gaps') resends"
	check "round $r: ... field for field (n2)" wait_until 5 same_view n2
	check "round $r: ... field for field (n3)" wait_until 5 same_view n3
done
for i in 1 2 3; do
	tc -n "n$i" qdisc del dev ha0 root
done

# An attacker on the HA segment: forged, replayed and malformed datagrams.
before=$(sa_view n2)
keyid=$(ha n2 -j show | jq -r '.key.id')
ip netns exec spy python3 - "$keyid" > "$tmp/spy.log" 2>&1 <<'PY' &
import os, socket, struct, sys
key_id = int(sys.argv[1], 16)
grp, port = "239.192.0.1", 7731
rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
rx.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
rx.bind(("", port))
rx.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP,
              socket.inet_aton(grp) + socket.inet_aton("198.51.100.9"))
rx.settimeout(5)
while True:					# a real datagram of node 1
    captured = rx.recv(9000)
    if struct.unpack(">H", captured[2:4])[0] == 1:
        break
tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
tx.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 255)
tx.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton("198.51.100.9"))
def send(b): tx.sendto(b, (grp, port))
# version, flags, node, key id, epoch, seq, 16 bytes of salt
hdr = lambda ver, node, kid, seq: struct.pack(">BBHIQQ", ver, 0, node, kid, 1 << 60, seq) + os.urandom(16)
send(captured)					# replay
send(hdr(2, 7, key_id, 1) + os.urandom(64))	# forged: right key id, no key
send(hdr(2, 7, key_id ^ 1, 1) + os.urandom(64))	# a key id nobody holds
send(hdr(3, 7, key_id, 1) + os.urandom(64))	# unknown version
send(hdr(1, 7, key_id, 1) + os.urandom(64))	# version 1 (unsalted)
send(hdr(2, 2, key_id, 1) + os.urandom(64))	# claims to be node 2: still not authentic
send(captured[:30])				# truncated
send(hdr(2, 7, key_id, 2) + os.urandom(9500))	# oversized
send(os.urandom(3))				# garbage
print("sent")
PY
spy=$!
wait "$spy"
sleep 1
check "the spy captured and sent" grep -q sent "$tmp/spy.log"
for c in drop_replay drop_auth drop_unknown_key drop_version drop_truncated drop_oversized; do
	check "n2 dropped and counted: $c" test "$(stat_field n2 "$c")" -gt 0
done
check_eq "n2's mirror is unchanged by the attack" "$before" "$(sa_view n2)"
check_eq "an outsider cannot pose as n2 itself" 0 "$(stat_field n2 drop_own_node)"

# A key holder given n2's id by mistake is heard as such, and refused.
pp ha n3 node set id 2
check "n2 drops authentic datagrams that carry its own id" wait_until 5 sh -c \
	"[ \"\$(ip netns exec n2 '$IPSEC_HA' -j stats | jq .drop_own_node)\" -gt 0 ]"
pp ha n3 node set id 3

# A key roll, one node at a time: a node that took the new key still
# hears the others on the old one for a grace period. (n3, not n2: n1
# heard n3's epoch under node id 2 above, so it refuses n2's older one.)
pp ha n1 key generate "$tmp/key2"
pp ha n1 key set file "$tmp/key2"
unknown0=$(stat_field n1 drop_unknown_key)
pp ip -n n3 xfrm state add src 10.9.0.3 dst 10.9.0.1 proto esp spi 0x00090001 reqid 9 mode tunnel \
	aead 'rfc4106(gcm(aes))' 0x0102030405060708090a0b0c0d0e0f1011121314 128
has_spi() { ha "$1" -j sa list | jq -e "map(select(.spi == \"$2\")) | length == $3" > /dev/null; }
check "n1, on the new key, still hears n3 on the old one" wait_until 5 has_spi n1 0x00090001 1
check_eq "... without dropping n3's datagrams as sealed with an unknown key" "$unknown0" \
	"$(stat_field n1 drop_unknown_key)"
pp ha n2 key set file "$tmp/key2"
pp ha n3 key set file "$tmp/key2"
pp ip -n n3 xfrm state del src 10.9.0.3 dst 10.9.0.1 proto esp spi 0x00090001
check "once all rolled, n1 follows n3 on the new key" wait_until 5 has_spi n1 0x00090001 0

finish
