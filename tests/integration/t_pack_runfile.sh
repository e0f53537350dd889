# burrow-pack -f run: one executable file that runs as ./bin/NAME of the unpacked pack
# would, from a fresh directory, through a symlink, through PATH; extracted once into a
# per-user cache (50 first runs at once share one extraction); a damaged cache is noticed
# and unpacked again; a damaged or hostile file is refused and leaves nothing behind.
. "$T_LIB"

R=$T_TMP/hello.run
check "run: -f run writes one file" \
    "$T_PACK" --store "$FIX_STORE:$FIX_DEST" "$FIX_ITEM_HELLO" -e hello="$FIX_HELLO" \
    -e sh="$FIX_DEST/$FIX_ITEM_DASH/bin/sh" -f run -o "$R"
expect_eq "run: it is executable (0755 under umask 022)" "755" "$(stat -c %a "$R")"
check "run: the same inputs give the same bytes" \
    "$T_PACK" --store "$FIX_STORE:$FIX_DEST" "$FIX_ITEM_HELLO" -e hello="$FIX_HELLO" \
    -e sh="$FIX_DEST/$FIX_ITEM_DASH/bin/sh" -f run -o "$T_TMP/again.run"
check "run: ... byte for byte" cmp "$R" "$T_TMP/again.run"
expect_err "run: -o - is refused" 125 "-o -: -f run writes an executable file" \
    "$T_PACK" --store "$FIX_STORE:$FIX_DEST" "$FIX_ITEM_HELLO" -e hello="$FIX_HELLO" -f run -o -

check "run: -C zstd inside" "$T_PACK" --store "$FIX_STORE:$FIX_DEST" "$FIX_ITEM_HELLO" -e hello="$FIX_HELLO" \
    -C zstd -f run -o "$T_TMP/z.run"
expect_out "run: ... runs" "hello: $FIX_GREETING" env HOME="$T_TMP" XDG_CACHE_HOME="$T_TMP/zc" "$T_TMP/z.run"

# Each run below has a home of its own, so the cache starts empty.
H=$T_TMP/home
mkdir -p "$H" "$T_TMP/fresh"
run() { env -u XDG_CACHE_HOME HOME="$H" "$@"; }
CACHE=$H/.cache/burrow

cd "$T_TMP/fresh" || exit 1
expect_out "run: the first run from a fresh directory unpacks it and runs hello" "hello: $FIX_GREETING" run "$R"
expect_eq "run: ... into one cache directory named after the payload's hash" "1" \
    "$(ls "$CACHE" | grep -c -x '[0-9a-f]\{32\}')"
D=$CACHE/$(ls "$CACHE" | grep -x '[0-9a-f]\{32\}')
expect_out "run: the cache is an unpacked pack" "hello: $FIX_GREETING" "$D/bin/hello"
expect_out "run: the second run uses it" "hello: $FIX_GREETING" run "$R"
expect_out "run: arguments pass through byte-exact" "$(printf '61\n622063\n\n2d2d')" run "$R" --argv a "b c" "" --
expect_status "run: the exit status passes through" 42 run "$R" --exit 42
expect_out "run: the cwd is kept" "$T_TMP/fresh" run "$R" --cwd
expect_out "run: stdin passes through" "data on stdin" \
    sh -c 'echo "data on stdin" | env -u XDG_CACHE_HOME HOME="$1" "$2" --stdin' sh "$H" "$R"
expect_out "run: hello.run NAME runs entry NAME, which gets NAME as argv[0]" "sh" run "$R" sh -c 'echo $0'
ln -s "$R" "$T_TMP/sh"
expect_out "run: through a symlink named after an entry" "via symlink" run "$T_TMP/sh" -c 'echo via symlink'
mkdir "$T_TMP/pbin" && ln -s "$R" "$T_TMP/pbin/hello"
expect_out "run: through PATH" "hello: $FIX_GREETING" run env PATH="$T_TMP/pbin:/usr/bin:/bin" hello
mkdir "$T_TMP/copies" && cp "$R" "$T_TMP/copies/sh"
expect_out "run: a copy named after an entry runs that entry" "copy" run "$T_TMP/copies/sh" -c 'echo copy'
cp "$R" "$T_TMP/other.run"
expect_err "run: a name that is no entry, with two entries, is an error naming them" 125 "(entries: hello, sh)" \
    run "$T_TMP/other.run"
expect_eq "run: a copy of the same file shares the cache" "1" "$(ls "$CACHE" | grep -c -x '[0-9a-f]\{32\}')"

# Without a home (uid 65534's is /nonexistent): TMPDIR/burrow-cache-UID, 0700; the home is not made.
mkdir "$T_TMP/tmpd"
expect_out "run: without a home, the cache goes below TMPDIR" "hello: $FIX_GREETING" \
    env -u XDG_CACHE_HOME HOME="$T_TMP/no-such-home" TMPDIR="$T_TMP/tmpd" "$R"
check "run: ... and the missing home is not made" test ! -e "$T_TMP/no-such-home"
expect_eq "run: ... in burrow-cache-UID, mode 0700" "700" "$(stat -c %a "$T_TMP/tmpd/burrow-cache-$(id -u)" 2>&1)"
expect_out "run: XDG_CACHE_HOME is used first" "hello: $FIX_GREETING" env XDG_CACHE_HOME="$T_TMP/xdg" HOME="$H" "$R"
check "run: ... in XDG_CACHE_HOME/burrow" test -d "$T_TMP/xdg/burrow/$(basename "$D")"
# Another user's (or a symlinked) TMPDIR/burrow-cache-UID is not used.
mkdir "$T_TMP/tmpe" && ln -s "$T_TMP/tmpd/burrow-cache-$(id -u)" "$T_TMP/tmpe/burrow-cache-$(id -u)"
expect_err "run: a symlinked cache directory is refused" 125 "not a directory" \
    env -u XDG_CACHE_HOME HOME="$T_TMP/no-such-home" TMPDIR="$T_TMP/tmpe" "$R"

# 50 first runs at once: one extraction, every run greets, nothing left over.
H=$T_TMP/home50
mkdir -p "$H"
i=0
while [ $i -lt 50 ]; do
    run "$R" >"$T_TMP/par.$i" 2>&1 &
    i=$((i + 1))
done
wait
expect_eq "run: 50 concurrent first runs all run hello" "50" "$(cat "$T_TMP"/par.* | grep -c -x "hello: $FIX_GREETING")"
expect_eq "run: ... and share one cache directory, with no temporary left" \
    "$(basename "$D") $(basename "$D").lock" "$(ls -A "$H/.cache/burrow" | tr '\n' ' ' | sed 's/ $//')"

# A damaged cache: the runtime gone, then a changed file.
H=$T_TMP/home
rm "$D/.burrow/burrow"
t_run run "$R"
case $T_STATUS:$T_OUT:$T_ERR in
    "0:hello: $FIX_GREETING:"*"is damaged"*"unpacking it again"*) ok "run: a cache that lost its runtime is noticed and unpacked again" ;;
    *) fail "run: a cache that lost its runtime is noticed and unpacked again" "$(t_what)" ;;
esac
echo changed >>"$D/gnu/store/$FIX_ITEM_DATA/share/greeting.txt"
expect_err "run: --burrow-verify names a changed file of the cache" 1 "$FIX_ITEM_DATA/share/greeting.txt: changed" \
    run "$R" --burrow-verify
expect_status "run: ... and unpacks it again, so it then verifies" 0 run "$R" --burrow-verify
case $T_OUT in
    *": ok (the pack's SHA-256 matches; the cache $D holds it unchanged)") ok "run: --burrow-verify says ok" ;;
    *) fail "run: --burrow-verify says ok" "$(t_what)" ;;
esac

t_run run "$R" --burrow-info
case $T_OUT in
    *"a single-file burrow pack"*"cache: $D (unpacked)"*"entries: hello, sh"*) ok "run: --burrow-info" ;;
    *) fail "run: --burrow-info" "$(t_what)" ;;
esac
check "run: --burrow-extract DIR unpacks it" run "$R" --burrow-extract "$T_TMP/x"
expect_out "run: ... as a pack" "hello: $FIX_GREETING" "$T_TMP/x/bin/hello"
expect_err "run: --burrow-extract into an existing directory is refused" 125 "--burrow-extract $T_TMP/x: File exists" \
    run "$R" --burrow-extract "$T_TMP/x"
expect_err "run: an unknown --burrow- option is refused" 125 "--burrow-bogus: unknown" run "$R" --burrow-bogus
expect_err "run: the stub alone holds no pack" 125 "holds no pack" "$(dirname "$T_BURROW")/burrow-run"

# A damaged file: one payload byte flipped. Refused by its hash; no cache is left.
H=$T_TMP/home-damaged
mkdir -p "$H"
cp "$R" "$T_TMP/damaged.run"
python3 - "$T_TMP/damaged.run" <<'PY'
import sys
p = sys.argv[1]
b = bytearray(open(p, 'rb').read())
off = int.from_bytes(b[-48:-40], 'little')
size = int.from_bytes(b[-40:-32], 'little')
b[off + size // 2] ^= 0xff
open(p, 'wb').write(bytes(b))
PY
t_run run "$T_TMP/damaged.run"
case $T_STATUS:$T_ERR in
    125:*"damaged"*) ok "run: a damaged file is refused" ;;
    *) fail "run: a damaged file is refused" "$(t_what)" ;;
esac
expect_eq "run: ... and leaves no cache and no temporary" "" "$(ls -A "$H/.cache/burrow" | grep -v '\.lock$')"

# burrow-pack info and verify read the pack inside a -f run file.
expect_out "run: info reads the pack inside the file" "$R: a burrow pack" sh -c '"$1" info "$2" | head -n 1 | cut -d, -f1' sh "$T_PACK" "$R"
expect_out "run: ... and says where it unpacks" "it unpacks into $(basename "$D") in the user's cache" \
    sh -c '"$1" info "$2" | sed -n "s/.*); //p"' sh "$T_PACK" "$R"
expect_out "run: info --json is the manifest" "hello" \
    sh -c '"$1" info --json "$2" | python3 -c "import json,sys; print(json.load(sys.stdin)[\"entries\"][0][\"name\"])"' \
    sh "$T_PACK" "$R"
expect_out "run: verify checks every file of the pack inside" "$R: ok " sh -c '"$1" verify "$2" | cut -d"(" -f1' \
    sh "$T_PACK" "$R"
# The trailer's hash changed by one byte: every member still reads, the payload is not the one recorded.
python3 - "$R" "$T_TMP/badhash.run" <<'PY'
import sys
b = bytearray(open(sys.argv[1], 'rb').read())
b[-1] ^= 0xff
open(sys.argv[2], 'wb').write(bytes(b))
PY
expect_err "run: verify notices a payload whose hash is not the trailer's" 1 \
    "does not have the SHA-256 its trailer records" "$T_PACK" verify "$T_TMP/badhash.run"
# The first 100 bytes, then the trailer: it claims more than the file holds.
{ head -c 100 "$R"; tail -c 64 "$R"; } > "$T_TMP/short.run"
expect_err "run: info refuses a file cut short, saying so" 1 "cut short" "$T_PACK" info "$T_TMP/short.run"
expect_err "run: ... and so does verify" 1 "cut short" "$T_PACK" verify "$T_TMP/short.run"

# A hostile file: the stub, a payload whose member climbs out, and a valid trailer.
python3 - "$(dirname "$T_BURROW")/burrow-run" "$T_TMP/hostile.run" <<'PY'
import hashlib, io, sys, tarfile
stub = open(sys.argv[1], 'rb').read()
buf = io.BytesIO()
t = tarfile.open(fileobj=buf, mode='w:gz')
for name in ('bin', '../escape'):
    i = tarfile.TarInfo(name)
    i.type = tarfile.DIRTYPE if name == 'bin' else tarfile.REGTYPE
    t.addfile(i, io.BytesIO(b''))
t.close()
payload = buf.getvalue()
trailer = b'BURROW-RUN-v1\0\0\0' + len(stub).to_bytes(8, 'little') + len(payload).to_bytes(8, 'little') + \
    hashlib.sha256(payload).digest()
open(sys.argv[2], 'wb').write(stub + payload + trailer)
PY
chmod 755 "$T_TMP/hostile.run"
H=$T_TMP/home-hostile
mkdir -p "$H"
expect_err "run: a member that climbs out of the cache is refused" 125 'member named "../escape"' run "$T_TMP/hostile.run"
check "run: ... and nothing is written beside the cache" test ! -e "$H/.cache/burrow/escape"
expect_err "run: verify reads its pack and finds no manifest" 1 "is not a burrow pack" "$T_PACK" verify "$T_TMP/hostile.run"
expect_eq "run: ... nor is a cache left" "" "$(ls -A "$H/.cache/burrow" | grep -v '\.lock$')"

done_testing
