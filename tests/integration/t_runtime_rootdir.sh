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
expect_out "root: --chdir is kept when given after --root too" "/etc" \
    "$T_BURROW" --root "$root" --chdir /etc -- "$FIX_HELLO" --cwd

cat > "$T_TMP/image.json" <<JSON
{ "version": 1, "extends": "builtin:sandbox",
  "root": { "path": "\${PROFILE_DIR}/rootfs" },
  "process": { "cwd": "/", "exec": "$FIX_HELLO" } }
JSON
expect_out "root: root.path in a profile (sandbox base)" "hello: $FIX_GREETING" \
    "$T_BURROW" --profile "$T_TMP/image.json"
# burrow-profile(5), ROOT: root.path "adds no /dev, /tmp, /proc or working directory of its
# own"; root.access "default ... "ro" with path"; "Only an access written with the path ...
# or in a later layer applies to it: one inherited from a base, such as builtin:pack's "rw"
# ..., leaves the image read-only"; root.exclude leaves out top-level entries; "The path may
# not be /".
cat > "$T_TMP/bare.json" <<JSON
{ "version": 1, "root": { "path": "$root" }, "process": { "cwd": "/" } }
JSON
expect_err "root.path: no /dev of its own" 1 "/dev/null" \
    "$T_BURROW" --profile "$T_TMP/bare.json" -- "$FIX_HELLO" --cat /dev/null
expect_status "root.path: ... which --root adds" 0 "$T_BURROW" --root "$root" -- "$FIX_HELLO" --cat /dev/null
expect_err "root.path: no /tmp of its own" 1 "/tmp" \
    "$T_BURROW" --profile "$T_TMP/bare.json" -- "$FIX_HELLO" --cat /tmp
printf '{ "version": 1, "root": { "path": "%s" } }\n' "$root" > "$T_TMP/bare-cwd.json"
expect_err "root.path: no working directory of its own (the caller's is not in the image)" 125 \
    "the current directory $(pwd -P) is not visible inside the sandbox" \
    "$T_BURROW" --profile "$T_TMP/bare-cwd.json" -- "$FIX_HELLO"
expect_out "root.path: read-only by default" "Read-only file system" \
    "$T_BURROW" --profile "$T_TMP/bare.json" -- "$FIX_HELLO" --write /etc/from-bare
cat > "$T_TMP/pack-root.json" <<JSON
{ "version": 1, "extends": "builtin:pack", "root": { "path": "$root" }, "process": { "cwd": "/" } }
JSON
expect_out "root.path: builtin:pack's inherited \"access\": \"rw\" leaves the image read-only" \
    "Read-only file system" "$T_BURROW" --profile "$T_TMP/pack-root.json" -- "$FIX_HELLO" --write /etc/from-pack
check "root.path: ... and nothing was written in the image" test ! -e "$root/etc/from-pack"
cat > "$T_TMP/pack-root-rw.json" <<JSON
{ "version": 1, "extends": "builtin:pack", "root": { "path": "$root", "access": "rw" }, "process": { "cwd": "/" } }
JSON
expect_status "root.path: \"access\": \"rw\" written with the path makes it writable" 0 \
    "$T_BURROW" --profile "$T_TMP/pack-root-rw.json" -- "$FIX_HELLO" --write /etc/from-pack
check "root.path: ... and the write is in the image" test -e "$root/etc/from-pack"
rm -f "$root/etc/from-pack"
cat > "$T_TMP/excl.json" <<JSON
{ "version": 1, "root": { "path": "$root", "exclude": [ "/etc" ] }, "process": { "cwd": "/" } }
JSON
expect_err "root.exclude: an excluded top-level entry is not there" 1 "/etc/marker" \
    "$T_BURROW" --profile "$T_TMP/excl.json" -- "$FIX_HELLO" --cat /etc/marker
printf '{ "version": 1, "root": { "path": "/" } }\n' > "$T_TMP/slash.json"
expect_err "root.path: / is refused" 125 '"/" is the host'"'"'s root; write "host": "all" instead' \
    "$T_BURROW" --check --profile "$T_TMP/slash.json"

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
