# --slice (a directory mounted at a fixed prefix), -S links and --profile in packs.
. "$T_LIB"

# A "build tree" installed with --prefix=/greeter-prefix: a script and its data, which
# references the store (so the slice pulls hello's closure in).
mkdir -p "$T_TMP/root/greeter-prefix/bin" "$T_TMP/root/greeter-prefix/share"
cat > "$T_TMP/root/greeter-prefix/bin/greeter" <<SCRIPT
#!/bin/sh
cat /greeter-prefix/share/motd
exec $FIX_HELLO "\$@"
SCRIPT
chmod 755 "$T_TMP/root/greeter-prefix/bin/greeter"
echo "motd from the slice" > "$T_TMP/root/greeter-prefix/share/motd"

cat > "$T_TMP/custom.json" <<JSON
#!/usr/bin/env -S burrow --profile
// A hand-written profile for entry "custom".
{
  "version": 1,
  "extends": "builtin:pack",
  "stores": [ { "source": "\${PACK}/gnu/store", "destination": "/gnu/store" } ],
  "process": { "exec": "$FIX_HELLO", "env": { "set": { "FROM_PROFILE": "custom value" } } }
}
JSON

check "features: pack a slice, a link and a custom profile" "$T_PACK" --store "$FIX_STORE:$FIX_DEST" \
    --slice "$T_TMP/root/greeter-prefix=/greeter-prefix" -e greeter=/greeter-prefix/bin/greeter \
    -S /share="$FIX_DEST/$FIX_ITEM_DATA/share" -S etc/motd=/greeter-prefix/share/motd \
    --profile custom="$T_TMP/custom.json" -o "$T_TMP/p.tar.gz"
D="$T_TMP/un packed"
mkdir "$D"
tar -xzf "$T_TMP/p.tar.gz" -C "$D"

# The slice: named by content hash + base name, mounted at its prefix.
slice=$(cd "$D/.burrow/slices" && ls)
case $slice in
    ????????????????????????????????-greeter-prefix) ok "slice: named <hash>-greeter-prefix" ;;
    *) fail "slice: named <hash>-greeter-prefix" "found '$slice'" ;;
esac
expect_out "slice: its program runs at its prefix" "$(printf 'motd from the slice\nhello: %s' "$FIX_GREETING")" "$D/bin/greeter"
t_run tar -tzf "$T_TMP/p.tar.gz"
case $T_OUT in
    *"${FIX_DEST#/}/$FIX_ITEM_HELLO/"*"${FIX_DEST#/}/$FIX_ITEM_GLIBC/"*) ok "slice: its store references are packed" ;;
    *) fail "slice: its store references are packed" "listing lacks hello or glibc" ;;
esac
case $T_OUT in *"$FIX_UNREFERENCED"*) fail "slice: nothing more" "unreferenced item packed" ;; *) ok "slice: nothing more" ;; esac
cp -R "$T_TMP/root" "$T_TMP/root2"
echo "changed" >> "$T_TMP/root2/greeter-prefix/share/motd"
check "slice: pack the changed tree" "$T_PACK" --store "$FIX_STORE:$FIX_DEST" --slice "$T_TMP/root2/greeter-prefix=/greeter-prefix" -o "$T_TMP/s2.tar"
slice2=$(tar -tf "$T_TMP/s2.tar" | sed -n 's|^\.burrow/slices/\([^/]*\)/$|\1|p')
t_run test "$slice2" != "$slice"
if [ "$T_STATUS" = 0 ] && [ -n "$slice2" ]; then ok "slice: other contents, other name"; else fail "slice: other contents, other name" "$slice / $slice2"; fi

# -S links: relative, resolving inside the pack.
expect_eq "link: /share is relative" "${FIX_DEST#/}/$FIX_ITEM_DATA/share" "$(readlink "$D/share")"
expect_out "link: it resolves inside the pack" "$FIX_GREETING" cat "$D/share/greeting.txt"
expect_eq "link: etc/motd into the slice" "../.burrow/slices/$slice/share/motd" "$(readlink "$D/etc/motd")"
expect_out "link: it resolves" "motd from the slice" cat "$D/etc/motd"
expect_err "link: a target outside the pack is refused" 125 "an absolute TARGET must lie under" \
    "$T_PACK" --store "$FIX_STORE:$FIX_DEST" "$FIX_ITEM_DATA" -S /etc=/etc -o "$T_TMP/x.tar"
expect_err "link: a target missing from the pack is refused" 1 "is not in the pack" \
    "$T_PACK" --store "$FIX_STORE:$FIX_DEST" "$FIX_ITEM_DATA" -S /etc="$FIX_DEST/$FIX_ITEM_DATA/etc" -o "$T_TMP/x.tar"

# --profile: copied verbatim, the entry's program comes from it.
check "profile: copied verbatim" cmp "$T_TMP/custom.json" "$D/.burrow/profiles/custom.json"
case $("$T_PACK" info --json "$D") in
    *"\"name\": \"custom\""*"\"program\": \"$FIX_HELLO\""*) ok "profile: the manifest names its program" ;;
    *) fail "profile: the manifest names its program" "$("$T_PACK" info --json "$D" | tr '\n' ' ' | cut -c1-300)" ;;
esac
expect_out "profile: the custom entry runs with it" "custom value" "$D/bin/custom" --env FROM_PROFILE
printf '{"version": 1, "extends": "./other.json"}\n' > "$T_TMP/bad.json"
expect_err "profile: extending a file is refused" 125 "only builtin:NAME works inside a pack" \
    "$T_PACK" --store "$FIX_STORE:$FIX_DEST" "$FIX_ITEM_DATA" --profile x="$T_TMP/bad.json" -o "$T_TMP/x.tar"
printf '{"version": 1,\n' > "$T_TMP/broken.json"
expect_err "profile: a syntax error names the file" 125 "$T_TMP/broken.json" \
    "$T_PACK" --store "$FIX_STORE:$FIX_DEST" "$FIX_ITEM_DATA" --profile x="$T_TMP/broken.json" -o "$T_TMP/x.tar"

expect_status "features: verify" 0 "$T_PACK" verify "$D"

done_testing
