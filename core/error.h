/* kk_error: what went wrong, where, and how to fix it.
 *
 * Every fallible function returns an int that is a kk_code (0 = success) and
 * fills a caller-owned struct kk_error.  The location and errno are recorded
 * when the failure happens, not when it is printed. */
#ifndef KK_ERROR_H
#define KK_ERROR_H

#include <stddef.h>

enum kk_code {
    KK_OK = 0,
    KK_ERR_NOMEM,        /* allocation failed */
    KK_ERR_IO,           /* read/write/open/rename failed (errno kept) */
    KK_ERR_EXISTS,       /* output exists and --force was not given */
    KK_ERR_USAGE,        /* bad arguments from the caller */
    KK_ERR_TOO_BIG,      /* an input or decompressed size over its cap */
    KK_ERR_CAP,          /* a cost over its cap (bits, rounds, memory) */
    KK_ERR_FORMAT,       /* malformed input */
    KK_ERR_TRUNCATED,    /* input ends before a field does */
    KK_ERR_TRAILING,     /* bytes left after a complete structure */
    KK_ERR_UNSUPPORTED,  /* well-formed but not something keykit handles */
    KK_ERR_BAD_KEY,      /* key material invalid (point off curve, ...) */
    KK_ERR_NEED_PASS,    /* encrypted and no passphrase source */
    KK_ERR_WRONG_PASS,   /* the passphrase does not open the key */
    KK_ERR_CORRUPT,      /* a MAC or check value fails on unencrypted data */
    KK_ERR_NOT_PRIVATE,  /* a private key was needed, a public one given */
    KK_ERR_MISMATCH,     /* two halves or a read-back disagree */
    KK_ERR_CRYPTO,       /* OpenSSL or libargon2 failed unexpectedly */
    KK_ERR_INTERNAL,     /* a bug in keykit */
    KK_ERR__COUNT
};

#define KK_MSG_MAX 256

struct kk_error {
    enum kk_code code;
    int sys_errno;            /* errno at the failure, 0 if none */
    long line;                /* 1-based line in the input, 0 = unknown */
    long offset;              /* byte offset in the input, -1 = unknown */
    char msg[KK_MSG_MAX];     /* what is wrong, lower case, no trailing period */
    char hint[KK_MSG_MAX];    /* how to fix it, "" if there is no fix to offer */
};

/* Text for a code; never NULL, "unknown error" for out-of-range codes. */
const char *kk_strerror(int code);

/* Resets an error to success, no location. */
void kk_error_clear(struct kk_error *err);

/* Records a failure and returns code, so callers can `return kk_fail(...)`.
 * With fmt NULL the message is kk_strerror(code).  err may be NULL. */
int kk_fail(struct kk_error *err, enum kk_code code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* As kk_fail, and keeps errno (read before anything else can change it). */
int kk_fail_errno(struct kk_error *err, enum kk_code code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Adds the fix to an error already recorded; returns err->code. */
int kk_hint(struct kk_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Records where the failure is, if not already recorded. */
void kk_error_at(struct kk_error *err, long line, long offset);

/* The 1-based line holding byte `offset` of `in` (for locating failures). */
long kk_line_of(const unsigned char *in, size_t len, size_t offset);

/* Bytes from hostile input made safe to quote in a message: printable ASCII
 * is kept except \, everything else becomes \xNN; when out is too
 * small the text is cut and ends in "...".  out is always terminated. */
void kk_escape(const unsigned char *s, size_t n, char *out, size_t outsz);

/* The process exit status for a code: 0 ok, 1 bad key/input, 2 usage, 3 I/O. */
int kk_exit_status(int code);

#endif
