#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# IKE context: contexts pushed on node 1 (one at a time, secrets from a
# file and from standard input, and in batches) are mirrored to nodes 2
# and 3 (node 3 joins late: bulk sync). `ike list` never shows a secret,
# `ike export` gives them, the same on every node. Message IDs and CHILD
# SA lists change, contexts are deleted everywhere. Bad requests are
# refused with the kernel's reason and change nothing; export needs
# CAP_NET_ADMIN in the initial user namespace.
#
#                        +---------- hub ----------+
#   n1 (node 1) ha0 ---- p1                        |
#   n2 (node 2) ha0 ---- p2          br0           |
#   n3 (node 3) ha0 ---- p3                        |
#                        +-------------------------+
#   HA link: 239.192.0.3 UDP 7733, addresses 198.51.100.N/24 on ha0

# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/lib.sh"
require

hub_cluster 3
HA_GROUP=239.192.0.3 HA_PORT=7733
pp hub_join 1
pp hub_join 2

# The batches below need hundreds of these: they fill variables rather
# than fork a subshell each (a fork is dear on a slow kernel).
rep_v() {	# rep_v VAR HEX N: VAR = HEX N times
	local s='' i
	for ((i = 0; i < $3; i++)); do s+=$2; done
	printf -v "$1" '%s' "$s"
}
rep() { local r; rep_v r "$@"; echo "$r"; }	# rep HEX N
spi_i() { printf '0x1111%012x' "$1"; }
spi_r() { printf '0x2222%012x' "$1"; }
# ctx_v VAR N: the words of context N (IPv6 for every 10th), without its
# secrets.
ctx_v() {
	local n=$2 l=192.0.2.1 r ports='' role=responder si sr c d
	r=198.51.$((n / 250)).$((n % 250 + 1))
	if [ $((n % 10)) = 0 ]; then l=2001:db8::1 r=2001:db8:1::$n; fi
	[ $((n % 3)) = 0 ] && ports='local-port 4500 remote-port 4501 ext nat-t,mobike'
	[ $((n % 2)) = 0 ] && role=initiator
	printf -v si '0x1111%012x' "$n"
	printf -v sr '0x2222%012x' "$n"
	printf -v c '0xc%07x' "$n"
	printf -v d '0xd%07x' "$n"
	printf -v "$1" '%s' "spi-i $si spi-r $sr local $l remote $r $ports" \
	     " role $role encr aes-gcm-16 keylen 256 prf hmac-sha2-256 dh-group ecp256" \
	     " id-i fqdn gw$n.example.com id-r ipv4-addr 203.0.113.$((n % 250 + 1))" \
	     " mid-send $n mid-recv $((n + 1)) child $c,$d"
}
ctx() { local words; ctx_v words "$1"; echo "$words"; }
# secrets_v VAR N SEP: its secrets, NAME=HEX words, every secret tagged
# with N, in three groups joined by SEP.
secrets_v() {
	local t a b c e
	printf -v t '%04x' "$2"
	rep_v a "a1$t" 10
	rep_v b "a2$t" 10
	printf -v "$1" '%s' "nonce_i=$a nonce_r=$b$3"
	rep_v a "d1$t" 10
	rep_v b "b1$t" 10
	rep_v c "b2$t" 10
	printf -v "$1" '%s' "${!1}sk_d=$a sk_ai=$b sk_ar=$c$3"
	rep_v a "e1$t" 8
	rep_v b "e2$t" 8
	rep_v c "f1$t" 10
	rep_v e "f2$t" 10
	printf -v "$1" '%s' "${!1}sk_ei=$a sk_er=$b sk_pi=$c sk_pr=$e"
}
secrets() { local secs; secrets_v secs "$1" $'\n'; echo "$secs"; }
# batch_line N: context N and its secrets on one line
batch_line() {
	local words secs
	ctx_v words "$1"
	secrets_v secs "$1" ' '
	echo "$words $secs"
}
count() { ha "$1" -j ike list | jq length; }
has() { [ "$(count "$1")" = "$2" ]; }
view() { ha "$1" -j ike list | jq -c 'map(del(.local, .age)) | sort_by(.spi_i)'; }
xview() { ha "$1" ike export | jq -c 'map(del(.local, .age)) | sort_by(.spi_i)'; }
one() {	# one NS N JQ: a field of context N in NS's export
	ha "$1" ike export | jq -r --arg s "$(spi_i "$2")" ".[] | select(.spi_i == \$s) | $3"
}
unchanged() { check_eq "... and nothing changed" "$want" "$(count n1)"; }

# Push: secrets from a file, from standard input, then batches.
(umask 077; secrets 1 > "$tmp/sec1")
# shellcheck disable=SC2046
check "a context with secrets from a file" ha n1 ike add $(ctx 1) secrets file "$tmp/sec1"
# shellcheck disable=SC2046
check "a context with secrets from standard input" ha n1 ike add $(ctx 2) secrets - < <(secrets 2)
(umask 077
 for n in $(seq 3 60); do batch_line "$n"; done > "$tmp/batch")
check "a batch of 58 contexts from a file" ha n1 ike add batch "$tmp/batch"
for n in $(seq 61 100); do batch_line "$n"; done > "$tmp/batch2"
check "a batch of 40 contexts from standard input" ha n1 ike add batch - < "$tmp/batch2"
check_eq "n1 holds 100 contexts" 100 "$(count n1)"
check_eq "n1 counts 100 IKE updates (ike-updates)" 100 "$(stat_field n1 ike_updates)"
check_eq "n2, which pushed none, counts none" 0 "$(stat_field n2 ike_updates)"
check_eq "n1 owns them" 100 "$(ha n1 -j ike list | jq '[.[] | select(.local and .owner == 1)] | length')"
check "n2 mirrors all 100" wait_until 10 has n2 100
check "n2 mirrors them field for field" test "$(view n1)" = "$(view n2)"
check_eq "a context as listed" \
	'{"owner":1,"version":2,"initiator":false,"family":"inet","local_addr":"192.0.2.1","local_port":4500,"remote_addr":"198.51.0.4","remote_port":4501,"encr":"aes-gcm-16","encr_keylen":256,"prf":"hmac-sha2-256","dh_group":"ecp256","extensions":["nat-t","mobike"],"id_i_type":"fqdn","id_i":"gw3.example.com","id_r_type":"ipv4-addr","id_r":"203.0.113.4","mid_send":3,"mid_recv":4,"child_spi":["0xc0000003","0xd0000003"],"takeovers":0}' \
	"$(ha n2 -j ike list | jq -c --arg s "$(spi_i 3)" '.[] | select(.spi_i == $s) | {owner, version, initiator, family, local_addr, local_port, remote_addr, remote_port, encr, encr_keylen, prf, dh_group, extensions, id_i_type, id_i, id_r_type, id_r, mid_send, mid_recv, child_spi, takeovers}')"
check_eq "an IPv6 context as listed" "inet6 2001:db8::1 2001:db8:1::10" \
	"$(ha n2 -j ike list | jq -r --arg s "$(spi_i 10)" '.[] | select(.spi_i == $s) | "\(.family) \(.local_addr) \(.remote_addr)"')"

# Secrets: never listed, always exported.
check "no secret in n2's list" sh -c "! ip netns exec n2 '$IPSEC_HA' ike list | grep -Eqi 'd10001d1|a10002a1|nonce|sk_'"
check "no secret in n2's list -j" sh -c "! ip netns exec n2 '$IPSEC_HA' -j ike list | grep -Eqi 'd10001d1|a10002a1|f2003cf2|nonce|sk_'"
check_eq "n2's export has the SK_d of the file" "$(rep d10001 10)" "$(one n2 1 .sk_d)"
check_eq "n2's export has the nonce of standard input" "$(rep a10002 10)" "$(one n2 2 .nonce_i)"
check_eq "n2's export has every secret of a batch line" \
	"$(secrets 77 | tr ' ' '\n' | sed 's/^[a-z_]*=//' | tr '\n' ' ')" \
	"$(one n2 77 '[.nonce_i, .nonce_r, .sk_d, .sk_ai, .sk_ar, .sk_ei, .sk_er, .sk_pi, .sk_pr] | join(" ")') "
check_eq "n2's export: RFC 6311 message IDs" '{"expected_send_req_message_id":5,"expected_recv_req_message_id":6}' \
	"$(one n2 5 '.message_id_sync | tojson')"
check_eq "n2's export: IANA numbers and IDs in hex" "20 0 5 19 2 6777352e6578616d706c652e636f6d cb007106" \
	"$(one n2 5 '"\(.encr_id) \(.integ_id // 0) \(.prf_id) \(.dh_group_id) \(.id_i_type_id) \(.id_i_hex) \(.id_r_hex)"')"
check "the kernel log shows no secret" sh -c "! dmesg | grep -Eqi 'd10001d1|a10002a1'"

# Node 3 joins late and receives them by bulk sync; its export is n2's.
pp hub_join 3
check "n3 receives all 100 by bulk sync" wait_until 10 has n3 100
check "n2 and n3 export the same" test "$(xview n2)" = "$(xview n3)"
check "... which is n1's" test "$(xview n1)" = "$(xview n2)"

# Changes follow: message IDs, the CHILD SA list, deletion.
pp ha n1 ike set spi-i "$(spi_i 7)" spi-r "$(spi_r 7)" mid-send 1000 mid-recv 2000
check "new message IDs reach n2" wait_until 5 sh -c \
	"[ \"\$(ip netns exec n2 '$IPSEC_HA' -j ike list | jq -r '.[] | select(.spi_i == \"$(spi_i 7)\") | \"\(.mid_send) \(.mid_recv)\"')\" = '1000 2000' ]"
check_eq "... and n3's export" "1000 2000" "$(one n3 7 '"\(.message_id_sync.expected_send_req_message_id) \(.message_id_sync.expected_recv_req_message_id)"')"
check_eq "... and the secrets stay" "$(rep d10007 10)" "$(one n3 7 .sk_d)"
pp ha n1 ike set spi-i "$(spi_i 8)" spi-r "$(spi_r 8)" child 0xe0000001 child 0xe0000002,0xe0000003
check "a new CHILD SA list reaches n2" wait_until 5 sh -c \
	"[ \"\$(ip netns exec n2 '$IPSEC_HA' -j ike list | jq -c '.[] | select(.spi_i == \"$(spi_i 8)\") | .child_spi')\" = '[\"0xe0000001\",\"0xe0000002\",\"0xe0000003\"]' ]"
check_eq "n1 counts both ike set as updates" 102 "$(stat_field n1 ike_updates)"
pp ha n1 ike del spi-i "$(spi_i 9)" spi-r "$(spi_r 9)"
check "a deletion reaches n2" wait_until 5 has n2 99
check "... and n3" wait_until 5 has n3 99
check_eq "... it is gone there" "" "$(one n3 9 .spi_i)"
# shellcheck disable=SC2046
check "the deleted SPIs can be pushed again" ha n1 ike add $(ctx 9) secrets file "$tmp/sec1"
# The IKE daemon's own state rides along, secret like the keys.
dstate=
rep_v dstate 5da7e0 200
{ secrets 1; echo "daemon_state=$dstate"; } > "$tmp/sec_state"
chmod 600 "$tmp/sec_state"
check "a context with a 600-byte daemon state" ha n1 ike add spi-i 0x77 spi-r 0x78 \
	local 192.0.2.1 remote 192.0.2.77 secrets file "$tmp/sec_state"
state77() { ha "$1" ike export | jq -r '.[] | select(.spi_i == "0x0000000000000077") | .daemon_state'; }
check "n2's export has it byte for byte" wait_until 5 sh -c \
	"[ \"\$(ip netns exec n2 '$IPSEC_HA' ike export | jq -r '.[] | select(.spi_i == \"0x0000000000000077\") | .daemon_state')\" = '$dstate' ]"
check "... and n2's list does not show it" sh -c "! ip netns exec n2 '$IPSEC_HA' -j ike list | grep -qi 5da7e0"
check "ike set without it keeps it" ha n1 ike set spi-i 0x77 spi-r 0x78 mid-send 4
check_eq "... on n1" "$dstate" "$(state77 n1)"
check "ike del of it" ha n1 ike del spi-i 0x77 spi-r 0x78
stays() {	# stays NS N SECONDS: NS holds N contexts all along
	local end=$((SECONDS + $3))
	while [ $SECONDS -lt "$end" ]; do
		has "$1" "$2" || return 1
		sleep 0.3
	done
}
check "... n2 gets them and keeps them while the deletion is repeated" \
	sh -c "$(declare -f wait_until has count stays ha); IPSEC_HA='$IPSEC_HA' slow=$slow; wait_until 5 has n2 100 && stays n2 100 6"
check "n1, n2 and n3 agree" sh -c "$(declare -f view ha); IPSEC_HA='$IPSEC_HA'; [ \"\$(view n1)\" = \"\$(view n2)\" ] && [ \"\$(view n1)\" = \"\$(view n3)\" ]"
check_eq "n3's bulk sync from node 1 completed" complete \
	"$(ha n3 -j peers | jq -r '.[] | select(.node_id == 1) | .bulk')"
# Two mismatching ALIVEs in a row would make the peers ask for a bulk
# sync: all 100 contexts again. (A gap repaired meanwhile resends a few.)
records=$(stat_field n1 tx_records)
sleep 4
check "the ALIVE summaries agree: no bulk sync in 4 quiet seconds" \
	test $(($(stat_field n1 tx_records) - records)) -lt 100

# Refusals: the kernel's reason (or the tool's, for secrets), and no change.
want=$(count n1)
updates=$(stat_field n1 ike_updates)
big=$(rep 00 257)
# shellcheck disable=SC2046
check_err "a 257-byte nonce is refused by the kernel" "out of range.*nonce-i" \
	bash -c "ip netns exec n1 '$IPSEC_HA' ike add $(ctx 500) secrets - <<< 'nonce_i=$big'"
unchanged
check_err "a missing SPI is refused by the kernel" "missing attribute spi-r" \
	ha n1 ike add spi-i 0x99 local 192.0.2.1 remote 192.0.2.2
unchanged
check_err "a secret on the command line is refused by the tool" "never taken from the command line" \
	ha n1 ike add spi-i 0x99 spi-r 0x98 local 192.0.2.1 remote 192.0.2.2 sk_d=0011
unchanged
check_err "SPI 0 is refused" "out of range.*spi-i" \
	ha n1 ike add spi-i 0 spi-r 1 local 192.0.2.1 remote 192.0.2.2
unchanged
check_err "IKE version 3 is refused" "out of range.*version" \
	ha n1 ike add spi-i 0x99 spi-r 0x98 local 192.0.2.1 remote 192.0.2.2 version 3
unchanged
check_err "addresses of two families are refused" "different families.*remote-addr" \
	ha n1 ike add spi-i 0x99 spi-r 0x98 local 192.0.2.1 remote 2001:db8::2
unchanged
check_err "33 CHILD SAs are refused" "too many CHILD SAs.*child-spi" \
	ha n1 ike add spi-i 0x99 spi-r 0x98 local 192.0.2.1 remote 192.0.2.2 child "$(seq -s, 1 33)"
unchanged
check_err "a CHILD SA listed twice is refused" "listed twice.*child-spi" \
	ha n1 ike add spi-i 0x99 spi-r 0x98 local 192.0.2.1 remote 192.0.2.2 child 5,5
unchanged
{ echo "nonce_i=$(rep ab 256) nonce_r=$(rep cd 256)"
  for s in sk_d sk_ai sk_ar sk_ei sk_er sk_pi sk_pr; do echo "$s=$(rep ef 64)"; done
} > "$tmp/huge"
chmod 600 "$tmp/huge"
check_err "a context too large for a datagram is refused" "too large for a sync datagram" \
	ha n1 ike add spi-i 0x99 spi-r 0x98 local 2001:db8::1 remote 2001:db8::2 \
	id-i fqdn "$(rep x 255)" id-r fqdn "$(rep y 255)" child "$(seq -s, 1 32)" secrets file "$tmp/huge"
unchanged
# shellcheck disable=SC2046
check_err "pushing an existing context is refused" "an IKE SA with these SPIs exists" \
	ha n1 ike add $(ctx 1) secrets file "$tmp/sec1"
unchanged
# shellcheck disable=SC2046
check_err "pushing a peer's context is refused" "another node owns an IKE SA with these SPIs" \
	ha n2 ike add $(ctx 1) secrets file "$tmp/sec1"
check_err "changing a peer's context is refused" "another node owns this IKE SA" \
	ha n2 ike set spi-i "$(spi_i 1)" spi-r "$(spi_r 1)" mid-send 9
check_err "deleting a peer's context is refused" "another node owns this IKE SA" \
	ha n2 ike del spi-i "$(spi_i 1)" spi-r "$(spi_r 1)"
check_err "deleting an unknown context is refused" "no IKE SA with these SPIs" \
	ha n1 ike del spi-i 0x5 spi-r 0x6
check_err "ike set without a change is refused" "nothing to set" \
	ha n1 ike set spi-i "$(spi_i 1)" spi-r "$(spi_r 1)"
unchanged
check_eq "refused pushes count no update, on n1 or n2" "$updates 0" \
	"$(stat_field n1 ike_updates) $(stat_field n2 ike_updates)"
check_eq "n2 still mirrors n1's contexts" "$(view n1)" "$(view n2)"
add_ns n4
check_err "a node without an id cannot push" "no id yet" \
	ha n4 ike add spi-i 1 spi-r 2 local 192.0.2.1 remote 192.0.2.2
check_eq "... and holds nothing" 0 "$(count n4)"

# Export needs CAP_NET_ADMIN in the initial user namespace; list does not.
check "a user+net namespace pushes and lists its own contexts" unshare -U -r -n bash -c \
	"'$IPSEC_HA' node set id 5 && '$IPSEC_HA' ike add spi-i 1 spi-r 2 local 192.0.2.1 remote 192.0.2.2 secrets - <<< 'sk_d=0011' && '$IPSEC_HA' -j ike list | jq -e 'length == 1'"
check_err "... but cannot export them" "not permitted" unshare -U -r -n sh -c \
	"'$IPSEC_HA' node set id 5 && '$IPSEC_HA' ike add spi-i 1 spi-r 2 local 192.0.2.1 remote 192.0.2.2 && '$IPSEC_HA' ike export"
check_err "an unprivileged user namespace cannot export n1's contexts" "not permitted" \
	ip netns exec n1 unshare -U -r "$IPSEC_HA" ike export

# A takeover moves the IKE SA with its CHILD SA: context 3 lists 0xc0000003.
pp ip -n n1 xfrm state add src 192.0.2.1 dst 198.51.0.3 proto esp spi 0xc0000003 reqid 3 \
	mode tunnel aead 'rfc4106(gcm(aes))' 0x0102030405060708090a0b0c0d0e0f1011121314 128
ike3() { ha "$1" -j ike list | jq -c --arg s "$(spi_i 3)" '.[] | select(.spi_i == $s) | [.owner, .takeovers]'; }
sa_mirrored() { ha n2 -j sa list | jq -e 'map(select(.spi == "0xc0000003")) | length == 1' > /dev/null; }
check "n2 mirrors the CHILD SA" wait_until 5 sa_mirrored
pp ip -n n1 link set ha0 down
ip netns exec n2 timeout 20 "$IPSEC_HA" monitor > "$tmp/mon2" 2>&1 &
ip netns exec n1 timeout 20 "$IPSEC_HA" monitor > "$tmp/mon1" 2>&1 &
sleep 0.5
check "n2 promotes node 1's SAs" sh -c "ip netns exec n2 '$IPSEC_HA' -j promote node 1 > '$tmp/promote'"
check_eq "promote says it took one IKE SA" 1 "$(jq .ikes "$tmp/promote")"
check "n2's IKE daemon is told: ike-taken, count 1" wait_until 5 grep -qx 'ike-taken: count 1' "$tmp/mon2"
check_eq "n2 owns the IKE SA of the promoted CHILD SA, one takeover counted" "[2,1]" "$(ike3 n2)"
check "... and n3 learns it" wait_until 5 sh -c "[ \"\$(ip netns exec n3 '$IPSEC_HA' -j ike list | jq -c --arg s '$(spi_i 3)' '.[] | select(.spi_i == \$s) | [.owner, .takeovers]')\" = '[2,1]' ]"
check_eq "n2's export counts the takeover" 1 "$(one n2 3 .takeovers)"
check_eq "another IKE SA stays node 1's" "[1,0]" "$(ha n2 -j ike list | jq -c --arg s "$(spi_i 4)" '.[] | select(.spi_i == $s) | [.owner, .takeovers]')"
# n1 hears again that n2 owns it now: its IKE daemon is told to drop it.
pp ip -n n1 link set ha0 up
check "n1 learns the new owner" wait_until 10 sh -c "[ \"\$(ip netns exec n1 '$IPSEC_HA' -j ike list | jq -c --arg s '$(spi_i 3)' '.[] | select(.spi_i == \$s) | [.owner, .takeovers]')\" = '[2,1]' ]"
check "n1's IKE daemon is told: ike-lost, node 2, the SPIs" wait_until 5 grep -qx \
	"ike-lost: node 2 ike-spi-i $(spi_i 3) ike-spi-r $(spi_r 3)" "$tmp/mon1"
check_eq "... once, and for that context only" 1 "$(grep -c ike-lost "$tmp/mon1")"

# Who owns what: the list filters (spi, peer, owner, combined), in text
# and JSON, and each node's share in peers. Node 1 adds two SAs (one IPv6)
# and a policy, node 2 an SA to the peer of the taken-over one: node 3
# sees node 1 own two SAs, the policy and 99 IKE contexts, node 2 two SAs
# and context 3.
pp ip -n n1 xfrm state add src 192.0.2.1 dst 198.51.0.6 proto esp spi 0xc0000005 reqid 5 \
	mode tunnel aead 'rfc4106(gcm(aes))' 0x0102030405060708090a0b0c0d0e0f1011121314 128
pp ip -n n1 xfrm state add src 2001:db8::1 dst 2001:db8:1::10 proto esp spi 0xc000000a reqid 10 \
	mode tunnel aead 'rfc4106(gcm(aes))' 0x0102030405060708090a0b0c0d0e0f1011121314 128
pp ip -n n1 xfrm policy add src 10.0.0.0/24 dst 10.1.0.0/24 dir out \
	tmpl src 192.0.2.1 dst 198.51.0.6 proto esp reqid 5 mode tunnel
pp ip -n n2 xfrm state add src 192.0.2.2 dst 198.51.0.3 proto esp spi 0xbeef reqid 3 \
	mode tunnel aead 'rfc4106(gcm(aes))' 0x0102030405060708090a0b0c0d0e0f1011121314 128
sas() { ha "$1" -j sa list "${@:2}" | jq -c 'map(.spi) | sort'; }
ikes() { ha "$1" -j ike list "${@:2}" | jq -c 'map(.spi_i) | sort'; }
n3_has_all() {
	[ "$(sas n3 owner 1)" = '["0xc0000005","0xc000000a"]' ] &&
	[ "$(sas n3 owner 2)" = '["0x0000beef","0xc0000003"]' ] &&
	[ "$(ha n3 -j policy list | jq length)" = 1 ]
}
check "n3 mirrors the new SAs and the policy" wait_until 10 n3_has_all
check_eq "sa list spi 0xc0000005: that SA" '["0xc0000005"]' "$(sas n3 spi 0xc0000005)"
check_eq "sa list spi in decimal" '["0xc0000005"]' "$(sas n3 spi 3221225477)"
check_eq "sa list spi of no SA: none" '[]' "$(sas n3 spi 0x12345)"
check_eq "sa list peer: the SAs to or from it" '["0x0000beef","0xc0000003"]' "$(sas n3 peer 198.51.0.3)"
check_eq "sa list peer IPv6" '["0xc000000a"]' "$(sas n3 peer 2001:db8:1::10)"
check_eq "sa list peer, a source address" '["0xc0000003","0xc0000005"]' "$(sas n3 peer 192.0.2.1)"
check_eq "sa list owner 1" '["0xc0000005","0xc000000a"]' "$(sas n3 owner 1)"
check_eq "sa list owner 3: none" '[]' "$(sas n3 owner 3)"
check_eq "sa list owner 2 peer 192.0.2.2: both must match" '["0x0000beef"]' "$(sas n3 owner 2 peer 192.0.2.2)"
check_eq "sa list owner local on n2" '["0x0000beef","0xc0000003"]' "$(sas n2 owner local)"
check_eq "sa list owner 2 in text: two lines of owner 2" "2 2" \
	"$(ha n3 sa list owner 2 | wc -l) $(ha n3 sa list owner 2 | grep -c '^owner 2 ')"
check_eq "policy list peer: a selector covers it" 1 "$(ha n3 -j policy list peer 10.1.0.77 | jq length)"
check_eq "policy list peer outside the selectors: none" 0 "$(ha n3 -j policy list peer 10.2.0.1 | jq length)"
check_eq "policy list owner 2: none" 0 "$(ha n3 -j policy list owner 2 | jq length)"
check_eq "ike list peer: the context with that remote address" "[\"$(spi_i 3)\"]" "$(ikes n3 peer 198.51.0.4)"
check_eq "ike list peer IPv6" "[\"$(spi_i 10)\"]" "$(ikes n3 peer 2001:db8:1::10)"
check_eq "ike list spi: the context of that CHILD SPI" "[\"$(spi_i 5)\"]" "$(ikes n3 spi 0xd0000005)"
check_eq "ike list owner 2: the context taken over" "[\"$(spi_i 3)\"]" "$(ikes n3 owner 2)"
check_eq "ike list owner 1: the other 99" 99 "$(ha n3 -j ike list owner 1 | jq length)"
check_eq "ike list spi 0xc0000003 owner 1: none" '[]' "$(ikes n3 spi 0xc0000003 owner 1)"
check_eq "ike list owner local on n2" "[\"$(spi_i 3)\"]" "$(ikes n2 owner local)"
check_eq "ike list peer in text: one line" 1 "$(ha n3 ike list peer 198.51.0.4 | wc -l)"
check_err "an unknown filter is refused" "ike list: unknown filter 'bogus'" ha n3 ike list bogus 1
check_err "a bad address is refused" "sa list: peer '198.51.0': not an IPv4" ha n3 sa list peer 198.51.0
shares() { ha "$1" -j peers | jq -c 'sort_by(.node_id) | map({node_id, self, owns})'; }
check_eq "n3's peers: each node's share, and its own" \
	'[{"node_id":1,"self":null,"owns":{"sa":2,"policy":1,"ike":99}},{"node_id":2,"self":null,"owns":{"sa":2,"policy":0,"ike":1}},{"node_id":3,"self":true,"owns":{"sa":0,"policy":0,"ike":0}}]' \
	"$(shares n3)"
check_eq "n2's own share" '{"sa":2,"policy":0,"ike":1}' "$(ha n2 -j peers | jq -c '.[] | select(.self) | .owns')"
check "n3's peers in text: node 1's share" sh -c \
	"ip netns exec n3 '$IPSEC_HA' peers | grep -q '^node 1 .* objects [0-9]* owns 2 sa 1 policy 99 ike bulk '"
check_eq "n3's peers in text: its own share last" "node 3 self owns 0 sa 0 policy 0 ike" \
	"$(ha n3 peers | tail -n 1)"
check_eq "n3's peers: each peer's objects are its share's sum" true \
	"$(ha n3 -j peers | jq '[.[] | select(.self | not) | .objects == .owns.sa + .owns.policy + .owns.ike] | all')"
# The module counts the shares: peers sends one dump request (the peers),
# not one per table, however large the tables are.
if command -v strace > /dev/null; then
	check_eq "peers dumps the peers only, not the SA, policy and IKE tables" 1 \
		"$(ip netns exec n3 strace -qq -f -e trace=sendto,sendmsg "$IPSEC_HA" -j peers 2>&1 > /dev/null |
		   grep -v nlctrl | grep -c 'nlmsg_flags=[^,]*\(NLM_F_DUMP\|0x300\)')"
else
	skip "peers dumps the peers only" "strace not installed"
fi
# A demoted object stays its owner's (LOCAL, released): n2's share, as
# n2 and n3 see it, does not change.
check "n2 demotes what it took over" sh -c "ip netns exec n2 '$IPSEC_HA' demote > /dev/null"
check_eq "n2's own share after demote" '{"sa":2,"policy":0,"ike":1}' \
	"$(ha n2 -j peers | jq -c '.[] | select(.self) | .owns')"
check_eq "n3 sees n2's share after demote" '{"sa":2,"policy":0,"ike":1}' \
	"$(ha n3 -j peers | jq -c '.[] | select(.node_id == 2) | .owns')"

finish
