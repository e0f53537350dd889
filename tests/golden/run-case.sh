#!/bin/sh
# Prints the normalized --print-plan of one golden case (used by update.sh and by
# tests/integration/t_runtime_plan_golden.sh).
#   sh run-case.sh BURROW SRC FIX_STORE NAME
# SRC is the tree holding profiles/ and tests/golden/; the current directory is @CWD@.
set -u
BURROW=$1 SRC=$2 FIX_STORE=$3 NAME=$4
G=$SRC/tests/golden
case $NAME in
    profile-*)
        set -- --print-plan --profile "$SRC/profiles/${NAME#profile-}.json" -- /bin/echo golden "two words" ;;
    *)
        line=$(grep "^${NAME}[[:space:]]" "$G/cases.list") || { echo "run-case.sh: no case $NAME" >&2; exit 2; }
        args=$(printf '%s\n' "${line#"$NAME"}" | sed "s|@FIX_STORE@|$FIX_STORE|g")
        eval "set -- $args" ;;
esac
out=$("$BURROW" "$@") || { st=$?; echo "run-case.sh: $NAME: burrow exited $st" >&2; exit 1; }
printf '%s\n' "$out" | python3 "$G/normalize.py" "$(id -u)" "$(id -g)" "$(id -un 2>/dev/null || id -u)" \
    "CWD=$(pwd -P)" "SRC=$SRC" "HOME=${HOME:-}" "FIX_STORE=$FIX_STORE" "BURROW_DIR=$(dirname "$BURROW")"
