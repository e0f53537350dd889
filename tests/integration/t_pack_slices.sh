# Slice packs (burrow-pack --slice): their references to a store are checked with or
# without --store, and their entries run from the parent of a slice's destination.
. "$T_LIB"

# A tree installed for a fixed prefix: a #! script whose interpreter is the fixture
# store's sh (so it runs only where the store is mapped) and a data file it finds from
# its own path, wherever the slice is mounted.
SL=$T_TMP/tool
mkdir -p "$SL/bin" "$SL/share"
cat > "$SL/bin/tool" <<SCRIPT
#!$FIX_DEST/$FIX_ITEM_DASH/bin/sh
d=\${0%/bin/tool}
echo "tool: \$(cat "\$d/share/motd") in \$(pwd)"
exit \${1:-0}
SCRIPT
chmod 755 "$SL/bin/tool"
echo "motd of the slice" > "$SL/share/motd"

# ---- References (burrow-pack(1), --slice and CLOSURE) --------------------------------
mkdir "$T_TMP/out"
expect_err "refs: without --store, a slice's #! into /gnu/store is refused (125), naming slice, file and path" 125 \
    "slice /opt/tool (file bin/tool) references $FIX_DEST/$FIX_ITEM_DASH, but the pack has no store" \
    "$T_PACK" --slice "$SL=/opt/tool" -e tool=/opt/tool/bin/tool -o "$T_TMP/out/p.tar.gz"
expect_eq "refs: ... and nothing is left in the output directory" "" "$(ls -A "$T_TMP/out")"
for f in dir run; do
    expect_err "refs: ... the same with -f $f" 125 "slice /opt/tool (file bin/tool) references" \
        "$T_PACK" -f "$f" --slice "$SL=/opt/tool" -e tool=/opt/tool/bin/tool -o "$T_TMP/out/p.$f"
done
expect_eq "refs: ... leaving nothing either" "" "$(ls -A "$T_TMP/out")"

# /nix/store too, in any file; every reference in one error.
NIXREF=/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-bash-5.2
cp -R "$SL" "$T_TMP/tool2"
printf 'the shell: %s/bin/bash\n' "$NIXREF" > "$T_TMP/tool2/share/paths"
t_run "$T_PACK" --slice "$T_TMP/tool2=/opt/tool" -o "$T_TMP/out/p.tar.gz"
case $T_STATUS:$T_ERR in
    125:*"slice /opt/tool (file bin/tool) references $FIX_DEST/$FIX_ITEM_DASH"*"slice /opt/tool (file share/paths) references $NIXREF,"*)
        ok "refs: /nix/store references count too, and all are named in one error" ;;
    *) fail "refs: /nix/store references count too, and all are named in one error" "$(t_what)" ;;
esac
check "refs: ... no output" test ! -e "$T_TMP/out/p.tar.gz"
check "refs: --no-closure packs it anyway (the hosts provide the store)" \
    "$T_PACK" --no-closure --slice "$T_TMP/tool2=/opt/tool" -o "$T_TMP/out/nc.tar.gz"
check "refs: ... and the pack is there" test -s "$T_TMP/out/nc.tar.gz"
rm -f "$T_TMP/out/nc.tar.gz"

# With --store, the store holds what the slice names: it is packed, and the entry runs.
check "refs: with --store, the slice packs" \
    "$T_PACK" --store "$FIX_STORE:$FIX_DEST" --slice "$SL=/opt/tool" -e tool=/opt/tool/bin/tool -o "$T_TMP/p.tar.gz"
t_run tar -tzf "$T_TMP/p.tar.gz"
case $T_OUT in
    *"${FIX_DEST#/}/$FIX_ITEM_DASH/bin/sh"*) ok "refs: ... with the item its #! line names" ;;
    *) fail "refs: ... with the item its #! line names" "no $FIX_ITEM_DASH in the listing" ;;
esac
D="$T_TMP/unpacked"
mkdir "$D"
tar -xzf "$T_TMP/p.tar.gz" -C "$D"
expect_out "refs: ... and its entry runs" "tool: motd of the slice in $T_TMP" "$D/bin/tool"
# A store that lacks the item: the store's own check (exit 1, burrow-pack(1) EXIT STATUS).
cp -R "$FIX_STORE" "$T_TMP/store"
chmod -R u+w "$T_TMP/store"
rm -rf "${T_TMP:?}/store/$FIX_ITEM_DASH"
expect_err "refs: with a --store that lacks the item, 1 naming the slice and the file" 1 \
    "slice /opt/tool (file bin/tool) references $FIX_DEST/$FIX_ITEM_DASH, which is not in the store" \
    "$T_PACK" --store "$T_TMP/store:$FIX_DEST" --slice "$SL=/opt/tool" -o "$T_TMP/out/p.tar.gz"
check "refs: ... no output" test ! -e "$T_TMP/out/p.tar.gz"

done_testing
