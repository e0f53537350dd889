#!/bin/sh
# Vertical slices, the whole way: build two versions of tool for the same stock prefix,
# /mydistro/tool, each into its own slice on the host (REPO/tool-1, REPO/tool-2), then
# give each main() an exec wrapper that binds its slice back at /mydistro/tool.
#
#   sh walkthrough.sh WORK     (burrow on PATH; WORK: an empty directory of yours)
#
# Leaves WORK/repo/tool-N (the slices), WORK/bin/tool-N (the wrappers). The commands are
# the ones README.md and burrow-profile(5) show.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
W=$1
mkdir -p "$W/repo" "$W/bin"
for v in 1 2; do
    # A plain build tree per version; the build sees the host read-only, its own tree
    # read-write, and the slice read-write at the prefix it is built for.
    rm -rf "$W/src-$v" && cp -R "$here/tool" "$W/src-$v"
    mkdir -p "$W/repo/tool-$v"
    (cd "$W/src-$v" &&
        burrow --profile build --bind "$W/repo/tool-$v" /mydistro/tool -- \
            make -s PREFIX=/mydistro/tool VERSION=$v install)
    # One wrapper per main(): a profile that is its own executable. ${PROFILE_DIR} is the
    # wrapper's directory, so WORK can move as a whole.
    cat > "$W/bin/tool-$v" <<JSON
#!/usr/bin/env -S burrow --profile
// tool-$v: version $v of tool, from its slice ../repo/tool-$v mounted at /mydistro/tool
{ "version": 1, "extends": "builtin:pack",
  "mounts": [ { "type": "bind", "source": "\${PROFILE_DIR}/../repo/tool-$v",
                "destination": "/mydistro/tool", "access": "ro" } ],
  "process": { "exec": "/mydistro/tool/bin/tool" } }
JSON
    chmod 0755 "$W/bin/tool-$v"
done
