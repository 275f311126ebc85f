#!/usr/bin/env bash
# Shell completions (completions/): the bash script answers as bash would
# ask it (COMP_WORDS/COMP_CWORD -> COMPREPLY); its option and format lists
# match each tool's --help; profiles come from keycheck --list-profiles;
# the zsh script parses and holds the same lists.
source "$KK_LIB"
source "$KK_SRC/tests/cli/help_options.sh"
BASH_COMP="$KK_SRC/completions/keykit.bash"
ZSH_COMP="$KK_SRC/completions/_keykit"

# shellcheck source=/dev/null
source "$BASH_COMP"
expect_eq "$(complete -p keyconv 2>/dev/null)" "complete -F _keykit keyconv" "completion registered for keyconv"

# comp WORD...: the completions of the last word, as bash would split the
# line (= and : are word breaks), sorted, on one line.
comp() {
    COMP_WORDS=("$@")
    COMP_CWORD=$(($# - 1))
    COMP_LINE="$*"
    COMP_POINT=${#COMP_LINE}
    COMPREPLY=()
    _keykit "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}" 2>/dev/null
    printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ' | sed 's/ $//'
}
sorted() { printf '%s\n' "$@" | sort | tr '\n' ' ' | sed 's/ $//'; }

# ---- formats: the one list, and keyconv --help's
expect_eq "$(comp keyconv --to p)" "pem pkcs1-pub pkcs8 ppk2 ppk3" "keyconv --to p"
expect_eq "$(comp keyconv --to = op)" "openssh openssh-pub" "keyconv --to=op"
expect_eq "$(comp keyconv --to=op)" "openssh openssh-pub" "keyconv --to=op (= not a word break)"
expect_eq "$(comp keybatch --to p)" "pem pkcs8 ppk2 ppk3" "keybatch --to p: private formats"
if help_of keyconv; then
    listed=$(printf '%s\n' "$HELP" | sed -n '/^Formats:/,/^$/p' | awk 'NF > 1 { print $1 }')
    expect_eq "$(comp keyconv --from '')" "$(sorted $listed)" "keyconv --from: the formats of keyconv --help"
    expect_eq "$(comp keyconv --to '')" "$(sorted $listed)" "keyconv --to: the formats of keyconv --help"
fi
if help_of keygen; then
    # "--format FMT  private key format (default openssh): openssh, ppk3, ..."
    listed=$(printf '%s\n' "$HELP" | grep -E '^ +--format ' | sed 's/.*): //; s/,/ /g')
    expect_eq "$(comp keygen --format '')" "$(sorted $listed)" "keygen --format: the formats of keygen --help"
fi
expect_eq "$(comp keygen --format p)" "pem pkcs8 ppk2 ppk3" "keygen --format p"
expect_eq "$(comp keygen -t e)" "ecdsa ed25519" "keygen -t e"

# ---- keycheck: profiles from the tool, output formats
profiles=$(keycheck --list-profiles | cut -d' ' -f1)
expect_eq "$(comp keycheck --profile '')" "$(sorted $profiles)" "keycheck --profile: keycheck --list-profiles"
expect_eq "$(comp keycheck -p cis)" "cisco-csr1000v" "keycheck -p cis"
expect_eq "$(comp "$KK_BIN/keycheck" --profile = a)" "aws azure" "a path to keycheck, --profile=a"
expect_eq "$(comp keycheck --format s)" "sarif" "keycheck --format s"
expect_eq "$(comp keycheck -f '')" "github json sarif text" "keycheck -f"

# ---- passphrase specs, files, directories
mkdir sub
touch key1.pem key2.pem sub/x
export KK_COMPLETION_TEST=1
expect_eq "$(comp keyconv --passin f)" "fd: file:" "keyconv --passin f"
expect_eq "$(comp keyconv --passin file : ke)" "key1.pem key2.pem" "keyconv --passin file:ke"
expect_eq "$(comp keyconv --passin file:ke)" "key1.pem key2.pem" "keyconv --passin file:ke (: not a word break)"
expect_eq "$(comp keygen --passout env : KK_COMPLETION_T)" "KK_COMPLETION_TEST" "keygen --passout env:KK_..."
expect_eq "$(comp keyconv ke)" "key1.pem key2.pem" "keyconv operand: files"
expect_eq "$(comp keyconv --force key1.pem k)" "key1.pem key2.pem" "keyconv second operand: files"
expect_eq "$(comp keygen -f s)" "sub" "keygen -f: a path"
expect_eq "$(comp keycheck -a k)" "key1.pem key2.pem" "keycheck -a: files"
expect_eq "$(comp keybatch -o '')" "sub" "keybatch -o: directories only"
expect_eq "$(comp keybatch --output = '')" "sub" "keybatch --output=: directories only"
expect_eq "$(comp keyconv --comment k)" "" "keyconv --comment: free text, nothing offered"
expect_eq "$(comp keygen -b '')" "" "keygen -b: nothing offered"

# ---- options: each tool's list is exactly its --help's
for tool in keygen keyconv keycheck keybatch; do
    var=_keykit_opts_$tool
    ours=$(printf '%s\n' ${!var} | sort -u)
    expect_eq "$(comp $tool -)" "$(sorted $ours)" "$tool -: every option of the bash list"
    help_of "$tool" || continue
    offered=$(printf '%s\n' "$HELP" | options_in)
    missing=$(comm -23 <(printf '%s\n' "$offered") <(printf '%s\n' "$ours"))
    extra=$(comm -13 <(printf '%s\n' "$offered") <(printf '%s\n' "$ours"))
    expect_eq "$missing" "" "$tool: options in --help missing from completions/keykit.bash"
    expect_eq "$extra" "" "$tool: options in completions/keykit.bash not in --help"
done
expect_eq "$(comp keyconv --no-e)" "--no-encrypt" "keyconv --no-e"

# ---- zsh: same formats, and per tool the options its --help offers
zsh_array() { sed -n "s/^$1=(\(.*\))\$/\1/p" "$ZSH_COMP"; }
expect_eq "$(zsh_array formats)" "$_keykit_formats" "zsh formats = bash formats"
expect_eq "$(zsh_array private_formats)" "$_keykit_private_formats" "zsh private formats = bash ones"
# Options of one tool's _arguments specs ('--opt[', "--opt[", {-x,--long}'[),
# with the shared caps when the tool takes them.
zsh_options() {
    {
        awk -v t="  $1)" '$0 == t { on = 1; next } on && /^    ;;/ { on = 0 } on' "$ZSH_COMP"
        if awk -v t="  $1)" '$0 == t { on = 1; next } on && /^    ;;/ { on = 0 } on' "$ZSH_COMP" |
            grep -q '\$caps'; then
            awk '/^caps=\(/ { on = 1; next } on && /^\)/ { on = 0 } on' "$ZSH_COMP"
        fi
    } | perl -ne 'print "$1\n" while /(?<=[\x27"{,)])(--?[A-Za-z0-9][A-Za-z0-9-]*)(?=[\[,}])/g' |
        sort -u
}
for tool in keygen keyconv keycheck keybatch; do
    var=_keykit_opts_$tool
    expect_eq "$(zsh_options $tool | tr '\n' ' ' | sed 's/ $//')" \
        "$(printf '%s\n' ${!var} | sort -u | tr '\n' ' ' | sed 's/ $//')" \
        "$tool: zsh options = bash options"
done
if command -v zsh >/dev/null 2>&1; then
    expect_true "zsh -n completions/_keykit" zsh -n "$ZSH_COMP"
else
    echo "SKIP: zsh not installed; its completion's syntax is not checked" >&2
fi

finish
