# Many launches: nothing is left behind on the host (mounts, temp dirs, processes), and
# concurrent launches do not interfere.
. "$T_LIB"

run() { "$T_BURROW" --host-root --store "$FIX_STORE:$FIX_DEST" "$@"; }
me=$(id -u)
# Directories in /tmp (and $TMPDIR) owned by this user, and anything named after burrow:
# burrow must not add any. (Other files come and go with whatever else runs on the host;
# burrow-it.* are test runs.)
tmp_entries() {
    find /tmp ${TMPDIR:+"$TMPDIR"} -mindepth 1 -maxdepth 1 -user "$me" ! -name 'burrow-it.*' \
        \( -type d -o -name '*burrow*' \) 2>/dev/null | sort
}
mounts() { cut -d' ' -f5- /proc/self/mountinfo | sort; }
# This user's processes called burrow.
burrows() {
    for d in /proc/[0-9]*; do
        [ "$(cat "$d/comm" 2>/dev/null)" = burrow ] && [ "$(stat -c %u "$d" 2>/dev/null)" = "$me" ] && echo "${d#/proc/}"
    done
}

mounts > "$T_TMP/mounts.before"
tmp_entries > "$T_TMP/tmp.before"
burrows | sort > "$T_TMP/procs.before"

fails=0 first=
i=0
while [ $i -lt 200 ]; do
    case $((i % 4)) in
        0) out=$(run -- "$FIX_HELLO" 2>&1) ;;
        1) out=$(run --unshare-pid -- "$FIX_HELLO" 2>&1) ;;
        2) out=$("$T_BURROW" --store "$FIX_STORE:$FIX_DEST" --chdir / --tmpfs /tmp --dev /dev -- "$FIX_HELLO" 2>&1) ;;
        3) out=$(run --unshare-all --proc /proc --ro-bind "$T_TMP" /mnt -- "$FIX_HELLO" 2>&1) ;;
    esac
    if [ "$out" != "hello: $FIX_GREETING" ]; then
        fails=$((fails + 1))
        [ -z "$first" ] && first="launch $i: $out"
    fi
    i=$((i + 1))
done
expect_eq "stress: 200 sequential launches succeed" "0 failed" "$fails failed${first:+ ($first)}"
mounts > "$T_TMP/mounts.after"
tmp_entries > "$T_TMP/tmp.after"
expect_eq "stress: no new mount on the host after 200 launches" "" "$(comm -13 "$T_TMP/mounts.before" "$T_TMP/mounts.after")"
# (Only new entries count: others' temp dirs may disappear meanwhile.)
expect_eq "stress: no new entry in /tmp after 200 launches" "" "$(comm -13 "$T_TMP/tmp.before" "$T_TMP/tmp.after")"
# Killed launches (SIGKILL mid-run) leave nothing behind either.
i=0
while [ $i -lt 10 ]; do
    run --unshare-pid -- "$FIX_HELLO" --signal 9 >/dev/null 2>&1
    run -- "$FIX_HELLO" --signal 9 >/dev/null 2>&1
    i=$((i + 1))
done
mounts > "$T_TMP/mounts.after"
tmp_entries > "$T_TMP/tmp.after"
expect_eq "stress: no new mount after killed launches" "" "$(comm -13 "$T_TMP/mounts.before" "$T_TMP/mounts.after")"
expect_eq "stress: no new entry in /tmp after killed launches" "" "$(comm -13 "$T_TMP/tmp.before" "$T_TMP/tmp.after")"

# 50 concurrent launches all succeed, each with its own output.
mkdir "$T_TMP/conc"
i=0
while [ $i -lt 50 ]; do
    if [ $((i % 2)) -eq 0 ]; then
        run -- "$FIX_HELLO" --argv "job $i" > "$T_TMP/conc/$i.out" 2>&1 &
    else
        run --unshare-pid -- "$FIX_HELLO" --argv "job $i" > "$T_TMP/conc/$i.out" 2>&1 &
    fi
    i=$((i + 1))
done
wait
bad=0 firstbad=
i=0
while [ $i -lt 50 ]; do
    want=$(printf 'job %s' "$i" | od -An -tx1 | tr -d ' \n')
    got=$(cat "$T_TMP/conc/$i.out")
    if [ "$got" != "$want" ]; then
        bad=$((bad + 1))
        [ -z "$firstbad" ] && firstbad="job $i: $got"
    fi
    i=$((i + 1))
done
expect_eq "stress: 50 concurrent launches all succeed" "0 failed" "$bad failed${firstbad:+ ($firstbad)}"
# The exit status of each concurrent launch is its own.
i=0
while [ $i -lt 20 ]; do
    ( run -- "$FIX_HELLO" --exit $((i + 100)); echo $? > "$T_TMP/conc/st$i" ) &
    i=$((i + 1))
done
wait
bad=0
i=0
while [ $i -lt 20 ]; do
    [ "$(cat "$T_TMP/conc/st$i")" = $((i + 100)) ] || bad=$((bad + 1))
    i=$((i + 1))
done
expect_eq "stress: 20 concurrent launches each return their own status" 0 "$bad"

mounts > "$T_TMP/mounts.after"
expect_eq "stress: no new mount after concurrent launches" "" "$(comm -13 "$T_TMP/mounts.before" "$T_TMP/mounts.after")"
burrows | sort > "$T_TMP/procs.after"
expect_eq "stress: no burrow process left running" "" "$(comm -13 "$T_TMP/procs.before" "$T_TMP/procs.after")"

done_testing
