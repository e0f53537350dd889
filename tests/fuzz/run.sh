#!/bin/sh
# Runs each libFuzzer target of tests/fuzz/ for SECONDS seconds (make fuzz).
#
#   sh tests/fuzz/run.sh BUILD SECONDS [TARGET...]     (BUILD: where fuzz_TARGET is)
#
# Each target starts from a temporary copy of tests/fuzz/corpus/TARGET (what it finds is
# not added to the tree) with tests/fuzz/TARGET.dict. A crash, hang, OOM, leak or
# sanitizer report leaves the input in BUILD/artifacts/TARGET-*; the script then prints
# the report, names the artifact and exits 1. Last: one summary line per target.
# Reproduce a finding with: BUILD/fuzz_TARGET BUILD/artifacts/TARGET-crash-...
set -u

[ $# -ge 2 ] || { echo "usage: run.sh BUILD SECONDS [TARGET...]" >&2; exit 2; }
BUILD=$1 SECONDS_EACH=$2
shift 2
[ $# -gt 0 ] || set -- profile cli manifest
case $SECONDS_EACH in '' | *[!0-9]*) echo "run.sh: SECONDS must be a whole number, not '$SECONDS_EACH'" >&2; exit 2 ;; esac
SRC=$(cd "$(dirname "$0")" && pwd)
ART=$BUILD/artifacts
mkdir -p "$ART"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/burrow-fuzz-run.XXXXXX") || exit 1
# Removed however the script ends; the targets' own scratch directories are below it
# (TMPDIR), so a target that dies of a finding leaves nothing behind either.
trap 'rm -rf "$TMP"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

summary="" failed=0
for t in "$@"; do
    bin=$BUILD/fuzz_$t
    if [ ! -x "$bin" ]; then
        echo "run.sh: $bin is not built (make fuzz-build)" >&2
        summary="$summary
fuzz_$t: not built"
        failed=1
        continue
    fi
    mkdir -p "$TMP/$t/corpus" "$TMP/$t/tmp"
    cp "$SRC/corpus/$t"/* "$TMP/$t/corpus/"
    dict=""
    [ -f "$SRC/$t.dict" ] && dict=$SRC/$t.dict
    echo "== fuzz_$t: ${SECONDS_EACH}s"
    TMPDIR=$TMP/$t/tmp "$bin" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$ART/$t-" ${dict:+"-dict=$dict"} "$TMP/$t/corpus" \
        > "$TMP/$t/log" 2>&1
    rc=$?
    # Executions: the final stats; after a finding, the last progress line ("#N ...").
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$TMP/$t/log" | tail -n 1)
    [ -n "$execs" ] || execs=$(sed -n 's/^#\([0-9][0-9]*\)[[:space:]].*/\1/p' "$TMP/$t/log" | tail -n 1)
    [ -n "$execs" ] || execs="?"
    if [ "$rc" = 0 ]; then
        summary="$summary
fuzz_$t: $execs executions in ${SECONDS_EACH}s, ok"
        continue
    fi
    failed=1
    log=$TMP/$t/log
    kind="crash"
    if grep -q 'ERROR: libFuzzer: timeout' "$log"; then kind="hang (over 10 s on one input)"
    elif grep -q 'ERROR: libFuzzer: out-of-memory' "$log"; then kind="out of memory"
    elif grep -q 'ERROR: LeakSanitizer' "$log"; then kind="memory leak"
    elif grep -q 'ERROR: AddressSanitizer' "$log"; then kind="AddressSanitizer report"
    elif grep -q 'runtime error:' "$log"; then kind="UndefinedBehaviorSanitizer report"
    elif grep -q 'fuzz guard:' "$log"; then kind="forbidden call"
    elif grep -q 'not a burrow::Error\|not a std::exception' "$log"; then kind="unexpected exception"
    fi
    artifact=$(sed -n 's/.*Test unit written to \([^ ]*\).*/\1/p' "$log" | tail -n 1)
    # The report: from its first line on (libFuzzer's progress before it says nothing).
    echo "---- fuzz_$t: $kind" >&2
    awk '/ERROR: |runtime error:|fuzz guard:|not a burrow::Error|not a std::exception|^ALARM:/ { on = 1 } on' "$log" |
        head -n 80 >&2
    echo "----" >&2
    summary="$summary
fuzz_$t: $execs executions, FAILED: $kind; input: ${artifact:-(none written)}"
done

echo "== fuzz summary${summary}"
[ "$failed" = 0 ] || { echo "fuzz: a target failed; reproduce with: $BUILD/fuzz_TARGET ARTIFACT" >&2; exit 1; }
exit 0
