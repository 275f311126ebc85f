/* Shared inside checks/ only: the analysis context and the line analysers. */
#ifndef KC_INTERNAL_H
#define KC_INTERNAL_H

#include "../core/buf.h"
#include "check.h"

struct kc_ctx {
    const struct kc_opts *opts;
    const struct kc_profile *prof;
    struct kc_file *f;
    struct kk_buf blob;      /* scratch for base64 decoding */
    int nomem;               /* an allocation failed: the result is incomplete */
};

/* Analyses the key text "TYPE BASE64 [COMMENT]" found at [s, e) of the line
 * starting at ls (e excludes trailing blanks and the line end).  Returns 1
 * when the type word named a key type, 0 otherwise. */
int kc_keyline(struct kc_ctx *c, const uint8_t *in, size_t ls, size_t s,
               size_t e, long lineno);

/* 1 if [s, e) is a type name keycheck knows (plain, sk-* or certificate). */
int kc_known_type(const uint8_t *s, size_t n);

/* Parses the authorized_keys options at [s, e) of the line starting at ls;
 * returns the offset where the options end (the first unquoted blank, or
 * e).  Findings go to c->f. */
size_t kc_options(struct kc_ctx *c, const uint8_t *in, size_t ls, size_t s,
                  size_t e, long lineno);

/* 1 if the word [s, s+n) up to its first ',' or '=' is an option name. */
int kc_is_option(const uint8_t *s, size_t n);

#define KC_FIX_NEWKEY "make a new key: ssh-keygen -t ed25519 (or -t rsa -b 3072)"

/* The rsa-small-factor finding (from the per-key test or the batch). */
int kc_add_small_factor(struct kc_file *f, long line, long col, unsigned long factor);

static inline long kc_col(size_t ls, size_t at)
{
    return (long)(at - ls) + 1;
}

#endif
