#!/usr/bin/env python3
"""Replace host-dependent values in a `burrow --print-plan` document with placeholders,
so that golden files compare equal on any host and for any user.

usage: normalize.py UID GID USER NAME=PATH... < plan.json > normalized.json
Each NAME=PATH replaces PATH (and paths under it) in every string by @NAME@; longer paths
are replaced first. uid/gid "inside"/"outside" values equal to the caller's become
"@UID@"/"@GID@", and the caller's own line in synthesized passwd/group content becomes
"@USER@:x:@UID@:@GID@:" / "@USER@:x:@GID@:".
"""
import json
import sys


def main():
    uid, gid, user = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    paths = []
    for arg in sys.argv[4:]:
        name, _, path = arg.partition("=")
        path = path.rstrip("/")
        if len(path) > 1:
            paths.append((path, "@" + name + "@"))
    paths.sort(key=lambda p: len(p[0]), reverse=True)

    def fix_string(s):
        for path, ph in paths:
            s = s.replace(path, ph)
        # passwd content, else group content: only the caller's own (first) line.
        pw = f"{user}:x:{uid}:{gid}:"
        gr = f"{user}:x:{gid}:"
        if s.startswith(pw) or f"\n{pw}" in s:
            s = s.replace(pw, "@USER@:x:@UID@:@GID@:", 1)
        elif s.startswith(gr) or f"\n{gr}" in s:
            s = s.replace(gr, "@USER@:x:@GID@:", 1)
        return s

    def walk(v, key=None, parent=None):
        if isinstance(v, dict):
            return {k: walk(x, k, key) for k, x in v.items()}
        if isinstance(v, list):
            return [walk(x, None, key) for x in v]
        if isinstance(v, str):
            return fix_string(v)
        if isinstance(v, int) and not isinstance(v, bool) and key in ("inside", "outside"):
            if parent == "uid" and v == uid:
                return "@UID@"
            if parent == "gid" and v == gid:
                return "@GID@"
        return v

    doc = json.load(sys.stdin)
    json.dump(walk(doc), sys.stdout, indent=2, sort_keys=True, ensure_ascii=False)
    sys.stdout.write("\n")


main()
