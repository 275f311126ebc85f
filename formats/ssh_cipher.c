/* OpenSSH's private-key ciphers over OpenSSL EVP.
 *
 * chacha20-poly1305@openssh.com (PROTOCOL.chacha20poly1305) with sequence
 * number 0 and no length field, as key files use it: of the 64-byte key the
 * first half keys the data; ChaCha20 block 0 under the 64-bit nonce 0 gives
 * the Poly1305 key, blocks 1.. encrypt, and the tag is Poly1305 over the
 * ciphertext.  OpenSSH's ChaCha20 is the original one (64-bit counter,
 * 64-bit nonce); in OpenSSL's 16-byte IV (32-bit counter, 96-bit nonce, all
 * little-endian words) that is the counter in bytes 0..7 and the nonce,
 * here 0, in bytes 8..15. */
#include "ssh_cipher.h"

#include <limits.h>
#include <string.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include "priv_common.h"

static const struct kk_ssh_cipher ciphers[] = {
    {.name = "aes128-ctr", .evp = "AES-128-CTR", .block = 16, .keylen = 16, .ivlen = 16},
    {.name = "aes192-ctr", .evp = "AES-192-CTR", .block = 16, .keylen = 24, .ivlen = 16},
    {.name = "aes256-ctr", .evp = "AES-256-CTR", .block = 16, .keylen = 32, .ivlen = 16},
    {.name = "aes128-cbc", .evp = "AES-128-CBC", .block = 16, .keylen = 16, .ivlen = 16},
    {.name = "aes192-cbc", .evp = "AES-192-CBC", .block = 16, .keylen = 24, .ivlen = 16},
    {.name = "aes256-cbc", .evp = "AES-256-CBC", .block = 16, .keylen = 32, .ivlen = 16},
    {.name = "aes128-gcm@openssh.com", .evp = "AES-128-GCM", .block = 16, .keylen = 16,
     .ivlen = 12, .taglen = 16},
    {.name = "aes256-gcm@openssh.com", .evp = "AES-256-GCM", .block = 16, .keylen = 32,
     .ivlen = 12, .taglen = 16},
    {.name = "chacha20-poly1305@openssh.com", .evp = NULL, .block = 8, .keylen = 64,
     .ivlen = 0, .taglen = 16},
    {.name = "3des-cbc", .evp = "DES-EDE3-CBC", .block = 8, .keylen = 24, .ivlen = 8},
};
#define NCIPHERS (sizeof ciphers / sizeof ciphers[0])

const struct kk_ssh_cipher *kk_ssh_cipher_find(const char *name, size_t len)
{
    for (size_t i = 0; i < NCIPHERS; i++)
        if (strlen(ciphers[i].name) == len && memcmp(ciphers[i].name, name, len) == 0)
            return &ciphers[i];
    return NULL;
}

const char *kk_ssh_cipher_names(void)
{
    return "aes128-ctr, aes192-ctr, aes256-ctr, aes128-cbc, aes192-cbc, aes256-cbc, "
           "aes128-gcm@openssh.com, aes256-gcm@openssh.com, "
           "chacha20-poly1305@openssh.com, 3des-cbc";
}

/* Fuzzing builds decrypt past a bad tag so mutations reach the parsers. */
#ifdef KK_FUZZING
#define TAG_DECIDES 0
#else
#define TAG_DECIDES 1
#endif

static int bad_tag(struct kk_error *err)
{
    kk_fail(err, KK_ERR_WRONG_PASS, "wrong passphrase");
    kk_hint(err, "check the passphrase; if it is right, the file is corrupt");
    return KK_ERR_WRONG_PASS;
}

/* ChaCha20 with the 64-bit block counter `counter` and nonce 0. */
static int chacha(const uint8_t key[32], uint64_t counter, const uint8_t *in,
                  uint8_t *out, size_t len)
{
    uint8_t iv[16] = {0};
    int n = 0, ok;

    for (int i = 0; i < 8; i++)
        iv[i] = (uint8_t)(counter >> (8 * i));
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    ok = ctx != NULL && len <= INT_MAX &&
         EVP_EncryptInit_ex(ctx, EVP_chacha20(), NULL, key, iv) == 1 &&
         (len == 0 || EVP_EncryptUpdate(ctx, out, &n, in, (int)len) == 1) &&
         (size_t)n == len;
    EVP_CIPHER_CTX_free(ctx);
    return ok;
}

static int poly1305(const uint8_t key[32], const uint8_t *data, size_t len,
                    uint8_t tag[16])
{
    EVP_MAC *mac = EVP_MAC_fetch(NULL, "POLY1305", NULL);
    EVP_MAC_CTX *ctx = mac != NULL ? EVP_MAC_CTX_new(mac) : NULL;
    size_t n = 0;
    int ok = ctx != NULL && EVP_MAC_init(ctx, key, 32, NULL) == 1 &&
             (len == 0 || EVP_MAC_update(ctx, data, len) == 1) &&
             EVP_MAC_final(ctx, tag, &n, 16) == 1 && n == 16;

    EVP_MAC_CTX_free(ctx);
    EVP_MAC_free(mac);
    return ok;
}

static int chachapoly(int encrypt, const uint8_t key[64], uint8_t *data, size_t len,
                      uint8_t tag[16], struct kk_error *err)
{
    static const uint8_t zero[32];
    uint8_t polykey[32], want[16];
    int rc = KK_OK;

    if (!chacha(key, 0, zero, polykey, sizeof polykey)) {
        rc = kk_fail(err, KK_ERR_CRYPTO, "ChaCha20 failed");
        goto out;
    }
    if (encrypt) {
        if (!chacha(key, 1, data, data, len) || !poly1305(polykey, data, len, tag))
            rc = kk_fail(err, KK_ERR_CRYPTO, "ChaCha20-Poly1305 failed");
        goto out;
    }
    /* The tag is checked before anything is decrypted. */
    if (!poly1305(polykey, data, len, want)) {
        rc = kk_fail(err, KK_ERR_CRYPTO, "Poly1305 failed");
        goto out;
    }
    if (CRYPTO_memcmp(want, tag, sizeof want) != 0 && TAG_DECIDES) {
        rc = bad_tag(err);
        goto out;
    }
    if (!chacha(key, 1, data, data, len))
        rc = kk_fail(err, KK_ERR_CRYPTO, "ChaCha20 failed");
out:
    OPENSSL_cleanse(polykey, sizeof polykey);
    OPENSSL_cleanse(want, sizeof want);
    return rc;
}

static int evp_crypt(const struct kk_ssh_cipher *c, int encrypt, const uint8_t *key,
                     const uint8_t *iv, uint8_t *data, size_t len, uint8_t *tag,
                     struct kk_error *err)
{
    EVP_CIPHER *cipher = kk_priv_fetch_cipher(c->evp);
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int n = 0, fin = 0, ok, tag_ok = 1;
    uint8_t last[KK_SSH_CIPHER_TAG_MAX];

    ok = cipher != NULL && ctx != NULL && len <= INT_MAX &&
         EVP_CipherInit_ex(ctx, cipher, NULL, NULL, NULL, encrypt) == 1 &&
         (c->taglen == 0 ||
          EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_IVLEN, (int)c->ivlen, NULL) == 1) &&
         EVP_CipherInit_ex(ctx, NULL, NULL, key, iv, encrypt) == 1 &&
         EVP_CIPHER_CTX_set_padding(ctx, 0) == 1 &&
         (c->taglen == 0 || encrypt ||
          EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, (int)c->taglen, tag) == 1) &&
         (len == 0 || EVP_CipherUpdate(ctx, data, &n, data, (int)len) == 1) &&
         (size_t)n == len;
    /* The final call checks a GCM tag; nothing is left to write (no padding,
     * whole blocks), so `last` only keeps it from writing past data. */
    if (ok && EVP_CipherFinal_ex(ctx, last, &fin) != 1) {
        if (c->taglen != 0 && !encrypt)
            tag_ok = 0;
        else
            ok = 0;
    }
    ok = ok && fin == 0 &&
         (c->taglen == 0 || !encrypt ||
          EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, (int)c->taglen, tag) == 1);
    EVP_CIPHER_CTX_free(ctx);
    EVP_CIPHER_free(cipher);
    OPENSSL_cleanse(last, sizeof last);
    if (!ok) {
        ERR_clear_error();
        return kk_fail(err, KK_ERR_CRYPTO, "%s failed", c->name);
    }
    if (!tag_ok) {
        ERR_clear_error();
        if (TAG_DECIDES)
            return bad_tag(err);
    }
    return KK_OK;
}

int kk_ssh_cipher_crypt(const struct kk_ssh_cipher *c, int encrypt,
                        const uint8_t *key, const uint8_t *iv, uint8_t *data,
                        size_t len, uint8_t *tag, struct kk_error *err)
{
    if (len % c->block != 0)
        return kk_fail(err, KK_ERR_FORMAT, "%zu bytes is not a whole number of %s "
                       "blocks", len, c->name);
    if (c->evp == NULL)
        return chachapoly(encrypt, key, data, len, tag, err);
    return evp_crypt(c, encrypt, key, iv, data, len, tag, err);
}
