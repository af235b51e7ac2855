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

# One YNL client for the whole test (selftests/ynl_drv.py: the kernel's
# YNL library, one request per line), started in n1: it validates the
# spec against the genetlink-legacy schema once, then every request costs
# a netlink round trip instead of seconds of Python start-up.
ydir=$("$ynl" path)
mkfifo "$tmp/ynl.in" "$tmp/ynl.out"
ip netns exec n1 /usr/bin/python3 "$sdir/ynl_drv.py" "$ydir" \
	"$top/Documentation/netlink/specs/ipsec_ha.yaml" \
	"${ydir%/tools/net/ynl}/Documentation/netlink/genetlink-legacy.yaml" \
	< "$tmp/ynl.in" > "$tmp/ynl.out" 2> "$tmp/ynl.err" &
exec 7> "$tmp/ynl.in" 8< "$tmp/ynl.out"

# y REQUEST...: one request (--do OP JSON, --list-ops, --subscribe GROUP,
# --ntf): the reply's JSON on stdout, or YNL's error and status 1.
y() {
	local reply
	echo "$*" >&7
	if ! read -r -t $((120 * slow)) reply <&8; then
		echo "no answer from the YNL client:"
		cat "$tmp/ynl.err"
		return 1
	fi
	jq -c 'if has("ok") then .ok else ("Error: " + .error + "\n" | halt_error(1)) end' <<< "$reply"
}
yget() { y --do config-get | jq -c "$1"; }
# shellcheck disable=SC2317 # run by check
ytest() { y "${@:2}" | jq -e "$1"; }	# ytest JQ-TEST REQUEST...
# shellcheck disable=SC2317 # run by check
refused() { ! y "$@"; }

check "YNL validates the spec against its schema and lists its operations" \
	ytest 'index("node-set")' --list-ops
check "node-set" y --do node-set '{"node-id": 3, "sync-packets": 300, "sync-interval": 150, "max-sas": 5000, "margin-min": 2048}'
check_eq "config-get reads back node-set" '[3,300,150,5000,2048]' \
	"$(yget '[.["node-id"],.["sync-packets"],.["sync-interval"],.["max-sas"],.["margin-min"]]')"

g4=$(( 239 << 24 | 192 << 16 | 9 ))	# 239.192.0.9
idx=$(ip netns exec n1 cat /sys/class/net/ha0/ifindex)
g6=ff150000000000000000000000000009	# ff15::9
key=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')

check "link-set with ifname and group4" y --do link-set "{\"ifname\": \"ha0\", \"group4\": $g4, \"port\": 7000}"
check_eq "config-get reads back the link" '["ha0",7000,1,"239.192.0.9"]' \
	"$(yget '[.ifname,.port,.["link-up"],.group4]')"
check "link-set with ifindex and group6" y --do link-set "{\"ifindex\": $idx, \"group6\": \"$g6\", \"port\": 7001}"
check "key-set" y --do key-set "{\"key\": \"$key\"}"
check "key-clear" y --do key-clear
check "a request the kernel refuses is an error" refused --do node-set '{"sync-packets": 0}'
check_eq "... and nothing changed" 300 "$(yget '.["sync-packets"]')"

# Subscribe to events; one change while it listens gives one notification.
check "subscribe to the events group" y --subscribe events
check "link-del" y --do link-del
# config_ntfs: how many config-ntf have arrived since the last call
config_ntfs() { y --ntf | jq '[.[] | select(.name == "config-ntf")] | length'; }
ntfs=0
end=$((SECONDS + 10 * slow))
while [ "$ntfs" = 0 ] && [ $SECONDS -lt $end ]; do
	ntfs=$(config_ntfs)
	sleep 0.2
done
sleep 1
ntfs=$((ntfs + $(config_ntfs)))
check_eq "the events group delivers one config-ntf for the change" 1 "$ntfs"
check_eq "config-get reads back link-del" null "$(yget '.ifname')"

check "link-set with ifindex and group6" y --do link-set "{\"ifindex\": $idx, \"group6\": \"$g6\", \"port\": 7001}"
check_eq "config-get reads back the IPv6 link" "[$idx,7001,null,\"ff15::9\"]" "$(yget '[.ifindex,.port,.group4,.group6]')"
check "key-set" y --do key-set "{\"key\": \"$key\"}"
check "config-get shows key-id and key-fingerprint, not the key" \
	ytest '.["key-id"] and .["key-fingerprint"] and (has("key") | not)' --do config-get
check "stats-get" ytest '.["rx-datagrams"] >= 0' --do stats-get
check "key-clear" y --do key-clear
check_eq "key is gone" null "$(yget '.["key-id"]')"
exec 7>&-
wait

finish
