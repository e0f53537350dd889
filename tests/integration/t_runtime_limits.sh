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

done_testing
