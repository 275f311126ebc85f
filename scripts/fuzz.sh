#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, preset "fuzz") and runs each
# build-fuzz/bin/fuzz_* for SECONDS (default 60), seeded from
# fuzz/corpus/<target>/ and fuzz/<target>.dict when present.  New inputs go
# to a scratch directory; --merge folds them into fuzz/corpus/<target>/.
# Prints executions and coverage per target; a crash (or leak, timeout, OOM)
# keeps its input in build-fuzz/artifacts/<target>/ and makes the script
# exit 1 after all targets ran.
# Usage: bash scripts/fuzz.sh [--merge] [--only TARGET] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

secs=60
merge=0
only=""
while [ $# -gt 0 ]; do
    case $1 in
        --merge) merge=1 ;;
        --only) only=${2:?--only needs a target name}; shift ;;
        -h|--help) sed -n '2,9s/^# \{0,1\}//p' "$0"; exit 0 ;;
        ''|*[!0-9]*) echo "fuzz.sh: unknown argument '$1'" >&2
             echo "Try 'bash scripts/fuzz.sh --help'." >&2; exit 2 ;;
        *) secs=$1 ;;
    esac
    shift
done

export CMAKE_BUILD_PARALLEL_LEVEL=${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc 2>/dev/null || echo 2)}
cmake --preset fuzz
cmake --build --preset fuzz

shopt -s nullglob
bins=("$ROOT"/build-fuzz/bin/fuzz_*)
if [ ${#bins[@]} -eq 0 ]; then
    echo "fuzz.sh: no fuzz targets were built (fuzz/fuzz_*.c)" >&2
    exit 1
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/kkfuzz.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

passed=0
failed=0
ran=0
report=()
for bin in "${bins[@]}"; do
    [ -x "$bin" ] || continue
    name=$(basename "$bin")
    t=${name#fuzz_}
    [ -n "$only" ] && [ "$t" != "$only" ] && continue
    ran=$((ran + 1))
    seeds=$ROOT/fuzz/corpus/$t
    scratch=$WORK/$t
    artifacts=$ROOT/build-fuzz/artifacts/$t
    mkdir -p "$scratch" "$artifacts"
    args=(-max_total_time="$secs" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048
          -artifact_prefix="$artifacts/")
    [ -f "$ROOT/fuzz/$t.dict" ] && args+=(-dict="$ROOT/fuzz/$t.dict")
    # libFuzzer writes new inputs to the first directory only: the scratch one.
    dirs=("$scratch")
    [ -d "$seeds" ] && dirs+=("$seeds")
    log=$WORK/$t.log
    echo "== fuzz_$t: ${secs}s"
    rc=0
    "$bin" "${args[@]}" "${dirs[@]}" >"$log" 2>&1 || rc=$?

    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    cov=$(grep -Eo 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -n 1 || true)
    [ -n "$cov" ] || cov="cov: ? ft: ?"
    if [ $rc -eq 0 ]; then
        passed=$((passed + 1))
        line=$(printf '%-22s ok     %10s execs  %s' "fuzz_$t" "${execs:-?}" "$cov")
    else
        failed=$((failed + 1))
        found=$(grep -Eo "$artifacts/[a-z-]+-[0-9a-f]+" "$log" | sort -u | tr '\n' ' ')
        line=$(printf '%-22s FAILED (exit %d) %s execs  %s  input: %s' "fuzz_$t" "$rc" \
               "${execs:-?}" "$cov" "${found:-none saved}")
        # Show the sanitizer's report so the CI log says what broke.
        grep -E -A 30 '^==[0-9]+== ?ERROR|runtime error:' "$log" | head -n 60 >&2 || true
        cp "$log" "$artifacts/last-failure.log"
    fi
    echo "$line"
    report+=("$line")

    if [ $merge -eq 1 ] && [ $rc -eq 0 ]; then
        mkdir -p "$seeds"
        before=$(find "$seeds" -type f | wc -l)
        "$bin" -merge=1 "$seeds" "$scratch" >"$WORK/$t.merge.log" 2>&1 ||
            { echo "fuzz.sh: merge into $seeds failed" >&2; tail -n 20 "$WORK/$t.merge.log" >&2; failed=$((failed + 1)); }
        after=$(find "$seeds" -type f | wc -l)
        echo "   merged: fuzz/corpus/$t has $after inputs ($((after - before)) new)"
    fi
done

if [ $ran -eq 0 ]; then
    echo "fuzz.sh: no target named '$only'" >&2
    exit 2
fi
echo
echo "== fuzz summary (${secs}s per target)"
printf '%s\n' "${report[@]}"
echo "fuzz: $passed passed, $failed failed"
[ $failed -eq 0 ]
