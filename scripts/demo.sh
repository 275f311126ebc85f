#!/usr/bin/env bash
# Installs what is missing, builds keykit, then does its main job on the
# sample keys in samples/: converts a PEM key and a PuTTY .ppk to OpenSSH
# private keys and .pub files, comparing every fingerprint with what
# ssh-keygen and puttygen say, checks public keys with keycheck, and migrates
# every sample at once with keybatch.  Outputs go to
# a temporary directory that is removed at the end; samples/ is only read.
# Usage: bash scripts/demo.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

export CMAKE_BUILD_PARALLEL_LEVEL=${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc 2>/dev/null || echo 2)}
bash scripts/install-deps.sh
cmake --preset default >/dev/null
cmake --build --preset default
BIN=$ROOT/build/bin

T=$(mktemp -d "${TMPDIR:-/tmp}/keykit-demo.XXXXXX")
trap 'rm -rf "$T"' EXIT
cd "$T"
ln -s "$ROOT/samples" samples
PATH="$BIN:$PATH"

step() { printf '\n== %s\n' "$*"; }
# show CMD...: prints the command as typed, then runs it.
show() { printf '$ %s\n' "$*"; "$@"; }
die() { echo "demo: FAILED: $*" >&2; exit 1; }
# fp FILE: the SHA256 fingerprint ssh-keygen prints for a public key file.
fp() { ssh-keygen -l -f "$1" | awk '{print $2}'; }

step "1. convert a PEM private key (made by openssl) to OpenSSH"
in=samples/pem_rsa2048.pem
head -n 1 "$in"
# The fingerprint of the input as openssl + ssh-keygen see it, independently of keykit.
openssl pkey -in "$in" -pubout 2>/dev/null >ref.spki
ssh-keygen -i -m PKCS8 -f ref.spki >ref.pub
want=$(fp ref.pub)
echo "input fingerprint (openssl + ssh-keygen): $want"
show keyconv --comment demo@keykit "$in" id_rsa
show keyconv "$in" id_rsa.pub --comment demo@keykit
stat -c '%A %n' id_rsa id_rsa.pub
head -n 1 id_rsa
cat id_rsa.pub

step "2. OpenSSH reads what keykit wrote"
show ssh-keygen -l -f id_rsa.pub
got_pub=$(fp id_rsa.pub)
ssh-keygen -y -f id_rsa >from_private.pub
got_priv=$(fp from_private.pub)
echo "ssh-keygen -y -f id_rsa  -> $got_priv"
[ "$got_pub" = "$want" ] || die "id_rsa.pub fingerprint $got_pub, expected $want"
[ "$got_priv" = "$want" ] || die "id_rsa fingerprint $got_priv, expected $want"
echo "same key: ok"

step "3. convert a PuTTY .ppk (made by puttygen, Argon2id-encrypted) to OpenSSH"
in=samples/ppk3_rsa2048_enc.ppk
want=$(puttygen "$in" -O fingerprint 2>/dev/null | grep -o 'SHA256:[^ ]*')
head -n 2 "$in"
echo "input fingerprint (puttygen): $want"
echo "(test-only passphrase, see samples/README.md)"
show keyconv --passin pass:keykit-sample --no-encrypt "$in" id_from_ppk
show keyconv --passin pass:keykit-sample "$in" id_from_ppk.pub
got=$(fp id_from_ppk.pub)
got_priv=$(ssh-keygen -y -f id_from_ppk >from_ppk.pub && fp from_ppk.pub)
echo "ssh-keygen -l -f id_from_ppk.pub -> $got"
echo "ssh-keygen -y -f id_from_ppk     -> $got_priv"
[ "$got" = "$want" ] || die "ppk fingerprint $got, expected $want"
[ "$got_priv" = "$want" ] || die "ppk private key fingerprint $got_priv, expected $want"
echo "same key: ok"

step "4. check public keys"
# exit 0: no errors (a 2048-bit RSA key draws a warning)
show keycheck id_rsa.pub
rc=0
show keycheck --profile cisco-csr1000v samples/openssh_ed25519.pub || rc=$?
echo "exit status $rc (the Cisco CSR 1000v takes RSA keys only)"
[ $rc -eq 1 ] || die "keycheck should refuse an Ed25519 key for cisco-csr1000v"

step "5. a damaged public key is refused with a clear message"
awk '{print $1, substr($2, 1, 120), $3}' id_rsa.pub >broken.pub
cut -c 1-60 broken.pub
rc=0
show keycheck broken.pub || rc=$?
echo "exit status $rc"
[ $rc -eq 1 ] || die "keycheck should refuse a truncated key"
rc=0
show keyconv --to openssh-pub broken.pub - || rc=$?
echo "exit status $rc"
[ $rc -eq 1 ] || die "keyconv should refuse a truncated key"

step "6. migrate every sample at once with keybatch"
# Public keys and stray files are skipped; the encrypted ones open with the
# samples' passphrase and stay encrypted with it.
show keybatch --quiet --to openssh -o converted --passin pass:keykit-sample \
    --report report.json samples/
n=$(find converted -type f ! -name '*.pub' | wc -l)
echo "$n private keys written; checking each with ssh-keygen -y"
for k in $(find converted -type f ! -name '*.pub' | sort); do
    ssh-keygen -y -P keykit-sample -f "$k" >"$T/y.pub" 2>/dev/null ||
        ssh-keygen -y -P '' -f "$k" >"$T/y.pub" 2>/dev/null || die "ssh-keygen cannot read $k"
    [ "$(fp "$T/y.pub")" = "$(fp "$k.pub")" ] || die "$k and $k.pub differ"
done
echo "all $n read by ssh-keygen: ok"
rc=0
echo '$ keybatch --quiet --to openssh -o converted --passin pass:keykit-sample samples/  (last line)'
keybatch --quiet --to openssh -o converted --passin pass:keykit-sample samples/ 2>rerun.err || rc=$?
tail -n 1 rerun.err
[ $rc -eq 0 ] || die "a rerun should skip everything and succeed"
echo "the rerun converted nothing and changed nothing"

printf '\ndemo: done (outputs were in %s, now removed)\n' "$T"
