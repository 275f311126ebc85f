/* keykit_key_load: the caller's bytes and passphrase callback, through
 * the shared load pipeline (formats/convert.h). */
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>
#include "internal.h"
#include "../core/limits.h"
#include "../core/pass.h"
#include "../formats/convert.h"

_Static_assert(KEYKIT_PASSPHRASE_MAX == KK_PASS_MAX, "passphrase sizes out of step");

struct fetch_ctx {
    keykit_passphrase_fn fn;
    void *ctx;
};

/* kk_pass fetch: asks the caller, in a buffer of ours that is wiped
 * whatever the callback did, so the text lives only in the kk_pass. */
static int fetch(void *ctx, const char *prompt, char *buf, size_t *len,
                 struct kk_error *err)
{
    const struct fetch_ctx *f = ctx;
    char tmp[KK_PASS_MAX];
    int n;

    (void)prompt;
    *len = 0;
    n = f->fn(f->ctx, tmp, sizeof tmp);
    if (n < 0 || (size_t)n > sizeof tmp) {
        OPENSSL_cleanse(tmp, sizeof tmp);
        kk_fail(err, KK_ERR_NEED_PASS,
                n < 0 ? "the key is encrypted and no passphrase was given"
                      : "the passphrase callback returned more than KEYKIT_PASSPHRASE_MAX bytes");
        kk_hint(err, "return the passphrase from the keykit_passphrase_fn callback");
        return KK_ERR_NEED_PASS;
    }
    memcpy(buf, tmp, (size_t)n);
    *len = (size_t)n;
    OPENSSL_cleanse(tmp, sizeof tmp);
    return KK_OK;
}

int keykit_key_load(const void *data, size_t len, const char *format,
                    keykit_passphrase_fn passphrase, void *ctx,
                    keykit_key **out, struct keykit_error *err)
{
    struct kk_limits lim = kk_limits_default();
    struct fetch_ctx fc = { .fn = passphrase, .ctx = ctx };
    const struct kk_format *from = NULL, *found = NULL;
    struct kk_pass pass;
    struct kk_key *key = NULL;
    struct kk_error e;
    keykit_key *k = NULL;
    int rc;

    if (out == NULL)
        return kk_api_fail(err, KK_ERR_USAGE, "keykit_key_load: out is NULL");
    *out = NULL;
    if (data == NULL && len > 0)
        return kk_api_fail(err, KK_ERR_USAGE, "keykit_key_load: data is NULL");
    if (format != NULL && (from = kk_format_by_name(format)) == NULL)
        return kk_api_fail(err, KK_ERR_USAGE, "keykit_key_load: unknown format name");
    if (len > lim.max_input)
        return kk_api_fail(err, KK_ERR_TOO_BIG, "the input is larger than 1 MiB");

    kk_error_clear(&e);
    kk_pass_init(&pass);
    if (passphrase != NULL) {
        pass.fetch = fetch;
        pass.ctx = &fc;
    }
    struct kk_decode_opts opts = { .limits = &lim, .pass = &pass };
    /* Formats never see a NULL buffer, not even an empty one. */
    rc = kk_key_load(data != NULL ? data : "", len, from, &opts, &key, &found, &e);
    kk_pass_wipe(&pass);
    if (rc != KK_OK) {
        /* The pipeline's hint names keyconv's --passin: say it for callers. */
        if (rc == KK_ERR_NEED_PASS && passphrase == NULL)
            snprintf(e.hint, sizeof e.hint, "pass a keykit_passphrase_fn to keykit_key_load");
        else if (rc == KK_ERR_FORMAT && found == NULL)
            snprintf(e.hint, sizeof e.hint, "name the format if you know it");
        goto out;
    }
    if ((k = calloc(1, sizeof *k)) == NULL) {
        rc = kk_fail(&e, KK_ERR_NOMEM, NULL);
        goto out;
    }
    k->key = key;
    k->format = found;
    key = NULL;
    *out = k;
out:
    kk_key_free(key);
    if (rc != KK_OK)
        return kk_api_error(err, &e);
    kk_api_clear(err);
    return KEYKIT_OK;
}
