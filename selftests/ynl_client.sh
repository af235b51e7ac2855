#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The kernel's generic YNL client drives every operation of the family
# from Documentation/netlink/specs/ipsec_ha.yaml alone, in one namespace
# with a veth end ha0 for the link.

# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/lib.sh"
require
ynl="$top/tools/ynl.sh"
[ -n "$("$ynl" path 2> /dev/null)" ] || { echo "# SKIP: YNL tools unavailable"; exit $ksft_skip; }

pp load_module
add_ns n1
add_ns n2
link_ns n1 n2 ha0

# The first call checks the spec against the genetlink-legacy schema; the
# others skip that (seconds of Python each on a slow kernel).
y() { ip netns exec n1 "$ynl" cli --no-schema --output-json "$@"; }
yget() { y --do config-get | jq -c "$1"; }

check "YNL validates the spec against its schema and lists its operations" \
	sh -c "'$ynl' cli --list-ops | grep -q node-set"
check "node-set" y --do node-set --json '{"node-id": 3, "sync-packets": 300, "sync-interval": 150, "max-sas": 5000, "margin-min": 2048}'
check_eq "config-get reads back node-set" '[3,300,150,5000,2048]' \
	"$(yget '[.["node-id"],.["sync-packets"],.["sync-interval"],.["max-sas"],.["margin-min"]]')"

g4=$(python3 -c 'import ipaddress; print(int(ipaddress.IPv4Address("239.192.0.9")))')
idx=$(ip netns exec n1 cat /sys/class/net/ha0/ifindex)
g6=$(python3 -c 'import ipaddress; print(ipaddress.IPv6Address("ff15::9").packed.hex())')
key=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')

check "link-set with ifname and group4" y --do link-set --json "{\"ifname\": \"ha0\", \"group4\": $g4, \"port\": 7000}"
check_eq "config-get reads back the link" '["ha0",7000,1,"239.192.0.9"]' \
	"$(yget '[.ifname,.port,.["link-up"],.group4]')"
check "link-set with ifindex and group6" y --do link-set --json "{\"ifindex\": $idx, \"group6\": \"$g6\", \"port\": 7001}"
check "key-set" y --do key-set --json "{\"key\": \"$key\"}"
check "key-clear" y --do key-clear

# Subscribe to events; one change while it listens gives one notification.
y --subscribe events --sleep 20 > "$tmp/events" 2>&1 &
sub=$!
sleep 5
check "link-del" y --do link-del
wait "$sub"
check_eq "the events group delivers one config-ntf for the change" 1 \
	"$(grep -o 'config-ntf' "$tmp/events" | wc -l)"
check_eq "config-get reads back link-del" null "$(yget '.ifname')"

check "link-set with ifindex and group6" y --do link-set --json "{\"ifindex\": $idx, \"group6\": \"$g6\", \"port\": 7001}"
check_eq "config-get reads back the IPv6 link" "[$idx,7001,null,\"ff15::9\"]" "$(yget '[.ifindex,.port,.group4,.group6]')"
check "key-set" y --do key-set --json "{\"key\": \"$key\"}"
check "config-get shows key-id and key-fingerprint, not the key" sh -c \
	"ip netns exec n1 '$ynl' cli --no-schema --output-json --do config-get | jq -e '.\"key-id\" and .\"key-fingerprint\" and (has(\"key\") | not)'"
check "stats-get" sh -c "ip netns exec n1 '$ynl' cli --no-schema --output-json --do stats-get | jq -e '.\"rx-datagrams\" >= 0'"
check "key-clear" y --do key-clear
check_eq "key is gone" null "$(yget '.["key-id"]')"

finish
