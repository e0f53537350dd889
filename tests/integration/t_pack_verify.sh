# burrow-pack info and verify: a fresh pack verifies (tarball and unpacked); a changed
# file makes verify fail, naming the item.
. "$T_LIB"

P=$T_TMP/p.tar.gz
check "verify: pack" "$T_PACK" --store "$FIX_STORE:$FIX_DEST" "$FIX_ITEM_HELLO" -e hello="$FIX_HELLO" -o "$P"
expect_status "verify: a fresh tarball verifies" 0 "$T_PACK" verify "$P"
case $T_OUT in
    *": ok ($(echo $FIX_HELLO_CLOSURE | wc -w) items, 1 entries"*) ok "verify: it says how much it checked" ;;
    *) fail "verify: it says how much it checked" "$(t_what)" ;;
esac

t_run "$T_PACK" info "$P"
case $T_OUT in
    *'"format": 1'*'"items": ['*'"runtime": {'*) ok "info: prints the manifest" ;;
    *) fail "info: prints the manifest" "$(t_what)" ;;
esac
runtime_sum=$(sha256sum "$(dirname "$T_PACK")/burrow" | cut -d' ' -f1)
case $T_OUT in
    *"\"sha256\": \"$runtime_sum\""*) ok "info: records the runtime's sha256" ;;
    *) fail "info: records the runtime's sha256" "no $runtime_sum in the manifest" ;;
esac

D="$T_TMP/un packed"
mkdir "$D"
tar -xzf "$P" -C "$D"
expect_status "verify: the unpacked directory verifies" 0 "$T_PACK" verify "$D"
expect_out "info: of the directory, the same manifest" "$(cat "$D/.burrow/manifest.json")" "$T_PACK" info "$D"

# Change one byte of one file.
f="$D/${FIX_DEST#/}/$FIX_ITEM_DATA/share/greeting.txt"
chmod u+w "$f"
printf 'Greetings from elsewhere\n' > "$f"
expect_err "verify: a changed file fails, naming the item" 1 "item $FIX_ITEM_DATA: content differs" "$T_PACK" verify "$D"
expect_eq "verify: only that item is reported" 1 "$(printf '%s\n' "$T_ERR" | grep -c 'content differs')"

# A changed executable bit is a difference too.
mkdir "$D.2"
tar -xzf "$P" -C "$D.2"
chmod a-x "$D.2/${FIX_DEST#/}/$FIX_ITEM_HELLO/bin/hello-script"
expect_err "verify: a dropped executable bit fails" 1 "item $FIX_ITEM_HELLO: content differs" "$T_PACK" verify "$D.2"

# A removed item, an extra item, a replaced runtime.
mkdir "$D.3"
tar -xzf "$P" -C "$D.3"
rm -rf "$D.3/${FIX_DEST#/}/$FIX_ITEM_LIBGREET"
mkdir "$D.3/${FIX_DEST#/}/extra-item"
printf 'not the runtime' > "$D.3/.burrow/burrow"
t_run "$T_PACK" verify "$D.3"
expect_eq "verify: several problems, status 1" 1 "$T_STATUS"
case $T_ERR in *"item $FIX_ITEM_LIBGREET: missing"*) ok "verify: names a missing item" ;; *) fail "verify: names a missing item" "$(t_what)" ;; esac
case $T_ERR in *"extra-item: in the pack but not in the manifest"*) ok "verify: names an extra item" ;; *) fail "verify: names an extra item" "$(t_what)" ;; esac
case $T_ERR in *"runtime .burrow/burrow: content differs"*) ok "verify: notices a replaced runtime" ;; *) fail "verify: notices a replaced runtime" "$(t_what)" ;; esac

# A changed tarball (re-packed with GNU tar from the changed directory) fails the same way.
(cd "$D" && tar -czf "$T_TMP/changed.tar.gz" .)
expect_err "verify: a changed tarball fails, naming the item" 1 "item $FIX_ITEM_DATA: content differs" \
    "$T_PACK" verify "$T_TMP/changed.tar.gz"

# Not a pack.
printf 'hello' > "$T_TMP/not-a-pack"
expect_err "verify: a file that is not a pack" 1 "cannot read the pack" "$T_PACK" verify "$T_TMP/not-a-pack"
mkdir "$T_TMP/empty"
expect_err "verify: a directory that is not a pack" 1 "is not a burrow pack" "$T_PACK" verify "$T_TMP/empty"
expect_err "info: a missing file" 1 "No such file or directory" "$T_PACK" info "$T_TMP/nothing-here"

done_testing
