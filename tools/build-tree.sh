#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Lay out an out-of-tree build directory for one kernel: links to the
# sources, so that objects of different kernels never mix.
set -e
top=$1
out=$2
mkdir -p "$out/module"
ln -sfn "$top/include" "$out/include"
ln -sf "$top/VERSION" "$out/VERSION"
ln -sf "$top/Kbuild" "$out/Kbuild"
for f in "$top"/module/*.c "$top"/module/*.h "$top"/module/Kbuild; do
	ln -sf "$f" "$out/module/"
done
# Drop links to sources that no longer exist.
for f in "$out"/module/*; do
	[ -L "$f" ] && [ ! -e "$f" ] && rm -f "$f"
done
exit 0
