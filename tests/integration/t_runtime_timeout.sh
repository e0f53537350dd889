# --timeout / process.timeout: SIGTERM when it is up, SIGKILL --kill-after later, exit 124
# (137 when SIGKILL was needed) as timeout(1); with and without a pid namespace; nothing
# the program started is left running.
. "$T_LIB"

B=$T_BURROW
# The outer timeout(1) only keeps a broken build from hanging the suite.
expect_status "timeout: a sleeping program, exit 124" 124 timeout 60 "$B" --host-root --timeout 0.3 -- sleep 30
expect_status "timeout: with a pid namespace, 124" 124 timeout 60 "$B" --host-root --unshare-pid --timeout 0.3 -- sleep 30
expect_status "timeout: SIGTERM ignored, SIGKILL after --kill-after: 137" 137 \
    timeout 60 "$B" --host-root --timeout 0.2 --kill-after 0.2 -- sh -c 'trap "" TERM; while :; do sleep 1; done'
expect_status "timeout: the same in a pid namespace: 137" 137 \
    timeout 60 "$B" --host-root --unshare-pid --timeout 0.2 --kill-after 0.2 -- sh -c 'trap "" TERM; while :; do sleep 1; done'
# burrow(1) --kill-after: "default 5 seconds": SIGKILL comes 5 s after SIGTERM, not sooner.
start=$(date +%s.%N)
expect_status "timeout: without --kill-after, SIGKILL follows: 137" 137 \
    timeout 60 "$B" --host-root --timeout 0.1 -- sh -c 'trap "" TERM; while :; do sleep 0.1; done'
took=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
if awk -v t="$took" 'BEGIN { exit !(t >= 4.9 && t < 15) }'; then ok "timeout: --kill-after is 5 seconds by default"
else fail "timeout: --kill-after is 5 seconds by default" "SIGKILL came after ${took}s"; fi
expect_status "timeout: a program that ends in time keeps its status" 3 "$B" --host-root --timeout 30 -- sh -c 'exit 3'
expect_out "timeout: its output is there" "done" "$B" --host-root --timeout 30 -- sh -c 'echo done'

# What the program started does not outlive a timeout (no pid namespace: burrow is the
# subreaper of the program's tree).
mark="burrow-timeout-left-$$"
cp "$(command -v sleep)" "$T_TMP/$mark"
expect_status "leftovers: a timed-out shell with a background child" 124 \
    timeout 60 "$B" --host-root --timeout 0.3 -- sh -c "'$T_TMP/$mark' 30 & wait"
sleep 0.2
expect_eq "leftovers: the child is gone too" "" "$(t_pids_matching "$mark")"

# The program's process gets the signal: a TERM handler runs.
expect_out "timeout: the program sees SIGTERM" "got TERM" \
    timeout 60 "$B" --host-root --timeout 0.3 -- sh -c 'trap "echo got TERM; exit 0" TERM; sleep 30 & wait'

# --new-session still gets its own session in the timed child: pid == session id.
t_run timeout 60 "$B" --host-root --timeout 30 --new-session -- sh -c 'echo $$ $(cut -d" " -f6 /proc/$$/stat)'
set -- $T_OUT
expect_eq "timeout + --new-session: the program leads its session" "$1" "${2:-none}"

# From a profile, as a number and as a string, with killAfter.
printf '{ "version": 1, "extends": "builtin:pack", "process": { "timeout": 0.3 } }\n' > "$T_TMP/n.json"
printf '{ "version": 1, "extends": "builtin:pack", "process": { "timeout": "300ms", "killAfter": "1s" } }\n' > "$T_TMP/bad.json"
printf '{ "version": 1, "extends": "builtin:pack", "process": { "timeout": "0.2s", "killAfter": 0.2 } }\n' > "$T_TMP/s.json"
expect_status "profile: \"timeout\": 0.3" 124 timeout 60 "$B" --profile "$T_TMP/n.json" -- sleep 30
expect_status "profile: \"timeout\": \"0.2s\" and \"killAfter\"" 137 \
    timeout 60 "$B" --profile "$T_TMP/s.json" -- sh -c 'trap "" TERM; while :; do sleep 1; done'
expect_err "profile: a bad duration names the file and path" 125 \
    "$T_TMP/bad.json: /process/timeout: expected a duration in seconds such as 10, 1.5, \"30s\", \"2m\" or \"1h\", got string \"300ms\"" \
    "$B" --profile "$T_TMP/bad.json" -- true
expect_err "option: a bad duration names the option" 125 '--timeout 5x: expected a duration in seconds' \
    "$B" --host-root --timeout 5x -- true
expect_err "option: --timeout needs a value" 125 '--timeout' "$B" --host-root --timeout

done_testing
