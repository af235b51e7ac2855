#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 7.x check: the Debian 13 root of trixie-root.sh (created or reused), a W=1
# build with 0 warnings and the module build for its 7.x release, then a
# smoke test in a 7.x guest booted from that root (tools/vm/run --root):
# load the module, two members in namespaces joined by a veth HA link, one
# SA added in n1 shows up mirrored in n2, unload. Prints TAP lines
# ("ok - ..." / "not ok - ...") and exits non-zero on any failure.
#
#   tools/kernels/check-7x.sh          (as root; make check-7x)
#   tools/kernels/check-7x.sh guest    the smoke test itself (in the guest)
#
# Module loading: the 7.x modules are .ko.xz, decompressed by the kernel.
# Measured in this guest (root over 9p with cache=loose), modprobe of the ten
# .ko.xz the smoke test needs takes 0.8 s with or without decompressing them
# ahead of time, so the guest uses the root's modules as they are. Set
# IPSEC_HA_UNXZ=1 to decompress them anyway (tools/vm/run --unxz).
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
# What the smoke test loads besides ipsec_ha's own dependencies (veth, and
# what `ip xfrm state add ... rfc4106(gcm(aes))` autoloads): for --unxz.
SMOKE_MODULES=veth,xfrm_user,esp4,seqiv
fails=0
ok() { printf 'ok - %s\n' "$*"; }
not_ok() { printf 'not ok - %s\n' "$*"; fails=$((fails + 1)); }
secs() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f s", b - a }'; }

# ------------------------------------------------------------------ guest
guest() {
	local rel ko key deps t spi ns n i
	rel=$(uname -r)
	ko=$top/build/$rel/module/ipsec_ha.ko
	IPSEC_HA=$top/tools/ipsec-ha/ipsec-ha
	key=$(mktemp -d)/key # the tool refuses to overwrite a key file
	ha() { local ns=$1; shift; ip netns exec "$ns" "$IPSEC_HA" "$@"; }
	configure() {
		local n
		ha n1 key generate "$key" || return 1
		for n in 1 2; do
			ha n$n node set id $n &&
				ha n$n link set dev ha0 group 239.192.0.1 port 7731 &&
				ha n$n key set file "$key" || return 1
		done
	}

	t=$EPOCHREALTIME
	deps=$(modinfo -F depends "$ko" | tr ',' ' ')
	# shellcheck disable=SC2086 # one word per module
	if modprobe -a $deps veth && insmod "$ko"; then
		ok "7.x: load ipsec_ha with its dependencies ($(secs "$t"))"
	else
		not_ok "7.x: load ipsec_ha ($ko)"
		return
	fi

	t=$EPOCHREALTIME
	for n in 1 2; do
		ip netns add n$n && ip -n n$n link set lo up || not_ok "7.x: netns n$n"
	done
	ip link add ha0 netns n1 type veth peer name ha0 netns n2
	for n in 1 2; do
		ip -n n$n addr add 10.99.0.$n/24 dev ha0
		ip -n n$n link set ha0 up
	done
	if configure; then
		ok "7.x: two members configured ($(secs "$t"))"
	else
		not_ok "7.x: two members configured"
	fi

	t=$EPOCHREALTIME
	if ip -n n1 xfrm state add src 10.0.0.1 dst 10.0.0.2 proto esp spi 0x1000 reqid 1 \
		mode tunnel aead 'rfc4106(gcm(aes))' 0x0102030405060708091011121314151617181920 128; then
		ok "7.x: SA added in n1 ($(secs "$t"))"
	else
		not_ok "7.x: SA added in n1"
	fi
	# Poll n2 for up to 10 s; one poll (tool + jq) costs ~0.1-0.6 s under TCG.
	t=$EPOCHREALTIME
	spi=
	i=0
	while :; do
		i=$((i + 1))
		spi=$(ha n2 -j sa list 2>/dev/null |
			jq -r '.[] | select(.spi == "0x00001000") | .spi' 2>/dev/null)
		[ -z "$spi" ] || break
		awk -v a="$t" -v b="$EPOCHREALTIME" 'BEGIN { exit !(b - a < 10) }' || break
		sleep 0.1
	done
	if [ "$spi" = 0x00001000 ]; then
		ok "7.x: n2 mirrors spi 0x00001000 (after $(secs "$t"), $i poll(s))"
	else
		not_ok "7.x: n2 mirrors spi 0x00001000 within 10 s ($i polls)"
		ha n2 -j sa list 2>&1 | sed 's/^/#   n2: /'
		ha n1 -j stats 2>&1 | sed 's/^/#   n1 stats: /'
		ha n2 -j stats 2>&1 | sed 's/^/#   n2 stats: /'
	fi

	for ns in n1 n2; do ip netns del "$ns"; done
	rm -rf "${key%/key}"
	t=$EPOCHREALTIME
	if rmmod ipsec_ha; then
		ok "7.x: unload ipsec_ha ($(secs "$t"))"
	else
		not_ok "7.x: unload ipsec_ha"
	fi
	# What got loaded: keep SMOKE_MODULES in step (anything loaded from a
	# .ko.xz shows up here as slow).
	lsmod | awk 'NR > 1 { print $1 }' | sort | tr '\n' ' ' | sed 's/^/# loaded: /'
	echo
}

if [ "${1:-}" = guest ]; then
	guest
	exit $((fails > 0))
fi

# ------------------------------------------------------------------ host
[ "$(id -u)" = 0 ] || { echo "check-7x: must run as root (trixie-root.sh)" >&2; exit 1; }
log=$top/build/check-7x
mkdir -p "$log"

step() {	# step NAME CMD...: run CMD, log to build/check-7x/NAME.log, TAP line
	local name=$1 t rc
	shift
	t=$EPOCHREALTIME
	"$@" > "$log/$name.log" 2>&1
	rc=$?
	if [ $rc = 0 ]; then
		ok "$name ($(secs "$t"))"
	else
		not_ok "$name (exit $rc, $(secs "$t"); $log/$name.log)"
		tail -n 20 "$log/$name.log" | sed 's/^/#   /'
	fi
	return $rc
}

step "trixie root ready" "$top/tools/kernels/trixie-root.sh" setup || exit 1
rel=$("$top/tools/kernels/trixie-root.sh" release)
root=$("$top/tools/kernels/trixie-root.sh" path)
echo "# 7.x release $rel, root $root"
step "W=1 build for $rel (0 warnings)" "$top/tools/kernels/trixie-root.sh" build-w1 &&
	grep -h 'build for' "$log/W=1 build for $rel (0 warnings).log" | sed 's/^/# /'
step "module build for $rel" "$top/tools/kernels/trixie-root.sh" build || exit 1
step "the tool" make -C "$top" tool || exit 1
if [ -f "$root/usr/lib/x86_64-linux-gnu/libmnl.so.0" ]; then
	ok "libmnl.so.0 in the root (the tool runs there)"
else
	not_ok "libmnl.so.0 missing in $root: the tool cannot run in the 7.x guest"
fi

# The smoke test: its TAP lines come from the guest.
t=$EPOCHREALTIME
deps=$(modinfo -F depends "$top/build/$rel/module/ipsec_ha.ko")
out=$log/smoke.log
unxz=()
[ "${IPSEC_HA_UNXZ:-0}" = 0 ] || unxz=(--unxz "$SMOKE_MODULES${deps:+,$deps}")
"$top/tools/vm/run" --root "$root" -k "$rel" "${unxz[@]}" -t 300 -v \
	-- "$top/tools/kernels/check-7x.sh" guest > "$out" 2> "$log/smoke.run.log"
rc=$?
grep -E '^(not )?ok - ' "$out"
fails=$((fails + $(grep -c '^not ok - ' "$out")))
grep -E '^# loaded' "$out"
grep -E 'boot to command' "$log/smoke.run.log" | sed 's/^/# /'
if [ $rc = 0 ]; then
	ok "7.x smoke test in the guest ($(secs "$t"))"
else
	not_ok "7.x smoke test in the guest (exit $rc, $(secs "$t"); $out, $log/smoke.run.log)"
	grep -v -E '^(not )?ok - ' "$out" | tail -n 20 | sed 's/^/#   /'
	tail -n 15 "$log/smoke.run.log" | sed 's/^/#   /'
fi
[ "$fails" = 0 ]
