#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `dkms build` of this tree against every installed kernel's headers, in a
# private DKMS tree (nothing is installed on the system). One TAP line per
# kernel.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
version=$(cat VERSION)
n=0
fails=0

if ! command -v dkms > /dev/null; then
	echo "ok 1 - dkms build # SKIP dkms is not installed"
	exit 0
fi

n=$((n + 1))
if grep -qx "PACKAGE_VERSION=\"$version\"" dkms.conf; then
	echo "ok $n - dkms.conf version matches VERSION ($version)"
else
	echo "not ok $n - dkms.conf version matches VERSION ($version)"
	fails=$((fails + 1))
fi

t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
src=$t/src/ipsec-ha-$version
mkdir -p "$src" "$t/dkms"
git ls-files -z 2> /dev/null | xargs -0 cp --parents -t "$src" 2> /dev/null ||
	cp -r Kbuild Makefile VERSION dkms.conf include module "$src"
dkms() { command dkms --dkmstree "$t/dkms" --sourcetree "$t/src" "$@"; }

if ! dkms add -m ipsec-ha -v "$version" > "$t/add.log" 2>&1; then
	echo "not ok $((n + 1)) - dkms add"
	sed 's/^/# /' "$t/add.log"
	exit 1
fi
for k in /lib/modules/*/build; do
	[ -e "$k/Makefile" ] || continue
	r=$(basename "$(dirname "$k")")
	n=$((n + 1))
	if dkms build -m ipsec-ha -v "$version" -k "$r" > "$t/build.log" 2>&1 &&
	   ls "$t"/dkms/ipsec-ha/"$version"/"$r"/*/module/ipsec_ha.ko* > /dev/null 2>&1; then
		echo "ok $n - dkms build for $r"
	else
		echo "not ok $n - dkms build for $r"
		sed 's/^/# /' "$t/build.log" | tail -n 20
		find "$t/dkms" -name make.log -exec tail -n 20 {} \; | sed 's/^/# /'
		fails=$((fails + 1))
	fi
done
[ "$fails" = 0 ]
