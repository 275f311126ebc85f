/* Unit tests for core/pass.c: lazy fetch, caching, wiping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "core/pass.h"

struct source {
    int calls;
    int rc;
    const char *give;
    size_t give_len;      /* may claim more than KK_PASS_MAX */
    char prompt[128];
};

static int fetch(void *ctx, const char *prompt, char *buf, size_t *len, struct kk_error *err)
{
    struct source *s = ctx;
    s->calls++;
    snprintf(s->prompt, sizeof s->prompt, "%s", prompt);
    if (s->rc != KK_OK)
        return kk_fail(err, s->rc, "cannot read the passphrase");
    size_t n = strlen(s->give);
    memcpy(buf, s->give, n);
    *len = s->give_len ? s->give_len : n;
    return KK_OK;
}

static int all_zero(const void *p, size_t n)
{
    const unsigned char *c = p;
    for (size_t i = 0; i < n; i++)
        if (c[i] != 0)
            return 0;
    return 1;
}

static void test_no_source(void **state)
{
    (void)state;
    struct kk_pass p;
    struct kk_error err;
    const char *text = "x";
    size_t len = 9;
    kk_pass_init(&p);
    assert_int_equal(kk_pass_get(&p, &text, &len, &err), KK_ERR_NEED_PASS);
    assert_null(text);
    assert_int_equal(len, 0);
    assert_non_null(strstr(err.hint, "--passin"));
    assert_int_equal(kk_pass_get(NULL, &text, &len, &err), KK_ERR_NEED_PASS);
}

static void test_fixed(void **state)
{
    (void)state;
    struct kk_pass p;
    struct kk_error err;
    const char *text;
    size_t len;
    kk_pass_init(&p);
    kk_pass_set(&p, "hunter2", 7);
    assert_int_equal(kk_pass_get(&p, &text, &len, &err), KK_OK);
    assert_int_equal(len, 7);
    assert_string_equal(text, "hunter2");
    /* Binary-safe length, NUL-terminated copy. */
    kk_pass_set(&p, "a\0b", 3);
    assert_int_equal(kk_pass_get(&p, &text, &len, &err), KK_OK);
    assert_int_equal(len, 3);
    assert_memory_equal(text, "a\0b", 4);
    /* The empty passphrase is a passphrase. */
    kk_pass_set(&p, "", 0);
    assert_int_equal(kk_pass_get(&p, &text, &len, &err), KK_OK);
    assert_int_equal(len, 0);
    assert_string_equal(text, "");
    kk_pass_set(&p, NULL, 0);
    assert_int_equal(kk_pass_get(&p, &text, &len, &err), KK_OK);
    assert_int_equal(len, 0);
    assert_string_equal(text, "");
    kk_pass_wipe(&p);
    assert_true(all_zero(p.text, sizeof p.text));
    assert_int_equal(p.have, 0);
}

static void test_fixed_too_long(void **state)
{
    (void)state;
    static char big[KK_PASS_MAX + 100];
    memset(big, 'p', sizeof big);
    struct kk_pass p;
    struct kk_error err;
    const char *text;
    size_t len;
    kk_pass_init(&p);
    kk_pass_set(&p, big, sizeof big);
    assert_int_equal(kk_pass_get(&p, &text, &len, &err), KK_OK);
    assert_int_equal(len, KK_PASS_MAX);
    assert_int_equal(strlen(text), KK_PASS_MAX);
    kk_pass_wipe(&p);
}

static void test_fetch_once_and_cache(void **state)
{
    (void)state;
    struct source s = {.give = "from the prompt"};
    struct kk_pass p;
    struct kk_error err;
    const char *text;
    size_t len;
    kk_pass_init(&p);
    p.fetch = fetch;
    p.ctx = &s;
    assert_int_equal(s.calls, 0);
    assert_int_equal(kk_pass_get(&p, &text, &len, &err), KK_OK);
    assert_string_equal(text, "from the prompt");
    assert_int_equal(len, 15);
    assert_string_equal(s.prompt, "Enter passphrase: ");
    assert_int_equal(kk_pass_get(&p, &text, &len, &err), KK_OK);
    assert_string_equal(text, "from the prompt");
    assert_int_equal(s.calls, 1);

    /* After a wipe the source is asked again, with the caller's prompt. */
    kk_pass_wipe(&p);
    assert_true(all_zero(p.text, sizeof p.text));
    p.prompt = "Enter passphrase for id_rsa: ";
    assert_int_equal(kk_pass_get(&p, &text, &len, &err), KK_OK);
    assert_int_equal(s.calls, 2);
    assert_string_equal(s.prompt, "Enter passphrase for id_rsa: ");
    kk_pass_wipe(&p);
}

static void test_fetch_fails(void **state)
{
    (void)state;
    struct source s = {.rc = KK_ERR_IO, .give = ""};
    struct kk_pass p;
    struct kk_error err;
    const char *text;
    size_t len;
    kk_pass_init(&p);
    p.fetch = fetch;
    p.ctx = &s;
    assert_int_equal(kk_pass_get(&p, &text, &len, &err), KK_ERR_IO);
    assert_string_equal(err.msg, "cannot read the passphrase");
    assert_null(text);
    /* Not asked twice: a failed prompt is not repeated per decoder. */
    assert_int_equal(kk_pass_get(&p, &text, &len, &err), KK_ERR_NEED_PASS);
    assert_int_equal(s.calls, 1);
    assert_null(text);
    assert_true(all_zero(p.text, sizeof p.text));
}

static void test_fetch_overlong_length(void **state)
{
    (void)state;
    struct source s = {.give = "abc", .give_len = KK_PASS_MAX + 50};
    struct kk_pass p;
    struct kk_error err;
    const char *text;
    size_t len;
    kk_pass_init(&p);
    p.fetch = fetch;
    p.ctx = &s;
    assert_int_equal(kk_pass_get(&p, &text, &len, &err), KK_OK);
    assert_int_equal(len, KK_PASS_MAX);
    assert_int_equal(text[KK_PASS_MAX], '\0');
    kk_pass_wipe(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_source),
        cmocka_unit_test(test_fixed),
        cmocka_unit_test(test_fixed_too_long),
        cmocka_unit_test(test_fetch_once_and_cache),
        cmocka_unit_test(test_fetch_fails),
        cmocka_unit_test(test_fetch_overlong_length),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
