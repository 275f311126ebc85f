/* The conversion pipeline every tool and the library share: bytes in any
 * readable format to a kk_key, and a kk_key to the bytes of a named format,
 * proven to read back as the same key before anyone writes them.
 * No printing, no files: callers read and write. */
#ifndef KK_CONVERT_H
#define KK_CONVERT_H

#include <stddef.h>
#include <stdint.h>
#include "format.h"

/* Decodes in with `from`, or with the detected format when from is NULL.
 * *found (may be NULL) gets the format used; it stays NULL when nothing
 * recognises the bytes, which fails with KK_ERR_FORMAT "not a key in any
 * format keykit reads" (no hint: the caller knows how to force a format). */
int kk_key_load(const uint8_t *in, size_t len, const struct kk_format *from,
                const struct kk_decode_opts *opts, struct kk_key **out,
                const struct kk_format **found, struct kk_error *err);

/* Whether fmt can hold key: a private format needs the private half
 * (KK_ERR_NOT_PRIVATE) and the format must take the key's type
 * (KK_ERR_UNSUPPORTED). */
int kk_key_fits(const struct kk_key *key, const struct kk_format *fmt,
                struct kk_error *err);

/* Appends key encoded as fmt to out, then decodes those bytes again (with
 * opts->passphrase and kk_readback_limits(lim); lim may be NULL) and compares the
 * public halves.  Public formats are never encrypted: opts->passphrase is
 * ignored for them.  A passphrase for a private format that cannot be
 * encrypted fails with KK_ERR_UNSUPPORTED.  A read-back failure is
 * KK_ERR_INTERNAL or KK_ERR_MISMATCH (a bug, never the caller's input). */
int kk_key_save(const struct kk_key *key, const struct kk_format *fmt,
                const struct kk_encode_opts *opts, const struct kk_limits *lim,
                struct kk_buf *out, struct kk_error *err);

/* Caps for reading back what keykit itself wrote: the caller's caps,
 * raised to the defaults so a lowered cap cannot refuse keykit's own
 * output. */
struct kk_limits kk_readback_limits(const struct kk_limits *user);

#endif
