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

die() {
	echo "ipsec-ha guest-init: $*" >/dev/console
	echo o >/proc/sysrq-trigger
	while :; do sleep 1; done
}

# shellcheck source=/dev/null
. "$run/params" || die "cannot read $run/params"

# Custom modules directory: make it /lib/modules/$(uname -r) before /tmp is
# covered by a tmpfs (the directory may live there on the host).
kver=$(uname -r)
if [ -n "${GUEST_MODDIR:-}" ] && [ "$GUEST_MODDIR" != "/lib/modules/$kver" ]; then
	mount -t tmpfs -o mode=0755 tmpfs /lib/modules &&
		mkdir -p "/lib/modules/$kver" &&
		mount --bind "$GUEST_MODDIR" "/lib/modules/$kver" ||
		echo "ipsec-ha guest-init: cannot bind $GUEST_MODDIR on /lib/modules/$kver" >/dev/console
fi

# Writable places on top of the read-only root.  /var/run and /var/lock
# are symlinks into /run on Debian; only mount them when they are real dirs.
for d in /run /tmp /var/tmp /var/run /var/lock /var/log /root /dev/shm; do
	[ -L "$d" ] && continue
	[ -d "$d" ] || continue
	case "$d" in
	/tmp | /var/tmp | /dev/shm) mode=1777 ;;
	/root) mode=0700 ;;
	*) mode=0755 ;;
	esac
	mount -t tmpfs -o "mode=$mode" tmpfs "$d"
done
mkdir -p /run/lock /run/netns /dev/pts
chmod 1777 /run/lock
mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts /dev/pts
[ -e /dev/ptmx ] || ln -s pts/ptmx /dev/ptmx
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
for f in fd:/proc/self/fd stdin:/proc/self/fd/0 stdout:/proc/self/fd/1 stderr:/proc/self/fd/2; do
	[ -e "/dev/${f%%:*}" ] || ln -s "${f#*:}" "/dev/${f%%:*}"
done

echo ipsec-ha-vm >/proc/sys/kernel/hostname
ip link set lo up

# From now on kernel warnings (and anything more severe) reach the console
# live; "quiet" only kept the boot short.
echo 5 >/proc/sys/kernel/printk

export HOME=/root TERM=dumb LANG=C.UTF-8 LC_ALL=C.UTF-8 SHELL=/bin/bash
export IPSEC_HA_GUEST=1 KVER="$kver"
export IPSEC_HA_REPO="$REPO" IPSEC_HA_RUN_DIR="$run"
# shellcheck source=/dev/null
[ -f "$run/env" ] && . "$run/env"

read -r t0 _ </proc/uptime
cd "$REPO" || die "cannot cd to $REPO"
# The command's own stdin is /dev/null; its output goes to the console and
# to output.log.  PID 1 stays bash, the command runs as a child.  Only the
# command is waited for: background processes it left behind may keep the
# pipe to tee open, so give tee at most 2 s to drain it.
bash "$run/cmd" </dev/null > >(tee "$run/output.log" >/dev/console) 2>&1
rc=$?
teepid=$!
read -r t1 _ </proc/uptime
for _ in $(seq 20); do
	kill -0 "$teepid" 2>/dev/null || break
	sleep 0.1
done
echo "$rc" >"$run/rc"
printf 'command_start %s\ncommand_end %s\n' "$t0" "$t1" >"$run/timing"

if [ -w /sys/kernel/debug/kmemleak ]; then
	echo scan >/sys/kernel/debug/kmemleak
	cat /sys/kernel/debug/kmemleak >"$run/kmemleak"
fi

dmesg >"$run/dmesg"
sync
echo o >/proc/sysrq-trigger
# Keep PID 1 alive until the power goes off (if init exits, the kernel panics).
while :; do sleep 1; done
