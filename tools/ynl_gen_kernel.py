#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""
The module's netlink policies and split ops (module/nl_gen.c, nl_gen.h)
from the spec, by the kernel's own generator (ynl-gen-c.py --mode kernel
of linux-source-6.12). tools/ynl.sh gen-kernel runs it.

The 6.12 generator is imported, not copied, and five of its pieces are
replaced or wrapped here because they do not fit this module:

  * a binary attribute with both min-len and max-len makes it raise
    "not implemented": it becomes NLA_POLICY_RANGE(NLA_BINARY, min, max),
    max-len alone NLA_POLICY_MAX(NLA_BINARY, max) (6.1 and 6.12 have no
    NLA_POLICY_MAX_LEN), min-len alone NLA_POLICY_MIN_LEN();
  * a big-endian integer gets the NLA_BE16/NLA_BE32 policy type, as
    nla_get_in_addr() readers expect (the generator says NLA_U32);
  * the range structures of NLA_POLICY_FULL_RANGE() are not const:
    6.1's struct nla_policy points to a non-const one;
  * a split op whose request lists no attribute gets no policy from the
    generator, and 6.12 then parses none of its attributes: it ignores
    them, where 6.1 (and genl_ops on 6.12) refuses them. Such an op gets
    a policy that refuses every attribute (as the kernel's own
    genl_policy_reject_all), so a stray attribute is an error on every
    kernel;
  * a genetlink-legacy family gets no family struct from the generator
    and its multicast group table stays static and unused: the table is
    exported here with the flags of the spec (uns-admin-perm: subscribers
    need CAP_NET_ADMIN in the namespace's user namespace), and the family
    struct is written by hand in module/netlink.c, where compat.h fits
    the split ops to 6.1 (no genl_split_ops there).

The file preamble (includes) is written here as well: the generator
includes <uapi/linux/...> and the spec's kernel headers in angle brackets,
where this out-of-tree module needs "compat.h" first (6.1's stand-in for
struct genl_split_ops). Everything else is the generator's own code.

  ynl_gen_kernel.py YNL_DIR --spec SPEC (--source | --header) -o OUT
"""
import argparse
import importlib.util
import os
import sys


def load_generator(ynl_dir):
    sys.path.insert(0, ynl_dir)
    spec = importlib.util.spec_from_file_location('ynl_gen_c', os.path.join(ynl_dir, 'ynl-gen-c.py'))
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    return gen


def patch(gen):
    def binary_policy(self, policy):
        checks = self.checks
        unknown = set(checks) - {'exact-len', 'min-len', 'max-len'}
        if unknown:
            raise Exception(f'{self.name}: binary check(s) {sorted(unknown)} not supported')
        if 'exact-len' in checks:
            if len(checks) > 1:
                raise Exception(f'{self.name}: exact-len goes alone')
            return 'NLA_POLICY_EXACT_LEN(' + self.get_limit_str('exact-len') + ')'
        for limit in ('min-len', 'max-len'):
            if limit in checks and self.get_limit(limit) > 32767:
                raise Exception(f'{self.name}: {limit} above the s16 of a policy')
        if 'min-len' in checks and 'max-len' in checks:
            if self.get_limit('min-len') > self.get_limit('max-len'):
                raise Exception(f'{self.name}: min-len above max-len')
            return ('NLA_POLICY_RANGE(NLA_BINARY, ' + self.get_limit_str('min-len') + ', ' +
                    self.get_limit_str('max-len') + ')')
        if 'min-len' in checks:
            return 'NLA_POLICY_MIN_LEN(' + self.get_limit_str('min-len') + ')'
        if 'max-len' in checks:
            return 'NLA_POLICY_MAX(NLA_BINARY, ' + self.get_limit_str('max-len') + ')'
        return '{ .type = NLA_BINARY, }'

    gen.TypeBinary._attr_policy = binary_policy

    scalar_policy = gen.TypeScalar._attr_policy

    def scalar_be_policy(self, policy):
        if self.attr.get('byte-order') == 'big-endian':
            if self.type not in ('u16', 'u32'):
                raise Exception(f'{self.name}: no big-endian policy type for {self.type}')
            if self.checks:
                raise Exception(f'{self.name}: checks on a big-endian integer not supported')
            return '{ .type = NLA_BE' + self.type[1:] + ', }'
        return scalar_policy(self, policy)

    gen.TypeScalar._attr_policy = scalar_be_policy

    def policy_ranges(family, cw):
        first = True
        for _, attr_set in family.attr_sets.items():
            if attr_set.subset_of:
                continue
            for _, attr in attr_set.items():
                if not attr.request or 'full-range' not in attr.checks:
                    continue
                if first:
                    cw.p('/* Integer value ranges (not const: 6.1 points to them as non-const) */')
                    first = False
                sign = '' if attr.type[0] == 'u' else '_signed'
                suffix = 'ULL' if attr.type[0] == 'u' else 'LL'
                cw.block_start(line=f'static struct netlink_range_validation{sign} '
                               f'{gen.c_lower(attr.enum_name)}_range =')
                members = []
                if 'min' in attr.checks:
                    members.append(('min', attr.get_limit_str('min', suffix=suffix)))
                if 'max' in attr.checks:
                    members.append(('max', attr.get_limit_str('max', suffix=suffix)))
                cw.write_struct_init(members)
                cw.block_end(line=';')
                cw.nl()

    gen.print_kernel_policy_ranges = policy_ranges


REJECT_ALL = 'ipsec_ha_reject_all_nl_policy'


def reject_all_policy(cw):
    cw.p('/* Ops whose request lists no attribute: every attribute is refused. */')
    cw.block_start(line=f'static const struct nla_policy {REJECT_ALL}[2] =')
    cw.p('[0] = { .type = NLA_REJECT, },')
    cw.p('[1] = { .type = NLA_REJECT, },')
    cw.block_end(line=';')
    cw.nl()


def op_table(gen, family, cw):
    """The generator's split ops table; ops without a policy get REJECT_ALL."""
    write_struct_init = cw.write_struct_init

    def init(members):
        keys = [k for k, _ in members]
        if 'cmd' in keys and 'policy' not in keys and ('doit' in keys or 'dumpit' in keys):
            i = keys.index('flags')
            members = members[:i] + [('policy', REJECT_ALL), ('maxattr', '1')] + members[i:]
        write_struct_init(members)

    cw.write_struct_init = init
    try:
        gen.print_kernel_op_table(family, cw)
    finally:
        cw.write_struct_init = write_struct_init


MCAST_FLAGS = {'uns-admin-perm': 'GENL_MCAST_CAP_NET_ADMIN'}


def mcgrp_src(gen, family, cw):
    grps = family.mcgrps['list']
    if not grps:
        return
    cw.block_start(f'const struct genl_multicast_group {family.c_name}_nl_mcgrps[{len(grps)}] =')
    for grp in grps:
        grp_id = gen.c_upper(f"{family.ident_name}-nlgrp-{grp['name']}")
        flags = grp.get('flags', [])
        for f in flags:
            if f not in MCAST_FLAGS:
                raise Exception(f"multicast group {grp['name']}: flag {f} not supported")
        members = [('name', '"' + grp['name'] + '"')]
        if flags:
            members.append(('flags', ' | '.join(MCAST_FLAGS[f] for f in flags)))
        cw.block_start(line=f'[{grp_id}] =')
        cw.write_struct_init(members)
        cw.block_end(line=',')
    cw.block_end(line=';')
    cw.nl()


def mcgrp_hdr(gen, family, cw):
    grps = family.mcgrps['list']
    if not grps:
        return
    gen.print_kernel_mcgrp_hdr(family, cw)
    cw.p(f'extern const struct genl_multicast_group {family.c_name}_nl_mcgrps[{len(grps)}];')
    cw.nl()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('ynl_dir', help="directory of the kernel's ynl-gen-c.py")
    ap.add_argument('--spec', required=True)
    mode = ap.add_mutually_exclusive_group(required=True)
    mode.add_argument('--header', dest='header', action='store_true')
    mode.add_argument('--source', dest='header', action='store_false')
    ap.add_argument('-o', dest='out_file', required=True)
    args = ap.parse_args()

    gen = load_generator(args.ynl_dir)
    patch(gen)

    parsed = gen.Family(args.spec, [])
    if parsed.kernel_policy != 'split':
        raise Exception('the module takes split ops (kernel-policy: split)')
    if parsed.proto != 'genetlink-legacy':
        raise Exception('a genetlink family gets its family struct from the generator: '
                        'drop the hand-written one in module/netlink.c first')

    cw = gen.CodeWriter(gen.BaseNlLib(), args.out_file)
    _, spec_kernel = gen.find_kernel_root(args.spec)
    if args.header:
        cw.p(f'/* SPDX-License-Identifier: {parsed.license} */')
    else:
        cw.p(f'// SPDX-License-Identifier: {parsed.license}')
    cw.p('/* Do not edit directly, auto-generated from: */')
    cw.p(f'/*\t{spec_kernel} */')
    cw.p(f"/* YNL-GEN kernel {'header' if args.header else 'source'} */")
    cw.p('/* by tools/ynl_gen_kernel.py (make gen) */')
    cw.nl()

    hdr_prot = f'_LINUX_{parsed.c_name.upper()}_GEN_H'
    if args.header:
        cw.p('#ifndef ' + hdr_prot)
        cw.p('#define ' + hdr_prot)
        cw.nl()
    cw.p('#include <net/netlink.h>')
    cw.p('#include <net/genetlink.h>')
    cw.p(f'#include <{parsed.uapi_header}>')
    cw.nl()
    cw.p('#include "compat.h"')
    if not args.header:
        cw.p(f'#include "{os.path.basename(args.out_file[:-2])}.h"')
    cw.nl()

    if args.header:
        gen.render_scoped_consts(parsed, cw, 'kernel')
        for _, struct in sorted(parsed.pure_nested_structs.items()):
            if struct.request:
                gen.print_req_policy_fwd(cw, struct)
        gen.print_kernel_op_table_hdr(parsed, cw)
        mcgrp_hdr(gen, parsed, cw)
        cw.p(f'#endif /* {hdr_prot} */')
    else:
        gen.print_kernel_policy_ranges(parsed, cw)
        for _, struct in sorted(parsed.pure_nested_structs.items()):
            if struct.request:
                gen.print_req_policy(cw, struct)
        for _, op in parsed.ops.items():
            for op_mode in ['do', 'dump']:
                if op_mode in op and 'request' in op[op_mode]:
                    cw.p(f'/* {op.enum_name} - {op_mode} */')
                    ri = gen.RenderInfo(cw, parsed, 'kernel', op, op_mode)
                    gen.print_req_policy(cw, ri.struct['request'], ri=ri)
        reject_all_policy(cw)
        op_table(gen, parsed, cw)
        mcgrp_src(gen, parsed, cw)
    cw.close_out_file()


if __name__ == '__main__':
    main()
