/* Fresh keys from OpenSSL's generators. */
#include "key.h"

#include <openssl/core_names.h>
#include <openssl/params.h>

#define RSA_MIN_BITS 1024u
#define RSA_MAX_BITS 16384u
#define RSA_DEFAULT_BITS 3072u

static EVP_PKEY *generate_rsa(unsigned bits)
{
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
    EVP_PKEY *pkey = NULL;
    unsigned int e = 65537;
    size_t nbits = bits;
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_size_t(OSSL_PKEY_PARAM_RSA_BITS, &nbits),
        OSSL_PARAM_construct_uint(OSSL_PKEY_PARAM_RSA_E, &e),
        OSSL_PARAM_construct_end(),
    };

    if (ctx == NULL || EVP_PKEY_keygen_init(ctx) != 1 ||
        EVP_PKEY_CTX_set_params(ctx, params) != 1 ||
        EVP_PKEY_generate(ctx, &pkey) != 1) {
        EVP_PKEY_free(pkey);
        pkey = NULL;
    }
    EVP_PKEY_CTX_free(ctx);
    return pkey;
}

int kk_key_generate(enum kk_key_type type, unsigned bits, struct kk_key **out,
                    struct kk_error *err)
{
    EVP_PKEY *pkey = NULL;
    enum kk_key_type want = type;

    *out = NULL;
    switch (type) {
    case KK_KEY_RSA:
        if (bits == 0)
            bits = RSA_DEFAULT_BITS;
        if (bits < RSA_MIN_BITS || bits > RSA_MAX_BITS) {
            kk_fail(err, KK_ERR_USAGE,
                    "RSA keys must have %u to %u bits, not %u",
                    RSA_MIN_BITS, RSA_MAX_BITS, bits);
            kk_hint(err, "use -b 3072, or leave -b out for the default");
            return KK_ERR_USAGE;
        }
        pkey = generate_rsa(bits);
        break;
    case KK_KEY_ECDSA_P256:
    case KK_KEY_ECDSA_P384:
    case KK_KEY_ECDSA_P521:
        /* A size picks the curve, as ssh-keygen -t ecdsa -b does; without
         * one the type's own curve is used (P-256 for plain "ecdsa"). */
        if (bits == 0)
            want = type;
        else if (bits == 256)
            want = KK_KEY_ECDSA_P256;
        else if (bits == 384)
            want = KK_KEY_ECDSA_P384;
        else if (bits == 521)
            want = KK_KEY_ECDSA_P521;
        else
            return kk_fail(err, KK_ERR_USAGE,
                           "ECDSA keys must have 256, 384 or 521 bits, not %u", bits);
        pkey = EVP_PKEY_Q_keygen(NULL, NULL, "EC", kk_key_type_curve(want));
        break;
    case KK_KEY_ED25519:
        if (bits != 0 && bits != 256)
            return kk_fail(err, KK_ERR_USAGE,
                           "Ed25519 keys have a fixed size of 256 bits, not %u", bits);
        pkey = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
        break;
    case KK_KEY_ED448:
        if (bits != 0 && bits != 448 && bits != 456)
            return kk_fail(err, KK_ERR_USAGE,
                           "Ed448 keys have a fixed size of 456 bits, not %u", bits);
        pkey = EVP_PKEY_Q_keygen(NULL, NULL, "ED448");
        break;
    case KK_KEY_DSA:
        kk_fail(err, KK_ERR_UNSUPPORTED, "DSA keys cannot be generated");
        kk_hint(err, "DSA is obsolete; use -t ed25519 or -t rsa");
        return KK_ERR_UNSUPPORTED;
    default:
        return kk_fail(err, KK_ERR_USAGE, "unknown key type to generate");
    }
    if (pkey == NULL)
        return kk_fail(err, KK_ERR_CRYPTO, "%s key generation failed",
                       kk_key_type_label(want));
    return kk_key_new(pkey, 1, out, err);
}
