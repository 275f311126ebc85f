/* keykit_key_save: a named format through the shared save pipeline
 * (encode, then read back and compare), handed over in a buffer the
 * caller frees with keykit_buffer_free. */
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>
#include "internal.h"
#include "../core/buf.h"
#include "../formats/convert.h"

void keykit_buffer_free(struct keykit_buffer *buf)
{
    if (buf == NULL)
        return;
    if (buf->data != NULL) {
        OPENSSL_cleanse(buf->data, buf->len + 1);
        free(buf->data);
    }
    *buf = (struct keykit_buffer){ .data = NULL, .len = 0 };
}

int keykit_key_save(const keykit_key *key, const char *format,
                    const char *passphrase, struct keykit_buffer *out,
                    struct keykit_error *err)
{
    const struct kk_format *fmt;
    struct kk_buf b;
    struct kk_error e;
    unsigned char *copy = NULL;
    int rc;

    if (out == NULL)
        return kk_api_fail(err, KK_ERR_USAGE, "keykit_key_save: out is NULL");
    *out = (struct keykit_buffer){ .data = NULL, .len = 0 };
    if (key == NULL || format == NULL)
        return kk_api_fail(err, KK_ERR_USAGE, "keykit_key_save: key or format is NULL");
    if ((fmt = kk_format_by_name(format)) == NULL || fmt->encode == NULL)
        return kk_api_fail(err, KK_ERR_USAGE, "keykit_key_save: unknown format name");

    kk_error_clear(&e);
    kk_buf_init(&b, 0);
    struct kk_encode_opts opts = {
        .passphrase = passphrase != NULL && passphrase[0] != '\0' ? passphrase : NULL,
        .passlen = passphrase != NULL ? strlen(passphrase) : 0,
    };
    if ((rc = kk_key_save(key->key, fmt, &opts, NULL, &b, &e)) != KK_OK)
        goto out;
    /* A copy of our own size, so the caller's free needs no kk_buf; the
     * kk_buf is wiped as it is freed. */
    if ((copy = malloc(b.len + 1)) == NULL) {
        rc = kk_fail(&e, KK_ERR_NOMEM, NULL);
        goto out;
    }
    memcpy(copy, b.data, b.len);
    copy[b.len] = '\0';
    *out = (struct keykit_buffer){ .data = copy, .len = b.len };
out:
    kk_buf_free(&b);
    if (rc != KK_OK)
        return kk_api_error(err, &e);
    kk_api_clear(err);
    return KEYKIT_OK;
}

const char *keykit_format_name(size_t index)
{
    for (size_t i = 0; kk_formats[i] != NULL; i++)
        if (i == index)
            return kk_formats[i]->name;
    return NULL;
}
