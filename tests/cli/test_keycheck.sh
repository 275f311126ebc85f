#!/bin/bash
# keycheck: one test per finding (exact message, line:column, exit status),
# per profile and per output format.  Weak moduli are made here, now.
. "$KK_LIB"
need ssh-keygen
need python3
need openssl

# chk RC LINE ARGS...: keycheck ARGS exits RC and stderr has the exact LINE.
chk() {
    local rc="$1" want="$2"; shift 2
    run keycheck "$@"
    expect_rc "$rc" "keycheck $*"
    if printf '%s\n' "$ERR" | grep -qxF -- "keycheck: $want"; then kk_pass; else
        kk_fail "keycheck $*: no line '$want'"; printf '  got: %s\n' "$ERR" >&2; fi
}

sshkey ed25519 "" ed "" me@host
sshkey ecdsa 384 ec "" ec@host
sshkey rsa 3072 r3 "" r3@host
cat > mk.py <<'EOF'
import base64, random, struct, subprocess, sys
random.seed(int(sys.argv[1]) if len(sys.argv) > 1 else 1)
def s(b): return struct.pack('>I', len(b)) + b
def mp(n):
    if n == 0: return s(b'')
    b = n.to_bytes((n.bit_length() + 7) // 8, 'big')
    if b[0] & 0x80: b = b'\0' + b
    return s(b)
def line(t, blob, c='test'): return '%s %s %s\n' % (t, base64.b64encode(blob).decode(), c)
def rsa(n, e=65537, t=b'ssh-rsa'): return s(t) + mp(e) + mp(n)
def w(name, text):
    open(name, 'w').write(text)
SMALL = [p for p in range(3, 2000) if all(p % q for q in range(2, int(p**.5) + 1))]
def is_prime(n):
    if n < 2: return False
    for p in SMALL:
        if n % p == 0: return n == p
    d, r = n - 1, 0
    while d % 2 == 0: d //= 2; r += 1
    for _ in range(20):
        a = random.randrange(2, n - 2); x = pow(a, d, n)
        if x in (1, n - 1): continue
        for _ in range(r - 1):
            x = x * x % n
            if x == n - 1: break
        else: return False
    return True
def prime(bits):
    return int(subprocess.check_output(['openssl', 'prime', '-generate', '-bits', str(bits)]).decode())
def next_prime(n):
    n |= 1
    while not is_prime(n): n += 2
    return n
p, q, r = prime(1024), prime(1024), prime(1024)
w('shared1.pub', line('ssh-rsa', rsa(p * q), 'shared-a'))
w('shared2.pub', line('ssh-rsa', rsa(p * r), 'shared-b'))
a = prime(1024); b = next_prime(a + 2 + 2 * random.randrange(1, 1000))
w('close.pub', line('ssh-rsa', rsa(a * b), 'close'))
w('smallfactor.pub', line('ssh-rsa', rsa(65521 * prime(2032)), 'small'))
# a small factor and a prime shared with shared1.pub
w('smallshared.pub', line('ssh-rsa', rsa(65521 * p * prime(1008)), 'small-shared'))
# ROCA-shaped primes: p = k*M + (65537^a mod M), M the product of the primes up to 167
M = 1
for x in [2] + [y for y in SMALL if y <= 167]: M *= x
def roca_prime(bits):
    while True:
        # top two bits set, so the product of two has exactly 2*bits bits
        k = random.randrange((3 << (bits - 2)) // M + 1, (1 << bits) // M)
        c = k * M + pow(65537, random.randrange(1, 1 << 20), M)
        if c.bit_length() == bits and is_prime(c): return c
w('roca.pub', line('ssh-rsa', rsa(roca_prime(1024) * roca_prime(1024)), 'roca'))
good = p * q
w('expeven.pub', line('ssh-rsa', rsa(good, 65536), 'e'))
w('exp1.pub', line('ssh-rsa', rsa(good, 1), 'e'))
w('modeven.pub', line('ssh-rsa', rsa(good - 1), 'n'))
w('rsa1024.pub', line('ssh-rsa', rsa(prime(512) * prime(512)), 'small'))
w('rsa4096.pub', line('ssh-rsa', rsa(prime(2048) * prime(2048)), 'big'))
# An exponent padded past what sshd reads (2049 bytes): refused by both.
w('exppad.pub', line('ssh-rsa', s(b'ssh-rsa') + s(bytes(2100) + b'\x01\0\x01') + mp(prime(1536) * prime(1536)), 'x'))
# The exponent with an extra zero byte: ssh-keygen -l and sshd take it.
w('exp00.pub', line('ssh-rsa', s(b'ssh-rsa') + s(b'\0\x01\0\x01') + mp(prime(1536) * prime(1536)), 'x'))
w('rsa3072.pub', line('ssh-rsa', rsa(prime(1536) * prime(1536)), 'mid'))
w('truncated.pub', line('ssh-rsa', rsa(good)[:100], 'cut'))
w('trailing.pub', line('ssh-rsa', rsa(good) + b'\0\0\0', 'extra'))
ed = s(b'ssh-ed25519') + s(bytes(range(32)))
w('mismatch.pub', line('ssh-rsa', ed, 'x'))
w('edlen.pub', line('ssh-ed25519', s(b'ssh-ed25519') + s(bytes(31)), 'x'))
w('offcurve.pub', line('ecdsa-sha2-nistp256', s(b'ecdsa-sha2-nistp256') + s(b'nistp256') + s(b'\x04' + bytes(range(64))), 'x'))
w('skecdsa.pub', line('sk-ecdsa-sha2-nistp256@openssh.com', s(b'sk-ecdsa-sha2-nistp256@openssh.com') + s(b'nistp256') + s(bytes.fromhex('046b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c2964fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5')) + s(b'ssh:'), 'sk'))
w('dsa.pub', line('ssh-dss', s(b'ssh-dss') + mp(p) + mp(prime(160)) + mp(2) + mp(pow(2, 12345, p)), 'dsa'))
w('badcurve.pub', line('ecdsa-sha2-nistp256', s(b'ecdsa-sha2-nistp256') + s(b'nistp384') + s(b'\x04' + bytes(64)), 'x'))
w('ed448len.pub', line('ssh-ed448', s(b'ssh-ed448') + s(bytes(56)), 'x'))
w('huge.pub', line('ssh-rsa', rsa(random.getrandbits(16400) | (1 << 16399) | 1), 'x'))
w('ed448.pub', line('ssh-ed448', s(b'ssh-ed448') + s(bytes(57)), 'x'))
w('sked.pub', line('sk-ssh-ed25519@openssh.com', s(b'sk-ssh-ed25519@openssh.com') + s(bytes(range(32))) + s(b'ssh:'), 'sk'))
EOF
python3 mk.py 7 || { echo "fixture generation failed"; exit 1; }
ED=$(cat ed.pub) EC=$(cat ec.pub) R3=$(cat r3.pub)

# ---- good keys
run keycheck ed.pub ec.pub r3.pub rsa4096.pub skecdsa.pub sked.pub exp00.pub
expect_ok "good keys pass"
expect_true "ssh-keygen reads the exponent with a leading zero too" ssh-keygen -lf exp00.pub
chk 1 "exppad.pub:1:9: error: the RSA exponent or modulus is negative, or longer than sshd reads [bad-blob]" exppad.pub
expect_true "ssh-keygen refuses the exponent padded past 2049 bytes too" \
    sh -c '! ssh-keygen -lf exppad.pub >/dev/null 2>&1'

# ---- file-level breakages
: > empty.pub
chk 1 "empty.pub: error: the file is empty [empty-file]" empty.pub
printf '\n\n' > blank.pub
chk 1 "blank.pub: error: the file holds no key [empty-file]" blank.pub
printf '\xef\xbb\xbf%s\n' "$ED" > bom.pub
chk 1 "bom.pub:1:1: error: the file starts with a UTF-8 byte-order mark [bom]" bom.pub
iconv -f UTF-8 -t UTF-16 ed.pub > u16.pub
chk 1 "u16.pub:1:1: error: the file is UTF-16 text; a key file must be ASCII [utf16]" u16.pub
printf '%s\r\n' "$ED" > crlf.pub
chk 1 "crlf.pub:1:$(( ${#ED} + 1 )): error: the line ends with CR LF (Windows line endings) [crlf]" crlf.pub
{ echo "${R3:0:60}"; echo "${R3:60:300}"; echo "${R3:360}"; } > wrapped.pub
chk 1 "wrapped.pub:2:1: error: the key is wrapped over 3 lines (lines 1-3) [wrapped-key]" wrapped.pub
ssh-keygen -e -f r3.pub > r3.rfc
chk 1 "r3.rfc:1:1: error: an RFC 4716 'SSH2 PUBLIC KEY' block where a one-line OpenSSH key is expected [rfc4716-block]" r3.rfc
chk 1 "ed:1:1: error: this is a private key, not a public key [private-key]" ed
case "$ERR" in *AAAA*|*b3BlbnNzaC*) kk_fail "private key bytes echoed" ;; *) kk_pass ;; esac
cat ed.pub ec.pub > two.pub
chk 1 "two.pub:2:1: error: more than one key in the file (the first is on line 1) [multiple-keys]" two.pub
echo "no-pty $ED" > opts.pub
chk 1 "opts.pub:1:1: error: the key line starts with authorized_keys options [options-in-key-file]" opts.pub

# ---- the key line
echo "ssh-foo ${ED#* }" > unknown.pub
chk 1 "unknown.pub:1:1: error: unknown key type 'ssh-foo' [unknown-type]" unknown.pub
printf 'ssh-\033[31mx AAAA\n' > ctl.pub
chk 1 'ctl.pub:1:1: error: unknown key type '"'"'ssh-\x1B[31mx'"'"' [unknown-type]' ctl.pub
case "$ERR" in *$'\033'*) kk_fail "raw ESC copied to the terminal" ;; *) kk_pass ;; esac
echo "ssh-ed25519" > nob64.pub
chk 1 "nob64.pub:1:12: error: no base64 key data after 'ssh-ed25519' [missing-base64]" nob64.pub
B=${ED#* }; B=${B%% *}
echo "ssh-ed25519 ${B:0:20}!${B:21} c" > badb64.pub
chk 1 "badb64.pub:1:33: error: invalid base64 character '!' [bad-base64]" badb64.pub
echo "ssh-ed25519 ${B:0:30} c" > shortb64.pub
chk 1 "shortb64.pub:1:43: error: the base64 key data is cut short (its length is not a multiple of 4) [bad-base64]" shortb64.pub
chk 1 "truncated.pub:1:9: error: the key blob is truncated: it ends inside its RSA modulus [truncated-blob]" truncated.pub
chk 1 "trailing.pub:1:9: error: 3 bytes after the end of the key blob [trailing-bytes]" trailing.pub
chk 1 "mismatch.pub:1:1: error: the line says 'ssh-rsa' but the key blob holds 'ssh-ed25519' [type-mismatch]" mismatch.pub
chk 1 "offcurve.pub:1:21: error: the ECDSA public point is not on the nistp256 curve [ecdsa-off-curve]" offcurve.pub
chk 1 "edlen.pub:1:13: error: the Ed25519 key is 31 bytes long; it must be 32 [ed25519-length]" edlen.pub
chk 1 "badcurve.pub:1:21: error: the blob names curve 'nistp384' for a nistp256 key [bad-blob]" badcurve.pub
chk 1 "ed448len.pub:1:11: error: the Ed448 key is 56 bytes long; it must be 57 [ed448-length]" ed448len.pub
chk 1 "ed448.pub:1:1: error: the default profile does not accept ssh-ed448 keys [profile-type]" ed448.pub
chk 1 "huge.pub:1:9: error: RSA key of 16400 bits is larger than 16384 bits [rsa-too-large]" huge.pub
chk 1 "rsa1024.pub:1:9: error: RSA key of 1024 bits is too small (at least 2048 bits are needed) [rsa-too-small]" rsa1024.pub
chk 1 "expeven.pub:1:9: error: the RSA public exponent is even [rsa-exponent-even]" expeven.pub
chk 1 "exp1.pub:1:9: error: the RSA public exponent is 1; it must be at least 3 [rsa-exponent-small]" exp1.pub
chk 1 "modeven.pub:1:9: error: the RSA modulus is even, so it is not a product of two large primes [rsa-modulus-even]" modeven.pub
chk 1 "dsa.pub:1:9: error: DSA keys are deprecated and no longer accepted by OpenSSH 10 [dsa-deprecated]" dsa.pub
chk 1 "smallfactor.pub:1:9: error: the RSA modulus is divisible by 65521, so the key is broken [rsa-small-factor]" smallfactor.pub
chk 1 "close.pub:1:9: error: the RSA modulus factors at once by Fermat's method: its two primes are too close together [rsa-close-primes]" close.pub
chk 1 "roca.pub:1:9: error: the RSA modulus has the ROCA fingerprint: its private key can be computed (CVE-2017-15361) [rsa-roca]" roca.pub
chk 1 "shared1.pub:1:1: error: the RSA modulus shares a prime with the key at shared2.pub:1, so both private keys can be computed [rsa-shared-prime]" shared1.pub ed.pub shared2.pub
chk 1 "shared2.pub:1:1: error: the RSA modulus shares a prime with the key at shared1.pub:1, so both private keys can be computed [rsa-shared-prime]" shared1.pub ed.pub shared2.pub
run keycheck shared1.pub shared1.pub
case "$ERR" in *rsa-shared-prime*) kk_fail "the same key twice reported as a shared prime" ;; *) kk_pass ;; esac
# A key with a small factor is reported once (small factor), but the key it
# shares a larger prime with hears of it.
chk 1 "shared1.pub:1:1: error: the RSA modulus shares a prime with the key at smallshared.pub:1, so both private keys can be computed [rsa-shared-prime]" smallshared.pub shared1.pub
chk 1 "smallshared.pub:1:9: error: the RSA modulus is divisible by 65521, so the key is broken [rsa-small-factor]" smallshared.pub shared1.pub
expect_eq "$(printf '%s\n' "$ERR" | grep -c 'smallshared.pub:1:.*rsa-shared-prime')" 0 "a small-factor key is not also reported as sharing"
# The small-factor test rides on the batch GCD: many keys, the same findings.
{ cat smallfactor.pub; cat shared1.pub; cat close.pub; cat smallfactor.pub; } > aksf
chk 1 "aksf:1:9: error: the RSA modulus is divisible by 65521, so the key is broken [rsa-small-factor]" -a aksf
chk 1 "aksf:4:9: error: the RSA modulus is divisible by 65521, so the key is broken [rsa-small-factor]" -a aksf
expect_eq "$(printf '%s\n' "$ERR" | grep -c 'error:')" 3 "small factors twice and close primes, nothing else"
python3 - <<'PY'
exec(open('mk.py').read().split('p, q, r =')[0])
import base64
n = 65521 * prime(2032)
w('sftrail.pub', line('ssh-rsa', rsa(n) + b'\0', 'x'))
PY
chk 1 "sftrail.pub:1:9: error: the RSA modulus is divisible by 65521, so the key is broken [rsa-small-factor]" sftrail.pub
chk 1 "sftrail.pub:1:9: error: 1 byte after the end of the key blob [trailing-bytes]" sftrail.pub
expect_eq "$(printf '%s\n' "$ERR" | grep 'error:' | cut -d'[' -f2 | tr '\n' ' ')" "rsa-small-factor] trailing-bytes] " "small factor before trailing bytes, as found"

# ---- the cost cap on the shared-prime test
run keycheck --max-gcd-bits 4096 shared1.pub shared2.pub
expect_rc 1 "two 2048-bit keys fit a 4096-bit cap"
expect_err_has "rsa-shared-prime" "the test ran under the cap"
run keycheck --max-gcd-bits 4095 shared1.pub shared2.pub smallfactor.pub ed.pub
expect_rc 1 "over the cap"
expect_err "keycheck: shared1.pub:1:9: warning: RSA key of 2048 bits is below the recommended 3072 bits [rsa-below-3072]
keycheck: hint: plan a new key: ssh-keygen -t ed25519 (or -t rsa -b 3072)
keycheck: shared2.pub:1:9: warning: RSA key of 2048 bits is below the recommended 3072 bits [rsa-below-3072]
keycheck: hint: plan a new key: ssh-keygen -t ed25519 (or -t rsa -b 3072)
keycheck: smallfactor.pub:1:9: warning: RSA key of 2048 bits is below the recommended 3072 bits [rsa-below-3072]
keycheck: hint: plan a new key: ssh-keygen -t ed25519 (or -t rsa -b 3072)
keycheck: smallfactor.pub:1:9: error: the RSA modulus is divisible by 65521, so the key is broken [rsa-small-factor]
keycheck: hint: make a new key: ssh-keygen -t ed25519 (or -t rsa -b 3072)
keycheck: the shared-prime test over 3 RSA keys (6144 modulus bits in all) is larger than the limit of 4095 bits
keycheck: hint: raise the limit with --max-gcd-bits, or check fewer keys at once" "over the cap: every other finding, then the cap named with its flag"
run keycheck --max-gcd-bits 4095 --format json shared1.pub shared2.pub
expect_rc 1 "over the cap with json"
printf '%s' "$OUT" > cap.json
expect_true "json over the cap still parses" python3 -m json.tool cap.json
run keycheck --max-gcd-bits 1K r3.pub
expect_ok "one key: nothing to share, no cap"
run keycheck --max-gcd-bits 7K r3.pub rsa4096.pub
expect_ok "7K is 7168 bits: a 3072- and a 4096-bit key just fit"
run keycheck --max-gcd-bits 0 ed.pub
expect_rc 2 "a zero cap"
expect_err "keycheck: --max-gcd-bits: '0' is not a positive number
Try 'keycheck --help'." "a zero cap is a usage error"
run keycheck --help
expect_out_has "--max-gcd-bits BITS" "--help names the cap"

printf 'ssh-ed25519 %s a\001b\n' "$B" > ctlc.pub
chk 1 "ctlc.pub:1:$(( 15 + ${#B} )): error: the comment holds the control character \\x01 [control-in-comment]" ctlc.pub

# ---- warnings: exit 0, --strict makes them fail
chk 0 "shared1.pub:1:9: warning: RSA key of 2048 bits is below the recommended 3072 bits [rsa-below-3072]" shared1.pub
chk 1 "shared1.pub:1:9: warning: RSA key of 2048 bits is below the recommended 3072 bits [rsa-below-3072]" --strict shared1.pub
printf '%s  \n' "$ED" > ws.pub
chk 0 "ws.pub:1:$(( ${#ED} + 1 )): warning: whitespace at the end of the line [trailing-whitespace]" ws.pub
printf 'ssh-ed25519 %s caf\xc3\xa9\n' "$B" > na.pub
chk 0 "na.pub:1:$(( 17 + ${#B} )): warning: the comment holds non-ASCII text [non-ascii-comment]" na.pub
printf '%s' "$ED" > ak-nonl
chk 0 "ak-nonl:1:$(( ${#ED} + 1 )): warning: the last line has no newline: a key appended later joins this line [missing-final-newline]" --authorized-keys ak-nonl

# ---- authorized_keys option grammar
{ echo '# comment'; echo
  echo "restrict,command=\"echo \\\"hi\\\"\",from=\"10.0.0.0/8\" $ED"
  echo "no-pty,bogus $EC"
  echo "no-pty=\"x\" $EC"
  echo "command $EC"
  echo "command=ls $EC"
  echo "expiry-time=\"2020\" $EC"
  echo "restrict"
  echo "from=\"10.0.0.1 $EC"
} > ak
chk 1 "ak:4:8: error: unknown option 'bogus': sshd ignores this whole line [unknown-option]" -a ak
chk 1 "ak:5:1: error: option 'no-pty' takes no value [option-takes-no-value]" -a ak
chk 1 "ak:6:1: error: option 'command' needs a value [option-needs-value]" -a ak
chk 1 "ak:7:9: error: the value of option 'command' is not in double quotes [option-value-unquoted]" -a ak
chk 1 "ak:8:14: error: the expiry-time is not YYYYMMDD[HHMM[SS]] [bad-expiry-time]" -a ak
chk 1 "ak:9:9: error: the options are not followed by a key [missing-key]" -a ak
chk 1 "ak:10:6: error: the value of option 'from' has no closing quote [unterminated-quote]" -a ak
n=$(printf '%s\n' "$ERR" | grep -c '^keycheck: ak:3:')
expect_eq "$n" 0 "a valid options line has no finding"
printf 'from="10.0.0.1\0" %s\n' "$ED" > aknul
chk 1 "aknul:1:15: error: the value of option 'from' holds a NUL byte: sshd stops reading the line there, before the closing quote [unterminated-quote]" -a aknul
{ echo "$R3"; echo "${R3:0:60}"; echo "${R3:60}"; } > akw
chk 1 "akw:3:1: error: the key is wrapped over 2 lines (lines 2-3) [wrapped-key]" -a akw
expect_eq "$(printf '%s\n' "$ERR" | grep -c 'error')" 1 "a wrapped key is one finding, its pieces are not keys"
{ echo "$ED"; echo "AAAAB3NzaC1yc2EAAAADAQAB"; } > akc
chk 1 "akc:2:1: error: this line continues the key on line 1: the key is wrapped [wrapped-key]" -a akc
{ echo "$ED"; cat r3.rfc; echo "$EC"; } > akrfc
chk 1 "akrfc:2:1: error: an RFC 4716 'SSH2 PUBLIC KEY' block where one-line keys are expected [rfc4716-block]" -a akrfc
n=$(printf '%s\n' "$ERR" | grep -c '^keycheck: akrfc:')
expect_eq "$n" 1 "an RFC 4716 block among keys is one finding, its lines are not keys"
expect_err_has "keycheck: hint: convert it to one line: ssh-keygen -i -f FILE (keycheck --fix prints the repaired key)" "the block's finding has its fix"
{ echo "$ED"; sed '$d' r3.rfc; echo "$EC"; } > akrfc2
chk 1 "akrfc2:2:1: error: an RFC 4716 'SSH2 PUBLIC KEY' block where one-line keys are expected [rfc4716-block]" -a akrfc2
n=$(printf '%s\n' "$ERR" | grep -c '^keycheck: akrfc2:[0-9]*:[0-9]*: error')
expect_eq "$n" 2 "an unterminated block: its finding and why it cannot be read, the key after it fine"

# ---- metadata (user:key)
{ echo "alice:$ED"; echo "$EC"; echo "Bob!:$EC"; } > meta
chk 1 "meta:2:1: error: the metadata line has no 'user:' before the key [metadata-no-user]" --metadata meta
chk 1 "meta:3:1: error: 'Bob!' is not a valid user name [metadata-bad-user]" --metadata meta
n=$(printf '%s\n' "$ERR" | grep -c '^keycheck: meta:1:')
expect_eq "$n" 0 "a valid metadata line has no finding"
{ echo "alice:$ED"; cat r3.rfc; } > metarfc
chk 1 "metarfc:2:1: error: the metadata line has no 'user:' before the key [metadata-no-user]" --metadata metarfc
run keycheck --fix --metadata metarfc
expect_out "alice:$ED" "--fix --metadata leaves out a block, which has no user"

# ---- profiles
chk 1 "ed.pub:1:1: error: the cisco-csr1000v profile does not accept ssh-ed25519 keys [profile-type]" --profile cisco-csr1000v ed.pub
run keycheck --profile cisco-csr1000v r3.pub rsa4096.pub
expect_ok "cisco accepts RSA 3072 and 4096"
python3 - <<'EOF'
exec(open('mk.py').read().split('p, q, r =')[0])
w('rsa8192.pub', line('ssh-rsa', rsa(prime(4096) * prime(4096)), 'huge'))
EOF
chk 1 "rsa8192.pub:1:1: error: the cisco-csr1000v profile does not accept RSA keys of 8192 bits [profile-rsa-size]" --profile cisco-csr1000v rsa8192.pub
chk 1 "ec.pub:1:1: error: the aws profile does not accept ecdsa-sha2-nistp384 keys [profile-type]" --profile aws ec.pub
chk 1 "r3.pub:1:1: error: the aws profile does not accept RSA keys of 3072 bits [profile-rsa-size]" --profile aws r3.pub
run keycheck --profile aws ed.pub rsa4096.pub
expect_ok "aws accepts Ed25519 and RSA 4096"
chk 1 "ec.pub:1:1: error: the azure profile does not accept ecdsa-sha2-nistp384 keys [profile-type]" --profile azure ec.pub
chk 1 "na.pub:1:$(( 17 + ${#B} )): error: the gcp profile does not accept non-ASCII text in the comment [profile-non-ascii]" --profile gcp na.pub
echo "alice:$ED" > gmeta.pub
run keycheck --profile gcp gmeta.pub
expect_ok "gcp takes a user:key line"
chk 1 "na.pub:1:$(( 17 + ${#B} )): error: the yandex-cloud profile does not accept non-ASCII text in the comment [profile-non-ascii]" --profile yandex-cloud na.pub
chk 1 "skecdsa.pub:1:1: error: the aws profile does not accept sk-ecdsa-sha2-nistp256@openssh.com keys [profile-type]" --profile aws skecdsa.pub
for p in github gitlab; do
    run keycheck --profile $p ed.pub ec.pub r3.pub skecdsa.pub sked.pub
    expect_ok "$p accepts ed25519, ecdsa, rsa, sk keys"
    chk 1 "dsa.pub:1:9: error: DSA keys are deprecated and no longer accepted by OpenSSH 10 [dsa-deprecated]" --profile $p dsa.pub
done
run keycheck --list-profiles
expect_rc 0 "--list-profiles"
for p in default cisco-csr1000v aws azure gcp yandex-cloud github gitlab; do expect_out_has "$p " "--list-profiles names $p"; done
run keycheck --profile nope ed.pub
expect_rc 2 "unknown profile"
expect_err "keycheck: --profile: unknown profile 'nope' (see keycheck --list-profiles)
Try 'keycheck --help'." "unknown profile message"

# ---- certificates are parsed and reported
ssh-keygen -q -t ed25519 -N '' -C ca -f ca
ssh-keygen -q -s ca -I id -n me ed.pub 2>/dev/null
run keycheck --format json ed-cert.pub
expect_rc 0 "a certificate passes"
expect_out_has '"type": "ssh-ed25519-cert-v01@openssh.com"' "certificate type reported"

# ---- output formats
run keycheck --format json ed.pub r3.pub shared1.pub shared2.pub
expect_rc 1 "json exit status follows the findings"
printf '%s' "$OUT" > out.json
expect_true "json parses" python3 -m json.tool out.json
fp=$(ssh-keygen -l -f ed.pub | cut -d' ' -f2)
expect_out_has "\"sha256\": \"$fp\"" "json SHA256 fingerprint as ssh-keygen's"
md5=$(ssh-keygen -l -E md5 -f ed.pub | cut -d' ' -f2)
expect_out_has "\"md5\": \"$md5\"" "json MD5 fingerprint as ssh-keygen's"
expect_out_has '"bits": 3072' "json bits"
# Each finding is listed once: under the key on its line, else in the file's list.
{ echo "$ED"; echo "ssh-foo AAAA x"; echo "no-pty,bogus $EC"; } > akj
run keycheck --format json -a akj wrapped.pub empty.pub shared1.pub shared2.pub
expect_rc 1 "json: findings"
printf '%s' "$OUT" > once.json
expect_true "json lists each finding once, in the right place" python3 -c '
import json; d=json.load(open("once.json"))
seen=[]; where={}
for f in d["files"]:
    lines={k["line"] for k in f["keys"]}
    for k in f["keys"]:
        where[(f["file"], k["line"])]=[x["id"] for x in k["findings"]]
        for x in k["findings"]:
            assert x["line"]==k["line"]; seen.append((f["file"],x["id"],x["line"],x["column"]))
    where[f["file"]]=[x["id"] for x in f["findings"]]
    for x in f["findings"]:
        assert x["line"] not in lines; seen.append((f["file"],x["id"],x["line"],x["column"]))
assert len(seen)==len(set(seen))==d["errors"]+d["warnings"], (len(seen), d["errors"], d["warnings"])
assert where["akj"]==["unknown-type"], where["akj"]
assert where[("akj",1)]==[] and where[("akj",3)]==["unknown-option"], where
assert where["wrapped.pub"]==["wrapped-key"] and where[("wrapped.pub",1)]==[], where
assert where["empty.pub"]==["empty-file"], where
assert where["shared1.pub"]==[] and where[("shared1.pub",1)]==["rsa-shared-prime","rsa-below-3072"], where
'
run keycheck --format json ctl.pub ctlc.pub
printf '%s' "$OUT" > out2.json
expect_true "json with escaped input parses" python3 -m json.tool out2.json
case "$OUT" in *$'\033'*|*$'\001'*) kk_fail "raw control byte in json" ;; *) kk_pass ;; esac
run keycheck --format sarif ed.pub shared1.pub shared2.pub badb64.pub
printf '%s' "$OUT" > out.sarif
expect_true "sarif parses" python3 -m json.tool out.sarif
expect_true "sarif 2.1.0 with results" python3 -c '
import json,sys; d=json.load(open("out.sarif")); r=d["runs"][0]
assert d["version"]=="2.1.0"; ids={x["id"] for x in r["tool"]["driver"]["rules"]}
res=r["results"]; assert len(res)>=4
assert all(x["ruleId"] in ids and r["tool"]["driver"]["rules"][x["ruleIndex"]]["id"]==x["ruleId"] for x in res)
b=[x for x in res if x["ruleId"]=="bad-base64"][0]["locations"][0]["physicalLocation"]
assert b["region"]=={"startLine":1,"startColumn":33}, b
assert b["artifactLocation"]["uri"]=="badb64.pub", b'
# SARIF locations are URI references: percent-encoded, file:// when absolute.
cp badb64.pub 'k é%.pub'
run keycheck --format sarif 'k é%.pub' "$PWD/badb64.pub"
printf '%s' "$OUT" > uri.sarif
expect_eq "$(python3 -c '
import json; d=json.load(open("uri.sarif"))
print(" ".join(sorted({x["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for x in d["runs"][0]["results"]})))')" \
    "file://$(python3 -c 'import sys,urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$PWD")/badb64.pub k%20%C3%A9%25.pub" "sarif uris"
run keycheck --format github badb64.pub
expect_out "::error file=badb64.pub,line=1,col=33,title=bad-base64::invalid base64 character '!' (fix: the key was damaged when copied: copy the whole line again from the original .pub file)" "github workflow command"
cp badb64.pub 'a,b:c%.pub'
run keycheck --format github 'a,b:c%.pub'
expect_out_has "::error file=a%2Cb%3Ac%25.pub,line=1" "github escapes the file property"

# ---- --fix
run keycheck --fix wrapped.pub
expect_rc 0 "--fix wrapped"
expect_out "$R3" "--fix joins wrapped lines"
run keycheck --fix crlf.pub
expect_out "$ED" "--fix strips CR"
run keycheck --fix bom.pub
expect_out "$ED" "--fix strips the BOM"
run keycheck --fix u16.pub
expect_out "$ED" "--fix turns UTF-16 into ASCII"
run keycheck --fix r3.rfc
expect_out_has "$(publine r3.pub)" "--fix turns RFC 4716 into one line"
# A block whose comment holds the BEGIN line (found by fuzz_keyline): the
# repaired one-line key must check clean, the text in its comment no block.
ssh-keygen -e -f ed.pub | sed 's/^Comment: .*/Comment: "a ---- BEGIN SSH2 PUBLIC KEY ---- b"/' > begin-in-comment.rfc
run keycheck --fix begin-in-comment.rfc
expect_rc 0 "--fix on a block whose comment holds the BEGIN line"
awk '{printf "%s %s ", $1, $2}' ed.pub > begin-in-comment.want
printf 'a ---- BEGIN SSH2 PUBLIC KEY ---- b' >> begin-in-comment.want
expect_out "$(cat begin-in-comment.want)" "--fix keeps that comment"
printf '%s\n' "$(cat begin-in-comment.want)" > begin-in-comment.pub
run keycheck begin-in-comment.pub
expect_rc 0 "a one-line key whose comment holds the BEGIN line is no block"
run keycheck --fix roca.pub
expect_rc 1 "--fix refuses a weak key"
expect_out "" "--fix prints nothing for a weak key"
expect_err_has "keycheck: roca.pub: not repaired: --fix repairs wrapped lines, CR, BOM, UTF-16 and RFC 4716 blocks, never broken or weak keys" "--fix says why not"
run keycheck --fix ed.pub
expect_rc 0 "--fix on a good key"
expect_out "$ED" "--fix prints a good key as it is"

# Wrapped at the space after the type (fold -s, mail clients): joined with
# the space, in both modes.
fold -s -w 70 r3.pub > folds.pub
chk 1 "folds.pub:2:1: error: the key is wrapped over $(wc -l < folds.pub) lines (lines 1-$(wc -l < folds.pub)) [wrapped-key]" folds.pub
run keycheck --fix folds.pub
expect_out "$R3" "--fix joins a key folded at its space"
chk 1 "folds.pub:2:1: error: the key is wrapped over $(wc -l < folds.pub) lines (lines 1-$(wc -l < folds.pub)) [wrapped-key]" -a folds.pub
run keycheck --fix -a folds.pub
expect_out "$R3" "--fix -a joins a key folded at its space"

# A key appended from a file saved with a BOM: the mark mid-file is named
# and repaired.
{ echo "$ED"; printf '\xef\xbb\xbf%s\n' "$R3"; } > midbom.ak
chk 1 "midbom.ak:2:1: error: the line starts with a UTF-8 byte-order mark (appended from a file saved with one) [bom]" -a midbom.ak
run keycheck --fix -a midbom.ak
expect_out "$ED
$R3" "--fix -a drops a BOM mid-file"

# --fix with a metadata profile keeps the user name.
printf 'alice:%s\r\n' "$ED" > gcpfix.pub
run keycheck --fix -p gcp gcpfix.pub
expect_rc 0 "--fix -p gcp"
expect_out "alice:$ED" "--fix -p gcp keeps 'alice:'"
# An RFC 4716 block after other text is read from its BEGIN line.
{ echo "the key for the router:"; cat r3.rfc; } > textblock.rfc
chk 1 "textblock.rfc:2:1: error: an RFC 4716 'SSH2 PUBLIC KEY' block where a one-line OpenSSH key is expected [rfc4716-block]" textblock.rfc
expect_err_lacks "cannot be read" "a block after text is read"
chk 1 "textblock.rfc:1:1: error: text before the SSH2 PUBLIC KEY block: one key per file is expected [multiple-keys]" textblock.rfc
RFCLINE1=$(keycheck --fix r3.rfc)
{ echo "$ED"; cat r3.rfc; } > keyblock.rfc
run keycheck --fix keyblock.rfc
expect_rc 1 "--fix: a key, then a block"
expect_out "" "--fix: a key before a block is not dropped in silence"
{ echo "# the router's key"; echo; cat r3.rfc; } > cblock.rfc
run keycheck --fix cblock.rfc
expect_rc 0 "--fix: comments before a block"
expect_out "$RFCLINE1" "--fix: comments before a block are fine"
# A file holding only a byte-order mark holds no key.
printf '\xef\xbb\xbf' > bomonly.pub
chk 1 "bomonly.pub: error: the file holds no key [empty-file]" bomonly.pub

# Found by fuzz_authorized_keys: a comment line ending in CR and a blank
# (no CR LF there) must not come out of --fix ending in CR LF.
printf '# note\r \n%s\n' "$ED" > crblank.ak
run keycheck --fix -a crblank.ak
printf '%s\n' "$OUT" > crblank.out
run keycheck -a crblank.out
expect_ok "--fix -a: a comment ending in CR and a blank checks clean after"

# A byte-order mark before an RFC 4716 block mid-file.
{ echo "$ED"; printf '\xef\xbb\xbf'; cat r3.rfc; } > bomblock.ak
run keycheck --fix -a bomblock.ak
expect_out "$ED
$RFCLINE1" "--fix -a: a BOM before a block mid-file"

# --fix -a: the whole file, each repairable line repaired, options and
# comments kept; lines it cannot repair are reported and left out.
RFCLINE=$(keycheck --fix r3.rfc)
RR=$(cat r3.pub)
{ printf '\xef\xbb\xbf# team keys\n\n'
  echo "restrict,command=\"echo \\\"hi\\\"\" $ED"
  printf '%s\r\n' "$EC"
  cat r3.rfc
  echo "no-pty ${RR:0:70}"; echo "${RR:70}"
  echo "ssh-foo AAAA x"
  cat roca.pub
  printf 'from="10.0.0.1" %s  \n' "$ED"
  printf '%s' "$EC"; } > akfix
N=$(wc -l < r3.rfc)
run keycheck --fix -a akfix
expect_rc 1 "--fix -a with lines it cannot repair"
expect_out "# team keys

restrict,command=\"echo \\\"hi\\\"\" $ED
$EC
$RFCLINE
no-pty $RR
from=\"10.0.0.1\" $ED
$EC" "--fix -a prints the repaired file"
expect_err "keycheck: akfix:$((N + 7)):1: error: unknown key type 'ssh-foo' [unknown-type]
keycheck: hint: use a key of type ssh-ed25519, ecdsa-sha2-nistp256/384/521, ssh-rsa, or an sk-* security key
keycheck: akfix:$((N + 7)): not repaired: the line is left out
keycheck: akfix:$((N + 8)):9: error: the RSA modulus has the ROCA fingerprint: its private key can be computed (CVE-2017-15361) [rsa-roca]
keycheck: hint: make a new key off the affected device, and update its firmware (Infineon RSA library, CVE-2017-15361)
keycheck: akfix:$((N + 8)): not repaired: the line is left out" "--fix -a reports the lines left out"
run keycheck -a akfix
for want in "akfix:1:1: error: the file starts with a UTF-8 byte-order mark [bom]" \
    "akfix:4:$(( ${#EC} + 1 )): error: the line ends with CR LF (Windows line endings) [crlf]" \
    "akfix:5:1: error: an RFC 4716 'SSH2 PUBLIC KEY' block where one-line keys are expected [rfc4716-block]" \
    "akfix:$((N + 6)):1: error: the key is wrapped over 2 lines (lines $((N + 5))-$((N + 6))) [wrapped-key]" \
    "akfix:$((N + 9)):$(( 17 + ${#ED} )): warning: whitespace at the end of the line [trailing-whitespace]" \
    "akfix:$((N + 10)):$(( ${#EC} + 1 )): warning: the last line has no newline: a key appended later joins this line [missing-final-newline]"; do
    if printf '%s\n' "$ERR" | grep -qxF -- "keycheck: $want"; then kk_pass; else kk_fail "-a akfix: no '$want'"; fi
done
sed -e '/ssh-foo/d' -e '/roca/d' akfix > akfix2
run keycheck --fix -a akfix2
expect_rc 0 "--fix -a: every line repaired"
expect_eq "$ERR" "" "--fix -a: nothing to report"
printf '%s\n' "$OUT" > fixed.ak
run keycheck -a fixed.ak
expect_ok "the repaired file checks clean"
{ echo "alice:$ED"; printf 'bob:%s\r\n' "$EC"; } > metafix
run keycheck --fix --metadata metafix
expect_rc 0 "--fix --metadata"
expect_out "alice:$ED
bob:$EC" "--fix --metadata keeps the user names"
printf '# a\0b\n%s\n' "$ED" > aknulc
keycheck --fix -a aknulc > aknulc.out 2>/dev/null; RC=$?
expect_rc 0 "--fix -a: a comment line holding a NUL"
printf '# a\n%s\n' "$ED" > aknulc.want
expect_true "--fix -a keeps the comment line up to its NUL, as sshd reads it" \
    cmp aknulc.want aknulc.out
# Found by fuzz_authorized_keys: with the NULs dropped, the text around them
# joined into a private-key marker, and what --fix printed no longer checked.
printf '# fPu\0\0TTY-User-Key-File-ostsk\n%s\n' "$ED" > aknulpk
run keycheck -a aknulpk
expect_ok "a comment line holding NULs between parts of a private-key marker"
run keycheck --fix -a aknulpk
expect_rc 0 "--fix -a: NULs between parts of a private-key marker"
expect_out "# fPu
$ED" "--fix -a: the comment line ends at its NUL, no marker joined"
printf '%s\n' "$OUT" > aknulpk.out
run keycheck -a aknulpk.out
expect_ok "what --fix printed checks clean (no private-key marker made of a comment)"
# Found by fuzz_authorized_keys: a line left out put a NUL-bearing comment
# first, and the repaired text then looked like UTF-16.
printf 'junk line\n#\0a\0b\0c\0\n%s\n' "$ED" > aknul16
run keycheck --fix -a aknul16
expect_rc 1 "--fix -a: a line left out before a comment holding NULs"
printf '%s\n' "$OUT" > aknul16.out
run keycheck -a aknul16.out
expect_ok "what --fix printed checks clean (no UTF-16 taken from NULs)"
run keycheck --fix -a empty.pub
expect_rc 1 "--fix -a on an empty file"
expect_err "keycheck: empty.pub: error: the file is empty [empty-file]
keycheck: hint: put the one-line public key in the file (the .pub file ssh-keygen wrote)
keycheck: empty.pub: not repaired: --fix repairs wrapped lines, CR, BOM, UTF-16 and RFC 4716 blocks, never broken or weak keys" "--fix -a: an empty file"
run keycheck --fix -a shared1.pub shared2.pub
expect_rc 1 "--fix -a never prints keys that share a prime"
expect_out "" "--fix -a: shared primes left out"

# ---- usage and I/O
# Output that cannot be written: exit 3, findings or not.
if [ -w /dev/full ]; then
    for f in ed.pub rsa1024.pub; do
        keycheck -f json "$f" >/dev/full 2>full.err; RC=$?
        expect_rc 3 "stdout full, $f"
        expect_eq "$(cat full.err)" "keycheck: cannot write the output: No space left on device" \
            "stdout full, $f: said"
    done
fi
run keycheck
expect_rc 2 "no file"
run keycheck --format xml ed.pub
expect_rc 2 "unknown format"
run keycheck missing.pub
expect_rc 3 "missing file"
run keycheck - < ed.pub
expect_ok "stdin"

finish
