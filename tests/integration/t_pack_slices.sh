# Slice packs (burrow-pack --slice): their references to a store are checked with or
# without --store, and their entries run from the parent of a slice's destination.
. "$T_LIB"

# A tree installed for a fixed prefix: a #! script whose interpreter is the fixture
# store's sh (so it runs only where the store is mapped) and a data file it finds from
# its own path, wherever the slice is mounted (with the shell's builtins only: some
# checks run it with PATH=/nonexistent).
SL=$T_TMP/tool
mkdir -p "$SL/bin" "$SL/share"
cat > "$SL/bin/tool" <<SCRIPT
#!$FIX_DEST/$FIX_ITEM_DASH/bin/sh
d=\${0%/bin/tool}
read -r motd < "\$d/share/motd"
echo "tool: \$motd in \$(pwd)"
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

# ---- The working directory: the parent of a slice's destination ------------------------
# burrow-pack(1), --slice: "An entry started in a host directory above DEST ... runs there".
# The host has HOST/opt (with a file and a subdirectory) but no HOST/opt/tool.
HOSTDIR=$T_TMP/host/opt
mkdir -p "$HOSTDIR/sub"
echo "a host file" > "$HOSTDIR/hostfile"
cat > "$T_TMP/covered.json" <<JSON
{ "version": 1, "extends": "builtin:pack",
  "mounts": [ { "type": "tmpfs", "destination": "$HOSTDIR/sub" } ], "process": { "exec": "/bin/true" } }
JSON
check "cwd: pack a slice below an existing host directory" \
    "$T_PACK" --store "$FIX_STORE:$FIX_DEST" --slice "$SL=$HOSTDIR/tool" -e tool="$HOSTDIR/tool/bin/tool" \
    -e sh="$FIX_DEST/$FIX_ITEM_DASH/bin/sh" --profile covered="$T_TMP/covered.json" -o "$T_TMP/cwd.tar.gz"
C=$T_TMP/cwd-pack
mkdir "$C"
tar -xzf "$T_TMP/cwd.tar.gz" -C "$C"
in_hostdir() { (cd "$HOSTDIR" && "$@"); }
expect_out "cwd: the entry runs from the slice's parent" "tool: motd of the slice in $HOSTDIR" in_hostdir "$C/bin/tool"
expect_out "cwd: ... seeing the host's entries there and the slice" "hostfile sub tool" \
    in_hostdir "$C/bin/sh" -c 'echo *'
expect_out "cwd: ... relative paths reach the host's files" "a host file" in_hostdir "$C/bin/sh" -c 'read -r l < hostfile; echo "$l"'
check "cwd: ... its subdirectories are the host's, writable" in_hostdir "$C/bin/sh" -c 'echo w > sub/written'
expect_eq "cwd: ... the write is on the host" "w" "$(cat "$HOSTDIR/sub/written" 2>&1)"
expect_err "cwd: ... but a new file directly in it is refused (a read-only copy)" 2 "Read-only file system" \
    in_hostdir "$C/bin/sh" -c 'echo x > new'
expect_eq "cwd: ... and nothing was created on the host" "hostfile sub" "$(cd "$HOSTDIR" && echo *)"
# burrow(1), Missing destinations: "on burrow's command line it cannot be the inherited
# working directory".
expect_err "cwd: burrow's own command line still refuses that directory, suggesting --chdir" 125 \
    "the current directory $HOSTDIR is a different directory inside the sandbox; bind it" \
    in_hostdir "$T_BURROW" --host-root --ro-bind "$SL" "$HOSTDIR/tool" -- true
# Only that copy: a directory that really is another one inside (a tmpfs over it) is refused,
# with a fix an entry can use.
t_run sh -c 'cd "$1" && "$2"' sh "$HOSTDIR/sub" "$C/bin/covered"
case $T_STATUS:$T_ERR in
    *"--bind"*) fail "cwd: an entry run from a directory a tmpfs covers is refused, without suggesting --bind" "$(t_what)" ;;
    "125:"*"the current directory $HOSTDIR/sub is a different directory inside the sandbox; run the entry from another directory"*)
        ok "cwd: an entry run from a directory a tmpfs covers is refused, without suggesting --bind" ;;
    *) fail "cwd: an entry run from a directory a tmpfs covers is refused, without suggesting --bind" "$(t_what)" ;;
esac

# ---- The proot engine (burrow-pack(1) ENGINES, burrow(1) Engines) -----------------------
PROOT=$(command -v proot || true)
if [ -z "$PROOT" ]; then
    fail "proot: proot is installed" "install Debian's proot (make deps)"
    done_testing
    exit
fi
PP="$(dirname "$PROOT"):/usr/bin:/bin"
cat > "$T_TMP/scratch.json" <<'JSON'
{ "version": 1, "extends": "builtin:pack",
  "mounts": [ { "type": "tmpfs", "destination": "/scratch" } ], "process": { "exec": "/bin/true" } }
JSON
check "proot: pack the slice with --proot, a shell entry and a --profile entry with a tmpfs" \
    "$T_PACK" --store "$FIX_STORE:$FIX_DEST" --slice "$SL=/opt/tool" -e tool=/opt/tool/bin/tool \
    -e sh="$FIX_DEST/$FIX_ITEM_DASH/bin/sh" --profile scratch="$T_TMP/scratch.json" --proot "$PROOT" \
    -o "$T_TMP/pr.tar.gz"
PR="$T_TMP/with proot"
mkdir "$PR"
tar -xzf "$T_TMP/pr.tar.gz" -C "$PR"
expect_out "proot: BURROW_ENGINE=proot runs the slice's entry with the shipped proot" \
    "tool: motd of the slice in $T_TMP" env BURROW_ENGINE=proot PATH=/nonexistent "$PR/bin/tool"
expect_status "proot: ... passing the exit status" 6 env BURROW_ENGINE=proot PATH=/nonexistent "$PR/bin/tool" 6
expect_err "proot: BURROW_ENGINE=proot refuses an entry with another mount, naming it" 125 \
    "cannot run under proot: $PR/.burrow/profiles/scratch.json: /mounts/0: its tmpfs mount at /scratch is not a bind or a store" \
    env BURROW_ENGINE=proot PATH="$PP" "$PR/bin/scratch"
expect_out "proot: an entry run from the slice's parent runs there under proot too" \
    "tool: motd of the slice in $HOSTDIR" in_hostdir env BURROW_ENGINE=proot PATH="$PP" "$C/bin/tool"
# burrow(1): "under proot a bind is not read-only"; with user namespaces it is.
expect_err "proot: with user namespaces the slice is read-only" 2 "Read-only file system" \
    env BURROW_ENGINE=userns "$PR/bin/sh" -c 'echo x > /opt/tool/share/new'
expect_status "proot: ... under proot it is not (its files keep their permissions)" 0 \
    env BURROW_ENGINE=proot PATH=/nonexistent "$PR/bin/sh" -c 'echo x > /opt/tool/share/new'
expect_eq "proot: ... the write reached the pack's slice" "x" "$(cat "$PR"/.burrow/slices/*-tool/share/new 2>&1)"

# User namespaces disabled (as in t_pack_engine.sh): a nested user namespace with
# user.max_user_namespaces=0, uid 0 without capabilities.
nouserns() {
    unshare -Ur sh -c 'echo 0 > /proc/sys/user/max_user_namespaces &&
        exec setpriv --inh-caps=-all --bounding-set=-all "$@"' sh "$@"
}
if unshare -Ur sh -c 'echo 0 > /proc/sys/user/max_user_namespaces && ! unshare -U true' 2>/dev/null; then
    expect_out "proot: auto falls back to the shipped proot for a slice pack" "tool: motd of the slice in $T_TMP" \
        nouserns env PATH=/nonexistent "$PR/bin/tool"
    case $T_ERR in
        *"falling back to proot"*) ok "proot: ... and says so on stderr" ;;
        *) fail "proot: ... and says so on stderr" "$(t_what)" ;;
    esac
    expect_err "proot: an entry proot cannot run does not fall back, and says why" 125 \
        "(no fallback: proot cannot run this entry: $PR/.burrow/profiles/scratch.json: /mounts/0: its tmpfs mount at /scratch" \
        nouserns env PATH="$PP" "$PR/bin/scratch"
    case $T_ERR in
        *"max_user_namespaces"*) ok "proot: ... after the diagnosis" ;;
        *) fail "proot: ... after the diagnosis" "$(t_what)" ;;
    esac
else
    fail "proot: nested max_user_namespaces=0" "cannot set up a user namespace without user namespaces here"
fi

done_testing
