#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Soak, long form (the short one is selftests/soak.sh, the story is in
# selftests/soak_lib.sh): three nodes, cluster_lib's three SA pairs and N
# extra tunnel SA pairs carrying UDP from srv to the peer continuously,
# LOSS % loss on every HA link, and FAILOVERS failovers (the holder cut
# off, a random survivor takes over, the old holder comes back with its
# stale view), with standby blips and double failures in between. Checks
# from the peer's capture and counters and from every mirror, then a
# summary: failovers, packets, reused, replay and integrity failures, SAs
# in every mirror, outage per failover, duration. In a guest:
#
#   tools/vm/run -k 6.1 -m 2048 -t 3000 -- bench/soak.sh [FAILOVERS [N [LOSS]]]
#
# Defaults: 50 failovers, 200 extra SA pairs (406 SAs), 20% loss.
# Environment: SOAK_INTERVAL ms between two datagrams on one SA (200),
# SOAK_SEED the seed of the random choices (printed), SOAK_OUT a directory
# for the analyses, the cuts and the timeline (build/soak/<date>).

SOAK_INTERVAL=${SOAK_INTERVAL:-200}	# (before soak_lib.sh gives its own default)
# shellcheck source=selftests/soak_lib.sh
source "$(dirname "$0")/../selftests/soak_lib.sh"
require
cl_require
case ${1:-} in -h|--help)
	echo "usage: bench/soak.sh [FAILOVERS (50) [N extra SA pairs (200) [LOSS % on the HA link (20)]]]"
	exit 0 ;;
esac
SOAK_FAILOVERS=${1:-50}
SOAK_N=${2:-200}
SOAK_LOSS=${3:-20}
SOAK_OUT=${SOAK_OUT:-$top/build/soak/$(date +%Y%m%d-%H%M%S)}
SOAK_PFX=
soak_main
finish
