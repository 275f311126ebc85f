/* Argon2 over libargon2 and PuTTY's v2 SHA-1 derivation over OpenSSL. */
#include "kdf.h"

#include <limits.h>
#include <string.h>
#include <time.h>
#include <argon2.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>

static const struct {
    const char *name;
    argon2_type type;
} flavours[] = {
    [KK_ARGON2D] = {"Argon2d", Argon2_d},
    [KK_ARGON2I] = {"Argon2i", Argon2_i},
    [KK_ARGON2ID] = {"Argon2id", Argon2_id},
};
#define NFLAVOURS (sizeof flavours / sizeof flavours[0])

const char *kk_argon2_flavour_name(enum kk_argon2_flavour f)
{
    return (size_t)f < NFLAVOURS ? flavours[f].name : NULL;
}

int kk_argon2_flavour_from_name(const char *name, size_t len)
{
    for (size_t i = 0; i < NFLAVOURS; i++)
        if (strlen(flavours[i].name) == len && memcmp(flavours[i].name, name, len) == 0)
            return (int)i;
    return -1;
}

int kk_kdf_argon2(const struct kk_argon2_params *p, const char *pass,
                  size_t passlen, uint8_t *out, size_t outlen,
                  struct kk_error *err)
{
    if ((size_t)p->flavour >= NFLAVOURS)
        return kk_fail(err, KK_ERR_INTERNAL, "unknown Argon2 flavour %d", (int)p->flavour);
    if (p->salt == NULL || p->salt_len < KK_ARGON2_SALT_MIN || p->salt_len > KK_ARGON2_SALT_MAX)
        return kk_fail(err, KK_ERR_FORMAT, "the Argon2 salt is %zu bytes; it must be "
                       "%d to %d", p->salt == NULL ? (size_t)0 : p->salt_len,
                       KK_ARGON2_SALT_MIN, KK_ARGON2_SALT_MAX);
    if (p->passes < ARGON2_MIN_TIME)
        return kk_fail(err, KK_ERR_FORMAT, "Argon2 needs at least %d pass", ARGON2_MIN_TIME);
    if (p->parallelism < ARGON2_MIN_LANES || p->parallelism > ARGON2_MAX_LANES)
        return kk_fail(err, KK_ERR_FORMAT, "Argon2 parallelism %u is out of range",
                       (unsigned)p->parallelism);
    /* libargon2 wants 8 blocks of 1 KiB per lane. */
    if (p->memory_kib < 8u * p->parallelism)
        return kk_fail(err, KK_ERR_FORMAT, "Argon2 memory of %u KiB is less than "
                       "8 KiB per lane", (unsigned)p->memory_kib);
    if (outlen < ARGON2_MIN_OUTLEN || outlen > UINT32_MAX || passlen > UINT32_MAX)
        return kk_fail(err, KK_ERR_INTERNAL, "bad Argon2 output length %zu", outlen);
    int rc = argon2_hash(p->passes, p->memory_kib, p->parallelism,
                         passlen > 0 ? pass : NULL, passlen, p->salt, p->salt_len,
                         out, outlen, NULL, 0, flavours[p->flavour].type,
                         ARGON2_VERSION_13);
    if (rc != ARGON2_OK) {
        OPENSSL_cleanse(out, outlen);
        if (rc == ARGON2_MEMORY_ALLOCATION_ERROR)
            return kk_fail(err, KK_ERR_NOMEM, "cannot allocate %u KiB for Argon2",
                           (unsigned)p->memory_kib);
        return kk_fail(err, KK_ERR_CRYPTO, "Argon2 failed: %s", argon2_error_message(rc));
    }
    return KK_OK;
}

static double now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

int kk_kdf_argon2_calibrate(const struct kk_argon2_params *p, unsigned target_ms,
                            uint32_t max_passes, uint32_t *passes,
                            struct kk_error *err)
{
    static const uint8_t salt[16] = "keykit-calibrate";
    struct kk_argon2_params t = *p;
    uint8_t out[32];
    double best = 0;
    int rc;

    *passes = 0;
    t.salt = salt;
    t.salt_len = sizeof salt;
    t.passes = 1;
    /* The fastest of a few single-pass runs: the first pays for page faults. */
    for (int i = 0; i < 3; i++) {
        double start = now_ms();
        if ((rc = kk_kdf_argon2(&t, "", 0, out, sizeof out, err)) != KK_OK)
            return rc;
        double took = now_ms() - start;
        if (i == 0 || took < best)
            best = took;
    }
    double n = best > 0 ? (double)target_ms / best : (double)max_passes;
    *passes = n < 1 ? 1 : n > (double)max_passes ? max_passes : (uint32_t)(n + 0.5);
    return KK_OK;
}

/* SHA-1 over up to two prefixes and the passphrase. */
static int sha1_of(const void *pre, size_t prelen, const char *pass,
                   size_t passlen, uint8_t out[20])
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int ok = ctx != NULL && EVP_DigestInit_ex(ctx, EVP_sha1(), NULL) == 1 &&
             EVP_DigestUpdate(ctx, pre, prelen) == 1 &&
             (passlen == 0 || EVP_DigestUpdate(ctx, pass, passlen) == 1) &&
             EVP_DigestFinal_ex(ctx, out, NULL) == 1;
    EVP_MD_CTX_free(ctx);
    return ok;
}

int kk_kdf_ppk2_sha1(const char *pass, size_t passlen,
                     uint8_t cipher_key[KK_PPK2_CIPHER_KEY_LEN],
                     uint8_t mac_key[KK_PPK2_MAC_KEY_LEN],
                     struct kk_error *err)
{
    static const char mac_label[] = "putty-private-key-file-mac-key";
    static const uint8_t seq0[4] = {0, 0, 0, 0}, seq1[4] = {0, 0, 0, 1};
    uint8_t h[40];
    int ok = 1;

    if (cipher_key != NULL) {
        ok = sha1_of(seq0, 4, pass, passlen, h) && sha1_of(seq1, 4, pass, passlen, h + 20);
        if (ok)
            memcpy(cipher_key, h, KK_PPK2_CIPHER_KEY_LEN);
    }
    if (ok && mac_key != NULL)
        ok = sha1_of(mac_label, sizeof mac_label - 1, pass, passlen, mac_key);
    OPENSSL_cleanse(h, sizeof h);
    if (!ok) {
        ERR_clear_error();
        if (cipher_key != NULL)
            OPENSSL_cleanse(cipher_key, KK_PPK2_CIPHER_KEY_LEN);
        if (mac_key != NULL)
            OPENSSL_cleanse(mac_key, KK_PPK2_MAC_KEY_LEN);
        return kk_fail(err, KK_ERR_CRYPTO, "SHA-1 failed");
    }
    return KK_OK;
}
