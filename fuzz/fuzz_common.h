/* Shared by the fuzz targets: decode, and on success re-encode, re-decode and
 * abort() unless the same public key (and comment, where the format keeps
 * one) comes back.  A failure must carry a code and a message.
 *
 * The formats' shared helpers have no target of their own: they parse
 * nothing alone and are fuzzed through the targets that call them
 * (formats/priv_common.c via pem, openssh, sshcom; formats/pub_common.c
 * via every format target; formats/ssh_cipher.c via openssh and sshcom;
 * all of them via detect and roundtrip too). */
#ifndef KK_FUZZ_COMMON_H
#define KK_FUZZ_COMMON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "core/armor.h"
#include "formats/format.h"

static inline void kk_fuzz_check_error(int rc, const struct kk_error *err)
{
    if (rc <= KK_OK || rc >= KK_ERR__COUNT || (int)err->code != rc ||
        err->msg[0] == '\0')
        abort();
}

/* Decodes; false on a failure, which must carry an error and no key. */
static inline bool kk_fuzz_decode(const struct kk_format *fmt, const uint8_t *data,
                                  size_t size, const struct kk_decode_opts *dopts,
                                  struct kk_key **key, struct kk_error *err)
{
    int rc = fmt->decode(data, size, dopts, key, err);

    if (rc == KK_OK)
        return true;
    kk_fuzz_check_error(rc, err);
    if (*key != NULL)
        abort();
    return false;
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

    kk_error_clear(&err);
    kk_buf_init(&buf, 0);
    if (!kk_fuzz_decode(fmt, data, size, &dopts, &key, &err))
        goto out;
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

/* A private-key format whose seeds are binary containers: inputs starting
 * with magic are armoured first, so the fuzzer mutates the structure rather
 * than its base64.  The passphrase is "fuzz", as in the encrypted seeds. */
struct kk_fuzz_container {
    const struct kk_format *fmt;
    const uint8_t *magic;
    size_t magic_len;
    enum kk_armor_style style;
    const char *label;
    /* Re-encode encrypted keys with "fuzz" and expect was_encrypted back. */
    bool keep_encryption;
    /* The armour cannot write a comment holding a quote; such keys are
     * refused with KK_ERR_UNSUPPORTED. */
    bool quote_unsupported;
};

/* Decodes, and on success re-encodes, re-decodes and abort()s unless the
 * same public half and comment come back. */
static inline void kk_fuzz_container_roundtrip(const struct kk_fuzz_container *c,
                                               const uint8_t *data, size_t size)
{
    struct kk_limits lim = kk_limits_default();
    struct kk_pass pass;
    struct kk_decode_opts dopts = {.limits = &lim, .pass = &pass};
    struct kk_encode_opts eopts = {.passphrase = NULL};
    struct kk_error err;
    struct kk_key *key = NULL, *again = NULL;
    struct kk_buf text, buf;
    int rc;

    lim.rsa_max_bits = 4096;
    /* The seeds use one or two bcrypt rounds; a low cap keeps the corpus
     * replay cheap in normal builds, where every round is computed. */
    lim.max_kdf_rounds = 16;
    kk_pass_init(&pass);
    kk_pass_set(&pass, "fuzz", 4);
    kk_error_clear(&err);
    kk_buf_init(&text, 0);
    kk_buf_init(&buf, 0);
    if (size >= c->magic_len && memcmp(data, c->magic, c->magic_len) == 0) {
        if (kk_armor_encode(c->style, c->label, NULL, 0, data, size, 70, &text,
                            &err) != KK_OK)
            goto out;
        data = text.data;
        size = text.len;
    }
    if (!kk_fuzz_decode(c->fmt, data, size, &dopts, &key, &err))
        goto out;
    if (key == NULL || !key->has_private || key->comment == NULL)
        abort();
    if (c->keep_encryption && key->was_encrypted) {
        eopts.passphrase = "fuzz";
        eopts.passlen = 4;
    }
    kk_error_clear(&err);
    rc = c->fmt->encode(key, &eopts, &buf, &err);
    if (c->quote_unsupported && rc == KK_ERR_UNSUPPORTED &&
        strchr(key->comment, '"') != NULL)
        goto out;
    if (rc != KK_OK)
        abort();
    kk_error_clear(&err);
    if (c->fmt->decode(buf.data, buf.len, &dopts, &again, &err) != KK_OK)
        abort();
    if (!kk_key_public_equal(key, again) || strcmp(key->comment, again->comment) != 0)
        abort();
    if (c->keep_encryption && again->was_encrypted != key->was_encrypted)
        abort();
out:
    kk_key_free(again);
    kk_key_free(key);
    kk_buf_free(&buf);
    kk_buf_free(&text);
    kk_pass_wipe(&pass);
}

#endif
