# The closure burrow-pack computes is complete (a missing reference is named at pack
# time) and minimal (an unreferenced item is not packed).
. "$T_LIB"

# Item names of a pack, one a line, sorted: from the tar listing, not from the manifest.
pack_items() {
    tar -tzf "$1" | sed -n "s|^${FIX_DEST#/}/\([^/]*\)/\$|\1|p" | sort
}
closure=$(printf '%s\n' $FIX_HELLO_CLOSURE | sort)

check "closure: pack hello" "$T_PACK" --store "$FIX_STORE:$FIX_DEST" "$FIX_ITEM_HELLO" -o "$T_TMP/h.tar.gz"
expect_eq "closure: exactly hello's closure is packed" "$closure" "$(pack_items "$T_TMP/h.tar.gz")"
t_run tar -tzf "$T_TMP/h.tar.gz"
case $T_OUT in
    *"$FIX_UNREFERENCED"*) fail "closure: the unreferenced item is not packed" "found $FIX_UNREFERENCED" ;;
    *) ok "closure: the unreferenced item is not packed" ;;
esac

# Naming an item by its path under DEST or under SRC works the same.
check "closure: items named by path" "$T_PACK" --store "$FIX_STORE:$FIX_DEST" "$FIX_HELLO" \
    "$FIX_STORE/$FIX_ITEM_DATA/share" -o "$T_TMP/h2.tar.gz"
expect_eq "closure: the same closure from paths" "$closure" "$(pack_items "$T_TMP/h2.tar.gz")"

# The manifest lists the same items, with their references.
t_run "$T_PACK" info --json "$T_TMP/h.tar.gz"
n=0
for it in $FIX_HELLO_CLOSURE; do
    case $T_OUT in *"\"name\": \"$it\""*) n=$((n + 1)) ;; esac
done
expect_eq "closure: the manifest lists every item" "$(echo $FIX_HELLO_CLOSURE | wc -w)" "$n"
hello_refs=$(printf '%s' "$T_OUT" | tr -d '\n ' | sed -n "s|.*\"name\":\"$FIX_ITEM_HELLO\",\"path\":\"[^\"]*\",\"references\":\[\([^]]*\)\].*|\1|p")
case $hello_refs in
    *"$FIX_ITEM_GLIBC"*"$FIX_ITEM_DATA"*|*"$FIX_ITEM_DATA"*"$FIX_ITEM_GLIBC"*) ok "closure: hello's references are recorded" ;;
    *) fail "closure: hello's references are recorded" "references: $hello_refs" ;;
esac

# --no-closure packs only what is named.
check "closure: --no-closure" "$T_PACK" --store "$FIX_STORE:$FIX_DEST" --no-closure "$FIX_ITEM_HELLO" -o "$T_TMP/n.tar.gz"
expect_eq "closure: --no-closure packs the named item only" "$FIX_ITEM_HELLO" "$(pack_items "$T_TMP/n.tar.gz")"

# A store copy without glibc: the packer names the missing item and who needs it.
cp -R "$FIX_STORE" "$T_TMP/store"
chmod -R u+w "$T_TMP/store"
rm -rf "$T_TMP/store/$FIX_ITEM_GLIBC"
expect_err "closure: a missing reference is named" 1 "references $FIX_DEST/$FIX_ITEM_GLIBC" \
    "$T_PACK" --store "$T_TMP/store:$FIX_DEST" "$FIX_ITEM_HELLO" -o "$T_TMP/m.tar.gz"
case $T_ERR in
    *"item $FIX_ITEM_HELLO (file bin/hello) references $FIX_DEST/$FIX_ITEM_GLIBC"*"which is not in the store"*)
        ok "closure: the message names the referring item and file" ;;
    *) fail "closure: the message names the referring item and file" "$(t_what)" ;;
esac
check "closure: no output after the failure" test ! -e "$T_TMP/m.tar.gz"
expect_eq "closure: no temporary file left" "" "$(ls -A "$T_TMP" | grep '\.tmp-' || true)"

# A named item that does not exist.
expect_err "closure: a missing named item is named" 1 "no item 00000000000000000000000000000000-nothing in the store" \
    "$T_PACK" --store "$FIX_STORE:$FIX_DEST" 00000000000000000000000000000000-nothing -o "$T_TMP/x.tar.gz"
expect_err "closure: a path outside the store is refused" 1 "not a store item" \
    "$T_PACK" --store "$FIX_STORE:$FIX_DEST" /usr/bin/env -o "$T_TMP/x.tar.gz"

# An entry whose program is not in the store.
expect_err "closure: an entry program that is not there" 1 "is not in the pack" \
    "$T_PACK" --store "$FIX_STORE:$FIX_DEST" "$FIX_ITEM_HELLO" -e x="$FIX_DEST/$FIX_ITEM_HELLO/bin/nothing" -o "$T_TMP/x.tar.gz"
expect_err "closure: an entry program that is not executable" 1 "is not executable" \
    "$T_PACK" --store "$FIX_STORE:$FIX_DEST" "$FIX_ITEM_DATA" -e x="$FIX_DEST/$FIX_ITEM_DATA/share/greeting.txt" -o "$T_TMP/x.tar.gz"

# An entry's program pulls in its item even when only the entry names it.
check "closure: the entry's item is packed without being named" "$T_PACK" --store "$FIX_STORE:$FIX_DEST" \
    "$FIX_ITEM_DATA" -e hello="$FIX_HELLO" -o "$T_TMP/e.tar.gz"
expect_eq "closure: ... with its closure" "$closure" "$(pack_items "$T_TMP/e.tar.gz")"

done_testing
