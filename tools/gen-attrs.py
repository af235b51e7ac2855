#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""
The ipsec-ha tool's attribute tables (tools/ipsec-ha/attrs_gen.c and
attrs_gen.h) from the netlink spec: for every attribute set, a table
indexed by attribute id with the attribute's spec name, its kind and, for
a binary of fixed length (exact-len), that length. The tool prints, parses
and turns into JSON what the kernel sends with them (attrs.c).

  gen-attrs.py [--spec SPEC] [-o DIR]    (make gen)
"""
import argparse
import os
import sys
import textwrap

import yaml

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SPEC = os.path.join(TOP, 'Documentation/netlink/specs/ipsec_ha.yaml')

KINDS = {
    'u8': 'AK_U8', 'u16': 'AK_U16', 'u32': 'AK_U32', 'u64': 'AK_U64',
    's32': 'AK_S32', 'string': 'AK_STRING', 'binary': 'AK_BINARY',
    'pad': 'AK_PAD', 'nest': 'AK_NEST', 'flag': 'AK_FLAG',
}

HEADER = """\
{comment} SPDX-License-Identifier: GPL-2.0 {end}
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/ipsec_ha.yaml */
/* by tools/gen-attrs.py (make gen) */
"""


def c_upper(name):
    return name.upper().replace('-', '_')


def c_lower(name):
    return name.lower().replace('-', '_')


class Spec:
    def __init__(self, path):
        with open(path) as f:
            self.y = yaml.safe_load(f)
        self.name = self.y['name']
        self.consts = {d['name']: d for d in self.y.get('definitions', [])}
        self.sets = self.y['attribute-sets']

    def limit(self, value):
        """A check's value in C: a number, or the uapi define of a const."""
        if isinstance(value, int):
            return str(value)
        if value in self.consts and self.consts[value]['type'] == 'const':
            return c_upper(f'{self.name}-{value}')
        raise Exception(f'unknown limit {value}')

    def attr_enum(self, attr_set, attr):
        prefix = attr_set.get('name-prefix', f"{self.name}-a-{attr_set['name']}-")
        return c_upper(prefix + attr['name'])

    def attr_max(self, attr_set):
        prefix = attr_set.get('name-prefix', f"{self.name}-a-{attr_set['name']}-")
        return c_upper(prefix + 'max')


def attr_line(spec, attr_set, attr):
    kind = KINDS.get(attr['type'])
    if kind is None:
        raise Exception(f"{attr_set['name']}.{attr['name']}: type {attr['type']} "
                        'has no kind in tools/ipsec-ha/attrs.h')
    checks = attr.get('checks', {})
    if kind == 'AK_BINARY' and 'exact-len' in checks:
        val = f"ATTR_BIN(\"{attr['name']}\", {spec.limit(checks['exact-len'])})"
    else:
        val = f"ATTR(\"{attr['name']}\", {kind})"
    idx = f'[{spec.attr_enum(attr_set, attr)}]'
    pad = max(1, (48 - 8 - len(idx) + 7) // 8)
    return '\t' + idx + '\t' * pad + '= ' + val + ','


def gen_source(spec):
    out = [HEADER.format(comment='//', end='').replace(' \n', '\n', 1), '#include <linux/ipsec_ha.h>', '',
           '#include "attrs.h"', '',
           '#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))', '',
           '#define ATTR(n, k)\t\t{ .name = (n), .kind = (k) }',
           '#define ATTR_BIN(n, l)\t\t{ .name = (n), .kind = AK_BINARY, .len = (l) }', '']
    for s in spec.sets:
        doc = ' '.join((s.get('doc') or '').split()).split('. ')[0].rstrip('.')
        name = c_lower(s['name'])
        lines = textwrap.wrap(f"{s['name']}: {doc}" if doc else s['name'], 74)
        if len(lines) == 1:
            out.append(f'/* {lines[0]} */')
        else:
            out += ['/*'] + [f' * {line}' for line in lines] + [' */']
        out.append(f'static const struct attr_desc {name}_attrs[] = {{')
        for a in s['attributes']:
            out.append(attr_line(spec, s, a))
        out.append('};')
        out.append('')
        out.append(f'_Static_assert(ARRAY_SIZE({name}_attrs) == {spec.attr_max(s)} + 1,')
        out.append(f'\t       "{s["name"]} attribute table out of date");')
        out.append('')
        out.append(f'const struct attr_set attrs_{name} = {{')
        out.append(f'\t"{s["name"]}", {name}_attrs, ARRAY_SIZE({name}_attrs) - 1,')
        out.append('};')
        out.append('')
    out.append('const struct attr_set *const attr_sets[] = {')
    for s in spec.sets:
        out.append(f"\t&attrs_{c_lower(s['name'])},")
    out.append('\tNULL,')
    out.append('};')
    return '\n'.join(out) + '\n'


def gen_header(spec):
    out = [HEADER.format(comment='/*', end='*/'),
           '#ifndef IPSEC_HA_ATTRS_GEN_H', '#define IPSEC_HA_ATTRS_GEN_H', '',
           '/* One table per attribute set of the spec (struct attr_set: attrs.h). */']
    for s in spec.sets:
        out.append(f"extern const struct attr_set attrs_{c_lower(s['name'])};")
    out += ['', '/* All sets, NULL terminated. */',
            'extern const struct attr_set *const attr_sets[];', '', '#endif']
    return '\n'.join(out) + '\n'


def main():
    ap = argparse.ArgumentParser(description=__doc__.strip().split('\n\n')[0])
    ap.add_argument('--spec', default=SPEC)
    ap.add_argument('-o', dest='out_dir', default=os.path.join(TOP, 'tools/ipsec-ha'))
    args = ap.parse_args()

    spec = Spec(args.spec)
    for name, text in (('attrs_gen.c', gen_source(spec)), ('attrs_gen.h', gen_header(spec))):
        with open(os.path.join(args.out_dir, name), 'w') as f:
            f.write(text)
    return 0


if __name__ == '__main__':
    sys.exit(main())
