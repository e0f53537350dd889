# Vertical slices end to end (examples/slices/): two versions of a program built for the
# same stock prefix, /mydistro/tool, each into its own slice, run side by side through one
# exec wrapper per main(), in one pipeline. The binaries carry no RPATH and no store hash;
# only the wrapper's mount tells each where its files are.
. "$T_LIB"

BDIR=${T_BURROW%/*}
PREFIX=$T_TMP/prefix
check "setup: make install PREFIX=… (the walkthrough uses the stock build profile by name)" \
    make -s -C "$T_SRC" -o all install BUILD="$BDIR" PREFIX="$PREFIX"
if [ -e /mydistro ]; then
    fail "setup: this host has no /mydistro (the slices must be the only source of it)" "/mydistro exists"
fi
export HOME=$T_TMP/home
mkdir -p "$HOME"
W=$T_TMP/work
mkdir -p "$W"
P="$PREFIX/bin:$W/bin:$PATH"
check "walkthrough: both versions build inside burrow --profile build" \
    env PATH="$P" sh "$T_SRC/examples/slices/walkthrough.sh" "$W"

for v in 1 2; do
    expect_out "tool-$v: --version through its wrapper" "tool $v, plug-ins in /mydistro/tool/lib/tool" \
        env PATH="$P" tool-$v --version
    t_run readelf -d "$W/repo/tool-$v/bin/tool"
    case $T_STATUS:$T_OUT in
        0:*NEEDED*) case $T_OUT in *RPATH* | *RUNPATH*) fail "tool-$v: no RPATH or RUNPATH" "$T_OUT" ;;
                        *) ok "tool-$v: no RPATH or RUNPATH" ;; esac ;;
        *) fail "tool-$v: no RPATH or RUNPATH" "$(t_what)" ;;
    esac
    found=$(cat "$W/repo/tool-$v/bin/tool" "$W/repo/tool-$v/lib/tool/"*.so | tr -c '[:print:]' '\n' |
        grep -E '/gnu/store|/nix/store|[0-9a-df-np-sv-z]{32}-|'"$W" || true)
    expect_eq "tool-$v: no store path, hash or host path in the binary and plug-ins" "" "$found"
    t_run sh -c "echo x | '$W/repo/tool-$v/bin/tool' upper"
    expect_eq "tool-$v: run from the host directly, it cannot find its files (they are only at the prefix)" \
        2 "$T_STATUS"
done

# One pipeline, both versions; every line shows which main, plug-in and data file it met.
expect_eq "pipeline: tool-1 | tool-2, each with its own plug-ins and data" \
    "v2>[tool 2, plain 2] v1>[tool 1, upper 1] A B
v2>[tool 2, plain 2] v1>[tool 1, upper 1] C" "$(PATH=$P sh -c "printf 'a b\nc\n' | tool-1 upper | tool-2 plain")"
expect_status "wrapper: the exit status passes through" 7 env PATH="$P" sh -c 'tool-1 plain 7 </dev/null'
expect_err "wrapper: argv passes through unchanged (an argument with a space)" 2 \
    "/mydistro/tool/lib/tool/no such.so" env PATH="$P" tool-2 "no such"

# Neither version falls back on the other's files: without its own upper.so, tool-2 fails
# although tool-1's is there at the same path in the other slice.
mv "$W/repo/tool-2/lib/tool/upper.so" "$W/upper.so.away"
expect_err "isolation: tool-2 does not see tool-1's plug-in" 2 "upper.so" \
    env PATH="$P" sh -c 'echo x | tool-2 upper'
expect_out "isolation: ... while tool-1 still has its own" "v1>[tool 1, upper 1] X" \
    env PATH="$P" sh -c 'echo x | tool-1 upper'
mv "$W/upper.so.away" "$W/repo/tool-2/lib/tool/upper.so"

# The wrappers name their slices relative to themselves: the tree can move.
mv "$W" "$W.moved"
expect_out "relocation: the moved tree still runs" "v1>[tool 1, plain 1] moved" \
    env PATH="$PREFIX/bin:$W.moved/bin:$PATH" sh -c 'echo moved | tool-1'
mv "$W.moved" "$W"

# Packing: both wrappers into one tarball; each entry mounts only its own slice at
# /mydistro/tool. The pack runs from elsewhere, the build tree gone.
check "pack: burrow-pack --wrapper bin/tool-1 --wrapper bin/tool-2" \
    "$PREFIX/bin/burrow-pack" --wrapper "$W/bin/tool-1" --wrapper "$W/bin/tool-2" -o "$T_TMP/tools.tar.gz"
expect_out "pack: verify says every file is accounted for" "ok (2 items, 2 entries" \
    sh -c '"$1" verify "$2" | sed "s/.*: \(ok (2 items, 2 entries\).*/\1/"' sh "$PREFIX/bin/burrow-pack" "$T_TMP/tools.tar.gz"
mkdir -p "$T_TMP/elsewhere"
tar -xzf "$T_TMP/tools.tar.gz" -C "$T_TMP/elsewhere"
mv "$W" "$W.gone"
expect_out "pack: ./bin/tool-1 | ./bin/tool-2 from the unpacked pack, the build tree gone" \
    "v2>[tool 2, plain 2] v1>[tool 1, upper 1] PACKED" \
    sh -c 'cd "$1" && echo packed | ./bin/tool-1 upper | ./bin/tool-2 plain' sh "$T_TMP/elsewhere"
# The slices hold the tools but not the C library they were linked against: under
# BURROW_HOST=none the host's loader is missing, and the error names it.
LOADER=$(python3 -c 'import sys
d = open("/bin/true", "rb").read()
i = d.find(b"/lib"); print(d[i:d.index(b"\0", i)].decode())')
expect_err "pack: BURROW_HOST=none shows the slices need the host's C library, naming its loader" 127 \
    "/mydistro/tool/bin/tool: cannot run it: its interpreter $LOADER" \
    sh -c 'cd "$1" && BURROW_HOST=none ./bin/tool-1 upper </dev/null' sh "$T_TMP/elsewhere"
expect_status "pack: the exit status passes through the pack's entry" 5 \
    sh -c 'cd "$1" && ./bin/tool-2 plain 5 </dev/null' sh "$T_TMP/elsewhere"
mv "$W.gone" "$W"
t_run grep -c '"destination": "/mydistro/tool"' "$T_TMP/elsewhere/.burrow/profiles/tool-1.json"
expect_eq "pack: tool-1's profile mounts one slice (its own)" "1" "$T_OUT"

# Wrappers the pack cannot hold: 125, the file and the reason, and no output.
printf '{ "version": 1, "extends": "builtin:pack", "mounts": [ { "type": "tmpfs", "destination": "/scratch" } ],\n  "process": { "exec": "/bin/true" } }\n' > "$T_TMP/tmpfs-wrapper"
expect_err "bad wrapper: a mount other than a read-only bind of a directory" 125 \
    "--wrapper $T_TMP/tmpfs-wrapper: the mount at /scratch cannot go into a pack" \
    "$PREFIX/bin/burrow-pack" --wrapper "$T_TMP/tmpfs-wrapper" -o "$T_TMP/bad.tar.gz"
printf '{ "version": 1, "extends": "builtin:pack" }\n' > "$T_TMP/noexec-wrapper"
expect_err "bad wrapper: no process.exec" 125 "the profile has no process.exec" \
    "$PREFIX/bin/burrow-pack" --wrapper "$T_TMP/noexec-wrapper" -o "$T_TMP/bad.tar.gz"
printf '{ "version": 1, "extends": "builtin:pack", "bogus": 1 }\n' > "$T_TMP/invalid-wrapper"
expect_err "bad wrapper: a profile error names the file and the key" 125 "$T_TMP/invalid-wrapper: /bogus" \
    "$PREFIX/bin/burrow-pack" --wrapper "$T_TMP/invalid-wrapper" -o "$T_TMP/bad.tar.gz"
printf '{ "version": 1, "extends": "builtin:pack", "stores": [ { "source": "/usr", "destination": "/gnu/store" } ],\n  "process": { "exec": "/bin/true" } }\n' > "$T_TMP/store-wrapper"
expect_err "bad wrapper: stores" 125 "--wrapper $T_TMP/store-wrapper: /stores" \
    "$PREFIX/bin/burrow-pack" --wrapper "$T_TMP/store-wrapper" -o "$T_TMP/bad.tar.gz"
expect_err "bad wrapper: a --slice of every entry at a wrapper's destination" 125 \
    "tool-1's slice" "$PREFIX/bin/burrow-pack" --slice "$W/repo/tool-2=/mydistro/tool" --wrapper "$W/bin/tool-1" -o "$T_TMP/bad.tar.gz"
check "bad wrapper: no output left behind" test ! -e "$T_TMP/bad.tar.gz"

done_testing
