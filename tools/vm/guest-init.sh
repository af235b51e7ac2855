#!/bin/bash
# Guest side of tools/vm/run: PID 1 after switch_root (host root read-only
# over 9p, repository read-write at its host path).
#
# Usage (by the initramfs only): guest-init.sh RUNDIR
# RUNDIR (a host path, shared) holds, written by the runner:
#   params  bash assignments: REPO, GUEST_MODDIR (optional)
#   env     "export NAME=VALUE" lines for -e options (may be empty)
#   cmd     the command, quoted with printf %q
# and receives from here:
#   output.log  the command's stdout+stderr (also streamed to the console)
#   rc          the command's exit status
#   kmemleak    kmemleak report, if the kernel has kmemleak
#   dmesg       the kernel log after the command
#   timing      guest uptime at command start and end

run=$1
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
# Setup uses the static busybox (also in the initramfs): each exec of a
# dynamic binary over 9p costs ~0.1 s of boot time under TCG.
bb=/bin/busybox

die() {
	echo "ipsec-ha guest-init: $*" >/dev/console
	echo o >/proc/sysrq-trigger
	$bb sleep 3
	echo b >/proc/sysrq-trigger # no ACPI: reboot, which ends QEMU
	while :; do $bb sleep 1; done
}

# shellcheck source=/dev/null
. "$run/params" || die "cannot read $run/params"

# Custom modules directory: make it /lib/modules/$(uname -r) before /tmp is
# covered by a tmpfs (the directory may live there on the host).
read -r kver </proc/sys/kernel/osrelease
if [ -n "${GUEST_MODDIR:-}" ] && [ "$GUEST_MODDIR" != "/lib/modules/$kver" ]; then
	$bb mount -t tmpfs -o mode=0755 tmpfs /lib/modules &&
		$bb mkdir -p "/lib/modules/$kver" &&
		$bb mount --bind "$GUEST_MODDIR" "/lib/modules/$kver" ||
		echo "ipsec-ha guest-init: cannot bind $GUEST_MODDIR on /lib/modules/$kver" >/dev/console
fi

# A repository under one of the places covered by a tmpfs below (a clone
# in /tmp) is parked on /mnt meanwhile and moved back afterwards.
parked=
case "$REPO" in
/tmp/* | /run/* | /var/tmp/* | /var/log/* | /root/* | /dev/shm/*)
	$bb mount --move "$REPO" /mnt || die "cannot park the repository on /mnt"
	parked=1
	;;
esac

# Writable places on top of the read-only root.  /var/run and /var/lock
# are symlinks into /run on Debian; only mount them when they are real dirs.
$bb mkdir -p /dev/shm
for d in /run /tmp /var/tmp /var/run /var/lock /var/log /root /dev/shm; do
	[ -L "$d" ] && continue
	[ -d "$d" ] || continue
	case "$d" in
	/tmp | /var/tmp | /dev/shm) mode=1777 ;;
	/root) mode=0700 ;;
	*) mode=0755 ;;
	esac
	$bb mount -t tmpfs -o "mode=$mode" tmpfs "$d"
done
if [ -n "$parked" ]; then
	$bb mkdir -p "$REPO" && $bb mount --move /mnt "$REPO" ||
		die "cannot move the repository back to $REPO"
fi
$bb mkdir -p -m 1777 /run/lock
$bb mkdir -p /run/netns /dev/pts
$bb mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts /dev/pts
[ -e /dev/ptmx ] || $bb ln -s pts/ptmx /dev/ptmx
$bb mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
$bb mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
for f in fd:/proc/self/fd stdin:/proc/self/fd/0 stdout:/proc/self/fd/1 stderr:/proc/self/fd/2; do
	[ -e "/dev/${f%%:*}" ] || $bb ln -s "${f#*:}" "/dev/${f%%:*}"
done

echo ipsec-ha-vm >/proc/sys/kernel/hostname
$bb ip link set lo up

# From now on kernel warnings (and anything more severe) reach the console
# live; "quiet" only kept the boot short.
echo 5 >/proc/sys/kernel/printk

export HOME=/root TERM=dumb LANG=C.UTF-8 LC_ALL=C.UTF-8 SHELL=/bin/bash
export IPSEC_HA_GUEST=1 KVER="$kver"
export IPSEC_HA_REPO="$REPO" IPSEC_HA_RUN_DIR="$run"
# shellcheck source=/dev/null
[ -f "$run/env" ] && . "$run/env"

cd "$REPO" || die "cannot cd to $REPO"
# The command's output goes to the console (ttyS0, QEMU's stdout), without
# \n -> \r\n translation: the host's terminal does its own.  The markers
# tell the runner which part of the stream is the command's (it prints only
# that part on its stdout).
out=/dev/console
$bb stty -onlcr <"$out"
marker="ipsec-ha-vm:${run##*/}"
printf '\n%s:start\n' "$marker" >"$out"

# User processes other than PID 1 and $teepid (kernel threads are PID 2 and
# its children).
leftovers() {
	local d pid stat
	for d in /proc/[0-9]*; do
		pid=${d#/proc/}
		case "$pid" in 1 | 2 | "$teepid" | "$BASHPID") continue ;; esac
		read -r stat 2>/dev/null <"$d/stat" || continue
		stat=${stat##*) } # "STATE PPID ..."
		case "$stat" in Z\ * | ?\ 2\ *) continue ;; esac
		echo "$pid"
	done
}

# The command's own stdin is /dev/null; its output goes through tee to the
# console and to output.log.  PID 1 stays bash, the command runs as a child.
$bb mkfifo /run/ipsec-ha-vm.out
$bb tee "$run/output.log" </run/ipsec-ha-vm.out >"$out" &
teepid=$!
read -r t0 _ </proc/uptime
bash "$run/cmd" </dev/null >/run/ipsec-ha-vm.out 2>&1
rc=$?
read -r t1 _ </proc/uptime
echo "$rc" >"$run/rc"
printf 'command_start %s\ncommand_end %s\n' "$t0" "$t1" >"$run/timing"

# Processes the command left behind would keep tee's pipe open (and die
# at power-off anyway): end them, then let tee drain the pipe.
pids=$(leftovers)
if [ -n "$pids" ]; then
	for pid in $pids; do
		echo "$pid $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)"
	done >"$run/leftovers"
	# shellcheck disable=SC2086
	kill -TERM $pids 2>/dev/null
	for _ in {1..10}; do
		pids=$(leftovers)
		[ -n "$pids" ] || break
		$bb sleep 0.1
	done
	# shellcheck disable=SC2086
	[ -z "$pids" ] || kill -KILL $pids 2>/dev/null
fi
# Give up on tee only when it makes no progress for 3 s (an unkillable
# process holding the pipe).
last=-1 idle=0
while kill -0 "$teepid" 2>/dev/null && [ $idle -lt 30 ]; do
	size=$($bb stat -c %s "$run/output.log" 2>/dev/null)
	if [ "$size" = "$last" ]; then idle=$((idle + 1)); else idle=0 last=$size; fi
	$bb sleep 0.1
done
printf '\n%s:end\n' "$marker" >"$out"
# tcsetattr(TCSADRAIN): wait until the console has sent everything.
$bb stty -onlcr <"$out"

if [ -w /sys/kernel/debug/kmemleak ]; then
	echo scan >/sys/kernel/debug/kmemleak
	cat /sys/kernel/debug/kmemleak >"$run/kmemleak"
fi

$bb dmesg >"$run/dmesg"
$bb sync
# Sleep with bash builtins on a tmpfs fifo: the 9p root (and busybox with it)
# goes away during the power-off.
nap=/run/ipsec-ha-vm.nap
$bb mkfifo "$nap"
echo o >/proc/sysrq-trigger
# A kernel without ACPI (the debug kernel) only halts, and QEMU would wait
# for -t: a reboot ends QEMU there (-no-reboot).
read -r -t 3 _ <>"$nap"
echo b >/proc/sysrq-trigger
# Keep PID 1 alive until the power goes off (if init exits, the kernel panics).
while :; do read -r -t 1 _ <>"$nap"; done
