# burrow-pack interrupted: SIGINT, SIGTERM, SIGQUIT, SIGHUP and SIGPIPE exit 128+signal
# and leave no OUT (an existing one stays) and no temporary; an ignored SIGHUP or SIGPIPE
# stays ignored; with -o -, a reader that goes away ends the pack quietly.
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
"$T_PACK" info "$T_TMP/small.tar.gz" 2>"$T_TMP/info.err" | head -n1 >"$T_TMP/info.out"
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

done_testing
