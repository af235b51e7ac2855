#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Puts QEMU's plugin API header (include/qemu/qemu-plugin.h), which no
# Debian binary package ships, in DIR: from the source package of the
# installed qemu-system-x86, downloaded with apt-get source. Adds a
# deb-src entry in a sources file of its own if none names bookworm.
# Root (apt-get update).
#
#   bench/insn/qemu-header.sh DIR

set -eu -o pipefail
dir=${1:?usage: $0 DIR}
mkdir -p "$dir" && dir=$(cd "$dir" && pwd -P)
[ -s "$dir/qemu-plugin.h" ] && exit 0
srcs=/etc/apt/sources.list.d/ipsec-ha-src.sources
if ! grep -rqsE '^(Types: *deb-src|deb-src ).*|^Types:.*deb-src' /etc/apt/sources.list /etc/apt/sources.list.d/ ||
   ! apt-cache showsrc qemu > /dev/null 2>&1; then
	if [ ! -e "$srcs" ]; then
		cat > "$srcs" <<'EOS'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOS
		echo "qemu-header: added deb-src entries in $srcs"
	fi
	apt-get update -qq
fi
ver=$(dpkg-query -W -f='${source:Version}' qemu-system-x86 2> /dev/null || true)
mkdir -p "$dir/src"
cd "$dir/src"
apt-get source -qq --download-only "qemu${ver:+=$ver}" 2> /dev/null ||
	apt-get source -qq --download-only qemu
origs=(qemu_*.orig.tar.*)
orig=${origs[-1]}
tar -xf "$orig" -O --wildcards '*/include/qemu/qemu-plugin.h' > "$dir/qemu-plugin.h.tmp"
mv "$dir/qemu-plugin.h.tmp" "$dir/qemu-plugin.h"
rm -rf "$dir/src"
echo "qemu-header: $dir/qemu-plugin.h from $orig"
