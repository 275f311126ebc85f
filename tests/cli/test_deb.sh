#!/usr/bin/env bash
# `cpack -G DEB` of this build: the package's name, version (the project()
# line), maintainer, description and runtime dependencies (dpkg-deb -I),
# and its contents unpacked with dpkg-deb -x into a scratch root, where
# every tool runs (no library path needed: they link keykit statically)
# and converts and checks sample keys.
source "$KK_LIB"
: "${KK_BUILD:?KK_BUILD must point at the build directory}"
need cpack
need dpkg-deb
need ssh-keygen
S="$KK_SRC/samples"
version=$(sed -nE 's/^project\(keykit VERSION ([0-9.]+)[ )].*/\1/p' "$KK_SRC/CMakeLists.txt")

if ! (cd "$T" && cpack -G DEB --config "$KK_BUILD/CPackConfig.cmake" -B "$T/pkg") >"$T/cpack.log" 2>&1; then
    kk_fail "cpack -G DEB failed"; cat "$T/cpack.log" >&2; finish; exit
fi
debs=("$T"/pkg/*.deb)
expect_eq "${#debs[@]}" 1 "one .deb made"
deb=${debs[0]}
expect_true "the .deb exists" test -f "$deb"
expect_eq "$(basename "$deb")" "keykit_${version}_$(dpkg --print-architecture 2>/dev/null || echo amd64).deb" "package file name"

# ---- control fields
run dpkg-deb -f "$deb" Package Version Maintainer
expect_out_has "Package: keykit" "package name"
expect_out_has "Version: $version" "package version = project() version"
maint=$(dpkg-deb -f "$deb" Maintainer)
expect_true "a maintainer (name <address>)" sh -c "printf '%s' '$maint' | grep -qE '^.+ <.+@.+>$'"
run dpkg-deb -I "$deb"
expect_out_has "Description: " "a description"
# Debian: the first line is the synopsis, the lines after it the extended
# description, which does not say the synopsis again.
desc=$(dpkg-deb -f "$deb" Description)
expect_true "an extended description" test "$(printf '%s\n' "$desc" | wc -l)" -gt 1
expect_eq "$(printf '%s\n' "$desc" | sed 1d | grep -cxF " $(printf '%s\n' "$desc" | head -n 1)")" 0 \
    "the synopsis is not repeated in the extended description"
depends=$(dpkg-deb -f "$deb" Depends)
for p in libssl3 zlib1g libargon2-1 libgmp10; do
    case ", $depends" in *", $p"[\ ,]* | *", $p") kk_pass ;;
        *) kk_fail "Depends lacks $p: $depends" ;; esac
done

# ---- contents, run from a scratch root
root="$T/root"
expect_true "dpkg-deb -x" dpkg-deb -x "$deb" "$root"
for tool in keygen keyconv keycheck keybatch; do
    expect_true "usr/bin/$tool" test -x "$root/usr/bin/$tool"
    expect_true "usr/share/man/man1/$tool.1" test -f "$root/usr/share/man/man1/$tool.1"
    expect_true "bash completion for $tool" test -f "$root/usr/share/bash-completion/completions/$tool"
done
expect_true "zsh completion" test -f "$root/usr/share/zsh/vendor-completions/_keykit"
expect_true "usr/include/keykit.h" test -f "$root/usr/include/keykit.h"
expect_true "libkeykit.so.0 in usr/lib" sh -c "ls '$root'/usr/lib*/libkeykit.so.0 '$root'/usr/lib/*/libkeykit.so.0 2>/dev/null | grep -q ."
expect_true "keykit.pc" sh -c "find '$root/usr' -name keykit.pc | grep -q ."

B="$root/usr/bin"
unset LD_LIBRARY_PATH
for tool in keygen keyconv keycheck keybatch; do
    run "$B/$tool" --version
    if [ "$RC" -eq 2 ] && [[ "$ERR" == *"not written yet"* ]]; then
        echo "SKIP: $tool is still a stub" >&2; continue
    fi
    expect_ok "$tool --version from the package"
    expect_out "$tool (keykit) $version" "$tool --version from the package"
done

# A real conversion (PuTTY v3 to OpenSSH), read by ssh-keygen.
run "$B/keyconv" "$S/ppk3_rsa2048.ppk" "$T/id_rsa"
expect_ok "keyconv ppk3 -> openssh from the package"
run ssh-keygen -y -f "$T/id_rsa"
expect_eq "$(printf '%s\n' "$OUT" | cut -d' ' -f1,2)" \
    "$(ssh-keygen -i -f "$S/sshcom_rsa2048.pub" | cut -d' ' -f1,2)" "ssh-keygen reads the converted key"
run "$B/keyconv" --to pub "$T/id_rsa" "$T/id_rsa.pub"
expect_ok "keyconv -> openssh-pub from the package"

# keycheck: a good key passes, a profile that refuses it fails.
run "$B/keycheck" "$S/openssh_ed25519.pub"
expect_rc 0 "keycheck passes a good key from the package"
run "$B/keycheck" --profile cisco-csr1000v "$S/openssh_ed25519.pub"
expect_rc 1 "keycheck --profile cisco-csr1000v refuses ed25519"
expect_err_has "profile-type" "keycheck names the rule"

# keygen makes a key ssh-keygen reads.
run "$B/keygen" -q -t ed25519 -N '' -C pkg@test -f "$T/gen"
expect_ok "keygen from the package"
expect_true "ssh-keygen reads keygen's key" ssh-keygen -y -f "$T/gen"

finish
