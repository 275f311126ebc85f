/* Unit tests for core/buf.c: the bounded reader and the wiping writer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "core/buf.h"

static void test_reader_basics(void **state)
{
    (void)state;
    const uint8_t d[] = {0x7f, 0x01, 0x02, 0x03, 0x04, 0x01, 0x02, 0x03, 0x04,
                         0x05, 0x06, 0x07, 0x08, 0x00, 0x00, 0x00, 0x02, 'h', 'i', 0xaa};
    struct kk_reader r;
    kk_reader_init(&r, d, sizeof d);
    assert_true(kk_reader_ok(&r));
    assert_int_equal(kk_reader_left(&r), sizeof d);
    assert_int_equal(kk_get_u8(&r), 0x7f);
    assert_int_equal(kk_get_u32(&r), 0x01020304u);
    assert_true(kk_get_u64(&r) == 0x0102030405060708ull);
    struct kk_span s = kk_get_string(&r);
    assert_int_equal(s.len, 2);
    assert_memory_equal(s.ptr, "hi", 2);
    assert_false(kk_reader_done(&r));
    const uint8_t *p = kk_get_bytes(&r, 1);
    assert_non_null(p);
    assert_int_equal(*p, 0xaa);
    assert_true(kk_reader_done(&r));
    /* Zero bytes at the end is fine and yields a usable pointer. */
    assert_non_null(kk_get_bytes(&r, 0));
    assert_true(kk_reader_done(&r));
    /* One more is not. */
    assert_int_equal(kk_get_u8(&r), 0);
    assert_false(kk_reader_ok(&r));
    assert_false(kk_reader_done(&r));

    /* An empty reader over NULL. */
    kk_reader_init(&r, NULL, 0);
    assert_true(kk_reader_done(&r));
    s = kk_get_string(&r);
    assert_null(s.ptr);
    assert_false(kk_reader_ok(&r));
}

static void test_reader_sticky(void **state)
{
    (void)state;
    const uint8_t d[] = {1, 2, 3, 4, 5, 6, 7, 8};
    struct kk_reader r;
    kk_reader_init(&r, d, sizeof d);
    assert_null(kk_get_bytes(&r, 9));
    assert_false(kk_reader_ok(&r));
    /* Bytes are there, but the reader has failed: every getter is empty. */
    assert_int_equal(kk_get_u8(&r), 0);
    assert_int_equal(kk_get_u32(&r), 0);
    assert_true(kk_get_u64(&r) == 0);
    assert_null(kk_get_bytes(&r, 1));
    assert_null(kk_get_bytes(&r, 0));
    struct kk_span s = kk_get_string(&r);
    assert_null(s.ptr);
    assert_int_equal(s.len, 0);
    assert_int_equal(kk_reader_left(&r), 0);
    assert_false(kk_reader_done(&r));

    kk_reader_init(&r, d, sizeof d);
    kk_get_u8(&r);
    kk_reader_fail(&r);
    assert_false(kk_reader_ok(&r));
    assert_int_equal(kk_get_u8(&r), 0);
    assert_int_equal(kk_reader_left(&r), 0);
}

static void test_string_huge_length(void **state)
{
    (void)state;
    const uint8_t d[] = {0xff, 0xff, 0xff, 0xff, 'a', 'b', 'c'};
    struct kk_reader r;
    kk_reader_init(&r, d, sizeof d);
    struct kk_span s = kk_get_string(&r);
    assert_null(s.ptr);
    assert_int_equal(s.len, 0);
    assert_false(kk_reader_ok(&r));

    /* Bounds as len - pos < n: no overflow with a huge n. */
    kk_reader_init(&r, d, sizeof d);
    kk_get_u8(&r);
    assert_null(kk_get_bytes(&r, SIZE_MAX));
    assert_false(kk_reader_ok(&r));
    kk_reader_init(&r, d, sizeof d);
    kk_get_bytes(&r, 3);
    assert_null(kk_get_bytes(&r, SIZE_MAX - 1));
    assert_false(kk_reader_ok(&r));
}

/* A structure like a public key blob: string, mpint, mpint, u32, u64, u8. */
static int parse_struct(const uint8_t *d, size_t n)
{
    struct kk_reader r;
    kk_reader_init(&r, d, n);
    struct kk_span name = kk_get_string(&r);
    struct kk_span e = kk_get_mpint(&r);
    struct kk_span m = kk_get_mpint(&r);
    uint32_t a = kk_get_u32(&r);
    uint64_t b = kk_get_u64(&r);
    uint8_t c = kk_get_u8(&r);
    if (!kk_reader_done(&r))
        return 0;
    assert_int_equal(name.len, 7);
    assert_memory_equal(name.ptr, "ssh-rsa", 7);
    assert_int_equal(e.len, 3);
    assert_int_equal(m.len, 33);
    assert_int_equal(m.ptr[0], 0x80);
    assert_int_equal(a, 0xdeadbeefu);
    assert_true(b == 0x1122334455667788ull);
    assert_int_equal(c, 9);
    return 1;
}

static void test_truncation_every_offset(void **state)
{
    (void)state;
    struct kk_buf b;
    uint8_t e[] = {0x01, 0x00, 0x01};
    uint8_t m[33];
    memset(m, 0x5a, sizeof m);
    m[0] = 0x80;
    kk_buf_init(&b, 0);
    kk_buf_put_cstring(&b, "ssh-rsa");
    kk_buf_put_mpint(&b, e, sizeof e);
    kk_buf_put_mpint(&b, m, sizeof m);
    kk_buf_put_u32(&b, 0xdeadbeefu);
    kk_buf_put_u32(&b, 0x11223344u);
    kk_buf_put_u32(&b, 0x55667788u);
    kk_buf_put_u8(&b, 9);
    assert_true(kk_buf_ok(&b));
    assert_int_equal(b.len, 11 + 7 + 38 + 4 + 8 + 1);
    assert_true(parse_struct(b.data, b.len));
    for (size_t cut = 0; cut < b.len; cut++) {
        /* A private copy of exactly cut bytes, so ASan sees any overread. */
        uint8_t *t = malloc(cut ? cut : 1);
        assert_non_null(t);
        memcpy(t, b.data, cut);
        assert_false(parse_struct(t, cut));
        free(t);
    }
    /* One trailing byte: not done. */
    kk_buf_put_u8(&b, 0);
    assert_false(parse_struct(b.data, b.len));
    kk_buf_free(&b);
}

static struct kk_span mpint_of(const uint8_t *d, size_t n, int *ok)
{
    struct kk_reader r;
    kk_reader_init(&r, d, n);
    struct kk_span s = kk_get_mpint(&r);
    *ok = kk_reader_done(&r);
    return s;
}

static void test_get_mpint(void **state)
{
    (void)state;
    int ok;
    struct kk_span s;

    const uint8_t zero[] = {0, 0, 0, 0};
    s = mpint_of(zero, sizeof zero, &ok);
    assert_true(ok);
    assert_int_equal(s.len, 0);
    assert_non_null(s.ptr);

    const uint8_t small[] = {0, 0, 0, 1, 0x7f};
    s = mpint_of(small, sizeof small, &ok);
    assert_true(ok);
    assert_int_equal(s.len, 1);
    assert_int_equal(s.ptr[0], 0x7f);

    const uint8_t padded[] = {0, 0, 0, 2, 0x00, 0x80};
    s = mpint_of(padded, sizeof padded, &ok);
    assert_true(ok);
    assert_int_equal(s.len, 1);
    assert_int_equal(s.ptr[0], 0x80);

    const uint8_t neg[] = {0, 0, 0, 1, 0x80};
    s = mpint_of(neg, sizeof neg, &ok);
    assert_false(ok);
    assert_null(s.ptr);

    const uint8_t neg2[] = {0, 0, 0, 2, 0xff, 0x01};
    mpint_of(neg2, sizeof neg2, &ok);
    assert_false(ok);

    const uint8_t lone_zero[] = {0, 0, 0, 1, 0x00};
    mpint_of(lone_zero, sizeof lone_zero, &ok);
    assert_false(ok);

    const uint8_t needless[] = {0, 0, 0, 2, 0x00, 0x7f};
    mpint_of(needless, sizeof needless, &ok);
    assert_false(ok);

    const uint8_t two_zeros[] = {0, 0, 0, 3, 0x00, 0x00, 0x80};
    mpint_of(two_zeros, sizeof two_zeros, &ok);
    assert_false(ok);

    const uint8_t short_mp[] = {0, 0, 0, 3, 0x01, 0x02};
    mpint_of(short_mp, sizeof short_mp, &ok);
    assert_false(ok);
}

static void test_put_mpint(void **state)
{
    (void)state;
    struct kk_buf b;
    kk_buf_init(&b, 0);

    const uint8_t z[] = {0, 0, 0};
    assert_int_equal(kk_buf_put_mpint(&b, z, sizeof z), 0);
    assert_int_equal(kk_buf_put_mpint(&b, NULL, 0), 0);
    const uint8_t want0[] = {0, 0, 0, 0, 0, 0, 0, 0};
    assert_int_equal(b.len, sizeof want0);
    assert_memory_equal(b.data, want0, sizeof want0);

    kk_buf_reset(&b);
    const uint8_t hi[] = {0, 0, 0x80, 0x01};
    kk_buf_put_mpint(&b, hi, sizeof hi);
    const uint8_t want_hi[] = {0, 0, 0, 3, 0x00, 0x80, 0x01};
    assert_int_equal(b.len, sizeof want_hi);
    assert_memory_equal(b.data, want_hi, sizeof want_hi);

    kk_buf_reset(&b);
    const uint8_t lo[] = {0x00, 0x7f, 0xff};
    kk_buf_put_mpint(&b, lo, sizeof lo);
    const uint8_t want_lo[] = {0, 0, 0, 2, 0x7f, 0xff};
    assert_int_equal(b.len, sizeof want_lo);
    assert_memory_equal(b.data, want_lo, sizeof want_lo);

    /* Round trips for every one- and two-byte magnitude. */
    for (unsigned v = 0; v < 65536; v++) {
        uint8_t mag[2] = {(uint8_t)(v >> 8), (uint8_t)v};
        kk_buf_reset(&b);
        assert_int_equal(kk_buf_put_mpint(&b, mag, 2), 0);
        int ok;
        struct kk_span s = mpint_of(b.data, b.len, &ok);
        assert_true(ok);
        unsigned got = 0;
        for (size_t i = 0; i < s.len; i++)
            got = got << 8 | s.ptr[i];
        assert_int_equal(got, v);
        assert_true(s.len == 0 || s.ptr[0] != 0);
    }
    kk_buf_free(&b);
}

static void test_writer_basics(void **state)
{
    (void)state;
    struct kk_buf b;
    kk_buf_init(&b, 0);
    assert_int_equal(b.max, KK_BUF_DEFAULT_MAX);
    assert_true(kk_buf_ok(&b));
    assert_int_equal(kk_buf_put_u8(&b, 0xab), 0);
    assert_int_equal(kk_buf_put_u32(&b, 0x01020304u), 0);
    assert_int_equal(kk_buf_put_string(&b, "xyz", 3), 0);
    assert_int_equal(kk_buf_put_cstring(&b, ""), 0);
    assert_int_equal(kk_buf_put(&b, NULL, 0), 0);
    const uint8_t want[] = {0xab, 1, 2, 3, 4, 0, 0, 0, 3, 'x', 'y', 'z', 0, 0, 0, 0};
    assert_int_equal(b.len, sizeof want);
    assert_memory_equal(b.data, want, sizeof want);

    /* Growth keeps the contents. */
    uint8_t big[5000];
    for (size_t i = 0; i < sizeof big; i++)
        big[i] = (uint8_t)(i * 7);
    assert_int_equal(kk_buf_put(&b, big, sizeof big), 0);
    assert_memory_equal(b.data, want, sizeof want);
    assert_memory_equal(b.data + sizeof want, big, sizeof big);
    assert_true(b.cap >= b.len);

    /* Terminate: NUL after the data, not counted. */
    size_t len = b.len;
    assert_int_equal(kk_buf_terminate(&b), 0);
    assert_int_equal(b.len, len);
    assert_int_equal(b.data[len], 0);

    kk_buf_free(&b);
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    /* Reusable after init. */
    kk_buf_init(&b, 16);
    assert_int_equal(kk_buf_terminate(&b), 0);
    assert_string_equal((char *)b.data, "");
    kk_buf_free(&b);
    kk_buf_free(&b);   /* twice is harmless */
}

static void test_writer_cap(void **state)
{
    (void)state;
    struct kk_buf b;
    kk_buf_init(&b, 10);
    assert_int_equal(kk_buf_put(&b, "12345678", 8), 0);
    assert_int_equal(kk_buf_put(&b, "abc", 3), -1);
    assert_false(kk_buf_ok(&b));
    assert_int_equal(b.len, 8);
    /* Sticky: even what would fit is refused now. */
    assert_int_equal(kk_buf_put_u8(&b, 1), -1);
    assert_int_equal(kk_buf_terminate(&b), -1);
    assert_int_equal(b.len, 8);
    assert_memory_equal(b.data, "12345678", 8);
    /* Reset clears the contents and the failure. */
    kk_buf_reset(&b);
    assert_true(kk_buf_ok(&b));
    assert_int_equal(b.len, 0);
    kk_buf_free(&b);

    /* Exactly max fits, and may still be terminated. */
    kk_buf_init(&b, 10);
    assert_int_equal(kk_buf_put(&b, "0123456789", 10), 0);
    assert_int_equal(kk_buf_terminate(&b), 0);
    assert_string_equal((char *)b.data, "0123456789");
    assert_true(b.cap <= 11);
    assert_int_equal(kk_buf_put_u8(&b, 0), -1);
    kk_buf_free(&b);

    /* A string whose length does not fit leaves nothing behind. */
    kk_buf_init(&b, 10);
    kk_buf_put_u8(&b, 7);
    assert_int_equal(kk_buf_put_string(&b, "abcdefgh", 8), -1);
    assert_int_equal(b.len, 1);
    kk_buf_free(&b);

    /* Size arithmetic does not wrap. */
    kk_buf_init(&b, 0);
    kk_buf_put_u8(&b, 1);
    assert_int_equal(kk_buf_reserve(&b, SIZE_MAX), -1);
    assert_false(kk_buf_ok(&b));
    kk_buf_free(&b);
    kk_buf_init(&b, 0);
    kk_buf_put_u8(&b, 1);
    assert_int_equal(kk_buf_put(&b, "x", SIZE_MAX - 0), -1);
    kk_buf_free(&b);
    kk_buf_init(&b, 0);
    assert_int_equal(kk_buf_put_string(&b, "x", (size_t)UINT32_MAX + 1), -1);
    assert_int_equal(b.len, 0);
    kk_buf_free(&b);
    kk_buf_init(&b, 0);
    assert_int_equal(kk_buf_reserve(&b, KK_BUF_DEFAULT_MAX + 1), -1);
    kk_buf_free(&b);
}

static void test_wipe_on_reset(void **state)
{
    (void)state;
    struct kk_buf b;
    static const char secret[] = "correct horse battery staple";
    kk_buf_init(&b, 0);
    /* Force several growths: each copies into a new block. */
    for (int i = 0; i < 200; i++)
        assert_int_equal(kk_buf_put(&b, secret, sizeof secret - 1), 0);
    assert_int_equal(kk_buf_terminate(&b), 0);
    assert_non_null(strstr((char *)b.data, secret));
    uint8_t *data = b.data;
    size_t cap = b.cap;
    assert_true(cap >= 200 * (sizeof secret - 1));

    kk_buf_reset(&b);
    /* The allocation is kept and every byte of it is zero. */
    assert_ptr_equal(b.data, data);
    assert_int_equal(b.cap, cap);
    assert_int_equal(b.len, 0);
    for (size_t i = 0; i < cap; i++)
        if (data[i] != 0)
            fail_msg("byte %zu not wiped", i);
    kk_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reader_basics),
        cmocka_unit_test(test_reader_sticky),
        cmocka_unit_test(test_string_huge_length),
        cmocka_unit_test(test_truncation_every_offset),
        cmocka_unit_test(test_get_mpint),
        cmocka_unit_test(test_put_mpint),
        cmocka_unit_test(test_writer_basics),
        cmocka_unit_test(test_writer_cap),
        cmocka_unit_test(test_wipe_on_reset),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
