#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Time of `ipsec-ha promote` for N SAs and N/2 policies (default: 1000
# and 10000), against installing the same SAs and policies from userspace
# with `ip -batch` in the same guest, as a userspace sync daemon would.
# Promote runs twice per round, with the standby's SAs prepared in advance
# (prepare-max, the default) and cold (prepare-max 0). Runs interleaved,
# three rounds each (ROUNDS), and prints medians and the ratios:
#
#   tools/vm/run -t 1800 -- bench/promote.sh [N...]
#
# The policies' selectors are 172.16.0.0/16 to one host: not a host pair,
# so by default the kernel keeps them on its inexact list, whose every
# insert walks and renumbers the whole list (quadratic for both sides).
# HTHRESH="16 32" sets the SPD's hash thresholds to those prefixes (ip
# xfrm policy set hthresh4 16 32: local, remote) in every namespace of the
# run, as an operator with thousands of such policies would: then they are
# hashed.

# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/../selftests/lib.sh"
require
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000)
rounds=${ROUNDS:-3}

load_module
modprobe -q esp4 || true
hub_add
ha_key=$tmp/key
"$IPSEC_HA" key generate "$ha_key"

# spd_tune NS: the SPD hash thresholds of HTHRESH, if given
spd_tune() {
	# shellcheck disable=SC2086 # "LBITS RBITS"
	[ -z "${HTHRESH:-}" ] || ip -n "$1" xfrm policy set hthresh4 $HTHRESH
}
echo "SPD hash thresholds: ${HTHRESH:-kernel default (32 32: only host pairs hashed)}"

# node NS N: a cluster member on the hub
node() {
	add_ns "$1"
	spd_tune "$1"
	hub_plug "$1" "$2"
	ha "$1" node set id "$2" max-sas 200000
	ha "$1" link set dev ha0 group 239.192.0.1 port 7731
	ha "$1" key set file "$ha_key"
}

# batch N FILE: N tunnel-mode SAs (half in, half out) and N/2 policies.
# The peers' addresses are spread over 100.64.0.0/10 (i * 40503 mod 2^22),
# unrelated to the reqids (1..N): addresses that track the reqid bit for
# bit would hash every SA of the SAD's bydst table into a few chains.
batch() {
	awk -v n="$1" 'BEGIN {
		key = "0x0102030405060708090a0b0c0d0e0f1011121314"
		for (i = 1; i <= n; i++) {
			a = (i * 40503) % 4194304
			dst = sprintf("100.%d.%d.%d", 64 + int(a / 65536), int(a / 256) % 256, a % 256)
			printf "xfrm state add src 10.0.0.1 dst %s proto esp spi 0x%08x reqid %d mode tunnel aead rfc4106(gcm(aes)) %s 128\n", \
				dst, 1048576 + i, i, key
			if (i % 2 == 0)
				printf "xfrm policy add src 172.16.0.0/16 dst %s/32 dir out tmpl src 10.0.0.1 dst %s proto esp reqid %d mode tunnel\n", \
					dst, dst, i
		}
	}' > "$2"
}

ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
median() { printf '%s\n' "$@" | sort -n | sed -n "$(( ($# + 1) / 2 ))p"; }

# promote_round NS-SUFFIX PREPARE-MAX: an owner and a standby that mirrors
# N SAs and N/2 policies (and, with PREPARE-MAX > 0, has them prepared);
# the owner goes away, the standby promotes. Appends to prom_k and prom_w.
promote_round() {
	local o=o$1 s=s$1 want
	node "$o" 1
	node "$s" 2
	ha "$s" node set prepare-max "$2"
	ip -n "$o" -batch "$tmp/batch"
	until [ "$(ha "$s" -j peers | jq '[.[] | select(.node_id == 1) | .objects] | add // 0')" \
		-ge $((n + pol)) ]; do
		sleep 0.5
	done
	want=$(( $2 < n ? $2 : n ))
	until [ "$(ha "$s" -j show | jq .prepared)" -ge "$want" ]; do sleep 0.5; done
	ip -n "$o" link set ha0 down

	t0=$(date +%s%N)
	"$IPSEC_HA" -n "$s" -j promote > "$tmp/promote.json"
	prom_w+=("$(ms_since "$t0")")
	prom_k+=("$(jq '.usecs / 1000 | floor' "$tmp/promote.json")")
	got=$(jq -c '[.sas, .policies, .failed, .prepared]' "$tmp/promote.json")
	[ "$got" = "[$n,$pol,0,$want]" ] ||
		echo "# round $1: promote installed $got, expected [$n,$pol,0,$want] (SAs, policies, failed, prepared)"
	ip netns del "$o"
	ip netns del "$s"
}

for n in "${sizes[@]}"; do
	batch "$n" "$tmp/batch"
	pol=$((n / 2))
	pk=() pw=() uk=() uw=() ipb=()
	for r in $(seq 1 "$rounds"); do
		# Interleaved: prepared in advance, not prepared, ip -batch.
		prom_k=() prom_w=()
		promote_round "p$r" "$n"
		promote_round "c$r" 0
		pk+=("${prom_k[0]}") pw+=("${prom_w[0]}") uk+=("${prom_k[1]}") uw+=("${prom_w[1]}")

		# The same SAs and policies from userspace, in a fresh namespace.
		add_ns "u$r"
		spd_tune "u$r"
		t0=$(date +%s%N)
		ip -n "u$r" -batch "$tmp/batch"
		ipb+=("$(ms_since "$t0")")
		[ "$(ip -n "u$r" xfrm state count | grep -o '[0-9]*' | head -n1)" = "$n" ] ||
			echo "# round $r: ip -batch installed $(ip -n "u$r" xfrm state count)"
		ip netns del "u$r"
		namespaces=(hub)
	done
	mi=$(median "${ipb[@]}")
	echo "ip -batch of $n SAs + $pol policies: ${mi} ms (rounds: ${ipb[*]})"
	for v in prepared cold; do
		if [ $v = prepared ]; then k=("${pk[@]}") w=("${pw[@]}"); else k=("${uk[@]}") w=("${uw[@]}"); fi
		mk=$(median "${k[@]}")
		mw=$(median "${w[@]}")
		echo "promote, SAs $v: ${mk} ms in the kernel (rounds: ${k[*]}), ${mw} ms for the command (rounds: ${w[*]})"
		awk -v a="$mi" -v b="$mw" -v k="$mk" -v v="$v" 'BEGIN {
			printf "ratio ip -batch / promote (%s): %.1fx (kernel time), %.1fx (command)\n",
				v, a / (k ? k : 1), a / (b ? b : 1) }'
	done
done
cleanup
