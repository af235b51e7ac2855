#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Soak, short form (the long one is bench/soak.sh): three nodes own and
# mirror 60 extra tunnel SA pairs besides cluster_lib's three, each
# carrying UDP from srv to the peer continuously, with 20% loss on every
# HA link, through 6 failovers among random survivors, standby blips and
# double failures, each failed node coming back with its stale view
# (selftests/soak_lib.sh tells the story). The peer's capture must show no
# (SPI, seq) twice, the peer no replay or integrity failure, every mirror
# all SAs and policies at the end. About 3 minutes on 6.1; on a slow
# kernel (IPSEC_HA_SLOW) 6 extra pairs, less traffic and 2 failovers.
#
#   peer 192.0.2.100 ---- br-lan ---- n1, n2, n3 (one holds the VIP 192.0.2.1) ---- br-in ---- srv
#   lo 10.20.X.Y (60)                 ha0 on br-ha, netem loss 20%                  in0 10.21.X.Y (60)
#   (the full drawing is in cluster_lib.sh)

# shellcheck source=selftests/soak_lib.sh
source "$(dirname "$0")/soak_lib.sh"
require
cl_require

SOAK_N=60 SOAK_FAILOVERS=6 SOAK_INTERVAL=100
if [ "$slow" != 1 ]; then
	# a slow kernel: fewer SAs, each sending less often, fewer failovers
	# (the debug kernel with x4: nodes take 30-100 s to converge after a
	# return under 20% loss, and 4 failovers did not fit in 600 s)
	SOAK_N=6
	SOAK_FAILOVERS=2
	SOAK_INTERVAL=$((100 * slow))
fi
soak_main
finish
