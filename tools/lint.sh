#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Static checks (one TAP line each): checkpatch --strict over the module,
# sparse (C=2) and W=1 builds for every installed kernel, the tool with
# -Wall -Wextra -Werror, the uapi header against the netlink spec, and
# a shellcheck pass over the scripts. Zero findings is the bar.
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
	"$cp" --strict --no-tree --terse --show-types -f module/*.c module/*.h module/Kbuild
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

log=$out/uapi.log
if tools/ynl.sh gen-uapi "$out/ipsec_ha.h" > "$log" 2>&1 &&
   diff -u include/uapi/linux/ipsec_ha.h "$out/ipsec_ha.h" >> "$log" 2>&1; then
	result "uapi header matches the netlink spec" pass
else
	result "uapi header matches the netlink spec" fail "$log"
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
