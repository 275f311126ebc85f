/* The PuTTY .ppk codecs (ppk3, ppk2): files puttygen makes at test time, of
 * every key type, v2 and v3 (Argon2id/i/d), plain and encrypted, decode to
 * the public key puttygen prints; re-encoding with the same salt and Argon2
 * parameters gives puttygen's bytes exactly; a wrong passphrase and an edited
 * file are told apart; real-world text (CRLF, CR, no final newline, trailing
 * spaces, UTF-8 comments) is accepted; hostile costs and line counts fail at
 * once; every truncation and byte flip fails cleanly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <cmocka.h>
#include "core/kdf.h"
#include "formats/format.h"
#include "priv_fixture.h"

#define PASS "fuzz pass"

struct kt {
    const char *name;
    const char *puttygen;    /* -t argument */
    enum kk_key_type type;
};

static const struct kt kts[] = {
    {"rsa", "rsa -b 2048", KK_KEY_RSA},
    {"dsa", "dsa", KK_KEY_DSA},
    {"ec256", "ecdsa -b 256", KK_KEY_ECDSA_P256},
    {"ec384", "ecdsa -b 384", KK_KEY_ECDSA_P384},
    {"ec521", "ecdsa -b 521", KK_KEY_ECDSA_P521},
    {"ed25519", "ed25519", KK_KEY_ED25519},
    {"ed448", "ed448", KK_KEY_ED448},
};
#define NKT (sizeof kts / sizeof kts[0])

/* The variants made of each key. */
static const struct variant {
    const char *suffix;
    const char *params;      /* --ppk-param, "" = puttygen's defaults */
    int encrypted;
    int version;
} variants[] = {
    {"v3", "", 0, 3},
    {"v3id", "kdf=argon2id,memory=256,passes=2,parallelism=1", 1, 3},
    {"v3i", "kdf=argon2i,memory=512,passes=1,parallelism=2", 1, 3},
    {"v3d", "kdf=argon2d,memory=128,passes=3,parallelism=1", 1, 3},
    {"v2", "version=2", 0, 2},
    {"v2e", "version=2", 1, 2},
};
#define NVAR (sizeof variants / sizeof variants[0])

static char dir[FX_DIR_MAX];
static int made;

static const char *path(const char *stem, const char *ext)
{
    return fx_path(dir, stem, ext);
}

static int setup(void **state)
{
    (void)state;
    if (fx_scratch(dir, "ppk") != 0)
        return -1;
    if (!fx_have("puttygen"))
        return 0;
    if (fx_run("printf '%s' > '%s/pw' && : > '%s/empty'", PASS, dir, dir) != 0)
        return -1;
    for (size_t i = 0; i < NKT; i++) {
        char stem[64];
        snprintf(stem, sizeof stem, "%s.v3", kts[i].name);
        if (fx_run("puttygen -q -t %s -C 'user@host %s' --new-passphrase '%s/empty' "
                   "-o '%s'", kts[i].puttygen, kts[i].name, dir, path(stem, ".ppk")) != 0)
            return -1;
        for (size_t v = 1; v < NVAR; v++) {
            char out[64];
            snprintf(out, sizeof out, "%s.%s", kts[i].name, variants[v].suffix);
            if (fx_run("puttygen -q '%s' --old-passphrase '%s/empty' --new-passphrase "
                       "'%s/%s' --ppk-param '%s' --reencrypt -o '%s'", path(stem, ".ppk"), dir, dir,
                       variants[v].encrypted ? "pw" : "empty", variants[v].params,
                       path(out, ".ppk")) != 0)
                return -1;
        }
    }
    made = 1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    fx_scratch_remove(dir);
    return 0;
}

static void need_files(void)
{
    if (!made)
        skip();
}

static int decode(const struct kk_format *fmt, const struct kk_buf *text, const char *pass,
                  struct kk_key **key, struct kk_error *err)
{
    struct kk_pass p;
    kk_pass_init(&p);
    if (pass != NULL)
        kk_pass_set(&p, pass, strlen(pass));
    struct kk_decode_opts o = {.limits = NULL, .pass = &p};
    kk_error_clear(err);
    *key = NULL;
    int rc = fmt->decode(text->data, text->len, &o, key, err);
    if (rc == KK_OK)
        assert_non_null(*key);
    else
        assert_null(*key);
    kk_pass_wipe(&p);
    return rc;
}

static int decode_str(const char *text, const char *pass, struct kk_error *err)
{
    struct kk_buf b;
    struct kk_key *key = NULL;
    kk_buf_init(&b, 0);
    kk_buf_put(&b, text, strlen(text));
    int rc = decode(&kk_fmt_ppk3, &b, pass, &key, err);
    kk_key_free(key);
    kk_buf_free(&b);
    return rc;
}

static struct kk_key *load(const char *p, const char *pass, struct kk_buf *text)
{
    struct kk_key *key = NULL;
    struct kk_error err;

    assert_int_equal(fx_read(p, text), 0);
    int rc = decode(&kk_fmt_ppk3, text, pass, &key, &err);
    if (rc != KK_OK)
        print_error("%s: %s\n", p, err.msg);
    assert_int_equal(rc, KK_OK);
    assert_true(key->has_private);
    return key;
}

/* Every variant decodes to the public key and comment puttygen reports. */
static void test_puttygen_files_decode(void **state)
{
    (void)state;
    need_files();
    for (size_t i = 0; i < NKT; i++) {
        for (size_t v = 0; v < NVAR; v++) {
            char stem[64], want[4096], got[4096], comment[64];
            struct kk_buf text;
            snprintf(stem, sizeof stem, "%s.%s", kts[i].name, variants[v].suffix);
            struct kk_key *key = load(path(stem, ".ppk"), PASS, &text);
            assert_int_equal(key->type, kts[i].type);
            assert_int_equal(key->was_encrypted, variants[v].encrypted);
            snprintf(comment, sizeof comment, "user@host %s", kts[i].name);
            assert_string_equal(key->comment, comment);
            assert_int_equal(fx_capture(want, sizeof want, "puttygen -L '%s'",
                                        path(stem, ".ppk")), 0);
            fx_two_fields(want);
            assert_int_equal(fx_pub_line(key, got, sizeof got), 0);
            assert_string_equal(got, want);
            kk_key_free(key);
            kk_buf_free(&text);
        }
    }
}

/* Parses "Argon2-*" back out of puttygen's file for the re-encode test. */
static void argon_of(const struct kk_buf *text, struct kk_argon2_params *p, uint8_t *salt)
{
    char t[8192], kdf[16], hex[130];
    unsigned mem, passes, par;
    memcpy(t, text->data, text->len < sizeof t - 1 ? text->len : sizeof t - 1);
    t[text->len < sizeof t - 1 ? text->len : sizeof t - 1] = '\0';
    const char *k = strstr(t, "Key-Derivation: ");
    assert_non_null(k);
    assert_int_equal(sscanf(k, "Key-Derivation: %15s\nArgon2-Memory: %u\nArgon2-Passes: %u\n"
                            "Argon2-Parallelism: %u\nArgon2-Salt: %129s", kdf, &mem,
                            &passes, &par, hex), 5);
    p->flavour = (enum kk_argon2_flavour)kk_argon2_flavour_from_name(kdf, strlen(kdf));
    p->memory_kib = mem;
    p->passes = passes;
    p->parallelism = par;
    p->salt_len = strlen(hex) / 2;
    for (size_t i = 0; i < p->salt_len; i++) {
        unsigned b;
        assert_int_equal(sscanf(hex + 2 * i, "%2x", &b), 1);
        salt[i] = (uint8_t)b;
    }
    p->salt = salt;
}

/* keykit writes exactly what puttygen wrote: same header, base64, padding
 * and MAC, for every type and variant. */
static void test_reencode_is_byte_identical(void **state)
{
    (void)state;
    need_files();
    for (size_t i = 0; i < NKT; i++) {
        for (size_t v = 0; v < NVAR; v++) {
            char stem[64];
            struct kk_buf text, out;
            struct kk_error err;
            struct kk_argon2_params a;
            uint8_t salt[64];
            snprintf(stem, sizeof stem, "%s.%s", kts[i].name, variants[v].suffix);
            struct kk_key *key = load(path(stem, ".ppk"), PASS, &text);
            struct kk_encode_opts o = {.passphrase = NULL};
            if (variants[v].encrypted) {
                o.passphrase = PASS;
                o.passlen = strlen(PASS);
                if (variants[v].version == 3) {
                    argon_of(&text, &a, salt);
                    o.argon2 = &a;
                }
            }
            const struct kk_format *fmt = variants[v].version == 3 ? &kk_fmt_ppk3
                                                                   : &kk_fmt_ppk2;
            kk_buf_init(&out, 0);
            assert_int_equal(fmt->encode(key, &o, &out, &err), KK_OK);
            if (out.len != text.len || memcmp(out.data, text.data, out.len) != 0)
                fail_msg("%s: re-encoding differs from puttygen's file", stem);
            kk_buf_free(&out);
            kk_buf_free(&text);
            kk_key_free(key);
        }
    }
}

/* What keykit writes with its own defaults, puttygen opens (private half). */
static void test_puttygen_reads_keykit_output(void **state)
{
    (void)state;
    need_files();
    for (size_t i = 0; i < NKT; i++) {
        for (int version = 2; version <= 3; version++) {
            for (int enc = 0; enc <= 1; enc++) {
                char stem[64], want[4096], got[4096];
                struct kk_buf text, out;
                struct kk_error err;
                snprintf(stem, sizeof stem, "%s.v3", kts[i].name);
                struct kk_key *key = load(path(stem, ".ppk"), NULL, &text);
                struct kk_encode_opts o = {.passphrase = enc ? PASS : NULL,
                                           .passlen = enc ? strlen(PASS) : 0};
                kk_buf_init(&out, 0);
                assert_int_equal((version == 3 ? &kk_fmt_ppk3 : &kk_fmt_ppk2)
                                     ->encode(key, &o, &out, &err), KK_OK);
                snprintf(stem, sizeof stem, "%s.kk%d%d", kts[i].name, version, enc);
                assert_int_equal(fx_write(path(stem, ".ppk"), out.data, out.len), 0);
                /* puttygen re-saves it as v3 unencrypted: that needs the private
                 * half and the MAC. */
                assert_int_equal(fx_run("puttygen '%s' --old-passphrase '%s/%s' "
                                        "--new-passphrase '%s/empty' --reencrypt -o '%s'",
                                        path(stem, ".ppk"), dir, enc ? "pw" : "empty", dir,
                                        path(stem, ".back")), 0);
                assert_int_equal(fx_capture(want, sizeof want, "puttygen -L '%s'",
                                            path(stem, ".back")), 0);
                fx_two_fields(want);
                assert_int_equal(fx_pub_line(key, got, sizeof got), 0);
                assert_string_equal(got, want);
                /* The check has teeth: a wrong passphrase, or an edited comment,
                 * and puttygen refuses. */
                if (!enc)
                    assert_int_equal(fx_run("sed -i 's/^Comment: user/Comment: usEr/' '%s'",
                                            path(stem, ".ppk")), 0);
                assert_int_not_equal(fx_run("puttygen '%s' --old-passphrase '%s/empty' "
                                            "--new-passphrase '%s/empty' --reencrypt "
                                            "-o '%s.x'", path(stem, ".ppk"), dir, dir,
                                            path(stem, ".back")), 0);
                kk_buf_free(&out);
                kk_buf_free(&text);
                kk_key_free(key);
            }
        }
    }
}

static void test_wrong_and_missing_passphrase(void **state)
{
    (void)state;
    need_files();
    struct kk_buf text;
    struct kk_key *key = NULL;
    struct kk_error err;
    assert_int_equal(fx_read(path("ed25519.v3id", ".ppk"), &text), 0);
    assert_int_equal(decode(&kk_fmt_ppk3, &text, "not it", &key, &err), KK_ERR_WRONG_PASS);
    assert_string_equal(err.msg, "wrong passphrase");
    assert_int_equal(decode(&kk_fmt_ppk3, &text, NULL, &key, &err), KK_ERR_NEED_PASS);
    kk_buf_free(&text);
    assert_int_equal(fx_read(path("rsa.v2e", ".ppk"), &text), 0);
    assert_int_equal(decode(&kk_fmt_ppk2, &text, "", &key, &err), KK_ERR_WRONG_PASS);
    assert_string_equal(err.msg, "wrong passphrase");
    kk_buf_free(&text);
}

/* Replaces the first occurrence of from with to. */
static void edit(struct kk_buf *text, const char *from, const char *to)
{
    struct kk_buf n;
    assert_int_equal(kk_buf_terminate(text), 0);
    const char *t = (const char *)text->data;
    const char *p = strstr(t, from);
    assert_non_null(p);
    kk_buf_init(&n, 0);
    kk_buf_put(&n, t, (size_t)(p - t));
    kk_buf_put(&n, to, strlen(to));
    kk_buf_put(&n, p + strlen(from), text->len - (size_t)(p - t) - strlen(from));
    kk_buf_free(text);
    *text = n;
}

static void test_edited_file_is_corrupt(void **state)
{
    (void)state;
    need_files();
    const char *files[] = {"ec256.v3", "ec256.v2"};
    for (size_t i = 0; i < 2; i++) {
        struct kk_buf text;
        struct kk_key *key = NULL;
        struct kk_error err;
        assert_int_equal(fx_read(path(files[i], ".ppk"), &text), 0);
        edit(&text, "Comment: user@host", "Comment: user@hosT");
        assert_int_equal(decode(&kk_fmt_ppk3, &text, NULL, &key, &err), KK_ERR_CORRUPT);
        assert_string_equal(err.msg, "MAC does not match: the file is corrupt or was edited");
        kk_buf_free(&text);
    }
}

/* CRLF, CR-only, no final newline, trailing spaces: all still the same key. */
static void test_real_world_text(void **state)
{
    (void)state;
    need_files();
    struct kk_buf text;
    struct kk_key *orig = load(path("rsa.v3id", ".ppk"), PASS, &text);
    for (int form = 0; form < 4; form++) {
        struct kk_buf t;
        struct kk_key *key = NULL;
        struct kk_error err;
        int lineno = 1;
        kk_buf_init(&t, 0);
        for (size_t i = 0; i < text.len; i++) {
            uint8_t c = text.data[i];
            int last = i + 1 == text.len;
            if (c != '\n') {
                kk_buf_put_u8(&t, c);
                continue;
            }
            /* Not on the Comment line: the MAC covers its trailing spaces. */
            if (form == 3 && lineno++ != 3)
                kk_buf_put(&t, "  \t", 3);
            if (form == 0)
                kk_buf_put(&t, "\r\n", 2);
            else if (form == 1)
                kk_buf_put_u8(&t, '\r');
            else if (form == 2 && last)
                ;       /* no final newline */
            else
                kk_buf_put_u8(&t, '\n');
        }
        int rc = decode(&kk_fmt_ppk3, &t, PASS, &key, &err);
        if (rc != KK_OK)
            fail_msg("form %d: %s", form, err.msg);
        assert_true(kk_key_public_equal(orig, key));
        kk_key_free(key);
        kk_buf_free(&t);
    }
    kk_key_free(orig);
    kk_buf_free(&text);
}

static void test_utf8_comment_with_spaces(void **state)
{
    (void)state;
    need_files();
    const char *c = "  J\xc3\xb6rg's  key \xe2\x9c\x93 ";
    struct kk_buf text;
    assert_int_equal(fx_run("puttygen -q '%s' --old-passphrase '%s/empty' --new-passphrase "
                            "'%s/empty' -C '%s' -o '%s'", path("ed25519.v3", ".ppk"), dir,
                            dir, "  J\xc3\xb6rg'\\''s  key \xe2\x9c\x93 ",
                            path("utf8", ".ppk")), 0);
    struct kk_key *key = load(path("utf8", ".ppk"), NULL, &text);
    assert_string_equal(key->comment, c);
    struct kk_buf out;
    struct kk_error err;
    kk_buf_init(&out, 0);
    assert_int_equal(kk_fmt_ppk3.encode(key, NULL, &out, &err), KK_OK);
    assert_int_equal(out.len, text.len);
    assert_memory_equal(out.data, text.data, out.len);
    kk_buf_free(&out);
    kk_buf_free(&text);
    kk_key_free(key);
}

/* A file with the given Argon2 numbers; the MAC never gets checked. */
static int decode_with_argon(const char *mem, const char *passes, const char *par,
                             struct kk_limits *lim, struct kk_error *err, double *ms)
{
    char text[2048];
    struct kk_pass p;
    struct kk_key *key = NULL;
    snprintf(text, sizeof text,
             "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: aes256-cbc\nComment: x\n"
             "Public-Lines: 2\nAAAAC3NzaC1lZDI1NTE5AAAAIK2YsvIYYSI+t88QVwf+W8qVF1MyVSzZPYP8alZA\n"
             "WuEd\nKey-Derivation: Argon2id\nArgon2-Memory: %s\nArgon2-Passes: %s\n"
             "Argon2-Parallelism: %s\nArgon2-Salt: b9a016863a6d33a4273f28746bc1321c\n"
             "Private-Lines: 1\n7wz2Q8U8bFfgoQB0sqLQOmttjySfWsOBz0aJmps44ckhn177u3wcJuYTfQX1ifBM\n"
             "Private-MAC: ecec9885b3ad69b0bc27b0c5896e73b533c781f62a1098ba4267376676edb70a\n",
             mem, passes, par);
    kk_pass_init(&p);
    kk_pass_set(&p, "x", 1);
    struct kk_decode_opts o = {.limits = lim, .pass = &p};
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    kk_error_clear(err);
    int rc = kk_fmt_ppk3.decode((const uint8_t *)text, strlen(text), &o, &key, err);
    clock_gettime(CLOCK_MONOTONIC, &b);
    *ms = (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6;
    assert_null(key);
    return rc;
}

static void test_argon2_caps(void **state)
{
    (void)state;
    struct kk_limits lim = kk_limits_default();
    struct kk_error err;
    double ms;
    /* 4 GiB: refused at once, without allocating. */
    assert_int_equal(decode_with_argon("4194304", "1", "1", &lim, &err, &ms), KK_ERR_CAP);
    assert_string_equal(err.msg, "Argon2 memory of 4194304 KiB is over the limit of "
                        "1048576 KiB");
    assert_string_equal(err.hint, "if you trust this file, raise the limit with "
                        "--max-argon2-memory");
    assert_int_equal(err.line, 8);
    assert_true(ms < 50);
    assert_int_equal(decode_with_argon("99999999999999999999999", "1", "1", &lim, &err, &ms),
                     KK_ERR_CAP);
    assert_int_equal(decode_with_argon("8192", "1001", "1", &lim, &err, &ms), KK_ERR_CAP);
    assert_string_equal(err.hint, "if you trust this file, raise the limit with "
                        "--max-argon2-passes");
    assert_int_equal(decode_with_argon("8192", "1", "65", &lim, &err, &ms), KK_ERR_CAP);
    assert_string_equal(err.hint, "if you trust this file, raise the limit with "
                        "--max-argon2-parallelism");
    /* Each cap is exactly the limit: at the limit the MAC is what fails. */
    lim.max_argon2_memory = 64;
    lim.max_argon2_passes = 2;
    lim.max_argon2_parallelism = 2;
    assert_int_equal(decode_with_argon("65", "1", "1", &lim, &err, &ms), KK_ERR_CAP);
    assert_int_equal(decode_with_argon("64", "3", "1", &lim, &err, &ms), KK_ERR_CAP);
    assert_int_equal(decode_with_argon("64", "2", "3", &lim, &err, &ms), KK_ERR_CAP);
    assert_int_equal(decode_with_argon("64", "2", "2", &lim, &err, &ms), KK_ERR_WRONG_PASS);
    assert_int_equal(decode_with_argon("64", "0", "1", &lim, &err, &ms), KK_ERR_FORMAT);
    assert_int_equal(decode_with_argon("15", "1", "2", &lim, &err, &ms), KK_ERR_FORMAT);
    assert_int_equal(decode_with_argon("6x", "1", "1", &lim, &err, &ms), KK_ERR_FORMAT);
    assert_string_equal(err.msg, "the 'Argon2-Memory' value is not a decimal number");
}

static void test_line_counts(void **state)
{
    (void)state;
    struct kk_error err;
    assert_int_equal(decode_str("PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\n"
                                "Comment: x\nPublic-Lines: 4000000000\nAAAA\n", NULL, &err),
                     KK_ERR_TRUNCATED);
    assert_string_equal(err.msg, "'Public-Lines' says 4000000000 lines, but only 1 lines "
                        "follow");
    assert_int_equal(err.line, 4);
    assert_int_equal(decode_str("PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\n"
                                "Comment: x\nPublic-Lines: 0\n", NULL, &err), KK_ERR_FORMAT);
    assert_int_equal(decode_str("PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\n"
                                "Comment: x\nPublic-Lines: -1\n", NULL, &err), KK_ERR_FORMAT);
}

static void test_versions_and_headers(void **state)
{
    (void)state;
    struct kk_error err;
    assert_int_equal(decode_str("PuTTY-User-Key-File-1: ssh-rsa\n", NULL, &err),
                     KK_ERR_UNSUPPORTED);
    assert_string_equal(err.msg, "PuTTY key file version 1 is not supported");
    assert_int_equal(decode_str("PuTTY-User-Key-File-4: ssh-rsa\n", NULL, &err),
                     KK_ERR_UNSUPPORTED);
    assert_int_equal(decode_str("PuTTY-User-Key-File-3: ssh-foo\n", NULL, &err),
                     KK_ERR_UNSUPPORTED);
    assert_string_equal(err.msg, "unsupported key type 'ssh-foo'");
    assert_int_equal(decode_str("PuTTY-User-Key-File-3: ssh-rsa\nEncryption: aes128-cbc\n",
                                NULL, &err), KK_ERR_UNSUPPORTED);
    assert_string_equal(err.msg, "unknown encryption 'aes128-cbc'");
    assert_int_equal(err.line, 2);
    assert_int_equal(decode_str("PuTTY-User-Key-File-3: ssh-rsa\nComment: x\n", NULL, &err),
                     KK_ERR_FORMAT);
    assert_string_equal(err.msg, "expected a 'Encryption' line, found 'Comment'");
    assert_int_equal(decode_str("PuTTY-User-Key-File-3: ssh-rsa\nEncryption: none\n", NULL,
                                &err), KK_ERR_TRUNCATED);
    assert_int_equal(decode_str("-----BEGIN OPENSSH PRIVATE KEY-----\n", NULL, &err),
                     KK_ERR_FORMAT);
}

static void test_trailing_text_and_type_mismatch(void **state)
{
    (void)state;
    need_files();
    struct kk_buf text;
    struct kk_key *key = NULL;
    struct kk_error err;
    assert_int_equal(fx_read(path("ec384.v3", ".ppk"), &text), 0);
    kk_buf_put(&text, "\n\nextra\n", 8);
    assert_int_equal(decode(&kk_fmt_ppk3, &text, NULL, &key, &err), KK_ERR_TRAILING);
    kk_buf_free(&text);
    assert_int_equal(fx_read(path("ec384.v3", ".ppk"), &text), 0);
    edit(&text, "File-3: ecdsa-sha2-nistp384", "File-3: ecdsa-sha2-nistp256");
    assert_int_equal(decode(&kk_fmt_ppk3, &text, NULL, &key, &err), KK_ERR_MISMATCH);
    kk_buf_free(&text);
}

/* A private blob of another key with the same public half fails the check
 * of the halves even before any MAC (exercised through sshwire directly). */
static void test_private_must_match_public(void **state)
{
    (void)state;
    struct kk_key *a = NULL, *b = NULL, *out = NULL;
    struct kk_error err;
    struct kk_buf priv;
    struct kk_reader r;
    for (enum kk_key_type t = KK_KEY_RSA; t <= KK_KEY_ED448; t++) {
        if (t == KK_KEY_DSA)
            continue;        /* no DSA generation in keykit */
        assert_int_equal(kk_key_generate(t, t == KK_KEY_RSA ? 1024 : 0, &a, &err), KK_OK);
        assert_int_equal(kk_key_generate(t, t == KK_KEY_RSA ? 1024 : 0, &b, &err), KK_OK);
        kk_buf_init(&priv, 0);
        assert_int_equal(kk_wire_put_private_ppk(b, &priv, &err), KK_OK);
        kk_reader_init(&r, priv.data, priv.len);
        assert_int_not_equal(kk_wire_get_private_ppk(&r, a, NULL, &out, &err), KK_OK);
        assert_null(out);
        kk_reader_init(&r, priv.data, priv.len);
        assert_int_equal(kk_wire_get_private_ppk(&r, b, NULL, &out, &err), KK_OK);
        assert_true(kk_key_public_equal(out, b));
        assert_int_equal(kk_reader_left(&r), 0);
        kk_key_free(out);
        kk_buf_free(&priv);
        kk_key_free(a);
        kk_key_free(b);
    }
}

/* Every prefix and every single-byte change fails with a code and a message,
 * or (flips inside line endings / base64 padding bits) gives the same key. */
static void test_truncation_and_bit_flips(void **state)
{
    (void)state;
    need_files();
    const char *files[] = {"ec256.v3", "ed25519.v2e"};
    for (size_t f = 0; f < 2; f++) {
        struct kk_buf text;
        struct kk_key *orig = load(path(files[f], ".ppk"), PASS, &text);
        struct kk_limits lim = kk_limits_default();
        struct kk_pass p;
        kk_pass_init(&p);
        kk_pass_set(&p, PASS, strlen(PASS));
        struct kk_decode_opts o = {.limits = &lim, .pass = &p};
        for (size_t n = 0; n + 1 < text.len; n++) {
            struct kk_key *key = NULL;
            struct kk_error err;
            kk_error_clear(&err);
            int rc = kk_fmt_ppk3.decode(text.data, n, &o, &key, &err);
            assert_int_not_equal(rc, KK_OK);
            assert_int_equal((int)err.code, rc);
            assert_true(err.msg[0] != '\0');
            assert_null(key);
        }
        for (size_t i = 0; i < text.len; i++) {
            uint8_t saved = text.data[i];
            text.data[i] ^= 0x20;
            struct kk_key *key = NULL;
            struct kk_error err;
            kk_error_clear(&err);
            int rc = kk_fmt_ppk3.decode(text.data, text.len, &o, &key, &err);
            if (rc == KK_OK)
                assert_true(kk_key_public_equal(orig, key));
            else
                assert_true(err.msg[0] != '\0' && (int)err.code == rc);
            kk_key_free(key);
            text.data[i] = saved;
        }
        kk_pass_wipe(&p);
        kk_key_free(orig);
        kk_buf_free(&text);
    }
}

static void test_round_trip_generated_keys(void **state)
{
    (void)state;
    const struct kk_argon2_params a = {.flavour = KK_ARGON2I, .memory_kib = 64, .passes = 1,
                                       .parallelism = 1};
    for (enum kk_key_type t = KK_KEY_RSA; t <= KK_KEY_ED448; t++) {
        if (t == KK_KEY_DSA)
            continue;
        struct kk_key *key = NULL, *back = NULL;
        struct kk_error err;
        assert_int_equal(kk_key_generate(t, t == KK_KEY_RSA ? 1024 : 0, &key, &err), KK_OK);
        assert_int_equal(kk_key_set_comment(key, "gen key", 7, &err), KK_OK);
        for (int v = 2; v <= 3; v++) {
            struct kk_encode_opts o = {.passphrase = "pw", .passlen = 2, .argon2 = &a};
            struct kk_buf out;
            kk_buf_init(&out, 0);
            const struct kk_format *fmt = v == 3 ? &kk_fmt_ppk3 : &kk_fmt_ppk2;
            assert_int_equal(fmt->encode(key, &o, &out, &err), KK_OK);
            assert_ptr_equal(kk_format_detect(out.data, out.len), fmt);
            assert_int_equal(decode(fmt, &out, "pw", &back, &err), KK_OK);
            assert_true(kk_key_public_equal(key, back));
            assert_string_equal(back->comment, "gen key");
            assert_true(back->was_encrypted);
            kk_key_free(back);
            kk_buf_free(&out);
        }
        kk_key_free(key);
    }
}

static void test_encode_refusals(void **state)
{
    (void)state;
    struct kk_key *key = NULL, *pub = NULL;
    struct kk_error err;
    struct kk_buf out;
    kk_buf_init(&out, 0);
    assert_int_equal(kk_key_generate(KK_KEY_ED25519, 0, &key, &err), KK_OK);
    assert_int_equal(kk_key_public_copy(key, &pub, &err), KK_OK);
    assert_int_equal(kk_fmt_ppk3.encode(pub, NULL, &out, &err), KK_ERR_NOT_PRIVATE);
    struct kk_encode_opts o = {.passphrase = "x", .passlen = 1, .cipher = "aes128-ctr"};
    assert_int_equal(kk_fmt_ppk3.encode(key, &o, &out, &err), KK_ERR_USAGE);
    assert_int_equal(kk_key_set_comment(key, "two\nlines", 9, &err), KK_OK);
    assert_int_equal(kk_fmt_ppk2.encode(key, NULL, &out, &err), KK_ERR_UNSUPPORTED);
    kk_buf_free(&out);
    kk_key_free(pub);
    kk_key_free(key);
}

static void test_registry(void **state)
{
    (void)state;
    assert_ptr_equal(kk_format_by_name("ppk"), &kk_fmt_ppk3);
    assert_ptr_equal(kk_format_by_name("ppk3"), &kk_fmt_ppk3);
    assert_ptr_equal(kk_format_by_name("ppk2"), &kk_fmt_ppk2);
    assert_ptr_equal(kk_format_for_path("dir/my key.PPK"), &kk_fmt_ppk3);
    const char *v2 = "PuTTY-User-Key-File-2: ssh-rsa\n";
    const char *v3 = "PuTTY-User-Key-File-3: ssh-rsa\n";
    assert_ptr_equal(kk_format_detect((const uint8_t *)v2, strlen(v2)), &kk_fmt_ppk2);
    assert_ptr_equal(kk_format_detect((const uint8_t *)v3, strlen(v3)), &kk_fmt_ppk3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_puttygen_files_decode),
        cmocka_unit_test(test_reencode_is_byte_identical),
        cmocka_unit_test(test_puttygen_reads_keykit_output),
        cmocka_unit_test(test_wrong_and_missing_passphrase),
        cmocka_unit_test(test_edited_file_is_corrupt),
        cmocka_unit_test(test_real_world_text),
        cmocka_unit_test(test_utf8_comment_with_spaces),
        cmocka_unit_test(test_argon2_caps),
        cmocka_unit_test(test_line_counts),
        cmocka_unit_test(test_versions_and_headers),
        cmocka_unit_test(test_trailing_text_and_type_mismatch),
        cmocka_unit_test(test_private_must_match_public),
        cmocka_unit_test(test_truncation_and_bit_flips),
        cmocka_unit_test(test_round_trip_generated_keys),
        cmocka_unit_test(test_encode_refusals),
        cmocka_unit_test(test_registry),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
