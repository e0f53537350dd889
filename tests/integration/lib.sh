# Test library for the integration tests; a t_*.sh script does `. "$T_LIB"` first.
# run.sh sets T_BURROW, T_PACK, T_FIX, T_AS, T_SCRATCH and T_SRC; this file sources
# $T_FIX/fixture.env (FIX_*), makes T_TMP (a fresh directory the current user can
# write, removed at exit) and changes into it.
#
# Results, one line each:   ok - [root] NAME
#                           not ok - [nobody] NAME: DETAIL
#                           skip - [root] NAME: REASON
#   ok NAME / fail NAME DETAIL / skip NAME REASON
#   check NAME CMD...                    passes if CMD exits 0
#   expect_eq NAME EXPECTED ACTUAL
#   expect_status NAME STATUS CMD...     exact exit status
#   expect_out NAME EXPECTED CMD...      exact stdout (trailing newlines ignored), status ignored
#   expect_err NAME STATUS SUBSTRING CMD...  exact status and SUBSTRING in stderr
#   t_run CMD...                         run CMD, set T_STATUS, T_OUT, T_ERR; asserts nothing
#   at_exit CMD                          run CMD (a string, eval'd) before T_TMP is removed
#   t_children PID                       the pids of PID's children
#   t_pids_matching TEXT                 pids whose command line contains TEXT
#                                        (no procps needed; spaces stand for NULs)
#   t_usr_layout                         options recreating /bin, /lib... (links into /usr,
#                                        or binds) for a sandbox that binds /usr
#   done_testing                         last line of every script: prints the counts
# After check/expect_*, T_STATUS, T_OUT and T_ERR describe the command that ran.

: "${T_BURROW:?T_BURROW is not set: run the tests through tests/integration/run.sh}"
: "${T_FIX:?T_FIX is not set: run the tests through tests/integration/run.sh}"
: "${T_AS:=$(id -un 2>/dev/null || id -u)}"
: "${T_PACK:=}"
: "${T_SCRATCH:=${TMPDIR:-/tmp}}"
. "$T_FIX/fixture.env"

T_PASS=0
T_FAILED=0
T_SKIPPED=0
T_STATUS=0
T_OUT=
T_ERR=
T_AT_EXIT=
T_TMP=$(mktemp -d "$T_SCRATCH/t.XXXXXX") || { echo "not ok - [$T_AS] lib.sh: cannot create a temp dir in $T_SCRATCH"; exit 1; }
T_CAP=$(mktemp -d "$T_SCRATCH/cap.XXXXXX") || exit 1

t_cleanup() {
    [ -n "$T_AT_EXIT" ] && eval "$T_AT_EXIT"
    chmod -R u+rwX "$T_TMP" 2>/dev/null
    rm -rf "$T_TMP" "$T_CAP"
}
trap 't_cleanup' EXIT
trap 't_cleanup; trap - EXIT; exit 130' INT
trap 't_cleanup; trap - EXIT; exit 143' TERM
cd "$T_TMP" || exit 1

at_exit() { T_AT_EXIT="$T_AT_EXIT
$1"; }

# One line per result; DETAIL is flattened to a single line and shortened.
t_oneline() { printf '%s' "$1" | tr '\n\t' '  ' | cut -c1-400; }

ok() {
    T_PASS=$((T_PASS + 1))
    printf 'ok - [%s] %s\n' "$T_AS" "$1"
}
fail() {
    T_FAILED=$((T_FAILED + 1))
    printf 'not ok - [%s] %s: %s\n' "$T_AS" "$1" "$(t_oneline "${2:-failed}")"
}
skip() {
    T_SKIPPED=$((T_SKIPPED + 1))
    printf 'skip - [%s] %s: %s\n' "$T_AS" "$1" "$(t_oneline "${2:-skipped}")"
}

t_run() {
    T_STATUS=0
    "$@" >"$T_CAP/out" 2>"$T_CAP/err" || T_STATUS=$?
    T_OUT=$(cat "$T_CAP/out")
    T_ERR=$(cat "$T_CAP/err")
}

# What the last command did, for failure messages.
t_what() {
    printf 'status %s; stdout: %s; stderr: %s' "$T_STATUS" "$(t_oneline "$T_OUT" | cut -c1-150)" \
        "$(t_oneline "$T_ERR" | cut -c1-200)"
}

check() {
    _n=$1; shift
    t_run "$@"
    if [ "$T_STATUS" -eq 0 ]; then ok "$_n"; else fail "$_n" "$(t_what)"; fi
}

expect_eq() {
    if [ "$2" = "$3" ]; then ok "$1"
    else fail "$1" "expected '$(t_oneline "$2")', got '$(t_oneline "$3")'"; fi
}

expect_status() {
    _n=$1; _s=$2; shift 2
    t_run "$@"
    if [ "$T_STATUS" -eq "$_s" ]; then ok "$_n"
    else fail "$_n" "expected status $_s; $(t_what)"; fi
}

expect_out() {
    _n=$1; _e=$2; shift 2
    t_run "$@"
    if [ "$T_OUT" = "$_e" ]; then ok "$_n"
    else fail "$_n" "expected stdout '$(t_oneline "$_e")'; $(t_what)"; fi
}

expect_err() {
    _n=$1; _s=$2; _e=$3; shift 3
    t_run "$@"
    if [ "$T_STATUS" -ne "$_s" ]; then
        fail "$_n" "expected status $_s and stderr containing '$(t_oneline "$_e")'; $(t_what)"
        return
    fi
    case $T_ERR in
        *"$_e"*) ok "$_n" ;;
        *) fail "$_n" "expected stderr containing '$(t_oneline "$_e")'; $(t_what)" ;;
    esac
}

t_children() {
    cat /proc/"$1"/task/*/children 2>/dev/null | tr ' ' '\n' | grep -v '^$'
}

t_pids_matching() {
    for _d in /proc/[0-9]*; do
        _c=$(tr '\0' ' ' < "$_d/cmdline" 2>/dev/null) || continue
        case $_c in *"$1"*) echo "${_d#/proc/}" ;; esac
    done
}

t_usr_layout() {
    for _d in bin sbin lib lib32 lib64; do
        if [ -L "/$_d" ]; then printf ' --symlink %s /%s' "$(readlink "/$_d")" "$_d"
        elif [ -d "/$_d" ]; then printf ' --ro-bind /%s /%s' "$_d" "$_d"; fi
    done
}

done_testing() {
    printf '# t-counts: %s %s %s\n' "$T_PASS" "$T_FAILED" "$T_SKIPPED"
    [ "$T_FAILED" -eq 0 ]
}
