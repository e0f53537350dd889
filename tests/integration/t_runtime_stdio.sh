# The program gets the caller's stdin/stdout/stderr, terminal, cwd, argv (byte-exact)
# and environment.
. "$T_LIB"

# As a word list too, for commands run through sh -c '"$@"' (the paths have no spaces).
R="$T_BURROW --host-root --store $FIX_STORE:$FIX_DEST"
run() { $R "$@"; }

# stdin / stdout / stderr.
expect_out "stdio: stdin pipe" "$(printf 'line one\nline two')" \
    sh -c 'printf "line one\nline two\n" | "$@"' sh $R -- "$FIX_HELLO" --stdin
head -c 1048576 /dev/urandom > "$T_TMP/big"
run -- "$FIX_HELLO" --stdin < "$T_TMP/big" | cat > "$T_TMP/big.out"
check "stdio: 1 MiB through stdin and a stdout pipe, byte-exact" cmp "$T_TMP/big" "$T_TMP/big.out"
check "stdio: stdin from a file" sh -c 'f=$1; shift; "$@" < "$f" | cmp - "$f"' sh "$T_TMP/big" $R -- "$FIX_HELLO" --stdin
t_run run -- "$FIX_HELLO" --cat /no/such/file
expect_eq "stdio: stderr is separate (status)" 1 "$T_STATUS"
expect_eq "stdio: stderr is separate (stdout empty)" "" "$T_OUT"
expect_eq "stdio: stderr carries the program's message" "hello: /no/such/file: No such file or directory" "$T_ERR"
expect_out "stdio: stdout into a pipeline" "HELLO: $(echo "$FIX_GREETING" | tr a-z A-Z)" \
    sh -c '"$@" | tr a-z A-Z' sh $R -- "$FIX_HELLO"
expect_out "stdio: pipeline of two burrow processes" "$FIX_GREETING" \
    sh -c 'f=$1; shift; "$@" --cat "$f" | "$@" --stdin' sh "$FIX_DEST/$FIX_ITEM_DATA/share/greeting.txt" $R -- "$FIX_HELLO"
# A closed stdout: the program sees the error (EBADF), burrow does not invent output.
# (burrow must not leave one of its own files open on fd 1.)
expect_status "stdio: closed stdout stays closed (the program's write fails)" 1 \
    sh -c '"$@" >&-' sh $R -- "$FIX_HELLO" --argv x

# Terminal: under script(1) stdin is a tty, otherwise not.
expect_out "tty: not a terminal without one" "notty" run -- "$FIX_HELLO" --tty
t_run script -qec "'$T_BURROW' --host-root --store '$FIX_STORE:$FIX_DEST' -- '$FIX_HELLO' --tty" /dev/null
expect_eq "tty: a terminal under script(1)" "tty" "$(printf '%s' "$T_OUT" | tr -d '\r')"
t_run script -qec "'$T_BURROW' --host-root --unshare-pid --store '$FIX_STORE:$FIX_DEST' -- '$FIX_HELLO' --tty" /dev/null
expect_eq "tty: a terminal under script(1) (pid namespace)" "tty" "$(printf '%s' "$T_OUT" | tr -d '\r')"
t_run script -qec "'$T_BURROW' --host-root --store '$FIX_STORE:$FIX_DEST' -- '$FIX_HELLO' --exit 5" /dev/null
expect_eq "tty: exit status under script(1)" 5 "$T_STATUS"

# cwd: kept (physical path), including names with spaces and through symlinks.
mkdir -p "$T_TMP/dir with space/sub"
ln -s "dir with space/sub" "$T_TMP/link"
phys=$(cd "$T_TMP/dir with space/sub" && pwd -P)
expect_out "cwd: kept" "$phys" sh -c 'cd "$1" && shift && "$@"' sh "$T_TMP/dir with space/sub" $R -- "$FIX_HELLO" --cwd
expect_out "cwd: kept through a symlink (physical)" "$phys" sh -c 'cd "$1" && shift && "$@"' sh "$T_TMP/link" $R -- "$FIX_HELLO" --cwd
expect_out "cwd: kept with a pid namespace" "$phys" \
    sh -c 'cd "$1" && shift && "$@"' sh "$phys" $R --unshare-pid -- "$FIX_HELLO" --cwd
expect_out "cwd: --chdir" "$FIX_DEST/$FIX_ITEM_HELLO" run --chdir "$FIX_DEST/$FIX_ITEM_HELLO" -- "$FIX_HELLO" --cwd
rel=${FIX_DEST#/}/$FIX_ITEM_HELLO
expect_out "cwd: a relative --chdir DIR is taken from /" "$FIX_DEST/$FIX_ITEM_HELLO" run --chdir "$rel" -- "$FIX_HELLO" --cwd
# burrow(1) --chdir: "with an explicit directory, PWD is set to it"; "given more than once, the
# last one counts, with the warning ..."; "Started from /, the new root is accepted as the
# working directory when it shows the host's root ...; with an empty root, give --chdir /".
expect_out "cwd: a relative --chdir DIR sets PWD to the directory from /" "/tmp /tmp" \
    "$T_BURROW" --host-root --chdir tmp -- sh -c 'echo "$(pwd -P) $PWD"'
mkdir -p "$T_TMP/wd/sub"
expect_out "cwd: a relative --chdir DIR is not taken from the current directory" "/sub" \
    sh -c 'cd "$1" && exec "$2" --host-root --tmpfs /sub --chdir sub -- sh -c pwd' sh "$T_TMP/wd" "$T_BURROW"
expect_err "cwd: a second --chdir warns, as bwrap does" 0 "burrow: Only the last --chdir option will take effect" \
    "$T_BURROW" --host-root --chdir /tmp --chdir / -- true
expect_out "cwd: ... and the last one counts" "/" "$T_BURROW" --host-root --chdir /tmp --chdir / -- pwd

expect_out "cwd: started from /, the host root's / is the working directory" "/" \
    sh -c 'cd / && exec "$@"' sh "$T_BURROW" --host-root -- pwd
expect_err "cwd: started from /, an empty root is not" 125 "the current directory / is a different directory" \
    sh -c 'cd / && exec "$@"' sh "$T_BURROW" --store "$FIX_STORE:$FIX_DEST" -- "$FIX_HELLO"
expect_out "cwd: ... unless --chdir / is given" "hello: $FIX_GREETING" \
    sh -c 'cd / && exec "$@"' sh "$T_BURROW" --store "$FIX_STORE:$FIX_DEST" --chdir / -- "$FIX_HELLO"
# The cwd is not visible without the host root: a clear error, never a silent "/".
here=$(pwd -P)
expect_err "cwd: not visible inside is an error (125)" 125 "$here" \
    "$T_BURROW" --store "$FIX_STORE:$FIX_DEST" -- "$FIX_HELLO" --cwd
expect_eq "cwd: not visible inside: nothing ran" "" "$T_OUT"
expect_out "cwd: not visible but --chdir given" "/" "$T_BURROW" --store "$FIX_STORE:$FIX_DEST" --chdir / -- "$FIX_HELLO" --cwd
# A cwd removed on the host.
mkdir "$T_TMP/gone"
expect_err "cwd: deleted cwd is an error (125)" 125 "current directory" \
    sh -c 'cd "$1" && rmdir "$1" && shift && "$@"' sh "$T_TMP/gone" $R -- "$FIX_HELLO" --cwd
# The message must name the directory (it was "$T_TMP/gone").
case $T_ERR in
    *gone*|*deleted*) ok "cwd: deleted cwd: the message names the directory" ;;
    *) fail "cwd: deleted cwd: the message names the directory" "$(t_what)" ;;
esac

# argv, byte-exact: spaces, empty strings, newlines, tabs, non-UTF-8, globs, options.
hex() { printf '%s' "$1" | od -An -tx1 | tr -d ' \n'; echo; }
nl='
'
set -- "a b" "" "two${nl}lines" "tab	x" "$(printf '\377\376\200')" "*" "-x" "--" "\$HOME" "'\"" "$(printf 'caf\303\251')" "" end
: > "$T_TMP/argv.expected"
for a in "$@"; do hex "$a" >> "$T_TMP/argv.expected"; done
run -- "$FIX_HELLO" --argv "$@" > "$T_TMP/argv.out"
check "argv: byte-exact (binary)" cmp "$T_TMP/argv.expected" "$T_TMP/argv.out"
run -- "$FIX_SCRIPT" --argv "$@" > "$T_TMP/argv.out"
check "argv: byte-exact through a #! script" cmp "$T_TMP/argv.expected" "$T_TMP/argv.out"
run --unshare-pid -- "$FIX_HELLO" --argv "$@" > "$T_TMP/argv.out"
check "argv: byte-exact with a pid namespace" cmp "$T_TMP/argv.expected" "$T_TMP/argv.out"
cat > "$T_TMP/wrap.json" <<JSON
{ "version": 1, "extends": "builtin:pack",
  "stores": [ { "source": "$FIX_STORE", "destination": "/gnu/store" } ],
  "process": { "exec": "$FIX_HELLO", "args": ["--argv"] } }
JSON
"$T_BURROW" --profile "$T_TMP/wrap.json" -- "$@" > "$T_TMP/argv.out"
check "argv: byte-exact through a process.exec wrapper" cmp "$T_TMP/argv.expected" "$T_TMP/argv.out"
# Options after the command belong to the command.
expect_out "argv: options after the command are the command's" "$(hex --host-root; hex --bogus)" \
    run -- "$FIX_HELLO" --argv --host-root --bogus
expect_out "argv: option parsing stops at the first non-option" "$(hex --help)" \
    run "$FIX_HELLO" --argv --help
# argv[0]: the program sees the path it was started with.
expect_out "argv: argv[0] of a shell" "/bin/sh" "$T_BURROW" --host-root -- /bin/sh -c 'echo "$0"'

# Environment.
expect_out "env: passed through" "value with spaces" \
    env BURROW_T_VAR="value with spaces" "$T_BURROW" --host-root --store "$FIX_STORE:$FIX_DEST" -- "$FIX_HELLO" --env BURROW_T_VAR
expect_out "env: --setenv" "set here" run --setenv BURROW_T_VAR "set here" -- "$FIX_HELLO" --env BURROW_T_VAR
expect_out "env: --unsetenv" "(unset)" \
    env BURROW_T_VAR=x "$T_BURROW" --host-root --store "$FIX_STORE:$FIX_DEST" --unsetenv BURROW_T_VAR -- "$FIX_HELLO" --env BURROW_T_VAR
expect_out "env: --clearenv" "(unset)" \
    env BURROW_T_VAR=x "$T_BURROW" --host-root --store "$FIX_STORE:$FIX_DEST" --clearenv -- "$FIX_HELLO" --env BURROW_T_VAR
expect_out "env: --clearenv then --setenv" "kept" \
    run --clearenv --setenv BURROW_T_VAR kept -- "$FIX_HELLO" --env BURROW_T_VAR

# burrow(1), The program's environment: "builtin:sandbox clears it, keeping TERM, LANG, LC_*,
# TZ and SOURCE_DATE_EPOCH, and sets HOME=/homeless-shelter, TMPDIR=/tmp and
# PATH=/usr/local/bin:/usr/bin:/bin".
expect_out "env: builtin:sandbox keeps TERM, LANG, LC_*, TZ, SOURCE_DATE_EPOCH; sets HOME, TMPDIR, PATH" \
    "HOME=/homeless-shelter LANG=C LC_TIME=C PATH=/usr/local/bin:/usr/bin:/bin SOURCE_DATE_EPOCH=7 TERM=dumb TMPDIR=/tmp TZ=UTC" \
    env -i BURROW_T_VAR=x PWD=/ TERM=dumb LANG=C LC_TIME=C TZ=UTC SOURCE_DATE_EPOCH=7 HOME=/root TMPDIR=/var/tmp PATH=/usr/bin:/bin \
    "$T_BURROW" --profile builtin:sandbox --ro-bind /usr /usr $(t_usr_layout) --chdir / -- \
    sh -c 'env | grep -v "^PWD=" | LC_ALL=C sort | tr "\n" " " | sed "s/ $//"'

done_testing
