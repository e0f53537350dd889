# The escape battery: from inside `burrow --profile builtin:sandbox`, try to reach the host,
# the kernel or other processes in every way the sandbox promises to stop, and assert how
# each attempt is refused (the errno, or what is observed on the host afterwards).
#
# The sandbox gets only what the probe needs to run: /usr read-only with the host's /bin,
# /lib* layout, the probe directory read-only, and for the cases that need them a writable
# grant (/rw), a read-only grant (/ro), a store (/gnu/store) and another user's file.
# tests/integration/probes/escape_probe.c makes one attempt per call and prints the errno's
# name (or OK); it is compiled here with cc. Each case prints one line; a summary counts them.
. "$T_LIB"

me=$(id -u)
PROBE_SRC=${T_LIB%/*}/probes/escape_probe.c
chmod 711 "$T_TMP"   # uid 65534 reaches the probes in the root pass's setuid case
mkdir -p "$T_TMP/probes"
if ! cc -O -Wall -o "$T_TMP/probes/escape_probe" "$PROBE_SRC" 2>"$T_TMP/cc.log"; then
    fail "escape: compile the probe" "$(cat "$T_TMP/cc.log")"
    done_testing
    exit 1
fi
chmod -R a+rX "$T_TMP/probes"
HOST_PROBE=$T_TMP/probes/escape_probe

# The host's /bin, /sbin, /lib* as they are here: symlinks into /usr, or directories.
LAYOUT=$(t_usr_layout)

# Grants: /rw (read-write), /ro (read-only, a file of ours in it), a store of ours at
# /gnu/store, and another user's file at /other.
mkdir -p "$T_TMP/rw" "$T_TMP/ro" "$T_TMP/store/0123456789abcdfghijklmnpqrsvwxyz-item"
echo "read-only content" > "$T_TMP/ro/file"
echo "store content" > "$T_TMP/store/0123456789abcdfghijklmnpqrsvwxyz-item/file"
echo "host secret $$" > "$T_TMP/secret"
if [ "$me" = 0 ]; then
    # root in the sandbox keeps uid 0 but no CAP_DAC_OVERRIDE: a 0600 file of uid 65534.
    OTHER=$T_TMP/other-file
    echo "65534's secret" > "$OTHER"
    chown 65534:65534 "$OTHER"
    chmod 600 "$OTHER"
else
    OTHER=/etc/shadow   # root's, and not readable by us on the host either
fi

SB="$T_BURROW --profile builtin:sandbox --ro-bind /usr /usr $LAYOUT
    --ro-bind $T_TMP/probes /probes --bind $T_TMP/rw /rw --ro-bind $T_TMP/ro /ro
    --store $T_TMP/store:/gnu/store --ro-bind $OTHER /other --chdir /"
P=/probes/escape_probe

# The battery's own bookkeeping: every case counts, a denied one also counts as denied.
N_CASES=0
N_DENIED=0
# verdict NAME WANTED GOT [DETAIL]: WANTED is a |-separated list of acceptable answers.
verdict() {
    N_CASES=$((N_CASES + 1))
    if [ -n "$3" ]; then
        case "|$2|" in
            *"|$3|"*) N_DENIED=$((N_DENIED + 1)); ok "escape: $1: $3"; return ;;
        esac
    fi
    fail "escape: $1" "expected $2, got '${3}'${4:+; $4}"
}
# fact NAME DETAIL CMD...: a case decided by a host-side check (CMD exits 0 = denied).
fact() {
    _fn=$1 _fd=$2; shift 2
    N_CASES=$((N_CASES + 1))
    if "$@"; then N_DENIED=$((N_DENIED + 1)); ok "escape: $_fn: $_fd"
    else fail "escape: $_fn" "$_fd: not so; $(t_what)"; fi
}
# deny NAME WANTED PROBE-ARGS...: one attempt with the probe inside the sandbox.
deny() {
    _n=$1 _w=$2; shift 2
    # shellcheck disable=SC2086
    t_run $SB $P "$@"
    verdict "$_n" "$_w" "$(printf '%s\n' "$T_OUT" | head -n1)" "$(t_what)"
}
# run_sb PROBE-ARGS...: the probe in the sandbox, for the controls.
run_sb() {
    # shellcheck disable=SC2086
    $SB $P "$@"
}
# in_sb CMD...: run a shell command line inside the sandbox.
in_sb() {
    # shellcheck disable=SC2086
    t_run $SB /bin/sh -c "$1"
}

# --- the sandbox works at all (otherwise every "denied" below would mean nothing) -----
expect_out "control: the probe runs in the sandbox (fork works)" "OK" run_sb fork
expect_out "control: personality query is allowed" "OK" run_sb personality-query
expect_out "control: the writable grant is writable" "OK" run_sb create /rw/allowed
check "control: the write reached the host" test -f "$T_TMP/rw/allowed"
expect_out "control: the read-only grant is readable" "READ" run_sb read /ro/file

# --- host files that were not granted ---------------------------------------------------
expect_out "control: the caller's home exists on the host" "EISDIR" "$HOST_PROBE" read "$HOME"
deny "read the caller's home ($HOME)" ENOENT read "$HOME"
deny "read /etc/shadow (not granted)" ENOENT read /etc/shadow
deny "read a host file in a directory not granted" ENOENT read "$T_TMP/secret"
deny "read another user's 0600 file, granted read-only" EACCES read /other
root_dev=$(awk '$2 == "/" && $1 ~ /^\/dev\// { print $1 }' /proc/mounts | tail -n1)
deny "read the host's root disk device (${root_dev:-/dev/sda})" ENOENT read "${root_dev:-/dev/sda}"
deny "read /dev/mem" ENOENT read /dev/mem
deny "read /dev/kmsg" ENOENT read /dev/kmsg
host_user=$(cut -d: -f1 /etc/passwd | grep -v -x -e root -e nobody -e "$(id -un)" | head -n1)
in_sb "echo \$(grep -c '^$host_user:' /etc/passwd) \$(grep -c . /etc/passwd)"
got="$T_OUT"
case $T_OUT in "0 "[1-9]*) got="no" ;; esac
verdict "the host's /etc/passwd is not visible (no '$host_user' entry)" "no" "$got" "$(t_what)"

# --- writes: the store, read-only grants, outside the writable paths --------------------
deny "write to a file in the store" EROFS open-write /gnu/store/0123456789abcdfghijklmnpqrsvwxyz-item/file
deny "create a file in the store" EROFS create /gnu/store/new-file
deny "create a directory in a store item" EROFS mkdir /gnu/store/0123456789abcdfghijklmnpqrsvwxyz-item/d
deny "write to a file in a read-only grant" EROFS open-write /ro/file
deny "create a file in a read-only grant" EROFS create /ro/new-file
deny "create a file at the root" EROFS create /new-file
deny "create a file in /etc" EROFS create /etc/new-file
deny "create a file in /usr (read-only grant)" EROFS create /usr/new-file
deny "create a device node" EPERM mknod /tmp/sda
check "control: no file appeared in the granted read-only dir" test ! -e "$T_TMP/ro/new-file"
expect_out "control: the store file is unchanged" "store content" \
    cat "$T_TMP/store/0123456789abcdfghijklmnpqrsvwxyz-item/file"

# --- symlinks planted in a granted directory, pointing outside --------------------------
ln -s "$T_TMP/secret" "$T_TMP/rw/abs"
ln -s "../../../../../../../../../../..$T_TMP/secret" "$T_TMP/rw/rel"
ln -s "$T_TMP/host-new" "$T_TMP/rw/dangling"
ln -s /etc "$T_TMP/rw/etc"
deny "read through an absolute symlink to a host file" ENOENT read /rw/abs
deny "read through a relative ../ symlink to a host file" ENOENT read /rw/rel
deny "create through a dangling symlink to a host path" ENOENT create-follow /rw/dangling
fact "the dangling symlink's host target was not created" "$T_TMP/host-new absent" test ! -e "$T_TMP/host-new"
deny "read the host's /etc/shadow through a symlink to /etc" ENOENT read /rw/etc/shadow
deny "climb out with .. from a grant" ENOENT read "/rw/../../../../..$T_TMP/secret"
# A bind source that is itself a symlink out of the caller's directory: refused, or at
# least nothing of the target is seen inside.
mkdir -p "$T_TMP/work" "$T_TMP/outside"
echo "outside secret" > "$T_TMP/outside/secret"
ln -s ../outside "$T_TMP/work/out"
ln -s "$T_TMP/outside" "$T_TMP/work/absout"
cat > "$T_TMP/work/symsrc.json" <<JSON
{ "version": 1, "extends": "builtin:sandbox",
  "mounts": [ { "type": "bind", "source": "\${PWD}/out", "destination": "/out", "access": "rw" } ] }
JSON
sed 's|/out"|/absout"|' "$T_TMP/work/symsrc.json" > "$T_TMP/work/symsrc-abs.json"
mkdir -p "$T_TMP/work/real"
echo "granted" > "$T_TMP/work/real/secret"
sed 's|/out"|/real"|' "$T_TMP/work/symsrc.json" > "$T_TMP/work/real.json"
in_work() { # PROFILE: read /out/secret in a sandbox started from $T_TMP/work
    # shellcheck disable=SC2086
    t_run sh -c 'cd "$1" && shift && exec "$@"' sh "$T_TMP/work" \
        $T_BURROW --profile "$T_TMP/work/$1.json" --ro-bind /usr /usr $LAYOUT --ro-bind "$T_TMP/probes" /probes \
        --chdir / -- $P read /out/secret
}
in_work real
expect_out "control: a profile bind of \${PWD}/real works" "READ" printf '%s\n' "$T_OUT"
for v in symsrc symsrc-abs; do
    in_work $v
    got=$T_OUT
    [ "$T_STATUS" = 125 ] && got=REFUSED
    verdict "a profile bind source that is a symlink out of the cwd ($v)" "REFUSED|ENOENT|ENOTDIR|ELOOP" "$got" "$(t_what)"
done

# --- ".." in profile paths --------------------------------------------------------------
# A hand-made pack whose entries' profiles bind ${PACK}/data (fine), ${PACK}/../secret and
# ${ORIGIN}/../../secret (both outside the pack).
PK=$T_TMP/pack
mkdir -p "$PK/.burrow/profiles" "$PK/bin" "$PK/data"
echo "pack data" > "$PK/data/f"
cp "$T_BURROW" "$PK/.burrow/burrow"
printf '{"entries": [{"name": "good"}, {"name": "up"}, {"name": "origin"}]}\n' > "$PK/.burrow/manifest.json"
cat > "$PK/.burrow/profiles/good.json" <<JSON
{ "version": 1, "extends": "builtin:sandbox",
  "mounts": [ { "type": "bind", "source": "/usr", "destination": "/usr" },
              { "type": "bind", "source": "$T_TMP/probes", "destination": "/probes" },
              { "type": "bind", "source": "\${PACK}/data", "destination": "/data" } ],
  "process": { "exec": "/probes/escape_probe", "args": ["read", "/data/f"], "cwd": "/" } }
JSON
# The loader needs /lib64 etc.; reuse the layout as symlink mounts where the host has them.
for d in bin lib lib64; do
    if [ -L "/$d" ]; then
        sed -i "s|\"mounts\": \[|\"mounts\": [ { \"type\": \"symlink\", \"target\": \"$(readlink "/$d")\", \"destination\": \"/$d\" },|" \
            "$PK/.burrow/profiles/good.json"
    elif [ -d "/$d" ]; then
        sed -i "s|\"mounts\": \[|\"mounts\": [ { \"type\": \"bind\", \"source\": \"/$d\", \"destination\": \"/$d\" },|" \
            "$PK/.burrow/profiles/good.json"
    fi
done
sed 's|${PACK}/data|${PACK}/../secret|' "$PK/.burrow/profiles/good.json" > "$PK/.burrow/profiles/up.json"
sed 's|${PACK}/data|${ORIGIN}/../../secret|' "$PK/.burrow/profiles/good.json" > "$PK/.burrow/profiles/origin.json"
for e in good up origin; do ln -s ../.burrow/burrow "$PK/bin/$e"; done
expect_out "control: the pack entry with \${PACK}/data runs" "READ" "$PK/bin/good"
t_run "$PK/bin/up"
got=$T_STATUS
case $T_ERR in *"outside the pack root"*) ;; *) got="$got (message: $T_ERR)" ;; esac
verdict "profile source \${PACK}/../secret is rejected" "125" "$got" "$(t_what)"
t_run "$PK/bin/origin"
got=$T_STATUS
case $T_ERR in *"outside the pack root"*) ;; *) got="$got (message: $T_ERR)" ;; esac
verdict "profile source \${ORIGIN}/../../secret is rejected" "125" "$got" "$(t_what)"
cat > "$T_TMP/dotdot-item.json" <<JSON
{ "version": 1, "extends": "builtin:sandbox",
  "stores": [ { "source": "$T_TMP/store", "destination": "/gnu/store", "items": [".."] } ] }
JSON
t_run "$T_BURROW" --profile "$T_TMP/dotdot-item.json" --ro-bind /usr /usr --chdir / -- /usr/bin/true
got=$T_STATUS
case $T_ERR in *'".."'*) ;; *) got="$got (message: $T_ERR)" ;; esac
verdict "store item \"..\" in a profile is rejected" "125" "$got" "$(t_what)"

# --- terminal injection (under script(1), so that fd 0 is our controlling tty) ----------
# Control: on the host the probe does reach its controlling tty (TIOCSTI injects "#").
tty_probe() { # CASE PREFIX-COMMAND: sets TTY_GOT
    t_run script -qec "$2 $1" /dev/null
    TTY_GOT=$(printf '%s\n' "$T_OUT" | tr -d '\r' | tail -n1 | sed 's/^#//')
}
tty_probe tiocsti "$HOST_PROBE"
expect_eq "control: TIOCSTI works on the host's pty (probe has a controlling tty)" "OK" "$TTY_GOT"
# shellcheck disable=SC2086
SB1=$(printf '%s ' $SB)
for c in tiocsti tiocsti64 tioclinux tioclinux64; do
    tty_probe "$c" "$SB1 $P"
    verdict "ioctl $c on the controlling tty" EPERM "$TTY_GOT" "$(t_what)"
done

# --- namespaces ---------------------------------------------------------------------------
deny "unshare(CLONE_NEWUSER)" EPERM unshare-user
deny "unshare(CLONE_NEWNS)" EPERM unshare-mnt
deny "unshare(CLONE_NEWNET)" EPERM unshare-net
deny "setns into a mount namespace" EPERM setns /proc/self/ns/mnt
deny "clone(CLONE_NEWUSER)" EPERM clone-newuser
deny "clone(CLONE_NEWNS)" EPERM clone-newns
deny "clone(CLONE_NEWNET)" EPERM clone-newnet
deny "clone3 (ENOSYS so that libc falls back to clone)" ENOSYS clone3

# --- the mount table ----------------------------------------------------------------------
deny "mount a tmpfs" EPERM mount /tmp
deny "bind-mount /usr over /rw" EPERM bind-mount /usr /rw
deny "umount /proc" EPERM umount /proc
deny "pivot_root" EPERM pivot_root /tmp /tmp
deny "chroot" EPERM chroot /tmp
deny "open_tree" ENOSYS open_tree /usr
deny "move_mount" ENOSYS move_mount /usr /rw
deny "fsopen" ENOSYS fsopen
deny "mount_setattr" ENOSYS mount_setattr /usr

# --- host processes -----------------------------------------------------------------------
sleep 1000 &
SLEEP_PID=$!
at_exit "kill $SLEEP_PID 2>/dev/null; wait $SLEEP_PID 2>/dev/null"
deny "kill a host process by its host pid" ESRCH kill "$SLEEP_PID"
fact "the host process survived" "pid $SLEEP_PID still running" kill -0 "$SLEEP_PID"
deny "ptrace a host process" EPERM ptrace "$SLEEP_PID"
deny "process_vm_readv a host process" EPERM process_vm_readv "$SLEEP_PID"
deny "see a host process in /proc" ENOENT read "/proc/$SLEEP_PID/status"
in_sb 'for d in /proc/[0-9]*; do echo "${d#/proc/}"; done'
n=$(printf '%s\n' "$T_OUT" | grep -c '^[0-9][0-9]*$')
got=$n
printf '%s\n' "$T_OUT" | grep -qx -e "$$" -e "$SLEEP_PID" && got="$n, including a host pid"
verdict "only the sandbox's own processes in /proc (count)" "1|2|3" "$got" "$(t_what)"
deny "reach the host root through /proc/1/root" "EACCES|ENOENT" read /proc/1/root/etc/hostname
deny "read pid 1's memory" "EACCES|ENOENT" read /proc/1/mem

# --- network ------------------------------------------------------------------------------
ABSTRACT=burrow-escape-$$
cat > "$T_TMP/listener.py" <<'PY'
import os, select, socket, sys
t = socket.socket()
t.bind(("127.0.0.1", 0))
t.listen(16)
u = socket.socket(socket.AF_UNIX)
u.bind("\0" + sys.argv[2])
u.listen(16)
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write(str(t.getsockname()[1]))
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
while True:
    for s in select.select([t, u], [], [])[0]:
        s.accept()[0].close()
PY
python3 "$T_TMP/listener.py" "$T_TMP/port" "$ABSTRACT" </dev/null >/dev/null 2>"$T_TMP/listener.err" &
LISTENER=$!
at_exit "kill $LISTENER 2>/dev/null; wait $LISTENER 2>/dev/null"
i=0
while [ ! -s "$T_TMP/port" ] && [ $i -lt 100 ] && kill -0 $LISTENER 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
PORT=$(cat "$T_TMP/port" 2>/dev/null)
expect_out "control: the host's loopback TCP server accepts on the host (port ${PORT:-none})" "OK" \
    "$HOST_PROBE" connect-tcp "${PORT:-1}"
expect_out "control: the host's abstract unix socket accepts on the host" "OK" \
    "$HOST_PROBE" connect-abstract "$ABSTRACT"
deny "connect to a TCP server on the host's 127.0.0.1" ECONNREFUSED connect-tcp "${PORT:-1}"
deny "connect to a host abstract unix socket" ECONNREFUSED connect-abstract "$ABSTRACT"
in_sb 'tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " " | tr "\n" " "'
verdict "network interfaces inside" "lo " "$T_OUT" "$(t_what)"
deny "socket(AF_PACKET)" EAFNOSUPPORT socket packet
deny "socket(AF_ALG)" EAFNOSUPPORT socket alg
deny "socket(AF_VSOCK)" EAFNOSUPPORT socket vsock

# --- privileges ---------------------------------------------------------------------------
in_sb 'grep -E "^Cap(Inh|Prm|Eff|Bnd|Amb):" /proc/self/status | tr -s "\t " " " | tr "\n" ";"'
verdict "capabilities (CapInh/CapPrm/CapEff/CapBnd/CapAmb)" \
    "CapInh: 0000000000000000;CapPrm: 0000000000000000;CapEff: 0000000000000000;CapBnd: 0000000000000000;CapAmb: 0000000000000000;" \
    "$T_OUT" "$(t_what)"
# shellcheck disable=SC2086
t_run $SB --uid 0 /bin/sh -c 'grep -E "^Cap(Eff|Bnd)" /proc/self/status | tr -s "\t " " " | tr "\n" ";"'
verdict "capabilities as uid 0 inside (--uid 0)" "CapEff: 0000000000000000;CapBnd: 0000000000000000;" "$T_OUT" "$(t_what)"
in_sb 'sed -n "s/^NoNewPrivs:[[:space:]]*//p" /proc/self/status; cat /proc/self/mountinfo'
nnp=$(printf '%s\n' "$T_OUT" | sed -n 1p)
mounts=$(printf '%s\n' "$T_OUT" | sed 1d | awk '$5 == "/" || $5 == "/usr" || $5 == "/probes" || $5 == "/rw" || $5 == "/tmp" { print $5, $6 }')
nosuid_missing=$(printf '%s\n' "$mounts" | grep -v 'nosuid' | tr '\n' ' ')
n_mounts=$(printf '%s\n' "$mounts" | grep -c .)
got="NoNewPrivs=$nnp${nosuid_missing:+, suid allowed on: $nosuid_missing}"
[ "$n_mounts" -ge 5 ] || got="$got (only $n_mounts of the 5 mounts found)"
verdict "no_new_privs set and executable mounts nosuid" "NoNewPrivs=1" "$got" "$(t_what)"
if [ "$me" = 0 ]; then
    # A setuid-root copy of id in a granted directory, run by uid 65534.
    mkdir "$T_TMP/suid"
    cp /usr/bin/id "$T_TMP/suid/id"
    chmod 4755 "$T_TMP/suid/id"
    chmod 755 "$T_TMP/suid"
    NB="setpriv --reuid 65534 --regid 65534 --clear-groups"
    expect_out "control: the setuid-root id gives euid 0 on the host" "0" $NB "$T_TMP/suid/id" -u
    # shellcheck disable=SC2086
    t_run $NB $SB --ro-bind "$T_TMP/suid" /suid /suid/id -u
    verdict "a setuid-root binary gains nothing (euid stays 65534)" "65534" "$T_OUT" "$(t_what)"
    # shellcheck disable=SC2086
    t_run $NB $SB --bind "$T_TMP/suid" /suid /suid/id -u
    verdict "a setuid-root binary in a read-write grant gains nothing" "65534" "$T_OUT" "$(t_what)"
fi

# --- kernel attack surface ----------------------------------------------------------------
deny "keyctl" EPERM keyctl
deny "add_key" EPERM add_key
deny "request_key" EPERM request_key
deny "bpf(BPF_MAP_CREATE)" EPERM bpf
deny "perf_event_open (user-only task clock)" EPERM perf_event_open
deny "userfaultfd(UFFD_USER_MODE_ONLY)" EPERM userfaultfd
deny "io_uring_setup" EPERM io_uring_setup
deny "kexec_load" EPERM kexec_load
deny "init_module" EPERM init_module
deny "finit_module" EPERM finit_module
deny "reboot" EPERM reboot
deny "swapon" EPERM swapon /rw/swapfile
deny "acct" EPERM acct /rw/acct
deny "syslog(READ_ALL)" EPERM syslog
deny "open_by_handle_at" EPERM open_by_handle_at
deny "personality(READ_IMPLIES_EXEC)" EPERM personality
# burrow-profile(5), Seccomp: "a system call made through another ABI (such as i386 or x32
# on x86_64) kills the process" (SIGSYS: burrow re-raises it, 128+31).
if [ "$(uname -m)" = x86_64 ]; then
    expect_out "control: an i386-ABI getpid works on the host" "OK" "$HOST_PROBE" int80-getpid
    # shellcheck disable=SC2086
    t_run $SB $P int80-getpid
    verdict "an i386-ABI system call kills the program (SIGSYS)" "159:" "$T_STATUS:$T_OUT" "$(t_what)"
fi
deny "iopl" EPERM iopl
deny "clock_settime" EPERM clock_settime
deny "read /proc/kcore" "ENOENT|EACCES|EMPTY" read /proc/kcore
deny "read /proc/keys" "ENOENT|EACCES|EMPTY" read /proc/keys
deny "read /proc/timer_list (masked)" "ENOENT|EACCES|EMPTY" read /proc/timer_list
deny "read /sys" ENOENT read /sys
deny "open a host sysctl for writing (/proc/sys/kernel/core_pattern)" "EACCES|EROFS|ENOENT" \
    open-write /proc/sys/kernel/core_pattern
deny "open /proc/sysrq-trigger for writing" "EACCES|EROFS|ENOENT" open-write /proc/sysrq-trigger

# --- environment, hostname, core dumps ------------------------------------------------------
SECRET="s3cr3t-$$-burrow"
export BURROW_ESCAPE_SECRET="$SECRET"
in_sb 'env; tr "\0" "\n" < /proc/self/environ; tr "\0" "\n" < /proc/1/environ 2>/dev/null; echo end'
unset BURROW_ESCAPE_SECRET
case $T_OUT in
    *"$SECRET"*) got="visible" ;;
    *HOME=/homeless-shelter*end) got="not visible" ;;
    *) got="(the command did not run)" ;;
esac
verdict "the host's environment (an exported secret)" "not visible" "$got" "$(t_what)"

host_name=$(uname -n)
in_sb 'uname -n'
verdict "the hostname inside is the sandbox's" "sandbox" "$T_OUT" "$(t_what)"
deny "sethostname" EPERM sethostname "pwned-$$"
in_sb "echo pwned-$$ > /proc/sys/kernel/hostname; uname -n"
fact "sethostname inside does not change the host's hostname" "host still '$host_name'" \
    test "$(uname -n)" = "$host_name"

# Core dumps: the soft limit is raised on the host first, so the sandbox must set it.
t_run sh -c 'ulimit -S -c unlimited 2>/dev/null; cd "$1" && shift && exec "$@"' sh "$T_TMP/rw" \
    "$HOST_PROBE" core "$T_TMP/rw"
case $T_OUT in
    *dumped) ok "control: the probe dumps core on the host" ;;
    *) fail "control: the probe dumps core on the host" "$(t_what); core_pattern $(cat /proc/sys/kernel/core_pattern)" ;;
esac
rm -f "$T_TMP/rw"/core*
# shellcheck disable=SC2086
t_run sh -c 'ulimit -S -c unlimited 2>/dev/null; exec "$@"' sh $SB $P core /rw
verdict "a core dump is not written (limits, raise, dump)" "0 0 raise=EPERM nocore" "$T_OUT" "$(t_what)"
# shellcheck disable=SC2086
t_run sh -c 'ulimit -S -c unlimited 2>/dev/null; cd "$1" && shift && exec "$@"' sh "$T_TMP/rw" $SB $P abort /rw
cores=$(find "$T_TMP/rw" "$T_TMP" -maxdepth 1 -name 'core*' | tr '\n' ' ')
verdict "an aborting program leaves no core file (inside or in the caller's cwd)" "none" \
    "${cores:-none}" "$(t_what)"

# --- summary --------------------------------------------------------------------------------
echo "# escape battery [$T_AS]: $N_CASES attempts, $N_DENIED denied, $((N_CASES - N_DENIED)) not denied"
if [ "$N_CASES" -ge 30 ] && [ "$N_DENIED" -eq "$N_CASES" ]; then
    ok "escape: summary: $N_CASES attempts, all $N_DENIED denied"
else
    fail "escape: summary" "$N_CASES attempts (30 at least), $N_DENIED denied, $((N_CASES - N_DENIED)) not denied (see above)"
fi
done_testing
