#!/usr/bin/env bash
# keyconv to and from the OpenSSL formats (pem, pkcs8, plain and encrypted;
# spki; pkcs1-pub), for every key type, from keys made by ssh-keygen and by
# openssl.  Outputs are read by openssl (and by ssh-keygen where it can:
# OpenSSH 9.2 reads no PKCS#8 Ed25519) and must give the same public key.
# Encrypted outputs must open with the passphrase, fail with the empty one,
# and name their cipher.  Inputs written by openssl/ssh-keygen are read back.
source "$KK_LIB"
source "$KK_SRC/tests/interop/interop.sh"
need ssh-keygen
need openssl
need keyconv

P=$KK_PASS

# expect_fails DESC CMD...: a command (a real tool) must fail.
expect_fails() {
    local desc=$1; shift
    if "$@" </dev/null >/dev/null 2>&1; then kk_fail "$desc: succeeded"; else kk_pass; fi
}

# check_encrypted FILE DESC: FILE opens with $P in openssl (and ssh-keygen),
# and neither tool opens it with the empty or a wrong passphrase.
check_encrypted() {
    local f=$1 desc=$2
    expect_same_spki "$(ossl_id_priv "$f" "$P")" "$desc: openssl with the passphrase"
    expect_fails "$desc: openssl with the empty passphrase" \
        openssl pkey -in "$f" -passin pass: -pubout
    expect_fails "$desc: openssl with a wrong passphrase" \
        openssl pkey -in "$f" -passin pass:wrong-pass -pubout
    if [ "$type" != ed25519 ]; then
        expect_same_key "$(ssh_id_priv "$f" "$P")" "$desc: ssh-keygen -y -P PASS"
        expect_fails "$desc: ssh-keygen -y with the empty passphrase" \
            ssh-keygen -y -P '' -f "$f"
    fi
}

# check_pkcs8_cipher FILE DESC: an ENCRYPTED PRIVATE KEY naming PBES2 and AES-256-CBC.
check_pkcs8_cipher() {
    local asn
    expect_eq "$(pem_label "$1")" "ENCRYPTED PRIVATE KEY" "$2: label"
    asn=$(openssl asn1parse -in "$1" 2>/dev/null)
    case $asn in *":PBES2"*":PBKDF2"*":aes-256-cbc"*) kk_pass ;;
        *) kk_fail "$2: not PBES2/PBKDF2 with aes-256-cbc"; echo "$asn" | head -n 12 >&2 ;; esac
}

for type in $KK_TYPES; do
    case $type in
        rsa*) trad="RSA PRIVATE KEY" ;;
        ecdsa*) trad="EC PRIVATE KEY" ;;
        dsa*) trad="DSA PRIVATE KEY" ;;
        ed25519) trad="PRIVATE KEY" ;;  # no traditional form: PKCS#8
    esac
    for tool in ssh ossl; do
        k=$type-$tool
        make_key "$type" "$tool" "$k" || { kk_fail "$k: could not make the key"; continue; }
        ref_ids "$k" || { kk_fail "$k: no reference public key from ssh-keygen/openssl"; continue; }

        # ---- pem, unencrypted
        o=out-$k.pem
        if keyconv_ok "$k -> pem" "$k" "$o"; then    # format from the .pem extension
            expect_mode "$o" 600 "$k -> pem"
            expect_eq "$(pem_label "$o")" "$trad" "$k -> pem: label"
            if grep -q '^Proc-Type:' "$o"; then kk_fail "$k -> pem: has Proc-Type (encrypted?)"; else kk_pass; fi
            # pass: (empty) opens only an unencrypted key
            expect_same_spki "$(ossl_id_priv "$o")" "$k -> pem"
            [ "$type" != ed25519 ] && expect_same_key "$(ssh_id_priv "$o")" "$k -> pem: ssh-keygen -y"
        fi

        # ---- pem, encrypted: Proc-Type/DEK-Info with AES-256-CBC (PKCS#8 for Ed25519)
        o=out-$k.enc.pem
        if keyconv_ok "$k -> pem encrypted" --to pem --passout "pass:$P" "$k" "$o"; then
            expect_mode "$o" 600 "$k -> pem encrypted"
            if [ "$type" = ed25519 ]; then
                check_pkcs8_cipher "$o" "$k -> pem encrypted"
            else
                expect_eq "$(pem_label "$o")" "$trad" "$k -> pem encrypted: label"
                expect_eq "$(sed -n 2p "$o")" "Proc-Type: 4,ENCRYPTED" "$k -> pem encrypted: Proc-Type"
                expect_eq "$(sed -n '3s/,.*//p' "$o")" "DEK-Info: AES-256-CBC" "$k -> pem encrypted: DEK-Info cipher"
            fi
            check_encrypted "$o" "$k -> pem encrypted"
        fi

        # ---- pkcs8, unencrypted
        o=out-$k.p8
        if keyconv_ok "$k -> pkcs8" --to pkcs8 "$k" "$o"; then
            expect_mode "$o" 600 "$k -> pkcs8"
            expect_eq "$(pem_label "$o")" "PRIVATE KEY" "$k -> pkcs8: label"
            expect_same_spki "$(ossl_id_priv "$o")" "$k -> pkcs8"
            # openssl pkcs8 -nocrypt parses it as an unencrypted PrivateKeyInfo
            if openssl pkcs8 -nocrypt -in "$o" -out /dev/null 2>/dev/null; then kk_pass; else
                kk_fail "$k -> pkcs8: openssl pkcs8 -nocrypt refuses it"; fi
            [ "$type" != ed25519 ] && expect_same_key "$(ssh_id_priv "$o")" "$k -> pkcs8: ssh-keygen -y"
        fi

        # ---- pkcs8, encrypted
        o=out-$k.enc.p8
        if keyconv_ok "$k -> pkcs8 encrypted" --to pkcs8 --passout "pass:$P" "$k" "$o"; then
            expect_mode "$o" 600 "$k -> pkcs8 encrypted"
            check_pkcs8_cipher "$o" "$k -> pkcs8 encrypted"
            check_encrypted "$o" "$k -> pkcs8 encrypted"
            # keyconv reads its own output back only with the passphrase
            run keyconv --to openssh-pub "$o" - </dev/null
            expect_rc 1 "$k pkcs8 encrypted -> keyconv without --passin"
            expect_err_has "--passin" "$k pkcs8 encrypted -> keyconv without --passin: hint"
            run keyconv --passin pass:wrong-pass --to openssh-pub "$o" - </dev/null
            expect_rc 1 "$k pkcs8 encrypted -> keyconv with a wrong passphrase"
        fi

        # ---- spki ("PUBLIC KEY")
        o=out-$k.spki
        if keyconv_ok "$k -> spki" --to spki "$k" "$o"; then
            expect_mode "$o" 644 "$k -> spki"
            expect_eq "$(pem_label "$o")" "PUBLIC KEY" "$k -> spki: label"
            expect_same_spki "$(ossl_id_spki "$o")" "$k -> spki"
            [ "$type" != ed25519 ] &&
                expect_same_key "$(ssh_id_import "$o" PKCS8)" "$k -> spki: ssh-keygen -i -m PKCS8"
        fi

        # ---- pkcs1-pub ("RSA PUBLIC KEY"): RSA only
        o=out-$k.pkcs1
        if [ "$type" = rsa2048 ]; then
            if keyconv_ok "$k -> pkcs1-pub" --to pkcs1-pub "$k" "$o"; then
                expect_mode "$o" 644 "$k -> pkcs1-pub"
                expect_eq "$(pem_label "$o")" "RSA PUBLIC KEY" "$k -> pkcs1-pub: label"
                expect_same_spki "$(ossl_id_pkcs1 "$o")" "$k -> pkcs1-pub"
                expect_same_key "$(ssh_id_import "$o" PEM)" "$k -> pkcs1-pub: ssh-keygen -i -m PEM"
            fi
        else
            run keyconv --to pkcs1-pub "$k" "$o" </dev/null
            expect_rc 1 "$k -> pkcs1-pub (not RSA)"
            expect_no_file "$o" "$k -> pkcs1-pub (not RSA)"
        fi

        # ---- back: keyconv reads what openssl and ssh-keygen wrote
        # readback DESC FILE [PASS]: keyconv FILE -> openssh-pub gives REF_SSH.
        readback() {
            local args=(--to openssh-pub)
            [ -n "${3:-}" ] && args+=(--passin "pass:$3")
            run keyconv "${args[@]}" "$2" - </dev/null
            expect_rc 0 "$1 -> keyconv"
            printf '%s\n' "$OUT" >"$T/.rb.pub"
            expect_same_key "$(ssh_id_line "$T/.rb.pub")" "$1 -> keyconv"
        }
        if [ "$tool" = ossl ]; then
            openssl pkcs8 -topk8 -v2 aes-256-cbc -in "$k" -passout "pass:$P" -out "o8e-$k" 2>/dev/null
            readback "openssl pkcs8 -topk8 -v2 aes-256-cbc ($k)" "o8e-$k" "$P"
            openssl pkcs8 -topk8 -nocrypt -in "$k" -out "o8-$k" 2>/dev/null
            readback "openssl pkcs8 -nocrypt ($k)" "o8-$k"
            openssl pkey -in "$k" -pubout -out "ospki-$k" 2>/dev/null
            readback "openssl pkey -pubout ($k)" "ospki-$k"
            if [ "$type" != ed25519 ]; then
                # traditional PEM with DEK-Info, as openssl rsa/ec/dsa -aes256 write it
                case $type in rsa*) cmd=(rsa -traditional) ;; ecdsa*) cmd=(ec) ;; dsa*) cmd=(dsa) ;; esac
                openssl "${cmd[@]}" -in "$k" -aes256 -passout "pass:$P" -out "otrad-$k" 2>/dev/null
                expect_eq "$(sed -n 2p "otrad-$k")" "Proc-Type: 4,ENCRYPTED" "openssl -aes256 ($k) is encrypted"
                readback "openssl -aes256 traditional ($k)" "otrad-$k" "$P"
                # and the old PBES1 scheme (PBE-SHA1-3DES), still found in the wild
                openssl pkcs8 -topk8 -v1 PBE-SHA1-3DES -in "$k" -passout "pass:$P" -out "o8v1-$k" 2>/dev/null
                readback "openssl pkcs8 -v1 PBE-SHA1-3DES ($k)" "o8v1-$k" "$P"
            fi
            if [ "$type" = rsa2048 ]; then
                openssl rsa -in "$k" -RSAPublicKey_out -out "opk1-$k" 2>/dev/null
                readback "openssl rsa -RSAPublicKey_out ($k)" "opk1-$k"
            fi
        else
            if [ "$type" != ed25519 ]; then
                # ssh-keygen -p -m PKCS8 / -m PEM rewrite the key in the OpenSSL formats
                cp "$k" "s8-$k"
                ssh-keygen -q -p -m PKCS8 -P '' -N '' -f "s8-$k" </dev/null >/dev/null 2>&1
                expect_eq "$(pem_label "s8-$k")" "PRIVATE KEY" "ssh-keygen -m PKCS8 ($k) label"
                readback "ssh-keygen -p -m PKCS8 ($k)" "s8-$k"
                cp "$k" "spe-$k"
                ssh-keygen -q -p -m PEM -P '' -N "$P" -f "spe-$k" </dev/null >/dev/null 2>&1
                expect_eq "$(sed -n 2p "spe-$k")" "Proc-Type: 4,ENCRYPTED" "ssh-keygen -m PEM -N ($k) is encrypted"
                readback "ssh-keygen -p -m PEM, encrypted ($k)" "spe-$k" "$P"
                ssh-keygen -e -m PKCS8 -f "$k.pub" >"sspki-$k" 2>/dev/null
                readback "ssh-keygen -e -m PKCS8 ($k)" "sspki-$k"
                if [ "$type" = rsa2048 ]; then
                    ssh-keygen -e -m PEM -f "$k.pub" >"spk1-$k" 2>/dev/null
                    readback "ssh-keygen -e -m PEM ($k)" "spk1-$k"
                fi
            fi
        fi
    done
done

# ---- an encrypted input keeps its passphrase unless told otherwise
make_key rsa2048 ossl kp || kk_fail "could not make kp"
ref_ids kp
openssl pkcs8 -topk8 -v2 aes-256-cbc -in kp -passout "pass:$P" -out kp.enc.p8 2>/dev/null
type=rsa2048
if keyconv_ok "encrypted pkcs8 -> pkcs8 (no --passout)" --passin "pass:$P" --to pkcs8 kp.enc.p8 kp.same.p8; then
    check_pkcs8_cipher kp.same.p8 "encrypted in, pkcs8 out"
    check_encrypted kp.same.p8 "encrypted in, pkcs8 out: same passphrase"
fi
if keyconv_ok "encrypted pkcs8 -> pem (no --passout)" --passin "pass:$P" kp.enc.p8 kp.same.pem; then
    expect_eq "$(sed -n 2p kp.same.pem)" "Proc-Type: 4,ENCRYPTED" "encrypted in, pem out: encrypted"
    check_encrypted kp.same.pem "encrypted in, pem out: same passphrase"
fi
if keyconv_ok "encrypted pkcs8 -> pkcs8 --passout" --passin "pass:$P" --passout pass:other-pass \
        --to pkcs8 kp.enc.p8 kp.new.p8; then
    expect_same_spki "$(ossl_id_priv kp.new.p8 other-pass)" "--passout: opens with the new passphrase"
    expect_fails "--passout: the old passphrase no longer opens it" \
        openssl pkey -in kp.new.p8 -passin "pass:$P" -pubout
fi
if keyconv_ok "encrypted pkcs8 -> pkcs8 --no-encrypt" --passin "pass:$P" --no-encrypt \
        --to pkcs8 kp.enc.p8 kp.plain.p8; then
    expect_err_has "unencrypted" "--no-encrypt warns"
    expect_eq "$(pem_label kp.plain.p8)" "PRIVATE KEY" "--no-encrypt: unencrypted label"
    expect_same_spki "$(ossl_id_priv kp.plain.p8)" "--no-encrypt: opens without a passphrase"
fi
if keyconv_ok "encrypted pkcs8 -> openssh --no-encrypt" --passin "pass:$P" --no-encrypt \
        kp.enc.p8 kp.openssh; then
    expect_same_key "$(ssh_id_priv kp.openssh)" "encrypted pkcs8 -> openssh --no-encrypt: ssh-keygen -y"
fi

finish
