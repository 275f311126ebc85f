# Passphrases: every --passin/--passout source, the no-terminal rule, keeping
# an input's passphrase, --no-encrypt, re-encrypting, and argv scrubbing.
# shellcheck source=../lib.sh
source "$KK_LIB"
need ssh-keygen

TRY="Try 'keyconv --help'."

sshkey ed25519 "" enc "secret" "enc@test"     # encrypted openssh key
sshkey ed25519 "" plain "" "plain@test"       # unencrypted
printf 'secret\n' > passfile
printf 'secret\r\n' > passfile-crlf
printf 'secret' > passfile-nonl
printf 'secret\nsecond line\n' > passfile-2
printf 'secret\nnewpass\n' > two-lines

sshkey rsa 2048 encpem "secret" "pem@test"  # encrypted PEM (PKCS#1) made by ssh-keygen -m PEM
ssh-keygen -q -p -m PEM -P secret -N secret -f encpem >/dev/null

# opens_with PATH PASS DESC [KEY]: ssh-keygen opens the private key with PASS
# and it is the same key as KEY (default enc); is_encrypted PATH DESC: the
# empty passphrase fails.
opens_with() {
    expect_eq "$(publine <(ssh-keygen -y -P "$2" -f "$1" 2>/dev/null))" "$(publine "${4:-enc}.pub")" \
        "$3: $1 opens with '$2'"
}
is_encrypted() { expect_false "$2: $1 refuses the empty passphrase" ssh-keygen -y -P "" -f "$1"; }

# ---- no passphrase source and no terminal: an error at once, never a block
run timeout 5 keyconv enc out1 </dev/null
expect_rc 1 "encrypted input, no --passin, no terminal"
expect_err "keyconv: enc:1: the key is encrypted and no passphrase was given
keyconv: hint: give it with --passin (pass:TEXT, env:VAR, file:PATH, fd:N or stdin)" \
    "encrypted input, no --passin, no terminal"
expect_no_file out1 "encrypted input, no --passin"

run timeout 5 keyconv - out1 < enc
expect_rc 1 "encrypted key on a pipe, no --passin"
expect_err "keyconv: (stdin):1: the key is encrypted and no passphrase was given
keyconv: hint: give it with --passin (pass:TEXT, env:VAR, file:PATH, fd:N or stdin)" \
    "encrypted key on a pipe"
expect_no_file out1 "encrypted key on a pipe"

run timeout 5 keyconv encpem out1 </dev/null
expect_rc 1 "encrypted PEM, no --passin, no terminal"
expect_err "keyconv: encpem:1: the key is encrypted and no passphrase was given
keyconv: hint: give it with --passin (pass:TEXT, env:VAR, file:PATH, fd:N or stdin)" \
    "encrypted PEM, no --passin, no terminal"
expect_no_file out1 "encrypted PEM, no --passin"

# ---- wrong passphrase
run keyconv --passin pass:wrong enc out1
expect_rc 1 "wrong passphrase"
expect_err "keyconv: enc:1: wrong passphrase
keyconv: hint: check the passphrase; if it is right, the file is corrupt" "wrong passphrase"
expect_no_file out1 "wrong passphrase"

run keyconv --passin pass:wrong encpem out1
expect_rc 1 "wrong passphrase (PEM)"
expect_err "keyconv: encpem:1: wrong passphrase
keyconv: hint: check the passphrase given with --passin" "wrong passphrase (PEM)"
expect_no_file out1 "wrong passphrase (PEM)"

run keyconv --passin pass: enc out1
expect_rc 1 "empty passphrase for an encrypted key"
expect_no_file out1 "empty passphrase"

# ---- every source, for an OpenSSH and a PEM key; the output keeps the
# input's passphrase
for k in enc encpem; do
    to=(); [ $k = encpem ] && to=(--to pem)   # each stays in its own format
    run keyconv "${to[@]}" --passin pass:secret $k $k-via-pass
    expect_ok "$k pass:"
    opens_with $k-via-pass secret "$k pass:" $k
    is_encrypted $k-via-pass "$k pass: keeps the encryption"
    expect_mode $k-via-pass 600 "$k pass:"

    run env KK_TEST_PASS=secret keyconv "${to[@]}" --passin env:KK_TEST_PASS $k $k-via-env
    expect_ok "$k env:"
    opens_with $k-via-env secret "$k env:" $k
    is_encrypted $k-via-env "$k env:"

    run keyconv "${to[@]}" --passin file:passfile $k $k-via-file
    expect_ok "$k file:"
    opens_with $k-via-file secret "$k file:" $k
    is_encrypted $k-via-file "$k file:"

    run keyconv "${to[@]}" --passin file:passfile-crlf $k $k-via-crlf
    expect_ok "$k file: with CRLF"
    opens_with $k-via-crlf secret "$k file: with CRLF (CR dropped)" $k

    run keyconv "${to[@]}" --passin file:passfile-nonl $k $k-via-nonl
    expect_ok "$k file: without a newline"
    opens_with $k-via-nonl secret "$k file: without a newline" $k

    run keyconv "${to[@]}" --passin file:passfile-2 $k $k-via-first
    expect_ok "$k file: reads the first line"
    opens_with $k-via-first secret "$k file: first line only" $k

    run keyconv "${to[@]}" --passin fd:3 $k $k-via-fd 3<passfile
    expect_ok "$k fd:3"
    opens_with $k-via-fd secret "$k fd:3" $k
    is_encrypted $k-via-fd "$k fd:3"

    run keyconv "${to[@]}" --passin stdin $k $k-via-stdin < passfile
    expect_ok "$k stdin"
    opens_with $k-via-stdin secret "$k stdin" $k
    is_encrypted $k-via-stdin "$k stdin"

    run keyconv "${to[@]}" --passin=pass:secret $k $k-via-eq
    expect_ok "$k --passin=SPEC"
    opens_with $k-via-eq secret "$k --passin=SPEC" $k
done

# Two sources on one stream read one line each, in order.
run keyconv --passin stdin --passout stdin encpem via-two.pem < two-lines
expect_ok "--passin and --passout both from stdin"
expect_eq "$(publine <(ssh-keygen -y -P newpass -f via-two.pem 2>/dev/null))" "$(publine encpem.pub)" \
    "second line is the new passphrase"
expect_false "the old passphrase no longer opens it" ssh-keygen -y -P secret -f via-two.pem

# ---- source errors
run keyconv --passin file:nonexistent enc out1
expect_rc 3 "file: unreadable"
expect_err "keyconv: --passin: cannot open nonexistent: No such file or directory" "file: unreadable"
expect_no_file out1 "file: unreadable"

run keyconv --passin fd:9 enc out1
expect_rc 3 "fd: not open"
expect_err "keyconv: --passin: cannot read fd 9: Bad file descriptor" "fd: not open"
expect_no_file out1 "fd: not open"

run keyconv --passin fd:x enc out1
expect_rc 2 "fd: not a number"
expect_err "keyconv: --passin: 'fd:x' does not name a file descriptor
$TRY" "fd: not a number"

run env -u KK_UNSET_VAR keyconv --passin env:KK_UNSET_VAR enc out1
expect_rc 2 "env: unset"
expect_err "keyconv: --passin: environment variable KK_UNSET_VAR is not set
$TRY" "env: unset"
expect_no_file out1 "env: unset"

run keyconv --passout nope enc out1
expect_rc 2 "unknown --passout source"
expect_err "keyconv: --passout: unknown passphrase source 'nope'
keyconv: hint: use pass:TEXT, env:VAR, file:PATH, fd:N or stdin
$TRY" "unknown --passout source"

run keyconv --passin stdin - out1 < enc
expect_rc 2 "stdin passphrase with IN -"
expect_err "keyconv: a passphrase cannot be read from stdin when IN is -
$TRY" "stdin passphrase with IN -"
expect_no_file out1 "stdin passphrase with IN -"

head -c 1100 /dev/zero | tr '\0' 'a' > longpass
run keyconv --passin file:longpass enc out1
expect_rc 1 "passphrase over 1024 bytes"
expect_err "keyconv: --passin: the passphrase is longer than 1024 bytes" "passphrase over 1024 bytes"
expect_no_file out1 "passphrase over 1024 bytes"

# ---- --no-encrypt, --passout
run keyconv --passin pass:secret --no-encrypt enc plain-out
expect_rc 0 "--no-encrypt"
expect_err "keyconv: warning: writing plain-out unencrypted; the input was encrypted" "--no-encrypt warning"
opens_with plain-out "" "--no-encrypt output opens without a passphrase"
expect_mode plain-out 600 "--no-encrypt"

run keyconv --passin pass:secret --no-encrypt enc plain-out.pub
expect_ok "--no-encrypt to a public format says nothing"

run keyconv --no-encrypt plain plain-out2
expect_ok "--no-encrypt on a plain input says nothing"

run keyconv --passin pass:secret enc enc-pub.pub
expect_ok "public output of an encrypted key: no warning"
expect_mode enc-pub.pub 644 "public output of an encrypted key"
expect_eq "$(publine enc-pub.pub)" "$(publine enc.pub)" "public output of an encrypted key"

run keyconv --passin pass:secret --passout pass:newpass enc re-enc
expect_ok "--passout re-encrypts"
expect_eq "$(publine <(ssh-keygen -y -P newpass -f re-enc 2>/dev/null))" "$(publine enc.pub)" \
    "--passout: opens with the new passphrase"
expect_false "--passout: not with the old one" ssh-keygen -y -P secret -f re-enc
is_encrypted re-enc "--passout"

run keyconv --passout pass:fresh plain fresh-enc
expect_ok "--passout encrypts a plain key"
expect_false "--passout on plain: empty fails" ssh-keygen -y -P "" -f fresh-enc
expect_true "--passout on plain: opens" ssh-keygen -y -P fresh -f fresh-enc

run keyconv --passin pass:secret --passout pass: enc empty-out
expect_rc 0 "empty --passout writes unencrypted"
expect_err "keyconv: warning: writing empty-out unencrypted; the input was encrypted" "empty --passout warns"
opens_with empty-out "" "empty --passout"

# The same rules for PEM output.
run keyconv --passin pass:secret --no-encrypt encpem plain-out.pem
expect_rc 0 "--no-encrypt to .pem"
expect_err "keyconv: warning: writing plain-out.pem unencrypted; the input was encrypted" \
    "--no-encrypt to .pem warning"
if grep -q ENCRYPTED plain-out.pem; then kk_fail "--no-encrypt to .pem: encrypted"; else kk_pass; fi
opens_with plain-out.pem "" "--no-encrypt to .pem" encpem

run keyconv --passin pass:secret --passout pass:newpass encpem re-enc.pem
expect_ok "--passout re-encrypts .pem"
opens_with re-enc.pem newpass "--passout .pem" encpem
expect_false "--passout .pem: not with the old one" ssh-keygen -y -P secret -f re-enc.pem
is_encrypted re-enc.pem "--passout .pem"

run keyconv --passout pass:fresh plain fresh-enc.p8
expect_ok "--passout encrypts a plain key as .p8"
expect_file_has fresh-enc.p8 "-----BEGIN ENCRYPTED PRIVATE KEY-----" "--passout .p8"
run keyconv --passin pass:fresh fresh-enc.p8 fresh-enc.pub
expect_ok "keyconv opens its .p8"
expect_eq "$(publine fresh-enc.pub)" "$(publine plain.pub)" "--passout .p8 round trip"
run keyconv --passin pass:wrong fresh-enc.p8 out1
expect_rc 1 "wrong passphrase for .p8"
expect_err "keyconv: fresh-enc.p8:1: wrong passphrase
keyconv: hint: check the passphrase given with --passin" "wrong passphrase for .p8"
expect_no_file out1 "wrong passphrase for .p8"

run keyconv --passin pass:secret encpem encpem-out.pub
expect_ok "public output of an encrypted PEM: no warning"
expect_mode encpem-out.pub 644 "public output of an encrypted PEM"

# PPK: an encrypted .ppk stays encrypted with its passphrase.
run keyconv --passout pass:ppkpass plain enc.ppk
expect_ok "--passout to .ppk"
expect_file_has enc.ppk "Encryption: aes256-cbc" "--passout .ppk is encrypted"
run keyconv --passin pass:ppkpass enc.ppk enc2.ppk
expect_ok "encrypted .ppk to .ppk"
expect_file_has enc2.ppk "Encryption: aes256-cbc" "encrypted .ppk stays encrypted"
run keyconv --passin pass: enc2.ppk out1
expect_rc 1 "converted .ppk: the empty passphrase fails"
expect_no_file out1 "converted .ppk: the empty passphrase fails"
run keyconv --passin pass:ppkpass enc2.ppk enc2.pub
expect_ok "converted .ppk opens with the original passphrase"
expect_eq "$(publine enc2.pub)" "$(publine plain.pub)" "converted .ppk is the same key"

# ---- other private formats keep the passphrase too
if command -v openssl >/dev/null 2>&1; then
    run keyconv --passin pass:secret encpem rsaenc.pem
    expect_ok "encrypted to .pem"
    expect_file_has rsaenc.pem "Proc-Type: 4,ENCRYPTED" ".pem is encrypted"
    expect_true ".pem opens with the passphrase" openssl pkey -in rsaenc.pem -passin pass:secret -noout
    expect_false ".pem refuses the empty passphrase" openssl pkey -in rsaenc.pem -passin pass: -noout

    run keyconv --passin pass:secret encpem rsaenc.p8
    expect_ok "encrypted to .p8"
    expect_file_has rsaenc.p8 "-----BEGIN ENCRYPTED PRIVATE KEY-----" ".p8 is encrypted"
    expect_true ".p8 opens with the passphrase" openssl pkey -in rsaenc.p8 -passin pass:secret -noout
    expect_false ".p8 refuses the empty passphrase" openssl pkey -in rsaenc.p8 -passin pass: -noout

    # and keyconv reads them back with the same passphrase
    run keyconv --passin pass:secret rsaenc.p8 rsaenc-back.pub
    expect_ok "keyconv reads its encrypted .p8"
    expect_eq "$(publine rsaenc-back.pub)" "$(publine encpem.pub)" "encrypted .p8 round trip"
    run keyconv --passin pass:wrong rsaenc.p8 out1
    expect_rc 1 "wrong passphrase for an RSA .p8"
    expect_no_file out1 "wrong passphrase for an RSA .p8"
else
    echo "SKIP: openssl checks (openssl not installed)" >&2
fi

# ---- secrets do not stay in argv: keyconv blocks reading fd:3 from a fifo
# while the test reads its command line.
if [ -r /proc/self/cmdline ]; then
    mkfifo fifo
    keyconv --passout pass:TOPSECRET --passin fd:3 encpem scrub-out.pem 3<>fifo >/dev/null 2>&1 &
    pid=$!
    sleep 1
    if tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q TOPSECRET; then
        kk_fail "pass:TEXT still visible in argv"
    else
        kk_pass
    fi
    expect_true "keyconv still has its other arguments" grep -q -- "--passout" "/proc/$pid/cmdline"
    echo secret > fifo
    wait "$pid"; RC=$?
    ERR=""
    expect_rc 0 "scrubbed run finishes"
    expect_true "scrubbed run: --passout used" ssh-keygen -y -P TOPSECRET -f scrub-out.pem
fi

# ---- keygen passphrases
run keygen -q -t ed25519 -f kg-pass --passout pass:kgpass
expect_ok "keygen --passout"
expect_true "keygen --passout: opens" ssh-keygen -y -P kgpass -f kg-pass
expect_false "keygen --passout: empty fails" ssh-keygen -y -P "" -f kg-pass

run keygen -q -t ed25519 -f kg-n -N kgpass
expect_ok "keygen -N"
expect_true "keygen -N: opens" ssh-keygen -y -P kgpass -f kg-n
expect_false "keygen -N: empty fails" ssh-keygen -y -P "" -f kg-n

run keygen -q -t ed25519 -f kg-empty -N ""
expect_ok "keygen -N ''"
expect_true "keygen -N '': unencrypted" ssh-keygen -y -P "" -f kg-empty

run keygen -q -t ed25519 -f kg-none </dev/null
expect_ok "keygen with no terminal"
expect_true "keygen with no terminal: unencrypted" ssh-keygen -y -P "" -f kg-none

for src in "file:passfile" "fd:3" "stdin"; do
    name="kg-$(echo "$src" | tr -c 'a-z0-9\n' '-')"
    run keygen -q -t ed25519 -f "$name" --passout "$src" 3<passfile < passfile
    expect_ok "keygen --passout $src"
    expect_true "keygen --passout $src: opens" ssh-keygen -y -P secret -f "$name"
    expect_false "keygen --passout $src: empty fails" ssh-keygen -y -P "" -f "$name"
done
run env KG=secret keygen -q -t ed25519 -f kg-env --passout env:KG
expect_ok "keygen --passout env:"
expect_true "keygen --passout env:: opens" ssh-keygen -y -P secret -f kg-env

run keygen -q -t ed25519 -f kg-bad --passout bogus
expect_rc 2 "keygen unknown passphrase source"
expect_err "keygen: --passout: unknown passphrase source 'bogus'
keygen: hint: use pass:TEXT, env:VAR, file:PATH, fd:N or stdin
Try 'keygen --help'." "keygen unknown passphrase source"
expect_no_file kg-bad "keygen unknown passphrase source"
expect_no_file kg-bad.pub "keygen unknown passphrase source"

run keygen -q -t ed25519 -f kg-bad --passout file:nonexistent
expect_rc 3 "keygen --passout file: unreadable"
expect_err "keygen: --passout: cannot open nonexistent: No such file or directory" \
    "keygen --passout file: unreadable"
expect_no_file kg-bad "keygen --passout file: unreadable"

finish
