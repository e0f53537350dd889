# burrow-pack check PACK [-- ENTRY ARG...]: a pack's entries run with the host's root hidden
# (BURROW_HOST=none) from a private unpacked copy. A program that needs a host file runs
# normally and fails under check, naming the file; a self-contained pack passes; -f dir
# packs are checked in place; images, single-file packs, non-packs, missing packs and
# unknown entries are usage errors (125); the temporary directory goes away also on a
# failure and on SIGINT; hostile members are refused.
. "$T_LIB"

if [ -z "$T_PACK" ] || [ ! -x "$T_PACK" ]; then
    fail "check: burrow-pack is built" "T_PACK='$T_PACK' is not an executable"
    done_testing
    exit
fi

# A store of our own: the fixture's, plus two scripts whose interpreter is the store's sh.
S=$T_TMP/store
cp -R "$FIX_STORE" "$S"
SH=$FIX_DEST/$FIX_ITEM_DASH/bin/sh
TOOL=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-tool-1.0
NEEDY=bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-needy-1.0
mkdir -p "$S/$TOOL/bin" "$S/$NEEDY/bin"
printf '#!%s\necho "tool 1.0"\n' "$SH" >"$S/$TOOL/bin/tool"
printf '#!%s\n. /etc/os-release && echo "needy 1.0"\n' "$SH" >"$S/$NEEDY/bin/needy"
chmod 755 "$S/$TOOL/bin/tool" "$S/$NEEDY/bin/needy"

# Private temporary directories of check go here, so that the test can see them.
TD=$T_TMP/tmpdir
mkdir "$TD"
tmp_left() { ls -A "$TD"; }

N=$T_TMP/needy.tar.gz
check "check: pack tool and needy" "$T_PACK" --store "$S:$FIX_DEST" "$TOOL" "$NEEDY" \
    -e tool="$FIX_DEST/$TOOL/bin/tool" -e needy="$FIX_DEST/$NEEDY/bin/needy" -o "$N"
mkdir "$T_TMP/u"
tar -xzf "$N" -C "$T_TMP/u"
expect_out "check: needy runs normally (it reads the host's /etc/os-release)" "needy 1.0" "$T_TMP/u/bin/needy" --version
expect_out "check: tool runs normally" "tool 1.0" "$T_TMP/u/bin/tool" --version

t_run env TMPDIR="$TD" "$T_PACK" check "$N"
expect_eq "check: exit 1 when an entry fails" 1 "$T_STATUS"
case $T_OUT in
    *"FAILED  needy (exit 2): "*"/etc/os-release"*) ok "check: needy FAILED, naming the missing host file" ;;
    *) fail "check: needy FAILED, naming the missing host file" "$(t_what)" ;;
esac
case $T_OUT in
    *"ok      tool (exit 0): tool 1.0"*) ok "check: tool is ok, with its --version line" ;;
    *) fail "check: tool is ok, with its --version line" "$(t_what)" ;;
esac
expect_eq "check: one line per entry and a summary" 3 "$(printf '%s\n' "$T_OUT" | wc -l)"
case $T_OUT in
    *"$N: 1 of 2 entries passed with the host's root hidden"*) ok "check: the summary counts them" ;;
    *) fail "check: the summary counts them" "$(t_what)" ;;
esac
expect_eq "check: the temporary directory is removed after a failure" "" "$(tmp_left)"
expect_eq "check: the unpacked copy was private (the user's is untouched)" "needy 1.0" \
    "$("$T_TMP/u/bin/needy" --version 2>&1)"

# ENTRY and its arguments.
t_run env TMPDIR="$TD" "$T_PACK" check "$N" -- tool --ignored
case $T_STATUS:$T_OUT in
    "0:ok      tool (exit 0): tool 1.0"*"1 of 1 entries"*) ok "check -- tool: only that entry, exit 0" ;;
    *) fail "check -- tool: only that entry, exit 0" "$(t_what)" ;;
esac
t_run env TMPDIR="$TD" "$T_PACK" check "$N" -- needy
case $T_STATUS:$T_OUT in
    "1:FAILED  needy (exit 2)"*"/etc/os-release"*) ok "check -- needy: fails, exit 1" ;;
    *) fail "check -- needy: fails, exit 1" "$(t_what)" ;;
esac

# A self-contained pack passes, as a tarball and as a directory.
T=$T_TMP/tool.tar.gz
check "check: pack tool alone" "$T_PACK" --store "$S:$FIX_DEST" "$TOOL" -e tool="$FIX_DEST/$TOOL/bin/tool" -o "$T"
t_run env TMPDIR="$TD" "$T_PACK" check "$T"
case $T_STATUS:$T_OUT in
    "0:ok      tool (exit 0): tool 1.0"*"$T: 1 of 1 entries"*) ok "check: a self-contained pack passes (exit 0)" ;;
    *) fail "check: a self-contained pack passes (exit 0)" "$(t_what)" ;;
esac
expect_eq "check: the temporary directory is removed after success" "" "$(tmp_left)"
check "check: pack hello and sh as -f dir" "$T_PACK" --store "$FIX_STORE:$FIX_DEST" "$FIX_ITEM_HELLO" \
    -e hello="$FIX_HELLO" -e sh="$SH" -f dir -o "$T_TMP/hello.d"
t_run env TMPDIR="$TD" "$T_PACK" check "$T_TMP/hello.d" -- sh -c 'echo in-sh; test ! -e /etc/os-release'
case $T_STATUS:$T_OUT in
    "0:ok      sh (exit 0): in-sh"*) ok "check: a -f dir pack, in place, the host's /etc hidden" ;;
    *) fail "check: a -f dir pack, in place, the host's /etc hidden" "$(t_what)" ;;
esac
t_run env TMPDIR="$TD" "$T_PACK" check "$T_TMP/hello.d" -- sh -c '. /etc/os-release'
case $T_STATUS:$T_OUT in
    "1:FAILED  sh (exit 2): "*"/etc/os-release"*) ok "check: a -f dir pack's failure names the file" ;;
    *) fail "check: a -f dir pack's failure names the file" "$(t_what)" ;;
esac
t_run env TMPDIR="$TD" "$T_PACK" check "$T_TMP/hello.d" -- hello --exit 3
case $T_STATUS:$T_OUT in
    "1:FAILED  hello (exit 3)"*) ok "check: a non-zero exit status is a failure, and shown" ;;
    *) fail "check: a non-zero exit status is a failure, and shown" "$(t_what)" ;;
esac
t_run env TMPDIR="$TD" "$T_PACK" check "$T_TMP/hello.d" -- hello --signal 15
case $T_STATUS:$T_OUT in
    "1:FAILED  hello (killed by SIGTERM)"*|"1:FAILED  hello (exit 143)"*) ok "check: death by a signal is a failure" ;;
    *) fail "check: death by a signal is a failure" "$(t_what)" ;;
esac
check "check: a -f dir pack is left as it was" "$T_PACK" verify "$T_TMP/hello.d"

# Usage errors: 125 and a message saying what to give.
expect_err "check: a missing PACK" 125 "cannot read the pack $T_TMP/nope.tar.gz: No such file" \
    "$T_PACK" check "$T_TMP/nope.tar.gz"
expect_err "check: no PACK" 125 "exactly one PACK" "$T_PACK" check
expect_err "check: -- without ENTRY" 125 "followed by the ENTRY" "$T_PACK" check "$T" --
expect_err "check: an unknown ENTRY lists the entries" 125 "has no entry 'nope' (entries: needy, tool)" \
    "$T_PACK" check "$N" -- nope
echo "just text" >"$T_TMP/not-a-pack"
expect_err "check: a file that is not a pack" 125 "is not a burrow pack; check needs a tarball pack (-f tarball), a directory pack (-f dir) or a single file (-f run)" \
    "$T_PACK" check "$T_TMP/not-a-pack"
mkdir "$T_TMP/emptydir"
expect_err "check: a directory that is not a pack" 125 "is not a burrow pack" "$T_PACK" check "$T_TMP/emptydir"
check "check: pack an OCI image" "$T_PACK" --store "$S:$FIX_DEST" "$TOOL" -e tool="$FIX_DEST/$TOOL/bin/tool" \
    -f oci -o "$T_TMP/img.oci"
expect_err "check: an OCI layout is refused" 125 "is a container image (-f docker or -f oci); check needs a tarball" \
    "$T_PACK" check "$T_TMP/img.oci"
check "check: pack a docker archive" "$T_PACK" --store "$S:$FIX_DEST" "$TOOL" -e tool="$FIX_DEST/$TOOL/bin/tool" \
    -f docker -o "$T_TMP/img.tar"
expect_err "check: a docker archive is refused" 125 "is a container image" "$T_PACK" check "$T_TMP/img.tar"
check "check: pack a single file (-f run)" "$T_PACK" --store "$S:$FIX_DEST" "$TOOL" -e tool="$FIX_DEST/$TOOL/bin/tool" \
    -f run -o "$T_TMP/tool.run"
t_run env TMPDIR="$TD" "$T_PACK" check "$T_TMP/tool.run" -- tool --version
expect_eq "check: a single-file pack's tarball is unpacked and its entry runs" "0" "$T_STATUS"
case $T_OUT in
    *"ok"*"tool (exit 0): tool 1.0"*) ok "check: ... and the line says ok, with what it printed" ;;
    *) fail "check: ... and the line says ok, with what it printed" "$(t_what)" ;;
esac
expect_eq "check: ... and its temporary directory is gone" "" "$(ls -A "$TD")"
if [ "$(id -u)" != 0 ]; then
    cp "$T" "$T_TMP/unreadable.tar.gz"
    chmod 000 "$T_TMP/unreadable.tar.gz"
    expect_err "check: an unreadable PACK" 125 "cannot read the pack $T_TMP/unreadable.tar.gz: Permission denied" \
        "$T_PACK" check "$T_TMP/unreadable.tar.gz"
    chmod 600 "$T_TMP/unreadable.tar.gz"
else
    skip "check: an unreadable PACK" "root reads every file"
fi
expect_eq "check: usage errors leave no temporary directory" "" "$(tmp_left)"

# A hostile member ("../x") is refused before anything is run; nothing lands outside.
mkdir "$T_TMP/h" "$T_TMP/h/in"
tar -xzf "$T" -C "$T_TMP/h/in"
echo evil >"$T_TMP/h/escaped"
(cd "$T_TMP/h/in" && tar -cPzf "$T_TMP/hostile.tar.gz" .burrow bin gnu ../escaped)
t_run tar -tzPf "$T_TMP/hostile.tar.gz"
case $T_OUT in
    *"../escaped"*) ok "check: the hostile tarball has a ../ member" ;;
    *) fail "check: the hostile tarball has a ../ member" "$(t_what)" ;;
esac
mkdir "$TD/sub"
t_run env TMPDIR="$TD/sub" "$T_PACK" check "$T_TMP/hostile.tar.gz"
case $T_STATUS:$T_ERR in
    1:*"member ../escaped: has"*"not unpacking it"*) ok "check: a ../ member is refused (exit 1)" ;;
    *) fail "check: a ../ member is refused (exit 1)" "$(t_what)" ;;
esac
case $T_OUT in
    *"ok "*|*"FAILED"*) fail "check: ... and nothing ran" "$(t_what)" ;;
    *) ok "check: ... and nothing ran" ;;
esac
expect_eq "check: ... nothing was written beside the temporary directory" "" "$(ls -A "$TD/sub")"
rmdir "$TD/sub"

# A bomb: the same pack with a member of 80 MiB of zeros more than its manifest accounts for.
rm -rf "$T_TMP/h/escaped"
head -c $((80 << 20)) /dev/zero >"$T_TMP/h/in/gnu/zeros"
(cd "$T_TMP/h/in" && tar -czf "$T_TMP/bomb.tar.gz" .burrow bin gnu)
rm -f "$T_TMP/h/in/gnu/zeros"
mkdir "$TD/sub"
t_run env TMPDIR="$TD/sub" "$T_PACK" check "$T_TMP/bomb.tar.gz"
case $T_STATUS:$T_ERR in
    1:*"member gnu/zeros: takes the pack past the "*"bytes its manifest accounts for"*) ok "check: more bytes than the manifest accounts for are not unpacked (exit 1)" ;;
    *) fail "check: more bytes than the manifest accounts for are not unpacked (exit 1)" "$(t_what)" ;;
esac
expect_eq "check: ... and its temporary directory is gone" "" "$(ls -A "$TD/sub")"
rmdir "$TD/sub"

# SIGINT while an entry runs: the entry is killed, the temporary directory removed.
H=$T_TMP/hello.tar.gz
check "check: pack hello" "$T_PACK" --store "$FIX_STORE:$FIX_DEST" "$FIX_ITEM_HELLO" -e hello="$FIX_HELLO" -o "$H"
env TMPDIR="$TD" "$T_PACK" check "$H" -- hello --sleep 37 >"$T_TMP/int.out" 2>"$T_TMP/int.err" &
cpid=$!
i=0
while [ $i -lt 100 ] && [ -z "$(t_pids_matching "--sleep 37" 2>/dev/null)" ]; do sleep 0.1; i=$((i + 1)); done
if [ -n "$(t_pids_matching "--sleep 37" 2>/dev/null)" ]; then ok "check: the entry runs"; else fail "check: the entry runs" "$(cat "$T_TMP/int.err")"; fi
expect_eq "check: while it runs, its private directory exists" 1 "$(tmp_left | wc -l)"
kill -INT "$cpid"
st=0
wait "$cpid" || st=$?
expect_eq "check: SIGINT: exit 130" 130 "$st"
case $(cat "$T_TMP/int.err") in
    *"check: interrupted by SIGINT; removed the unpacked pack"*) ok "check: SIGINT: says so" ;;
    *) fail "check: SIGINT: says so" "$(cat "$T_TMP/int.err")" ;;
esac
expect_eq "check: SIGINT: the temporary directory is removed" "" "$(tmp_left)"
expect_eq "check: SIGINT: the entry is gone" "" "$(t_pids_matching "--sleep 37" 2>/dev/null)"

check "check: --help lists check" sh -c '"$1" --help | grep -q "check PACK \[-- ENTRY"' sh "$T_PACK"
done_testing
