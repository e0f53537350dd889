#!/bin/sh
# make conformance: bubblewrap's own test suite, unmodified, from Debian's bubblewrap source
# package (test-run.sh, test-specifying-userns.sh, test-specifying-pidns.sh and
# test-seccomp.py with its try-syscall helper), run against burrow under the name bwrap and
# against Debian's bwrap side by side, as root and as uid 65534.
#
#   sh tests/conformance/run.sh BUILD
#
# The source is fetched once (apt-get source bubblewrap; as root, adding a deb-src entry for
# the configured Debian archive when there is none) into BUILD/conformance. A run fails when
# burrow has fewer `ok` than bwrap, or a `not ok` bwrap does not have, or its suite stops
# early. Output: one line per comparison, then `conformance: N passed, N failed[, N skipped]`.
set -u
BUILD=${1:?usage: sh tests/conformance/run.sh BUILD}
BUILD=$(cd "$BUILD" 2>/dev/null && pwd) || { echo "conformance: no build directory $1" >&2; exit 2; }
[ -x "$BUILD/burrow" ] || { echo "conformance: $BUILD/burrow is missing: build it with make" >&2; exit 2; }
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export PATH
unset TMPDIR CDPATH ENV BASH_ENV BWRAP
umask 022
PASS=0 FAILED=0 SKIPPED=0
summary() {
    s="conformance: $PASS passed, $FAILED failed"
    [ "$SKIPPED" -gt 0 ] && s="$s, $SKIPPED skipped"
    echo "$s"
    [ "$FAILED" -eq 0 ]
}
skip_all() {
    echo "skip - conformance: $1"
    SKIPPED=$((SKIPPED + 1))
    summary
    exit $?
}

CACHE=$BUILD/conformance
suite() { ls -d "$CACHE"/bubblewrap-*/tests 2>/dev/null | head -n1; }
if [ -z "$(suite)" ]; then
    [ "$(id -u)" = 0 ] || skip_all "bubblewrap's source is not fetched yet; run make conformance as root once (it uses apt-get source)"
    command -v dpkg-source >/dev/null || skip_all "dpkg-source is missing (apt-get source needs it): run make deps"
    if ! grep -rqs '^Types:.*deb-src\|^deb-src ' /etc/apt/sources.list /etc/apt/sources.list.d/; then
        # The deb-src twin of every configured Debian archive entry.
        for f in /etc/apt/sources.list.d/*.sources; do
            [ -f "$f" ] && sed -n 's/^Types:.*/Types: deb-src/;/^#/d;p' "$f"
        done > /etc/apt/sources.list.d/burrow-deb-src.sources
        [ -s /etc/apt/sources.list.d/burrow-deb-src.sources ] ||
            sed -n 's/^deb /deb-src /p' /etc/apt/sources.list > /etc/apt/sources.list.d/burrow-deb-src.list 2>/dev/null
        echo "# conformance: added a deb-src entry for the configured archive"
        apt-get update -qq || skip_all "apt-get update failed: cannot fetch bubblewrap's source"
    fi
    rm -rf "$CACHE.tmp" && mkdir -p "$CACHE.tmp"
    if ! (cd "$CACHE.tmp" && apt-get source -qq bubblewrap >/dev/null 2>&1); then
        rm -rf "$CACHE.tmp"
        skip_all "apt-get source bubblewrap failed (no deb-src reachable?)"
    fi
    rm -rf "$CACHE" && mv "$CACHE.tmp" "$CACHE"
fi
TESTS=$(suite)
[ -n "$TESTS" ] || skip_all "no tests directory in the fetched bubblewrap source"
command -v bwrap >/dev/null || skip_all "Debian's bwrap is not installed (the reference run): run make deps"
VERSION=$(bwrap --version 2>/dev/null)

W=$(mktemp -d /tmp/burrow-conf.XXXXXX) || exit 2
before=$(mktemp) || exit 2
ls -d /tmp/bwrap-test-* 2>/dev/null > "$before"
cleanup() {
    trap - EXIT INT TERM HUP
    stray_kill
    # test-run.sh leaves a temp file of its own in /tmp: remove what this run added.
    ls -d /tmp/bwrap-test-* 2>/dev/null | grep -vxF -f "$before" | while read -r f; do rm -rf "$f"; done
    rm -f "$before"
    cd / && chmod -R u+rwX "$W" 2>/dev/null
    rm -rf --one-file-system "$W"
}
# test-run.sh starts a background loop (`while true; do $BWRAP ... --lock-file`) that it
# never stops when a case fails: kill everything still running the suite's copy.
stray_kill() {
    for d in /proc/[0-9]*; do
        c=$(tr '\0' ' ' 2>/dev/null < "$d/cmdline") || continue
        case $c in *"$W/"*) kill -KILL "${d#/proc/}" 2>/dev/null ;; esac
    done
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM HUP
chmod 755 "$W"
mkdir -p "$W/bin" "$W/real"
cp "$BUILD/burrow" "$W/bin/burrow" && ln -s burrow "$W/bin/bwrap"
ln -s "$(command -v bwrap)" "$W/real/bwrap"
cp -R "$TESTS" "$W/tests"
# test-seccomp.py's helper, built as bubblewrap's build would (it looks beside the script).
if [ -f "$W/tests/try-syscall.c" ] && ! cc -o "$W/tests/try-syscall" "$W/tests/try-syscall.c" 2>"$W/cc.err"; then
    cat "$W/cc.err"
    rm -f "$W/tests/try-syscall"
fi
chmod -R a+rX "$W"

# run SCRIPT WHO USER: SCRIPT with BWRAP=WHO's bwrap, as USER; TAP in $W/WHO-USER.tap.
run() {
    script=$1 who=$2 as=$3 out=$W/$2-$3
    case $script in
        *.py) interp=/usr/bin/python3 ;;  # Debian's, with its seccomp module
        *) interp=bash ;;
    esac
    if [ "$who" = burrow ]; then b=$W/bin/bwrap; else b=$W/real/bwrap; fi
    wrap=
    [ "$as" = nobody ] && wrap="setpriv --reuid 65534 --regid 65534 --clear-groups"
    # As root, strace's fault injection case counts bwrap's own prctl calls (it makes the
    # 39th fail); both runs as root see no strace, so that case is skipped for both alike.
    mask=
    [ "$as" = root ] && command -v strace >/dev/null && mask="unshare -m --propagation private sh -c 'mount --bind /dev/null \"\$(command -v strace)\" && exec \"\$0\" \"\$@\"'"
    rm -rf "$out.d" && mkdir -p "$out.d" && chmod 777 "$out.d"
    (cd "$out.d" && eval "$mask timeout 900 $wrap env HOME=$out.d BWRAP=$b $interp $W/tests/$script" \
        >"$out.tap" 2>"$out.err" </dev/null)
    echo $? > "$out.status"
    stray_kill
}

count() { grep -c "$2" "$1" 2>/dev/null || true; }

USERS=nobody
[ "$(id -u)" = 0 ] && USERS="root nobody"
[ "$(id -u)" = 0 ] || echo "# conformance: not root: only the uid $(id -u) run"
compare() {
    script=$1 as=$2
    run "$script" bwrap "$as"
    run "$script" burrow "$as"
    rb=$W/bwrap-$as.tap bb=$W/burrow-$as.tap
    plan=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$bb" | head -n1)
    ok_b=$(count "$bb" '^ok') ok_r=$(count "$rb" '^ok')
    nok_b=$(count "$bb" '^not ok') nok_r=$(count "$rb" '^not ok')
    skip_b=$(count "$bb" '^ok.*# SKIP') skip_r=$(count "$rb" '^ok.*# SKIP')
    echo "# [$as] $script: burrow as bwrap: $ok_b ok ($skip_b skipped), $nok_b not ok, of ${plan:-?} (status $(cat "$W/burrow-$as.status"))"
    echo "# [$as] $script: $VERSION: $ok_r ok ($skip_r skipped), $nok_r not ok (status $(cat "$W/bwrap-$as.status"))"
    if [ "${plan:-}" = 0 ]; then
        echo "skip - conformance: [$as] $script: $(sed -n 's/^1\.\.0 *# *SKIP *//p' "$bb" | head -n1)"
        SKIPPED=$((SKIPPED + 1))
        return
    fi
    new_fail=$(grep '^not ok' "$bb" | grep -vxF -f "$rb" || true)
    why=
    [ "$ok_b" -ge "$ok_r" ] || why="$why fewer ok than bwrap ($ok_b < $ok_r);"
    [ -z "$new_fail" ] || why="$why not ok where bwrap passes: $(echo "$new_fail" | tr '\n' ' ');"
    [ -n "$plan" ] && [ $((ok_b + nok_b)) -eq "$plan" ] || why="$why the suite stopped early;"
    if [ -z "$why" ]; then
        echo "ok - conformance: [$as] $script: burrow $ok_b/$plan ok, bwrap $ok_r ok"
        PASS=$((PASS + 1))
    else
        echo "not ok - conformance: [$as] $script:$why"
        echo "# last lines of burrow's run:"
        tail -n 5 "$bb" | sed 's/^/#   /'
        tail -n 15 "$W/burrow-$as.err" | sed 's/^/#   /'
        FAILED=$((FAILED + 1))
    fi
}
for as in $USERS; do
    for t in test-run.sh test-specifying-userns.sh test-specifying-pidns.sh; do
        if [ -f "$W/tests/$t" ]; then compare "$t" "$as"; fi
    done
    if [ -x "$W/tests/try-syscall" ]; then compare test-seccomp.py "$as"
    else echo "skip - conformance: [$as] test-seccomp.py: its helper try-syscall did not build (no cc?)"; SKIPPED=$((SKIPPED + 1)); fi
done
summary
