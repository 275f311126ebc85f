/* SSH wire encoding of keys: the public blob (RFC 4253 6.6, RFC 5656,
 * RFC 8709) and OpenSSH's private field order (PROTOCOL.key). */
#include "sshwire.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/param_build.h>

enum part { PART_PUBLIC, PART_PRIVATE };

static int fail_truncated(struct kk_reader *r, enum part part,
                          struct kk_error *err)
{
    kk_fail(err, KK_ERR_TRUNCATED, part == PART_PUBLIC ?
            "the key blob is truncated" : "the private key data is truncated");
    kk_error_at(err, 0, (long)r->len);
    return KK_ERR_TRUNCATED;
}

static int read_string(struct kk_reader *r, enum part part, struct kk_span *s,
                       struct kk_error *err)
{
    *s = kk_get_string(r);
    return kk_reader_ok(r) ? KK_OK : fail_truncated(r, part, err);
}

/* The buf reader fails an mpint for running out of input and for a bad
 * encoding alike; re-reading the same bytes as a plain string tells which. */
static int read_mpint(struct kk_reader *r, enum part part, const char *what,
                      struct kk_span *s, struct kk_error *err)
{
    struct kk_reader again = *r;

    *s = kk_get_mpint(r);
    if (kk_reader_ok(r))
        return KK_OK;
    (void)kk_get_string(&again);
    if (!kk_reader_ok(&again))
        return fail_truncated(r, part, err);
    kk_fail(err, KK_ERR_FORMAT, "the %s is not a valid SSH mpint", what);
    kk_error_at(err, 0, (long)again.pos);
    return KK_ERR_FORMAT;
}

static unsigned long long span_bits(struct kk_span s)
{
    unsigned long long bits;
    uint8_t top;

    if (s.len == 0)
        return 0;
    bits = (unsigned long long)(s.len - 1) * 8;
    for (top = s.ptr[0]; top != 0; top >>= 1)
        bits++;
    return bits;
}

/* Before any number is built, so a hostile modulus costs nothing. */
static int check_size_cap(const char *what, struct kk_span n,
                          const struct kk_limits *lim, struct kk_error *err)
{
    unsigned long long bits = span_bits(n);

    if (bits <= lim->rsa_max_bits)
        return KK_OK;
    kk_fail(err, KK_ERR_CAP, "%s key of %llu bits is larger than the limit of %u bits",
            what, bits, lim->rsa_max_bits);
    kk_hint(err, "raise the limit with --max-rsa-bits");
    return KK_ERR_CAP;
}

/* ---- building EVP_PKEYs from wire fields ---------------------------- */

struct builder {
    OSSL_PARAM_BLD *bld;
    BIGNUM *bns[8];      /* owned until the params are made */
    size_t nbns;
    int failed;
};

static BIGNUM *builder_new_bn(struct builder *b, int secret)
{
    BIGNUM *bn;

    if (b->failed || b->nbns == sizeof(b->bns) / sizeof(b->bns[0])) {
        b->failed = 1;
        return NULL;
    }
    bn = secret ? BN_secure_new() : BN_new();
    if (bn == NULL) {
        b->failed = 1;
        return NULL;
    }
    b->bns[b->nbns++] = bn;
    if (secret)
        BN_set_flags(bn, BN_FLG_CONSTTIME);
    return bn;
}

/* Pushes the number s as parameter `name`; the BIGNUM stays owned by b. */
static BIGNUM *builder_bn(struct builder *b, const char *name, struct kk_span s,
                          int secret)
{
    BIGNUM *bn = builder_new_bn(b, secret);

    if (bn == NULL)
        return NULL;
    if (s.len == 0)
        BN_zero(bn);
    else if (s.len > INT_MAX || BN_bin2bn(s.ptr, (int)s.len, bn) == NULL)
        b->failed = 1;
    if (!b->failed && !OSSL_PARAM_BLD_push_BN(b->bld, name, bn))
        b->failed = 1;
    return b->failed ? NULL : bn;
}

static void builder_free(struct builder *b)
{
    for (size_t i = 0; i < b->nbns; i++)
        BN_clear_free(b->bns[i]);
    OSSL_PARAM_BLD_free(b->bld);
}

static EVP_PKEY *fromdata(const char *alg, int selection, const OSSL_PARAM *params)
{
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, alg, NULL);
    EVP_PKEY *pkey = NULL;

    if (ctx == NULL || EVP_PKEY_fromdata_init(ctx) != 1 ||
        EVP_PKEY_fromdata(ctx, &pkey, selection, (OSSL_PARAM *)params) != 1) {
        EVP_PKEY_free(pkey);
        pkey = NULL;
    }
    EVP_PKEY_CTX_free(ctx);
    return pkey;
}

/* The key from what b holds (NULL if anything failed); frees b either way. */
static EVP_PKEY *builder_finish(struct builder *b, const char *alg, int priv)
{
    OSSL_PARAM *params = NULL;
    EVP_PKEY *pkey = NULL;

    if (!b->failed && (params = OSSL_PARAM_BLD_to_param(b->bld)) != NULL)
        pkey = fromdata(alg, priv ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY, params);
    OSSL_PARAM_free(params);
    builder_free(b);
    return pkey;
}

/* Fields as they sit in the input; spans point into the caller's bytes. */
struct fields {
    enum kk_key_type type;
    struct kk_span n, e, d, iqmp, p, q;      /* RSA */
    struct kk_span dp, dq, dg, dy, dx;       /* DSA */
    struct kk_span point, scalar;            /* ECDSA */
    struct kk_span pub, seed_pub;            /* EdDSA: A, and k||A */
};

/* OpenSSL's RSA import needs the CRT exponents, which OpenSSH files leave
 * out: d mod (p-1) and d mod (q-1). */
static int push_crt_exponents(struct builder *b, const BIGNUM *d,
                              const BIGNUM *p, const BIGNUM *q)
{
    BN_CTX *bnctx = BN_CTX_secure_new();
    BIGNUM *t = BN_secure_new();
    BIGNUM *dmp1 = builder_new_bn(b, 1);
    BIGNUM *dmq1 = builder_new_bn(b, 1);
    int ok = 0;

    if (bnctx == NULL || t == NULL || dmp1 == NULL || dmq1 == NULL)
        goto out;
    BN_set_flags(t, BN_FLG_CONSTTIME);
    /* p, q <= 1 would make the moduli below zero; such a key is refused. */
    if (BN_cmp(p, BN_value_one()) <= 0 || BN_cmp(q, BN_value_one()) <= 0)
        goto out;
    ok = BN_sub(t, p, BN_value_one()) && BN_mod(dmp1, d, t, bnctx) &&
         BN_sub(t, q, BN_value_one()) && BN_mod(dmq1, d, t, bnctx) &&
         OSSL_PARAM_BLD_push_BN(b->bld, OSSL_PKEY_PARAM_RSA_EXPONENT1, dmp1) &&
         OSSL_PARAM_BLD_push_BN(b->bld, OSSL_PKEY_PARAM_RSA_EXPONENT2, dmq1);
out:
    BN_clear_free(t);
    BN_CTX_free(bnctx);
    if (!ok)
        b->failed = 1;
    return ok;
}

static EVP_PKEY *build_rsa(const struct fields *f, int priv)
{
    struct builder b = { .bld = OSSL_PARAM_BLD_new() };

    if (b.bld == NULL)
        return NULL;
    builder_bn(&b, OSSL_PKEY_PARAM_RSA_N, f->n, 0);
    builder_bn(&b, OSSL_PKEY_PARAM_RSA_E, f->e, 0);
    if (priv) {
        BIGNUM *d = builder_bn(&b, OSSL_PKEY_PARAM_RSA_D, f->d, 1);
        BIGNUM *p = builder_bn(&b, OSSL_PKEY_PARAM_RSA_FACTOR1, f->p, 1);
        BIGNUM *q = builder_bn(&b, OSSL_PKEY_PARAM_RSA_FACTOR2, f->q, 1);
        builder_bn(&b, OSSL_PKEY_PARAM_RSA_COEFFICIENT1, f->iqmp, 1);
        if (!b.failed)
            push_crt_exponents(&b, d, p, q);
    }
    return builder_finish(&b, "RSA", priv);
}

static EVP_PKEY *build_dsa(const struct fields *f, int priv)
{
    struct builder b = { .bld = OSSL_PARAM_BLD_new() };

    if (b.bld == NULL)
        return NULL;
    builder_bn(&b, OSSL_PKEY_PARAM_FFC_P, f->dp, 0);
    builder_bn(&b, OSSL_PKEY_PARAM_FFC_Q, f->dq, 0);
    builder_bn(&b, OSSL_PKEY_PARAM_FFC_G, f->dg, 0);
    builder_bn(&b, OSSL_PKEY_PARAM_PUB_KEY, f->dy, 0);
    if (priv)
        builder_bn(&b, OSSL_PKEY_PARAM_PRIV_KEY, f->dx, 1);
    return builder_finish(&b, "DSA", priv);
}

static EVP_PKEY *build_ec(const struct fields *f, int priv)
{
    struct builder b = { .bld = OSSL_PARAM_BLD_new() };

    if (b.bld == NULL)
        return NULL;
    if (!OSSL_PARAM_BLD_push_utf8_string(b.bld, OSSL_PKEY_PARAM_GROUP_NAME,
                                         kk_key_type_curve(f->type), 0) ||
        !OSSL_PARAM_BLD_push_octet_string(b.bld, OSSL_PKEY_PARAM_PUB_KEY,
                                          f->point.ptr, f->point.len))
        b.failed = 1;
    if (priv)
        builder_bn(&b, OSSL_PKEY_PARAM_PRIV_KEY, f->scalar, 1);
    return builder_finish(&b, "EC", priv);
}

static EVP_PKEY *build_ed(const struct fields *f, int priv)
{
    /* Built by hand rather than with OSSL_PARAM_BLD, whose non-BIGNUM
     * parameters land in memory that is freed without being wiped. */
    OSSL_PARAM params[3];
    size_t n = 0;

    params[n++] = OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY,
                                                    (void *)f->pub.ptr, f->pub.len);
    if (priv)
        params[n++] = OSSL_PARAM_construct_octet_string(
            OSSL_PKEY_PARAM_PRIV_KEY, (void *)f->seed_pub.ptr, f->pub.len);
    params[n] = OSSL_PARAM_construct_end();
    return fromdata(f->type == KK_KEY_ED25519 ? "ED25519" : "ED448",
                    priv ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY, params);
}

/* ---- reading ------------------------------------------------------------ */

static size_t ec_field_bytes(enum kk_key_type type)
{
    return type == KK_KEY_ECDSA_P256 ? 32 : type == KK_KEY_ECDSA_P384 ? 48 : 66;
}

static size_t ed_pub_bytes(enum kk_key_type type)
{
    return type == KK_KEY_ED25519 ? 32 : 57;
}

static const char *ed_name(enum kk_key_type type)
{
    return type == KK_KEY_ED25519 ? "Ed25519" : "Ed448";
}

static int check_ec_fields(const struct fields *f, struct kk_error *err)
{
    size_t plen = 1 + 2 * ec_field_bytes(f->type);

    if (f->point.len != plen)
        return kk_fail(err, KK_ERR_BAD_KEY,
                       "ECDSA public point has %zu bytes, expected %zu",
                       f->point.len, plen);
    if (f->point.ptr[0] != 0x04)
        return kk_fail(err, KK_ERR_BAD_KEY,
                       "ECDSA public point is not in uncompressed form");
    return KK_OK;
}

static int check_curve_name(const struct fields *f, struct kk_span curve,
                            struct kk_error *err)
{
    const char *want = kk_key_type_ssh_curve(f->type);
    char shown[200];

    if (curve.len == strlen(want) && memcmp(curve.ptr, want, curve.len) == 0)
        return KK_OK;
    kk_escape(curve.ptr, curve.len, shown, sizeof(shown));
    return kk_fail(err, KK_ERR_FORMAT, "curve name '%s' does not match key type %s",
                   shown, kk_key_type_ssh_name(f->type));
}

/* Reads the public fields in wire order (RSA: e n) and checks the sizes
 * that decide what building the key will cost. */
static int read_public(struct kk_reader *r, struct fields *f, enum part part,
                       const struct kk_limits *lim, struct kk_error *err)
{
    struct kk_span curve;
    int rc;

    switch (f->type) {
    case KK_KEY_RSA:
        if ((rc = read_mpint(r, part, "RSA exponent", &f->e, err)) != KK_OK ||
            (rc = read_mpint(r, part, "RSA modulus", &f->n, err)) != KK_OK)
            return rc;
        return check_size_cap("RSA", f->n, lim, err);
    case KK_KEY_DSA:
        if ((rc = read_mpint(r, part, "DSA p", &f->dp, err)) != KK_OK ||
            (rc = read_mpint(r, part, "DSA q", &f->dq, err)) != KK_OK ||
            (rc = read_mpint(r, part, "DSA g", &f->dg, err)) != KK_OK ||
            (rc = read_mpint(r, part, "DSA public value", &f->dy, err)) != KK_OK)
            return rc;
        return check_size_cap("DSA", f->dp, lim, err);
    case KK_KEY_ECDSA_P256:
    case KK_KEY_ECDSA_P384:
    case KK_KEY_ECDSA_P521:
        if ((rc = read_string(r, part, &curve, err)) != KK_OK ||
            (rc = read_string(r, part, &f->point, err)) != KK_OK)
            return rc;
        if ((rc = check_curve_name(f, curve, err)) != KK_OK)
            return rc;
        return check_ec_fields(f, err);
    case KK_KEY_ED25519:
    case KK_KEY_ED448:
        if ((rc = read_string(r, part, &f->pub, err)) != KK_OK)
            return rc;
        if (f->pub.len != ed_pub_bytes(f->type))
            return kk_fail(err, KK_ERR_BAD_KEY, "%s public key has %zu bytes, expected %zu",
                           ed_name(f->type), f->pub.len, ed_pub_bytes(f->type));
        return KK_OK;
    default:
        return kk_fail(err, KK_ERR_UNSUPPORTED, "unsupported key type");
    }
}

static int build_key(const struct fields *f, int priv, struct kk_key **out,
                     struct kk_error *err)
{
    EVP_PKEY *pkey;
    int bad_scalar = 0;

    /* No private number of an RSA key is longer than its modulus, whose size
     * is capped; longer ones would only make the CRT arithmetic quadratic. */
    if (f->type == KK_KEY_RSA && priv &&
        (f->d.len > f->n.len || f->iqmp.len > f->n.len || f->p.len > f->n.len ||
         f->q.len > f->n.len))
        return kk_fail(err, KK_ERR_BAD_KEY,
                       "an RSA private value is longer than the modulus");
    /* Refusals here are reported through err; OpenSSL's queue is left as
     * it was found. */
    ERR_set_mark();
    switch (f->type) {
    case KK_KEY_RSA:
        pkey = build_rsa(f, priv);
        break;
    case KK_KEY_DSA:
        pkey = build_dsa(f, priv);
        break;
    case KK_KEY_ECDSA_P256:
    case KK_KEY_ECDSA_P384:
    case KK_KEY_ECDSA_P521:
        /* OpenSSL refuses a point off the curve already on import, and a
         * scalar out of range; building the public half alone tells which. */
        pkey = build_ec(f, priv);
        if (pkey == NULL && priv && (pkey = build_ec(f, 0)) != NULL) {
            EVP_PKEY_free(pkey);
            pkey = NULL;
            bad_scalar = 1;
        }
        break;
    default:
        pkey = build_ed(f, priv);
        break;
    }
    ERR_pop_to_mark();
    if (bad_scalar)
        return kk_fail(err, KK_ERR_BAD_KEY, "the ECDSA private scalar is out of range");
    if (pkey == NULL && kk_key_type_curve(f->type) != NULL)
        return kk_fail(err, KK_ERR_BAD_KEY, "ECDSA public point is not on the curve");
    if (pkey == NULL)
        return kk_fail(err, KK_ERR_BAD_KEY, "the %s key cannot be loaded",
                       kk_key_type_label(f->type));
    return kk_key_new(pkey, priv, out, err);
}

static int read_type(struct kk_reader *r, enum part part, enum kk_key_type *type,
                     struct kk_error *err)
{
    struct kk_span name;
    char shown[200];
    int rc;

    if ((rc = read_string(r, part, &name, err)) != KK_OK)
        return rc;
    *type = kk_key_type_from_ssh_name((const char *)name.ptr, name.len);
    if (*type != KK_KEY_UNKNOWN)
        return KK_OK;
    kk_escape(name.ptr, name.len, shown, sizeof(shown));
    return kk_fail(err, KK_ERR_UNSUPPORTED, "unknown key type '%s'", shown);
}

static int get_public(struct kk_reader *r, enum kk_key_type type,
                      const struct kk_limits *lim, struct kk_key **out,
                      struct kk_error *err)
{
    struct fields f = { .type = type };
    int rc;

    if ((rc = read_public(r, &f, PART_PUBLIC, lim, err)) != KK_OK)
        return rc;
    return build_key(&f, 0, out, err);
}

int kk_wire_get_public_fields(struct kk_reader *r, enum kk_key_type type,
                              const struct kk_limits *lim, struct kk_key **out,
                              struct kk_error *err)
{
    struct kk_limits def = kk_limits_default();
    struct kk_key *key = NULL;
    int rc;

    *out = NULL;
    if (lim == NULL)
        lim = &def;
    if ((rc = get_public(r, type, lim, &key, err)) != KK_OK)
        goto out;
    if ((rc = kk_key_validate(key, lim, err)) != KK_OK)
        goto out;
    *out = key;
    key = NULL;
out:
    kk_key_free(key);
    return rc;
}

int kk_wire_parse_public(const uint8_t *blob, size_t len,
                         const struct kk_limits *lim, struct kk_key **out,
                         struct kk_error *err)
{
    struct kk_limits def = kk_limits_default();
    struct kk_reader r;
    struct kk_key *key = NULL;
    enum kk_key_type type;
    size_t left;
    int rc;

    *out = NULL;
    if (lim == NULL)
        lim = &def;
    kk_reader_init(&r, blob, len);
    if ((rc = read_type(&r, PART_PUBLIC, &type, err)) != KK_OK ||
        (rc = get_public(&r, type, lim, &key, err)) != KK_OK)
        goto out;
    if ((left = kk_reader_left(&r)) != 0) {
        rc = kk_fail(err, KK_ERR_TRAILING, "%zu byte%s after the end of the key blob",
                     left, left == 1 ? "" : "s");
        kk_error_at(err, 0, (long)r.pos);
        goto out;
    }
    if ((rc = kk_key_validate(key, lim, err)) != KK_OK)
        goto out;
    *out = key;
    key = NULL;
out:
    kk_key_free(key);
    return rc;
}

int kk_wire_get_private(struct kk_reader *r, const struct kk_limits *lim,
                        struct kk_key **out, struct kk_error *err)
{
    const enum part P = PART_PRIVATE;
    struct kk_limits def = kk_limits_default();
    struct fields f = { .type = KK_KEY_UNKNOWN };
    struct kk_key *key = NULL;
    struct kk_span curve;
    size_t half;
    int rc;

    *out = NULL;
    if (lim == NULL)
        lim = &def;
    if ((rc = read_type(r, P, &f.type, err)) != KK_OK)
        goto out;
    switch (f.type) {
    case KK_KEY_RSA:
        if ((rc = read_mpint(r, P, "RSA modulus", &f.n, err)) != KK_OK ||
            (rc = read_mpint(r, P, "RSA exponent", &f.e, err)) != KK_OK ||
            (rc = read_mpint(r, P, "RSA private exponent", &f.d, err)) != KK_OK ||
            (rc = read_mpint(r, P, "RSA coefficient", &f.iqmp, err)) != KK_OK ||
            (rc = read_mpint(r, P, "RSA prime p", &f.p, err)) != KK_OK ||
            (rc = read_mpint(r, P, "RSA prime q", &f.q, err)) != KK_OK ||
            (rc = check_size_cap("RSA", f.n, lim, err)) != KK_OK)
            goto out;
        break;
    case KK_KEY_DSA:
        if ((rc = read_public(r, &f, P, lim, err)) != KK_OK ||
            (rc = read_mpint(r, P, "DSA private value", &f.dx, err)) != KK_OK)
            goto out;
        break;
    case KK_KEY_ECDSA_P256:
    case KK_KEY_ECDSA_P384:
    case KK_KEY_ECDSA_P521:
        if ((rc = read_string(r, P, &curve, err)) != KK_OK ||
            (rc = read_string(r, P, &f.point, err)) != KK_OK ||
            (rc = read_mpint(r, P, "ECDSA private scalar", &f.scalar, err)) != KK_OK ||
            (rc = check_curve_name(&f, curve, err)) != KK_OK ||
            (rc = check_ec_fields(&f, err)) != KK_OK)
            goto out;
        break;
    default:
        half = ed_pub_bytes(f.type);
        if ((rc = read_public(r, &f, P, lim, err)) != KK_OK ||
            (rc = read_string(r, P, &f.seed_pub, err)) != KK_OK)
            goto out;
        if (f.seed_pub.len != 2 * half) {
            rc = kk_fail(err, KK_ERR_BAD_KEY, "%s private key has %zu bytes, expected %zu",
                         ed_name(f.type), f.seed_pub.len, 2 * half);
            goto out;
        }
        /* The private string repeats the public key after the seed. */
        if (CRYPTO_memcmp(f.seed_pub.ptr + half, f.pub.ptr, half) != 0) {
            rc = kk_fail(err, KK_ERR_MISMATCH,
                         "the private key does not match its public key");
            goto out;
        }
        break;
    }
    if ((rc = build_key(&f, 1, &key, err)) != KK_OK ||
        (rc = kk_key_validate(key, lim, err)) != KK_OK ||
        (rc = kk_key_check_private(key, err)) != KK_OK)
        goto out;
    *out = key;
    key = NULL;
out:
    kk_key_free(key);
    return rc;
}

/* ---- writing ------------------------------------------------------------ */

static int put_bn(struct kk_buf *out, const BIGNUM *bn)
{
    int n = BN_num_bytes(bn);
    uint8_t *mag = OPENSSL_malloc((size_t)n + 1);
    int ok;

    if (mag == NULL)
        return -1;
    BN_bn2bin(bn, mag);
    ok = kk_buf_put_mpint(out, mag, (size_t)n);
    OPENSSL_clear_free(mag, (size_t)n + 1);
    return ok;
}

/* Appends the number named `name` as an mpint; secret numbers are fetched
 * into secure memory and wiped. */
static int put_param(struct kk_buf *out, const EVP_PKEY *pkey, const char *name,
                     int secret, struct kk_error *err)
{
    BIGNUM *bn = secret ? BN_secure_new() : NULL;
    int rc = KK_OK;

    if (secret && bn == NULL)
        return kk_fail(err, KK_ERR_NOMEM, NULL);
    if (!EVP_PKEY_get_bn_param(pkey, name, &bn))
        rc = kk_fail(err, KK_ERR_BAD_KEY, "the key has no '%s' value", name);
    else if (put_bn(out, bn) != 0)
        rc = kk_fail(err, KK_ERR_NOMEM, "cannot grow the output buffer");
    BN_clear_free(bn);
    return rc;
}

static int put_params(struct kk_buf *out, const EVP_PKEY *pkey,
                      const char *const *names, int nsecret_from,
                      struct kk_error *err)
{
    int rc = KK_OK;

    for (int i = 0; names[i] != NULL && rc == KK_OK; i++)
        rc = put_param(out, pkey, names[i], i >= nsecret_from, err);
    return rc;
}

static int put_ec_point(struct kk_buf *out, const struct kk_key *key,
                        struct kk_error *err)
{
    /* Built from the coordinates, because a key read from a file with a
     * compressed point would export "pub" compressed too. */
    size_t fb = ec_field_bytes(key->type);
    uint8_t point[1 + 2 * 66];
    BIGNUM *x = NULL, *y = NULL;
    int rc = KK_OK;

    if (!EVP_PKEY_get_bn_param(key->pkey, OSSL_PKEY_PARAM_EC_PUB_X, &x) ||
        !EVP_PKEY_get_bn_param(key->pkey, OSSL_PKEY_PARAM_EC_PUB_Y, &y) ||
        BN_bn2binpad(x, point + 1, (int)fb) < 0 ||
        BN_bn2binpad(y, point + 1 + fb, (int)fb) < 0) {
        rc = kk_fail(err, KK_ERR_BAD_KEY, "the ECDSA key has no public point");
        goto out;
    }
    point[0] = 0x04;
    if (kk_buf_put_cstring(out, kk_key_type_ssh_curve(key->type)) != 0 ||
        kk_buf_put_string(out, point, 1 + 2 * fb) != 0)
        rc = kk_fail(err, KK_ERR_NOMEM, "cannot grow the output buffer");
out:
    BN_free(x);
    BN_free(y);
    return rc;
}

static int get_ed_octets(const struct kk_key *key, const char *name, uint8_t *buf,
                         size_t want, struct kk_error *err)
{
    size_t len = 0;

    if (!EVP_PKEY_get_octet_string_param(key->pkey, name, buf, want, &len) ||
        len != want)
        return kk_fail(err, KK_ERR_BAD_KEY, "the %s key has no %s half",
                       ed_name(key->type),
                       strcmp(name, OSSL_PKEY_PARAM_PUB_KEY) == 0 ? "public" : "private");
    return KK_OK;
}

static int put_fields(const struct kk_key *key, int priv, struct kk_buf *out,
                      struct kk_error *err)
{
    static const char *const rsa_pub[] = {
        OSSL_PKEY_PARAM_RSA_E, OSSL_PKEY_PARAM_RSA_N, NULL };
    /* OpenSSH's iqmp is q^-1 mod p: OpenSSL's coefficient1 with p = factor1. */
    static const char *const rsa_priv[] = {
        OSSL_PKEY_PARAM_RSA_N, OSSL_PKEY_PARAM_RSA_E, OSSL_PKEY_PARAM_RSA_D,
        OSSL_PKEY_PARAM_RSA_COEFFICIENT1, OSSL_PKEY_PARAM_RSA_FACTOR1,
        OSSL_PKEY_PARAM_RSA_FACTOR2, NULL };
    static const char *const dsa[] = {
        OSSL_PKEY_PARAM_FFC_P, OSSL_PKEY_PARAM_FFC_Q, OSSL_PKEY_PARAM_FFC_G,
        OSSL_PKEY_PARAM_PUB_KEY, OSSL_PKEY_PARAM_PRIV_KEY, NULL };
    static const char *const dsa_pub[] = {
        OSSL_PKEY_PARAM_FFC_P, OSSL_PKEY_PARAM_FFC_Q, OSSL_PKEY_PARAM_FFC_G,
        OSSL_PKEY_PARAM_PUB_KEY, NULL };
    uint8_t pub[57], seed_pub[2 * 57];
    size_t half;
    int rc;

    if (kk_buf_put_cstring(out, kk_key_type_ssh_name(key->type)) != 0)
        return kk_fail(err, KK_ERR_NOMEM, "cannot grow the output buffer");
    switch (key->type) {
    case KK_KEY_RSA:
        return priv ? put_params(out, key->pkey, rsa_priv, 2, err)
                    : put_params(out, key->pkey, rsa_pub, 2, err);
    case KK_KEY_DSA:
        return put_params(out, key->pkey, priv ? dsa : dsa_pub, 4, err);
    case KK_KEY_ECDSA_P256:
    case KK_KEY_ECDSA_P384:
    case KK_KEY_ECDSA_P521:
        if ((rc = put_ec_point(out, key, err)) != KK_OK || !priv)
            return rc;
        return put_param(out, key->pkey, OSSL_PKEY_PARAM_PRIV_KEY, 1, err);
    case KK_KEY_ED25519:
    case KK_KEY_ED448:
        half = ed_pub_bytes(key->type);
        if ((rc = get_ed_octets(key, OSSL_PKEY_PARAM_PUB_KEY, pub, half, err)) != KK_OK)
            return rc;
        if (kk_buf_put_string(out, pub, half) != 0)
            return kk_fail(err, KK_ERR_NOMEM, "cannot grow the output buffer");
        if (!priv)
            return KK_OK;
        rc = get_ed_octets(key, OSSL_PKEY_PARAM_PRIV_KEY, seed_pub, half, err);
        if (rc == KK_OK) {
            memcpy(seed_pub + half, pub, half);
            if (kk_buf_put_string(out, seed_pub, 2 * half) != 0)
                rc = kk_fail(err, KK_ERR_NOMEM, "cannot grow the output buffer");
        }
        OPENSSL_cleanse(seed_pub, sizeof(seed_pub));
        return rc;
    default:
        return kk_fail(err, KK_ERR_UNSUPPORTED, "unsupported key type");
    }
}

int kk_wire_put_public(const struct kk_key *key, struct kk_buf *out,
                       struct kk_error *err)
{
    return put_fields(key, 0, out, err);
}

int kk_wire_put_private(const struct kk_key *key, struct kk_buf *out,
                        struct kk_error *err)
{
    BIGNUM *extra = NULL;

    if (!key->has_private)
        return kk_fail(err, KK_ERR_NOT_PRIVATE, "the key has no private half");
    if (key->type == KK_KEY_RSA &&
        EVP_PKEY_get_bn_param(key->pkey, OSSL_PKEY_PARAM_RSA_FACTOR3, &extra)) {
        BN_clear_free(extra);
        return kk_fail(err, KK_ERR_UNSUPPORTED, "multi-prime RSA keys cannot be written "
                       "in SSH form");
    }
    return put_fields(key, 1, out, err);
}

/* ---- PuTTY's private blob ----------------------------------------------- */

int kk_wire_put_private_ppk(const struct kk_key *key, struct kk_buf *out,
                            struct kk_error *err)
{
    /* iqmp is q^-1 mod p, as in OpenSSH: OpenSSL's coefficient1. */
    static const char *const rsa[] = {
        OSSL_PKEY_PARAM_RSA_D, OSSL_PKEY_PARAM_RSA_FACTOR1,
        OSSL_PKEY_PARAM_RSA_FACTOR2, OSSL_PKEY_PARAM_RSA_COEFFICIENT1, NULL };
    uint8_t seed[57];
    BIGNUM *extra = NULL;
    size_t half;
    int rc;

    if (key == NULL || !key->has_private)
        return kk_fail(err, KK_ERR_NOT_PRIVATE, "the key has no private half");
    switch (key->type) {
    case KK_KEY_RSA:
        if (EVP_PKEY_get_bn_param(key->pkey, OSSL_PKEY_PARAM_RSA_FACTOR3, &extra)) {
            BN_clear_free(extra);
            return kk_fail(err, KK_ERR_UNSUPPORTED, "multi-prime RSA keys cannot be "
                           "written in PuTTY form");
        }
        return put_params(out, key->pkey, rsa, 0, err);
    case KK_KEY_DSA:
    case KK_KEY_ECDSA_P256:
    case KK_KEY_ECDSA_P384:
    case KK_KEY_ECDSA_P521:
        return put_param(out, key->pkey, OSSL_PKEY_PARAM_PRIV_KEY, 1, err);
    case KK_KEY_ED25519:
    case KK_KEY_ED448:
        half = ed_pub_bytes(key->type);
        rc = get_ed_octets(key, OSSL_PKEY_PARAM_PRIV_KEY, seed, half, err);
        if (rc == KK_OK && kk_buf_put_string(out, seed, half) != 0)
            rc = kk_fail(err, KK_ERR_NOMEM, "cannot grow the output buffer");
        OPENSSL_cleanse(seed, sizeof(seed));
        return rc;
    default:
        return kk_fail(err, KK_ERR_UNSUPPORTED, "unsupported key type");
    }
}

int kk_wire_get_private_ppk(struct kk_reader *r, const struct kk_key *pub,
                            const struct kk_limits *lim, struct kk_key **out,
                            struct kk_error *err)
{
    const enum part P = PART_PRIVATE;
    struct kk_limits def = kk_limits_default();
    struct fields f = { .type = KK_KEY_UNKNOWN };
    struct kk_key *key = NULL;
    struct kk_buf blob;
    struct kk_reader pr;
    int rc;

    *out = NULL;
    if (lim == NULL)
        lim = &def;
    kk_buf_init(&blob, 0);
    /* The public fields come from the key's own encoding, so the spans in f
     * have something to point into. */
    if ((rc = kk_wire_put_public(pub, &blob, err)) != KK_OK)
        goto out;
    kk_reader_init(&pr, blob.data, blob.len);
    if ((rc = read_type(&pr, PART_PUBLIC, &f.type, err)) != KK_OK ||
        (rc = read_public(&pr, &f, PART_PUBLIC, lim, err)) != KK_OK)
        goto out;
    switch (f.type) {
    case KK_KEY_RSA:
        if ((rc = read_mpint(r, P, "RSA private exponent", &f.d, err)) != KK_OK ||
            (rc = read_mpint(r, P, "RSA prime p", &f.p, err)) != KK_OK ||
            (rc = read_mpint(r, P, "RSA prime q", &f.q, err)) != KK_OK ||
            (rc = read_mpint(r, P, "RSA coefficient", &f.iqmp, err)) != KK_OK)
            goto out;
        break;
    case KK_KEY_DSA:
        rc = read_mpint(r, P, "DSA private value", &f.dx, err);
        break;
    case KK_KEY_ECDSA_P256:
    case KK_KEY_ECDSA_P384:
    case KK_KEY_ECDSA_P521:
        rc = read_mpint(r, P, "ECDSA private scalar", &f.scalar, err);
        break;
    default:
        if ((rc = read_string(r, P, &f.seed_pub, err)) != KK_OK)
            goto out;
        if (f.seed_pub.len != f.pub.len)
            rc = kk_fail(err, KK_ERR_BAD_KEY, "%s private key has %zu bytes, expected %zu",
                         ed_name(f.type), f.seed_pub.len, f.pub.len);
        break;
    }
    if (rc != KK_OK)
        goto out;
    if ((rc = build_key(&f, 1, &key, err)) != KK_OK ||
        (rc = kk_key_validate(key, lim, err)) != KK_OK ||
        (rc = kk_key_check_private(key, err)) != KK_OK)
        goto out;
    if (!kk_key_public_equal(key, pub)) {
        rc = kk_fail(err, KK_ERR_MISMATCH, "the private key does not match its public key");
        goto out;
    }
    *out = key;
    key = NULL;
out:
    kk_key_free(key);
    kk_buf_free(&blob);
    return rc;
}
