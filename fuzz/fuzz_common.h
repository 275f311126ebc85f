/* Shared by the fuzz targets: decode, and on success re-encode, re-decode and
 * abort() unless the same public key (and comment, where the format keeps
 * one) comes back.  A failure must carry a code and a message. */
#ifndef KK_FUZZ_COMMON_H
#define KK_FUZZ_COMMON_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "formats/format.h"

static inline void kk_fuzz_check_error(int rc, const struct kk_error *err)
{
    if (rc <= KK_OK || rc >= KK_ERR__COUNT || (int)err->code != rc ||
        err->msg[0] == '\0')
        abort();
}

static inline void kk_fuzz_roundtrip(const struct kk_format *fmt,
                                     const uint8_t *data, size_t size)
{
    struct kk_limits lim = kk_limits_default();
    struct kk_decode_opts dopts = {.limits = &lim, .pass = NULL};
    struct kk_encode_opts eopts = {.passphrase = NULL};
    struct kk_error err;
    struct kk_key *key = NULL, *again = NULL;
    struct kk_buf buf;
    int rc;

    kk_error_clear(&err);
    kk_buf_init(&buf, 0);
    rc = fmt->decode(data, size, &dopts, &key, &err);
    if (rc != KK_OK) {
        kk_fuzz_check_error(rc, &err);
        if (key != NULL)
            abort();
        goto out;
    }
    if (key == NULL || key->comment == NULL)
        abort();
    if (fmt->encode == NULL ||
        (fmt->can_encode != NULL && !fmt->can_encode(key)))
        goto out;
    /* What a format decoded it must be able to write back. */
    if (fmt->encode(key, &eopts, &buf, &err) != KK_OK)
        abort();
    kk_error_clear(&err);
    if (fmt->decode(buf.data, buf.len, &dopts, &again, &err) != KK_OK)
        abort();
    if (!kk_key_public_equal(key, again))
        abort();
    if ((fmt->flags & KK_FMT_COMMENT) && strcmp(key->comment, again->comment) != 0)
        abort();
out:
    kk_key_free(again);
    kk_key_free(key);
    kk_buf_free(&buf);
}

#endif
