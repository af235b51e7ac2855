#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 7.x check: the Debian 13 root of trixie-root.sh (created or reused), a W=1
# build with 0 warnings and the module build for its 7.x release, then the
# selftest suite (selftests/run.sh) in a 7.x guest booted from that root by
# virtme-ng (vng, packaged in Debian 13), as kernel developers run suites.
# The guest's kernel log fails the run on any BUG, WARNING, lockdep, KASAN
# or similar report (tools/vm/klog-patterns). Prints TAP lines ("ok - ..." /
# "not ok - ...") and exits non-zero on any failure.
#
#   tools/kernels/check-7x.sh [TEST...]        (as root; make check-7x)
#   tools/kernels/check-7x.sh build            the builds only
#   tools/kernels/check-7x.sh suite [TEST...]  the suite only (after build)
#
# TEST...: the tests to run (default: every test of selftests/Makefile but
# the integration tests, swan_*.sh and ocf.sh, which run on Debian 12's
# kernel with its strongSwan, keepalived and Pacemaker).
# make check runs the builds once, then the suite in two guests, one in
# each of its two lanes.
# Environment: IPSEC_HA_7X_RUNNER=vm boots the same root with tools/vm/run
# --root instead of vng; IPSEC_HA_7X_TIMEOUT the guest's time limit in
# seconds (2400); IPSEC_HA_7X_NAME the suite's log directory in
# build/check-7x/ (suite): two suites at once need two names.
#
# Module loading: the 7.x modules are .ko.xz, which the kernel decompresses
# itself; modprobe loads them as they are.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tools/kernels/tap.sh
source "$top/tools/kernels/tap.sh"

# ------------------------------------------------------------------ guest
# vng mounts the guest's root over 9p without a cache, so every exec reads
# its binary through 9p again: ip, jq and the tool start 3 to 4 times slower
# than in tools/vm/run's guest (cache=loose). The host gives the guest the
# same root a second time (mount tag ipsec-ha-root); mounted with
# cache=loose over /usr and over the repository, it serves the tests'
# commands from the guest's page cache.
cached_root() {
	local m=/run/ipsec-ha-root
	grep -qsx ipsec-ha-root /sys/bus/virtio/drivers/9pnet_virtio/*/mount_tag || return 0
	mkdir -p $m &&
		mount -t 9p -o version=9p2000.L,trans=virtio,access=any,cache=loose,msize=512000 \
			ipsec-ha-root $m &&
		mount --bind $m/usr /usr &&
		mount --bind "$m$top" "$top"
}

# guest OUTDIR TEST...: the suite, then the kernel log for the host to read.
guest() {
	local out=$1 rc
	shift
	# vng leaves /tmp on the 9p root, where a directory chown'ed to
	# another user (link_mtu.sh's user namespace part) stays unwritable
	# for that user; tools/vm/run's guest has a tmpfs there. A repository
	# under /tmp is bound back onto its path over the tmpfs.
	if ! grep -qs ' /tmp tmpfs ' /proc/mounts; then
		mkdir -p /run/ipsec-ha-repo && mount --bind "$top" /run/ipsec-ha-repo &&
			mount -t tmpfs -o mode=1777 tmpfs /tmp &&
			mkdir -p "$top" && mount --bind /run/ipsec-ha-repo "$top" || return 1
	fi
	cached_root || echo "# check-7x: no cached root (the commands run from vng's uncached 9p)"
	cd "$top" || return 1
	"$top/selftests/run.sh" "$@"
	rc=$?
	dmesg > "$out/dmesg"
	echo "$rc" > "$out/rc"
	return "$rc"
}

if [ "${1:-}" = guest ]; then
	shift
	guest "$@"
	exit $?
fi

# ------------------------------------------------------------------ host
[ "$(id -u)" = 0 ] || { echo "check-7x: must run as root (trixie-root.sh)" >&2; exit 1; }
log=$top/build/check-7x
mkdir -p "$log"


mode=all
case ${1:-} in
build|suite) mode=$1; shift ;;
esac
step "trixie root ready" "$top/tools/kernels/trixie-root.sh" setup || exit 1
rel=$("$top/tools/kernels/trixie-root.sh" release)
root=$("$top/tools/kernels/trixie-root.sh" path)
echo "# 7.x release $rel, root $root"

builds() {
	step "W=1 build for $rel (0 warnings)" "$top/tools/kernels/trixie-root.sh" build-w1 &&
		grep -h 'build for' "$log/W=1 build for $rel (0 warnings).log" | sed 's/^/# /'
	step "module build for $rel" "$top/tools/kernels/trixie-root.sh" build || return 1
	step "the tool" make -C "$top" tool || return 1
	step "the selftest helpers" make -C "$top/selftests" all || return 1
	# ynl_client.sh runs the kernel's YNL client, unpacked on this host.
	step "the YNL client unpacked" "$top/tools/ynl.sh" path || return 1
	# The tool and the helpers are built on this host and run in the
	# guest from the root: every library they link must be there.
	local bin lib missing=
	for bin in "$top"/tools/ipsec-ha/ipsec-ha "$top"/selftests/{ha_inject,ha_flood,xfrm_sa,nl_raw}; do
		for lib in $(objdump -p "$bin" | awk '/NEEDED/ { print $2 }'); do
			[ -e "$root/usr/lib/x86_64-linux-gnu/$lib" ] || missing+=" ${bin##*/}:$lib"
		done
	done
	if [ -z "$missing" ]; then
		ok "the tool's and the selftest helpers' libraries are in the root"
	else
		not_ok "libraries missing in $root:$missing (trixie-root.sh packages)"
	fi
}
if [ "$mode" != suite ]; then
	builds || exit 1
	[ "$mode" != build ] || { [ "$fails" = 0 ]; exit; }
fi

# The suite: its TAP lines come from the guest, numbered there, turned into
# "ok - suite: ..." here.
tests=("$@")
[ ${#tests[@]} -gt 0 ] ||
	read -r -a tests <<< "$(make -s -C "$top/selftests" print-tests | tr ' ' '\n' | grep -v -e '^swan_' -e '^ocf\.sh$' | tr '\n' ' ')"
out=$log/${IPSEC_HA_7X_NAME:-suite}
rm -rf "$out"
mkdir -p "$out"
runner=${IPSEC_HA_7X_RUNNER:-vng}
# The selftests' settings set here, for the guest's command line (vng).
settings=()
while read -r v; do
	[ -z "${!v+x}" ] || settings+=("$v=$(printf '%q' "${!v}")")
done < <(grep -E '^[A-Za-z_][A-Za-z0-9_]*$' "$top/selftests/test-env")
tlimit=${IPSEC_HA_7X_TIMEOUT:-2400}
t=$EPOCHREALTIME
# The root again, for the guest's cached_root.
cached_root="-fsdev local,id=ipsec-ha-root,path=/,security_model=none,multidevs=remap"
cached_root+=" -device virtio-9p-pci,fsdev=ipsec-ha-root,mount_tag=ipsec-ha-root"
case $runner in
vng)
	# TCG (no KVM here) with one host thread for both vCPUs, as
	# tools/vm/run does: the other core stays free for the other guests.
	timeout --kill-after=10 "$tlimit" "$top/tools/kernels/trixie-root.sh" vng \
		--run "/boot/vmlinuz-$rel" --disable-kvm --cpus 2 --memory 2G --rw \
		--qemu-opts="-accel tcg,thread=single $cached_root" \
		--exec "IPSEC_HA_STEP_TIMES=1 ${settings[*]} tools/kernels/check-7x.sh guest ${out#"$top"/} ${tests[*]}" \
		> "$out/suite.log" 2> "$out/run.log" < /dev/null
	;;
vm)
	"$top/tools/vm/run" --root "$root" -k "$rel" -m 2048 -t "$tlimit" -v --test-env -e IPSEC_HA_STEP_TIMES=1 \
		-- "$top/tools/kernels/check-7x.sh" guest "$out" "${tests[@]}" \
		> "$out/suite.log" 2> "$out/run.log"
	;;
*)
	not_ok "IPSEC_HA_7X_RUNNER=$runner: vng or vm"
	exit 1
	;;
esac
rc=$?
echo "# 7.x guest booted by $runner"
sed -n -E 's/^(not )?ok [0-9]+ /\1ok - suite: /p' "$out/suite.log"
fails=$((fails + $(grep -c '^not ok [0-9]' "$out/suite.log")))
grep -E '^# [a-z_0-9]+ took [0-9]+ s$' "$out/suite.log"
if [ ! -f "$out/rc" ]; then
	not_ok "7.x guest ran the suite to the end (exit $rc, $(secs "$t"); $out/run.log)"
	tail -n 15 "$out/run.log" | sed 's/^/#   /'
elif dirty=$(grep -a -E -f <(grep -v '^#' "$top/tools/vm/klog-patterns") "$out/dmesg" |
		grep -v 'RCU lockdep checking is enabled' | head -n 40) && [ -n "$dirty" ]; then
	not_ok "7.x guest kernel log is clean ($out/dmesg)"
	printf '%s\n' "$dirty" | sed 's/^/#   /'
elif [ "$(cat "$out/rc")" = 0 ]; then
	ok "selftests/run.sh on $rel, booted by $runner ($(secs "$t"))"
else
	not_ok "selftests/run.sh on $rel, booted by $runner (exit $(cat "$out/rc"), $(secs "$t"); $out/suite.log)"
fi
[ "$fails" = 0 ]
