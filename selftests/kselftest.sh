#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The suite as the kselftest target ipsec_ha of Debian's linux-source-6.12,
# the way kernel CI runs selftests, in a guest:
#
#   selftests/kselftest.sh [-n] [-k KVER] [-t SECONDS] [COLLECTION:TEST...]
#
# 1. tools/testing/selftests (its Makefile, lib.mk, the runner) and the
#    scripts/subarch.include it needs are unpacked once into
#    build/kselftest/linux-source-6.12.
# 2. selftests/ is copied to tools/testing/selftests/ipsec_ha there, with
#    repo.mk naming this repository (the module and the tool are built in
#    it: make, make -C selftests).
# 3. make -C tools/testing/selftests TARGETS=ipsec_ha install builds the C
#    helpers with lib.mk and installs the suite, run_kselftest.sh and
#    kselftest-list.txt into build/kselftest/install.
# 4. run_kselftest.sh -t TEST... runs in a guest of kernel KVER (default
#    6.1; tools/vm/run sets IPSEC_HA_REPO there, which lib.sh uses to find
#    the module and the tool) and prints KTAP. Default tests:
#    ipsec_ha:mirror.sh ipsec_ha:bad_input.sh.
#
# -n stops after step 3 and prints the install directory.
#
# The exit status is run_kselftest.sh's, or tools/vm/run's (124 timeout,
# 125 dirty kernel log, see tools/vm/README).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cache=$top/build/kselftest
src=linux-source-6.12
tarball=/usr/src/$src.tar.xz
ksft=$cache/$src/tools/testing/selftests
inst=$cache/install
kver=6.1
limit=1500
install_only=0

while getopts nk:t: opt; do
	case $opt in
	n) install_only=1 ;;
	k) kver=$OPTARG ;;
	t) limit=$OPTARG ;;
	*) echo "usage: $0 [-n] [-k KVER] [-t SECONDS] [COLLECTION:TEST...]" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || set -- ipsec_ha:mirror.sh ipsec_ha:bad_input.sh

if [ ! -f "$ksft/lib.mk" ] || [ ! -f "$cache/$src/scripts/subarch.include" ]; then
	[ -f "$tarball" ] || { echo "kselftest: $tarball is not installed (make deps)" >&2; exit 4; }
	mkdir -p "$cache"
	echo "kselftest: unpacking $src's selftest framework into ${cache#"$top"/}" >&2
	tar -C "$cache" -xf "$tarball" --wildcards \
		"$src/tools/testing/selftests/Makefile" \
		"$src/tools/testing/selftests/lib.mk" \
		"$src/tools/testing/selftests/run_kselftest.sh" \
		"$src/tools/testing/selftests/kselftest*" \
		"$src/scripts/subarch.include"
fi

# The target: the suite's sources, without what the standalone build made.
rsync -a --delete --exclude=repo.mk \
	--exclude=nl_raw --exclude=ha_inject --exclude=ha_flood --exclude=xfrm_sa \
	"$top/selftests/" "$ksft/ipsec_ha/"
echo "IPSEC_HA_REPO := $top" > "$ksft/ipsec_ha/repo.mk"

rm -rf "$inst"
make -s -C "$ksft" TARGETS=ipsec_ha KSFT_INSTALL_PATH="$inst" install >&2
if [ $install_only = 1 ]; then
	echo "$inst"
	exit 0
fi
args=()
for t in "$@"; do
	grep -qx -- "$t" "$inst/kselftest-list.txt" ||
		{ echo "kselftest: no test $t in kselftest-list.txt" >&2; exit 2; }
	args+=(-t "$t")
done

"$top/tools/vm/run" -k "$kver" -m 2048 -t "$limit" -- "$inst/run_kselftest.sh" "${args[@]}"
