# Exit-status contract: pass-through, signals re-raised, 125/126/127, and signals sent to
# burrow reach the program (with and without a pid namespace).
. "$T_LIB"

run() { "$T_BURROW" --host-root --store "$FIX_STORE:$FIX_DEST" "$@"; }

# Reads one line from a fifo; gives up after 20 s so that a program that never starts
# fails the test instead of hanging it.
fifo_read() { timeout 20 sh -c 'read -r l < "$1" && echo "$l"' sh "$1"; }

for n in 0 1 7 255; do
    expect_status "exit: status $n passes through" "$n" run -- "$FIX_HELLO" --exit "$n"
    expect_status "exit: status $n passes through (pid namespace)" "$n" \
        run --unshare-pid -- "$FIX_HELLO" --exit "$n"
done
expect_status "exit: status of a #! script" 42 run -- "$FIX_SCRIPT" --exit 42

# Killed by a signal: the caller's wait() must see the same signal, not an exit status.
for sig in 15:TERM 9:KILL 11:SEGV 6:ABRT; do
    n=${sig%%:*} name=${sig#*:}
    expect_status "signal: SIG$name gives \$? = $((128 + n))" $((128 + n)) run -- "$FIX_HELLO" --signal "$n"
    expect_out "signal: SIG$name re-raised (wait status)" "signaled $n" \
        "$FIX_WSTATUS" "$T_BURROW" --host-root --store "$FIX_STORE:$FIX_DEST" -- "$FIX_HELLO" --signal "$n"
    expect_out "signal: SIG$name re-raised with a pid namespace" "signaled $n" \
        "$FIX_WSTATUS" "$T_BURROW" --host-root --unshare-pid --store "$FIX_STORE:$FIX_DEST" -- "$FIX_HELLO" --signal "$n"
done
# An exit status of 128+N is not a signal.
expect_out "signal: exit 143 stays an exit" "exited 143" \
    "$FIX_WSTATUS" "$T_BURROW" --host-root --store "$FIX_STORE:$FIX_DEST" -- "$FIX_HELLO" --exit 143

# 125 / 126 / 127.
expect_status "status: unknown option is 125" 125 "$T_BURROW" --no-such-option -- /bin/true
printf 'not a program\n' > "$T_TMP/data.txt"
chmod 644 "$T_TMP/data.txt"
expect_status "status: non-executable file is 126" 126 "$T_BURROW" --host-root -- "$T_TMP/data.txt"
mkdir "$T_TMP/adir"
expect_status "status: a directory is 126" 126 "$T_BURROW" --host-root -- "$T_TMP/adir"
expect_status "status: missing path is 127" 127 "$T_BURROW" --host-root -- "$T_TMP/no-such-program"
expect_status "status: name not on PATH is 127" 127 "$T_BURROW" --host-root -- no-such-program-xyzzy
expect_status "status: PATH lookup finds a host program" 0 "$T_BURROW" --host-root -- true
expect_status "status: 126 with a pid namespace" 126 "$T_BURROW" --host-root --unshare-pid -- "$T_TMP/data.txt"
expect_status "status: 127 with a pid namespace" 127 "$T_BURROW" --host-root --unshare-pid -- "$T_TMP/no-such-program"

# burrow(1), The command and its arguments: "if that environment has no PATH,
# /usr/local/bin:/usr/bin:/bin is searched".
expect_out "status: without PATH a bare name is looked up in /usr/local/bin:/usr/bin:/bin" "found" \
    env -u PATH "$T_BURROW" --host-root --chdir / -- sh -c 'echo found'
expect_out "status: the program's PATH (after --setenv) is searched" "127" \
    sh -c '"$1" --host-root --chdir / --setenv PATH /nonexistent -- sh -c true 2>/dev/null; echo $?' sh "$T_BURROW"

# "A command with a / is used as written (a relative one is relative to the working
# directory inside)."
mkdir -p "$T_TMP/rel/x"
printf '#!/bin/sh\nexit 0\n' > "$T_TMP/rel/x/prog" && chmod 755 "$T_TMP/rel/x/prog"
expect_status "status: a relative command path is taken from the working directory inside" 0 \
    "$T_BURROW" --host-root --chdir "$T_TMP/rel" -- x/prog
expect_status "status: ... not from the caller's" 127 \
    sh -c 'cd "$1" && shift && exec "$@"' sh "$T_TMP/rel" "$T_BURROW" --host-root --chdir / -- x/prog
# burrow(1), EXIT STATUS: "--help, --version, --seccomp-groups, --print-plan and a
# successful --check exit 0"; --version prints "burrow VERSION".
expect_out "status: --version prints burrow VERSION" "burrow 0.1.0" "$T_BURROW" --version
expect_eq "status: --version exits 0" 0 "$T_STATUS"
expect_status "status: --seccomp-groups exits 0" 0 "$T_BURROW" --seccomp-groups
expect_status "status: --print-plan exits 0" 0 "$T_BURROW" --print-plan --host-root -- true
expect_out "status: --check without a command says (none given)" \
    "ok: (no profile): 0 mounts, program (none given)" "$T_BURROW" --check --host-root
expect_eq "status: a successful --check exits 0" 0 "$T_STATUS"

# SIGTERM sent to burrow reaches the program: the program traps it and exits 3.
# The program says "ready" through a fifo once its trap is set, so nothing is timed.
sigterm_reaches() {
    name=$1; shift
    rm -f "$T_TMP/fifo" "$T_TMP/trap.out"
    mkfifo "$T_TMP/fifo"
    "$T_BURROW" --host-root "$@" -- /bin/sh -c '
        trap "echo got-term; exit 3" TERM
        echo ready > "$1"
        i=0
        while [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
        echo no-signal' sh "$T_TMP/fifo" > "$T_TMP/trap.out" 2>&1 &
    pid=$!
    line=$(fifo_read "$T_TMP/fifo")
    kill -TERM "$pid"
    wait "$pid"
    st=$?
    out=$(cat "$T_TMP/trap.out")
    if [ "$line" = ready ] && [ "$st" -eq 3 ] && [ "$out" = got-term ]; then ok "$name"
    else fail "$name" "ready='$line' status $st output '$(t_oneline "$out")'"; fi
}
sigterm_reaches "signal: SIGTERM to burrow reaches the program"
sigterm_reaches "signal: SIGTERM to burrow reaches the program (pid namespace)" --unshare-pid
sigterm_reaches "signal: SIGTERM to burrow reaches the program (--unshare-all --share-net)" --unshare-all --share-net
sigterm_reaches "signal: SIGTERM to burrow reaches the program (--timeout: burrow waits for it)" --timeout 300

# A program that does not catch SIGTERM dies of it, and burrow reports that (pid namespace:
# the forwarded signal kills the target, burrow re-raises it).
sigterm_kills() {
    name=$1; shift
    rm -f "$T_TMP/fifo"
    mkfifo "$T_TMP/fifo"
    "$FIX_WSTATUS" "$T_BURROW" --host-root "$@" -- /bin/sh -c 'echo ready > "$1"; exec sleep 60' sh "$T_TMP/fifo" \
        > "$T_TMP/kill.out" 2>&1 &
    wpid=$!
    line=$(fifo_read "$T_TMP/fifo")
    # wstatus's child is burrow (or what it exec'd): signal it, not wstatus.
    bpid=$(t_children "$wpid" | head -n1)
    [ -n "$bpid" ] && kill -TERM "$bpid"
    wait "$wpid"
    expect_eq "$name" "signaled 15" "$(cat "$T_TMP/kill.out")"
}
sigterm_kills "signal: uncaught SIGTERM to burrow is reported as SIGTERM"
sigterm_kills "signal: uncaught SIGTERM to burrow is reported as SIGTERM (pid namespace)" --unshare-pid
sigterm_kills "signal: uncaught SIGTERM to burrow is reported as SIGTERM (--timeout)" --timeout 300

# With a process that waits for the program (--lock-file here), the status and a death by a
# signal still come through unchanged.
touch "$T_TMP/lockf"
expect_status "exit: status 7 passes through a waiting burrow (--lock-file)" 7 \
    run --lock-file "$T_TMP/lockf" -- "$FIX_HELLO" --exit 7
expect_out "signal: SIGSEGV re-raised by a waiting burrow (--lock-file)" "signaled 11" \
    "$FIX_WSTATUS" "$T_BURROW" --host-root --store "$FIX_STORE:$FIX_DEST" --lock-file "$T_TMP/lockf" -- "$FIX_HELLO" --signal 11

# A signal reaches the program once, however it was sent: to burrow alone, to every
# process of the job as Slurm signals a step, or to the job's process group. The program
# counts USR1s; after the first arrives the test gives duplicates a second to arrive.
count_usr1() {
    name=$1 how=$2; shift 2
    rm -f "$T_TMP/fifo" "$T_TMP/hits"
    mkfifo "$T_TMP/fifo"
    # perl counts every delivery (a shell runs one trap for signals that arrive together).
    setsid "$T_BURROW" "$@" -- /usr/bin/perl -e '
        $SIG{USR1} = sub { open(my $h, ">>", $ARGV[1]); print $h "hit\n"; close($h) };
        open(my $r, ">", $ARGV[0]); print $r "ready\n"; close($r);
        for (1 .. 6000) { last if -e "$ARGV[1].stop"; select(undef, undef, undef, 0.01) }' \
        "$T_TMP/fifo" "$T_TMP/hits" 2>"$T_TMP/usr1.err" &
    bpid=$!
    line=$(fifo_read "$T_TMP/fifo")
    # The job's processes: burrow, then (with a pid namespace) pid 1, then the program.
    job=$bpid p=$bpid
    while c=$(t_children "$p" | head -n1) && [ -n "$c" ]; do job="$job $c" p=$c; done
    case $how in
    burrow) kill -USR1 "$bpid" ;;
    every) kill -USR1 $job ;;
    group) kill -USR1 "-$bpid" ;;
    esac
    i=0
    while [ ! -s "$T_TMP/hits" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
    sleep 1
    : > "$T_TMP/hits.stop"
    wait "$bpid"
    rm -f "$T_TMP/hits.stop"
    expect_eq "$name" "ready 1" "$line $(grep -c hit "$T_TMP/hits" 2>/dev/null || echo 0)"
}
count_usr1 "signal: USR1 to burrow reaches the program once" burrow --host-root
count_usr1 "signal: USR1 to burrow reaches the program once (pid namespace)" burrow --host-root --unshare-pid
count_usr1 "signal: USR1 to every process of the job reaches the program once (pid namespace)" every --host-root --unshare-pid
count_usr1 "signal: USR1 to the job's process group reaches the program once (pid namespace)" group --host-root --unshare-pid
# burrow(1): a waiting burrow without a pid namespace (the fork-timeout step) passes a signal
# sent to it alone on once. (One sent to the whole job may reach the program twice there, as
# burrow(1) says: not checked, since two copies may also merge into one.)
count_usr1 "signal: USR1 to burrow reaches the program once (--timeout: burrow waits)" burrow --host-root --timeout 300
# shellcheck disable=SC2046 # t_usr_layout's options are meant to be split
count_usr1 "signal: USR1 to every process of a builtin:sandbox job reaches the program once" every \
    --profile builtin:sandbox --ro-bind /usr /usr $(t_usr_layout) --bind "$T_TMP" "$T_TMP"

done_testing
