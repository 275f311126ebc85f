#!/usr/bin/env bash
# keycheck --authorized-keys on N unique keys of mixed types vs
# `ssh-keygen -l -f` on the same file (issue 6's goal: >= 20x faster).
# Every default check stays on, the batch GCD over all RSA moduli included.
# Runs alternate; medians (wall and CPU time) and the ratios are printed,
# and keycheck's median on the same file without its RSA lines, to show
# what the RSA keys cost.  keycheck runs its batch GCD on two threads, so
# on an idle machine its wall time is below its CPU time; on a loaded one
# the CPU ratio is the steadier number.
#   bench/bench_keycheck.sh [BIN_DIR] [RUNS] [N_KEYS] [RSA_PERCENT]
# Defaults: build/bin, 11 runs, 10000 keys, RSA_PERCENT "even": an even
# split over the issue's six kinds -- Ed25519, ECDSA P-256, P-384, P-521,
# RSA 2048, RSA 3072/4096 (half each) -- so 1/3 RSA.  With a number, that
# share is RSA (half 2048, a quarter each 3072 and 4096) and the rest is
# split evenly over the four other kinds.
# RSA moduli are products of two random primes from GMP (real keygen is as
# slow: ~10 minutes for 3,000 keys); the keys are made once and kept, per
# kind, in $KK_BENCH_DIR (default $TMPDIR/kkbench-keycheck).
set -eu
BIN=${1:-build/bin}
RUNS=${2:-11}
N=${3:-10000}
RSA_PCT=${4:-even}
[ -x "$BIN/keycheck" ] || { echo "bench_keycheck: no $BIN/keycheck; build first" >&2; exit 2; }
W=${KK_BENCH_DIR:-${TMPDIR:-/tmp}/kkbench-keycheck}
mkdir -p "$W"

if [ "$RSA_PCT" = even ]; then
    nrsa=$(( (N + 1) / 3 ))
else
    nrsa=$(( N * RSA_PCT / 100 ))
fi
nrest=$(( N - nrsa ))
n2048=$(( (nrsa + 1) / 2 )); n3072=$(( (nrsa - n2048 + 1) / 2 )); n4096=$(( nrsa - n2048 - n3072 ))
ned=$(( (nrest + 3) / 4 )); n256=$(( (nrest - ned + 2) / 3 ))
n384=$(( (nrest - ned - n256 + 1) / 2 )); n521=$(( nrest - ned - n256 - n384 ))

# ---- key pools, one file per kind, grown as needed
rsagen() {  # rsagen BITS COUNT SEED
    [ -x "$W/rsagen-v2" ] || {
        cat >"$W/rsagen.c" <<'EOF'
#include <gmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>
/* rsagen BITS COUNT SEED: COUNT "ssh-rsa" lines of BITS-bit moduli. */
static size_t put_mpint(unsigned char *o, const mpz_t v)
{
    size_t n = (mpz_sizeinbase(v, 2) + 7) / 8, lead = mpz_tstbit(v, n * 8 - 1);
    size_t len = n + lead;
    o[0] = len >> 24; o[1] = len >> 16; o[2] = len >> 8; o[3] = len;
    o[4] = 0;
    mpz_export(o + 4 + lead, NULL, 1, 1, 1, 0, v);
    return 4 + len;
}
static void prime(mpz_t p, gmp_randstate_t rs, unsigned bits)
{
    mpz_urandomb(p, rs, bits);
    mpz_setbit(p, bits - 1);
    mpz_setbit(p, bits - 2);
    mpz_setbit(p, 0);
    /* One Miller-Rabin round after GMP's trial division is plenty for a
     * benchmark's random candidates, and far faster than mpz_nextprime. */
    while (!mpz_probab_prime_p(p, 1))
        mpz_add_ui(p, p, 2);
}
int main(int argc, char **argv)
{
    unsigned bits = (unsigned)atoi(argv[1]);
    int count = atoi(argv[2]);
    gmp_randstate_t rs;
    mpz_t p, q, n, e;
    static unsigned char blob[2048], b64[4096];
    gmp_randinit_default(rs);
    gmp_randseed_ui(rs, strtoul(argv[3], NULL, 10));
    mpz_inits(p, q, n, e, NULL);
    mpz_set_ui(e, 65537);
    for (int i = 0; i < count; i++) {
        do {
            prime(p, rs, bits / 2);
            prime(q, rs, bits / 2);
            mpz_mul(n, p, q);
        } while (mpz_sizeinbase(n, 2) != bits);
        size_t o = 11;
        memcpy(blob, "\0\0\0\7ssh-rsa", 11);
        o += put_mpint(blob + o, e);
        o += put_mpint(blob + o, n);
        EVP_EncodeBlock(b64, blob, (int)o);
        printf("ssh-rsa %s bench-rsa%u-%s-%d\n", b64, bits, argv[3], i);
    }
    return 0;
}
EOF
        cc -O2 -o "$W/rsagen-v2" "$W/rsagen.c" -lgmp -lcrypto
    }
    "$W/rsagen-v2" "$@"
}
ecgen() {  # ecgen KIND COUNT
    python3 - "$@" <<'EOF'
import sys
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives import serialization as s
kind, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    if kind == 'ed25519':
        key = ed25519.Ed25519PrivateKey.generate()
    else:
        key = ec.generate_private_key({'p256': ec.SECP256R1(), 'p384': ec.SECP384R1(),
                                       'p521': ec.SECP521R1()}[kind])
    print(key.public_key().public_bytes(s.Encoding.OpenSSH, s.PublicFormat.OpenSSH).decode(),
          'bench-%s-%d' % (kind, i))
EOF
}
pool() {  # pool KIND COUNT: $W/KIND.lines holds at least COUNT distinct keys
    local f="$W/$1.lines" have
    touch "$f"
    have=$(wc -l <"$f")
    [ "$have" -ge "$2" ] && return
    echo "bench_keycheck: making $(( $2 - have )) $1 keys in $W ..." >&2
    case $1 in
        rsa*) rsagen "${1#rsa}" $(( $2 - have )) "$have" >>"$f" ;;
        *) ecgen "$1" $(( $2 - have )) >>"$f" ;;
    esac
}
for k in "ed25519 $ned" "p256 $n256" "p384 $n384" "p521 $n521" \
         "rsa2048 $n2048" "rsa3072 $n3072" "rsa4096 $n4096"; do
    pool $k
done

AK="$W/ak-$N-$RSA_PCT"
# Interleave the kinds as a real file would.
paste -d '\n' <(head -n "$ned" "$W/ed25519.lines") <(head -n "$n256" "$W/p256.lines") \
    <(head -n "$n384" "$W/p384.lines") <(head -n "$n521" "$W/p521.lines") \
    <(head -n "$n2048" "$W/rsa2048.lines") <(head -n "$n3072" "$W/rsa3072.lines") \
    <(head -n "$n4096" "$W/rsa4096.lines") | grep -v '^$' >"$AK"
grep -v '^ssh-rsa ' "$AK" >"$AK.norsa" || true
[ "$(sort -u "$AK" | wc -l)" -eq "$N" ] || { echo "bench_keycheck: keys are not unique" >&2; exit 1; }

echo "file: $(wc -l <"$AK") keys:" $(awk '{ t = $1; if (t == "ssh-rsa") t = t "-" ($3 ~ /rsa2048/ ? 2048 : $3 ~ /rsa3072/ ? 3072 : 4096); n[t]++ } END { for (t in n) print n[t], t }' "$AK" | sort -k2)
echo "load before: $(uptime)"
# Both must read every key: same count of lines out.
kn=$("$BIN/keycheck" --format json --authorized-keys "$AK" | grep -c '"type": ')
sn=$(ssh-keygen -l -f "$AK" | wc -l)
[ "$kn" = "$sn" ] || { echo "bench_keycheck: keycheck saw $kn keys, ssh-keygen $sn" >&2; exit 1; }

# run CMD...: "WALL_MS CPU_MS" (CPU = user + system, all threads, to 10 ms).
run() {
    local a b
    a=$(date +%s%N)
    /usr/bin/time -f '%U %S' -o "$W/time" "$@" >/dev/null 2>&1 || true
    b=$(date +%s%N)
    awk -v w=$(((b - a) / 1000000)) '{printf "%d %d\n", w, ($1 + $2) * 1000}' "$W/time"
}
median() { sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
: >"$W/kk"; : >"$W/sk"; : >"$W/kn"
for _ in $(seq "$RUNS"); do
    run "$BIN/keycheck" --authorized-keys "$AK" >>"$W/kk"
    run ssh-keygen -l -f "$AK" >>"$W/sk"
    run "$BIN/keycheck" --authorized-keys "$AK.norsa" >>"$W/kn"
done
col() { cut -d' ' -f"$1" "$2" | median; }
kk=$(col 1 "$W/kk"); sk=$(col 1 "$W/sk"); kn=$(col 1 "$W/kn")
kkc=$(col 2 "$W/kk"); skc=$(col 2 "$W/sk"); knc=$(col 2 "$W/kn")
echo "load after:  $(uptime)"
echo "medians of $RUNS alternating runs, wall (CPU: user + system, all threads):"
echo "  keycheck --authorized-keys:      $kk ms ($kkc ms CPU)"
echo "  ssh-keygen -l -f:                $sk ms ($skc ms CPU)"
echo "  keycheck, the file without RSA:  $kn ms ($knc ms CPU, $(wc -l <"$AK.norsa") keys)"
awk -v k="$kk" -v s="$sk" -v kc="$kkc" -v sc="$skc" 'BEGIN {
    printf "speed-up ssh-keygen/keycheck: %.1fx wall (goal >= 20x), %.1fx in CPU time\n",
           s / (k > 0 ? k : 1), sc / (kc > 0 ? kc : 1) }'
