/* The openssh-key-v1 codec: keys made by ssh-keygen at test time decode to
 * what ssh-keygen -y prints and re-encode to the same bytes; what keykit
 * writes, ssh-keygen reads; encrypted keys in every cipher both ways (with
 * the wrong, empty and missing passphrase told apart); and every way the
 * container can be wrong (check integers, padding, trailing bytes, key
 * count, public half, truncation, KDF options and cost, AEAD tags) is
 * refused with its own error. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "core/armor.h"
#include "formats/format.h"
#include "formats/openssh.h"
#include "priv_fixture.h"

#define MAGIC "openssh-key-v1"
#define LABEL "OPENSSH PRIVATE KEY"

struct kt {
    const char *name;
    const char *sshtype;
    int bits;
    enum kk_key_type type;
};

static const struct kt kts[] = {
    {"rsa", "rsa", 2048, KK_KEY_RSA},
    {"ec256", "ecdsa", 256, KK_KEY_ECDSA_P256},
    {"ec384", "ecdsa", 384, KK_KEY_ECDSA_P384},
    {"ec521", "ecdsa", 521, KK_KEY_ECDSA_P521},
    {"ed25519", "ed25519", 256, KK_KEY_ED25519},
    {"dsa", "dsa", 1024, KK_KEY_DSA},
};
#define NKT (sizeof kts / sizeof kts[0])

static char dir[FX_DIR_MAX];
static int made[NKT];

static const char *path(const char *stem, const char *ext)
{
    return fx_path(dir, stem, ext);
}

static int setup_keys(void **state)
{
    (void)state;
    if (!fx_have("ssh-keygen"))
        return 0;
    if (fx_scratch(dir, "openssh") != 0)
        return -1;
    for (size_t i = 0; i < NKT; i++)
        made[i] = fx_run("ssh-keygen -q -t %s -b %d -N '' -C 'user@host %s' -f '%s'",
                         kts[i].sshtype, kts[i].bits, kts[i].name,
                         path(kts[i].name, "")) == 0;
    return 0;
}

static int teardown_keys(void **state)
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

static int decode_bytes(const uint8_t *in, size_t len, struct kk_pass *pass,
                        struct kk_key **key, struct kk_error *err)
{
    struct kk_decode_opts o = {.limits = NULL, .pass = pass};
    kk_error_clear(err);
    *key = NULL;
    int rc = kk_fmt_openssh.decode(in, len, &o, key, err);
    if (rc == KK_OK)
        assert_non_null(*key);
    else
        assert_null(*key);
    return rc;
}

/* Armours a binary openssh-key-v1 blob and decodes it. */
static int decode_blob(const uint8_t *blob, size_t len, struct kk_key **key,
                       struct kk_error *err)
{
    struct kk_buf text;
    struct kk_error aerr;
    kk_buf_init(&text, 0);
    assert_int_equal(kk_armor_encode(KK_ARMOR_PEM, LABEL, NULL, 0, blob, len, 70,
                                     &text, &aerr), KK_OK);
    int rc = decode_bytes(text.data, text.len, NULL, key, err);
    kk_buf_free(&text);
    return rc;
}

static int decode_blob_free(const struct kk_buf *blob, struct kk_error *err)
{
    struct kk_key *key = NULL;
    int rc = decode_blob(blob->data, blob->len, &key, err);
    kk_key_free(key);
    return rc;
}

static void body_of(const struct kk_buf *text, struct kk_buf *blob)
{
    struct kk_armor a;
    struct kk_error err;
    assert_int_equal(kk_armor_decode(text->data, text->len, KK_ARMOR_PEM, &a, &err),
                     KK_OK);
    assert_string_equal(a.label, LABEL);
    kk_buf_init(blob, 0);
    kk_buf_put(blob, a.body.data, a.body.len);
    kk_armor_free(&a);
}

/* The first check integer of an unencrypted blob. */
static uint32_t check_int_of(const struct kk_buf *blob)
{
    struct kk_reader r;
    kk_reader_init(&r, blob->data, blob->len);
    kk_get_bytes(&r, sizeof MAGIC);
    kk_get_string(&r);
    kk_get_string(&r);
    kk_get_string(&r);
    kk_get_u32(&r);
    kk_get_string(&r);
    kk_get_u32(&r);            /* length of the private section */
    uint32_t check = kk_get_u32(&r);
    assert_true(kk_reader_ok(&r));
    return check;
}

static struct kk_key *load(const char *p, struct kk_buf *text)
{
    struct kk_pass pass;
    struct fx_fetch fetch;
    struct kk_key *key = NULL;
    struct kk_error err;

    assert_int_equal(fx_read(p, text), 0);
    fx_pass_counting(&pass, &fetch, "unused");
    int rc = decode_bytes(text->data, text->len, &pass, &key, &err);
    if (rc != KK_OK)
        print_error("%s: %s\n", p, err.msg);
    assert_int_equal(rc, KK_OK);
    assert_int_equal(fetch.calls, 0);
    assert_true(key->has_private);
    assert_false(key->was_encrypted);
    return key;
}

/* ---- keys made by ssh-keygen */

static void test_sniff(void **state)
{
    (void)state;
    need_tools();
    for (size_t i = 0; i < NKT; i++) {
        if (!made[i])
            continue;
        struct kk_buf b;
        assert_int_equal(fx_read(path(kts[i].name, ""), &b), 0);
        assert_int_equal(kk_fmt_openssh.sniff(b.data, b.len), KK_SNIFF_YES);
        assert_int_equal(kk_fmt_pem.sniff(b.data, b.len), KK_SNIFF_NO);
        assert_int_equal(kk_fmt_pkcs8.sniff(b.data, b.len), KK_SNIFF_NO);
        assert_ptr_equal(kk_format_detect(b.data, b.len), &kk_fmt_openssh);
        kk_buf_free(&b);
    }
}

static void test_decode_ssh_keygen(void **state)
{
    (void)state;
    need_tools();
    int n = 0;
    for (size_t i = 0; i < NKT; i++) {
        if (!made[i])
            continue;
        n++;
        const char *p = path(kts[i].name, "");
        struct kk_buf text;
        struct kk_key *key = load(p, &text);
        char ours[FX_LINE_MAX], theirs[FX_LINE_MAX], comment[64];

        assert_int_equal(key->type, kts[i].type);
        snprintf(comment, sizeof comment, "user@host %s", kts[i].name);
        assert_string_equal(key->comment, comment);
        /* the whole line, comment included */
        assert_int_equal(fx_pub_line(key, ours, sizeof ours - 80), 0);
        strcat(ours, " ");
        strcat(ours, comment);
        assert_int_equal(fx_capture(theirs, sizeof theirs, "ssh-keygen -y -f '%s'", p), 0);
        assert_string_equal(ours, theirs);

        /* with ssh-keygen's check integers, keykit writes the same bytes */
        struct kk_buf blob, again;
        struct kk_error err;
        body_of(&text, &blob);
        kk_buf_init(&again, 0);
        assert_int_equal(kk_openssh_encode_check(key, check_int_of(&blob), &again, &err),
                         KK_OK);
        assert_int_equal(again.len, text.len);
        assert_memory_equal(again.data, text.data, text.len);

        kk_buf_free(&again);
        kk_buf_free(&blob);
        kk_buf_free(&text);
        kk_key_free(key);
    }
    assert_true(n >= 5);    /* DSA may be missing from ssh-keygen */
}

static void test_encode_ssh_keygen_reads(void **state)
{
    (void)state;
    need_tools();
    for (size_t i = 0; i < NKT; i++) {
        if (!made[i])
            continue;
        struct kk_buf text, out1, out2;
        struct kk_encode_opts opts = {0};
        struct kk_error err;
        struct kk_key *key = load(path(kts[i].name, ""), &text);
        const char *o = path(kts[i].name, ".out");

        kk_buf_init(&out1, 0);
        kk_buf_init(&out2, 0);
        assert_int_equal(kk_fmt_openssh.encode(key, &opts, &out1, &err), KK_OK);
        assert_int_equal(kk_fmt_openssh.encode(key, &opts, &out2, &err), KK_OK);
        assert_int_equal(fx_write(o, out1.data, out1.len), 0);

        char want[FX_LINE_MAX], got[FX_LINE_MAX];
        assert_int_equal(fx_capture(want, sizeof want, "ssh-keygen -y -f '%s'",
                                    path(kts[i].name, "")), 0);
        assert_int_equal(fx_capture(got, sizeof got, "ssh-keygen -y -f '%s'", o), 0);
        assert_string_equal(got, want);

        /* random check integers: two encodings differ only there */
        struct kk_buf b1, b2;
        body_of(&out1, &b1);
        body_of(&out2, &b2);
        assert_int_not_equal(check_int_of(&b1), check_int_of(&b2));
        assert_int_equal(b1.len, b2.len);

        struct kk_key *back = NULL;
        assert_int_equal(decode_bytes(out2.data, out2.len, NULL, &back, &err), KK_OK);
        assert_true(kk_key_public_equal(key, back));
        assert_string_equal(back->comment, key->comment);
        kk_key_free(back);
        kk_buf_free(&b1);
        kk_buf_free(&b2);
        kk_buf_free(&out1);
        kk_buf_free(&out2);
        kk_buf_free(&text);
        kk_key_free(key);
    }
}

static const char *const all_ciphers[] = {
    "aes128-ctr", "aes192-ctr", "aes256-ctr", "aes128-cbc", "aes192-cbc", "aes256-cbc",
    "aes128-gcm@openssh.com", "aes256-gcm@openssh.com", "chacha20-poly1305@openssh.com",
    "3des-cbc",
};
#define NCIPHERS (sizeof all_ciphers / sizeof all_ciphers[0])

/* The fields of an encrypted container (spans into blob). */
struct parsed {
    struct kk_span cipher, kdf, salt, pub, priv, rest;
    uint32_t rounds;
};

static void parse(const struct kk_buf *blob, struct parsed *p)
{
    struct kk_reader r, o;
    kk_reader_init(&r, blob->data, blob->len);
    kk_get_bytes(&r, sizeof MAGIC);
    p->cipher = kk_get_string(&r);
    p->kdf = kk_get_string(&r);
    struct kk_span opts = kk_get_string(&r);
    assert_int_equal(kk_get_u32(&r), 1);
    p->pub = kk_get_string(&r);
    p->priv = kk_get_string(&r);
    p->rest.len = kk_reader_left(&r);
    p->rest.ptr = kk_get_bytes(&r, p->rest.len);
    assert_true(kk_reader_ok(&r));
    kk_reader_init(&o, opts.ptr, opts.len);
    p->salt = kk_get_string(&o);
    p->rounds = kk_get_u32(&o);
    assert_true(kk_reader_done(&o));
}

static int span_eq(struct kk_span s, const char *t)
{
    return s.len == strlen(t) && memcmp(s.ptr, t, s.len) == 0;
}

/* Decodes text with passphrase pw (NULL: no source); fetch counts calls. */
static int decode_pw(const struct kk_buf *text, const char *pw, int *calls,
                     struct kk_key **key, struct kk_error *err)
{
    struct kk_pass pass;
    struct fx_fetch fetch;
    fx_pass_counting(&pass, &fetch, pw);
    int rc = decode_bytes(text->data, text->len, &pass, key, err);
    if (calls != NULL)
        *calls = fetch.calls;
    kk_pass_wipe(&pass);
    return rc;
}

/* ssh-keygen -Z for every cipher: decodes with the passphrase to the key
 * ssh-keygen -y prints; wrong, empty and missing passphrases are told. */
static void test_encrypted(void **state)
{
    (void)state;
    need_tools();
    for (size_t i = 0; i < NCIPHERS; i++) {
        for (int t = 0; t < 2; t++) {
            const char *kt = t == 0 ? "ed25519" : "ecdsa";
            const char *p = path("enc", "");
            unlink(p);
            unlink(path("enc", ".pub"));
            assert_int_equal(fx_run("ssh-keygen -q -t %s -a 2 -Z %s -N passw0rd -C 'enc %s' "
                                    "-f '%s'", kt, all_ciphers[i], all_ciphers[i], p), 0);
            struct kk_buf text, blob;
            struct kk_key *key = NULL;
            struct kk_error err;
            int calls = 0;
            assert_int_equal(fx_read(p, &text), 0);
            struct parsed f;
            body_of(&text, &blob);
            parse(&blob, &f);
            assert_true(span_eq(f.cipher, all_ciphers[i]));
            assert_int_equal(f.rounds, 2);

            assert_int_equal(decode_pw(&text, "passw0rd", &calls, &key, &err), KK_OK);
            assert_int_equal(calls, 1);
            assert_true(key->was_encrypted);
            assert_true(key->has_private);
            char ours[FX_LINE_MAX], theirs[FX_LINE_MAX], want_comment[64];
            snprintf(want_comment, sizeof want_comment, "enc %s", all_ciphers[i]);
            assert_string_equal(key->comment, want_comment);
            assert_int_equal(fx_pub_line(key, ours, sizeof ours), 0);
            assert_int_equal(fx_capture(theirs, sizeof theirs, "cut -d' ' -f1,2 '%s'",
                                        path("enc", ".pub")), 0);
            assert_string_equal(ours, theirs);
            kk_key_free(key);

            assert_int_equal(decode_pw(&text, "passw0rD", NULL, &key, &err),
                             KK_ERR_WRONG_PASS);
            assert_string_equal(err.msg, "wrong passphrase");
            assert_int_equal(decode_pw(&text, "", NULL, &key, &err), KK_ERR_WRONG_PASS);
            assert_int_equal(decode_pw(&text, NULL, NULL, &key, &err), KK_ERR_NEED_PASS);
            assert_int_equal(decode_bytes(text.data, text.len, NULL, &key, &err),
                             KK_ERR_NEED_PASS);
            kk_buf_free(&blob);
            kk_buf_free(&text);
        }
    }
    unlink(path("enc", ""));
    unlink(path("enc", ".pub"));
}

/* keykit encrypts with every cipher; ssh-keygen opens each with the
 * passphrase and not without it; the header names the cipher, bcrypt and
 * the rounds (ssh-keygen 9.x's 16 by default). */
static void test_encode_encrypted(void **state)
{
    (void)state;
    struct kk_key *key = NULL;
    struct kk_error err;
    assert_int_equal(kk_key_generate(KK_KEY_ED25519, 0, &key, &err), KK_OK);
    assert_int_equal(kk_key_set_comment(key, "kk enc", 6, &err), KK_OK);
    for (size_t i = 0; i <= NCIPHERS; i++) {
        const char *cipher = i < NCIPHERS ? all_ciphers[i] : NULL;  /* NULL: default */
        struct kk_encode_opts opts = {.passphrase = "s3cret pw", .passlen = 9,
                                      .cipher = cipher, .rounds = cipher == NULL ? 0 : 3};
        struct kk_buf text, blob;
        kk_buf_init(&text, 0);
        assert_int_equal(kk_fmt_openssh.encode(key, &opts, &text, &err), KK_OK);
        struct parsed f;
        body_of(&text, &blob);
        parse(&blob, &f);
        assert_true(span_eq(f.cipher, cipher != NULL ? cipher : "aes256-ctr"));
        assert_true(span_eq(f.kdf, "bcrypt"));
        assert_int_equal(f.salt.len, 16);
        assert_int_equal(f.rounds, cipher == NULL ? 16 : 3);
        int aead = cipher != NULL && (strstr(cipher, "gcm") || strstr(cipher, "poly"));
        assert_int_equal(f.rest.len, aead ? 16 : 0);

        struct kk_key *back = NULL;
        int calls = 0;
        assert_int_equal(decode_pw(&text, "s3cret pw", &calls, &back, &err), KK_OK);
        assert_int_equal(calls, 1);
        assert_true(back->was_encrypted);
        assert_true(kk_key_public_equal(key, back));
        assert_string_equal(back->comment, "kk enc");
        kk_key_free(back);
        assert_int_equal(decode_pw(&text, "s3cret pW", NULL, &back, &err),
                         KK_ERR_WRONG_PASS);

        if (dir[0] != '\0') {
            const char *o = path("kkenc", "");
            char want[FX_LINE_MAX], got[FX_LINE_MAX];
            assert_int_equal(fx_write(o, text.data, text.len), 0);
            assert_int_equal(fx_pub_line(key, want, sizeof want), 0);
            assert_int_equal(fx_capture(got, sizeof got, "ssh-keygen -y -P 's3cret pw' "
                                        "-f '%s' | cut -d' ' -f1,2", o), 0);
            assert_string_equal(got, want);
            assert_int_not_equal(fx_run("ssh-keygen -y -P '' -f '%s' >/dev/null 2>&1", o), 0);
            unlink(o);
        }
        kk_buf_free(&blob);
        kk_buf_free(&text);
    }
    kk_key_free(key);
}

static void test_encode_refuses(void **state)
{
    (void)state;
    struct kk_key *key = NULL, *pub = NULL;
    struct kk_error err;
    struct kk_buf out;
    struct kk_encode_opts bad = {.passphrase = "secret", .passlen = 6, .cipher = "aes-256-cbc"};
    struct kk_encode_opts empty = {.passphrase = "", .passlen = 0};
    struct kk_encode_opts plain = {0};

    assert_int_equal(kk_key_generate(KK_KEY_ED25519, 0, &key, &err), KK_OK);
    kk_buf_init(&out, 0);
    assert_int_equal(kk_fmt_openssh.encode(key, &bad, &out, &err), KK_ERR_USAGE);
    assert_string_equal(err.msg, "unknown cipher 'aes-256-cbc' for an OpenSSH key");
    assert_non_null(strstr(err.hint, "aes256-ctr"));
    assert_non_null(strstr(err.hint, "chacha20-poly1305@openssh.com"));
    assert_int_equal(kk_fmt_openssh.encode(key, &empty, &out, &err), KK_ERR_USAGE);
    assert_int_equal(out.len, 0);
    assert_int_equal(kk_key_public_copy(key, &pub, &err), KK_OK);
    assert_int_equal(kk_fmt_openssh.encode(pub, &plain, &out, &err), KK_ERR_NOT_PRIVATE);
    assert_int_equal(out.len, 0);
    kk_buf_free(&out);
    kk_key_free(pub);
    kk_key_free(key);
}

/* Rebuilds an encrypted container from parsed fields, with kdfoptions
 * (salt, rounds) and the tail replaced, and decodes it with pw. */
static int reencrypted(const struct parsed *f, const char *cipher, struct kk_span salt,
                       uint32_t rounds, size_t privlen, size_t taillen, int *calls,
                       struct kk_error *err)
{
    struct kk_buf blob, opts, text;
    kk_buf_init(&blob, 0);
    kk_buf_init(&opts, 0);
    kk_buf_init(&text, 0);
    kk_buf_put_string(&opts, salt.ptr, salt.len);
    kk_buf_put_u32(&opts, rounds);
    kk_buf_put(&blob, MAGIC, sizeof MAGIC);
    kk_buf_put_cstring(&blob, cipher);
    kk_buf_put_cstring(&blob, "bcrypt");
    kk_buf_put_string(&blob, opts.data, opts.len);
    kk_buf_put_u32(&blob, 1);
    kk_buf_put_string(&blob, f->pub.ptr, f->pub.len);
    kk_buf_put_string(&blob, f->priv.ptr, privlen);
    kk_buf_put(&blob, f->rest.ptr, taillen);
    assert_int_equal(kk_armor_encode(KK_ARMOR_PEM, LABEL, NULL, 0, blob.data, blob.len,
                                     70, &text, err), KK_OK);
    struct kk_key *key = NULL;
    int rc = decode_pw(&text, "pw pw", calls, &key, err);
    kk_key_free(key);
    kk_buf_free(&text);
    kk_buf_free(&opts);
    kk_buf_free(&blob);
    return rc;
}

/* The KDF options, the cost cap (checked before the passphrase is asked
 * for), the tag and the section length, each refused with its own error. */
static void test_encrypted_crafted(void **state)
{
    (void)state;
    struct kk_key *key = NULL;
    struct kk_error err;
    assert_int_equal(kk_key_generate(KK_KEY_ED25519, 0, &key, &err), KK_OK);
    static const char *const cs[] = {"aes256-gcm@openssh.com", "chacha20-poly1305@openssh.com",
                                     "aes128-ctr"};
    for (size_t i = 0; i < 3; i++) {
        struct kk_encode_opts opts = {.passphrase = "pw pw", .passlen = 5, .cipher = cs[i],
                                      .rounds = 1};
        struct kk_buf text, blob;
        struct parsed f;
        int calls = -1;
        size_t tag = i < 2 ? 16 : 0;
        kk_buf_init(&text, 0);
        assert_int_equal(kk_fmt_openssh.encode(key, &opts, &text, &err), KK_OK);
        body_of(&text, &blob);
        parse(&blob, &f);
        assert_int_equal(reencrypted(&f, cs[i], f.salt, 1, f.priv.len, tag, &calls, &err),
                         KK_OK);
        assert_int_equal(calls, 1);

        assert_int_equal(reencrypted(&f, cs[i], f.salt, 0xFFFFFFFFu, f.priv.len, tag, &calls,
                                     &err), KK_ERR_CAP);
        assert_string_equal(err.msg, "bcrypt rounds 4294967295 is larger than the limit "
                                     "of 10000000");
        assert_string_equal(err.hint, "raise the limit with --max-kdf-rounds");
        assert_int_equal(calls, 0);
        assert_int_equal(reencrypted(&f, cs[i], f.salt, 0, f.priv.len, tag, &calls, &err),
                         KK_ERR_FORMAT);
        struct kk_span nosalt = {f.salt.ptr, 0};
        assert_int_equal(reencrypted(&f, cs[i], nosalt, 1, f.priv.len, tag, &calls, &err),
                         KK_ERR_FORMAT);
        assert_int_equal(reencrypted(&f, "aes256-xts", f.salt, 1, f.priv.len, tag, &calls,
                                     &err), KK_ERR_UNSUPPORTED);
        assert_non_null(strstr(err.hint, "3des-cbc"));
        /* a section cut short of a block: refused before the passphrase */
        assert_int_equal(reencrypted(&f, cs[i], f.salt, 1, f.priv.len - 1, tag, &calls,
                                     &err), KK_ERR_FORMAT);
        assert_int_equal(calls, 0);
        if (tag != 0) {
            assert_int_equal(reencrypted(&f, cs[i], f.salt, 1, f.priv.len, tag - 1, &calls,
                                         &err), KK_ERR_TRUNCATED);
            /* any changed ciphertext or tag byte fails the tag */
            for (size_t k = 0; k < f.priv.len + tag; k += 7) {
                uint8_t *b = (uint8_t *)(k < f.priv.len ? f.priv.ptr + k
                                                        : f.rest.ptr + k - f.priv.len);
                *b ^= 0x10;
                assert_int_equal(reencrypted(&f, cs[i], f.salt, 1, f.priv.len, tag, &calls,
                                             &err), KK_ERR_WRONG_PASS);
                *b ^= 0x10;
            }
        } else {
            assert_int_equal(reencrypted(&f, cs[i], f.salt, 1, f.priv.len, 0, &calls, &err),
                             KK_OK);
            /* CTR: a flipped check integer is a wrong passphrase, a flipped last
             * byte (padding) a corrupt file */
            ((uint8_t *)f.priv.ptr)[2] ^= 1;
            assert_int_equal(reencrypted(&f, cs[i], f.salt, 1, f.priv.len, 0, &calls, &err),
                             KK_ERR_WRONG_PASS);
            ((uint8_t *)f.priv.ptr)[2] ^= 1;
            ((uint8_t *)f.priv.ptr)[f.priv.len - 1] ^= 1;
            assert_int_not_equal(reencrypted(&f, cs[i], f.salt, 1, f.priv.len, 0, &calls,
                                             &err), KK_OK);
            ((uint8_t *)f.priv.ptr)[f.priv.len - 1] ^= 1;
        }
        kk_buf_free(&blob);
        kk_buf_free(&text);
    }
    kk_key_free(key);
}

/* ---- hand-built containers */

struct craft {
    const char *cipher, *kdf, *kdfopts;
    uint32_t nkeys;
    const struct kk_key *header_key;   /* whose public blob the header holds */
    uint32_t check1, check2;
    const char *comment;
    size_t comment_len;
    int pad_extra;        /* a whole extra block of padding (1..8 more) */
    int pad_flip;         /* change the last padding byte */
    int no_pad;           /* leave the section unaligned */
    const char *magic;
    size_t tail;          /* zero bytes after the private section */
};

static struct craft defaults(void)
{
    return (struct craft){
        .cipher = "none", .kdf = "none", .kdfopts = "", .nkeys = 1,
        .check1 = 0x01020304, .check2 = 0x01020304, .comment = "crafted",
        .comment_len = 7, .magic = MAGIC,
    };
}

static void craft(const struct kk_key *key, const struct craft *c, struct kk_buf *blob)
{
    struct kk_buf pub, priv;
    struct kk_error err;

    kk_buf_init(&pub, 0);
    kk_buf_init(&priv, 0);
    kk_buf_init(blob, 0);
    assert_int_equal(kk_wire_put_public(c->header_key != NULL ? c->header_key : key,
                                        &pub, &err), KK_OK);
    kk_buf_put_u32(&priv, c->check1);
    kk_buf_put_u32(&priv, c->check2);
    assert_int_equal(kk_wire_put_private(key, &priv, &err), KK_OK);
    kk_buf_put_string(&priv, c->comment, c->comment_len);
    uint8_t i = 1;
    if (!c->no_pad)
        while (priv.len % 8 != 0)
            kk_buf_put_u8(&priv, i++);
    if (c->pad_extra)
        for (int k = 0; k < 8; k++)
            kk_buf_put_u8(&priv, i++);
    if (c->pad_flip)
        priv.data[priv.len - 1] ^= 0x40;

    kk_buf_put(blob, c->magic, strlen(c->magic) + 1);
    kk_buf_put_cstring(blob, c->cipher);
    kk_buf_put_cstring(blob, c->kdf);
    kk_buf_put_cstring(blob, c->kdfopts);
    kk_buf_put_u32(blob, c->nkeys);
    kk_buf_put_string(blob, pub.data, pub.len);
    kk_buf_put_string(blob, priv.data, priv.len);
    for (size_t k = 0; k < c->tail; k++)
        kk_buf_put_u8(blob, 0);
    assert_true(kk_buf_ok(blob));
    kk_buf_free(&pub);
    kk_buf_free(&priv);
}

static int try_craft(const struct kk_key *key, const struct craft *c,
                     struct kk_error *err)
{
    struct kk_buf blob;
    craft(key, c, &blob);
    int rc = decode_blob_free(&blob, err);
    kk_buf_free(&blob);
    return rc;
}

static void test_crafted(void **state)
{
    (void)state;
    struct kk_key *key = NULL, *other = NULL;
    struct kk_error err;
    struct craft c = defaults();

    assert_int_equal(kk_key_generate(KK_KEY_ED25519, 0, &key, &err), KK_OK);
    assert_int_equal(kk_key_generate(KK_KEY_ED25519, 0, &other, &err), KK_OK);

    /* the builder makes what the decoder takes */
    assert_int_equal(try_craft(key, &c, &err), KK_OK);
    c.comment = "";
    c.comment_len = 0;
    assert_int_equal(try_craft(key, &c, &err), KK_OK);

    c = defaults();
    c.check2 ^= 1;
    assert_int_equal(try_craft(key, &c, &err), KK_ERR_CORRUPT);
    assert_string_equal(err.msg, "check integers differ: the file is corrupt");

    c = defaults();
    c.pad_extra = 1;
    assert_int_equal(try_craft(key, &c, &err), KK_ERR_FORMAT);
    assert_non_null(strstr(err.msg, "bad padding"));

    c = defaults();
    c.no_pad = 1;
    assert_int_equal(try_craft(key, &c, &err), KK_ERR_FORMAT);

    c = defaults();
    c.tail = 1;
    assert_int_equal(try_craft(key, &c, &err), KK_ERR_TRAILING);
    c.tail = 16;
    assert_int_equal(try_craft(key, &c, &err), KK_ERR_TRAILING);

    c = defaults();
    c.nkeys = 2;
    assert_int_equal(try_craft(key, &c, &err), KK_ERR_UNSUPPORTED);
    c.nkeys = 0;
    assert_int_equal(try_craft(key, &c, &err), KK_ERR_UNSUPPORTED);

    c = defaults();
    c.header_key = other;
    assert_int_equal(try_craft(key, &c, &err), KK_ERR_MISMATCH);

    c = defaults();
    c.kdf = "bcrypt";
    assert_int_equal(try_craft(key, &c, &err), KK_ERR_FORMAT);
    c.kdf = "none";
    c.kdfopts = "x";
    assert_int_equal(try_craft(key, &c, &err), KK_ERR_FORMAT);
    c = defaults();
    c.cipher = "aes256-ctr";
    assert_int_equal(try_craft(key, &c, &err), KK_ERR_FORMAT);
    c.kdf = "bcrypt";        /* with empty options */
    assert_int_equal(try_craft(key, &c, &err), KK_ERR_FORMAT);
    assert_non_null(strstr(err.msg, "bad bcrypt options"));
    c.kdf = "argon2";
    assert_int_equal(try_craft(key, &c, &err), KK_ERR_UNSUPPORTED);

    c = defaults();
    c.magic = "openssh-key-v2";
    assert_int_equal(try_craft(key, &c, &err), KK_ERR_FORMAT);

    c = defaults();
    c.comment = "a\0b";
    c.comment_len = 3;
    assert_int_equal(try_craft(key, &c, &err), KK_ERR_FORMAT);

    kk_key_free(other);
    kk_key_free(key);
}

static void test_bad_padding(void **state)
{
    (void)state;
    struct kk_error err;
    /* comments of every length mod 8: each padding length 0..7 is met, and
     * where there is padding a changed byte is refused */
    struct kk_key *key = NULL;
    assert_int_equal(kk_key_generate(KK_KEY_ECDSA_P256, 0, &key, &err), KK_OK);
    int flipped = 0;
    for (size_t n = 0; n < 8; n++) {
        struct craft c = defaults();
        c.comment = "abcdefgh";
        c.comment_len = n;
        struct kk_buf blob, unpadded;
        craft(key, &c, &blob);
        assert_int_equal(decode_blob_free(&blob, &err), KK_OK);
        c.no_pad = 1;
        craft(key, &c, &unpadded);
        size_t npad = blob.len - unpadded.len;
        kk_buf_free(&blob);
        kk_buf_free(&unpadded);
        c.no_pad = 0;
        if (npad == 0)
            continue;
        c.pad_flip = 1;
        craft(key, &c, &blob);
        assert_int_equal(decode_blob_free(&blob, &err), KK_ERR_FORMAT);
        assert_non_null(strstr(err.msg, "bad padding"));
        kk_buf_free(&blob);
        flipped++;
    }
    assert_int_equal(flipped, 7);
    kk_key_free(key);
}

/* Every prefix of a valid blob fails cleanly, and so does every prefix of
 * the armoured text that cuts into the END line. */
static void test_truncation(void **state)
{
    (void)state;
    static const enum kk_key_type types[] = {
        KK_KEY_ED25519, KK_KEY_ECDSA_P384, KK_KEY_RSA, KK_KEY_DSA,
    };
    for (size_t t = 0; t < sizeof types / sizeof types[0]; t++) {
        struct kk_key *key = NULL;
        struct kk_error err;
        if (kk_key_generate(types[t], types[t] == KK_KEY_RSA ? 1024 : 0, &key,
                            &err) != KK_OK) {
            assert_int_equal(types[t], KK_KEY_DSA);   /* keygen may not make DSA */
            continue;
        }
        struct kk_buf text, blob;
        struct kk_encode_opts opts = {0};
        kk_buf_init(&text, 0);
        assert_int_equal(kk_fmt_openssh.encode(key, &opts, &text, &err), KK_OK);
        body_of(&text, &blob);
        assert_int_equal(decode_blob_free(&blob, &err), KK_OK);
        for (size_t n = 0; n < blob.len; n++) {
            struct kk_key *k = NULL;
            assert_int_not_equal(decode_blob(blob.data, n, &k, &err), KK_OK);
        }
        /* the text: everything before the END line's last dash is needed */
        size_t need = text.len - 1;
        for (size_t n = 0; n < need; n++) {
            struct kk_key *k = NULL;
            assert_int_not_equal(decode_bytes(text.data, n, NULL, &k, &err), KK_OK);
        }
        struct kk_key *k = NULL;
        assert_int_equal(decode_bytes(text.data, need, NULL, &k, &err), KK_OK);
        kk_key_free(k);
        kk_buf_free(&blob);
        kk_buf_free(&text);
        kk_key_free(key);
    }
}

/* A changed byte anywhere never crashes; what still decodes re-encodes. */
static void test_byte_flips(void **state)
{
    (void)state;
    struct kk_key *key = NULL;
    struct kk_error err;
    struct kk_buf text, blob, again;
    struct kk_encode_opts opts = {0};

    assert_int_equal(kk_key_generate(KK_KEY_ECDSA_P256, 0, &key, &err), KK_OK);
    assert_int_equal(kk_key_set_comment(key, "flip", 4, &err), KK_OK);
    kk_buf_init(&text, 0);
    assert_int_equal(kk_fmt_openssh.encode(key, &opts, &text, &err), KK_OK);
    body_of(&text, &blob);
    int decoded = 0;
    for (size_t i = 0; i < blob.len; i++) {
        for (int bit = 0; bit < 8; bit += 7) {
            struct kk_key *k = NULL;
            blob.data[i] ^= (uint8_t)(1u << bit);
            if (decode_blob(blob.data, blob.len, &k, &err) == KK_OK) {
                decoded++;
                kk_buf_init(&again, 0);
                assert_int_equal(kk_fmt_openssh.encode(k, &opts, &again, &err), KK_OK);
                kk_buf_free(&again);
                kk_key_free(k);
            }
            blob.data[i] ^= (uint8_t)(1u << bit);
        }
    }
    /* only the comment's bytes may change without notice */
    assert_true(decoded <= 2 * 4);
    kk_buf_free(&blob);
    kk_buf_free(&text);
    kk_key_free(key);
}

static void test_armour_and_tail(void **state)
{
    (void)state;
    struct kk_key *key = NULL, *k = NULL;
    struct kk_error err;
    struct kk_buf text;
    struct kk_encode_opts opts = {0};

    assert_int_equal(kk_key_generate(KK_KEY_ED25519, 0, &key, &err), KK_OK);
    kk_buf_init(&text, 0);
    assert_int_equal(kk_fmt_openssh.encode(key, &opts, &text, &err), KK_OK);
    /* lines of 70 base64 characters, as ssh-keygen writes */
    const char *first = strchr((const char *)text.data, '\n') + 1;
    assert_int_equal(strcspn(first, "\n"), 70);

    kk_buf_put(&text, "\n\n  \n", 5);
    assert_int_equal(decode_bytes(text.data, text.len, NULL, &k, &err), KK_OK);
    kk_key_free(k);
    kk_buf_put(&text, "trailing\n", 9);
    assert_int_equal(decode_bytes(text.data, text.len, NULL, &k, &err), KK_ERR_TRAILING);

    /* a header line inside the block */
    struct kk_buf blob, hdr;
    struct kk_armor_header h = {.name = "Comment", .value = "x"};
    body_of(&text, &blob);
    kk_buf_init(&hdr, 0);
    assert_int_equal(kk_armor_encode(KK_ARMOR_PEM, LABEL, &h, 1, blob.data, blob.len,
                                     70, &hdr, &err), KK_OK);
    assert_int_equal(decode_bytes(hdr.data, hdr.len, NULL, &k, &err), KK_ERR_FORMAT);
    /* other formats are not this one */
    const char *pem = "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n";
    assert_int_equal(decode_bytes((const uint8_t *)pem, strlen(pem), NULL, &k, &err),
                     KK_ERR_FORMAT);
    assert_int_equal(decode_bytes((const uint8_t *)"", 0, NULL, &k, &err), KK_ERR_FORMAT);
    kk_buf_free(&hdr);
    kk_buf_free(&blob);
    kk_buf_free(&text);
    kk_key_free(key);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sniff),
        cmocka_unit_test(test_decode_ssh_keygen),
        cmocka_unit_test(test_encode_ssh_keygen_reads),
        cmocka_unit_test(test_encrypted),
        cmocka_unit_test(test_encode_encrypted),
        cmocka_unit_test(test_encode_refuses),
        cmocka_unit_test(test_encrypted_crafted),
        cmocka_unit_test(test_crafted),
        cmocka_unit_test(test_bad_padding),
        cmocka_unit_test(test_truncation),
        cmocka_unit_test(test_byte_flips),
        cmocka_unit_test(test_armour_and_tail),
    };
    return cmocka_run_group_tests(tests, setup_keys, teardown_keys);
}
