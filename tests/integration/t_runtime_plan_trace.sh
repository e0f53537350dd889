# The plan that --print-plan prints is the plan that runs: every golden case (the built-in
# bases, the stock profiles, tests/golden/cases.list) is launched for real with
# BURROW_TRACE_STEPS, and the steps burrow performed, in the order it performed them, must
# be exactly the "op"s of its --print-plan (its "steps", or its "directSteps" when the
# direct engine runs).
. "$T_LIB"

G=$T_SRC/tests/golden

# The ops of a --print-plan document on stdin, one a line; $1: steps or directSteps.
plan_ops() {
    python3 -c '
import json, sys
for s in json.load(sys.stdin).get(sys.argv[1], []):
    print(s["op"])' "$1"
}

# trace_case NAME ENGINE KEY [WRAPPER...] -- BURROW-ARGS...: the ops of --print-plan for
# BURROW-ARGS (KEY: which list) against the trace of running BURROW-ARGS without
# --print-plan under BURROW_ENGINE=ENGINE (through WRAPPER, e.g. setsid).
trace_case() {
    _name=$1 _engine=$2 _key=$3
    shift 3
    _wrap=
    while [ "$1" != -- ]; do _wrap="$_wrap $1"; shift; done
    shift
    if ! "$T_BURROW" "$@" > "$T_TMP/plan.json" 2> "$T_TMP/plan.err"; then
        fail "trace: $_name" "--print-plan failed: $(cat "$T_TMP/plan.err")"
        return
    fi
    want=$(plan_ops "$_key" < "$T_TMP/plan.json" | tr '\n' ' ')
    _first=1
    for _a do
        [ "$_first" = 1 ] && set -- && _first=0
        [ "$_a" = --print-plan ] || set -- "$@" "$_a"
    done
    : > "$T_TMP/trace"
    # hello (cli-host-store runs it by name) is found in PATH at its store path.
    # shellcheck disable=SC2086
    PATH=${FIX_HELLO%/*}:$PATH BURROW_ENGINE=$_engine BURROW_TRACE_STEPS=9 $_wrap "$T_BURROW" "$@" \
        9> "$T_TMP/trace" > "$T_TMP/run.out" 2> "$T_TMP/run.err" < /dev/null
    _st=$?
    got=$(tr '\n' ' ' < "$T_TMP/trace")
    if [ -z "$want" ]; then
        fail "trace: $_name" "--print-plan lists no $_key"
    elif [ "$want" = "$got" ]; then
        ok "trace: $_name: the steps performed are the printed plan"
    else
        fail "trace: $_name: the steps performed are the printed plan" \
            "printed: $want; performed: $got; status $_st; stderr: $(head -c 300 "$T_TMP/run.err")"
    fi
}

# The golden cases, with the arguments tests/golden/run-case.sh gives them.
names=$(sed -n 's/^\([a-z0-9][a-z0-9-]*\)[[:space:]].*/\1/p' "$G/cases.list" | tr '\n' ' ')
for p in "$T_SRC"/profiles/*.json; do
    case "$p" in */schema.json) continue ;; esac  # the JSON Schema, not a profile
    [ -f "$p" ] && names="$names profile-$(basename "$p" .json)"
done
# They run in / (--chdir /, added before the command when a case has none): the test's
# cwd is not visible in every sandbox, and then the launch would stop at "chdir".
for n in $names; do
    case $n in
        profile-*)
            set -- --print-plan --profile "$T_SRC/profiles/${n#profile-}.json" -- /bin/echo golden "two words" ;;
        *)
            line=$(grep "^${n}[[:space:]]" "$G/cases.list")
            args=$(printf '%s\n' "${line#"$n"}" | sed "s|@FIX_STORE@|$FIX_STORE|g")
            eval "set -- $args" ;;
    esac
    _first=1 _cd=--chdir
    for _a do
        [ "$_first" = 1 ] && set -- && _first=0
        [ "$_a" = --chdir ] && _cd=
        [ "$_a" = -- ] && [ -n "$_cd" ] && set -- "$@" --chdir / && _cd=
        set -- "$@" "$_a"
    done
    trace_case "$n" userns steps -- "$@"
done

# What the golden cases do not reach: the direct engine, the fork for a new session of a
# process-group leader (setsid(1) makes burrow one), and both at once.
trace_case "direct engine" direct directSteps -- \
    --host-root --store "$FIX_STORE:$FIX_STORE" --print-plan -- /bin/true
trace_case "new session, burrow leads its process group" userns steps setsid -w -- \
    --host-root --new-session --die-with-parent --print-plan -- /bin/true
trace_case "direct engine, new session of a group leader" direct directSteps setsid -w -- \
    --host-root --store "$FIX_STORE:$FIX_STORE" --new-session --die-with-parent --print-plan -- true

# The trace names each step once, as it starts: a failing step is the last line.
: > "$T_TMP/trace"
BURROW_TRACE_STEPS=9 "$T_BURROW" --host-root --tmpfs /scratch --bind /nonexistent/src /x --tmpfs /y \
    -- /bin/true 9> "$T_TMP/trace" 2>/dev/null
expect_eq "trace: a failing step is the last one named" "tmpfs bind" "$(tail -n2 "$T_TMP/trace" | tr '\n' ' ' | sed 's/ $//')"
expect_err "trace: BURROW_TRACE_STEPS must be a file descriptor" 125 "BURROW_TRACE_STEPS" \
    env BURROW_TRACE_STEPS=x "$T_BURROW" --host-root -- /bin/true

done_testing
