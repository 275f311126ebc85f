# shellcheck shell=bash disable=SC2034
# Helpers for the interop tests (sourced after tests/lib.sh): keys made by
# the real tools, and each key's public half as those tools see it, so every
# claim "keykit wrote the same key" is checked by ssh-keygen or openssl, not
# by keykit.

# Every key type the interop tests cover.
KK_TYPES="rsa2048 ecdsa256 ecdsa384 ecdsa521 ed25519 dsa1024"
# A test-only passphrase (ssh-keygen wants at least 5 characters).
KK_PASS="keykit-interop"

# make_key TYPE TOOL PATH: makes a private key with a real tool.
#   TOOL ssh:  ssh-keygen, openssh-key-v1, unencrypted, comment "c-TYPE@ssh"
#   TOOL ossl: openssl, traditional PEM (PKCS#8 for Ed25519, which has no
#              traditional form)
make_key() {
    local type=$1 tool=$2 path=$3
    if [ "$tool" = ssh ]; then
        local args
        case $type in
            rsa2048) args="-t rsa -b 2048" ;;
            ecdsa256) args="-t ecdsa -b 256" ;;
            ecdsa384) args="-t ecdsa -b 384" ;;
            ecdsa521) args="-t ecdsa -b 521" ;;
            ed25519) args="-t ed25519" ;;
            dsa1024) args="-t dsa" ;;
        esac
        # shellcheck disable=SC2086
        ssh-keygen -q $args -N '' -C "c-$type@ssh" -f "$path" </dev/null >/dev/null 2>&1
    else
        case $type in
            rsa2048) openssl genrsa -traditional -out "$path" 2048 ;;
            ecdsa256) openssl ecparam -name prime256v1 -genkey -noout -out "$path" ;;
            ecdsa384) openssl ecparam -name secp384r1 -genkey -noout -out "$path" ;;
            ecdsa521) openssl ecparam -name secp521r1 -genkey -noout -out "$path" ;;
            ed25519) openssl genpkey -algorithm ED25519 -out "$path" ;;
            dsa1024) openssl dsaparam -genkey -noout 1024 | openssl dsa -out "$path" ;;
        esac >/dev/null 2>&1
        chmod 600 "$path"
    fi
    [ -s "$path" ] || { echo "interop: could not make a $type key with $tool" >&2; return 1; }
}

# ssh-keygen refuses private keys readable by others; keyconv writes 0600,
# but copies of samples may not be.
priv_copy() { cp "$1" "$2" && chmod 600 "$2"; }

# ssh_id_priv FILE [PASS]: "TYPE BASE64" of a private key per ssh-keygen -y.
ssh_id_priv() {
    ssh-keygen -y -P "${2:-}" -f "$1" </dev/null 2>/dev/null | awk '{print $1, $2}'
}
# ssh_id_import FILE MODE: "TYPE BASE64" of a public key file in MODE
# (RFC4716, PKCS8, PEM) per ssh-keygen -i.
ssh_id_import() {
    ssh-keygen -i -m "$2" -f "$1" </dev/null 2>/dev/null | awk '{print $1, $2}'
}
# ssh_id_line FILE: "TYPE BASE64" of a one-line public key file.
ssh_id_line() { awk 'NR == 1 {print $1, $2}' "$1"; }

# ossl_id_priv FILE [PASS]: openssl's DER SubjectPublicKeyInfo, base64.
ossl_id_priv() {
    openssl pkey -in "$1" -passin "pass:${2:-}" -pubout -outform DER 2>/dev/null | base64 -w0
}
# ossl_id_spki FILE: the same for a "PUBLIC KEY" file.
ossl_id_spki() {
    openssl pkey -pubin -in "$1" -pubout -outform DER 2>/dev/null | base64 -w0
}
# ossl_id_pkcs1 FILE: the same for an "RSA PUBLIC KEY" file.
ossl_id_pkcs1() {
    openssl rsa -RSAPublicKey_in -in "$1" -pubout -outform DER 2>/dev/null | base64 -w0
}

# The SSH blob <-> SPKI for Ed25519, built here from RFC 8709 / RFC 8410 so
# that keys ssh-keygen 9.2 cannot export (PKCS#8 Ed25519) still have an
# independent reference.
ed25519_blob_to_spki() {   # BASE64 blob -> base64 DER SPKI
    { printf '\x30\x2a\x30\x05\x06\x03\x2b\x65\x70\x03\x21\x00'
      printf '%s' "$1" | base64 -d | tail -c 32; } | base64 -w0
}
ed25519_spki_to_id() {     # base64 DER SPKI -> "ssh-ed25519 BASE64"
    local blob
    blob=$({ printf '\0\0\0\x0bssh-ed25519\0\0\0\x20'
             printf '%s' "$1" | base64 -d | tail -c 32; } | base64 -w0)
    echo "ssh-ed25519 $blob"
}

# ref_ids PRIVATE_FILE: sets REF_SSH ("TYPE BASE64") and REF_SPKI (base64
# DER) for a key made by make_key, using ssh-keygen and openssl only.
ref_ids() {
    REF_SSH=$(ssh_id_priv "$1")
    if [ -z "$REF_SSH" ]; then
        # ssh-keygen 9.2 cannot read PKCS#8 Ed25519: take openssl's view.
        REF_SPKI=$(ossl_id_priv "$1")
        REF_SSH=$(ed25519_spki_to_id "$REF_SPKI")
    elif [ "${REF_SSH%% *}" = ssh-ed25519 ]; then
        REF_SPKI=$(ed25519_blob_to_spki "${REF_SSH#* }")
    else
        printf '%s keykit-ref\n' "$REF_SSH" >"$T/.ref.pub"
        REF_SPKI=$(ssh-keygen -e -m PKCS8 -f "$T/.ref.pub" 2>/dev/null |
                   openssl pkey -pubin -outform DER 2>/dev/null | base64 -w0)
    fi
    [ -n "$REF_SSH" ] && [ -n "$REF_SPKI" ]
}

# fp_of "TYPE BASE64": "BITS SHA256:... (TYPE)" per ssh-keygen -l.
fp_of() {
    printf '%s x\n' "$1" >"$T/.fp.pub"
    ssh-keygen -l -f "$T/.fp.pub" 2>/dev/null | awk '{print $1, $2, $NF}'
}

# expect_same_key GOT_ID DESC: an "TYPE BASE64" equals REF_SSH, compared as
# ssh-keygen -l fingerprints (bits, SHA256, type) and as bytes.
expect_same_key() {
    if [ -z "$1" ]; then
        kk_fail "$2: the real tool could not read it"; return; fi
    expect_eq "$(fp_of "$1")" "$(fp_of "$REF_SSH")" "$2 (ssh-keygen -l)"
}
# expect_same_spki GOT DESC: openssl's view equals REF_SPKI.
expect_same_spki() {
    if [ -z "$1" ]; then
        kk_fail "$2: openssl could not read it"; return; fi
    expect_eq "$1" "$REF_SPKI" "$2 (openssl pkey -pubout)"
}

# pem_label FILE: the label of the first BEGIN line.
pem_label() { sed -n '1s/^-----BEGIN \(.*\)-----$/\1/p' "$1"; }

# keyconv_ok DESC ARGS...: runs keyconv, expecting success.
keyconv_ok() {
    local desc=$1; shift
    run keyconv "$@" </dev/null
    if [ "$RC" -ne 0 ]; then
        kk_fail "$desc: keyconv $*: exit $RC"; echo "  stderr: $ERR" >&2; return 1
    fi
    kk_pass
}
