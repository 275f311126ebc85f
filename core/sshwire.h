/* SSH wire encoding of keys (RFC 4253 6.6, RFC 5656, RFC 8709) and the
 * OpenSSH private field order (PROTOCOL.key). */
#ifndef KK_SSHWIRE_H
#define KK_SSHWIRE_H

#include "buf.h"
#include "key.h"

/* Appends the public key blob (string type, then the public fields). */
int kk_wire_put_public(const struct kk_key *key, struct kk_buf *out,
                       struct kk_error *err);
/* Parses a whole public blob: no trailing bytes, validated with lim. */
int kk_wire_parse_public(const uint8_t *blob, size_t len,
                         const struct kk_limits *lim, struct kk_key **out,
                         struct kk_error *err);
/* Reads one public blob's fields from r after the type name was read
 * (used where a blob is embedded in a larger structure). */
int kk_wire_get_public_fields(struct kk_reader *r, enum kk_key_type type,
                              const struct kk_limits *lim, struct kk_key **out,
                              struct kk_error *err);

/* OpenSSH private key fields, as in openssh-key-v1 and ssh-agent:
 * string type, then per type (rsa: n e d iqmp p q; dss: p q g y x;
 * ecdsa: curve Q d; ed25519: A, k||A).  The comment is not included. */
int kk_wire_put_private(const struct kk_key *key, struct kk_buf *out,
                        struct kk_error *err);
/* Reads the same; the result has has_private set, is validated with lim and
 * its private half checked against the public half. */
int kk_wire_get_private(struct kk_reader *r, const struct kk_limits *lim,
                        struct kk_key **out, struct kk_error *err);

/* PuTTY's private blob (.ppk): only what the public blob lacks.  rsa: mpint
 * d, p, q, iqmp; dss: mpint x; ecdsa: mpint d; ed25519/ed448: string k (the
 * 32- or 57-byte secret).  No type name, no padding. */
int kk_wire_put_private_ppk(const struct kk_key *key, struct kk_buf *out,
                            struct kk_error *err);
/* Reads the same from r for the public key pub (which it does not take);
 * bytes after the fields (padding) are left in r.  The result has
 * has_private set, is validated with lim and its halves checked. */
int kk_wire_get_private_ppk(struct kk_reader *r, const struct kk_key *pub,
                            const struct kk_limits *lim, struct kk_key **out,
                            struct kk_error *err);

#endif
