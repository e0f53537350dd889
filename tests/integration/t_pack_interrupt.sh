# burrow-pack interrupted or killed. SIGINT, SIGTERM, SIGQUIT, SIGHUP and SIGPIPE: exit
# 128+signal, no OUT (an existing one stays) and no temporary. SIGKILL: nothing left where
# the file system has O_TMPFILE (tarballs, image layers). What a killed run leaves
# otherwise (a named temporary where O_TMPFILE is refused, a -f dir directory) the next run
# for that OUT removes; never one a running pack holds, never through a symlink, never
# another user's.
# The signals are sent while the pack is writing: wait_writing polls /proc/PID/fd until it
# has a file in OUT's directory with data in it. (`wait 2>/dev/null`: no job status line
# from the shell.)
. "$T_LIB"

# A store with a big (sparse) file keeps the packer busy for seconds.
cp -R "$FIX_STORE" "$T_TMP/store"
chmod -R u+w "$T_TMP/store"
truncate -s 1G "$T_TMP/store/$FIX_ITEM_DATA/big"
BIG_STORE=$T_TMP/store:$FIX_DEST
SMALL_STORE=$FIX_STORE:$FIX_DEST

# entries DIR: the names in DIR, sorted, on one line.
entries() { LC_ALL=C ls -A "$1" | tr '\n' ' ' | sed 's/ $//'; }

# wait_writing PID DIR: waits until PID has a file or directory in DIR open, with data in
# it, and prints its /proc/PID/fd link ("DIR/#123 (deleted)" for an unnamed file).
# Status 1 when PID ended first, or after about a minute.
wait_writing() {
    _n=0
    while [ "$_n" -lt 3000 ]; do
        case $(sed 's/.*) //' /proc/"$1"/stat 2>/dev/null | cut -d' ' -f1) in ''|Z|X) return 1 ;; esac
        for _f in /proc/"$1"/fd/*; do
            _l=$(readlink "$_f" 2>/dev/null) || continue
            case $_l in
                "$2"/*) [ "$(stat -L -c %s "$_f" 2>/dev/null || echo 0)" -gt 0 ] && { printf '%s\n' "$_l"; return 0; } ;;
            esac
        done
        _n=$((_n + 1))
        sleep 0.02
    done
    return 1
}

exit_of() { case $1 in HUP) echo 129 ;; INT) echo 130 ;; QUIT) echo 131 ;; PIPE) echo 141 ;; TERM) echo 143 ;; esac; }

# --- Signals while a tarball is written. sh starts background commands with SIGINT and
# SIGQUIT ignored: burrow-pack handles them anyway. SIGHUP and SIGPIPE are reset to their
# defaults here (an ignored one stays ignored: see below).
mkdir "$T_TMP/out"
printf 'previous pack\n' > "$T_TMP/out/p.tar.gz"
for sig in INT TERM QUIT HUP PIPE; do
    env --default-signal=HUP,PIPE "$T_PACK" --store "$BIG_STORE" "$FIX_ITEM_HELLO" -o "$T_TMP/out/p.tar.gz" \
        2>"$T_TMP/err" &
    pid=$!
    if wait_writing "$pid" "$T_TMP/out" >/dev/null; then kill -"$sig" "$pid"
    else fail "signals: SIG$sig arrives while the pack is written" "it ended first: $(cat "$T_TMP/err")"; fi
    wait "$pid" 2>/dev/null
    status=$?
    expect_eq "signals: SIG$sig exits $(exit_of "$sig")" "$(exit_of "$sig")" "$status"
    case $(cat "$T_TMP/err") in
        *"burrow-pack: interrupted by SIG$sig; removed the partial output"*) ok "signals: SIG$sig says so" ;;
        *) fail "signals: SIG$sig says so" "stderr: $(cat "$T_TMP/err")" ;;
    esac
    expect_eq "signals: SIG$sig leaves no temporary file" "p.tar.gz" "$(entries "$T_TMP/out")"
    expect_eq "signals: SIG$sig leaves the existing OUT alone" "previous pack" "$(cat "$T_TMP/out/p.tar.gz")"
done

# Image formats and -f dir: no OUT, no temporary file or directory.
for case in "docker HUP d.tar" "oci TERM o" "dir INT d"; do
    set -- $case
    mkdir "$T_TMP/out-$1"
    env --default-signal=HUP,PIPE "$T_PACK" --store "$BIG_STORE" "$FIX_ITEM_HELLO" -f "$1" -o "$T_TMP/out-$1/$3" \
        2>"$T_TMP/err" &
    pid=$!
    if wait_writing "$pid" "$T_TMP/out-$1" >/dev/null; then kill -"$2" "$pid"
    else fail "signals: -f $1: SIG$2 arrives while the pack is written" "it ended first: $(cat "$T_TMP/err")"; fi
    wait "$pid" 2>/dev/null
    status=$?
    expect_eq "signals: -f $1: SIG$2 exits $(exit_of "$2")" "$(exit_of "$2")" "$status"
    expect_eq "signals: -f $1: SIG$2 leaves nothing" "" "$(entries "$T_TMP/out-$1")"
done

# SIGHUP ignored at the start (nohup): the pack goes on, and completes.
mkdir "$T_TMP/nohup"
env --ignore-signal=HUP "$T_PACK" --store "$BIG_STORE" "$FIX_ITEM_HELLO" -o "$T_TMP/nohup/p.tar.gz" 2>"$T_TMP/err" &
pid=$!
if wait_writing "$pid" "$T_TMP/nohup" >/dev/null; then kill -HUP "$pid"
else fail "nohup: SIGHUP arrives while the pack is written" "it ended first: $(cat "$T_TMP/err")"; fi
wait "$pid" 2>/dev/null
status=$?
expect_eq "nohup: an ignored SIGHUP stays ignored: the pack completes" "0 p.tar.gz" "$status $(entries "$T_TMP/nohup")"

# --- SIGPIPE from a reader that goes away: quiet, as when SIGPIPE kills a program.
"$T_PACK" --store "$SMALL_STORE" "$FIX_ITEM_HELLO" -o "$T_TMP/small.tar.gz"
sh -c 'f=$1; shift; "$@" 2>"$f.err"; echo $? >"$f.status"' sh "$T_TMP/pipe" \
    env --default-signal=PIPE "$T_PACK" --store "$BIG_STORE" "$FIX_ITEM_HELLO" -o - | head -c1 >/dev/null
expect_eq "sigpipe: -o - | head -c1: status 141, nothing on stderr" "141:" "$(cat "$T_TMP/pipe.status"):$(cat "$T_TMP/pipe.err")"
# With SIGPIPE ignored, the write error is the message.
sh -c 'f=$1; shift; "$@" 2>"$f.err"; echo $? >"$f.status"' sh "$T_TMP/pipe" \
    env --ignore-signal=PIPE "$T_PACK" --store "$BIG_STORE" "$FIX_ITEM_HELLO" -o - | head -c1 >/dev/null
expect_eq "sigpipe: ignored: status 1" 1 "$(cat "$T_TMP/pipe.status")"
case $(cat "$T_TMP/pipe.err") in
    *"burrow-pack: cannot write standard output"*": Broken pipe"*) ok "sigpipe: ignored: the write error is named" ;;
    *) fail "sigpipe: ignored: the write error is named" "stderr: $(cat "$T_TMP/pipe.err")" ;;
esac
"$T_PACK" info --json "$T_TMP/small.tar.gz" 2>"$T_TMP/info.err" | head -n1 >"$T_TMP/info.out"
expect_eq "sigpipe: info | head -1: the first line, nothing on stderr" "{:" "$(cat "$T_TMP/info.out"):$(cat "$T_TMP/info.err")"

# Other signals with -o -: what went to standard output is cut short, and said so.
mkdir "$T_TMP/so"
env --default-signal=HUP,PIPE "$T_PACK" --store "$BIG_STORE" "$FIX_ITEM_HELLO" -o - >"$T_TMP/so/p.tar.gz" \
    2>"$T_TMP/err" &
pid=$!
if wait_writing "$pid" "$T_TMP/so" >/dev/null; then kill -TERM "$pid"
else fail "-o -: SIGTERM arrives while the pack is written" "it ended first: $(cat "$T_TMP/err")"; fi
wait "$pid" 2>/dev/null
status=$?
expect_eq "-o -: SIGTERM: status 143, and the tarball is said to be incomplete" \
    "143: burrow-pack: interrupted by SIGTERM; the tarball on standard output is incomplete" "$status: $(cat "$T_TMP/err")"

# --- SIGKILL: an unnamed file (O_TMPFILE) disappears with the process.
mkdir "$T_TMP/kill"
printf 'previous pack\n' > "$T_TMP/kill/p.tar.gz"
"$T_PACK" --store "$BIG_STORE" "$FIX_ITEM_HELLO" -o "$T_TMP/kill/p.tar.gz" 2>/dev/null &
pid=$!
if what=$(wait_writing "$pid" "$T_TMP/kill"); then
    case $what in
        "$T_TMP/kill/#"*" (deleted)") ok "SIGKILL, tarball: written as an unnamed file" ;;
        *) fail "SIGKILL, tarball: written as an unnamed file" "it writes $what" ;;
    esac
    kill -KILL "$pid"
else
    fail "SIGKILL, tarball: sent while the pack is written" "it ended first"
fi
wait "$pid" 2>/dev/null
expect_eq "SIGKILL, tarball: leaves nothing, OUT untouched" "p.tar.gz: previous pack" \
    "$(entries "$T_TMP/kill"): $(cat "$T_TMP/kill/p.tar.gz")"
for f in docker oci oci.tar; do
    mkdir "$T_TMP/kill-$f"
    out=img; [ "$f" = oci.tar ] && out=img.tar   # -f oci writes a tar when OUT ends in .tar
    "$T_PACK" --store "$BIG_STORE" "$FIX_ITEM_HELLO" -f "${f%.tar}" -o "$T_TMP/kill-$f/$out" 2>/dev/null &
    pid=$!
    if what=$(wait_writing "$pid" "$T_TMP/kill-$f"); then
        case $what in
            "$T_TMP/kill-$f/#"*" (deleted)") ok "SIGKILL, -f $f: layers written as unnamed files" ;;
            *) fail "SIGKILL, -f $f: layers written as unnamed files" "it writes $what" ;;
        esac
        kill -KILL "$pid"
    else
        fail "SIGKILL, -f $f: sent while the layers are written" "it ended first"
    fi
    wait "$pid" 2>/dev/null
    expect_eq "SIGKILL, -f $f: leaves nothing" "" "$(entries "$T_TMP/kill-$f")"
done

# --- Where O_TMPFILE is refused (a shim makes open(2) say EOPNOTSUPP for it): named,
# locked temporaries, which a SIGKILL leaves and the next run removes.
if cc -shared -fPIC -O -Wall -o "$T_TMP/no_tmpfile.so" "${T_LIB%/*}/probes/no_tmpfile.c" -ldl 2>"$T_TMP/cc.log"; then
    mkdir "$T_TMP/fb"
    env LD_PRELOAD="$T_TMP/no_tmpfile.so" "$T_PACK" --store "$BIG_STORE" "$FIX_ITEM_HELLO" -o "$T_TMP/fb/p.tar.gz" \
        2>"$T_TMP/err" &
    pid=$!
    stale=
    if what=$(wait_writing "$pid" "$T_TMP/fb"); then
        case $what in
            "$T_TMP/fb/.p.tar.gz.tmp-"??????) ok "no O_TMPFILE: a named temporary"; stale=$what ;;
            *) fail "no O_TMPFILE: a named temporary" "it writes $what" ;;
        esac
        [ -n "$stale" ] && expect_status "no O_TMPFILE: the running pack holds its lock" 1 flock -n -x "$stale" true
        kill -KILL "$pid"
    else
        fail "no O_TMPFILE: SIGKILL sent while the pack is written" "it ended first: $(cat "$T_TMP/err")"
    fi
    wait "$pid" 2>/dev/null
    if [ -n "$stale" ]; then
        check "no O_TMPFILE: SIGKILL leaves the temporary" test -f "$stale"
        expect_status "no O_TMPFILE: ... unlocked" 0 flock -n -x "$stale" true
        expect_err "stale: the next run removes it, and says so" 0 \
            "burrow-pack: removed $stale (left by a run that did not finish)" \
            "$T_PACK" --store "$SMALL_STORE" "$FIX_ITEM_HELLO" -o "$T_TMP/fb/p.tar.gz"
        expect_eq "stale: ... and writes OUT" "p.tar.gz" "$(entries "$T_TMP/fb")"
    fi

    # -f docker: the temporary OUT and the directory of layer tars.
    mkdir "$T_TMP/fbd"
    env LD_PRELOAD="$T_TMP/no_tmpfile.so" "$T_PACK" --store "$BIG_STORE" "$FIX_ITEM_HELLO" -f docker \
        -o "$T_TMP/fbd/d.tar" 2>"$T_TMP/err" &
    pid=$!
    if what=$(wait_writing "$pid" "$T_TMP/fbd"); then kill -KILL "$pid"
    else fail "no O_TMPFILE, -f docker: SIGKILL sent while the layers are written" "it ended first: $(cat "$T_TMP/err")"; fi
    wait "$pid" 2>/dev/null
    left=$(entries "$T_TMP/fbd")
    case $left in
        ".d.tar.layers-"??????" .d.tar.tmp-"??????) ok "no O_TMPFILE, -f docker: SIGKILL leaves the temporaries" ;;
        *) fail "no O_TMPFILE, -f docker: SIGKILL leaves the temporaries" "left: $left" ;;
    esac
    t_run "$T_PACK" --store "$SMALL_STORE" "$FIX_ITEM_HELLO" -f docker -o "$T_TMP/fbd/d.tar"
    expect_eq "stale, -f docker: the next run removes both, one line each" \
        "0 2 d.tar" "$T_STATUS $(printf '%s\n' "$T_ERR" | grep -c '^burrow-pack: removed .*(left by a run that did not finish)$') $(entries "$T_TMP/fbd")"
else
    fail "no O_TMPFILE: compile the shim" "$(cat "$T_TMP/cc.log")"
fi

# -f dir always writes a named directory: a SIGKILL leaves it, the next run removes it.
mkdir "$T_TMP/fdir"
"$T_PACK" --store "$BIG_STORE" "$FIX_ITEM_HELLO" -f dir -o "$T_TMP/fdir/d" 2>"$T_TMP/err" &
pid=$!
if wait_writing "$pid" "$T_TMP/fdir" >/dev/null; then kill -KILL "$pid"
else fail "-f dir: SIGKILL sent while the pack is written" "it ended first: $(cat "$T_TMP/err")"; fi
wait "$pid" 2>/dev/null
left=$(entries "$T_TMP/fdir")
case $left in
    ".d.tmp-"??????) ok "-f dir: SIGKILL leaves the temporary directory" ;;
    *) fail "-f dir: SIGKILL leaves the temporary directory" "left: $left" ;;
esac
expect_err "stale, -f dir: the next run removes it" 0 "burrow-pack: removed $T_TMP/fdir/$left (left by a run" \
    "$T_PACK" --store "$SMALL_STORE" "$FIX_ITEM_HELLO" -f dir -o "$T_TMP/fdir/d"
expect_eq "stale, -f dir: ... and writes OUT" "d" "$(entries "$T_TMP/fdir")"
rm -rf "$T_TMP/store"

# --- Stale temporaries: a locked one is a running pack's.
mkdir "$T_TMP/lk"
printf 'partial' > "$T_TMP/lk/.p.tar.gz.tmp-Locked"
exec 9<"$T_TMP/lk/.p.tar.gz.tmp-Locked"
flock -x 9
t_run "$T_PACK" --store "$SMALL_STORE" "$FIX_ITEM_HELLO" -o "$T_TMP/lk/p.tar.gz"
expect_eq "stale: a locked one is left alone, silently" "0 .p.tar.gz.tmp-Locked p.tar.gz" \
    "$T_STATUS $(entries "$T_TMP/lk")$(printf '%s' "$T_ERR" | grep removed)"
exec 9<&-
expect_err "stale: once its lock is free, the next run removes it" 0 \
    "burrow-pack: removed $T_TMP/lk/.p.tar.gz.tmp-Locked (left by a run that did not finish)" \
    "$T_PACK" --store "$SMALL_STORE" "$FIX_ITEM_HELLO" -o "$T_TMP/lk/p.tar.gz"
expect_eq "stale: ... only it" "p.tar.gz" "$(entries "$T_TMP/lk")"

# Symlinks of our naming are removed as links, their targets untouched; names that are
# not exactly ours stay.
mkdir -p "$T_TMP/victim/sub" "$T_TMP/sl"
echo keep > "$T_TMP/victim/sub/keep"
ln -s "$T_TMP/victim" "$T_TMP/sl/.p.tar.gz.tmp-SymLnk"
ln -s "$T_TMP/victim" "$T_TMP/sl/.p.tar.gz.layers-SymLnk"
ln -s "$T_TMP/victim/sub/keep" "$T_TMP/sl/.p.tar.gz.tmp-FileLn"
echo other > "$T_TMP/sl/.p.tar.gz.tmp-keep"
echo other > "$T_TMP/sl/.q.tar.gz.tmp-AAAAAA"
echo other > "$T_TMP/sl/.p.tar.gz.tmp-AAAAAAA"
t_run "$T_PACK" --store "$SMALL_STORE" "$FIX_ITEM_HELLO" -o "$T_TMP/sl/p.tar.gz"
expect_eq "stale symlinks: removed, one line each" \
    "0 3" "$T_STATUS $(printf '%s\n' "$T_ERR" | grep -c "^burrow-pack: removed $T_TMP/sl/.p.tar.gz.[a-z]*-[A-Za-z]\{6\} (left")"
expect_eq "stale symlinks: other names stay" ".p.tar.gz.tmp-AAAAAAA .p.tar.gz.tmp-keep .q.tar.gz.tmp-AAAAAA p.tar.gz" \
    "$(entries "$T_TMP/sl")"
expect_eq "stale symlinks: their targets are untouched" "sub keep" "$(entries "$T_TMP/victim") $(cat "$T_TMP/victim/sub/keep")"

# Another user's temporary of our naming is not ours to remove.
if [ "$(id -u)" = 0 ]; then
    mkdir "$T_TMP/ou"
    echo theirs > "$T_TMP/ou/.p.tar.gz.tmp-Others"
    chown 65534:65534 "$T_TMP/ou/.p.tar.gz.tmp-Others"
    t_run "$T_PACK" --store "$SMALL_STORE" "$FIX_ITEM_HELLO" -o "$T_TMP/ou/p.tar.gz"
    expect_eq "stale: another user's is left alone" "0 .p.tar.gz.tmp-Others p.tar.gz" "$T_STATUS $(entries "$T_TMP/ou")"
fi

done_testing
