# burrow-pack --warn-host lists the host paths (/usr/..., /etc/...) the packed files and
# symlinks name, by item and file: what the pack may lack on another machine. Paths in the
# pack's own store and slices are not listed, a path inside another path is not one, and
# the option changes no byte of the pack.
. "$T_LIB"

S=$T_TMP/store
cp -R "$FIX_STORE" "$S"
SH=$FIX_DEST/$FIX_ITEM_DASH/bin/sh
NEEDY=bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-needy-1.0
mkdir -p "$S/$NEEDY/bin" "$S/$NEEDY/share"
printf '#!%s\n. /etc/os-release && echo "needy 1.0" && ls /usr/share/zoneinfo/UTC %s/x/lib/y\n' "$SH" \
    "$FIX_DEST/$FIX_ITEM_DASH" >"$S/$NEEDY/bin/needy"
chmod 755 "$S/$NEEDY/bin/needy"
ln -s /usr/bin/env "$S/$NEEDY/bin/env"
mkdir "$T_TMP/slice"
printf 'conf=/opt/tool/etc/x.conf\nhost=/var/lib/thing\n' >"$T_TMP/slice/conf"

pack() {
    "$T_PACK" --store "$S:$FIX_DEST" "$NEEDY" -e needy="$FIX_DEST/$NEEDY/bin/needy" \
        --slice "$T_TMP/slice=/opt/tool" "$@"
}
t_run pack -o "$T_TMP/plain.tar.gz"
expect_eq "warn-host: without the option, no warning" "0:0" "$T_STATUS:$(printf '%s' "$T_ERR" | grep -c warning)"
t_run pack --warn-host -o "$T_TMP/warned.tar.gz"
expect_eq "warn-host: a warning is not an error (exit 0)" "0" "$T_STATUS"
case $T_ERR in
    *"warning: item $NEEDY names 3 host paths that the pack does not carry:"*) ok "warn-host: the item and its count" ;;
    *) fail "warn-host: the item and its count" "$(t_what)" ;;
esac
for line in "/etc/os-release (in bin/needy)" "/usr/share/zoneinfo/UTC (in bin/needy)" "/usr/bin/env (in bin/env)" \
    "warning: slice /opt/tool names 1 host path" "/var/lib/thing (in conf)" "test the pack with BURROW_HOST=none"; do
    case $T_ERR in
        *"$line"*) ok "warn-host: lists $line" ;;
        *) fail "warn-host: lists $line" "$(t_what)" ;;
    esac
done
case $T_ERR in
    *"/lib/y"* | *"/opt/tool/etc"* | *"$FIX_DEST/"*) fail "warn-host: not the pack's own store or slice paths" "$(t_what)" ;;
    *) ok "warn-host: not the pack's own store or slice paths, nor a path inside one" ;;
esac
check "warn-host: the pack is the same bytes with and without it" cmp "$T_TMP/plain.tar.gz" "$T_TMP/warned.tar.gz"

done_testing
