/* Primes shared between RSA keys across every input: one batch GCD over the
 * distinct moduli, then the few flagged ones are paired up to name the key
 * each shares with. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"

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

int kc_check_shared_primes(struct kc_file *files, size_t nfiles,
                           struct kk_error *err)
{
    size_t total = 0, nu = 0;
    struct mod *m = NULL;
    size_t *first = NULL, *ulen = NULL;
    const uint8_t **un = NULL;
    unsigned char *shared = NULL;
    int rc = KK_OK;

    for (size_t i = 0; i < nfiles; i++)
        for (size_t j = 0; j < files[i].nkeys; j++)
            total += files[i].keys[j].n_len != 0;
    if (total < 2)
        return KK_OK;
    m = malloc(total * sizeof *m);
    first = malloc((total + 1) * sizeof *first);
    ulen = malloc(total * sizeof *ulen);
    un = malloc(total * sizeof *un);
    shared = malloc(total);
    if (m == NULL || first == NULL || ulen == NULL || un == NULL || shared == NULL) {
        rc = kk_fail(err, KK_ERR_NOMEM, "out of memory for the batch GCD");
        goto out;
    }
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
        nu++;
    }
    first[nu] = total;
    if (kc_batch_gcd(un, ulen, nu, shared) != 0) {
        rc = kk_fail(err, KK_ERR_NOMEM, "out of memory for the batch GCD");
        goto out;
    }
    for (size_t u = 0; u < nu; u++) {
        if (!shared[u])
            continue;
        const struct mod *other = NULL;
        for (size_t v = 0; v < nu && other == NULL; v++)
            if (v != u && shared[v] &&
                kc_share_factor(un[u], ulen[u], un[v], ulen[v]))
                other = &m[first[v]];
        for (size_t i = first[u]; i < first[u + 1]; i++) {
            char where[KK_MSG_MAX];
            if (other == NULL)
                snprintf(where, sizeof where, "another key");
            else if (other->f == m[i].f)
                snprintf(where, sizeof where, "the key on line %ld", other->k->line);
            else
                snprintf(where, sizeof where, "the key at %.120s:%ld",
                         other->f->name != NULL ? other->f->name : "?", other->k->line);
            if (kc_add(m[i].f, "rsa-shared-prime", KC_ERROR, m[i].k->line,
                       m[i].k->col, "make a new key: ssh-keygen -t ed25519 (or -t "
                       "rsa -b 3072); the generator that made it lacked entropy",
                       "the RSA modulus shares a prime with %s, so both private "
                       "keys can be computed", where) != 0) {
                rc = kk_fail(err, KK_ERR_NOMEM, "out of memory");
                goto out;
            }
            m[i].f->repairable = 0;
            free(m[i].f->fixed);
            m[i].f->fixed = NULL;
        }
    }
out:
    free(m);
    free(first);
    free(ulen);
    free(un);
    free(shared);
    return rc;
}
