#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Two cluster members, each a network namespace, joined by a dedicated HA
# link. Each is configured with the ipsec-ha tool and read back.
#
#   +---------------+                     +---------------+
#   |  n1 (node 1)  |ha0 ---- veth ---- ha0|  n2 (node 2)  |
#   +---------------+                     +---------------+
#         HA link: group 239.192.0.1 (then ff15::7731), UDP port 7731

# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/lib.sh"
require

pp load_module
add_ns n1
add_ns n2
link_ns n1 n2 ha0

# A namespace starts with nothing but defaults.
check_eq "fresh namespace has no node id" null "$(show_field n1 .node_id)"
check_eq "fresh namespace has no link" null "$(show_field n1 .link)"
check_eq "fresh namespace has no key" null "$(show_field n1 .key)"
check_eq "default sync thresholds" '[256,100,131072,4096]' \
	"$(show_field n1 '[.sync_packets,.sync_interval_ms,.max_sas,.margin_min]')"

pp ha n1 node set id 1
check_eq "node id is set" 1 "$(show_field n1 .node_id)"
check "node set takes the thresholds" \
	ha n1 node set sync-packets 512 sync-interval 250 max-sas 1000 margin-min 8192
check_eq "thresholds read back" '[512,250,1000,8192]' \
	"$(show_field n1 '[.sync_packets,.sync_interval_ms,.max_sas,.margin_min]')"
check_eq "node id survives a threshold change" 1 "$(show_field n1 .node_id)"

# The HA link over IPv4: the socket joins the group on ha0. Without an
# IPv4 address there the kernel accepts it but warns.
check "link set on an interface without IPv4 address warns" sh -c \
	"ip netns exec n1 '$IPSEC_HA' link set dev ha0 group 239.192.0.1 port 7731 2>&1 | grep -q 'Warning: interface has no IPv4 address'"
ip -n n1 addr add 198.51.100.1/24 dev ha0
check "... and not once it has one" sh -c \
	"[ -z \"\$(ip netns exec n1 '$IPSEC_HA' link set dev ha0 group 239.192.0.1 port 7731 2>&1)\" ]"
check_eq "IPv4 link reads back" '["ha0","239.192.0.1",7731,true]' \
	"$(show_field n1 '[.link.dev,.link.group,.link.port,.link.up]')"
check "n1 joined 239.192.0.1 on ha0" sh -c "ip -n n1 maddr show dev ha0 | grep -Eq 'inet +239.192.0.1'"
check "n1 listens on UDP 7731" sh -c "ip netns exec n1 ss -Huln | grep -q ':7731 '"

# Replacing it with an IPv6 group leaves the IPv4 group.
pp ha n1 link set dev ha0 group ff15::7731 port 7731
check_eq "IPv6 link reads back" '["ha0","ff15::7731",7731,true]' \
	"$(show_field n1 '[.link.dev,.link.group,.link.port,.link.up]')"
check "n1 joined ff15::7731 on ha0" sh -c "ip -n n1 -6 maddr show dev ha0 | grep -q 'inet6 ff15::7731'"
check "n1 left 239.192.0.1" sh -c "! ip -n n1 maddr show dev ha0 | grep -Eq 'inet +239.192.0.1'"

# Keys: generated with mode 0600, identified by id and fingerprint only.
pp ha n1 key generate "$tmp/k1"
check_eq "generated key file has mode 0600" 600 "$(stat -c %a "$tmp/k1")"
check "generated key is 64 hex digits" grep -Eqx '[0-9a-f]{64}' "$tmp/k1"
check_err "key generate refuses to overwrite" "exist" ha n1 key generate "$tmp/k1"
pp ha n1 key set file "$tmp/k1"
pp ha n2 key set file "$tmp/k1"
fp1=$(show_field n1 .key)
check "n1 shows a key id and fingerprint" sh -c "echo '$fp1' | jq -e '.id and .fingerprint' > /dev/null"
check_eq "same key, same id and fingerprint on n2" "$fp1" "$(show_field n2 .key)"
ha n1 key generate "$tmp/k2"
pp ha n2 key set file "$tmp/k2"
check "another key, another fingerprint" test "$fp1" != "$(show_field n2 .key)"
secret=$(tr -d '\n' < "$tmp/k1")
ha n1 show > "$tmp/show.txt"; ha n1 -j show >> "$tmp/show.txt"; dmesg >> "$tmp/show.txt"
check "the key never appears in show output or the kernel log" sh -c "! grep -qi '$secret' '$tmp/show.txt'"
pp ha n2 key clear
check_eq "key clear forgets the key" null "$(show_field n2 .key)"

# Each namespace is a cluster member of its own.
pp ha n2 node set id 2
check_eq "n1 keeps its node id" 1 "$(show_field n1 .node_id)"
check_eq "n2 has its own" 2 "$(show_field n2 .node_id)"
check_eq "n2 has no link of n1's" null "$(show_field n2 .link)"
check_eq "n2 keeps default thresholds" 256 "$(show_field n2 .sync_packets)"

# Statistics: every counter present; datagrams on the link are counted.
check "stats -j lists every counter as a number" sh -c \
	"ip netns exec n1 '$IPSEC_HA' -j stats | jq -e '[.tx_datagrams,.rx_datagrams,.drop_auth,.drop_ttl,.drop_no_key,.drop_malformed] | all(type == \"number\")' > /dev/null"
pp ha n2 link set dev ha0 group ff15::7731 port 7731
send6() {	# send6 HOPS: one datagram from n2 to the group
	ip netns exec n2 python3 - "$1" <<'PY'
import socket, struct, sys
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, int(sys.argv[1]))
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, socket.if_nametoindex("ha0"))
s.sendto(b"not a sync datagram", ("ff15::7731", 7731))
PY
}
sleep 1	# IPv6 DAD on the fresh veth
rx0=$(stat_field n1 rx_datagrams)
ttl0=$(stat_field n1 drop_ttl)
pp send6 1
sleep 0.5
check_eq "a datagram on the link is received" $((rx0 + 1)) "$(stat_field n1 rx_datagrams)"
check_eq "hop limit other than 255 is dropped as drop_ttl" $((ttl0 + 1)) "$(stat_field n1 drop_ttl)"
ha n1 key clear
nokey0=$(stat_field n1 drop_no_key)
pp send6 255
sleep 0.5
check_eq "without a key, a datagram is dropped as drop_no_key" $((nokey0 + 1)) "$(stat_field n1 drop_no_key)"

# Events: monitor sees configuration changes as they happen.
ip netns exec n1 timeout 10 "$IPSEC_HA" -j monitor > "$tmp/mon" 2>&1 &
mon=$!
sleep 2
pp ha n1 node set id 7
pp ha n1 node set sync-packets 300
pp ha n1 key set file "$tmp/k1"
for _ in $(seq 1 50); do
	[ "$(grep -c '"event":"config"' "$tmp/mon")" -ge 3 ] && break
	sleep 0.2
done
kill "$mon" 2> /dev/null
wait "$mon" 2> /dev/null
check_eq "monitor reports one event per change" 3 "$(grep -c '"event":"config"' "$tmp/mon")"
check "monitor reports the new node id" sh -c "jq -e 'select(.event == \"config\") | .config.node_id == 7' '$tmp/mon' | grep -q true"

# The link follows its interface: down when it is, under its new name.
pp ip -n n1 link set ha0 down
check_eq "link reads down with its interface" false "$(show_field n1 .link.up)"
pp ip -n n1 link set ha0 name ha9
pp ip -n n1 link set ha9 up
check_eq "link up again, under the new name" '["ha9",true]' "$(show_field n1 '[.link.dev,.link.up]')"
ip -n n1 link set ha9 name ha0

pp ha n1 link del
check_eq "link del forgets the link" null "$(show_field n1 .link)"
check "n1 left ff15::7731" sh -c "! ip -n n1 -6 maddr show dev ha0 | grep -q 'ff15::7731'"

finish
