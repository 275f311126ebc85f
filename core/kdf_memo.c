/* A derivation remembered from an encoder for its own read-back; see kdf.h. */
#include <string.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include "kdf.h"

/* The passphrase by its SHA-256: the memo need not hold a second copy. */
static int pass_digest(const char *pass, size_t passlen, uint8_t md[32])
{
    unsigned int n = 0;

    if (EVP_Digest(passlen > 0 ? pass : "", passlen, md, &n, EVP_sha256(), NULL) != 1 ||
        n != 32) {
        ERR_clear_error();
        OPENSSL_cleanse(md, 32);
        return -1;
    }
    return 0;
}

void kk_kdf_memo_record(struct kk_kdf_memo *m, enum kk_kdf_memo_kind kind,
                        const char *pass, size_t passlen, const uint8_t *salt,
                        size_t salt_len, unsigned rounds, const uint8_t *out,
                        size_t out_len)
{
    if (m == NULL)
        return;
    kk_kdf_memo_wipe(m);
    if (kind == KK_KDF_MEMO_NONE || salt_len > sizeof m->salt || out_len > sizeof m->out ||
        out_len == 0 || pass_digest(pass, passlen, m->pass_sha256) != 0)
        return;
    memcpy(m->salt, salt, salt_len);
    m->salt_len = salt_len;
    memcpy(m->out, out, out_len);
    m->out_len = out_len;
    m->rounds = rounds;
    m->kind = kind;
}

int kk_kdf_memo_find(const struct kk_kdf_memo *m, enum kk_kdf_memo_kind kind,
                     const char *pass, size_t passlen, const uint8_t *salt,
                     size_t salt_len, unsigned rounds, uint8_t *out, size_t out_len)
{
    uint8_t md[32];
    int hit;

    if (m == NULL || m->kind == KK_KDF_MEMO_NONE || m->kind != kind ||
        m->rounds != rounds || m->salt_len != salt_len || m->out_len != out_len ||
        (salt_len > 0 && memcmp(m->salt, salt, salt_len) != 0) ||
        pass_digest(pass, passlen, md) != 0)
        return 0;
    hit = CRYPTO_memcmp(md, m->pass_sha256, sizeof md) == 0;
    OPENSSL_cleanse(md, sizeof md);
    if (hit)
        memcpy(out, m->out, out_len);
    return hit;
}

void kk_kdf_memo_wipe(struct kk_kdf_memo *m)
{
    if (m == NULL)
        return;
    OPENSSL_cleanse(m, sizeof *m);
    m->kind = KK_KDF_MEMO_NONE;
}
