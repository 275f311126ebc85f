# The encoding options of keyconv and keygen: --cipher, --rounds, --ppk-param
# and the Argon2 caps (--max-argon2-*), checked by reading the output with
# ssh-keygen, puttygen and openssl, and every refusal by its exact message,
# its exit status and the absence of any output file.
# shellcheck source=../lib.sh
source "$KK_LIB"
need ssh-keygen
need puttygen
need openssl

TRY="Try 'keyconv --help'."
GTRY="Try 'keygen --help'."
CIPHERS="aes128-ctr aes192-ctr aes256-ctr aes128-cbc aes192-cbc aes256-cbc
aes128-gcm@openssh.com aes256-gcm@openssh.com chacha20-poly1305@openssh.com 3des-cbc"
CIPHER_LIST="aes128-ctr, aes192-ctr, aes256-ctr, aes128-cbc, aes192-cbc, aes256-cbc, aes128-gcm@openssh.com, aes256-gcm@openssh.com, chacha20-poly1305@openssh.com, 3des-cbc"
P="opt pass"
printf '%s\n' "$P" >pf

sshkey ed25519 "" ed "" "ed@test"
sshkey rsa 2048 rsa "" "rsa@test"
ED_PUB=$(publine ed.pub)

# opens FILE PASS: the public key ssh-keygen reads from FILE ("" if it cannot).
opens() { ssh-keygen -y -P "$2" -f "$1" 2>/dev/null | cut -d' ' -f1,2; }
# body FILE: the decoded openssh-key-v1 bytes of FILE.
body() { sed '1d;$d' "$1" | base64 -d; }

# ---- help names the new options
for tool in keyconv keygen; do
    run "$tool" --help
    for o in --cipher --rounds --ppk-param --max-kdf-rounds --max-argon2-memory \
             --max-argon2-passes --max-argon2-parallelism; do
        expect_out_has "$o" "$tool --help lists $o"
    done
done

# ---- --cipher: every OpenSSH cipher, opened by ssh-keygen
for c in $CIPHERS; do
    o="ed-$c"
    run keyconv --passout "pass:$P" --cipher "$c" ed "$o"
    expect_ok "--cipher $c"
    expect_mode "$o" 600 "--cipher $c"
    expect_eq "$(opens "$o" "$P")" "$ED_PUB" "--cipher $c: ssh-keygen -y -P opens it"
    expect_eq "$(opens "$o" "")" "" "--cipher $c: not without the passphrase"
    if body "$o" | grep -aq -- "$c"; then kk_pass; else kk_fail "--cipher $c: name not in the file"; fi
done
# and an RSA key with one AEAD cipher (its tag follows the private section)
run keyconv --passout "pass:$P" --cipher aes128-gcm@openssh.com rsa rsa-gcm
expect_ok "rsa --cipher aes128-gcm@openssh.com"
expect_eq "$(opens rsa-gcm "$P")" "$(publine rsa.pub)" "rsa --cipher aes128-gcm: ssh-keygen opens it"

run keyconv --passout "pass:$P" --cipher aes-256-cbc ed bad-cipher
expect_rc 2 "unknown openssh --cipher"
expect_err "keyconv: unknown cipher 'aes-256-cbc' for an OpenSSH key
keyconv: hint: use one of $CIPHER_LIST
$TRY" "unknown openssh --cipher"
expect_no_file bad-cipher "unknown openssh --cipher"

run keyconv --passout "pass:$P" --cipher "" ed bad-cipher
expect_rc 2 "empty --cipher"
expect_err "keyconv: --cipher: the cipher name is empty
$TRY" "empty --cipher"
expect_no_file bad-cipher "empty --cipher"

# an unencrypted output ignores --cipher and --rounds, and says so
run keyconv --cipher aes128-ctr --rounds 4 ed plain
expect_rc 0 "--cipher without a passphrase"
expect_err "keyconv: warning: --cipher has no effect: plain is not encrypted
keyconv: warning: --rounds has no effect: plain is not encrypted" "--cipher without a passphrase"
expect_eq "$(opens plain "")" "$ED_PUB" "--cipher without a passphrase: unencrypted"

# ---- --rounds
run keyconv --passout "pass:$P" --rounds 8 ed r8
expect_ok "--rounds 8"
expect_eq "$(opens r8 "$P")" "$ED_PUB" "--rounds 8: ssh-keygen opens it"
# the file says 8 rounds: a cap of 7 refuses it, 8 lets it through
run keyconv --passin "pass:$P" --max-kdf-rounds 7 --to pub r8 r8.pub
expect_rc 1 "--rounds 8 over --max-kdf-rounds 7"
expect_err_has "bcrypt rounds 8 is larger than the limit of 7" "--rounds 8 was written"
run keyconv --passin "pass:$P" --max-kdf-rounds 8 --to pub r8 r8.pub
expect_ok "--rounds 8 within --max-kdf-rounds 8"

for bad in 0 -1 x 8x ""; do
    run keyconv --passout "pass:$P" --rounds "$bad" ed bad-rounds
    expect_rc 2 "--rounds '$bad'"
    expect_err "keyconv: --rounds: '$bad' is not a positive number
$TRY" "--rounds '$bad'"
    expect_no_file bad-rounds "--rounds '$bad'"
done
run keyconv --passout "pass:$P" --rounds 4294967296 ed bad-rounds
expect_rc 2 "--rounds 2^32"
expect_err "keyconv: --rounds: '4294967296' is more than 4294967295
$TRY" "--rounds 2^32"
run keyconv --passout "pass:$P" --rounds 10000001 ed bad-rounds
expect_rc 2 "--rounds over the cap"
expect_err "keyconv: --rounds: 10000001 is more than the limit of 10000000
keyconv: hint: raise the limit with --max-kdf-rounds
$TRY" "--rounds over the cap"
expect_no_file bad-rounds "--rounds over the cap"
# the cap is final whatever the order of the options
run keyconv --passout "pass:$P" --rounds 9 --max-kdf-rounds 8 ed bad-rounds
expect_rc 2 "--rounds over a lowered cap"
expect_err "keyconv: --rounds: 9 is more than the limit of 8
keyconv: hint: raise the limit with --max-kdf-rounds
$TRY" "--rounds over a lowered cap"
expect_no_file bad-rounds "--rounds over a lowered cap"

# ---- pkcs8: --rounds are the PBKDF2 iterations, --cipher an OpenSSL cipher
run keyconv --passout "pass:$P" --cipher aes-128-cbc --rounds 4321 --to pkcs8 rsa p8
expect_ok "pkcs8 --cipher aes-128-cbc --rounds 4321"
asn=$(openssl asn1parse -in p8 2>/dev/null)
case $asn in *":10E1"*) kk_pass ;; *) kk_fail "pkcs8: 4321 iterations not in the file" ;; esac
case $asn in *"aes-128-cbc"*) kk_pass ;; *) kk_fail "pkcs8: aes-128-cbc not in the file" ;; esac
expect_true "pkcs8: openssl opens it" openssl pkey -in p8 -passin "pass:$P" -noout

# ---- --ppk-param
run keyconv --passout "pass:$P" --ppk-param kdf=argon2i,memory=1024,passes=2 ed a.ppk
expect_ok "--ppk-param kdf=argon2i,memory=1024,passes=2"
expect_mode a.ppk 600 "--ppk-param"
expect_file_has a.ppk "PuTTY-User-Key-File-3: ssh-ed25519" "--ppk-param: a .ppk is ppk3"
expect_file_has a.ppk "Key-Derivation: Argon2i" "--ppk-param kdf"
expect_file_has a.ppk "Argon2-Memory: 1024" "--ppk-param memory"
expect_file_has a.ppk "Argon2-Passes: 2" "--ppk-param passes"
expect_file_has a.ppk "Argon2-Parallelism: 1" "--ppk-param: parallelism keeps its default"
run puttygen a.ppk --old-passphrase pf -O public-openssh
expect_eq "$(echo "$OUT" | cut -d' ' -f1,2)" "$ED_PUB" "--ppk-param: puttygen opens it"

run keyconv --passout "pass:$P" --ppk-param parallelism=2,memory=64,kdf=argon2d --rounds 3 \
    --to ppk ed b
expect_ok "--ppk-param parallelism=2 with --rounds"
expect_file_has b "Key-Derivation: Argon2d" "--ppk-param kdf=argon2d"
expect_file_has b "Argon2-Memory: 64" "--ppk-param memory=64"
expect_file_has b "Argon2-Passes: 3" "--rounds are the Argon2 passes"
expect_file_has b "Argon2-Parallelism: 2" "--ppk-param parallelism=2"
run puttygen b --old-passphrase pf -O public-openssh
expect_eq "$(echo "$OUT" | cut -d' ' -f1,2)" "$ED_PUB" "--ppk-param parallelism=2: puttygen opens it"

run keyconv --passout "pass:$P" --ppk-param version=2 ed v2.ppk
expect_ok "--ppk-param version=2"
expect_eq "$(head -n 1 v2.ppk)" "PuTTY-User-Key-File-2: ssh-ed25519" "--ppk-param version=2"
run puttygen v2.ppk --old-passphrase pf -O public-openssh
expect_eq "$(echo "$OUT" | cut -d' ' -f1,2)" "$ED_PUB" "--ppk-param version=2: puttygen opens it"
run keyconv --ppk-param version=3 --to ppk2 ed v3
expect_rc 2 "version=3 against --to ppk2"
expect_err "keyconv: --ppk-param: version=3 contradicts the format ppk2
$TRY" "version=3 against --to ppk2"
expect_no_file v3 "version=3 against --to ppk2"

# bad --ppk-param: exit 2 naming the bad key
ppk_bad() {
    run keyconv --passout "pass:$P" --ppk-param "$1" ed bad.ppk
    expect_rc 2 "--ppk-param '$1'"
    expect_err "$2
$TRY" "--ppk-param '$1'"
    expect_no_file bad.ppk "--ppk-param '$1'"
}
ppk_bad foo=1 "keyconv: --ppk-param: unknown parameter 'foo'
keyconv: hint: use kdf, memory, passes, parallelism or version"
ppk_bad memory=1024,time=100 "keyconv: --ppk-param: unknown parameter 'time'
keyconv: hint: use kdf, memory, passes, parallelism or version"
ppk_bad passes "keyconv: --ppk-param: 'passes' needs a value (passes=...)"
ppk_bad memory= "keyconv: --ppk-param: 'memory' needs a value (memory=...)"
ppk_bad memory=lots "keyconv: --ppk-param: memory 'lots' is not a positive number"
ppk_bad passes=0 "keyconv: --ppk-param: passes '0' is not a positive number"
ppk_bad parallelism=16777216 "keyconv: --ppk-param: parallelism '16777216' is more than 16777215"
ppk_bad kdf=scrypt "keyconv: --ppk-param: kdf 'scrypt' is not argon2id, argon2i or argon2d"
ppk_bad version=4 "keyconv: --ppk-param: version '4' is not 2 or 3"
ppk_bad kdf=argon2id, "keyconv: --ppk-param: empty parameter (a comma too many)"
ppk_bad "" "keyconv: --ppk-param: empty parameter (a comma too many)"
ppk_bad memory=8,parallelism=2 "keyconv: --ppk-param: memory=8 is less than 8 KiB per lane (parallelism 2)"
ppk_bad version=2,memory=1024 "keyconv: --ppk-param: kdf, memory, passes and parallelism apply only to version 3 (ppk3)"

run keyconv --passout "pass:$P" --ppk-param memory=1024 ed not-ppk
expect_rc 2 "--ppk-param for openssh output"
expect_err "keyconv: --ppk-param applies only to PuTTY output (ppk, ppk2, ppk3), not openssh
$TRY" "--ppk-param for openssh output"
expect_no_file not-ppk "--ppk-param for openssh output"

# asking to write more than the caps allow names the flag that raises them
run keyconv --passout "pass:$P" --max-argon2-memory 512 --ppk-param memory=1024 ed capped.ppk
expect_rc 2 "--ppk-param memory over the cap"
expect_err "keyconv: --ppk-param: memory=1024 is more than the limit of 512 KiB
keyconv: hint: raise the limit with --max-argon2-memory
$TRY" "--ppk-param memory over the cap"
expect_no_file capped.ppk "--ppk-param memory over the cap"
run keyconv --passout "pass:$P" --ppk-param passes=1001 ed capped.ppk
expect_rc 2 "--ppk-param passes over the cap"
expect_err "keyconv: --ppk-param: passes=1001 is more than the limit of 1000
keyconv: hint: raise the limit with --max-argon2-passes
$TRY" "--ppk-param passes over the cap"
run keyconv --passout "pass:$P" --ppk-param parallelism=65,memory=1024 ed capped.ppk
expect_rc 2 "--ppk-param parallelism over the cap"
expect_err "keyconv: --ppk-param: parallelism=65 is more than the limit of 64
keyconv: hint: raise the limit with --max-argon2-parallelism
$TRY" "--ppk-param parallelism over the cap"
expect_no_file capped.ppk "--ppk-param caps"

# ---- reading: the Argon2 caps of a .ppk, and the flags that raise them
run keyconv --passin file:pf --max-argon2-memory 512 --to pub a.ppk a.pub
expect_rc 1 "Argon2-Memory over --max-argon2-memory"
expect_err "keyconv: a.ppk:8: Argon2 memory of 1024 KiB is over the limit of 512 KiB
keyconv: hint: if you trust this file, raise the limit with --max-argon2-memory" \
    "Argon2-Memory over --max-argon2-memory"
expect_no_file a.pub "Argon2-Memory over --max-argon2-memory"
run keyconv --passin file:pf --max-argon2-memory 1024 --to pub a.ppk a.pub
expect_ok "Argon2-Memory within --max-argon2-memory"
expect_eq "$(publine a.pub)" "$ED_PUB" "--max-argon2-memory raised: the key reads"
run keyconv --passin file:pf --max-argon2-passes 1 --to pub a.ppk a1.pub
expect_rc 1 "Argon2-Passes over --max-argon2-passes"
expect_err_has "raise the limit with --max-argon2-passes" "Argon2-Passes over --max-argon2-passes"
expect_no_file a1.pub "Argon2-Passes over --max-argon2-passes"
run keyconv --passin file:pf --max-argon2-parallelism 1 --to pub b b1.pub
expect_rc 1 "Argon2-Parallelism over --max-argon2-parallelism"
expect_err_has "raise the limit with --max-argon2-parallelism" "Argon2-Parallelism over the cap"
expect_no_file b1.pub "Argon2-Parallelism over --max-argon2-parallelism"
run keyconv --passin file:pf --max-argon2-parallelism 2 --to pub b b1.pub
expect_ok "Argon2-Parallelism within --max-argon2-parallelism"
# a file claiming 2 GiB is refused under the default cap before any work
sed 's/^Argon2-Memory: .*/Argon2-Memory: 2097152/' a.ppk >huge.ppk
run keyconv --passin file:pf --to pub huge.ppk huge.pub
expect_rc 1 "Argon2-Memory over the default cap"
expect_err "keyconv: huge.ppk:8: Argon2 memory of 2097152 KiB is over the limit of 1048576 KiB
keyconv: hint: if you trust this file, raise the limit with --max-argon2-memory" \
    "Argon2-Memory over the default cap"
expect_no_file huge.pub "Argon2-Memory over the default cap"

for o in --max-argon2-memory --max-argon2-passes --max-argon2-parallelism --max-kdf-rounds; do
    run keyconv "$o" 0 a.ppk zero.pub
    expect_rc 2 "$o 0"
    expect_err "keyconv: $o: '0' is not a positive number
$TRY" "$o 0"
done

# ---- keygen
run keygen -q -t ed25519 --format ppk -f k
expect_ok "keygen --format ppk"
expect_mode k 600 "keygen --format ppk"
expect_mode k.pub 644 "keygen --format ppk"
expect_eq "$(head -n 1 k)" "PuTTY-User-Key-File-3: ssh-ed25519" "keygen --format ppk"
run puttygen k -O public-openssh
expect_eq "$(echo "$OUT" | cut -d' ' -f1,2)" "$(publine k.pub)" "keygen --format ppk: puttygen reads k"

run keygen -q -t ecdsa --format ppk --ppk-param kdf=argon2i,memory=256,passes=1,version=3 \
    --passout "pass:$P" -f kp
expect_ok "keygen --ppk-param"
expect_file_has kp "Key-Derivation: Argon2i" "keygen --ppk-param kdf"
expect_file_has kp "Argon2-Memory: 256" "keygen --ppk-param memory"
run puttygen kp --old-passphrase pf -O public-openssh
expect_eq "$(echo "$OUT" | cut -d' ' -f1,2)" "$(publine kp.pub)" "keygen --ppk-param: puttygen reads it"

run keygen -q -t ecdsa --format ppk --ppk-param version=2 --passout "pass:$P" -f kv2
expect_ok "keygen --ppk-param version=2"
expect_eq "$(head -n 1 kv2)" "PuTTY-User-Key-File-2: ecdsa-sha2-nistp256" "keygen version=2"

run keygen -q -t ed25519 --cipher chacha20-poly1305@openssh.com --rounds 4 --passout "pass:$P" -f kc
expect_ok "keygen --cipher --rounds"
expect_eq "$(opens kc "$P")" "$(publine kc.pub)" "keygen --cipher: ssh-keygen opens it"
if body kc | grep -aq chacha20-poly1305@openssh.com; then kk_pass; else kk_fail "keygen --cipher: name not in the file"; fi

run keygen -q -t ed25519 --cipher bogus --passout "pass:$P" -f kbad
expect_rc 2 "keygen unknown --cipher"
expect_err "keygen: unknown cipher 'bogus' for an OpenSSH key
keygen: hint: use one of $CIPHER_LIST
$GTRY" "keygen unknown --cipher"
expect_no_file kbad "keygen unknown --cipher"
expect_no_file kbad.pub "keygen unknown --cipher"

run keygen -q -t ed25519 --ppk-param memory=1024 -f kbad
expect_rc 2 "keygen --ppk-param for openssh"
expect_err "keygen: --ppk-param applies only to PuTTY output (ppk, ppk2, ppk3), not openssh
$GTRY" "keygen --ppk-param for openssh"
expect_no_file kbad "keygen --ppk-param for openssh"

run keygen -q -t ed25519 --rounds 0 -f kbad
expect_rc 2 "keygen --rounds 0"
expect_err "keygen: --rounds: '0' is not a positive number
$GTRY" "keygen --rounds 0"
expect_no_file kbad "keygen --rounds 0"

run keygen -q -t ed25519 --max-kdf-rounds 4 --rounds 5 --passout "pass:$P" -f kbad
expect_rc 2 "keygen --rounds over the cap"
expect_err "keygen: --rounds: 5 is more than the limit of 4
keygen: hint: raise the limit with --max-kdf-rounds
$GTRY" "keygen --rounds over the cap"
expect_no_file kbad "keygen --rounds over the cap"
expect_no_file kbad.pub "keygen --rounds over the cap"

finish
