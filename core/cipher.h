/* The symmetric primitives the key formats use, over OpenSSL EVP. */
#ifndef KK_CIPHER_H
#define KK_CIPHER_H

#include <stddef.h>
#include <stdint.h>
#include "error.h"

#define KK_AES_BLOCK 16
#define KK_AES256_KEY_LEN 32

/* AES-256-CBC without padding: len must be a multiple of 16.  out may equal
 * in.  encrypt 1 encrypts, 0 decrypts. */
int kk_aes256_cbc(int encrypt, const uint8_t key[KK_AES256_KEY_LEN],
                  const uint8_t iv[KK_AES_BLOCK], const uint8_t *in,
                  size_t len, uint8_t *out, struct kk_error *err);

#define KK_HMAC_MAX 64

/* HMAC with the digest named digest ("SHA1", "SHA256", ...); a zero-length
 * key is allowed.  Writes the tag to out (KK_HMAC_MAX bytes of room) and its
 * length to *outlen. */
int kk_hmac(const char *digest, const uint8_t *key, size_t keylen,
            const uint8_t *data, size_t len, uint8_t out[KK_HMAC_MAX],
            size_t *outlen, struct kk_error *err);

/* 1 if the n bytes at a and b are equal, in time independent of where they
 * differ (for MACs and check values). */
int kk_ct_equal(const void *a, const void *b, size_t n)
    __attribute__((warn_unused_result));

#endif
