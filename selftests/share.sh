#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Shares: node 1 runs 24 sessions (an SA pair and its two policies
# each): 16 with 16 peers, the first 8 of them with an IKE context that
# lists the pair, and 8 with peers behind one NAT address, each with an
# IKE context, told apart by their reqids only. Node 1 fails; nodes 2 and 3 both run `promote node 1 share` at
# once. Between them they must take every session exactly once, each
# session whole (both SAs, both policies and its IKE context on the same
# node), with no split brain, and both must take some. Node 3 then fails
# too: node 2 takes node 3's share with `promote node 3 share`, and holds
# everything.
#
#   n1, n2, n3 ha0 ---- hub (br0), 198.51.100.N/24, HA link only

# Helper functions run through check and wait_until:
# shellcheck disable=SC2317
# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/lib.sh"
require

S=24			# sessions
IKES=8			# the first IKES have an IKE context
NAT=17			# sessions NAT..S share one peer address, each with an IKE context
key20=0x0102030405060708090a0b0c0d0e0f1011121314

out_spi() { printf '0xa00000%02x' "$1"; }
in_spi() { printf '0xb00000%02x' "$1"; }
peer() { if [ "$1" -ge $NAT ]; then echo 10.1.0.100; else echo "10.1.0.$1"; fi; }
has_ike() { [ "$1" -le $IKES ] || [ "$1" -ge $NAT ]; }
secrets() {
	local h
	h=$(printf 'ab%.0s' {1..32})
	printf '%s\n' "nonce_i=$h nonce_r=$h" "sk_d=$h sk_ai=$h sk_ar=$h" "sk_ei=$h sk_er=$h sk_pi=$h sk_pr=$h"
}
# sad_has NS SPI: NS's SAD has the SA of SPI.
sad_has() { ip -n "$1" xfrm state | grep -q "spi $2 "; }
# spd_count NS P: the policies of NS's SPD for session P's inner network.
spd_count() { ip -n "$1" xfrm policy | awk -v p="10.3.$2.0/24" '$1 == "src" && ($2 == p || $4 == p) { n++ } END { print n + 0 }'; }
# holder P: the node whose SAD has session P's pair ("n2", "n3", "both", "none").
holder() {
	local a b
	sad_has n2 "$(out_spi "$1")" && sad_has n2 "$(in_spi "$1")" && a=1
	sad_has n3 "$(out_spi "$1")" && sad_has n3 "$(in_spi "$1")" && b=1
	if [ -n "${a:-}" ] && [ -n "${b:-}" ]; then echo both
	elif [ -n "${a:-}" ]; then echo n2
	elif [ -n "${b:-}" ]; then echo n3
	else echo none
	fi
}
ike_owner() {
	ha "$1" -j ike list | jq -r --arg s "$(printf '0x11110000000000%02x' "$2")" \
		'.[] | select(.spi_i == $s) | .owner'
}
lost() { [ "$(ha "$1" -j peers | jq ".[] | select(.node_id == $2) | .last_heard")" -gt 3500 ]; }
views() { ha "$1" -j sa list | jq -c 'map("\(.spi) \(.owner)") | sort'; }

pp load_module
hub_add
hub_nodes 3
ha n1 key generate "$tmp/key"
for i in 1 2 3; do
	pp hub_join $i
done

for p in $(seq 1 $S); do
	echo "xfrm state add src 10.0.0.1 dst $(peer "$p") proto esp spi $(out_spi "$p") reqid $p mode tunnel aead rfc4106(gcm(aes)) $key20 128"
	echo "xfrm state add src $(peer "$p") dst 10.0.0.1 proto esp spi $(in_spi "$p") reqid $p mode tunnel aead rfc4106(gcm(aes)) $key20 128"
	echo "xfrm policy add src 10.2.0.0/24 dst 10.3.$p.0/24 dir out tmpl src 10.0.0.1 dst $(peer "$p") proto esp reqid $p mode tunnel"
	echo "xfrm policy add src 10.3.$p.0/24 dst 10.2.0.0/24 dir in tmpl src $(peer "$p") dst 10.0.0.1 proto esp reqid $p mode tunnel"
done > "$tmp/batch"
check "n1 installs $S sessions: an SA pair and 2 policies each" ip -n n1 -batch "$tmp/batch"
ikes=0
for p in $(seq 1 $S); do
	has_ike "$p" || continue
	ikes=$((ikes + 1))
	ha n1 ike add spi-i "$(printf '0x11110000000000%02x' "$p")" spi-r "$(printf '0x22220000000000%02x' "$p")" \
		local 10.0.0.1 remote "$(peer "$p")" role responder \
		encr aes-gcm-16 keylen 256 prf hmac-sha2-256 dh-group ecp256 \
		id-i fqdn "peer$p.example.com" id-r fqdn vpn.example.com mid-send 1 mid-recv 2 \
		child "$(out_spi "$p"),$(in_spi "$p")" secrets - < <(secrets) || break
done
check_eq "n1 pushes $ikes IKE contexts" $ikes "$(ha n1 -j ike list | jq length)"
want=$((S * 4 + ikes))
check "n2 and n3 mirror everything" wait_until 10 sh -c \
	"[ \"\$(ip netns exec n2 '$IPSEC_HA' -j peers | jq '.[] | select(.node_id == 1) | .objects')\" = $want ] &&
	 [ \"\$(ip netns exec n3 '$IPSEC_HA' -j peers | jq '.[] | select(.node_id == 1) | .objects')\" = $want ]"

# n1 fails
ip -n n1 link set ha0 down
check "n2 and n3 lose n1" wait_until 10 sh -c "$(declare -f lost ha); IPSEC_HA='$IPSEC_HA'; lost n2 1 && lost n3 1"
ha n2 -j promote node 1 share > "$tmp/p2.json" 2> "$tmp/p2.err" &
pid=$!
ha n3 -j promote node 1 share > "$tmp/p3.json" 2> "$tmp/p3.err"
rc3=$?
wait $pid
rc2=$?
check_eq "n2's and n3's promote node 1 share succeed" "0 0" "$rc2 $rc3"
echo "# n2: $(cat "$tmp/p2.json" "$tmp/p2.err"); n3: $(cat "$tmp/p3.json" "$tmp/p3.err")"
check_eq "... with no failure" "0 0" "$(jq .failed "$tmp/p2.json") $(jq .failed "$tmp/p3.json")"
check_eq "between them they installed the $((2 * S)) SAs and $((2 * S)) policies" "$((2 * S)) $((2 * S))" \
	"$(( $(jq .sas "$tmp/p2.json") + $(jq .sas "$tmp/p3.json") )) $(( $(jq .policies "$tmp/p2.json") + $(jq .policies "$tmp/p3.json") ))"
n2s=0 n3s=0 bad=()
for p in $(seq 1 $S); do
	h=$(holder "$p")
	case $h in
	n2) n2s=$((n2s + 1)) ;;
	n3) n3s=$((n3s + 1)) ;;
	*) bad+=("$p:$h") ;;
	esac
	if [ "$h" = n2 ] || [ "$h" = n3 ]; then
		[ "$(spd_count "$h" "$p")" = 2 ] || bad+=("$p:policies")
		if has_ike "$p"; then
			[ "$(ike_owner n2 "$p")" = "${h#n}" ] || bad+=("$p:ike")
		fi
	fi
done
echo "# sessions: n2 $n2s, n3 $n3s"
check_eq "every session on exactly one node, whole (SA pair, 2 policies, IKE context)" "" "${bad[*]}"
check "both took a share" test "$n2s" -gt 0 -a "$n3s" -gt 0
check "n2 and n3 agree on every SA's owner" wait_until 5 sh -c \
	"[ \"\$(ip netns exec n2 '$IPSEC_HA' -j sa list | jq -c 'map(\"\(.spi) \(.owner)\") | sort')\" = \
	   \"\$(ip netns exec n3 '$IPSEC_HA' -j sa list | jq -c 'map(\"\(.spi) \(.owner)\") | sort')\" ]"
check_eq "no split brain" "0 0" "$(stat_or0 n2 split_brains) $(stat_or0 n3 split_brains)"

# n3 fails too: n2, the only one left, takes n3's share.
ip -n n3 link set ha0 down
check "n2 loses n3" wait_until 10 lost n2 3
check "n2's promote node 3 share succeeds" sh -c "ip netns exec n2 '$IPSEC_HA' -j promote node 3 share > '$tmp/p4.json'"
check_eq "... and installs n3's $n3s sessions" "$((2 * n3s)) $((2 * n3s))" \
	"$(jq -r '"\(.sas) \(.policies)"' "$tmp/p4.json")"
all=0
for p in $(seq 1 $S); do
	sad_has n2 "$(out_spi "$p")" && sad_has n2 "$(in_spi "$p")" && all=$((all + 1))
done
check_eq "n2 holds every session" $S $all
check_eq "share needs node" 2 "$(ha n2 promote share > /dev/null 2>&1; echo $?)"
finish
