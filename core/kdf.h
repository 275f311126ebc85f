/* Key derivation from passphrases: Argon2 (over libargon2) and the SHA-1
 * construction of PuTTY's version 2 key files.  Caps on the Argon2 costs are
 * the caller's job (they depend on the user's limits); these functions only
 * refuse values libargon2 itself cannot take. */
#ifndef KK_KDF_H
#define KK_KDF_H

#include <stddef.h>
#include <stdint.h>
#include "error.h"

enum kk_argon2_flavour {
    KK_ARGON2D,
    KK_ARGON2I,
    KK_ARGON2ID,
};

struct kk_argon2_params {
    enum kk_argon2_flavour flavour;
    uint32_t memory_kib;      /* m_cost in KiB */
    uint32_t passes;          /* t_cost */
    uint32_t parallelism;     /* lanes, computed with as many threads */
    const uint8_t *salt;      /* encoders: NULL = a fresh random salt */
    size_t salt_len;
};

#define KK_ARGON2_SALT_MIN 8      /* libargon2's minimum */
#define KK_ARGON2_SALT_MAX 64

/* Argon2 version 1.3 with an empty secret and empty associated data, writing
 * outlen bytes (>= 4) to out.  On failure out is wiped. */
int kk_kdf_argon2(const struct kk_argon2_params *p, const char *pass,
                  size_t passlen, uint8_t *out, size_t outlen,
                  struct kk_error *err);

/* The pass count that makes kk_kdf_argon2 with p's flavour, memory and
 * parallelism take about target_ms on this machine (how PuTTY picks its
 * default), at least 1 and at most max_passes. */
int kk_kdf_argon2_calibrate(const struct kk_argon2_params *p, unsigned target_ms,
                            uint32_t max_passes, uint32_t *passes,
                            struct kk_error *err);

/* "Argon2id" etc. as spelt in PuTTY's Key-Derivation header; NULL if out of
 * range.  kk_argon2_flavour_from_name is case-sensitive and returns -1 for an
 * unknown name. */
const char *kk_argon2_flavour_name(enum kk_argon2_flavour f);
int kk_argon2_flavour_from_name(const char *name, size_t len);

#define KK_PPK2_CIPHER_KEY_LEN 32
#define KK_PPK2_MAC_KEY_LEN 20

/* PuTTY's version 2 derivation: the cipher key is the first 32 bytes of
 * SHA1(u32 0 || pass) || SHA1(u32 1 || pass); the MAC key is
 * SHA1("putty-private-key-file-mac-key" || pass).  Either output may be NULL
 * when it is not wanted. */
int kk_kdf_ppk2_sha1(const char *pass, size_t passlen,
                     uint8_t cipher_key[KK_PPK2_CIPHER_KEY_LEN],
                     uint8_t mac_key[KK_PPK2_MAC_KEY_LEN],
                     struct kk_error *err);

/* OpenBSD's bcrypt_pbkdf, as openssh-key-v1 uses it (PROTOCOL.key): rounds
 * of SHA-512 and eksblowfish per 32-byte block, the blocks' bytes
 * interleaved into out.  Written here (OpenSSL does not expose the expensive
 * Blowfish key schedule) in core/bcrypt_pbkdf.c; independent blocks are
 * computed two at a time.  As OpenBSD's, it refuses an empty passphrase or
 * salt, rounds 0, outlen 0 or over KK_BCRYPT_MAX_OUT and a salt over
 * KK_BCRYPT_MAX_SALT (KK_ERR_USAGE).  The cap on rounds is the caller's.
 * On failure out is wiped. */
#define KK_BCRYPT_MAX_OUT 1024
#define KK_BCRYPT_MAX_SALT ((size_t)1 << 20)
int kk_kdf_bcrypt_pbkdf(const char *pass, size_t passlen, const uint8_t *salt,
                        size_t saltlen, unsigned rounds, uint8_t *out,
                        size_t outlen, struct kk_error *err);

/* A derivation remembered between an encoder and the read-back decode of
 * the bytes it has just written (kk_key_save), so proving that an encrypted
 * output reads back costs one key derivation, not two.  The decoder still
 * parses the salt and rounds from the bytes it reads back and takes the
 * remembered result only when the kind, passphrase (by SHA-256), salt,
 * rounds and output length are all the ones it was made from; anything else
 * derives afresh.  The caller owns the memo (on its stack: no global state)
 * and wipes it with kk_kdf_memo_wipe; it holds key material. */
enum kk_kdf_memo_kind {
    KK_KDF_MEMO_NONE = 0,
    KK_KDF_MEMO_BCRYPT,
};
#define KK_KDF_MEMO_SALT_MAX 64
#define KK_KDF_MEMO_OUT_MAX 128

struct kk_kdf_memo {
    enum kk_kdf_memo_kind kind;   /* NONE: empty */
    unsigned rounds;
    uint8_t pass_sha256[32];
    uint8_t salt[KK_KDF_MEMO_SALT_MAX];
    size_t salt_len;
    uint8_t out[KK_KDF_MEMO_OUT_MAX];
    size_t out_len;
};

/* Keeps out as the result of deriving from pass, salt and rounds (m may be
 * NULL; inputs too large for the memo are not kept). */
void kk_kdf_memo_record(struct kk_kdf_memo *m, enum kk_kdf_memo_kind kind,
                        const char *pass, size_t passlen, const uint8_t *salt,
                        size_t salt_len, unsigned rounds, const uint8_t *out,
                        size_t out_len);
/* 1 and out filled if m (may be NULL) holds exactly this derivation, else 0. */
int kk_kdf_memo_find(const struct kk_kdf_memo *m, enum kk_kdf_memo_kind kind,
                     const char *pass, size_t passlen, const uint8_t *salt,
                     size_t salt_len, unsigned rounds, uint8_t *out, size_t out_len);
void kk_kdf_memo_wipe(struct kk_kdf_memo *m);

#endif
