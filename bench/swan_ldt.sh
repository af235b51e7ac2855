#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# strongSwan's load-tester plugin on P, for the benches on swan_lib.sh's
# cluster (sourced before swan_lib.sh). P's charon initiates many IKE SAs
# to the VIP, each from its own address in LDT_NET on P's lan0 (PSK,
# aes128-sha256-x25519, ESP aes128gcm16 in tunnel mode, no rekeys); the
# nodes answer them with the connection "ldt".
#
#   bench/swan_ldt.sh --build     (host) build load-tester into build/strongswan
#
# ldt_setup [DPD]: sets SWAN_PEER_PLUGIN, SWAN_PEER_CONF, SWAN_NODE_CONF
# and SWAN_NODE_SWANCTL for swan_lib.sh; DPD is load-tester's dpd_delay in
# seconds (0, the default: no DPD). After sw_setup, ldt_routes.
# ldt_initiate COUNT DELAY, ike_sas NODE, half_open NODE, log_ms LINE:
# below.

ldt_top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LDT_SO=$ldt_top/build/strongswan/libstrongswan-load-tester.so
LDT_NET=10.200.0.0/16

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	[ "${1:-}" = --build ] || { echo "usage: $0 --build" >&2; exit 2; }
	tree=$("$ldt_top/tools/strongswan/source.sh" path) || exit 1
	make -C "$tree/src/libcharon/plugins/load_tester" > /dev/null || exit 1
	mkdir -p "$ldt_top/build/strongswan"
	cp "$tree/src/libcharon/plugins/load_tester/.libs/libstrongswan-load-tester.so" "$LDT_SO"
	echo "$LDT_SO"
	exit 0
fi

# The SWAN_* settings are read by swan_lib.sh:
# shellcheck disable=SC2034
ldt_setup() {
	local dpd=${1:-0} psk table
	psk=ldt-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
	SWAN_PEER_PLUGIN=$LDT_SO
	# charon's IKE SA table: one bucket by default, a list walk per
	# lookup; strongSwan's documentation advises a larger table for many
	# IKE SAs.
	table="charon {
	ikesa_table_size = 1024
	ikesa_table_segments = 16
}"
	# P: load-tester (settings of load_tester_config.c,
	# load_tester_plugin.c, load_tester_creds.c, load_tester_control.c).
	# child_rekey = 0 and ike_rekey = 0: no lifetimes, no rekeys; addrs:
	# one address per IKE SA, installed as /32 on lan0 (a shared prefix
	# would make them secondaries of the first, removed with it) by
	# kernel-netlink's add_ip, which needs install_virtual_ip (swan_lib
	# turns it off; a later value wins).
	SWAN_PEER_CONF="$table
charon {
	install_virtual_ip = yes
	# strongSwan's default retransmits (swan_lib's are for one IKE SA):
	# a storm of N IKE_SA_INITs must not give up after 11 s
	retransmit_timeout = 4
	retransmit_base = 1.8
	retransmit_tries = 5
	plugins {
		load-tester {
			enable = yes
			version = 2
			responder = $CL_VIP
			proposal = aes128-sha256-x25519
			esp = aes128gcm16
			initiator_auth = psk
			responder_auth = psk
			preshared_key = $psk
			ike_rekey = 0
			child_rekey = 0
			dpd_delay = $dpd
			mode = tunnel
			addrs {
				lan0 = $LDT_NET
			}
			addrs_prefix = 32
			socket = unix:///run/charon.ldt
		}
	}
}"
	# The nodes answer every IKE_SA_INIT without a COOKIE round
	# (threshold 30 half-open IKE SAs by default): a retransmitted
	# IKE_SA_INIT that arrives once the count fell below it makes a
	# second IKE SA, and the peer's IKE_AUTH then fails on one of them.
	SWAN_NODE_CONF="$table
charon {
	cookie_threshold = 100000
}"
	# The nodes: a responder connection for load-tester's initiators
	# (their IDs c<N>-r1.strongswan.org, the responder's
	# srv.strongswan.org), traffic selectors the IKE addresses (VIP <->
	# P's address of that IKE SA).
	SWAN_NODE_SWANCTL="connections {
	ldt {
		version = 2
		local_addrs = $CL_VIP
		remote_addrs = %any
		proposals = aes128-sha256-x25519
		rekey_time = 0
		local {
			auth = psk
			id = srv.strongswan.org
		}
		remote {
			auth = psk
			id = %any
		}
		children {
			ldt {
				local_ts = dynamic
				remote_ts = dynamic
				esp_proposals = aes128gcm16
				mode = tunnel
				rekey_time = 0
				life_time = 0
			}
		}
	}
}
secrets {
	ike-ldt {
		secret = \"$psk\"
	}
}"
}

# ldt_initiate COUNT DELAY: load-tester initiates COUNT IKE SAs, DELAY ms
# apart, and answers when all are established or failed ("." initiated,
# "+" established, "-" failed, "*" retransmit, "!" not initiated). The
# socket is /run/charon.ldt in P's mount namespace.
ldt_initiate() {
	python3 - "$SW_DIR/peer/run/charon.ldt" "$1" "$2" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
s.sendall(("%s %s\n" % (sys.argv[2], sys.argv[3])).encode())
out = b""
while True:
    d = s.recv(65536)
    if not d:
        break
    out += d
o = out.decode(errors="replace")
print("established=%d failed=%d retransmits=%d not_initiated=%d" %
      (o.count("+"), o.count("-"), o.count("*"), o.count("!")))
PY
}

# ldt_routes: every node routes LDT_NET, P's load-tester addresses, to P.
ldt_routes() {
	local nd
	for nd in "${CL_NODES[@]}"; do
		ip -n "$nd" route replace "$LDT_NET" via "$CL_PEER" dev lan0
	done
}

# ike_sas NODE: the IKE SAs NODE's charon has (swanctl --stats).
ike_sas() { sw "$1" --stats 2> /dev/null | sed -n 's/^IKE_SAs: \([0-9]*\) total.*/\1/p'; }
# half_open NODE
half_open() { sw "$1" --stats 2> /dev/null | sed -n 's/^IKE_SAs: .*, \([0-9]*\) half-open.*/\1/p'; }
# p_loaded: P's charon loaded load-tester.
p_loaded() { sw P --stats | grep -qw load-tester; }

# log_ms LINE: the time (ms since the epoch) of a charon log line (%T.ms).
log_ms() {
	local hms=${1%% *}
	date -d "$(date +%F) $hms" +%s%3N 2> /dev/null
}

# median V...: the median of integers.
median() { printf '%s\n' "$@" | sort -n | sed -n "$(( ($# + 1) / 2 ))p"; }
