#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""
Every attribute a netlink handler of the module reads is one its op's
request lists in the spec (tools/lint.sh).

genetlink allocates info->attrs with one entry per attribute up to the
highest one of the op's generated policy (its maxattr): a handler that
reads an attribute above it reads past the array (KASAN: slab out of
bounds), and one that reads an attribute below it but not in the policy
reads a NULL that no request can fill. Either is a bug.

A read is attrs[X] or info->attrs[X], GENL_REQ_ATTR_CHECK(info, X), or X
passed to a function of the scanned files at a parameter that function
reads that way; the reads of a handler (ipsec_ha_nl_<op>_doit) are those
of every scanned function it reaches through calls. Reads of computed
indices (attrs[IPSEC_HA_A_IKE_SK_D + k]) count as their base attribute.

  nl_attr_audit.py [--spec SPEC] [FILE.c ...]    (default: module/nl*.c,
                                                  module/netlink.c,
                                                  module/nodeinfo.c)
"""
import argparse
import glob
import os
import re
import sys

import yaml

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SPEC = os.path.join(TOP, 'Documentation/netlink/specs/ipsec_ha.yaml')
ATTR = r'(IPSEC_HA_A_\w+)'
IDENT = r'[A-Za-z_]\w*'


def c_upper(name):
    return name.upper().replace('-', '_')


def op_requests(spec):
    """Handler name -> (op name, set of attribute enum names it may read)."""
    y = yaml.safe_load(open(spec))
    fam = y['name']
    sets = {s['name']: s for s in y['attribute-sets']}
    ops = {}
    for op in y['operations']['list']:
        for mode in ('do', 'dump'):
            if mode not in op or not isinstance(op[mode], dict):
                continue
            aset = sets[op['attribute-set']]
            prefix = aset.get('name-prefix', f"{fam}-a-{aset['name']}-")
            attrs = op[mode].get('request', {}).get('attributes', [])
            handler = f"{fam}_nl_{op['name']}_{mode}it".replace('-', '_')
            ops[handler] = (op['name'], {c_upper(prefix + a) for a in attrs})
    return ops


def strip_comments(text):
    text = re.sub(r'/\*.*?\*/', lambda m: '\n' * m.group(0).count('\n'), text, flags=re.S)
    return re.sub(r'//[^\n]*', '', text)


def functions(text):
    """Function name -> (parameter names, body) of top-level definitions."""
    out = {}
    for m in re.finditer(r'^(?:[\w\s\*]+?)\b(' + IDENT + r')\(([^;{]*?)\)\s*\n\{', text, re.M):
        name, params = m.group(1), m.group(2)
        depth, i = 1, m.end()
        while depth and i < len(text):
            depth += {'{': 1, '}': -1}.get(text[i], 0)
            i += 1
        names = []
        for p in params.split(','):
            ids = re.findall(IDENT, p)
            names.append(ids[-1] if ids else '')
        out[name] = (names, text[m.end():i])
    return out


def call_args(body, fname):
    """Argument lists (split at top-level commas) of the calls of fname in body."""
    for m in re.finditer(r'\b' + re.escape(fname) + r'\s*\(', body):
        depth, i, args, cur = 1, m.end(), [], ''
        while depth and i < len(body):
            c = body[i]
            if c == '(':
                depth += 1
            elif c == ')':
                depth -= 1
                if not depth:
                    break
            if c == ',' and depth == 1:
                args.append(cur)
                cur = ''
            else:
                cur += c
            i += 1
        args.append(cur)
        yield args


def direct_reads(body, names):
    """Attribute enums body reads, and which parameters of names it reads by."""
    reads = set(re.findall(r'attrs\s*\[\s*' + ATTR, body))
    reads |= set(re.findall(r'GENL_REQ_ATTR_CHECK\s*\(\s*\w+\s*,\s*' + ATTR, body))
    params = set()
    for p in names:
        if p and (re.search(r'attrs\s*\[\s*' + re.escape(p) + r'\b', body) or
                  re.search(r'GENL_REQ_ATTR_CHECK\s*\(\s*\w+\s*,\s*' + re.escape(p) + r'\b', body)):
            params.add(p)
    return reads, params


def main():
    ap = argparse.ArgumentParser(description=__doc__.strip().split('\n\n')[0])
    ap.add_argument('--spec', default=SPEC)
    ap.add_argument('-v', dest='verbose', action='store_true',
                    help="list every handler's reads")
    ap.add_argument('files', nargs='*')
    args = ap.parse_args()
    files = args.files or sorted(set(glob.glob(os.path.join(TOP, 'module/nl*.c')) +
                                     [os.path.join(TOP, 'module/netlink.c'),
                                      os.path.join(TOP, 'module/nodeinfo.c')]))

    funcs = {}
    for f in files:
        for name, fn in functions(strip_comments(open(f).read())).items():
            funcs[name] = fn
    info = {}
    for name, (params, body) in funcs.items():
        reads, pread = direct_reads(body, params)
        info[name] = [reads, {params.index(p) for p in pread}]
    # Parameters read through a call to another function that reads them.
    changed = True
    while changed:
        changed = False
        for name, (params, body) in funcs.items():
            for callee in funcs:
                if callee == name:
                    continue
                for argv in call_args(body, callee):
                    for pos in info[callee][1]:
                        if pos >= len(argv):
                            continue
                        arg = argv[pos].strip()
                        if arg in params and params.index(arg) not in info[name][1]:
                            info[name][1].add(params.index(arg))
                            changed = True
                        for a in re.findall(ATTR, arg):
                            if a not in info[name][0]:
                                info[name][0].add(a)
                                changed = True

    def reach(name, seen):
        if name in seen:
            return set()
        seen.add(name)
        reads = set(info[name][0])
        for callee in funcs:
            if callee != name and re.search(r'\b' + re.escape(callee) + r'\s*\(', funcs[name][1]):
                reads |= reach(callee, seen)
        return reads

    bad = 0
    handlers = op_requests(args.spec)
    for handler, (op, allowed) in sorted(handlers.items()):
        if handler not in funcs:
            print(f'{handler}: handler of {op} not found in the scanned files')
            bad += 1
            continue
        reads = reach(handler, set())
        if args.verbose:
            print(f"{handler}: reads {' '.join(sorted(reads)) or 'nothing'}")
        for a in sorted(reads - allowed):
            print(f'{handler} ({op}) reads {a}, which the request of {op} does not list')
            bad += 1
    for name in funcs:
        if re.fullmatch(r'ipsec_ha_nl_\w+_(do|dump)it', name) and name not in handlers:
            print(f'{name}: no op of the spec has this handler')
            bad += 1
    if not bad:
        print(f'{len(handlers)} handlers read only the attributes of their op')
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
