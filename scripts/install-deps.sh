#!/usr/bin/env bash
# Installs the Debian packages keykit needs to build, test and fuzz, and only
# those that are missing: with everything present it is a quick no-op.
# Usage: bash scripts/install-deps.sh
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

# build: compiler, cmake, pkg-config, the libraries; test: cmocka and the
# real tools that interop is proven against; fuzz: clang and its runtime
# (libFuzzer, sanitizers); gzip for the gzip-transparent input tests;
# packaging: groff-base (the man page test renders with groff), dpkg-dev
# (dpkg-shlibdeps: the .deb's Depends; dpkg-deb is in dpkg itself).
packages=(
    build-essential cmake pkg-config
    libssl-dev zlib1g-dev libargon2-dev libgmp-dev
    libcmocka-dev
    openssh-client putty-tools openssl gzip
    clang
    groff-base dpkg-dev
)
# libclang-rt-dev is the version-agnostic name (newer Debian); bookworm's
# clang 14 also has libclang-rt-14-dev.  Either one is enough.
clang_rt=(libclang-rt-dev libclang-rt-14-dev)

installed() {
    [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]
}

if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "install-deps: dpkg-query not found: this script supports Debian/Ubuntu only;" >&2
    echo "install-deps: install by hand: ${packages[*]} ${clang_rt[0]}" >&2
    exit 1
fi

missing=()
for p in "${packages[@]}"; do
    installed "$p" || missing+=("$p")
done
need_rt=1
for p in "${clang_rt[@]}"; do
    if installed "$p"; then need_rt=0; break; fi
done

if [ ${#missing[@]} -eq 0 ] && [ $need_rt -eq 0 ]; then
    echo "install-deps: all packages present"
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    SUDO=()
elif command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo)
else
    [ $need_rt -eq 1 ] && missing+=("${clang_rt[0]}")
    echo "install-deps: missing packages: ${missing[*]}" >&2
    echo "install-deps: not root and sudo is not installed; as root run:" >&2
    echo "  apt-get update && apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
fi

echo "install-deps: updating the package lists"
"${SUDO[@]}" apt-get update -q

if [ $need_rt -eq 1 ]; then
    rt=""
    for p in "${clang_rt[@]}"; do
        cand=$(apt-cache policy "$p" 2>/dev/null | awk '/Candidate:/ {print $2}')
        if [ -n "$cand" ] && [ "$cand" != "(none)" ]; then rt=$p; break; fi
    done
    if [ -n "$rt" ]; then
        missing+=("$rt")
    else
        echo "install-deps: warning: no clang runtime package found (${clang_rt[*]}); fuzzing will be unavailable" >&2
    fi
fi

if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
echo "install-deps: installing ${missing[*]}"
"${SUDO[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
echo "install-deps: done"
