/* Unit tests for core/error.c. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "core/error.h"

static void test_strerror_every_code(void **state)
{
    (void)state;
    for (int c = 0; c < KK_ERR__COUNT; c++) {
        const char *t = kk_strerror(c);
        assert_non_null(t);
        printf("  %2d %s\n", c, t);
        assert_string_not_equal(t, "unknown error");
        assert_true(strlen(t) > 0);
        /* Each code says something different. */
        for (int d = 0; d < c; d++)
            assert_string_not_equal(t, kk_strerror(d));
    }
    assert_string_equal(kk_strerror(KK_ERR__COUNT), "unknown error");
    assert_string_equal(kk_strerror(-1), "unknown error");
    assert_string_equal(kk_strerror(1000), "unknown error");
}

static void test_fail_records(void **state)
{
    (void)state;
    struct kk_error err;
    kk_error_clear(&err);
    assert_int_equal(err.code, KK_OK);
    assert_int_equal(err.line, 0);
    assert_int_equal(err.offset, -1);
    assert_string_equal(err.msg, "");

    int rc = kk_fail(&err, KK_ERR_FORMAT, "bad %s at %d", "thing", 7);
    assert_int_equal(rc, KK_ERR_FORMAT);
    assert_int_equal(err.code, KK_ERR_FORMAT);
    assert_string_equal(err.msg, "bad thing at 7");
    assert_string_equal(err.hint, "");
    assert_int_equal(err.sys_errno, 0);
    assert_int_equal(err.line, 0);
    assert_int_equal(err.offset, -1);

    /* No format: the code's text. */
    kk_fail(&err, KK_ERR_NOMEM, NULL);
    assert_string_equal(err.msg, kk_strerror(KK_ERR_NOMEM));

    /* err NULL is allowed and still returns the code. */
    assert_int_equal(kk_fail(NULL, KK_ERR_CAP, "x %d", 1), KK_ERR_CAP);
    errno = EIO;
    assert_int_equal(kk_fail_errno(NULL, KK_ERR_IO, "x"), KK_ERR_IO);
    assert_int_not_equal(kk_hint(NULL, "x"), KK_OK);
    kk_error_at(NULL, 1, 2);
    kk_error_clear(NULL);
}

static void test_fail_clears_previous(void **state)
{
    (void)state;
    struct kk_error err;
    kk_error_clear(&err);
    kk_fail(&err, KK_ERR_TOO_BIG, "first");
    assert_int_equal(kk_hint(&err, "do %s", "this"), KK_ERR_TOO_BIG);
    assert_string_equal(err.hint, "do this");
    kk_error_at(&err, 12, 345);
    errno = ENOENT;
    kk_fail_errno(&err, KK_ERR_IO, "cannot open");
    assert_int_equal(err.line, 0);
    assert_int_equal(err.offset, -1);
    assert_string_equal(err.hint, "");

    kk_fail(&err, KK_ERR_FORMAT, "second");
    assert_int_equal(err.sys_errno, 0);
    assert_int_equal(err.line, 0);
    assert_int_equal(err.offset, -1);
    assert_string_equal(err.hint, "");
    assert_string_equal(err.msg, "second");
}

static void test_fail_errno(void **state)
{
    (void)state;
    struct kk_error err;
    kk_error_clear(&err);
    errno = ENOENT;
    int rc = kk_fail_errno(&err, KK_ERR_IO, "cannot %s", "open");
    assert_int_equal(rc, KK_ERR_IO);
    assert_int_equal(err.sys_errno, ENOENT);
    char want[KK_MSG_MAX];
    snprintf(want, sizeof want, "cannot open: %s", strerror(ENOENT));
    assert_string_equal(err.msg, want);
    assert_int_equal(errno, ENOENT);

    errno = EACCES;
    kk_fail_errno(&err, KK_ERR_IO, NULL);
    snprintf(want, sizeof want, "%s: %s", kk_strerror(KK_ERR_IO), strerror(EACCES));
    assert_string_equal(err.msg, want);
    assert_int_equal(err.sys_errno, EACCES);
}

static void test_long_message_truncated(void **state)
{
    (void)state;
    struct kk_error err;
    char big[1000];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    kk_fail(&err, KK_ERR_FORMAT, "%s", big);
    assert_int_equal(strlen(err.msg), KK_MSG_MAX - 1);
    kk_hint(&err, "%s", big);
    assert_int_equal(strlen(err.hint), KK_MSG_MAX - 1);
    errno = ENOENT;
    kk_fail_errno(&err, KK_ERR_IO, "%s", big);
    assert_int_equal(strlen(err.msg), KK_MSG_MAX - 1);
}

static void test_error_at_keeps_first(void **state)
{
    (void)state;
    struct kk_error err;
    kk_fail(&err, KK_ERR_FORMAT, "x");
    kk_error_at(&err, 3, -1);
    assert_int_equal(err.line, 3);
    assert_int_equal(err.offset, -1);
    kk_error_at(&err, 9, 40);
    assert_int_equal(err.line, 3);         /* kept */
    assert_int_equal(err.offset, 40);      /* first time known */
    kk_error_at(&err, 10, 50);
    assert_int_equal(err.line, 3);
    assert_int_equal(err.offset, 40);
    kk_error_at(&err, 0, -1);
    assert_int_equal(err.line, 3);
}

static void test_line_of(void **state)
{
    (void)state;
    const unsigned char *t = (const unsigned char *)"ab\ncd\n\nef";
    size_t n = strlen((const char *)t);
    assert_int_equal(kk_line_of(t, n, 0), 1);
    assert_int_equal(kk_line_of(t, n, 2), 1);   /* the newline ends line 1 */
    assert_int_equal(kk_line_of(t, n, 3), 2);
    assert_int_equal(kk_line_of(t, n, 5), 2);
    assert_int_equal(kk_line_of(t, n, 6), 3);
    assert_int_equal(kk_line_of(t, n, 7), 4);
    assert_int_equal(kk_line_of(t, n, n), 4);
    /* Offsets past the end are clamped. */
    assert_int_equal(kk_line_of(t, n, n + 100), 4);
    assert_int_equal(kk_line_of(t, n, SIZE_MAX), 4);
    assert_int_equal(kk_line_of(t, 0, 5), 1);
    assert_int_equal(kk_line_of(NULL, 0, 0), 1);

    /* A large input: counts every line. */
    size_t big = 1 << 22;
    unsigned char *b = malloc(big);
    assert_non_null(b);
    memset(b, '\n', big);
    assert_int_equal(kk_line_of(b, big, big), (long)big + 1);
    assert_int_equal(kk_line_of(b, big, 10), 11);
    free(b);
}

static void test_exit_status(void **state)
{
    (void)state;
    for (int c = 0; c < KK_ERR__COUNT; c++) {
        int want = 1;
        if (c == KK_OK)
            want = 0;
        else if (c == KK_ERR_USAGE)
            want = 2;
        else if (c == KK_ERR_IO || c == KK_ERR_EXISTS)
            want = 3;
        assert_int_equal(kk_exit_status(c), want);
    }
    assert_int_equal(kk_exit_status(-5), 1);
    assert_int_equal(kk_exit_status(KK_ERR__COUNT + 3), 1);
}

/* Hostile bytes quoted in messages: control bytes and the backslash as
 * \xNN, quotes and printable ASCII kept, a cut marked with "...". */
static void test_escape(void **state)
{
    char out[16];
    (void)state;
    kk_escape((const unsigned char *)"a\033b\\'", 5, out, sizeof out);
    assert_string_equal(out, "a\\x1Bb\\x5C'");
    kk_escape((const unsigned char *)"0123456789abcde", 15, out, sizeof out);
    assert_string_equal(out, "0123456789abcde");          /* fits exactly */
    kk_escape((const unsigned char *)"0123456789abcdef", 16, out, sizeof out);
    assert_string_equal(out, "0123456789ab...");
    kk_escape((const unsigned char *)"0123456789\001ab", 13, out, sizeof out);
    assert_string_equal(out, "0123456789...");            /* no half \xNN */
    kk_escape((const unsigned char *)"\377", 1, out, 3);
    assert_string_equal(out, "");
    kk_escape((const unsigned char *)"", 0, out, sizeof out);
    assert_string_equal(out, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_strerror_every_code),
        cmocka_unit_test(test_escape),
        cmocka_unit_test(test_fail_records),
        cmocka_unit_test(test_fail_clears_previous),
        cmocka_unit_test(test_fail_errno),
        cmocka_unit_test(test_long_message_truncated),
        cmocka_unit_test(test_error_at_keeps_first),
        cmocka_unit_test(test_line_of),
        cmocka_unit_test(test_exit_status),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
