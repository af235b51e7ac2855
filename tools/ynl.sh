#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The kernel's YNL tools (tools/net/ynl from Debian's linux-source-6.12),
# unpacked once into build/ynl, run against this project's netlink spec.
#
#   tools/ynl.sh path            print the directory holding cli.py
#   tools/ynl.sh gen-uapi [OUT]  generate the uapi header from the spec
#   tools/ynl.sh gen-kernel [DIR]  generate nl_gen.c and nl_gen.h (policies,
#                                split ops, multicast groups) into DIR
#                                (default module/), by tools/ynl_gen_kernel.py
#   tools/ynl.sh cli ARGS...     run cli.py with --spec set to our spec
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
spec=$top/Documentation/netlink/specs/ipsec_ha.yaml
cache=$top/build/ynl
tarball=$(ls /usr/src/linux-source-6.12.tar.xz 2>/dev/null || true)

ynl_dir() {
	local d=$cache/linux-source-6.12
	if [ ! -f "$d/tools/net/ynl/cli.py" ]; then
		[ -n "$tarball" ] || { echo "ynl: linux-source-6.12 is not installed (make deps)" >&2; exit 4; }
		mkdir -p "$cache"
		tar -C "$cache" -xf "$tarball" --wildcards \
			'linux-source-6.12/tools/net/ynl/*' \
			'linux-source-6.12/Documentation/netlink/*.yaml'
	fi
	echo "$d"
}

# The generator wants the spec beside its schemas under a tree with a
# MAINTAINERS file: give it one in a temporary directory.
spec_tree() {
	local d=$1 t
	t=$(mktemp -d)
	mkdir -p "$t/Documentation/netlink/specs"
	touch "$t/MAINTAINERS"
	cp "$d"/Documentation/netlink/*.yaml "$t/Documentation/netlink/"
	cp "$spec" "$t/Documentation/netlink/specs/"
	echo "$t"
}

cmd=${1:-}
shift || true
case $cmd in
path)
	echo "$(ynl_dir)/tools/net/ynl"
	;;
gen-uapi)
	out=${1:-$top/include/uapi/linux/ipsec_ha.h}
	d=$(ynl_dir)
	t=$(spec_tree "$d")
	trap 'rm -rf "$t"' EXIT
	(cd "$t" && timeout 120 /usr/bin/python3 "$d/tools/net/ynl/ynl-gen-c.py" --mode uapi --header \
		--spec Documentation/netlink/specs/ipsec_ha.yaml -o "$out")
	;;
gen-kernel)
	out=${1:-$top/module}
	d=$(ynl_dir)
	t=$(spec_tree "$d")
	trap 'rm -rf "$t"' EXIT
	for mode in source header; do
		ext=c
		[ $mode = header ] && ext=h
		(cd "$t" && timeout 120 /usr/bin/python3 "$top/tools/ynl_gen_kernel.py" \
			"$d/tools/net/ynl" --$mode \
			--spec Documentation/netlink/specs/ipsec_ha.yaml -o "$out/nl_gen.$ext")
	done
	;;
cli)
	d=$(ynl_dir)
	exec /usr/bin/python3 "$d/tools/net/ynl/cli.py" --spec "$spec" \
		--schema "$d/Documentation/netlink/genetlink-legacy.yaml" "$@"
	;;
*)
	echo "usage: $0 path | gen-uapi [OUT] | gen-kernel [DIR] | cli ARGS..." >&2
	exit 2
	;;
esac
