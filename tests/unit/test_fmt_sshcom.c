/* The ssh.com private key codec: keys puttygen wrote (RSA and DSA, plain and
 * 3des-cbc) decode to the key puttygen itself prints; keykit's unencrypted
 * output is byte-identical to puttygen's; encrypted output reads back and
 * puttygen opens it with the passphrase only; and broken containers
 * (magic, total length, type, cipher, bit counts, padding, truncation,
 * trailing bytes) are refused with their own errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "core/armor.h"
#include "formats/format.h"
#include "priv_fixture.h"

#define LABEL "SSH2 ENCRYPTED PRIVATE KEY"

static char dir[FX_DIR_MAX];

static const char *path(const char *name)
{
    return fx_path(dir, name, "");
}

struct made {
    const char *name, *type;
    int bits;
    int encrypted;
};

static const struct made keys[] = {
    {"rsa", "rsa", 1024, 0},
    {"rsa-enc", "rsa", 2048, 1},
    {"dsa", "dsa", 1024, 0},
    {"dsa-enc", "dsa", 1024, 1},
};
#define NKEYS (sizeof keys / sizeof keys[0])

static int setup(void **state)
{
    (void)state;
    if (!fx_have("puttygen"))
        return 0;
    if (fx_scratch(dir, "sshcom") != 0)
        return -1;
    if (fx_write(path("pw"), "sshcom pw", 9) != 0)
        return -1;
    for (size_t i = 0; i < NKEYS; i++) {
        const struct made *k = &keys[i];
        char pw[300], base[300];
        snprintf(pw, sizeof pw, "%s", path("pw"));
        snprintf(base, sizeof base, "%s", path(k->name));
        if (fx_run("puttygen -q -t %s -b %d -C 'c %s' --new-passphrase /dev/null -o '%s.ppk' "
                   "2>/dev/null && puttygen '%s.ppk' -O private-sshcom %s%s%s -o '%s' && "
                   "puttygen '%s.ppk' -O public-openssh -o '%s.pub'",
                   k->type, k->bits, k->name, base, base,
                   k->encrypted ? "--new-passphrase '" : "", k->encrypted ? pw : "",
                   k->encrypted ? "'" : "", base, base, base) != 0)
            return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    fx_scratch_remove(dir);
    return 0;
}

static void need_tools(void)
{
    if (dir[0] == '\0')
        skip();
}

static int decode(const struct kk_buf *text, const char *pw, int *calls, struct kk_key **key,
                  struct kk_error *err)
{
    struct kk_pass pass;
    struct fx_fetch fetch;
    struct kk_decode_opts o = {.limits = NULL, .pass = &pass};
    fx_pass_counting(&pass, &fetch, pw);
    kk_error_clear(err);
    *key = NULL;
    int rc = kk_fmt_sshcom.decode(text->data, text->len, &o, key, err);
    if (rc == KK_OK)
        assert_non_null(*key);
    else
        assert_null(*key);
    if (calls != NULL)
        *calls = fetch.calls;
    kk_pass_wipe(&pass);
    return rc;
}

static void test_decode_puttygen(void **state)
{
    (void)state;
    need_tools();
    for (size_t i = 0; i < NKEYS; i++) {
        struct kk_buf text;
        struct kk_key *key = NULL;
        struct kk_error err;
        int calls = -1;
        char ours[FX_LINE_MAX], theirs[FX_LINE_MAX], comment[32];

        assert_int_equal(fx_read(path(keys[i].name), &text), 0);
        assert_int_equal(kk_fmt_sshcom.sniff(text.data, text.len), KK_SNIFF_YES);
        assert_ptr_equal(kk_format_detect(text.data, text.len), &kk_fmt_sshcom);
        assert_int_equal(decode(&text, "sshcom pw", &calls, &key, &err), KK_OK);
        assert_int_equal(calls, keys[i].encrypted);     /* asked only when encrypted */
        assert_int_equal(key->was_encrypted, keys[i].encrypted);
        assert_true(key->has_private);
        assert_int_equal(key->type, keys[i].type[0] == 'r' ? KK_KEY_RSA : KK_KEY_DSA);
        snprintf(comment, sizeof comment, "c %s", keys[i].name);
        assert_string_equal(key->comment, comment);
        assert_int_equal(fx_pub_line(key, ours, sizeof ours), 0);
        assert_int_equal(fx_capture(theirs, sizeof theirs, "cut -d' ' -f1,2 '%s.pub'",
                                    path(keys[i].name)), 0);
        assert_string_equal(ours, theirs);
        assert_int_equal(kk_key_check_private(key, &err), KK_OK);
        kk_key_free(key);

        if (keys[i].encrypted) {
            assert_int_equal(decode(&text, "sshcom pW", NULL, &key, &err), KK_ERR_WRONG_PASS);
            assert_string_equal(err.msg, "wrong passphrase");
            assert_int_equal(decode(&text, NULL, NULL, &key, &err), KK_ERR_NEED_PASS);
        } else {
            /* unencrypted, keykit writes the very bytes puttygen wrote */
            struct kk_buf out;
            struct kk_encode_opts o = {0};
            assert_int_equal(decode(&text, NULL, NULL, &key, &err), KK_OK);
            kk_buf_init(&out, 0);
            assert_int_equal(kk_fmt_sshcom.encode(key, &o, &out, &err), KK_OK);
            assert_int_equal(out.len, text.len);
            assert_memory_equal(out.data, text.data, text.len);
            kk_buf_free(&out);
            kk_key_free(key);
        }
        kk_buf_free(&text);
    }
}

static int has_bytes(const struct kk_buf *b, const char *s, size_t n)
{
    for (size_t i = 0; i + n <= b->len; i++)
        if (memcmp(b->data + i, s, n) == 0)
            return 1;
    return 0;
}

/* keykit's encrypted output: reads back, and puttygen opens it with the
 * passphrase (its private half checked by ssh-keygen) and not without. */
static void test_encode_encrypted(void **state)
{
    (void)state;
    static const enum kk_key_type types[] = {KK_KEY_RSA, KK_KEY_DSA};
    for (size_t t = 0; t < 2; t++) {
        struct kk_key *key = NULL, *back = NULL;
        struct kk_error err;
        if (kk_key_generate(types[t], types[t] == KK_KEY_RSA ? 2048 : 1024, &key, &err) !=
            KK_OK) {
            assert_int_equal(types[t], KK_KEY_DSA);
            continue;
        }
        assert_int_equal(kk_key_set_comment(key, "kk sshcom", 9, &err), KK_OK);
        struct kk_encode_opts o = {.passphrase = "sshcom pw", .passlen = 9};
        struct kk_buf out;
        kk_buf_init(&out, 0);
        assert_int_equal(kk_fmt_sshcom.encode(key, &o, &out, &err), KK_OK);
        struct kk_armor a;
        assert_int_equal(kk_armor_decode(out.data, out.len, KK_ARMOR_SSH2, &a, &err), KK_OK);
        assert_string_equal(a.label, LABEL);
        assert_string_equal(kk_armor_header(&a, "Comment"), "\"kk sshcom\"");
        assert_true(has_bytes(&a.body, "\0\0\0\x08" "3des-cbc", 12));
        kk_armor_free(&a);
        int calls = 0;
        assert_int_equal(decode(&out, "sshcom pw", &calls, &back, &err), KK_OK);
        assert_int_equal(calls, 1);
        assert_true(kk_key_public_equal(key, back));
        assert_string_equal(back->comment, "kk sshcom");
        assert_true(back->was_encrypted);
        kk_key_free(back);
        assert_int_equal(decode(&out, "wrong", NULL, &back, &err), KK_ERR_WRONG_PASS);

        if (dir[0] != '\0') {
            char want[FX_LINE_MAX], got[FX_LINE_MAX];
            assert_int_equal(fx_write(path("kk.key"), out.data, out.len), 0);
            assert_int_equal(fx_pub_line(key, want, sizeof want), 0);
            unlink(path("kk.openssh"));
            assert_int_equal(fx_run("puttygen '%s' --old-passphrase '%s' -O private-openssh-new "
                                    "--new-passphrase /dev/null -o '%s' 2>/dev/null",
                                    path("kk.key"), path("pw"), path("kk.openssh")), 0);
            assert_int_equal(fx_capture(got, sizeof got, "ssh-keygen -y -f '%s' | cut -d' ' "
                                        "-f1,2", path("kk.openssh")), 0);
            assert_string_equal(got, want);
            assert_int_not_equal(fx_run("puttygen '%s' --old-passphrase /dev/null -O "
                                        "public-openssh -o '%s' >/dev/null 2>&1",
                                        path("kk.key"), path("kk.x")), 0);
        }
        kk_buf_free(&out);
        kk_key_free(key);
    }
}

static void test_encode_refuses(void **state)
{
    (void)state;
    struct kk_key *ed = NULL, *rsa = NULL, *pub = NULL;
    struct kk_error err;
    struct kk_buf out;
    struct kk_encode_opts plain = {0};
    struct kk_encode_opts aes = {.passphrase = "x", .passlen = 1, .cipher = "aes256-ctr"};

    kk_buf_init(&out, 0);
    assert_int_equal(kk_key_generate(KK_KEY_ED25519, 0, &ed, &err), KK_OK);
    assert_false(kk_fmt_sshcom.can_encode(ed));
    assert_int_equal(kk_fmt_sshcom.encode(ed, &plain, &out, &err), KK_ERR_UNSUPPORTED);
    assert_string_equal(err.msg, "an ssh.com private key holds RSA or DSA, not ED25519");
    assert_int_equal(kk_key_generate(KK_KEY_RSA, 1024, &rsa, &err), KK_OK);
    assert_true(kk_fmt_sshcom.can_encode(rsa));
    assert_int_equal(kk_fmt_sshcom.encode(rsa, &aes, &out, &err), KK_ERR_USAGE);
    assert_int_equal(kk_key_set_comment(rsa, "say \"hi\"", 8, &err), KK_OK);
    assert_int_equal(kk_fmt_sshcom.encode(rsa, &plain, &out, &err), KK_ERR_UNSUPPORTED);
    assert_int_equal(kk_key_public_copy(rsa, &pub, &err), KK_OK);
    assert_int_equal(kk_fmt_sshcom.encode(pub, &plain, &out, &err), KK_ERR_NOT_PRIVATE);
    assert_int_equal(out.len, 0);
    kk_buf_free(&out);
    kk_key_free(pub);
    kk_key_free(rsa);
    kk_key_free(ed);
}

/* ---- hand-built containers, around an unencrypted key keykit wrote */

static void body_of(const struct kk_buf *text, struct kk_buf *blob)
{
    struct kk_armor a;
    struct kk_error err;
    assert_int_equal(kk_armor_decode(text->data, text->len, KK_ARMOR_SSH2, &a, &err), KK_OK);
    kk_buf_init(blob, 0);
    kk_buf_put(blob, a.body.data, a.body.len);
    kk_armor_free(&a);
}

static int decode_blob(const uint8_t *b, size_t n, struct kk_error *err)
{
    struct kk_buf text;
    struct kk_key *key = NULL;
    kk_buf_init(&text, 0);
    assert_int_equal(kk_armor_encode(KK_ARMOR_SSH2, LABEL, NULL, 0, b, n, 70, &text, err),
                     KK_OK);
    int rc = decode(&text, "pw", NULL, &key, err);
    kk_key_free(key);
    kk_buf_free(&text);
    return rc;
}

static void put_u32_at(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static void test_crafted(void **state)
{
    (void)state;
    struct kk_key *key = NULL;
    struct kk_error err;
    struct kk_buf text, blob;
    struct kk_encode_opts plain = {0};

    assert_int_equal(kk_key_generate(KK_KEY_RSA, 1024, &key, &err), KK_OK);
    kk_buf_init(&text, 0);
    assert_int_equal(kk_fmt_sshcom.encode(key, &plain, &text, &err), KK_OK);
    body_of(&text, &blob);
    uint8_t *b = blob.data;
    size_t n = blob.len;
    assert_int_equal(decode_blob(b, n, &err), KK_OK);

    b[0] ^= 1;
    assert_int_equal(decode_blob(b, n, &err), KK_ERR_FORMAT);
    assert_non_null(strstr(err.msg, "magic"));
    b[0] ^= 1;
    b[7] ^= 1;                                     /* total length */
    assert_int_equal(decode_blob(b, n, &err), KK_ERR_FORMAT);
    b[7] ^= 1;
    b[12] = 'X';                                   /* "if-modn..." -> "Xf-modn" */
    assert_int_equal(decode_blob(b, n, &err), KK_ERR_UNSUPPORTED);
    b[12] = 'i';
    size_t c = 8 + 4 + 0x37;                       /* the cipher string */
    assert_memory_equal(b + c + 4, "none", 4);
    memcpy(b + c + 4, "nonf", 4);
    assert_int_equal(decode_blob(b, n, &err), KK_ERR_UNSUPPORTED);
    memcpy(b + c + 4, "none", 4);
    /* the inner length one byte longer than the data */
    size_t d = c + 8 + 4;
    uint32_t inner = (uint32_t)(n - d - 4);
    put_u32_at(b + d, inner + 1);
    assert_int_equal(decode_blob(b, n, &err), KK_ERR_TRUNCATED);
    put_u32_at(b + d, inner);
    /* a bit count below the value's size (e: 17 bits, say 16) */
    assert_int_equal(b[d + 4 + 3], 17);
    b[d + 4 + 3] = 16;
    assert_int_equal(decode_blob(b, n, &err), KK_ERR_FORMAT);
    b[d + 4 + 3] = 17;
    /* a changed private number: the halves disagree */
    b[n - 3] ^= 0x20;
    assert_int_not_equal(decode_blob(b, n, &err), KK_OK);
    b[n - 3] ^= 0x20;
    assert_int_equal(decode_blob(b, n, &err), KK_OK);
    /* every prefix fails cleanly, and so does a trailing byte */
    for (size_t k = 0; k < n; k++)
        assert_int_not_equal(decode_blob(b, k, &err), KK_OK);
    kk_buf_put_u8(&blob, 0);
    assert_int_equal(decode_blob(blob.data, blob.len, &err), KK_ERR_TRAILING);
    /* and every flipped byte never crashes */
    for (size_t k = 0; k < n; k++) {
        blob.data[k] ^= 0x80;
        (void)decode_blob(blob.data, n, &err);
        blob.data[k] ^= 0x80;
    }
    kk_buf_free(&blob);
    kk_buf_free(&text);
    kk_key_free(key);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decode_puttygen),
        cmocka_unit_test(test_encode_encrypted),
        cmocka_unit_test(test_encode_refuses),
        cmocka_unit_test(test_crafted),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
