/* Passphrases fetched lazily and cached; see pass.h. */
#include <string.h>
#include <openssl/crypto.h>
#include "pass.h"

void kk_pass_init(struct kk_pass *p)
{
    memset(p, 0, sizeof *p);
}

void kk_pass_set(struct kk_pass *p, const char *text, size_t len)
{
    kk_pass_wipe(p);
    if (len > KK_PASS_MAX)
        len = KK_PASS_MAX;
    if (len > 0)
        memcpy(p->text, text, len);     /* text may be NULL when len is 0 */
    p->text[len] = '\0';
    p->len = len;
    p->have = 1;
    p->tried = 1;
}

int kk_pass_get(struct kk_pass *p, const char **text, size_t *len,
                struct kk_error *err)
{
    *text = NULL;
    *len = 0;
    if (p == NULL || (!p->have && p->fetch == NULL)) {
        kk_fail(err, KK_ERR_NEED_PASS, "the key is encrypted and no passphrase was given");
        kk_hint(err, "give it with --passin (pass:TEXT, env:VAR, file:PATH, fd:N or stdin)");
        return KK_ERR_NEED_PASS;
    }
    if (!p->have) {
        if (p->tried)
            return kk_fail(err, KK_ERR_NEED_PASS, "no passphrase could be read");
        p->tried = 1;
        size_t n = 0;
        int rc = p->fetch(p->ctx, p->prompt != NULL ? p->prompt : "Enter passphrase: ",
                          p->text, &n, err);
        if (rc != KK_OK) {
            OPENSSL_cleanse(p->text, sizeof p->text);
            return rc;
        }
        if (n > KK_PASS_MAX)
            n = KK_PASS_MAX;
        p->text[n] = '\0';
        p->len = n;
        p->have = 1;
    }
    *text = p->text;
    *len = p->len;
    return KK_OK;
}

void kk_pass_wipe(struct kk_pass *p)
{
    if (p == NULL)
        return;
    OPENSSL_cleanse(p->text, sizeof p->text);
    p->len = 0;
    p->have = 0;
    p->tried = 0;
}
