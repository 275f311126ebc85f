#!/usr/bin/env bash
# --version on every tool (and -V) prints "TOOL (keykit) VERSION" with the
# version of the project() line in CMakeLists.txt, the one place it is set;
# keykit.pc of the build says the same.
source "$KK_LIB"

version=$(sed -nE 's/^project\(keykit VERSION ([0-9]+\.[0-9]+\.[0-9]+)[ )].*/\1/p' "$KK_SRC/CMakeLists.txt")
if [ -z "$version" ]; then
    kk_fail "no 'project(keykit VERSION X.Y.Z' line in CMakeLists.txt"
    finish; exit
fi

for tool in keygen keyconv keycheck keybatch; do
    for opt in --version -V; do
        run "$tool" "$opt"
        if [ "$RC" -eq 2 ] && [[ "$ERR" == *"not written yet"* ]]; then
            echo "SKIP: $tool is still a stub" >&2
            continue 2
        fi
        expect_ok "$tool $opt"
        expect_out "$tool (keykit) $version" "$tool $opt"
    done
done

if [ -n "${KK_BUILD:-}" ] && [ -f "$KK_BUILD/keykit.pc" ]; then
    expect_file_has "$KK_BUILD/keykit.pc" "Version: $version" "keykit.pc version"
fi
finish
