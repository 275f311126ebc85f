/* kk_error: recording failures where they happen; see error.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "error.h"

static const char *const texts[KK_ERR__COUNT] = {
    [KK_OK] = "success",
    [KK_ERR_NOMEM] = "out of memory",
    [KK_ERR_IO] = "input/output error",
    [KK_ERR_EXISTS] = "file already exists",
    [KK_ERR_USAGE] = "invalid usage",
    [KK_ERR_TOO_BIG] = "input is too large",
    [KK_ERR_CAP] = "cost is over its limit",
    [KK_ERR_FORMAT] = "invalid format",
    [KK_ERR_TRUNCATED] = "input is truncated",
    [KK_ERR_TRAILING] = "unexpected data after the end",
    [KK_ERR_UNSUPPORTED] = "not supported",
    [KK_ERR_BAD_KEY] = "invalid key",
    [KK_ERR_NEED_PASS] = "a passphrase is needed",
    [KK_ERR_WRONG_PASS] = "wrong passphrase",
    [KK_ERR_CORRUPT] = "the data is corrupt",
    [KK_ERR_NOT_PRIVATE] = "a private key is needed",
    [KK_ERR_MISMATCH] = "values do not match",
    [KK_ERR_CRYPTO] = "cryptographic library failure",
    [KK_ERR_INTERNAL] = "internal error",
};

const char *kk_strerror(int code)
{
    if (code < 0 || code >= KK_ERR__COUNT || texts[code] == NULL)
        return "unknown error";
    return texts[code];
}

void kk_error_clear(struct kk_error *err)
{
    if (err == NULL)
        return;
    *err = (struct kk_error){
        .code = KK_OK,
        .sys_errno = 0,
        .line = 0,
        .offset = -1,
    };
}

/* A new failure replaces everything an earlier one recorded. */
static void record(struct kk_error *err, enum kk_code code, int sys_errno,
                   const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));

static void record(struct kk_error *err, enum kk_code code, int sys_errno,
                   const char *fmt, va_list ap)
{
    kk_error_clear(err);
    err->code = code;
    err->sys_errno = sys_errno;
    if (fmt == NULL)
        snprintf(err->msg, sizeof err->msg, "%s", kk_strerror((int)code));
    else
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
}

int kk_fail(struct kk_error *err, enum kk_code code, const char *fmt, ...)
{
    if (err == NULL)
        return (int)code;
    va_list ap;
    va_start(ap, fmt);
    record(err, code, 0, fmt, ap);
    va_end(ap);
    return (int)code;
}

int kk_fail_errno(struct kk_error *err, enum kk_code code, const char *fmt, ...)
{
    int e = errno;

    if (err == NULL)
        return (int)code;
    va_list ap;
    va_start(ap, fmt);
    record(err, code, e, fmt, ap);
    va_end(ap);
    if (e != 0) {
        /* strerror_r: strerror may use a shared buffer, and keybatch fails
         * from several threads at once.  This is the XSI version (no
         * _GNU_SOURCE), which fills text and returns 0. */
        char text[128];
        size_t n = strlen(err->msg);
        if (strerror_r(e, text, sizeof text) != 0)
            snprintf(text, sizeof text, "error %d", e);
        snprintf(err->msg + n, sizeof err->msg - n, ": %s", text);
    }
    errno = e;
    return (int)code;
}

int kk_hint(struct kk_error *err, const char *fmt, ...)
{
    /* Without an error record the code is lost; a failure is still a failure. */
    if (err == NULL)
        return KK_ERR_INTERNAL;
    if (fmt == NULL) {
        err->hint[0] = '\0';
    } else {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->hint, sizeof err->hint, fmt, ap);
        va_end(ap);
    }
    return (int)err->code;
}

void kk_error_at(struct kk_error *err, long line, long offset)
{
    if (err == NULL)
        return;
    if (err->line <= 0 && line > 0)
        err->line = line;
    if (err->offset < 0 && offset >= 0)
        err->offset = offset;
}

/* The escaped form of one byte into piece; returns its length. */
static size_t escape_byte(unsigned char c, char piece[5])
{
    if (c >= 0x20 && c < 0x7f && c != '\\') {
        piece[0] = (char)c;
        return 1;
    }
    return (size_t)snprintf(piece, 5, "\\x%02X", c);
}

void kk_escape(const unsigned char *s, size_t n, char *out, size_t outsz)
{
    char piece[5];
    size_t total = 0, o = 0;

    if (outsz == 0)
        return;
    for (size_t i = 0; i < n; i++)
        total += escape_byte(s[i], piece);
    /* Cut only when it does not fit, keeping room for the "..." marker. */
    size_t room = total < outsz ? outsz - 1 : (outsz > 3 ? outsz - 4 : 0);
    for (size_t i = 0; i < n; i++) {
        size_t len = escape_byte(s[i], piece);
        if (len > room - o)
            break;
        memcpy(out + o, piece, len);
        o += len;
    }
    if (total >= outsz && outsz > 3) {
        memcpy(out + o, "...", 3);
        o += 3;
    }
    out[o] = '\0';
}

long kk_line_of(const unsigned char *in, size_t len, size_t offset)
{
    long line = 1;

    if (in == NULL)
        return line;
    if (offset > len)
        offset = len;
    const unsigned char *p = in;
    const unsigned char *end = in + offset;
    while (p < end) {
        const unsigned char *nl = memchr(p, '\n', (size_t)(end - p));
        if (nl == NULL)
            break;
        line++;
        p = nl + 1;
    }
    return line;
}

int kk_exit_status(int code)
{
    switch (code) {
    case KK_OK:
        return 0;
    case KK_ERR_USAGE:
        return 2;
    case KK_ERR_IO:
    case KK_ERR_EXISTS:
        return 3;
    default:
        return 1;
    }
}
