#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test (unit, CLI, interop,
# fuzz-corpus replay) with ctest.  --asan also builds and runs the whole suite
# again under AddressSanitizer + UndefinedBehaviorSanitizer.
# Usage: bash scripts/test.sh [--asan]
set -euo pipefail
cd "$(dirname "$0")/.."

asan=0
for arg in "$@"; do
    case $arg in
        --asan) asan=1 ;;
        -h|--help) sed -n '2,5s/^# \{0,1\}//p' "$0"; exit 0 ;;
        *) echo "test.sh: unknown option '$arg'" >&2
           echo "Try 'bash scripts/test.sh --help'." >&2; exit 2 ;;
    esac
done

export CMAKE_BUILD_PARALLEL_LEVEL=${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc 2>/dev/null || echo 2)}

bash scripts/install-deps.sh

# run PRESET: configure, build, test; ctest prints its own summary.
run() {
    echo "== $1: configure"
    cmake --preset "$1" || return 1
    echo "== $1: build"
    cmake --build --preset "$1" || return 1
    echo "== $1: test"
    ctest --preset "$1" --no-tests=error || return 1
}

# With --asan the sanitizer run goes ahead even when the first one failed,
# so one CI run reports both.
failed=()
run default || failed+=(default)
if [ $asan -eq 1 ]; then
    run asan || failed+=(asan)
fi
if [ ${#failed[@]} -gt 0 ]; then
    echo "test.sh: FAILED in: ${failed[*]}" >&2
    exit 1
fi
