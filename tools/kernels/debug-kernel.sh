#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build (once) a 6.1 debug kernel: KASAN, lockdep (PROVE_LOCKING), kmemleak,
# UBSAN, DEBUG_ATOMIC_SLEEP, from Debian's linux-source-6.1, with everything
# the selftests need built in. The recipe is the one in vm-recipe.md:
# tinyconfig + tools/kernels/debug-kernel.config + debug-extra.config.
#
# Result, outside the git clone:
#   ${IPSEC_HA_CACHE:-/var/cache/ipsec-ha}/debug-kernel/<key>/
#     bzImage   the kernel
#     tree/     the O= build tree (modules_prepare done): KDIR for the module
# <key> hashes both fragments (their options, not their comments) and the
# source package version, so a change to either rebuilds; an existing
# result is reused at once.
#
#   tools/kernels/debug-kernel.sh          build or reuse; print the paths
#   tools/kernels/debug-kernel.sh module   also build ipsec_ha.ko against it
#   tools/kernels/debug-kernel.sh path     print the tree path, build nothing
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cache=${IPSEC_HA_CACHE:-/var/cache/ipsec-ha}/debug-kernel
src=${IPSEC_HA_LINUX_SOURCE:-/usr/src/linux-source-6.1.tar.xz}
frag=${IPSEC_HA_DEBUG_FRAGMENT:-$top/tools/kernels/debug-kernel.config}
extra=$top/tools/kernels/debug-extra.config
jobs=${IPSEC_HA_JOBS:-$(nproc)}
# Niceness of the build (make check, whose longest chain starts with this
# build, gives it 0).
niceness=${IPSEC_HA_DEBUG_NICE:-10}

die() { echo "debug-kernel: $*" >&2; exit 1; }
[ -r "$src" ] || die "$src missing: apt-get install linux-source-6.1"
[ -r "$frag" ] || die "fragment $frag missing (set IPSEC_HA_DEBUG_FRAGMENT)"

srcver=$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null ||
	stat -c '%s-%Y' "$src")
# Comments and blank lines are not part of the key.
key=$( { grep -hvE '^[[:space:]]*(#|$)' "$frag" "$extra"; echo "$srcver"; } | sha256sum | cut -c1-16)
dir=$cache/$key
tree=$dir/tree

report() {
	echo "bzImage: $dir/bzImage"
	echo "tree:    $tree ($(cat "$tree/include/config/kernel.release"))"
}

if [ "${1:-}" = path ]; then
	echo "$tree"
	exit 0
fi

if [ ! -f "$dir/done" ]; then
	# What a kernel build needs beyond gcc and make (Debian 12 names).
	need=
	for p in flex bison bc libelf-dev libssl-dev dwarves cpio; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
			need="$need $p"
	done
	if [ -n "$need" ]; then
		echo "debug-kernel: installing$need"
		# shellcheck disable=SC2086
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q $need > /dev/null ||
			die "could not install$need"
	fi
	mkdir -p "$cache"
	# One build per key at a time; a second caller waits, then reuses it.
	exec 9> "$cache/$key.lock"
	flock 9
fi
if [ ! -f "$dir/done" ]; then
	log=$dir/build.log
	start=$(date +%s)
	if [ ! -f "$dir/configured" ]; then
		echo "debug-kernel: building in $dir (linux-source-6.1 $srcver; ~10+ min)"
		rm -rf "$dir"
		mkdir -p "$dir"
		exec 3>&1
		{
			mkdir -p "$dir/src" &&
			tar -C "$dir/src" --strip-components=1 -xf "$src" &&
			cd "$dir/src" &&
			make O="$tree" tinyconfig &&
			scripts/kconfig/merge_config.sh -m -O "$tree" "$tree/.config" "$frag" "$extra" &&
			make O="$tree" olddefconfig
		} > "$log" 2>&1 || { tail -n 30 "$log" >&3; die "configuration failed ($log)"; }

		# Every "=y" asked for must have survived olddefconfig.
		# Drops from debug-kernel.config are reported (some of its
		# options no longer exist in 6.1: REFCOUNT_FULL, IPV6_MULTICAST, ...);
		# a drop from debug-extra.config is fatal.
		dropped=0
		fatal=0
		for f in "$frag" "$extra"; do
			for opt in $(sed -n 's/^\(CONFIG_[A-Za-z0-9_]*\)=y$/\1/p' "$f"); do
				if ! grep -qx "$opt=y" "$tree/.config"; then
					echo "debug-kernel: dropped: $opt=y (${f##*/}): now" \
						"$(grep -E "^$opt=|^# $opt is not set" "$tree/.config" || echo absent)"
					dropped=$((dropped + 1))
					[ "$f" = "$extra" ] && fatal=$((fatal + 1))
				fi
			done
		done
		echo "debug-kernel: $dropped requested =y option(s) dropped by olddefconfig"
		[ "$fatal" = 0 ] || die "$fatal option(s) of ${extra##*/} dropped: fix the fragment"
		echo "$dropped" > "$dir/dropped"
		touch "$dir/configured"
	else
		echo "debug-kernel: resuming the interrupted build in $dir"
	fi
	(cd "$dir/src" &&
	 nice -n "$niceness" make O="$tree" -j"$jobs" bzImage modules &&
	 nice -n "$niceness" make O="$tree" modules_prepare) >> "$log" 2>&1 ||
		{ tail -n 40 "$log"; die "build failed ($log)"; }
	cp "$tree/arch/x86/boot/bzImage" "$dir/bzImage"
	echo "debug-kernel: built in $(( $(date +%s) - start )) s"
	touch "$dir/done"
fi
report

if [ "${1:-}" = module ]; then
	make -C "$top" KDIR="$tree" modules
fi
