# bash completion for the keykit tools: keygen, keyconv, keycheck, keybatch.
# Installed under share/bash-completion/completions/ once per tool name (the
# file is the same); source it by hand to try it: `. completions/keykit.bash`.
#
# The lists below are checked against each tool's --help by
# tests/cli/test_completion.sh, so they cannot drift; the profiles come
# from `keycheck --list-profiles` itself.

# Every format keyconv reads and writes (keyconv --help, "Formats:").
_keykit_formats='openssh ppk3 ppk2 pem pkcs8 sshcom openssh-pub rfc4716 spki pkcs1-pub'
# The private formats keygen and keybatch write (their --help, --format, --to).
_keykit_private_formats='openssh ppk3 ppk2 pem pkcs8 sshcom'
_keykit_pass_specs='pass: env: file: fd: stdin'

_keykit_opts_keygen='-t -b -C -f -N -q --quiet --passout --format --cipher --rounds
 --ppk-param --max-kdf-rounds --max-argon2-memory --max-argon2-passes
 --max-argon2-parallelism --force -h --help -V --version'
_keykit_opts_keyconv='--from --to --passin --passout --no-encrypt --cipher --rounds
 --ppk-param --comment --force --max-input-size --max-rsa-bits --max-kdf-rounds
 --max-argon2-memory --max-argon2-passes --max-argon2-parallelism
 -h --help -V --version'
_keykit_opts_keycheck='-a --authorized-keys -m --metadata -p --profile -L
 --list-profiles -f --format -s --strict -F --fix --max-input-size
 --max-gcd-bits -h --help -V --version'
_keykit_opts_keybatch='-o --output --to --passin --passin-list --passout --no-encrypt
 --force --dry-run --report -j --jobs -q --quiet --cipher --rounds --ppk-param
 --max-input-size --max-rsa-bits --max-kdf-rounds --max-argon2-memory
 --max-argon2-passes --max-argon2-parallelism -h --help -V --version'

# Options whose value is free text (nothing to offer).
_keykit_text_args=' -b -C -N --cipher --rounds --ppk-param --comment -j --jobs
 --max-input-size --max-gcd-bits --max-rsa-bits --max-kdf-rounds --max-argon2-memory
 --max-argon2-passes --max-argon2-parallelism '

_keykit_files() {
    compopt -o filenames 2>/dev/null
    COMPREPLY=($(compgen -f -- "$1"))
}

_keykit() {
    local cmd=${1##*/} cword=$COMP_CWORD
    local cur=${COMP_WORDS[cword]} prev='' kind=''
    [ "$cword" -gt 0 ] && prev=${COMP_WORDS[cword-1]}
    COMPREPLY=()

    # "--opt=value" and "spec:value": bash splits words at = and : (they
    # are in COMP_WORDBREAKS), so the option is one or two words back.
    if [ "$cur" = = ] || [ "$cur" = : ]; then
        [ "$cur" = : ] && kind=$prev && prev=${COMP_WORDS[cword-2]}
        cur=''
    elif [ "$prev" = = ] && [ "$cword" -ge 2 ]; then
        prev=${COMP_WORDS[cword-2]}
    elif [ "$prev" = : ] && [ "$cword" -ge 3 ]; then
        kind=${COMP_WORDS[cword-2]}
        prev=${COMP_WORDS[cword-3]}
    elif [[ $cur == --*=* ]]; then
        prev=${cur%%=*}
        cur=${cur#*=}
    fi
    [ "$prev" = = ] && [ "$cword" -ge 2 ] && prev=${COMP_WORDS[cword-2]}

    case "$cmd $prev" in
    'keyconv --from' | 'keyconv --to')
        COMPREPLY=($(compgen -W "$_keykit_formats" -- "$cur")); return ;;
    'keygen --format' | 'keybatch --to')
        COMPREPLY=($(compgen -W "$_keykit_private_formats" -- "$cur")); return ;;
    'keygen -t')
        COMPREPLY=($(compgen -W 'rsa ecdsa ed25519' -- "$cur")); return ;;
    'keycheck -p' | 'keycheck --profile')
        local profiles
        profiles=$("$1" --list-profiles 2>/dev/null | cut -d' ' -f1)
        COMPREPLY=($(compgen -W "$profiles" -- "$cur")); return ;;
    'keycheck -f' | 'keycheck --format')
        COMPREPLY=($(compgen -W 'text json sarif github' -- "$cur")); return ;;
    'keybatch -o' | 'keybatch --output')
        compopt -o filenames 2>/dev/null
        COMPREPLY=($(compgen -d -- "$cur")); return ;;
    *' --passin' | *' --passout')
        # A spec: its kind, then for file: a path and for env: a variable.
        if [ -z "$kind" ]; then
            case $cur in
            file:*) kind=file; cur=${cur#file:} ;;
            env:*) kind=env; cur=${cur#env:} ;;
            esac
        fi
        case $kind in
        file) _keykit_files "$cur" ;;
        env) COMPREPLY=($(compgen -e -- "$cur")) ;;
        '') compopt -o nospace 2>/dev/null
            COMPREPLY=($(compgen -W "$_keykit_pass_specs" -- "$cur")) ;;
        esac
        return ;;
    esac
    case $_keykit_text_args in *" $prev "*) return ;; esac

    if [[ $cur == -* ]]; then
        local var=_keykit_opts_$cmd
        COMPREPLY=($(compgen -W "${!var}" -- "$cur"))
        return
    fi
    # Operands, and -f, -a, -m, --report, --passin-list: files.
    _keykit_files "$cur"
}

complete -F _keykit keygen keyconv keycheck keybatch
