/* Helpers shared by the private-key formats (pem, pkcs8, openssh).
 * Internal to formats/: no tool includes this. */
#ifndef KK_PRIV_COMMON_H
#define KK_PRIV_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include "format.h"

/* A cipher by OpenSSL name.  Old ciphers (DES-CBC, RC2, ...) live in the
 * legacy provider, which is loaded on first need so old files still open.
 * NULL if no provider has it. */
EVP_CIPHER *kk_priv_fetch_cipher(const char *name);
/* The same for digests (PBES1 and PBKDF2 PRFs). */
EVP_MD *kk_priv_fetch_md(const char *name);

/* The cipher an encoder encrypts with: opts->cipher, or AES-256-CBC.  Only
 * CBC ciphers fit both the traditional PEM and the PBES2 schemes; anything
 * else fails with KK_ERR_USAGE. */
int kk_priv_encode_cipher(const struct kk_encode_opts *opts, EVP_CIPHER **out,
                          struct kk_error *err);

/* Appends what a memory BIO holds to out, then wipes the BIO's copy. */
int kk_priv_take_bio(BIO *bio, struct kk_buf *out, struct kk_error *err);

/* The passphrase handed to OpenSSL's pem_password_cb callbacks. */
struct kk_priv_pass {
    const char *text;
    size_t len;
};
int kk_priv_pass_cb(char *buf, int size, int rwflag, void *u);

/* Wraps a decoded EVP_PKEY (taking ownership, also on failure) in a kk_key
 * with has_private set, validated with lim and its halves checked. */
int kk_priv_finish_key(EVP_PKEY *pkey, int was_encrypted,
                       const struct kk_limits *lim, struct kk_key **out,
                       struct kk_error *err);

/* The can_encode of the OpenSSL-backed formats (pem, pkcs8): every key type
 * keykit knows. */
int kk_priv_can_encode(const struct kk_key *key);

/* KK_ERR_NOT_PRIVATE unless key holds a private half. */
int kk_priv_require_private(const struct kk_key *key, const char *fmt_name,
                            struct kk_error *err);

#endif
