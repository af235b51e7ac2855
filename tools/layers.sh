#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The call graph of the module's .c files, read from the objects of a
# build: an object that leaves a function undefined calls the object of
# the module that defines it. Prints the strongly connected components
# (files that call each other in a cycle), then the layers from the top
# (entry points) down to the leaves, and each file's calls. References to
# another file's data (the genetlink family, the pernet id) are no calls:
# they are listed apart, and with -d they count as dependencies too.
#
#   tools/layers.sh [-s] [-d] [build/<release>/module]
#
# Without a directory it reads the first build/*/module that has objects.
# -s also names the symbols behind each dependency.
# Needs nm (binutils) and python3.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
symbols=0
data=0
while [ $# -gt 0 ]; do
	case $1 in
	-s) symbols=1 ;;
	-d) data=1 ;;
	*) break ;;
	esac
	shift
done
dir=${1:-}
if [ -z "$dir" ]; then
	for d in "$top"/build/*/module; do
		if [ -f "$d/store.o" ]; then
			dir=$d
			break
		fi
	done
fi
if [ -z "$dir" ] || [ ! -f "$dir/store.o" ]; then
	echo "layers.sh: no built module objects (run make modules)" >&2
	exit 1
fi

# One line per symbol: "<object> <U|D> <symbol>"; D for a global definition.
for o in "$dir"/*.o; do
	case $o in
	*.mod.o | */ipsec_ha.o) continue ;;
	esac
	f=$(basename "$o" .o)
	nm "$o" | awk -v f="$f" '
		$1 == "U" { print f, "U", $2; next }
		NF == 3 && $2 == "T" { print f, "T", $3; next }
		NF == 3 && $2 ~ /^[DBRV]$/ { print f, "D", $3 }'
done | python3 -c '
import sys

symbols = sys.argv[1] == "1"
with_data = sys.argv[2] == "1"

defs, data, uses = {}, {}, {}
for line in sys.stdin:
    f, kind, sym = line.split()
    uses.setdefault(f, set())
    if kind == "T":
        defs[sym] = f
    elif kind == "D":
        data[sym] = f
    else:
        uses[f].add(sym)
if with_data:
    defs.update(data)

files = sorted(uses)
deps = {f: sorted({defs[s] for s in uses[f] if s in defs and defs[s] != f}) for f in files}
datarefs = {f: sorted({(data[s], s) for s in uses[f] if s in data and data[s] != f})
            for f in files}

# Tarjan: strongly connected components, each listed once.
index, low, stack, on, comps = {}, {}, [], set(), []
def visit(v):
    index[v] = low[v] = len(index)
    stack.append(v)
    on.add(v)
    for w in deps[v]:
        if w not in index:
            visit(w)
            low[v] = min(low[v], low[w])
        elif w in on:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        comp = []
        while True:
            w = stack.pop()
            on.discard(w)
            comp.append(w)
            if w == v:
                break
        comps.append(sorted(comp))
sys.setrecursionlimit(10000)
for f in files:
    if f not in index:
        visit(f)
comp_of = {f: i for i, c in enumerate(comps) for f in c}

# Layer of a component: 0 for leaves, else one above its highest dependency.
layer = {}
for i, c in enumerate(comps):	# Tarjan emits dependencies first
    below = [layer[comp_of[d]] for f in c for d in deps[f] if comp_of[d] != i]
    layer[i] = 1 + max(below) if below else 0

cycles = [c for c in comps if len(c) > 1]
print("strongly connected components (cycles): %d" % len(cycles))
for c in cycles:
    print("  " + " ".join(f + ".c" for f in c))
top = max(layer.values()) if layer else 0
print("layers: %d (top first)" % (top + 1))
for n in range(top, -1, -1):
    names = sorted("{" + " ".join(f + ".c" for f in comps[i]) + "}" if len(comps[i]) > 1
                   else comps[i][0] + ".c" for i in layer if layer[i] == n)
    print("  %2d  %s" % (n, " ".join(names)))
if not with_data:
    print("data of other files (not calls):")
    for f in files:
        if datarefs[f]:
            print("  %s.c: %s" % (f, " ".join("%s (%s.c)" % (s, d) for d, s in datarefs[f])))
print("calls:" if not with_data else "dependencies:")
for f in files:
    print("  %s.c -> %s" % (f, " ".join(d + ".c" for d in deps[f]) or "-"))
    if symbols:
        for d in deps[f]:
            print("      %s.c: %s" % (d, " ".join(sorted(s for s in uses[f] if defs.get(s) == d))))
' "$symbols" "$data"
