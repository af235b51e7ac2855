#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Dumps of a changing mirror are flagged: a large table comes in several
# parts, and an SA, policy or IKE context added or removed between two
# parts can be missed or listed twice. The module marks such a dump
# NLM_F_DUMP_INTR (the store counts its changes), and the tool says so as
# iproute2 does, exit status 0, output complete in form. A quiet mirror's
# dumps are not flagged.
#
#   +------+ ha0 ---- p1 [hub: br0]
#   |  n1  |   node 1, 600 SAs, 200 IKE contexts; hundreds of SAs
#   +------+   added and deleted again and again while it dumps

# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/lib.sh"
require

msg='Dump was interrupted and may be inconsistent.'

pp load_module
hub_add
add_ns n1
hub_plug n1 1
ha n1 key generate "$tmp/key"
pp ha n1 node set id 1
pp ha n1 link set dev ha0 group 239.192.0.7 port 7737
pp ha n1 key set file "$tmp/key"

key20=0x0102030405060708090a0b0c0d0e0f1011121314
# batch FILE CMD FIRST COUNT: ip -batch lines that CMD (add or delete) the
# SAs of SPIs FIRST .. FIRST + COUNT - 1.
batch() {
	local i spi
	for ((i = 0; i < $4; i++)); do
		spi=$(($3 + i))
		if [ "$2" = add ]; then
			echo "xfrm state add src 192.0.2.1 dst 192.0.2.100 proto esp spi $spi" \
				"reqid 1 mode tunnel aead rfc4106(gcm(aes)) $key20 128"
		else
			echo "xfrm state delete src 192.0.2.1 dst 192.0.2.100 proto esp spi $spi"
		fi
	done > "$1"
}
batch "$tmp/base" add $((0xc1000000)) 600
batch "$tmp/add" add $((0xc2000000)) 300
batch "$tmp/del" delete $((0xc2000000)) 300
pp ip -n n1 -batch "$tmp/base"
children=$(for i in $(seq 1 32); do printf '0x%08x,' $((0xc3000000 + i)); done)
for i in $(seq 1 200); do
	printf 'spi-i 0x1111%012x spi-r 0x2222%012x local 192.0.2.1 remote 192.0.2.%d child %s\n' \
		"$i" "$i" $((i % 250 + 1)) "${children%,}"
done > "$tmp/ike"
chmod 600 "$tmp/ike"
pp ha n1 ike add batch "$tmp/ike"
check "n1 holds its 600 SAs" wait_until 20 sh -c "[ \"\$(ip netns exec n1 '$IPSEC_HA' -j sa list | jq length)\" = 600 ]"
check_eq "n1 holds its 200 IKE contexts" 200 "$(ha n1 -j ike list | jq length)"

# quiet WHAT: three dumps of a quiet mirror, none flagged.
quiet() {
	local i flagged=0
	for i in 1 2 3; do
		ha n1 -j "$1" list > "$tmp/out.json" 2> "$tmp/err" || flagged=$((flagged + 100))
		grep -qF "$msg" "$tmp/err" && flagged=$((flagged + 1))
	done
	check_eq "$2: $1 list of a quiet mirror is not flagged" 0 "$flagged"
}
quiet sa before
quiet ike before

# Hundreds of SAs come and go while n1 dumps.
churn() {
	while [ ! -e "$tmp/stop" ]; do
		ip -n n1 -batch "$tmp/add"
		ip -n n1 -batch "$tmp/del"
	done
}
churn > /dev/null 2>&1 &
churn_pid=$!

# busy WHAT: dump until the tool reports an interrupted dump (20 tries):
# exit status 0, the message on stderr, a valid JSON array on stdout.
busy() {
	local i rc
	for ((i = 1; i <= 20; i++)); do
		rc=0
		ha n1 -j "$1" list > "$tmp/out.json" 2> "$tmp/err" || rc=$?
		grep -qF "$msg" "$tmp/err" && break
	done
	if [ "$i" -gt 20 ]; then
		not_ok "$1 list of a changing mirror is flagged (no report in 20 dumps)"
		return
	fi
	ok "$1 list of a changing mirror is flagged (dump $i of 20)"
	sed 's/^/#   said: /' "$tmp/err"
	check_eq "... the exit status stays 0" 0 "$rc"
	check "... the output is a JSON array" jq -e 'type == "array"' "$tmp/out.json"
	check_eq "... and stderr says only that" 1 "$(wc -l < "$tmp/err")"
}
busy sa
busy ike
# The same in text.
flagged=0
for ((i = 1; i <= 20; i++)); do
	ha n1 sa list > /dev/null 2> "$tmp/err"
	if grep -qF "$msg" "$tmp/err"; then flagged=1; break; fi
done
check_eq "a text sa list is flagged too" 1 "$flagged"

touch "$tmp/stop"
wait "$churn_pid"
check "n1 is back to its 600 SAs" wait_until 20 sh -c "[ \"\$(ip netns exec n1 '$IPSEC_HA' -j sa list 2> /dev/null | jq length)\" = 600 ]"
quiet sa after
quiet ike after

finish
