/* Weak RSA moduli, with GMP: the values are public, so speed matters and
 * constant time does not (DESIGN.md: dependencies). */
#include <stdlib.h>
#include <string.h>
#include <gmp.h>
#include "check.h"

#define SMALL_PRIME_LIMIT 65536u
#define FERMAT_STEPS 100

/* ---- small factors: one gcd with the product of the primes below 2^16 ---- */

static mpz_t primorial;
static int primorial_ready;
static unsigned *small_primes;
static size_t n_small_primes;

static int make_primorial(void)
{
    unsigned char *composite;
    mpz_t *part;
    size_t n = 0;

    if (primorial_ready)
        return 0;
    composite = calloc(SMALL_PRIME_LIMIT, 1);
    small_primes = malloc(sizeof *small_primes * 6542);
    if (composite == NULL || small_primes == NULL) {
        free(composite);
        free(small_primes);
        small_primes = NULL;
        return -1;
    }
    for (unsigned i = 2; i < SMALL_PRIME_LIMIT; i++) {
        if (composite[i])
            continue;
        small_primes[n++] = i;
        for (unsigned long j = (unsigned long)i * i; j < SMALL_PRIME_LIMIT; j += i)
            composite[j] = 1;
    }
    free(composite);
    n_small_primes = n;
    /* A product tree keeps the multiplications balanced. */
    part = malloc(sizeof *part * n);
    if (part == NULL)
        return -1;
    for (size_t i = 0; i < n; i++)
        mpz_init_set_ui(part[i], small_primes[i]);
    for (size_t m = n; m > 1; m = (m + 1) / 2) {
        for (size_t i = 0; i < m / 2; i++)
            mpz_mul(part[i], part[2 * i], part[2 * i + 1]);
        if (m & 1)
            mpz_set(part[m / 2], part[m - 1]);
    }
    mpz_init_set(primorial, part[0]);
    for (size_t i = 0; i < n; i++)
        mpz_clear(part[i]);
    free(part);
    primorial_ready = 1;
    return 0;
}

static unsigned long smallest_factor(const mpz_t g)
{
    for (size_t i = 0; i < n_small_primes; i++)
        if (mpz_divisible_ui_p(g, small_primes[i]))
            return small_primes[i];
    return 0;
}

/* ---- Fermat: n = a^2 - b^2 with a just above isqrt(n) ---- */

static int close_primes(const mpz_t n)
{
    mpz_t a, b2;
    int found = 0;

    mpz_inits(a, b2, NULL);
    mpz_sqrt(a, n);
    mpz_mul(b2, a, a);
    if (mpz_cmp(b2, n) == 0) {
        found = 1;               /* p == q */
        goto out;
    }
    mpz_add_ui(a, a, 1);
    mpz_mul(b2, a, a);
    mpz_sub(b2, b2, n);
    for (int i = 0; i < FERMAT_STEPS && !found; i++) {
        if (mpz_perfect_square_p(b2)) {
            found = 1;
            break;
        }
        /* (a+1)^2 - n = a^2 - n + 2a + 1 */
        mpz_addmul_ui(b2, a, 2);
        mpz_add_ui(b2, b2, 1);
        mpz_add_ui(a, a, 1);
    }
out:
    mpz_clears(a, b2, NULL);
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
static int roca_ready;

static void make_roca(void)
{
    if (roca_ready)
        return;
    for (size_t i = 0; i < N_ROCA; i++) {
        unsigned r = roca_primes[i], x = 1, g = 65537u % r;
        do {
            roca_member[i][x] = 1;
            x = x * g % r;
        } while (x != 1);
    }
    roca_ready = 1;
}

static int roca(const mpz_t n)
{
    make_roca();
    for (size_t i = 0; i < N_ROCA; i++)
        if (!roca_member[i][mpz_fdiv_ui(n, roca_primes[i])])
            return 0;
    return 1;
}

unsigned kc_weak_rsa(const uint8_t *nb, size_t len, unsigned long *factor)
{
    mpz_t n, g;
    unsigned w = KC_WEAK_NONE;

    *factor = 0;
    if (len == 0 || make_primorial() != 0)
        return w;
    mpz_inits(n, g, NULL);
    mpz_import(n, len, 1, 1, 1, 0, nb);
    if (mpz_cmp_ui(n, 1) > 0) {
        mpz_mod(g, primorial, n);
        mpz_gcd(g, g, n);
        if (mpz_cmp_ui(g, 1) != 0) {
            w |= KC_WEAK_SMALL_FACTOR;
            *factor = smallest_factor(g);
        }
        if (close_primes(n))
            w |= KC_WEAK_CLOSE_PRIMES;
        if (roca(n))
            w |= KC_WEAK_ROCA;
    }
    mpz_clears(n, g, NULL);
    return w;
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

/* ---- batch GCD (Bernstein; Heninger et al. "Mining your Ps and Qs"):
 * a product tree of all moduli, then a remainder tree of P mod n_i^2, so
 * gcd(n_i, (P mod n_i^2) / n_i) > 1 exactly when n_i shares a prime with
 * another modulus.  Cost grows as n log^2 n, not n^2. */

int kc_batch_gcd(const uint8_t *const *mods, const size_t *lens, size_t count,
                 unsigned char *shared)
{
    size_t levels = 0, cnt[65];
    mpz_t *tree[65] = { NULL };
    mpz_t *rem = NULL, sq;
    int rc = -1;

    memset(shared, 0, count);
    if (count < 2)
        return 0;
    cnt[0] = count;
    tree[0] = malloc(sizeof(mpz_t) * count);
    if (tree[0] == NULL)
        return -1;
    for (size_t i = 0; i < count; i++) {
        mpz_init(tree[0][i]);
        mpz_import(tree[0][i], lens[i], 1, 1, 1, 0, mods[i]);
    }
    while (cnt[levels] > 1) {
        size_t c = cnt[levels], m = (c + 1) / 2;
        mpz_t *up = malloc(sizeof(mpz_t) * m);
        if (up == NULL)
            goto out;
        for (size_t j = 0; j < m; j++) {
            mpz_init(up[j]);
            if (2 * j + 1 < c)
                mpz_mul(up[j], tree[levels][2 * j], tree[levels][2 * j + 1]);
            else
                mpz_set(up[j], tree[levels][2 * j]);
        }
        tree[++levels] = up;
        cnt[levels] = m;
    }
    mpz_init(sq);
    rem = malloc(sizeof(mpz_t));
    if (rem == NULL) {
        mpz_clear(sq);
        goto out;
    }
    mpz_init_set(rem[0], tree[levels][0]);
    for (size_t lv = levels; lv-- > 0;) {
        size_t c = cnt[lv];
        mpz_t *down = malloc(sizeof(mpz_t) * c);
        if (down == NULL) {
            for (size_t j = 0; j < cnt[lv + 1]; j++)
                mpz_clear(rem[j]);
            free(rem);
            rem = NULL;
            mpz_clear(sq);
            goto out;
        }
        for (size_t j = 0; j < c; j++) {
            mpz_init(down[j]);
            mpz_mul(sq, tree[lv][j], tree[lv][j]);
            mpz_mod(down[j], rem[j / 2], sq);
        }
        for (size_t j = 0; j < cnt[lv + 1]; j++)
            mpz_clear(rem[j]);
        free(rem);
        rem = down;
    }
    for (size_t i = 0; i < count; i++) {
        mpz_divexact(rem[i], rem[i], tree[0][i]);
        mpz_gcd(rem[i], rem[i], tree[0][i]);
        shared[i] = mpz_cmp_ui(rem[i], 1) != 0;
        mpz_clear(rem[i]);
    }
    free(rem);
    mpz_clear(sq);
    rc = 0;
out:
    for (size_t lv = 0; lv <= levels; lv++) {
        if (tree[lv] == NULL)
            continue;
        for (size_t j = 0; j < cnt[lv]; j++)
            mpz_clear(tree[lv][j]);
        free(tree[lv]);
    }
    return rc;
}
