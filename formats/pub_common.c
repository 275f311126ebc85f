/* Helpers shared by the public-key formats: defaults, tail checks, safe
 * message text, and PEM public-key blocks through OpenSSL's codecs. */
#include <limits.h>
#include <string.h>
#include <openssl/decoder.h>
#include <openssl/encoder.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include "../core/armor.h"
#include "pub_common.h"

const struct kk_limits *kk_pub_limits(const struct kk_decode_opts *opts,
                                      struct kk_limits *storage)
{
    if (opts != NULL && opts->limits != NULL)
        return opts->limits;
    *storage = kk_limits_default();
    return storage;
}

static int is_space(uint8_t c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int starts_with(const uint8_t *p, size_t n, const char *s)
{
    size_t sl = strlen(s);
    return n >= sl && memcmp(p, s, sl) == 0;
}

int kk_pub_sniff_label(const uint8_t *in, size_t len, enum kk_armor_style style,
                       const char *label)
{
    char found[KK_ARMOR_LABEL_MAX];

    if (kk_armor_sniff(in, len, style, found) && strcmp(found, label) == 0)
        return KK_SNIFF_YES;
    return KK_SNIFF_NO;
}

int kk_pub_no_headers(const struct kk_armor *a, const char *hint,
                      struct kk_error *err)
{
    if (a->nheaders == 0)
        return KK_OK;
    int rc = kk_fail(err, KK_ERR_FORMAT, "unexpected header '%s' in a '%s' block",
                     a->headers[0].name, a->label);
    kk_hint(err, "%s", hint);
    kk_error_at(err, a->begin_line + 1, -1);
    return rc;
}

int kk_pub_check_tail(const uint8_t *in, size_t len, size_t off,
                      struct kk_error *err)
{
    size_t pos = off;

    while (pos < len && is_space(in[pos]))
        pos++;
    if (pos >= len)
        return KK_OK;
    long line = kk_line_of(in, len, pos);
    int rc;
    if (starts_with(in + pos, len - pos, "-----BEGIN ") ||
        starts_with(in + pos, len - pos, "---- BEGIN ")) {
        rc = kk_fail(err, KK_ERR_FORMAT, "more than one key (line %ld)", line);
        kk_hint(err, "keep one key per file");
    } else {
        rc = kk_fail(err, KK_ERR_TRAILING,
                     "unexpected text after the END line (line %ld)", line);
        kk_hint(err, "remove everything after the END line");
    }
    kk_error_at(err, line, (long)pos);
    return rc;
}

void kk_pub_hint_other(const uint8_t *in, size_t len, const char *self,
                       struct kk_error *err)
{
    const struct kk_format *f = kk_format_detect(in, len);

    if (f != NULL && strcmp(f->name, self) != 0)
        kk_hint(err, "this looks like a %s key: read it as %s, or let "
                "keykit detect the format", f->name, f->name);
}

static const char *der_label(enum kk_pub_der der)
{
    return der == KK_PUB_DER_SPKI ? "PUBLIC KEY" : "RSA PUBLIC KEY";
}

/* OpenSSL's encoder structure name for each kind. */
static const char *der_structure(enum kk_pub_der der)
{
    return der == KK_PUB_DER_SPKI ? "SubjectPublicKeyInfo" : "type-specific";
}

/* Writes key's public half as DER or PEM through OpenSSL; the caller frees
 * *data with OPENSSL_free. */
static int ossl_encode(const struct kk_key *key, enum kk_pub_der der,
                       const char *output, unsigned char **data, size_t *dlen,
                       struct kk_error *err)
{
    OSSL_ENCODER_CTX *ectx;
    int rc = KK_OK;

    *data = NULL;
    *dlen = 0;
    ectx = OSSL_ENCODER_CTX_new_for_pkey(key->pkey, EVP_PKEY_PUBLIC_KEY, output,
                                         der_structure(der), NULL);
    if (ectx == NULL || OSSL_ENCODER_CTX_get_num_encoders(ectx) == 0) {
        const char *t = kk_key_type_label(key->type);
        rc = kk_fail(err, KK_ERR_UNSUPPORTED, "openssl cannot write %s keys as %s",
                     t != NULL ? t : "these", der_label(der));
    } else if (!OSSL_ENCODER_to_data(ectx, data, dlen)) {
        rc = kk_fail(err, KK_ERR_CRYPTO, "openssl failed to encode the public key");
    }
    if (rc != KK_OK)
        ERR_clear_error();
    OSSL_ENCODER_CTX_free(ectx);
    return rc;
}

/* The DER body as a key.  OpenSSL's decoders take an RSAPublicKey for an SPKI
 * and the reverse, so each kind is checked for its own shape: an SPKI through
 * the X.509 parser, an RSAPublicKey by writing it back (DER is canonical). */
static int der_to_pkey(const uint8_t *body, size_t blen, enum kk_pub_der der,
                       const struct kk_armor *a, EVP_PKEY **pkey,
                       struct kk_error *err)
{
    const char *label = der_label(der);
    const unsigned char *p = body;
    size_t left = blen;
    int rc = KK_OK;

    *pkey = NULL;
    if (der == KK_PUB_DER_SPKI) {
        if (blen > 0 && blen <= LONG_MAX)
            *pkey = d2i_PUBKEY(NULL, &p, (long)blen);
        left = blen - (size_t)(p - body);
    } else if (blen > 0) {
        OSSL_DECODER_CTX *dctx = OSSL_DECODER_CTX_new_for_pkey(
            pkey, "DER", "type-specific", "RSA", EVP_PKEY_PUBLIC_KEY, NULL, NULL);
        if (dctx == NULL || OSSL_DECODER_CTX_get_num_decoders(dctx) == 0) {
            OSSL_DECODER_CTX_free(dctx);
            rc = kk_fail(err, KK_ERR_CRYPTO, "openssl has no decoder for %s", label);
            goto out;
        }
        if (!OSSL_DECODER_from_data(dctx, &p, &left)) {
            EVP_PKEY_free(*pkey);
            *pkey = NULL;
        }
        OSSL_DECODER_CTX_free(dctx);
    }
    if (*pkey == NULL) {
        rc = kk_fail(err, KK_ERR_FORMAT,
                     "the '%s' block does not hold a valid public key", label);
        goto out;
    }
    if (left != 0) {
        rc = kk_fail(err, KK_ERR_TRAILING, "%zu bytes after the key in the '%s' block",
                     left, label);
        goto out;
    }
    if (der == KK_PUB_DER_PKCS1) {
        struct kk_key probe = {.type = KK_KEY_RSA, .pkey = *pkey};
        unsigned char *again = NULL;
        size_t alen = 0;
        rc = ossl_encode(&probe, der, "DER", &again, &alen, err);
        if (rc == KK_OK && (alen != blen || memcmp(again, body, blen) != 0))
            rc = kk_fail(err, KK_ERR_FORMAT, "the '%s' block does not hold a "
                         "PKCS#1 RSAPublicKey", label);
        OPENSSL_free(again);
    }
out:
    if (rc != KK_OK) {
        EVP_PKEY_free(*pkey);
        *pkey = NULL;
        ERR_clear_error();
        kk_error_at(err, a->begin_line, -1);
    }
    return rc;
}

int kk_pub_pem_decode(const uint8_t *in, size_t len,
                      const struct kk_decode_opts *opts, const char *fmt_name,
                      const char *what, enum kk_pub_der der,
                      struct kk_key **out, struct kk_error *err)
{
    struct kk_limits defaults;
    const struct kk_limits *lim = kk_pub_limits(opts, &defaults);
    const char *label = der_label(der);
    struct kk_armor a = {0};
    char found[KK_ARMOR_LABEL_MAX];
    EVP_PKEY *pkey = NULL;
    struct kk_key *key = NULL;
    int armored = 0;
    int rc;

    *out = NULL;
    if (!kk_armor_sniff(in, len, KK_ARMOR_PEM, found)) {
        rc = kk_fail(err, KK_ERR_FORMAT, "not %s: no '-----BEGIN %s-----' line",
                     what, label);
        kk_pub_hint_other(in, len, fmt_name, err);
        goto out;
    }
    if (strcmp(found, label) != 0) {
        rc = kk_fail(err, KK_ERR_FORMAT,
                     "not %s: expected a '%s' block, found '%s'", what, label,
                     found);
        kk_pub_hint_other(in, len, fmt_name, err);
        goto out;
    }
    armored = 1;
    rc = kk_armor_decode(in, len, KK_ARMOR_PEM, &a, err);
    if (rc != KK_OK)
        goto out;
    rc = kk_pub_no_headers(&a, "a public key block has no headers; remove them",
                           err);
    if (rc != KK_OK)
        goto out;
    rc = kk_pub_check_tail(in, len, a.end_offset, err);
    if (rc != KK_OK)
        goto out;
    rc = der_to_pkey(a.body.data, a.body.len, der, &a, &pkey, err);
    if (rc != KK_OK)
        goto out;
    rc = kk_key_new(pkey, 0, &key, err);
    pkey = NULL;
    if (rc != KK_OK) {
        kk_error_at(err, a.begin_line, -1);
        goto out;
    }
    rc = kk_key_validate(key, lim, err);
    if (rc != KK_OK) {
        kk_error_at(err, a.begin_line, -1);
        goto out;
    }
    *out = key;
    key = NULL;
out:
    kk_key_free(key);
    EVP_PKEY_free(pkey);
    if (armored)
        kk_armor_free(&a);
    return rc;
}

int kk_pub_pem_encode(const struct kk_key *key, enum kk_pub_der der,
                      struct kk_buf *out, struct kk_error *err)
{
    unsigned char *data = NULL;
    size_t dlen = 0;
    int rc = ossl_encode(key, der, "PEM", &data, &dlen, err);

    if (rc == KK_OK && kk_buf_put(out, data, dlen) != 0)
        rc = kk_fail(err, KK_ERR_NOMEM, "out of memory writing the public key");
    OPENSSL_free(data);
    return rc;
}
