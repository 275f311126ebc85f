# Shared by test_man.sh and test_completion.sh (sourced, not a test):
# the options a tool's --help offers, as one sorted list.

# Options in text on stdin: --long and -x words (after a blank, comma,
# bracket, bar or parenthesis), sorted, one a line.  Options of the other
# tools a text mentions ("ssh-keygen -e", "puttygen -O public") are not ours.
options_in() {
    sed -E ':a; s/(ssh-keygen|puttygen|openssl|ssh)( -[A-Za-z0-9-]+)/\1/; ta' |
        grep -oE '(^|[][ ,(|/])--?[A-Za-z0-9][A-Za-z0-9-]*' |
        sed -E 's/^[][ ,(|/]//' |
        grep -E '^(--[a-z0-9][a-z0-9-]*|-[A-Za-z0-9])$' | sort -u
}

# help_of TOOL: sets HELP to TOOL --help; returns 1 (after saying so) while
# the tool is still the "not written yet" stub, so checks against its
# --help can wait until it is real.
help_of() {
    local rc
    HELP=$("$1" --help 2>"$T/.help_err"); rc=$?
    if [ $rc -eq 2 ] && grep -q 'not written yet' "$T/.help_err"; then
        echo "SKIP: $1 --help is still a stub; the checks against it wait for the real one" >&2
        return 1
    fi
    if [ $rc -ne 0 ]; then kk_fail "$1 --help: exit $rc"; return 1; fi
    return 0
}
