# When user namespaces cannot be created, burrow says why and how to fix it (exit 125).
# Provoked without touching the host: in a user namespace of our own, set
# user.max_user_namespaces to 0 for it and its children, then run burrow there.
. "$T_LIB"

# burrow(1), DIAGNOSTICS, inside a container: "Container runtimes' default seccomp profiles
# forbid unshare(2) (burrow detects that it runs under a seccomp filter)". burrow inside
# builtin:sandbox, whose filter denies nested namespaces, is such a case.
expect_err "userns: under a seccomp filter that forbids it, burrow says so (125)" 125 \
    "cannot create a user namespace: Operation not permitted: a seccomp filter forbids it" \
    "$T_BURROW" --profile builtin:sandbox --ro-bind /usr /usr $(t_usr_layout) --ro-bind "$T_BURROW" /burrow --chdir / -- \
    /burrow --ro-bind /usr /usr --chdir / -- /usr/bin/true

if ! unshare -Ur sh -c 'echo 0 > /proc/sys/user/max_user_namespaces' 2>/dev/null; then
    skip "userns: max_user_namespaces=0 is diagnosed" \
        "cannot lower user.max_user_namespaces in a user namespace of our own here (no unshare -Ur, or /proc/sys read-only)"
    done_testing
    exit 0
fi

# The exact cause, not only the sysctl's name: a wrong diagnosis may mention it too.
CAUSE="cannot create a user namespace: No space left on device: user namespaces are disabled on this host (user.max_user_namespaces=0); fix: \`sudo sysctl -w user.max_user_namespaces="

limited() {
    unshare -Ur sh -c 'echo 0 > /proc/sys/user/max_user_namespaces && exec "$@"' sh "$@"
}
expect_err "userns: max_user_namespaces=0 gives 125 and names the sysctl" 125 "$CAUSE" \
    limited "$T_BURROW" --host-root --store "$FIX_STORE:$FIX_DEST" -- "$FIX_HELLO"
expect_eq "userns: max_user_namespaces=0: the program did not run" "" "$T_OUT"
case $T_ERR in
    "burrow: "*) ok "userns: message starts with burrow:" ;;
    *) fail "userns: message starts with burrow:" "$(t_what)" ;;
esac
# The message says how to fix it (the sysctl to raise).
case $T_ERR in
    *sysctl*) ok "userns: message says how to fix it" ;;
    *) fail "userns: message says how to fix it" "$(t_what)" ;;
esac
expect_err "userns: BURROW_ENGINE=userns: 125 and the sysctl" 125 "$CAUSE" \
    limited env BURROW_ENGINE=userns "$T_BURROW" --host-root --store "$FIX_STORE:$FIX_DEST" -- "$FIX_HELLO"
expect_err "userns: diagnosed with a profile too" 125 "$CAUSE" \
    limited "$T_BURROW" --profile builtin:sandbox --chdir / -- /bin/true
expect_err "userns: diagnosed with a pid namespace" 125 "$CAUSE" \
    limited "$T_BURROW" --host-root --unshare-pid -- /bin/true
# --print-plan and --check need no namespace: they still work.
expect_status "userns: --print-plan works without user namespaces" 0 \
    limited "$T_BURROW" --host-root --print-plan -- /bin/true
# Sanity: the same command works where namespaces are allowed.
expect_out "userns: the same launch works with namespaces allowed" "hello: $FIX_GREETING" \
    unshare -Ur "$T_BURROW" --host-root --store "$FIX_STORE:$FIX_DEST" -- "$FIX_HELLO"

done_testing
