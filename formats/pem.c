/* Traditional PEM private keys: "RSA PRIVATE KEY" (PKCS#1), "EC PRIVATE KEY"
 * (SEC1, possibly after an "EC PARAMETERS" block) and "DSA PRIVATE KEY",
 * plain or encrypted with RFC 1421 Proc-Type/DEK-Info headers.  PKCS#8 blocks
 * are handed to the pkcs8 codec, so `--from pem` takes what openssl writes.
 * OpenSSL does the decryption and the DER; keykit reads the headers first so
 * a passphrase is asked for only when the block is encrypted. */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <openssl/asn1.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/decoder.h>
#include <openssl/ec.h>
#include <openssl/encoder.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include "../core/armor.h"
#include "priv_common.h"
#include "pub_common.h"

struct trad_kind {
    const char *label;
    const char *keytype;    /* OpenSSL key type for the decoder */
    const char *structure;  /* for messages */
};

static const struct trad_kind trad_kinds[] = {
    {"RSA PRIVATE KEY", "RSA", "PKCS#1 RSA"},
    {"EC PRIVATE KEY", "EC", "SEC1 EC"},
    {"DSA PRIVATE KEY", "DSA", "DSA"},
};

#define LABEL_EC_PARAMS "EC PARAMETERS"

static const struct trad_kind *trad_kind(const char *label)
{
    for (size_t i = 0; i < sizeof trad_kinds / sizeof trad_kinds[0]; i++)
        if (strcmp(label, trad_kinds[i].label) == 0)
            return &trad_kinds[i];
    return NULL;
}

static int is_pkcs8_label(const char *label)
{
    return strcmp(label, "PRIVATE KEY") == 0 ||
           strcmp(label, "ENCRYPTED PRIVATE KEY") == 0;
}

/* Offset just past the first block, when it is an EC PARAMETERS block that
 * `openssl ecparam -genkey` writes before the key; else 0. */
static size_t skip_ec_params(const uint8_t *in, size_t len, struct kk_buf *params)
{
    char label[KK_ARMOR_LABEL_MAX];
    struct kk_armor a = {0};
    struct kk_error ignored;
    size_t end = 0;

    if (!kk_armor_sniff(in, len, KK_ARMOR_PEM, label) ||
        strcmp(label, LABEL_EC_PARAMS) != 0)
        return 0;
    kk_error_clear(&ignored);
    if (kk_armor_decode(in, len, KK_ARMOR_PEM, &a, &ignored) == KK_OK) {
        end = a.end_offset;
        if (params != NULL && kk_buf_put(params, a.body.data, a.body.len) != 0)
            end = 0;
    }
    kk_armor_free(&a);
    return end;
}

static int pem_sniff(const uint8_t *in, size_t len)
{
    char label[KK_ARMOR_LABEL_MAX];
    size_t start = skip_ec_params(in, len, NULL);

    if (!kk_armor_sniff(in + start, len - start, KK_ARMOR_PEM, label))
        return KK_SNIFF_NO;
    return trad_kind(label) != NULL ? KK_SNIFF_YES : KK_SNIFF_NO;
}

/* The EC PARAMETERS block must name the curve the key is on; explicit
 * parameters are refused as they are for keys (kk_key knows named curves). */
static int check_ec_params(const struct kk_buf *params, const EVP_PKEY *pkey,
                           struct kk_error *err)
{
    const unsigned char *p = params->data;
    ASN1_OBJECT *oid = NULL;
    char group[64];
    int rc = KK_OK;

    if (params->len <= LONG_MAX)
        oid = d2i_ASN1_OBJECT(NULL, &p, (long)params->len);
    if (oid == NULL || (size_t)(p - params->data) != params->len) {
        rc = kk_fail(err, KK_ERR_UNSUPPORTED, "the EC PARAMETERS block does not "
                     "name a curve");
        kk_hint(err, "only named curves (P-256, P-384, P-521) are supported");
        goto out;
    }
    if (!EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, group,
                                        sizeof group, NULL)) {
        rc = kk_fail(err, KK_ERR_UNSUPPORTED, "the EC key does not use a named curve");
        goto out;
    }
    int nid = OBJ_sn2nid(group);
    if (nid == NID_undef)
        nid = EC_curve_nist2nid(group);
    if (nid == NID_undef || nid != OBJ_obj2nid(oid)) {
        rc = kk_fail(err, KK_ERR_MISMATCH, "the EC PARAMETERS block names a "
                     "different curve than the key (%s)", group);
        kk_hint(err, "remove the EC PARAMETERS block; the key names its curve");
    }
out:
    ASN1_OBJECT_free(oid);
    return rc;
}

/* Reads the RFC 1421 headers: 1 if encrypted (with cinfo filled), 0 if
 * plain, or a failure. */
static int read_headers(const struct kk_armor *a, EVP_CIPHER_INFO *cinfo,
                        int *encrypted, struct kk_error *err)
{
    const char *proc = kk_armor_header(a, "Proc-Type");
    const char *dek = kk_armor_header(a, "DEK-Info");
    char hdr[KK_MSG_MAX];

    *encrypted = 0;
    if (proc == NULL) {
        if (a->nheaders == 0)
            return KK_OK;
        kk_fail(err, KK_ERR_FORMAT, "unexpected header '%s' in a '%s' block",
                a->headers[0].name, a->label);
        kk_hint(err, "an unencrypted key block has no headers; remove them");
        return KK_ERR_FORMAT;
    }
    if (strcmp(proc, "4,ENCRYPTED") != 0)
        return kk_fail(err, KK_ERR_UNSUPPORTED, "Proc-Type '%s' is not supported "
                       "(only '4,ENCRYPTED')", proc);
    if (dek == NULL)
        return kk_fail(err, KK_ERR_FORMAT, "the key is encrypted but has no "
                       "DEK-Info header");
    for (size_t i = 0; i < a->nheaders; i++)
        if (strcasecmp(a->headers[i].name, "Proc-Type") != 0 &&
            strcasecmp(a->headers[i].name, "DEK-Info") != 0)
            return kk_fail(err, KK_ERR_FORMAT, "unexpected header '%s' in an "
                           "encrypted key block", a->headers[i].name);

    /* Look the cipher up first so an unknown or unavailable one is told
     * apart from a malformed IV; this also loads the legacy provider when
     * the file uses DES-CBC. */
    size_t nlen = strcspn(dek, ",");
    char name[64];
    if (nlen == 0 || nlen >= sizeof name || dek[nlen] != ',')
        return kk_fail(err, KK_ERR_FORMAT, "malformed DEK-Info header '%s'", dek);
    memcpy(name, dek, nlen);
    name[nlen] = '\0';
    EVP_CIPHER *c = kk_priv_fetch_cipher(name);
    if (c == NULL) {
        kk_fail(err, KK_ERR_UNSUPPORTED, "the key is encrypted with '%s', which "
                "this OpenSSL cannot decrypt", name);
        kk_hint(err, "re-encrypt it with openssl pkcs8 -topk8 -v2 aes-256-cbc");
        return KK_ERR_UNSUPPORTED;
    }
    EVP_CIPHER_free(c);

    int n = snprintf(hdr, sizeof hdr, "Proc-Type: 4,ENCRYPTED\nDEK-Info: %s\n", dek);
    if (n < 0 || (size_t)n >= sizeof hdr || !PEM_get_EVP_CIPHER_INFO(hdr, cinfo))
        return kk_fail(err, KK_ERR_FORMAT, "malformed DEK-Info header '%s'", dek);
    *encrypted = 1;
    return KK_OK;
}

static int decrypt_body(struct kk_armor *a, EVP_CIPHER_INFO *cinfo,
                        const struct kk_decode_opts *opts, struct kk_error *err)
{
    struct kk_priv_pass pp = {0};
    int bs = EVP_CIPHER_get_block_size(cinfo->cipher);
    int rc;

    /* Checked before the passphrase is asked for: a cut or padded body is
     * a damaged file, which must not be reported as a wrong passphrase. */
    if (a->body.len == 0 || (bs > 1 && a->body.len % (size_t)bs != 0))
        return kk_fail(err, KK_ERR_FORMAT, "the encrypted key is %zu bytes, not a "
                       "whole number of %d-byte cipher blocks: the file is truncated "
                       "or corrupt", a->body.len, bs);
    rc = kk_pass_get(opts != NULL ? opts->pass : NULL, &pp.text, &pp.len, err);
    if (rc != KK_OK)
        return rc;
    if (a->body.len > LONG_MAX)
        return kk_fail(err, KK_ERR_TOO_BIG, "the key block is too large");
    long n = (long)a->body.len;
    /* Decrypts in place; the plaintext is wiped with the armour. */
    if (!PEM_do_header(cinfo, a->body.data, &n, kk_priv_pass_cb, &pp)) {
        kk_fail(err, KK_ERR_WRONG_PASS, "wrong passphrase");
        kk_hint(err, "check the passphrase given with --passin");
        return KK_ERR_WRONG_PASS;
    }
    if (n < 0 || (size_t)n > a->body.len)
        return kk_fail(err, KK_ERR_INTERNAL, "openssl returned a bad length");
    OPENSSL_cleanse(a->body.data + n, a->body.len - (size_t)n);
    a->body.len = (size_t)n;
    return KK_OK;
}

static int decode_der(const struct kk_armor *a, const struct trad_kind *kind,
                      int encrypted, EVP_PKEY **pkey, struct kk_error *err)
{
    OSSL_DECODER_CTX *dctx;
    const unsigned char *p = a->body.data;
    size_t left = a->body.len;
    int rc = KK_OK;

    dctx = OSSL_DECODER_CTX_new_for_pkey(pkey, "DER", "type-specific",
                                         kind->keytype,
                                         OSSL_KEYMGMT_SELECT_PRIVATE_KEY, NULL,
                                         NULL);
    if (dctx == NULL || OSSL_DECODER_CTX_get_num_decoders(dctx) == 0) {
        rc = kk_fail(err, KK_ERR_CRYPTO, "openssl has no decoder for %s keys",
                     kind->structure);
    } else if (left == 0 || !OSSL_DECODER_from_data(dctx, &p, &left) ||
               *pkey == NULL) {
        /* Decryption with a wrong key passes the padding check about once
         * in 256 tries; what comes out is then not DER. */
        if (encrypted) {
            rc = kk_fail(err, KK_ERR_WRONG_PASS, "wrong passphrase");
            kk_hint(err, "check the passphrase given with --passin");
        } else {
            rc = kk_fail(err, KK_ERR_FORMAT, "the PEM body is not a valid %s "
                         "private key", kind->structure);
        }
    } else if (left != 0) {
        rc = kk_fail(err, KK_ERR_TRAILING, "%zu bytes after the %s key in the "
                     "PEM body", left, kind->structure);
    }
    OSSL_DECODER_CTX_free(dctx);
    return rc;
}

static int pem_decode(const uint8_t *in, size_t len,
                      const struct kk_decode_opts *opts, struct kk_key **out,
                      struct kk_error *err)
{
    struct kk_limits defaults;
    const struct kk_limits *lim = kk_pub_limits(opts, &defaults);
    struct kk_armor a = {0};
    struct kk_buf params;
    EVP_CIPHER_INFO cinfo;
    EVP_PKEY *pkey = NULL;
    const struct trad_kind *kind;
    char label[KK_ARMOR_LABEL_MAX];
    int armored = 0, encrypted = 0;
    int rc;

    *out = NULL;
    kk_buf_init(&params, 4096);
    size_t start = skip_ec_params(in, len, &params);
    if (!kk_armor_sniff(in + start, len - start, KK_ARMOR_PEM, label)) {
        rc = kk_fail(err, KK_ERR_FORMAT, "not a PEM private key: no '-----BEGIN "
                     "... PRIVATE KEY-----' line");
        kk_pub_hint_other(in, len, "pem", err);
        goto out;
    }
    if (is_pkcs8_label(label)) {
        rc = kk_fmt_pkcs8.decode(in + start, len - start, opts, out, err);
        goto out;
    }
    kind = trad_kind(label);
    if (kind == NULL || (start != 0 && strcmp(kind->keytype, "EC") != 0)) {
        rc = kk_fail(err, KK_ERR_FORMAT, "not a PEM private key: found a '%s' "
                     "block", label);
        kk_hint(err, "pem reads RSA, EC and DSA PRIVATE KEY blocks and PKCS#8");
        kk_pub_hint_other(in, len, "pem", err);
        goto out;
    }
    /* Locations count lines in the whole input, not from the key block. */
    long line0 = start != 0 ? kk_line_of(in, len, start) - 1 : 0;
    armored = 1;
    rc = kk_armor_decode(in + start, len - start, KK_ARMOR_PEM, &a, err);
    if (rc != KK_OK) {
        if (err != NULL && err->line > 0)
            err->line += line0;
        if (err != NULL && err->offset >= 0)
            err->offset += (long)start;
        goto out;
    }
    long line = a.begin_line + line0;
    rc = kk_pub_check_tail(in, len, start + a.end_offset, err);
    if (rc != KK_OK)
        goto out;
    rc = read_headers(&a, &cinfo, &encrypted, err);
    if (rc == KK_OK && encrypted)
        rc = decrypt_body(&a, &cinfo, opts, err);
    if (rc == KK_OK)
        rc = decode_der(&a, kind, encrypted, &pkey, err);
    if (rc == KK_OK && start != 0)
        rc = check_ec_params(&params, pkey, err);
    if (rc != KK_OK) {
        kk_error_at(err, line, -1);
        goto out;
    }
    rc = kk_priv_finish_key(pkey, encrypted, lim, out, err);
    pkey = NULL;
out:
    if (rc != KK_OK)
        ERR_clear_error();
    EVP_PKEY_free(pkey);
    if (armored)
        kk_armor_free(&a);
    kk_buf_free(&params);
    return rc;
}

static int pem_encode(const struct kk_key *key, const struct kk_encode_opts *opts,
                      struct kk_buf *out, struct kk_error *err)
{
    OSSL_ENCODER_CTX *ectx = NULL;
    EVP_CIPHER *cipher = NULL;
    BIO *bio = NULL;
    int rc;

    rc = kk_priv_require_private(key, "pem", err);
    if (rc != KK_OK)
        return rc;
    /* Ed25519 and Ed448 have no traditional form: PKCS#8 is their PEM. */
    if (key->type == KK_KEY_ED25519 || key->type == KK_KEY_ED448)
        return kk_fmt_pkcs8.encode(key, opts, out, err);

    ectx = OSSL_ENCODER_CTX_new_for_pkey(key->pkey, EVP_PKEY_KEYPAIR, "PEM",
                                         "type-specific", NULL);
    if (ectx == NULL || OSSL_ENCODER_CTX_get_num_encoders(ectx) == 0) {
        rc = kk_fail(err, KK_ERR_UNSUPPORTED, "openssl cannot write %s keys in "
                     "the traditional PEM form", kk_key_type_label(key->type));
        goto out;
    }
    /* opts->rounds has no meaning here: the traditional scheme derives its
     * key with one MD5 round (EVP_BytesToKey), as ssh-keygen -m PEM does. */
    if (opts != NULL && opts->passphrase != NULL) {
        rc = kk_priv_encode_cipher(opts, &cipher, err);
        if (rc != KK_OK)
            goto out;
        if (!OSSL_ENCODER_CTX_set_cipher(ectx, EVP_CIPHER_get0_name(cipher), NULL) ||
            !OSSL_ENCODER_CTX_set_passphrase(ectx, (const unsigned char *)opts->passphrase,
                                             opts->passlen)) {
            rc = kk_fail(err, KK_ERR_CRYPTO, "openssl refused the cipher or "
                         "passphrase");
            goto out;
        }
    }
    /* Secure-heap memory BIO: wiped when it grows and when freed. */
    bio = BIO_new(BIO_s_secmem());
    if (bio == NULL) {
        rc = kk_fail(err, KK_ERR_NOMEM, "out of memory");
        goto out;
    }
    if (!OSSL_ENCODER_to_bio(ectx, bio)) {
        rc = kk_fail(err, KK_ERR_CRYPTO, "openssl failed to write the %s key",
                     kk_key_type_label(key->type));
        goto out;
    }
    rc = kk_priv_take_bio(bio, out, err);
out:
    if (rc != KK_OK)
        ERR_clear_error();
    BIO_free(bio);
    EVP_CIPHER_free(cipher);
    OSSL_ENCODER_CTX_free(ectx);
    return rc;
}

const struct kk_format kk_fmt_pem = {
    .name = "pem",
    .summary = "traditional PEM: PKCS#1 RSA, SEC1 EC, DSA (PKCS#8 for Ed25519/Ed448)",
    .extensions = ".pem .key",
    .flags = KK_FMT_PRIVATE | KK_FMT_ENCRYPTABLE,
    .sniff = pem_sniff,
    .decode = pem_decode,
    .encode = pem_encode,
    .can_encode = kk_priv_can_encode,
};
