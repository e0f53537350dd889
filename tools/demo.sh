#!/bin/sh
# make demo: build the fixture store, pack hello + hello-script with burrow-pack, unpack
# the tarball as an unprivileged user into a fresh directory whose name has a space, and
# run ./bin/hello from there. Prints every step and what it printed; cleans up on exit.
#
#   sh tools/demo.sh BUILD
set -u
BUILD=${1:?usage: sh tools/demo.sh BUILD}
SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "$BUILD" 2>/dev/null && pwd) || { echo "demo: no build directory $1" >&2; exit 2; }
for b in burrow burrow-pack; do
    [ -x "$BUILD/$b" ] || { echo "demo: $BUILD/$b is missing: run make" >&2; exit 2; }
done
umask 022

W=$(mktemp -d /tmp/burrow-demo.XXXXXX) || exit 2
cleanup() {
    trap - EXIT INT TERM HUP
    cd /
    chmod -R u+rwX "$W" 2>/dev/null
    rm -rf "$W"
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM HUP
chmod 755 "$W"

# Run as uid 65534 when we are root, else as ourselves.
if [ "$(id -u)" = 0 ]; then
    AS="setpriv --reuid 65534 --regid 65534 --clear-groups"
    WHO="uid 65534 (nobody)"
else
    AS=""
    WHO="$(id -un 2>/dev/null || id -u) (uid $(id -u))"
fi

step() { printf '\n== %s\n' "$*"; }
# Shows the command, runs it, and stops the demo when it fails.
run() {
    printf '$'
    for a in "$@"; do
        case $a in
            *[!A-Za-z0-9_./=:,+-]*|'') printf " '%s'" "$a" ;;
            *) printf ' %s' "$a" ;;
        esac
    done
    printf '\n'
    "$@"
    rc=$?
    [ "$rc" -eq 0 ] || { echo "demo: that failed (status $rc)" >&2; exit 1; }
}

step "1. Build the fixture store (a tiny /gnu/store that exists only in this temp dir)"
if ! sh "$SRC/tests/fixtures/make-store.sh" "$W/fixture" > "$W/fixture.log" 2>&1; then
    cat "$W/fixture.log" >&2
    echo "demo: the fixture store could not be built" >&2
    exit 1
fi
. "$W/fixture/fixture.env"
run ls "$FIX_STORE"
printf '/gnu/store on this host: %s\n' "$( [ -e "$FIX_DEST/$FIX_ITEM_HELLO" ] && echo present || echo absent)"

step "2. Pack hello and hello-script (the closure is found by scanning the files)"
run "$BUILD/burrow-pack" --store "$FIX_STORE:$FIX_DEST" "$FIX_ITEM_HELLO" \
    -e hello="$FIX_HELLO" -e hello-script="$FIX_SCRIPT" -o "$W/hello-pack.tar.gz"
run ls -l "$W/hello-pack.tar.gz"
run "$BUILD/burrow-pack" verify "$W/hello-pack.tar.gz"
printf '$ tar -tzvf %s | head -12\n' "$W/hello-pack.tar.gz"
tar -tzvf "$W/hello-pack.tar.gz" | head -12

step "3. Unpack it as $WHO into a fresh directory with a space in its name"
D="$W/unpack here/my pack"
mkdir -p "$D"
[ -n "$AS" ] && chown -R 65534:65534 "$W/unpack here"
cd "$D" || exit 1
run $AS tar -xzf "$W/hello-pack.tar.gz"
run $AS ls -la "$D" "$D/bin"

step "4. Run ./bin/hello from there as $WHO"
run $AS ./bin/hello
run $AS ./bin/hello-script --argv "two words"
printf '$ %s./bin/hello --exit 7; echo "status $?"\n' "${AS:+$AS }"
$AS ./bin/hello --exit 7
echo "status $?"
run $AS "$D/bin/hello" --cwd

echo
echo "demo: done; removing $W"
