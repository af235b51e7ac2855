#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""One long-lived YNL client for selftests/ynl_client.sh.

The kernel's generic YNL library (tools/net/ynl/lib) drives the family
from its YAML spec alone. Starting it costs seconds of Python on a slow
guest, so the test starts it once and sends it one request per line on
standard input; each request gets exactly one line of JSON on standard
output, {"ok": REPLY} or {"error": TEXT}:

    --do OP [JSON]       a do operation with these attributes
    --dump OP [JSON]     a dump operation
    --list-ops           the operations the spec declares
    --subscribe GROUP    listen to a multicast group, on a socket of its own
    --ntf                the notifications received since the last --ntf

Usage: ynl_drv.py YNL-DIR SPEC [SCHEMA]  (SCHEMA: validate the spec first)
"""
import json
import sys


def main():
    sys.path.insert(0, sys.argv[1])
    from lib import YnlFamily, NlError  # pylint: disable=import-outside-toplevel

    # The library prints extack warnings on stdout: the answers get a
    # stream of their own, and the rest goes to standard error.
    out = sys.stdout
    sys.stdout = sys.stderr
    spec = sys.argv[2]
    schema = sys.argv[3] if len(sys.argv) > 3 else ''
    ynl = YnlFamily(spec, schema)
    sub = None

    def encode(obj):
        if isinstance(obj, bytes):
            return obj.hex()
        if isinstance(obj, set):
            return sorted(obj)
        raise TypeError(f'cannot encode {type(obj).__name__}')

    def answer(key, value):
        print(json.dumps({key: value}, default=encode), file=out, flush=True)

    for line in sys.stdin:
        words = line.split(None, 2)
        if not words:
            continue
        cmd, arg = words[0], words[1] if len(words) > 1 else ''
        try:
            attrs = json.loads(words[2]) if len(words) > 2 else {}
            if cmd == '--do':
                answer('ok', ynl.do(arg, attrs))
            elif cmd == '--dump':
                answer('ok', ynl.dump(arg, attrs))
            elif cmd == '--list-ops':
                answer('ok', sorted(ynl.ops))
            elif cmd == '--subscribe':
                sub = YnlFamily(spec, '')
                sub.ntf_subscribe(arg)
                answer('ok', arg)
            elif cmd == '--ntf':
                msgs = []
                if sub:
                    sub.check_ntf()
                    msgs, sub.async_msg_queue[:] = list(sub.async_msg_queue), []
                answer('ok', msgs)
            else:
                answer('error', f'unknown request {cmd}')
        except NlError as err:
            answer('error', str(err))
        except Exception as err:  # pylint: disable=broad-except
            answer('error', f'{type(err).__name__}: {err}')


if __name__ == '__main__':
    main()
