#!/bin/sh
# make check: unit tests (doctest), the integration tests (as root and uid 65534), the
# build-path reproducibility check (tests/repro/run.sh: burrow built in another checkout,
# packs compared byte for byte), then, as root, bubblewrap's own test suite against burrow
# as bwrap (tests/conformance/run.sh).
#
#   sh tests/run-all.sh BUILD        (CI=true: also the unit tests under ASan+UBSan)
#
# Ends with one line `N passed, N failed[, N skipped]` summing everything; exits non-zero
# if anything failed.
set -u
BUILD=${1:?usage: sh tests/run-all.sh BUILD}
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/.." && pwd)
PASS=0 FAILED=0 SKIPPED=0

# The doctest summary line: "[doctest] test cases: 12 | 11 passed | 1 failed | 0 skipped".
unit() {
    label=$1 bin=$2 out=$(mktemp)
    if [ ! -x "$bin" ]; then
        echo "not ok - $label: $bin was not built"
        FAILED=$((FAILED + 1))
        rm -f "$out"
        return
    fi
    "$bin" >"$out" 2>&1
    status=$?
    line=$(grep 'test cases:' "$out" | tail -n1)
    if [ -z "$line" ]; then
        cat "$out"
        echo "not ok - $label: $bin ended (status $status) without a summary"
        FAILED=$((FAILED + 1))
        rm -f "$out"
        return
    fi
    p=$(echo "$line" | sed -n 's/.*| *\([0-9][0-9]*\) passed.*/\1/p')
    f=$(echo "$line" | sed -n 's/.*| *\([0-9][0-9]*\) failed.*/\1/p')
    s=$(echo "$line" | sed -n 's/.*| *\([0-9][0-9]*\) skipped.*/\1/p')
    [ "${f:-0}" -gt 0 ] || [ "$status" -ne 0 ] && grep -v '^\[doctest\] \(doctest version\|run with\)' "$out"
    echo "$label: ${p:-0} passed, ${f:-0} failed, ${s:-0} skipped (test cases)"
    PASS=$((PASS + ${p:-0})) FAILED=$((FAILED + ${f:-0})) SKIPPED=$((SKIPPED + ${s:-0}))
    if [ "${f:-0}" -eq 0 ] && [ "$status" -ne 0 ]; then
        echo "not ok - $label: exited with status $status"
        FAILED=$((FAILED + 1))
    fi
    rm -f "$out"
}

unit unit "$BUILD/unit-tests"

if [ "${CI:-}" = true ]; then
    if make -C "$SRC" --no-print-directory asan >/tmp/burrow-asan-build.$$ 2>&1; then
        unit unit-asan "$SRC/build/asan/unit-tests-san"
    else
        tail -n 40 /tmp/burrow-asan-build.$$
        echo "not ok - unit-asan: make asan failed"
        FAILED=$((FAILED + 1))
    fi
    rm -f /tmp/burrow-asan-build.$$
fi

# Runs a suite's run.sh (tee'd) and adds its last "LABEL: N passed, N failed[, N skipped]".
suite() {
    label=$1 script=$2 out=$(mktemp)
    sh "$script" "$BUILD" | tee "$out"
    line=$(grep "^$label: " "$out" | tail -n1)
    rm -f "$out"
    if [ -z "$line" ]; then
        echo "not ok - $label: run.sh ended without a summary"
        FAILED=$((FAILED + 1))
        return
    fi
    p=$(echo "$line" | sed -n 's/.* \([0-9][0-9]*\) passed.*/\1/p')
    f=$(echo "$line" | sed -n 's/.* \([0-9][0-9]*\) failed.*/\1/p')
    s=$(echo "$line" | sed -n 's/.* \([0-9][0-9]*\) skipped.*/\1/p')
    PASS=$((PASS + ${p:-0})) FAILED=$((FAILED + ${f:-0})) SKIPPED=$((SKIPPED + ${s:-0}))
}

suite integration "$HERE/integration/run.sh"
suite repro "$HERE/repro/run.sh"

# bubblewrap's own suite against burrow as bwrap (it fetches the source as root; CI is).
if [ "$(id -u)" = 0 ]; then
    suite conformance "$HERE/conformance/run.sh"
else
    echo "skip - conformance: make check runs bubblewrap's suite only as root (it fetches the source with apt-get); run make conformance"
    SKIPPED=$((SKIPPED + 1))
fi

summary="$PASS passed, $FAILED failed"
[ "$SKIPPED" -gt 0 ] && summary="$summary, $SKIPPED skipped"
echo "$summary"
[ "$FAILED" -eq 0 ]
