/* A passphrase, fetched only when a decoder finds it needs one.
 *
 * The tool fills in `fetch` (resolving --passin or prompting); decoders call
 * kk_pass_get, which calls fetch once and caches the result so the same
 * passphrase can re-encrypt the output.  The text is wiped by kk_pass_wipe. */
#ifndef KK_PASS_H
#define KK_PASS_H

#include <stddef.h>
#include "error.h"

#define KK_PASS_MAX 1024

struct kk_pass {
    /* Writes at most KK_PASS_MAX bytes into buf, sets *len; returns a
     * kk_code.  NULL means no source: kk_pass_get fails with
     * KK_ERR_NEED_PASS. */
    int (*fetch)(void *ctx, const char *prompt, char *buf, size_t *len,
                 struct kk_error *err);
    void *ctx;
    const char *prompt;   /* e.g. "Enter passphrase for id_rsa: " */
    char text[KK_PASS_MAX + 1];
    size_t len;
    int have;             /* text is valid */
    int tried;            /* fetch was called (failed or not) */
};

void kk_pass_init(struct kk_pass *p);
/* Sets a fixed passphrase (tests, library callers). */
void kk_pass_set(struct kk_pass *p, const char *text, size_t len);
/* The passphrase, fetched on first use; err names --passin on NEED_PASS. */
int kk_pass_get(struct kk_pass *p, const char **text, size_t *len,
                struct kk_error *err);
void kk_pass_wipe(struct kk_pass *p);

#endif
