#!/bin/sh
# An image directory as the root (root.path, --root DIR): the program sees only the
# image, read-only unless --root-rw, with burrow's own /dev, /tmp and /proc.
. "$T_LIB"

# A root made of nothing but the fixture store: hello's ELF interpreter and libraries
# live in the store, so it runs only if the image root is really what it sees.
root="$T_TMP/rootfs"
mkdir -p "$root/gnu"
cp -a "$FIX_STORE" "$root/gnu/store"
mkdir -p "$root/etc" && echo "image" > "$root/etc/marker"

expect_out "root: hello runs from the image root" "hello: $FIX_GREETING" \
    "$T_BURROW" --root "$root" -- "$FIX_HELLO"
expect_out "root: the image's files are visible" "image" \
    "$T_BURROW" --root "$root" -- "$FIX_HELLO" --cat /etc/marker
expect_err "root: the host's files are not" 1 "/etc/passwd" \
    "$T_BURROW" --root "$root" -- "$FIX_HELLO" --cat /etc/passwd
expect_out "root: read-only by default" "Read-only file system" \
    "$T_BURROW" --root "$root" -- "$FIX_HELLO" --write /etc/new
expect_status "root: --root-rw writes into the image" 0 \
    "$T_BURROW" --root "$root" --root-rw -- "$FIX_HELLO" --write /etc/new
check "root: ... and the file is there afterwards" test -e "$root/etc/new"
expect_out "root: a private writable /tmp" "" \
    "$T_BURROW" --root "$root" -- "$FIX_HELLO" --write /tmp/x
expect_out "root: cwd is / unless --chdir" "/" \
    "$T_BURROW" --root "$root" -- "$FIX_HELLO" --cwd
expect_out "root: --chdir is kept" "/etc" \
    "$T_BURROW" --chdir /etc --root "$root" -- "$FIX_HELLO" --cwd

cat > "$T_TMP/image.json" <<JSON
{ "version": 1, "extends": "builtin:sandbox",
  "root": { "path": "\${PROFILE_DIR}/rootfs" },
  "process": { "cwd": "/", "exec": "$FIX_HELLO" } }
JSON
expect_out "root: root.path in a profile (sandbox base)" "hello: $FIX_GREETING" \
    "$T_BURROW" --profile "$T_TMP/image.json"

# A destination the host lacks is synthesised: its parent is recreated on burrow's tmpfs
# with the host's entries bound inside, and nothing is created on the host.
mkdir -p "$T_TMP/hostdir/keep" "$T_TMP/data"
echo kept > "$T_TMP/hostdir/keep/f"
echo grant > "$T_TMP/data/f"
expect_out "synth: a missing destination appears inside" "grant" \
    "$T_BURROW" --host-root --chdir / --ro-bind "$T_TMP/data" "$T_TMP/hostdir/new/deeper" -- \
    /bin/cat "$T_TMP/hostdir/new/deeper/f"
expect_out "synth: the host's entries beside it stay visible" "kept" \
    "$T_BURROW" --host-root --chdir / --ro-bind "$T_TMP/data" "$T_TMP/hostdir/new/deeper" -- /bin/cat "$T_TMP/hostdir/keep/f"
check "synth: nothing was created on the host" test ! -e "$T_TMP/hostdir/new"

# Bad inputs.
expect_err "root: missing directory" 125 "root directory $T_TMP/nope: No such file or directory" \
    "$T_BURROW" --root "$T_TMP/nope" -- /bin/true
echo file > "$T_TMP/afile"
expect_err "root: a file instead of a directory" 125 "$T_TMP/afile is not a directory" \
    "$T_BURROW" --root "$T_TMP/afile" -- /bin/true
mkdir -p "$T_TMP/empty"
expect_err "root: a rootfs without the program" 127 "/bin/true: no such file inside the sandbox" \
    "$T_BURROW" --root "$T_TMP/empty" -- /bin/true
cat > "$T_TMP/both.json" <<JSON
{ "version": 1, "root": { "host": "all", "path": "/srv" } }
JSON
expect_err "root: path together with host all" 125 '/root/path: "path" replaces the host'"'"'s root' \
    "$T_BURROW" --profile "$T_TMP/both.json" -- /bin/true

# The mounts --root adds are ordinary ones: a later option covers them (burrow(1)).
echo host-tmp > "$T_TMP/tmpfile"
expect_out "root: a later --bind covers the /tmp --root adds" "host-tmp" \
    "$T_BURROW" --root "$root" --bind "$T_TMP" /tmp -- "$FIX_HELLO" --cat /tmp/tmpfile
shm=/dev/shm/burrow-rootdir.$$
if echo host-dev > "$shm" 2>/dev/null; then
    at_exit "rm -f '$shm'"
    expect_out "root: a later --dev-bind /dev /dev gives the host's /dev" "host-dev" \
        "$T_BURROW" --root "$root" --dev-bind /dev /dev -- "$FIX_HELLO" --cat "$shm"
    t_run "$T_BURROW" --root "$root" -- "$FIX_HELLO" --cat "$shm"
    if [ "$T_STATUS" -ne 0 ] && [ -z "$T_OUT" ]; then ok "root: without it /dev is burrow's own"
    else fail "root: without it /dev is burrow's own" "$(t_what)"; fi
else
    skip "root: a later --dev-bind /dev /dev gives the host's /dev" "cannot write a marker in /dev/shm here"
fi

done_testing
