#!/bin/sh
# Regenerates the --print-plan golden files (tests/golden/*.plan.json) from a build:
#   sh tests/golden/update.sh [BUILD]        (default: build)
# Review the diff (git diff tests/golden) before committing: every change in it is a
# change in what burrow does.
set -eu
G=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$G/../.." && pwd)
BUILD=$(cd "${1:-$SRC/build}" && pwd)
[ -x "$BUILD/burrow" ] || { echo "update.sh: $BUILD/burrow is missing: run make first" >&2; exit 1; }
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
sh "$SRC/tests/fixtures/make-store.sh" "$W/fixture" >/dev/null
mkdir "$W/cwd"
cd "$W/cwd"
names=$(sed -n 's/^\([a-z0-9][a-z0-9-]*\)[[:space:]].*/\1/p' "$G/cases.list")
for p in "$SRC"/profiles/*.json; do
    case "$p" in */schema.json) continue ;; esac  # the JSON Schema, not a profile
    [ -f "$p" ] && names="$names profile-$(basename "$p" .json)"
done
# All cases first, into a scratch directory: a failing case leaves the golden files as
# they were.
mkdir "$W/new"
for n in $names; do
    if ! sh "$G/run-case.sh" "$BUILD/burrow" "$SRC" "$W/fixture/store" "$n" > "$W/new/$n.plan.json"; then
        echo "update.sh: case $n failed; golden files left unchanged" >&2
        exit 1
    fi
done
rm -f "$G"/*.plan.json
for n in $names; do
    cp "$W/new/$n.plan.json" "$G/$n.plan.json"
    echo "wrote tests/golden/$n.plan.json"
done
