# Packs of the fixture store, unpacked with GNU tar into a path with spaces, run as
# ./bin/NAME: directly, via PATH, via the user's symlinks, via a #! script, with exec -a,
# from another cwd, and nested (an entry that runs another entry).
. "$T_LIB"

if [ -z "$T_PACK" ] || [ ! -x "$T_PACK" ]; then
    fail "pack: burrow-pack is built" "T_PACK='$T_PACK' is not an executable"
    done_testing
    exit
fi

P=$T_TMP/hello.tar.gz
check "pack: hello, hello-script and sh as entries" \
    "$T_PACK" --store "$FIX_STORE:$FIX_DEST" "$FIX_ITEM_HELLO" -e hello="$FIX_HELLO" \
    -e hello-script="$FIX_SCRIPT" -e sh="$FIX_DEST/$FIX_ITEM_DASH/bin/sh" -o "$P"
check "pack: silent when stderr is not a terminal" test -z "$T_ERR"

D="$T_TMP/unpacked pack dir"
mkdir "$D"
check "pack: GNU tar extracts it into a path with spaces" tar -xzf "$P" -C "$D"
check "pack: bin/hello is a relative symlink to the runtime" \
    test "$(readlink "$D/bin/hello")" = ../.burrow/burrow

cd "$D" || exit 1
expect_out "run: ./bin/hello" "hello: $FIX_GREETING" ./bin/hello
expect_status "run: ./bin/hello exits 0" 0 ./bin/hello
expect_status "run: the exit status passes through" 42 ./bin/hello --exit 42
expect_out "run: arguments pass through byte-exact" "$(printf '61\n622063\n\n2d2d')" ./bin/hello --argv a "b c" "" --
expect_out "run: the #! script entry (hello-script)" "hello: $FIX_GREETING" ./bin/hello-script
expect_out "run: the #! script passes its arguments" "$(printf '78\n7920')" ./bin/hello-script --argv x "y "
expect_out "run: cwd is kept" "$D" ./bin/hello --cwd
expect_out "run: stdin passes through" "data on stdin" sh -c 'echo "data on stdin" | ./bin/hello --stdin'
expect_out "run: environment passes through" "yes" env PACK_TEST_VAR=yes ./bin/hello --env PACK_TEST_VAR

# From another directory, by absolute and by relative path.
mkdir "$T_TMP/elsewhere"
cd "$T_TMP/elsewhere" || exit 1
expect_out "run: from another cwd, absolute path" "hello: $FIX_GREETING" "$D/bin/hello"
expect_out "run: from another cwd, the cwd is that directory" "$T_TMP/elsewhere" "$D/bin/hello" --cwd
expect_out "run: relative path from the parent" "hello: $FIX_GREETING" sh -c 'cd .. && "./unpacked pack dir/bin/hello"'

# PATH lookup.
expect_out "run: via PATH" "hello: $FIX_GREETING" env PATH="$D/bin:/usr/bin:/bin" hello
expect_out "run: via PATH, the script entry" "hello: $FIX_GREETING" env PATH="$D/bin:/usr/bin:/bin" hello-script

# The user's own symlinks: absolute, relative, and a chain of them.
mkdir "$T_TMP/mybin"
ln -s "$D/bin/hello" "$T_TMP/mybin/greet"
ln -s "../unpacked pack dir/bin/hello-script" "$T_TMP/mybin/greet-script"
ln -s greet "$T_TMP/mybin/greet2"
expect_out "run: via a user symlink" "hello: $FIX_GREETING" "$T_TMP/mybin/greet"
expect_out "run: via a relative user symlink (script entry)" "hello: $FIX_GREETING" "$T_TMP/mybin/greet-script"
expect_out "run: via a chain of user symlinks" "$(printf '7a')" "$T_TMP/mybin/greet2" --argv z
expect_out "run: via a user symlink found in PATH" "hello: $FIX_GREETING" env PATH="$T_TMP/mybin:/usr/bin:/bin" greet2

# exec -a: argv[0] says something else; the entry comes from the executed path.
if command -v bash >/dev/null 2>&1; then
    expect_out "run: exec -a other-name" "$(printf '61')" bash -c 'exec -a other-name "$0" --argv a' "$D/bin/hello"
    expect_out "run: exec -a with a PATH lookup" "hello: $FIX_GREETING" \
        env PATH="$D/bin:/usr/bin:/bin" bash -c 'exec -a /nonexistent/thing hello'
else
    fail "run: exec -a other-name" "bash is needed for exec -a"
fi

# A script whose #! line is the entry (a path without spaces: the kernel splits there).
ln -s "$D" "$T_TMP/packlink"
printf '#!%s --argv\n' "$T_TMP/packlink/bin/hello" > "$T_TMP/myscript"
chmod 755 "$T_TMP/myscript"
script_hex=$(printf '%s' "$T_TMP/myscript" | od -An -tx1 | tr -d ' \n')
expect_out "run: a #! script with the entry as interpreter" "$(printf '%s\n6172672031' "$script_hex")" \
    "$T_TMP/myscript" "arg 1"
printf '#!%s --argv\n' "$T_TMP/packlink/bin/hello-script" > "$T_TMP/myscript2"
chmod 755 "$T_TMP/myscript2"
script2_hex=$(printf '%s' "$T_TMP/myscript2" | od -An -tx1 | tr -d ' \n')
expect_out "run: a #! script with the script entry as interpreter" "$(printf '%s\n78' "$script2_hex")" \
    "$T_TMP/myscript2" x

# Nested: an entry (the store's sh) runs another entry of the same pack.
expect_out "run: nested, an entry runs another entry" "hello: $FIX_GREETING" \
    "$D/bin/sh" -c '"$1/bin/hello"' sh "$D"
expect_status "run: nested, the inner status comes back" 9 \
    "$D/bin/sh" -c '"$1/bin/hello" --exit 9' sh "$D"
expect_out "run: nested twice" "hello: $FIX_GREETING" \
    "$D/bin/sh" -c '"$1/bin/sh" -c "\"\$1/bin/hello-script\"" sh "$1"' sh "$D"

# Root runs a pack as installed: no user namespace (the initial id map), root's
# capabilities (chown works); an ordinary user gets a user namespace mapping their own id.
echo owned >"$T_TMP/chown-me"
if [ "$(id -u)" = 0 ]; then
    expect_out "root: a pack entry keeps the initial id map" "0 0 4294967295" \
        "$D/bin/sh" -c 'read -r a b c </proc/self/uid_map; echo "$a $b $c"'
    t_run "$D/bin/sh" -c 'chown 12345:12345 "$1" && echo done' sh "$T_TMP/chown-me"
    if [ "$T_STATUS" = 0 ] && [ "$(stat -c %u:%g "$T_TMP/chown-me")" = 12345:12345 ]; then
        ok "root: chown works inside a pack entry"
    else fail "root: chown works inside a pack entry" "$(t_what); owner $(stat -c %u:%g "$T_TMP/chown-me")"; fi
    expect_out "root: other owners show as themselves (not nobody)" "12345" \
        "$D/bin/sh" -c 'ls -n "$1" | { read -r m l u rest; echo "$u"; }' sh "$T_TMP/chown-me"
    expect_out "root: BURROW_ENGINE=userns keeps the user namespace" "0 0 1" \
        env BURROW_ENGINE=userns "$D/bin/sh" -c 'read -r a b c </proc/self/uid_map; echo "$a $b $c"'
else
    expect_out "user: a pack entry maps only the caller's id" "$(id -u) $(id -u) 1" \
        "$D/bin/sh" -c 'read -r a b c </proc/self/uid_map; echo "$a $b $c"'
    expect_err "user: chown to another owner fails inside a pack entry (EINVAL)" 1 "Invalid argument" \
        "$D/bin/sh" -c 'exec chown 12345 "$1"' sh "$T_TMP/chown-me"
fi

t_run unshare -Ur sh -c 'readlink /proc/self/ns/user; "$1/bin/sh" -c "readlink /proc/self/ns/user"' sh "$D"
if [ "$T_STATUS" = 0 ] && [ "$(printf '%s\n' "$T_OUT" | sort -u | wc -l)" = 1 ]; then
    ok "root of a user namespace (unshare -Ur) runs a pack entry in that namespace, making none"
else fail "root of a user namespace (unshare -Ur) runs a pack entry in that namespace, making none" "$(t_what)"; fi

# BURROW_HOST=none: the host's root hidden, to test that a pack holds what it needs.
expect_out "hermetic: the fixture's hello needs nothing of the host" "hello: $FIX_GREETING" env BURROW_HOST=none "$D/bin/hello"
expect_out "hermetic: a host file the program reads is found normally" "ok" \
    "$D/bin/sh" -c '. /etc/os-release && echo ok'
expect_err "hermetic: ... and is missing under BURROW_HOST=none, by its name" 2 "/etc/os-release" \
    env BURROW_HOST=none "$D/bin/sh" -c '. /etc/os-release && echo ok'
mkdir -p "$T_TMP/hermetic-cwd"
HOST_TMP_FILE=$(mktemp /tmp/burrow-hermetic.XXXXXX)
expect_out "hermetic: the cwd stays, writable; the host's /tmp and /etc are not there; /dev/null is" \
    "written no no yes" \
    sh -c 'cd "$1" && BURROW_HOST=none "$2/bin/sh" -c "echo written >f && read -r x <f && echo \$x \$([ -e \"\$0\" ] && echo yes || echo no) \$([ -e /etc ] && echo yes || echo no) \$([ -c /dev/null ] && echo yes || echo no)" "$3"' \
    sh "$T_TMP/hermetic-cwd" "$D" "$HOST_TMP_FILE"
rm -f "$HOST_TMP_FILE"
expect_out "hermetic: an empty BURROW_HOST is all (the host's files are there)" "ok" \
    env BURROW_HOST= "$D/bin/sh" -c '. /etc/os-release && echo ok'
expect_out "hermetic: BURROW_HOST=all is the entry's profile as it is" "ok" \
    env BURROW_HOST=all "$D/bin/sh" -c '. /etc/os-release && echo ok'
expect_err "hermetic: BURROW_HOST takes none or all" 125 "BURROW_HOST=some: expected none" env BURROW_HOST=some "$D/bin/hello"

# An unpacker that turned the links into copies: bin/NAME is then the runtime itself.
cp -R "$D" "$T_TMP/copied"
rm "$T_TMP/copied/bin/hello"
cp "$T_TMP/copied/.burrow/burrow" "$T_TMP/copied/bin/hello"
expect_out "run: bin/hello as a copy of the runtime" "hello: $FIX_GREETING" "$T_TMP/copied/bin/hello"
rm -rf "$T_TMP/copied"

# The runtime called by its own name is the burrow command line; under another name that
# is no entry, it says which entries there are.
expect_out "run: .burrow/burrow itself is the burrow command" "burrow 0.1.0" "$D/.burrow/burrow" --version
# burrow(1), PACKS: by its own name "${PACK} set to the pack root, so that
# PACK/.burrow/burrow --print-plan --profile PACK/.burrow/profiles/NAME.json ... can use the
# pack's store"; "given no command, no profile and neither --check nor --print-plan, it stops
# with an error that lists the pack's entries".
expect_status "run: .burrow/burrow --print-plan of an entry's profile (\${PACK} is set)" 0 \
    "$D/.burrow/burrow" --print-plan --profile "$D/.burrow/profiles/hello.json"
expect_out "run: .burrow/burrow --profile of an entry's profile runs it" "hello: $FIX_GREETING" \
    "$D/.burrow/burrow" --profile "$D/.burrow/profiles/hello.json"
expect_err "run: .burrow/burrow with nothing to do lists the entries" 125 "(entries: hello, hello-script, sh)" \
    "$D/.burrow/burrow"
# burrow-pack(1), ENTRIES: "If no path leads through bin/, the base name of argv[0] is used when
# the pack has a profile of that name".
ln "$D/.burrow/burrow" "$D/.burrow/hello"
expect_out "run: a runtime named after an entry, outside bin/, runs that entry" "hello: $FIX_GREETING" "$D/.burrow/hello"
rm -f "$D/.burrow/hello"
ln "$D/.burrow/burrow" "$D/.burrow/other-name"
expect_err "run: an unknown name lists the entries" 125 "(entries: hello, hello-script, sh)" "$D/.burrow/other-name"
case $T_ERR in
    *"cannot tell which entry of the pack at $D to run"*"run $D/bin/NAME"*) ok "run: ... and says how to run one" ;;
    *) fail "run: ... and says how to run one" "$(t_what)" ;;
esac
rm -f "$D/.burrow/other-name"

# The pack can be removed by its owner (directories stay writable).
cd "$T_TMP" || exit 1
check "pack: rm -rf of the unpacked pack works" rm -rf "$D"
check "pack: nothing left" test ! -e "$D"

done_testing
