# Packs are bit-reproducible: the same inputs give the same bytes; another
# SOURCE_DATE_EPOCH changes only the time stamps (and the manifest's "created").
. "$T_LIB"

pack() {
    "$T_PACK" --store "$FIX_STORE:$FIX_DEST" "$FIX_ITEM_HELLO" -e hello="$FIX_HELLO" \
        -e hello-script="$FIX_SCRIPT" "$@"
}
mkdir "$T_TMP/a" "$T_TMP/b" "$T_TMP/c"
check "repro: first pack" pack -o "$T_TMP/a/p.tar.gz"
check "repro: second pack, another output name" pack -o "$T_TMP/b/other.tar.gz"
check "repro: the two packs are byte-identical" cmp "$T_TMP/a/p.tar.gz" "$T_TMP/b/other.tar.gz"
check "repro: to stdout, the same bytes" sh -c '"$@" -o - > "$0"' "$T_TMP/c/stdout.tar.gz" \
    "$T_PACK" --store "$FIX_STORE:$FIX_DEST" "$FIX_ITEM_HELLO" -e hello="$FIX_HELLO" -e hello-script="$FIX_SCRIPT"
check "repro: stdout pack is byte-identical" cmp "$T_TMP/a/p.tar.gz" "$T_TMP/c/stdout.tar.gz"
check "repro: gzip -t accepts it (no trailing garbage)" gzip -t "$T_TMP/a/p.tar.gz"

for c in zstd xz none; do
    check "repro: -C $c, first" pack -C $c -o "$T_TMP/a/p.$c"
    check "repro: -C $c, second" pack -C $c -o "$T_TMP/b/p.$c"
    check "repro: -C $c packs are byte-identical" cmp "$T_TMP/a/p.$c" "$T_TMP/b/p.$c"
    check "repro: -C $c is readable by GNU tar" tar -tf "$T_TMP/a/p.$c"
done
check "repro: zstd -t accepts it" zstd -q -t "$T_TMP/a/p.zstd"

# gzip and zstd compress on every core; the bytes do not depend on how many.
for c in gzip zstd; do
    for n in 1 3; do
        check "repro: -C $c with BURROW_PACK_THREADS=$n" env BURROW_PACK_THREADS=$n \
            "$T_PACK" --store "$FIX_STORE:$FIX_DEST" "$FIX_ITEM_HELLO" -e hello="$FIX_HELLO" \
            -e hello-script="$FIX_SCRIPT" -C $c -o "$T_TMP/c/threads-$n.$c"
    done
    check "repro: -C $c: 1 thread and 3 give the same bytes" cmp "$T_TMP/c/threads-1.$c" "$T_TMP/c/threads-3.$c"
    check "repro: -C $c: ... the same as the default's" cmp "$T_TMP/c/threads-1.$c" "$T_TMP/a/p.$([ $c = gzip ] && echo tar.gz || echo zstd)"
done
check "repro: the parallel gzip is one gzip member that gzip -t accepts" gzip -t "$T_TMP/c/threads-3.gzip"
expect_err "repro: BURROW_PACK_THREADS=0 is refused, naming the variable" 125 "BURROW_PACK_THREADS='0': expected a number" \
    env BURROW_PACK_THREADS=0 "$T_PACK" --store "$FIX_STORE:$FIX_DEST" "$FIX_ITEM_HELLO" -o "$T_TMP/c/never.tar.gz"
check "repro: ... and writes nothing" test ! -e "$T_TMP/c/never.tar.gz"
check "repro: xz -t accepts it" xz -t "$T_TMP/a/p.xz"

# The archive's entries: sorted, root-owned, mtime 1, no "./" entry, 0755 directories.
listing=$(tar --numeric-owner -tvzf "$T_TMP/a/p.tar.gz")
expect_eq "repro: owner 0/0 everywhere" "" "$(printf '%s\n' "$listing" | awk '$2 != "0/0"')"
expect_eq "repro: every mtime is 1970-01-01 00:00" "" "$(TZ=UTC tar --numeric-owner --utc -tvzf "$T_TMP/a/p.tar.gz" | awk '$4" "$5 != "1970-01-01 00:00"')"
expect_eq "repro: directories are drwxr-xr-x" "" "$(printf '%s\n' "$listing" | awk '/^d/ && $1 != "drwxr-xr-x"')"
names=$(tar -tzf "$T_TMP/a/p.tar.gz")
expect_eq "repro: no root entry" "" "$(printf '%s\n' "$names" | grep -x -e '\./' -e '\.' -e '/' || true)"
expect_eq "repro: entries in sorted order" "$(printf '%s\n' "$names" | sed 's|/$||' | LC_ALL=C sort -t/ -k1,1 -k2,2 -k3,3 -k4,4 -k5,5 -k6,6)" \
    "$(printf '%s\n' "$names" | sed 's|/$||')"

# Another SOURCE_DATE_EPOCH: different bytes, same listing except the dates, same
# contents except the manifest's "created".
pack_late() ( SOURCE_DATE_EPOCH=1700000000; export SOURCE_DATE_EPOCH; pack "$@" )
check "repro: pack with SOURCE_DATE_EPOCH=1700000000" pack_late -o "$T_TMP/c/late.tar.gz"
t_run cmp -s "$T_TMP/a/p.tar.gz" "$T_TMP/c/late.tar.gz"
expect_eq "repro: another SOURCE_DATE_EPOCH gives other bytes" 1 "$T_STATUS"
# (The manifest's size changes with the digits of "created"; its text is compared below.)
strip_dates() { tar --numeric-owner -tvzf "$1" | awk '{ $4 = ""; $5 = ""; if ($6 == ".burrow/manifest.json") $3 = ""; print }'; }
expect_eq "repro: ... and the listings differ only in the dates" "$(strip_dates "$T_TMP/a/p.tar.gz")" "$(strip_dates "$T_TMP/c/late.tar.gz")"
late=$(TZ=UTC tar --utc -tvzf "$T_TMP/c/late.tar.gz" | awk '{print $4" "$5}' | sort -u)
expect_eq "repro: ... which are all SOURCE_DATE_EPOCH" "2023-11-14 22:13" "$late"
mkdir "$T_TMP/xa" "$T_TMP/xc"
tar -xzf "$T_TMP/a/p.tar.gz" -C "$T_TMP/xa"
tar -xzf "$T_TMP/c/late.tar.gz" -C "$T_TMP/xc"
check "repro: same files apart from the manifest" diff -r -x manifest.json "$T_TMP/xa" "$T_TMP/xc"
expect_eq "repro: the manifests differ only in \"created\"" \
    "$(printf '<   "created": 1,\n>   "created": 1700000000,')" \
    "$(diff "$T_TMP/xa/.burrow/manifest.json" "$T_TMP/xc/.burrow/manifest.json" | grep '^[<>]')"

# Identical files are stored once, as hard links.
cp -R "$FIX_STORE" "$T_TMP/store"
chmod -R u+w "$T_TMP/store"
cp "$T_TMP/store/$FIX_ITEM_DATA/share/greeting.txt" "$T_TMP/store/$FIX_ITEM_DATA/share/greeting-copy.txt"
check "repro: pack a store with a duplicate file" "$T_PACK" --store "$T_TMP/store:$FIX_DEST" "$FIX_ITEM_DATA" -o "$T_TMP/dup.tar.gz"
expect_eq "repro: the duplicate is a hard link" \
    "${FIX_DEST#/}/$FIX_ITEM_DATA/share/greeting.txt link to ${FIX_DEST#/}/$FIX_ITEM_DATA/share/greeting-copy.txt" \
    "$(tar -tvzf "$T_TMP/dup.tar.gz" | sed -n 's|.* \([^ ]* link to .*\)|\1|p')"
mkdir "$T_TMP/xdup"
tar -xzf "$T_TMP/dup.tar.gz" -C "$T_TMP/xdup"
expect_eq "repro: the extracted copies share an inode" "2" "$(stat -c %h "$T_TMP/xdup/${FIX_DEST#/}/$FIX_ITEM_DATA/share/greeting.txt")"

# -f dir holds the same files as the tarball.
check "repro: -f dir" pack -f dir -o "$T_TMP/dirpack"
check "repro: -f dir has the tarball's files" diff -r -x manifest.json "$T_TMP/xa" "$T_TMP/dirpack"

# The bytes depend on what is packed, never on where the store copy sits, how the options
# are spelt or the order the items are named in: two copies of the store at other paths.
mkdir -p "$T_TMP/copy-one" "$T_TMP/somewhere/else"
cp -a "$FIX_STORE" "$T_TMP/copy-one/store"
cp -a "$FIX_STORE" "$T_TMP/somewhere/else/s"
for f in tarball docker oci; do
    out=p.$f
    [ $f = oci ] && out=p.oci.tar
    check "where: -f $f from one store copy" "$T_PACK" --store "$T_TMP/copy-one/store:$FIX_DEST" "$FIX_ITEM_HELLO" \
        "$FIX_ITEM_DASH" -e hello="$FIX_HELLO" -f $f -o "$T_TMP/copy-one/$out"
    check "where: -f $f from another, items by path and in another order, -f spelt otherwise" \
        "$T_PACK" --store="$T_TMP/somewhere/else/s:$FIX_DEST/" "$T_TMP/somewhere/else/s/$FIX_ITEM_DASH" \
        "$FIX_ITEM_HELLO" "$FIX_ITEM_DASH" -e hello="$FIX_HELLO" "-f$f" -o "$T_TMP/somewhere/$out"
    check "where: -f $f: the same bytes" cmp "$T_TMP/copy-one/$out" "$T_TMP/somewhere/$out"
done
tar -xzf "$T_TMP/copy-one/p.tarball" -C "$T_TMP/copy-one" .burrow/manifest.json
expect_eq "where: the manifest names no host path" "" \
    "$(grep -o -e "$T_TMP" -e copy-one "$T_TMP/copy-one/.burrow/manifest.json" | head -1)"

# Directory outputs: fixed modes and SOURCE_DATE_EPOCH times, whatever the umask.
t_run sh -c 'umask 077 && "$@"' sh "$T_PACK" --store "$FIX_STORE:$FIX_DEST" "$FIX_ITEM_HELLO" -e hello="$FIX_HELLO" \
    -f dir -o "$T_TMP/umask-dir"
expect_eq "umask: -f dir's root is 0755, time SOURCE_DATE_EPOCH, under umask 077" "755 1" \
    "$(stat -c '%a %Y' "$T_TMP/umask-dir")"
t_run sh -c 'umask 077 && "$@"' sh "$T_PACK" --store "$FIX_STORE:$FIX_DEST" "$FIX_ITEM_HELLO" -e hello="$FIX_HELLO" \
    -f oci -o "$T_TMP/umask-oci"
expect_eq "umask: -f oci's directories are 0755 and its files 0644, all at SOURCE_DATE_EPOCH" "" \
    "$(find "$T_TMP/umask-oci" \( -type d ! -perm 0755 \) -o \( -type f ! -perm 0644 \) -o ! -newermt @0 -o -newermt @2 | head -3)"

done_testing
