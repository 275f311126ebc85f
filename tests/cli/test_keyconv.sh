# keyconv end to end: options, messages, exit statuses, files left behind.
# shellcheck source=../lib.sh
source "$KK_LIB"
need ssh-keygen

TRY="Try 'keyconv --help'."
# The formats keykit reads and writes, in registry order (the hint lists them).
FORMATS="openssh, ppk3, ppk2, pem, pkcs8, sshcom, openssh-pub, rfc4716, spki, pkcs1-pub"

# ---- help and version
run keyconv --help
expect_rc 0 "--help"
expect_out_has "Usage: keyconv [OPTIONS] IN OUT" "--help"
expect_err "" "--help prints nothing on stderr"
run keyconv -h
expect_rc 0 "-h"
run keyconv --version
expect_rc 0 "--version"
expect_out "keyconv (keykit) $KK_VERSION" "--version"
run keyconv -V
expect_out "keyconv (keykit) $KK_VERSION" "-V"

# ---- usage errors: exit 2, one message and the pointer to --help
sshkey ed25519 "" ed ""  "ed@test"
sshkey rsa 2048 rsa "" "rsa@test"

run keyconv
expect_rc 2 "no arguments"
expect_err "keyconv: missing IN and OUT
$TRY" "no arguments"

run keyconv ed
expect_rc 2 "no OUT"
expect_err "keyconv: missing OUT
$TRY" "no OUT"

run keyconv ed out1 extra
expect_rc 2 "three operands"
expect_err "keyconv: unexpected argument 'extra'
$TRY" "three operands"
expect_no_file out1 "three operands"

run keyconv --bogus ed out1
expect_rc 2 "unknown long option"
expect_err "keyconv: unknown option '--bogus'
$TRY" "unknown long option"
expect_no_file out1 "unknown long option"

run keyconv --bogus=1 ed out1
expect_err "keyconv: unknown option '--bogus'
$TRY" "unknown long option with a value"

run keyconv -z ed out1
expect_rc 2 "unknown short option"
expect_err "keyconv: unknown option '-z'
$TRY" "unknown short option"

run keyconv ed out1 --passin
expect_rc 2 "option without its value"
expect_err "keyconv: option '--passin' needs a value
$TRY" "option without its value"
expect_no_file out1 "option without its value"

run keyconv --force=yes ed out1
expect_rc 2 "flag given a value"
expect_err "keyconv: option '--force' takes no value
$TRY" "flag given a value"

run keyconv --pass pass:x ed out1
expect_rc 2 "ambiguous abbreviation"
expect_err "keyconv: option '--pass' is ambiguous
$TRY" "ambiguous abbreviation"

run keyconv --passout pass:new --no-encrypt ed out1
expect_rc 2 "--passout with --no-encrypt"
expect_err "keyconv: --passout and --no-encrypt cannot be used together
$TRY" "--passout with --no-encrypt"
expect_no_file out1 "--passout with --no-encrypt"

run keyconv --to xyz ed out1
expect_rc 2 "unknown --to"
expect_err "keyconv: --to: unknown format 'xyz'
keyconv: hint: use one of: $FORMATS
$TRY" "unknown --to"
expect_no_file out1 "unknown --to"

run keyconv --from xyz ed out1
expect_rc 2 "unknown --from"
expect_err "keyconv: --from: unknown format 'xyz'
keyconv: hint: use one of: $FORMATS
$TRY" "unknown --from"
expect_no_file out1 "unknown --from"

run keyconv --passin xyz:secret ed out1
expect_rc 2 "unknown passphrase source"
expect_err "keyconv: --passin: unknown passphrase source 'xyz'
keyconv: hint: use pass:TEXT, env:VAR, file:PATH, fd:N or stdin
$TRY" "unknown passphrase source (the text after ':' is not echoed)"
expect_no_file out1 "unknown passphrase source"

run keyconv --max-input-size abc ed out1
expect_rc 2 "bad --max-input-size"
expect_err "keyconv: --max-input-size: 'abc' is not a positive number
$TRY" "bad --max-input-size"

run keyconv --max-rsa-bits 0 ed out1
expect_rc 2 "zero --max-rsa-bits"
expect_err "keyconv: --max-rsa-bits: '0' is not a positive number
$TRY" "zero --max-rsa-bits"

run keyconv --comment "$(printf 'a\nb')" ed out1
expect_rc 2 "comment with a newline"
expect_err "keyconv: --comment: the comment must not contain control characters
$TRY" "comment with a newline"
expect_no_file out1 "comment with a newline"

cp ed same
run keyconv --force same same
expect_rc 2 "IN and OUT the same file"
expect_err "keyconv: IN and OUT are the same file; keyconv never changes its input
$TRY" "IN and OUT the same file"
expect_unchanged same "$(sha ed)" "IN and OUT the same file"

# ---- I/O errors: exit 3
run keyconv missing out1
expect_rc 3 "missing input"
expect_err "keyconv: missing: cannot open: No such file or directory" "missing input"
expect_no_file out1 "missing input"

run keyconv "$T" out1
expect_rc 3 "input is a directory"
expect_err "keyconv: $T: is a directory" "input is a directory"
expect_no_file out1 "input is a directory"

echo "do not touch" > exists
before=$(sha exists)
run keyconv ed exists
expect_rc 3 "existing output without --force"
expect_err "keyconv: exists: already exists
keyconv: hint: use --force to replace it" "existing output without --force"
expect_unchanged exists "$before" "existing output without --force"
if ls -A . | grep -q '\.kktmp'; then kk_fail "existing output: temp file left"; else kk_pass; fi

run keyconv --force ed exists
expect_ok "--force replaces"
expect_eq "$(publine <(ssh-keygen -y -f exists))" "$(publine ed.pub)" "--force wrote the key"
expect_mode exists 600 "--force replaced with a private key"

run keyconv ed nodir/out1
expect_rc 3 "missing output directory"
expect_err "keyconv: nodir/out1: cannot create file: No such file or directory" "missing output directory"
if [ -e nodir ]; then kk_fail "missing output directory: nodir created"; else kk_pass; fi

# ---- bad input: exit 1
printf 'hello, this is not a key\n' > junk.txt
run keyconv junk.txt out1
expect_rc 1 "not a key"
expect_err "keyconv: junk.txt: not a key in any format keykit reads
keyconv: hint: use --from FMT if you know its format" "not a key"
expect_no_file out1 "not a key"

: > empty
run keyconv empty out1
expect_rc 1 "empty input"
expect_err "keyconv: empty: not a key in any format keykit reads
keyconv: hint: use --from FMT if you know its format" "empty input"
expect_no_file out1 "empty input"

# Every decoder, forced, on empty input: a message, never a crash (UBSan).
run keyconv --from pem empty out1
expect_rc 1 "empty input as pem"
expect_err "keyconv: empty: not a PEM private key: no '-----BEGIN ... PRIVATE KEY-----' line" "empty input as pem"
expect_no_file out1 "empty input as pem"
for f in $(echo "$FORMATS" | tr -d ,); do
    run keyconv --from "$f" empty out1
    expect_rc 1 "empty input as $f"
    expect_no_file out1 "empty input as $f"
done

run keyconv ed.pub out1
expect_rc 1 "public input to a private format"
expect_err "keyconv: ed.pub: holds only a public key; openssh needs a private key" \
    "public input to a private format"
expect_no_file out1 "public input to a private format"

run keyconv ed.pub out1.pem
expect_rc 1 "public input to pem"
expect_err "keyconv: ed.pub: holds only a public key; pem needs a private key" "public input to pem"
expect_no_file out1.pem "public input to pem"

head -c 100 rsa > trunc
run keyconv trunc out1
expect_rc 1 "truncated key"
expect_no_file out1 "truncated key"

run keyconv --max-input-size 100 rsa out1
expect_rc 1 "input over --max-input-size"
expect_err "keyconv: rsa: input is larger than 100 bytes
keyconv: hint: raise the limit with --max-input-size" "input over --max-input-size"
expect_no_file out1 "input over --max-input-size"

# Names are echoed with control bytes and invalid UTF-8 escaped.
run keyconv "$(printf 'evil\033[31mname')" out1
expect_rc 3 "escaped file name"
expect_err 'keyconv: evil\x1B[31mname: cannot open: No such file or directory' "escaped control bytes"
run keyconv "$(printf 'bad\377name')" out1
expect_err 'keyconv: bad\xFFname: cannot open: No such file or directory' "escaped invalid UTF-8"
run keyconv "$(printf 'caf\303\251')" out1
expect_err "keyconv: $(printf 'caf\303\251'): cannot open: No such file or directory" "valid UTF-8 kept"

# ---- conversions
run keyconv ed out.ossh
expect_ok "openssh to openssh"
expect_mode out.ossh 600 "private output"
expect_file_has out.ossh "-----BEGIN OPENSSH PRIVATE KEY-----" "default format is openssh"
expect_eq "$(ssh-keygen -y -f out.ossh)" "$(cat ed.pub)" "openssh output opens in ssh-keygen"

run keyconv ed out.pub
expect_ok "to .pub"
expect_mode out.pub 644 "public output"
expect_eq "$(cat out.pub)" "$(cat ed.pub)" ".pub is the ssh-keygen public line"
expect_eq "$(wc -l < out.pub)" "1" ".pub is one line"

run keyconv rsa rsa.pem
expect_ok "rsa to .pem"
expect_mode rsa.pem 600 ".pem"
expect_file_has rsa.pem "-----BEGIN RSA PRIVATE KEY-----" ".pem of RSA is PKCS#1"
expect_eq "$(publine <(ssh-keygen -y -f rsa.pem))" "$(publine rsa.pub)" ".pem opens in ssh-keygen"

run keyconv rsa rsa.p8
expect_ok "rsa to .p8"
expect_file_has rsa.p8 "-----BEGIN PRIVATE KEY-----" ".p8 is PKCS#8"
expect_eq "$(publine <(ssh-keygen -y -f rsa.p8))" "$(publine rsa.pub)" ".p8 opens in ssh-keygen"

run keyconv ed ed.rfc4716
expect_ok "to .rfc4716"
expect_mode ed.rfc4716 644 ".rfc4716"
expect_file_has ed.rfc4716 "---- BEGIN SSH2 PUBLIC KEY ----" ".rfc4716 armour"
expect_eq "$(publine <(ssh-keygen -i -f ed.rfc4716))" "$(publine ed.pub)" ".rfc4716 imports in ssh-keygen"

run keyconv --to pem rsa rsa-pem.txt
expect_ok "--to pem"
expect_file_has rsa-pem.txt "-----BEGIN RSA PRIVATE KEY-----" "--to pem"

run keyconv --to pub rsa.pem rsa-pub.pem
expect_ok "--to beats the extension"
expect_mode rsa-pub.pem 644 "--to pub"
expect_eq "$(publine rsa-pub.pem)" "$(publine rsa.pub)" "--to pub from PEM"

run keyconv rsa.pem back.ossh
expect_ok "pem back to openssh"
expect_eq "$(publine <(ssh-keygen -y -f back.ossh))" "$(publine rsa.pub)" "pem round trip"

run keyconv --from pem rsa.pem forced.pub
expect_ok "--from pem"
expect_eq "$(publine forced.pub)" "$(publine rsa.pub)" "--from pem"

run keyconv --from pem ed out2
expect_rc 1 "--from the wrong format"
expect_no_file out2 "--from the wrong format"

if command -v openssl >/dev/null 2>&1; then
    expect_true "openssl reads the .pem" openssl pkey -in rsa.pem -noout
    expect_true "openssl reads the .p8" openssl pkey -in rsa.p8 -noout
    run keyconv rsa rsa.spki --to spki
    expect_ok "--to spki"
    expect_eq "$(openssl pkey -pubin -in rsa.spki -pubout 2>&1)" \
              "$(openssl pkey -in rsa.pem -pubout 2>&1)" "spki is the key's public half"
else
    echo "SKIP: openssl checks (openssl not installed)" >&2
fi

run keyconv ed ed.ppk
expect_ok "to .ppk"
expect_eq "$(head -n 1 ed.ppk)" "PuTTY-User-Key-File-3: ssh-ed25519" ".ppk is PPK v3"
expect_mode ed.ppk 600 ".ppk"

# --comment, and the input's comment kept without it
run keyconv --comment "new comment" ed commented.pub
expect_ok "--comment"
expect_eq "$(cut -d' ' -f3- commented.pub)" "new comment" "--comment sets the comment"
run keyconv --comment "private one" ed commented.ossh
expect_ok "--comment on a private key"
expect_eq "$(ssh-keygen -y -f commented.ossh | cut -d' ' -f3-)" "private one" "--comment in openssh"
run keyconv ed kept.pub
expect_eq "$(cut -d' ' -f3- kept.pub)" "ed@test" "the input's comment is kept"

# ---- stdin, stdout, gzip
run keyconv - fromstdin.pub < ed
expect_ok "IN is -"
expect_eq "$(cat fromstdin.pub)" "$(cat ed.pub)" "IN is -"

run keyconv ed -
expect_rc 0 "OUT is - (openssh by default)"
expect_out_has "-----BEGIN OPENSSH PRIVATE KEY-----" "OUT is -"
expect_no_file ./- "OUT is - makes no file named -"

run keyconv --to pub - - < ed
expect_rc 0 "IN and OUT both -"
expect_out "$(cat ed.pub)" "IN and OUT both -"

run keyconv - out3 < junk.txt
expect_rc 1 "junk on stdin"
expect_err "keyconv: (stdin): not a key in any format keykit reads
keyconv: hint: use --from FMT if you know its format" "stdin is named (stdin)"
expect_no_file out3 "junk on stdin"

gzip -c ed > ed.gz
run keyconv ed.gz gz.pub
expect_ok "gzip input"
expect_eq "$(cat gz.pub)" "$(cat ed.pub)" "gzip input"
run keyconv - gz2.pub < ed.gz
expect_ok "gzip on stdin"
expect_eq "$(cat gz2.pub)" "$(cat ed.pub)" "gzip on stdin"

# Every key type ssh-keygen makes converts to every format that holds it.
sshkey ecdsa 384 ec384 "" "ec@test"
for k in ed rsa ec384; do
    for to in openssh pkcs8 ppk3 ppk2 openssh-pub rfc4716 spki; do
        run keyconv --to "$to" "$k" "all-$k-$to"
        expect_ok "$k to $to"
        run keyconv "all-$k-$to" "all-$k-$to.pub"
        expect_ok "$k from $to"
        expect_eq "$(publine "all-$k-$to.pub")" "$(publine "$k.pub")" "$k through $to"
    done
done

finish
