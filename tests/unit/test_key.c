/* kk_key: types, names, sizes, checks, generation, fingerprints and
 * randomart, the last two compared with what ssh-keygen prints. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/dsa.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include "core/base64.h"
#include "core/key.h"
#include "core/sshwire.h"

/* ---- helpers ------------------------------------------------------------ */

static struct kk_key *gen(enum kk_key_type type, unsigned bits)
{
    struct kk_key *key = NULL;
    struct kk_error err;

    assert_int_equal(kk_key_generate(type, bits, &key, &err), KK_OK);
    assert_non_null(key);
    return key;
}

static struct kk_key *gen_dsa(void)
{
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "DSA", NULL);
    EVP_PKEY *params = NULL, *pkey = NULL;
    struct kk_key *key = NULL;
    struct kk_error err;

    assert_non_null(ctx);
    assert_int_equal(EVP_PKEY_paramgen_init(ctx), 1);
    assert_int_equal(EVP_PKEY_CTX_set_dsa_paramgen_bits(ctx, 1024), 1);
    assert_int_equal(EVP_PKEY_CTX_set_dsa_paramgen_q_bits(ctx, 160), 1);
    assert_int_equal(EVP_PKEY_paramgen(ctx, &params), 1);
    EVP_PKEY_CTX_free(ctx);
    ctx = EVP_PKEY_CTX_new_from_pkey(NULL, params, NULL);
    assert_int_equal(EVP_PKEY_keygen_init(ctx), 1);
    assert_int_equal(EVP_PKEY_generate(ctx, &pkey), 1);
    EVP_PKEY_CTX_free(ctx);
    EVP_PKEY_free(params);
    assert_int_equal(kk_key_new(pkey, 1, &key, &err), KK_OK);
    return key;
}

/* A key from the base64 field of an OpenSSH one-line public key. */
static struct kk_key *from_pub_line(const char *line)
{
    const char *b64 = strchr(line, ' ') + 1;
    size_t n = strcspn(b64, " \n");
    struct kk_buf blob;
    struct kk_error err;
    struct kk_key *key = NULL;

    kk_buf_init(&blob, 0);
    assert_int_equal(kk_base64_decode(b64, n, 0, &blob, &err), KK_OK);
    assert_int_equal(kk_wire_parse_public(blob.data, blob.len, NULL, &key, &err), KK_OK);
    kk_buf_free(&blob);
    return key;
}

static EVP_PKEY *fromdata(const char *alg, int selection, OSSL_PARAM_BLD *bld)
{
    OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(bld);
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, alg, NULL);
    EVP_PKEY *pkey = NULL;

    assert_non_null(params);
    assert_non_null(ctx);
    assert_int_equal(EVP_PKEY_fromdata_init(ctx), 1);
    assert_int_equal(EVP_PKEY_fromdata(ctx, &pkey, selection, params), 1);
    OSSL_PARAM_free(params);
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_BLD_free(bld);
    return pkey;
}

static BIGNUM *param(const struct kk_key *key, const char *name)
{
    BIGNUM *bn = NULL;

    assert_int_equal(EVP_PKEY_get_bn_param(key->pkey, name, &bn), 1);
    return bn;
}

static const enum kk_key_type all_types[] = {
    KK_KEY_RSA, KK_KEY_DSA, KK_KEY_ECDSA_P256, KK_KEY_ECDSA_P384,
    KK_KEY_ECDSA_P521, KK_KEY_ED25519, KK_KEY_ED448,
};
#define NALL (sizeof(all_types) / sizeof(all_types[0]))

static struct kk_key *gen_any(enum kk_key_type type)
{
    return type == KK_KEY_DSA ? gen_dsa() : gen(type, type == KK_KEY_RSA ? 1024 : 0);
}

/* ---- names --------------------------------------------------------------- */

static void test_type_names(void **state)
{
    static const struct {
        enum kk_key_type type;
        const char *ssh, *label, *curve, *ssh_curve;
    } want[] = {
        { KK_KEY_RSA, "ssh-rsa", "RSA", NULL, NULL },
        { KK_KEY_DSA, "ssh-dss", "DSA", NULL, NULL },
        { KK_KEY_ECDSA_P256, "ecdsa-sha2-nistp256", "ECDSA", "P-256", "nistp256" },
        { KK_KEY_ECDSA_P384, "ecdsa-sha2-nistp384", "ECDSA", "P-384", "nistp384" },
        { KK_KEY_ECDSA_P521, "ecdsa-sha2-nistp521", "ECDSA", "P-521", "nistp521" },
        { KK_KEY_ED25519, "ssh-ed25519", "ED25519", NULL, NULL },
        { KK_KEY_ED448, "ssh-ed448", "ED448", NULL, NULL },
    };

    (void)state;
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        assert_string_equal(kk_key_type_ssh_name(want[i].type), want[i].ssh);
        assert_string_equal(kk_key_type_label(want[i].type), want[i].label);
        if (want[i].curve == NULL) {
            assert_null(kk_key_type_curve(want[i].type));
            assert_null(kk_key_type_ssh_curve(want[i].type));
        } else {
            assert_string_equal(kk_key_type_curve(want[i].type), want[i].curve);
            assert_string_equal(kk_key_type_ssh_curve(want[i].type), want[i].ssh_curve);
        }
        assert_int_equal(kk_key_type_from_ssh_name(want[i].ssh, strlen(want[i].ssh)),
                         want[i].type);
        /* the length counts, not a terminator */
        assert_int_equal(kk_key_type_from_ssh_name(want[i].ssh, strlen(want[i].ssh) - 1),
                         KK_KEY_UNKNOWN);
    }
    assert_null(kk_key_type_ssh_name(KK_KEY_UNKNOWN));
    assert_null(kk_key_type_label(KK_KEY_UNKNOWN));
    assert_int_equal(kk_key_type_from_ssh_name("ssh-rsa2", 8), KK_KEY_UNKNOWN);
    assert_int_equal(kk_key_type_from_ssh_name("", 0), KK_KEY_UNKNOWN);
    assert_int_equal(kk_key_type_from_ssh_name(NULL, 0), KK_KEY_UNKNOWN);
}

/* ---- kk_key_new ---------------------------------------------------------- */

static void test_new_derives_type(void **state)
{
    static const int bits[] = { 1024, 1024, 256, 384, 521, 256, 456 };

    (void)state;
    for (size_t i = 0; i < NALL; i++) {
        struct kk_key *key = gen_any(all_types[i]);
        assert_int_equal(key->type, all_types[i]);
        assert_int_equal(key->has_private, 1);
        assert_int_equal(key->was_encrypted, 0);
        assert_non_null(key->comment);
        assert_string_equal(key->comment, "");
        assert_int_equal(kk_key_bits(key), bits[i]);
        kk_key_free(key);
    }
    kk_key_free(NULL);
}

static void test_new_refuses_other_keys(void **state)
{
    struct kk_key *key = (struct kk_key *)&key;
    struct kk_error err;
    EVP_PKEY *pkey;

    (void)state;
    pkey = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "secp256k1");
    assert_non_null(pkey);
    assert_int_equal(kk_key_new(pkey, 1, &key, &err), KK_ERR_UNSUPPORTED);
    assert_null(key);
    assert_string_equal(err.msg, "unsupported elliptic curve secp256k1");

    key = (struct kk_key *)&key;
    pkey = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-224");
    assert_non_null(pkey);
    assert_int_equal(kk_key_new(pkey, 1, &key, &err), KK_ERR_UNSUPPORTED);
    assert_null(key);
    assert_string_equal(err.msg, "unsupported elliptic curve secp224r1");

    pkey = EVP_PKEY_Q_keygen(NULL, NULL, "X25519");
    assert_non_null(pkey);
    assert_int_equal(kk_key_new(pkey, 1, &key, &err), KK_ERR_UNSUPPORTED);
    assert_string_equal(err.msg, "unsupported key algorithm X25519");

    assert_int_equal(kk_key_new(NULL, 0, &key, &err), KK_ERR_INTERNAL);
    assert_null(key);
}

static void test_comment(void **state)
{
    struct kk_key *key = gen(KK_KEY_ED25519, 0);
    struct kk_error err;

    (void)state;
    assert_int_equal(kk_key_set_comment(key, "user@host and more", 9, &err), KK_OK);
    assert_string_equal(key->comment, "user@host");
    assert_int_equal(kk_key_set_comment(key, "", 0, &err), KK_OK);
    assert_string_equal(key->comment, "");
    assert_int_equal(kk_key_set_comment(key, "a\0b", 3, &err), KK_ERR_FORMAT);
    assert_string_equal(key->comment, "");
    kk_key_free(key);
}

/* ---- public copy and equality --------------------------------------------- */

static void test_public_copy(void **state)
{
    (void)state;
    for (size_t i = 0; i < NALL; i++) {
        struct kk_key *key = gen_any(all_types[i]), *pub = NULL, *pub2 = NULL;
        struct kk_error err;
        struct kk_buf b;
        BIGNUM *bn = NULL;
        unsigned char oct[64];
        size_t len;

        assert_int_equal(kk_key_set_comment(key, "c", 1, &err), KK_OK);
        assert_int_equal(kk_key_public_copy(key, &pub, &err), KK_OK);
        assert_int_equal(pub->type, key->type);
        assert_int_equal(pub->has_private, 0);
        assert_string_equal(pub->comment, "c");
        assert_true(kk_key_public_equal(key, pub));
        assert_int_equal(kk_key_validate(pub, NULL, &err), KK_OK);
        assert_int_equal(kk_key_check_private(pub, &err), KK_ERR_NOT_PRIVATE);
        kk_buf_init(&b, 0);
        assert_int_equal(kk_wire_put_private(pub, &b, &err), KK_ERR_NOT_PRIVATE);
        kk_buf_free(&b);

        /* the private numbers really are gone, not only flagged */
        assert_int_equal(EVP_PKEY_get_bn_param(pub->pkey, OSSL_PKEY_PARAM_RSA_D, &bn), 0);
        assert_int_equal(EVP_PKEY_get_bn_param(pub->pkey, OSSL_PKEY_PARAM_PRIV_KEY, &bn), 0);
        assert_int_equal(EVP_PKEY_get_octet_string_param(pub->pkey, OSSL_PKEY_PARAM_PRIV_KEY,
                                                         oct, sizeof(oct), &len), 0);
        assert_null(bn);

        /* copying a public key works too */
        assert_int_equal(kk_key_public_copy(pub, &pub2, &err), KK_OK);
        assert_true(kk_key_public_equal(pub2, key));
        kk_key_free(pub2);
        kk_key_free(pub);
        kk_key_free(key);
    }
}

static void test_public_equal(void **state)
{
    struct kk_key *a = gen(KK_KEY_ECDSA_P256, 0), *b = gen(KK_KEY_ECDSA_P256, 0);
    struct kk_key *c = gen(KK_KEY_ED25519, 0);

    (void)state;
    assert_true(kk_key_public_equal(a, a));
    assert_false(kk_key_public_equal(a, b));
    assert_false(kk_key_public_equal(a, c));
    assert_false(kk_key_public_equal(a, NULL));
    kk_key_free(a);
    kk_key_free(b);
    kk_key_free(c);
}

/* ---- validation ----------------------------------------------------------- */

static void test_validate_rsa_limits(void **state)
{
    struct kk_key *key = gen(KK_KEY_RSA, 1024);
    struct kk_limits lim = kk_limits_default();
    struct kk_error err;

    (void)state;
    assert_int_equal(kk_key_validate(key, &lim, &err), KK_OK);
    assert_int_equal(kk_key_validate(key, NULL, &err), KK_OK);
    lim.rsa_min_bits = 2048;
    assert_int_equal(kk_key_validate(key, &lim, &err), KK_ERR_BAD_KEY);
    assert_string_equal(err.msg,
                        "RSA key of 1024 bits is too small (at least 2048 bits are required)");
    lim = kk_limits_default();
    lim.rsa_max_bits = 1000;
    kk_error_clear(&err);
    assert_int_equal(kk_key_validate(key, &lim, &err), KK_ERR_CAP);
    assert_string_equal(err.msg, "RSA key of 1024 bits is larger than the limit of 1000 bits");
    assert_string_equal(err.hint, "raise the limit with --max-rsa-bits");
    /* without an error record the code still comes back */
    assert_int_equal(kk_key_validate(key, &lim, NULL), KK_ERR_CAP);
    kk_key_free(key);
}

/* An RSA public key straight from numbers, bypassing the wire parser. */
static struct kk_key *rsa_from(const BIGNUM *n, const BIGNUM *e)
{
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    struct kk_key *key = NULL;
    struct kk_error err;

    assert_int_equal(OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n), 1);
    assert_int_equal(OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e), 1);
    assert_int_equal(kk_key_new(fromdata("RSA", EVP_PKEY_PUBLIC_KEY, bld), 0, &key, &err),
                     KK_OK);
    return key;
}

static void test_validate_rsa_numbers(void **state)
{
    struct kk_key *good = gen(KK_KEY_RSA, 1024), *key;
    BIGNUM *n = param(good, OSSL_PKEY_PARAM_RSA_N), *e = BN_new();
    struct kk_error err;

    (void)state;
    assert_int_equal(BN_set_word(e, 3), 1);
    key = rsa_from(n, e);
    assert_int_equal(kk_key_validate(key, NULL, &err), KK_OK);
    kk_key_free(key);

    assert_int_equal(BN_set_word(e, 65536), 1);
    key = rsa_from(n, e);
    assert_int_equal(kk_key_validate(key, NULL, &err), KK_ERR_BAD_KEY);
    assert_string_equal(err.msg, "RSA public exponent is even");
    kk_key_free(key);

    assert_int_equal(BN_set_word(e, 1), 1);
    key = rsa_from(n, e);
    assert_int_equal(kk_key_validate(key, NULL, &err), KK_ERR_BAD_KEY);
    assert_string_equal(err.msg, "RSA public exponent is less than 3");
    kk_key_free(key);

    assert_int_equal(BN_add_word(n, 1), 1);
    assert_int_equal(BN_set_word(e, 65537), 1);
    key = rsa_from(n, e);
    assert_int_equal(kk_key_validate(key, NULL, &err), KK_ERR_BAD_KEY);
    assert_string_equal(err.msg, "RSA modulus is even");
    kk_key_free(key);

    assert_int_equal(BN_sub_word(n, 1), 1);
    key = rsa_from(n, n);
    assert_int_equal(kk_key_validate(key, NULL, &err), KK_ERR_BAD_KEY);
    assert_string_equal(err.msg, "RSA public exponent is not smaller than the modulus");
    kk_key_free(key);

    BN_free(n);
    BN_free(e);
    kk_key_free(good);
}

static void test_validate_dsa(void **state)
{
    struct kk_key *good = gen_dsa(), *key = NULL;
    BIGNUM *p = param(good, OSSL_PKEY_PARAM_FFC_P), *q = param(good, OSSL_PKEY_PARAM_FFC_Q);
    BIGNUM *g = param(good, OSSL_PKEY_PARAM_FFC_G), *y = param(good, OSSL_PKEY_PARAM_PUB_KEY);
    struct kk_limits lim = kk_limits_default();
    struct kk_error err;
    OSSL_PARAM_BLD *bld;

    (void)state;
    assert_int_equal(kk_key_validate(good, NULL, &err), KK_OK);
    lim.rsa_max_bits = 1000;
    assert_int_equal(kk_key_validate(good, &lim, &err), KK_ERR_CAP);
    assert_string_equal(err.msg, "DSA key of 1024 bits is larger than the limit of 1000 bits");

    /* y outside the subgroup: y+1 is (almost surely) not a power of g */
    assert_int_equal(BN_add_word(y, 1), 1);
    bld = OSSL_PARAM_BLD_new();
    assert_int_equal(OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_FFC_P, p), 1);
    assert_int_equal(OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_FFC_Q, q), 1);
    assert_int_equal(OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_FFC_G, g), 1);
    assert_int_equal(OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PUB_KEY, y), 1);
    assert_int_equal(kk_key_new(fromdata("DSA", EVP_PKEY_PUBLIC_KEY, bld), 0, &key, &err),
                     KK_OK);
    assert_int_equal(kk_key_validate(key, NULL, &err), KK_ERR_BAD_KEY);
    assert_string_equal(err.msg, "DSA public value is not in the subgroup");
    kk_key_free(key);
    key = NULL;

    /* q of a size DSA does not use */
    assert_int_equal(BN_sub_word(y, 1), 1);
    assert_int_equal(BN_lshift(q, q, 1), 1);
    bld = OSSL_PARAM_BLD_new();
    assert_int_equal(OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_FFC_P, p), 1);
    assert_int_equal(OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_FFC_Q, q), 1);
    assert_int_equal(OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_FFC_G, g), 1);
    assert_int_equal(OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PUB_KEY, y), 1);
    assert_int_equal(kk_key_new(fromdata("DSA", EVP_PKEY_PUBLIC_KEY, bld), 0, &key, &err),
                     KK_OK);
    assert_int_equal(kk_key_validate(key, NULL, &err), KK_ERR_BAD_KEY);
    assert_string_equal(err.msg, "DSA subgroup order has 161 bits (160, 224 or 256 are allowed)");
    kk_key_free(key);

    BN_free(p);
    BN_free(q);
    BN_free(g);
    BN_free(y);
    kk_key_free(good);
}

/* ---- private half against public half -------------------------------------- */

static void test_check_private_generated(void **state)
{
    (void)state;
    for (size_t i = 0; i < NALL; i++) {
        struct kk_key *key = gen_any(all_types[i]);
        struct kk_error err;
        assert_int_equal(kk_key_check_private(key, &err), KK_OK);
        assert_int_equal(kk_key_validate(key, NULL, &err), KK_OK);
        kk_key_free(key);
    }
}

static void test_check_private_mismatch(void **state)
{
    struct kk_key *a, *b, *key = NULL;
    struct kk_error err;
    OSSL_PARAM_BLD *bld;
    BIGNUM *priv;
    unsigned char pub[65];
    size_t publen;

    (void)state;
    /* EC: a's point with b's scalar */
    a = gen(KK_KEY_ECDSA_P256, 0);
    b = gen(KK_KEY_ECDSA_P256, 0);
    assert_int_equal(EVP_PKEY_get_octet_string_param(a->pkey, OSSL_PKEY_PARAM_PUB_KEY,
                                                     pub, sizeof(pub), &publen), 1);
    priv = param(b, OSSL_PKEY_PARAM_PRIV_KEY);
    bld = OSSL_PARAM_BLD_new();
    assert_int_equal(OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME,
                                                     "P-256", 0), 1);
    assert_int_equal(OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY,
                                                      pub, publen), 1);
    assert_int_equal(OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, priv), 1);
    assert_int_equal(kk_key_new(fromdata("EC", EVP_PKEY_KEYPAIR, bld), 1, &key, &err), KK_OK);
    assert_int_equal(kk_key_check_private(key, &err), KK_ERR_MISMATCH);
    assert_string_equal(err.msg, "the private key does not match its public key");
    BN_clear_free(priv);
    kk_key_free(key);
    kk_key_free(a);
    kk_key_free(b);

    /* RSA: b's modulus over a's private numbers */
    a = gen(KK_KEY_RSA, 1024);
    b = gen(KK_KEY_RSA, 1024);
    {
        static const char *const names[] = {
            OSSL_PKEY_PARAM_RSA_E, OSSL_PKEY_PARAM_RSA_D,
            OSSL_PKEY_PARAM_RSA_FACTOR1, OSSL_PKEY_PARAM_RSA_FACTOR2,
            OSSL_PKEY_PARAM_RSA_EXPONENT1, OSSL_PKEY_PARAM_RSA_EXPONENT2,
            OSSL_PKEY_PARAM_RSA_COEFFICIENT1 };
        BIGNUM *v[8];
        bld = OSSL_PARAM_BLD_new();
        v[7] = param(b, OSSL_PKEY_PARAM_RSA_N);
        assert_int_equal(OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, v[7]), 1);
        for (int i = 0; i < 7; i++) {
            v[i] = param(a, names[i]);
            assert_int_equal(OSSL_PARAM_BLD_push_BN(bld, names[i], v[i]), 1);
        }
        assert_int_equal(kk_key_new(fromdata("RSA", EVP_PKEY_KEYPAIR, bld), 1, &key, &err),
                         KK_OK);
        assert_int_equal(kk_key_check_private(key, &err), KK_ERR_MISMATCH);
        for (int i = 0; i < 8; i++)
            BN_clear_free(v[i]);
    }
    kk_key_free(key);
    kk_key_free(a);
    kk_key_free(b);
}

/* ---- generation ----------------------------------------------------------- */

static void test_generate_sizes(void **state)
{
    struct kk_key *key;
    struct kk_error err;

    (void)state;
    key = gen(KK_KEY_RSA, 0);
    assert_int_equal(kk_key_bits(key), 3072);
    assert_int_equal(kk_key_check_private(key, &err), KK_OK);
    {
        BIGNUM *e = param(key, OSSL_PKEY_PARAM_RSA_E);
        assert_true(BN_is_word(e, 65537));
        BN_free(e);
    }
    kk_key_free(key);

    key = gen(KK_KEY_ECDSA_P256, 0);
    assert_int_equal(key->type, KK_KEY_ECDSA_P256);
    kk_key_free(key);
    key = gen(KK_KEY_ECDSA_P384, 0);
    assert_int_equal(key->type, KK_KEY_ECDSA_P384);
    kk_key_free(key);
    key = gen(KK_KEY_ECDSA_P256, 521);
    assert_int_equal(key->type, KK_KEY_ECDSA_P521);
    assert_int_equal(kk_key_bits(key), 521);
    kk_key_free(key);
    key = gen(KK_KEY_ECDSA_P256, 384);
    assert_int_equal(key->type, KK_KEY_ECDSA_P384);
    kk_key_free(key);
    key = gen(KK_KEY_ED25519, 256);
    assert_int_equal(key->type, KK_KEY_ED25519);
    kk_key_free(key);
    key = gen(KK_KEY_ED448, 456);
    assert_int_equal(key->type, KK_KEY_ED448);
    kk_key_free(key);
}

static void test_generate_bad_bits(void **state)
{
    static const struct {
        enum kk_key_type type;
        unsigned bits;
        int code;
        const char *msg;
    } cases[] = {
        { KK_KEY_RSA, 1023, KK_ERR_USAGE, "RSA keys must have 1024 to 16384 bits, not 1023" },
        { KK_KEY_RSA, 512, KK_ERR_USAGE, "RSA keys must have 1024 to 16384 bits, not 512" },
        { KK_KEY_RSA, 16385, KK_ERR_USAGE, "RSA keys must have 1024 to 16384 bits, not 16385" },
        { KK_KEY_ECDSA_P256, 255, KK_ERR_USAGE,
          "ECDSA keys must have 256, 384 or 521 bits, not 255" },
        { KK_KEY_ECDSA_P384, 512, KK_ERR_USAGE,
          "ECDSA keys must have 256, 384 or 521 bits, not 512" },
        { KK_KEY_ED25519, 255, KK_ERR_USAGE,
          "Ed25519 keys have a fixed size of 256 bits, not 255" },
        { KK_KEY_ED448, 256, KK_ERR_USAGE, "Ed448 keys have a fixed size of 456 bits, not 256" },
        { KK_KEY_DSA, 1024, KK_ERR_UNSUPPORTED, "DSA keys cannot be generated" },
        { KK_KEY_UNKNOWN, 0, KK_ERR_USAGE, "unknown key type to generate" },
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct kk_key *key = (struct kk_key *)&key;
        struct kk_error err;
        assert_int_equal(kk_key_generate(cases[i].type, cases[i].bits, &key, &err),
                         cases[i].code);
        assert_null(key);
        assert_int_equal(err.code, cases[i].code);
        assert_string_equal(err.msg, cases[i].msg);
    }
}

/* ---- fingerprints and randomart -------------------------------------------- */

/* Made with ssh-keygen 9.2: the key line, then `ssh-keygen -lv` and
 * `ssh-keygen -lv -E md5` on it. */
static const char ed_line[] =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIP5PJ/59UJFzTIINDXcGzKVHuljdc64dsk0162T72aTc t";
static const char ed_sha256[] = "SHA256:4RMdra+0P2L+fhj0kiGWkTbNwoklXRo2arCOV1a2hUQ";
static const char ed_md5[] = "MD5:88:4c:44:a4:02:b8:e7:37:d5:51:99:dd:d4:05:38:64";
static const char ed_art_sha256[] =
    "+--[ED25519 256]--+\n"
    "|      . .BEOo    |\n"
    "|       o.B@B+    |\n"
    "|      . B.+*     |\n"
    "|     o = o= o    |\n"
    "|    . o S. + +   |\n"
    "|     .   .. = .  |\n"
    "|         . o +   |\n"
    "|          = o .  |\n"
    "|         o.=+o   |\n"
    "+----[SHA256]-----+";
static const char ed_art_md5[] =
    "+--[ED25519 256]--+\n"
    "|o  o+    ..=E+ooo|\n"
    "|o  o    . o.+ . .|\n"
    "|... .  . .   .   |\n"
    "|...o ....        |\n"
    "| o  o.. S        |\n"
    "|  . o            |\n"
    "|   . .           |\n"
    "|                 |\n"
    "|                 |\n"
    "+------[MD5]------+";

static const char rsa_line[] =
    "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQDD2l/u1qtMKFtYr9Wa05CI2d6XD2tyVSuve0dIzws1YgzPoc3sN"
    "HAVVpLzLiTrTpf1hJtbjVSfwQpIRS8JfiUehrLyF+BAA05OCnsj8GMkBtzSxgCMlqKVvVR80brvctb0RvA8hOfa9"
    "tBG84APmE+qWrHpi8ri3P2YoUkAY1rNNw== r";
static const char rsa_sha256[] = "SHA256:HiOsBYe+8cPWojpj4CLMTPb2o4+D7n3j/jkt9m3tQFI";
static const char rsa_md5[] = "MD5:40:fb:f2:c6:ea:60:78:01:b2:5f:2e:7a:f8:e5:ed:15";
static const char rsa_art_sha256[] =
    "+---[RSA 1024]----+\n"
    "|                 |\n"
    "|     .           |\n"
    "|    o .    E     |\n"
    "|   . +    .      |\n"
    "|    o + S. .     |\n"
    "|.o   B + oo      |\n"
    "|B.o o * +  ..    |\n"
    "|o*=+.* *......   |\n"
    "|=+oBX==o+.....   |\n"
    "+----[SHA256]-----+";

static void test_fingerprint_known(void **state)
{
    struct kk_key *ed = from_pub_line(ed_line), *rsa = from_pub_line(rsa_line);
    char fp[KK_FP_MAX];
    struct kk_error err;
    char *art;

    (void)state;
    assert_int_equal(kk_key_fingerprint(ed, KK_FP_SHA256, fp, &err), KK_OK);
    assert_string_equal(fp, ed_sha256);
    assert_int_equal(kk_key_fingerprint(ed, KK_FP_MD5, fp, &err), KK_OK);
    assert_string_equal(fp, ed_md5);
    assert_int_equal(kk_key_fingerprint(rsa, KK_FP_SHA256, fp, &err), KK_OK);
    assert_string_equal(fp, rsa_sha256);
    assert_int_equal(kk_key_fingerprint(rsa, KK_FP_MD5, fp, &err), KK_OK);
    assert_string_equal(fp, rsa_md5);

    art = kk_key_randomart(ed, KK_FP_SHA256);
    assert_non_null(art);
    assert_string_equal(art, ed_art_sha256);
    free(art);
    art = kk_key_randomart(ed, KK_FP_MD5);
    assert_string_equal(art, ed_art_md5);
    free(art);
    art = kk_key_randomart(rsa, KK_FP_SHA256);
    assert_string_equal(art, rsa_art_sha256);
    free(art);
    kk_key_free(ed);
    kk_key_free(rsa);
}

/* The picture's frame, for every type (Ed448 and big RSA included). */
static void test_randomart_shape(void **state)
{
    (void)state;
    for (size_t i = 0; i < NALL; i++) {
        struct kk_key *key = gen_any(all_types[i]);
        char *art = kk_key_randomart(key, KK_FP_SHA256), *line = art;
        char title[32];
        int nlines = 0, starts = 0, ends = 0;

        assert_non_null(art);
        snprintf(title, sizeof(title), "[%s %d]", kk_key_type_label(key->type),
                 kk_key_bits(key));
        assert_non_null(strstr(art, title));
        while (line != NULL) {
            char *nl = strchr(line, '\n');
            size_t len = nl ? (size_t)(nl - line) : strlen(line);
            assert_int_equal(len, 19);
            if (nlines > 0 && nlines < 10) {
                assert_int_equal(line[0], '|');
                assert_int_equal(line[18], '|');
                for (size_t c = 1; c < 18; c++) {
                    starts += line[c] == 'S';
                    ends += line[c] == 'E';
                }
            } else {
                assert_int_equal(line[0], '+');
                assert_int_equal(line[18], '+');
            }
            nlines++;
            line = nl ? nl + 1 : NULL;
        }
        assert_int_equal(nlines, 11);
        assert_int_equal(ends, 1);
        assert_true(starts <= 1);
        assert_non_null(strstr(art, "\n+----[SHA256]-----+"));
        free(art);
        kk_key_free(key);
    }
}

/* ---- against ssh-keygen, with keys made now --------------------------------- */

static char *run(const char *cmd)
{
    FILE *p = popen(cmd, "r");
    char *out = calloc(1, 4096);
    size_t n;

    assert_non_null(p);
    assert_non_null(out);
    n = fread(out, 1, 4095, p);
    out[n] = '\0';
    assert_int_equal(pclose(p), 0);
    return out;
}

static void test_against_sshkeygen(void **state)
{
    static const struct {
        const char *args;
        enum kk_key_type type;
    } keys[] = {
        { "-t rsa -b 2048", KK_KEY_RSA },
        { "-t rsa -b 1031", KK_KEY_RSA },     /* an odd size still frames right */
        { "-t dsa", KK_KEY_DSA },
        { "-t ecdsa -b 256", KK_KEY_ECDSA_P256 },
        { "-t ecdsa -b 384", KK_KEY_ECDSA_P384 },
        { "-t ecdsa -b 521", KK_KEY_ECDSA_P521 },
        { "-t ed25519", KK_KEY_ED25519 },
    };
    char dir[] = "/tmp/kk-key-XXXXXX";
    char cmd[512];

    (void)state;
    if (system("command -v ssh-keygen >/dev/null 2>&1") != 0)
        skip();
    assert_non_null(mkdtemp(dir));
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        static const char *const hashes[] = { "sha256", "md5" };
        struct kk_key *key;
        char *line;

        snprintf(cmd, sizeof(cmd),
                 "ssh-keygen -q %s -N '' -C test -f %s/k%zu </dev/null >/dev/null 2>&1",
                 keys[i].args, dir, i);
        if (system(cmd) != 0)
            continue;   /* a build of ssh-keygen without this type */
        snprintf(cmd, sizeof(cmd), "cat %s/k%zu.pub", dir, i);
        line = run(cmd);
        key = from_pub_line(line);
        free(line);
        assert_int_equal(key->type, keys[i].type);

        for (int h = 0; h < 2; h++) {
            char fp[KK_FP_MAX], want[1024], *out, *art, *nl;
            struct kk_error err;

            snprintf(cmd, sizeof(cmd), "ssh-keygen -lv -E %s -f %s/k%zu.pub",
                     hashes[h], dir, i);
            out = run(cmd);
            /* "BITS FP test (TYPE)\n" then the picture */
            assert_int_equal(kk_key_fingerprint(key, h ? KK_FP_MD5 : KK_FP_SHA256, fp, &err),
                             KK_OK);
            snprintf(want, sizeof(want), "%d %s test (%s)\n", kk_key_bits(key), fp,
                     kk_key_type_label(key->type));
            nl = strchr(out, '\n');
            assert_non_null(nl);
            assert_memory_equal(out, want, strlen(want));
            art = kk_key_randomart(key, h ? KK_FP_MD5 : KK_FP_SHA256);
            assert_non_null(art);
            snprintf(want, sizeof(want), "%s\n", art);
            assert_string_equal(nl + 1, want);
            free(art);
            free(out);
        }
        kk_key_free(key);
    }
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_type_names),
        cmocka_unit_test(test_new_derives_type),
        cmocka_unit_test(test_new_refuses_other_keys),
        cmocka_unit_test(test_comment),
        cmocka_unit_test(test_public_copy),
        cmocka_unit_test(test_public_equal),
        cmocka_unit_test(test_validate_rsa_limits),
        cmocka_unit_test(test_validate_rsa_numbers),
        cmocka_unit_test(test_validate_dsa),
        cmocka_unit_test(test_check_private_generated),
        cmocka_unit_test(test_check_private_mismatch),
        cmocka_unit_test(test_generate_sizes),
        cmocka_unit_test(test_generate_bad_bits),
        cmocka_unit_test(test_fingerprint_known),
        cmocka_unit_test(test_randomart_shape),
        cmocka_unit_test(test_against_sshkeygen),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
