# burrow-pack --prefix-dir NAME: every member of the tarball below NAME/, so that two packs
# unpacked into one directory keep apart; the entries run from NAME/bin/, verify, info
# and check read it; the default stays flat; bad names and formats are refused (125).
. "$T_LIB"

if [ -z "$T_PACK" ] || [ ! -x "$T_PACK" ]; then
    fail "prefix: burrow-pack is built" "T_PACK='$T_PACK' is not an executable"
    done_testing
    exit
fi

P=$T_TMP/hello.tar.gz
Q=$T_TMP/sh.tar.gz
check "prefix: pack hello with --prefix-dir hello-1.0" \
    "$T_PACK" --store "$FIX_STORE:$FIX_DEST" "$FIX_ITEM_HELLO" -e hello="$FIX_HELLO" --prefix-dir hello-1.0 -o "$P"
check "prefix: pack sh with --prefix-dir=dash" \
    "$T_PACK" --store "$FIX_STORE:$FIX_DEST" "$FIX_ITEM_DASH" -e sh="$FIX_DEST/$FIX_ITEM_DASH/bin/sh" \
    --prefix-dir=dash -o "$Q"

t_run tar -tzf "$P"
outside=$(printf '%s\n' "$T_OUT" | grep -v -e '^hello-1\.0/' -e '^hello-1\.0$' | head -3)
if [ "$T_STATUS" = 0 ] && [ -n "$T_OUT" ] && [ -z "$outside" ]; then
    ok "prefix: every member is below hello-1.0/"
else fail "prefix: every member is below hello-1.0/" "outside: $outside; $(t_what)"; fi
case $T_OUT in
    *"hello-1.0/bin/hello"*"hello-1.0/.burrow/manifest.json"*|*"hello-1.0/.burrow/manifest.json"*"hello-1.0/bin/hello"*)
        ok "prefix: bin/ and .burrow/ are inside it" ;;
    *) fail "prefix: bin/ and .burrow/ are inside it" "$(t_what)" ;;
esac

# Both unpacked into one directory: each keeps its own manifest.
J="$T_TMP/job dir"
mkdir "$J"
check "prefix: GNU tar unpacks hello into a shared directory" tar -xzf "$P" -C "$J"
check "prefix: ... and sh beside it" tar -xzf "$Q" -C "$J"
expect_eq "prefix: the shared directory holds just the two top-level directories" "dash hello-1.0" \
    "$(ls -A "$J" | tr '\n' ' ' | sed 's/ $//')"
expect_out "run: hello-1.0/bin/hello" "hello: $FIX_GREETING" "$J/hello-1.0/bin/hello"
expect_out "run: dash/bin/sh, beside it" "sh ok" "$J/dash/bin/sh" -c 'echo sh ok'
expect_out "run: from inside the prefix by a relative path" "hello: $FIX_GREETING" \
    sh -c 'cd "$1/hello-1.0" && ./bin/hello' sh "$J"
expect_status "run: the exit status passes through" 7 "$J/hello-1.0/bin/hello" --exit 7
expect_status "verify: the unpacked prefix directory verifies" 0 "$T_PACK" verify "$J/hello-1.0"
expect_status "verify: so does the other pack's" 0 "$T_PACK" verify "$J/dash"

# verify and info read the tarball itself, with its prefix.
t_run "$T_PACK" verify "$P"
case $T_STATUS:$T_OUT in
    "0:$P: ok ("*" items, 1 entries, "*) ok "verify: a --prefix-dir tarball verifies" ;;
    *) fail "verify: a --prefix-dir tarball verifies" "$(t_what)" ;;
esac
t_run "$T_PACK" info "$P"
case $T_STATUS:$T_OUT in
    "0:$P: a burrow pack"*"bin/hello  $FIX_HELLO"*"--prefix-dir hello-1.0"*) ok "info: reads it and records --prefix-dir" ;;
    *) fail "info: reads it and records --prefix-dir" "$(t_what)" ;;
esac
t_run "$T_PACK" check "$P" -- hello
case $T_STATUS:$T_OUT in
    "0:ok "*"hello (exit 0)"*) ok "check: reads a --prefix-dir tarball" ;;
    *) fail "check: reads a --prefix-dir tarball" "$(t_what)" ;;
esac

# A member outside the prefix (someone added one): verify names it.
mkdir "$T_TMP/re"
tar -xzf "$P" -C "$T_TMP/re"
echo stray >"$T_TMP/re/stray"
(cd "$T_TMP/re" && tar -czf "$T_TMP/stray.tar.gz" hello-1.0 stray)
expect_err "verify: a member outside the prefix directory is named" 1 "stray: outside the pack's top-level directory hello-1.0" \
    "$T_PACK" verify "$T_TMP/stray.tar.gz"

# The default is flat, as before: bin/ and .burrow/ at the top.
F=$T_TMP/flat.tar.gz
check "default: pack without --prefix-dir" \
    "$T_PACK" --store "$FIX_STORE:$FIX_DEST" "$FIX_ITEM_HELLO" -e hello="$FIX_HELLO" -o "$F"
t_run tar -tzf "$F"
case $T_OUT in
    *"bin/hello"*) if printf '%s\n' "$T_OUT" | grep -q '^\.burrow/manifest\.json$'; then ok "default: the layout is flat"
                   else fail "default: the layout is flat" "$(t_what)"; fi ;;
    *) fail "default: the layout is flat" "$(t_what)" ;;
esac
expect_status "default: verify still reads it" 0 "$T_PACK" verify "$F"

# Reproducible: the same command twice gives the same bytes.
check "prefix: pack again" \
    "$T_PACK" --store "$FIX_STORE:$FIX_DEST" "$FIX_ITEM_HELLO" -e hello="$FIX_HELLO" --prefix-dir hello-1.0 -o "$T_TMP/again.tar.gz"
check "prefix: the same bytes" cmp "$P" "$T_TMP/again.tar.gz"

# Bad names and formats: 125, naming the option, what is wrong and how to fix it.
for bad in "" . .. a/b /abs "a/"; do
    expect_err "prefix: --prefix-dir '$bad' is refused" 125 "--prefix-dir '$bad'" \
        "$T_PACK" --store "$FIX_STORE:$FIX_DEST" "$FIX_ITEM_HELLO" --prefix-dir "$bad" -o "$T_TMP/bad.tar.gz"
done
case $T_ERR in
    *"give one directory name"*) ok "prefix: ... and says what to give instead" ;;
    *) fail "prefix: ... and says what to give instead" "$(t_what)" ;;
esac
check "prefix: nothing was written for a refused name" test ! -e "$T_TMP/bad.tar.gz"
expect_err "prefix: -f dir refuses --prefix-dir" 125 "--prefix-dir: only for -f tarball" \
    "$T_PACK" --store "$FIX_STORE:$FIX_DEST" "$FIX_ITEM_HELLO" --prefix-dir x -f dir -o "$T_TMP/d"
expect_err "prefix: -f run refuses --prefix-dir" 125 "--prefix-dir: only for -f tarball" \
    "$T_PACK" --store "$FIX_STORE:$FIX_DEST" "$FIX_ITEM_HELLO" --prefix-dir x -f run -o "$T_TMP/r.run"
expect_err "prefix: -f oci refuses --prefix-dir" 125 "--prefix-dir: only for -f tarball" \
    "$T_PACK" --store "$FIX_STORE:$FIX_DEST" "$FIX_ITEM_HELLO" --prefix-dir x -f oci -o "$T_TMP/o"

cd "$T_TMP" || exit 1
check "prefix: rm -rf of the shared directory works" rm -rf "$J"
done_testing
