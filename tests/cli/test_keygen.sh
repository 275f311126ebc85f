# keygen end to end: every type and size, checked against ssh-keygen; the
# files, their modes, the all-or-nothing write, the messages.
# shellcheck source=../lib.sh
source "$KK_LIB"
need ssh-keygen

TRY="Try 'keygen --help'."
# The private formats keykit writes, in registry order (the hint lists them).
PRIVATE_FORMATS="openssh, ppk3, ppk2, pem, pkcs8, sshcom"

# ---- help and version
run keygen --help
expect_rc 0 "--help"
expect_out_has "Usage: keygen [OPTIONS]" "--help"
expect_err "" "--help prints nothing on stderr"
run keygen --version
expect_rc 0 "--version"
expect_out "keygen (keykit) $KK_VERSION" "--version"
run keygen -V
expect_out "keygen (keykit) $KK_VERSION" "-V"

# check_pair PATH TYPE LABEL DESC: PATH/PATH.pub are a good pair of TYPE
# (ssh name), keygen's stdout ($OUT) is what ssh-keygen would print, and
# ssh-keygen agrees on the key and its fingerprint.
check_pair() {
    local p=$1 type=$2 label=$3 d=$4
    expect_mode "$p" 600 "$d"
    expect_mode "$p.pub" 644 "$d"
    expect_eq "$(wc -l < "$p.pub")" "1" "$d: .pub is one line"
    expect_eq "$(tail -c 1 "$p.pub" | od -An -c | tr -d ' ')" '\n' "$d: .pub ends with a newline"
    expect_eq "$(cut -d' ' -f1 "$p.pub")" "$type" "$d: .pub key type"
    expect_eq "$(ssh-keygen -y -f "$p" 2>&1)" "$(cat "$p.pub")" "$d: ssh-keygen -y gives the same .pub line"
    local lv fp art comment
    lv=$(ssh-keygen -lv -f "$p.pub")
    fp=$(echo "$lv" | head -n 1 | cut -d' ' -f2)
    art=$(echo "$lv" | tail -n +2)
    comment=$(cut -d' ' -f3- "$p.pub")
    expect_eq "$(ssh-keygen -l -f "$p.pub" | cut -d' ' -f2)" "$fp" "$d: fingerprint"
    expect_out "Generating public/private $label key pair.
Your identification has been saved in $p
Your public key has been saved in $p.pub
The key fingerprint is:
$fp $comment
The key's randomart image is:
$art" "$d: stdout as ssh-keygen prints it"
    if [ -z "$art" ] || ! echo "$OUT" | grep -qF -- "$fp"; then kk_fail "$d: no fingerprint"; fi
    if ls -A "$(dirname "$p")" | grep -q '\.kktmp'; then kk_fail "$d: temp file left"; else kk_pass; fi
}

# ---- every type and size
run keygen -t rsa -b 2048 -C me@host -f id_rsa
expect_rc 0 "rsa 2048"
expect_err "" "rsa 2048 stderr"
check_pair id_rsa ssh-rsa rsa "rsa 2048"
expect_out_has "+---[RSA 2048]----+" "rsa 2048 randomart header"

for b in 256 384 521; do
    run keygen -t ecdsa -b "$b" -C "ec$b@host" -f "id_ecdsa$b"
    expect_rc 0 "ecdsa $b"
    check_pair "id_ecdsa$b" "ecdsa-sha2-nistp$b" ecdsa "ecdsa $b"
    expect_out_has "[ECDSA $b]" "ecdsa $b randomart header"
done

run keygen -t ed25519 -C ed@host -f id_ed25519
expect_rc 0 "ed25519"
check_pair id_ed25519 ssh-ed25519 ed25519 "ed25519"
expect_out_has "+--[ED25519 256]--+" "ed25519 randomart header"
expect_eq "$(cut -d' ' -f3- id_ed25519.pub)" "ed@host" "-C sets the comment"

run keygen -C dflt -f id_default
expect_rc 0 "default type"
check_pair id_default ssh-ed25519 ed25519 "default type is ed25519"

run keygen -t ecdsa -C e -f id_ecdsa_default
check_pair id_ecdsa_default ecdsa-sha2-nistp256 ecdsa "ecdsa default 256"

run keygen -t rsa -C r -f id_rsa_default
expect_rc 0 "rsa default size"
expect_out_has "+---[RSA 3072]----+" "rsa defaults to 3072 bits"

run keygen -t ed25519 -b 4096 -C x -f id_ed_b
expect_rc 0 "-b is ignored for ed25519, as in ssh-keygen"

# Default comment: user@host, as ssh-keygen.
run keygen -q -f id_comment
expect_ok "default comment"
expect_eq "$(cut -d' ' -f3- id_comment.pub)" "$(id -un)@$(hostname)" "default comment is user@host"

# -q: nothing on stdout
run keygen -q -t ed25519 -f id_quiet
expect_ok "-q"
expect_out "" "-q prints nothing"
check_quiet=$(ssh-keygen -y -f id_quiet | cut -d' ' -f1,2)
expect_eq "$check_quiet" "$(publine id_quiet.pub)" "-q still writes the pair"

# Default path: ~/.ssh/id_TYPE, ~/.ssh made 0700 if missing.
mkdir home
run env HOME="$T/home" keygen -q -t ecdsa
expect_ok "default path"
expect_true "default path: ~/.ssh/id_ecdsa" test -f home/.ssh/id_ecdsa
expect_true "default path: ~/.ssh/id_ecdsa.pub" test -f home/.ssh/id_ecdsa.pub
expect_mode home/.ssh 700 "~/.ssh is made private"

# ---- usage errors
run keygen -t foo -f nokey
expect_rc 2 "unknown type"
expect_err "keygen: -t: unknown key type 'foo'
keygen: hint: use -t rsa, -t ecdsa or -t ed25519
$TRY" "unknown type"
expect_no_file nokey "unknown type"

run keygen -t rsa -b 512 -f nokey
expect_rc 2 "rsa too small"
expect_err "keygen: -b: RSA keys must be 1024 to 16384 bits
$TRY" "rsa too small"
expect_no_file nokey "rsa too small"

run keygen -t rsa -b 16385 -f nokey
expect_rc 2 "rsa too big"
expect_err "keygen: -b: RSA keys must be 1024 to 16384 bits
$TRY" "rsa too big"

run keygen -t ecdsa -b 255 -f nokey
expect_rc 2 "bad ecdsa size"
expect_err "keygen: -b: ECDSA keys must be 256, 384 or 521 bits
$TRY" "bad ecdsa size"
expect_no_file nokey "bad ecdsa size"

run keygen -t rsa -b abc -f nokey
expect_rc 2 "-b not a number"
expect_err "keygen: -b: 'abc' is not a positive number
$TRY" "-b not a number"

run keygen -t rsa -b -2048 -f nokey
expect_rc 2 "-b negative"
expect_err "keygen: -b: '-2048' is not a positive number
$TRY" "-b negative"

run keygen -t
expect_rc 2 "-t without a value"
expect_err "keygen: option '-t' needs a value
$TRY" "-t without a value"

run keygen --bogus
expect_rc 2 "unknown option"
expect_err "keygen: unknown option '--bogus'
$TRY" "unknown option"

run keygen -f nokey extra
expect_rc 2 "operand"
expect_err "keygen: unexpected argument 'extra'
$TRY" "operand"
expect_no_file nokey "operand"

run keygen -f -
expect_rc 2 "-f -"
expect_err "keygen: -f: a key pair needs a file name, not '-'
$TRY" "-f -"

run keygen --format bogus -f nokey
expect_rc 2 "unknown --format"
expect_err "keygen: --format: keykit cannot write private keys as 'bogus'
keygen: hint: use one of: $PRIVATE_FORMATS
$TRY" "unknown --format"
expect_no_file nokey "unknown --format"

run keygen --format pub -f nokey
expect_rc 2 "public --format"
expect_err "keygen: --format: keykit cannot write private keys as 'pub'
keygen: hint: use one of: $PRIVATE_FORMATS
$TRY" "public --format"

run keygen -C "$(printf 'a\tb')" -f nokey
expect_rc 2 "comment with a tab"
expect_err "keygen: -C: the comment must not contain control characters
$TRY" "comment with a tab"
expect_no_file nokey "comment with a tab"

run keygen -t dsa -f nokey
expect_rc 1 "dsa"
expect_err "keygen: DSA keys are deprecated and no longer generated
keygen: hint: use -t ed25519 or -t rsa" "dsa"
expect_no_file nokey "dsa"
expect_no_file nokey.pub "dsa"

# ---- existing files: exit 3, nothing changed
priv_sum=$(sha id_ed25519); pub_sum=$(sha id_ed25519.pub)
run keygen -t ed25519 -f id_ed25519
expect_rc 3 "existing PATH"
expect_err "keygen: id_ed25519: already exists
keygen: hint: use --force to replace it" "existing PATH"
expect_out "" "existing PATH prints nothing on stdout"
expect_unchanged id_ed25519 "$priv_sum" "existing PATH"
expect_unchanged id_ed25519.pub "$pub_sum" "existing PATH"

echo "old public" > only.pub
only_sum=$(sha only.pub)
run keygen -t ed25519 -f only
expect_rc 3 "existing PATH.pub"
expect_err "keygen: only.pub: already exists
keygen: hint: use --force to replace it" "existing PATH.pub"
expect_no_file only "existing PATH.pub: PATH not written"
expect_unchanged only.pub "$only_sum" "existing PATH.pub"

echo "old private" > lonely
lonely_sum=$(sha lonely)
run keygen -t ed25519 -f lonely
expect_rc 3 "existing PATH, no PATH.pub"
expect_no_file lonely.pub "existing PATH: PATH.pub not written"
expect_unchanged lonely "$lonely_sum" "existing PATH, no PATH.pub"

run keygen -q --force -t ed25519 -f id_ed25519
expect_ok "--force replaces"
if [ "$(sha id_ed25519)" != "$priv_sum" ] && [ "$(sha id_ed25519.pub)" != "$pub_sum" ]; then
    kk_pass; else kk_fail "--force: files not replaced"; fi
expect_eq "$(ssh-keygen -y -f id_ed25519 | cut -d' ' -f1,2)" "$(publine id_ed25519.pub)" \
    "--force: the new pair matches"
expect_mode id_ed25519 600 "--force"

run keygen -q --force -t ed25519 -f only
expect_ok "--force with only PATH.pub there"
expect_true "--force: PATH written" test -f only

# Missing directory: exit 3, nothing created.
run keygen -t ed25519 -f nodir/key
expect_rc 3 "missing directory"
expect_err "keygen: cannot create nodir/key: No such file or directory" "missing directory"
if [ -e nodir ]; then kk_fail "missing directory: nodir created"; else kk_pass; fi

# Unwritable directory (not as root, who may write anywhere).
if [ "$(id -u)" != 0 ]; then
    mkdir ro && chmod 555 ro
    run keygen -t ed25519 -f ro/key
    expect_rc 3 "read-only directory"
    expect_err "keygen: cannot create ro/key: Permission denied" "read-only directory"
    expect_no_file ro/key "read-only directory"
    expect_no_file ro/key.pub "read-only directory"
    chmod 755 ro
fi

run keygen -q -t ecdsa --format ppk --passout pass:ppkpass -f ppk_ec
expect_ok "--format ppk --passout"
expect_eq "$(head -n 1 ppk_ec)" "PuTTY-User-Key-File-3: ecdsa-sha2-nistp256" "--format ppk"
expect_file_has ppk_ec "Encryption: aes256-cbc" "--format ppk: encrypted"
run keyconv --passin pass:ppkpass ppk_ec ppk_ec.check.pub
expect_ok "--format ppk: keyconv opens it"
expect_eq "$(publine ppk_ec.check.pub)" "$(publine ppk_ec.pub)" "--format ppk: the pair matches"

# ---- other private formats, encrypted
if command -v openssl >/dev/null 2>&1; then
    run keygen -q -t rsa -b 2048 --format pem --passout pass:pempass -f pem_rsa
    expect_ok "--format pem --passout"
    expect_file_has pem_rsa "-----BEGIN RSA PRIVATE KEY-----" "--format pem: PKCS#1"
    expect_file_has pem_rsa "Proc-Type: 4,ENCRYPTED" "--format pem: encrypted"
    expect_true "--format pem: openssl opens it" openssl pkey -in pem_rsa -passin pass:pempass -noout
    expect_false "--format pem: not with the empty passphrase" openssl pkey -in pem_rsa -passin pass: -noout
    expect_eq "$(ssh-keygen -y -P pempass -f pem_rsa | cut -d' ' -f1,2)" "$(publine pem_rsa.pub)" \
        "--format pem: the pair matches"
    expect_mode pem_rsa 600 "--format pem"

    run keygen -q -t ecdsa -b 384 --format pem --passout pass:pempass -f pem_ec
    expect_ok "--format pem ecdsa --passout"
    expect_file_has pem_ec "-----BEGIN EC PRIVATE KEY-----" "--format pem: SEC1"
    expect_true "--format pem ecdsa: openssl opens it" openssl pkey -in pem_ec -passin pass:pempass -noout

    run keygen -q -t ed25519 --format pkcs8 --passout pass:p8pass -f p8_ed
    expect_ok "--format pkcs8 --passout"
    expect_file_has p8_ed "-----BEGIN ENCRYPTED PRIVATE KEY-----" "--format pkcs8: encrypted"
    expect_true "--format pkcs8: openssl opens it" openssl pkey -in p8_ed -passin pass:p8pass -noout
    expect_false "--format pkcs8: not with the empty passphrase" openssl pkey -in p8_ed -passin pass: -noout
    expect_eq "$(openssl pkey -in p8_ed -passin pass:p8pass -pubout 2>/dev/null)" \
              "$(keyconv --to spki p8_ed.pub - 2>/dev/null)" "--format pkcs8: the pair matches"

    run keygen -q -t rsa -b 2048 --format pkcs8 -f p8_rsa
    expect_ok "--format pkcs8 unencrypted"
    expect_file_has p8_rsa "-----BEGIN PRIVATE KEY-----" "--format pkcs8 unencrypted"
    expect_true "--format pkcs8 unencrypted: openssl opens it" openssl pkey -in p8_rsa -noout
else
    echo "SKIP: openssl checks (openssl not installed)" >&2
fi

finish
