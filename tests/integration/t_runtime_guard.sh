#!/bin/sh
# What the sandbox keeps from the caller's side: no inherited file descriptors, no signals
# to the caller's process group, and no process that outlives a killed burrow or caller,
# whenever the kill lands during setup.
. "$T_LIB"

LAYOUT=$(t_usr_layout)
SB="$T_BURROW --profile builtin:sandbox --ro-bind /usr /usr $LAYOUT --chdir /"

# M4: fds the caller left open do not reach the program unless kept.
exec 8</
# shellcheck disable=SC2086
expect_out "fds: an inherited directory fd is closed under builtin:sandbox" "closed" \
    sh -c "$SB -- /bin/sh -c 'test -e /proc/self/fd/8 && echo open || echo closed'"
# shellcheck disable=SC2086
expect_err "fds: ... so the host's files are not reachable through it" 1 "No such file" \
    $SB -- /bin/head -1 /proc/self/fd/8/etc/passwd
# shellcheck disable=SC2086
expect_out "fds: --keep-fd passes one on" "$(head -1 /etc/passwd)" \
    $SB --keep-fd 8 -- /bin/head -1 /proc/self/fd/8/etc/passwd
exec 8<&-
exec 9>"$T_TMP/log"
# shellcheck disable=SC2086
expect_status "fds: a pack-style run keeps them (wrappers stay transparent)" 0 \
    "$T_BURROW" --host-root --chdir / -- /bin/sh -c 'echo via-fd >&9'
expect_eq "fds: ... the write went through" "via-fd" "$(cat "$T_TMP/log")"
# shellcheck disable=SC2086
expect_out "fds: --close-fds closes them in any profile" "closed" \
    "$T_BURROW" --host-root --close-fds --chdir / -- /bin/sh -c 'test -e /proc/self/fd/9 && echo open || echo closed'
exec 9>&-
cat > "$T_TMP/keep.json" <<JSON
{ "version": 1, "extends": "builtin:sandbox", "process": { "keepFds": [7] } }
JSON
exec 7</
# shellcheck disable=SC2086
expect_out "fds: process.keepFds in a profile" "open" \
    sh -c "$T_BURROW --profile $T_TMP/keep.json --ro-bind /usr /usr $LAYOUT --chdir / -- /bin/sh -c 'test -e /proc/self/fd/7 && echo open || echo closed'"
exec 7<&-

# M3: kill(0) inside would reach every process of the caller's process group.
got=$(sh -c "trap 'echo caller-hit' USR1; $SB -- /bin/sh -c 'kill -USR1 0 2>/dev/null; echo \$?'; echo done")
case $got in
    *caller-hit*) fail "signals: kill 0 inside cannot reach the caller's process group" "$got" ;;
    *done*) ok "signals: kill 0 inside cannot reach the caller's process group" ;;
    *) fail "signals: kill 0 inside cannot reach the caller's process group" "$got" ;;
esac
case $got in 1*) ok "signals: ... it fails inside (EPERM)" ;; *) fail "signals: ... it fails inside (EPERM)" "$got" ;; esac
# shellcheck disable=SC2086
expect_out "signals: kill -1 inside still reaches only the sandbox's own processes" "alive" \
    sh -c "$SB -- /bin/sh -c 'kill -TERM -1 2>/dev/null; echo x' >/dev/null; echo alive"

# The stock offline and build profiles (no sandbox, but a host-facing filter) too.
for prof in offline build; do
    mkdir -p "$T_TMP/work-$prof"
    got=$(cd "$T_TMP/work-$prof" && sh -c "trap 'echo caller-hit' USR1; $T_BURROW --profile $T_SRC/profiles/$prof.json -- /bin/sh -c 'kill -USR1 0 2>/dev/null; echo \$?'; echo done")
    expect_eq "signals: $prof.json: kill 0 fails inside and the caller is not hit" "1 done" "$(echo $got)"
done

# M3, kill with a negative pid: the caller's process group has no number in the sandbox's
# pid namespace, so naming it fails (ESRCH) and the group is not hit.
got=$(sh -c "trap 'echo caller-hit' USR1; pg=\$(cut -d' ' -f5 /proc/\$\$/stat); $SB -- /bin/sh -c \"kill -USR1 -\$pg 2>/dev/null; echo \\\$?\"; echo done")
expect_eq "signals: kill -PGID of the caller's group fails inside and the caller is not hit" "1 done" "$(echo $got)"

# Job control on a terminal: a program may take the terminal's foreground (an interactive
# shell does); once it is done, burrow gives the terminal back to the caller's group, even
# when the program cannot (exec, or a caller's group that has no number inside).
if command -v script >/dev/null 2>&1 && [ -x /bin/bash ] && [ -x /usr/bin/perl ]; then
    cat > "$T_TMP/fg.sh" <<'EOF_FG'
where() { set -- $(cut -d' ' -f5,8 /proc/$$/stat); [ "$1" = "$2" ] && echo fg || echo bg; }
echo "before=$(where)"
"$@" </dev/tty
echo "status=$? after=$(where)"
EOF_FG
    tty_run() { SHELL=/bin/sh timeout 60 script -qec "sh $T_TMP/fg.sh $*" /dev/null </dev/null | tr -d '\r'; }
    # shellcheck disable=SC2086
    got=$(tty_run $SB -- /bin/bash --norc -ic "'exec /bin/true'")
    expect_eq "tty: an interactive shell in the sandbox leaves the caller in the foreground" \
        "before=fg status=0 after=fg" "$(echo $got)"
    # A program that takes the foreground on purpose and exits without giving it back.
    take="/usr/bin/perl -MPOSIX -e '%SIG=(TTOU=>q(IGNORE)); setpgid(0,0); tcsetpgrp(0, getpgrp()) or die'"
    got=$(tty_run "$T_BURROW" --host-root --timeout 30 --chdir / -- "$take")
    expect_eq "tty: ... and under --timeout, a program that takes the foreground and exits" \
        "before=fg status=0 after=fg" "$(echo $got)"
    # shellcheck disable=SC2086
    got=$(tty_run $SB -- "$take")
    expect_eq "tty: ... and in the sandbox" "before=fg status=0 after=fg" "$(echo $got)"
    # shellcheck disable=SC2086
    got=$(tty_run $SB -- /bin/bash --norc -ic "'where() { set -- \$(cut -d\" \" -f5,8 /proc/\$\$/stat); [ \$1 = \$2 ] && echo shell-fg; }; where; sleep 30 & kill %1; wait \$!; echo job=\$?'")
    case $(echo $got) in
        "before=fg shell-fg ["*"]+ Terminated"*" job=143 status=0 after=fg") ok "tty: job control inside works (the shell holds the terminal, kill %1 reaches its job)" ;;
        *) fail "tty: job control inside works (the shell holds the terminal, kill %1 reaches its job)" "$got" ;;
    esac
else
    skip "tty: foreground handed back" "script(1), /bin/bash or /usr/bin/perl is not installed"
fi

# M1/M2: a SIGKILL at any moment of setup leaves nothing behind. Each trial's sleep has
# its own length, so its processes can be told apart; a trial fails if any of them is
# still there once the kill is delivered and the kernel has had up to 5 s to clean up.
gone() { # TEXT: wait until no process's command line contains TEXT
    n=0
    while [ -n "$(t_pids_matching "$1" 2>/dev/null)" ]; do
        n=$((n + 1)); [ $n -gt 50 ] && return 1
        sleep 0.1
    done
}
trials() { # NAME HOW: HOW is "burrow" (kill burrow) or "caller" (kill burrow's parent)
    left=0 i=0
    while [ $i -lt 40 ]; do
        i=$((i + 1))
        mark="sleep 7.$$$i"
        d=$(( (i % 10) * 300 ))  # a busy loop: spreads the kills over the whole setup
        if [ "$2" = burrow ]; then
            # shellcheck disable=SC2086
            $SB -- /bin/$mark >/dev/null 2>&1 &
            victim=$!
        else
            # shellcheck disable=SC2086
            sh -c "$SB --die-with-parent -- /bin/$mark & wait" >/dev/null 2>&1 &
            victim=$!
        fi
        j=0; while [ $j -lt $d ]; do j=$((j + 1)); done
        kill -KILL "$victim" 2>/dev/null
        wait "$victim" 2>/dev/null
        gone "$mark" || { left=$((left + 1)); for p in $(t_pids_matching "$mark" 2>/dev/null); do kill -KILL "$p"; done; }
    done
    expect_eq "$1" "0 of 40 left running" "$left of 40 left running"
}
trials "races: SIGKILL to burrow during sandbox setup leaves nothing running" burrow
trials "races: SIGKILL to the caller during setup ends the program (--die-with-parent)" caller
done_testing
