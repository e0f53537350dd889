#!/bin/sh
# Runs the integration tests: every tests/integration/t_*.sh (or those named in $T_ONLY),
# once as root and once as uid 65534, against BUILD/burrow and BUILD/burrow-pack.
#
#   sh tests/integration/run.sh BUILD
#
# Everything happens in a fresh world-readable temp dir (binaries, test scripts, the
# fixture store built once), removed at the end, also on failure or interrupt.
# Environment: T_ONLY="t_a.sh t_b" (subset), T_USERS="root nobody" (which passes),
# T_TIMEOUT=seconds per script (default 300).
# Output: one line per result, then `integration: N passed, N failed[, N skipped]`.
set -u
BUILD=${1:?usage: sh tests/integration/run.sh BUILD}
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
BUILD=$(cd "$BUILD" 2>/dev/null && pwd) || { echo "run.sh: no build directory $1" >&2; exit 2; }
[ -x "$BUILD/burrow" ] || { echo "run.sh: $BUILD/burrow is missing: build it with make" >&2; exit 2; }
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export PATH
unset TMPDIR CDPATH ENV BASH_ENV
umask 022

W=$(mktemp -d /tmp/burrow-it.XXXXXX) || exit 2
CHILD=
cleanup() {
    trap - EXIT INT TERM HUP
    # timeout(1) passes the signal on to the whole test script's process group.
    if [ -n "$CHILD" ]; then kill -TERM "$CHILD" 2>/dev/null; wait "$CHILD"; fi
    cd /
    chmod -R u+rwX "$W" 2>/dev/null
    rm -rf --one-file-system "$W"
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM HUP
chmod 755 "$W"

mkdir -p "$W/bin" "$W/tests" "$W/scratch" "$W/log"
chmod 1777 "$W/scratch"
cp "$BUILD/burrow" "$W/bin/burrow"
[ -x "$BUILD/burrow-pack" ] && cp "$BUILD/burrow-pack" "$W/bin/burrow-pack"
[ -x "$BUILD/burrow-run" ] && cp "$BUILD/burrow-run" "$W/bin/burrow-run"
cp -R "$SRC/tests/integration" "$SRC/tests/fixtures" "$W/tests/"
[ -d "$SRC/tests/golden" ] && cp -R "$SRC/tests/golden" "$W/tests/"
[ -d "$SRC/profiles" ] && cp -R "$SRC/profiles" "$W/profiles"
# For `make install` from the copy (t_profiles_installed.sh): the Makefile, man pages, README.
cp "$SRC/Makefile" "$SRC/README.md" "$W/" && cp -R "$SRC/man" "$W/man"
[ -d "$SRC/completion" ] && cp -R "$SRC/completion" "$W/completion"
[ -d "$SRC/examples" ] && cp -R "$SRC/examples" "$W/examples"
chmod -R a+rX "$W"

if ! sh "$W/tests/fixtures/make-store.sh" "$W/fixture" >"$W/log/fixture" 2>&1; then
    cat "$W/log/fixture"
    echo "not ok - fixture store: make-store.sh failed"
    echo "integration: 0 passed, 1 failed"
    exit 1
fi

if [ "$(id -u)" = 0 ]; then
    USERS=${T_USERS:-root nobody}
    mkdir "$W/home-nobody" && chown 65534:65534 "$W/home-nobody" && chmod 700 "$W/home-nobody"
else
    USERS=$(id -un 2>/dev/null || id -u)
fi

SCRIPTS=
if [ -n "${T_ONLY:-}" ]; then
    for t in $T_ONLY; do
        t=${t##*/}; t=${t%.sh}
        [ -f "$W/tests/integration/$t.sh" ] || { echo "run.sh: no test script $t.sh" >&2; exit 2; }
        SCRIPTS="$SCRIPTS $t.sh"
    done
else
    for f in "$W"/tests/integration/t_*.sh; do [ -f "$f" ] && SCRIPTS="$SCRIPTS ${f##*/}"; done
fi

PASS=0 FAILED=0 SKIPPED=0
: > "$W/log/.failures"
for as in $USERS; do
    for t in $SCRIPTS; do
        f=$W/tests/integration/$t
        log=$W/log/$as-$t
        shell="sh"
        head -n1 "$f" | grep -q bash && shell=bash
        case $as in
            nobody) run_as="setpriv --reuid 65534 --regid 65534 --clear-groups env HOME=$W/home-nobody USER=nobody LOGNAME=nobody" ;;
            root) run_as="env HOME=${HOME:-/root}" ;;
            *) run_as="env" ;;
        esac
        # In the background so that an interrupt is handled at once (see cleanup).
        # shellcheck disable=SC2086
        ( cd "$W" && exec timeout -k 10 "${T_TIMEOUT:-300}" $run_as \
              T_LIB="$W/tests/integration/lib.sh" T_BURROW="$W/bin/burrow" T_PACK="$W/bin/burrow-pack" \
              T_FIX="$W/fixture" T_AS="$as" T_SCRATCH="$W/scratch" T_SRC="$W" \
              "$shell" "$f" ) </dev/null >"$log" 2>&1 &
        CHILD=$!
        wait "$CHILD"
        status=$?
        CHILD=
        grep -v '^# t-' "$log"
        grep '^not ok' "$log" >> "$W/log/.failures"
        counts=$(sed -n 's/^# t-counts: //p' "$log" | tail -n1)
        # Count the result lines themselves: they are what the reader saw.
        np=$(grep -c '^ok - ' "$log") nf=$(grep -c '^not ok - ' "$log") ns=$(grep -c '^skip - ' "$log")
        PASS=$((PASS + np)) FAILED=$((FAILED + nf)) SKIPPED=$((SKIPPED + ns))
        if [ -z "$counts" ]; then
            why="ended (status $status) before done_testing"
            [ "$status" = 124 ] && why="timed out after ${T_TIMEOUT:-300}s"
            echo "not ok - [$as] $t: $why" | tee -a "$W/log/.failures"
            FAILED=$((FAILED + 1))
        elif [ "$nf" -eq 0 ] && [ "$status" != 0 ]; then
            echo "not ok - [$as] $t: exited with status $status" | tee -a "$W/log/.failures"
            FAILED=$((FAILED + 1))
        fi
    done
done

if [ -s "$W/log/.failures" ]; then
    echo "failures:"
    sed 's/^/  /' "$W/log/.failures"
fi
summary="integration: $PASS passed, $FAILED failed"
[ "$SKIPPED" -gt 0 ] && summary="$summary, $SKIPPED skipped"
echo "$summary"
[ "$FAILED" -eq 0 ]
