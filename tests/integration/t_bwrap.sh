# burrow run under the name bwrap behaves like bubblewrap (burrow(1), BWRAP COMPATIBILITY),
# and the bwrap options both names accept do what bwrap's do.
. "$T_LIB"

ln -s "$T_BURROW" "$T_TMP/bwrap"
BW=$T_TMP/bwrap
USR=$(t_usr_layout)
# The capability checks run as an ordinary user: root keeps root's capabilities in bwrap.
if [ "$(id -u)" = 0 ]; then
    chmod 755 "$T_TMP"
    AS_USER="setpriv --reuid 65534 --regid 65534 --clear-groups"
else
    AS_USER=
fi

# bubblewrap's own test suite starts with this probe.
expect_status "bwrap: --bind / / --tmpfs /tmp true exits 0" 0 "$BW" --bind / / --tmpfs /tmp true
expect_out "bwrap: --ro-bind / / shows the host's files" "$(cat /etc/os-release)" \
    "$BW" --ro-bind / / cat /etc/os-release
t_run "$BW" --ro-bind / / --tmpfs /tmp touch /etc/burrow-bwrap-test
if [ "$T_STATUS" -ne 0 ] && [ ! -e /etc/burrow-bwrap-test ]; then ok "bwrap: --ro-bind / / is read-only"
else fail "bwrap: --ro-bind / / is read-only" "$(t_what)"; fi

# Voice: "bwrap: " messages, exit 1 for setup errors, 128+N for a signal.
expect_err "bwrap: a missing source exits 1 with bwrap's message" 1 \
    "bwrap: Can't find source path /nonexistent-burrow-src: No such file or directory" \
    "$BW" --bind /nonexistent-burrow-src /x true
expect_err "burrow: the same missing source exits 125 in burrow's words" 125 \
    "burrow: command line: --bind /nonexistent-burrow-src /x: bind source /nonexistent-burrow-src" \
    "$T_BURROW" --bind /nonexistent-burrow-src /x -- true
expect_err "bwrap: an unknown option exits 1 and points at bwrap --help" 1 "see bwrap --help" \
    "$BW" --no-such-option true
expect_err "bwrap: a bad --perms exits 1" 1 "bwrap: --perms 999: expected an octal mode" \
    "$BW" --perms 999 --dir /x true
expect_status "bwrap: killed by SIGTERM exits 143" 143 "$BW" --bind / / sh -c 'kill -TERM $$'
expect_status "bwrap: the program's exit status passes through" 7 "$BW" --bind / / sh -c 'exit 7'
# burrow(1), EXIT STATUS: "Under the name bwrap ... every failure of burrow's own (125, 126
# and 127 above) exits 1, and a program killed by signal N gives the exit status 128+N when a
# process of burrow's waits for it"; "a program executed in place dies of the signal itself";
# BWRAP COMPATIBILITY: "--dev makes /dev/shm mode 1777".
expect_out "bwrap: a program killed by SIGTERM, waited for, is an exit with 143" "exited 143" \
    "$FIX_WSTATUS" "$BW" --bind / / --unshare-pid sh -c 'kill -TERM $$'
expect_out "bwrap: ... and executed in place, dies of SIGTERM itself" "signaled 15" \
    "$FIX_WSTATUS" "$BW" --bind / / sh -c 'kill -TERM $$'
expect_status "bwrap: a command not found (127 as burrow) exits 1" 1 "$BW" --bind / / /nonexistent-program
printf 'data\n' > "$T_TMP/not-exec" && chmod 644 "$T_TMP/not-exec"
expect_status "bwrap: a command that cannot be executed (126 as burrow) exits 1" 1 "$BW" --bind / / "$T_TMP/not-exec"
expect_out "bwrap: --dev makes /dev/shm mode 1777" "1777" "$BW" --ro-bind / / --dev /dev stat -c %a /dev/shm
t_run "$BW" --help
case $T_OUT in
    "usage: $BW [OPTIONS...] [--] COMMAND [ARGS...]"*) ok "bwrap: --help starts with bwrap's usage line" ;;
    *) fail "bwrap: --help starts with bwrap's usage line" "$(t_what)" ;;
esac
t_run "$BW" --version
case $T_OUT in
    "bubblewrap 0.11.1 (burrow "*) ok "bwrap: --version names the bubblewrap version it follows" ;;
    *) fail "bwrap: --version names the bubblewrap version it follows" "$(t_what)" ;;
esac

# PWD is set even after --clearenv, as bwrap does.
expect_out "bwrap: --clearenv keeps only PWD" "PWD=$T_TMP" "$BW" --bind / / --clearenv /usr/bin/env

# An invisible working directory falls back to $HOME, then /; burrow refuses it.
# shellcheck disable=SC2086
expect_out "bwrap: invisible cwd falls back to /" "/" env -u HOME "$BW" --ro-bind /usr /usr $USR /bin/pwd
# shellcheck disable=SC2086
expect_out "bwrap: invisible cwd falls back to \$HOME" "/usr" env HOME=/usr "$BW" --ro-bind /usr /usr $USR /bin/pwd
# shellcheck disable=SC2086
expect_err "burrow: an invisible cwd is an error" 125 "is not visible inside the sandbox" \
    "$T_BURROW" --ro-bind /usr /usr $USR -- /bin/pwd

# Under both names: operations apply in order, a later mount covers an earlier one.
for n in bwrap burrow; do
    if [ $n = bwrap ]; then c="$BW"; sep=; else c="$T_BURROW --chdir /"; sep=--; fi
    expect_out "$n: a second --tmpfs on the same destination wins" "0" \
        $c --ro-bind / / --tmpfs /tmp --dir /tmp/a --tmpfs /tmp $sep sh -c 'ls -A /tmp | wc -l'
    expect_out "$n: a mount inside an earlier tmpfs" "inner" \
        $c --ro-bind / / --tmpfs /tmp --dir /tmp/a --tmpfs /tmp/a --dir /tmp/a/inner $sep ls /tmp/a
    expect_out "$n: --proc without --unshare-pid" "proc-ok" \
        $c --ro-bind / / --proc /proc $sep sh -c 'test -r /proc/self/status && echo proc-ok'
done

# --args FD: NUL-separated arguments spliced in place.
printf -- '--ro-bind\0/\0/\0sh\0-c\0echo via-args "$0"\0' > args
expect_out "bwrap: --args FD splices options and the command" "via-args sh" sh -c "exec \"$BW\" --args 3 3<args"
expect_err "burrow: --args with a closed fd is a clear error" 125 "--args 9: cannot read: Bad file descriptor" \
    "$T_BURROW" --args 9 -- true
# burrow(1) --args: "at most 64 MiB".
expect_err "burrow: --args refuses more than 64 MiB" 125 "--args 0: more than 64 MiB of arguments" \
    sh -c 'head -c 67108865 /dev/zero | "$1" --args 0 --host-root -- true' sh "$T_BURROW"

# --info-fd / --json-status-fd: bwrap's JSON.
t_run sh -c "exec \"$BW\" --bind / / --info-fd 3 true 3>info"
case $(cat info) in
    *'"child-pid": '[0-9]*'"mnt-namespace": '[0-9]*) ok "bwrap: --info-fd writes child-pid and mnt-namespace" ;;
    *) fail "bwrap: --info-fd writes child-pid and mnt-namespace" "$(cat info)" ;;
esac
t_run sh -c "exec \"$BW\" --bind / / --json-status-fd 3 sh -c 'exit 7' 3>status"
expect_eq "bwrap: --json-status-fd exits with the program's status" 7 "$T_STATUS"
case $(cat status) in
    *'"child-pid": '[0-9]*'"exit-code": 7 }'*) ok "bwrap: --json-status-fd writes child-pid, then exit-code" ;;
    *) fail "bwrap: --json-status-fd writes child-pid, then exit-code" "$(cat status)" ;;
esac
# Every namespace's id, every time: pid 1 mounts its procfs in the mount namespace it
# shares with the waiting process, which once read /proc/self/ns after the fork and lost
# the later rows (or all of them) about one run in fifty.
_i=0 _short=""
while [ $_i -lt 100 ] && [ -z "$_short" ]; do
    _i=$((_i + 1))
    "$BW" --unshare-all --ro-bind / / --proc /proc --dev /dev --json-status-fd 3 true 3>status
    for _ns in cgroup ipc mnt net pid uts; do
        grep -q "\"$_ns-namespace\": [0-9]" status || _short="run $_i lacks $_ns: $(cat status)"
    done
done
expect_eq "bwrap: --json-status-fd lists all six namespaces in 100 runs of --unshare-all --proc" "" "$_short"

# burrow(1): --info-fd writes "the pid, as the caller sees it, of the program, or of the pid 1
# of its pid namespace"; --json-status-fd writes no exit code "when it never started".
# The program says its pid (or its parent's) as the host sees it, through the host's /proc
# (bound even under --unshare-pid, since no new procfs is mounted).
info_pid() {
    _name=$1 _ask=$2; shift 2
    _got=$("$T_BURROW" --host-root "$@" --info-fd 3 -- sh -c "exec $_ask" 3>info)
    case $(cat info) in
        *'"child-pid": '"$_got"[!0-9]*) ok "$_name" ;;
        *) fail "$_name" "program: '$_got'; info: $(cat info)" ;;
    esac
}
info_pid "burrow: --info-fd's child-pid is the program's pid as the caller sees it" 'readlink /proc/self'
info_pid "burrow: ... with a pid namespace, its pid 1's" 'cut -d" " -f4 /proc/self/stat' --unshare-pid
info_pid "burrow: ... which is the program with --as-pid-1" 'readlink /proc/self' --unshare-pid --as-pid-1
t_run sh -c "exec \"$T_BURROW\" --host-root --json-status-fd 3 -- /nonexistent-program 3>status"
case $T_STATUS:$(cat status) in
    127:*'"child-pid"'*'"exit-code"'*) fail "burrow: --json-status-fd has no exit-code when the program never started" "$(cat status)" ;;
    127:*'"child-pid"'*) ok "burrow: --json-status-fd has no exit-code when the program never started" ;;
    *) fail "burrow: --json-status-fd has no exit-code when the program never started" "$(t_what); $(cat status)" ;;
esac

# Files from fds, modes, chmod.
expect_out "bwrap: --file FD DEST" "from-fd" sh -c "echo from-fd | \"$BW\" --ro-bind / / --tmpfs /tmp --file 0 /tmp/f cat /tmp/f"
expect_out "bwrap: --perms then --ro-bind-data" "640 /tmp/f" \
    sh -c "exec \"$BW\" --ro-bind / / --tmpfs /tmp --perms 0640 --ro-bind-data 3 /tmp/f stat -c '%a %n' /tmp/f 3<args"
t_run sh -c "exec \"$BW\" --ro-bind / / --tmpfs /tmp --ro-bind-data 3 /tmp/f sh -c 'echo x > /tmp/f' 3<args"
case $T_STATUS:$T_ERR in
    0:*) fail "bwrap: --ro-bind-data is read-only" "$(t_what)" ;;
    *"Read-only file system"*) ok "bwrap: --ro-bind-data is read-only" ;;
    *) fail "bwrap: --ro-bind-data is read-only" "$(t_what)" ;;
esac
expect_out "bwrap: --perms --dir, then --chmod" "701 /tmp/d 710 /tmp/d/e" \
    "$BW" --ro-bind / / --tmpfs /tmp --perms 0710 --dir /tmp/d/e --chmod 0701 /tmp/d \
    sh -c 'echo $(stat -c "%a %n" /tmp/d /tmp/d/e)'
expect_out "bwrap: --size limits a tmpfs" "size=1024k" \
    "$BW" --ro-bind / / --size 1048576 --tmpfs /tmp sh -c 'grep " /tmp " /proc/self/mounts | grep -o "size=[0-9]*k"'
mkdir fddir && echo in-dir > fddir/f
expect_out "bwrap: --ro-bind-fd binds the directory the fd holds" "in-dir" \
    sh -c "exec \"$BW\" --ro-bind / / --tmpfs /tmp --ro-bind-fd 3 /tmp/m cat /tmp/m/f 3<fddir"
expect_err "burrow: --perms with no option after it" 125 "--perms 0700: it is for the option after it" \
    "$T_BURROW" --perms 0700 -- true
expect_err "burrow: --perms twice" 125 "--perms was given already for the next option" \
    "$T_BURROW" --perms 0700 --perms 0700 --tmpfs /x -- true
expect_err "burrow: a bad --size" 125 "--size 1x: expected a size in bytes" \
    "$T_BURROW" --size 1x --tmpfs /x -- true

expect_out "bwrap: --argv0 sets the command's argv[0]" "myname" "$BW" --ro-bind / / --argv0 myname sh -c 'echo $0'
expect_out "burrow: --argv0 sets the command's argv[0]" "myname" \
    "$T_BURROW" --ro-bind / / --chdir / --argv0 myname -- sh -c 'echo $0'
expect_err "burrow: an empty --argv0" 125 "--argv0: VALUE is empty" "$T_BURROW" --ro-bind / / --chdir / --argv0 '' -- true

# --seccomp FD / --add-seccomp-fd FD: the caller's raw BPF programs (denying mkdir and
# mkdirat with EPERM), after burrow's own filter.
nr() { "$T_BURROW" --seccomp-groups @file-system | tr ' ' '\n' | sed -n "s/^$1(\([0-9]*\))\$/\1/p"; }
MKDIRAT=$(nr mkdirat)
MKDIR=$(nr mkdir)
: "${MKDIR:=$MKDIRAT}"
# One struct sock_filter, little-endian: CODE JT JF K.
insn() {
    printf "\\$(printf %o $(($1 & 255)))\\$(printf %o $(($1 >> 8)))\\$(printf %o "$2")\\$(printf %o "$3")"
    for sh in 0 8 16 24; do printf "\\$(printf %o $((($4 >> sh) & 255)))"; done
}
{ insn 32 0 0 0; insn 21 2 0 "$MKDIR"; insn 21 1 0 "$MKDIRAT"; insn 6 0 0 2147418112; insn 6 0 0 327681; } > deny.bpf
cp deny.bpf deny.bin
expect_eq "seccomp fixture: five BPF instructions" 40 "$(wc -c < deny.bin)"
expect_err "bwrap: --seccomp FD installs the caller's program" 1 "Operation not permitted" \
    sh -c "exec \"$BW\" --ro-bind / / --tmpfs /tmp --seccomp 3 mkdir /tmp/d 3<deny.bin"
expect_status "bwrap: without it mkdir works" 0 "$BW" --ro-bind / / --tmpfs /tmp mkdir /tmp/d
expect_err "burrow: --add-seccomp-fd twice, with burrow's own filter" 1 "Operation not permitted" \
    sh -c "exec \"$T_BURROW\" --profile builtin:sandbox --ro-bind / / --tmpfs /tmp --chdir / --add-seccomp-fd 3 --add-seccomp-fd 4 -- mkdir /tmp/d 3<deny.bin 4<deny.bin"
head -c 5 deny.bin > short.bin
expect_err "burrow: a seccomp program that is not whole instructions" 125 "is 5 bytes, not a whole number of 8-byte BPF instructions" \
    sh -c "exec \"$T_BURROW\" --ro-bind / / --chdir / --seccomp 3 -- true 3<short.bin"
# burrow(1) --seccomp: "at most 4096 instructions".
head -c $((4097 * 8)) /dev/zero > long.bin
expect_err "burrow: a seccomp program of more than 4096 instructions" 125 "longer than the kernel's limit of 4096 instructions" \
    sh -c "exec \"$T_BURROW\" --ro-bind / / --chdir / --seccomp 3 -- true 3<long.bin"
expect_err "burrow: --seccomp with --add-seccomp-fd" 125 "--seccomp cannot be combined with --add-seccomp-fd" \
    "$T_BURROW" --ro-bind / / --chdir / --add-seccomp-fd 3 --seccomp 4 -- true
expect_err "burrow: --seccomp twice" 125 "--seccomp may be given once" \
    "$T_BURROW" --ro-bind / / --chdir / --seccomp 3 --seccomp 4 -- true

# --block-fd: nothing runs until the fd can be read; --sync-fd: held by the waiting process.
mkfifo block
"$BW" --bind / / --block-fd 3 touch "$T_TMP/unblocked" 3<block &
bpid=$!
exec 9>block
sleep 0.3
[ -e unblocked ] && fail "bwrap: --block-fd holds the command back" "it ran before the fd was written" \
    || ok "bwrap: --block-fd holds the command back"
echo go >&9
exec 9>&-
wait "$bpid"
[ -e unblocked ] && ok "bwrap: --block-fd: the command runs once the fd is written" \
    || fail "bwrap: --block-fd: the command runs once the fd is written" "no $T_TMP/unblocked"
expect_out "bwrap: --sync-fd is not passed to the command" "closed" \
    sh -c "exec \"$BW\" --bind / / --sync-fd 3 sh -c 'test -e /proc/self/fd/3 && echo open || echo closed' 3>syncfile"
# The pipe's reader sees end-of-file only when the sandbox has ended.
expect_out "bwrap: --sync-fd closes when the sandbox ends, not before" "program-done" \
    sh -c "\"$BW\" --bind / / --sync-fd 3 sh -c 'sleep 0.3; echo program-done > \"$T_TMP/marker\"' 3>&1 >/dev/null |
           { cat >/dev/null; cat \"$T_TMP/marker\"; }"

# --userns FD / --pidns FD: join a running sandbox's namespaces.
mkfifo hold
"$BW" --bind / / --unshare-user --unshare-pid --info-fd 3 sh -c "readlink /proc/self/ns/user > '$T_TMP/ns1'; readlink /proc/self/ns/pid >> '$T_TMP/ns1'; cat < '$T_TMP/hold'" 3>info1 >/dev/null &
spid=$!
i=0; while [ ! -s ns1 ] || [ "$(wc -l < ns1)" -lt 2 ]; do i=$((i + 1)); [ $i -gt 100 ] && break; sleep 0.1; done
child=$(sed -n 's/.*"child-pid": \([0-9]*\).*/\1/p' info1)
t_run sh -c "exec \"$BW\" --bind / / --userns 7 --pidns 8 sh -c 'readlink /proc/self/ns/user; readlink /proc/self/ns/pid' 7</proc/$child/ns/user 8</proc/$child/ns/pid"
expect_eq "bwrap: --userns and --pidns join the first sandbox's namespaces" "$(cat ns1)" "$T_OUT"
t_run sh -c "exec \"$T_BURROW\" --bind / / --chdir / --userns 7 -- readlink /proc/self/ns/user 7</proc/$child/ns/user"
expect_eq "burrow: --userns joins it too" "$(sed -n 1p ns1)" "$T_OUT"
echo done > hold
wait "$spid"
expect_err "burrow: --userns on a file that is not a namespace" 125 "cannot join the user namespace on fd 7 (--userns): Invalid argument" \
    sh -c "exec \"$T_BURROW\" --bind / / --chdir / --userns 7 -- true 7</dev/null"
expect_err "burrow: --pidns with --unshare-pid" 125 "joining a pid namespace and making a new one below it is not supported" \
    "$T_BURROW" --bind / / --chdir / --unshare-pid --pidns 11 -- true
expect_err "burrow: --userns with --uid" 125 "are its own mapping; remove the uid/gid" \
    "$T_BURROW" --bind / / --chdir / --userns 11 --uid 0 -- true

# --userns-block-fd FD: the caller writes the id maps, for the pid burrow gives on --info-fd.
rm -f info.fifo block.fifo; mkfifo info.fifo block.fifo
"$BW" --unshare-user --userns-block-fd 6 --info-fd 5 --ro-bind / / sh -c 'cat /proc/self/uid_map; id -u' \
    5>info.fifo 6<block.fifo >ub.out 2>&1 &
ub=$!
exec 7<info.fifo 8>block.fifo
UB_INFO=$(cat <&7); exec 7<&-
UB_PID=$(printf '%s' "$UB_INFO" | sed -n 's/.*"child-pid": \([0-9]*\).*/\1/p')
{ echo deny >"/proc/$UB_PID/setgroups" && echo "0 $(id -u) 1" >"/proc/$UB_PID/uid_map" &&
    echo "0 $(id -g) 1" >"/proc/$UB_PID/gid_map"; } 2>ub.err
echo go >&8; exec 8>&-
UB_STATUS=0; wait "$ub" || UB_STATUS=$?
if [ "$UB_STATUS" = 0 ] && [ "$(tr -s ' ' <ub.out)" = " 0 $(id -u) 1
0" ]; then ok "bwrap: --userns-block-fd: the caller's id maps are the sandbox's"
else fail "bwrap: --userns-block-fd: the caller's id maps are the sandbox's" \
    "status $UB_STATUS; info: $UB_INFO; out: $(cat ub.out); err: $(cat ub.err)"; fi
expect_err "bwrap: --userns-block-fd requires --unshare-user" 1 "bwrap: --userns-block-fd requires --unshare-user" \
    "$BW" --userns-block-fd 6 --info-fd 5 --ro-bind / / true 5>/dev/null 6</dev/null
expect_err "bwrap: --userns-block-fd requires --info-fd" 1 "bwrap: --userns-block-fd requires --info-fd" \
    "$BW" --unshare-user --userns-block-fd 6 --ro-bind / / true 6</dev/null
expect_err "burrow: namespaces.userBlockFd needs an info fd (exit 125)" 125 \
    "/namespaces/userBlockFd: the caller writes the id maps of the user namespace burrow makes; it learns which process" \
    "$T_BURROW" --ro-bind / / --userns-block-fd 6 -- true 6</dev/null

# --userns2 FD: once the root is built, into a user namespace below the --userns one.
unshare -U -r sh -c 'unshare -U -r sleep 60 & wait' &
U2_OUTER=$!
U2_INNER=
for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
    U2_INNER=$(tr -d ' ' <"/proc/$U2_OUTER/task/$U2_OUTER/children" 2>/dev/null)
    [ -n "$U2_INNER" ] && [ "$(readlink "/proc/$U2_INNER/ns/user")" != "$(readlink "/proc/$U2_OUTER/ns/user")" ] && break
    sleep 0.1
done
expect_out "bwrap: --userns2: the program runs in the nested user namespace" \
    "$(readlink "/proc/$U2_INNER/ns/user") 0" \
    sh -c '"$1" --userns 8 --userns2 9 --ro-bind / / sh -c "echo \$(readlink /proc/self/ns/user) \$(id -u)" \
        8<"/proc/$2/ns/user" 9<"/proc/$3/ns/user"' sh "$BW" "$U2_OUTER" "$U2_INNER"
expect_err "burrow: --userns2 outside the sandbox's user namespace is refused (exit 125)" 125 \
    "cannot join the user namespace on fd 9 (--userns2): Operation not permitted; it must lie below" \
    sh -c '"$1" --ro-bind / / --userns2 9 -- true 9<"/proc/$2/ns/user"' sh "$T_BURROW" "$U2_INNER"
kill "$U2_INNER" "$U2_OUTER" 2>/dev/null; wait "$U2_OUTER" 2>/dev/null

# --remount-ro, --mqueue, --level-prefix, a second --chdir.
t_run "$BW" --ro-bind / / --tmpfs /tmp --dir /tmp/a --tmpfs /tmp/a --remount-ro /tmp sh -c 'touch /tmp/a/ok && touch /tmp/no'
case $T_STATUS:$T_ERR in
    1:*"/tmp/no"*"Read-only file system"*) ok "bwrap: --remount-ro makes that mount read-only, not the one below" ;;
    *) fail "bwrap: --remount-ro makes that mount read-only, not the one below" "$(t_what)" ;;
esac
expect_out "bwrap: --mqueue mounts a message queue filesystem" "mqueue /tmp/mq mqueue" \
    "$BW" --ro-bind / / --unshare-ipc --tmpfs /tmp --mqueue /tmp/mq sh -c 'grep " /tmp/mq " /proc/self/mounts | cut -d" " -f1-3'
expect_err "burrow: --mqueue without an IPC namespace" 125 "it needs an IPC namespace of its own (--unshare-ipc" \
    "$T_BURROW" --ro-bind / / --chdir / --tmpfs /tmp --mqueue /tmp/mq -- true
expect_err "bwrap: --level-prefix puts <3> before an error" 1 "<3>bwrap: Can't find source path" \
    "$BW" --level-prefix --bind /nonexistent-burrow-src /x true
expect_err "bwrap: a second --chdir warns as bwrap does" 0 "bwrap: Only the last --chdir option will take effect" \
    "$BW" --ro-bind / / --chdir /tmp --chdir / true
expect_err "bwrap: with --level-prefix the warning is <4>" 0 "<4>bwrap: Only the last --chdir option will take effect" \
    "$BW" --level-prefix --ro-bind / / --chdir /tmp --chdir / true

# Overlays: unprivileged overlayfs in the user namespace. Each later --overlay-src is on
# top; writes go to the upper directory, to a tmpfs (--tmp-overlay), or nowhere.
mkdir lower1 lower2 upper work
printf 1 >lower1/a; printf 2 >lower1/b; printf 3 >lower2/b; printf 4 >upper/a
OV="--ro-bind / / --tmpfs /tmp"
# shellcheck disable=SC2086
{
expect_out "bwrap: --overlay: the upper directory is on top" "4" \
    "$BW" $OV --overlay-src lower1 --overlay upper work /tmp/x/y/z cat /tmp/x/y/z/a
expect_out "bwrap: --overlay: a lower file shows through" "2" \
    "$BW" $OV --overlay-src lower1 --overlay upper work /tmp/x/y/z cat /tmp/x/y/z/b
expect_out "bwrap: --overlay: the later --overlay-src is above the earlier" "3" \
    "$BW" $OV --overlay-src lower1 --overlay-src lower2 --overlay upper work /tmp/x/y/z cat /tmp/x/y/z/b
t_run "$BW" $OV --overlay-src lower1 --overlay-src lower2 --overlay upper work /tmp/x/y/z \
    sh -c 'printf 5 >/tmp/x/y/z/b; cat /tmp/x/y/z/b'
if [ "$T_OUT" = 5 ] && [ "$(cat upper/b)" = 5 ] && [ "$(cat lower2/b)" = 3 ]; then
    ok "bwrap: --overlay: writes go to the upper directory only"
else fail "bwrap: --overlay: writes go to the upper directory only" "$(t_what); upper/b: $(cat upper/b 2>&1)"; fi
mkdir 'lower ":,\' 'upper ":,\' 'work ":,\'
printf 1 >'lower ":,\'/a
t_run "$BW" $OV --overlay-src 'lower ":,\' --overlay 'upper ":,\' 'work ":,\' /tmp/x \
    sh -c 'cat /tmp/x/a; printf 2 >/tmp/x/a; cat /tmp/x/a'
if [ "$T_OUT" = 12 ] && [ "$(cat 'lower ":,\'/a)" = 1 ] && [ "$(cat 'upper ":,\'/a)" = 2 ]; then
    ok "bwrap: --overlay: directory names with \" : , \\ work"
else fail "bwrap: --overlay: directory names with \" : , \\ work" "$(t_what)"; fi
expect_out "bwrap: --tmp-overlay: two overlays, writes kept in memory" "243" \
    "$BW" $OV --overlay-src lower1 --tmp-overlay /tmp/x --overlay-src lower2 --tmp-overlay /tmp/y \
    sh -c 'cat /tmp/x/b; printf 4 >/tmp/x/b; cat /tmp/x/b; cat /tmp/y/b'
expect_eq "bwrap: --tmp-overlay leaves the lower directories as they were" "2 3" "$(cat lower1/b) $(cat lower2/b)"
expect_out "bwrap: --ro-overlay: the later --overlay-src is above the earlier" "13" \
    "$BW" $OV --overlay-src lower1 --overlay-src lower2 --ro-overlay /tmp/x/y/z cat /tmp/x/y/z/a /tmp/x/y/z/b
t_run "$BW" $OV --overlay-src lower1 --overlay-src lower2 --ro-overlay /tmp/x/y/z \
    sh -c 'printf 4 >/tmp/x/y/z/b; cat /tmp/x/y/z/b'
case $T_STATUS:$T_OUT:$T_ERR in
    0:3:*"Read-only file system"*) ok "bwrap: --ro-overlay is read-only" ;;
    *) fail "bwrap: --ro-overlay is read-only" "$(t_what)" ;;
esac
expect_err "bwrap: --overlay without --overlay-src" 1 "bwrap: --overlay requires at least one --overlay-src" \
    "$BW" $OV --overlay upper work /tmp true
expect_err "bwrap: --tmp-overlay without --overlay-src" 1 "bwrap: --tmp-overlay requires at least one --overlay-src" \
    "$BW" $OV --tmp-overlay /tmp true
expect_err "bwrap: --ro-overlay with one --overlay-src" 1 "bwrap: --ro-overlay requires at least two --overlay-src" \
    "$BW" $OV --overlay-src lower1 --ro-overlay /tmp true
expect_err "bwrap: a trailing --overlay-src" 1 \
    "bwrap: --overlay-src must be followed by another --overlay-src or one of --overlay, --tmp-overlay, or --ro-overlay" \
    "$BW" $OV --overlay-src /tmp true
expect_err "bwrap: --overlay-src before another option" 1 "bwrap: --overlay-src must be followed by" \
    "$BW" $OV --overlay-src /tmp --chdir / true
expect_err "bwrap: overlapping overlay directories" 1 "Overlay directories may not overlap" \
    "$BW" $OV --overlay-src lower1 --overlay lower1 work /tmp/x true
expect_err "bwrap: a missing --overlay-src" 1 "bwrap: Can't get type of source $T_TMP/nonexistent" \
    "$BW" $OV --overlay-src nonexistent --tmp-overlay /tmp/x true
expect_out "burrow: --overlay-src and --tmp-overlay" "2" \
    "$T_BURROW" $OV --chdir / --overlay-src lower1 --tmp-overlay /tmp/x -- cat /tmp/x/b
expect_err "burrow: a trailing --overlay-src exits 125 naming it" 125 \
    "burrow: --overlay-src lower1: --overlay-src must be followed by" "$T_BURROW" $OV --overlay-src lower1 -- true
expect_err "burrow: a missing overlay directory exits 125 naming it" 125 \
    "overlay lower directory $T_TMP/nonexistent: No such file or directory" \
    "$T_BURROW" $OV --overlay-src nonexistent --tmp-overlay /tmp/x -- true
}
# overlayfs mounts read-only, saying so only in the kernel's log, when it cannot use the
# work directory. Root's pass arranges one: a directory of another user, whom root's user
# namespace does not map (an ordinary user's namespace maps the owner of its own files).
if [ "$(id -u)" = 0 ]; then
    mkdir work-ro && chmod 555 work-ro && chown 65534:65534 work-ro
    # shellcheck disable=SC2086
    expect_err "burrow: an overlay that the kernel made read-only is an error" 125 \
        "overlayfs made /tmp/x read-only: it could not use its work directory $T_TMP/work-ro" \
        "$T_BURROW" $OV --chdir / --overlay-src lower1 --overlay upper work-ro /tmp/x -- true
    rmdir work-ro
fi
cat >overlay.json <<EOF
{ "version": 1, "root": { "host": "all" }, "process": { "cwd": "/" },
  "mounts": [ { "type": "tmpfs", "destination": "/tmp" },
              { "type": "overlay", "destination": "/tmp/o", "lower": ["$T_TMP/lower1", "$T_TMP/lower2"] },
              { "type": "overlay", "destination": "/tmp/w", "lower": ["$T_TMP/lower1"], "access": "rw" } ] }
EOF
expect_out "profile: overlay mounts, read-only and on a tmpfs" "3 5" \
    "$T_BURROW" --profile ./overlay.json -- sh -c \
    'printf 5 >/tmp/w/b && ! (printf 6 >/tmp/o/b) 2>/dev/null && echo "$(cat /tmp/o/b) $(cat /tmp/w/b)"'
cat >overlay-bad.json <<EOF
{ "version": 1, "mounts": [ { "type": "overlay", "destination": "/o", "lower": ["$T_TMP/lower1"], "upper": "$T_TMP/upper" } ] }
EOF
expect_err "profile: an overlay's upper without work is an error naming the mount" 125 \
    "overlay-bad.json: /mounts/0: an overlay with \"upper\" needs \"work\" too" \
    "$T_BURROW" --profile ./overlay-bad.json -- true

# SELinux labels: ignored where SELinux is not enabled (as bwrap does), refused where it is.
if [ -e /sys/fs/selinux/enforce ]; then
    expect_err "burrow: --exec-label on an SELinux host" 125 "does not apply SELinux labels yet" \
        "$T_BURROW" --ro-bind / / --chdir / --exec-label system_u:system_r:container_t:s0 -- true
else
    expect_out "bwrap: --exec-label and --file-label without SELinux are ignored" "ran" \
        "$BW" --ro-bind / / --exec-label system_u:system_r:container_t:s0 --file-label system_u:object_r:container_file_t:s0 echo ran
fi
expect_err "burrow: an empty --exec-label" 125 "--exec-label: LABEL is empty" "$T_BURROW" --exec-label '' -- true

# pid 1, caps, nested user namespaces, locks.
expect_out "bwrap: --as-pid-1 runs the program as pid 1" "1" "$BW" --ro-bind / / --unshare-pid --as-pid-1 sh -c 'echo $$'
expect_out "bwrap: without --as-pid-1 a tiny init is pid 1" "2" "$BW" --ro-bind / / --unshare-pid sh -c 'echo $$'
expect_out "bwrap: --cap-add CAP_SYS_ADMIN in a user namespace" "CapEff:	0000000000200000" \
    $AS_USER "$BW" --ro-bind / / --unshare-user --cap-add CAP_SYS_ADMIN \
    grep CapEff /proc/self/status
expect_out "bwrap: no capabilities by default in a user namespace" "CapEff:	0000000000000000" \
    $AS_USER "$BW" --ro-bind / / --unshare-user grep CapEff /proc/self/status
expect_out "bwrap: the bounding set is empty in a user namespace" "CapBnd:	0000000000000000" \
    $AS_USER "$BW" --ro-bind / / --unshare-user grep CapBnd /proc/self/status
expect_status "bwrap: --disable-userns stops a nested user namespace" 1 \
    "$BW" --ro-bind / / --unshare-user --disable-userns unshare -U true
expect_status "bwrap: without it a nested user namespace works" 0 "$BW" --ro-bind / / --unshare-user unshare -U true
touch lk
expect_status "bwrap: --lock-file holds a lock while the program runs" 0 \
    "$BW" --bind / / --lock-file "$T_TMP/lk" sh -c "grep -q \":\$(stat -c %i '$T_TMP/lk') \" /proc/locks"

# Mountpoints: bwrap creates them on host filesystems, burrow never does.
mkdir host && chmod 755 host
expect_status "bwrap: creates a missing mountpoint on a host directory" 0 \
    "$BW" --bind / / --tmpfs "$T_TMP/host/made" true
if [ -d host/made ]; then ok "bwrap: the mountpoint is left on the host, as bwrap leaves it"
else fail "bwrap: the mountpoint is left on the host, as bwrap leaves it" "no $T_TMP/host/made"; fi
expect_status "bwrap: --dir on a host directory" 0 "$BW" --bind / / --dir "$T_TMP/host/dir" true
if [ -d host/dir ]; then ok "bwrap: --dir made the directory on the host"
else fail "bwrap: --dir made the directory on the host" "no $T_TMP/host/dir"; fi
expect_status "bwrap: --symlink on a host directory" 0 "$BW" --bind / / --symlink /x "$T_TMP/host/sym" true
expect_eq "bwrap: --symlink made the link on the host" "/x" "$(readlink host/sym)"
expect_out "bwrap: --file is mode 0666 whatever the umask" "666" \
    sh -c "umask 077; exec \"$BW\" --ro-bind / / --tmpfs /tmp --file 0 /tmp/f stat -c %a /tmp/f </dev/null"
expect_out "bwrap: /proc/self/exe inside runs burrow as bwrap again" "bubblewrap 0.11.1" \
    sh -c "\"$BW\" --ro-bind / / /proc/self/exe --version | cut -d' ' -f1,2"
expect_out "burrow: --cap-add keeps the capability ambient across exec" "CapAmb:	0000000000200000" \
    $AS_USER "$T_BURROW" --ro-bind / / --chdir / --cap-add sys_admin -- grep CapAmb /proc/self/status
expect_err "burrow: --cap-add with an unknown name" 125 'unknown capability "CAP_BOGUS"' \
    "$T_BURROW" --ro-bind / / --chdir / --cap-add bogus -- true
expect_err "burrow: --assert-userns-disabled without --disable-userns" 125 "creating user namespaces is not disabled" \
    "$T_BURROW" --ro-bind / / --chdir / --assert-userns-disabled -- true
expect_status "burrow: --assert-userns-disabled with --disable-userns" 0 \
    "$T_BURROW" --ro-bind / / --chdir / --disable-userns --assert-userns-disabled -- true
expect_err "burrow: never creates a mountpoint on the host" 125 "burrow never creates files or mountpoints on the host" \
    "$T_BURROW" --bind / / --tmpfs "$T_TMP/host/other" -- true
[ -e host/other ] && fail "burrow: nothing was created on the host" "$T_TMP/host/other exists" \
    || ok "burrow: nothing was created on the host"

# A symlink as a bind source: bwrap follows it.
mkdir real && echo real-file > real/f && ln -s real link
expect_out "bwrap: a symlink bind source is followed" "real-file" \
    "$BW" --ro-bind / / --tmpfs /tmp --ro-bind "$T_TMP/link" /tmp/l cat /tmp/l/f

# Root without --unshare-user: no user namespace, root's capabilities kept (bwrap's setuid-less root).
if [ "$(id -u)" = 0 ]; then
    expect_out "bwrap as root: no user namespace without --unshare-user" "$(readlink /proc/self/ns/user)" \
        "$BW" --ro-bind / / readlink /proc/self/ns/user
    t_run "$BW" --ro-bind / / grep CapEff /proc/self/status
    case $T_OUT in
        *0000000000000000) fail "bwrap as root: root keeps its capabilities" "$(t_what)" ;;
        CapEff:*) ok "bwrap as root: root keeps its capabilities" ;;
        *) fail "bwrap as root: root keeps its capabilities" "$(t_what)" ;;
    esac
    ALL_CAPS=$(printf 'CapEff:\t%016x' $(((1 << ($(cat /proc/sys/kernel/cap_last_cap) + 1)) - 1)))
    expect_out "bwrap as root: --unshare-user keeps all capabilities" "$ALL_CAPS" \
        "$BW" --ro-bind / / --unshare-user grep CapEff /proc/self/status
    t_run "$BW" --ro-bind / / --unshare-user readlink /proc/self/ns/user
    if [ "$T_STATUS" -eq 0 ] && [ "$T_OUT" != "$(readlink /proc/self/ns/user)" ]; then
        ok "bwrap as root: --unshare-user enters a user namespace"
    else fail "bwrap as root: --unshare-user enters a user namespace" "$(t_what)"; fi
else
    t_run "$BW" --ro-bind / / readlink /proc/self/ns/user
    if [ "$T_STATUS" -eq 0 ] && [ "$T_OUT" != "$(readlink /proc/self/ns/user)" ]; then
        ok "bwrap as a user: always a user namespace"
    else fail "bwrap as a user: always a user namespace" "$(t_what)"; fi
fi

done_testing
