/* Weak RSA moduli, one at a time, with GMP: a small factor, close primes
 * (Fermat) and the ROCA fingerprint.  The values are public, so speed
 * matters and constant time does not (DESIGN.md: dependencies).  The
 * shared tables are built once, under pthread_once, since the batch GCD
 * (batchgcd.c) uses them from two threads. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <gmp.h>
#include "internal.h"
#include "weak.h"

#define SMALL_PRIME_LIMIT 65536u
#define N_SMALL_PRIMES 6542u      /* primes below 2^16 */
#define FERMAT_STEPS 100

/* ---- tables: the primes below 2^16 and their product ---- */

static mpz_t primorial;
static uint16_t small_primes[N_SMALL_PRIMES];
/* Words holding products of consecutive small primes, so a residue test
 * needs one mpz division per word instead of one per prime. */
static unsigned long prime_words[N_SMALL_PRIMES];
static uint16_t word_first[N_SMALL_PRIMES + 1];
static size_t n_words;
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

static void make_tables(void)
{
    static unsigned char composite[SMALL_PRIME_LIMIT];
    size_t n = 0;

    for (unsigned i = 2; i < SMALL_PRIME_LIMIT; i++) {
        if (composite[i])
            continue;
        small_primes[n++] = (uint16_t)i;
        for (unsigned long j = (unsigned long)i * i; j < SMALL_PRIME_LIMIT; j += i)
            composite[j] = 1;
    }
    for (size_t i = 0; i < n;) {
        unsigned long w = 1;
        word_first[n_words] = (uint16_t)i;
        while (i < n && w <= (unsigned long)-1 / small_primes[i])
            w *= small_primes[i++];
        prime_words[n_words++] = w;
    }
    word_first[n_words] = (uint16_t)n;
    mpz_init(primorial);
    mpz_primorial_ui(primorial, SMALL_PRIME_LIMIT - 1);
}

mpz_srcptr kc_small_primorial(void)
{
    pthread_once(&tables_once, make_tables);
    return primorial;
}

unsigned long kc_smallest_small_prime(const mpz_t g)
{
    pthread_once(&tables_once, make_tables);
    for (size_t w = 0; w < n_words; w++) {
        unsigned long r = mpz_fdiv_ui(g, prime_words[w]);
        for (size_t i = word_first[w]; i < word_first[w + 1]; i++)
            if (r % small_primes[i] == 0)
                return small_primes[i];
    }
    return 0;
}

unsigned long kc_small_factor(const mpz_t n)
{
    mpz_t g;
    unsigned long f = 0;

    if (mpz_cmp_ui(n, 1) <= 0)
        return 0;
    pthread_once(&tables_once, make_tables);
    mpz_init(g);
    /* One gcd with the product of all the primes: n mod each prime would
     * cost 6542 divisions. */
    mpz_mod(g, primorial, n);
    mpz_gcd(g, g, n);
    if (mpz_cmp_ui(g, 1) != 0)
        f = kc_smallest_small_prime(g);
    mpz_clear(g);
    return f;
}

/* ---- Fermat: n = a^2 - b^2 with a just above isqrt(n) ----
 * b^2 = a^2 - n is stepped by 2a + 1 as a grows.  A square is a square
 * modulo 64, 63, 65 and 11 too; tracking b^2 and a modulo their product
 * (a word) rejects ~99% of the candidates without touching a big number. */

#define FERMAT_M (64ul * 63ul * 65ul * 11ul)

static unsigned char sq64[64], sq63[63], sq65[65], sq11[11];
static pthread_once_t squares_once = PTHREAD_ONCE_INIT;

static void make_squares(void)
{
    for (unsigned i = 0; i < 64; i++)
        sq64[i * i % 64] = 1;
    for (unsigned i = 0; i < 63; i++)
        sq63[i * i % 63] = 1;
    for (unsigned i = 0; i < 65; i++)
        sq65[i * i % 65] = 1;
    for (unsigned i = 0; i < 11; i++)
        sq11[i * i % 11] = 1;
}

static int maybe_square(unsigned long r)
{
    return sq64[r & 63] && sq63[r % 63] && sq65[r % 65] && sq11[r % 11];
}

static int close_primes(const mpz_t n)
{
    mpz_t a, b2, t;
    int found = 0;

    pthread_once(&squares_once, make_squares);
    mpz_inits(a, b2, t, NULL);
    mpz_sqrtrem(a, b2, n);
    if (mpz_sgn(b2) == 0) {
        found = 1;               /* p == q */
        goto out;
    }
    mpz_add_ui(a, a, 1);
    mpz_mul(b2, a, a);
    mpz_sub(b2, b2, n);
    unsigned long r = mpz_fdiv_ui(b2, FERMAT_M), am = mpz_fdiv_ui(a, FERMAT_M);
    for (unsigned long k = 0; k < FERMAT_STEPS; k++) {
        if (maybe_square(r)) {
            /* b^2 for a + k is b2 + k(2a + k) */
            mpz_mul_2exp(t, a, 1);
            mpz_add_ui(t, t, k);
            mpz_mul_ui(t, t, k);
            mpz_add(t, t, b2);
            if (mpz_perfect_square_p(t)) {
                found = 1;
                break;
            }
        }
        r = (r + 2 * am + 1) % FERMAT_M;
        am = (am + 1) % FERMAT_M;
    }
out:
    mpz_clears(a, b2, t, NULL);
    return found;
}

/* ---- ROCA (Nemec et al., "The Return of Coppersmith's Attack", CCS 2017):
 * the affected library made primes p = k*M + (65537^a mod M) with M the
 * product of the first primes, so for each small prime r dividing M,
 * n mod r lies in the subgroup of Z_r* that 65537 generates.  A random
 * modulus passes all these tests with negligible probability. */

static const unsigned roca_primes[] = {
    3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71,
    73, 79, 83, 89, 97, 101, 103, 107, 109, 113, 127, 131, 137, 139, 149,
    151, 157, 163, 167,
};
#define N_ROCA (sizeof roca_primes / sizeof roca_primes[0])
static unsigned char roca_member[N_ROCA][168];
/* The primes grouped into words, as for the small primes. */
static unsigned long roca_words[N_ROCA];
static unsigned char roca_first[N_ROCA + 1];
static size_t n_roca_words;
static pthread_once_t roca_once = PTHREAD_ONCE_INIT;

static void make_roca(void)
{
    for (size_t i = 0; i < N_ROCA; i++) {
        unsigned r = roca_primes[i], x = 1, g = 65537u % r;
        do {
            roca_member[i][x] = 1;
            x = x * g % r;
        } while (x != 1);
    }
    for (size_t i = 0; i < N_ROCA;) {
        unsigned long w = 1;
        roca_first[n_roca_words] = (unsigned char)i;
        while (i < N_ROCA && w <= (unsigned long)-1 / roca_primes[i])
            w *= roca_primes[i++];
        roca_words[n_roca_words++] = w;
    }
    roca_first[n_roca_words] = N_ROCA;
}

static int roca(const mpz_t n)
{
    pthread_once(&roca_once, make_roca);
    for (size_t w = 0; w < n_roca_words; w++) {
        unsigned long r = mpz_fdiv_ui(n, roca_words[w]);
        for (size_t i = roca_first[w]; i < roca_first[w + 1]; i++)
            if (!roca_member[i][r % roca_primes[i]])
                return 0;
    }
    return 1;
}

unsigned kc_weak_rsa_tests(const uint8_t *nb, size_t len, unsigned which,
                           unsigned long *factor)
{
    mpz_t n;
    unsigned w = KC_WEAK_NONE;

    *factor = 0;
    if (len == 0)
        return w;
    mpz_init(n);
    mpz_import(n, len, 1, 1, 1, 0, nb);
    if (mpz_cmp_ui(n, 1) > 0) {
        if ((which & KC_WEAK_SMALL_FACTOR) && (*factor = kc_small_factor(n)) != 0)
            w |= KC_WEAK_SMALL_FACTOR;
        if ((which & KC_WEAK_CLOSE_PRIMES) && close_primes(n))
            w |= KC_WEAK_CLOSE_PRIMES;
        if ((which & KC_WEAK_ROCA) && roca(n))
            w |= KC_WEAK_ROCA;
    }
    mpz_clear(n);
    return w;
}

unsigned kc_weak_rsa(const uint8_t *nb, size_t len, unsigned long *factor)
{
    return kc_weak_rsa_tests(nb, len, KC_WEAK_SMALL_FACTOR | KC_WEAK_CLOSE_PRIMES |
                             KC_WEAK_ROCA, factor);
}

int kc_share_factor(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
    mpz_t x, y;
    int r;

    mpz_inits(x, y, NULL);
    mpz_import(x, alen, 1, 1, 1, 0, a);
    mpz_import(y, blen, 1, 1, 1, 0, b);
    mpz_gcd(x, x, y);
    r = mpz_cmp_ui(x, 1) > 0;
    mpz_clears(x, y, NULL);
    return r;
}
