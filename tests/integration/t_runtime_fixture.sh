# The fixture store is honest (its programs run only where the store is mapped) and its
# programs run through burrow: from the command line and through profile files.
. "$T_LIB"

# hello's own path on the host, outside any namespace.
host_hello=$FIX_STORE/${FIX_HELLO#"$FIX_DEST"/}
host_script=$FIX_STORE/${FIX_SCRIPT#"$FIX_DEST"/}

# Without the store, the programs cannot start: the interpreter and #! line point into
# /gnu/store, which exists only inside burrow.
check "fixture: /gnu/store absent on the host" test ! -e "$FIX_DEST/$FIX_ITEM_HELLO"
t_run "$host_hello"
if [ "$T_STATUS" -ne 0 ] && [ -z "$T_OUT" ]; then ok "fixture: hello cannot run on the host"
else fail "fixture: hello cannot run on the host" "$(t_what)"; fi
t_run "$host_script"
if [ "$T_STATUS" -ne 0 ] && [ -z "$T_OUT" ]; then ok "fixture: hello-script cannot run on the host"
else fail "fixture: hello-script cannot run on the host" "$(t_what)"; fi

# Through burrow without --store: not found inside either (execve fails: 126 or 127).
t_run "$T_BURROW" --host-root -- "$FIX_HELLO"
case $T_STATUS in
    126|127) [ -z "$T_OUT" ] && ok "fixture: hello fails under burrow without --store" \
                 || fail "fixture: hello fails under burrow without --store" "$(t_what)" ;;
    *) fail "fixture: hello fails under burrow without --store" "expected 126 or 127; $(t_what)" ;;
esac

# Command line.
expect_out "cli: hello via --host-root --store" "hello: $FIX_GREETING" \
    "$T_BURROW" --host-root --store "$FIX_STORE:$FIX_DEST" -- "$FIX_HELLO"
expect_status "cli: hello exits 0" 0 "$T_BURROW" --host-root --store "$FIX_STORE:$FIX_DEST" -- "$FIX_HELLO"
expect_out "cli: --store defaults to /gnu/store" "hello: $FIX_GREETING" \
    "$T_BURROW" --host-root --store "$FIX_STORE" -- "$FIX_HELLO"
expect_out "cli: hello-script (#! into the store)" "hello: $FIX_GREETING" \
    "$T_BURROW" --host-root --store "$FIX_STORE:$FIX_DEST" -- "$FIX_SCRIPT"
expect_out "cli: hello-script passes its arguments" "$(printf '61\n622063')" \
    "$T_BURROW" --host-root --store "$FIX_STORE:$FIX_DEST" -- "$FIX_SCRIPT" --argv a "b c"
expect_out "cli: without host root, store only" "hello: $FIX_GREETING" \
    "$T_BURROW" --store "$FIX_STORE" --chdir / -- "$FIX_HELLO"
# Relative store source: taken from the cwd.
ln -s "$FIX_STORE" "$T_TMP/rel-store"
expect_out "cli: relative --store source" "hello: $FIX_GREETING" \
    "$T_BURROW" --host-root --store rel-store -- "$FIX_HELLO"

# The store at another destination: hello then fails (its paths say /gnu/store).
t_run "$T_BURROW" --host-root --store "$FIX_STORE:/opt/elsewhere" -- "/opt/elsewhere/$FIX_ITEM_HELLO/bin/hello"
case $T_STATUS in
    126|127) ok "cli: store at another destination does not satisfy hello" ;;
    *) fail "cli: store at another destination does not satisfy hello" "expected 126 or 127; $(t_what)" ;;
esac

# Profile files.
cat > "$T_TMP/pack.json" <<JSON
{
  "version": 1,
  "extends": "builtin:pack",
  "stores": [ { "source": "$FIX_STORE", "destination": "/gnu/store" } ]
}
JSON
expect_out "profile: hello via a builtin:pack profile" "hello: $FIX_GREETING" \
    "$T_BURROW" --profile "$T_TMP/pack.json" -- "$FIX_HELLO"
expect_out "profile: hello-script via a builtin:pack profile" "hello: $FIX_GREETING" \
    "$T_BURROW" --profile "$T_TMP/pack.json" -- "$FIX_SCRIPT"
expect_status "profile: exit status through a profile" 7 \
    "$T_BURROW" --profile "$T_TMP/pack.json" -- "$FIX_HELLO" --exit 7

# ${PROFILE_DIR} and process.exec (wrapper semantics: every argument goes to the program).
mkdir "$T_TMP/prof"
ln -s "$FIX_STORE" "$T_TMP/prof/store"
cat > "$T_TMP/prof/hello.json" <<JSON
#!/usr/bin/env -S burrow --profile
// an exec wrapper for the fixture's hello
{
  "version": 1,
  "extends": "builtin:pack",
  "stores": [ { "source": "\${PROFILE_DIR}/store", "destination": "/gnu/store" } ],
  "process": { "exec": "$FIX_HELLO" }
}
JSON
expect_out "profile: process.exec runs without a command" "hello: $FIX_GREETING" \
    "$T_BURROW" --profile "$T_TMP/prof/hello.json"
expect_out "profile: process.exec gets every argument" "$(printf '2d2d65786974\n37')" \
    "$T_BURROW" --profile "$T_TMP/prof/hello.json" -- --argv --exit 7
expect_status "profile: process.exec wrapper status" 9 \
    "$T_BURROW" --profile "$T_TMP/prof/hello.json" -- --exit 9

# An executable profile: the kernel runs `burrow --profile FILE ARG...`, and every
# argument, options included, belongs to the program the profile names.
cat > "$T_TMP/prof/run-hello" <<JSON
#!$T_BURROW --profile
{ "version": 1, "extends": "builtin:pack",
  "stores": [ { "source": "\${PROFILE_DIR}/store", "destination": "/gnu/store" } ],
  "process": { "exec": "$FIX_HELLO" } }
JSON
chmod 755 "$T_TMP/prof/run-hello"
expect_out "shebang profile: runs its program" "hello: $FIX_GREETING" "$T_TMP/prof/run-hello"
expect_status "shebang profile: status" 7 "$T_TMP/prof/run-hello" --exit 7
expect_out "shebang profile: options are the program's" "$(printf '2d76\n2d2d686f73742d726f6f74\n2d2d')" \
    "$T_TMP/prof/run-hello" --argv -v --host-root --

# Only the listed items: hello's closure is enough, and an unlisted item is absent.
items=
for i in $FIX_HELLO_CLOSURE; do items="$items${items:+, }\"$i\""; done
cat > "$T_TMP/items.json" <<JSON
{
  "version": 1,
  "extends": "builtin:pack",
  "stores": [ { "source": "$FIX_STORE", "destination": "/gnu/store", "items": [ $items ] } ]
}
JSON
expect_out "profile: store items = hello's closure runs hello" "hello: $FIX_GREETING" \
    "$T_BURROW" --profile "$T_TMP/items.json" -- "$FIX_HELLO"
t_run "$T_BURROW" --profile "$T_TMP/items.json" -- "$FIX_HELLO" --cat "$FIX_DEST/$FIX_UNREFERENCED/share/README"
if [ "$T_STATUS" -eq 1 ] && [ -z "$T_OUT" ]; then ok "profile: unlisted store item is not visible"
else fail "profile: unlisted store item is not visible" "$(t_what)"; fi
expect_out "profile: listed store item is visible" "$FIX_GREETING" \
    "$T_BURROW" --profile "$T_TMP/items.json" -- "$FIX_HELLO" --cat "$FIX_DEST/$FIX_ITEM_DATA/share/greeting.txt"

done_testing
