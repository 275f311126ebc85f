/* Unit tests for tools/json.c: layout, string escaping, misuse detection.
 * The writer belongs to the tools, not to keykit_core, so its source is
 * compiled in here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "tools/json.c"

/* The buffer as a C string (the writer adds no NUL of its own). */
static const char *text(struct kk_buf *b)
{
    assert_int_equal(kk_buf_terminate(b), 0);
    return (const char *)b->data;
}

/* A string value written alone, as the document. */
static void check_string(const char *in, size_t n, const char *want)
{
    struct kk_buf b;
    struct kk_json j;

    kk_buf_init(&b, 0);
    kk_json_init(&j, &b, 0);
    kk_json_string_n(&j, in, n);
    assert_int_equal(kk_json_finish(&j), 0);
    assert_string_equal(text(&b), want);
    kk_buf_free(&b);
}

static void test_compact(void **state)
{
    struct kk_buf b;
    struct kk_json j;

    (void)state;
    kk_buf_init(&b, 0);
    kk_json_init(&j, &b, 0);
    kk_json_begin_object(&j);
    kk_json_key(&j, "a");
    kk_json_int(&j, 1);
    kk_json_key(&j, "b");
    kk_json_begin_array(&j);
    kk_json_string(&j, "x");
    kk_json_null(&j);
    kk_json_bool(&j, 1);
    kk_json_bool(&j, 0);
    kk_json_int(&j, -9223372036854775807LL - 1);
    kk_json_end_array(&j);
    kk_json_key(&j, "c");
    kk_json_string(&j, NULL);
    kk_json_key(&j, "d");
    kk_json_begin_object(&j);
    kk_json_end_object(&j);
    kk_json_key(&j, "e");
    kk_json_begin_array(&j);
    kk_json_end_array(&j);
    kk_json_end_object(&j);
    assert_int_equal(kk_json_finish(&j), 0);
    assert_string_equal(text(&b), "{\"a\": 1, \"b\": [\"x\", null, true, false, "
                                  "-9223372036854775808], \"c\": null, \"d\": {}, "
                                  "\"e\": []}\n");
    kk_buf_free(&b);
}

static void test_pretty(void **state)
{
    struct kk_buf b;
    struct kk_json j;

    (void)state;
    kk_buf_init(&b, 0);
    kk_json_init(&j, &b, 2);
    kk_json_begin_object(&j);
    kk_json_key(&j, "version");
    kk_json_int(&j, 1);
    kk_json_key(&j, "files");
    kk_json_begin_array(&j);
    for (int i = 0; i < 2; i++) {
        kk_json_begin_object(&j);
        kk_json_key(&j, "n");
        kk_json_int(&j, i);
        kk_json_key(&j, "out");
        kk_json_begin_array(&j);
        kk_json_string(&j, "p");
        kk_json_string(&j, "q");
        kk_json_end_array(&j);
        kk_json_end_object(&j);
    }
    kk_json_end_array(&j);
    kk_json_key(&j, "none");
    kk_json_begin_array(&j);
    kk_json_end_array(&j);
    kk_json_end_object(&j);
    assert_int_equal(kk_json_finish(&j), 0);
    assert_string_equal(text(&b),
                        "{\n"
                        "  \"version\": 1,\n"
                        "  \"files\": [\n"
                        "    {\"n\": 0, \"out\": [\"p\", \"q\"]},\n"
                        "    {\"n\": 1, \"out\": [\"p\", \"q\"]}\n"
                        "  ],\n"
                        "  \"none\": []\n"
                        "}\n");
    kk_buf_free(&b);
}

static void test_escape_ascii(void **state)
{
    (void)state;
    check_string("plain", 5, "\"plain\"\n");
    check_string("", 0, "\"\"\n");
    check_string("a\"b\\c/d", 7, "\"a\\\"b\\\\c/d\"\n");
    check_string("\n\t\r\b\f", 5, "\"\\u000A\\u0009\\u000D\\u0008\\u000C\"\n");
    check_string("\x01\x1f\x7f", 3, "\"\\u0001\\u001F\\u007F\"\n");
    check_string("a\0b", 3, "\"a\\u0000b\"\n");
}

static void test_escape_utf8(void **state)
{
    (void)state;
    /* Valid UTF-8 is kept: 2, 3 and 4 byte forms, the edges of the range. */
    check_string("\xc3\xbc", 2, "\"\xc3\xbc\"\n");
    check_string("\xe2\x82\xac", 3, "\"\xe2\x82\xac\"\n");
    check_string("\xf0\x9f\x98\x80", 4, "\"\xf0\x9f\x98\x80\"\n");
    check_string("\xf4\x8f\xbf\xbf", 4, "\"\xf4\x8f\xbf\xbf\"\n");
    check_string("\xc2\xa0", 2, "\"\xc2\xa0\"\n");
    /* C1 controls are valid UTF-8 but move terminals: escaped. */
    check_string("\xc2\x85\xc2\x9f", 4, "\"\\u0085\\u009F\"\n");
}

static void test_escape_invalid(void **state)
{
    (void)state;
    check_string("a\xff" "b", 3, "\"a\\\\xFFb\"\n");
    /* continuation byte alone, overlong, surrogate, past U+10FFFF */
    check_string("\x80", 1, "\"\\\\x80\"\n");
    check_string("\xc0\x80", 2, "\"\\\\xC0\\\\x80\"\n");
    check_string("\xe0\x80\x80", 3, "\"\\\\xE0\\\\x80\\\\x80\"\n");
    check_string("\xed\xa0\x80", 3, "\"\\\\xED\\\\xA0\\\\x80\"\n");
    check_string("\xf4\x90\x80\x80", 4, "\"\\\\xF4\\\\x90\\\\x80\\\\x80\"\n");
    check_string("\xf5\x80", 2, "\"\\\\xF5\\\\x80\"\n");
    /* a sequence cut short, at the end and before an ASCII byte */
    check_string("\xe2\x82", 2, "\"\\\\xE2\\\\x82\"\n");
    check_string("\xe2\x82z", 3, "\"\\\\xE2\\\\x82z\"\n");
    /* valid after invalid is kept */
    check_string("\xff\xc3\xbc", 3, "\"\\\\xFF\xc3\xbc\"\n");
}

static void test_keys_escaped(void **state)
{
    struct kk_buf b;
    struct kk_json j;

    (void)state;
    kk_buf_init(&b, 0);
    kk_json_init(&j, &b, 0);
    kk_json_begin_object(&j);
    kk_json_key(&j, "k\"\n");
    kk_json_int(&j, 0);
    kk_json_end_object(&j);
    assert_int_equal(kk_json_finish(&j), 0);
    assert_string_equal(text(&b), "{\"k\\\"\\u000A\": 0}\n");
    kk_buf_free(&b);
}

/* Each misuse leaves the writer failed, whatever follows. */
static void test_misuse(void **state)
{
    struct kk_buf b;
    struct kk_json j;

    (void)state;
    for (int k = 0; k < 9; k++) {
        kk_buf_init(&b, 0);
        kk_json_init(&j, &b, 1);
        switch (k) {
        case 0:     /* a value where a key is due */
            kk_json_begin_object(&j);
            kk_json_int(&j, 1);
            kk_json_end_object(&j);
            break;
        case 1:     /* a key in an array */
            kk_json_begin_array(&j);
            kk_json_key(&j, "a");
            kk_json_int(&j, 1);
            kk_json_end_array(&j);
            break;
        case 2:     /* two keys in a row */
            kk_json_begin_object(&j);
            kk_json_key(&j, "a");
            kk_json_key(&j, "b");
            kk_json_int(&j, 1);
            kk_json_end_object(&j);
            break;
        case 3:     /* an object closed before its value */
            kk_json_begin_object(&j);
            kk_json_key(&j, "a");
            kk_json_end_object(&j);
            break;
        case 4:     /* closed with the wrong bracket */
            kk_json_begin_object(&j);
            kk_json_end_array(&j);
            break;
        case 5:     /* left open */
            kk_json_begin_array(&j);
            kk_json_int(&j, 1);
            break;
        case 6:     /* two documents */
            kk_json_int(&j, 1);
            kk_json_int(&j, 2);
            break;
        case 7:     /* nothing at all */
            break;
        case 8:     /* too deep */
            for (int d = 0; d <= KK_JSON_MAX_DEPTH; d++)
                kk_json_begin_array(&j);
            for (int d = 0; d <= KK_JSON_MAX_DEPTH; d++)
                kk_json_end_array(&j);
            break;
        }
        assert_int_equal(kk_json_finish(&j), -1);
        kk_buf_free(&b);
    }
    /* a key at the top level */
    kk_buf_init(&b, 0);
    kk_json_init(&j, &b, 0);
    kk_json_key(&j, "a");
    assert_int_equal(kk_json_finish(&j), -1);
    kk_buf_free(&b);
}

static void test_depth_limit_ok(void **state)
{
    struct kk_buf b;
    struct kk_json j;

    (void)state;
    kk_buf_init(&b, 0);
    kk_json_init(&j, &b, 0);
    for (int d = 0; d < KK_JSON_MAX_DEPTH; d++)
        kk_json_begin_array(&j);
    for (int d = 0; d < KK_JSON_MAX_DEPTH; d++)
        kk_json_end_array(&j);
    assert_int_equal(kk_json_finish(&j), 0);
    assert_int_equal(b.len, 2 * KK_JSON_MAX_DEPTH + 1);
    kk_buf_free(&b);
}

/* A buffer that cannot grow fails the document instead of cutting it. */
static void test_buffer_full(void **state)
{
    struct kk_buf b;
    struct kk_json j;

    (void)state;
    kk_buf_init(&b, 8);
    kk_json_init(&j, &b, 0);
    kk_json_string(&j, "longer than eight bytes");
    assert_int_equal(kk_json_finish(&j), -1);
    kk_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_compact),
        cmocka_unit_test(test_pretty),
        cmocka_unit_test(test_escape_ascii),
        cmocka_unit_test(test_escape_utf8),
        cmocka_unit_test(test_escape_invalid),
        cmocka_unit_test(test_keys_escaped),
        cmocka_unit_test(test_misuse),
        cmocka_unit_test(test_depth_limit_ok),
        cmocka_unit_test(test_buffer_full),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
