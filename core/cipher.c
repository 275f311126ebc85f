/* AES-256-CBC and HMAC over OpenSSL EVP. */
#include "cipher.h"

#include <limits.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

int kk_aes256_cbc(int encrypt, const uint8_t key[KK_AES256_KEY_LEN],
                  const uint8_t iv[KK_AES_BLOCK], const uint8_t *in,
                  size_t len, uint8_t *out, struct kk_error *err)
{
    EVP_CIPHER_CTX *ctx;
    int n = 0, fin = 0, ok;

    if (len % KK_AES_BLOCK != 0 || len > INT_MAX)
        return kk_fail(err, KK_ERR_FORMAT, "%zu bytes is not a whole number of "
                       "cipher blocks", len);
    if ((ctx = EVP_CIPHER_CTX_new()) == NULL)
        return kk_fail(err, KK_ERR_NOMEM, NULL);
    ok = EVP_CipherInit_ex(ctx, EVP_aes_256_cbc(), NULL, key, iv, encrypt ? 1 : 0) == 1 &&
         EVP_CIPHER_CTX_set_padding(ctx, 0) == 1 &&
         (len == 0 || EVP_CipherUpdate(ctx, out, &n, in, (int)len) == 1) &&
         EVP_CipherFinal_ex(ctx, out + n, &fin) == 1 && (size_t)(n + fin) == len;
    EVP_CIPHER_CTX_free(ctx);      /* wipes the key schedule */
    if (!ok) {
        ERR_clear_error();
        return kk_fail(err, KK_ERR_CRYPTO, "AES-256-CBC failed");
    }
    return KK_OK;
}

int kk_hmac(const char *digest, const uint8_t *key, size_t keylen,
            const uint8_t *data, size_t len, uint8_t out[KK_HMAC_MAX],
            size_t *outlen, struct kk_error *err)
{
    /* A pointer to something, so an empty key is never a NULL one. */
    static const uint8_t none = 0;
    EVP_MD *md = EVP_MD_fetch(NULL, digest, NULL);
    unsigned int n = 0;
    int ok;

    *outlen = 0;
    ok = md != NULL && (size_t)EVP_MD_get_size(md) <= KK_HMAC_MAX && keylen <= INT_MAX &&
         HMAC(md, keylen > 0 ? key : &none, (int)keylen, len > 0 ? data : &none, len,
              out, &n) != NULL;
    EVP_MD_free(md);
    if (!ok) {
        ERR_clear_error();
        return kk_fail(err, KK_ERR_CRYPTO, "HMAC-%s failed", digest);
    }
    *outlen = n;
    return KK_OK;
}

int kk_ct_equal(const void *a, const void *b, size_t n)
{
    return CRYPTO_memcmp(a, b, n) == 0;
}
