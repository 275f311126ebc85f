/* bcrypt_pbkdf (OpenBSD, used by openssh-key-v1), written from its
 * description:
 *
 *   block(count) = H(salt || be32(count)) xor-folded over `rounds`, where each
 *   round is bcrypt_hash(SHA512(pass), SHA512(previous output or the salted
 *   count)) and bcrypt_hash is eksblowfish: the Blowfish state keyed with the
 *   hashed passphrase and salt, then 64 times re-keyed with each, then
 *   "OxychromaticBlowfishSwatDynamite" encrypted 64 times, its words written
 *   little-endian.  Output byte i of block c lands at i * stride + c - 1.
 *
 * Nearly all the time goes into the 129 key schedules of each bcrypt_hash,
 * and each is one long chain of dependent Blowfish encryptions.  The blocks
 * are independent, so they are computed two at a time with the two chains
 * interleaved: a lone chain leaves the CPU waiting on S-box loads, two fill
 * those gaps.  The lane count is a compile-time constant of always-inline
 * functions, so the compiler emits one straight-line version per count. */
#include "kdf.h"

#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include "bf_pi.inc"

#define WORDS 1042                  /* P-array (18) then four S-boxes */
#define HASH_WORDS 16               /* a SHA-512 digest as 32-bit words */
#define BLOCK 32                    /* bytes bcrypt_hash writes */
#define LANES 2
#define INLINE static inline __attribute__((always_inline))
/* Lane loops run 1 or 2 times.  GCC at -O2 keeps them as loops and loses a
 * third of the speed unless told to unroll; clang unrolls them by itself and
 * schedules worse when told (both measured, gcc 12 and clang 14). */
#if defined(__GNUC__) && !defined(__clang__)
#define UNROLL _Pragma("GCC unroll 16")
#else
#define UNROLL
#endif

struct bf {
    uint32_t w[WORDS];
};

#define SBOX(s, box, x) ((s)->w[18 + 256 * (box) + (x)])
#define F(s, x) (((SBOX(s, 0, (x) >> 24) + SBOX(s, 1, ((x) >> 16) & 0xff)) ^ \
                  SBOX(s, 2, ((x) >> 8) & 0xff)) + SBOX(s, 3, (x) & 0xff))

/* One Blowfish encryption of (l[k], r[k]) under st[k], for each of n lanes. */
INLINE void encipher(struct bf *const *st, uint32_t *l, uint32_t *r, int n)
{
    UNROLL
    for (int k = 0; k < n; k++)
        l[k] ^= st[k]->w[0];
    UNROLL
    for (int i = 1; i < 16; i += 2) {
        UNROLL
        for (int k = 0; k < n; k++)
            r[k] ^= F(st[k], l[k]) ^ st[k]->w[i];
        UNROLL
        for (int k = 0; k < n; k++)
            l[k] ^= F(st[k], r[k]) ^ st[k]->w[i + 1];
    }
    UNROLL
    for (int k = 0; k < n; k++) {
        uint32_t t = l[k];
        l[k] = r[k] ^ st[k]->w[17];
        r[k] = t;
    }
}

/* The expensive key schedule: the P-array xored with key, then every word of
 * the state replaced by a chain of encryptions (whose input is xored with
 * data when data is not NULL).  Keys and data are 64 bytes, so as streams of
 * words they repeat every 16 words. */
INLINE void expand(struct bf *const *st, const uint32_t *const *key,
                   const uint32_t *const *data, int n)
{
    uint32_t l[LANES] = {0}, r[LANES] = {0};

    UNROLL
    for (int k = 0; k < n; k++)
        for (int i = 0; i < 18; i++)
            st[k]->w[i] ^= key[k][i % HASH_WORDS];
    for (int j = 0; j < WORDS; j += 2) {
        if (data != NULL) {
            UNROLL
            for (int k = 0; k < n; k++) {
                l[k] ^= data[k][j % HASH_WORDS];
                r[k] ^= data[k][(j + 1) % HASH_WORDS];
            }
        }
        encipher(st, l, r, n);
        UNROLL
        for (int k = 0; k < n; k++) {
            st[k]->w[j] = l[k];
            st[k]->w[j + 1] = r[k];
        }
    }
}

/* bcrypt_hash for n lanes sharing the hashed passphrase. */
INLINE void bcrypt_hash(struct bf *const *st, const uint32_t *pass,
                        const uint32_t *const *salt, uint8_t *const *out, int n)
{
    static const char magic[BLOCK] = "OxychromaticBlowfishSwatDynamite";
    const uint32_t *passes[LANES] = {pass, pass};
    uint32_t c[LANES][8];


    UNROLL
    for (int k = 0; k < n; k++)
        memcpy(st[k]->w, bf_pi, sizeof bf_pi);
    expand(st, passes, salt, n);
    for (int i = 0; i < 64; i++) {
        expand(st, salt, NULL, n);
        expand(st, passes, NULL, n);
    }
    UNROLL
    for (int k = 0; k < n; k++)
        for (int i = 0; i < 8; i++)
            c[k][i] = (uint32_t)(uint8_t)magic[4 * i] << 24 |
                      (uint32_t)(uint8_t)magic[4 * i + 1] << 16 |
                      (uint32_t)(uint8_t)magic[4 * i + 2] << 8 |
                      (uint32_t)(uint8_t)magic[4 * i + 3];
    for (int i = 0; i < 64; i++) {
        for (int b = 0; b < 8; b += 2) {
            uint32_t l[LANES], r[LANES];
            UNROLL
            for (int k = 0; k < n; k++) {
                l[k] = c[k][b];
                r[k] = c[k][b + 1];
            }
            encipher(st, l, r, n);
            UNROLL
            for (int k = 0; k < n; k++) {
                c[k][b] = l[k];
                c[k][b + 1] = r[k];
            }
        }
    }
    UNROLL
    for (int k = 0; k < n; k++)
        for (int i = 0; i < 8; i++) {
            out[k][4 * i] = (uint8_t)c[k][i];
            out[k][4 * i + 1] = (uint8_t)(c[k][i] >> 8);
            out[k][4 * i + 2] = (uint8_t)(c[k][i] >> 16);
            out[k][4 * i + 3] = (uint8_t)(c[k][i] >> 24);
        }
    OPENSSL_cleanse(c, sizeof c);
}

static void bcrypt_hash1(struct bf *const *st, const uint32_t *pass,
                         const uint32_t *const *salt, uint8_t *const *out)
{
    bcrypt_hash(st, pass, salt, out, 1);
}

static void bcrypt_hash2(struct bf *const *st, const uint32_t *pass,
                         const uint32_t *const *salt, uint8_t *const *out)
{
    bcrypt_hash(st, pass, salt, out, 2);
}

/* SHA-512 of a || b as 16 big-endian words. */
static int sha512_words(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen,
                        uint32_t words[HASH_WORDS])
{
    uint8_t h[64];
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int ok = ctx != NULL && EVP_DigestInit_ex(ctx, EVP_sha512(), NULL) == 1 &&
             EVP_DigestUpdate(ctx, a, alen) == 1 &&
             (blen == 0 || EVP_DigestUpdate(ctx, b, blen) == 1) &&
             EVP_DigestFinal_ex(ctx, h, NULL) == 1;

    EVP_MD_CTX_free(ctx);
    for (int i = 0; ok && i < HASH_WORDS; i++)
        words[i] = (uint32_t)h[4 * i] << 24 | (uint32_t)h[4 * i + 1] << 16 |
                   (uint32_t)h[4 * i + 2] << 8 | h[4 * i + 3];
    OPENSSL_cleanse(h, sizeof h);
    return ok;
}

/* Blocks first..first+n-1 (1-based counts), each folded over all rounds. */
static int blocks(const uint32_t pass[HASH_WORDS], const uint8_t *salt, size_t saltlen,
                  unsigned rounds, uint32_t first, int n, struct bf *st,
                  uint8_t (*acc)[BLOCK])
{
    uint32_t hs[LANES][HASH_WORDS];
    uint8_t tmp[LANES][BLOCK];
    struct bf *const sts[LANES] = {&st[0], &st[1]};
    const uint32_t *const salts[LANES] = {hs[0], hs[1]};
    uint8_t *const outs[LANES] = {tmp[0], tmp[1]};
    int ok = 1;

    for (int k = 0; k < n && ok; k++) {
        uint32_t count = first + (uint32_t)k;
        uint8_t be[4] = {(uint8_t)(count >> 24), (uint8_t)(count >> 16),
                         (uint8_t)(count >> 8), (uint8_t)count};
        ok = sha512_words(salt, saltlen, be, sizeof be, hs[k]);
    }
    for (unsigned r = 0; r < rounds && ok; r++) {
        if (r > 0)
            for (int k = 0; k < n && ok; k++)
                ok = sha512_words(tmp[k], BLOCK, NULL, 0, hs[k]);
        if (!ok)
            break;
        if (n == 2)
            bcrypt_hash2(sts, pass, salts, outs);
        else
            bcrypt_hash1(sts, pass, salts, outs);
        for (int k = 0; k < n; k++)
            for (int i = 0; i < BLOCK; i++)
                acc[k][i] = r == 0 ? tmp[k][i] : (uint8_t)(acc[k][i] ^ tmp[k][i]);
    }
    OPENSSL_cleanse(hs, sizeof hs);
    OPENSSL_cleanse(tmp, sizeof tmp);
    return ok;
}

int kk_kdf_bcrypt_pbkdf(const char *pass, size_t passlen, const uint8_t *salt,
                        size_t saltlen, unsigned rounds, uint8_t *out,
                        size_t outlen, struct kk_error *err)
{
    uint32_t hpass[HASH_WORDS];
    uint8_t acc[KK_BCRYPT_MAX_OUT / BLOCK][BLOCK];
    struct bf *st = NULL;
    int rc = KK_OK;

    if (outlen == 0 || outlen > KK_BCRYPT_MAX_OUT)
        return kk_fail(err, KK_ERR_USAGE, "bcrypt_pbkdf cannot make %zu bytes", outlen);
    OPENSSL_cleanse(out, outlen);
    if (passlen == 0)
        return kk_fail(err, KK_ERR_USAGE, "bcrypt_pbkdf needs a non-empty passphrase");
    if (saltlen == 0 || saltlen > KK_BCRYPT_MAX_SALT)
        return kk_fail(err, KK_ERR_USAGE, "a bcrypt salt of %zu bytes is out of range",
                       saltlen);
    if (rounds == 0)
        return kk_fail(err, KK_ERR_USAGE, "bcrypt_pbkdf needs at least 1 round");

    /* As OpenBSD: `stride` blocks, each giving `amt` bytes (the last fewer). */
    size_t stride = (outlen + BLOCK - 1) / BLOCK;
    size_t amt = (outlen + stride - 1) / stride;
    size_t nblocks = (outlen + amt - 1) / amt;

    /* Two 4 KiB states: on the heap, not the stack, and wiped. */
    if ((st = OPENSSL_malloc(LANES * sizeof *st)) == NULL)
        return kk_fail(err, KK_ERR_NOMEM, NULL);
    if (!sha512_words((const uint8_t *)pass, passlen, NULL, 0, hpass)) {
        rc = kk_fail(err, KK_ERR_CRYPTO, "SHA-512 failed");
        goto out;
    }
    for (size_t b = 0; b < nblocks; b += LANES) {
        int n = nblocks - b >= LANES ? LANES : (int)(nblocks - b);
        if (!blocks(hpass, salt, saltlen, rounds, (uint32_t)b + 1, n, st, &acc[b])) {
            rc = kk_fail(err, KK_ERR_CRYPTO, "SHA-512 failed");
            goto out;
        }
    }
    size_t left = outlen;
    for (size_t b = 0; b < nblocks; b++) {
        size_t take = amt < left ? amt : left;
        size_t i;
        for (i = 0; i < take; i++) {
            size_t dest = i * stride + b;
            if (dest >= outlen)
                break;
            out[dest] = acc[b][i];
        }
        left -= i;
    }
out:
    if (rc != KK_OK) {
        ERR_clear_error();
        OPENSSL_cleanse(out, outlen);
    }
    OPENSSL_cleanse(hpass, sizeof hpass);
    OPENSSL_cleanse(acc, sizeof acc);
    OPENSSL_clear_free(st, LANES * sizeof *st);
    return rc;
}
