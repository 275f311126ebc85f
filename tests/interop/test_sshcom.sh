#!/usr/bin/env bash
# ssh.com (SECSH) private keys between keyconv and puttygen, RSA and DSA,
# unencrypted and 3des-cbc: what `puttygen -O private-sshcom` writes keyconv
# reads to the key puttygen prints; what keyconv writes puttygen converts to
# OpenSSH (so it read the private half), and ssh-keygen -y on that gives the
# same key; encrypted output opens with the passphrase only, its header names
# 3des-cbc; wrong passphrases fail with exit 1, a message, no output.
source "$KK_LIB"
source "$KK_SRC/tests/interop/interop.sh"
need puttygen
need ssh-keygen
need keyconv

P="sshcom interop"
printf '%s' "$P" >pw
printf 'wrong pass' >wrongpw

# cipher_of FILE: the cipher string of an ssh.com key (magic, total, string
# type, string cipher), read from the bytes here.
u32_at() { od -An -tu1 -j "$2" -N4 "$1" | awk '{print (($1 * 256 + $2) * 256 + $3) * 256 + $4}'; }
cipher_of() {
    local b="$T/.sc" tl
    sed '1,/^Comment:/d;$d' "$1" | base64 -d >"$b" 2>/dev/null
    tl=$(u32_at "$b" 8)                      # length of the key type
    dd if="$b" bs=1 skip=$((16 + tl)) count="$(u32_at "$b" $((12 + tl)))" 2>/dev/null
}

# putty_id FILE [PASSFILE]: "TYPE BASE64" of a private key, as ssh-keygen
# sees it after puttygen converted the private key to OpenSSH.
putty_id() {
    rm -f "$T/.conv"
    puttygen "$1" ${2:+--old-passphrase "$2"} -O private-openssh-new --new-passphrase /dev/null \
        -o "$T/.conv" </dev/null >/dev/null 2>&1 || return 0
    ssh-keygen -y -f "$T/.conv" 2>/dev/null | awk '{print $1, $2}'
}

for spec in "rsa 1024" "rsa 2048" "dsa 1024"; do
    set -- $spec
    t=$1-$2
    puttygen -q -t "$1" -b "$2" -C "c $t" --new-passphrase /dev/null -o "$t.ppk" </dev/null 2>/dev/null
    [ -s "$t.ppk" ] || { kk_fail "puttygen could not make $t"; continue; }
    want=$(puttygen "$t.ppk" -O public-openssh 2>/dev/null | awk '{print $1, $2}')
    puttygen "$t.ppk" -O private-sshcom -o "$t.sc" </dev/null 2>/dev/null
    puttygen "$t.ppk" -O private-sshcom --new-passphrase pw -o "$t.sc3" </dev/null 2>/dev/null
    expect_eq "$(head -n 1 "$t.sc3")" "---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----" "$t: puttygen armour"
    expect_eq "$(cipher_of "$t.sc")/$(cipher_of "$t.sc3")" "none/3des-cbc" "$t: puttygen ciphers"

    # ---- puttygen -> keyconv
    if keyconv_ok "$t.sc -> openssh-pub" --to openssh-pub "$t.sc" "$t.sc.pub"; then
        expect_eq "$(ssh_id_line "$t.sc.pub")" "$want" "$t.sc: same key"
        expect_eq "$(cut -d' ' -f3- "$t.sc.pub")" "c $t" "$t.sc: comment"
    fi
    if keyconv_ok "$t.sc3 -> openssh" --passin file:pw --no-encrypt --to openssh "$t.sc3" "$t.sc3.ossh"; then
        expect_eq "$(ssh_id_priv "$t.sc3.ossh")" "$want" "$t.sc3 (3des) -> openssh: ssh-keygen -y"
    fi
    run keyconv --passin file:wrongpw --to openssh "$t.sc3" "$t.wrong"
    expect_rc 1 "$t.sc3: wrong passphrase"
    expect_err_has "wrong passphrase" "$t.sc3: wrong passphrase message"
    expect_no_file "$t.wrong" "$t.sc3: wrong passphrase"

    # ---- keyconv -> puttygen, unencrypted: the same bytes puttygen wrote
    if keyconv_ok "$t -> sshcom" --to sshcom "$t.sc" "$t.kk"; then
        expect_mode "$t.kk" 600 "$t.kk"
        expect_eq "$(sha "$t.kk")" "$(sha "$t.sc")" "$t.kk: byte-identical to puttygen's"
        expect_eq "$(putty_id "$t.kk")" "$want" "$t.kk: puttygen reads the private key"
    fi
    # ---- keyconv -> puttygen, 3des-cbc; from an OpenSSH key keyconv made
    if keyconv_ok "$t -> sshcom 3des" --passin file:pw --passout file:pw --to sshcom \
        "$t.sc3.ossh" "$t.kk3"; then
        expect_eq "$(cipher_of "$t.kk3")" 3des-cbc "$t.kk3: header cipher"
        expect_eq "$(putty_id "$t.kk3" pw)" "$want" "$t.kk3: puttygen opens it with the passphrase"
        expect_eq "$(putty_id "$t.kk3" wrongpw)" "" "$t.kk3: not with a wrong one"
        expect_eq "$(putty_id "$t.kk3")" "" "$t.kk3: nor without one (it is encrypted)"
    fi
    # an encrypted input stays encrypted with its passphrase
    if keyconv_ok "$t.sc3 -> sshcom (kept)" --passin file:pw --to sshcom "$t.sc3" "$t.kept"; then
        expect_eq "$(cipher_of "$t.kept")" 3des-cbc "$t.kept: still 3des-cbc"
        expect_eq "$(putty_id "$t.kept" pw)" "$want" "$t.kept: same passphrase"
    fi
done

# key types ssh.com cannot hold are refused, nothing written
ssh-keygen -q -t ed25519 -N '' -f ed </dev/null
run keyconv --to sshcom ed ed.sc
expect_rc 1 "ed25519 -> sshcom"
expect_err_has "ED25519" "ed25519 -> sshcom message"
expect_no_file ed.sc "ed25519 -> sshcom"

finish
