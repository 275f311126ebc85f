#!/usr/bin/env bash
# Encrypted OpenSSH private keys (bcrypt KDF) between keyconv and ssh-keygen:
# every cipher ssh-keygen writes x every key type reads with keyconv to the
# same public key; what keyconv writes ssh-keygen opens with the passphrase
# and refuses without it, and the header names the cipher and the rounds
# (read from the bytes here, not by keykit); a converted key keeps its
# passphrase unless told otherwise; wrong passphrases and hostile round
# counts fail with exit 1, a message, and no output file.
source "$KK_LIB"
source "$KK_SRC/tests/interop/interop.sh"
need ssh-keygen
need keyconv

CIPHERS="aes128-ctr aes192-ctr aes256-ctr aes128-cbc aes192-cbc aes256-cbc
aes128-gcm@openssh.com aes256-gcm@openssh.com chacha20-poly1305@openssh.com 3des-cbc"
TYPES="rsa2048 ecdsa256 ecdsa384 ecdsa521 ed25519"
P="interop pass"

args_of() {
    case $1 in
        rsa2048) echo "-t rsa -b 2048" ;;
        ecdsa256) echo "-t ecdsa -b 256" ;;
        ecdsa384) echo "-t ecdsa -b 384" ;;
        ecdsa521) echo "-t ecdsa -b 521" ;;
        ed25519) echo "-t ed25519" ;;
    esac
}

# header FILE: sets H_CIPHER, H_KDF and H_ROUNDS from the openssh-key-v1
# bytes (magic 15 bytes, string cipher, string kdf, string kdfoptions =
# string salt, u32 rounds).
u32_at() { od -An -tu1 -j "$2" -N4 "$1" | awk '{print (($1 * 256 + $2) * 256 + $3) * 256 + $4}'; }
header() {
    local b="$T/.body" n o
    sed '1d;$d' "$1" | base64 -d >"$b" 2>/dev/null
    n=$(u32_at "$b" 15); H_CIPHER=$(dd if="$b" bs=1 skip=19 count="$n" 2>/dev/null)
    o=$((19 + n)); n=$(u32_at "$b" $o); H_KDF=$(dd if="$b" bs=1 skip=$((o + 4)) count="$n" 2>/dev/null)
    o=$((o + 4 + n)); H_ROUNDS=""
    if [ "$H_KDF" = bcrypt ]; then
        n=$(u32_at "$b" $((o + 4)))          # salt length
        H_ROUNDS=$(u32_at "$b" $((o + 8 + n)))
    fi
}

# ssh_opens FILE PASS: "TYPE BASE64" per ssh-keygen -y -P PASS, "" if it fails.
ssh_opens() { ssh-keygen -y -P "$2" -f "$1" </dev/null 2>/dev/null | awk '{print $1, $2}'; }

# ---- ssh-keygen -Z CIPHER -> keyconv, every cipher x type
for type in $TYPES; do
    for c in $CIPHERS; do
        k=sk-$type-$c
        # shellcheck disable=SC2046
        ssh-keygen -q $(args_of "$type") -Z "$c" -N "$P" -C "c $type" -f "$k" </dev/null >/dev/null 2>&1
        if [ ! -s "$k" ]; then kk_fail "ssh-keygen could not make $k"; continue; fi
        header "$k"
        expect_eq "$H_CIPHER/$H_KDF" "$c/bcrypt" "$k: ssh-keygen wrote the cipher asked for"
        if keyconv_ok "$k -> openssh-pub" --passin "pass:$P" --to openssh-pub "$k" "$k.out.pub"; then
            expect_eq "$(ssh_id_line "$k.out.pub")" "$(ssh_id_line "$k.pub")" "$k: same public key"
            expect_eq "$(cut -d' ' -f3- "$k.out.pub")" "c $type" "$k: comment from the encrypted section"
        fi
    done
done

# ---- keyconv writes; ssh-keygen opens with the passphrase only
have_cipher=0
keyconv --help 2>/dev/null | grep -q -- '--cipher' && have_cipher=1
[ $have_cipher -eq 1 ] || echo "NOTE: keyconv has no --cipher yet; only its default cipher is tested here" >&2
for type in $TYPES; do
    src=sk-$type-aes256-gcm@openssh.com
    [ -s "$src" ] || continue
    want=$(ssh_id_line "$src.pub")
    list=aes256-ctr
    [ $have_cipher -eq 1 ] && list=$CIPHERS
    for c in $list; do
        o=kk-$type-$c
        extra=()
        [ $have_cipher -eq 1 ] && extra=(--cipher "$c")
        keyconv_ok "$type -> openssh encrypted ($c)" --passin "pass:$P" --passout pass:newpass \
            "${extra[@]}" --to openssh "$src" "$o" || continue
        expect_mode "$o" 600 "$o"
        header "$o"
        expect_eq "$H_CIPHER/$H_KDF/$H_ROUNDS" "$c/bcrypt/16" "$o: header (ssh-keygen 9.x defaults)"
        expect_eq "$(ssh_opens "$o" newpass)" "$want" "$o: ssh-keygen -y -P newpass"
        expect_eq "$(ssh_opens "$o" '')" "" "$o: ssh-keygen -y -P '' fails (encrypted)"
        expect_eq "$(ssh_opens "$o" "$P")" "" "$o: the old passphrase no longer opens it"
    done
done
if [ $have_cipher -eq 1 ]; then
    run keyconv --passin "pass:$P" --passout pass:newpass --cipher aes-256-cbc --to openssh \
        sk-ed25519-aes256-ctr bad-cipher
    expect_rc 2 "unknown --cipher"
    expect_err_has "aes256-ctr" "unknown --cipher names the valid ones"
    expect_no_file bad-cipher "unknown --cipher"
fi

# ---- a converted key keeps its passphrase unless told otherwise
k=sk-ed25519-chacha20-poly1305@openssh.com
want=$(ssh_id_line "$k.pub")
if keyconv_ok "keep passphrase" --passin "pass:$P" "$k" kept; then
    header kept
    expect_eq "$H_KDF" bcrypt "kept: still encrypted"
    expect_eq "$(ssh_opens kept "$P")" "$want" "kept: opens with the same passphrase"
    expect_eq "$(ssh_opens kept '')" "" "kept: not without it"
fi
if keyconv_ok "--no-encrypt" --passin "pass:$P" --no-encrypt "$k" plain; then
    header plain
    expect_eq "$H_CIPHER/$H_KDF" "none/none" "plain: header says unencrypted"
    expect_eq "$(ssh_opens plain '')" "$want" "plain: opens without a passphrase"
fi

# ---- wrong and missing passphrases: exit 1, a message, nothing written
for c in aes256-ctr aes256-gcm@openssh.com chacha20-poly1305@openssh.com 3des-cbc; do
    k=sk-ecdsa256-$c
    run keyconv --passin pass:wrong --to openssh "$k" wrong-$c
    expect_rc 1 "$c: wrong passphrase"
    expect_err_has "wrong passphrase" "$c: wrong passphrase message"
    expect_no_file "wrong-$c" "$c: wrong passphrase"
done
run keyconv --to openssh sk-ed25519-aes256-ctr nopass
expect_rc 1 "no passphrase and no terminal"
expect_err_has "--passin" "no passphrase: the message names --passin"
expect_no_file nopass "no passphrase"

# ---- cost caps: checked before any work, the error names the flag
run keyconv --passin "pass:$P" --max-kdf-rounds 8 --to openssh-pub sk-ed25519-aes256-ctr capped.pub
expect_rc 1 "16 rounds over --max-kdf-rounds 8"
expect_err_has "bcrypt rounds 16 is larger than the limit of 8" "rounds cap message"
expect_err_has "--max-kdf-rounds" "rounds cap hint"
expect_no_file capped.pub "rounds cap"
# a file claiming 2^32-1 rounds: the four bytes after the salt set to ff
sed '1d;$d' sk-ed25519-aes256-ctr | base64 -d >huge.bin
off=$((15 + 4 + 10 + 4 + 6 + 4 + 4 + 16))
printf '\xff\xff\xff\xff' | dd of=huge.bin bs=1 seek=$off conv=notrunc 2>/dev/null
{ echo "-----BEGIN OPENSSH PRIVATE KEY-----"; base64 -w70 huge.bin; echo "-----END OPENSSH PRIVATE KEY-----"; } >huge
start=$(date +%s%N)
run keyconv --passin "pass:$P" --to openssh-pub huge huge.pub
took=$((($(date +%s%N) - start) / 1000000))
expect_rc 1 "2^32-1 rounds"
expect_err_has "bcrypt rounds 4294967295 is larger than the limit of 10000000" "2^32-1 rounds message"
expect_no_file huge.pub "2^32-1 rounds"
if [ "$took" -lt 2000 ]; then kk_pass; else kk_fail "2^32-1 rounds took $took ms to refuse"; fi
# raised, the same 16-round key opens
keyconv_ok "--max-kdf-rounds 16" --passin "pass:$P" --max-kdf-rounds 16 --to openssh-pub \
    sk-ed25519-aes256-ctr raised.pub

finish
