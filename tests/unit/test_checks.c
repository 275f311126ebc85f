/* keycheck's analysis (checks/): weak RSA tests on moduli made here with
 * GMP, the batch GCD, findings with their columns, profiles, and a
 * bit-flip loop over a real key line. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <gmp.h>
#include "checks/check.h"
#include "core/base64.h"
#include "core/buf.h"

static gmp_randstate_t rs;

static void random_prime(mpz_t p, unsigned bits)
{
    mpz_urandomb(p, rs, bits);
    mpz_setbit(p, bits - 1);
    mpz_setbit(p, bits - 2);
    mpz_nextprime(p, p);
}

/* n as a big-endian magnitude in a malloc'd buffer. */
static uint8_t *export(const mpz_t n, size_t *len)
{
    return mpz_export(NULL, len, 1, 1, 1, 0, n);
}

static unsigned weak_of(const mpz_t n, unsigned long *factor)
{
    size_t len;
    uint8_t *b = export(n, &len);
    unsigned w = kc_weak_rsa(b, len, factor);
    free(b);
    return w;
}

static void test_weak_good(void **state)
{
    mpz_t p, q, n;
    unsigned long f;
    (void)state;
    mpz_inits(p, q, n, NULL);
    random_prime(p, 1024);
    random_prime(q, 1024);
    mpz_mul(n, p, q);
    assert_int_equal(weak_of(n, &f), KC_WEAK_NONE);
    assert_int_equal(f, 0);
    mpz_clears(p, q, n, NULL);
}

static void test_weak_small_factor(void **state)
{
    mpz_t p, n;
    unsigned long f;
    (void)state;
    mpz_inits(p, n, NULL);
    random_prime(p, 2032);
    mpz_mul_ui(n, p, 65521);      /* the largest prime below 2^16 */
    assert_true(weak_of(n, &f) & KC_WEAK_SMALL_FACTOR);
    assert_int_equal(f, 65521);
    mpz_mul_ui(n, p, 65537);      /* the first prime above: not found */
    assert_false(weak_of(n, &f) & KC_WEAK_SMALL_FACTOR);
    mpz_clears(p, n, NULL);
}

static void test_weak_close_primes(void **state)
{
    mpz_t p, q, n;
    unsigned long f;
    (void)state;
    mpz_inits(p, q, n, NULL);
    random_prime(p, 1024);
    mpz_add_ui(q, p, 1000);
    mpz_nextprime(q, q);
    mpz_mul(n, p, q);
    assert_true(weak_of(n, &f) & KC_WEAK_CLOSE_PRIMES);
    mpz_mul(n, p, p);             /* p == q */
    assert_true(weak_of(n, &f) & KC_WEAK_CLOSE_PRIMES);
    /* 2^600 apart: far beyond 100 Fermat steps */
    mpz_set_ui(q, 1);
    mpz_mul_2exp(q, q, 600);
    mpz_add(q, q, p);
    mpz_nextprime(q, q);
    mpz_mul(n, p, q);
    assert_false(weak_of(n, &f) & KC_WEAK_CLOSE_PRIMES);
    mpz_clears(p, q, n, NULL);
}

/* A prime of the shape the ROCA-affected library made: k*M + 65537^a mod M. */
static void roca_prime(mpz_t out, unsigned bits)
{
    mpz_t m, r, k;
    mpz_inits(m, r, k, NULL);
    mpz_primorial_ui(m, 167);
    do {
        mpz_urandomb(k, rs, bits - mpz_sizeinbase(m, 2));
        mpz_setbit(k, bits - mpz_sizeinbase(m, 2) - 1);
        mpz_set_ui(r, 65537);
        mpz_powm_ui(r, r, 1000 + gmp_urandomm_ui(rs, 100000), m);
        mpz_mul(out, k, m);
        mpz_add(out, out, r);
    } while (!mpz_probab_prime_p(out, 25));
    mpz_clears(m, r, k, NULL);
}

static void test_weak_roca(void **state)
{
    mpz_t p, q, n;
    unsigned long f;
    (void)state;
    mpz_inits(p, q, n, NULL);
    roca_prime(p, 512);
    roca_prime(q, 512);
    mpz_mul(n, p, q);
    assert_true(weak_of(n, &f) & KC_WEAK_ROCA);
    random_prime(q, 512);         /* one ordinary prime breaks the pattern */
    mpz_mul(n, p, q);
    assert_false(weak_of(n, &f) & KC_WEAK_ROCA);
    mpz_clears(p, q, n, NULL);
}

static void test_batch_gcd(void **state)
{
    enum { N = 9 };
    mpz_t pr[N + 1], n[N];
    uint8_t *b[N];
    size_t len[N];
    unsigned char shared[N];
    (void)state;
    for (int i = 0; i <= N; i++) {
        mpz_init(pr[i]);
        random_prime(pr[i], 512);
    }
    /* n[i] = pr[i] * a fresh prime: no two share anything... */
    for (int i = 0; i < N; i++) {
        mpz_init(n[i]);
        random_prime(pr[N], 512);
        mpz_mul(n[i], pr[i], pr[N]);
    }
    /* ...until n[6] takes pr[2] from n[2] and pr[0] from n[0]. */
    mpz_mul(n[6], pr[2], pr[0]);
    for (int i = 0; i < N; i++)
        b[i] = export(n[i], &len[i]);
    assert_int_equal(kc_batch_gcd((const uint8_t *const *)b, len, N, shared), 0);
    for (int i = 0; i < N; i++)
        assert_int_equal(shared[i], i == 2 || i == 6 || i == 0);
    assert_true(kc_share_factor(b[2], len[2], b[6], len[6]));
    assert_false(kc_share_factor(b[2], len[2], b[3], len[3]));
    assert_int_equal(kc_batch_gcd((const uint8_t *const *)b, len, 1, shared), 0);
    assert_int_equal(shared[0], 0);
    for (int i = 0; i < N; i++) {
        free(b[i]);
        mpz_clear(n[i]);
    }
    for (int i = 0; i <= N; i++)
        mpz_clear(pr[i]);
}

/* Fermat finds n = p*q when (p+q)/2 is at most 99 steps above isqrt(n)
 * (rounded up): exactly at the edge, from both sides. */
static void test_weak_fermat_edge(void **state)
{
    mpz_t p, q, n, a, d;
    unsigned long f;
    int seen_in = 0, seen_out = 0;
    (void)state;
    mpz_inits(p, q, n, a, d, NULL);
    random_prime(p, 512);
    for (unsigned long target = 20; target < 200; target += 7) {
        /* (q-p)/2 = b with b^2 ~ 2ka steps k above isqrt(n) */
        mpz_mul_ui(d, p, 2 * target);
        mpz_sqrt(d, d);
        mpz_mul_ui(d, d, 2);
        mpz_add(q, p, d);
        mpz_nextprime(q, q);
        mpz_mul(n, p, q);
        /* steps = (p+q)/2 - ceil(sqrt(n)) */
        mpz_add(a, p, q);
        mpz_fdiv_q_2exp(a, a, 1);
        mpz_sqrt(d, n);
        mpz_add_ui(d, d, 1);
        mpz_sub(d, a, d);
        unsigned long k = mpz_get_ui(d);
        int weak = (weak_of(n, &f) & KC_WEAK_CLOSE_PRIMES) != 0;
        assert_int_equal(weak, k < 100);
        seen_in |= k < 100 && k > 90;
        seen_out |= k >= 100 && k < 110;
    }
    assert_true(seen_in && seen_out);
    mpz_clears(p, q, n, a, d, NULL);
}

static void test_weak_smallest_factor(void **state)
{
    mpz_t p, n;
    unsigned long f;
    (void)state;
    mpz_inits(p, n, NULL);
    random_prime(p, 1000);
    mpz_mul_ui(n, p, 3 * 65519ul);
    assert_true(weak_of(n, &f) & KC_WEAK_SMALL_FACTOR);
    assert_int_equal(f, 3);
    mpz_mul_ui(n, p, 65519ul * 65521ul);
    assert_true(weak_of(n, &f) & KC_WEAK_SMALL_FACTOR);
    assert_int_equal(f, 65519);
    mpz_clears(p, n, NULL);
}

/* kc_batch_gcd_hits against gcds of every pair, one and two threads. */
static void test_batch_gcd_hits(void **state)
{
    enum { N = 60, NP = 200 };
    mpz_t pr[NP], n[N], g;
    uint8_t *b[N];
    size_t len[N];
    struct kc_gcd_hit h1[N], h2[N], h3[N];
    (void)state;
    mpz_init(g);
    for (int i = 0; i < NP; i++) {
        mpz_init(pr[i]);
        random_prime(pr[i], 128 + 8 * (i % 5));
    }
    /* Every 4th modulus takes its second prime from a pool of 40, so 0 and
     * 40, 4 and 44, ... share one; the others have fresh primes.  Every 5th
     * has a small factor too: 3 or 65521. */
    for (int i = 0; i < N; i++) {
        mpz_init(n[i]);
        mpz_mul(n[i], pr[i], pr[i % 4 == 0 ? N + i % 40 : N + 40 + i]);
        if (i % 5 == 0)
            mpz_mul_ui(n[i], n[i], i % 10 == 0 ? 3 : 65521);
        b[i] = export(n[i], &len[i]);
    }
    /* No duplicates allowed in a batch. */
    for (int i = 0; i < N; i++)
        for (int j = 0; j < i; j++)
            if (mpz_cmp(n[i], n[j]) == 0)
                fail_msg("duplicate modulus %d %d", i, j);
    assert_int_equal(kc_batch_gcd_hits((const uint8_t *const *)b, len, N,
                                       KC_BG_SMALL_PRIMES | KC_BG_SERIAL, h1), 0);
    assert_int_equal(kc_batch_gcd_hits((const uint8_t *const *)b, len, N,
                                       KC_BG_SMALL_PRIMES | KC_BG_THREADS, h2), 0);
    assert_int_equal(kc_batch_gcd_hits((const uint8_t *const *)b, len, N, 0, h3), 0);
    int nshared = 0, nsmall = 0;
    for (int i = 0; i < N; i++) {
        /* the truth, pairwise, with the primes below 2^16 left out */
        int big = 0, any = 0;
        for (int j = 0; j < N; j++) {
            if (j == i)
                continue;
            mpz_gcd(g, n[i], n[j]);
            any |= mpz_cmp_ui(g, 1) != 0;
            while (mpz_cmp_ui(g, 1) != 0 && mpz_divisible_ui_p(g, 3))
                mpz_divexact_ui(g, g, 3);
            while (mpz_cmp_ui(g, 1) != 0 && mpz_divisible_ui_p(g, 65521))
                mpz_divexact_ui(g, g, 65521);
            big |= mpz_cmp_ui(g, 1) != 0;
        }
        unsigned long want = i % 5 != 0 ? 0 : i % 10 == 0 ? 3 : 65521;
        assert_int_equal(h1[i].factor, want);
        assert_int_equal(h1[i].shared, big);
        assert_int_equal(h3[i].shared, any);
        assert_int_equal(h3[i].factor, 0);
        assert_int_equal(h2[i].factor, h1[i].factor);
        assert_int_equal(h2[i].shared, h1[i].shared);
        assert_int_equal(h2[i].partner, h1[i].partner);
        if (h1[i].shared) {
            size_t v = h1[i].partner;
            assert_true(v < N && v != (size_t)i);
            mpz_gcd(g, n[i], n[v]);
            assert_true(mpz_sizeinbase(g, 2) > 100);
            /* the first such modulus in index order */
            for (size_t j = 0; j < v; j++) {
                if (j == (size_t)i)
                    continue;
                mpz_gcd(g, n[i], n[j]);
                assert_true(mpz_sizeinbase(g, 2) <= 17);
            }
        } else {
            assert_int_equal(h1[i].partner, KC_NO_PARTNER);
        }
        nshared += h1[i].shared;
        nsmall += h1[i].factor != 0;
    }
    assert_int_equal(nshared, 10);
    assert_int_equal(nsmall, N / 5);
    /* One modulus: its small factor still comes out. */
    assert_int_equal(kc_batch_gcd_hits((const uint8_t *const *)b, len, 1,
                                       KC_BG_SMALL_PRIMES, h1), 0);
    assert_int_equal(h1[0].factor, 3);
    assert_false(h1[0].shared);
    for (int i = 0; i < N; i++) {
        free(b[i]);
        mpz_clear(n[i]);
    }
    for (int i = 0; i < NP; i++)
        mpz_clear(pr[i]);
    mpz_clear(g);
}

/* ---- findings ---- */

static const char *ED =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINrpHo+9pq41J+4X3CaeVuHWrur1c9/wJp+gYgvUmLoU me@host";

static struct kc_file run(const char *text, enum kc_mode mode, const char *profile)
{
    struct kc_opts o = { .mode = mode, .weak = 1, .want_fix = 1,
                         .profile = profile ? kc_profile_by_name(profile) : NULL };
    struct kc_file f;
    struct kk_error err;
    kc_file_init(&f, "t");
    assert_int_equal(kc_check_buffer((const uint8_t *)text, strlen(text), &o, &f, &err), KK_OK);
    return f;
}

static const struct kc_finding *has(const struct kc_file *f, const char *id)
{
    for (size_t i = 0; i < f->nfindings; i++)
        if (strcmp(f->findings[i].id, id) == 0)
            return &f->findings[i];
    return NULL;
}

static void test_good_line(void **state)
{
    char text[256];
    (void)state;
    snprintf(text, sizeof text, "%s\n", ED);
    struct kc_file f = run(text, KC_MODE_SINGLE, NULL);
    assert_int_equal(f.nfindings, 0);
    assert_int_equal(f.nkeys, 1);
    assert_string_equal(f.keys[0].type, "ssh-ed25519");
    assert_int_equal(f.keys[0].bits, 256);
    assert_string_equal(f.keys[0].comment, "me@host");
    assert_non_null(f.fixed);
    assert_string_equal(f.fixed, text);
    kc_file_free(&f);
}

static void test_findings_columns(void **state)
{
    struct { const char *text; enum kc_mode mode; const char *id; long line, col; } cases[] = {
        { "", KC_MODE_SINGLE, "empty-file", 0, 0 },
        { "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINrpHo+9pq41J+4X3CaeVuHWrur1c9/wJp+gYgvUmLoU\r\n",
          KC_MODE_SINGLE, "crlf", 1, 81 },
        { "ssh-ed25519 AAAAC3Nz!C1lZDI1NTE5AAAAINrpHo+9pq41J+4X3CaeVuHWrur1c9/wJp+gYgvUmLoU\n",
          KC_MODE_SINGLE, "bad-base64", 1, 21 },
        { "ssh-dsa AAAA\n", KC_MODE_SINGLE, "unknown-type", 1, 1 },
        { "  ssh-ed25519\n", KC_MODE_SINGLE, "missing-base64", 1, 14 },
        { "ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAINrpHo+9pq41J+4X3CaeVuHWrur1c9/wJp+gYgvUmLoU\n",
          KC_MODE_SINGLE, "type-mismatch", 1, 1 },
        { "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINrpHo+9pq41J+4X3CaeVuHWrur1c9/wJp+gYgvU\n",
          KC_MODE_SINGLE, "truncated-blob", 1, 13 },
        { "bogus,no-pty ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINrpHo+9pq41J+4X3CaeVuHWrur1c9/wJp+gYgvUmLoU\n",
          KC_MODE_AUTHORIZED, "unknown-option", 1, 1 },
        { "command=\"x ssh-ed25519 AAAA\n", KC_MODE_AUTHORIZED, "unterminated-quote", 1, 9 },
        { "-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbg==\n-----END OPENSSH PRIVATE KEY-----\n",
          KC_MODE_SINGLE, "private-key", 1, 1 },
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct kc_file f = run(cases[i].text, cases[i].mode, NULL);
        const struct kc_finding *x = has(&f, cases[i].id);
        if (x == NULL)
            fail_msg("case %zu: no %s", i, cases[i].id);
        assert_int_equal(x->line, cases[i].line);
        assert_int_equal(x->col, cases[i].col);
        assert_int_equal(x->level, KC_ERROR);
        assert_non_null(kc_rule_by_id(x->id));
        kc_file_free(&f);
    }
}

static void test_fix(void **state)
{
    (void)state;
    struct kc_file f = run("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINrpHo+9pq41\n"
                           "J+4X3CaeVuHWrur1c9/wJp+gYgvUmLoU me@host\r\n", KC_MODE_SINGLE, NULL);
    assert_non_null(has(&f, "wrapped-key"));
    assert_non_null(f.fixed);
    char want[256];
    snprintf(want, sizeof want, "%s\n", ED);
    assert_string_equal(f.fixed, want);
    kc_file_free(&f);
    /* Never for a broken key. */
    f = run("ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAINrpHo+9pq41J+4X3CaeVuHWrur1c9/wJp+gYgvUmLoU\r\n",
            KC_MODE_SINGLE, NULL);
    assert_null(f.fixed);
    kc_file_free(&f);
}

/* "ssh-rsa BASE64 comment\n" for modulus n, with extra bytes after the blob. */
static void rsa_line(struct kk_buf *out, const mpz_t n, size_t extra, const char *comment)
{
    uint8_t blob[2200];
    size_t len, o = 0;
    uint8_t *mag = export(n, &len);
    int lead = (mag[0] & 0x80) != 0;
    static const uint8_t head[] = { 0, 0, 0, 7, 's', 's', 'h', '-', 'r', 's', 'a',
                                    0, 0, 0, 3, 1, 0, 1 };
    memcpy(blob, head, sizeof head);
    o = sizeof head;
    size_t ml = len + (size_t)lead;
    blob[o++] = (uint8_t)(ml >> 24);
    blob[o++] = (uint8_t)(ml >> 16);
    blob[o++] = (uint8_t)(ml >> 8);
    blob[o++] = (uint8_t)ml;
    if (lead)
        blob[o++] = 0;
    memcpy(blob + o, mag, len);
    o += len;
    memset(blob + o, 0, extra);
    o += extra;
    free(mag);
    assert_int_equal(kk_buf_put(out, "ssh-rsa ", 8), 0);
    assert_int_equal(kk_base64_encode(blob, o, out), 0);
    assert_int_equal(kk_buf_put(out, " ", 1), 0);
    assert_int_equal(kk_buf_put(out, comment, strlen(comment)), 0);
    assert_int_equal(kk_buf_put(out, "\n", 1), 0);
}

static struct kc_file check_all(const struct kk_buf *text, int batch)
{
    struct kc_opts o = { .mode = KC_MODE_AUTHORIZED, .weak = 1, .want_fix = 1,
                         .batch_small_factor = batch };
    struct kc_file f;
    struct kk_error err;
    kc_file_init(&f, "t");
    assert_int_equal(kc_check_buffer(text->data, text->len, &o, &f, &err), KK_OK);
    assert_int_equal(kc_check_shared_primes(&f, 1, &err), KK_OK);
    kc_file_sort(&f);
    return f;
}

/* The small-factor test left to the batch GCD gives the very findings the
 * per-key test gives, in the same order. */
static void test_small_factor_in_batch(void **state)
{
    mpz_t p, q, r, n;
    struct kk_buf text;
    (void)state;
    mpz_inits(p, q, r, n, NULL);
    kk_buf_init(&text, 0);
    random_prime(p, 1024);
    random_prime(q, 1024);
    random_prime(r, 1008);
    mpz_mul(n, p, q);
    rsa_line(&text, n, 0, "plain");
    mpz_mul(n, p, r);
    mpz_mul_ui(n, n, 65521);            /* small factor, and p shared with line 1 */
    rsa_line(&text, n, 0, "small-shared");
    rsa_line(&text, n, 2, "small-trailing");
    random_prime(q, 1024);
    random_prime(r, 1008);
    mpz_mul(n, q, r);
    mpz_mul_ui(n, n, 65519);
    rsa_line(&text, n, 0, "small");
    struct kc_file a = check_all(&text, 0), b = check_all(&text, 1);
    assert_int_equal(a.nfindings, b.nfindings);
    for (size_t i = 0; i < a.nfindings; i++) {
        assert_string_equal(a.findings[i].id, b.findings[i].id);
        assert_int_equal(a.findings[i].line, b.findings[i].line);
        assert_int_equal(a.findings[i].col, b.findings[i].col);
        assert_string_equal(a.findings[i].msg, b.findings[i].msg);
    }
    /* Line 1 shares p with line 2, which has a small factor (said once);
     * line 3 is line 2 with bytes after the blob (kept out of the batch,
     * tested on its own); line 4 has a small factor only. */
    const char *want[][2] = {
        { "1", "rsa-shared-prime" }, { "1", "rsa-below-3072" },
        { "2", "rsa-below-3072" }, { "2", "rsa-small-factor" },
        { "3", "rsa-below-3072" }, { "3", "rsa-small-factor" }, { "3", "trailing-bytes" },
        { "4", "rsa-below-3072" }, { "4", "rsa-small-factor" },
    };
    assert_int_equal(b.nfindings, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < b.nfindings; i++) {
        assert_int_equal(b.findings[i].line, atol(want[i][0]));
        assert_string_equal(b.findings[i].id, want[i][1]);
    }
    assert_non_null(strstr(b.findings[0].msg, "the key on line 2"));
    assert_non_null(strstr(b.findings[3].msg, "divisible by 65521"));
    assert_non_null(strstr(b.findings[8].msg, "divisible by 65519"));
    for (size_t i = 0; i < b.nkeys; i++)
        assert_false(b.keys[i].small_pending);
    kc_file_free(&a);
    kc_file_free(&b);
    kk_buf_free(&text);
    mpz_clears(p, q, r, n, NULL);
}

/* --fix outside single-key mode: records, and what kc_file_fix keeps. */
static void test_fix_lines(void **state)
{
    static const char text[] =
        "# keys\n"
        "\n"
        "no-pty ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINrpHo+9pq41J+4X3CaeVuHWrur1c9/wJp+gYgvUmLoU a\r\n"
        "ssh-foo AAAA x\n"
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINrpHo+9pq41\n"
        "J+4X3CaeVuHWrur1c9/wJp+gYgvUmLoU b  \n"
        "bogus ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINrpHo+9pq41J+4X3CaeVuHWrur1c9/wJp+gYgvUmLoU c";
    struct kc_file f = run(text, KC_MODE_AUTHORIZED, NULL);
    struct kk_error err;
    (void)state;
    assert_int_equal(kc_check_shared_primes(&f, 1, &err), KK_OK);
    assert_int_equal(f.nrecs, 6);
    assert_int_equal(kc_file_fix(&f), 2);
    assert_string_equal(f.fixed,
        "# keys\n"
        "\n"
        "no-pty ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINrpHo+9pq41J+4X3CaeVuHWrur1c9/wJp+gYgvUmLoU a\n"
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINrpHo+9pq41J+4X3CaeVuHWrur1c9/wJp+gYgvUmLoU b\n");
    assert_true(f.recs[3].dropped);
    assert_int_equal(f.recs[3].first, 4);
    assert_int_equal(f.recs[4].first, 5);
    assert_int_equal(f.recs[4].last, 6);
    assert_false(f.recs[4].dropped);
    assert_true(f.recs[5].dropped);
    const struct kc_finding *w = has(&f, "wrapped-key");
    assert_non_null(w);
    assert_int_equal(w->line, 6);
    assert_true(w->fixable);
    kc_file_free(&f);
    /* Nothing is recorded without want_fix, or in single-key mode. */
    f = run(ED, KC_MODE_SINGLE, NULL);
    assert_int_equal(f.nrecs, 0);
    kc_file_free(&f);
}

static void test_profiles(void **state)
{
    (void)state;
    assert_string_equal(kc_profiles[0]->name, "default");
    assert_null(kc_profile_by_name("nope"));
    for (size_t i = 0; kc_profiles[i] != NULL; i++) {
        assert_ptr_equal(kc_profile_by_name(kc_profiles[i]->name), kc_profiles[i]);
        assert_true(strlen(kc_profiles[i]->summary) > 10);
    }
    struct kc_file f = run(ED, KC_MODE_SINGLE, "cisco-csr1000v");
    assert_non_null(has(&f, "profile-type"));
    kc_file_free(&f);
    f = run(ED, KC_MODE_SINGLE, "github");
    assert_int_equal(f.nfindings, 0);
    kc_file_free(&f);
}

static void test_rules_unique(void **state)
{
    (void)state;
    for (size_t i = 0; i < kc_nrules; i++)
        for (size_t j = i + 1; j < kc_nrules; j++)
            assert_string_not_equal(kc_rules[i].id, kc_rules[j].id);
}

/* Every single-byte change of a good line: no crash, findings located on
 * the line, and a change inside the base64 never passes silently unless
 * it decodes to a valid key. */
static void test_bitflip(void **state)
{
    char text[256];
    size_t n = strlen(ED);
    (void)state;
    for (size_t i = 0; i < n; i++) {
        for (int bit = 0; bit < 8; bit++) {
            memcpy(text, ED, n + 1);
            text[i] = (char)(text[i] ^ (1 << bit));
            if (text[i] == '\0')
                continue;
            struct kc_file f = run(text, KC_MODE_SINGLE, NULL);
            for (size_t k = 0; k < f.nfindings; k++) {
                assert_true(f.findings[k].line <= 2);   /* a flip can make a '\n' */
                assert_true(f.findings[k].col <= (long)n + 1);
                for (const char *p = f.findings[k].msg; *p; p++)
                    assert_true((unsigned char)*p >= 0x20 && (unsigned char)*p < 0x7f);
            }
            kc_file_free(&f);
        }
    }
    for (size_t cut = 0; cut < n; cut++) {
        memcpy(text, ED, cut);
        text[cut] = '\0';
        struct kc_file f = run(text, KC_MODE_AUTHORIZED, NULL);
        kc_file_free(&f);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_weak_good),
        cmocka_unit_test(test_weak_small_factor),
        cmocka_unit_test(test_weak_close_primes),
        cmocka_unit_test(test_weak_roca),
        cmocka_unit_test(test_batch_gcd),
        cmocka_unit_test(test_weak_fermat_edge),
        cmocka_unit_test(test_weak_smallest_factor),
        cmocka_unit_test(test_batch_gcd_hits),
        cmocka_unit_test(test_good_line),
        cmocka_unit_test(test_findings_columns),
        cmocka_unit_test(test_fix),
        cmocka_unit_test(test_small_factor_in_batch),
        cmocka_unit_test(test_fix_lines),
        cmocka_unit_test(test_profiles),
        cmocka_unit_test(test_rules_unique),
        cmocka_unit_test(test_bitflip),
    };
    gmp_randinit_default(rs);
    gmp_randseed_ui(rs, 6);
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    gmp_randclear(rs);
    return rc;
}
