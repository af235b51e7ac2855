#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Helpers shared by the ipsec-ha selftests. A test sources this file, builds
# its topology out of network namespaces, and reports each check as a TAP
# line "ok - ..." / "not ok - ..." (run.sh numbers them). Exit codes follow
# kselftest: 0 pass, 1 fail, 4 skip.

ksft_skip=4
# The scripts and their C helpers (nl_raw, ha_inject, ...) sit in one
# directory: the repository's selftests/, a kselftest target in a kernel
# tree (tools/testing/selftests/ipsec_ha) or a kselftest install.
sdir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# The repository holds the module and the tool: the parent of selftests/,
# or IPSEC_HA_REPO where the suite runs as a kselftest target (tools/vm/run
# sets it in its guests). IPSEC_HA and IPSEC_HA_KO name the tool and the
# module directly.
if [ -e "$sdir/../module/Kbuild" ]; then
	top=$(cd "$sdir/.." && pwd)
else
	top=${IPSEC_HA_REPO:-}
fi
IPSEC_HA=${IPSEC_HA:-$top/tools/ipsec-ha/ipsec-ha}
KO=${IPSEC_HA_KO:-$top/build/$(uname -r)/module/ipsec_ha.ko}
export NL_RAW=$sdir/nl_raw
failures=0
tmp=$(mktemp -d)
namespaces=()

pp() { printf '# [+] %s\n' "$*"; "$@"; }

# Time limits are multiplied by this on slow kernels (the debug kernel's
# ESP is about 20 times slower): tools/kernels/check-debug.sh sets it. The
# kselftest convention for a slow machine, KSFT_MACHINE_SLOW=yes, doubles
# them when IPSEC_HA_SLOW is not set.
ksft_slow() { [ "${KSFT_MACHINE_SLOW:-}" = yes ] && echo 2 || echo 1; }
slow=${IPSEC_HA_SLOW:-$(ksft_slow)}
[ "$slow" = 1 ] || echo "# time limits x$slow (IPSEC_HA_SLOW=${IPSEC_HA_SLOW:-}, KSFT_MACHINE_SLOW=${KSFT_MACHINE_SLOW:-})"

# wait_until SECONDS CMD...: poll until CMD succeeds, SECONDS x slow at most.
wait_until() {
	local end=$((SECONDS + $1 * slow))
	shift
	until "$@"; do
		[ $SECONDS -ge $end ] && return 1
		sleep 0.2
	done
}

# IPSEC_HA_STEP_TIMES=1: each result is preceded by the time it took
# since the previous one ("# +1.2 s"), to see where a slow kernel's time goes.
step_us=${EPOCHREALTIME/./}
step_time() {
	local now=${EPOCHREALTIME/./} d
	[ -n "${IPSEC_HA_STEP_TIMES:-}" ] || return 0
	d=$(( (now - step_us) / 100000 ))
	step_us=$now
	printf '# +%d.%d s\n' $((d / 10)) $((d % 10))
}
ok() { step_time; printf 'ok - %s\n' "$*"; }
not_ok() { step_time; printf 'not ok - %s\n' "$*"; failures=$((failures + 1)); }
skip() { printf 'ok - %s # SKIP %s\n' "$1" "$2"; }

# check DESCRIPTION CMD...: CMD must succeed.
check() {
	local desc=$1
	shift
	if "$@" > "$tmp/out" 2>&1; then
		ok "$desc"
	else
		not_ok "$desc"
		sed 's/^/#   /' "$tmp/out" | head -n 20
	fi
}

# check_err DESCRIPTION REGEX CMD...: CMD must fail and say REGEX on stderr.
check_err() {
	local desc=$1 re=$2
	shift 2
	if "$@" > "$tmp/out" 2> "$tmp/err"; then
		not_ok "$desc (succeeded)"
	elif grep -Eq -- "$re" "$tmp/err"; then
		ok "$desc"
		sed 's/^/#   said: /' "$tmp/err" | head -n 3
	else
		not_ok "$desc (expected /$re/)"
		sed 's/^/#   /' "$tmp/err" | head -n 10
	fi
}

# check_eq DESCRIPTION EXPECTED ACTUAL
check_eq() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1"
		printf '#   expected: %s\n#   actual:   %s\n' "$2" "$3"
	fi
}

# The tool in a namespace.
ha() { local ns=$1; shift; ip netns exec "$ns" "$IPSEC_HA" "$@"; }

# One field of `ipsec-ha -j show` in a namespace, as jq prints it.
show_field() { ha "$1" -j show | jq -c "$2"; }
stat_field() { ha "$1" -j stats | jq -r ".$2"; }

add_ns() {
	ip netns add "$1"
	namespaces+=("$1")
	ip -n "$1" link set lo up
}

# Two namespaces joined by a veth pair, each end named DEV.
# The HA segment most tests share: a bridge br0 in namespace hub, and
# namespaces plugged into it with a veth each.
hub_add() {
	add_ns hub
	ip -n hub link add br0 type bridge
	ip -n hub link set br0 up
}

# hub_plug NS N [IFNAME]: NS's IFNAME (ha0) on br0 as port pN, with the
# address 198.51.100.N/24.
hub_plug() {
	local dev=${3:-ha0}
	ip link add "$dev" netns "$1" type veth peer name "p$2" netns hub
	ip -n hub link set "p$2" master br0
	ip -n hub link set "p$2" up
	ip -n "$1" link set "$dev" up
	ip -n "$1" addr add "198.51.100.$2/24" dev "$dev"
}

# hub_nodes N: namespaces n1 .. nN, each plugged into the hub (hub_add
# first) as hub_plug does: nI's ha0 is 198.51.100.I/24.
hub_nodes() {
	local i
	for i in $(seq 1 "$1"); do
		add_ns "n$i"
		hub_plug "n$i" "$i"
	done
}

# hub_cluster N: what most hub tests begin with: the module loaded, the hub
# with nodes n1 .. nN (hub_nodes), and the cluster key in $tmp/key.
hub_cluster() {
	pp load_module
	hub_add
	hub_nodes "$1"
	ha n1 key generate "$tmp/key"
}

# The HA link of the hub tests. A test that needs a group and port of its
# own sets these before it joins its nodes.
HA_GROUP=239.192.0.1
HA_PORT=7731

# hub_link N: node N (namespace nN) on the HA link HA_GROUP port HA_PORT
# over ha0, sealed with the cluster key in $tmp/key.
hub_link() {
	ha "n$1" link set dev ha0 group "$HA_GROUP" port "$HA_PORT"
	ha "n$1" key set file "$tmp/key"
}

# hub_join N: node N takes the node ID N and joins the HA link (hub_link).
hub_join() {
	ha "n$1" node set id "$1"
	hub_link "$1"
}

# What a node mirrors, without what is local to each node's view (the
# local flag, an SA's age): SAs and policies as sorted JSON.
sa_view() { ha "$1" -j sa list | jq -c 'map(del(.local, .age)) | sort_by(.origin, .id)'; }
policy_view() { ha "$1" -j policy list | jq -c 'map(del(.local)) | sort_by(.origin, .id)'; }
# n1_owned: how many SAs and policies node 1 holds.
n1_owned() { echo $(( $(ha n1 -j sa list | jq length) + $(ha n1 -j policy list | jq length) )); }
# n1_mirrored NS: how many objects NS mirrors of node 1 (its peers entry).
n1_mirrored() { ha "$1" -j peers | jq '.[] | select(.node_id == 1) | .objects'; }

# peer_in_sync NS NODE: NS reports its mirror of NODE in sync.
peer_in_sync() { ha "$1" -j peers | jq -e ".[] | select(.node_id == $2) | .in_sync" > /dev/null; }

# stat_or0 NS FIELD: a counter of `ipsec-ha -j stats`, 0 when it is absent.
stat_or0() { local v; v=$(stat_field "$1" "$2"); echo "${v/null/0}"; }

# has_sa NS ORIGIN ID: NS holds the SA of reference ORIGIN/ID.
has_sa() { ha "$1" -j sa list | jq -e ".[] | select(.origin == $2 and .id == $3)" > /dev/null; }

# The fake node (ha_inject, built by make -C selftests). inject9 RECORD...:
# one datagram from node 9 in namespace inj, on the HA link 239.192.0.1
# port 7731, sealed with $tmp/key.
INJECT=$sdir/ha_inject
inject9() {
	ip netns exec inj "$INJECT" -k "$tmp/key" -i ha0 -g 239.192.0.1 -p 7731 -n 9 "$@" |
		sed 's/^/# inject: /'
}

link_ns() {	# link_ns NS1 NS2 DEV
	ip link add "$3" netns "$1" type veth peer name "$3" netns "$2"
	ip -n "$1" link set "$3" up
	ip -n "$2" link set "$3" up
}

# What the module depends on, loaded with modprobe. A kernel with no
# /lib/modules/<release> (a custom kernel such as the debug one, booted with
# --kernel-image alone) has them built in: nothing to load, and insmod says
# so if one is missing. With a modules directory, modprobe of a built-in
# module succeeds through modules.builtin. Self-contained: module_lifecycle.sh
# runs it in a child shell through declare -f.
module_deps() {
	local deps
	deps=$(modinfo -F depends "$KO" 2>/dev/null | tr ',' ' ')
	[ -n "$deps" ] || return 0
	[ -d "/lib/modules/$(uname -r)" ] || return 0
	# shellcheck disable=SC2086
	modprobe -a $deps
}

load_module() {
	[ -e /sys/module/ipsec_ha ] && return 0
	module_deps && insmod "$KO"
}

unload_module() {
	[ -e /sys/module/ipsec_ha ] || return 0
	rmmod ipsec_ha
}

cleanup() {
	local ns
	for ns in "${namespaces[@]}"; do
		ip netns del "$ns" 2> /dev/null
	done
	rm -rf "$tmp"
}
trap cleanup EXIT

require() {
	[ "$(id -u)" = 0 ] || { echo "# SKIP: needs root"; exit $ksft_skip; }
	[ -n "$top" ] || [ -n "${IPSEC_HA_KO:-}" ] ||
		{ echo "# SKIP: outside the repository: set IPSEC_HA_REPO (or IPSEC_HA_KO and IPSEC_HA)"; exit $ksft_skip; }
	[ -e "$KO" ] || { echo "# SKIP: $KO not built"; exit $ksft_skip; }
	[ -x "$IPSEC_HA" ] || { echo "# SKIP: $IPSEC_HA not built"; exit $ksft_skip; }
	command -v jq > /dev/null || { echo "# SKIP: jq not installed"; exit $ksft_skip; }
}

finish() {
	[ "$failures" = 0 ]
	exit $?
}
