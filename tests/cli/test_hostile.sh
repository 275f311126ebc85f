# Hostile inputs (issue "fuzz every parser"): each is refused at once with
# a clear message (naming the flag that raises a cap), exit 1 (3 for a
# missing directory), nothing written, and a bounded cost: the tool's CPU
# time (user + sys, which load does not distort) stays under CPU_LIMIT.
# Every input is made here, from keys the real tools make where a key is
# the base.
#
# Sanitizer builds are slower: when the tools are built with ASan (the
# binary holds the AddressSanitizer runtime) the bound is 10 times larger.
# KK_WRAP runs every tool under a wrapper and KK_TIME_FACTOR scales the
# bound, e.g. by hand:
#   KK_WRAP="valgrind -q --leak-check=full --error-exitcode=99" KK_TIME_FACTOR=100
# (a leak then exits 99, which fails the exit-status check).
# shellcheck source=../lib.sh
source "$KK_LIB"
need ssh-keygen
need puttygen
need openssl
need python3

CPU_LIMIT=1
factor=${KK_TIME_FACTOR:-1}
if [ -z "${KK_TIME_FACTOR:-}" ] && grep -qa AddressSanitizer "$KK_BIN/keyconv"; then
    factor=10
fi
WRAP=()
[ -n "${KK_WRAP:-}" ] && read -ra WRAP <<<"$KK_WRAP"
# Leaks are checked on every one of these paths.  ASan's exit status for a
# report is 1, the same as a refusal: give reports their own status (the
# asan preset's abort_on_error=1 makes it 134 anyway); the exact-stderr
# checks fail on a report too.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=1:exitcode=86"

mkdir in out

# hrun CMD...: run (lib.sh) under the wrapper, keeping the tool's CPU time
# in $CPU (seconds).  Stdin stays as the caller set it.
hrun() {
    local TIMEFORMAT='%3U %3S' u s
    { time run "${WRAP[@]}" "$@"; } 2>"$T/.time"
    read -r u s <"$T/.time"
    CPU=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.3f", u + s }')
}
# expect_cheap DESC: the last hrun used less CPU than the bound.
expect_cheap() {
    if awk -v c="$CPU" -v l="$CPU_LIMIT" -v f="$factor" 'BEGIN { exit !(c < l * f) }'; then
        kk_pass
    else
        kk_fail "$1: took ${CPU}s of CPU (limit ${CPU_LIMIT}s x $factor)"
    fi
}
# expect_out_empty DESC: nothing at all was written to out/ (no output, no
# temp file).
expect_out_empty() {
    local left; left=$(ls -A out)
    if [ -z "$left" ]; then kk_pass; else kk_fail "$1: left in out/: $left"; rm -rf out/*; fi
}
# expect_no_esc DESC: no raw ESC (or BEL) byte on stdout or stderr.
expect_no_esc() {
    case "$OUT$ERR" in
        *$'\e'* | *$'\a'*) kk_fail "$1: a raw control byte reached the terminal" ;;
        *) kk_pass ;;
    esac
}
# refused DESC RC ERR TOOL ARGS...: the whole check for one hostile input.
refused() {
    local desc=$1 rc=$2 err=$3
    shift 3
    hrun "$@"
    expect_rc "$rc" "$desc"
    expect_err "$err" "$desc"
    expect_eq "$OUT" "" "$desc: nothing on stdout"
    expect_cheap "$desc"
    expect_out_empty "$desc"
}

# ---- the inputs' maker: edits real keys at the byte level
cat >gen.py <<'EOF'
import base64, gzip, re, struct, sys

def u32(b, o): return struct.unpack('>I', b[o:o + 4])[0]
def s(b): return struct.pack('>I', len(b)) + b
def fields(b, o, n):
    out = []
    for _ in range(n):
        k = u32(b, o); out.append(b[o + 4:o + 4 + k]); o += 4 + k
    return out, o
def pad(priv, block=8): return priv + bytes(range(1, 1 + (block - len(priv) % block) % block))

def unarmor(path):
    t = open(path).read()
    return base64.b64decode(''.join(l for l in t.splitlines() if not l.startswith('-----')))
def armor(path, label, der, width=64):
    b = base64.b64encode(der).decode()
    with open(path, 'w') as f:
        f.write('-----BEGIN %s-----\n' % label)
        for i in range(0, len(b), width): f.write(b[i:i + width] + '\n')
        f.write('-----END %s-----\n' % label)

MAGIC = b'openssh-key-v1\0'
def openssh(path):
    """The parts of an openssh-key-v1 file and the offset of each."""
    b = unarmor(path); assert b.startswith(MAGIC); o = len(MAGIC); f = {'blob': b}
    for k in ('cipher', 'kdf', 'kdfopts'):
        f[k + '_off'] = o; (f[k],), o = fields(b, o, 1)
    f['nkeys_off'] = o; o += 4
    f['pub_off'] = o; (f['pub'],), o = fields(b, o, 1)
    f['priv_off'] = o; (f['priv'],), o = fields(b, o, 1)
    return f
def put_openssh(path, pub, priv, cipher=b'none', kdf=b'none', kdfopts=b''):
    armor(path, 'OPENSSH PRIVATE KEY',
          MAGIC + s(cipher) + s(kdf) + s(kdfopts) + struct.pack('>I', 1) + s(pub) + s(priv), 70)
def patch(b, off, value): b = bytearray(b); b[off:off + 4] = struct.pack('>I', value); return bytes(b)

def publine(path):
    p = open(path, 'rb').read().split()
    return p[0], base64.b64decode(p[1])
def put_pub(path, typ, blob, comment=b'hostile@test'):
    open(path, 'wb').write(typ + b' ' + base64.b64encode(blob) + b' ' + comment + b'\n')

# A positive mpint of exactly `bits` bits (top byte 0xc5), odd.
def huge_mpint(bits): return b'\0' + b'\xc5' + b'\x5a' * (bits // 8 - 2) + b'\x01'

cmd, a = sys.argv[1], sys.argv[2:]
if cmd == 'openssh-len':          # the public key string claims 4 GiB
    f = openssh(a[0]); armor(a[1], 'OPENSSH PRIVATE KEY', patch(f['blob'], f['pub_off'], 0xffffffff), 70)
elif cmd == 'openssh-nkeys':      # a key count far past the file's end
    f = openssh(a[0]); armor(a[1], 'OPENSSH PRIVATE KEY', patch(f['blob'], f['nkeys_off'], 0x7fffffff), 70)
elif cmd == 'openssh-rounds':     # bcrypt rounds 2^32-1
    f = openssh(a[0]); saltlen = u32(f['blob'], f['kdfopts_off'] + 4)
    armor(a[1], 'OPENSSH PRIVATE KEY',
          patch(f['blob'], f['kdfopts_off'] + 8 + saltlen, 0xffffffff), 70)
elif cmd == 'openssh-rsa-huge':   # the real key with a 100-megabit n
    f = openssh(a[0]); p = f['priv']
    (typ, n, e, d, iqmp, pp, q, comment), _ = fields(p, 8, 8)
    big = huge_mpint(int(a[2]))
    pub = s(typ) + s(e) + s(big)
    priv = pad(p[:8] + s(typ) + s(big) + s(e) + s(d) + s(iqmp) + s(pp) + s(q) + s(comment))
    put_openssh(a[1], pub, priv)
elif cmd == 'openssh-ed-size':    # an Ed25519 private key of N bytes
    f = openssh(a[0]); p = f['priv']
    (typ, pk, sk, comment), _ = fields(p, 8, 4)
    sk = (sk + sk)[:int(a[2])]
    put_openssh(a[1], f['pub'], pad(p[:8] + s(typ) + s(pk) + s(sk) + s(comment)))
elif cmd == 'pub-len':            # the key string inside the blob claims 4 GiB
    typ, blob = publine(a[0]); (name, key), _ = fields(blob, 0, 2)
    put_pub(a[1], typ, s(name) + b'\xff\xff\xff\xff' + key)
elif cmd == 'pub-rsa-huge':       # the real key's blob with a 100-megabit n
    typ, blob = publine(a[0]); (name, e, n), _ = fields(blob, 0, 3)
    put_pub(a[1], typ, s(name) + s(e) + s(huge_mpint(int(a[2]))))
elif cmd == 'pub-off-curve':      # ECDSA: Q's last byte changed
    typ, blob = publine(a[0]); blob = bytearray(blob); blob[-1] ^= 1
    put_pub(a[1], typ, bytes(blob))
elif cmd == 'pub-ed-size':        # Ed25519: a key of N bytes
    typ, blob = publine(a[0]); (name, key), _ = fields(blob, 0, 2)
    put_pub(a[1], typ, s(name) + s((key + key)[:int(a[2])]))
elif cmd == 'pub-comment':        # the real key with a comment of raw bytes
    typ, blob = publine(a[0]); put_pub(a[1], typ, blob, a[2].encode().decode('unicode_escape').encode('latin-1'))
elif cmd == 'ppk-set':            # a .ppk header line set to a value
    t = open(a[0]).read()
    open(a[3], 'w').write(re.sub(r'(?m)^%s: .*$' % re.escape(a[1]), '%s: %s' % (a[1], a[2]), t))
elif cmd == 'der-nested':         # SEQUENCEs N deep around a NULL
    der = b'\x05\x00'
    for _ in range(int(a[0])):
        n = len(der)
        ln = bytes([n]) if n < 128 else bytes([0x80 | ((n.bit_length() + 7) // 8)]) + n.to_bytes((n.bit_length() + 7) // 8, 'big')
        der = b'\x30' + ln + der
    armor(a[2], a[1], der)
elif cmd == 'der-truncated':      # the DER cut in half, armoured again
    label = re.search(r'BEGIN (.*)-----', open(a[0]).read()).group(1)
    der = unarmor(a[0]); armor(a[1], label, der[:len(der) // 2])
elif cmd == 'sec1-off-curve':     # SEC1: the public point's last byte changed
    der = bytearray(unarmor(a[0])); der[-1] ^= 1; armor(a[1], 'EC PRIVATE KEY', bytes(der))
elif cmd == 'gzip-bomb':          # MiB of zeros, gzipped
    with gzip.open(a[0], 'wb', compresslevel=9) as g:
        z = b'\0' * (1 << 20)
        for _ in range(int(a[1])): g.write(z)
elif cmd == 'long-line':          # one line of N MB
    with open(a[0], 'wb') as f:
        f.write(b'ssh-ed25519 ')
        chunk = b'A' * 1000000
        for _ in range(int(a[1])): f.write(chunk)
        f.write(b'\n')
else:
    sys.exit('gen.py: unknown command ' + cmd)
EOF
gen() { python3 gen.py "$@" || kk_fail "gen.py $*"; }

# ---- the real keys underneath
sshkey ed25519 "" ed "" "ed@test"
sshkey rsa 2048 rsa "" "rsa@test"
sshkey ecdsa 256 ec "" "ec@test"
sshkey ed25519 "" enc "secret" "enc@test"
printf 'secret' > pass.txt
puttygen -q -t ed25519 -C ppk@test -O private -o ppk3.ppk --new-passphrase pass.txt </dev/null
openssl genrsa -traditional -out pkcs1.pem 2048 2>/dev/null
openssl genpkey -algorithm ed25519 -out pkcs8.pem
openssl pkcs8 -topk8 -in pkcs1.pem -passout pass:secret -out pkcs8-enc.pem
openssl ecparam -name prime256v1 -genkey -noout -out sec1.pem

# ---- length fields that lie
gen openssh-len ed in/len4g.key
refused "openssh-key-v1 with a 4 GiB string length" 1 \
"keyconv: in/len4g.key:1: the key data ends inside the public key" keyconv in/len4g.key out/k

gen pub-len ed.pub in/len4g.pub
refused "public blob with a 4 GiB string length" 1 \
"keyconv: in/len4g.pub:1: the key blob is truncated" keyconv in/len4g.pub out/k.pub
refused "keycheck: public blob with a 4 GiB string length" 1 \
"keycheck: in/len4g.pub:1:13: error: the key blob is truncated: it ends inside its public key [truncated-blob]
keycheck: hint: the key was damaged when copied: copy the whole line again from the original .pub file" \
    keycheck in/len4g.pub

gen openssh-nkeys ed in/nkeys.key
refused "openssh-key-v1 with 2^31-1 keys" 1 \
"keyconv: in/nkeys.key:1: the file holds 2147483647 keys; only files with one key are supported" \
    keyconv in/nkeys.key out/k

gen ppk-set ppk3.ppk Public-Lines 100000000 in/lines.ppk
refused "ppk with more public lines than the file" 1 \
"keyconv: in/lines.ppk:4: 'Public-Lines' says 100000000 lines, but only 10 lines follow" \
    keyconv --passin pass:secret in/lines.ppk out/k

# ---- a 100-megabit RSA modulus: refused by the size cap before any math
gen pub-rsa-huge rsa.pub in/rsa-huge.pub 100000000
refused "public blob with a 100-megabit modulus" 1 \
"keyconv: in/rsa-huge.pub:1: RSA key of 100000000 bits is larger than the limit of 16384 bits
keyconv: hint: raise the limit with --max-rsa-bits" \
    keyconv --max-input-size 64M in/rsa-huge.pub out/k.pub
refused "keycheck: public blob with a 100-megabit modulus" 1 \
"keycheck: in/rsa-huge.pub:1:9: error: RSA key of 100000000 bits is larger than 16384 bits [rsa-too-large]
keycheck: hint: make a key of 3072 or 4096 bits" keycheck in/rsa-huge.pub
rm -f in/rsa-huge.pub

gen openssh-rsa-huge rsa in/rsa-huge.key 100000000
refused "private key with a 100-megabit modulus" 1 \
"keyconv: in/rsa-huge.key:1: RSA key of 100000000 bits is larger than the limit of 16384 bits
keyconv: hint: raise the limit with --max-rsa-bits" \
    keyconv --max-input-size 64M in/rsa-huge.key out/k
rm -f in/rsa-huge.key

# ---- KDF costs
gen ppk-set ppk3.ppk Argon2-Memory 4194304 in/argon-mem.ppk
refused "ppk3 with Argon2 memory of 4 GiB" 1 \
"keyconv: in/argon-mem.ppk:8: Argon2 memory of 4194304 KiB is over the limit of 1048576 KiB
keyconv: hint: if you trust this file, raise the limit with --max-argon2-memory" \
    keyconv --passin pass:secret in/argon-mem.ppk out/k

gen ppk-set ppk3.ppk Argon2-Passes 2147483648 in/argon-passes.ppk
refused "ppk3 with 2^31 Argon2 passes" 1 \
"keyconv: in/argon-passes.ppk:9: Argon2 passes of 2147483648 is over the limit of 1000
keyconv: hint: if you trust this file, raise the limit with --max-argon2-passes" \
    keyconv --passin pass:secret in/argon-passes.ppk out/k

gen openssh-rounds enc in/rounds.key
refused "openssh-key-v1 with 2^32-1 bcrypt rounds" 1 \
"keyconv: in/rounds.key:1: bcrypt rounds 4294967295 is larger than the limit of 10000000
keyconv: hint: raise the limit with --max-kdf-rounds" \
    keyconv --passin pass:secret in/rounds.key out/k

# ---- size: a gzip bomb and a 100 MB line
gen gzip-bomb in/bomb.gz 128
refused "gzip bomb" 1 \
"keyconv: in/bomb.gz: decompressed input is larger than 4194304 bytes
keyconv: hint: raise the limit with --max-input-size" keyconv in/bomb.gz out/k
refused "keycheck: gzip bomb" 1 \
"keycheck: in/bomb.gz: decompressed input is larger than 67108864 bytes
keycheck: hint: raise the limit with --max-input-size" keycheck in/bomb.gz
rm -f in/bomb.gz

gen long-line in/line.pub 100
refused "a 100 MB line" 1 \
"keyconv: in/line.pub: input is larger than 1048576 bytes
keyconv: hint: raise the limit with --max-input-size" keyconv in/line.pub out/k.pub
refused "keycheck: a 100 MB line" 1 \
"keycheck: in/line.pub: input is larger than 67108864 bytes
keycheck: hint: raise the limit with --max-input-size" keycheck in/line.pub
refused "keycheck --authorized-keys: a 100 MB line" 1 \
"keycheck: in/line.pub: input is larger than 67108864 bytes
keycheck: hint: raise the limit with --max-input-size" keycheck --authorized-keys in/line.pub
rm -f in/line.pub

# ---- ASN.1: nested 50000 deep, and cut short
gen der-nested 50000 "RSA PRIVATE KEY" in/nested1.pem
refused "PKCS#1 nested 50000 deep" 1 \
"keyconv: in/nested1.pem:1: the PEM body is not a valid PKCS#1 RSA private key" \
    keyconv in/nested1.pem out/k
gen der-nested 50000 "PRIVATE KEY" in/nested8.pem
refused "PKCS#8 nested 50000 deep" 1 \
"keyconv: in/nested8.pem:1: the 'PRIVATE KEY' block does not hold a valid PrivateKeyInfo" \
    keyconv in/nested8.pem out/k
gen der-nested 50000 "ENCRYPTED PRIVATE KEY" in/nested8e.pem
refused "encrypted PKCS#8 nested 50000 deep" 1 \
"keyconv: in/nested8e.pem:1: the 'ENCRYPTED PRIVATE KEY' block does not hold a valid EncryptedPrivateKeyInfo" \
    keyconv --passin pass:secret in/nested8e.pem out/k
gen der-nested 50000 "PUBLIC KEY" in/nested-spki.pem
refused "SPKI nested 50000 deep" 1 \
"keyconv: in/nested-spki.pem:1: the 'PUBLIC KEY' block does not hold a valid public key" \
    keyconv in/nested-spki.pem out/k.pub

gen der-truncated pkcs1.pem in/cut1.pem
refused "PKCS#1 cut in half" 1 \
"keyconv: in/cut1.pem:1: the PEM body is not a valid PKCS#1 RSA private key" keyconv in/cut1.pem out/k
gen der-truncated pkcs8.pem in/cut8.pem
refused "PKCS#8 cut in half" 1 \
"keyconv: in/cut8.pem:1: the 'PRIVATE KEY' block does not hold a valid PrivateKeyInfo" \
    keyconv in/cut8.pem out/k
gen der-truncated pkcs8-enc.pem in/cut8e.pem
refused "encrypted PKCS#8 cut in half" 1 \
"keyconv: in/cut8e.pem:1: the 'ENCRYPTED PRIVATE KEY' block does not hold a valid EncryptedPrivateKeyInfo" \
    keyconv --passin pass:secret in/cut8e.pem out/k

# ---- EC points off the curve
gen sec1-off-curve sec1.pem in/off.pem
refused "SEC1 key with its point off the curve" 1 \
"keyconv: in/off.pem:1: the PEM body is not a valid SEC1 EC private key" keyconv in/off.pem out/k
gen pub-off-curve ec.pub in/off.pub
refused "ecdsa blob with its point off the curve" 1 \
"keyconv: in/off.pub:1: ECDSA public point is not on the curve" keyconv in/off.pub out/k.pub
refused "keycheck: ecdsa blob with its point off the curve" 1 \
"keycheck: in/off.pub:1:21: error: the ECDSA public point is not on the nistp256 curve [ecdsa-off-curve]
keycheck: hint: the key was damaged when copied: copy the whole line again from the original .pub file" \
    keycheck in/off.pub

# ---- Ed25519 keys of the wrong size
for n in 31 33; do
    gen pub-ed-size ed.pub in/ed$n.pub $n
    refused "Ed25519 public key of $n bytes" 1 \
    "keyconv: in/ed$n.pub:1: Ed25519 public key has $n bytes, expected 32" keyconv in/ed$n.pub out/k.pub
    refused "keycheck: Ed25519 public key of $n bytes" 1 \
"keycheck: in/ed$n.pub:1:13: error: the Ed25519 key is $n bytes long; it must be 32 [ed25519-length]
keycheck: hint: the key was damaged when copied: copy the whole line again from the original .pub file" \
        keycheck in/ed$n.pub
done
gen openssh-ed-size ed in/ed63.key 63
refused "Ed25519 private key of 63 bytes" 1 \
"keyconv: in/ed63.key:1: Ed25519 private key has 63 bytes, expected 64" keyconv in/ed63.key out/k

# ---- terminal escapes in a comment: never reach the terminal raw
gen pub-comment ed.pub in/esc.pub '\x1b[31mred\x1b]0;pwned\x07'
refused "comment with terminal escapes" 1 \
"keyconv: in/esc.pub:1: the comment holds a control character at column 82 (line 1)
keyconv: hint: edit the comment to plain text" keyconv in/esc.pub out/k.pub
expect_no_esc "comment with terminal escapes"
refused "keycheck: comment with terminal escapes" 1 \
'keycheck: in/esc.pub:1:82: error: the comment holds the control character \x1B [control-in-comment]
keycheck: hint: edit the comment to plain text' keycheck in/esc.pub
expect_no_esc "keycheck: comment with terminal escapes"
hrun keycheck --format json in/esc.pub
expect_rc 1 "keycheck --format json: comment with terminal escapes"
expect_out_has '"comment": "\\x1B[31mred\\x1B]0;pwned\\x07"' "keycheck --format json: the comment escaped"
expect_no_esc "keycheck --format json: comment with terminal escapes"
expect_cheap "keycheck --format json: comment with terminal escapes"

# ---- an encrypted key, no passphrase source, stdin a pipe that never closes
start=$(date +%s%N)
refused "encrypted key with stdin an open pipe" 1 \
"keyconv: enc:1: the key is encrypted and no passphrase was given
keyconv: hint: give it with --passin (pass:TEXT, env:VAR, file:PATH, fd:N or stdin)" \
    timeout $((5 * factor)) keyconv enc out/k < <(sleep 30)
kill $! 2>/dev/null
took=$(( ($(date +%s%N) - start) / 1000000 ))
if [ $took -lt $((5000 * factor)) ]; then kk_pass; else
    kk_fail "encrypted key with stdin an open pipe: waited ${took} ms"; fi

# ---- an output directory that does not exist: exit 3, nothing created
refused "missing output directory" 3 \
"keyconv: out/nodir/k: cannot create file: No such file or directory" keyconv ed out/nodir/k

finish
