/* Base64 over OpenSSL's block coder, with the strictness OpenSSL leaves out:
 * every byte is checked, padding only at the very end, no stray bits. */
#include <stdio.h>
#include <string.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include "base64.h"

/* Work in chunks: EVP_*Block take int lengths, and the stack copies of
 * (possibly secret) bytes stay small and are wiped. */
#define RAW_CHUNK 3072                       /* multiple of 3 */
#define TEXT_CHUNK (RAW_CHUNK / 3 * 4)       /* multiple of 4 */

int kk_base64_encode(const uint8_t *in, size_t len, struct kk_buf *out)
{
    unsigned char text[TEXT_CHUNK + 1];     /* EVP_EncodeBlock adds a NUL */
    size_t start = out->len;
    int rc = KK_OK;

    if (len > (SIZE_MAX - 2) / 3 || (len + 2) / 3 > (SIZE_MAX - out->len) / 4
        || kk_buf_reserve(out, (len + 2) / 3 * 4) != 0)
        return KK_ERR_NOMEM;
    while (len > 0) {
        size_t n = len < RAW_CHUNK ? len : RAW_CHUNK;
        int t = EVP_EncodeBlock(text, in, (int)n);
        if (t < 0 || kk_buf_put(out, text, (size_t)t) != 0) {
            rc = KK_ERR_NOMEM;
            break;
        }
        in += n;
        len -= n;
    }
    OPENSSL_cleanse(text, sizeof text);
    if (rc != KK_OK && out->data != NULL && kk_buf_ok(out)) {
        OPENSSL_cleanse(out->data + start, out->len - start);
        out->len = start;
    }
    return rc;
}

static int is_alpha64(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
        || (c >= '0' && c <= '9') || c == '+' || c == '/';
}

static int is_space64(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The value of one base64 digit, to check the bits a short final group
 * leaves unused.  Digits are already known to be in the alphabet. */
static unsigned digit_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return (unsigned)(c - 'A');
    if (c >= 'a' && c <= 'z')
        return (unsigned)(c - 'a') + 26;
    if (c >= '0' && c <= '9')
        return (unsigned)(c - '0') + 52;
    return c == '+' ? 62 : 63;
}

static int bad_char(struct kk_error *err, const char *text, size_t i)
{
    unsigned char c = (unsigned char)text[i];
    char shown[8];

    kk_escape(&c, 1, shown, sizeof shown);
    kk_fail(err, KK_ERR_FORMAT, "invalid base64 character '%s' at byte %zu", shown, i);
    kk_error_at(err, 0, (long)i);
    return KK_ERR_FORMAT;
}

/* Decodes a chunk of clean text (a multiple of 4 digits, padding only in
 * its last group) and appends it. */
static int flush(const unsigned char *text, size_t n, struct kk_buf *out,
                 struct kk_error *err)
{
    unsigned char raw[RAW_CHUNK];
    int rc = KK_OK;

    if (n == 0)
        return KK_OK;
    int got = EVP_DecodeBlock(raw, text, (int)n);
    if (got < 0) {
        rc = kk_fail(err, KK_ERR_INTERNAL, "base64 decoder refused checked input");
        goto out;
    }
    /* EVP_DecodeBlock counts the bytes the padding stands for. */
    size_t real = (size_t)got;
    if (text[n - 1] == '=')
        real--;
    if (text[n - 2] == '=')
        real--;
    if (out->max < out->len || real > out->max - out->len) {
        rc = kk_fail(err, KK_ERR_TOO_BIG, "decoded base64 is larger than %zu bytes", out->max);
        goto out;
    }
    if (kk_buf_put(out, raw, real) != 0)
        rc = kk_fail(err, KK_ERR_NOMEM, NULL);
out:
    OPENSSL_cleanse(raw, sizeof raw);
    return rc;
}

int kk_base64_decode(const char *text, size_t len, int skip_space,
                     struct kk_buf *out, struct kk_error *err)
{
    unsigned char clean[TEXT_CHUNK];
    size_t nclean = 0;
    size_t start = out->len;
    size_t digits = 0;          /* significant characters so far */
    size_t pad = 0;             /* '=' seen */
    unsigned last = 0;          /* value of the last alphabet digit */
    size_t last_at = 0;         /* and its byte offset */
    int rc = KK_OK;

    if (!kk_buf_ok(out))
        return kk_fail(err, KK_ERR_NOMEM, NULL);
    /* Room for the whole result up front (never past the cap, which flush
     * reports by name): growing by doubling copies and wipes each block. */
    size_t room = out->max > out->len ? out->max - out->len : 0;
    if (kk_buf_reserve(out, len / 4 * 3 < room ? len / 4 * 3 : room) != 0)
        return kk_fail(err, KK_ERR_NOMEM, NULL);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        if (skip_space && is_space64(c))
            continue;
        if (c == '=') {
            /* Padding fills the third and fourth places of the last group. */
            if (digits % 4 < 2) {
                rc = kk_fail(err, KK_ERR_FORMAT, "misplaced base64 padding at byte %zu", i);
                kk_error_at(err, 0, (long)i);
                goto out;
            }
            pad++;
        } else if (!is_alpha64(c)) {
            rc = bad_char(err, text, i);
            goto out;
        } else if (pad != 0) {
            rc = kk_fail(err, KK_ERR_FORMAT, "base64 continues after padding at byte %zu", i);
            kk_error_at(err, 0, (long)i);
            goto out;
        } else {
            last = digit_value(c);
            last_at = i;
        }
        clean[nclean++] = c;
        digits++;
        if (pad != 0 && digits % 4 == 0 && (last & (pad == 1 ? 0x03u : 0x0fu))) {
            /* Bits a padded group leaves over must be zero, so every byte
             * string has exactly one encoding. */
            rc = kk_fail(err, KK_ERR_FORMAT, "base64 has stray bits at byte %zu", last_at);
            kk_error_at(err, 0, (long)last_at);
            goto out;
        }
        if (nclean == sizeof clean) {
            if ((rc = flush(clean, nclean, out, err)) != KK_OK)
                goto out;
            nclean = 0;
        }
    }
    if (digits % 4 != 0) {
        rc = kk_fail(err, KK_ERR_TRUNCATED, "base64 is truncated");
        kk_error_at(err, 0, (long)len);
        goto out;
    }
    rc = flush(clean, nclean, out, err);
out:
    OPENSSL_cleanse(clean, sizeof clean);
    if (rc != KK_OK && out->data != NULL && out->len > start) {
        OPENSSL_cleanse(out->data + start, out->len - start);
        out->len = start;
    }
    return rc;
}
