#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""
The netlink family's numbers are ABI: a command, attribute or enum value
keeps its number once released, and new ones are added after the last.
Documentation/netlink/abi.txt lists every name of the uapi header
(include/uapi/linux/ipsec_ha.h) with its value. This script checks the
header against it (tools/lint.sh): a listed name whose value changed, or
that is gone, fails; so does a name not listed yet. --update appends the
new names (make gen) and never changes a listed one.

  nl_abi.py [--update]
"""
import os
import re
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HEADER = os.path.join(TOP, 'include/uapi/linux/ipsec_ha.h')
ABI = os.path.join(TOP, 'Documentation/netlink/abi.txt')


def header_values():
    """Every numeric #define and enum member of the header, in order."""
    vals = []
    text = open(HEADER).read()
    for m in re.finditer(r'^#define\s+(IPSEC_HA_\w+)\s+(\d+|0x[0-9a-fA-F]+)\s*$', text, re.M):
        vals.append((m.group(1), int(m.group(2), 0)))
    for body in re.findall(r'enum\s*\w*\s*{(.*?)}', text, re.S):
        nxt = 0
        for item in body.split(','):
            item = re.sub(r'/\*.*?\*/', '', item, flags=re.S).strip()
            if not item:
                continue
            name, _, expr = (p.strip() for p in item.partition('='))
            if expr:
                if not re.fullmatch(r'\d+|0x[0-9a-fA-F]+', expr):
                    continue        # NAME_MAX = (__NAME_MAX - 1)
                nxt = int(expr, 0)
            if not name.startswith('__'):
                vals.append((name, nxt))
            nxt += 1
    return vals


def main():
    update = sys.argv[1:] == ['--update']
    listed = {}
    if os.path.exists(ABI):
        for line in open(ABI):
            if line.strip() and not line.startswith('#'):
                name, val = line.split()
                listed[name] = int(val)
    have = dict(header_values())
    bad = [f'{n}: {v} in abi.txt, {have.get(n, "gone")} in the header'
           for n, v in listed.items() if have.get(n) != v]
    new = [(n, v) for n, v in header_values() if n not in listed]
    for b in bad:
        print(f'nl_abi: {b}')
    if bad:
        print('nl_abi: released numbers changed: add new commands, attributes '
              'and values after the last one of their list')
        return 1
    if new and update:
        with open(ABI, 'a') as f:
            if not listed:
                f.write('# The numbers of the uapi header, as released: '
                        'tools/nl_abi.py checks them (tools/lint.sh)\n'
                        '# and appends new names (make gen); a listed '
                        'number never changes.\n')
            f.writelines(f'{n} {v}\n' for n, v in new)
        print(f'nl_abi: {len(new)} new name(s) appended to abi.txt')
    elif new:
        print(f'nl_abi: not in abi.txt yet (make gen): {", ".join(n for n, _ in new)}')
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
