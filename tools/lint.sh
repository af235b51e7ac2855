#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Static checks (one TAP line each): checkpatch --strict over the module,
# sparse (C=2) and W=1 builds for every installed kernel, the tool with
# -Wall -Wextra -Werror, every file generated from the netlink spec against
# what the spec gives now (uapi header, the module's nl_gen.c and nl_gen.h,
# the tool's attrs_gen.c and attrs_gen.h: make gen), the attributes each
# netlink handler reads against its op's request in the spec, and the
# scripts through shellcheck. Zero findings is the bar.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
out=$top/build/lint
mkdir -p "$out"
n=0
fails=0

result() {	# result NAME STATUS [LOGFILE] [SKIP-REASON]
	n=$((n + 1))
	case $2 in
	pass) echo "ok $n - $1" ;;
	skip) echo "ok $n - $1 # SKIP $4" ;;
	*)
		echo "not ok $n - $1"
		fails=$((fails + 1))
		[ -n "${3:-}" ] && sed 's/^/# /' "$3" | head -n 40
		;;
	esac
}

checkpatch() {
	local cp=$top/build/checkpatch/scripts/checkpatch.pl
	if [ ! -x "$cp" ]; then
		local tarball
		tarball=$(ls /usr/src/linux-source-6.1.tar.* 2>/dev/null | head -n 1)
		[ -n "$tarball" ] || return 2
		mkdir -p "$top/build/checkpatch"
		tar -C "$top/build/checkpatch" --strip-components=1 -xf "$tarball" --wildcards \
			'*/scripts/checkpatch.pl' '*/scripts/spelling.txt' '*/scripts/const_structs.checkpatch'
	fi
	local hand=() f
	for f in module/*.c module/*.h; do
		case $f in module/nl_gen.*) ;; *) hand+=("$f") ;; esac
	done
	"$cp" --strict --no-tree --terse --show-types -f "${hand[@]}" module/Kbuild
	# The generated nl_gen.c and nl_gen.h are checked as well, all but the
	# line length: their policy lines run past 100 columns as those of the
	# kernel's own generated files do (net/core/netdev-genl-gen.c in 6.12).
	"$cp" --strict --no-tree --terse --show-types --ignore LONG_LINE -f module/nl_gen.c module/nl_gen.h
}

log=$out/checkpatch.log
checkpatch > "$log" 2>&1
case $? in
0) grep -v '^total: 0 errors, 0 warnings, 0 checks' "$log" | grep -q . &&
	result "checkpatch --strict" fail "$log" || result "checkpatch --strict" pass ;;
2) result "checkpatch --strict" skip "" "linux-source-6.1 is not installed" ;;
*) result "checkpatch --strict" fail "$log" ;;
esac

kdirs=$(ls -d /lib/modules/*/build 2>/dev/null)
[ -n "$kdirs" ] || result "module builds" skip "" "no kernel headers installed"
for k in $kdirs; do
	r=$(basename "$(dirname "$k")")
	d=$out/$r
	rm -rf "$d"
	tools/build-tree.sh "$top" "$d"
	log=$out/$r.log
	if make -C "$k" M="$d" C=2 W=1 modules > "$log" 2>&1 &&
	   ! grep -E 'warning:|error:|: note:' "$log" > "$log.findings"; then
		result "sparse C=2 + W=1 build for $r" pass
	else
		[ -s "$log.findings" ] && log=$log.findings
		result "sparse C=2 + W=1 build for $r" fail "$log"
	fi
done

log=$out/tool.log
if make -C tools/ipsec-ha clean > /dev/null 2>&1 &&
   make -C tools/ipsec-ha CFLAGS_EXTRA=-Werror > "$log" 2>&1; then
	result "tool builds with -Wall -Wextra -Werror" pass
else
	result "tool builds with -Wall -Wextra -Werror" fail "$log"
fi

# gen_check NAME DESC GENERATOR... -- FILE...: the generator, run with the
# directory $out/NAME as its last argument, writes files of the same base
# names as the committed FILEs; each must be identical.
gen_check() {
	local desc=$2 log=$out/$1.log dir=$out/$1 gen=() f ok=1
	shift 2
	while [ "$1" != -- ]; do gen+=("$1"); shift; done
	shift
	rm -rf "$dir"
	mkdir -p "$dir"
	if "${gen[@]}" "$dir" > "$log" 2>&1; then
		for f in "$@"; do
			diff -u "$f" "$dir/$(basename "$f")" >> "$log" 2>&1 || ok=
		done
	else
		ok=
	fi
	if [ -n "$ok" ]; then result "$desc" pass; else result "$desc" fail "$log"; fi
}

uapi_into() { tools/ynl.sh gen-uapi "$1/ipsec_ha.h"; }
gen_check uapi "uapi header matches the netlink spec" \
	uapi_into -- include/uapi/linux/ipsec_ha.h
gen_check gen-kernel "module policies and ops (nl_gen.c, nl_gen.h) match the netlink spec" \
	tools/ynl.sh gen-kernel -- module/nl_gen.c module/nl_gen.h
gen_check gen-attrs "tool attribute tables (attrs_gen.c, attrs_gen.h) match the netlink spec" \
	tools/gen-attrs.py -o -- tools/ipsec-ha/attrs_gen.c tools/ipsec-ha/attrs_gen.h

log=$out/nl-abi.log
if tools/nl_abi.py > "$log" 2>&1; then
	result "netlink numbers as released (Documentation/netlink/abi.txt)" pass
else
	result "netlink numbers as released (Documentation/netlink/abi.txt)" fail "$log"
fi

log=$out/nl-attr-audit.log
if tools/nl_attr_audit.py > "$log" 2>&1; then
	result "netlink handlers read only their op's attributes" pass
else
	result "netlink handlers read only their op's attributes" fail "$log"
fi

log=$out/shellcheck.log
if command -v shellcheck > /dev/null; then
	# shellcheck disable=SC2046
	if shellcheck -x -S warning $(git ls-files '*.sh' 'tools/vm/run' '.ci/run' 'tools/keepalived/ipsec-ha-notify' 'tools/pacemaker/ipsec-ha' 2>/dev/null) > "$log" 2>&1; then
		result "shellcheck" pass
	else
		result "shellcheck" fail "$log"
	fi
else
	result "shellcheck" skip "" "shellcheck is not installed"
fi

[ "$fails" = 0 ]
