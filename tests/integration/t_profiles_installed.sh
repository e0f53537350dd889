# Profiles by name from a real `make install PREFIX=…` (of the binaries under test): the
# README's archiver example verbatim, --list-profiles, the search order, and that a name
# never picks up a profile planted in the current directory.
. "$T_LIB"

BDIR=${T_BURROW%/*}
PREFIX=$T_TMP/prefix
# -o all: install what is built (the binaries under test), do not build.
check "install: make install PREFIX=…" make -s -C "$T_SRC" -o all install BUILD="$BDIR" PREFIX="$PREFIX"
B=$PREFIX/bin/burrow
# The bwrap drop-in: PREFIX/libexec/burrow first in PATH makes scripts' `bwrap` burrow's.
expect_out "install: PREFIX/libexec/burrow/bwrap is burrow as bwrap" "bubblewrap 0.11.1 (burrow" \
    sh -c "PATH=\"$PREFIX/libexec/burrow:\$PATH\" bwrap --version | cut -d' ' -f1-3"
expect_out "install: that bwrap runs bwrap's command lines" "via-bwrap" \
    sh -c "PATH=\"$PREFIX/libexec/burrow:\$PATH\" exec bwrap --ro-bind / / echo via-bwrap"
# burrow-pack(1), SINGLE-FILE PACKS: make install puts burrow-run in PREFIX/libexec/burrow,
# where the installed burrow-pack finds it.
check "install: PREFIX/libexec/burrow/burrow-run" test -x "$PREFIX/libexec/burrow/burrow-run"
mkdir "$T_TMP/runout"
check "install: the installed burrow-pack writes -f run" "$PREFIX/bin/burrow-pack" --store "$FIX_STORE:$FIX_DEST" \
    "$FIX_ITEM_HELLO" -e hello="$FIX_HELLO" -f run -o "$T_TMP/runout/installed.run"
expect_out "install: ... which runs" "hello: $FIX_GREETING" env HOME="$T_TMP" XDG_CACHE_HOME="$T_TMP/c" "$T_TMP/runout/installed.run"
H=$T_TMP/home
mkdir -p "$H/incoming"
export HOME="$H"
unset XDG_CONFIG_HOME

# burrow(1), FILES: "PREFIX/share/burrow/profiles/*.json: Stock profiles installed by make
# install (executable, mode 0755)"; and they run as commands (EXECUTABLE PROFILES).
modes=
for f in "$PREFIX"/share/burrow/profiles/*.json; do modes="$modes $(stat -c %a "$f")"; done
expect_eq "install: the stock profiles are mode 0755" " 755 755 755 755 755" "$modes"
expect_out "install: an installed stock profile runs as a command" "via-shebang" \
    env PATH="$PREFIX/bin:$PATH" "$PREFIX/share/burrow/profiles/offline.json" /bin/echo via-shebang

# --list-profiles: the built-in bases, then every installed profile with its description.
t_run "$B" --list-profiles
expect_eq "list: status 0" 0 "$T_STATUS"
for p in archiver build offline online untrusted; do
    case $T_OUT in
        *"
$p "*"[$PREFIX/share/burrow/profiles/$p.json]"*) ok "list: $p, installed" ;;
        *) fail "list: $p, installed" "$(t_what)" ;;
    esac
done
case $T_OUT in
    *"archiver         for tar, unzip, gzip, xz and friends on archives you do not trust:"*) ok "list: the header's first sentence" ;;
    *) fail "list: the header's first sentence" "$(t_what)" ;;
esac
case $T_OUT in
    "builtin:pack "*"
builtin:sandbox  hermetic: "*) ok "list: the built-in bases first" ;;
    *) fail "list: the built-in bases first" "$(t_what)" ;;
esac
expect_eq "list: the directories, in order" \
    "Searched, in this order: $H/.config/burrow/profiles /etc/burrow/profiles $PREFIX/share/burrow/profiles" \
    "$(printf '%s\n' "$T_OUT" | tail -n1)"

# The README's example, verbatim, with the installed burrow first on PATH.
line=$(grep -F 'cd ~/incoming && burrow --profile archiver' "$T_SRC/README.md" | sed 's/^ *//')
expect_eq "readme: the example is there" "cd ~/incoming && burrow --profile archiver -- tar xzf - < ../x.tar.gz" "$line"
mkdir -p "$T_TMP/src/d"
echo "from the archive" > "$T_TMP/src/d/f.txt"
tar -czf "$H/x.tar.gz" -C "$T_TMP/src" d
t_run env PATH="$PREFIX/bin:$PATH" sh -c "$line"
expect_eq "readme: the archiver example runs" "0 from the archive" "$T_STATUS $(cat "$H/incoming/d/f.txt" 2>/dev/null)"

# The other headers' forms, by name.
expect_out "name: build runs" "built" sh -c 'cd "$1" && "$2" --profile build -- /bin/echo built' sh "$H/incoming" "$B"
expect_out "name: FILE.json is found by name too" "json" sh -c 'cd "$1" && "$2" --profile untrusted.json -- /bin/echo json' sh "$H" "$B"

# Shell completion, as installed: bash completes options, installed profile names, seccomp
# groups and burrow-pack's formats, all read from the installed programs.
BC=$PREFIX/share/bash-completion/completions
check "completion: bash files installed for both programs" test -f "$BC/burrow" -a -L "$BC/burrow-pack"
cat > "$T_TMP/complete.bash" <<'SH'
. "$1"; shift
COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=()
_burrow_bash
printf '%s\n' "${COMPREPLY[@]}" | sort -u | tr '\n' ' '
SH
comp() { env PATH="$PREFIX/bin:$PATH" bash "$T_TMP/complete.bash" "$BC/burrow" "$@"; }
expect_out "completion: burrow --ro-b<TAB>" "--ro-bind --ro-bind-data --ro-bind-fd --ro-bind-try " comp burrow --ro-b
expect_out "completion: burrow --profile ar<TAB> (an installed profile)" "archiver " comp burrow --profile ar
expect_out "completion: burrow --profile builtin:s<TAB>" "builtin:sandbox " comp burrow --profile builtin:s
expect_out "completion: burrow --seccomp-groups @mo<TAB>" "@module @mount @mount-api " comp burrow --seccomp-groups @mo
expect_out "completion: burrow --chdir (an option's argument: directories)" "$T_TMP/src " comp burrow --chdir "$T_TMP/sr"
expect_out "completion: burrow --bind SRC DE<TAB> (the second argument)" "$T_TMP/src " comp burrow --bind /usr "$T_TMP/sr"
expect_out "completion: burrow --overlay RWSRC (directories)" "$T_TMP/src " comp burrow --overlay "$T_TMP/sr"
expect_out "completion: burrow --overlay RWSRC WORKDIR (directories)" "$T_TMP/src " comp burrow --overlay /u "$T_TMP/sr"
expect_out "completion: burrow -- CMD (a command name after --)" "burrow-pack " comp burrow --host-root -- burrow-p
expect_out "completion: burrow-pack -f<TAB> (the formats)" "dir docker oci tarball " comp burrow-pack -f ""
expect_out "completion: burrow-pack --compression z<TAB>" "zstd " comp burrow-pack --compression z
expect_out "completion: burrow-pack i<TAB> (subcommands)" "info " comp burrow-pack i
expect_out "completion: burrow-pack --max<TAB>" "--max-layers " comp burrow-pack --max
# Each format the completion offers is one burrow-pack knows (no "unknown format").
for f in tarball dir docker oci; do
    t_run "$PREFIX/bin/burrow-pack" -f "$f" -o "$T_TMP/none.out"
    case $T_ERR in *"$f"*unknown*|*unknown*"$f"*|*"not a format"*) fail "completion: format $f is known to burrow-pack" "$(t_what)" ;;
        *) ok "completion: format $f is known to burrow-pack" ;; esac
done
if command -v zsh >/dev/null 2>&1; then
    ZF=$PREFIX/share/zsh/site-functions
    expect_out "completion: zsh loads _burrow for both programs" "_burrow _burrow" \
        zsh -fc "fpath=($ZF \$fpath); autoload -Uz compinit; compinit -u -d $T_TMP/zcomp; print -- \$_comps[burrow] \$_comps[burrow-pack]"
    expect_out "completion: zsh's _burrow points at the installed bash file" "source \"$BC/burrow\"" \
        sh -c 'grep -o "source .*" "$1"' sh "$ZF/_burrow"
else
    skip "completion: zsh" "zsh is not installed (make deps installs it)"
fi

# A profile planted in the cwd (as an archive could leave it) is not used for a name; it
# is for an explicit path, and for FILE.json (the pre-name behaviour, documented).
cat > "$H/incoming/archiver.json" <<'JSON'
{ "version": 1, "extends": "builtin:pack", "process": { "exec": "/bin/echo", "args": ["planted"] } }
JSON
expect_out "planted: --profile NAME ignores the cwd's NAME.json" "real" \
    sh -c 'cd "$1" && "$2" --profile archiver -- /bin/echo real' sh "$H/incoming" "$B"
expect_out "planted: --profile ./NAME.json uses it" "planted" \
    sh -c 'cd "$1" && "$2" --profile ./archiver.json' sh "$H/incoming" "$B"

# ~/.config/burrow/profiles comes first, and --list-profiles says what it hides.
mkdir -p "$H/.config/burrow/profiles"
printf '// archiver - my own\n{ "version": 1, "extends": "builtin:pack", "process": { "exec": "/bin/echo", "args": ["mine"] } }\n' \
    > "$H/.config/burrow/profiles/archiver.json"
expect_out "search: ~/.config/burrow/profiles first" "mine" sh -c 'cd / && "$1" --profile archiver' sh "$B"
t_run "$B" --list-profiles
case $T_OUT in
    *"archiver         my own  [$H/.config/burrow/profiles/archiver.json]"*"[$PREFIX/share/burrow/profiles/archiver.json, hidden by $H/.config/burrow/profiles/archiver.json]"*)
        ok "list: an earlier profile hides a later one" ;;
    *) fail "list: an earlier profile hides a later one" "$(t_what)" ;;
esac
XDG_CONFIG_HOME=$T_TMP/xdg
mkdir -p "$XDG_CONFIG_HOME/burrow/profiles"
printf '{ "version": 1, "extends": "builtin:pack", "process": { "exec": "/bin/echo", "args": ["xdg"] } }\n' \
    > "$XDG_CONFIG_HOME/burrow/profiles/archiver.json"
expect_out "search: \$XDG_CONFIG_HOME replaces ~/.config" "xdg" env XDG_CONFIG_HOME="$XDG_CONFIG_HOME" "$B" --profile archiver

# Unknown names: 125, every place looked, and a hint when the cwd has the file.
expect_err "unknown: status 125, the places looked" 125 \
    "--profile nosuch: no profile of that name (looked for $H/.config/burrow/profiles/nosuch.json, /etc/burrow/profiles/nosuch.json, $PREFIX/share/burrow/profiles/nosuch.json); burrow --list-profiles" \
    "$B" --profile nosuch
printf '{ "version": 1 }\n' > "$T_TMP/local.json"
expect_err "unknown: the hint for a file in the cwd" 125 "the current directory's local.json is not used for a name: give --profile ./local.json" \
    sh -c 'cd "$1" && "$2" --profile local -- /bin/true' sh "$T_TMP" "$B"

done_testing
