/* kk_key: the in-memory key, its names, sizes and sanity checks. */
#include "key.h"

#include <stdlib.h>
#include <string.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>

#include "buf.h"
#include "sshwire.h"

struct type_info {
    enum kk_key_type type;
    const char *ssh_name;
    const char *label;
    const char *curve;      /* OpenSSL group name */
    const char *ssh_curve;
};

static const struct type_info types[] = {
    { .type = KK_KEY_RSA, .ssh_name = "ssh-rsa", .label = "RSA" },
    { .type = KK_KEY_DSA, .ssh_name = "ssh-dss", .label = "DSA" },
    { .type = KK_KEY_ECDSA_P256, .ssh_name = "ecdsa-sha2-nistp256",
      .label = "ECDSA", .curve = "P-256", .ssh_curve = "nistp256" },
    { .type = KK_KEY_ECDSA_P384, .ssh_name = "ecdsa-sha2-nistp384",
      .label = "ECDSA", .curve = "P-384", .ssh_curve = "nistp384" },
    { .type = KK_KEY_ECDSA_P521, .ssh_name = "ecdsa-sha2-nistp521",
      .label = "ECDSA", .curve = "P-521", .ssh_curve = "nistp521" },
    { .type = KK_KEY_ED25519, .ssh_name = "ssh-ed25519", .label = "ED25519" },
    { .type = KK_KEY_ED448, .ssh_name = "ssh-ed448", .label = "ED448" },
};

#define NTYPES (sizeof(types) / sizeof(types[0]))

static const struct type_info *info_of(enum kk_key_type type)
{
    for (size_t i = 0; i < NTYPES; i++)
        if (types[i].type == type)
            return &types[i];
    return NULL;
}

const char *kk_key_type_ssh_name(enum kk_key_type type)
{
    const struct type_info *ti = info_of(type);
    return ti ? ti->ssh_name : NULL;
}

const char *kk_key_type_label(enum kk_key_type type)
{
    const struct type_info *ti = info_of(type);
    return ti ? ti->label : NULL;
}

const char *kk_key_type_curve(enum kk_key_type type)
{
    const struct type_info *ti = info_of(type);
    return ti ? ti->curve : NULL;
}

const char *kk_key_type_ssh_curve(enum kk_key_type type)
{
    const struct type_info *ti = info_of(type);
    return ti ? ti->ssh_curve : NULL;
}

enum kk_key_type kk_key_type_from_ssh_name(const char *name, size_t len)
{
    if (name == NULL)
        return KK_KEY_UNKNOWN;
    for (size_t i = 0; i < NTYPES; i++)
        if (strlen(types[i].ssh_name) == len &&
            memcmp(types[i].ssh_name, name, len) == 0)
            return types[i].type;
    return KK_KEY_UNKNOWN;
}

/* OpenSSL reports canonical short names ("prime256v1"), but keys built from
 * parameters may carry the NIST alias, so both spellings are accepted. */
static enum kk_key_type ec_type_of(const char *group)
{
    static const struct {
        const char *name;
        enum kk_key_type type;
    } groups[] = {
        { "prime256v1", KK_KEY_ECDSA_P256 }, { "P-256", KK_KEY_ECDSA_P256 },
        { "secp256r1", KK_KEY_ECDSA_P256 },
        { "secp384r1", KK_KEY_ECDSA_P384 }, { "P-384", KK_KEY_ECDSA_P384 },
        { "secp521r1", KK_KEY_ECDSA_P521 }, { "P-521", KK_KEY_ECDSA_P521 },
    };
    for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
        if (strcmp(groups[i].name, group) == 0)
            return groups[i].type;
    return KK_KEY_UNKNOWN;
}

static int type_of_pkey(const EVP_PKEY *pkey, enum kk_key_type *type,
                        struct kk_error *err)
{
    char group[80];
    size_t glen = 0;

    switch (EVP_PKEY_get_base_id(pkey)) {
    case EVP_PKEY_RSA:
        *type = KK_KEY_RSA;
        return KK_OK;
    case EVP_PKEY_DSA:
        *type = KK_KEY_DSA;
        return KK_OK;
    case EVP_PKEY_ED25519:
        *type = KK_KEY_ED25519;
        return KK_OK;
    case EVP_PKEY_ED448:
        *type = KK_KEY_ED448;
        return KK_OK;
    case EVP_PKEY_EC:
        ERR_set_mark();
        if (!EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME,
                                            group, sizeof(group), &glen)) {
            ERR_pop_to_mark();
            return kk_fail(err, KK_ERR_UNSUPPORTED,
                           "unsupported elliptic curve with explicit parameters");
        }
        ERR_pop_to_mark();
        *type = ec_type_of(group);
        if (*type == KK_KEY_UNKNOWN)
            return kk_fail(err, KK_ERR_UNSUPPORTED,
                           "unsupported elliptic curve %s", group);
        return KK_OK;
    default: {
        const char *name = EVP_PKEY_get0_type_name(pkey);
        return kk_fail(err, KK_ERR_UNSUPPORTED, "unsupported key algorithm %s",
                       name ? name : "(unknown)");
    }
    }
}

int kk_key_new(EVP_PKEY *pkey, int has_private, struct kk_key **out,
               struct kk_error *err)
{
    struct kk_key *key = NULL;
    enum kk_key_type type = KK_KEY_UNKNOWN;
    int rc;

    *out = NULL;
    if (pkey == NULL)
        return kk_fail(err, KK_ERR_INTERNAL, "kk_key_new given no key");
    if ((rc = type_of_pkey(pkey, &type, err)) != KK_OK)
        goto out;
    key = calloc(1, sizeof(*key));
    if (key == NULL || (key->comment = calloc(1, 1)) == NULL) {
        rc = kk_fail(err, KK_ERR_NOMEM, NULL);
        goto out;
    }
    key->type = type;
    key->pkey = pkey;
    key->has_private = has_private ? 1 : 0;
    pkey = NULL;
    *out = key;
    key = NULL;
    rc = KK_OK;
out:
    EVP_PKEY_free(pkey);
    kk_key_free(key);
    return rc;
}

void kk_key_free(struct kk_key *key)
{
    if (key == NULL)
        return;
    if (key->comment != NULL) {
        OPENSSL_cleanse(key->comment, strlen(key->comment));
        free(key->comment);
    }
    EVP_PKEY_free(key->pkey);
    free(key);
}

int kk_key_set_comment(struct kk_key *key, const char *text, size_t len,
                       struct kk_error *err)
{
    char *copy;

    if (len > 0 && memchr(text, '\0', len) != NULL)
        return kk_fail(err, KK_ERR_FORMAT, "the key comment contains a NUL byte");
    if (len == SIZE_MAX || (copy = malloc(len + 1)) == NULL)
        return kk_fail(err, KK_ERR_NOMEM, NULL);
    if (len > 0)
        memcpy(copy, text, len);
    copy[len] = '\0';
    if (key->comment != NULL) {
        OPENSSL_cleanse(key->comment, strlen(key->comment));
        free(key->comment);
    }
    key->comment = copy;
    return KK_OK;
}

/* Names that carry only public material; anything else an export yields
 * (private exponents, factors, seeds) is left behind by the copy. */
static int is_public_param(const char *name)
{
    static const char *const names[] = {
        OSSL_PKEY_PARAM_RSA_N, OSSL_PKEY_PARAM_RSA_E,
        OSSL_PKEY_PARAM_FFC_P, OSSL_PKEY_PARAM_FFC_Q, OSSL_PKEY_PARAM_FFC_G,
        OSSL_PKEY_PARAM_PUB_KEY, OSSL_PKEY_PARAM_GROUP_NAME,
        OSSL_PKEY_PARAM_EC_ENCODING, OSSL_PKEY_PARAM_EC_POINT_CONVERSION_FORMAT,
    };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strcmp(names[i], name) == 0)
            return 1;
    return 0;
}

int kk_key_public_copy(const struct kk_key *key, struct kk_key **out,
                       struct kk_error *err)
{
    OSSL_PARAM *all = NULL, *pub = NULL;
    EVP_PKEY_CTX *ctx = NULL;
    EVP_PKEY *pkey = NULL;
    struct kk_key *copy = NULL;
    size_t n = 0, k = 0;
    int rc;

    *out = NULL;
    if (EVP_PKEY_todata(key->pkey, EVP_PKEY_PUBLIC_KEY, &all) != 1) {
        rc = kk_fail(err, KK_ERR_CRYPTO, "cannot export the public key");
        goto out;
    }
    while (all[n].key != NULL)
        n++;
    if ((pub = calloc(n + 1, sizeof(*pub))) == NULL) {
        rc = kk_fail(err, KK_ERR_NOMEM, NULL);
        goto out;
    }
    for (size_t i = 0; i < n; i++)
        if (is_public_param(all[i].key))
            pub[k++] = all[i];
    pub[k] = OSSL_PARAM_construct_end();
    ctx = EVP_PKEY_CTX_new_from_pkey(NULL, key->pkey, NULL);
    if (ctx == NULL || EVP_PKEY_fromdata_init(ctx) != 1 ||
        EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, pub) != 1) {
        rc = kk_fail(err, KK_ERR_CRYPTO, "cannot rebuild the public key");
        goto out;
    }
    if ((rc = kk_key_new(pkey, 0, &copy, err)) != KK_OK) {
        pkey = NULL;
        goto out;
    }
    pkey = NULL;
    if ((rc = kk_key_set_comment(copy, key->comment, strlen(key->comment),
                                 err)) != KK_OK)
        goto out;
    *out = copy;
    copy = NULL;
out:
    free(pub);
    OSSL_PARAM_free(all);
    EVP_PKEY_CTX_free(ctx);
    EVP_PKEY_free(pkey);
    kk_key_free(copy);
    return rc;
}

int kk_key_bits(const struct kk_key *key)
{
    switch (key->type) {
    case KK_KEY_RSA:
    case KK_KEY_DSA:
        return EVP_PKEY_get_bits(key->pkey);
    case KK_KEY_ECDSA_P256:
        return 256;
    case KK_KEY_ECDSA_P384:
        return 384;
    case KK_KEY_ECDSA_P521:
        return 521;
    case KK_KEY_ED25519:
        return 256;
    case KK_KEY_ED448:
        return 456;
    default:
        return 0;
    }
}

int kk_key_public_equal(const struct kk_key *a, const struct kk_key *b)
{
    struct kk_buf ba, bb;
    int eq = 0;

    if (a == NULL || b == NULL || a->type != b->type)
        return 0;
    kk_buf_init(&ba, 0);
    kk_buf_init(&bb, 0);
    if (kk_wire_put_public(a, &ba, NULL) == KK_OK &&
        kk_wire_put_public(b, &bb, NULL) == KK_OK)
        eq = ba.len == bb.len && memcmp(ba.data, bb.data, ba.len) == 0;
    kk_buf_free(&ba);
    kk_buf_free(&bb);
    return eq;
}

static int fail_cap(struct kk_error *err, const char *what, int bits,
                    unsigned cap)
{
    kk_fail(err, KK_ERR_CAP, "%s key of %d bits is larger than the limit of %u bits",
            what, bits, cap);
    kk_hint(err, "raise the limit with --max-rsa-bits");
    return KK_ERR_CAP;
}

static int validate_rsa(const struct kk_key *key, const struct kk_limits *lim,
                        struct kk_error *err)
{
    BIGNUM *n = NULL, *e = NULL;
    int bits, rc;

    if (!EVP_PKEY_get_bn_param(key->pkey, OSSL_PKEY_PARAM_RSA_N, &n) ||
        !EVP_PKEY_get_bn_param(key->pkey, OSSL_PKEY_PARAM_RSA_E, &e)) {
        rc = kk_fail(err, KK_ERR_BAD_KEY, "the RSA key has no modulus or exponent");
        goto out;
    }
    bits = BN_num_bits(n);
    if ((unsigned)bits > lim->rsa_max_bits) {
        rc = fail_cap(err, "RSA", bits, lim->rsa_max_bits);
        goto out;
    }
    if ((unsigned)bits < lim->rsa_min_bits) {
        rc = kk_fail(err, KK_ERR_BAD_KEY,
                     "RSA key of %d bits is too small (at least %u bits are required)",
                     bits, lim->rsa_min_bits);
        goto out;
    }
    if (!BN_is_odd(n)) {
        rc = kk_fail(err, KK_ERR_BAD_KEY, "RSA modulus is even");
        goto out;
    }
    if (!BN_is_odd(e)) {
        rc = kk_fail(err, KK_ERR_BAD_KEY, "RSA public exponent is even");
        goto out;
    }
    if (BN_is_one(e)) {
        rc = kk_fail(err, KK_ERR_BAD_KEY, "RSA public exponent is less than 3");
        goto out;
    }
    if (BN_cmp(e, n) >= 0) {
        rc = kk_fail(err, KK_ERR_BAD_KEY,
                     "RSA public exponent is not smaller than the modulus");
        goto out;
    }
    rc = KK_OK;
out:
    BN_free(n);
    BN_free(e);
    return rc;
}

static int public_check(const struct kk_key *key, const char *msg,
                        struct kk_error *err)
{
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, key->pkey, NULL);
    int ok;

    if (ctx == NULL)
        return kk_fail(err, KK_ERR_NOMEM, NULL);
    ok = EVP_PKEY_public_check(ctx) == 1;
    EVP_PKEY_CTX_free(ctx);
    return ok ? KK_OK : kk_fail(err, KK_ERR_BAD_KEY, "%s", msg);
}

static int validate_dsa(const struct kk_key *key, const struct kk_limits *lim,
                        struct kk_error *err)
{
    BIGNUM *p = NULL, *q = NULL;
    int pbits, qbits, rc;

    if (!EVP_PKEY_get_bn_param(key->pkey, OSSL_PKEY_PARAM_FFC_P, &p) ||
        !EVP_PKEY_get_bn_param(key->pkey, OSSL_PKEY_PARAM_FFC_Q, &q)) {
        rc = kk_fail(err, KK_ERR_BAD_KEY, "the DSA key has no domain parameters");
        goto out;
    }
    pbits = BN_num_bits(p);
    qbits = BN_num_bits(q);
    if ((unsigned)pbits > lim->rsa_max_bits) {
        rc = fail_cap(err, "DSA", pbits, lim->rsa_max_bits);
        goto out;
    }
    if (pbits < 1024) {
        rc = kk_fail(err, KK_ERR_BAD_KEY,
                     "DSA key of %d bits is too small (at least 1024 bits are required)",
                     pbits);
        goto out;
    }
    if (qbits != 160 && qbits != 224 && qbits != 256) {
        rc = kk_fail(err, KK_ERR_BAD_KEY,
                     "DSA subgroup order has %d bits (160, 224 or 256 are allowed)",
                     qbits);
        goto out;
    }
    rc = public_check(key, "DSA public value is not in the subgroup", err);
out:
    BN_free(p);
    BN_free(q);
    return rc;
}

static int validate_ed(const struct kk_key *key, size_t want,
                       struct kk_error *err)
{
    unsigned char pub[64];
    size_t len = 0;

    if (!EVP_PKEY_get_octet_string_param(key->pkey, OSSL_PKEY_PARAM_PUB_KEY,
                                         pub, sizeof(pub), &len) || len != want)
        return kk_fail(err, KK_ERR_BAD_KEY, "%s public key has %zu bytes, expected %zu",
                       kk_key_type_label(key->type), len, want);
    return KK_OK;
}

int kk_key_validate(const struct kk_key *key, const struct kk_limits *lim,
                    struct kk_error *err)
{
    struct kk_limits def = kk_limits_default();
    int rc;

    if (lim == NULL)
        lim = &def;
    /* A refused key is reported through err; what OpenSSL queued while
     * checking it must not surface in a later, unrelated call. */
    ERR_set_mark();
    switch (key->type) {
    case KK_KEY_RSA:
        rc = validate_rsa(key, lim, err);
        break;
    case KK_KEY_DSA:
        rc = validate_dsa(key, lim, err);
        break;
    case KK_KEY_ECDSA_P256:
    case KK_KEY_ECDSA_P384:
    case KK_KEY_ECDSA_P521:
        rc = public_check(key, "ECDSA public point is not on the curve", err);
        break;
    case KK_KEY_ED25519:
        rc = validate_ed(key, 32, err);
        break;
    case KK_KEY_ED448:
        rc = validate_ed(key, 57, err);
        break;
    default:
        rc = kk_fail(err, KK_ERR_UNSUPPORTED, "unsupported key type");
        break;
    }
    ERR_pop_to_mark();
    return rc;
}

/* Fetches a secret number into a fresh secure BIGNUM, so OpenSSL fills
 * memory that is wiped on free. */
static BIGNUM *get_secret_bn(const EVP_PKEY *pkey, const char *name)
{
    BIGNUM *bn = BN_secure_new();

    if (bn == NULL)
        return NULL;
    BN_set_flags(bn, BN_FLG_CONSTTIME);
    if (!EVP_PKEY_get_bn_param(pkey, name, &bn)) {
        BN_clear_free(bn);
        return NULL;
    }
    return bn;
}

/* OpenSSL's own pairwise check for RSA also proves p and q prime, which
 * takes minutes for 16384-bit keys; the arithmetic relations below are what
 * tells a mismatched or corrupted half, at the cost of a few multiplications. */
static int check_rsa_private(const struct kk_key *key, struct kk_error *err)
{
    BIGNUM *n = NULL, *e = NULL, *d = NULL, *p = NULL, *q = NULL;
    BIGNUM *dp = NULL, *dq = NULL, *iqmp = NULL, *t = NULL, *pm1 = NULL;
    BIGNUM *extra = NULL;
    BN_CTX *bnctx = NULL;
    int rc = KK_ERR_MISMATCH;

    if (!EVP_PKEY_get_bn_param(key->pkey, OSSL_PKEY_PARAM_RSA_N, &n) ||
        !EVP_PKEY_get_bn_param(key->pkey, OSSL_PKEY_PARAM_RSA_E, &e)) {
        rc = kk_fail(err, KK_ERR_BAD_KEY, "the RSA key has no modulus or exponent");
        goto out;
    }
    if (EVP_PKEY_get_bn_param(key->pkey, OSSL_PKEY_PARAM_RSA_FACTOR3, &extra)) {
        rc = kk_fail(err, KK_ERR_UNSUPPORTED, "multi-prime RSA keys are not supported");
        goto out;
    }
    d = get_secret_bn(key->pkey, OSSL_PKEY_PARAM_RSA_D);
    p = get_secret_bn(key->pkey, OSSL_PKEY_PARAM_RSA_FACTOR1);
    q = get_secret_bn(key->pkey, OSSL_PKEY_PARAM_RSA_FACTOR2);
    dp = get_secret_bn(key->pkey, OSSL_PKEY_PARAM_RSA_EXPONENT1);
    dq = get_secret_bn(key->pkey, OSSL_PKEY_PARAM_RSA_EXPONENT2);
    iqmp = get_secret_bn(key->pkey, OSSL_PKEY_PARAM_RSA_COEFFICIENT1);
    if (d == NULL || p == NULL || q == NULL || dp == NULL || dq == NULL ||
        iqmp == NULL) {
        rc = kk_fail(err, KK_ERR_BAD_KEY, "the RSA private key lacks its CRT parameters");
        goto out;
    }
    bnctx = BN_CTX_secure_new();
    t = BN_secure_new();
    pm1 = BN_secure_new();
    if (bnctx == NULL || t == NULL || pm1 == NULL) {
        rc = kk_fail(err, KK_ERR_NOMEM, NULL);
        goto out;
    }
    BN_set_flags(t, BN_FLG_CONSTTIME);
    BN_set_flags(pm1, BN_FLG_CONSTTIME);
    if (BN_cmp(p, BN_value_one()) <= 0 || BN_cmp(q, BN_value_one()) <= 0)
        goto mismatch;
    /* n = p*q */
    if (!BN_mul(t, p, q, bnctx))
        goto crypto;
    if (BN_cmp(t, n) != 0)
        goto mismatch;
    /* d*e = 1 mod (p-1), dp = d mod (p-1), and the same for q */
    for (int i = 0; i < 2; i++) {
        const BIGNUM *f = i == 0 ? p : q, *df = i == 0 ? dp : dq;
        if (!BN_sub(pm1, f, BN_value_one()) || !BN_mod(t, d, pm1, bnctx))
            goto crypto;
        if (BN_cmp(t, df) != 0)
            goto mismatch;
        if (!BN_mod_mul(t, df, e, pm1, bnctx))
            goto crypto;
        if (!BN_is_one(t))
            goto mismatch;
    }
    /* iqmp*q = 1 mod p */
    if (!BN_mod_mul(t, iqmp, q, p, bnctx))
        goto crypto;
    if (!BN_is_one(t))
        goto mismatch;
    rc = KK_OK;
    goto out;
crypto:
    rc = kk_fail(err, KK_ERR_CRYPTO, "arithmetic on the RSA key failed");
    goto out;
mismatch:
    rc = kk_fail(err, KK_ERR_MISMATCH, "the private key does not match its public key");
out:
    BN_free(n);
    BN_free(e);
    BN_clear_free(extra);
    BN_clear_free(d);
    BN_clear_free(p);
    BN_clear_free(q);
    BN_clear_free(dp);
    BN_clear_free(dq);
    BN_clear_free(iqmp);
    BN_clear_free(t);
    BN_clear_free(pm1);
    BN_CTX_free(bnctx);
    return rc;
}

int kk_key_check_private(const struct kk_key *key, struct kk_error *err)
{
    EVP_PKEY_CTX *ctx;
    int ok;

    if (!key->has_private)
        return kk_fail(err, KK_ERR_NOT_PRIVATE, "the key has no private half");
    if (key->type == KK_KEY_RSA)
        return check_rsa_private(key, err);
    /* DSA: y = g^x mod p; ECDSA: Q = dG; EdDSA: A derived from the seed. */
    ctx = EVP_PKEY_CTX_new_from_pkey(NULL, key->pkey, NULL);
    if (ctx == NULL)
        return kk_fail(err, KK_ERR_NOMEM, NULL);
    /* A mismatch is reported through err, not left on OpenSSL's queue. */
    ERR_set_mark();
    ok = EVP_PKEY_pairwise_check(ctx) == 1;
    ERR_pop_to_mark();
    EVP_PKEY_CTX_free(ctx);
    if (!ok)
        return kk_fail(err, KK_ERR_MISMATCH,
                       "the private key does not match its public key");
    return KK_OK;
}
