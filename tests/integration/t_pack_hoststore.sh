# A pack run on a Guix or Nix host, whose own /gnu/store must stay visible: the host is
# simulated by an outer burrow that binds a host store of its own at /gnu/store. It holds
# a tool whose #! interpreter lives in that host store (so it runs only if the host's store
# is really mapped), and an item of the pack's name with other content (the pack's wins).
. "$T_LIB"

P=$T_TMP/p.tar.gz
check "hoststore: pack hello and sh" \
    "$T_PACK" --store "$FIX_STORE:$FIX_DEST" "$FIX_ITEM_HELLO" -e hello="$FIX_HELLO" \
    -e sh="$FIX_DEST/$FIX_ITEM_DASH/bin/sh" -o "$P"
D=$T_TMP/pack
mkdir "$D" && tar -xzf "$P" -C "$D"

H=$T_TMP/hoststore
mkdir -p "$H/aaaa-host-dash/bin" "$H/aaaa-host-tool/bin" "$H/$FIX_ITEM_HELLO"
cp "$(command -v dash || command -v sh)" "$H/aaaa-host-dash/bin/sh"
printf '#!/gnu/store/aaaa-host-dash/bin/sh\necho host tool ran\n' >"$H/aaaa-host-tool/bin/tool"
chmod 755 "$H/aaaa-host-tool/bin/tool"
echo host >"$H/$FIX_ITEM_HELLO/HOST-COPY"

# Real root keeps its capabilities in the simulated host, as it would on a real one (a pack
# entry run by root enters only a mount namespace).
CAPS=""
[ "$(id -u)" = 0 ] && CAPS="--cap-add ALL"
on_host() { "$T_BURROW" --host-root $CAPS --bind "$H" /gnu/store -- "$@"; }

expect_out "hoststore: the simulated host has its own /gnu/store" \
    "$(printf 'aaaa-host-dash\naaaa-host-tool\n%s' "$FIX_ITEM_HELLO")" on_host ls /gnu/store

for mode in auto binds; do
    export BURROW_STORE_MERGE=$mode
    expect_out "hoststore ($mode): the pack's program sees the host's items and the pack's" \
        "$(printf 'aaaa-host-dash\naaaa-host-tool\n%s' "$FIX_HELLO_CLOSURE" | tr ' ' '\n' | sort)" \
        on_host "$D/bin/sh" -c 'ls /gnu/store'
    expect_out "hoststore ($mode): a host program whose interpreter is in the host's store runs from the pack" \
        "host tool ran" on_host "$D/bin/sh" -c '/gnu/store/aaaa-host-tool/bin/tool'
    expect_out "hoststore ($mode): an item both have is the pack's, and only the pack's" \
        "bin" on_host "$D/bin/sh" -c "ls /gnu/store/$FIX_ITEM_HELLO"
    expect_out "hoststore ($mode): the pack's program runs" "hello: $FIX_GREETING" on_host "$D/bin/hello"
    expect_err "hoststore ($mode): the merged store is read-only" 2 "Read-only file system" \
        on_host "$D/bin/sh" -c 'echo x >/gnu/store/new'
done
unset BURROW_STORE_MERGE

# The way chosen, as BURROW_DEBUG tells it: one overlay by default (the kernel here has
# unprivileged overlayfs), each host entry bound one by one with BURROW_STORE_MERGE=binds.
t_run on_host env BURROW_DEBUG=1 "$D/bin/hello"
case $T_ERR in
    *"over the host's own /gnu/store (overlay; items the host has too, bound over it: 1)"*)
        ok "hoststore: by default one overlay, with the item both have bound over it" ;;
    *) fail "hoststore: by default one overlay, with the item both have bound over it" "$(t_what)" ;;
esac
t_run on_host env BURROW_DEBUG=1 BURROW_STORE_MERGE=binds "$D/bin/hello"
case $T_ERR in
    *"with each entry of the host's own /gnu/store bound beside them (BURROW_STORE_MERGE=binds)"*)
        ok "hoststore: BURROW_STORE_MERGE=binds binds the host's entries instead" ;;
    *) fail "hoststore: BURROW_STORE_MERGE=binds binds the host's entries instead" "$(t_what)" ;;
esac
expect_err "hoststore: a bad BURROW_STORE_MERGE is refused" 125 \
    "BURROW_STORE_MERGE=bogus: expected auto, overlay or binds" env BURROW_STORE_MERGE=bogus "$D/bin/hello"

# burrow-profile(5): with an overlay the store's items not in "items" show too; binding the
# host's entries one by one shows the listed ones only.
cat >"$T_TMP/one.json" <<JSON
{ "version": 1, "extends": "builtin:pack",
  "stores": [ { "source": "$FIX_STORE", "destination": "/gnu/store", "items": ["$FIX_ITEM_DASH", "$FIX_ITEM_GLIBC"] } ] }
JSON
expect_out "hoststore: an overlay shows the store's items that \"items\" leaves out" \
    "$(printf 'aaaa-host-dash\naaaa-host-tool\n%s' "$FIX_ITEMS" | tr ' ' '\n' | sort)" \
    on_host "$T_BURROW" --profile "$T_TMP/one.json" -- "$FIX_DEST/$FIX_ITEM_DASH/bin/sh" -c 'ls /gnu/store'
expect_out "hoststore: binds show the listed items only" \
    "$(printf 'aaaa-host-dash\naaaa-host-tool\n%s\n%s\n%s' "$FIX_ITEM_HELLO" "$FIX_ITEM_DASH" "$FIX_ITEM_GLIBC" | sort)" \
    on_host env BURROW_STORE_MERGE=binds "$T_BURROW" --profile "$T_TMP/one.json" -- \
    "$FIX_DEST/$FIX_ITEM_DASH/bin/sh" -c 'ls /gnu/store'

# A host /gnu/store that is a symbolic link is not joined: the pack's items only.
expect_out "hoststore: a host store that is a symlink is hidden, not joined" \
    "$(printf '%s' "$FIX_HELLO_CLOSURE" | tr ' ' '\n' | sort)" \
    "$T_BURROW" --host-root $CAPS --symlink "$H" /gnu/store -- "$D/bin/sh" -c 'ls /gnu/store'

# Without a host store nothing changes: the pack's items only.
expect_out "hoststore: without a host store, the pack's items only" \
    "$(printf '%s' "$FIX_HELLO_CLOSURE" | tr ' ' '\n' | sort)" "$D/bin/sh" -c 'ls /gnu/store'

done_testing
