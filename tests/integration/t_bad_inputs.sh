# Bad inputs: each case in bad/ must fail with the exact message and status.
#
#   bad/NAME.expect   line 1: the exit status (125, 126 or 127); then the exact stderr.
#                     If line 2 starts with "~ ", every "~ " line is a substring that
#                     stderr must contain instead (for messages that embed host details).
#                     Placeholders: @BAD@ (this directory), @TMP@ (the test's temp dir and
#                     cwd), @BURROW_DIR@ (directory of the burrow binary), @FIX_STORE@,
#                     @FIX_HELLO@, @FIX_GLIBC@ (the fixture's C library item, inside).
#   bad/NAME.case     optional, sourced in a subshell: sets the arguments with `set --`, may
#                     create files in $T_TMP, may set RUN (a program to run instead of
#                     burrow, e.g. a pack entry). Without it: --profile bad/NAME.json -- /bin/true.
# T_BAD_GENERATE=DIR writes each case's actual result to DIR/NAME.expect (for review when
# adding cases; never copy them over without reading them).
. "$T_LIB"

BAD=$(cd "$(dirname "$T_LIB")/bad" && pwd -P)
TMP=$(pwd -P)
BDIR=$(dirname "$T_BURROW")

subst() {
    sed -e "s|@BAD@|$BAD|g" -e "s|@TMP@|$TMP|g" -e "s|@BURROW_DIR@|$BDIR|g" \
        -e "s|@FIX_STORE@|$FIX_STORE|g" -e "s|@FIX_HELLO@|$FIX_HELLO|g" -e "s|@FIX_GLIBC@|$FIX_DEST/$FIX_ITEM_GLIBC|g"
}
unsubst() {
    sed -e "s|$FIX_HELLO|@FIX_HELLO@|g" -e "s|$FIX_DEST/$FIX_ITEM_GLIBC|@FIX_GLIBC@|g" -e "s|$FIX_STORE|@FIX_STORE@|g" \
        -e "s|$BAD|@BAD@|g" \
        -e "s|$TMP|@TMP@|g" -e "s|$BDIR|@BURROW_DIR@|g"
}

n=0
for exp in "$BAD"/*.expect; do
    [ -f "$exp" ] || continue
    name=${exp##*/}
    name=${name%.expect}
    n=$((n + 1))
    rm -rf "$T_TMP/case"
    mkdir "$T_TMP/case"
    (
        RUN=$T_BURROW
        if [ -f "$BAD/$name.case" ]; then
            . "$BAD/$name.case"
        else
            set -- --profile "$BAD/$name.json" -- /bin/true
        fi
        exec "$RUN" "$@"
    ) > "$T_TMP/case/out" 2> "$T_TMP/case/err" < /dev/null
    st=$?
    if [ -n "${T_BAD_GENERATE:-}" ]; then
        { echo "$st"; unsubst < "$T_TMP/case/err"; } > "$T_BAD_GENERATE/$name.expect"
    fi
    want_st=$(sed -n 1p "$exp")
    sed 1d "$exp" | subst > "$T_TMP/case/want"
    err=$(cat "$T_TMP/case/err")
    what="status $st; stderr: $err"
    if [ "$st" != "$want_st" ]; then
        fail "bad: $name" "expected status $want_st; $what"
    elif [ -s "$T_TMP/case/out" ]; then
        fail "bad: $name" "expected no output on stdout, got: $(cat "$T_TMP/case/out")"
    elif [ "$(sed -n '1s/^\(..\).*/\1/p' "$T_TMP/case/want")" = "~ " ]; then
        missing=
        while IFS= read -r line; do
            case $err in *"${line#"~ "}"*) ;; *) missing="$missing '${line#"~ "}'" ;; esac
        done < "$T_TMP/case/want"
        if [ -z "$missing" ]; then ok "bad: $name"
        else fail "bad: $name" "stderr lacks$missing; $what"; fi
    elif cmp -s "$T_TMP/case/want" "$T_TMP/case/err"; then
        ok "bad: $name"
    else
        fail "bad: $name" "expected stderr: $(cat "$T_TMP/case/want"); $what"
    fi
done
# The suite itself: enough cases, and every profile or case file has an expectation.
if [ "$n" -ge 25 ]; then ok "bad: at least 25 cases ($n)"; else fail "bad: at least 25 cases" "only $n"; fi
orphans=
for f in "$BAD"/*.json "$BAD"/*.case; do
    b=${f##*/}; b=${b%.*}
    [ "$b" = cycle-b ] && continue   # only reached through cycle-a
    [ -f "$BAD/$b.expect" ] || orphans="$orphans $b"
done
expect_eq "bad: every case has an .expect file" "" "$orphans"

# Empty paths (an unset variable) never mean the current directory.
mkdir -p "$T_TMP/cwd-guard" && cd "$T_TMP/cwd-guard" || exit 1
expect_err "bad: --bind with an empty SRC" 125 "--bind: SRC is empty (an unset variable?)" \
    "$T_BURROW" --host-root --bind "" /mnt -- /bin/true
expect_err "bad: --root ''" 125 "--root: DIR is empty (an unset variable?)" "$T_BURROW" --root "" -- /bin/true
cd "$T_TMP" || exit 1
expect_err "bad: --setenv with a slash names the option" 125 "command line: --setenv A/B: invalid variable name" \
    "$T_BURROW" --setenv A/B x -- /bin/true

done_testing
