#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Bad input gets a clear error and changes nothing. One configured member,
# n1, with a link on ha0 (up) and a second interface ha1 (down); every
# refused request is followed by reading the state back.
#
#   +--------------+ ha0 ---- veth ---- ha0 +--------+
#   | n1 (node 1)  | ha1 (down) -- ha1      |   n2   |
#   +--------------+                        +--------+

# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/lib.sh"
require

# Before the module is loaded, the tool says so in one sentence.
pp unload_module
check_err "module not loaded: one plain sentence" \
	"^ipsec-ha: the ipsec_ha kernel module is not loaded" "$IPSEC_HA" show
check_eq "... and nothing more" 1 "$("$IPSEC_HA" show 2>&1 | wc -l)"

pp load_module
add_ns n1
add_ns n2
link_ns n1 n2 ha0
ip link add ha1 netns n1 type veth peer name ha1 netns n2
pp ha n1 node set id 1
pp ha n1 link set dev ha0 group 239.192.0.1 port 7731
ha n1 key generate "$tmp/key"
pp ha n1 key set file "$tmp/key"
before=$(ha n1 -j show)
unchanged() { check_eq "... state unchanged" "$before" "$(ha n1 -j show)"; }

check_err "node id 0 is refused" "out of range.*node-id" ha n1 node set id 0
unchanged
check_err "node id 65536 is refused" "out of range.*node-id" ha n1 node set id 65536
unchanged
check_err "sync-interval below 10 ms is refused" "out of range.*sync-interval" \
	ha n1 node set sync-interval 5
unchanged
check_err "a group that is not multicast is refused" "not a multicast address" \
	ha n1 link set dev ha0 group 192.0.2.1 port 7731
unchanged
check_err "an IPv6 group that is not multicast is refused" "not a multicast address" \
	ha n1 link set dev ha0 group 2001:db8::1 port 7731
unchanged
check_err "a missing interface is refused" "no such interface" \
	ha n1 link set dev nosuch0 group 239.192.0.1 port 7731
unchanged
check_err "a down interface is refused" "interface is down" \
	ha n1 link set dev ha1 group 239.192.0.1 port 7731
unchanged
check_err "port 0 is refused" "out of range.*port" \
	ha n1 link set dev ha0 group 239.192.0.1 port 0
unchanged

# Key files.
printf '%062x\n' 7 > "$tmp/short.key"; chmod 600 "$tmp/short.key"
check_err "a key of the wrong length is refused" "64 hex digits" ha n1 key set file "$tmp/short.key"
unchanged
check_err "a key file that does not exist is refused" "No such file" \
	ha n1 key set file "$tmp/none.key"
unchanged
mkdir "$tmp/dir.key"; chmod 700 "$tmp/dir.key"
check_err "a key file that cannot be read is refused" "directory|cannot read|not a regular" \
	ha n1 key set file "$tmp/dir.key"
unchanged
cp "$tmp/key" "$tmp/open.key"; chmod 644 "$tmp/open.key"
check_err "a world-readable key file is refused" "group or others|0?644" \
	ha n1 key set file "$tmp/open.key"
unchanged
cp "$tmp/key" "$tmp/group.key"; chmod 640 "$tmp/group.key"
check_err "a group-readable key file is refused" "group or others|0?640" \
	ha n1 key set file "$tmp/group.key"
unchanged

# Raw netlink, past the tool: what the tool would refuse first.
if [ -x "$NL_RAW" ]; then
	check_err "unknown attribute is refused" "Unknown attribute|Unsupported attribute" \
		ip netns exec n1 "$NL_RAW" unknown-attr
	unchanged
	check_err "duplicated attribute is refused" "duplicate attribute" \
		ip netns exec n1 "$NL_RAW" duplicate-attr
	unchanged
	check_err "attribute of the wrong type (u8 for a u32) is refused" "invalid length|Unexpected|length" \
		ip netns exec n1 "$NL_RAW" wrong-type
	unchanged
	check_err "attribute of another op is refused" "Unsupported attribute|Unknown attribute" \
		ip netns exec n1 "$NL_RAW" foreign-attr
	unchanged
	check_err "a 31-byte key is refused by the kernel" "size out of range|length" \
		ip netns exec n1 "$NL_RAW" short-key
	unchanged
	check_err "an op that takes nothing refuses attributes" "Unknown attribute|Unsupported attribute|failed policy" \
		ip netns exec n1 "$NL_RAW" attr-on-get
	unchanged
	check_err "a dump that takes nothing refuses attributes" "Unknown attribute|Unsupported attribute|failed policy" \
		ip netns exec n1 "$NL_RAW" attr-on-dump
	# Demote takes node alone: its attribute array ends there, below
	# promote's inbound. A plain demote must not read past it (KASAN on
	# the debug kernel), and extra attributes are refused.
	check "demote without attributes succeeds" ip netns exec n1 "$NL_RAW" demote
	check "demote of one node succeeds" ip netns exec n1 "$NL_RAW" demote-node
	check_err "demote refuses promote's inbound" "Unknown attribute|Unsupported attribute" \
		ip netns exec n1 "$NL_RAW" demote-inbound
	check_err "demote refuses an unknown attribute" "Unknown attribute|Unsupported attribute" \
		ip netns exec n1 "$NL_RAW" demote-unknown
	check_err "demote refuses an attribute of its reply" "Unknown attribute|Unsupported attribute" \
		ip netns exec n1 "$NL_RAW" demote-reply-attr
	unchanged
else
	skip "raw netlink cases" "selftests/nl_raw not built"
fi

# Without CAP_NET_ADMIN over the namespace's user namespace.
check_err "unprivileged user namespace cannot read the host namespace" \
	"not permitted" unshare -U -r "$IPSEC_HA" show
check_err "unprivileged user namespace cannot configure the host namespace" \
	"not permitted" unshare -U -r "$IPSEC_HA" node set id 9
check_err "a new user+net namespace cannot enter a host netns" \
	"not permitted|Permission denied" unshare -U -r -n "$IPSEC_HA" -n n1 show
check "... but is a cluster member of its own" unshare -U -r -n sh -c \
	"'$IPSEC_HA' node set id 5 && '$IPSEC_HA' -j show | jq -e '.node_id == 5'"
unchanged

finish
