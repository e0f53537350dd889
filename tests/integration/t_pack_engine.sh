# Pack entries under the other engines: forced proot (shipped in the pack or from PATH),
# and the auto engine falling back to proot when user namespaces are disabled (a nested
# user namespace with user.max_user_namespaces=0).
. "$T_LIB"

PROOT=$(command -v proot || true)
if [ -z "$PROOT" ]; then
    fail "engine: proot is installed" "install Debian's proot (make deps)"
    done_testing
    exit
fi

check "engine: pack with --proot" "$T_PACK" --store "$FIX_STORE:$FIX_DEST" "$FIX_ITEM_HELLO" \
    -e hello="$FIX_HELLO" -e hello-script="$FIX_SCRIPT" --proot "$PROOT" -o "$T_TMP/p.tar.gz"
D="$T_TMP/with proot"
mkdir "$D"
tar -xzf "$T_TMP/p.tar.gz" -C "$D"
check "engine: the pack ships .burrow/proot" test -x "$D/.burrow/proot"
check "engine: ... identical to the one given" cmp "$PROOT" "$D/.burrow/proot"
case $("$T_PACK" info --json "$D") in
    *'"proot": {'*) ok "engine: the manifest records proot" ;;
    *) fail "engine: the manifest records proot" "no proot in the manifest" ;;
esac
expect_status "engine: verify checks proot too" 0 "$T_PACK" verify "$D"

# Forced proot, shipped in the pack (no proot on PATH).
expect_out "engine: BURROW_ENGINE=proot with the shipped proot" "hello: $FIX_GREETING" \
    env BURROW_ENGINE=proot PATH=/nonexistent "$D/bin/hello"
expect_status "engine: proot passes the exit status" 3 env BURROW_ENGINE=proot PATH=/nonexistent "$D/bin/hello" --exit 3
expect_out "engine: proot runs the #! script entry" "hello: $FIX_GREETING" \
    env BURROW_ENGINE=proot PATH=/nonexistent "$D/bin/hello-script"
expect_out "engine: proot keeps the cwd" "$T_TMP" sh -c 'cd "$1" && BURROW_ENGINE=proot "$2/bin/hello" --cwd' sh "$T_TMP" "$D"

# Forced proot from PATH, with a pack that does not ship it.
check "engine: pack without proot" "$T_PACK" --store "$FIX_STORE:$FIX_DEST" "$FIX_ITEM_HELLO" \
    -e hello="$FIX_HELLO" -o "$T_TMP/q.tar.gz"
E="$T_TMP/without proot"
mkdir "$E"
tar -xzf "$T_TMP/q.tar.gz" -C "$E"
expect_out "engine: BURROW_ENGINE=proot with proot from PATH" "hello: $FIX_GREETING" \
    env BURROW_ENGINE=proot PATH="$(dirname "$PROOT"):/usr/bin:/bin" "$E/bin/hello"
expect_err "engine: BURROW_ENGINE=proot without any proot" 125 "proot is not on PATH" \
    env BURROW_ENGINE=proot PATH=/nonexistent "$E/bin/hello"
expect_err "engine: BURROW_ENGINE=direct when the store is not in place" 125 "BURROW_ENGINE=direct" \
    env BURROW_ENGINE=direct "$E/bin/hello"
expect_err "engine: an unknown engine" 125 "BURROW_ENGINE=warp" env BURROW_ENGINE=warp "$E/bin/hello"

# User namespaces disabled: inside a user namespace whose max_user_namespaces is 0, as
# uid 0 without capabilities (root holding CAP_SYS_ADMIN would need no user namespace).
nouserns() {
    unshare -Ur sh -c 'echo 0 > /proc/sys/user/max_user_namespaces &&
        exec setpriv --inh-caps=-all --bounding-set=-all "$@"' sh "$@"
}
if unshare -Ur sh -c 'echo 0 > /proc/sys/user/max_user_namespaces && ! unshare -U true' 2>/dev/null; then
    expect_out "engine: auto falls back to the shipped proot" "hello: $FIX_GREETING" nouserns "$D/bin/hello"
    case $T_ERR in *"falling back to proot"*) ok "engine: ... and says so on stderr" ;; *) fail "engine: ... and says so on stderr" "$(t_what)" ;; esac
    expect_status "engine: auto fallback passes the exit status" 4 nouserns "$D/bin/hello" --exit 4
    expect_out "engine: auto falls back to proot from PATH" "hello: $FIX_GREETING" \
        nouserns env PATH="$(dirname "$PROOT"):/usr/bin:/bin" "$E/bin/hello"
    expect_err "engine: no fallback without proot: the diagnosis" 125 "max_user_namespaces" \
        nouserns env PATH=/nonexistent "$E/bin/hello"
    expect_err "engine: BURROW_ENGINE=userns does not fall back" 125 "max_user_namespaces" \
        nouserns env BURROW_ENGINE=userns "$D/bin/hello"
    # burrow(1), Engines, proot: "In auto mode this fallback is taken only for pack entries; a
    # command line such as burrow --host-root --store ... stops with the diagnosis instead (exit
    # 125). BURROW_ENGINE=proot forces it for any plan that qualifies"; "A sandbox, or any plan
    # that needs more than the host root plus stores, never falls back."
    PP="$(dirname "$PROOT"):/usr/bin:/bin"
    expect_err "engine: a command line does not fall back in auto mode" 125 "max_user_namespaces" \
        nouserns env PATH="$PP" "$T_BURROW" --host-root --store "$FIX_STORE:$FIX_DEST" -- "$FIX_HELLO"
    expect_out "engine: ... BURROW_ENGINE=proot runs it" "hello: $FIX_GREETING" \
        nouserns env PATH="$PP" BURROW_ENGINE=proot "$T_BURROW" --host-root --store "$FIX_STORE:$FIX_DEST" -- "$FIX_HELLO"
    expect_err "engine: BURROW_ENGINE=proot refuses a plan with more than the host root and stores" 125 "BURROW_ENGINE=proot" \
        nouserns env PATH="$PP" BURROW_ENGINE=proot "$T_BURROW" --host-root --store "$FIX_STORE:$FIX_DEST" \
        --tmpfs /tmp -- "$FIX_HELLO"
else
    fail "engine: nested max_user_namespaces=0" "cannot set up a user namespace without user namespaces here"
fi

# A pack entry run inside builtin:sandbox: nested namespaces are denied there, and so is
# ptrace, so the proot fallback would only fail later: a 125 that says why, no fallback.
LAYOUT=$(t_usr_layout)
# shellcheck disable=SC2086
expect_err "engine: inside builtin:sandbox, the diagnosis names the sandbox" 125 \
    "burrow's builtin:sandbox denies nested namespaces" \
    "$T_BURROW" --profile builtin:sandbox --ro-bind /usr /usr $LAYOUT --ro-bind "$D" /pack --chdir / -- /pack/bin/hello
case $T_ERR in
    *"no fallback: proot needs ptrace"*) ok "engine: ... and there is no proot fallback where ptrace is denied" ;;
    *) fail "engine: ... and there is no proot fallback where ptrace is denied" "$(t_what)" ;;
esac

done_testing
