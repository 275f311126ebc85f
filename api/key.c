/* Getters and the fingerprint of a loaded key. */
#include <stdlib.h>
#include <string.h>
#include "internal.h"

void keykit_key_free(keykit_key *key)
{
    if (key == NULL)
        return;
    kk_key_free(key->key);
    free(key);
}

const char *keykit_key_type(const keykit_key *key)
{
    return key != NULL ? kk_key_type_ssh_name(key->key->type) : NULL;
}

const char *keykit_key_type_label(const keykit_key *key)
{
    return key != NULL ? kk_key_type_label(key->key->type) : NULL;
}

int keykit_key_bits(const keykit_key *key)
{
    return key != NULL ? kk_key_bits(key->key) : 0;
}

const char *keykit_key_comment(const keykit_key *key)
{
    if (key == NULL)
        return NULL;
    if (key->key->comment == NULL)
        return "";
    return key->key->comment;
}

int keykit_key_set_comment(keykit_key *key, const char *comment,
                           struct keykit_error *err)
{
    struct kk_error e;

    if (key == NULL)
        return kk_api_fail(err, KK_ERR_USAGE, "keykit_key_set_comment: key is NULL");
    if (comment == NULL)
        comment = "";
    for (const unsigned char *p = (const unsigned char *)comment; *p != '\0'; p++)
        if (*p < 0x20 || *p == 0x7F)
            return kk_api_fail(err, KK_ERR_USAGE,
                               "the comment must not contain control characters");
    kk_error_clear(&e);
    if (kk_key_set_comment(key->key, comment, strlen(comment), &e) != KK_OK)
        return kk_api_error(err, &e);
    kk_api_clear(err);
    return KEYKIT_OK;
}

int keykit_key_has_private(const keykit_key *key)
{
    return key != NULL && key->key->has_private;
}

int keykit_key_was_encrypted(const keykit_key *key)
{
    return key != NULL && key->key->was_encrypted;
}

const char *keykit_key_format(const keykit_key *key)
{
    return key != NULL && key->format != NULL ? key->format->name : NULL;
}

int keykit_key_fingerprint(const keykit_key *key, enum keykit_hash hash,
                           char *out, size_t size, struct keykit_error *err)
{
    char fp[KK_FP_MAX];
    struct kk_error e;

    _Static_assert(KEYKIT_FINGERPRINT_MAX >= KK_FP_MAX, "fingerprint sizes out of step");
    if (out != NULL && size > 0)
        out[0] = '\0';
    if (key == NULL || out == NULL)
        return kk_api_fail(err, KK_ERR_USAGE, "keykit_key_fingerprint: key or out is NULL");
    if (hash != KEYKIT_HASH_SHA256 && hash != KEYKIT_HASH_MD5)
        return kk_api_fail(err, KK_ERR_USAGE, "keykit_key_fingerprint: unknown hash");
    kk_error_clear(&e);
    if (kk_key_fingerprint(key->key, hash == KEYKIT_HASH_MD5 ? KK_FP_MD5 : KK_FP_SHA256,
                           fp, &e) != KK_OK)
        return kk_api_error(err, &e);
    if (strlen(fp) >= size)
        return kk_api_fail(err, KK_ERR_USAGE,
                           "keykit_key_fingerprint: out is smaller than KEYKIT_FINGERPRINT_MAX");
    memcpy(out, fp, strlen(fp) + 1);
    kk_api_clear(err);
    return KEYKIT_OK;
}
