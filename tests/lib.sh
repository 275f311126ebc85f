# Shared helpers for the CLI and interop tests (bash).  Sourced by each
# tests/{cli,interop}/test_*.sh; ctest sets KK_BIN (built tools) and KK_SRC.
set -u
: "${KK_BIN:?KK_BIN must point at the built bin/ directory}"
: "${KK_SRC:?KK_SRC must point at the source tree}"
PATH="$KK_BIN:$PATH"
KK_FAILS=0
KK_PASSES=0
T=$(mktemp -d "${TMPDIR:-/tmp}/kktest.XXXXXX")
trap 'rm -rf "$T"' EXIT
cd "$T"

kk_pass() { KK_PASSES=$((KK_PASSES + 1)); }
kk_fail() { KK_FAILS=$((KK_FAILS + 1)); echo "FAIL: $*" >&2; }

# run CMD...: runs a command, keeping stdout in $OUT, stderr in $ERR and the
# exit status in $RC; stdin is /dev/null unless redirected by the caller.
run() {
    OUT=$("$@" 2>"$T/.stderr"); RC=$?
    ERR=$(cat "$T/.stderr")
}

# expect_rc N DESC: the last run exited N.
expect_rc() {
    if [ "$RC" -eq "$1" ]; then kk_pass; else
        kk_fail "$2: exit $RC, expected $1"; echo "  stderr: $ERR" >&2; fi
}
# expect_err TEXT DESC: stderr of the last run is exactly TEXT.
expect_err() {
    if [ "$ERR" = "$1" ]; then kk_pass; else
        kk_fail "$2: stderr mismatch"; printf '  got:      %s\n  expected: %s\n' "$ERR" "$1" >&2; fi
}
# expect_err_has TEXT DESC: stderr of the last run contains TEXT.
expect_err_has() {
    case "$ERR" in *"$1"*) kk_pass ;; *) kk_fail "$2: stderr lacks '$1'"; echo "  got: $ERR" >&2 ;; esac
}
# expect_err_lacks TEXT DESC: stderr of the last run does not contain TEXT.
expect_err_lacks() {
    case "$ERR" in *"$1"*) kk_fail "$2: stderr has '$1'"; echo "  got: $ERR" >&2 ;; *) kk_pass ;; esac
}
# expect_out_has TEXT DESC
expect_out_has() {
    case "$OUT" in *"$1"*) kk_pass ;; *) kk_fail "$2: stdout lacks '$1'"; echo "  got: $OUT" >&2 ;; esac
}
# expect_eq A B DESC
expect_eq() {
    if [ "$1" = "$2" ]; then kk_pass; else
        kk_fail "$3"; printf '  got:      %s\n  expected: %s\n' "$1" "$2" >&2; fi
}
# expect_no_file PATH DESC: nothing was written (and no temp file beside it).
expect_no_file() {
    local dir; dir=$(dirname "$1")
    if [ -e "$1" ]; then kk_fail "$2: $1 exists"; return; fi
    if ls -A "$dir" | grep -q '\.kktmp'; then kk_fail "$2: temp file left in $dir"; return; fi
    kk_pass
}
# expect_mode PATH MODE DESC (octal, e.g. 600)
expect_mode() {
    local m; m=$(stat -c %a "$1" 2>/dev/null)
    expect_eq "$m" "$2" "$3 (mode of $1)"
}
# need TOOL: skip the whole script if absent: exit 77, which ctest shows
# as skipped (SKIP_RETURN_CODE), never as passed.
need() {
    if ! command -v "$1" >/dev/null 2>&1; then
        echo "SKIP: $1 not installed" >&2; exit 77
    fi
}
# The version, from the one place it is set (CMakeLists.txt's project()).
KK_VERSION=$(sed -nE 's/^project\(keykit VERSION ([0-9.]+)[ )].*/\1/p' "${KK_SRC:-.}/CMakeLists.txt")
# finish: prints the tally in the plain form CI reads and sets the exit status.
finish() {
    echo "$KK_PASSES passed, $KK_FAILS failed"
    [ "$KK_FAILS" -eq 0 ]
}

# ---- helpers for the tool tests (tests/cli) ----

# As run's comment promises: stdin is /dev/null unless a caller redirects it,
# so a tool never finds the terminal of whoever started the tests (and never
# waits at a passphrase prompt).
exec </dev/null

# sha PATH: the file's SHA-256 (to prove a file was left unchanged).
sha() { sha256sum "$1" 2>/dev/null | cut -d' ' -f1; }
# expect_unchanged PATH SHA DESC: PATH still has the content it had.
expect_unchanged() {
    expect_eq "$(sha "$1")" "$2" "$3 ($1 changed)"
}
# expect_out TEXT DESC: stdout of the last run is exactly TEXT.
expect_out() {
    if [ "$OUT" = "$1" ]; then kk_pass; else
        kk_fail "$2: stdout mismatch"; printf '  got:      %s\n  expected: %s\n' "$OUT" "$1" >&2; fi
}
# expect_ok DESC: the last run exited 0 with nothing on stderr.
expect_ok() {
    if [ "$RC" -eq 0 ] && [ -z "$ERR" ]; then kk_pass; else
        kk_fail "$1: exit $RC"; echo "  stderr: $ERR" >&2; fi
}
# expect_file_has PATH TEXT DESC: the file contains TEXT.
expect_file_has() {
    if grep -qF -- "$2" "$1" 2>/dev/null; then kk_pass; else
        kk_fail "$3: $1 lacks '$2'"; fi
}
# expect_true DESC CMD...: CMD succeeds (its output is discarded).
expect_true() {
    local d="$1"; shift
    if "$@" >/dev/null 2>&1; then kk_pass; else kk_fail "$d: '$*' failed"; fi
}
# expect_false DESC CMD...: CMD fails (its output is discarded).
expect_false() {
    local d="$1"; shift
    if "$@" >/dev/null 2>&1 </dev/null; then kk_fail "$d: '$*' succeeded"; else kk_pass; fi
}
# sshkey TYPE BITS PATH PASS COMMENT: a key made now by ssh-keygen (BITS "" = default).
sshkey() {
    local b=(); [ -n "$2" ] && b=(-b "$2")
    ssh-keygen -q -t "$1" "${b[@]}" -N "$4" -C "$5" -f "$3" </dev/null >/dev/null
}
# publine PATH: "type base64" of an OpenSSH public key line (no comment).
publine() { cut -d' ' -f1,2 "$1"; }
