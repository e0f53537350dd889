# Claims of burrow(1) and burrow-profile(5) that no other script checks: each check names
# the claim it covers. (Areas with a script of their own keep their checks there.)
. "$T_LIB"

EROFS="Read-only file system"
# A view of the host, read-only, with a private /tmp: for checks of what a mount made.
RO="$T_BURROW --ro-bind / / --tmpfs /tmp --chdir /"

# burrow(1): "-h (= --help), --ro-host-root (= --host-root=ro), --unshare-user-try and
# --unshare-cgroup-try (= the options without -try)".
"$T_BURROW" --help > "$T_TMP/help.long" 2>&1
expect_out "aliases: -h prints the --help text" "$(cat "$T_TMP/help.long")" "$T_BURROW" -h
expect_eq "aliases: -h exits 0" 0 "$T_STATUS"
mkdir "$T_TMP/rw"
expect_out "aliases: --ro-host-root makes the host read-only" "$EROFS" \
    "$T_BURROW" --ro-host-root --store "$FIX_STORE:$FIX_DEST" -- "$FIX_HELLO" --write "$T_TMP/rw/f"
check "aliases: ... and nothing was written" test ! -e "$T_TMP/rw/f"
check "aliases: --host-root (rw) does write" \
    "$T_BURROW" --host-root --store "$FIX_STORE:$FIX_DEST" -- "$FIX_HELLO" --write "$T_TMP/rw/f"
host_cg=$(readlink /proc/self/ns/cgroup)
expect_out "aliases: --unshare-cgroup-try makes a cgroup namespace" "new" \
    "$T_BURROW" --host-root --unshare-cgroup-try -- sh -c \
    '[ "$(readlink /proc/self/ns/cgroup)" = "$1" ] && echo same || echo new' sh "$host_cg"
expect_status "aliases: --unshare-user-try is accepted" 0 "$T_BURROW" --host-root --unshare-user-try -- true

# burrow(1), ENVIRONMENT: BURROW_DEBUG "any value other than empty or 0 traces each launch
# step on standard error (burrow: debug: ...)".
expect_err "debug: BURROW_DEBUG=1 traces the launch steps" 0 "burrow: debug: " \
    env BURROW_DEBUG=1 "$T_BURROW" --host-root -- true
for v in 0 ''; do
    t_run env BURROW_DEBUG="$v" "$T_BURROW" --host-root -- true
    case $T_ERR in
        *"burrow: debug:"*) fail "debug: BURROW_DEBUG='$v' traces nothing" "$(t_what)" ;;
        *) ok "debug: BURROW_DEBUG='$v' traces nothing" ;;
    esac
done

# burrow(1), ENVIRONMENT: BURROW_ENGINE "auto (the default, also when empty)"; "any other
# value is an error (exit 125)" -- for a plain command line too.
expect_status "engine: an empty BURROW_ENGINE is auto" 0 env BURROW_ENGINE= "$T_BURROW" --host-root -- true
expect_err "engine: an unknown BURROW_ENGINE is an error" 125 "BURROW_ENGINE" \
    env BURROW_ENGINE=warp "$T_BURROW" --host-root -- true

# Every option that --help lists is an item of its own in the man page (a .TP tag), so that
# man shows it as an option of its own (as --store in burrow(1)).
t_run python3 "${T_LIB%/*}/probes/options_in_page.py" "$T_SRC/man/burrow.1" "$T_BURROW"
case $T_STATUS:$T_OUT in
    "0:ok "[1-9]*) ok "man: every burrow --help option has an entry of its own in burrow(1)" ;;
    *) fail "man: every burrow --help option has an entry of its own in burrow(1)" "$(t_what)" ;;
esac
t_run python3 "${T_LIB%/*}/probes/options_in_page.py" "$T_SRC/man/burrow-pack.1" "$T_PACK"
case $T_STATUS:$T_OUT in
    "0:ok "[1-9]*) ok "man: every burrow-pack --help option has an entry of its own in burrow-pack(1)" ;;
    *) fail "man: every burrow-pack --help option has an entry of its own in burrow-pack(1)" "$(t_what)" ;;
esac
if command -v man >/dev/null; then
    expect_out "man: burrow(1) shows --store as an option of its own" "       --store SRC[:DEST]" \
        sh -c 'MANWIDTH=80 man -l "$1" 2>/dev/null | grep -- "^ *--store "' sh "$T_SRC/man/burrow.1"
else
    skip "man: burrow(1) shows --store as an option of its own" "no man(1) here"
fi

# burrow-profile(5), BUILT-IN BASES: "(their text is shown in burrow-profile(5))" (burrow(1),
# FILES): the page's text, between its BEGIN and END markers, is profiles/builtin/NAME.json.
for b in pack sandbox; do
    B_UP=$(echo "$b" | tr a-z A-Z)
    sed -n "/^\.\\\\\" BEGIN $B_UP /,/^\.\\\\\" END $B_UP/p" "$T_SRC/man/burrow-profile.5" | sed '1d;$d' |
        sed -e 's/\\(em/\xe2\x80\x94/g' -e 's/\\-/-/g' -e 's/\\e/\\/g' > "$T_TMP/man-$b.json"
    if [ -s "$T_TMP/man-$b.json" ] && cmp -s "$T_TMP/man-$b.json" "$T_SRC/profiles/builtin/$b.json"; then
        ok "man: burrow-profile(5) shows builtin:$b as compiled in"
    else
        fail "man: burrow-profile(5) shows builtin:$b as compiled in" "$(diff "$T_TMP/man-$b.json" "$T_SRC/profiles/builtin/$b.json" | head -5)"
    fi
done

# burrow-profile(5), Seccomp groups: the list "generated from runtime/seccomp/seccomp_groups.cpp"
# is what burrow --seccomp-groups says (names, purposes, members, the ENOSYS marks).
expect_out "man: burrow-profile(5)'s seccomp groups are burrow's" "same" \
    python3 "${T_LIB%/*}/probes/seccomp_groups_page.py" "$T_SRC/man/burrow-profile.5" "$T_BURROW"

# burrow-profile(5), MOUNTS, proc: "without namespaces.pid the host's /proc is bound
# instead": it is no error.
cat > "$T_TMP/proc.json" <<'JSON'
{ "version": 1, "extends": "builtin:pack", "mounts": [ { "type": "proc", "destination": "/proc" } ] }
JSON
# (The same file system as the host's /proc: the same device number; a new procfs has its own.)
host_proc=$(stat -c %d /proc)
expect_out "profile: a proc mount without namespaces.pid binds the host's /proc" "$host_proc" \
    "$T_BURROW" --profile "$T_TMP/proc.json" -- stat -c %d /proc

# burrow-profile(5), MOUNTS: "a later mount may cover an earlier one ... and wins".
cat > "$T_TMP/cover.json" <<'JSON'
{ "version": 1, "extends": "builtin:pack",
  "mounts": [ { "type": "tmpfs", "destination": "/t-cover" },
              { "type": "file", "destination": "/t-cover/f", "content": "first\n" },
              { "type": "tmpfs", "destination": "/t-cover" } ] }
JSON
expect_out "profile: a later mount covers an earlier one" "covered" \
    "$T_BURROW" --profile "$T_TMP/cover.json" -- sh -c 'test -e /t-cover/f && echo visible || echo covered'

# burrow-profile(5), MOUNTS, bind: access "default ro"; noexec; recursive "default true".
mkdir "$T_TMP/pdir"
cat > "$T_TMP/binds.json" <<JSON
{ "version": 1, "extends": "builtin:pack", "process": { "cwd": "/" },
  "mounts": [ { "type": "bind", "source": "$T_TMP/pdir", "destination": "/t-ro" },
              { "type": "bind", "source": "/usr/bin", "destination": "/t-noexec", "noexec": true },
              { "type": "bind", "source": "/dev", "destination": "/t-dev" },
              { "type": "bind", "source": "$T_TMP/pdir", "destination": "/t-flat", "recursive": false } ] }
JSON
# "recursive": false with mounts below the source: the kernel refuses it in a user namespace.
cat > "$T_TMP/flat-dev.json" <<'JSON'
{ "version": 1, "extends": "builtin:pack", "process": { "cwd": "/" },
  "mounts": [ { "type": "bind", "source": "/dev", "destination": "/t-dev-flat", "recursive": false } ] }
JSON
expect_out "profile: a bind is read-only by default" "$EROFS" \
    "$T_BURROW" --profile "$T_TMP/binds.json" --store "$FIX_STORE:$FIX_DEST" -- "$FIX_HELLO" --write /t-ro/f
check "profile: ... and nothing reached the host" test ! -e "$T_TMP/pdir/f"
expect_status "profile: \"noexec\": true forbids executing from the bind" 126 \
    "$T_BURROW" --profile "$T_TMP/binds.json" -- /t-noexec/true
expect_status "profile: ... which runs without it" 0 "$T_BURROW" --profile "$T_TMP/binds.json" -- /usr/bin/true
expect_status "profile: \"recursive\": false binds a source without mounts below it" 0 \
    "$T_BURROW" --profile "$T_TMP/binds.json" -- test -d /t-flat
if [ -e /dev/pts/ptmx ] && awk '$5 == "/dev/pts" { f = 1 } END { exit !f }' /proc/self/mountinfo; then
    expect_out "profile: a bind includes the mounts below its source by default" "yes" \
        "$T_BURROW" --profile "$T_TMP/binds.json" -- sh -c 'test -e /t-dev/pts/ptmx && echo yes || echo no'
    expect_err "profile: \"recursive\": false over mounts below the source is refused (EINVAL)" 125 \
        "/mounts/0: bind /dev → /t-dev-flat: Invalid argument" "$T_BURROW" --profile "$T_TMP/flat-dev.json" -- true
else
    skip "profile: a bind includes the mounts below its source by default" "/dev/pts is not a mount of its own here"
fi

# burrow-profile(5), MOUNTS, file: mode "default 0444", access "default ro"; mask; dir.
cat > "$T_TMP/kinds.json" <<'JSON'
{ "version": 1, "extends": "builtin:pack", "process": { "cwd": "/" },
  "mounts": [ { "type": "file", "destination": "/t-file", "content": "text\n" },
              { "type": "mask", "destination": "/etc/hostname" },
              { "type": "mask", "destination": "/etc/default" },
              { "type": "mask", "destination": "/no-such-path-here" },
              { "type": "dir", "destination": "/etc" } ] }
JSON
expect_out "profile: a file mount is mode 0444 and read-only by default" "444 text read-only" \
    "$T_BURROW" --profile "$T_TMP/kinds.json" -- sh -c \
    'echo $(stat -c %a /t-file) $(cat /t-file) $( (echo x >> /t-file) 2>/dev/null && echo written || echo read-only)'
expect_out "profile: mask covers a file (opening it fails: EACCES) and empties a directory, and skips a missing one" \
    "Permission denied 0" "$T_BURROW" --profile "$T_TMP/kinds.json" -- sh -c \
    'echo $( (cat /etc/hostname) 2>&1 | grep -o "Permission denied") $(ls -A /etc/default | wc -l)'
check "profile: ... the host's are untouched" test -s /etc/hostname

# burrow-profile(5), MOUNTS, file: "it may also cover a file that comes from the host; with
# "rw" and a mode that lets its owner (the uid inside) write it ... the program may change
# that copy, never the host's file"; bind: devices "Allow device
# nodes; otherwise the bind is nodev"; STORES: destination "default "/gnu/store"".
cat > "$T_TMP/more.json" <<JSON
{ "version": 1, "extends": "builtin:pack", "process": { "cwd": "/" },
  "stores": [ { "source": "$FIX_STORE" } ],
  "mounts": [ { "type": "file", "destination": "/etc/hostname", "content": "copy\n", "access": "rw", "mode": "0644" },
              { "type": "bind", "source": "/dev", "destination": "/t-devices", "devices": true } ] }
JSON
host_name=$(cat /etc/hostname)
expect_out "profile: an rw file mount over a host file is a writable copy" "copy changed" \
    "$T_BURROW" --profile "$T_TMP/more.json" -- sh -c 'read -r a < /etc/hostname; echo changed > /etc/hostname && echo "$a $(cat /etc/hostname)"'
expect_eq "profile: ... and the host's file is unchanged" "$host_name" "$(cat /etc/hostname)"
expect_out "profile: \"devices\": true makes device nodes usable" "1" \
    sh -c '"$@" | wc -c' sh "$T_BURROW" --profile "$T_TMP/more.json" -- head -c1 /t-devices/zero
expect_out "profile: a store's destination is /gnu/store by default" "$FIX_GREETING" \
    "$T_BURROW" --profile "$T_TMP/more.json" -- cat "/gnu/store/$FIX_ITEM_DATA/share/greeting.txt"

# burrow-profile(5), SECURITY: noNewPrivileges: "A seccomp filter cannot be installed without
# it (unless CAP_SYS_ADMIN is kept)".
cat > "$T_TMP/nnp.json" <<'JSON'
{ "version": 1, "extends": "builtin:pack",
  "security": { "noNewPrivileges": false, "seccomp": { "baseline": "default" } } }
JSON
cat > "$T_TMP/nnp-admin.json" <<'JSON'
{ "version": 1, "extends": "builtin:pack",
  "security": { "noNewPrivileges": false, "capabilities": { "keep": [ "CAP_SYS_ADMIN" ] },
                "seccomp": { "baseline": "default" } } }
JSON
expect_err "profile: no seccomp filter without no_new_privs" 125 "the kernel requires no_new_privs or CAP_SYS_ADMIN" \
    "$T_BURROW" --profile "$T_TMP/nnp.json" -- true
expect_out "profile: ... unless CAP_SYS_ADMIN is kept" "NoNewPrivs 0 Seccomp 2" \
    "$T_BURROW" --profile "$T_TMP/nnp-admin.json" -- sh -c \
    'echo $(grep -E "^(NoNewPrivs|Seccomp):" /proc/self/status | tr -d ":")'

# burrow-profile(5), VARIABLES: "${HOME} $HOME if it is an absolute path, else the home
# directory in /etc/passwd"; "${TMPDIR} $TMPDIR if it is an absolute path, else /tmp";
# "${RUNTIME_DIR} $XDG_RUNTIME_DIR if it is an absolute path, else /run/user/UID"; "${USER}
# The user name of ${UID} in /etc/passwd, else $USER"; burrow(1) ENVIRONMENT: "/etc/passwd is
# read (without NSS)".
cat > "$T_TMP/vars.json" <<'JSON'
{ "version": 1, "extends": "builtin:pack",
  "mounts": [ { "type": "file", "destination": "/t-vars",
                "content": "${HOME} ${TMPDIR} ${RUNTIME_DIR} ${USER} ${UID} ${GID}" } ] }
JSON
uid=$(id -u) gid=$(id -g)
pw_home=$(awk -F: -v u="$uid" '$3 == u { print $6; exit }' /etc/passwd)
pw_user=$(awk -F: -v u="$uid" '$3 == u { print $1; exit }' /etc/passwd)
expect_out "variables: relative HOME, TMPDIR, XDG_RUNTIME_DIR fall back; USER comes from /etc/passwd" \
    "$pw_home /tmp /run/user/$uid $pw_user $uid $gid" \
    env HOME=rel TMPDIR=rel XDG_RUNTIME_DIR=rel USER=someone-else "$T_BURROW" --profile "$T_TMP/vars.json" -- cat /t-vars
expect_out "variables: absolute HOME, TMPDIR, XDG_RUNTIME_DIR are used" "/h /t /x $pw_user $uid $gid" \
    env HOME=/h TMPDIR=/t XDG_RUNTIME_DIR=/x "$T_BURROW" --profile "$T_TMP/vars.json" -- cat /t-vars

# burrow-profile(5), PROCESS: process.exec "a bare name looked up in the program's PATH (after
# the environment rules) inside the new root"; process.args "inserted between the program and
# the command-line arguments".
for pp in /usr/bin:found /nonexistent:missing; do
    printf '{ "version": 1, "extends": "builtin:pack", "process": { "exec": "sh", "args": [ "-c", "echo found $$0 $$1" ],\n  "env": { "set": { "PATH": "%s" } } } }\n' "${pp%%:*}" > "$T_TMP/bare-exec.json"
    t_run "$T_BURROW" --profile "$T_TMP/bare-exec.json" -- a b
    case ${pp#*:}:$T_STATUS:$T_OUT in
        found:0:"found a b"|missing:127:) ok "profile: a bare process.exec is looked up in the program's PATH (${pp%%:*})" ;;
        *) fail "profile: a bare process.exec is looked up in the program's PATH (${pp%%:*})" "$(t_what)" ;;
    esac
done

# burrow-profile(5), PROCESS: process.umask "(octal; default: inherited)".
printf '{ "version": 1, "extends": "builtin:pack", "process": { "umask": "0027" } }\n' > "$T_TMP/umask.json"
expect_out "profile: process.umask sets the umask" "0027" \
    sh -c 'umask 077 && exec "$1" --profile "$2" -- sh -c umask' sh "$T_BURROW" "$T_TMP/umask.json"
expect_out "profile: ... and without it the umask is inherited" "0077" \
    sh -c 'umask 077 && exec "$1" --host-root -- sh -c umask' sh "$T_BURROW"

# burrow(1), Without a profile: "no seccomp filter"; builtin:pack: "no seccomp filter" either.
host_sc=$(sed -n 's/^Seccomp:[[:space:]]*//p' /proc/self/status)
if [ "$host_sc" = 0 ]; then
    expect_out "defaults: no seccomp filter without a profile" "0" \
        "$T_BURROW" --host-root -- sed -n 's/^Seccomp:[[:space:]]*//p' /proc/self/status
    expect_out "defaults: no seccomp filter with builtin:pack" "0" \
        "$T_BURROW" --profile builtin:pack -- sed -n 's/^Seccomp:[[:space:]]*//p' /proc/self/status
    expect_out "defaults: ... and builtin:sandbox installs one" "2" \
        "$T_BURROW" --profile builtin:sandbox --ro-bind /usr /usr $(t_usr_layout) --chdir / -- \
        sed -n 's/^Seccomp:[[:space:]]*//p' /proc/self/status
else
    skip "defaults: no seccomp filter without a profile" "the tests already run under a seccomp filter"
fi

done_testing
