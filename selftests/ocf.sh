#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The Pacemaker resource agent (tools/pacemaker/ipsec-ha) on two cluster
# members. ocf-tester, from resource-agents, runs its compliance sequence
# against n1. Then the agent is driven by hand as Pacemaker would: n2
# starts, promotes and takes over an SA and a policy n1 owns, demotes and
# gives them up, and stops; a promoted node whose HA link goes down reports
# a failed promoted instance; bad parameters are refused; promotion scores
# go to crm_attribute (a stub that records them).
#
#                        +--------- hub ---------+
#   n1 (node 1) ha0 ---- p1        br0           |
#   n2 (node 2) ha0 ---- p2                      |
#                        +-----------------------+
#   HA link: 239.192.0.1 UDP 7731, addresses 198.51.100.N/24 on ha0

# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/lib.sh"
require
# The agent is shell around the tool: what it checks is the same on every
# kernel, and the debug kernel's time is better spent on the module.
if [ "$slow" != 1 ]; then
	echo "# SKIP: the OCF agent test does not run on slow (debug) kernels (IPSEC_HA_SLOW=$slow)"
	exit "$ksft_skip"
fi

export OCF_ROOT=/usr/lib/ocf
AGENT=$top/tools/pacemaker/ipsec-ha
OCF_TESTER=$(command -v ocf-tester || echo /usr/sbin/ocf-tester)
[ -r "$OCF_ROOT/lib/heartbeat/ocf-shellfuncs" ] ||
	{ echo "# SKIP: resource-agents not installed ($OCF_ROOT/lib/heartbeat/ocf-shellfuncs)"; exit $ksft_skip; }
# The agent's state files, in the guest's /run as on a cluster node.
RSCTMP=/run/resource-agents

# OCF exit codes.
SUCCESS=0 GENERIC=1 INSTALLED=5 CONFIGURED=6 NOT_RUNNING=7 MASTER=8 FAILED_MASTER=9

pp load_module
hub_add
for i in 1 2; do
	add_ns "n$i"
	hub_plug "n$i" "$i"
done
ha n1 key generate "$tmp/cluster.key" > /dev/null
for i in 1 2; do
	# The form of the boot unit's ExecStart= lines, with a comment and a
	# line that names the tool.
	cat > "$tmp/n$i.conf" <<-EOF
	# ipsec-ha cluster member n$i
	key set file $tmp/cluster.key

	node set id $i
	ipsec-ha link set dev ha0 group 239.192.0.1 port 7731
	EOF
done

# ra NS ACTION [NAME=VALUE...]: run the agent's ACTION for the member in NS
# (resource ipsec_ha_NS) as a recurring operation, with the variables given;
# its output goes to $tmp/ra.out.
ra() {
	local ns=$1 action=$2
	shift 2
	env OCF_RESOURCE_INSTANCE="ipsec_ha_$ns" OCF_RESKEY_binary="$IPSEC_HA" \
		OCF_RESKEY_netns="$ns" OCF_RESKEY_config="$tmp/$ns.conf" \
		OCF_RESKEY_CRM_meta_interval=10000 OCF_RESKEY_CRM_meta_timeout=20000 \
		"$@" "$AGENT" "$action" > "$tmp/ra.out" 2>&1
}

# check_ra DESCRIPTION EXPECTED NS ACTION [NAME=VALUE...]
check_ra() {
	local desc=$1 want=$2 rc
	shift 2
	ra "$@"
	rc=$?
	if [ "$rc" = "$want" ]; then
		ok "$desc"
	else
		not_ok "$desc (exit $rc, expected $want)"
		sed 's/^/#   /' "$tmp/ra.out" | tail -n 10
	fi
}

# --- ocf-tester ------------------------------------------------------------

if ! command -v xmllint > /dev/null; then
	# ocf-tester checks the meta-data with xmllint (libxml2-utils, which
	# resource-agents only recommends).
	skip "ocf-tester passes" "xmllint missing (libxml2-utils)"
elif [ ! -x "$OCF_TESTER" ]; then
	skip "ocf-tester passes" "ocf-tester missing (resource-agents)"
else
	"$OCF_TESTER" -n ipsec_ha_n1 -o binary="$IPSEC_HA" -o netns=n1 \
		-o config="$tmp/n1.conf" "$AGENT" > "$tmp/tester.out" 2>&1
	rc=$?
	sed 's/^/#   /' "$tmp/tester.out"
	if [ $rc = 0 ] && grep -q "passed all tests" "$tmp/tester.out"; then
		ok "ocf-tester passes"
	else
		not_ok "ocf-tester passes (exit $rc)"
	fi
fi

# ocf-tester leaves the resource stopped; the member keeps its
# configuration (stop never removes it) and still syncs.
check_ra "n1: monitor of the stopped resource: not running" $NOT_RUNNING n1 monitor
check_ra "n1: probe of the stopped resource: not running" $NOT_RUNNING n1 monitor \
	OCF_RESKEY_CRM_meta_interval=0
check_ra "n1: start" $SUCCESS n1 start
check_eq "n1 is node 1 on the HA link" '[1,true]' "$(show_field n1 '[.node_id,.link.up]')"

# --- by hand: takeover of n1's SA by n2 ------------------------------------

SPI=0xc0de0001 SPI2=0xc0de0002
key20=0x0102030405060708090a0b0c0d0e0f1011121314
sa_add() {	# sa_add NS SPI
	ip -n "$1" xfrm state add src 192.0.2.1 dst 192.0.2.100 proto esp spi "$2" reqid 1 \
		mode tunnel aead 'rfc4106(gcm(aes))' $key20 128
}
n1_owns() {
	sa_add n1 $SPI && sa_add n1 $SPI2 &&
	ip -n n1 xfrm policy add src 10.0.1.0/24 dst 10.0.2.0/24 dir out \
		tmpl src 192.0.2.1 dst 192.0.2.100 proto esp reqid 1 mode tunnel
}
check "n1 owns two SAs and a policy" n1_owns

# in_sad NS [SPI]: whether NS holds n1's SA (SPI) in its SAD (1 or 0);
# in_spd: the policy.
in_sad() { ip -n "$1" xfrm state | grep -c "spi ${2:-$SPI} "; }
in_spd() { ip -n "$1" xfrm policy | grep -c "src 10.0.1.0/24 dst 10.0.2.0/24"; }
mirrors() { [ "$(ha n2 -j sa list | jq length)" = 2 ] && [ "$(ha n2 -j policy list | jq length)" = 1 ]; }

check_ra "n2: probe before start: not running" $NOT_RUNNING n2 monitor OCF_RESKEY_CRM_meta_interval=0
check_ra "n2: validate-all" $SUCCESS n2 validate-all
check_ra "n2: start (config applied)" $SUCCESS n2 start
check_eq "n2 is node 2, link up, keyed" '[2,true,true]' \
	"$(show_field n2 '[.node_id,.link.up,.key != null]')"
check "n2: the started state is recorded in $RSCTMP" test -f "$RSCTMP/ipsec-ha.ipsec_ha_n2.started"
check_ra "n2: monitor: running, unpromoted" $SUCCESS n2 monitor
check_ra "n2: start again: success" $SUCCESS n2 start
check "n2 mirrors n1's SAs and policy" wait_until 10 mirrors
check_eq "n2's SAD does not hold the SA before promote" 0 "$(in_sad n2)"
check_ra "n2: notify" $SUCCESS n2 notify \
	OCF_RESKEY_CRM_meta_notify_type=pre OCF_RESKEY_CRM_meta_notify_operation=promote

check_ra "n2: promote" $SUCCESS n2 promote
check "n2: the promoted role is recorded" test -f "$RSCTMP/ipsec-ha.ipsec_ha_n2.promoted"
check_ra "n2: monitor: running, promoted" $MASTER n2 monitor
check_ra "n2: probe: running, promoted" $MASTER n2 monitor OCF_RESKEY_CRM_meta_interval=0
check_eq "promote installed the SAs on n2" "1 1" "$(in_sad n2) $(in_sad n2 $SPI2)"
check_eq "promote installed the policy on n2" 1 "$(in_spd n2)"
owner() { ha "$1" -j sa list | jq -c '[.[].owner]'; }
check_eq "n2 owns the SAs" '[2,2]' "$(owner n2)"
check_ra "n2: promote again: success" $SUCCESS n2 promote
check_eq "n2 still holds the SA once" 1 "$(in_sad n2)"

check_ra "n2: demote" $SUCCESS n2 demote
check_ra "n2: monitor after demote: running, unpromoted" $SUCCESS n2 monitor
check_eq "demote removed the SAs from n2's SAD" "0 0" "$(in_sad n2) $(in_sad n2 $SPI2)"
check_eq "demote removed the policy from n2's SPD" 0 "$(in_spd n2)"
check_eq "the SAs stay mirrored on n2" 2 "$(ha n2 -j sa list | jq length)"
check_ra "n2: demote again: success" $SUCCESS n2 demote

check_ra "n2: promote (then stop)" $SUCCESS n2 promote
check_eq "n2 holds the SA again" 1 "$(in_sad n2)"
check_ra "n2: stop of the promoted resource" $SUCCESS n2 stop
check_eq "stop demoted: the SA left n2's SAD" 0 "$(in_sad n2)"
check_ra "n2: monitor after stop: not running" $NOT_RUNNING n2 monitor
check "n2: no state file left" sh -c "! ls $RSCTMP/ipsec-ha.ipsec_ha_n2.* 2> /dev/null"
check_ra "n2: stop again: success" $SUCCESS n2 stop
check_eq "stop kept the module and the member's configuration" '[2,true]' \
	"$(show_field n2 '[.node_id,.link.up]')"

# --- failures -------------------------------------------------------------

check_ra "n2: start, promote" $SUCCESS n2 start
ra n2 promote
ip -n n2 link set ha0 down
check_ra "n2: HA link down while promoted: failed promoted instance" $FAILED_MASTER n2 monitor
grep '^ocf-exit-reason' "$tmp/ra.out" | sed 's/^/#   /'
check_ra "n2: demote with the HA link down" $SUCCESS n2 demote
check_eq "the SA left n2's SAD" 0 "$(in_sad n2)"
check_ra "n2: HA link down while unpromoted: error" $GENERIC n2 monitor
ip -n n2 link set ha0 up
link_up() { ra n2 monitor; }
check "n2: the link comes back: monitor succeeds" wait_until 10 link_up

pp ha n2 link del
check_ra "n2: HA link removed: error" $GENERIC n2 monitor
check_ra "n2: stop" $SUCCESS n2 stop
check_ra "n2: start restores the link from the config file" $SUCCESS n2 start
check_ra "n2: monitor" $SUCCESS n2 monitor
check_ra "n2: stop" $SUCCESS n2 stop

# Parameters.
check_ra "promote_args 'node x' is refused" $CONFIGURED n2 validate-all \
	OCF_RESKEY_promote_args="node x"
check_ra "promote_args 'node 1 inbound strict' is accepted" $SUCCESS n2 validate-all \
	OCF_RESKEY_promote_args="node 1 inbound strict"
check_ra "promoted-max 2 is refused" $CONFIGURED n2 validate-all \
	OCF_RESKEY_CRM_meta_promoted_max=2
check_ra "a missing config file: not installed" $INSTALLED n2 validate-all \
	OCF_RESKEY_config="$tmp/none.conf"
check_ra "a missing tool: not installed" $INSTALLED n2 validate-all \
	OCF_RESKEY_binary="$tmp/none"
check_ra "a missing namespace: not installed" $INSTALLED n2 start OCF_RESKEY_netns=none
check_ra "probe without the tool: not running" $NOT_RUNNING n2 monitor \
	OCF_RESKEY_binary="$tmp/none" OCF_RESKEY_CRM_meta_interval=0
printf 'node set id\n' > "$tmp/bad.conf"
check_ra "a config line the tool refuses: configuration error" $CONFIGURED n2 start \
	OCF_RESKEY_config="$tmp/bad.conf"
check_ra "and the resource is not started" $NOT_RUNNING n2 monitor
# promote_args reach the tool. Since its first takeover n2 owns the SA
# (demote leaves it so): `node 1` takes nothing, `node 2` takes it.
check_ra "n2: start" $SUCCESS n2 start
check_ra "n2: promote with promote_args 'node 1'" $SUCCESS n2 promote OCF_RESKEY_promote_args="node 1"
check_eq "nothing taken: node 1 owns nothing now" 0 "$(in_sad n2)"
check_ra "n2: demote" $SUCCESS n2 demote
check_ra "n2: promote with promote_args 'node 2 inbound strict'" $SUCCESS n2 promote \
	OCF_RESKEY_promote_args="node 2 inbound strict"
check_eq "n2 holds the SA it had demoted" 1 "$(in_sad n2)"
check_ra "n2: stop" $SUCCESS n2 stop

# A promote that takes over some SAs but not all succeeds: failing it
# would make the cluster manager remove them all again. n1 gets an SA of
# its own with n2's SPI2 (an IKE daemon's, say), so n1's promote installs
# the SA with SPI and reports SPI2 as in use.
check "n1's own SA collides with SPI2" sa_add n1 $SPI2
check_ra "n1: promote with a failed SA: success" $SUCCESS n1 promote
grep -i 'WARN' "$tmp/ra.out" | sed 's/^/#   /'
check_ra "n1: monitor: promoted" $MASTER n1 monitor
check_eq "n1 took over the SA with SPI" 1 "$(in_sad n1)"
# Demote gives up what other nodes first announced; n1 first announced
# the SA with SPI, so n1 keeps it in its SAD after its demote, until another
# node takes it over: n1 then removes it as lost.
check_ra "n1: stop" $SUCCESS n1 stop
check_eq "n1 keeps the SA it first announced" 1 "$(in_sad n1)"
check_ra "n2: start" $SUCCESS n2 start
check_ra "n2: promote" $SUCCESS n2 promote
check_eq "n2 took the SA over" 1 "$(in_sad n2)"
lost() { [ "$(in_sad n1)" = 0 ]; }
check "n1 removed the SA it lost" wait_until 10 lost
check_ra "n2: stop" $SUCCESS n2 stop

# Promotion scores, through a crm_attribute that records its arguments.
mkdir "$tmp/sbin"
cat > "$tmp/sbin/crm_attribute" <<EOF
#!/bin/sh
echo "\$*" >> "$tmp/scores"
EOF
chmod 755 "$tmp/sbin/crm_attribute"
for a in start monitor promote demote stop; do
	ra n2 $a HA_SBIN_DIR="$tmp/sbin" OCF_RESKEY_CRM_meta_interval=0
done
# Debian 12's ocf-shellfuncs calls `crm_attribute -p $@` (the resource
# name is missing), Debian 13's `crm_attribute -p <resource> $@`: the name
# is left out of the comparison.
check_eq "scores: 100 at start and probe, 1000 at promote, 100 at demote, deleted at stop" \
	"-p -Q -v 100,-p -Q -v 100,-p -Q -v 1000,-p -Q -v 100,-p -D" \
	"$(sed -E 's/^-p [^ -][^ ]* /-p /' "$tmp/scores" | paste -s -d,)"

finish
