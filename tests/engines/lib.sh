# Helpers for tests/engines/run.sh (sourced after tests/integration/lib.sh, whose ok,
# fail, skip, check, expect_out, expect_eq, t_run and t_pids_matching they build on).
#
#   E_TMP                      the run's temp dir (world-readable; everything lives here)
#   t_run CMD...               as lib.sh's, but interruptible; child_stop ends a running CMD
#   daemon_start NAME LOG CMD...   start CMD in its own session, in the background; its pid
#                              is recorded (E_TMP/daemons) to be stopped by daemon_stop_all
#   daemon_wait NAME SECONDS CMD... poll CMD until it succeeds; false when NAME died or
#                              the time ran out (daemon_why then says why)
#   daemon_why NAME            one line: why NAME is not up (its log's last line)
#   daemon_stop NAME           SIGTERM, up to 20 s, then SIGKILL; waits until it is gone
#   daemon_stop_all            daemon_stop for every daemon still recorded, newest first
#   skip_lines REASON NAMES    one skip line per check that could not run (NAMES: one a line)
#   as_nobody CMD...           run CMD as uid/gid 65534 without groups (HOME=E_TMP/home-nobody)
#   free_port                  a TCP port on 127.0.0.1 that nothing listens on now
#   mounts_under DIR           the mount points at or under DIR, deepest first

# t_run of tests/integration/lib.sh, with CMD in the background so that a signal (a CI
# timeout, ^C) is handled at once: the trap stops CMD (E_CHILD) and the daemons.
E_CHILD=
t_run() {
    T_STATUS=0
    "$@" >"$T_CAP/out" 2>"$T_CAP/err" </dev/null &
    E_CHILD=$!
    wait "$E_CHILD" || T_STATUS=$?
    E_CHILD=
    T_OUT=$(cat "$T_CAP/out")
    T_ERR=$(cat "$T_CAP/err")
}
child_stop() {
    [ -n "$E_CHILD" ] || return 0
    kill -TERM "$E_CHILD" 2>/dev/null
    wait "$E_CHILD" 2>/dev/null
    E_CHILD=
}

daemon_start() {
    _name=$1 _log=$2
    shift 2
    setsid "$@" >"$_log" 2>&1 </dev/null &
    echo "$_name $! $_log" >>"$E_TMP/daemons"
}

daemon_pid() { awk -v n="$1" '$1 == n { p = $2 } END { print p }' "$E_TMP/daemons" 2>/dev/null; }
daemon_log() { awk -v n="$1" '$1 == n { p = $3 } END { print p }' "$E_TMP/daemons" 2>/dev/null; }
# pid_running PID: PID exists and is not a zombie (one read of its state: a process that
# ends is a zombie, then gone once this shell reaps it).
pid_running() {
    _st=$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null)
    [ -n "$_st" ] && [ "$_st" != Z ]
}
daemon_alive() {
    _p=$(daemon_pid "$1")
    [ -n "$_p" ] && pid_running "$_p"
}

daemon_wait() {
    _name=$1 _secs=$2
    shift 2
    _end=$(($(date +%s) + _secs))
    while :; do
        "$@" >/dev/null 2>&1 && return 0
        daemon_alive "$_name" || return 1
        [ "$(date +%s)" -lt "$_end" ] || return 1
        sleep 0.2
    done
}

daemon_why() {
    _log=$(daemon_log "$1")
    _last=$(grep -v '^[[:space:]]*$' "$_log" 2>/dev/null | tail -n1 | cut -c1-300)
    if daemon_alive "$1"; then _state="is running but did not answer in time"
    else _state="exited"; fi
    printf '%s %s; last log line: %s' "$1" "$_state" "${_last:-(none)}"
}

daemon_stop() {
    _p=$(daemon_pid "$1")
    [ -n "$_p" ] || return 0
    if pid_running "$_p"; then
        kill -TERM "$_p" 2>/dev/null
        _i=0
        while pid_running "$_p" && [ $_i -lt 100 ]; do
            sleep 0.2
            _i=$((_i + 1))
        done
        if pid_running "$_p"; then
            echo "# $1 (pid $_p) did not stop on SIGTERM in 20 s: SIGKILL; state $(cut -d' ' -f3 "/proc/$_p/stat" 2>/dev/null), blocked/ignored signals $(awk '$1 == "SigBlk:" || $1 == "SigIgn:" { printf "%s ", $2 }' "/proc/$_p/status" 2>/dev/null); last log line: $(tail -n1 "$(daemon_log "$1")" 2>/dev/null | cut -c1-200)"
            kill -KILL "$_p" 2>/dev/null
        fi
    fi
    wait "$_p" 2>/dev/null
    echo "$1 $_p" >>"$E_TMP/stopped"
    awk -v n="$1" '$1 != n' "$E_TMP/daemons" >"$E_TMP/daemons.new" && mv "$E_TMP/daemons.new" "$E_TMP/daemons"
}

daemon_stop_all() {
    [ -f "$E_TMP/daemons" ] || return 0
    for _n in $(awk '{ print $1 }' "$E_TMP/daemons" | tac); do daemon_stop "$_n"; done
}

skip_lines() {
    while IFS= read -r _c; do [ -n "$_c" ] && skip "$_c" "$1"; done <<EOF
$2
EOF
}

as_nobody() {
    setpriv --reuid 65534 --regid 65534 --clear-groups \
        env HOME="$E_TMP/home-nobody" USER=nobody LOGNAME=nobody "$@"
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

mounts_under() {
    awk -v d="$1" '{ m = $5; gsub(/\\040/, " ", m); if (m == d || index(m, d "/") == 1) print m }' \
        /proc/self/mountinfo | awk '{ print length($0) " " $0 }' | sort -rn | cut -d' ' -f2-
}
