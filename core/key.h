/* kk_key: one key, in memory, independent of any file format. */
#ifndef KK_KEY_H
#define KK_KEY_H

#include <stddef.h>
#include <openssl/evp.h>
#include "error.h"
#include "limits.h"

enum kk_key_type {
    KK_KEY_UNKNOWN = 0,
    KK_KEY_RSA,
    KK_KEY_DSA,
    KK_KEY_ECDSA_P256,
    KK_KEY_ECDSA_P384,
    KK_KEY_ECDSA_P521,
    KK_KEY_ED25519,
    KK_KEY_ED448
};

struct kk_key {
    enum kk_key_type type;
    EVP_PKEY *pkey;      /* owned */
    char *comment;       /* owned, NUL-terminated, never NULL after kk_key_new */
    int has_private;
    int was_encrypted;   /* the decoder needed a passphrase to open it */
};

/* Takes ownership of pkey (also on failure).  Type is derived from pkey;
 * has_private says whether pkey holds the private half. */
int kk_key_new(EVP_PKEY *pkey, int has_private, struct kk_key **out,
               struct kk_error *err);
void kk_key_free(struct kk_key *key);
/* Replaces the comment; len bytes of text (need not be NUL-terminated). */
int kk_key_set_comment(struct kk_key *key, const char *text, size_t len,
                       struct kk_error *err);
/* A new key holding only the public half (comment kept). */
int kk_key_public_copy(const struct kk_key *key, struct kk_key **out,
                       struct kk_error *err);

/* SSH names: "ssh-rsa", "ssh-dss", "ecdsa-sha2-nistp256", ..., "ssh-ed25519",
 * "ssh-ed448".  NULL for KK_KEY_UNKNOWN. */
const char *kk_key_type_ssh_name(enum kk_key_type type);
/* Short names as ssh-keygen -t takes them and prints in -l: "RSA", "DSA",
 * "ECDSA", "ED25519", "ED448". */
const char *kk_key_type_label(enum kk_key_type type);
enum kk_key_type kk_key_type_from_ssh_name(const char *name, size_t len);
/* The OpenSSL group name for an ECDSA type ("P-256"...), else NULL. */
const char *kk_key_type_curve(enum kk_key_type type);
/* SSH curve identifier ("nistp256"...), else NULL. */
const char *kk_key_type_ssh_curve(enum kk_key_type type);

/* Bits as ssh-keygen -l reports them. */
int kk_key_bits(const struct kk_key *key);

/* 1 if both keys have the same public half. */
int kk_key_public_equal(const struct kk_key *a, const struct kk_key *b);

/* Checks the public half: RSA size within limits and odd exponent >= 3,
 * EC point on its curve, Ed25519/Ed448 lengths.  Used by every decoder. */
int kk_key_validate(const struct kk_key *key, const struct kk_limits *lim,
                    struct kk_error *err);
/* Checks that the private half matches the public half. */
int kk_key_check_private(const struct kk_key *key, struct kk_error *err);

enum kk_fp_hash { KK_FP_SHA256, KK_FP_MD5 };
#define KK_FP_MAX 128
/* ssh-keygen spelling: "SHA256:<unpadded base64>" or "MD5:aa:bb:...". */
int kk_key_fingerprint(const struct kk_key *key, enum kk_fp_hash hash,
                       char out[KK_FP_MAX], struct kk_error *err);

/* The randomart picture ssh-keygen prints (drunken bishop); caller frees. */
char *kk_key_randomart(const struct kk_key *key, enum kk_fp_hash hash);

/* Makes a new key.  bits: RSA 1024..16384 (0 = 3072), ECDSA 256/384/521
 * (0 = 256), ignored for Ed25519/Ed448 (must be 0 or the fixed size). */
int kk_key_generate(enum kk_key_type type, unsigned bits, struct kk_key **out,
                    struct kk_error *err);

#endif
