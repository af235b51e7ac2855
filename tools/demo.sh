#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo: boot a guest kernel (Debian's 6.1) and run the cluster story
# in it (tools/demo/swan.sh): a strongSwan peer, three strongSwan +
# keepalived nodes with the ipsec-ha module and charon plugin, node 1
# fails, node 2 takes the IKE SA and its CHILD SAs over. Needs `make`
# first (the module, the tool and the plugin); works from any directory.
# The logs, configurations and the capture stay in build/vm/runs/<id>/swan/.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
exec tools/vm/run -t 600 --test-env -- tools/demo/swan.sh
