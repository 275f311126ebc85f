#!/usr/bin/env bash
# The man pages (man/TOOL.1) against the tools: every option --help shows
# is documented under OPTIONS, every option documented there exists in
# --help, the exit statuses --help names are under EXIT STATUS, the
# sections are all there, and groff (and man, when installed) render each
# page without a warning.  Differences are listed option by option.
source "$KK_LIB"
source "$KK_SRC/tests/cli/help_options.sh"
need groff

# The text of one section of a man page, as roff source.
man_section() {
    awk -v want=".SH $2" '/^\.SH /{ sec = $0; next } sec == want' "$1"
}
# The options a man page documents: the tag lines of .TP items under OPTIONS.
man_options() {
    awk '/^\.SH /{ sec = $0; prev = ""; next }
         sec == ".SH OPTIONS" && prev == ".TP" { print }
         { prev = $0 }' "$1" |
        sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' | options_in
}

for tool in keygen keyconv keycheck keybatch; do
    page="$KK_SRC/man/$tool.1"
    if [ ! -f "$page" ]; then kk_fail "$tool: man/$tool.1 is missing"; continue; fi

    # ---- the page itself
    for sec in NAME SYNOPSIS DESCRIPTION OPTIONS "EXIT STATUS" EXAMPLES "SEE ALSO"; do
        if grep -qx "\.SH \"\{0,1\}$sec\"\{0,1\}" "$page"; then kk_pass; else
            kk_fail "$tool: man page has no $sec section"; fi
    done
    if grep -qE "^$tool \\\\- " "$page"; then kk_pass; else
        kk_fail "$tool: NAME line is not '$tool \\- summary'"; fi
    expect_true "$tool: .TH names section 1" grep -qE "^\.TH ${tool^^} 1 " "$page"
    warn=$(groff -man -Tutf8 -ww -z "$page" 2>&1)
    expect_eq "$warn" "" "$tool: groff -ww warnings"
    if command -v man >/dev/null 2>&1; then
        warn=$(MANWIDTH=80 LC_ALL=C.UTF-8 man --warnings -l "$page" 2>&1 >/dev/null)
        expect_eq "$warn" "" "$tool: man -l warnings"
    fi
    documented=$(man_options "$page")
    if [ -z "$documented" ]; then kk_fail "$tool: no options found in the man page"; fi

    # ---- against --help
    # keybatch is written at the same time as its man page; once its
    # --help is real this check applies like the others.
    if ! help_of "$tool"; then
        echo "  man/$tool.1 documents:" $documented >&2
        continue
    fi
    offered=$(printf '%s\n' "$HELP" | options_in)
    missing=$(comm -23 <(printf '%s\n' "$offered") <(printf '%s\n' "$documented"))
    extra=$(comm -13 <(printf '%s\n' "$offered") <(printf '%s\n' "$documented"))
    if [ -z "$missing" ]; then kk_pass; else
        kk_fail "$tool: in --help but not in man/$tool.1 OPTIONS:" $missing; fi
    if [ -z "$extra" ]; then kk_pass; else
        kk_fail "$tool: in man/$tool.1 OPTIONS but not in --help:" $extra; fi

    # The exit statuses --help names ("Exit status: 0 ..., 1 ...").
    codes=$(printf '%s\n' "$HELP" | sed -n '/^Exit status:/,/^$/p' | grep -oE '\b[0-9]\b' | sort -u)
    if [ -z "$codes" ]; then kk_fail "$tool: --help names no exit status"; fi
    for c in $codes; do
        if man_section "$page" "EXIT STATUS" | grep -qx "\.B $c"; then kk_pass; else
            kk_fail "$tool: exit status $c is not under EXIT STATUS"; fi
    done
done

# The extractors themselves: an option only in --help or only in the page
# must show as a difference, or the checks above prove nothing.
printf '.SH OPTIONS\n.TP\n\\fB\\-x\\fR, \\fB\\-\\-only\\-man\\fR \\fIarg\\fR\nText --not-a-tag.\n.SH EXAMPLES\n.TP\n\\fB\\-\\-example\\fR\n' >"$T/t.1"
expect_eq "$(man_options "$T/t.1" | tr '\n' ' ')" "--only-man -x " "man_options reads .TP tags under OPTIONS only"
expect_eq "$(printf 'Usage: t [--aa] FILE\n  -b, --bb-cc N  text (see -Q); a-b -- (ssh-keygen -e -m PEM)\n' |
               options_in | tr '\n' ' ')" \
    "--aa --bb-cc -Q -b " "options_in reads --long and -x words, not other tools' options"

finish
