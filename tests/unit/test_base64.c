/* Unit tests for core/base64.c: RFC 4648 vectors and strict decoding. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <openssl/evp.h>
#include "core/base64.h"

static const struct {
    const char *raw, *b64;
} rfc4648[] = {
    {"", ""},
    {"f", "Zg=="},
    {"fo", "Zm8="},
    {"foo", "Zm9v"},
    {"foob", "Zm9vYg=="},
    {"fooba", "Zm9vYmE="},
    {"foobar", "Zm9vYmFy"},
};

static int decode(const char *text, int skip, struct kk_buf *out, struct kk_error *err)
{
    kk_error_clear(err);
    return kk_base64_decode(text, strlen(text), skip, out, err);
}

static void test_rfc4648_vectors(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof rfc4648 / sizeof rfc4648[0]; i++) {
        struct kk_buf b;
        struct kk_error err;
        kk_buf_init(&b, 0);
        assert_int_equal(kk_base64_encode((const uint8_t *)rfc4648[i].raw,
                                          strlen(rfc4648[i].raw), &b), KK_OK);
        assert_int_equal(b.len, strlen(rfc4648[i].b64));
        assert_memory_equal(b.data != NULL ? b.data : (uint8_t *)"", rfc4648[i].b64, b.len);
        kk_buf_reset(&b);
        assert_int_equal(decode(rfc4648[i].b64, 0, &b, &err), KK_OK);
        /* The true length, not EVP_DecodeBlock's count with padding. */
        assert_int_equal(b.len, strlen(rfc4648[i].raw));
        assert_memory_equal(b.data != NULL ? b.data : (uint8_t *)"", rfc4648[i].raw, b.len);
        kk_buf_free(&b);
    }
}

static void test_appends(void **state)
{
    (void)state;
    struct kk_buf b;
    struct kk_error err;
    kk_buf_init(&b, 0);
    kk_buf_put(&b, "xy", 2);
    assert_int_equal(kk_base64_encode((const uint8_t *)"foo", 3, &b), KK_OK);
    assert_int_equal(b.len, 6);
    assert_memory_equal(b.data, "xyZm9v", 6);
    assert_int_equal(decode("Zm9vYg==", 0, &b, &err), KK_OK);
    assert_int_equal(b.len, 10);
    assert_memory_equal(b.data, "xyZm9vfoob", 10);
    kk_buf_free(&b);
}

/* Lengths around the internal chunk sizes, against OpenSSL's own encoder. */
static void test_round_trip_sizes(void **state)
{
    (void)state;
    static const size_t sizes[] = {0, 1, 2, 3, 4, 5, 63, 64, 65, 3071, 3072, 3073,
                                   4095, 4096, 4097, 6143, 6144, 6145, 9216, 20000};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        size_t n = sizes[k];
        uint8_t *raw = malloc(n + 1);
        unsigned char *ref = malloc(4 * (n / 3 + 1) + 1);
        assert_non_null(raw);
        assert_non_null(ref);
        for (size_t i = 0; i < n; i++)
            raw[i] = (uint8_t)(i * 131 + k);
        int rn = EVP_EncodeBlock(ref, raw, (int)n);
        struct kk_buf t, d;
        struct kk_error err;
        kk_buf_init(&t, 0);
        kk_buf_init(&d, 0);
        assert_int_equal(kk_base64_encode(raw, n, &t), KK_OK);
        assert_int_equal(t.len, (size_t)rn);
        if (n > 0)
            assert_memory_equal(t.data, ref, t.len);
        kk_error_clear(&err);
        assert_int_equal(kk_base64_decode((const char *)t.data, t.len, 0, &d, &err), KK_OK);
        assert_int_equal(d.len, n);
        if (n > 0)
            assert_memory_equal(d.data, raw, n);
        kk_buf_free(&t);
        kk_buf_free(&d);
        free(raw);
        free(ref);
    }
}

static void test_whitespace(void **state)
{
    (void)state;
    struct kk_buf b;
    struct kk_error err;
    kk_buf_init(&b, 0);
    assert_int_equal(decode(" Zm9v\nYm\tFy\r\n", 1, &b, &err), KK_OK);
    assert_int_equal(b.len, 6);
    assert_memory_equal(b.data, "foobar", 6);
    kk_buf_reset(&b);
    assert_int_equal(decode("Zm9v\nYmFy", 0, &b, &err), KK_ERR_FORMAT);
    assert_int_equal(err.offset, 4);
    assert_string_equal(err.msg, "invalid base64 character '\\x0A' at byte 4");
    assert_int_equal(b.len, 0);
    /* Whitespace inside padding is still whitespace. */
    assert_int_equal(decode("Zg=\n=", 1, &b, &err), KK_OK);
    assert_int_equal(b.len, 1);
    kk_buf_free(&b);
}

static void test_bad_characters(void **state)
{
    (void)state;
    struct kk_buf b;
    struct kk_error err;
    kk_buf_init(&b, 0);
    assert_int_equal(decode("Zm9v!mFy", 0, &b, &err), KK_ERR_FORMAT);
    assert_int_equal(err.offset, 4);
    assert_string_equal(err.msg, "invalid base64 character '!' at byte 4");

    assert_int_equal(decode("Zm9vY\x01" "Fy", 1, &b, &err), KK_ERR_FORMAT);
    assert_int_equal(err.offset, 5);
    assert_string_equal(err.msg, "invalid base64 character '\\x01' at byte 5");

    assert_int_equal(decode("Zm9vYm\xc3\xa9", 1, &b, &err), KK_ERR_FORMAT);
    assert_string_equal(err.msg, "invalid base64 character '\\xC3' at byte 6");

    assert_int_equal(decode("Zm-v", 0, &b, &err), KK_ERR_FORMAT);     /* URL alphabet */
    assert_int_equal(decode("Zm_v", 0, &b, &err), KK_ERR_FORMAT);
    assert_int_equal(decode("Zm9'", 0, &b, &err), KK_ERR_FORMAT);
    assert_string_equal(err.msg, "invalid base64 character ''' at byte 3");

    /* An embedded NUL is a byte like any other, not an end. */
    assert_int_equal(kk_base64_decode("Zm9v\0mFy", 8, 0, &b, &err), KK_ERR_FORMAT);
    assert_int_equal(err.offset, 4);
    assert_int_equal(b.len, 0);
    kk_buf_free(&b);
}

static void test_padding(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int code;
        long offset;
    } bad[] = {
        {"Zg=a", KK_ERR_FORMAT, 3},
        {"Z===", KK_ERR_FORMAT, 1},
        {"====", KK_ERR_FORMAT, 0},
        {"=Zg=", KK_ERR_FORMAT, 0},
        {"Zg==Zg==", KK_ERR_FORMAT, 4},
        {"Zm8=Zm9v", KK_ERR_FORMAT, 4},
        {"Zm8==", KK_ERR_FORMAT, 4},
        {"Zg=", KK_ERR_TRUNCATED, 3},
        {"Zm9", KK_ERR_TRUNCATED, 3},
        {"Zm9vY", KK_ERR_TRUNCATED, 5},
        {"Z", KK_ERR_TRUNCATED, 1},
        /* Bits the padding leaves over must be zero. */
        {"Zh==", KK_ERR_FORMAT, 1},
        {"Zm9=", KK_ERR_FORMAT, 2},
    };
    struct kk_buf b;
    struct kk_error err;
    kk_buf_init(&b, 0);
    kk_buf_put(&b, "keep", 4);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int rc = decode(bad[i].text, 0, &b, &err);
        if (rc != bad[i].code || err.offset != bad[i].offset)
            fail_msg("%s: rc %d offset %ld (%s)", bad[i].text, rc, err.offset, err.msg);
        /* Nothing appended on failure. */
        assert_int_equal(b.len, 4);
    }
    assert_int_equal(decode("Zg=a", 0, &b, &err), KK_ERR_FORMAT);
    assert_string_equal(err.msg, "base64 continues after padding at byte 3");
    assert_int_equal(decode("Zm9vY", 0, &b, &err), KK_ERR_TRUNCATED);
    assert_string_equal(err.msg, "base64 is truncated");
    kk_buf_free(&b);
}

/* A failure late in a long input removes the part already appended. */
static void test_rollback_after_chunks(void **state)
{
    (void)state;
    size_t n = 20000;
    char *t = malloc(n + 1);
    assert_non_null(t);
    memset(t, 'A', n);
    t[n - 2] = '*';
    t[n] = '\0';
    struct kk_buf b;
    struct kk_error err;
    kk_buf_init(&b, 0);
    assert_int_equal(kk_base64_decode(t, n, 0, &b, &err), KK_ERR_FORMAT);
    assert_int_equal(err.offset, (long)(n - 2));
    assert_int_equal(b.len, 0);
    free(t);
    kk_buf_free(&b);
}

static void test_output_cap(void **state)
{
    (void)state;
    struct kk_buf b;
    struct kk_error err;
    kk_buf_init(&b, 5);
    assert_int_equal(decode("Zm9vYmFy", 0, &b, &err), KK_ERR_TOO_BIG);
    assert_int_equal(b.len, 0);
    kk_buf_free(&b);
    kk_buf_init(&b, 6);
    assert_int_equal(decode("Zm9vYmFy", 0, &b, &err), KK_OK);
    kk_buf_free(&b);
    kk_buf_init(&b, 7);
    assert_int_not_equal(kk_base64_encode((const uint8_t *)"foobar", 6, &b), KK_OK);
    kk_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc4648_vectors),
        cmocka_unit_test(test_appends),
        cmocka_unit_test(test_round_trip_sizes),
        cmocka_unit_test(test_whitespace),
        cmocka_unit_test(test_bad_characters),
        cmocka_unit_test(test_padding),
        cmocka_unit_test(test_rollback_after_chunks),
        cmocka_unit_test(test_output_cap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
