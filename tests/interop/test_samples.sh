#!/usr/bin/env bash
# Every key in samples/ (made by ssh-keygen, openssl, puttygen) decodes to
# the public key the tool that made it reports, keeps its comment where the
# format has one, and, when encrypted, opens only with its passphrase.
source "$KK_LIB"
source "$KK_SRC/tests/interop/interop.sh"
need ssh-keygen
need openssl
need keyconv
need puttygen

S=$KK_SRC/samples
SP=keykit-sample
printf '%s' "$SP" >"$T/pass.txt"

# ref_sample FILE PASS: REF_SSH for a sample, from the real tools only.
ref_sample() {
    local f=$1 pass=$2 base
    base=$(basename "$f")
    REF_SSH=""
    case $base in
        *.ppk|sshcom_*.key)
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

n=0
for f in "$S"/*; do
    base=$(basename "$f")
    case $base in README.md|make-samples.sh) continue ;; esac
    if grep -q "\`$base\`" "$S/README.md"; then kk_pass; else kk_fail "$base is not in samples/README.md"; fi

    pass=""
    case $base in *.pub) ;; *_enc*) pass=$SP ;; esac
    ref_sample "$f" "$pass"
    if [ -z "$REF_SSH" ]; then
        kk_fail "$base: no reference public key from the tool that made it"; continue
    fi

    args=(--to openssh-pub)
    [ -n "$pass" ] && args+=(--passin "pass:$pass")
    run keyconv "${args[@]}" "$f" - </dev/null
    printf '%s\n' "$OUT" >"$T/got.pub"

    n=$((n + 1))
    expect_rc 0 "$base -> keyconv"
    [ "$RC" -eq 0 ] || continue
    expect_same_key "$(ssh_id_line "$T/got.pub")" "$base -> keyconv"

    # Comments come along: openssh private -> the line ssh-keygen wrote beside it.
    case $base in
        openssh_*[0-9]|openssh_*_enc|sshkeygen_pem_*.pem.pub|openssh_*.pub)
            want=$f; [ -e "$f.pub" ] && want=$f.pub
            expect_eq "$OUT" "$(cat "$want")" "$base -> openssh-pub: same line as $(basename "$want")" ;;
        rfc4716_*|sshcom_*)
            c=$(sed -n 's/^Comment: "\(.*\)"$/\1/p' "$f")
            expect_eq "$(sed -n '1s/^[^ ]* [^ ]* \{0,1\}//p' "$T/got.pub")" "$c" "$base -> openssh-pub: comment" ;;
        *.ppk)
            c=$(sed -n 's/^Comment: //p' "$f" | tr -d '\r')
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

echo "samples read: $n"
if [ $n -ge 50 ]; then kk_pass; else kk_fail "only $n samples checked (expected at least 50)"; fi
finish
