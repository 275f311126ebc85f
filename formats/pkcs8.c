/* PKCS#8 private keys (RFC 5208, RFC 5958): PEM "PRIVATE KEY" and
 * "ENCRYPTED PRIVATE KEY" (PBES2 with PBKDF2 or scrypt, and the PBES1
 * schemes OpenSSL reads).  OpenSSL does the DER and the decryption; keykit
 * reads the KDF parameters first so a hostile cost is refused before any
 * work, and before a passphrase is asked for. */
#include <limits.h>
#include <string.h>
#include <openssl/asn1.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>
#include "../core/armor.h"
#include "priv_common.h"
#include "pub_common.h"

#define LABEL_PLAIN "PRIVATE KEY"
#define LABEL_ENC   "ENCRYPTED PRIVATE KEY"

/* OpenSSL's scrypt refuses to use more memory than this (SCRYPT_MAX_MEM). */
#define OSSL_SCRYPT_MAXMEM ((uint64_t)32 << 20)

static int pkcs8_sniff(const uint8_t *in, size_t len)
{
    char label[KK_ARMOR_LABEL_MAX];

    if (!kk_armor_sniff(in, len, KK_ARMOR_PEM, label))
        return KK_SNIFF_NO;
    if (strcmp(label, LABEL_PLAIN) == 0 || strcmp(label, LABEL_ENC) == 0)
        return KK_SNIFF_YES;
    return KK_SNIFF_NO;
}

/* A non-negative INTEGER as uint64; UINT64_MAX when larger.  -1 if negative
 * or absent. */
static int get_count(const ASN1_INTEGER *a, uint64_t *v)
{
    if (a == NULL || ASN1_STRING_type(a) == V_ASN1_NEG_INTEGER)
        return -1;
    if (!ASN1_INTEGER_get_uint64(v, a)) {
        ERR_clear_error();
        *v = UINT64_MAX;
    }
    return 0;
}

static int cap_fail(struct kk_error *err, const char *what, uint64_t n,
                    unsigned max)
{
    kk_fail(err, KK_ERR_CAP, "%s %llu is larger than the limit of %u", what,
            (unsigned long long)n, max);
    kk_hint(err, "raise the limit with --max-kdf-rounds");
    return KK_ERR_CAP;
}

static int bad_params(struct kk_error *err, const char *what)
{
    return kk_fail(err, KK_ERR_FORMAT,
                   "the encryption parameters are malformed (%s)", what);
}

/* Names an OID for messages: its short name, or its dotted form. */
static void oid_text(const ASN1_OBJECT *o, char *buf, int size)
{
    if (o == NULL || OBJ_obj2txt(buf, size, o, 0) <= 0)
        snprintf(buf, (size_t)size, "(unknown)");
}

static int need_cipher_nid(int nid, const ASN1_OBJECT *o, struct kk_error *err)
{
    const char *name = nid != NID_undef ? OBJ_nid2sn(nid) : NULL;
    EVP_CIPHER *c = kk_priv_fetch_cipher(name);
    char txt[80];

    if (c != NULL) {
        EVP_CIPHER_free(c);
        return KK_OK;
    }
    oid_text(o != NULL ? o : OBJ_nid2obj(nid), txt, sizeof txt);
    kk_fail(err, KK_ERR_UNSUPPORTED, "the key is encrypted with %s, which this "
            "OpenSSL cannot decrypt", txt);
    kk_hint(err, "re-encrypt it with a current tool: openssl pkcs8 "
                   "-topk8 -v2 aes-256-cbc");
    return KK_ERR_UNSUPPORTED;
}

static int need_md_nid(int nid, struct kk_error *err)
{
    const char *name = nid != NID_undef ? OBJ_nid2sn(nid) : NULL;
    EVP_MD *md = kk_priv_fetch_md(name);

    if (md != NULL) {
        EVP_MD_free(md);
        return KK_OK;
    }
    return kk_fail(err, KK_ERR_UNSUPPORTED, "the key's KDF uses the digest %s, "
                   "which this OpenSSL lacks", name != NULL ? name : "(unknown)");
}

static int check_pbkdf2(const ASN1_TYPE *param, const struct kk_limits *lim,
                        struct kk_error *err)
{
    PBKDF2PARAM *kdf = ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(PBKDF2PARAM),
                                                 param);
    uint64_t iter;
    int rc;

    if (kdf == NULL)
        return bad_params(err, "PBKDF2 parameters");
    if (get_count(kdf->iter, &iter) != 0 || iter == 0) {
        rc = bad_params(err, "PBKDF2 iteration count");
        goto out;
    }
    if (iter > lim->max_kdf_rounds) {
        rc = cap_fail(err, "PBKDF2 iteration count", iter, lim->max_kdf_rounds);
        goto out;
    }
    int prf = kdf->prf != NULL ? OBJ_obj2nid(kdf->prf->algorithm) : NID_hmacWithSHA1;
    int md_nid = NID_undef;
    if (!EVP_PBE_find(EVP_PBE_TYPE_PRF, prf, NULL, &md_nid, NULL)) {
        char txt[80];
        oid_text(kdf->prf != NULL ? kdf->prf->algorithm : NULL, txt, sizeof txt);
        rc = kk_fail(err, KK_ERR_UNSUPPORTED, "unknown PBKDF2 PRF %s", txt);
        goto out;
    }
    rc = need_md_nid(md_nid, err);
out:
    PBKDF2PARAM_free(kdf);
    return rc;
}

static int check_scrypt(const ASN1_TYPE *param, const struct kk_limits *lim,
                        struct kk_error *err)
{
    SCRYPT_PARAMS *sp = ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(SCRYPT_PARAMS),
                                                  param);
    uint64_t n, r, p;
    int rc = KK_OK;

    if (sp == NULL)
        return bad_params(err, "scrypt parameters");
    if (get_count(sp->costParameter, &n) != 0 || get_count(sp->blockSize, &r) != 0 ||
        get_count(sp->parallelizationParameter, &p) != 0 || n < 2 ||
        (n & (n - 1)) != 0 || r == 0 || p == 0) {
        rc = bad_params(err, "scrypt N, r or p");
        goto out;
    }
    /* The work grows with N*r*p; overflow counts as over any cap. */
    uint64_t cost = n;
    if (r > UINT64_MAX / cost)
        cost = UINT64_MAX;
    else
        cost *= r;
    if (cost != UINT64_MAX && p > UINT64_MAX / cost)
        cost = UINT64_MAX;
    else if (cost != UINT64_MAX)
        cost *= p;
    if (cost > lim->max_kdf_rounds) {
        rc = cap_fail(err, "scrypt cost N*r*p", cost, lim->max_kdf_rounds);
        goto out;
    }
    /* OpenSSL's own memory bound; past it the KDF fails, which must not be
     * mistaken for a wrong passphrase.  cost <= UINT_MAX keeps these small. */
    uint64_t mem = 128 * r * p + 128 * r * (n + 2);
    if (mem > OSSL_SCRYPT_MAXMEM) {
        rc = kk_fail(err, KK_ERR_UNSUPPORTED, "the key's scrypt parameters need "
                     "%llu MiB of memory, more than OpenSSL allows (32 MiB)",
                     (unsigned long long)(mem >> 20));
        goto out;
    }
out:
    SCRYPT_PARAMS_free(sp);
    return rc;
}

static int check_pbes2(const ASN1_TYPE *param, const struct kk_limits *lim,
                       struct kk_error *err)
{
    PBE2PARAM *pbe2 = ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(PBE2PARAM), param);
    int rc;

    if (pbe2 == NULL || pbe2->keyfunc == NULL || pbe2->encryption == NULL) {
        PBE2PARAM_free(pbe2);
        return bad_params(err, "PBES2 parameters");
    }
    int kdf = OBJ_obj2nid(pbe2->keyfunc->algorithm);
    if (kdf == NID_id_pbkdf2) {
        rc = check_pbkdf2(pbe2->keyfunc->parameter, lim, err);
    } else if (kdf == NID_id_scrypt) {
        rc = check_scrypt(pbe2->keyfunc->parameter, lim, err);
    } else {
        char txt[80];
        oid_text(pbe2->keyfunc->algorithm, txt, sizeof txt);
        rc = kk_fail(err, KK_ERR_UNSUPPORTED, "unknown PBES2 key derivation %s", txt);
    }
    if (rc == KK_OK)
        rc = need_cipher_nid(OBJ_obj2nid(pbe2->encryption->algorithm),
                             pbe2->encryption->algorithm, err);
    PBE2PARAM_free(pbe2);
    return rc;
}

static int check_pbes1(const X509_ALGOR *alg, const struct kk_limits *lim,
                       struct kk_error *err)
{
    int cipher_nid = NID_undef, md_nid = NID_undef;
    uint64_t iter;
    int rc;

    if (!EVP_PBE_find(EVP_PBE_TYPE_OUTER, OBJ_obj2nid(alg->algorithm),
                      &cipher_nid, &md_nid, NULL)) {
        char txt[80];
        oid_text(alg->algorithm, txt, sizeof txt);
        return kk_fail(err, KK_ERR_UNSUPPORTED, "unknown encryption scheme %s", txt);
    }
    PBEPARAM *pbe = ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(PBEPARAM),
                                              alg->parameter);
    if (pbe == NULL)
        return bad_params(err, "PBE parameters");
    if (get_count(pbe->iter, &iter) != 0 || iter == 0)
        rc = bad_params(err, "PBE iteration count");
    else if (iter > lim->max_kdf_rounds)
        rc = cap_fail(err, "PBE iteration count", iter, lim->max_kdf_rounds);
    else if ((rc = need_cipher_nid(cipher_nid, NULL, err)) == KK_OK)
        rc = need_md_nid(md_nid, err);
    PBEPARAM_free(pbe);
    return rc;
}

/* Refuses a KDF cost over the caps, and a scheme OpenSSL cannot run, so that
 * a later decryption failure can only mean a wrong passphrase. */
static int check_scheme(const X509_ALGOR *alg, const struct kk_limits *lim,
                        struct kk_error *err)
{
    if (OBJ_obj2nid(alg->algorithm) == NID_pbes2)
        return check_pbes2(alg->parameter, lim, err);
    return check_pbes1(alg, lim, err);
}

/* Key algorithms keykit has a kk_key type for. */
static int algorithm_known(const PKCS8_PRIV_KEY_INFO *p8, struct kk_error *err)
{
    const ASN1_OBJECT *obj = NULL;
    char txt[80];

    if (!PKCS8_pkey_get0(&obj, NULL, NULL, NULL, p8))
        return kk_fail(err, KK_ERR_FORMAT, "the PrivateKeyInfo is malformed");
    switch (OBJ_obj2nid(obj)) {
    case NID_rsaEncryption:
    case NID_X9_62_id_ecPublicKey:
    case NID_dsa:
    case NID_ED25519:
    case NID_ED448:
        return KK_OK;
    default:
        oid_text(obj, txt, sizeof txt);
        kk_fail(err, KK_ERR_UNSUPPORTED, "%s keys are not supported", txt);
        kk_hint(err, "keykit handles RSA, DSA, ECDSA (P-256, P-384, "
                       "P-521), Ed25519 and Ed448 keys");
        return KK_ERR_UNSUPPORTED;
    }
}

static int decrypt(const struct kk_armor *a, const struct kk_decode_opts *opts,
                   const struct kk_limits *lim, PKCS8_PRIV_KEY_INFO **p8,
                   struct kk_error *err)
{
    const unsigned char *p = a->body.data;
    X509_SIG *sig = NULL;
    const X509_ALGOR *alg = NULL;
    const char *pass = NULL;
    size_t passlen = 0;
    int rc;

    if (a->body.len <= LONG_MAX)
        sig = d2i_X509_SIG(NULL, &p, (long)a->body.len);
    if (sig == NULL) {
        rc = kk_fail(err, KK_ERR_FORMAT, "the '%s' block does not hold a valid "
                     "EncryptedPrivateKeyInfo", LABEL_ENC);
        goto out;
    }
    if ((size_t)(p - a->body.data) != a->body.len) {
        rc = kk_fail(err, KK_ERR_TRAILING, "%zu bytes after the "
                     "EncryptedPrivateKeyInfo", a->body.len - (size_t)(p - a->body.data));
        goto out;
    }
    X509_SIG_get0(sig, &alg, NULL);
    rc = check_scheme(alg, lim, err);
    if (rc != KK_OK)
        goto out;
    rc = kk_pass_get(opts != NULL ? opts->pass : NULL, &pass, &passlen, err);
    if (rc != KK_OK)
        goto out;
    if (passlen > INT_MAX) {
        rc = kk_fail(err, KK_ERR_USAGE, "the passphrase is too long");
        goto out;
    }
    *p8 = PKCS8_decrypt_ex(sig, pass, (int)passlen, NULL, NULL);
    if (*p8 == NULL) {
        /* The scheme was checked above: what fails now is the padding or
         * the DER of the plaintext, which a wrong passphrase garbles. */
        rc = kk_fail(err, KK_ERR_WRONG_PASS, "wrong passphrase");
        kk_hint(err, "check the passphrase given with --passin");
        goto out;
    }
    rc = KK_OK;
out:
    X509_SIG_free(sig);
    return rc;
}

static int pkcs8_decode(const uint8_t *in, size_t len,
                        const struct kk_decode_opts *opts, struct kk_key **out,
                        struct kk_error *err)
{
    struct kk_limits defaults;
    const struct kk_limits *lim = kk_pub_limits(opts, &defaults);
    struct kk_armor a = {0};
    PKCS8_PRIV_KEY_INFO *p8 = NULL;
    EVP_PKEY *pkey = NULL;
    int armored = 0, encrypted;
    int rc;

    *out = NULL;
    if (pkcs8_sniff(in, len) != KK_SNIFF_YES) {
        rc = kk_fail(err, KK_ERR_FORMAT, "not a PKCS#8 key: no '-----BEGIN "
                     "PRIVATE KEY-----' or '-----BEGIN ENCRYPTED PRIVATE "
                     "KEY-----' line");
        kk_pub_hint_other(in, len, "pkcs8", err);
        goto out;
    }
    armored = 1;
    rc = kk_armor_decode(in, len, KK_ARMOR_PEM, &a, err);
    if (rc != KK_OK)
        goto out;
    rc = kk_pub_no_headers(&a, "a PKCS#8 block has no headers; remove them", err);
    if (rc != KK_OK)
        goto out;
    rc = kk_pub_check_tail(in, len, a.end_offset, err);
    if (rc != KK_OK)
        goto out;
    encrypted = strcmp(a.label, LABEL_ENC) == 0;
    if (encrypted) {
        rc = decrypt(&a, opts, lim, &p8, err);
        if (rc != KK_OK) {
            kk_error_at(err, a.begin_line, -1);
            goto out;
        }
    } else {
        const unsigned char *p = a.body.data;
        p8 = a.body.len <= LONG_MAX
                 ? d2i_PKCS8_PRIV_KEY_INFO(NULL, &p, (long)a.body.len) : NULL;
        if (p8 == NULL) {
            rc = kk_fail(err, KK_ERR_FORMAT, "the '%s' block does not hold a "
                         "valid PrivateKeyInfo", LABEL_PLAIN);
            kk_error_at(err, a.begin_line, -1);
            goto out;
        }
        if ((size_t)(p - a.body.data) != a.body.len) {
            rc = kk_fail(err, KK_ERR_TRAILING, "%zu bytes after the PrivateKeyInfo",
                         a.body.len - (size_t)(p - a.body.data));
            kk_error_at(err, a.begin_line, -1);
            goto out;
        }
    }
    rc = algorithm_known(p8, err);
    if (rc != KK_OK)
        goto out;
    pkey = EVP_PKCS82PKEY_ex(p8, NULL, NULL);
    if (pkey == NULL) {
        rc = kk_fail(err, KK_ERR_BAD_KEY, "the PrivateKeyInfo does not hold a "
                     "valid private key");
        kk_error_at(err, a.begin_line, -1);
        goto out;
    }
    rc = kk_priv_finish_key(pkey, encrypted, lim, out, err);
    pkey = NULL;
out:
    if (rc != KK_OK)
        ERR_clear_error();
    EVP_PKEY_free(pkey);
    PKCS8_PRIV_KEY_INFO_free(p8);   /* cleanses the key octets */
    if (armored)
        kk_armor_free(&a);
    return rc;
}

static int pkcs8_encode(const struct kk_key *key, const struct kk_encode_opts *opts,
                        struct kk_buf *out, struct kk_error *err)
{
    PKCS8_PRIV_KEY_INFO *p8 = NULL;
    X509_SIG *sig = NULL;
    EVP_CIPHER *cipher = NULL;
    unsigned char *der = NULL;
    int derlen = 0;
    const char *label = LABEL_PLAIN;
    int rc;

    rc = kk_priv_require_private(key, "pkcs8", err);
    if (rc != KK_OK)
        return rc;
    p8 = EVP_PKEY2PKCS8(key->pkey);
    if (p8 == NULL) {
        rc = kk_fail(err, KK_ERR_CRYPTO, "openssl cannot write this %s key as "
                     "PKCS#8", kk_key_type_label(key->type));
        goto out;
    }
    if (opts != NULL && opts->passphrase != NULL) {
        unsigned iter = opts->rounds != 0 ? opts->rounds : PKCS5_DEFAULT_ITER;
        if (iter > INT_MAX || opts->passlen > INT_MAX) {
            rc = kk_fail(err, KK_ERR_USAGE, iter > INT_MAX
                         ? "the PBKDF2 iteration count is too large"
                         : "the passphrase is too long");
            goto out;
        }
        rc = kk_priv_encode_cipher(opts, &cipher, err);
        if (rc != KK_OK)
            goto out;
        /* pbe_nid -1 selects PBES2; OpenSSL then picks PBKDF2 with
         * HMAC-SHA256 and a random salt and IV. */
        sig = PKCS8_encrypt_ex(-1, cipher, opts->passphrase, (int)opts->passlen,
                               NULL, 0, (int)iter, p8, NULL, NULL);
        if (sig == NULL) {
            rc = kk_fail(err, KK_ERR_CRYPTO, "openssl failed to encrypt the key");
            goto out;
        }
        derlen = i2d_X509_SIG(sig, &der);
        label = LABEL_ENC;
    } else {
        derlen = i2d_PKCS8_PRIV_KEY_INFO(p8, &der);
    }
    if (derlen <= 0 || der == NULL) {
        rc = kk_fail(err, KK_ERR_CRYPTO, "openssl failed to encode the key");
        goto out;
    }
    rc = kk_armor_encode(KK_ARMOR_PEM, label, NULL, 0, der, (size_t)derlen, 64,
                         out, err);
out:
    if (rc != KK_OK)
        ERR_clear_error();
    if (der != NULL)
        OPENSSL_clear_free(der, (size_t)derlen);
    EVP_CIPHER_free(cipher);
    X509_SIG_free(sig);
    PKCS8_PRIV_KEY_INFO_free(p8);
    return rc;
}

const struct kk_format kk_fmt_pkcs8 = {
    .name = "pkcs8",
    .summary = "PKCS#8 PEM (\"PRIVATE KEY\", \"ENCRYPTED PRIVATE KEY\"), every key type",
    .extensions = ".p8 .pk8 .pkcs8",
    .flags = KK_FMT_PRIVATE | KK_FMT_ENCRYPTABLE,
    .sniff = pkcs8_sniff,
    .decode = pkcs8_decode,
    .encode = pkcs8_encode,
    .can_encode = kk_priv_can_encode,
};
