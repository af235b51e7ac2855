#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Prepare the strongSwan source tree the ipsec-ha charon plugin builds
# against, and print its path. Debian ships no strongSwan headers, so the
# plugin compiles against the source package of the installed charon,
# configured with the options of Debian's build that change libcharon's and
# libstrongswan's headers (mediation adds members to ike_sa_t). The tree is
# kept in $IPSEC_HA_CACHE/strongswan/VERSION and made once per version.
#
#   tools/strongswan/source.sh          fetch and configure (root, once)
#   tools/strongswan/source.sh path     print the prepared tree, or fail
set -euo pipefail

cache=${IPSEC_HA_CACHE:-/var/cache/ipsec-ha}/strongswan

bin_version() {
	dpkg-query -W -f='${Version}' strongswan-charon 2>/dev/null
}

# Source versions to try, best first: the installed binary's, then the
# others of the same upstream release, newest first (the mirror may list a
# security update's source without serving it; such an update changes no
# structure the plugin sees).
src_versions() {
	local v=$1 up=${1%%-*}
	apt-cache showsrc strongswan 2>/dev/null | sed -n 's/^Version: //p' |
		grep "^$up-" | sort -V -r | awk -v v="$v" '$0 == v { print; next } { o = o $0 "\n" } END { printf "%s", o }'
}

v=$(bin_version)
[ -n "$v" ] || { echo "strongswan: strongswan-charon is not installed (make deps)" >&2; exit 1; }
dir=$cache/$v
tree=$dir/tree

if [ "${1:-}" = path ]; then
	[ -e "$tree/.ipsec-ha-configured" ] || {
		echo "strongswan: no prepared source tree for $v (make deps)" >&2
		exit 1
	}
	echo "$tree"
	exit 0
fi

[ -e "$tree/.ipsec-ha-configured" ] && exit 0

rm -rf "$dir"
mkdir -p "$dir"
sv=
for c in $(src_versions "$v"); do
	if (cd "$dir" && apt-get source -q -q --download-only "strongswan=$c" >/dev/null 2>&1); then
		sv=$c
		break
	fi
	rm -f "$dir"/*
done
[ -n "$sv" ] || { echo "strongswan: no source package of ${v%%-*} could be fetched (deb-src)" >&2; exit 1; }
echo "strongswan: source $sv for charon $v"
(cd "$dir" && dpkg-source -q -x ./*.dsc tree > "$dir/extract.log" 2>&1)
echo "strongswan: configuring $tree"
(cd "$tree" && ./configure -q --prefix=/usr --sysconfdir=/etc \
	--libexecdir=/usr/lib --enable-mediation --enable-ha --enable-gcm \
	--enable-load-tester --disable-gmp > "$dir/configure.log" 2>&1) || {
	echo "strongswan: configure failed, see $dir/configure.log" >&2
	exit 1
}
echo "$sv" > "$tree/.ipsec-ha-configured"
