/* The public error codes, their texts, and the library version. */
#include <stdio.h>
#include "internal.h"

#ifndef KK_VERSION
#error "KK_VERSION must come from the CMake project version"
#endif

/* The public codes are the internal ones under another name; a change to
 * either enum must fail the build, not the ABI. */
_Static_assert(KEYKIT_OK == (int)KK_OK, "keykit_status out of step");
_Static_assert(KEYKIT_ERR_NOMEM == (int)KK_ERR_NOMEM, "keykit_status out of step");
_Static_assert(KEYKIT_ERR_IO == (int)KK_ERR_IO, "keykit_status out of step");
_Static_assert(KEYKIT_ERR_EXISTS == (int)KK_ERR_EXISTS, "keykit_status out of step");
_Static_assert(KEYKIT_ERR_USAGE == (int)KK_ERR_USAGE, "keykit_status out of step");
_Static_assert(KEYKIT_ERR_TOO_BIG == (int)KK_ERR_TOO_BIG, "keykit_status out of step");
_Static_assert(KEYKIT_ERR_CAP == (int)KK_ERR_CAP, "keykit_status out of step");
_Static_assert(KEYKIT_ERR_FORMAT == (int)KK_ERR_FORMAT, "keykit_status out of step");
_Static_assert(KEYKIT_ERR_TRUNCATED == (int)KK_ERR_TRUNCATED, "keykit_status out of step");
_Static_assert(KEYKIT_ERR_TRAILING == (int)KK_ERR_TRAILING, "keykit_status out of step");
_Static_assert(KEYKIT_ERR_UNSUPPORTED == (int)KK_ERR_UNSUPPORTED, "keykit_status out of step");
_Static_assert(KEYKIT_ERR_BAD_KEY == (int)KK_ERR_BAD_KEY, "keykit_status out of step");
_Static_assert(KEYKIT_ERR_NEED_PASS == (int)KK_ERR_NEED_PASS, "keykit_status out of step");
_Static_assert(KEYKIT_ERR_WRONG_PASS == (int)KK_ERR_WRONG_PASS, "keykit_status out of step");
_Static_assert(KEYKIT_ERR_CORRUPT == (int)KK_ERR_CORRUPT, "keykit_status out of step");
_Static_assert(KEYKIT_ERR_NOT_PRIVATE == (int)KK_ERR_NOT_PRIVATE, "keykit_status out of step");
_Static_assert(KEYKIT_ERR_MISMATCH == (int)KK_ERR_MISMATCH, "keykit_status out of step");
_Static_assert(KEYKIT_ERR_CRYPTO == (int)KK_ERR_CRYPTO, "keykit_status out of step");
_Static_assert(KEYKIT_ERR_INTERNAL == (int)KK_ERR_INTERNAL, "keykit_status out of step");
_Static_assert(KEYKIT_ERR_INTERNAL + 1 == (int)KK_ERR__COUNT, "keykit_status out of step");
_Static_assert(KEYKIT_MESSAGE_MAX == KK_MSG_MAX, "message sizes out of step");

const char *keykit_version(void)
{
    return KK_VERSION;
}

const char *keykit_strerror(int code)
{
    return kk_strerror(code);
}

void kk_api_clear(struct keykit_error *out)
{
    if (out != NULL)
        *out = (struct keykit_error){ .code = KEYKIT_OK };
}

int kk_api_error(struct keykit_error *out, const struct kk_error *err)
{
    if (out != NULL) {
        kk_api_clear(out);
        out->code = (int)err->code;
        out->line = err->line;
        snprintf(out->message, sizeof out->message, "%s", err->msg);
        snprintf(out->hint, sizeof out->hint, "%s", err->hint);
    }
    return (int)err->code;
}

int kk_api_fail(struct keykit_error *out, enum kk_code code, const char *msg)
{
    struct kk_error err;

    kk_error_clear(&err);
    kk_fail(&err, code, "%s", msg);
    return kk_api_error(out, &err);
}
