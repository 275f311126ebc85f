/* Batch GCD (Bernstein; Heninger et al. "Mining your Ps and Qs"): which
 * moduli of a set share a prime with another, at the cost of a product
 * tree and a remainder tree instead of n^2 gcds.
 *
 * The remainder tree carries, for each node v, the product of every
 * modulus outside v reduced mod T_v (the product of the moduli under v).
 * For the children x, y of v:
 *     O_x = (O_v mod T_x) * (T_y mod T_x) mod T_x
 * so every number stays below its node's product.  The textbook form
 * (P mod T_v^2) needs the squares and values twice the size; this form
 * does the same work in about 12% less time here, and at each leaf
 * gcd(n_i, O_i) > 1 exactly when n_i shares a factor with another modulus.
 *
 * With KC_BG_SMALL_PRIMES the product of the primes below 2^16 is one more
 * leaf, so the small-factor test of every modulus comes with the batch for
 * about 1% more work; the few moduli flagged are then split into "has a
 * small factor" and "shares a larger prime" by direct gcds.
 *
 * The tree is split by bits, so both halves cost the same, and the two
 * halves run on two threads (the product subtrees, then the remainder
 * subtrees). */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <gmp.h>
#include "check.h"
#include "weak.h"

/* Below this many bits in all, a second thread costs more than it saves. */
#define THREAD_MIN_BITS ((uint64_t)1 << 17)
/* The split keeps each side at least a quarter of the leaves, so the depth
 * is at most log(n) / log(4/3) + 1: 98 for 2^40 leaves. */
#define MAX_DEPTH 100
/* gcds spent looking for the key each flagged modulus shares with. */
#define PARTNER_BUDGET 100000

struct work {
    mpz_t a, b;
    mpz_t slot[MAX_DEPTH][2];
    size_t ready;            /* depths whose slots are initialised */
};

struct batch {
    const uint8_t *const *mods;
    const size_t *lens;
    size_t count;            /* moduli */
    size_t m;                /* leaves: the moduli, then the primorial if asked */
    uint64_t *pre;           /* pre[i]: bits in leaves 0..i-1 */
    mpz_t *t;                /* 2m - 1 nodes in preorder: children of k over
                              * [lo, hi) split at mid are k + 1 and
                              * k + 2 * (mid - lo) */
    mpz_t *g;                /* per modulus: the gcd found, 0 if 1 */
};

static size_t split(const struct batch *b, size_t lo, size_t hi)
{
    uint64_t target = b->pre[lo] + (b->pre[hi] - b->pre[lo]) / 2;
    size_t l = lo + 1, h = hi - 1, q = (hi - lo) / 4;

    while (l < h) {
        size_t mid = l + (h - l) / 2;
        if (b->pre[mid] < target)
            l = mid + 1;
        else
            h = mid;
    }
    if (q < 1)
        q = 1;
    if (l < lo + q)
        l = lo + q;
    if (l > hi - q)
        l = hi - q;
    return l;
}

static void leaf(const struct batch *b, mpz_t out, size_t i)
{
    if (i < b->count)
        mpz_import(out, b->lens[i], 1, 1, 1, 0, b->mods[i]);
    else
        mpz_set(out, kc_small_primorial());
}

static void build(struct batch *b, size_t k, size_t lo, size_t hi)
{
    if (hi - lo == 1) {
        leaf(b, b->t[k], lo);
        return;
    }
    size_t mid = split(b, lo, hi), x = k + 1, y = k + 2 * (mid - lo);
    build(b, x, lo, mid);
    build(b, y, mid, hi);
    mpz_mul(b->t[k], b->t[x], b->t[y]);
}

static mpz_ptr slot(struct work *w, size_t depth, int which)
{
    while (w->ready <= depth) {
        mpz_inits(w->slot[w->ready][0], w->slot[w->ready][1], NULL);
        w->ready++;
    }
    return w->slot[depth][which];
}

/* out = (o mod tx) * (ty mod tx) mod tx: the product outside x, mod T_x. */
static void outside(struct work *w, mpz_ptr out, mpz_srcptr o, mpz_srcptr tx,
                    mpz_srcptr ty)
{
    mpz_mod(w->a, o, tx);
    mpz_mod(w->b, ty, tx);
    mpz_mul(w->a, w->a, w->b);
    mpz_mod(out, w->a, tx);
}

static void descend(struct batch *b, struct work *w, size_t k, size_t lo,
                    size_t hi, mpz_srcptr o, size_t depth)
{
    if (hi - lo == 1) {
        if (lo < b->count) {
            mpz_gcd(w->a, o, b->t[k]);
            if (mpz_cmp_ui(w->a, 1) != 0)
                mpz_swap(b->g[lo], w->a);
        }
        return;
    }
    size_t mid = split(b, lo, hi), x = k + 1, y = k + 2 * (mid - lo);
    mpz_ptr ox = slot(w, depth, 0), oy = slot(w, depth, 1);
    outside(w, ox, o, b->t[x], b->t[y]);
    outside(w, oy, o, b->t[y], b->t[x]);
    /* T_v is not needed any more: give its memory back before going down. */
    mpz_realloc2(b->t[k], 1);
    descend(b, w, x, lo, mid, ox, depth + 1);
    descend(b, w, y, mid, hi, oy, depth + 1);
}

static void work_init(struct work *w)
{
    mpz_inits(w->a, w->b, NULL);
    w->ready = 0;
}

static void work_free(struct work *w)
{
    mpz_clears(w->a, w->b, NULL);
    for (size_t d = 0; d < w->ready; d++)
        mpz_clears(w->slot[d][0], w->slot[d][1], NULL);
}

/* One half of the tree on one thread: its product subtree, or later its
 * remainder subtree. */
struct half {
    struct batch *b;
    struct work w;
    size_t k, lo, hi;
    mpz_srcptr o;            /* NULL: build; else descend from this value */
};

static void *run_half(void *arg)
{
    struct half *h = arg;
    if (h->o == NULL)
        build(h->b, h->k, h->lo, h->hi);
    else
        descend(h->b, &h->w, h->k, h->lo, h->hi, h->o, 1);
    return NULL;
}

/* Runs both halves, the first on a thread of its own when threads is set
 * (and it can be started). */
static void both(struct half *x, struct half *y, int threads)
{
    pthread_t th;
    int started = threads && pthread_create(&th, NULL, run_half, x) == 0;

    if (!started)
        run_half(x);
    run_half(y);
    if (started)
        pthread_join(th, NULL);
}

struct by_g {
    mpz_srcptr g;
    size_t i;
};

static int cmp_by_g(const void *p, const void *q)
{
    const struct by_g *x = p, *y = q;
    int c = mpz_cmp(x->g, y->g);
    return c != 0 ? c : (x->i > y->i) - (x->i < y->i);
}

/* For each shared modulus, the first other (in index order) it has a
 * common prime with, as long as the budget of gcds lasts; after that one
 * with the very same shared part (found in sorted order), else
 * KC_NO_PARTNER.  The budget keeps a hostile set of thousands of flagged
 * moduli from costing n^2 gcds. */
static int find_partners(struct batch *b, struct kc_gcd_hit *hits)
{
    size_t nf = 0, budget = PARTNER_BUDGET;
    size_t *flagged = malloc((b->count + 1) * sizeof *flagged);
    struct by_g *sorted = malloc((b->count + 1) * sizeof *sorted);
    mpz_t t;

    if (flagged == NULL || sorted == NULL) {
        free(flagged);
        free(sorted);
        return -1;
    }
    for (size_t i = 0; i < b->count; i++)
        if (hits[i].shared) {
            sorted[nf] = (struct by_g){ .g = b->g[i], .i = i };
            flagged[nf++] = i;
        }
    qsort(sorted, nf, sizeof *sorted, cmp_by_g);
    mpz_init(t);
    for (size_t a = 0; a < nf; a++) {
        size_t u = flagged[a];
        for (size_t c = 0; c < nf && budget > 0 && hits[u].partner == KC_NO_PARTNER; c++) {
            size_t v = flagged[c];
            if (v == u)
                continue;
            budget--;
            if (mpz_cmp(b->g[u], b->g[v]) == 0)
                hits[u].partner = v;
            else {
                mpz_gcd(t, b->g[u], b->g[v]);
                if (mpz_cmp_ui(t, 1) != 0)
                    hits[u].partner = v;
            }
        }
        if (hits[u].partner != KC_NO_PARTNER)
            continue;
        size_t lo = 0, hi = nf;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (mpz_cmp(sorted[mid].g, b->g[u]) < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        for (size_t s = lo; s < nf && mpz_cmp(sorted[s].g, b->g[u]) == 0; s++)
            if (sorted[s].i != u) {
                hits[u].partner = sorted[s].i;
                break;
            }
    }
    mpz_clear(t);
    free(flagged);
    free(sorted);
    return 0;
}

/* Splits what a flagged modulus has in common into its small factor and
 * the rest (primes of 2^16 and more, which can only come from another
 * modulus). */
static void classify(struct batch *b, size_t i, struct kc_gcd_hit *hit, int small)
{
    mpz_ptr g = b->g[i];

    if (mpz_sgn(g) == 0)
        return;
    if (small) {
        mpz_t s;
        mpz_init(s);
        mpz_gcd(s, g, kc_small_primorial());
        if (mpz_cmp_ui(s, 1) != 0)
            hit->factor = kc_smallest_small_prime(s);
        while (mpz_cmp_ui(s, 1) != 0) {
            mpz_divexact(g, g, s);
            mpz_gcd(s, g, s);
        }
        mpz_clear(s);
        if (mpz_cmp_ui(g, 1) == 0)
            mpz_set_ui(g, 0);
    }
    hit->shared = mpz_sgn(g) != 0;
}

int kc_batch_gcd_hits(const uint8_t *const *mods, const size_t *lens, size_t count,
                      unsigned flags, struct kc_gcd_hit *hits)
{
    struct batch b = { .mods = mods, .lens = lens, .count = count };
    struct half hx = { .b = &b }, hy = { .b = &b };
    int small = (flags & KC_BG_SMALL_PRIMES) != 0, rc = -1;
    size_t nodes;

    for (size_t i = 0; i < count; i++)
        hits[i] = (struct kc_gcd_hit){ .partner = KC_NO_PARTNER };
    b.m = count + (small && count > 0);
    if (b.m < 2)
        return 0;
    nodes = 2 * b.m - 1;
    b.pre = malloc((b.m + 1) * sizeof *b.pre);
    b.t = malloc(nodes * sizeof *b.t);
    b.g = malloc(count * sizeof *b.g);
    if (b.pre == NULL || b.t == NULL || b.g == NULL) {
        free(b.pre);
        free(b.t);
        free(b.g);
        return -1;
    }
    b.pre[0] = 0;
    for (size_t i = 0; i < b.m; i++)
        b.pre[i + 1] = b.pre[i] + (i < count ? (uint64_t)lens[i] * 8
                                   : mpz_sizeinbase(kc_small_primorial(), 2));
    for (size_t k = 0; k < nodes; k++)
        mpz_init(b.t[k]);
    for (size_t i = 0; i < count; i++)
        mpz_init(b.g[i]);

    int threads = !(flags & KC_BG_SERIAL) &&
                  ((flags & KC_BG_THREADS) || b.pre[b.m] >= THREAD_MIN_BITS);
    size_t mid = split(&b, 0, b.m);
    hx.k = 1;
    hx.lo = 0;
    hx.hi = mid;
    hy.k = 2 * mid;
    hy.lo = mid;
    hy.hi = b.m;
    work_init(&hx.w);
    work_init(&hy.w);
    both(&hx, &hy, threads);
    /* The root's product is never needed: outside the root there is
     * nothing, so each half starts from the other half mod itself. */
    mpz_t one, ox, oy;
    mpz_init_set_ui(one, 1);
    mpz_inits(ox, oy, NULL);
    outside(&hy.w, ox, one, b.t[hx.k], b.t[hy.k]);
    outside(&hy.w, oy, one, b.t[hy.k], b.t[hx.k]);
    hx.o = ox;
    hy.o = oy;
    both(&hx, &hy, threads);
    mpz_clears(one, ox, oy, NULL);
    work_free(&hx.w);
    work_free(&hy.w);

    for (size_t i = 0; i < count; i++)
        classify(&b, i, &hits[i], small);
    rc = find_partners(&b, hits);

    for (size_t k = 0; k < nodes; k++)
        mpz_clear(b.t[k]);
    for (size_t i = 0; i < count; i++)
        mpz_clear(b.g[i]);
    free(b.pre);
    free(b.t);
    free(b.g);
    return rc;
}

int kc_batch_gcd(const uint8_t *const *mods, const size_t *lens, size_t count,
                 unsigned char *shared)
{
    struct kc_gcd_hit *hits;

    memset(shared, 0, count);
    if (count < 2)
        return 0;
    if ((hits = malloc(count * sizeof *hits)) == NULL)
        return -1;
    int rc = kc_batch_gcd_hits(mods, lens, count, 0, hits);
    for (size_t i = 0; rc == 0 && i < count; i++)
        shared[i] = (unsigned char)hits[i].shared;
    free(hits);
    return rc;
}
