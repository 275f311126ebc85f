/* The public C API (include/keykit.h), linked against libkeykit.so, so
 * only what the shared library exports is used.  Fingerprints expected here
 * are what `ssh-keygen -l` (and -E md5) prints for the samples. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <keykit.h>

#ifndef KK_SAMPLES_DIR
#error "KK_SAMPLES_DIR must name the samples directory"
#endif

#define ED25519_SHA256 "SHA256:o83xjhe7874DrPqURyZpxnWvCPpQprHwYNM3ljqe/5o"
#define ED25519_MD5 "MD5:cd:dc:3a:4e:11:7c:13:f4:71:51:aa:75:5a:9b:89:c3"
#define ED25519_ENC_SHA256 "SHA256:mQTqjYdT/xfSa+8I9nO2HAxR0/TA38uhKLfffdBbfts"
#define RSA_SHA256 "SHA256:QN7/viK4f0VJ7+3s8r1bMkN9oMIfnngBkul5ABfg6mQ"
#define RSA_MD5 "MD5:91:3c:a9:1d:cc:1b:a4:0a:f2:a8:8c:2f:34:66:18:22"
#define ECDSA_SHA256 "SHA256:2PfYRSgNr32h8Hir73Wdt25INnkkdtZFaddmXf+L9qc"
#define SAMPLE_PASS "keykit-sample"

struct file {
    char *data;
    size_t len;
};

static struct file slurp(const char *name)
{
    char path[1024];
    struct file f = { NULL, 0 };
    FILE *fp;
    long n;

    snprintf(path, sizeof path, "%s/%s", KK_SAMPLES_DIR, name);
    fp = fopen(path, "rb");
    assert_non_null(fp);
    assert_int_equal(fseek(fp, 0, SEEK_END), 0);
    n = ftell(fp);
    assert_true(n > 0);
    rewind(fp);
    f.data = malloc((size_t)n + 1);
    assert_non_null(f.data);
    assert_int_equal(fread(f.data, 1, (size_t)n, fp), (size_t)n);
    f.data[n] = '\0';
    f.len = (size_t)n;
    fclose(fp);
    return f;
}

/* The passphrase callback: counts its calls, answers with ctx->pass
 * (NULL: declines). */
struct pw {
    const char *pass;
    int calls;
    size_t size_seen;
};

static int give_pass(void *ctx, char *buf, size_t size)
{
    struct pw *p = ctx;
    size_t n;

    p->calls++;
    p->size_seen = size;
    if (p->pass == NULL)
        return -1;
    n = strlen(p->pass);
    if (n > size)
        return -1;
    memcpy(buf, p->pass, n);
    return (int)n;
}

static keykit_key *load_sample(const char *name, struct pw *pw)
{
    struct file f = slurp(name);
    struct keykit_error err;
    keykit_key *key = NULL;
    int rc = keykit_key_load(f.data, f.len, NULL, pw != NULL ? give_pass : NULL, pw,
                             &key, &err);
    free(f.data);
    if (rc != KEYKIT_OK)
        fail_msg("%s: %s", name, err.message);
    assert_int_equal(err.code, KEYKIT_OK);
    assert_non_null(key);
    return key;
}

static void expect_fp(const keykit_key *key, enum keykit_hash h, const char *want)
{
    char fp[KEYKIT_FINGERPRINT_MAX];
    struct keykit_error err;

    assert_int_equal(keykit_key_fingerprint(key, h, fp, sizeof fp, &err), KEYKIT_OK);
    assert_string_equal(fp, want);
}

/* ---- version and errors ---- */

static void test_version(void **state)
{
    (void)state;
    assert_string_equal(keykit_version(), KK_VERSION);
}

static void test_strerror(void **state)
{
    (void)state;
    assert_string_equal(keykit_strerror(KEYKIT_ERR_INTERNAL + 1), "unknown error");
    assert_string_equal(keykit_strerror(-1), "unknown error");
    for (int c = KEYKIT_OK; c <= KEYKIT_ERR_INTERNAL; c++) {
        const char *t = keykit_strerror(c);
        assert_non_null(t);
        assert_string_not_equal(t, "unknown error");
        for (int d = KEYKIT_OK; d < c; d++)
            assert_string_not_equal(t, keykit_strerror(d));
    }
}

/* ---- loading ---- */

static void test_load_private(void **state)
{
    struct pw pw = { .pass = SAMPLE_PASS };
    keykit_key *key = load_sample("openssh_ed25519", &pw);

    (void)state;
    assert_int_equal(pw.calls, 0);     /* not encrypted: never asked */
    assert_string_equal(keykit_key_type(key), "ssh-ed25519");
    assert_string_equal(keykit_key_type_label(key), "ED25519");
    assert_int_equal(keykit_key_bits(key), 256);
    assert_string_equal(keykit_key_comment(key), "sample-ed25519");
    assert_int_equal(keykit_key_has_private(key), 1);
    assert_int_equal(keykit_key_was_encrypted(key), 0);
    assert_string_equal(keykit_key_format(key), "openssh");
    expect_fp(key, KEYKIT_HASH_SHA256, ED25519_SHA256);
    expect_fp(key, KEYKIT_HASH_MD5, ED25519_MD5);
    keykit_key_free(key);
}

static void test_load_public(void **state)
{
    keykit_key *key = load_sample("openssh_rsa2048.pub", NULL);

    (void)state;
    assert_string_equal(keykit_key_type(key), "ssh-rsa");
    assert_string_equal(keykit_key_type_label(key), "RSA");
    assert_int_equal(keykit_key_bits(key), 2048);
    assert_int_equal(keykit_key_has_private(key), 0);
    assert_string_equal(keykit_key_format(key), "openssh-pub");
    expect_fp(key, KEYKIT_HASH_SHA256, RSA_SHA256);
    expect_fp(key, KEYKIT_HASH_MD5, RSA_MD5);
    keykit_key_free(key);

    /* Other formats of the same keys give the same fingerprints. */
    key = load_sample("rfc4716_rsa2048.pub", NULL);
    assert_string_equal(keykit_key_format(key), "rfc4716");
    expect_fp(key, KEYKIT_HASH_SHA256, RSA_SHA256);
    keykit_key_free(key);
    key = load_sample("openssh_ecdsa256", NULL);
    assert_string_equal(keykit_key_type(key), "ecdsa-sha2-nistp256");
    assert_string_equal(keykit_key_type_label(key), "ECDSA");
    expect_fp(key, KEYKIT_HASH_SHA256, ECDSA_SHA256);
    keykit_key_free(key);
}

static void test_load_encrypted(void **state)
{
    struct file f = slurp("openssh_ed25519_enc");
    struct keykit_error err;
    keykit_key *key = (keykit_key *)&err;   /* must be reset to NULL */
    struct pw pw = { .pass = SAMPLE_PASS };

    (void)state;
    /* No callback: refused, with a hint for a library caller. */
    assert_int_equal(keykit_key_load(f.data, f.len, NULL, NULL, NULL, &key, &err),
                     KEYKIT_ERR_NEED_PASS);
    assert_null(key);
    assert_int_equal(err.code, KEYKIT_ERR_NEED_PASS);
    assert_true(strlen(err.message) > 0);
    assert_non_null(strstr(err.hint, "keykit_passphrase_fn"));

    /* The callback declines. */
    struct pw none = { .pass = NULL };
    assert_int_equal(keykit_key_load(f.data, f.len, NULL, give_pass, &none, &key, &err),
                     KEYKIT_ERR_NEED_PASS);
    assert_int_equal(none.calls, 1);
    assert_null(key);

    /* A wrong passphrase. */
    struct pw wrong = { .pass = "not-it" };
    assert_int_equal(keykit_key_load(f.data, f.len, NULL, give_pass, &wrong, &key, &err),
                     KEYKIT_ERR_WRONG_PASS);
    assert_int_equal(wrong.calls, 1);
    assert_null(key);

    /* The right one: asked once, with room for KEYKIT_PASSPHRASE_MAX. */
    assert_int_equal(keykit_key_load(f.data, f.len, NULL, give_pass, &pw, &key, &err),
                     KEYKIT_OK);
    assert_int_equal(pw.calls, 1);
    assert_int_equal(pw.size_seen, KEYKIT_PASSPHRASE_MAX);
    assert_int_equal(keykit_key_was_encrypted(key), 1);
    assert_string_equal(keykit_key_comment(key), "sample-ed25519-enc");
    expect_fp(key, KEYKIT_HASH_SHA256, ED25519_ENC_SHA256);
    keykit_key_free(key);
    free(f.data);

    /* PuTTY v3 (Argon2) and PKCS#8 through the same callback. */
    pw.calls = 0;
    key = load_sample("ppk3_ed25519_enc.ppk", &pw);
    assert_int_equal(pw.calls, 1);
    assert_string_equal(keykit_key_format(key), "ppk3");
    keykit_key_free(key);
    key = load_sample("pkcs8_rsa2048_enc.pem", &pw);
    assert_string_equal(keykit_key_format(key), "pkcs8");
    assert_int_equal(keykit_key_bits(key), 2048);
    keykit_key_free(key);
}

static void test_load_named_and_bad(void **state)
{
    struct file f = slurp("openssh_ed25519");
    struct keykit_error err;
    keykit_key *key = NULL;

    (void)state;
    assert_int_equal(keykit_key_load(f.data, f.len, "openssh", NULL, NULL, &key, &err),
                     KEYKIT_OK);
    expect_fp(key, KEYKIT_HASH_SHA256, ED25519_SHA256);
    keykit_key_free(key);
    key = NULL;

    /* The wrong format named: that decoder refuses the bytes. */
    assert_int_not_equal(keykit_key_load(f.data, f.len, "ppk", NULL, NULL, &key, &err),
                         KEYKIT_OK);
    assert_null(key);
    assert_true(strlen(err.message) > 0);
    /* An unknown name is the caller's mistake. */
    assert_int_equal(keykit_key_load(f.data, f.len, "nope", NULL, NULL, &key, &err),
                     KEYKIT_ERR_USAGE);
    assert_null(key);
    free(f.data);

    /* Not a key at all; nothing; no output pointer; err may be NULL. */
    assert_int_equal(keykit_key_load("hello world\n", 12, NULL, NULL, NULL, &key, &err),
                     KEYKIT_ERR_FORMAT);
    assert_int_equal(err.code, KEYKIT_ERR_FORMAT);
    assert_null(key);
    assert_int_equal(keykit_key_load(NULL, 0, NULL, NULL, NULL, &key, NULL),
                     KEYKIT_ERR_FORMAT);
    assert_int_equal(keykit_key_load(NULL, 5, NULL, NULL, NULL, &key, NULL),
                     KEYKIT_ERR_USAGE);
    assert_int_equal(keykit_key_load("x", 1, NULL, NULL, NULL, NULL, NULL),
                     KEYKIT_ERR_USAGE);

    /* Over the 1 MiB cap: refused before any parsing. */
    size_t big = ((size_t)1 << 20) + 1;
    char *huge = calloc(1, big);
    assert_non_null(huge);
    assert_int_equal(keykit_key_load(huge, big, NULL, NULL, NULL, &key, &err),
                     KEYKIT_ERR_TOO_BIG);
    free(huge);

    /* Truncated: every prefix of a key fails cleanly. */
    f = slurp("openssh_rsa2048.pub");
    for (size_t n = 0; n + 1 < f.len; n += 37) {
        if (keykit_key_load(f.data, n, NULL, NULL, NULL, &key, &err) == KEYKIT_OK)
            fail_msg("a %zu-byte prefix loaded", n);
        assert_null(key);
        assert_int_not_equal(err.code, KEYKIT_OK);
    }
    free(f.data);
}

/* ---- saving ---- */

static void test_save_public_line(void **state)
{
    keykit_key *key = load_sample("openssh_ed25519", NULL);
    struct file pub = slurp("openssh_ed25519.pub");
    struct keykit_buffer out = { (unsigned char *)"x", 1 };
    struct keykit_error err;

    (void)state;
    assert_int_equal(keykit_key_save(key, "pub", "ignored for public formats", &out, &err),
                     KEYKIT_OK);
    assert_int_equal(out.len, pub.len);
    assert_memory_equal(out.data, pub.data, pub.len);
    assert_int_equal(out.data[out.len], '\0');
    keykit_buffer_free(&out);
    assert_null(out.data);
    assert_int_equal(out.len, 0);
    keykit_buffer_free(&out);      /* an empty buffer is fine */
    keykit_buffer_free(NULL);

    /* A new comment shows in the output; control bytes are refused. */
    assert_int_equal(keykit_key_set_comment(key, "me@host", &err), KEYKIT_OK);
    assert_string_equal(keykit_key_comment(key), "me@host");
    assert_int_equal(keykit_key_set_comment(key, "bad\ncomment", &err), KEYKIT_ERR_USAGE);
    assert_string_equal(keykit_key_comment(key), "me@host");
    assert_int_equal(keykit_key_save(key, "openssh-pub", NULL, &out, &err), KEYKIT_OK);
    assert_non_null(strstr((const char *)out.data, " me@host\n"));
    keykit_buffer_free(&out);
    assert_int_equal(keykit_key_set_comment(key, NULL, &err), KEYKIT_OK);
    assert_string_equal(keykit_key_comment(key), "");

    free(pub.data);
    keykit_key_free(key);
}

static void test_save_encrypted_round_trip(void **state)
{
    keykit_key *key = load_sample("openssh_rsa2048", NULL);
    struct keykit_buffer out;
    struct keykit_error err;
    keykit_key *back = NULL;
    struct pw pw = { .pass = "s3cret pass" };

    (void)state;
    assert_int_equal(keykit_key_save(key, "pkcs8", pw.pass, &out, &err), KEYKIT_OK);
    assert_non_null(strstr((const char *)out.data, "BEGIN ENCRYPTED PRIVATE KEY"));
    /* Encrypted: no passphrase, no key. */
    assert_int_equal(keykit_key_load(out.data, out.len, NULL, NULL, NULL, &back, &err),
                     KEYKIT_ERR_NEED_PASS);
    assert_int_equal(keykit_key_load(out.data, out.len, NULL, give_pass, &pw, &back, &err),
                     KEYKIT_OK);
    assert_int_equal(keykit_key_was_encrypted(back), 1);
    assert_int_equal(keykit_key_has_private(back), 1);
    expect_fp(back, KEYKIT_HASH_SHA256, RSA_SHA256);
    keykit_key_free(back);
    keykit_buffer_free(&out);

    /* "" means unencrypted. */
    assert_int_equal(keykit_key_save(key, "openssh", "", &out, &err), KEYKIT_OK);
    assert_int_equal(keykit_key_load(out.data, out.len, NULL, NULL, NULL, &back, &err),
                     KEYKIT_OK);
    assert_int_equal(keykit_key_was_encrypted(back), 0);
    keykit_key_free(back);
    keykit_buffer_free(&out);
    keykit_key_free(key);
}

/* Every format keykit names: written, then read back by name and by
 * detection, as the same key. */
static void test_every_format(void **state)
{
    keykit_key *key = load_sample("openssh_rsa2048", NULL);
    struct pw pw = { .pass = "pw" };
    size_t n = 0;

    (void)state;
    for (const char *name; (name = keykit_format_name(n)) != NULL; n++) {
        struct keykit_buffer out;
        struct keykit_error err;
        keykit_key *back = NULL;

        if (keykit_key_save(key, name, NULL, &out, &err) != KEYKIT_OK)
            fail_msg("save %s: %s", name, err.message);
        assert_true(out.len > 0);
        assert_int_equal(keykit_key_load(out.data, out.len, name, give_pass, &pw, &back,
                                         &err), KEYKIT_OK);
        expect_fp(back, KEYKIT_HASH_SHA256, RSA_SHA256);
        keykit_key_free(back);
        assert_int_equal(keykit_key_load(out.data, out.len, NULL, give_pass, &pw, &back,
                                         &err), KEYKIT_OK);
        assert_string_equal(keykit_key_format(back), name);
        keykit_key_free(back);
        keykit_buffer_free(&out);
    }
    assert_int_equal(n, 10);
    assert_string_equal(keykit_format_name(0), "openssh");
    assert_null(keykit_format_name(1000));
    keykit_key_free(key);
}

static void test_save_refusals(void **state)
{
    keykit_key *pub = load_sample("openssh_ed25519.pub", NULL);
    keykit_key *priv = load_sample("openssh_ed25519", NULL);
    struct keykit_buffer out;
    struct keykit_error err;

    (void)state;
    /* A public key cannot become a private key file. */
    assert_int_equal(keykit_key_save(pub, "openssh", NULL, &out, &err),
                     KEYKIT_ERR_NOT_PRIVATE);
    assert_null(out.data);
    assert_int_equal(out.len, 0);
    assert_true(strlen(err.message) > 0);
    /* Formats that cannot hold Ed25519. */
    assert_int_equal(keykit_key_save(priv, "sshcom", NULL, &out, &err),
                     KEYKIT_ERR_UNSUPPORTED);
    assert_int_equal(keykit_key_save(priv, "pkcs1-pub", NULL, &out, &err),
                     KEYKIT_ERR_UNSUPPORTED);
    assert_null(out.data);
    /* Caller mistakes. */
    assert_int_equal(keykit_key_save(priv, "nope", NULL, &out, &err), KEYKIT_ERR_USAGE);
    assert_int_equal(keykit_key_save(NULL, "openssh", NULL, &out, &err), KEYKIT_ERR_USAGE);
    assert_int_equal(keykit_key_save(priv, NULL, NULL, &out, &err), KEYKIT_ERR_USAGE);
    assert_int_equal(keykit_key_save(priv, "openssh", NULL, NULL, NULL), KEYKIT_ERR_USAGE);
    keykit_key_free(pub);
    keykit_key_free(priv);
}

static void test_fingerprint_args(void **state)
{
    keykit_key *key = load_sample("openssh_ed25519.pub", NULL);
    char small[10] = "junk";
    struct keykit_error err;

    (void)state;
    assert_int_equal(keykit_key_fingerprint(key, KEYKIT_HASH_SHA256, small, sizeof small,
                                            &err), KEYKIT_ERR_USAGE);
    assert_string_equal(small, "");
    assert_int_equal(keykit_key_fingerprint(key, (enum keykit_hash)7, small, sizeof small,
                                            &err), KEYKIT_ERR_USAGE);
    assert_int_equal(keykit_key_fingerprint(NULL, KEYKIT_HASH_SHA256, small, sizeof small,
                                            NULL), KEYKIT_ERR_USAGE);
    /* Getters on NULL. */
    assert_null(keykit_key_type(NULL));
    assert_null(keykit_key_comment(NULL));
    assert_int_equal(keykit_key_bits(NULL), 0);
    assert_int_equal(keykit_key_has_private(NULL), 0);
    keykit_key_free(NULL);
    keykit_key_free(key);
}

/* ---- checks ---- */

static const struct keykit_finding *find(const keykit_check *c, const char *id)
{
    size_t n;
    const struct keykit_finding *f = keykit_check_findings(c, &n);

    for (size_t i = 0; i < n; i++)
        if (strcmp(f[i].id, id) == 0)
            return &f[i];
    return NULL;
}

static void test_check(void **state)
{
    struct file ed = slurp("openssh_ed25519.pub");
    struct file rsa = slurp("openssh_rsa2048.pub");
    struct keykit_error err;
    keykit_check *c = NULL;
    size_t n = 99;

    (void)state;
    /* A good key passes; without its newline too (no warning for that). */
    assert_int_equal(keykit_check_line(ed.data, ed.len, NULL, 0, &c, &err), KEYKIT_OK);
    assert_int_equal(keykit_check_passed(c), 1);
    keykit_check_findings(c, &n);
    assert_int_equal(n, 0);
    keykit_check_free(c);
    assert_int_equal(keykit_check_line(ed.data, ed.len - 1, "default", 0, &c, &err),
                     KEYKIT_OK);
    assert_int_equal(keykit_check_passed(c), 1);
    assert_null(keykit_check_findings(c, &n));
    assert_int_equal(n, 0);
    keykit_check_free(c);

    /* Cisco CSR 1000v takes RSA only. */
    assert_int_equal(keykit_check_line(ed.data, ed.len, "cisco-csr1000v", 0, &c, &err),
                     KEYKIT_OK);
    assert_int_equal(keykit_check_passed(c), 0);
    const struct keykit_finding *f = find(c, "profile-type");
    assert_non_null(f);
    assert_int_equal(f->level, KEYKIT_LEVEL_ERROR);
    assert_int_equal(f->line, 1);
    assert_true(strlen(f->message) > 0);
    assert_non_null(f->fix);
    keykit_check_free(c);

    /* RSA 2048: a warning; it fails only when strict. */
    assert_int_equal(keykit_check_line(rsa.data, rsa.len, NULL, 0, &c, &err), KEYKIT_OK);
    assert_int_equal(keykit_check_passed(c), 1);
    f = find(c, "rsa-below-3072");
    assert_non_null(f);
    assert_int_equal(f->level, KEYKIT_LEVEL_WARNING);
    keykit_check_free(c);
    assert_int_equal(keykit_check_line(rsa.data, rsa.len, NULL, KEYKIT_CHECK_STRICT, &c,
                                       &err), KEYKIT_OK);
    assert_int_equal(keykit_check_passed(c), 0);
    keykit_check_free(c);

    /* Cut short: the blob is truncated (an error, with a column and a fix). */
    assert_int_equal(keykit_check_line(rsa.data, 200, NULL, 0, &c, &err), KEYKIT_OK);
    assert_int_equal(keykit_check_passed(c), 0);
    const struct keykit_finding *all = keykit_check_findings(c, &n);
    assert_true(n >= 1);
    assert_int_equal(all[0].level, KEYKIT_LEVEL_ERROR);
    assert_true(all[0].col >= 1);
    assert_true(strlen(all[0].fix) > 0);
    keykit_check_free(c);

    /* Empty text: a finding, not a failure of the call. */
    assert_int_equal(keykit_check_line(NULL, 0, NULL, 0, &c, &err), KEYKIT_OK);
    assert_int_equal(keykit_check_passed(c), 0);
    assert_non_null(find(c, "empty-file"));
    keykit_check_free(c);

    /* Caller mistakes. */
    assert_int_equal(keykit_check_line(ed.data, ed.len, "no-such-profile", 0, &c, &err),
                     KEYKIT_ERR_USAGE);
    assert_null(c);
    assert_int_equal(keykit_check_line(ed.data, ed.len, NULL, 0x80, &c, &err),
                     KEYKIT_ERR_USAGE);
    assert_int_equal(keykit_check_line(ed.data, ed.len, NULL, 0, NULL, NULL),
                     KEYKIT_ERR_USAGE);
    assert_int_equal(keykit_check_passed(NULL), 0);
    keykit_check_free(NULL);

    free(ed.data);
    free(rsa.data);
}

static void test_profiles(void **state)
{
    size_t n = 0;
    int cisco = 0;

    (void)state;
    assert_string_equal(keykit_profile_name(0), "default");
    for (const char *p; (p = keykit_profile_name(n)) != NULL; n++)
        cisco |= strcmp(p, "cisco-csr1000v") == 0;
    assert_true(cisco);
    assert_true(n >= 2);
}

/* ---- threads: loads, fingerprints and checks at the same time ---- */

#define THREADS 4
#define ROUNDS 8

static void *worker(void *arg)
{
    const struct file *pub = arg;
    long bad = 0;

    for (int i = 0; i < ROUNDS; i++) {
        keykit_key *key = NULL;
        keykit_check *c = NULL;
        char fp[KEYKIT_FINGERPRINT_MAX];

        if (keykit_key_load(pub->data, pub->len, NULL, NULL, NULL, &key, NULL) != KEYKIT_OK ||
            keykit_key_fingerprint(key, KEYKIT_HASH_SHA256, fp, sizeof fp, NULL) != KEYKIT_OK ||
            strcmp(fp, RSA_SHA256) != 0)
            bad++;
        if (keykit_check_line(pub->data, pub->len, "aws", 0, &c, NULL) != KEYKIT_OK ||
            !keykit_check_passed(c))
            bad++;
        keykit_check_free(c);
        keykit_key_free(key);
    }
    return (void *)bad;
}

static void test_threads(void **state)
{
    struct file pub = slurp("openssh_rsa2048.pub");
    pthread_t t[THREADS];

    (void)state;
    for (int i = 0; i < THREADS; i++)
        assert_int_equal(pthread_create(&t[i], NULL, worker, &pub), 0);
    for (int i = 0; i < THREADS; i++) {
        void *bad = NULL;
        assert_int_equal(pthread_join(t[i], &bad), 0);
        assert_null(bad);
    }
    free(pub.data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_version),
        cmocka_unit_test(test_strerror),
        cmocka_unit_test(test_load_private),
        cmocka_unit_test(test_load_public),
        cmocka_unit_test(test_load_encrypted),
        cmocka_unit_test(test_load_named_and_bad),
        cmocka_unit_test(test_save_public_line),
        cmocka_unit_test(test_save_encrypted_round_trip),
        cmocka_unit_test(test_every_format),
        cmocka_unit_test(test_save_refusals),
        cmocka_unit_test(test_fingerprint_args),
        cmocka_unit_test(test_check),
        cmocka_unit_test(test_profiles),
        cmocka_unit_test(test_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
