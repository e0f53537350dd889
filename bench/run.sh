#!/bin/sh
# make bench: burrow side by side with bwrap, unshare, proot and plain exec.
# Usage: sh bench/run.sh BUILD   → bench/RESULTS.md, bench/scaling.png
# What is measured and how: bench/bench.py; the report: bench/report.py.
set -eu
BUILD=${1:-build}
here=$(dirname "$0")
missing=""
for t in bwrap unshare proot hyperfine gnuplot python3 gcc g++ make setpriv strace tar gzip zstd strip cmp; do
    command -v "$t" >/dev/null 2>&1 || missing="$missing $t"
done
[ -x /usr/bin/time ] || missing="$missing /usr/bin/time"
if [ -n "$missing" ]; then
    echo "bench: missing tools:$missing; install them with: sudo make deps" >&2
    exit 1
fi
for f in burrow burrow-pack burrow-run libburrow.a; do
    if [ ! -e "$BUILD/$f" ]; then
        echo "bench: $BUILD/$f is not built; run: make" >&2
        exit 1
    fi
done
exec python3 "$here/bench.py" "$BUILD"
