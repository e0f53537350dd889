# bash completion for burrow and burrow-pack.
#
# The options and what each one takes are read from the program's own --help (once per
# shell), so this file never lists them and cannot fall behind; profile names come from
# `burrow --list-profiles`, seccomp groups from `burrow --seccomp-groups`.

# _burrow_table PROG: lines "OPTION ARGSPEC" from PROG --help, e.g. "--bind SRC DEST".
_burrow_table() {
    # A row's names are "A, B ARGS" (B's ARGS are A's too: "-e, --entry NAME=PROGRAM") or
    # "A|B"; "[=ro|rw]" is an optional value, not a name.
    "$1" --help 2>/dev/null | sed -n 's/^ \{1,8\}\(-[^ ].*\)$/\1/p' | sed 's/  .*//; s/\[=[^]]*\]//g' |
        awk '{
            n = split($0, part, /, /)
            carry = ""
            for (i = n; i >= 1; i--) {
                m = split(part[i], w, / /)
                args = ""
                for (j = 2; j <= m; j++) args = args " " w[j]
                if (args == "") args = carry; else carry = args
                k = split(w[1], names, /\|/)
                for (j = 1; j <= k; j++) print names[j] args
            }
        }'
}

# _burrow_args_of OPTION: the argument spec of OPTION in the table ("" when it takes none).
_burrow_args_of() {
    local line
    while read -r line; do
        [[ ${line%% *} == "$1" ]] && { [[ $line == *" "* ]] && echo "${line#* }"; return 0; }
    done <<< "$_burrow_cur_table"
    return 1
}

_burrow_profiles() {
    "$1" --list-profiles 2>/dev/null | awk '$1 != "" && $1 != "Searched," { print $1 }'
}

_burrow_complete_arg() { # SPEC PROG: candidates for an argument described by SPEC
    local spec=$1 prog=$2
    case $spec in
        FILE\|NAME*) COMPREPLY=($(compgen -W "$(_burrow_profiles "$prog")" -- "$cur"))
                     COMPREPLY+=($(compgen -f -- "$cur")) ;;
        \[@NAME\]) COMPREPLY=($(compgen -W "$("$prog" --seccomp-groups 2>/dev/null | awk '/^@/ { print $1 }')" -- "$cur")) ;;
        FORMAT) COMPREPLY=($(compgen -W "tarball dir docker oci" -- "$cur")) ;;
        METHOD) COMPREPLY=($(compgen -W "gzip zstd xz none" -- "$cur")) ;;
        DIR* | RWSRC* | WORKDIR*) COMPREPLY=($(compgen -d -- "$cur")) ;;
        FILE* | SRC* | DEST* | OUT* | PACK* | TARGET* | LINK* | *=FILE | NAME=FILE) COMPREPLY=($(compgen -f -- "$cur")) ;;
        *) COMPREPLY=() ;;  # a number, a name, a duration: nothing to offer
    esac
}

_burrow_bash() {
    local cur=${COMP_WORDS[COMP_CWORD]} prog=${COMP_WORDS[0]} i spec
    local var="_burrow_table_$(basename "$prog" | tr -c 'a-zA-Z0-9\n' _)"
    # eval, not ${!var}: the same file serves zsh (bashcompinit), which lacks ${!var}.
    eval "_burrow_cur_table=\${$var-}"
    if [[ -z $_burrow_cur_table ]]; then
        _burrow_cur_table=$(_burrow_table "$prog")
        eval "$var=\$_burrow_cur_table"
    fi
    # After "--" it is the command's turn: its name, then files.
    for ((i = 1; i < COMP_CWORD; i++)); do
        if [[ ${COMP_WORDS[i]} == -- ]]; then
            if ((i + 1 == COMP_CWORD)); then COMPREPLY=($(compgen -c -- "$cur")); else COMPREPLY=($(compgen -f -- "$cur")); fi
            return
        fi
    done
    # An argument of the option one or two words back?
    if ((COMP_CWORD >= 2)) && spec=$(_burrow_args_of "${COMP_WORDS[COMP_CWORD-1]}") && [[ -n $spec ]]; then
        _burrow_complete_arg "${spec%% *}" "$prog"; return
    fi
    if ((COMP_CWORD >= 3)) && spec=$(_burrow_args_of "${COMP_WORDS[COMP_CWORD-2]}") && [[ $spec == *" "* ]]; then
        _burrow_complete_arg "${spec#* }" "$prog"; return
    fi
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$(cut -d' ' -f1 <<< "$_burrow_cur_table")" -- "$cur"))
    elif [[ $(basename "$prog") == burrow-pack && $COMP_CWORD == 1 ]]; then
        COMPREPLY=($(compgen -W "info verify check" -- "$cur")) ; COMPREPLY+=($(compgen -f -- "$cur"))
    else
        COMPREPLY=($(compgen -c -- "$cur"))
    fi
}

complete -o filenames -F _burrow_bash burrow burrow-pack
