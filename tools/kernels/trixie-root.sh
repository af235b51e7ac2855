#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A Debian 13 (trixie) root with the newest 7.x kernel of trixie-backports,
# its headers and gcc-14: Debian 12's gcc-12 cannot build against 7.x
# headers (they pass -fmin-function-alignment), so the module is built for
# 7.x inside this root, and the root can serve as a 7.x guest's 9p root.
#
# Cached outside the git clone: ${IPSEC_HA_CACHE:-/var/cache/ipsec-ha}/trixie-root
#
#   tools/kernels/trixie-root.sh            create/refresh the root (no-op when done)
#   tools/kernels/trixie-root.sh build      module for 7.x -> build/<rel>/module/ipsec_ha.ko
#   tools/kernels/trixie-root.sh build-w1   W=1 (+ C=2 with sparse) build in
#                                           build/lint/<rel>; fails on any warning
#   tools/kernels/trixie-root.sh release    print the 7.x release of the root
#   tools/kernels/trixie-root.sh path       print the root's path
#   tools/kernels/trixie-root.sh vng ARGS...  run virtme-ng (vng ARGS) in the
#                                           root, in the repository's directory
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
root=${IPSEC_HA_CACHE:-/var/cache/ipsec-ha}/trixie-root
mirror=${IPSEC_HA_DEBIAN_MIRROR:-http://deb.debian.org/debian}
stamp=$root/.ipsec-ha-stamp
# Bump when the set of packages or the setup steps change.
# The first line builds the module; the second runs the selftest suite in a
# 7.x guest booted from this root; the third boots that guest with
# virtme-ng (vng), as kernel developers do.
packages="make gcc-14 libc6-dev kmod iproute2 iputils-ping busybox-static procps libmnl-dev python3 jq sparse"
packages+=" iperf3 tcpdump strace iputils-arping libxml2-utils python3-yaml python3-jsonschema xz-utils libsodium23"
packages+=" virtme-ng qemu-system-x86"
want="setup=1 packages=$packages"

die() { echo "trixie-root: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "must run as root (debootstrap, chroot, mount)"

mounts=()
cleanup() {
	local i
	for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do
		umount -l "${mounts[i]}" 2> /dev/null || true
	done
	mounts=()
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mnt() {	# mnt TARGET MOUNT-ARGS...
	local t=$1
	shift
	mkdir -p "$t"
	mountpoint -q "$t" && return 0
	mount "$@" "$t"
	mounts+=("$t")
}

in_root() {
	# shellcheck disable=SC2016 # $1 and $@ belong to the inner sh
	chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"
}

mount_system() {
	mnt "$root/proc" -t proc proc
	mnt "$root/sys" -t sysfs sysfs
	mnt "$root/dev" --bind /dev
	mnt "$root/dev/pts" --bind /dev/pts
}

setup() {
	if [ ! -x "$root/usr/bin/apt-get" ] || [ ! -f "$root/.debootstrap-done" ]; then
		command -v debootstrap > /dev/null || {
			echo "trixie-root: installing debootstrap"
			DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap > /dev/null
		}
		echo "trixie-root: debootstrap trixie into $root (about 1 minute)"
		rm -rf "$root"
		mkdir -p "$root"
		debootstrap --variant=minbase trixie "$root" "$mirror" > "$root.debootstrap.log" 2>&1 ||
			{ tail -n 20 "$root.debootstrap.log"; die "debootstrap failed"; }
		touch "$root/.debootstrap-done"
	fi
	echo "deb $mirror trixie-backports main" > "$root/etc/apt/sources.list.d/backports.list"
	mount_system
	in_root apt-get update -q > /dev/null

	# Newest 7.x flavour amd64 with both image and headers in trixie-backports.
	local v rel=
	for v in $(in_root apt-cache search --names-only '^linux-image-7\.[0-9.]+\+deb13-amd64$' |
		sed -n 's/^linux-image-\(7\.[0-9.]*+deb13\)-amd64 .*/\1/p' | sort -rV); do
		if in_root apt-cache show "linux-headers-$v-amd64" > /dev/null 2>&1; then
			rel=$v-amd64
			break
		fi
	done
	[ -n "$rel" ] || die "no linux-image-7.*+deb13-amd64 with headers in trixie-backports"
	echo "trixie-root: newest 7.x with image and headers: $rel"

	# shellcheck disable=SC2086
	in_root apt-get install -y -q --no-install-recommends -t trixie-backports \
		"linux-image-$rel" "linux-headers-$rel" $packages > "$root.apt.log" 2>&1 ||
		{ tail -n 20 "$root.apt.log"; die "apt-get install failed ($root.apt.log)"; }
	[ -e "$root/lib/modules/$rel/build/Makefile" ] || die "headers for $rel missing in the root"
	in_root apt-get clean
	printf '%s\nrelease=%s\n' "$want" "$rel" > "$stamp"
	echo "trixie-root: ready: $root ($rel)"
}

release() { sed -n 's/^release=//p' "$stamp"; }

ensure() {
	if [ -f "$stamp" ] && [ "$(head -n 1 "$stamp")" = "$want" ]; then
		return 0
	fi
	# One setup at a time (make check prepares the root in the background):
	# a second caller waits, then finds it done.
	mkdir -p "${root%/*}"
	exec 8> "$root.lock"
	flock 8
	if [ ! -f "$stamp" ] || [ "$(head -n 1 "$stamp")" != "$want" ]; then
		setup
		cleanup
	fi
	exec 8>&-
}

# The repository appears at the same absolute path inside the root, so the
# absolute links of tools/build-tree.sh resolve there too.
build() {	# build OUTDIR KBUILD-ARGS...
	local rel out=$1
	shift
	rel=$(release)
	mount_system
	mnt "$root$top" --bind "$top"
	"$top/tools/build-tree.sh" "$top" "$out"
	in_root make -C "/lib/modules/$rel/build" M="$out" "$@" modules
}

# vng ARGS...: virtme-ng from the root boots a guest whose root file system
# is this root (9p), with the repository at its own path; vng's exit status
# is the guest command's. The root is the chroot's "/", so vng runs inside
# it with /proc, /sys and /dev mounted, in a mount namespace of its own:
# two guests can run at once, and neither one's exit unmounts what the
# other uses.
run_vng() {
	mount_system
	mnt "$root$top" --bind "$top"
	# shellcheck disable=SC2016 # $1 and $@ belong to the inner sh
	chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/root LANG=C.UTF-8 TERM=dumb sh -c 'cd "$1" && shift && exec vng "$@"' \
		sh "$top" "$@"
}

case ${1:-setup} in
setup)
	ensure
	echo "trixie-root: $root ($(release))"
	;;
path)
	echo "$root"
	;;
release)
	ensure > /dev/null
	release
	;;
build)
	ensure
	rel=$(release)
	build "$top/build/$rel"
	echo "trixie-root: built $top/build/$rel/module/ipsec_ha.ko"
	;;
build-w1)
	ensure
	rel=$(release)
	out=$top/build/lint/$rel
	log=$top/build/lint/$rel.log
	mkdir -p "$top/build/lint"
	args=(W=1)
	[ -x "$root/usr/bin/sparse" ] && args+=(C=2)
	rm -rf "$out"
	status=0
	build "$out" "${args[@]}" > "$log" 2>&1 || status=$?
	if [ "$status" != 0 ] || grep -E 'warning:|error:|: note:' "$log"; then
		tail -n 40 "$log"
		die "${args[*]} build for $rel: findings or failure ($log)"
	fi
	# 7.x validates the checker with scripts/checker-valid.sh, which
	# Debian's headers do not ship, and trixie's sparse 0.6.4 lacks
	# __typeof_unqual__ anyway: Kbuild then drops C=2 with a message.
	if grep -q 'C=2 specified, but' "$log"; then
		echo "trixie-root: W=1 build for $rel: 0 warnings;" \
			"sparse SKIPPED (Kbuild: sparse not available or not up to date)"
	else
		echo "trixie-root: ${args[*]} build for $rel: 0 warnings"
	fi
	;;
vng)
	ensure
	shift
	exec unshare --mount --propagation private "$0" vng-here "$@"
	;;
vng-here)
	shift
	status=0
	run_vng "$@" || status=$?
	exit $status
	;;
*)
	sed -n '/^#   tools/p' "$0" >&2
	exit 2
	;;
esac
