# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# TAP lines for the host drivers of tools/kernels (check-7x.sh,
# check-mixed.sh): ok, not_ok (counted in fails), secs, and step, which
# runs a command with its output in $log/NAME.log and prints one TAP line.
fails=0
ok() { printf 'ok - %s\n' "$*"; }
not_ok() { printf 'not ok - %s\n' "$*"; fails=$((fails + 1)); }
secs() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f s", b - a }'; }

step() {	# step NAME CMD...: CMD's output in $log/NAME.log, a TAP line
	local name=$1 t rc
	shift
	t=$EPOCHREALTIME
	# shellcheck disable=SC2154 # log: the driver's log directory
	"$@" > "$log/$name.log" 2>&1
	rc=$?
	if [ $rc = 0 ]; then
		ok "$name ($(secs "$t"))"
	else
		not_ok "$name (exit $rc, $(secs "$t"); $log/$name.log)"
		tail -n 20 "$log/$name.log" | sed 's/^/#   /'
	fi
	return $rc
}
