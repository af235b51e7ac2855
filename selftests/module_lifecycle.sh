#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The module loads and unloads cleanly: with nothing configured, with
# configured members, and while namespaces come and go around it.

# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/lib.sh"
require

pp unload_module
for i in 1 2 3; do
	check "load/unload with nothing configured ($i)" sh -c "$(declare -f module_deps load_module unload_module); KO='$KO'; load_module && unload_module"
done

# Two members with links and keys, then unload under them.
pp load_module
add_ns n1
add_ns n2
link_ns n1 n2 ha0
ha n1 key generate "$tmp/key"
for n in 1 2; do
	ha n$n node set id $n
	ha n$n link set dev ha0 group 239.192.0.1 port 7731
	ha n$n key set file "$tmp/key"
done
check "unload with two configured members" unload_module
check "the tool says the module is gone" sh -c "! ip netns exec n1 '$IPSEC_HA' show 2>&1 | grep -q node"
check "load again" load_module
check_eq "state starts afresh after a reload" null "$(show_field n1 .node_id)"

# Namespaces created and destroyed while the module is loaded and unloaded
# (3 on a slow kernel: the debug kernel's check-debug.sh churns more, with
# traffic, on its own).
churn() {
	local i n=30
	[ "$slow" = 1 ] || n=3
	for i in $(seq 1 $n); do
		ip netns add churn$i 2> /dev/null || continue
		ip -n churn$i link add ha0 type veth peer name ha1
		ip -n churn$i link set ha0 up
		ip -n churn$i link set ha1 up
		ip netns exec churn$i "$IPSEC_HA" node set id $i > /dev/null 2>&1
		ip netns exec churn$i "$IPSEC_HA" link set dev ha0 group 239.1.1.$i port 7731 > /dev/null 2>&1
		ip netns del churn$i
	done
}
churn &
churner=$!
cycles=0
while kill -0 "$churner" 2> /dev/null; do
	unload_module && load_module && cycles=$((cycles + 1))
done
wait "$churner"
check "load/unload cycles during namespace churn ($cycles cycles)" test "$cycles" -gt 0
check "module still answers" load_module
check "a member configures after the churn" ha n1 node set id 1

finish
