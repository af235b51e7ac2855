#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The real cluster: strongSwan's charon on the peer and on every node, and
# keepalived on every node, on cluster_lib.sh's topology (sourced here: the
# namespaces, the HA link, traffic, cuts, capture and ESP analysis are its).
#
#   peer ("P") 192.0.2.100 -- br-lan -- n1 .11, n2 .12, n3 .13 -- br-in -- srv
#   10.0.2.1, 10.0.4.1            VIP 192.0.2.1 on lan0 and 10.0.1.1 on in0
#                                 (keepalived's virtual_ipaddress)
#                                 ha0 198.51.100.N on br-ha (the HA link)
#
# With CL_NAT=1, P sits behind cluster_lib's NAT box (its own address
# 172.31.0.100; the nodes see it as 192.0.2.100 and its ports translated):
# IKE and ESP run in UDP 4500 with NAT-T, and the captures run on the NAT
# box's LAN port.
#
# P initiates IKEv2 (PSK, aes128-sha256-x25519) to the VIP; connection "gw"
# has two CHILD SAs in tunnel mode:
#   u  10.0.2.0/24 (P) <-> 10.0.1.0/24 (srv), aes128gcm16      (cluster_lib's U)
#   e  10.0.4.0/24 (P) <-> 10.0.3.0/24 (srv), aes256gcm16-esn  (cluster_lib's E)
# Both have replay_window SW_REPLAY_WINDOW (128). P has dpd_delay 2s
# (dpd_action restart) and short retransmits. The nodes have mobike = no
# (the VIP is their static local address: no roaming). Every node
# has the same swanctl.conf (same connection and CHILD names, so an IKE SA
# rebuilt on another node finds its config), and its own SPI range for
# CHILD SAs (charon.spi_min/spi_max = ipsec-ha's spi-range: 0xcN000000-0xcNffffff).
#
# Each charon runs in its node's network namespace and in a mount namespace
# of its own, where $SW_DIR/NODE/run is /run (pid file, vici socket) and
# $SW_DIR/NODE/swanctl is /etc/swanctl; STRONGSWAN_CONF names its
# strongswan.conf (an explicit plugin list, no Debian snippets; no routes
# in table 220: cluster_lib's static routes do). It logs to
# $tmp/charon-NODE.log (ike, knl, cfg, chd at level 2, the rest at 1).
# swanctl and keepalived run the same way (sw, sw_exec).
#
# Plugin: when SWAN_PLUGIN names a .so (default
# $top/build/strongswan/libstrongswan-ipsec-ha.so when it exists), the nodes'
# charon (not P's) loads it: a copy of /usr/lib/ipsec/plugins plus that .so
# is bound over /usr/lib/ipsec/plugins, "ipsec-ha" ends the load list, and
# strongswan.conf has charon.plugins.ipsec-ha { load = yes } plus the lines
# of SWAN_PLUGIN_CONF, if given.
#
# Extras for a bench: SWAN_PEER_PLUGIN names a .so (libstrongswan-NAME.so)
# that P's charon loads the same way (NAME ends P's load list);
# SWAN_PEER_CONF is appended to P's strongswan.conf, SWAN_NODE_CONF to
# every node's and SWAN_NODE_SWANCTL to every node's swanctl.conf
# (strongSwan merges sections of the same name, so these can add to
# charon, charon.plugins, connections and secrets).
#
# keepalived (VRRPv3, virtual_router_id 51, advert_int SW_ADVERT_INT, on
# lan0, all BACKUP with nopreempt, priorities n1 250 > n2 150 > n3 10)
# calls tools/keepalived/ipsec-ha-notify (generic notify form) with
# IPSEC_HA pointing at the tool of this tree; its lines go to
# $tmp/notify.log.NODE as "START_MS master: promote ok in N ms: ...".
# With SW_NOTIFY_MODE=fifo, keepalived writes its state changes to a
# notify FIFO instead (vrrp_notify_fifo) and runs `ipsec-ha notify-fifo`
# as its reader (vrrp_notify_fifo_script), which logs the same lines.
#
# When IPSEC_HA_RUN_DIR is set (in a tools/vm guest), the logs, configs
# and captures are copied to $IPSEC_HA_RUN_DIR/swan/ at exit (SW_KEEP_DIR
# names another directory there).

# Variables set here are read by the scripts that source this file.
# shellcheck disable=SC2034
# shellcheck source=selftests/cluster_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/cluster_lib.sh"

CL_KINDS=(U E)			# cluster_lib's traffic: the two CHILD SAs
declare -A SW_CHILD_KIND=([u]=U [e]=E)
SW_CHILDREN=(u e)
SW_CONN=gw
SW_DIR=$tmp/swan
SW_CHARON=${SW_CHARON:-/usr/lib/ipsec/charon}
SW_PLUGINS_DIR=/usr/lib/ipsec/plugins
# 1 s: a guest starved of CPU (make check runs guests side by side) misses
# sub-second adverts, and a backup that turns master takes SAs over.
SW_ADVERT_INT=${SW_ADVERT_INT:-1}
# Replay window of every CHILD SA: a node's own ESP output reaches P
# reordered by up to a few dozen packets here (2 vCPUs, per-CPU veth
# backlogs), more than charon's default of 32 (cluster_lib uses 64, 128).
SW_REPLAY_WINDOW=${SW_REPLAY_WINDOW:-128}
SW_VRID=51
declare -A SW_PRIO=([n1]=250 [n2]=150 [n3]=10)
SW_NOTIFY=$top/tools/keepalived/ipsec-ha-notify
SW_NOTIFY_LOG=$tmp/notify.log
SW_NOTIFY_MODE=${SW_NOTIFY_MODE:-script}
SW_PSK=0x$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
if [ -z "${SWAN_PLUGIN+x}" ] && [ -e "$top/build/strongswan/libstrongswan-ipsec-ha.so" ]; then
	SWAN_PLUGIN=$top/build/strongswan/libstrongswan-ipsec-ha.so
fi
SWAN_PLUGIN=${SWAN_PLUGIN:-}
SWAN_PLUGIN_CONF=${SWAN_PLUGIN_CONF:-}
SWAN_PEER_PLUGIN=${SWAN_PEER_PLUGIN:-}
SWAN_PEER_CONF=${SWAN_PEER_CONF:-}
SWAN_NODE_CONF=${SWAN_NODE_CONF:-}
SWAN_NODE_SWANCTL=${SWAN_NODE_SWANCTL:-}
declare -A SW_LOG_MARK=()	# node -> line count of its charon log at sw_log_mark

# --- namespaces -----------------------------------------------------------

# sw_ns NODE: NODE's network namespace ("P" is the peer's).
sw_ns() { if [ "$1" = P ]; then echo peer; else echo "$1"; fi; }
sw_is_node() { [ "$(sw_ns "$1")" != peer ]; }
# sw_dir NODE: NODE's directory (strongswan.conf, run/, swanctl/, plugins/).
sw_dir() { echo "$SW_DIR/$(sw_ns "$1")"; }

# sw_exec NODE CMD...: CMD in NODE's network namespace and in a new mount
# namespace where NODE's run/ is /run, its swanctl/ is /etc/swanctl and
# (nodes with the plugin, P with SWAN_PEER_PLUGIN) its plugins/ is
# /usr/lib/ipsec/plugins;
# STRONGSWAN_CONF names NODE's strongswan.conf. (ip netns exec enters a
# mount namespace of its own already; unshare -m keeps that explicit.)
# ip, unshare and the inner shell exec each other; sw_exec_bg NODE CMD...
# runs it all as a background job whose pid ($!) is CMD's own, for
# sw_stop and cl_cleanup to signal.
sw_exec() {
	local d
	d=$(sw_dir "$1")
	# shellcheck disable=SC2016 # the inner shell's variables
	STRONGSWAN_CONF=$d/strongswan.conf ${SW_EXEC_REPLACE:+exec} ip netns exec "$(sw_ns "$1")" \
		unshare -m --propagation private sh -c '
		d=$1
		shift
		mount --bind "$d/run" /run &&
		mount --bind "$d/swanctl" /etc/swanctl || exit 125
		if [ -d "$d/plugins" ]; then
			mount --bind "$d/plugins" /usr/lib/ipsec/plugins || exit 125
		fi
		exec "$@"' sw "$d" "${@:2}"
}

sw_exec_bg() { SW_EXEC_REPLACE=1 sw_exec "$@" & }

# sw NODE ARGS...: swanctl ARGS... talking to NODE's charon.
sw() { sw_exec "$1" swanctl "${@:2}"; }

# --- configuration --------------------------------------------------------

# sw_peer_plugin_name: the plugin name of SWAN_PEER_PLUGIN.
sw_peer_plugin_name() {
	local n=${SWAN_PEER_PLUGIN##*/libstrongswan-}
	echo "${n%.so}"
}

# sw_strongswan_conf NODE: NODE's strongswan.conf.
sw_strongswan_conf() {
	local node=$1 i load="random nonce drbg aes sha1 sha2 hmac gmp curve25519 kdf pem pkcs1 pubkey x509 kernel-netlink socket-default vici"
	if sw_is_node "$node"; then
		load+=${SWAN_PLUGIN:+ ipsec-ha}
	elif [ -n "$SWAN_PEER_PLUGIN" ]; then
		load+=" $(sw_peer_plugin_name)"
	fi
	cat <<-EOF
	charon {
		load = $load
		install_routes = no
		install_virtual_ip = no
		retransmit_timeout = 1
		retransmit_base = 1.4
		retransmit_tries = 4
	EOF
	if sw_is_node "$node"; then
		i=${node#n}
		printf '\tspi_min = 0xc%x000000\n\tspi_max = 0xc%xffffff\n' "$i" "$i"
	fi
	cat <<-EOF
		filelog {
			swan {
				path = $tmp/charon-$(sw_ns "$node").log
				time_format = %T
				time_add_ms = yes
				ike_name = yes
				append = no
				flush_line = yes
				default = 1
				ike = 2
				knl = 2
				cfg = 2
				chd = 2
			}
		}
		syslog {
			daemon {
				default = -1
			}
		}
		plugins {
			vici {
				socket = unix:///run/charon.vici
			}
	EOF
	if [ -n "$SWAN_PLUGIN" ] && sw_is_node "$node"; then
		printf '\t\tipsec-ha {\n\t\t\tload = yes\n'
		[ -z "$SWAN_PLUGIN_CONF" ] || printf '%s\n' "$SWAN_PLUGIN_CONF" | sed 's/^/\t\t\t/'
		printf '\t\t}\n'
		# As strongswan.md advises: policies that promote installed
		# are updated in one request, not refused by NEWPOLICY first.
		printf '\t\tkernel-netlink {\n\t\t\tpolicy_update = yes\n\t\t}\n'
	fi
	printf '\t}\n}\nswanctl {\n\tsocket = unix:///run/charon.vici\n}\n'
	if sw_is_node "$node"; then
		[ -z "$SWAN_NODE_CONF" ] || printf '%s\n' "$SWAN_NODE_CONF"
	else
		[ -z "$SWAN_PEER_CONF" ] || printf '%s\n' "$SWAN_PEER_CONF"
	fi
}

# sw_swanctl_conf NODE: NODE's swanctl.conf: the cluster's side of
# connection gw on a node, the initiator's on P.
sw_swanctl_conf() {
	local me peer my_id peer_id lu ru le re dpd=
	if sw_is_node "$1"; then
		me=$CL_VIP peer=$CL_PEER my_id=gw.cluster peer_id=peer.p
		# The cluster's side never roams: with MOBIKE, a node that lost
		# the VIP (cut off, FAULT) moves the IKE SA to its own address
		# as soon as its link is back, telling P so before it hears that
		# another node took the IKE SA over. Without MOBIKE and with the
		# VIP as the static local address, charon keeps that path, and
		# only the node holding the VIP can send on it.
		dpd="mobike = no"
		lu=10.0.1.0/24 ru=10.0.2.0/24 le=10.0.3.0/24 re=10.0.4.0/24
	else
		me=$CL_PEER_OWN peer=$CL_VIP my_id=peer.p peer_id=gw.cluster
		lu=10.0.2.0/24 ru=10.0.1.0/24 le=10.0.4.0/24 re=10.0.3.0/24
		dpd="dpd_delay = 2s"
	fi
	cat <<-EOF
	connections {
		$SW_CONN {
			version = 2
			local_addrs = $me
			remote_addrs = $peer
			proposals = aes128-sha256-x25519
			$dpd
			local {
				auth = psk
				id = $my_id
			}
			remote {
				auth = psk
				id = $peer_id
			}
			children {
				u {
					local_ts = $lu
					remote_ts = $ru
					esp_proposals = aes128gcm16
					mode = tunnel
					replay_window = $SW_REPLAY_WINDOW
					dpd_action = restart
				}
				e {
					local_ts = $le
					remote_ts = $re
					esp_proposals = aes256gcm16-esn
					mode = tunnel
					replay_window = $SW_REPLAY_WINDOW
					dpd_action = restart
				}
			}
		}
	}
	secrets {
		ike-$SW_CONN {
			id-1 = gw.cluster
			id-2 = peer.p
			secret = $SW_PSK
		}
	}
	EOF
}

# sw_prepare NODE: NODE's directory and configuration files.
sw_prepare() {
	local d
	d=$(sw_dir "$1")
	mkdir -p "$d/run" "$d/swanctl"
	# swanctl --load-all wants its credential directories
	(cd "$d/swanctl" && mkdir -p conf.d x509 x509ca x509aa x509ocsp x509crl x509ac \
		pubkey private rsa ecdsa bliss pkcs8 pkcs12)
	sw_strongswan_conf "$1" > "$d/strongswan.conf"
	sw_swanctl_conf "$1" > "$d/swanctl/swanctl.conf"
	if sw_is_node "$1" && [ -n "$SWAN_NODE_SWANCTL" ]; then
		printf '%s\n' "$SWAN_NODE_SWANCTL" >> "$d/swanctl/swanctl.conf"
	fi
	chmod 600 "$d/swanctl/swanctl.conf"
	if [ -n "$SWAN_PLUGIN" ] && sw_is_node "$1"; then
		mkdir -p "$d/plugins"
		cp -a "$SW_PLUGINS_DIR/." "$d/plugins/"
		cp "$SWAN_PLUGIN" "$d/plugins/libstrongswan-ipsec-ha.so"
	elif [ -n "$SWAN_PEER_PLUGIN" ] && ! sw_is_node "$1"; then
		mkdir -p "$d/plugins"
		cp -a "$SW_PLUGINS_DIR/." "$d/plugins/"
		cp "$SWAN_PEER_PLUGIN" "$d/plugins/"
	fi
}

# --- charon ---------------------------------------------------------------

# sw_charon_up NODE: NODE's charon answers on vici.
sw_charon_up() { sw "$1" --stats > /dev/null 2>&1; }

# sw_start NODE: NODE's charon starts (background job charon-NODE) and
# loads its swanctl.conf.
sw_start() {
	local ns
	ns=$(sw_ns "$1")
	[ -d "$(sw_dir "$1")" ] || sw_prepare "$1"
	sw_exec_bg "$1" "$SW_CHARON" > "$tmp/charon-$ns.out" 2>&1
	CL_PIDS[charon-$ns]=$!
	wait_until 20 sw_charon_up "$1" || { cat "$tmp/charon-$ns.out"; return 1; }
	sw "$1" --load-all > "$tmp/load-$ns.out" 2>&1 || { cat "$tmp/load-$ns.out"; return 1; }
}

# sw_plugin_loaded NODE: NODE's charon lists the ipsec-ha plugin.
sw_plugin_loaded() { sw "$1" --stats 2> /dev/null | grep -qw 'ipsec-ha'; }

# sw_stop NAME: end a background job gently (SIGTERM), KILL after 5 s.
sw_stop() {
	local pid=${CL_PIDS[$1]:-} i
	[ -n "$pid" ] || return 0
	kill -TERM "$pid" 2> /dev/null
	for i in $(seq 50); do
		kill -0 "$pid" 2> /dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2> /dev/null
	cl_wait "$1"
	return 0
}

# --- keepalived -----------------------------------------------------------

# sw_keepalived_conf NODE
sw_keepalived_conf() {
	local notify="notify \"/usr/bin/env IPSEC_HA=$IPSEC_HA IPSEC_HA_NOTIFY_LOG=$SW_NOTIFY_LOG.$1 $SW_NOTIFY\""
	local fifo=
	if [ "$SW_NOTIFY_MODE" = fifo ]; then
		notify=
		fifo="vrrp_notify_fifo $tmp/notify-$1.fifo
		vrrp_notify_fifo_script \"$IPSEC_HA notify-fifo instance $SW_CONN log $SW_NOTIFY_LOG.$1\""
	fi
	cat <<-EOF
	global_defs {
		router_id $1
		vrrp_version 3
		script_user root
		vrrp_garp_master_repeat 3
		vrrp_garp_master_refresh 0
		$fifo
	}
	vrrp_instance $SW_CONN {
		state BACKUP
		nopreempt
		interface lan0
		virtual_router_id $SW_VRID
		priority ${SW_PRIO[$1]}
		advert_int $SW_ADVERT_INT
		virtual_ipaddress {
			$CL_VIP/24 dev lan0
			$CL_IN_VIP/24 dev in0
		}
		$notify
	}
	EOF
}

# sw_notify_no_promote: keepalived's notify command (SW_NOTIFY) becomes
# ipsec-ha-notify with a tool that withholds promote, for a story where
# no state change may take SAs over (activation does): the script runs
# and logs as always, its master line saying "master: promote ok in N ms:
# promote withheld ...", and its other commands (demote) reach the real
# tool. The tool is $tmp/no-promote, named by an env in front of the
# script that overrides the IPSEC_HA of the notify line. Call it before
# keepalived starts (sw_keepalived_up, sw_story_start).
sw_notify_no_promote() {
	cat > "$tmp/no-promote" <<-EOF
	#!/bin/sh
	# ipsec-ha for keepalived's notify script, with promote withheld
	if [ "\$1" = promote ]; then
		echo "promote withheld (ipsec-ha \$*): nothing promoted"
		exit 0
	fi
	exec '$IPSEC_HA' "\$@"
	EOF
	chmod 755 "$tmp/no-promote"
	SW_NOTIFY="/usr/bin/env IPSEC_HA=$tmp/no-promote $top/tools/keepalived/ipsec-ha-notify"
}
# sw_promote_withheld NODE: NODE's notify script ran for master, and every
# master line of its log says promote was withheld (none promoted).
sw_promote_withheld() {
	sw_notified "$1" master || { sw_why "$1's notify script has not run for master"; return 1; }
	if grep ' master: ' "$SW_NOTIFY_LOG.$1" | grep -qv ' master: promote ok in [0-9]* ms: promote withheld '; then
		sw_why "$1's notify log: $(grep ' master: ' "$SW_NOTIFY_LOG.$1" | tr '\n' ' ')"
		return 1
	fi
}

# sw_keepalived_start NODE: keepalived (VRRP only) in NODE, in the
# foreground as job keepalived-NODE, logging to $tmp/keepalived-NODE.log.
sw_keepalived_start() {
	local d
	d=$(sw_dir "$1")
	[ -d "$d" ] || sw_prepare "$1"
	sw_keepalived_conf "$1" > "$d/keepalived.conf"
	sw_exec_bg "$1" keepalived -n -l -D -G -P -f "$d/keepalived.conf" \
		-p "$d/run/keepalived.pid" -r "$d/run/vrrp.pid" > "$tmp/keepalived-$1.log" 2>&1
	CL_PIDS[keepalived-$1]=$!
}

# sw_vrrp_state NODE: the last VRRP state NODE's keepalived entered
# (MASTER, BACKUP, FAULT; empty before any).
sw_vrrp_state() {
	sed -n 's/.*Entering \([A-Z]*\) STATE.*/\1/p' "$tmp/keepalived-$1.log" 2> /dev/null | tail -n 1
}
sw_vrrp_is() { [ "$(sw_vrrp_state "$1")" = "$2" ]; }

# sw_vip_holder: the nodes that hold the VIP on lan0 (keepalived's doing).
sw_vip_holder() {
	local n
	for n in "${CL_NODES[@]}"; do
		ip -n "$n" -br addr show dev lan0 2> /dev/null | grep -qw "$CL_VIP/24" && echo "$n"
	done
}

# sw_notified NODE STATE [N]: NODE's notify script ran for STATE (master,
# backup, fault, stop) at least N times (default 1), and finished.
sw_notified() {
	[ "$(grep -c " $2: " "$SW_NOTIFY_LOG.$1" 2> /dev/null)" -ge "${3:-1}" ]
}
# sw_notify_lines NODE: what NODE's notify script logged.
sw_notify_lines() { sed "s/^/$1 /" "$SW_NOTIFY_LOG.$1" 2> /dev/null; }
# sw_notify_timeline NODE: NODE's notify runs into the timeline (start
# and end of each command).
sw_notify_timeline() {
	local t0 state cmd rest ms
	while read -r t0 state cmd rest; do
		ms=$(sed -n 's/.* in \([0-9]*\) ms.*/\1/p' <<< "$rest")
		cl_event_at "$t0" "$1: notify ${state%:}: $cmd starts"
		cl_event_at "$((t0 + ${ms:-0}))" "$1: $cmd ${rest%%:*}"
	done < "$SW_NOTIFY_LOG.$1"
}
# sw_master_ms NODE: when NODE's notify script last started for master
# (ms since the epoch): keepalived runs it as it enters MASTER, right
# after it added the VIP.
sw_master_ms() {
	awk '$2 == "master:" { t = $1 } END { print t }' "$SW_NOTIFY_LOG.$1" 2> /dev/null
}
# sw_promote_ms NODE: the time the last promote took on NODE (ms).
sw_promote_ms() {
	sed -n 's/.* master: promote [a-z]*\( (status [0-9]*)\)\{0,1\} in \([0-9]*\) ms.*/\2/p' \
		"$SW_NOTIFY_LOG.$1" 2> /dev/null | tail -n 1
}

# --- the cluster ----------------------------------------------------------

# sw_setup NODES: cluster_lib's topology with n1..nNODES on the HA link
# (each with its SPI range), charon on P and on every node.
sw_setup() {
	local n i
	cl_setup "$1"
	trap sw_cleanup EXIT
	for n in "${CL_NODES[@]}"; do
		i=${n#n}
		check "$n joins the HA link, SPI range 0xc${i}000000-0xc${i}ffffff" \
			sw_join "$n"
	done
	for n in P "${CL_NODES[@]}"; do
		sw_prepare "$n"
		check "charon starts on $(sw_ns "$n") and loads the configuration" sw_start "$n"
	done
	if [ -n "$SWAN_PLUGIN" ]; then
		for n in "${CL_NODES[@]}"; do
			check "$n's charon loaded the ipsec-ha plugin" sw_plugin_loaded "$n"
		done
	else
		echo "# no ipsec-ha charon plugin (SWAN_PLUGIN, $top/build/strongswan/): the nodes run plain charon"
	fi
}
sw_join() {
	local i=${1#n}
	cl_join "$1" && ha "$1" node set spi-range "$(printf '0xc%x000000-0xc%xffffff' "$i" "$i")"
}

# sw_keepalived_up: keepalived on every node, n1 first and master before
# the others start (so nopreempt leaves it master), the others backup.
sw_keepalived_up() {
	local n
	sw_keepalived_start n1
	check "keepalived on n1 becomes master and holds the VIP" \
		wait_until 20 sh -c "grep -q 'Entering MASTER STATE' '$tmp/keepalived-n1.log' &&
			ip -n n1 -br addr show dev lan0 | grep -qw '$CL_VIP/24'"
	check "n1's notify script ran promote" wait_until 10 sw_notified n1 master
	for n in "${CL_NODES[@]:1}"; do
		sw_keepalived_start "$n"
	done
	for n in "${CL_NODES[@]:1}"; do
		check "keepalived on $n becomes backup (its notify script ran demote)" \
			wait_until 20 sw_notified "$n" backup
	done
	check_eq "only n1 holds the VIP" n1 "$(sw_vip_holder | tr '\n' ' ' | sed 's/ $//')"
}

# sw_connect: P initiates gw's CHILD SAs u and e (the IKE SA with the first).
sw_connect() {
	local c
	for c in "${SW_CHILDREN[@]}"; do
		sw P --initiate --child "$c" --timeout 20 > "$tmp/initiate-$c.out" 2>&1 ||
			{ tail -n 20 "$tmp/initiate-$c.out"; return 1; }
	done
	SW_IKE_ID=$(sw_ike_id P)
}

# --- P's SAs, from swanctl --list-sas --raw --------------------------------

# sw_sas_json NODE: NODE's IKE SAs as a JSON array of vici's list-sa
# messages: [{"gw": {"state": ..., "initiator-spi": ..., "child-sas":
# {"u-3": {...}}}}].
sw_sas_json() {
	sw "$1" --list-sas --raw 2> /dev/null | python3 -c '
import json, re, sys
# vici_message.c dump(): "name {" ... "}", "key=value", "key=[item item]"
tok = re.compile(r"\s*(?:([^\s{}\[\]=]+)=\[([^\]]*)\]|([^\s{}\[\]=]+)=([^\s{}\[\]]*)|([^\s{}\[\]=]*)\s*\{|(\}))")
out = []
for line in sys.stdin:
    line = line.strip()
    if not line.startswith("list-sa event"):
        continue
    line = line[len("list-sa event"):]
    root = {}
    stack = [root]
    pos = 0
    while True:
        m = tok.match(line, pos)
        if not m:
            break
        pos = m.end()
        lk, lv, k, v, sec, end = m.groups()
        if lk is not None:
            stack[-1][lk] = lv.split()
        elif k is not None:
            stack[-1][k] = v
        elif sec is not None:
            d = {}
            stack[-1][sec] = d
            stack.append(d)
        elif end is not None:
            stack.pop()
            if not stack:
                break
    # the event opens with an unnamed section
    out.append(root.get("", root))
json.dump(out, sys.stdout)
'
}

# sw_ike_spis NODE: "SPIi_SPIr" of each ESTABLISHED IKE SA of gw on NODE.
sw_ike_spis() {
	sw_sas_json "$1" | jq -r --arg c "$SW_CONN" \
		'.[] | .[$c] // empty | select(.state == "ESTABLISHED") | "\(."initiator-spi")_\(."responder-spi")"'
}
# sw_ike_id NODE: the unique id (charon's, as in its log's "<gw|ID>") of
# NODE's ESTABLISHED IKE SA of gw.
sw_ike_id() {
	sw_sas_json "$1" | jq -r --arg c "$SW_CONN" \
		'.[] | .[$c] // empty | select(.state == "ESTABLISHED") | .uniqueid'
}
# SW_IKE_ID: P's IKE SA that the story follows (set by sw_connect, moved
# on by sw_rekey_ike); an IKE SA P set up anew after losing it is another.
SW_IKE_ID=
# sw_same_ike: P's established IKE SA is SW_IKE_ID.
sw_same_ike() {
	local id
	id=$(sw_ike_id P)
	if [ -z "$SW_IKE_ID" ] || [ "$id" != "$SW_IKE_ID" ]; then
		echo "P's IKE SA is '${id//$'\n'/ }', not ${SW_CONN}[$SW_IKE_ID] (lost, set up anew?)"
		echo "P's IKE SAs of $SW_CONN in any state (uniqueid state):" \
			"$(sw_sas_json P | jq -r --arg c "$SW_CONN" '.[] | .[$c] // empty | "\(.uniqueid) \(.state)"' | tr '\n' ' ')"
		echo "P's charon log on IKE SAs, last lines:"
		grep -E 'IKE_SA|deleting|destroying|giving up|retransmit' "$(sw_log P)" 2> /dev/null | tail -n 12
		return 1
	fi
}

# sw_ike_count NODE: how many IKE SAs of gw NODE has (any state).
sw_ike_count() { sw_sas_json "$1" | jq --arg c "$SW_CONN" '[.[] | .[$c] // empty] | length'; }

# sw_child_spis NODE [CHILD]: "CHILD SPI_IN SPI_OUT" (hex, 0x...) of each
# INSTALLED CHILD SA of NODE (named CHILD), sorted.
sw_child_spis() {
	sw_sas_json "$1" | jq -r --arg n "${2:-}" '.[] | .[] | ."child-sas" // {} | .[] |
		select(.state == "INSTALLED" and ($n == "" or .name == $n)) |
		"\(.name) 0x\(."spi-in") 0x\(."spi-out")"' | sort
}

# sw_established NODE: NODE has one ESTABLISHED IKE SA of gw with every
# CHILD SA installed.
sw_established() {
	local c
	[ "$(sw_ike_spis "$1" | wc -l)" = 1 ] || return 1
	for c in "${SW_CHILDREN[@]}"; do
		[ "$(sw_child_spis "$1" "$c" | wc -l)" -ge 1 ] || return 1
	done
}

# sw_spi_list: P's CHILD SA SPIs, one word each (cluster_lib's format).
sw_spi_list() { sw_child_spis P | awk '{ print $2; print $3 }'; }

# sw_child_desc NODE: each INSTALLED CHILD SA of NODE in words, sorted:
# "u: TUNNEL 10.0.2.0/24 <-> 10.0.1.0/24, AES_GCM_16-128, SPIs in 0x... out 0x..."
# (", ESN" after the algorithm when the SA has extended sequence numbers).
sw_child_desc() {
	sw_sas_json "$1" | jq -r '.[] | .[] | ."child-sas" // {} | .[] | select(.state == "INSTALLED") |
		"\(.name): \(.mode) \(."local-ts" // [] | join(",")) <-> \(."remote-ts" // [] | join(",")), " +
		"\(."encr-alg")-\(."encr-keysize")\(if .esn == "1" then ", ESN" else "" end), " +
		"SPIs in 0x\(."spi-in") out 0x\(."spi-out")"' | sort
}

# sw_oseq_synced NODE CHILD: NODE's mirror follows the cluster's outbound
# sequence counter of P's CHILD SA CHILD (P's inbound SPI): the node that
# runs it has synced a counter above 0.
sw_oseq_synced() {
	local spi
	spi=$(sw_child_spis P "$2" | awk '{ print $2; exit }')
	[ -n "$spi" ] || { sw_why "P has no CHILD SA $2"; return 1; }
	[ "$(ha "$1" -j sa list | jq --arg s "$spi" '[.[] | select(.spi == $s) | .oseq // 0] | add // 0')" -gt 0 ] ||
		{ sw_why "$1's mirror has no outbound counter for $spi yet"; return 1; }
}

# sw_why TEXT: why a polled condition does not hold (yet); sw_wait shows
# the last one when it gives up.
sw_why() { echo "$*" > "$tmp/why"; }
# sw_wait SECONDS CMD...: wait_until; on a timeout, the last sw_why.
sw_wait() {
	rm -f "$tmp/why"
	wait_until "$@" && return 0
	cat "$tmp/why" 2> /dev/null
	return 1
}

# sw_mirrors NODE SPI...: NODE's ipsec-ha mirror holds every one of SPI...
sw_mirrors() {
	local node=$1 have s
	shift
	have=$(ha "$node" -j sa list | jq -r '.[].spi')
	for s in "$@"; do
		printf '%s\n' "$have" | grep -qix "$s" ||
			{ sw_why "$node does not mirror $s; it has: ${have//$'\n'/ }"; return 1; }
	done
}

# --- logs -----------------------------------------------------------------

# sw_log NODE: NODE's charon log file.
sw_log() { echo "$tmp/charon-$(sw_ns "$1").log"; }
# sw_log_mark NODE...: remember where the logs end now.
sw_log_mark() {
	local n
	for n in "$@"; do
		SW_LOG_MARK[$(sw_ns "$n")]=$(wc -l < "$(sw_log "$n")")
	done
}
# sw_log_since NODE: NODE's charon log after its mark.
sw_log_since() { tail -n +$(( ${SW_LOG_MARK[$(sw_ns "$1")]:-0} + 1 )) "$(sw_log "$1")"; }
# sw_log_has NODE REGEX: NODE's log after the mark has a line matching REGEX.
sw_log_has() { sw_log_since "$1" | grep -Eq -- "$2"; }

# sw_log_ms NODE REGEX: when the last line of NODE's log after the mark
# that matches REGEX was written (ms since the epoch; the log's time of
# day is taken as today's); empty when there is none.
sw_log_ms() {
	local t
	t=$(sw_log_since "$1" | grep -E -- "$2" | tail -n 1 | awk '{ print $1 }')
	[ -n "$t" ] || return 0
	date -d "$t" +%s%3N
}

# sw_log_errors NODE: the lines of NODE's whole charon log that say
# " error" or "failed"; status 1 when there is any.
sw_log_errors() {
	local lines
	lines=$(grep -E ' error|failed' "$(sw_log "$1")")
	[ -z "$lines" ] && return 0
	head -n 20 <<< "$lines"
	return 1
}

# --- IKE exchanges --------------------------------------------------------

# sw_dpd [SECONDS]: P sends a DPD (an empty INFORMATIONAL request) on its
# IKE SA SW_IKE_ID and gets the answer; waits for both (dpd_delay 2s: only
# when P received nothing for 2 s: stop the traffic first).
sw_dpd_answered() {
	sw_log_has P "<$SW_CONN\\|$SW_IKE_ID> sending DPD request" &&
	sw_log_has P "<$SW_CONN\\|$SW_IKE_ID> parsed INFORMATIONAL response [0-9]+ \\[ \\]"
}
sw_dpd() {
	sw_same_ike || return 1
	sw_log_mark P
	wait_until "${1:-20}" sw_dpd_answered ||
		{ echo "P's log since:"; sw_log_since P | grep -E 'DPD|INFORMATIONAL|retransmit|giving up|deleting' | tail -n 10; return 1; }
}

# sw_rekeyed_child BEFORE CHILD: P's CHILD SA CHILD is one, other than BEFORE.
sw_rekeyed_child() {
	local now
	now=$(sw_child_spis P "$2")
	[ -n "$now" ] && [ "$now" != "$1" ] && [ "$(echo "$now" | wc -l)" = 1 ]
}

# sw_rekey_child NODE CHILD [SECONDS]: NODE starts a rekey of CHILD (gw's
# CHILD SA of that name); succeeds when P's CHILD has other SPIs than
# before, installed, and one SA only (the old one deleted).
sw_rekey_child() {
	local before
	sw_same_ike || return 1
	before=$(sw_child_spis P "$2")
	[ -n "$before" ] || { echo "P has no CHILD SA $2"; return 1; }
	sw "$1" --rekey --child "$2" > "$tmp/rekey.out" 2>&1 || { cat "$tmp/rekey.out"; return 1; }
	wait_until "${3:-20}" sw_rekeyed_child "$before" "$2" ||
		{ echo "P's CHILD SA $2: before '$before', now '$(sw_child_spis P "$2" | tr '\n' ' ')'"; return 1; }
	sw_same_ike
}

# sw_rekeyed_ike BEFORE: P's IKE SA of gw is one, established, other than BEFORE.
sw_rekeyed_ike() {
	local now
	now=$(sw_ike_spis P)
	[ -n "$now" ] && [ "$now" != "$1" ] && [ "$(sw_ike_count P)" = 1 ]
}

# sw_rekey_ike NODE [SECONDS]: NODE starts a rekey of the IKE SA gw;
# succeeds when P has one ESTABLISHED IKE SA of gw, with other SPIs, that
# P's log says SW_IKE_ID was rekeyed into; SW_IKE_ID becomes the new one.
sw_rekey_ike() {
	local before id
	sw_same_ike || return 1
	before=$(sw_ike_spis P)
	sw_log_mark P
	sw "$1" --rekey --ike "$SW_CONN" > "$tmp/rekey.out" 2>&1 || { cat "$tmp/rekey.out"; return 1; }
	wait_until "${2:-20}" sw_rekeyed_ike "$before" ||
		{ echo "P's IKE SA: before $before, now '$(sw_ike_spis P | tr '\n' ' ')' ($(sw_ike_count P) IKE SAs)"; return 1; }
	id=$(sw_ike_id P)
	sw_log_has P "IKE_SA $SW_CONN\\[$id\\] rekeyed between" ||
		{ echo "P's log does not say ${SW_CONN}[$SW_IKE_ID] was rekeyed into ${SW_CONN}[$id]"; return 1; }
	SW_IKE_ID=$id
}

# --- capture --------------------------------------------------------------

SW_CAPTURE_FILTER='esp or udp port 500 or udp port 4500'
# sw_capture_start NAME: ESP and IKE on P's lan0 into $tmp/NAME.pcap.
sw_capture_start() { cl_capture_start "$1" 128 "$SW_CAPTURE_FILTER"; }
sw_capture_stop() { cl_capture_stop "$@"; }

# sw_ike_msgs PCAP...: the IKE messages of the capture, one JSON object
# a line (cluster_lib's analyser, "ike").
sw_ike_msgs() {
	local macs=() n
	for n in "${CL_NODES[@]}"; do macs+=(--mac "$n=${CL_MAC[$n]}"); done
	cl_py ike --peer "$CL_PEER" "${macs[@]}" "$@"
}

# sw_ike_count_msgs FILTER PCAP...: how many IKE messages of the capture
# match the jq FILTER (e.g. '.exchange == 34 and .ms > 123').
sw_ike_count_msgs() {
	local f=$1
	shift
	sw_ike_msgs "$@" | jq -s "[.[] | select($f)] | length"
}

# sw_ike_sent_by NODE EXCHANGE request|response SINCE_MS SPIS PCAP...: how
# many IKE messages of EXCHANGE (34..37) NODE sent after SINCE_MS on the
# IKE SA SPIS ("SPIi_SPIr" as sw_ike_spis gives it; none if empty).
sw_ike_sent_by() {
	local r=false
	[ "$3" = response ] && r=true
	sw_ike_count_msgs ".sender == \"$1\" and .exchange == $2 and .response == $r and .ms > $4 and
		.spi_i + \"_\" + .spi_r == \"$5\"" "${@:6}"
}

# sw_ike_mirrors NODE: NODE's ipsec-ha mirror holds the context of P's
# current IKE SA (ipsec-ha ike list).
sw_ike_mirrors() {
	local spis i r
	spis=$(sw_ike_spis P)
	[ -n "$spis" ] || { sw_why "P has no established IKE SA"; return 1; }
	i=0x${spis%_*} r=0x${spis#*_}
	ha "$1" -j ike list | jq -e --arg i "$i" --arg r "$r" \
		'any(.[]; (.spi_i | ascii_downcase) == $i and (.spi_r | ascii_downcase) == $r)' > /dev/null ||
		{ sw_why "$1 does not mirror the IKE SA $i/$r; it has: $(ha "$1" ike list | head -n 5)"; return 1; }
}

# sw_ike_report PCAP...: the IKE messages as TAP comments.
sw_ike_report() {
	sw_ike_msgs "$@" | jq -r '"#   \(.ms | floor) \(.sender) \(.src) -> \(.dst) " +
		({"34": "IKE_SA_INIT", "35": "IKE_AUTH", "36": "CREATE_CHILD_SA", "37": "INFORMATIONAL"}[.exchange | tostring] // (.exchange | tostring)) +
		" \(if .response then "response" else "request" end) #\(.mid) \(.spi_i)_\(.spi_r)"'
}

# sw_ike_exchanges ZERO_MS PCAP...: the IKE exchanges of the capture, one
# line each, in the order of their requests: the request's time relative
# to ZERO_MS, who sent it (P or the node, by source MAC), the exchange and
# message ID, the IKE SA (initiator's SPI), who answered and how fast, and
# how often the request was sent when it was retransmitted. A run of
# INFORMATIONAL exchanges alike but for their message IDs (P's DPDs on an
# idle IKE SA, every dpd_delay) is one line.
sw_ike_exchanges() {
	local zero=$1
	shift
	sw_ike_msgs "$@" | jq -rs --argjson zero "$zero" '
		def who: if .sender == "peer" then "P" else .sender end;
		def requester: if (.sender == "peer") == .response then "cluster" else "P" end;
		def t: floor | if . >= 0 then "+\(.)" else tostring end;
		map(. + {requester: requester}) |
		group_by([.spi_i, .requester, .exchange, .mid]) |
		map({req: (map(select(.response | not)) | first),
		     resp: (map(select(.response)) | first),
		     sent: (map(select(.response | not)) | length)}) |
		map(select(.req != null)) | sort_by(.req.ms) |
		map({t: (.req.ms - $zero), from: (.req | who),
		     to: (if .req.sender == "peer" then "VIP" else "P" end),
		     ex: ({"34": "IKE_SA_INIT", "35": "IKE_AUTH", "36": "CREATE_CHILD_SA",
			   "37": "INFORMATIONAL"}[.req.exchange | tostring] // "exchange \(.req.exchange)"),
		     mid: .req.mid, spi: .req.spi_i, sent: .sent,
		     by: (if .resp then .resp | who else null end),
		     ms: (if .resp then .resp.ms - .req.ms else null end)}) |
		(reduce .[] as $x ([];
			if length > 0 and (.[-1] | .ex == "INFORMATIONAL" and .ex == $x.ex and
			   .from == $x.from and .spi == $x.spi and .by != null and .by == $x.by and
			   .sent == 1 and $x.sent == 1)
			then .[-1] += {n: (.[-1].n + 1), t2: $x.t, mid2: $x.mid, ms: ([.[-1].ms, $x.ms] | max)}
			else . + [$x + {n: 1}] end))[] |
		if .n > 1 then
			"t=\(.t | t)..\(.t2 | t) ms  \(.from) -> \(.to)  \(.n) x \(.ex) #\(.mid)..#\(.mid2) " +
			"on IKE SA \(.spi)_*: \(.by) answered each, within \(.ms | floor) ms"
		else
			"t=\(.t | t) ms  \(.from) -> \(.to)  \(.ex) #\(.mid) on IKE SA \(.spi)_*: " +
			(if .by then "\(.by) answered in \(.ms | floor) ms" else "no answer" end) +
			(if .sent > 1 then " (request sent \(.sent) times)" else "" end)
		end'
}

# sw_esp_sent PCAP SRC FROM_MS TO_MS: how many ESP packets (ESP in UDP
# too) of the capture SRC sent after FROM_MS and up to TO_MS (ms since
# the epoch).
sw_esp_sent() {
	tcpdump -r "$1" -n -tt "src $2 and (esp or (udp port 4500 and udp[8:4] != 0))" 2> /dev/null |
		awk -v from="$3" -v to="$4" '{ t = $1 * 1000 } t > from && t <= to { n++ } END { print n + 0 }'
}

# --- story steps (the failover tests) ---------------------------------------

# sw_story_start: the module, the cluster of 3 nodes under keepalived, P's
# IKE SA with n1 (checks); sets ike_before (P's IKE SPIs) and marks the logs.
sw_story_start() {
	local n spis
	pp load_module
	sw_setup 3
	sw_keepalived_up
	check "P establishes IKE SA $SW_CONN and CHILD SAs u, e with the VIP" sw_connect
	check "P has one IKE SA with both CHILD SAs installed" sw_established P
	ike_before=$(sw_ike_spis P)
	echo "# P's IKE SA ${SW_CONN}[$SW_IKE_ID]: $ike_before"
	sw_child_spis P | sed 's/^/# P: CHILD SA /'
	read -r -a spis <<< "$(sw_spi_list | tr '\n' ' ')"
	check "n1 runs the IKE SA (P's peer)" sw_established n1
	for n in n2 n3; do
		check "$n mirrors the 4 ESP SAs" sw_wait 10 sw_mirrors "$n" "${spis[@]}"
		check "$n mirrors the IKE SA's context" sw_wait 10 sw_ike_mirrors "$n"
	done
	check "ESP flows through both CHILD SAs" wait_until 15 cl_flowing
	sw_log_mark n1 n2 n3 P
}

# sw_took_over NODE: NODE's charon rebuilt the IKE SA since its log mark.
sw_took_over() { sw_log_has "$1" 'ipsec-ha: took over IKE_SA '; }

# sw_takeover NODE: checks that NODE becomes keepalived's master, holds the
# VIP, promotes, and that its charon rebuilds the IKE SA. The timeline
# gets when keepalived made NODE master (when its notify started) and
# when charon's log says it took the IKE SA over.
sw_takeover() {
	local t
	check "keepalived on $1 becomes master" wait_until 15 sw_vrrp_is "$1" MASTER
	check "$1 holds the VIP" wait_until 5 sh -c "ip -n $1 -br addr show dev lan0 | grep -qw '$CL_VIP/24'"
	check "$1's notify script promoted" wait_until 15 sw_notified "$1" master
	t=$(sw_master_ms "$1")
	cl_event_at "${t:-$(cl_now)}" "$1: keepalived master (VIP taken, notify started)"
	check "$1's promote succeeded" grep -q ' master: promote ok ' "$SW_NOTIFY_LOG.$1"
	check "$1's charon rebuilt the IKE SA (\"ipsec-ha: took over IKE_SA\")" wait_until 15 sw_took_over "$1"
	t=$(sw_log_ms "$1" 'ipsec-ha: took over IKE_SA ')
	cl_event_at "${t:-$(cl_now)}" "$1: charon took the IKE SA over (ipsec-ha plugin)"
	sw_log_since "$1" | grep -E 'ipsec-ha: (took over|message IDs)' | sed "s/^/# $1: /"
}

# sw_step: before an IKE exchange, its start time (sw_t) and P's IKE SA
# (sw_t_spis), for sw_by.
sw_step() { sw_t=$(cl_now); sw_t_spis=$(sw_ike_spis P); }
# sw_by NODE EXCHANGE request|response: NODE sent one on P's IKE SA since
# sw_step (capture $tmp/main.pcap).
sw_by() { test "$(sw_ike_sent_by "$1" "$2" "$3" "$sw_t" "$sw_t_spis" "$tmp/main.pcap")" -gt 0; }

# sw_iperf_rx: the bytes P's iperf3 client received so far (ss), 0 without it.
sw_iperf_rx() {
	ip netns exec peer ss -tinH dst "$CL_SRV" 2> /dev/null |
		sed -n 's/.*bytes_received:\([0-9]*\).*/\1/p' | sort -n | tail -n 1 | grep . || echo 0
}
sw_iperf_rx_above() { [ "$(sw_iperf_rx)" -gt "$1" ]; }

# sw_answers NODE WHAT: P's DPD and a CHILD_SA rekey of u started by P
# succeed, answered by NODE, on the IKE SA P had before WHAT ("the cut").
sw_answers() {
	sw_step
	check "P's DPD on its IKE SA is answered" sw_dpd 20
	check "$1 answered the DPD" sw_by "$1" 37 response
	check_eq "P's IKE SA has the same SPIs as before $2" "$ike_before" "$(sw_ike_spis P)"
	sw_step
	check "CHILD_SA rekey (u) started by P succeeds" sw_rekey_child P u
	check "$1 answered the CHILD_SA rekey" sw_by "$1" 36 response
}

# sw_ike_mids NODE: "MID_SEND MID_RECV" of P's IKE SA (ike_before) in
# NODE's mirror.
sw_ike_mids() {
	local ike=${ike_before:-$(sw_ike_spis P)}
	ha "$1" -j ike list | jq -r --arg i "0x${ike%_*}" --arg r "0x${ike#*_}" \
		'.[] | select((.spi_i | ascii_downcase) == $i and (.spi_r | ascii_downcase) == $r) |
		"\(.mid_send) \(.mid_recv)"'
}

# sw_esp_verdicts CUT: checks on the ESP of $tmp/main.pcap (CUT: the cut
# the analysis measures from) and on P's SAs.
sw_esp_verdicts() {
	local bytes since
	cl_analyse --window "$SW_REPLAY_WINDOW" --cut "$1" "$tmp/main.pcap" > "$tmp/cut.json"
	cl_report "$tmp/cut.json"
	read -r bytes _ _ since <<< "$CL_IPERF"
	echo "# iperf3 srv -> P: $bytes bytes, $since after the takeover"
	check_eq "no (SPI, sequence number) sent twice by the cluster (capture on P)" 0 \
		"$(jq .reused "$tmp/cut.json")"
	cl_check_peer_clean "P counted no replay and no integrity failure"
	check_eq "P's XFRM statistics agree (sequence and protocol errors)" "0 0" \
		"$(cl_xfrm_mib peer XfrmInStateSeqError) $(cl_xfrm_mib peer XfrmInStateProtoError)"
}

# sw_wrap_up CUT NODES...: the capture stops; its IKE exchanges as
# comments (sw_ike_exchanges, ms from CUT); checks: no IKE_SA_INIT after
# CUT, P clean over the whole run, no error in the charon logs of P and
# NODES; the timeline from CUT (events before SW_TIMELINE_FROM, ms since
# the epoch, left out).
sw_wrap_up() {
	local cut=$1 n
	shift
	sw_capture_stop main
	echo "# IKE exchanges on P's LAN port (ms from the cut):"
	sw_ike_exchanges "$cut" "$tmp/main.pcap" | sed 's/^/#   /'
	check_eq "no IKE_SA_INIT sent or received by P after the first cut" 0 \
		"$(sw_ike_count_msgs ".exchange == 34 and .ms > $cut" "$tmp/main.pcap")"
	cl_check_peer_clean "P counted no replay and no integrity failure over the whole run"
	for n in P "$@"; do
		check "no error in $(sw_ns "$n")'s charon log" sw_log_errors "$n"
	done
	for n in "${CL_NODES[@]}"; do
		sw_notify_timeline "$n"
	done
	if [ -n "${SW_TIMELINE_FROM:-}" ]; then
		awk -v from="$SW_TIMELINE_FROM" '$1 >= from' "$tmp/timeline" > "$tmp/timeline.new" &&
			mv "$tmp/timeline.new" "$tmp/timeline"
	fi
	echo "# timeline (ms from the cut):"
	cl_timeline "$cut" | sed 's/^/#/'
}

# --- set-up checks and cleanup -------------------------------------------

sw_require() {
	local c
	cl_require
	# charon's retransmits, keepalived's adverts and DPD run on real time:
	# on a kernel whose ESP is 20 times slower they time out, and what
	# these tests check is the same on every kernel.
	if [ "$slow" != 1 ]; then
		echo "# SKIP: strongSwan tests do not run on slow (debug) kernels (IPSEC_HA_SLOW=$slow)"
		exit "$ksft_skip"
	fi
	for c in "$SW_CHARON" swanctl keepalived unshare; do
		command -v "$c" > /dev/null || { echo "# SKIP: $c missing"; exit "$ksft_skip"; }
	done
	if [ -n "$SWAN_PLUGIN" ] && [ ! -e "$SWAN_PLUGIN" ]; then
		echo "# SWAN_PLUGIN=$SWAN_PLUGIN does not exist"
		exit 1
	fi
	if [ -n "$SWAN_PEER_PLUGIN" ] && [ ! -e "$SWAN_PEER_PLUGIN" ]; then
		echo "# SWAN_PEER_PLUGIN=$SWAN_PEER_PLUGIN does not exist"
		exit 1
	fi
}

# sw_keep: the logs, configurations and captures to
# $IPSEC_HA_RUN_DIR/$SW_KEEP_DIR (default swan; a test of its own name keeps
# the others' logs of the same run).
sw_keep() {
	local dst=${IPSEC_HA_RUN_DIR:-}/${SW_KEEP_DIR:-swan}
	[ -n "${IPSEC_HA_RUN_DIR:-}" ] || return 0
	mkdir -p "$dst" || return 0
	cp "$tmp"/charon-*.log "$tmp"/charon-*.out "$tmp"/keepalived-*.log "$tmp"/notify.log.* \
		"$tmp"/*.pcap "$tmp/timeline" "$dst/" 2> /dev/null
	(cd "$SW_DIR" && find . -name '*.conf' ! -path './*/plugins/*' -exec cp --parents {} "$dst/" \;) 2> /dev/null
	return 0
}

sw_cleanup() {
	local name
	# keepalived first (its stop runs the notify script), then the daemons
	for name in "${!CL_PIDS[@]}"; do
		case $name in keepalived-*) sw_stop "$name" ;; esac
	done
	for name in "${!CL_PIDS[@]}"; do
		case $name in charon-*) sw_stop "$name" ;; esac
	done
	sw_keep
	cl_cleanup
}
