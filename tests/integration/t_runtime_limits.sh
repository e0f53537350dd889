# Resource limits with size suffixes, from a profile and from --rlimit, really in force
# for the program; bad names and values are errors naming the option or JSON path.
. "$T_LIB"

B=$T_BURROW
expect_out "--rlimit: nofile=64" "64" "$B" --host-root --rlimit nofile=64 -- sh -c 'ulimit -n'
expect_out "--rlimit: as=256m (ulimit -v shows KiB)" "262144" "$B" --host-root --rlimit as=256m -- sh -c 'ulimit -v'
expect_out "--rlimit: SOFT:HARD" "0 unlimited" "$B" --host-root --rlimit CORE=0:unlimited -- sh -c 'echo $(ulimit -Sc) $(ulimit -Hc)'
expect_out "--rlimit: a later one wins" "32" "$B" --host-root --rlimit nofile=64 --rlimit RLIMIT_NOFILE=32 -- sh -c 'ulimit -n'

# A profile with a suffixed FSIZE: writing past it fails inside (SIGXFSZ ignored, EFBIG).
cat > "$T_TMP/fsize.json" <<'JSON'
{ "version": 1, "extends": "builtin:pack", "process": { "rlimits": { "RLIMIT_FSIZE": "4k" } } }
JSON
mkdir "$T_TMP/w"
t_run "$B" --profile "$T_TMP/fsize.json" --chdir "$T_TMP/w" -- sh -c \
    'trap "" XFSZ; head -c 4096 /dev/zero > ok && head -c 8192 /dev/zero > big; echo $?'
expect_eq "profile: \"4k\" allows 4096 bytes" 4096 "$(wc -c < "$T_TMP/w/ok")"
expect_eq "profile: and stops the file at 4 KiB" 4096 "$(wc -c < "$T_TMP/w/big")"

expect_err "bad: an unknown name names the option" 125 \
    '--rlimit nofle=1: unknown resource limit "RLIMIT_NOFLE"; did you mean "RLIMIT_NOFILE"?' \
    "$B" --host-root --rlimit nofle=1 -- true
expect_err "bad: a bad value names the option" 125 '--rlimit as=2x: expected an unsigned integer (a k, m or g suffix allowed' \
    "$B" --host-root --rlimit as=2x -- true
expect_err "bad: no =" 125 "--rlimit nofile: expected NAME=VALUE" "$B" --host-root --rlimit nofile -- true
printf '{ "version": 1, "process": { "rlimits": { "RLIMIT_AS": "1t" } } }\n' > "$T_TMP/bad.json"
expect_err "bad: a profile value names the file and path" 125 "$T_TMP/bad.json: /process/rlimits/RLIMIT_AS: expected" \
    "$B" --profile "$T_TMP/bad.json" -- true

# cgroup v2 limits (--memory, --cpus, --pids, profile "limits"). Which path runs depends on
# the host: where the caller's cgroup v2 cgroup offers the controllers and may be written,
# the limits are checked in force; elsewhere (a hybrid host keeps memory on cgroup v1) the
# refusal is checked, and the success path is reported as skipped with the reason.
t_run "$B" --print-plan --memory 64m --cpus 0.5 --pids 9 -- true
case $T_OUT in
*'"op": "cgroup"'*'"memory": 67108864'*'"cpuMax": "50000 100000"'*'"pids": 9'*) ok "cgroup: --print-plan shows the cgroup step" ;;
*) fail "cgroup: --print-plan shows the cgroup step" "$(t_what)" ;;
esac
cg_rel=$(sed -n 's/^0:://p' /proc/self/cgroup)
cg_mnt=$(awk '{for (i = 7; i < NF; i++) if ($i == "-") { if ($(i + 1) == "cgroup2") print $5; break }}' /proc/self/mountinfo | head -n1)
if [ -z "$cg_mnt" ] || [ -z "$cg_rel" ]; then
    expect_err "cgroup: no cgroup v2 hierarchy is an error" 125 "--memory 64m: cannot limit the sandbox: the limits need a cgroup v2 hierarchy" \
        "$B" --host-root --memory 64m -- true
    skip "cgroup: limits in force" "this host has no cgroup v2 hierarchy for this process"
else
    cg_dir=$cg_mnt; [ "$cg_rel" = / ] || cg_dir=$cg_mnt$cg_rel
    offered=" $(cat "$cg_dir/cgroup.controllers" 2>/dev/null) "
    usable=yes
    for c in memory pids cpu; do case $offered in *" $c "*) ;; *) usable=no ;; esac; done
    [ -w "$cg_dir" ] || usable=no
    if [ $usable = yes ]; then
        # The program's own cgroup (seen through the host's /sys) has the limits.
        t_run "$B" --host-root --memory 64m --pids 9 --cpus 0.5 -- sh -c \
            'd='"$cg_mnt"'$(sed -n "s/^0:://p" /proc/self/cgroup); echo $(cat $d/memory.max $d/pids.max $d/cpu.max) ${d##*/}'
        case $T_OUT in
        "67108864 9 50000 100000 burrow-"*) ok "cgroup: the program runs in burrow-PID with memory.max, pids.max, cpu.max" ;;
        *) fail "cgroup: the program runs in burrow-PID with memory.max, pids.max, cpu.max" "$(t_what)" ;;
        esac
        t_run "$B" --host-root --pids 6 -- sh -c 'i=0; while [ $i -lt 12 ]; do sleep 3 & i=$((i + 1)); done; wait' 
        case $T_ERR in
        *"fork"*|*"Resource temporarily unavailable"*|*"Cannot"*) ok "cgroup: --pids 6 stops the 7th process" ;;
        *) fail "cgroup: --pids 6 stops the 7th process" "$(t_what)" ;;
        esac
        expect_eq "cgroup: no burrow-* cgroup is left behind" "" "$(ls "$cg_dir" | grep -E '^burrow-[0-9]+$')"
    else
        case $offered in *" memory "*) miss= ;; *) miss="it does not offer the memory controller" ;; esac
        expect_err "cgroup: refused with the reason (cgroup $cg_dir offers:$offered)" 125 \
            "--memory 64m: cannot limit the sandbox in cgroup $cg_dir: $miss" "$B" --host-root --memory 64m -- true
        if [ ! -w "$cg_dir" ]; then
            expect_err "cgroup: a cgroup not delegated to the caller is named so" 125 \
                "it is not delegated to uid $(id -u)" "$B" --host-root --pids 10 -- true
        fi
        if grep -q '^[0-9]*:memory:' /proc/self/cgroup && [ -n "$miss" ]; then
            expect_err "cgroup: a hybrid host gets the v1 hint" 125 "this host runs memory as cgroup v1" \
                "$B" --host-root --memory 64m -- true
        fi
        expect_eq "cgroup: nothing is left behind by the refusal" "" "$(ls "$cg_dir" | grep -E '^burrow-[0-9]+$')"
        skip "cgroup: limits in force" "cgroup $cg_dir offers only:$offered(memory, cpu and pids are needed)$([ -w "$cg_dir" ] || echo ", and is not writable by uid $(id -u)")"
    fi
fi
printf '{ "version": 1, "extends": "builtin:pack", "limits": { "memory": "1x" } }\n' > "$T_TMP/cg.json"
expect_err "cgroup: a bad profile limit names the file and path" 125 \
    "$T_TMP/cg.json: /limits/memory: expected a size in bytes" "$B" --profile "$T_TMP/cg.json" -- true
expect_err "cgroup: a bad --cpus names the option" 125 "command line: --cpus none: expected a number of CPUs" \
    "$B" --host-root --cpus none -- true
expect_err "cgroup: --pids 0 names the option" 125 "command line: --pids 0: expected a number of processes from 1" \
    "$B" --host-root --pids 0 -- true

done_testing
