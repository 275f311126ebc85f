#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, preset "fuzz") and runs each
# fuzz_<target> for SECONDS (default 60), one after the other, one core,
# seeded from fuzz/corpus/<target>/ and fuzz/<target>.dict when present.
# New inputs go to a scratch directory, and then the new coverage among them
# is merged into fuzz/corpus/<target>/ (libFuzzer -merge=1: only inputs that
# reach new edges, so the corpus stays small); --no-merge leaves the corpus
# as it is.  Prints executions, coverage (cov/ft), crashes, the slowest
# input's time and the peak memory per target; a
# crash (or leak, timeout, OOM) keeps its input in BUILD/artifacts/<target>/
# and makes the script exit 1 after all targets ran.
# --only TARGET (repeatable) runs only those targets.  KK_FUZZ_BUILD names
# the build directory (default build-fuzz, the preset's); --no-build runs
# the fuzzers already built there.
# Usage: bash scripts/fuzz.sh [--no-merge] [--no-build] [--only TARGET]... [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

secs=60
merge=1
build=1
only=()
while [ $# -gt 0 ]; do
    case $1 in
        --merge) merge=1 ;;
        --no-merge) merge=0 ;;
        --no-build) build=0 ;;
        --only) only+=("${2:?--only needs a target name}"); shift ;;
        -h|--help) sed -n '2,17s/^# \{0,1\}//p' "$0"; exit 0 ;;
        ''|*[!0-9]*) echo "fuzz.sh: unknown argument '$1'" >&2
             echo "Try 'bash scripts/fuzz.sh --help'." >&2; exit 2 ;;
        *) secs=$1 ;;
    esac
    shift
done

export CMAKE_BUILD_PARALLEL_LEVEL=${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc 2>/dev/null || echo 2)}
BUILD=${KK_FUZZ_BUILD:-$ROOT/build-fuzz}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
if [ $build -eq 1 ]; then
    cmake --preset fuzz -B "$BUILD" >/dev/null
    cmake --build "$BUILD" >/dev/null
fi

shopt -s nullglob
bins=("$BUILD"/bin/fuzz_*)
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
    if [ ${#only[@]} -gt 0 ]; then
        want=0
        for o in "${only[@]}"; do [ "$o" = "$t" ] && want=1; done
        [ $want -eq 1 ] || continue
    fi
    ran=$((ran + 1))
    seeds=$ROOT/fuzz/corpus/$t
    scratch=$WORK/$t
    artifacts=$BUILD/artifacts/$t
    mkdir -p "$scratch" "$artifacts"
    args=(-max_total_time="$secs" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048
          -artifact_prefix="$artifacts/")
    # No -jobs/-workers: libFuzzer then fuzzes in this one process on one
    # core (-jobs=N would fork workers that log to ./fuzz-N.log instead).
    [ -f "$ROOT/fuzz/$t.dict" ] && args+=(-dict="$ROOT/fuzz/$t.dict")
    # libFuzzer writes new inputs to the first directory only: the scratch one.
    dirs=("$scratch")
    [ -d "$seeds" ] && dirs+=("$seeds")
    log=$WORK/$t.log
    echo "== fuzz_$t: ${secs}s"
    rc=0
    t0=$SECONDS
    "$bin" "${args[@]}" "${dirs[@]}" >"$log" 2>&1 || rc=$?
    took=$((SECONDS - t0))

    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    cov=$(grep -Eo 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -n 1 || true)
    [ -n "$cov" ] || cov="cov: ? ft: ?"
    # The slowest input and the peak memory: how far from a timeout or OOM.
    slow=$(sed -n 's/^stat::slowest_unit_time_sec: *//p' "$log" | tail -n 1)
    rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -n 1)
    # libFuzzer stops at the first crash, leak, timeout or OOM.
    found=$(grep -Eo "$artifacts/[a-z-]+-[0-9a-f]+" "$log" | sort -u | tr '\n' ' ' || true)
    ncrash=$(printf '%s' "$found" | wc -w)
    [ $rc -ne 0 ] && [ "$ncrash" -eq 0 ] && ncrash=1
    if [ $rc -eq 0 ]; then
        passed=$((passed + 1))
        line=$(printf '%-22s ok     %5ss %11s execs  %-20s crashes: 0  slowest: %ss  rss: %sMB' \
               "fuzz_$t" "$took" "${execs:-?}" "$cov" "${slow:-?}" "${rss:-?}")
    else
        failed=$((failed + 1))
        line=$(printf '%-22s FAILED %5ss %11s execs  %-20s crashes: %d (exit %d) input: %s' \
               "fuzz_$t" "$took" "${execs:-?}" "$cov" "$ncrash" "$rc" "${found:-none saved}")
        # Show the sanitizer's report so the CI log says what broke.
        grep -E -A 30 '^==[0-9]+== ?ERROR|runtime error:' "$log" | head -n 60 >&2 || true
        cp "$log" "$artifacts/last-failure.log"
    fi
    echo "$line"
    report+=("$line")

    if [ $merge -eq 1 ] && [ $rc -eq 0 ]; then
        mkdir -p "$seeds"
        before=$(find "$seeds" -type f | wc -l)
        # Edges only (no hit counters): a few hundred inputs, not thousands.
        "$bin" -merge=1 -use_counters=0 "$seeds" "$scratch" >"$WORK/$t.merge.log" 2>&1 ||
            { echo "fuzz.sh: merge into $seeds failed" >&2; tail -n 20 "$WORK/$t.merge.log" >&2; failed=$((failed + 1)); }
        after=$(find "$seeds" -type f | wc -l)
        echo "   merged: fuzz/corpus/$t has $after inputs ($((after - before)) new)"
    fi
done

if [ $ran -eq 0 ]; then
    echo "fuzz.sh: no target named '${only[*]}'" >&2
    exit 2
fi
echo
echo "== fuzz summary (${secs}s per target)"
printf '%s\n' "${report[@]}"
echo "fuzz: $passed passed, $failed failed"
[ $failed -eq 0 ]
