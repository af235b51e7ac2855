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
#     takeover of that object (failback: node 1 fails, node 2 takes its
#     SAs over, node 1 restarts and its IKE daemon makes new SAs: node 1
#     keeps them, under traffic, and node 2 mirrors them);
#   - promote of SAs whose IKE contexts follow them in the store: taking
#     an SA over replaces its IKE context, which promote must not read
#     after it was freed (KASAN on the debug kernel).
#
#                        +------ hub: br0 ------+
#   n1 (node 1) ha0 ---- p1                      |
#   n2 (node 2) ha0 ---- p2                      |
#                        +-----------------------+
#   n1 lan0 10.9.0.1 ---- veth ---- lan0 10.9.0.2 peer  (ESP, transport)

# Helper functions run through check and wait_until:
# shellcheck disable=SC2317
# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/lib.sh"
require

hub_cluster 2
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

# --- the margin is the old owner's ---------------------------------------
# n1 syncs counters every 100,000 packets, n2 every 256; both have a margin
# floor of 16. n1's SA stands at 1,000 (nothing sent since it was learnt:
# no rate). n2 takes it over: n1 may have sent up to 100,000 packets past
# the last synced value, so n2 must start past 101,000, not 1,256.
pp hub_join 1
pp hub_join 2
ha n1 node set sync-packets 100000 margin-min 16
ha n2 node set sync-packets 256 margin-min 16
pp sa n1 0xc1000001 replay-oseq 1000
check "n2 mirrors n1's SA and n1's summary" wait_until 10 sh -c \
	"[ -n \"\$(ip netns exec n2 $IPSEC_HA -j sa list | jq '.[] | select(.spi == \"0xc1000001\")')\" ]"
check "n2 is in sync with n1" wait_until 10 peer_in_sync n2 1
ip -n n1 link set ha0 down	# n1 fails
pp ha n2 -j promote node 1 > "$tmp/promote.json"
oseq=$(ip -n n2 xfrm state list spi 0xc1000001 | grep -o ' oseq 0x[0-9a-f]*' | awk '{ print $2 }')
[ -z "$oseq" ] || oseq=$((oseq))
check "n2 installed the SA" test -n "$oseq"
check "n2 starts past n1's threshold: oseq $oseq > 101000" test "${oseq:-0}" -gt 101000
ip -n n1 link set ha0 up

# --- failback: a restarted node's new SAs --------------------------------
# A transport SA pair between n1 and the peer; pings flow through it.
lan_up() {	# lan_up: n1 and the peer on one veth
	ip link add lan0 netns n1 type veth peer name lan0 netns peer
	ip -n n1 addr add 10.9.0.1/24 dev lan0
	ip -n peer addr add 10.9.0.2/24 dev lan0
	ip -n n1 link set lan0 up
	ip -n peer link set lan0 up
}
# pair NS SPI_OUT SPI_IN: NS's half of a transport SA pair (NS is n1 or peer).
pair() {
	local l=10.9.0.1 r=10.9.0.2 o=$2 i=$3
	[ "$1" = peer ] && { l=10.9.0.2 r=10.9.0.1 o=$3 i=$2; }
	ip -n "$1" xfrm state flush
	ip -n "$1" xfrm policy flush
	ip -n "$1" xfrm state add src $l dst $r proto esp spi "$o" reqid 9 mode transport \
		aead 'rfc4106(gcm(aes))' "$key20" 128 replay-window 64
	ip -n "$1" xfrm state add src $r dst $l proto esp spi "$i" reqid 9 mode transport \
		aead 'rfc4106(gcm(aes))' "$key20" 128 replay-window 64
	ip -n "$1" xfrm policy add src $l dst $r dir out tmpl src $l dst $r proto esp reqid 9 mode transport
	ip -n "$1" xfrm policy add src $r dst $l dir in tmpl src $r dst $l proto esp reqid 9 mode transport
}
add_ns peer
lan_up
ip -n n1 xfrm state flush
ip -n n2 xfrm state flush
pp pair n1 0xa1000001 0xa2000001
pp pair peer 0xa1000001 0xa2000001
check "ESP flows between n1 and the peer" ip netns exec peer ping -q -c 3 -W 1 10.9.0.1
holds() {	# holds NS SPI OWNER: NS mirrors the SA of that SPI, owned by OWNER
	[ "$(sa_field "$1" "$2" owner)" = "$3" ]
}
pair_held() {	# pair_held NS SPI_OUT SPI_IN OWNER
	holds "$1" "$2" "$4" && holds "$1" "$3" "$4"
}
check "n2 mirrors n1's SA pair" wait_until 10 pair_held n2 0xa1000001 0xa2000001 1
check "n2 is in sync with n1 again" wait_until 10 peer_in_sync n2 1

# n1 fails; n2 takes its SAs and policies over (they are n2's now, at a
# higher epoch, under the refs n1 gave them).
ip -n n1 link set ha0 down
pp ha n2 -j promote node 1 > "$tmp/promote2.json"
check "n2 owns n1's SA pair" holds n2 0xa1000001 2

# n1 restarts: a new namespace, a new module state, its links back; its
# IKE daemon negotiates new SAs with the peer.
ip netns del n1
add_ns n1
hub_plug n1 1
lan_up
pp hub_join 1
pp pair n1 0xb1000001 0xb2000001
pp pair peer 0xb1000001 0xb2000001
ip netns exec peer ping -q -n -i 0.05 -w 8 10.9.0.1 > "$tmp/ping" 2>&1 &
ping_pid=$!
check "n2 mirrors n1's new SA pair, owned by n1" wait_until 10 pair_held n2 0xb1000001 0xb2000001 1
check "n1 is in sync with n2 (it holds what n2 took over)" wait_until 10 peer_in_sync n1 2
sleep 3
check_eq "n1 keeps its new SA pair in its SAD" 2 \
	"$(ip -n n1 xfrm state | grep -c '^src 10.9.0.[12] dst 10.9.0.[12]')"
check "n1 still owns its new SA pair" holds n1 0xb1000001 1
check "n2 still owns what it took over" holds n2 0xa1000001 2
check_eq "n1 lost no SA" 0 "$(stat_field n1 sas_lost)"
wait $ping_pid
read -r tx rx < <(sed -n 's/^\([0-9]*\) packets transmitted, \([0-9]*\) \(packets \)\{0,1\}received.*/\1 \2/p' "$tmp/ping")
echo "# ping peer -> n1 through the new SAs: $tx sent, $rx answered"
check "pings through n1's new SAs were answered throughout ($rx of $tx)" test "${rx:-0}" -ge $(( ${tx:-0} - 2 ))
check "the store gave no ref twice: n2 mirrors 4 SAs" test "$(ha n2 -j sa list | jq length)" = 4

# --- promote with IKE contexts interleaved -------------------------------
# On n3, each IKE context pushed between its two CHILD SAs, so that the
# store holds SA, IKE, SA, SA, IKE, SA...: taking the first SA over
# replaces the context that follows it in the store (its old version
# freed after a grace period) while promote walks on. n4 mirrors them;
# n3 fails and n4 promotes: every SA it takes over moves its context.
for i in 3 4; do
	add_ns "n$i"
	hub_plug "n$i" "$i"
	pp hub_join "$i"
done
ctxs=150
[ "$slow" = 1 ] || ctxs=60
sec=$(printf 'nonce_i=%s nonce_r=%s sk_d=%s sk_ai=%s sk_ar=%s sk_ei=%s sk_er=%s sk_pi=%s sk_pr=%s' \
	a1a1a1a1a1a1a1a1 a2a2a2a2a2a2a2a2 d1d1d1d1 b1b1b1b1 b2b2b2b2 e1e1e1e1 e2e2e2e2 f1f1f1f1 f2f2f2f2)
for i in $(seq 1 $ctxs); do
	c=$(printf '0x%08x' $((0xc4000000 + i)))
	d=$(printf '0x%08x' $((0xd4000000 + i)))
	ip -n n3 xfrm state add src 192.0.2.1 dst 198.51.0.$i proto esp spi "$c" reqid "$i" \
		mode tunnel aead 'rfc4106(gcm(aes))' "$key20" 128
	printf 'spi-i 0x1111%012x spi-r 0x2222%012x local 192.0.2.1 remote 198.51.0.%d role responder encr aes-gcm-16 keylen 256 prf hmac-sha2-256 dh-group ecp256 id-i fqdn gw%d.example.com id-r fqdn vpn.example.com mid-send 1 mid-recv 2 child %s,%s %s\n' \
		"$i" "$i" "$i" "$i" "$c" "$d" "$sec" | ha n3 ike add batch -
	ip -n n3 xfrm state add src 198.51.0.$i dst 192.0.2.1 proto esp spi "$d" reqid "$i" \
		mode tunnel aead 'rfc4106(gcm(aes))' "$key20" 128
done
all_there() {
	[ "$(ha n4 -j sa list | jq '[.[] | select(.owner == 3)] | length')" = $((2 * ctxs)) ] &&
	[ "$(ha n4 -j ike list | jq '[.[] | select(.owner == 3)] | length')" = "$ctxs" ]
}
check "n4 mirrors n3's $((2 * ctxs)) SAs and $ctxs IKE contexts" wait_until 30 all_there
ip -n n3 link set ha0 down
# Without a link, a takeover could not be announced: promote refuses.
pp ha n4 link del
check_err "promote without a link is refused" "node not syncing" ha n4 promote node 3
check_eq "... and installs nothing" 0 "$(ip -n n4 xfrm state | grep -c '^src')"
pp ha n4 link set dev ha0 group 239.192.0.1 port 7731
check "n4 mirrors them again" wait_until 30 all_there
# Busy CPUs: promote yields between SAs, and grace periods end meanwhile.
hogs=()
for _ in 1 2 3; do
	sh -c 'while :; do :; done' &
	hogs+=($!)
done
ha n4 -j promote node 3 > "$tmp/promote4.json"
kill "${hogs[@]}"
wait "${hogs[@]}" 2> /dev/null
check_eq "n4's promote takes the $((2 * ctxs)) SAs" $((2 * ctxs)) "$(jq .sas "$tmp/promote4.json")"
check_eq "... and the $ctxs IKE contexts move to n4" "$ctxs" \
	"$(ha n4 -j ike list | jq '[.[] | select(.owner == 4 and .takeovers == 1)] | length')"

# --- peers that left are forgotten ----------------------------------------
# n3 is silent and owns nothing any more: with a short forget time, n4
# forgets it (its slot is free), and hears it again when it comes back.
forget=/sys/module/ipsec_ha/parameters/peer_forget_secs
old_forget=$(cat $forget)
echo 2 > $forget
knows() { ha n4 -j peers | jq -e ".[] | select(.node_id == $1)" > /dev/null; }
forgot() { ! knows "$1"; }
check "n4 forgets node 3, silent and owning nothing" wait_until 15 forgot 3
check "n4 still knows node 2, which it hears" knows 2
echo "$old_forget" > $forget
ip -n n3 link set ha0 up
check "n4 hears node 3 again when it comes back" wait_until 10 knows 3

finish
