#!/usr/bin/env bash
# `cmake --install` of this build into a scratch prefix: the layout (tools,
# libraries, header, keykit.pc, man pages, completions), libkeykit.so
# exporting exactly the keykit_* API of the header, and examples/convert.c
# built against the INSTALLED header and library with pkg-config, shared
# and static, printing what `ssh-keygen -l` prints for sample keys and
# writing keys that ssh-keygen reads.
source "$KK_LIB"
: "${KK_BUILD:?KK_BUILD must point at the build directory}"
need cmake
need pkg-config
need ssh-keygen
need nm
CC=${KK_CC:-cc}
CFLAGS=${KK_CFLAGS:-}
LDFLAGS=${KK_LDFLAGS:-}
S="$KK_SRC/samples"

prefix="$T/prefix"
if ! cmake --install "$KK_BUILD" --prefix "$prefix" >"$T/install.log" 2>&1; then
    kk_fail "cmake --install failed"; cat "$T/install.log" >&2; finish; exit
fi
kk_pass

# ---- layout
pc=$(find "$prefix" -name keykit.pc)
expect_true "keykit.pc installed" test -f "$pc"
libdir=$(dirname "$(dirname "$pc")")
expect_eq "$(basename "$(dirname "$pc")")" "pkgconfig" "keykit.pc in LIBDIR/pkgconfig"
for tool in keygen keyconv keycheck keybatch; do
    expect_true "bin/$tool" test -x "$prefix/bin/$tool"
    expect_true "man1/$tool.1" test -f "$prefix/share/man/man1/$tool.1"
    expect_true "bash completion for $tool" test -f "$prefix/share/bash-completion/completions/$tool"
done
expect_true "zsh completion" test -f "$prefix/share/zsh/vendor-completions/_keykit"
expect_true "include/keykit.h" test -f "$prefix/include/keykit.h"
for f in libkeykit.a libkeykit.so; do
    expect_true "$f in $libdir" test -e "$libdir/$f"
done
so=$(readlink -f "$libdir/libkeykit.so")
version=$(sed -nE 's/^project\(keykit VERSION ([0-9.]+)[ )].*/\1/p' "$KK_SRC/CMakeLists.txt")
expect_eq "$(basename "$so")" "libkeykit.so.$version" "libkeykit.so is VERSION"
expect_eq "$(readlink "$libdir/libkeykit.so.0")" "libkeykit.so.$version" "SOVERSION 0 link"
expect_true "SONAME libkeykit.so.0" sh -c "readelf -d '$so' | grep -q 'SONAME.*\[libkeykit.so.0\]'"
# The tools carry the library inside: no libkeykit.so at run time.
expect_false "keyconv does not need libkeykit.so" sh -c "readelf -d '$prefix/bin/keyconv' | grep -q 'NEEDED.*libkeykit'"
expect_true "the installed tools run" "$prefix/bin/keyconv" --version

# ---- the header: the keykit_ namespace only, compiles alone
expect_false "no internal names in keykit.h" grep -qE '\bk[kc]_|KK_|KC_' "$prefix/include/keykit.h"
expect_true "keykit.h compiles alone (-std=c11 -pedantic)" sh -c \
    "echo '#include <keykit.h>' | $CC -std=c11 -pedantic -Wall -Wextra -Werror -I'$prefix/include' -fsyntax-only -x c -"

# ---- symbols: exactly the functions the header declares KEYKIT_API
exported=$(nm -D --defined-only "$so" | awk '{ print $3 }' | sort)
declared=$(grep -oE 'KEYKIT_API [^(]*\b(keykit_[a-z0-9_]+)\(' "$prefix/include/keykit.h" |
           grep -oE 'keykit_[a-z0-9_]+\($' | tr -d '(' | sort)
others=$(printf '%s\n' "$exported" | grep -v '^keykit_' || true)
expect_eq "$others" "" "libkeykit.so exports only keykit_* symbols"
expect_eq "$exported" "$declared" "libkeykit.so exports every KEYKIT_API function of keykit.h"
# The archive too: a static link must not meet our internal names.
static_defined=$(nm -g --defined-only "$libdir/libkeykit.a" 2>/dev/null |
                 awk 'NF == 3 { print $3 }' | sort -u)
expect_eq "$(printf '%s\n' "$static_defined" | grep -v '^keykit_' || true)" "" \
    "libkeykit.a defines only keykit_* global symbols"
expect_eq "$static_defined" "$declared" "libkeykit.a defines every KEYKIT_API function of keykit.h"

# ---- pkg-config from the installed tree
export PKG_CONFIG_PATH="$libdir/pkgconfig"
run pkg-config --modversion keykit
expect_eq "$OUT" "$version" "pkg-config --modversion keykit"
incdir=$(pkg-config --variable=includedir keykit)
expect_eq "$(cd "$incdir" && pwd -P)" "$(cd "$prefix/include" && pwd -P)" "includedir is the scratch prefix's"
# A machine with keykit's package and none of the -dev packages: keykit.pc
# must not need their .pc files (no system .pc is visible here).
run env PKG_CONFIG_LIBDIR="$libdir/pkgconfig" PKG_CONFIG_PATH= pkg-config --cflags --libs keykit
expect_rc 0 "pkg-config --cflags --libs keykit with no other .pc file"
static_libs=$(pkg-config --static --libs keykit)
for l in -lkeykit -lcrypto -lz -largon2 -lgmp -pthread; do
    case " $static_libs " in *" $l "*) kk_pass ;; *) kk_fail "pkg-config --static --libs lacks $l: $static_libs" ;; esac
done

# ---- the example, shared and static
# shellcheck disable=SC2086  # flag lists are word lists
build() {  # build OUT LIBS...
    local out=$1; shift
    $CC $CFLAGS -std=c11 -Wall -Wextra -Werror $(pkg-config --cflags keykit) \
        "$KK_SRC/examples/convert.c" -o "$out" $LDFLAGS "$@" 2>"$T/cc.log"
}
# shellcheck disable=SC2046
if build "$T/convert-shared" $(pkg-config --libs keykit); then kk_pass; else
    kk_fail "example: shared build"; cat "$T/cc.log" >&2; fi
# Static: libkeykit.a itself (the .so would win a plain -lkeykit), and
# the private dependencies from Requires.private / Libs.private.
static_libs=$(printf '%s\n' "$static_libs" | sed "s|-lkeykit|$libdir/libkeykit.a|")
# shellcheck disable=SC2086
if build "$T/convert-static" $static_libs; then kk_pass; else
    kk_fail "example: static build"; cat "$T/cc.log" >&2; fi
expect_true "shared example needs libkeykit.so.0" sh -c "readelf -d '$T/convert-shared' | grep -q 'NEEDED.*libkeykit.so.0'"
expect_false "static example does not" sh -c "readelf -d '$T/convert-static' | grep -q 'NEEDED.*libkeykit'"
run env LD_LIBRARY_PATH="$libdir" ldd "$T/convert-shared"
expect_out_has "$libdir/libkeykit.so.0" "the shared example loads the installed library"

# line KEY: the ssh-keygen -l line of a key file (its .pub when there is one).
line() { ssh-keygen -l -f "$1" 2>/dev/null; }
for kind in shared static; do
    conv="$T/convert-$kind"
    [ -x "$conv" ] || continue
    rm -rf "$T/out"; mkdir "$T/out"
    export LD_LIBRARY_PATH="$libdir"

    # An encrypted OpenSSH key: the callback is asked, the output is
    # encrypted again with the same passphrase.  (bcrypt is slow under the
    # sanitizers: once, through the shared library.)
    if [ $kind = shared ]; then
        run env KEYKIT_PASSPHRASE=keykit-sample "$conv" "$S/openssh_ed25519_enc" openssh "$T/out/ed"
        expect_ok "$kind: convert an encrypted openssh key"
        expect_out "$(line "$S/openssh_ed25519_enc.pub")" "$kind: same line as ssh-keygen -l"
        expect_true "$kind: output opens with the passphrase" ssh-keygen -y -P keykit-sample -f "$T/out/ed"
        expect_false "$kind: output is encrypted" ssh-keygen -y -P '' -f "$T/out/ed"
        expect_mode "$T/out/ed" 600 "$kind: private output"
    fi
    run env -u KEYKIT_PASSPHRASE "$conv" "$S/openssh_ed25519_enc" openssh "$T/out/ed2"
    expect_rc 1 "$kind: no passphrase for an encrypted key"
    expect_err_has "no passphrase" "$kind: says why"
    expect_no_file "$T/out/ed2" "$kind: nothing written"

    # RSA from PEM to PKCS#8, ECDSA to the one-line public key.
    run "$conv" "$S/openssh_rsa2048" pkcs8 "$T/out/rsa.p8"
    expect_ok "$kind: rsa to pkcs8"
    expect_out "$(line "$S/openssh_rsa2048.pub")" "$kind: rsa line as ssh-keygen -l"
    expect_eq "$(line "$T/out/rsa.p8" | cut -d' ' -f1,2)" "$(line "$S/openssh_rsa2048.pub" | cut -d' ' -f1,2)" \
        "$kind: ssh-keygen reads the pkcs8 output as the same key"
    run "$conv" "$S/openssh_ecdsa256" pub "$T/out/ec.pub"
    expect_ok "$kind: ecdsa to openssh-pub"
    expect_eq "$(line "$T/out/ec.pub")" "$OUT" "$kind: ssh-keygen -l of the output = the example's line"
    expect_eq "$(publine "$T/out/ec.pub")" "$(publine "$S/openssh_ecdsa256.pub")" "$kind: same public key"

    # PuTTY in: ssh-keygen cannot read it, so compare through the output.
    run "$conv" "$S/ppk3_rsa2048.ppk" pub "$T/out/ppk.pub"
    expect_ok "$kind: ppk3 to openssh-pub"
    expect_eq "$(line "$T/out/ppk.pub")" "$OUT" "$kind: ppk3: ssh-keygen -l of the output = the example's line"
    unset LD_LIBRARY_PATH
done
# A file over the library's 1 MiB cap is refused as such, not cut short.
head -c 1048577 /dev/zero >"$T/big"
run "$T/convert-static" "$T/big" pub "$T/out/big.pub"
expect_rc 1 "an input over 1 MiB"
expect_err "keykit-convert: $T/big: the input is larger than 1 MiB" "an input over 1 MiB: says so"
# The static one runs with no library path at all.
run env -u LD_LIBRARY_PATH "$T/convert-static" "$S/openssh_ed25519.pub" rfc4716 "$T/out/rfc"
expect_out "$(line "$S/openssh_ed25519.pub")" "static example without LD_LIBRARY_PATH"

finish
