/* Bounded reader with a sticky error, and a capped growable writer that wipes.
 *
 * Reader: after the first failure every getter returns zero/empty and the
 * caller checks kk_reader_ok() once at the end.  Bounds are checked as
 * `len - pos < n`, which cannot overflow.
 *
 * Writer: grows by allocate-copy-wipe-free (never realloc, so secrets are
 * never left in a freed block), refuses to grow past its cap, and wipes its
 * contents on free. */
#ifndef KK_BUF_H
#define KK_BUF_H

#include <stddef.h>
#include <stdint.h>

struct kk_span {
    const uint8_t *ptr;
    size_t len;
};

struct kk_reader {
    const uint8_t *data;
    size_t len;
    size_t pos;
    int failed;     /* sticky */
};

void kk_reader_init(struct kk_reader *r, const uint8_t *data, size_t len);
int kk_reader_ok(const struct kk_reader *r);          /* 1 if no failure yet */
size_t kk_reader_left(const struct kk_reader *r);     /* 0 after a failure */
int kk_reader_done(const struct kk_reader *r);        /* ok and nothing left */
uint8_t kk_get_u8(struct kk_reader *r);
uint32_t kk_get_u32(struct kk_reader *r);             /* big-endian */
uint64_t kk_get_u64(struct kk_reader *r);
/* n bytes, or NULL (and failed) if fewer remain. */
const uint8_t *kk_get_bytes(struct kk_reader *r, size_t n);
/* SSH string: u32 length then bytes; empty span on failure. */
struct kk_span kk_get_string(struct kk_reader *r);
/* SSH mpint as an unsigned big-endian magnitude, leading zero removed.
 * Fails on negative values and on non-minimal encodings. */
struct kk_span kk_get_mpint(struct kk_reader *r);
/* Marks the reader failed (for semantic errors found by the caller). */
void kk_reader_fail(struct kk_reader *r);

#define KK_BUF_DEFAULT_MAX ((size_t)64 << 20)

struct kk_buf {
    uint8_t *data;
    size_t len;
    size_t cap;
    size_t max;     /* refuses to hold more than this */
    int failed;     /* sticky: an allocation or the cap failed */
};

/* max 0 means KK_BUF_DEFAULT_MAX. */
void kk_buf_init(struct kk_buf *b, size_t max);
/* Wipes and frees the contents; the buffer can be reused after init. */
void kk_buf_free(struct kk_buf *b);
/* Wipes the contents and sets len to 0, keeping the allocation. */
void kk_buf_reset(struct kk_buf *b);
int kk_buf_ok(const struct kk_buf *b);
/* Each put returns 0, or -1 (and marks the buffer failed). */
int kk_buf_reserve(struct kk_buf *b, size_t extra);
int kk_buf_put(struct kk_buf *b, const void *p, size_t n);
int kk_buf_put_u8(struct kk_buf *b, uint8_t v);
int kk_buf_put_u32(struct kk_buf *b, uint32_t v);
int kk_buf_put_string(struct kk_buf *b, const void *p, size_t n);
int kk_buf_put_cstring(struct kk_buf *b, const char *s);
/* SSH mpint from an unsigned big-endian magnitude (leading zeros stripped,
 * a zero byte added when the top bit is set). */
int kk_buf_put_mpint(struct kk_buf *b, const uint8_t *mag, size_t n);
/* Appends a NUL without counting it in len, so data can be used as a C string. */
int kk_buf_terminate(struct kk_buf *b);

#endif
