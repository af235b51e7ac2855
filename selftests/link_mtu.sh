#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The HA link and its interface's MTU. Every operation of the family is
# allowed to root of any user namespace, so an unprivileged user can set
# up a link on a dummy interface (MTU 0 and up) and move its MTU at will:
# the module must refuse a link on an interface too small for one
# datagram, take the link down (send nothing, say so) when the MTU drops
# below that minimum, and bring it back when the MTU allows again.
#
# Part 1 and 2 run as user nobody in `unshare -Urn` (a user namespace
# and a network namespace of its own), with a dummy interface: IPv4 and
# IPv6 links, the MTU moved across every boundary (0, 27/28 and 67/68
# for IPv4: IP and UDP headers, and the old unsigned underflow; 47/48 and
# 87/88 for IPv6; the link minimum - 1 and + 1) while SAs are added.
# A kernel without dummy interfaces gets a veth pair instead (MTU 68 and
# up). Part 3 (as root) checks that a peer gets what was held back while
# the MTU was too small, on VLAN interfaces (their MTU goes down to 0
# too; the veth ha0 without VLANs):
#
#   n1 (node 1) ha0 ---- p1 --+
#                             br0 (hub)
#   n2 (node 2) ha0 ---- p2 --+
#   HA link on ha1, VLAN 8 of ha0: 239.192.0.8 UDP 7738, 198.51.101.N/24

# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/lib.sh"
require

MIN4=576	# IPSEC_HA_LINK_MTU_MIN4
MIN6=1280	# IPSEC_HA_LINK_MTU_MIN6

pp load_module
modprobe -a dummy xfrm_user esp4 esp6 2> /dev/null || true

# sa_add SPI DST [IP OPTIONS...]: an ESP tunnel SA from 10.0.0.1.
sa_add() {
	ip "${@:3}" xfrm state add src 10.0.0.1 dst "$2" proto esp spi "$1" mode tunnel \
		aead 'rfc4106(gcm(aes))' 0x0102030405060708090a0b0c0d0e0f1011121314 128
}

# The unprivileged parts run these functions in a shell in the user
# namespace (handed over with declare -f) and report with lib.sh's ok and
# not_ok. The tool there runs in the shell's own network namespace.
ha_u() { "$IPSEC_HA" "$@"; }
u_field() { ha_u -j show | jq -c "$1"; }
u_stat() { ha_u -j stats | jq -r ".$1"; }
u_up_is() { [ "$(u_field .link.up)" = "$1" ]; }
u_stat_gt() { [ "$(u_stat "$1")" -gt "$2" ]; }

# add_sas N: N more SAs, in one batch.
add_sas() {
	local i
	for i in $(seq "$next" $((next + $1 - 1))); do
		printf 'xfrm state add src 10.0.0.1 dst 10.0.%d.%d proto esp spi %d mode tunnel aead rfc4106(gcm(aes)) 0x0102030405060708090a0b0c0d0e0f1011121314 128\n' \
			$((i / 250)) $((i % 250 + 1)) $((0x10000 + i))
	done | ip -batch - || return 1
	next=$((next + $1))
}

# mtu_up MTU: at or above the minimum the link is up, and sends SAs.
mtu_up() {
	local mtu=$1 tx0
	tx0=$(u_stat tx_records)
	pp ip link set ha0 mtu "$mtu"
	# Below 68, IPv4 left the interface, its address with it.
	[ -z "${addr:-}" ] || ip addr add "$addr" dev ha0 2> /dev/null
	check "MTU $mtu: link up" wait_until 5 u_up_is true
	add_sas 5 || not_ok "MTU $mtu: SAs added"
	check "MTU $mtu: SAs sent" wait_until 5 u_stat_gt tx_records $((tx0 + 4))
}

# mtu_down MTU: below the minimum the link goes down and sends nothing
# while SAs keep coming, nor when a key set asks for a bulk sync of all
# (which once packed every SA into one datagram of the computed room).
mtu_down() {
	local mtu=$1 tx0 tx1
	pp ip link set ha0 mtu "$mtu"
	sleep 0.3
	tx0=$(u_stat tx_datagrams)
	add_sas 20 || not_ok "MTU $mtu: SAs added"
	ha_u key set file "$tmp/key"
	sleep 2.2	# two ALIVE intervals
	tx1=$(u_stat tx_datagrams)
	check_eq "MTU $mtu: link reads down because of its MTU" "[false,\"mtu\",$mtu]" \
		"$(u_field '[.link.up,.link.down_reason,.link.mtu]')"
	check_eq "MTU $mtu: nothing sent" "$tx0" "$tx1"
}

# refused MTU GROUP: link set refused on an interface of that MTU.
refused() {
	ip link set ha0 mtu "$1"
	check_err "MTU $1: link set $2 refused" "MTU .*below the HA link minimum" \
		ha_u link set dev ha0 group "$2" port 7738
}

# userns_link FAMILY DIR: one node on a dummy interface, as root of a new
# user namespace; the MTU crosses each boundary, down and up again.
userns_link() {
	local d=$2 b min group bounds kept='' devmin drops=0 mon
	next=0
	if [ "$1" = 4 ]; then
		min=$MIN4 group=239.192.0.8 addr=198.51.100.1/24
		bounds="0 27 28 67 68 $((MIN4 - 1))"
	else
		min=$MIN6 group=ff15::7738 addr=
		bounds="0 47 48 87 88 $((MIN6 - 1))"
	fi
	ip link set lo up
	# A kernel without dummy interfaces (the debug kernel): a veth pair,
	# whose MTU goes down to 68 only.
	ip link add ha0 type dummy 2> /dev/null ||
		ip link add ha0 type veth peer name ha0p || exit 4
	ip link set ha0p up 2> /dev/null
	ip link set ha0 multicast on up
	[ -z "$addr" ] || ip addr add "$addr" dev ha0
	devmin=$(ip -d -j link show ha0 | jq '.[0].min_mtu // 0')
	for b in $bounds; do
		if [ "$b" -ge "$devmin" ]; then
			kept="$kept $b"
		else
			skip "MTU $b" "the interface's minimum is $devmin"
		fi
	done
	bounds=$kept
	ha_u key generate "$d/key"
	check "node set as root of a user namespace" ha_u node set id 1
	check "key set" ha_u key set file "$d/key"
	ha_u -j monitor > "$d/events" 2>&1 &
	mon=$!

	for b in $bounds; do
		refused "$b" "$group"
	done
	ip link set ha0 mtu "$min"
	[ -z "$addr" ] || ip addr add "$addr" dev ha0 2> /dev/null
	# IPv6 comes back to the interface with its MTU: give it time.
	check "MTU $min (the minimum): link set $group" \
		wait_until 5 ha_u link set dev ha0 group "$group" port 7738
	add_sas 40 || not_ok "SAs added"
	check "SAs sent at the minimum" wait_until 5 u_stat_gt tx_records 39

	for b in $((min - 1)) $bounds; do
		mtu_down "$b"
		drops=$((drops + 1))
		mtu_up $((min + 1))
	done
	check_eq "every drop counted" "$drops" "$(u_stat link_mtu_down)"
	check "show says why the link is down" sh -c "ip link set ha0 mtu 100 && sleep 0.5 &&
		'$IPSEC_HA' show | grep -q 'state down (mtu 100 below $min)'"
	ip link set ha0 mtu 1500
	sleep 0.5
	kill "$mon"
	wait "$mon" 2> /dev/null
	check "monitor reports the link down because of its MTU" \
		grep -q '{"event":"link-down","reason":"mtu","mtu":' "$d/events"
	case " $bounds " in
	*" 0 "*) check "... with the MTU even when 0" \
		grep -q '{"event":"link-down","reason":"mtu","mtu":0}' "$d/events" ;;
	esac
	check "monitor reports the link up again" \
		grep -q '{"event":"link-up","mtu":1500}' "$d/events"
	check "link del" ha_u link del
}

# userns_run FAMILY: userns_link as user nobody in a new user and
# network namespace.
userns_run() {
	local d rc
	d=$(mktemp -d)
	chown nobody "$d"
	setpriv --reuid=nobody --regid=nogroup --clear-groups \
		unshare -Urn bash -c "$(declare -f pp ok not_ok skip step_time check check_err \
			check_eq wait_until sa_add ha_u u_field u_stat u_up_is u_stat_gt add_sas \
			mtu_up mtu_down refused userns_link)
		tmp=$d slow=$slow failures=0 IPSEC_HA='$IPSEC_HA' MIN4=$MIN4 MIN6=$MIN6
		userns_link $1 $d
		exit \$((failures != 0))"
	rc=$?
	rm -rf "$d"
	[ $rc = 4 ] && skip "IPv$1 link in a user namespace" "no dummy or veth interfaces"
	[ $rc = 4 ] || return $rc
}

if ! setpriv --reuid=nobody --regid=nogroup --clear-groups unshare -Urn true 2> /dev/null; then
	skip "an unprivileged link on a dummy interface" "no unprivileged user namespaces"
else
	userns_run 4 || failures=$((failures + 1))
	userns_run 6 || failures=$((failures + 1))
fi

# Part 3: a peer gets what was held back while the MTU was too small.
# On VLAN interfaces if the kernel has them (their MTU goes down to 0),
# else on the veth ha0 (down to 68).
hub_add
dev=ha1 prefix=198.51.101 small="60 0"
for i in 1 2; do
	add_ns "n$i"
	hub_plug "n$i" "$i"
	if [ $dev = ha1 ] && ip -n "n$i" link add link ha0 name ha1 type vlan id 8 2> /dev/null; then
		ip -n "n$i" link set ha1 up
		ip -n "n$i" addr add "$prefix.$i/24" dev ha1
	else
		dev=ha0 prefix=198.51.100 small=68
	fi
done
ha n1 key generate "$tmp/key"
for i in 1 2; do
	ha "n$i" node set id "$i"
	ha "n$i" link set dev $dev group 239.192.0.8 port 7738
	ha "n$i" key set file "$tmp/key"
done
sas_are() { [ "$(ha "$1" -j sa list | jq length)" = "$2" ]; }
sa_add 0x30001 10.0.1.1 -n n1
check "n2 mirrors n1's first SA" wait_until 5 sas_are n2 1

pp ip -n n1 link set $dev mtu $((MIN4 - 1))
for i in 2 3 4; do
	sa_add "0x3000$i" 10.0.1.1 -n n1
done
sleep 2
check "n2 gets nothing while n1's MTU is too small" sas_are n2 1
pp ip -n n1 link set $dev mtu 1500
check "n2 gets the SAs held back once the MTU allows" wait_until 5 sas_are n2 4

# Below 68, IPv4 leaves the interface (its address and multicast
# memberships go); the link joins its group again when it comes back up.
n=4
for mtu in $small; do
	pp ip -n n1 link set $dev mtu "$mtu"
	sa_add "0x3100$mtu" 10.0.1.1 -n n1
	n=$((n + 1))
	sleep 1
	pp ip -n n1 link set $dev mtu 1500
	ip -n n1 addr add $prefix.1/24 dev $dev 2> /dev/null
done
check "n2 gets the SAs added meanwhile (MTU $small)" wait_until 5 sas_are n2 $n
sa_add 0x40001 10.0.2.2 -n n2
check "n1 hears its group again" wait_until 5 sas_are n1 $((n + 1))
check_eq "n1 counted each time its link went down for the MTU" \
	$((1 + $(wc -w <<< "$small"))) "$(stat_field n1 link_mtu_down)"

finish
