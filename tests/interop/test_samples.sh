#!/usr/bin/env bash
# Every key in samples/ (made by ssh-keygen, openssl, puttygen) that keykit
# reads today decodes to the public key the tool that made it reports; the
# ones for later issues (encrypted openssh, PPK, ssh.com private) are refused
# cleanly (exit 1 and a message) or, once supported, decode to the same key.
source "$KK_LIB"
source "$KK_SRC/tests/interop/interop.sh"
need ssh-keygen
need openssl
need keyconv

S=$KK_SRC/samples
SP=keykit-sample
printf '%s' "$SP" >"$T/pass.txt"

# readable FMT: keyconv --help lists FMT as a format it reads.
HELP=$(keyconv --help 2>&1)
readable() {
    printf '%s\n' "$HELP" | grep -E "^ +$1 " | grep -vq 'not readable'
}
# later FILE: true if keykit is not expected to read FILE yet (formats that
# arrive with later issues; once --help lists them, their samples must read).
later() {
    case $(basename "$1") in
        openssh_*_enc) return 0 ;;                  # encrypted openssh (bcrypt_pbkdf)
        ppk2_*.ppk) readable ppk2 && return 1; return 0 ;;
        ppk3_*.ppk) readable ppk3 && return 1; return 0 ;;
        sshcom_*.key) readable sshcom && return 1; return 0 ;;
    esac
    return 1
}

# ref_sample FILE PASS: REF_SSH for a sample, from the real tools only.
ref_sample() {
    local f=$1 pass=$2 base
    base=$(basename "$f")
    REF_SSH=""
    case $base in
        *.ppk|sshcom_*.key)
            command -v puttygen >/dev/null 2>&1 || return 0
            if [ -n "$pass" ]; then
                REF_SSH=$(puttygen "$f" --old-passphrase "$T/pass.txt" -O public-openssh 2>/dev/null </dev/null | awk '{print $1, $2}')
            else
                REF_SSH=$(puttygen "$f" -O public-openssh 2>/dev/null </dev/null | awk '{print $1, $2}')
            fi ;;
        *.pub)
            if head -n 1 "$f" | grep -q '^---- BEGIN SSH2 PUBLIC KEY ----'; then
                REF_SSH=$(ssh_id_import "$f" RFC4716)
            else
                REF_SSH=$(ssh_id_line "$f")
            fi ;;
        *pkcs1pub*) REF_SSH=$(ssh_id_import "$f" PEM) ;;
        spki_ed25519*) REF_SSH=$(ed25519_spki_to_id "$(ossl_id_spki "$f")") ;;
        *spki*) REF_SSH=$(ssh_id_import "$f" PKCS8) ;;
        pkcs8_ed25519*) REF_SSH=$(ed25519_spki_to_id "$(ossl_id_priv "$f" "$pass")") ;;
        *)
            priv_copy "$f" "$T/.priv"
            REF_SSH=$(ssh_id_priv "$T/.priv" "$pass") ;;
    esac
}

n_now=0
n_later=0
for f in "$S"/*; do
    base=$(basename "$f")
    case $base in README.md|make-samples.sh) continue ;; esac
    if grep -q "\`$base\`" "$S/README.md"; then kk_pass; else kk_fail "$base is not in samples/README.md"; fi

    pass=""
    case $base in *.pub) ;; *_enc*) pass=$SP ;; esac
    ref_sample "$f" "$pass"
    if [ -z "$REF_SSH" ]; then
        later "$f" && [ ! -x "$(command -v puttygen)" ] && continue
        kk_fail "$base: no reference public key from the tool that made it"; continue
    fi

    args=(--to openssh-pub)
    [ -n "$pass" ] && args+=(--passin "pass:$pass")
    run keyconv "${args[@]}" "$f" - </dev/null
    printf '%s\n' "$OUT" >"$T/got.pub"

    if later "$f"; then
        n_later=$((n_later + 1))
        # Not expected yet: a clean refusal, or (once supported) the same key.
        case $RC in
            0) expect_same_key "$(ssh_id_line "$T/got.pub")" "$base (now supported) -> keyconv" ;;
            1) case $ERR in "keyconv: "*) kk_pass ;; *) kk_fail "$base: exit 1 without a keyconv: message: $ERR" ;; esac ;;
            *) kk_fail "$base: exit $RC (expected 0, or 1 while unsupported)"; echo "  stderr: $ERR" >&2 ;;
        esac
        continue
    fi

    n_now=$((n_now + 1))
    expect_rc 0 "$base -> keyconv"
    [ "$RC" -eq 0 ] || continue
    expect_same_key "$(ssh_id_line "$T/got.pub")" "$base -> keyconv"

    # Comments come along: openssh private -> the line ssh-keygen wrote beside it.
    case $base in
        openssh_*[0-9]|sshkeygen_pem_*.pem.pub|openssh_*.pub)
            want=$f; [ -e "$f.pub" ] && want=$f.pub
            expect_eq "$OUT" "$(cat "$want")" "$base -> openssh-pub: same line as $(basename "$want")" ;;
        rfc4716_*|sshcom_*.pub)
            c=$(sed -n 's/^Comment: "\(.*\)"$/\1/p' "$f")
            expect_eq "$(sed -n '1s/^[^ ]* [^ ]* \{0,1\}//p' "$T/got.pub")" "$c" "$base -> openssh-pub: comment" ;;
    esac

    # Encrypted samples: without a passphrase keyconv stops and says how to give one.
    if [ -n "$pass" ]; then
        run keyconv --to openssh-pub "$f" - </dev/null
        expect_rc 1 "$base without --passin"
        expect_err_has "--passin" "$base without --passin: hint"
        run keyconv --passin pass:not-the-passphrase --to openssh-pub "$f" - </dev/null
        expect_rc 1 "$base with a wrong passphrase"
    fi
done

# keyconv reads gzip-compressed input transparently
gzip -c "$S/openssh_ed25519" >ed.gz
run keyconv --to openssh-pub ed.gz - </dev/null
expect_rc 0 "gzipped openssh_ed25519 -> keyconv"
expect_eq "$OUT" "$(cat "$S/openssh_ed25519.pub")" "gzipped openssh_ed25519: same line as the .pub"

echo "samples read now: $n_now, for later issues: $n_later"
if [ $n_now -ge 30 ]; then kk_pass; else kk_fail "only $n_now samples checked (expected at least 30)"; fi
finish
