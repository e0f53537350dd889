# --print-plan golden files: the built-in bases, the stock profiles in profiles/, and a few
# command lines (tests/golden/cases.list). Host-dependent values (cwd, uid, gid, user,
# home, the fixture store's path) are replaced by placeholders before comparing.
# Regenerate with: sh tests/golden/update.sh BUILD   (then review the diff)
. "$T_LIB"

G=$T_SRC/tests/golden
names=$(sed -n 's/^\([a-z0-9][a-z0-9-]*\)[[:space:]].*/\1/p' "$G/cases.list" | tr '\n' ' ')
for p in "$T_SRC"/profiles/*.json; do
    case "$p" in */schema.json) continue ;; esac  # the JSON Schema, not a profile
    [ -f "$p" ] && names="$names profile-$(basename "$p" .json)"
done
for need in builtin-pack builtin-sandbox; do
    case " $names " in
        *" $need "*) ok "golden: case $need is listed" ;;
        *) fail "golden: case $need is listed" "not in tests/golden/cases.list" ;;
    esac
done

for n in $names; do
    if [ ! -f "$G/$n.plan.json" ]; then
        fail "golden: $n" "no tests/golden/$n.plan.json; run: sh tests/golden/update.sh BUILD"
        continue
    fi
    if ! sh "$G/run-case.sh" "$T_BURROW" "$T_SRC" "$FIX_STORE" "$n" > "$T_TMP/$n.json" 2> "$T_TMP/$n.err"; then
        fail "golden: $n" "$(cat "$T_TMP/$n.err")"
        continue
    fi
    if diff -u "$G/$n.plan.json" "$T_TMP/$n.json" > "$T_TMP/$n.diff"; then
        ok "golden: $n"
    else
        fail "golden: $n" "plan differs from tests/golden/$n.plan.json: $(sed -n '3,40p' "$T_TMP/$n.diff" | grep '^[-+]' | head -n 6)"
    fi
done
# No stale golden files for cases that no longer exist.
stale=
for f in "$G"/*.plan.json; do
    b=$(basename "$f" .plan.json)
    case " $names " in *" $b "*) ;; *) stale="$stale $b" ;; esac
done
expect_eq "golden: no stale golden files" "" "$stale"

# --print-plan runs nothing: a plan for a command that would fail still prints, exit 0.
expect_status "print-plan: exits 0 without running the command" 0 \
    "$T_BURROW" --host-root --print-plan -- /nonexistent/program
# --check validates without running.
expect_out "check: prints ok" "ok" sh -c '"$@" | cut -d: -f1' sh \
    "$T_BURROW" --profile builtin:pack --check -- /bin/true

done_testing
