# burrow-pack info and verify: a fresh pack verifies (tarball and unpacked); a changed
# file makes verify fail, naming the file and the item; every member must be in the
# manifest's file list; hostile members and manifests get clear errors.
. "$T_LIB"

P=$T_TMP/p.tar.gz
check "verify: pack" "$T_PACK" --store "$FIX_STORE:$FIX_DEST" "$FIX_ITEM_HELLO" -e hello="$FIX_HELLO" -o "$P"
expect_status "verify: a fresh tarball verifies" 0 "$T_PACK" verify "$P"
case $T_OUT in
    *": ok ($(echo $FIX_HELLO_CLOSURE | wc -w) items, 1 entries, "*" files match the manifest)"*) ok "verify: it says how much it checked" ;;
    *) fail "verify: it says how much it checked" "$(t_what)" ;;
esac

t_run "$T_PACK" info "$P"
case $T_OUT in
    "$P: a burrow pack, made by burrow-pack 0.1.0, created 1970-01-01T00:00:01Z
runtime: burrow 0.1.0 (.burrow/burrow, sha256 "*"
store: $FIX_DEST (${FIX_DEST#/} in the pack)
entries (1):
  bin/hello  $FIX_HELLO
items ($(echo $FIX_HELLO_CLOSURE | wc -w), "*"):
"*"made with: burrow-pack -f tarball -C gzip --store …:$FIX_DEST -e hello=$FIX_HELLO -- $FIX_ITEM_HELLO") ok "info: a summary for people" ;;
    *) fail "info: a summary for people" "$(t_what)" ;;
esac
expect_eq "info: every item is listed, with its size" "$(echo $FIX_HELLO_CLOSURE | wc -w)" \
    "$(printf '%s\n' "$T_OUT" | grep -c -E '^ +[0-9.]+ [KMG]?i?B  ')"
t_run "$T_PACK" info --json "$P"
case $T_OUT in
    *'"files": {'*'"format": 2'*'"items": ['*'"runtime": {'*) ok "info --json: prints the manifest" ;;
    *) fail "info --json: prints the manifest" "$(t_what)" ;;
esac
runtime_sum=$(sha256sum "$(dirname "$T_PACK")/burrow" | cut -d' ' -f1)
case $T_OUT in
    *"\"sha256\": \"$runtime_sum\""*) ok "info: records the runtime's sha256" ;;
    *) fail "info: records the runtime's sha256" "no $runtime_sum in the manifest" ;;
esac
# burrow-pack(1) info: "With --json it prints the manifest itself, byte for byte."
mkdir "$T_TMP/man-x"
tar -xzf "$P" -C "$T_TMP/man-x" .burrow/manifest.json 2>/dev/null || tar -xzf "$P" -C "$T_TMP/man-x" ./.burrow/manifest.json
"$T_PACK" info --json "$P" > "$T_TMP/man-x/printed"
check "info --json: the manifest byte for byte" cmp "$T_TMP/man-x/.burrow/manifest.json" "$T_TMP/man-x/printed"
rm -rf "$T_TMP/man-x"

D="$T_TMP/un packed"
mkdir "$D"
tar -xzf "$P" -C "$D"
expect_status "verify: the unpacked directory verifies" 0 "$T_PACK" verify "$D"
expect_out "info --json: of the directory, the same manifest" "$(cat "$D/.burrow/manifest.json")" "$T_PACK" info --json "$D"

# Change one byte of one file.
f="$D/${FIX_DEST#/}/$FIX_ITEM_DATA/share/greeting.txt"
chmod u+w "$f"
printf 'Greetings from elsewhere\n' > "$f"
expect_err "verify: a changed file fails, naming the item" 1 "item $FIX_ITEM_DATA: content differs" "$T_PACK" verify "$D"
expect_eq "verify: only that item is reported" 1 "$(printf '%s\n' "$T_ERR" | grep -c 'content differs')"
case $T_ERR in
    *"${FIX_DEST#/}/$FIX_ITEM_DATA/share/greeting.txt: changed (sha256 "*) ok "verify: names the changed file" ;;
    *) fail "verify: names the changed file" "$(t_what)" ;;
esac
expect_eq "verify: one file, one item, the count" 3 "$(printf '%s\n' "$T_ERR" | wc -l)"

# A changed executable bit is a difference too.
mkdir "$D.2"
tar -xzf "$P" -C "$D.2"
chmod a-x "$D.2/${FIX_DEST#/}/$FIX_ITEM_HELLO/bin/hello-script"
expect_err "verify: a dropped executable bit fails" 1 "item $FIX_ITEM_HELLO: content differs" "$T_PACK" verify "$D.2"
case $T_ERR in
    *"$FIX_ITEM_HELLO/bin/hello-script: lost its executable bit"*) ok "verify: names the file that lost its x bit" ;;
    *) fail "verify: names the file that lost its x bit" "$(t_what)" ;;
esac

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
case $T_ERR in *"${FIX_DEST#/}/$FIX_ITEM_LIBGREET: missing"*) ok "verify: names the missing directory" ;; *) fail "verify: names the missing directory" "$(t_what)" ;; esac
expect_eq "verify: not the files below it" 0 "$(printf '%s\n' "$T_ERR" | grep -c "$FIX_ITEM_LIBGREET/")"

# Other types, a gained executable bit, a name with a space.
mkdir "$D.4"
tar -xzf "$P" -C "$D.4"
g="$D.4/${FIX_DEST#/}/$FIX_ITEM_DATA/share/greeting.txt"
chmod u+w "$(dirname "$g")"
chmod a+x "$g"
b="$D.4/${FIX_DEST#/}/$FIX_ITEM_HELLO/bin"
chmod u+w "$b"
rm "$b/hello-script"
ln -s hello "$b/hello-script"
touch "$D.4/a name"
t_run "$T_PACK" verify "$D.4"
for want in "$FIX_ITEM_DATA/share/greeting.txt: became executable" \
    "$FIX_ITEM_HELLO/bin/hello-script: is a symlink, the manifest lists an executable file" \
    '"a name": in the pack but not in the manifest'; do
    case $T_ERR in
        *"$want"*) ok "verify: $want" ;;
        *) fail "verify: $want" "$(t_what)" ;;
    esac
done

# A changed tarball (re-packed with GNU tar from the changed directory) fails the same way.
(cd "$D" && tar -czf "$T_TMP/changed.tar.gz" .)
expect_err "verify: a changed tarball fails, naming the item" 1 "item $FIX_ITEM_DATA: content differs" \
    "$T_PACK" verify "$T_TMP/changed.tar.gz"

# A tampered pack: the entry's profile runs another program, an extra entry link, a
# .bashrc, an extra directory (named once, not file by file), a fifo. Every one is named.
T=$T_TMP/tampered
mkdir "$T"
tar -xzf "$P" -C "$T"
chmod u+w "$T/.burrow/profiles" "$T/.burrow/profiles/hello.json" "$T/bin" "$T"
sed 's|"exec": "[^"]*"|"exec": "/bin/echo"|' "$T/.burrow/profiles/hello.json" > "$T/h" && mv "$T/h" "$T/.burrow/profiles/hello.json"
expect_out "verify: the tampered profile really runs something else" "injected" "$T/bin/hello" injected
ln -s ../.burrow/burrow "$T/bin/sudo"
echo 'echo hi' > "$T/.bashrc"
mkdir -p "$T/extra/deep"
touch "$T/extra/a" "$T/extra/deep/b"
mkfifo "$T/fifo"
t_run timeout 60 "$T_PACK" verify "$T"
expect_eq "verify: a tampered pack fails" 1 "$T_STATUS"
for want in ".burrow/profiles/hello.json: changed (sha256 " "bin/sudo: in the pack but not in the manifest" \
    ".bashrc: in the pack but not in the manifest" "extra: in the pack but not in the manifest" \
    "member fifo: is a fifo"; do
    case $T_ERR in
        *"$want"*) ok "verify: tampered: $want" ;;
        *) fail "verify: tampered: $want" "$(t_what)" ;;
    esac
done
expect_eq "verify: an extra directory is named once" 0 "$(printf '%s\n' "$T_ERR" | grep -c 'extra/')"
expect_eq "verify: the tampered pack's count" "burrow-pack: verify: $T: 5 difference(s) from its manifest" \
    "$(printf '%s\n' "$T_ERR" | tail -n1)"
rm -f "$T/fifo"
(cd "$T" && tar -czf "$T_TMP/tampered.tar.gz" .)
expect_err "verify: the same, re-tarred" 1 ".burrow/profiles/hello.json: changed" "$T_PACK" verify "$T_TMP/tampered.tar.gz"

# A hostile tarball: the pack's own members plus ../x, an absolute name, a link to /tmp,
# a device, a setuid file, a second bin/hello. verify reads it without unpacking and names
# every one.
python3 - "$P" "$T_TMP/hostile.tar" <<'PY'
import io, sys, tarfile
src = tarfile.open(sys.argv[1])
out = tarfile.open(sys.argv[2], "w", format=tarfile.GNU_FORMAT)
for m in src.getmembers():
    out.addfile(m, src.extractfile(m) if m.isfile() else None)
def add(name, data=b"", **kw):
    ti = tarfile.TarInfo(name)
    ti.size = len(data)
    for k, v in kw.items():
        setattr(ti, k, v)
    out.addfile(ti, io.BytesIO(data))
add("../x", b"evil")
add("/tmp/abs", b"evil")
add("bin/sudo", type=tarfile.SYMTYPE, linkname="/tmp/evil")
add(".bashrc", b"evil")
add("null", type=tarfile.CHRTYPE, devmajor=1, devminor=3)
add("gnu/suid", b"x", mode=0o4755)
add("bin/hello", type=tarfile.SYMTYPE, linkname="/tmp/evil")
add("gnu/hl", type=tarfile.LNKTYPE, linkname="/etc/shadow")
out.close()
PY
t_run "$T_PACK" verify "$T_TMP/hostile.tar"
expect_eq "verify: a hostile tarball fails" 1 "$T_STATUS"
for want in "member ../x: has a '..' component" "member /tmp/abs: has an absolute name" \
    "bin/sudo: in the pack but not in the manifest" ".bashrc: in the pack but not in the manifest" \
    "member null: is a character device" "member gnu/suid: has the setuid bit" \
    "member bin/hello: appears twice" "member gnu/hl: a hard link to /etc/shadow, which is not an earlier file"; do
    case $T_ERR in
        *"$want"*) ok "verify: hostile: $want" ;;
        *) fail "verify: hostile: $want" "$(t_what)" ;;
    esac
done
expect_eq "verify: nothing was written while reading it" "" "$(ls -A /tmp/abs "$T_TMP/../x" 2>/dev/null)"

# Manifests that are not ones burrow-pack writes: info and verify say what is wrong, in
# their own words, print nothing on stdout, and never hang or run out of memory.
M=$T_TMP/m
mkdir "$M"
tar -xzf "$P" -C "$M"
chmod u+w "$M/.burrow" "$M/.burrow/manifest.json"
printf '#!/bin/sh\necho not json\n' > "$M/.burrow/manifest.json"
expect_err "info: a manifest that is not JSON" 1 ".burrow/manifest.json: not valid JSON (a syntax error at line 1, column 1)" \
    "$T_PACK" info "$M"
expect_eq "info: prints nothing then" "" "$T_OUT"
expect_err "verify: a manifest that is not JSON" 1 "not valid JSON" "$T_PACK" verify "$M"
case $T_ERR in *json.exception*) fail "verify: no library message" "$(t_what)" ;; *) ok "verify: no library message" ;; esac
tar -xzf "$P" -C "$M" .burrow/manifest.json
sed 's|"path": "gnu/store/|"path": "../../../gnu/store/|' "$M/.burrow/manifest.json" > "$M/x" && mv "$M/x" "$M/.burrow/manifest.json"
expect_err "verify: an item path with .. in the manifest" 1 "/items/0/path: string \"../../../gnu/store/" "$T_PACK" verify "$M"
sed 's|"format": 2|"format": 1|' "$M/.burrow/manifest.json" > "$M/x" && mv "$M/x" "$M/.burrow/manifest.json"
expect_err "info: a format 1 manifest" 1 "/format: format 1 comes from an older burrow-pack" "$T_PACK" info "$M"
rm "$M/.burrow/manifest.json"
mkfifo "$M/.burrow/manifest.json"
expect_err "info: a fifo manifest does not hang" 1 ".burrow/manifest.json is not a regular file" timeout 20 "$T_PACK" info "$M"
expect_err "verify: a fifo manifest does not hang" 1 ".burrow/manifest.json is not a regular file" timeout 20 "$T_PACK" verify "$M"
rm "$M/.burrow/manifest.json"
ln -s /etc/passwd "$M/.burrow/manifest.json"
expect_err "info: a symlink manifest is not followed" 1 "is a symlink, not the pack's manifest" "$T_PACK" info "$M"
rm "$M/.burrow/manifest.json"
# 65 MiB of spaces: 64 KiB compressed, over the cap.
head -c 68157440 /dev/zero | tr '\0' ' ' > "$M/.burrow/manifest.json"
(cd "$M" && tar -czf "$T_TMP/big.tar.gz" .burrow/manifest.json)
rm "$M/.burrow/manifest.json"
expect_err "info: a huge manifest is refused, not read" 1 ".burrow/manifest.json is larger than 64 MiB" "$T_PACK" info "$T_TMP/big.tar.gz"
expect_err "verify: a huge manifest is refused" 1 ".burrow/manifest.json is larger than 64 MiB" "$T_PACK" verify "$T_TMP/big.tar.gz"

# The file list itself: changed → named, and the members cannot be checked.
L=$T_TMP/l
mkdir "$L"
tar -xzf "$P" -C "$L"
chmod u+w "$L/.burrow" "$L/.burrow/files"
printf 'burrow-tree-1\n' > "$L/.burrow/files"
expect_err "verify: an emptied file list is named" 1 ".burrow/files: changed (sha256 " "$T_PACK" verify "$L"

# Not a pack.
printf 'hello' > "$T_TMP/not-a-pack"
expect_err "verify: a file that is not a pack" 1 "cannot read the pack" "$T_PACK" verify "$T_TMP/not-a-pack"
mkdir "$T_TMP/empty"
expect_err "verify: a directory that is not a pack" 1 "is not a burrow pack" "$T_PACK" verify "$T_TMP/empty"
expect_err "info: a missing file" 1 "No such file or directory" "$T_PACK" info "$T_TMP/nothing-here"

done_testing
