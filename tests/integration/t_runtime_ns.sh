# Namespaces: pid namespace and /proc, ids inside, net/uts/ipc, exec in place.
. "$T_LIB"

B="$T_BURROW --host-root"
me=$(id -u)
my_gid=$(id -g)

# /proc in a pid namespace shows only the sandbox's processes.
host_n=$(ls /proc | grep -c '^[0-9][0-9]*$')
t_run $B --unshare-pid --proc /proc -- /bin/sh -c 'for d in /proc/[0-9]*; do echo "${d#/proc/}"; done'
n=$(printf '%s\n' "$T_OUT" | grep -c '^[0-9][0-9]*$')
max=$(printf '%s\n' "$T_OUT" | sort -n | tail -n1)
if [ "$T_STATUS" -eq 0 ] && [ "$n" -ge 1 ] && [ "$n" -le 2 ] && [ "$max" -le 2 ] && [ "$host_n" -gt 2 ]; then
    ok "pid: /proc shows only the sandbox's processes"
else
    fail "pid: /proc shows only the sandbox's processes" "host has $host_n; inside: $(t_what)"
fi
expect_out "pid: the shell's pid is small" "ok" $B --unshare-pid --proc /proc -- /bin/sh -c '[ $$ -le 2 ] && echo ok || echo $$'
t_run $B --unshare-pid --proc /proc -- /bin/sh -c 'cat /proc/1/cmdline | tr "\0" " "'
case $T_OUT in
    *burrow*|"/bin/sh -c "*) ok "pid: pid 1 is burrow's or the program's" ;;
    *) fail "pid: pid 1 is burrow's or the program's" "$(t_what)" ;;
esac
expect_out "pid: without --unshare-pid the host's pids are seen" "$$" \
    $B -- /bin/sh -c 'echo $PPID'
# Orphans die with the sandbox: pid 1 exits, the kernel kills the rest.
marker="31.$$"
expect_status "pid: status of the target, with an orphan left running" 4 \
    $B --unshare-pid -- /bin/sh -c "sleep $marker & exit 4"
left=$(t_pids_matching "sleep $marker")
expect_eq "pid: the orphan did not survive the sandbox" "" "$left"
[ -n "$left" ] && kill $left 2>/dev/null

# Exec in place: without a pid namespace burrow becomes the program (same pid).
t_run sh -c 'echo $$; exec "$@"' sh $B -- /bin/sh -c 'echo $$'
first=$(printf '%s\n' "$T_OUT" | sed -n 1p) second=$(printf '%s\n' "$T_OUT" | sed -n 2p)
if [ -n "$first" ] && [ "$first" = "$second" ]; then ok "exec: burrow execs in place (same pid)"
else fail "exec: burrow execs in place (same pid)" "$(t_what)"; fi
# burrow(1): the options that need a process to wait for the program (--timeout,
# --info-fd, --json-status-fd, --lock-file, --sync-fd, the cgroup limits) put one between:
# another pid.
touch "$T_TMP/lockf"
for o in "--timeout 300" "--info-fd 9" "--json-status-fd 9" "--lock-file $T_TMP/lockf" "--sync-fd 9"; do
    t_run sh -c 'echo $$; exec "$@" 9>/dev/null' sh $B $o -- /bin/sh -c 'echo $$'
    first=$(printf '%s\n' "$T_OUT" | sed -n 1p) second=$(printf '%s\n' "$T_OUT" | sed -n '$p')
    if [ -n "$first" ] && [ -n "$second" ] && [ "$first" != "$second" ]; then ok "exec: ${o%% *} forks the program"
    else fail "exec: ${o%% *} forks the program" "$(t_what)"; fi
done
# ... and so does a cgroup limit: its plan has the fork-timeout step, and where this host lets
# burrow set one, the program has a pid of its own.
expect_out "exec: a cgroup limit's plan forks the program (fork-timeout)" "fork-timeout" \
    sh -c '"$@" | grep -o "\"op\": \"fork-timeout\"" | cut -d\" -f4' sh $B --print-plan --pids 64 -- true
if $B --pids 64 -- true 2>/dev/null; then
    t_run sh -c 'echo $$; exec "$@"' sh $B --pids 64 -- /bin/sh -c 'echo $$'
    first=$(printf '%s\n' "$T_OUT" | sed -n 1p) second=$(printf '%s\n' "$T_OUT" | sed -n '$p')
    if [ -n "$first" ] && [ -n "$second" ] && [ "$first" != "$second" ]; then ok "exec: --pids forks the program"
    else fail "exec: --pids forks the program" "$(t_what)"; fi
else
    skip "exec: --pids forks the program" "no cgroup v2 pids controller for burrow here"
fi

# ids inside.
expect_out "ids: uid self by default" "$me" $B -- id -u
expect_out "ids: gid self by default" "$my_gid" $B -- id -g
expect_out "ids: --uid 0 --gid 0" "0 0" $B --uid 0 --gid 0 -- sh -c 'echo "$(id -u) $(id -g)"'
expect_out "ids: uid_map maps 0 to the caller" "0 $me 1" \
    $B --uid 0 -- sh -c 'set -- $(cat /proc/self/uid_map); echo "$1 $2 $3"'
expect_out "ids: the caller's files belong to the uid inside" "0" $B --uid 0 -- stat -c %u "$T_TMP"
expect_out "ids: --uid 1234 maps 1234 to the caller" "1234 $me 1" \
    $B --uid 1234 -- sh -c 'set -- $(cat /proc/self/uid_map); echo "$1 $2 $3"'
# burrow(1) --uid: "Supplementary groups are not mapped (they appear as the overflow group,
# usually nogroup)". Only root can start burrow with a supplementary group to show it.
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
    expect_out "ids: a supplementary group shows as the overflow group" "$(cat /proc/sys/kernel/overflowgid)" \
        setpriv --reuid 65534 --regid 65534 --groups 100 "$T_BURROW" --host-root --chdir / -- \
        sh -c 'sed -n "s/^Groups:[[:space:]]*//p" /proc/self/status | tr -d " "'
else
    skip "ids: a supplementary group shows as the overflow group" "needs root (setpriv --groups)"
fi
expect_out "caps: none by default (CapEff)" "0000000000000000" \
    $B --uid 0 -- sh -c 'sed -n "s/^CapEff:[[:space:]]*//p" /proc/self/status'
expect_out "caps: no_new_privs set" "1" $B -- sh -c 'sed -n "s/^NoNewPrivs:[[:space:]]*//p" /proc/self/status'

# The bounding set: left full by default (no_new_privs makes it moot), emptied on request
# or when no_new_privs is off. What matters is that execve grants nothing, even to a
# file-capability program (capcat: cat with CAP_DAC_OVERRIDE) and to uid 0 inside.
capsets() { sed -n 's/^\(Cap[A-Za-z]*\):[[:space:]]*/\1=/p' | tr '\n' ' '; }
none="CapInh=0000000000000000 CapPrm=0000000000000000 CapEff=0000000000000000"
t_run $B -- sh -c 'grep ^CapBnd /proc/self/status'
case $T_OUT in
    *0000000000000000*|"") fail "caps: the bounding set is left by default" "$(t_what)" ;;
    *) ok "caps: the bounding set is left by default" ;;
esac
printf '{"version": 1, "extends": "builtin:pack", "security": {"capabilities": {"clearBoundingSet": true}}}\n' > "$T_TMP/clear.json"
printf '{"version": 1, "extends": "builtin:pack", "security": {"noNewPrivileges": false}}\n' > "$T_TMP/nonnp.json"
expect_out "caps: clearBoundingSet empties it" "0000000000000000" \
    $T_BURROW --profile "$T_TMP/clear.json" -- sh -c 'sed -n "s/^CapBnd:[[:space:]]*//p" /proc/self/status'
expect_out "caps: without no_new_privs it is emptied whatever the profile says" "0000000000000000" \
    $T_BURROW --profile "$T_TMP/nonnp.json" -- sh -c 'sed -n "s/^CapBnd:[[:space:]]*//p" /proc/self/status'
if [ -z "${FIX_CAPCAT:-}" ]; then
    skip "caps: a file-capability program gains nothing" "the fixture has no capcat (setcap needs root and libcap2-bin)"
else
    control=$("$FIX_CAPCAT" /proc/self/status | sed -n 's/^CapEff:[[:space:]]*//p')
    if [ "$control" = "0000000000000000" ]; then
        skip "caps: a file-capability program gains nothing" "file capabilities are not honoured here (nosuid mount?)"
    else
        ok "caps: control: capcat gains CapEff $control on the host"
        for opts in "" "--uid 0"; do
            # shellcheck disable=SC2086
            t_run $B $opts -- "$FIX_CAPCAT" /proc/self/status
            got=$(printf '%s\n' "$T_OUT" | grep -E '^Cap(Inh|Prm|Eff):' | capsets)
            expect_eq "caps: capcat gains nothing ${opts:-(uid self)}" "$none " "$got"
        done
        # Without no_new_privs the emptied bounding set withholds the file's capabilities, and
        # the kernel refuses to run a program that would miss its "forced" ones (EPERM).
        t_run $T_BURROW --profile "$T_TMP/nonnp.json" -- "$FIX_CAPCAT" /proc/self/status
        case "$T_STATUS $T_OUT $T_ERR" in
            "126 "*"Operation not permitted"*) ok "caps: without no_new_privs capcat is refused (bounding set emptied)" ;;
            *) fail "caps: without no_new_privs capcat is refused (bounding set emptied)" "$(t_what)" ;;
        esac
    fi
fi

# Namespace identities: new where asked, shared otherwise.
ns_same() { # NAME NS EXPECT(same|new) OPTIONS...
    name=$1 ns=$2 want=$3; shift 3
    outside=$(readlink "/proc/self/ns/$ns")
    t_run $B "$@" -- readlink "/proc/self/ns/$ns"
    if [ "$T_STATUS" -ne 0 ] || [ -z "$T_OUT" ]; then fail "$name" "$(t_what)"; return; fi
    got=new
    [ "$T_OUT" = "$outside" ] && got=same
    expect_eq "$name" "$want" "$got"
}
ns_same "ns: user namespace is new" user new
ns_same "ns: mount namespace is new" mnt new
ns_same "ns: net shared by default" net same
ns_same "ns: --unshare-net" net new --unshare-net
ns_same "ns: --unshare-ipc" ipc new --unshare-ipc
ns_same "ns: ipc shared by default" ipc same
ns_same "ns: --unshare-uts" uts new --unshare-uts
ns_same "ns: --unshare-cgroup" cgroup new --unshare-cgroup
ns_same "ns: --unshare-all makes a new net" net new --unshare-all
ns_same "ns: --unshare-all --share-net keeps the net" net same --unshare-all --share-net
ns_same "ns: --unshare-pid" pid new --unshare-pid --proc /proc

# Network namespace: only lo, and lo is up.
expect_out "net: only lo in a new net namespace" "lo" \
    $B --unshare-net -- sh -c 'tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " "'
expect_out "net: lo is up" "connected" $B --unshare-net -- /usr/bin/python3 -c '
import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(1)
c = socket.create_connection(s.getsockname(), timeout=5); print("connected")'

# UTS namespace and hostname.
host_name=$(cat /proc/sys/kernel/hostname)
expect_out "uts: --hostname" "box-$$" $B --unshare-uts --hostname "box-$$" -- cat /proc/sys/kernel/hostname
expect_out "uts: the host's name is unchanged" "$host_name" cat /proc/sys/kernel/hostname

# Sessions.
expect_out "session: --new-session makes the program a session leader" "leader" \
    $B --new-session -- /bin/sh -c 'set -- $(cat /proc/$$/stat); [ "$6" = $$ ] && echo leader || echo "sid $6 pid $$"'
my_sid=$(cut -d' ' -f6 /proc/$$/stat)
expect_out "session: kept by default" "$my_sid" $B -- /bin/sh -c 'cut -d" " -f6 /proc/$$/stat' 

done_testing
