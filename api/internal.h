/* Shared inside api/ only: the opaque types behind include/keykit.h and
 * the translation from keykit's internal errors to the public ones.
 * api/ is a thin wrapper: it converts arguments and results, and leaves
 * every piece of real work to core/, formats/ and checks/. */
#ifndef KK_API_INTERNAL_H
#define KK_API_INTERNAL_H

#include "../include/keykit.h"
#include "../core/error.h"
#include "../core/key.h"
#include "../formats/format.h"

struct keykit_key {
    struct kk_key *key;              /* owned */
    const struct kk_format *format;  /* the format it was read in */
};

/* Copies an internal error into the caller's public one (err may be NULL)
 * and returns its code. */
int kk_api_error(struct keykit_error *out, const struct kk_error *err);

/* Records a failure made in api/ itself; returns code. */
int kk_api_fail(struct keykit_error *out, enum kk_code code, const char *msg);

/* Resets the caller's error to KEYKIT_OK (out may be NULL). */
void kk_api_clear(struct keykit_error *out);

#endif
