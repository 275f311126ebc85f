/* Bounded reader and wiping writer; see buf.h. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>
#include "buf.h"

/* ---- reader */

void kk_reader_init(struct kk_reader *r, const uint8_t *data, size_t len)
{
    *r = (struct kk_reader){
        .data = data,
        .len = data != NULL ? len : 0,
        .pos = 0,
        .failed = 0,
    };
}

int kk_reader_ok(const struct kk_reader *r)
{
    return !r->failed;
}

size_t kk_reader_left(const struct kk_reader *r)
{
    return r->failed ? 0 : r->len - r->pos;
}

int kk_reader_done(const struct kk_reader *r)
{
    return !r->failed && r->pos == r->len;
}

void kk_reader_fail(struct kk_reader *r)
{
    r->failed = 1;
}

const uint8_t *kk_get_bytes(struct kk_reader *r, size_t n)
{
    if (r->failed || r->len - r->pos < n) {
        r->failed = 1;
        return NULL;
    }
    /* A zero-length read of a NULL buffer still yields a usable pointer. */
    const uint8_t *p = r->data != NULL ? r->data + r->pos : (const uint8_t *)"";
    r->pos += n;
    return p;
}

uint8_t kk_get_u8(struct kk_reader *r)
{
    const uint8_t *p = kk_get_bytes(r, 1);
    return p != NULL ? p[0] : 0;
}

uint32_t kk_get_u32(struct kk_reader *r)
{
    const uint8_t *p = kk_get_bytes(r, 4);
    if (p == NULL)
        return 0;
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

uint64_t kk_get_u64(struct kk_reader *r)
{
    const uint8_t *p = kk_get_bytes(r, 8);
    if (p == NULL)
        return 0;
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return v;
}

struct kk_span kk_get_string(struct kk_reader *r)
{
    struct kk_span s = {.ptr = NULL, .len = 0};
    uint32_t n = kk_get_u32(r);
    const uint8_t *p = kk_get_bytes(r, n);
    if (p != NULL) {
        s.ptr = p;
        s.len = n;
    }
    return s;
}

struct kk_span kk_get_mpint(struct kk_reader *r)
{
    struct kk_span none = {.ptr = NULL, .len = 0};
    struct kk_span s = kk_get_string(r);

    if (r->failed)
        return none;
    if (s.len == 0)
        return s;                       /* the value zero */
    if (s.ptr[0] & 0x80) {
        r->failed = 1;                  /* negative */
        return none;
    }
    if (s.ptr[0] == 0) {
        /* A leading zero is only allowed to keep the next byte's top bit
         * from reading as a sign. */
        if (s.len == 1 || !(s.ptr[1] & 0x80)) {
            r->failed = 1;
            return none;
        }
        s.ptr++;
        s.len--;
    }
    return s;
}

/* ---- writer */

void kk_buf_init(struct kk_buf *b, size_t max)
{
    *b = (struct kk_buf){
        .data = NULL,
        .len = 0,
        .cap = 0,
        .max = max != 0 ? max : KK_BUF_DEFAULT_MAX,
        .failed = 0,
    };
}

void kk_buf_free(struct kk_buf *b)
{
    if (b == NULL)
        return;
    if (b->data != NULL) {
        OPENSSL_cleanse(b->data, b->cap);
        free(b->data);
    }
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->failed = 0;
}

void kk_buf_reset(struct kk_buf *b)
{
    if (b->data != NULL)
        OPENSSL_cleanse(b->data, b->cap);
    b->len = 0;
    b->failed = 0;
}

int kk_buf_ok(const struct kk_buf *b)
{
    return !b->failed;
}

/* Makes room for need bytes of storage.  Never realloc: the old block may
 * hold secrets, so it is copied, wiped and freed. */
static int grow(struct kk_buf *b, size_t need)
{
    if (need <= b->cap)
        return 0;
    /* Storage may pass max by one byte, for kk_buf_terminate's NUL. */
    size_t limit = b->max < SIZE_MAX ? b->max + 1 : SIZE_MAX;
    size_t ncap = b->cap != 0 ? b->cap : 64;
    while (ncap < need)
        ncap = ncap > SIZE_MAX / 2 ? need : ncap * 2;
    if (ncap > limit)
        ncap = limit;
    if (ncap < need) {
        b->failed = 1;
        return -1;
    }
    uint8_t *p = malloc(ncap);
    if (p == NULL) {
        b->failed = 1;
        return -1;
    }
    if (b->data != NULL) {
        memcpy(p, b->data, b->len);
        OPENSSL_cleanse(b->data, b->cap);
        free(b->data);
    }
    b->data = p;
    b->cap = ncap;
    return 0;
}

int kk_buf_reserve(struct kk_buf *b, size_t extra)
{
    if (b->failed)
        return -1;
    if (b->len > b->max || extra > b->max - b->len) {
        b->failed = 1;
        return -1;
    }
    return grow(b, b->len + extra);
}

int kk_buf_put(struct kk_buf *b, const void *p, size_t n)
{
    if (kk_buf_reserve(b, n) != 0)
        return -1;
    if (n != 0) {
        memcpy(b->data + b->len, p, n);
        b->len += n;
    }
    return 0;
}

int kk_buf_put_u8(struct kk_buf *b, uint8_t v)
{
    return kk_buf_put(b, &v, 1);
}

int kk_buf_put_u32(struct kk_buf *b, uint32_t v)
{
    uint8_t p[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
    return kk_buf_put(b, p, sizeof p);
}

int kk_buf_put_string(struct kk_buf *b, const void *p, size_t n)
{
    if (n > UINT32_MAX) {
        b->failed = 1;
        return -1;
    }
    /* Reserving both parts first keeps a refused string from leaving
     * its length behind. */
    if (n > SIZE_MAX - 4) {
        b->failed = 1;
        return -1;
    }
    if (kk_buf_reserve(b, 4 + n) != 0)
        return -1;
    kk_buf_put_u32(b, (uint32_t)n);
    return kk_buf_put(b, p, n);
}

int kk_buf_put_cstring(struct kk_buf *b, const char *s)
{
    return kk_buf_put_string(b, s, s != NULL ? strlen(s) : 0);
}

int kk_buf_put_mpint(struct kk_buf *b, const uint8_t *mag, size_t n)
{
    while (n > 0 && mag[0] == 0) {
        mag++;
        n--;
    }
    if (n == 0)
        return kk_buf_put_u32(b, 0);
    size_t pad = (mag[0] & 0x80) ? 1 : 0;
    if (n > UINT32_MAX - pad || n > SIZE_MAX - 4 - pad) {
        b->failed = 1;
        return -1;
    }
    if (kk_buf_reserve(b, 4 + pad + n) != 0)
        return -1;
    kk_buf_put_u32(b, (uint32_t)(n + pad));
    if (pad)
        kk_buf_put_u8(b, 0);
    return kk_buf_put(b, mag, n);
}

int kk_buf_terminate(struct kk_buf *b)
{
    if (b->failed)
        return -1;
    if (b->len == SIZE_MAX || b->len > b->max) {
        b->failed = 1;
        return -1;
    }
    if (grow(b, b->len + 1) != 0)
        return -1;
    b->data[b->len] = '\0';
    return 0;
}
