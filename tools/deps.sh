#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install, idempotently, what ipsec-ha needs from Debian 12's packages:
# Debian's 6.1 kernel and the backported 6.12 one with their headers, QEMU,
# the userland the guest tests use, the tools lint and tests use, and what
# the debug kernel's build and the Debian 13 root for 7.x need (installed
# here, once, because make check prepares both in the background).
# Adds the bookworm-backports suite in a file of its own, once.
set -euo pipefail

sources=/etc/apt/sources.list.d/ipsec-ha-backports.sources
src_sources=/etc/apt/sources.list.d/ipsec-ha-src.sources
pkgs=(
	linux-image-amd64 linux-headers-amd64 linux-source-6.1
	qemu-system-x86 busybox-static kmod iproute2 iputils-ping iperf3 tcpdump
	procps psmisc xz-utils cpio ethtool jq socat rsync
	make gcc libc6-dev pkg-config libmnl-dev libsodium-dev sparse shellcheck
	python3 python3-yaml python3-jsonschema
	clang libclang-rt-14-dev dkms
	flex bison bc libelf-dev libssl-dev dwarves debootstrap
	strongswan-charon strongswan-swanctl strongswan-pki libcharon-extra-plugins
	libstrongswan-standard-plugins libstrongswan-extra-plugins
	keepalived resource-agents libxml2-utils dpkg-dev
)

missing() {
	local p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$' || echo "$p"
	done
}

apt_updated=
apt_update() {
	[ -n "$apt_updated" ] && return
	apt-get update -q >/dev/null
	apt_updated=1
}

apt_install() {
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@"
}

have_backports() {
	grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/
}

# The newest 6.12 (+deb12) kernel whose image and headers are both available.
pick_612() {
	apt-cache search --names-only '^linux-headers-6\.12\.[0-9]+\+deb12-amd64$' |
		awk '{print $1}' | sed 's/^linux-headers-//' | sort -V -r |
		while read -r v; do
			if apt-cache show "linux-image-$v" >/dev/null 2>&1; then
				echo "$v"
				break
			fi
		done
}

installed_612() {
	local d
	for d in /lib/modules/6.12.*+deb12-amd64; do
		[ -e "$d/build/Makefile" ] && [ -e "/boot/vmlinuz-${d##*/}" ] && basename "$d"
	done | sort -V | tail -n 1
}

if [ "$(id -u)" != 0 ]; then
	if [ -z "$(missing "${pkgs[@]}" linux-source-6.12)" ] && [ -n "$(installed_612)" ]; then
		exit 0
	fi
	echo "deps: missing packages and not root; run make deps as root" >&2
	exit 1
fi

if ! have_backports; then
	cat > "$sources" <<'EOS'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOS
	echo "deps: added bookworm-backports in $sources"
	apt_update
fi

# strongSwan's source (the charon plugin builds against it) comes from the
# deb-src entries of the suites the binaries come from.
if ! grep -qs 'bookworm-security' "$src_sources"; then
	cat > "$src_sources" <<'EOS'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOS
	echo "deps: added deb-src entries in $src_sources"
	apt_updated=
	apt_update
fi

todo=$(missing "${pkgs[@]}")
if [ -n "$todo" ]; then
	apt_update
	# shellcheck disable=SC2086
	apt_install $todo
fi

if [ -z "$(installed_612)" ]; then
	apt_update
	v=$(pick_612)
	[ -n "$v" ] || { echo "deps: no linux 6.12 +deb12 kernel with headers in bookworm-backports" >&2; exit 1; }
	echo "deps: installing Linux $v from bookworm-backports"
	apt_install "linux-image-$v" "linux-headers-$v"
fi

# The YNL client and generator come from the 6.12 source.
if [ -n "$(missing linux-source-6.12)" ]; then
	apt_update
	apt_install linux-source-6.12
fi

# The strongSwan source tree the charon plugin is built against.
"$(dirname "$0")"/strongswan/source.sh

exit 0
