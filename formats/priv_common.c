/* Helpers shared by the private-key formats over OpenSSL; see priv_common.h. */
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/provider.h>
#include "priv_common.h"

/* The legacy provider is loaded at most once per process, and only when a
 * file needs one of its ciphers; the default provider stays the fallback.
 * It is unloaded at exit, before OpenSSL's own cleanup (registered earlier,
 * so run later), which would otherwise leave it allocated. */
static CRYPTO_ONCE legacy_once = CRYPTO_ONCE_STATIC_INIT;
static OSSL_PROVIDER *legacy;

static void unload_legacy(void)
{
    OSSL_PROVIDER_unload(legacy);
    legacy = NULL;
}

static void load_legacy_once(void)
{
    ERR_set_mark();
    legacy = OSSL_PROVIDER_try_load(NULL, "legacy", 1);
    ERR_pop_to_mark();
    if (legacy != NULL && atexit(unload_legacy) != 0)
        unload_legacy();
}

static void load_legacy(void)
{
    (void)CRYPTO_THREAD_run_once(&legacy_once, load_legacy_once);
}

EVP_CIPHER *kk_priv_fetch_cipher(const char *name)
{
    EVP_CIPHER *c;

    if (name == NULL)
        return NULL;
    ERR_set_mark();
    c = EVP_CIPHER_fetch(NULL, name, NULL);
    if (c == NULL) {
        load_legacy();
        c = EVP_CIPHER_fetch(NULL, name, NULL);
    }
    ERR_pop_to_mark();
    return c;
}

EVP_MD *kk_priv_fetch_md(const char *name)
{
    EVP_MD *md;

    if (name == NULL)
        return NULL;
    ERR_set_mark();
    md = EVP_MD_fetch(NULL, name, NULL);
    if (md == NULL) {
        load_legacy();
        md = EVP_MD_fetch(NULL, name, NULL);
    }
    ERR_pop_to_mark();
    return md;
}

int kk_priv_encode_cipher(const struct kk_encode_opts *opts, EVP_CIPHER **out,
                          struct kk_error *err)
{
    const char *name = opts != NULL && opts->cipher != NULL ? opts->cipher
                                                            : "AES-256-CBC";
    EVP_CIPHER *c;

    *out = NULL;
    c = kk_priv_fetch_cipher(name);
    if (c == NULL) {
        kk_fail(err, KK_ERR_USAGE, "unknown cipher '%s'", name);
        kk_hint(err, "name an OpenSSL cipher such as aes-256-cbc");
        return KK_ERR_USAGE;
    }
    /* Both schemes derive the salt from (PEM) or send (PBES2) an IV of at
     * least 8 bytes, and OpenSSL's PBES2 writer handles CBC only. */
    if (EVP_CIPHER_get_mode(c) != EVP_CIPH_CBC_MODE ||
        EVP_CIPHER_get_iv_length(c) < 8) {
        EVP_CIPHER_free(c);
        kk_fail(err, KK_ERR_USAGE, "cipher '%s' cannot encrypt a private key file",
                name);
        kk_hint(err, "use a CBC cipher such as aes-256-cbc or aes-128-cbc");
        return KK_ERR_USAGE;
    }
    *out = c;
    return KK_OK;
}

int kk_priv_take_bio(BIO *bio, struct kk_buf *out, struct kk_error *err)
{
    char *data = NULL;
    long n = BIO_get_mem_data(bio, &data);
    int rc = KK_OK;

    if (n <= 0 || data == NULL)
        return kk_fail(err, KK_ERR_CRYPTO, "openssl wrote nothing");
    if (kk_buf_put(out, data, (size_t)n) != 0)
        rc = kk_fail(err, KK_ERR_NOMEM, "out of memory writing the key");
    OPENSSL_cleanse(data, (size_t)n);
    return rc;
}

int kk_priv_pass_cb(char *buf, int size, int rwflag, void *u)
{
    const struct kk_priv_pass *p = u;

    (void)rwflag;
    if (p == NULL || size < 0 || p->len > (size_t)size)
        return -1;
    memcpy(buf, p->text, p->len);
    return (int)p->len;
}

int kk_priv_finish_key(EVP_PKEY *pkey, int was_encrypted,
                       const struct kk_limits *lim, struct kk_key **out,
                       struct kk_error *err)
{
    struct kk_key *key = NULL;
    int rc;

    *out = NULL;
    rc = kk_key_new(pkey, 1, &key, err);
    if (rc != KK_OK)
        return rc;
    key->was_encrypted = was_encrypted;
    rc = kk_key_validate(key, lim, err);
    if (rc == KK_OK)
        rc = kk_key_check_private(key, err);
    if (rc != KK_OK) {
        kk_key_free(key);
        return rc;
    }
    *out = key;
    return KK_OK;
}

int kk_priv_require_private(const struct kk_key *key, const char *fmt_name,
                            struct kk_error *err)
{
    if (key != NULL && key->has_private && key->pkey != NULL)
        return KK_OK;
    kk_fail(err, KK_ERR_NOT_PRIVATE, "the %s format holds a private key, and "
            "this key has only its public half", fmt_name);
    kk_hint(err, "convert the private key instead, or write a public "
                   "format such as openssh-pub");
    return KK_ERR_NOT_PRIVATE;
}

int kk_priv_can_encode(const struct kk_key *key)
{
    return key != NULL && key->type != KK_KEY_UNKNOWN;
}
