/* Helpers shared by the public-key formats (openssh-pub, rfc4716, spki,
 * pkcs1-pub).  Internal to formats/: no tool includes this. */
#ifndef KK_PUB_COMMON_H
#define KK_PUB_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include "../core/armor.h"
#include "format.h"

/* The decode limits, or the defaults when opts or opts->limits is NULL. */
const struct kk_limits *kk_pub_limits(const struct kk_decode_opts *opts,
                                      struct kk_limits *storage);

/* Checks that only whitespace follows offset `off` of in (the end of an
 * armoured block).  Another BEGIN line fails with KK_ERR_FORMAT "more than one
 * key (line N)", other text with KK_ERR_TRAILING. */
int kk_pub_check_tail(const uint8_t *in, size_t len, size_t off,
                      struct kk_error *err);

/* KK_SNIFF_YES when in starts (after blank lines) an armoured block of this
 * style whose BEGIN label is exactly label, else KK_SNIFF_NO. */
int kk_pub_sniff_label(const uint8_t *in, size_t len, enum kk_armor_style style,
                       const char *label);

/* KK_ERR_FORMAT, at the first header's line and with hint as the fix, when
 * a block whose format has no headers carries one. */
int kk_pub_no_headers(const struct kk_armor *a, const char *hint,
                      struct kk_error *err);

/* When in is some other format than the one named self, says which in the
 * hint of an error already recorded. */
void kk_pub_hint_other(const uint8_t *in, size_t len, const char *self,
                       struct kk_error *err);

/* The DER structures inside the PEM public-key formats. */
enum kk_pub_der {
    KK_PUB_DER_SPKI,     /* SubjectPublicKeyInfo, label "PUBLIC KEY" */
    KK_PUB_DER_PKCS1,    /* RSAPublicKey, label "RSA PUBLIC KEY" */
};

/* A PEM public-key block decoded by OpenSSL.  fmt_name is the format's name,
 * what says what it holds for messages ("an SPKI public key").  The DER must
 * be exactly one structure of the kind the label names; the key is validated
 * with the decode limits. */
int kk_pub_pem_decode(const uint8_t *in, size_t len,
                      const struct kk_decode_opts *opts, const char *fmt_name,
                      const char *what, enum kk_pub_der der,
                      struct kk_key **out, struct kk_error *err);

/* Appends the PEM encoding of key's public half, written by OpenSSL. */
int kk_pub_pem_encode(const struct kk_key *key, enum kk_pub_der der,
                      struct kk_buf *out, struct kk_error *err);

#endif
