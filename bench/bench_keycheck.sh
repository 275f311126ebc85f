#!/usr/bin/env bash
# keycheck --authorized-keys on 10,000 unique keys of mixed types vs
# `ssh-keygen -l -f` on the same file (issue 6's goal: >= 20x faster).
# Every default check stays on, the batch GCD over all RSA moduli included.
# Runs alternate; medians and the ratio are printed.
#   bench/bench_keycheck.sh [BIN_DIR] [RUNS] [N_KEYS] [RSA_PERCENT]
# (defaults: build/bin, 11 runs, 10000 keys, 30% RSA split evenly over
# 2048/3072/4096; the rest: 40/70 Ed25519, 10/70 each ECDSA 256/384/521).
# RSA moduli are products of random primes from GMP (real keygen for 3,000
# RSA keys takes many minutes); the file is cached in $KK_BENCH_DIR.
set -eu
BIN=${1:-build/bin}
RUNS=${2:-11}
N=${3:-10000}
RSA_PCT=${4:-30}
[ -x "$BIN/keycheck" ] || { echo "bench_keycheck: no $BIN/keycheck; build first" >&2; exit 2; }
W=${KK_BENCH_DIR:-${TMPDIR:-/tmp}/kkbench-keycheck}
mkdir -p "$W"
AK="$W/ak-$N-$RSA_PCT"
if [ ! -s "$AK" ]; then
    cat >"$W/rsagen.c" <<'EOF'
#include <gmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <openssl/evp.h>
/* rsagen COUNT SEED: COUNT "ssh-rsa" lines, sizes cycling 2048/3072/4096. */
static size_t put_mpint(unsigned char *o, const mpz_t v)
{
    size_t n = (mpz_sizeinbase(v, 2) + 7) / 8, lead = mpz_tstbit(v, n * 8 - 1);
    size_t len = n + lead;
    o[0] = len >> 24; o[1] = len >> 16; o[2] = len >> 8; o[3] = len;
    o[4] = 0;
    mpz_export(o + 4 + lead, NULL, 1, 1, 1, 0, v);
    return 4 + len;
}
int main(int argc, char **argv)
{
    int count = atoi(argv[1]);
    gmp_randstate_t rs;
    mpz_t p, q, n, e;
    static unsigned char blob[2048], b64[4096];
    gmp_randinit_default(rs);
    gmp_randseed_ui(rs, strtoul(argv[2], NULL, 10));
    mpz_inits(p, q, n, e, NULL);
    mpz_set_ui(e, 65537);
    for (int i = 0; i < count; i++) {
        unsigned bits = 2048 + 1024 * (i % 3);
        do {
            mpz_urandomb(p, rs, bits / 2); mpz_setbit(p, bits / 2 - 1); mpz_setbit(p, bits / 2 - 2);
            mpz_nextprime(p, p);
            mpz_urandomb(q, rs, bits / 2); mpz_setbit(q, bits / 2 - 1); mpz_setbit(q, bits / 2 - 2);
            mpz_nextprime(q, q);
            mpz_mul(n, p, q);
        } while (mpz_sizeinbase(n, 2) != bits);
        size_t o = 0;
        blob[0] = 0; blob[1] = 0; blob[2] = 0; blob[3] = 7;
        memcpy(blob + 4, "ssh-rsa", 7);
        o = 11;
        o += put_mpint(blob + o, e);
        o += put_mpint(blob + o, n);
        EVP_EncodeBlock(b64, blob, (int)o);
        printf("ssh-rsa %s bench-rsa-%d\n", b64, i);
    }
    return 0;
}
EOF
    sed -i '1i #include <string.h>' "$W/rsagen.c"
    cc -O2 -o "$W/rsagen" "$W/rsagen.c" -lgmp -lcrypto
    nrsa=$((N * RSA_PCT / 100))
    nrest=$((N - nrsa))
    echo "bench_keycheck: making $nrsa RSA and $nrest Ed25519/ECDSA keys in $W ..." >&2
    "$W/rsagen" "$nrsa" 1 >"$W/rsa.lines"
    python3 - "$nrest" >"$W/ec.lines" <<'EOF'
import sys
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives import serialization as s
n = int(sys.argv[1])
for i in range(n):
    k = i % 7
    if k < 4:
        key = ed25519.Ed25519PrivateKey.generate()
    else:
        key = ec.generate_private_key([ec.SECP256R1(), ec.SECP384R1(), ec.SECP521R1()][k - 4])
    print(key.public_key().public_bytes(s.Encoding.OpenSSH, s.PublicFormat.OpenSSH).decode(), 'bench-%d' % i)
EOF
    # Interleave the types as a real file would.
    paste -d '\n' "$W/ec.lines" "$W/rsa.lines" | grep -v '^$' >"$AK"
fi
echo "file: $(wc -l <"$AK") keys: $(cut -d' ' -f1 "$AK" | sort | uniq -c | tr '\n' ' ')"
echo "load: $(uptime)"
# Both must read every key: same count of lines out.
kn=$("$BIN/keycheck" --format json --authorized-keys "$AK" | grep -c '"type": ')
sn=$(ssh-keygen -l -f "$AK" | wc -l)
[ "$kn" = "$sn" ] || { echo "bench_keycheck: keycheck saw $kn keys, ssh-keygen $sn" >&2; exit 1; }

ms() {
    local a b
    a=$(date +%s%N); "$@" >/dev/null 2>&1 || true; b=$(date +%s%N)
    echo $(((b - a) / 1000000))
}
median() { sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
: >"$W/kk"; : >"$W/sk"
for _ in $(seq "$RUNS"); do
    ms "$BIN/keycheck" --authorized-keys "$AK" >>"$W/kk"
    ms ssh-keygen -l -f "$AK" >>"$W/sk"
done
kk=$(median <"$W/kk"); sk=$(median <"$W/sk")
echo "keycheck --authorized-keys median: $kk ms"
echo "ssh-keygen -l -f median:           $sk ms"
awk -v k="$kk" -v s="$sk" 'BEGIN {printf "speed-up ssh-keygen/keycheck: %.1fx (goal >= 20x)\n", s / (k > 0 ? k : 1)}'
