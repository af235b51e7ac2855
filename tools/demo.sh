#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo: boot a guest kernel and run the cluster story in it.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
exec tools/vm/run -t 600 -- tools/demo/cluster.sh
