# burrow-pack failures: bad options, unreadable items, a full disk.
# Each gives a clear message and a non-zero status, and leaves no partial output and no
# temporary file (an existing OUT survives).
. "$T_LIB"

# Interrupts and kills: t_pack_interrupt.sh.

# A copy of the fixture store, for the unreadable files below.
cp -R "$FIX_STORE" "$T_TMP/store"
chmod -R u+w "$T_TMP/store"

# --- Bad options: status 125, one clear line and a pointer to --help.
expect_err "options: unknown option" 125 "burrow-pack: unknown option '--frobnicate'" "$T_PACK" --frobnicate
expect_err "options: missing -o" 125 "no output: add -o OUT" "$T_PACK" --store "$FIX_STORE" x
expect_err "options: bad format" 125 "unknown format" "$T_PACK" --store "$FIX_STORE" x -f zip -o o
expect_err "options: bad compression" 125 "unknown compression" "$T_PACK" --store "$FIX_STORE" x -C lzma -o o
expect_err "options: bad entry" 125 "expected NAME=PROGRAM" "$T_PACK" --store "$FIX_STORE" x -e hello -o o
expect_err "options: --help is mentioned" 125 "Try 'burrow-pack --help'" "$T_PACK" --frobnicate
expect_err "options: store is not a directory" 125 "is not a directory" "$T_PACK" --store /etc/passwd x -o o
expect_err "options: bad SOURCE_DATE_EPOCH" 125 "SOURCE_DATE_EPOCH='yesterday'" \
    env SOURCE_DATE_EPOCH=yesterday "$T_PACK" --store "$FIX_STORE:$FIX_DEST" "$FIX_ITEM_DATA" -o "$T_TMP/o.tar"
expect_status "options: --help exits 0" 0 "$T_PACK" --help
case $T_OUT in *"--store SRC[:DEST]"*"--slice DIR=DEST"*) ok "options: --help lists the options" ;; *) fail "options: --help lists the options" "$(t_what)" ;; esac
case $T_OUT in *"burrow-pack info [--json] PACK"*"burrow-pack verify PACK"*) ok "options: --help's usage has info [--json] and verify, as the SYNOPSIS" ;;
    *) fail "options: --help's usage has info [--json] and verify, as the SYNOPSIS" "$(t_what)" ;; esac
expect_out "options: --version" "burrow-pack 0.1.0" "$T_PACK" --version
# burrow-pack(1): -h and -V are --help and --version.
"$T_PACK" --help > "$T_TMP/help.long" 2>&1
expect_out "options: -h prints the --help text" "$(cat "$T_TMP/help.long")" "$T_PACK" -h
expect_eq "options: -h exits 0" 0 "$T_STATUS"
expect_out "options: -V prints the version" "burrow-pack 0.1.0" "$T_PACK" -V
expect_eq "options: -V exits 0" 0 "$T_STATUS"

# burrow-pack(1) -o: "a successful run replaces an existing tarball"; "-f dir and -f oci
# (directory) write a directory of that name, and refuse an existing OUT".
mkdir "$T_TMP/repl"
printf 'previous\n' > "$T_TMP/repl/p.tar.gz"
check "output: a successful run replaces an existing tarball" \
    "$T_PACK" --store "$FIX_STORE:$FIX_DEST" "$FIX_ITEM_DATA" -o "$T_TMP/repl/p.tar.gz"
check "output: ... which is now the pack" "$T_PACK" verify "$T_TMP/repl/p.tar.gz"
mkdir "$T_TMP/repl/d"
echo keep > "$T_TMP/repl/d/file"
expect_err "output: -f dir refuses an existing OUT" 1 "already exists" \
    "$T_PACK" --store "$FIX_STORE:$FIX_DEST" "$FIX_ITEM_DATA" -f dir -o "$T_TMP/repl/d"
expect_eq "output: ... and leaves it as it was" "file keep" "$(ls -A "$T_TMP/repl/d") $(cat "$T_TMP/repl/d/file")"
# On a terminal (script(1) gives it one): no tarball onto it, and a progress line.
if command -v script >/dev/null 2>&1; then
    expect_status "tty: -o - refuses a terminal" 125 \
        script -qec "'$T_PACK' --store '$FIX_STORE:$FIX_DEST' '$FIX_ITEM_DATA' -o -" /dev/null
    case $T_OUT in *"standard output is a terminal"*) ok "tty: ... and says why" ;; *) fail "tty: ... and says why" "$(t_what)" ;; esac
    expect_status "tty: packing with stderr on a terminal" 0 \
        script -qec "'$T_PACK' --store '$FIX_STORE:$FIX_DEST' '$FIX_ITEM_HELLO' -o '$T_TMP/tty.tar.gz'" /dev/null
    case $T_OUT in
        *"burrow-pack: writing "*" files, "*"burrow-pack: wrote $T_TMP/tty.tar.gz: "*) ok "tty: a progress line and a summary" ;;
        *) fail "tty: a progress line and a summary" "$(t_what)" ;;
    esac
else
    fail "tty: -o - refuses a terminal" "script(1) is needed (util-linux)"
fi
# Off a terminal (a CI log): a short pack prints nothing; BURROW_PACK_PROGRESS=lines
# gives a plain line at each phase, =none nothing at all.
t_run "$T_PACK" --store "$FIX_STORE:$FIX_DEST" "$FIX_ITEM_HELLO" -o "$T_TMP/log1.tar.gz"
expect_eq "progress: none for a short pack off a terminal" "0:" "$T_STATUS:$T_ERR"
t_run env BURROW_PACK_PROGRESS=lines "$T_PACK" --store "$FIX_STORE:$FIX_DEST" "$FIX_ITEM_HELLO" -o "$T_TMP/log2.tar.gz"
expect_eq "progress: BURROW_PACK_PROGRESS=lines: a plain line per phase" "yes yes no" \
    "$(printf '%s\n' "$T_ERR" | grep -q '^burrow-pack: scanning [0-9]' && echo yes || echo no) $(printf '%s\n' "$T_ERR" | grep -q '^burrow-pack: writing 0/[0-9]* files, 0 B$' && echo yes || echo no) $(printf '%s' "$T_ERR" | grep -q "$(printf '\r')" && echo yes || echo no)"
t_run env BURROW_PACK_PROGRESS=none script -qec "'$T_PACK' --store '$FIX_STORE:$FIX_DEST' '$FIX_ITEM_HELLO' -o '$T_TMP/log3.tar.gz'" /dev/null
case $T_OUT in
    *"burrow-pack: writing"*) fail "progress: BURROW_PACK_PROGRESS=none silences it on a terminal" "$(t_what)" ;;
    *"burrow-pack: wrote"*) ok "progress: BURROW_PACK_PROGRESS=none silences it on a terminal" ;;
    *) fail "progress: BURROW_PACK_PROGRESS=none silences it on a terminal" "$(t_what)" ;;
esac
expect_err "options: -o into a missing directory" 1 "cannot write the output" \
    "$T_PACK" --store "$FIX_STORE:$FIX_DEST" "$FIX_ITEM_DATA" -o "$T_TMP/no/such/dir/p.tar.gz"

# --- Unreadable items: a file nobody may read (checked as uid 65534 also in the root
# pass, since root reads everything), and a fifo in an item.
chmod 000 "$T_TMP/store/$FIX_ITEM_DATA/share/greeting.txt"
mkdir "$T_TMP/out2"
chmod 777 "$T_TMP/out2"
chmod 755 "$T_TMP"
as_nobody=
[ "$(id -u)" = 0 ] && as_nobody="setpriv --reuid 65534 --regid 65534 --clear-groups"
expect_err "unreadable: a file that cannot be read is named" 1 \
    "cannot read $T_TMP/store/$FIX_ITEM_DATA/share/greeting.txt: Permission denied" \
    $as_nobody "$T_PACK" --store "$T_TMP/store:$FIX_DEST" "$FIX_ITEM_HELLO" -o "$T_TMP/out2/p.tar.gz"
expect_eq "unreadable: no output and no temporary file" "" "$(ls -A "$T_TMP/out2")"
chmod 644 "$T_TMP/store/$FIX_ITEM_DATA/share/greeting.txt"
chmod 000 "$T_TMP/store/$FIX_ITEM_LIBGREET/lib"
expect_err "unreadable: a directory that cannot be read is named" 1 \
    "cannot read the directory $T_TMP/store/$FIX_ITEM_LIBGREET/lib: Permission denied" \
    $as_nobody "$T_PACK" --store "$T_TMP/store:$FIX_DEST" "$FIX_ITEM_HELLO" -o "$T_TMP/out2/p.tar.gz"
chmod 755 "$T_TMP/store/$FIX_ITEM_LIBGREET/lib"
mkfifo "$T_TMP/store/$FIX_ITEM_DATA/share/fifo"
expect_err "unreadable: a fifo in an item is refused" 1 "share/fifo: cannot pack a fifo" \
    "$T_PACK" --store "$T_TMP/store:$FIX_DEST" "$FIX_ITEM_HELLO" -o "$T_TMP/out2/p.tar.gz"
rm -f "$T_TMP/store/$FIX_ITEM_DATA/share/fifo"
expect_eq "unreadable: still no output" "" "$(ls -A "$T_TMP/out2")"

# --- A full disk: a 256 KiB tmpfs (in a private mount namespace) cannot hold the pack.
if unshare -Urm true 2>/dev/null; then
    mkdir "$T_TMP/small"
    t_run unshare -Urm sh -c '
        mount -t tmpfs -o size=256k tmpfs "$1" || exit 99
        printf "old pack\n" > "$1/p.tar.gz"
        shift
        "$@"; rc=$?
        echo "files: $(ls -A "$0" | tr "\n" " ")"
        echo "old: $(cat "$0/p.tar.gz")"
        exit $rc' "$T_TMP/small" "$T_TMP/small" \
        "$T_PACK" --store "$FIX_STORE:$FIX_DEST" "$FIX_ITEM_HELLO" -C none -o "$T_TMP/small/p.tar.gz"
    expect_eq "full disk: status 1" 1 "$T_STATUS"
    case $T_ERR in
        *"burrow-pack: cannot write $T_TMP/small/p.tar.gz"*"No space left on device"*) ok "full disk: the message says so" ;;
        *) fail "full disk: the message says so" "$(t_what)" ;;
    esac
    expect_eq "full disk: no temporary file, OUT untouched" "$(printf 'files: p.tar.gz \nold: old pack')" "$T_OUT"
    # -f dir: libarchive's disk writer says only "Write failed"; the message adds the
    # file (as named under OUT) and the reason.
    t_run unshare -Urm sh -c '
        mount -t tmpfs -o size=256k tmpfs "$1" || exit 99
        shift
        "$@"; rc=$?
        echo "files: $(ls -A "$0" | tr "\n" " ")"
        exit $rc' "$T_TMP/small" "$T_TMP/small" \
        "$T_PACK" --store "$FIX_STORE:$FIX_DEST" "$FIX_ITEM_HELLO" -f dir -o "$T_TMP/small/d"
    expect_eq "full disk, -f dir: status 1" 1 "$T_STATUS"
    case $T_ERR in
        *"burrow-pack: cannot write $T_TMP/small/d/"*": Write failed: No space left on device"*) ok "full disk, -f dir: names the file and the reason" ;;
        *) fail "full disk, -f dir: names the file and the reason" "$(t_what)" ;;
    esac
    expect_eq "full disk, -f dir: no temporary directory" "files: " "$T_OUT"
else
    fail "full disk: a private tmpfs" "unshare -Urm is not possible here: $(unshare -Urm true 2>&1)"
fi

# --- A store item whose name holds a control character: refused, the name shown escaped.
mkdir -p "$T_TMP/cstore/$(printf 'evil\nitem')" "$T_TMP/out3"
echo hi > "$T_TMP/cstore/$(printf 'evil\nitem')/f"
expect_err "names: an item name with a newline is refused" 1 \
    'item "evil\nitem" of the store '"$T_TMP/cstore"': cannot pack it: its name is not usable (it contains a control character)' \
    "$T_PACK" --store "$T_TMP/cstore:/gnu/store" "$(printf 'evil\nitem')" -o "$T_TMP/out3/p.tar"
expect_eq "names: the message is one line" 1 "$(printf '%s\n' "$T_ERR" | wc -l)"
expect_eq "names: no output" "" "$(ls -A "$T_TMP/out3")"

done_testing
