/* The tests that look at every RSA key at once: one batch GCD over the
 * distinct moduli of all inputs, with the product of the primes below 2^16
 * as one more leaf, gives each key's shared primes and (for the keys whose
 * test kc_check_buffer left to it) its small factor. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

struct mod {
    struct kc_file *f;
    struct kc_key *k;
    const uint8_t *n;
    size_t len;
};

static int cmp_mod(const void *a, const void *b)
{
    const struct mod *x = a, *y = b;
    if (x->len != y->len)
        return x->len < y->len ? -1 : 1;
    return memcmp(x->n, y->n, x->len);
}

static int small_factor_found(struct kc_file *f, struct kc_key *k, unsigned long factor)
{
    k->small_pending = 0;
    if (factor == 0)
        return 0;
    if (kc_add_small_factor(f, k->line, k->data_col, factor) != 0)
        return -1;
    f->findings[f->nfindings - 1].seq = k->small_seq;
    k->small_factor = 1;
    f->repairable = 0;
    free(f->fixed);
    f->fixed = NULL;
    return 0;
}

static int shared_found(struct mod *x, const struct mod *other)
{
    char where[KK_MSG_MAX];

    if (other == NULL)
        snprintf(where, sizeof where, "another key");
    else if (other->f == x->f)
        snprintf(where, sizeof where, "the key on line %ld", other->k->line);
    else
        snprintf(where, sizeof where, "the key at %.120s:%ld",
                 other->f->name != NULL ? other->f->name : "?", other->k->line);
    if (kc_add(x->f, "rsa-shared-prime", KC_ERROR, x->k->line, x->k->col,
               "make a new key: ssh-keygen -t ed25519 (or -t rsa -b 3072); the "
               "generator that made it lacked entropy",
               "the RSA modulus shares a prime with %s, so both private keys "
               "can be computed", where) != 0)
        return -1;
    x->f->repairable = 0;
    free(x->f->fixed);
    x->f->fixed = NULL;
    return 0;
}

/* Over the cap: the small-factor tests one key at a time, as
 * kc_check_buffer would have run them. */
static int small_factors_each(struct mod *m, size_t total)
{
    for (size_t i = 0; i < total; i++) {
        unsigned long factor = 0;
        if (!m[i].k->small_pending)
            continue;
        kc_weak_rsa_tests(m[i].n, m[i].len, KC_WEAK_SMALL_FACTOR, &factor);
        if (small_factor_found(m[i].f, m[i].k, factor) != 0)
            return -1;
    }
    return 0;
}

int kc_check_shared_primes_max(struct kc_file *files, size_t nfiles,
                               unsigned long long max_bits, struct kk_error *err)
{
    size_t total = 0, nu = 0;
    struct mod *m = NULL;
    size_t *first = NULL, *ulen = NULL;
    const uint8_t **un = NULL;
    struct kc_gcd_hit *hits = NULL;
    unsigned long long bits = 0;
    int rc = KK_OK;

    for (size_t i = 0; i < nfiles; i++)
        for (size_t j = 0; j < files[i].nkeys; j++)
            total += files[i].keys[j].n_len != 0;
    if (total == 0)
        return KK_OK;
    m = malloc(total * sizeof *m);
    first = malloc((total + 1) * sizeof *first);
    ulen = malloc(total * sizeof *ulen);
    un = malloc(total * sizeof *un);
    hits = malloc(total * sizeof *hits);
    if (m == NULL || first == NULL || ulen == NULL || un == NULL || hits == NULL)
        goto nomem;
    size_t t = 0;
    for (size_t i = 0; i < nfiles; i++)
        for (size_t j = 0; j < files[i].nkeys; j++) {
            struct kc_key *k = &files[i].keys[j];
            if (k->n_len != 0)
                m[t++] = (struct mod){ .f = &files[i], .k = k,
                                       .n = k->blob + k->n_off, .len = k->n_len };
        }
    /* The same key twice (in two files, or listed twice) shares everything
     * with itself but is not weak: only distinct moduli go in. */
    qsort(m, total, sizeof *m, cmp_mod);
    for (size_t i = 0; i < total; i++) {
        if (i > 0 && cmp_mod(&m[i - 1], &m[i]) == 0)
            continue;
        first[nu] = i;
        un[nu] = m[i].n;
        ulen[nu] = m[i].len;
        bits += (unsigned long long)m[i].len * 8;
        nu++;
    }
    first[nu] = total;
    int pending = 0;
    for (size_t i = 0; i < total; i++)
        pending |= m[i].k->small_pending;
    if (nu < 2 && !pending)
        goto out;           /* nothing to share with, nothing left to test */
    if (nu > 1 && bits > max_bits) {
        if (small_factors_each(m, total) != 0)
            goto nomem;
        rc = kk_fail(err, KK_ERR_CAP, "the shared-prime test over %zu RSA keys "
                     "(%llu modulus bits in all) is larger than the limit of %llu bits",
                     nu, bits, max_bits);
        kk_hint(err, "raise the limit with --max-gcd-bits, or check fewer keys at once");
        goto out;
    }
    if (kc_batch_gcd_hits(un, ulen, nu, KC_BG_SMALL_PRIMES, hits) != 0)
        goto nomem;
    for (size_t u = 0; u < nu; u++) {
        if (hits[u].factor == 0 && !hits[u].shared)
            continue;
        const struct mod *other = hits[u].partner != KC_NO_PARTNER
                                  ? &m[first[hits[u].partner]] : NULL;
        for (size_t i = first[u]; i < first[u + 1]; i++) {
            if (m[i].k->small_pending &&
                small_factor_found(m[i].f, m[i].k, hits[u].factor) != 0)
                goto nomem;
            /* A key with a small factor is broken already: said once is
             * enough, but the keys it shares a larger prime with hear of it. */
            if (hits[u].shared && !m[i].k->small_factor &&
                shared_found(&m[i], other) != 0)
                goto nomem;
        }
    }
    for (size_t i = 0; i < total; i++)
        m[i].k->small_pending = 0;
    goto out;
nomem:
    rc = kk_fail(err, KK_ERR_NOMEM, "out of memory for the batch GCD");
out:
    free(m);
    free(first);
    free(ulen);
    free(un);
    free(hits);
    return rc;
}

int kc_check_shared_primes(struct kc_file *files, size_t nfiles, struct kk_error *err)
{
    return kc_check_shared_primes_max(files, nfiles, KC_BATCH_DEFAULT_MAX_BITS, err);
}
