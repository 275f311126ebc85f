#!/usr/bin/env bash
# keyconv and PuTTY .ppk files, proven with puttygen, ssh-keygen and openssl.
# Every key type puttygen makes x {v3 plain, v3 Argon2id/i/d encrypted, v2
# plain, v2 encrypted} converts to OpenSSH, PEM and PKCS#8 that ssh-keygen or
# openssl read as the same public key (an encrypted input stays encrypted
# with its passphrase: the empty one must fail).  Every .ppk keyconv writes
# (v3 and v2, plain and encrypted) is loaded by puttygen converting the
# PRIVATE key, not just reading the public lines, with the comment kept.
source "$KK_LIB"
source "$KK_SRC/tests/interop/interop.sh"
need puttygen
need ssh-keygen
need openssl
need keyconv

P="fuzz pass"
printf '%s' "$P" >pw
: >empty

# The SPKI (base64 DER) of "TYPE BASE64", built without keykit.
spki_of() {
    local type=${1%% *} b64=${1#* }
    case $type in
        ssh-ed25519) ed25519_blob_to_spki "$b64" ;;
        ssh-ed448)
            { printf '\x30\x43\x30\x05\x06\x03\x2b\x65\x71\x03\x3a\x00'
              printf '%s' "$b64" | base64 -d | tail -c 57; } | base64 -w0 ;;
        *)  printf '%s x\n' "$1" >.spki.pub
            ssh-keygen -e -m PKCS8 -f .spki.pub 2>/dev/null |
                openssl pkey -pubin -outform DER 2>/dev/null | base64 -w0 ;;
    esac
}
# pg_id FILE [PASSFILE]: "TYPE BASE64" of a .ppk's PRIVATE key per puttygen:
# re-saved unencrypted (which needs the passphrase and a good MAC), then read.
pg_id() {
    rm -f .pg.ppk
    puttygen "$1" --old-passphrase "${2:-empty}" --new-passphrase empty --reencrypt \
        -o .pg.ppk >/dev/null 2>&1 || return 0
    puttygen -L .pg.ppk 2>/dev/null | awk '{print $1, $2}'
}
pg_comment() { puttygen -L "$1" 2>/dev/null | sed -n '1s/^[^ ]* [^ ]* \{0,1\}//p'; }

VARIANTS="v3 v3id v3i v3d v2 v2e"

params_of() {
    case $1 in
        v3id) echo kdf=argon2id,memory=256,passes=2 ;;
        v3i) echo kdf=argon2i,memory=512,passes=1,parallelism=2 ;;
        v3d) echo kdf=argon2d,memory=128,passes=3 ;;
        v2|v2e) echo version=2 ;;
    esac
}

for name in rsa2048 dsa ecdsa256 ecdsa384 ecdsa521 ed25519 ed448; do
    case $name in
        rsa2048) targs="rsa -b 2048" ;; dsa) targs=dsa ;;
        ecdsa256) targs="ecdsa -b 256" ;; ecdsa384) targs="ecdsa -b 384" ;;
        ecdsa521) targs="ecdsa -b 521" ;; *) targs=$name ;;
    esac
    base=$name.v3.ppk
    # shellcheck disable=SC2086
    puttygen -q -t $targs -C "puttygen $name key" --new-passphrase empty -o "$base" ||
        { kk_fail "$name: puttygen could not make a key"; continue; }
    ref=$(puttygen -L "$base" | awk '{print $1, $2}')
    ref_spki=$(spki_of "$ref")
    [ -n "$ref_spki" ] || { kk_fail "$name: no reference SPKI"; continue; }
    REF_SSH=$ref REF_SPKI=$ref_spki

    for v in $VARIANTS; do
        f=$name.$v.ppk pf=empty enc=0
        case $v in v3id|v3i|v3d|v2e) pf=pw enc=1 ;; esac
        if [ "$v" != v3 ]; then
            puttygen -q "$base" --old-passphrase empty --new-passphrase "$pf" \
                --ppk-param "$(params_of "$v")" --reencrypt -o "$f" ||
                { kk_fail "$f: puttygen could not write it"; continue; }
        fi
        k=$f

        # ---- .ppk -> OpenSSH (unencrypted: encrypted OpenSSH output is not
        # written yet), read by ssh-keygen (which has no Ed448)
        if [ "$name" != ed448 ]; then
            o=$k.openssh
            if keyconv_ok "$k -> openssh" --passin file:pw --no-encrypt --to openssh "$k" "$o"; then
                expect_same_key "$(ssh_id_priv "$o")" "$k -> openssh: ssh-keygen -y"
                got=$(ssh-keygen -y -P '' -f "$o" 2>/dev/null | sed -n '1s/^[^ ]* [^ ]* \{0,1\}//p')
                expect_eq "$got" "puttygen $name key" "$k -> openssh: comment kept"
            fi
        fi

        # ---- .ppk -> PEM and PKCS#8, read by openssl; an encrypted input
        # stays encrypted with the same passphrase
        for to in pem pkcs8; do
            o=$k.$to
            if keyconv_ok "$k -> $to" --passin file:pw --to "$to" "$k" "$o"; then
                if [ $enc = 1 ]; then
                    expect_same_spki "$(ossl_id_priv "$o" "$P")" "$k -> $to (passphrase kept)"
                    expect_eq "$(ossl_id_priv "$o" "")" "" "$k -> $to: empty passphrase fails"
                else
                    expect_same_spki "$(ossl_id_priv "$o")" "$k -> $to"
                fi
            fi
        done

        # ---- wrong passphrase: exit 1, no output
        if [ $enc = 1 ]; then
            run keyconv --passin pass:wrong --to pkcs8 "$k" "$k.wrong"
            expect_rc 1 "$k with a wrong passphrase"
            expect_err "keyconv: $k: wrong passphrase
keyconv: hint: check the passphrase; if it is right, the file is corrupt" "$k wrong passphrase message"
            expect_no_file "$k.wrong" "$k with a wrong passphrase"
        fi
    done

    # ---- keyconv writes .ppk (from an unencrypted PKCS#8 copy, comment set);
    # puttygen loads the private key
    src=$name.v3.ppk.pkcs8
    for to in ppk ppk2; do
        for enc in 0 1; do
            o=$name.out-$to-$enc.ppk
            pass_args=(--comment "keykit $name ü")
            [ $enc = 1 ] && pass_args+=(--passout file:pw)
            keyconv_ok "$name -> $to enc=$enc" --to "$to" "${pass_args[@]}" "$src" "$o" || continue
            want_v=3; [ $to = ppk2 ] && want_v=2
            expect_eq "$(head -n 1 "$o")" "PuTTY-User-Key-File-$want_v: ${ref%% *}" "$o: header"
            expect_mode "$o" 600 "$o"
            if [ $enc = 1 ]; then
                expect_eq "$(sed -n 2p "$o")" "Encryption: aes256-cbc" "$o: cipher"
                [ $to = ppk ] && expect_eq "$(grep "^Key-Derivation:" "$o")" "Key-Derivation: Argon2id" "$o: kdf"
                expect_same_key "$(pg_id "$o" pw)" "$o: puttygen loads the private key"
                expect_eq "$(pg_id "$o" empty)" "" "$o: puttygen refuses the empty passphrase"
            else
                expect_eq "$(sed -n 2p "$o")" "Encryption: none" "$o: cipher"
                expect_same_key "$(pg_id "$o")" "$o: puttygen loads the private key"
            fi
            expect_eq "$(pg_comment "$o")" "keykit $name ü" "$o: comment per puttygen"
        done
    done

    # ---- ppk -> ppk keeps the passphrase of an encrypted input
    o=$name.kept.ppk
    if keyconv_ok "$name v3id -> ppk" --passin file:pw "$name.v3id.ppk" "$o"; then
        expect_eq "$(sed -n 2p "$o")" "Encryption: aes256-cbc" "$o: still encrypted"
        expect_same_key "$(pg_id "$o" pw)" "$o: same passphrase opens it"
        expect_eq "$(pg_comment "$o")" "puttygen $name key" "$o: comment kept"
    fi
    o=$name.plain.ppk
    if keyconv_ok "$name v2e -> ppk --no-encrypt" --passin file:pw --no-encrypt \
            "$name.v2e.ppk" "$o"; then
        expect_eq "$(sed -n 2p "$o")" "Encryption: none" "$o: decrypted"
        expect_same_key "$(pg_id "$o")" "$o: puttygen loads it"
    fi
done

# ---- an edited unencrypted file: exit 1, the MAC message, no output
sed 's/^Comment: puttygen/Comment: puttyGen/' ed25519.v3.ppk >edited.ppk
run keyconv --to pkcs8 edited.ppk edited.out
expect_rc 1 "edited .ppk"
expect_err "keyconv: edited.ppk: MAC does not match: the file is corrupt or was edited" "edited .ppk message"
expect_no_file edited.out "edited .ppk"

finish
