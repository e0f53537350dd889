#!/bin/sh
# Where burrow is built must not reach its bytes, nor those of the packs that embed it:
# the checkout is copied to another path (and another path length), burrow and the -f run
# stub are built there under another umask with an absolute BUILD directory, and both must
# be byte-identical to BUILD's; then the same items are packed with each pair (burrow-pack
# beside each), in every format, and the outputs compared byte for byte (directories:
# names, modes, times and contents).
#
#   sh tests/repro/run.sh BUILD
#
# Output: one line per result, then `repro: N passed, N failed`. Everything happens in a
# fresh temp dir, removed at the end, also on failure or interrupt.
set -u
BUILD=${1:?usage: sh tests/repro/run.sh BUILD}
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
BUILD=$(cd "$BUILD" 2>/dev/null && pwd) || { echo "repro: no build directory $1" >&2; exit 2; }
PASS=0 FAILED=0

W=$(mktemp -d /tmp/burrow-repro.XXXXXX) || exit 2
cleanup() {
    trap - EXIT INT TERM HUP
    cd /
    rm -rf --one-file-system "$W"
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM HUP

ok() { echo "ok - repro: $1"; PASS=$((PASS + 1)); }
fail() { echo "not ok - repro: $1${2:+: $2}"; FAILED=$((FAILED + 1)); }
check() {
    what=$1
    shift
    if out=$("$@" 2>&1); then ok "$what"; else fail "$what" "$(printf '%s' "$out" | tail -n 5)"; fi
}
finish() {
    echo "repro: $PASS passed, $FAILED failed"
    [ "$FAILED" -eq 0 ]
    exit
}

for f in burrow burrow-pack burrow-run; do
    [ -x "$BUILD/$f" ] || { fail "$BUILD/$f is not built" "run make"; finish; }
done

# The other checkout: the tracked files only (as a clone would have them), at a longer path.
OTHER=$W/another-checkout-at-a-longer-path/burrow
mkdir -p "$OTHER"
if ! (cd "$SRC" && git ls-files -z | xargs -0 cp --parents -P -t "$OTHER") 2>"$W/copy.log"; then
    fail "copying the checkout's tracked files (git ls-files)" "$(tail -n 3 "$W/copy.log")"
    finish
fi
OB=$W/out/abs-build
if (cd "$OTHER" && umask 077 && make --no-print-directory -j"$(nproc)" BUILD="$OB" "$OB/burrow" "$OB/burrow-run") \
    >"$W/build.log" 2>&1; then
    ok "burrow and burrow-run build in another checkout (absolute BUILD, umask 077)"
else
    fail "burrow and burrow-run build in another checkout" "$(tail -n 15 "$W/build.log")"
    finish
fi
check "burrow is byte-identical across the two checkouts" cmp "$BUILD/burrow" "$OB/burrow"
check "burrow-run is byte-identical across the two checkouts" cmp "$BUILD/burrow-run" "$OB/burrow-run"

# Each pair with the same burrow-pack beside it, as make install puts them side by side.
for side in one two; do mkdir -p "$W/$side"; done
cp "$BUILD/burrow" "$BUILD/burrow-run" "$BUILD/burrow-pack" "$W/one/"
cp "$OB/burrow" "$OB/burrow-run" "$W/two/" && cp "$BUILD/burrow-pack" "$W/two/"
if ! sh "$SRC/tests/fixtures/make-store.sh" "$W/fixture" >"$W/fixture.log" 2>&1; then
    fail "fixture store: make-store.sh failed" "$(tail -n 5 "$W/fixture.log")"
    finish
fi
. "$W/fixture/fixture.env"
# A second copy of the store at another path: the pack records only the destination.
mkdir -p "$W/store-copy/deeper"
cp -a "$FIX_STORE" "$W/store-copy/deeper/store"

pack() {  # SIDE STORE UMASK FORMAT OUTPUT
    (umask "$3" && "$W/$1/burrow-pack" --store "$2:$FIX_DEST" "$FIX_ITEM_HELLO" -e hello="$FIX_HELLO" \
        -f "$4" -o "$5")
}
for f in tarball run docker oci dir; do
    mkdir -p "$W/p1" "$W/p2"
    check "-f $f with the first runtime" pack one "$FIX_STORE" 022 "$f" "$W/p1/$f"
    check "-f $f with the other checkout's, another store copy, umask 077" \
        pack two "$W/store-copy/deeper/store" 077 "$f" "$W/p2/$f"
    if [ -d "$W/p1/$f" ]; then
        check "-f $f: the same names, types, modes, times and sizes" \
            sh -c '[ "$(cd "$1" && find . -printf "%p %y %m %T@ %s %l\n" | LC_ALL=C sort)" = \
                     "$(cd "$2" && find . -printf "%p %y %m %T@ %s %l\n" | LC_ALL=C sort)" ]' sh "$W/p1/$f" "$W/p2/$f"
        check "-f $f: the same bytes in every file" diff -r --no-dereference "$W/p1/$f" "$W/p2/$f"
    else
        check "-f $f: the two outputs are byte-identical" cmp "$W/p1/$f" "$W/p2/$f"
    fi
done
finish
