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
# need TOOL: skip the whole script (ctest exit 77 is not used; we report) if absent.
need() {
    if ! command -v "$1" >/dev/null 2>&1; then
        echo "SKIP: $1 not installed" >&2; exit 0
    fi
}
# finish: prints the tally in the plain form CI reads and sets the exit status.
finish() {
    echo "$KK_PASSES passed, $KK_FAILS failed"
    [ "$KK_FAILS" -eq 0 ]
}
