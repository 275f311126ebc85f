#!/usr/bin/env bash
# Installs what is missing, builds keykit, then does its main job on the
# sample keys in samples/: converts a PEM key (and a PuTTY .ppk once keykit
# reads them) to an OpenSSH private key and a .pub, and checks the public
# key, comparing every fingerprint with what ssh-keygen says.  Outputs go to
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

# keyconv --help lists the formats it has; PPK comes with a later issue.
if keyconv --help 2>&1 | grep -E '^ +ppk' | grep -vq 'not readable'; then
    step "3. convert a PuTTY .ppk (made by puttygen) to OpenSSH"
    in=samples/ppk3_rsa2048.ppk
    want=$(puttygen "$in" -O fingerprint 2>/dev/null | awk '{print $NF}')
    head -n 1 "$in"
    echo "input fingerprint (puttygen): $want"
    show keyconv "$in" id_from_ppk
    show keyconv "$in" id_from_ppk.pub
    got=$(fp id_from_ppk.pub)
    echo "ssh-keygen -l -f id_from_ppk.pub -> $got"
    [ "$got" = "$want" ] || die "ppk fingerprint $got, expected $want"
    echo "same key: ok"
else
    step "3. PuTTY .ppk input: not in this build yet (a later issue adds it)"
fi

step "4. check a public key"
if command -v keycheck >/dev/null 2>&1; then
    show keycheck id_rsa.pub
else
    # keycheck arrives in a later issue; until then keyconv reading the key
    # back proves it parses, and its type, size and fingerprint are shown.
    printf '$ keyconv --to openssh-pub id_rsa.pub -\n'
    keyconv --to openssh-pub id_rsa.pub - | tee readback.pub
    type=$(awk '{print $1}' readback.pub)
    # SHA256 fingerprint computed here from the key blob, then compared with ssh-keygen's.
    mine="SHA256:$(awk '{print $2}' readback.pub | base64 -d | openssl dgst -sha256 -binary | base64 | tr -d '=')"
    bits=$(ssh-keygen -l -f readback.pub | awk '{print $1}')
    echo "type $type, $bits bits, fingerprint $mine"
    [ "$mine" = "$(fp id_rsa.pub)" ] || die "fingerprint differs from ssh-keygen's"
    echo "matches ssh-keygen -l: ok"
fi

step "5. a damaged public key is refused with a clear message"
awk '{print $1, substr($2, 1, 120), $3}' id_rsa.pub >broken.pub
cut -c 1-60 broken.pub
printf '$ keyconv --to openssh-pub broken.pub -\n'
rc=0
keyconv --to openssh-pub broken.pub - || rc=$?
echo "exit status $rc"
[ $rc -eq 1 ] || die "a truncated key should exit 1"

printf '\ndemo: done (outputs were in %s, now removed)\n' "$T"
