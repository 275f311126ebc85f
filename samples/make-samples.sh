#!/usr/bin/env bash
# Regenerates every sample key in this directory with the real tools
# (ssh-keygen, openssl, puttygen) and rewrites README.md's table from the
# exact commands run.  Not run by the tests: the files are committed, and
# rerunning this makes new keys.  Usage: bash samples/make-samples.sh --force
set -euo pipefail
cd "$(dirname "$0")"

if [ "${1:-}" != "--force" ]; then
    echo "make-samples: this replaces every sample key; run with --force" >&2
    exit 2
fi
for t in ssh-keygen openssl puttygen; do
    command -v "$t" >/dev/null || { echo "make-samples: $t not installed (bash scripts/install-deps.sh)" >&2; exit 1; }
done

P=keykit-sample                       # the test-only passphrase
# puttygen reads passphrases from files; this one lives only while we run.
PASSFILE=$(mktemp)
trap 'rm -f "$PASSFILE"' EXIT
printf '%s' "$P" >"$PASSFILE"

# Remove the previous generation (keys only; this script and README stay).
find . -maxdepth 1 -type f ! -name make-samples.sh ! -name README.md -delete

ROWS=""
# gen FILE FORMAT KEYTYPE PASS COMMAND: runs COMMAND (a shell string, shown
# verbatim in README.md with the passphrase file spelled pass.txt) and adds
# a table row for FILE.
gen() {
    local file=$1 fmt=$2 type=$3 pass=$4 cmd=$5
    bash -o pipefail -c "${cmd//pass.txt/$PASSFILE}" </dev/null >/dev/null 2>&1 ||
        { echo "make-samples: failed: $cmd" >&2; exit 1; }
    [ -s "$file" ] || { echo "make-samples: $cmd did not write $file" >&2; exit 1; }
    ROWS+="| \`$file\` | $fmt | $type | \`${cmd//|/\\|}\` | $pass |"$'\n'
}
# also FILE FORMAT KEYTYPE PASS NOTE: a file written by the previous command.
also() {
    [ -s "$1" ] || { echo "make-samples: $1 missing" >&2; exit 1; }
    ROWS+="| \`$1\` | $2 | $3 | $5 | $4 |"$'\n'
}

# ---- ssh-keygen (OpenSSH 9.2)
for spec in "rsa -b 2048:rsa2048:RSA 2048" "ecdsa -b 256:ecdsa256:ECDSA P-256" \
            "ecdsa -b 384:ecdsa384:ECDSA P-384" "ecdsa -b 521:ecdsa521:ECDSA P-521" \
            "ed25519:ed25519:Ed25519"; do
    IFS=: read -r targs tag label <<<"$spec"
    gen "openssh_$tag" "openssh (openssh-key-v1), unencrypted" "$label" "none" \
        "ssh-keygen -q -t $targs -N '' -C sample-$tag -f openssh_$tag"
    also "openssh_$tag.pub" "openssh-pub" "$label" "none" "written with the line above"
done
gen openssh_ed25519_enc "openssh, encrypted (aes256-ctr, bcrypt)" "Ed25519" "$P" \
    "ssh-keygen -q -t ed25519 -N $P -C sample-ed25519-enc -f openssh_ed25519_enc"
also openssh_ed25519_enc.pub "openssh-pub" "Ed25519" "none" "written with the line above"
gen openssh_rsa2048_enc "openssh, encrypted (aes256-ctr, bcrypt)" "RSA 2048" "$P" \
    "ssh-keygen -q -t rsa -b 2048 -N $P -C sample-rsa2048-enc -f openssh_rsa2048_enc"
also openssh_rsa2048_enc.pub "openssh-pub" "RSA 2048" "none" "written with the line above"

for tag in rsa2048 ecdsa256 ecdsa384 ecdsa521 ed25519; do
    case $tag in rsa2048) label="RSA 2048" ;; ecdsa256) label="ECDSA P-256" ;;
        ecdsa384) label="ECDSA P-384" ;; ecdsa521) label="ECDSA P-521" ;; *) label=Ed25519 ;; esac
    gen "rfc4716_$tag.pub" "rfc4716 (SSH2 PUBLIC KEY)" "$label" "none" \
        "ssh-keygen -e -f openssh_$tag.pub > rfc4716_$tag.pub"
done

gen sshkeygen_pem_rsa2048.pem "pem (PKCS#1 RSA PRIVATE KEY)" "RSA 2048" "none" \
    "ssh-keygen -q -t rsa -b 2048 -m PEM -N '' -C sample-pem-rsa2048 -f sshkeygen_pem_rsa2048.pem"
also sshkeygen_pem_rsa2048.pem.pub "openssh-pub" "RSA 2048" "none" "written with the line above"
gen sshkeygen_pem_ecdsa256.pem "pem (SEC1 EC PRIVATE KEY)" "ECDSA P-256" "none" \
    "ssh-keygen -q -t ecdsa -b 256 -m PEM -N '' -C sample-pem-ecdsa256 -f sshkeygen_pem_ecdsa256.pem"
also sshkeygen_pem_ecdsa256.pem.pub "openssh-pub" "ECDSA P-256" "none" "written with the line above"
gen sshkeygen_spki_rsa2048.pem "spki (PUBLIC KEY)" "RSA 2048" "none" \
    "ssh-keygen -e -m PKCS8 -f openssh_rsa2048.pub > sshkeygen_spki_rsa2048.pem"
gen sshkeygen_spki_ecdsa256.pem "spki (PUBLIC KEY)" "ECDSA P-256" "none" \
    "ssh-keygen -e -m PKCS8 -f openssh_ecdsa256.pub > sshkeygen_spki_ecdsa256.pem"
gen sshkeygen_pkcs1pub_rsa2048.pem "pkcs1-pub (RSA PUBLIC KEY)" "RSA 2048" "none" \
    "ssh-keygen -e -m PEM -f openssh_rsa2048.pub > sshkeygen_pkcs1pub_rsa2048.pem"

# ---- openssl (OpenSSL 3.0)
gen pem_rsa2048.pem "pem (PKCS#1 RSA PRIVATE KEY)" "RSA 2048" "none" \
    "openssl genrsa -traditional -out pem_rsa2048.pem 2048"
gen pem_rsa2048_enc.pem "pem, encrypted (AES-256-CBC DEK-Info)" "RSA 2048" "$P" \
    "openssl rsa -in pem_rsa2048.pem -traditional -aes256 -passout pass:$P -out pem_rsa2048_enc.pem"
for spec in prime256v1:ec256:"ECDSA P-256" secp384r1:ec384:"ECDSA P-384" secp521r1:ec521:"ECDSA P-521"; do
    IFS=: read -r curve tag label <<<"$spec"
    gen "pem_$tag.pem" "pem (SEC1 EC PRIVATE KEY)" "$label" "none" \
        "openssl ecparam -name $curve -genkey -noout -out pem_$tag.pem"
done
gen pem_ec256_enc.pem "pem, encrypted (AES-256-CBC DEK-Info)" "ECDSA P-256" "$P" \
    "openssl ec -in pem_ec256.pem -aes256 -passout pass:$P -out pem_ec256_enc.pem"
gen pem_dsa1024.pem "pem (DSA PRIVATE KEY)" "DSA 1024" "none" \
    "openssl dsaparam -genkey -noout 1024 | openssl dsa -out pem_dsa1024.pem"
gen pem_dsa1024_enc.pem "pem, encrypted (AES-256-CBC DEK-Info)" "DSA 1024" "$P" \
    "openssl dsa -in pem_dsa1024.pem -aes256 -passout pass:$P -out pem_dsa1024_enc.pem"

gen pkcs8_rsa2048.pem "pkcs8 (PRIVATE KEY)" "RSA 2048" "none" \
    "openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out pkcs8_rsa2048.pem"
gen pkcs8_ec256.pem "pkcs8 (PRIVATE KEY)" "ECDSA P-256" "none" \
    "openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out pkcs8_ec256.pem"
gen pkcs8_ed25519.pem "pkcs8 (PRIVATE KEY)" "Ed25519" "none" \
    "openssl genpkey -algorithm ED25519 -out pkcs8_ed25519.pem"
for tag in rsa2048 ec256 ed25519; do
    case $tag in rsa2048) label="RSA 2048" ;; ec256) label="ECDSA P-256" ;; *) label=Ed25519 ;; esac
    gen "pkcs8_${tag}_enc.pem" "pkcs8, encrypted (ENCRYPTED PRIVATE KEY, PBES2 AES-256-CBC)" "$label" "$P" \
        "openssl pkcs8 -topk8 -v2 aes-256-cbc -in pkcs8_$tag.pem -passout pass:$P -out pkcs8_${tag}_enc.pem"
done

gen spki_rsa2048.pem "spki (PUBLIC KEY)" "RSA 2048" "none" \
    "openssl pkey -in pem_rsa2048.pem -pubout -out spki_rsa2048.pem"
gen spki_ec256.pem "spki (PUBLIC KEY)" "ECDSA P-256" "none" \
    "openssl pkey -in pem_ec256.pem -pubout -out spki_ec256.pem"
gen spki_ed25519.pem "spki (PUBLIC KEY)" "Ed25519" "none" \
    "openssl pkey -in pkcs8_ed25519.pem -pubout -out spki_ed25519.pem"
gen pkcs1pub_rsa2048.pem "pkcs1-pub (RSA PUBLIC KEY)" "RSA 2048" "none" \
    "openssl rsa -in pem_rsa2048.pem -RSAPublicKey_out -out pkcs1pub_rsa2048.pem"

# ---- puttygen (PuTTY 0.78): inputs for the PPK and ssh.com issues
gen ppk3_rsa2048.ppk "ppk v3, unencrypted" "RSA 2048" "none" \
    "puttygen -t rsa -b 2048 -C sample-ppk3-rsa2048 --new-passphrase /dev/null -o ppk3_rsa2048.ppk"
gen ppk3_rsa2048_enc.ppk "ppk v3, encrypted (aes256-cbc, Argon2id)" "RSA 2048" "$P" \
    "puttygen ppk3_rsa2048.ppk -C sample-ppk3-rsa2048-enc --new-passphrase pass.txt -o ppk3_rsa2048_enc.ppk"
gen ppk3_ed25519.ppk "ppk v3, unencrypted" "Ed25519" "none" \
    "puttygen -t ed25519 -C sample-ppk3-ed25519 --new-passphrase /dev/null -o ppk3_ed25519.ppk"
gen ppk3_ed25519_enc.ppk "ppk v3, encrypted (aes256-cbc, Argon2id)" "Ed25519" "$P" \
    "puttygen -t ed25519 -C sample-ppk3-ed25519-enc --new-passphrase pass.txt -o ppk3_ed25519_enc.ppk"
gen ppk3_ecdsa256.ppk "ppk v3, unencrypted" "ECDSA P-256" "none" \
    "puttygen -t ecdsa -b 256 -C sample-ppk3-ecdsa256 --new-passphrase /dev/null -o ppk3_ecdsa256.ppk"
gen ppk2_rsa2048.ppk "ppk v2, unencrypted" "RSA 2048" "none" \
    "puttygen -t rsa -b 2048 -C sample-ppk2-rsa2048 --ppk-param version=2 --new-passphrase /dev/null -o ppk2_rsa2048.ppk"
gen ppk2_rsa2048_enc.ppk "ppk v2, encrypted (aes256-cbc, SHA-1 key derivation)" "RSA 2048" "$P" \
    "puttygen ppk2_rsa2048.ppk -C sample-ppk2-rsa2048-enc --ppk-param version=2 --new-passphrase pass.txt -o ppk2_rsa2048_enc.ppk"
gen ppk2_ed25519_enc.ppk "ppk v2, encrypted (aes256-cbc, SHA-1 key derivation)" "Ed25519" "$P" \
    "puttygen -t ed25519 -C sample-ppk2-ed25519-enc --ppk-param version=2 --new-passphrase pass.txt -o ppk2_ed25519_enc.ppk"
gen sshcom_rsa2048.key "sshcom (SSH2 ENCRYPTED PRIVATE KEY, cipher none)" "RSA 2048" "none" \
    "puttygen ppk3_rsa2048.ppk -O private-sshcom --new-passphrase /dev/null -o sshcom_rsa2048.key"
gen sshcom_rsa2048_enc.key "sshcom, encrypted (3des-cbc)" "RSA 2048" "$P" \
    "puttygen ppk3_rsa2048.ppk -O private-sshcom --new-passphrase pass.txt -o sshcom_rsa2048_enc.key"
gen sshcom_rsa2048.pub "rfc4716 (SSH2 PUBLIC KEY, ssh.com style)" "RSA 2048" "none" \
    "puttygen ppk3_rsa2048.ppk -O public -o sshcom_rsa2048.pub"
gen sshcom_ed25519.pub "rfc4716 (SSH2 PUBLIC KEY, ssh.com style)" "Ed25519" "none" \
    "puttygen ppk3_ed25519.ppk -O public -o sshcom_ed25519.pub"

chmod 0644 ./*

cat >README.md <<EOF
# Sample keys

Keys in every format keykit meets, each made by a real tool (ssh-keygen from
OpenSSH 9.2, OpenSSL 3.0, puttygen from PuTTY 0.78) with the command shown.
They are test data only: **never use them for anything real**.  The
encrypted ones use the test-only passphrase \`$P\`; for puttygen,
\`pass.txt\` is a file holding that passphrase (no newline).

\`make-samples.sh --force\` regenerates all of them and rewrites this file
from the commands it runs (new keys each time).  The tests do not run it.

\`tests/interop/test_samples.sh\` checks that keykit reads every one of
them with the same public key (and comment) that the tool which made it
reports, and that the encrypted ones open only with their passphrase.

| file | format | key type | made by | passphrase |
| --- | --- | --- | --- | --- |
$ROWS
EOF
echo "make-samples: wrote $(printf '%s' "$ROWS" | grep -c '^|') files"
