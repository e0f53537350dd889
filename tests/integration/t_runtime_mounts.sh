# Mounts: stores and read-only binds really reject writes (EROFS), read-write binds write
# through to the host, and tmpfs/dir/symlink/dev/bind-try do what they say.
. "$T_LIB"

S="--store $FIX_STORE:$FIX_DEST"
run() { "$T_BURROW" --host-root $S "$@"; }
EROFS="Read-only file system"

# The store is read-only, nosuid, nodev.
expect_out "store: write at the store root fails with EROFS" "$EROFS" run -- "$FIX_HELLO" --write "$FIX_DEST/new-file"
expect_eq "store: write at the store root exits 1" 1 "$T_STATUS"
expect_out "store: write inside an item fails with EROFS" "$EROFS" \
    run -- "$FIX_HELLO" --write "$FIX_DEST/$FIX_ITEM_HELLO/bin/new-file"
expect_out "store: truncating a store file fails with EROFS" "$EROFS" \
    run -- "$FIX_HELLO" --write "$FIX_DEST/$FIX_ITEM_DATA/share/greeting.txt"
expect_out "store: the store file is unchanged" "$FIX_GREETING" cat "$FIX_STORE/$FIX_ITEM_DATA/share/greeting.txt"
expect_out "store: read-only for uid 0 inside too" "$EROFS" run --uid 0 -- "$FIX_HELLO" --write "$FIX_DEST/new-file"
run -- "$FIX_HELLO" --cat /proc/self/mountinfo > "$T_TMP/mi" 2>&1
opts=$(awk -v d="$FIX_DEST" '$5 == d { print $6 }' "$T_TMP/mi" | tail -n1)
case ",$opts," in
    *,ro,*) ok "store: mounted ro" ;;
    *) fail "store: mounted ro" "mount options of $FIX_DEST: '$opts'" ;;
esac
case ",$opts," in
    *,nosuid,*) ok "store: mounted nosuid" ;;
    *) fail "store: mounted nosuid" "mount options of $FIX_DEST: '$opts'" ;;
esac
case ",$opts," in
    *,nodev,*) ok "store: mounted nodev" ;;
    *) fail "store: mounted nodev" "mount options of $FIX_DEST: '$opts'" ;;
esac

# --ro-bind: visible, not writable; --bind: writes reach the host.
mkdir -p "$T_TMP/src/sub" "$T_TMP/dst"
echo "bound content" > "$T_TMP/src/sub/file"
expect_out "ro-bind: content visible" "bound content" \
    run --ro-bind "$T_TMP/src" "$T_TMP/dst" -- "$FIX_HELLO" --cat "$T_TMP/dst/sub/file"
expect_out "ro-bind: write fails with EROFS" "$EROFS" \
    run --ro-bind "$T_TMP/src" "$T_TMP/dst" -- "$FIX_HELLO" --write "$T_TMP/dst/sub/new"
expect_out "ro-bind: truncate fails with EROFS" "$EROFS" \
    run --ro-bind "$T_TMP/src" "$T_TMP/dst" -- "$FIX_HELLO" --write "$T_TMP/dst/sub/file"
check "ro-bind: nothing written on the host" test ! -e "$T_TMP/src/sub/new"
expect_out "ro-bind: host file unchanged" "bound content" cat "$T_TMP/src/sub/file"
expect_out "ro-bind: relative source is taken from the cwd" "bound content" \
    run --ro-bind src "$T_TMP/dst" -- "$FIX_HELLO" --cat "$T_TMP/dst/sub/file"
expect_status "bind: write succeeds" 0 \
    run --bind "$T_TMP/src" "$T_TMP/dst" -- "$FIX_HELLO" --write "$T_TMP/dst/sub/written"
check "bind: the write reached the host" test -f "$T_TMP/src/sub/written"
# An option replaces a profile's mount with the same destination.
cat > "$T_TMP/rw.json" <<JSON
{ "version": 1, "extends": "builtin:pack",
  "stores": [ { "source": "$FIX_STORE", "destination": "/gnu/store" } ],
  "mounts": [ { "type": "bind", "source": "$T_TMP/src", "destination": "$T_TMP/dst", "access": "rw" } ] }
JSON
expect_status "merge: the profile's rw bind is writable" 0 \
    "$T_BURROW" --profile "$T_TMP/rw.json" -- "$FIX_HELLO" --write "$T_TMP/dst/from-profile"
expect_out "merge: --ro-bind replaces the profile's bind (same destination)" "$EROFS" \
    "$T_BURROW" --profile "$T_TMP/rw.json" --ro-bind "$T_TMP/src" "$T_TMP/dst" -- "$FIX_HELLO" --write "$T_TMP/dst/x"

# --host-root=ro: the host's root is read-only, recursively (submounts too).
expect_out "host-root=ro: write fails with EROFS" "$EROFS" \
    "$T_BURROW" --host-root=ro $S -- "$FIX_HELLO" --write "$T_TMP/ro-host-file"
check "host-root=ro: nothing written on the host" test ! -e "$T_TMP/ro-host-file"
if awk '$5 == "/dev/shm" { found = 1 } END { exit !found }' /proc/self/mountinfo && [ -w /dev/shm ]; then
    expect_out "host-root=ro: submount (/dev/shm) is read-only too" "$EROFS" \
        "$T_BURROW" --host-root=ro $S -- "$FIX_HELLO" --write "/dev/shm/burrow-test-$$"
    rm -f "/dev/shm/burrow-test-$$"
else
    skip "host-root=ro: submount (/dev/shm) is read-only too" "no writable /dev/shm mount on this host"
fi
expect_out "host-root=ro: read-only for uid 0 inside too" "$EROFS" \
    "$T_BURROW" --host-root=ro --uid 0 $S -- "$FIX_HELLO" --write "$T_TMP/ro-host-file"
expect_status "host-root=ro: /dev/null still writable" 0 \
    "$T_BURROW" --host-root=ro $S -- "$FIX_HELLO" --write /dev/null
expect_status "host-root=ro: --bind on top is writable" 0 \
    "$T_BURROW" --host-root=ro --bind "$T_TMP/src" "$T_TMP/src" $S -- "$FIX_HELLO" --write "$T_TMP/src/rw-over-ro"
check "host-root=ro: --bind on top wrote to the host" test -f "$T_TMP/src/rw-over-ro"
expect_status "host-root (rw): write succeeds" 0 run -- "$FIX_HELLO" --write "$T_TMP/rw-host-file"
check "host-root (rw): the write reached the host" test -f "$T_TMP/rw-host-file"

# Without the host root: an empty read-only root holding only what was asked for.
NOROOT="$T_BURROW $S --chdir /"
t_run $NOROOT -- "$FIX_HELLO" --cat /etc/passwd
expect_eq "no host root: host files are not visible" "1:" "$T_STATUS:$T_OUT"
expect_out "no host root: the new root is read-only" "$EROFS" $NOROOT -- "$FIX_HELLO" --write /new-file
expect_status "tmpfs: writable" 0 $NOROOT --tmpfs /scratch -- "$FIX_HELLO" --write /scratch/file
expect_out "tmpfs: later binds go inside it (order)" "bound content" \
    $NOROOT --tmpfs /w --ro-bind "$T_TMP/src" /w/src -- "$FIX_HELLO" --cat /w/src/sub/file
# Many binds side by side in one tmpfs (the mountpoints are made by name in a directory
# looked up once): each shows its own source, with its own access.
binds=""
for i in 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19; do
    mkdir -p "$T_TMP/many/s$i" && echo "source $i" > "$T_TMP/many/s$i/file"
    binds="$binds --ro-bind $T_TMP/many/s$i /w/d$i"
done
expect_out "tmpfs: many binds side by side, the first" "source 0" \
    $NOROOT --tmpfs /w $binds -- "$FIX_HELLO" --cat /w/d0/file
expect_out "tmpfs: many binds side by side, the last" "source 19" \
    $NOROOT --tmpfs /w $binds -- "$FIX_HELLO" --cat /w/d19/file
expect_out "tmpfs: many binds side by side, read-only" "$EROFS" \
    $NOROOT --tmpfs /w $binds -- "$FIX_HELLO" --write /w/d7/new
expect_status "tmpfs: many binds side by side, a --bind among them is writable" 0 \
    $NOROOT --tmpfs /w $binds --bind "$T_TMP/many/s3" /w/rw -- "$FIX_HELLO" --write /w/rw/new
check "tmpfs: ... and the write reached the host" test -f "$T_TMP/many/s3/new"
# A tmpfs reached through a symlink covers the directory of earlier binds: later binds
# into that directory go into the new tmpfs, and the earlier ones are hidden.
expect_out "tmpfs: mounted through a symlink, later binds go inside it" "source 1" \
    $NOROOT --tmpfs /w --ro-bind "$T_TMP/many/s0" /w/a --symlink / /r --tmpfs /r/w \
    --ro-bind "$T_TMP/many/s1" /w/b -- "$FIX_HELLO" --cat /w/b/file
t_run $NOROOT --tmpfs /w --ro-bind "$T_TMP/many/s0" /w/a --symlink / /r --tmpfs /r/w \
    --ro-bind "$T_TMP/many/s1" /w/b -- "$FIX_HELLO" --cat /w/a/file
expect_eq "tmpfs: mounted through a symlink, it hides the earlier binds" 1 "$T_STATUS"
expect_status "tmpfs: over a host directory, writable" 0 \
    run --tmpfs "$T_TMP/dst" -- "$FIX_HELLO" --write "$T_TMP/dst/in-tmpfs"
check "tmpfs: nothing reaches the host" test ! -e "$T_TMP/dst/in-tmpfs"
expect_out "dir: created" "/made/here" $NOROOT --dir /made/here --chdir /made/here -- "$FIX_HELLO" --cwd
expect_out "symlink: created and followed" "hello: $FIX_GREETING" \
    $NOROOT --symlink "$FIX_HELLO" /hello -- /hello
expect_out "symlink: relative target" "$FIX_GREETING" \
    $NOROOT --symlink "store/$FIX_ITEM_DATA/share" /gnu/greet -- "$FIX_HELLO" --cat /gnu/greet/greeting.txt
expect_status "dev: /dev/null writable" 0 $NOROOT --dev /dev -- "$FIX_HELLO" --write /dev/null
expect_out "dev: /dev/zero readable" "00000000" \
    sh -c '"$@" | head -c 4 | od -An -tx1 | tr -d " \n"' sh $NOROOT --dev /dev -- "$FIX_HELLO" --cat /dev/zero
expect_out "bind-try: missing source is skipped" "hello: $FIX_GREETING" \
    run --bind-try "$T_TMP/no-such-dir" "$T_TMP/dst" -- "$FIX_HELLO"
expect_out "ro-bind-try: present source is bound read-only" "$EROFS" \
    run --ro-bind-try "$T_TMP/src" "$T_TMP/dst" -- "$FIX_HELLO" --write "$T_TMP/dst/x"

# Checks of what burrow(1)'s OPTIONS say of each mount option (each names its claim).
# A view of the host, read-only, with a private /tmp: for checks of what a mount made.
RO="$T_BURROW --ro-bind / / --tmpfs /tmp --chdir /"
# burrow(1) --bind-try etc.: "skipped when SRC does not exist. Any other error (such as
# permission denied) still fails."
expect_status "try: --dev-bind-try with a missing SRC is skipped" 0 \
    $RO --dev-bind-try "$T_TMP/no-such-src" /tmp/x -- test ! -e /tmp/x
expect_status "try: --ro-bind-try with a missing SRC is skipped" 0 \
    $RO --ro-bind-try "$T_TMP/no-such-src" /tmp/x -- test ! -e /tmp/x
echo f > "$T_TMP/afile"
expect_err "try: another error (a file used as a directory) still fails" 125 "Not a directory" \
    $RO --bind-try "$T_TMP/afile/sub" /tmp/x -- true

# burrow(1) --file, --bind-data, --ro-bind-data: "--bind-data 0600 (writable),
# --ro-bind-data 0600 and read-only".
echo data > "$T_TMP/data"
expect_out "data: --bind-data is mode 0600 and writable" "600 data more" \
    sh -c "exec $RO --bind-data 3 /tmp/f -- sh -c 'echo more >> /tmp/f && echo \$(stat -c %a /tmp/f) \$(cat /tmp/f)' 3<\"\$1\"" \
    sh "$T_TMP/data"
expect_out "data: --ro-bind-data is mode 0600 and read-only" "600 read-only" \
    sh -c "exec $RO --ro-bind-data 3 /tmp/f -- sh -c 'echo \$(stat -c %a /tmp/f) \$( (echo x >> /tmp/f) 2>/dev/null && echo written || echo read-only)' 3<\"\$1\"" \
    sh "$T_TMP/data"
expect_out "data: the host's file is unchanged" "data" cat "$T_TMP/data"

# burrow(1) --bind-fd: "Bind the directory or file open as descriptor FD (read-write ...)".
mkdir "$T_TMP/fddir"
echo in-dir > "$T_TMP/fddir/file"
expect_out "bind-fd: binds the directory FD is open on, read-write" "in-dir" \
    sh -c "exec $RO --bind-fd 3 /tmp/d -- sh -c 'cat /tmp/d/file && echo new > /tmp/d/new' 3<\"\$1\"" sh "$T_TMP/fddir"
expect_out "bind-fd: ... writes reach the host directory" "new" cat "$T_TMP/fddir/new"

# burrow(1) --tmpfs: "mode 0755, or --perms"; --dir: "mode 0755, or --perms".
expect_out "tmpfs: mode 0755 by default" "755" $RO --tmpfs /tmp/t -- stat -c %a /tmp/t
expect_out "tmpfs: --perms sets another" "1777" $RO --perms 1777 --tmpfs /tmp/t -- stat -c %a /tmp/t
expect_out "dir: mode 0755 by default" "755" $RO --dir /tmp/d -- stat -c %a /tmp/d
# --dir: "Missing parents are created too: readable and searchable by each class ... that
# the mode lets read or search, and always rwx for the owner".
for pm in 0640:750 0711:755 0700:700 0750:750; do
    expect_out "dir: --perms ${pm%:*} --dir makes missing parents ${pm#*:}" "${pm#*:} ${pm%:*}" \
        $RO --perms "${pm%:*}" --dir /tmp/a/b -- sh -c 'echo $(stat -c %a /tmp/a) 0$(stat -c %a /tmp/a/b)'
done

# --proc: "without --unshare-pid the host's /proc is bound at DEST instead" (the same
# file system: the same device number; a new procfs has its own).
host_proc=$(stat -c %d /proc)
expect_out "proc: --proc without --unshare-pid binds the host's /proc" "$host_proc" \
    $RO --proc /proc -- stat -c %d /proc
t_run $RO --unshare-pid --proc /proc -- stat -c %d /proc
if [ "$T_STATUS" -eq 0 ] && [ -n "$T_OUT" ] && [ "$T_OUT" != "$host_proc" ]; then ok "proc: with --unshare-pid it is a new procfs"
else fail "proc: with --unshare-pid it is a new procfs" "host /proc device $host_proc; $(t_what)"; fi


# --dev: "a tmpfs holding null, zero, full, random, urandom and tty bound from the host (those
# the host has), a private shm tmpfs (mode 1777), a new pts instance ... with ptmx linked to
# it, and the links fd, stdin, stdout, stderr and core".
want=
for f in null zero full random urandom tty; do [ -c "/dev/$f" ] && want="$want$f "; done
expect_out "dev: the device nodes the host has" "$want" \
    $RO --dev /dev -- sh -c 'for f in null zero full random urandom tty; do [ -c /dev/$f ] && printf "%s " $f; done'
expect_out "dev: shm is mode 1777, pts a directory" "1777 pts" \
    $RO --dev /dev -- sh -c 'echo "$(stat -c %a /dev/shm) $(test -d /dev/pts && echo pts)"'
expect_out "dev: the links" "pts/ptmx /proc/self/fd /proc/self/fd/0 /proc/self/fd/1 /proc/self/fd/2 /proc/kcore" \
    $RO --dev /dev -- sh -c 'echo $(for l in ptmx fd stdin stdout stderr core; do readlink /dev/$l; done)'
# --bind is nodev, --dev-bind: "with device nodes usable".
expect_out "dev-bind: device nodes are usable" "1" sh -c '"$@" | wc -c' sh $RO --dev-bind /dev /dev -- head -c1 /dev/zero
expect_out "bind: ... and not through --bind (nodev)" "0" sh -c '"$@" 2>/dev/null | wc -c' sh $RO --bind /dev /dev -- head -c1 /dev/zero

# --host-root: "The new root itself stays a read-only tmpfs: new top-level entries cannot be
# created"; "symbolic links such as /bin -> usr/bin are recreated as symbolic links".
expect_err "host-root: no new top-level entry" 1 "$EROFS" "$T_BURROW" --host-root -- mkdir /burrow-t-newtop
check "host-root: ... and none on the host" test ! -e /burrow-t-newtop
if [ -L /bin ]; then
    expect_out "host-root: /bin is the same symbolic link" "$(readlink /bin)" "$T_BURROW" --host-root -- readlink /bin
    # --symlink: "Nothing happens if the same link exists".
    expect_status "symlink: the same link already there is no error" 0 \
        "$T_BURROW" --host-root --symlink "$(readlink /bin)" /bin -- true
    expect_err "symlink: another link there is an error" 125 "--symlink x-other /bin" \
        "$T_BURROW" --host-root --symlink x-other /bin -- true
else
    skip "host-root: /bin is the same symbolic link" "/bin is not a symbolic link here"
fi

# --dir, --symlink: "it is only ever created on a filesystem burrow made ..., never on a host
# filesystem": below the host root the directory is synthesised; below a bind it is an error.
expect_out "dir: --dir and --symlink below the host root are made on burrow's tmpfs" "dir target" \
    sh -c 'cd / && exec "$@"' sh "$T_BURROW" --host-root --dir "$T_TMP/made-dir" --symlink target "$T_TMP/made-link" -- \
    sh -c 'test -d "$1" && echo dir $(readlink "$2")' sh "$T_TMP/made-dir" "$T_TMP/made-link"
check "dir: ... and nothing on the host" test ! -e "$T_TMP/made-dir" -a ! -L "$T_TMP/made-link"
mkdir -p "$T_TMP/bound"
expect_err "symlink: below a bind it is an error" 125 "burrow never creates files or mountpoints on the host" \
    "$T_BURROW" --host-root --bind "$T_TMP/bound" "$T_TMP/bound" --symlink target "$T_TMP/bound/link" -- true
check "symlink: ... and nothing in the bind's source" test ! -L "$T_TMP/bound/link"

# --remount-ro: "DEST must be a mount point".
expect_err "remount-ro: a DEST that is not a mount point is an error" 125 "--remount-ro /etc" \
    $RO --remount-ro /etc -- true

# --store: "Repeatable, with different destinations".
mkdir -p "$T_TMP/other-store"
expect_err "store: two stores at one destination are an error" 125 "is already the destination of" \
    "$T_BURROW" --host-root --store "$FIX_STORE" --store "$T_TMP/other-store" -- true

# Missing destinations: "So --store ./slice:/opt/tool works on a host that has an /opt";
# "A recreated directory is a read-only copy: its entries are the source's ..., but new
# files cannot be created in it, and it cannot be the inherited working directory"; "A
# destination that lies below another bind (not a tmpfs) and is missing there is still an
# error".
if [ -d /opt ] && [ ! -e /opt/burrow-t-store ]; then
    expect_out "missing: a store below the host's /opt, beside its entries" "$(ls -A /opt | wc -l) $FIX_GREETING" \
        "$T_BURROW" --host-root --store "$FIX_STORE:/opt/burrow-t-store" -- sh -c \
        'echo "$(ls -A /opt | grep -vx burrow-t-store | wc -l) $(cat /opt/burrow-t-store/'"$FIX_ITEM_DATA"'/share/greeting.txt)"'
    expect_err "missing: the recreated /opt takes no new files" 1 "$EROFS" \
        "$T_BURROW" --host-root --store "$FIX_STORE:/opt/burrow-t-store" -- touch /opt/burrow-t-new
    check "missing: ... and nothing was made in the host's /opt" test ! -e /opt/burrow-t-store -a ! -e /opt/burrow-t-new
    expect_err "missing: the recreated /opt cannot be the inherited working directory" 125 \
        "the current directory /opt is a different directory inside the sandbox" \
        sh -c 'cd /opt && exec "$@"' sh "$T_BURROW" --host-root --store "$FIX_STORE:/opt/burrow-t-store" -- true
else
    skip "missing: a store below the host's /opt, beside its entries" "no /opt here, or /opt/burrow-t-store exists"
fi
mkdir -p "$T_TMP/below"
expect_err "missing: below a bind, a missing destination is an error" 125 "does not exist, and burrow never creates" \
    "$T_BURROW" --host-root --bind "$T_TMP/below" "$T_TMP/below" --tmpfs "$T_TMP/below/missing" -- true
check "missing: ... and nothing was made in the bind's source" test ! -e "$T_TMP/below/missing"

# --home DIR: a private home, made 0700 if missing, read-write at $HOME, HOME set to it;
# --home tmpfs: a throw-away one. Under builtin:sandbox, where the host's home is not there.
# shellcheck disable=SC2086
H=$T_TMP/private-home
SB="--profile builtin:sandbox --chdir / --ro-bind /usr /usr $(t_usr_layout)"
t_run env HOME=/home/someone "$T_BURROW" $SB --home "$H" -- \
    /bin/sh -c 'echo "$HOME"; echo dot >"$HOME/.rc" && cat /home/someone/.rc'
if [ "$T_STATUS" = 0 ] && [ "$T_OUT" = "/home/someone
dot" ] && [ "$(cat "$H/.rc")" = dot ] && [ "$(stat -c %a "$H")" = 700 ]; then
    ok "home: --home DIR is made 0700 and is \$HOME, read-write"
else fail "home: --home DIR is made 0700 and is \$HOME, read-write" "$(t_what); mode $(stat -c %a "$H" 2>&1)"; fi
expect_out "home: --home DIR keeps what the last run wrote" "dot" \
    env HOME=/home/someone "$T_BURROW" $SB --home "$H" -- /bin/cat /home/someone/.rc
t_run env HOME=/home/someone "$T_BURROW" $SB --home tmpfs -- \
    /bin/sh -c 'touch "$HOME/x" && stat -c "%a %u" "$HOME" && ls "$HOME"'
if [ "$T_STATUS" = 0 ] && [ "$T_OUT" = "700 $(id -u)
x" ] && [ ! -e "$H/x" ]; then ok "home: --home tmpfs is an empty 0700 home of the caller's"
else fail "home: --home tmpfs is an empty 0700 home of the caller's" "$(t_what)"; fi
t_run sh -c 'cd "$1" && shift && HOME=/home/someone "$@"' sh "$T_TMP" "$T_BURROW" $SB --home ./tmpfs -- /bin/true
if [ "$T_STATUS" = 0 ] && [ -d "$T_TMP/tmpfs" ]; then ok "home: --home ./tmpfs is a directory of that name, from the cwd"
else fail "home: --home ./tmpfs is a directory of that name, from the cwd" "$(t_what)"; fi
# burrow(1) --home: "It is mounted after everything else".
expect_out "home: --home is mounted after the other mounts (a later --tmpfs there is covered)" "700" \
    env HOME=/home/someone "$T_BURROW" $SB --home tmpfs --tmpfs /home/someone -- /usr/bin/stat -c %a /home/someone
expect_err "home: a --home whose parent is missing is an error naming it" 125 \
    "cannot create the home directory $T_TMP/no/such: No such file or directory" \
    "$T_BURROW" $SB --home "$T_TMP/no/such" -- /bin/true

done_testing
