/* The public-key formats: openssh-pub, rfc4716, spki, pkcs1-pub.
 *
 * Samples are made at test time by ssh-keygen, puttygen and openssl in a
 * temporary directory; a test that needs a missing tool is skipped.  Outputs
 * are checked by reading them back with the same tools. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/base64.h"
#include "core/key.h"
#include "core/sshwire.h"
#include "formats/format.h"

static char dir[] = "/tmp/kk_fmt_public.XXXXXX";
static int have_ssh_keygen, have_openssl, have_puttygen;
static struct kk_limits lim;
static struct kk_decode_opts dopts;

/* ---- helpers */

static int have(const char *tool)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", tool);
    return system(cmd) == 0;
}

/* Runs a shell command in the temporary directory; its exit status. */
static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
    char cmd[4096];
    int n = snprintf(cmd, sizeof cmd, "cd '%s' && { ", dir);
    va_list ap;
    va_start(ap, fmt);
    n += vsnprintf(cmd + n, sizeof cmd - (size_t)n, fmt, ap);
    va_end(ap);
    snprintf(cmd + n, sizeof cmd - (size_t)n, "; } 2>/dev/null");
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The contents of dir/name, NUL-terminated; NULL if unreadable. */
static char *slurp(const char *name, size_t *len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    size_t cap = 1024, n = 0;
    char *buf = malloc(cap);
    size_t got;
    while (buf != NULL && (got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (cap - n - 1 == 0) {
            char *bigger = realloc(buf, cap * 2);
            if (bigger == NULL) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = bigger;
            cap *= 2;
        }
    }
    fclose(f);
    assert_non_null(buf);
    buf[n] = '\0';
    if (len != NULL)
        *len = n;
    return buf;
}

static void spit(const char *name, const void *data, size_t len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

static struct kk_key *decode_ok(const struct kk_format *fmt, const void *in,
                                size_t len)
{
    struct kk_error err;
    struct kk_key *key = (struct kk_key *)1;
    kk_error_clear(&err);
    int rc = fmt->decode(in, len, &dopts, &key, &err);
    if (rc != KK_OK)
        print_message("%s decode failed: %s (%s)\n", fmt->name, err.msg, err.hint);
    assert_int_equal(rc, KK_OK);
    assert_non_null(key);
    assert_non_null(key->comment);
    assert_int_equal(key->has_private, 0);
    return key;
}

static struct kk_key *decode_file(const struct kk_format *fmt, const char *name)
{
    size_t len;
    char *text = slurp(name, &len);
    if (text == NULL)
        fail_msg("%s was not made", name);
    struct kk_key *key = decode_ok(fmt, text, len);
    free(text);
    return key;
}

/* Decodes text expecting failure; returns the code, err keeps the detail. */
static int decode_fails(const struct kk_format *fmt, const char *text, size_t len,
                        struct kk_error *err)
{
    struct kk_key *key = (struct kk_key *)1;
    kk_error_clear(err);
    int rc = fmt->decode((const uint8_t *)text, len, &dopts, &key, err);
    assert_int_not_equal(rc, KK_OK);
    assert_null(key);
    assert_int_equal(err->code, rc);
    assert_true(err->msg[0] != '\0');
    return rc;
}

#define FAILS(fmt, text, err) decode_fails((fmt), (text), strlen(text), (err))

static void encode_ok(const struct kk_format *fmt, const struct kk_key *key,
                      struct kk_buf *out)
{
    struct kk_encode_opts eo = {.passphrase = NULL};
    struct kk_error err;
    kk_error_clear(&err);
    kk_buf_init(out, 0);
    int rc = fmt->encode(key, &eo, out, &err);
    if (rc != KK_OK)
        print_message("%s encode failed: %s\n", fmt->name, err.msg);
    assert_int_equal(rc, KK_OK);
    assert_int_equal(kk_buf_terminate(out), 0);
}

/* "TYPE BASE64" of a one-line public key (comment and newline dropped). */
static void key_fields(const char *line, char *out, size_t max)
{
    const char *sp = strchr(line, ' ');
    assert_non_null(sp);
    size_t n = strcspn(sp + 1, " \r\n") + (size_t)(sp + 1 - line);
    assert_true(n < max);
    memcpy(out, line, n);
    out[n] = '\0';
}

/* The one-line text of a key's public blob: "TYPE BASE64". */
static void blob_line(const struct kk_key *key, char *out, size_t max)
{
    struct kk_buf blob, b64;
    kk_buf_init(&blob, 0);
    kk_buf_init(&b64, 0);
    assert_int_equal(kk_wire_put_public(key, &blob, NULL), KK_OK);
    assert_int_equal(kk_base64_encode(blob.data, blob.len, &b64), 0);
    int n = snprintf(out, max, "%s %.*s", kk_key_type_ssh_name(key->type),
                     (int)b64.len, (const char *)b64.data);
    assert_true(n > 0 && (size_t)n < max);
    kk_buf_free(&blob);
    kk_buf_free(&b64);
}

/* Base64 of blob as text (NUL-terminated, in a static buffer). */
static const char *b64_of(const uint8_t *blob, size_t len)
{
    static char text[4096];
    struct kk_buf b;
    kk_buf_init(&b, 0);
    assert_int_equal(kk_base64_encode(blob, len, &b), 0);
    assert_true(b.len < sizeof text);
    memcpy(text, b.data, b.len);
    text[b.len] = '\0';
    kk_buf_free(&b);
    return text;
}

/* ---- the keys ssh-keygen makes for the whole suite */

static const struct sample {
    const char *name;
    const char *args;
    enum kk_key_type type;
    int bits;
} samples[] = {
    {"rsa", "-t rsa -b 2048", KK_KEY_RSA, 2048},
    {"dsa", "-t dsa", KK_KEY_DSA, 1024},
    {"p256", "-t ecdsa -b 256", KK_KEY_ECDSA_P256, 256},
    {"p384", "-t ecdsa -b 384", KK_KEY_ECDSA_P384, 384},
    {"p521", "-t ecdsa -b 521", KK_KEY_ECDSA_P521, 521},
    {"ed25519", "-t ed25519", KK_KEY_ED25519, 256},
};
#define NSAMPLES (sizeof samples / sizeof samples[0])

static int setup_suite(void **state)
{
    (void)state;
    if (mkdtemp(dir) == NULL)
        return -1;
    lim = kk_limits_default();
    dopts = (struct kk_decode_opts){.limits = &lim, .pass = NULL};
    have_ssh_keygen = have("ssh-keygen");
    have_openssl = have("openssl");
    have_puttygen = have("puttygen");
    for (size_t i = 0; have_ssh_keygen && i < NSAMPLES; i++)
        if (sh("ssh-keygen -q %s -N '' -C 'test-%s@keykit' -f %s",
               samples[i].args, samples[i].name, samples[i].name) != 0)
            return -1;
    return 0;
}

static int teardown_suite(void **state)
{
    (void)state;
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

#define NEED(tool) do { if (!have_##tool) { skip(); } } while (0)

/* A key ssh-keygen made, read from its .pub file. */
static struct kk_key *sample_key(size_t i)
{
    char name[64];
    snprintf(name, sizeof name, "%s.pub", samples[i].name);
    return decode_file(&kk_fmt_openssh_pub, name);
}

/* ===================================================== openssh-pub */

static void test_pub_reads_ssh_keygen(void **state)
{
    (void)state;
    NEED(ssh_keygen);
    for (size_t i = 0; i < NSAMPLES; i++) {
        char name[64], want[64], fp[KK_FP_MAX];
        struct kk_error err;
        snprintf(name, sizeof name, "%s.pub", samples[i].name);
        struct kk_key *key = sample_key(i);
        assert_int_equal(key->type, samples[i].type);
        assert_int_equal(kk_key_bits(key), samples[i].bits);
        snprintf(want, sizeof want, "test-%s@keykit", samples[i].name);
        assert_string_equal(key->comment, want);

        /* ssh-keygen's own fingerprint of the file, checked independently */
        assert_int_equal(sh("ssh-keygen -l -E sha256 -f %s | cut -d' ' -f2 > fp.txt",
                            name), 0);
        char *theirs = slurp("fp.txt", NULL);
        theirs[strcspn(theirs, "\n")] = '\0';
        assert_int_equal(kk_key_fingerprint(key, KK_FP_SHA256, fp, &err), KK_OK);
        assert_string_equal(fp, theirs);
        free(theirs);

        /* and what we write is byte for byte what ssh-keygen wrote */
        struct kk_buf out;
        char *file = slurp(name, NULL);
        encode_ok(&kk_fmt_openssh_pub, key, &out);
        assert_string_equal((const char *)out.data, file);
        free(file);
        kk_buf_free(&out);
        kk_key_free(key);
    }
}

static void test_pub_whitespace_and_line_ends(void **state)
{
    (void)state;
    NEED(ssh_keygen);
    char *file = slurp("ed25519.pub", NULL);
    char fields[512], text[1024];
    key_fields(file, fields, sizeof fields);
    static const struct {
        const char *before, *after;
    } variants[] = {
        {"", " test-ed25519@keykit\n"},
        {"", " test-ed25519@keykit"},                    /* no final newline */
        {"", " test-ed25519@keykit\r\n"},                /* CRLF */
        {"\n\n  \t", " \t test-ed25519@keykit \t \r\n\r\n \n"}, /* blanks around */
        {"\r\n", " test-ed25519@keykit\r\n\r\n"},
    };
    for (size_t i = 0; i < sizeof variants / sizeof variants[0]; i++) {
        snprintf(text, sizeof text, "%s%s%s", variants[i].before, fields,
                 variants[i].after);
        struct kk_key *key = decode_ok(&kk_fmt_openssh_pub, text, strlen(text));
        assert_string_equal(key->comment, "test-ed25519@keykit");
        assert_int_equal(key->type, KK_KEY_ED25519);
        kk_key_free(key);
    }
    /* inner blanks of a comment are kept; tabs separate the fields too */
    snprintf(text, sizeof text, "%s\tmy  key\tfrom host \n", fields);
    *strchr(text, ' ') = '\t';
    struct kk_key *key = decode_ok(&kk_fmt_openssh_pub, text, strlen(text));
    assert_string_equal(key->comment, "my  key\tfrom host");
    kk_key_free(key);

    /* no comment: none read, and none written (no trailing space) */
    snprintf(text, sizeof text, "%s\n", fields);
    key = decode_ok(&kk_fmt_openssh_pub, text, strlen(text));
    assert_string_equal(key->comment, "");
    struct kk_buf out;
    encode_ok(&kk_fmt_openssh_pub, key, &out);
    assert_string_equal((const char *)out.data, text);
    kk_buf_free(&out);
    kk_key_free(key);
    free(file);
}

static void test_pub_errors(void **state)
{
    (void)state;
    NEED(ssh_keygen);
    const struct kk_format *f = &kk_fmt_openssh_pub;
    struct kk_error err;
    char text[8192], ed[512], p256[512];
    char *a = slurp("ed25519.pub", NULL), *b = slurp("p256.pub", NULL);
    key_fields(a, ed, sizeof ed);
    key_fields(b, p256, sizeof p256);

    /* the type word must name the blob's type */
    snprintf(text, sizeof text, "ssh-rsa%s c\n", strchr(ed, ' '));
    assert_int_equal(FAILS(f, text, &err), KK_ERR_FORMAT);
    assert_string_equal(err.msg,
        "key type 'ssh-rsa' does not match the blob's type 'ssh-ed25519'");
    assert_int_equal(err.line, 1);

    /* one key per file */
    snprintf(text, sizeof text, "%s one\n\n%s two\n", ed, p256);
    assert_int_equal(FAILS(f, text, &err), KK_ERR_FORMAT);
    assert_string_equal(err.msg, "more than one key (line 3)");
    assert_int_equal(err.line, 3);
    assert_string_equal(err.hint, "keep one key per file");

    snprintf(text, sizeof text, "%s one\nhello\n", ed);
    assert_int_equal(FAILS(f, text, &err), KK_ERR_TRAILING);
    assert_string_equal(err.msg, "unexpected text after the key (line 2)");

    /* bad base64 is located by line and column */
    snprintf(text, sizeof text, "\n  %s c\n", ed);
    text[3 + strlen("ssh-ed25519 ") + 5] = '!';
    assert_int_equal(FAILS(f, text, &err), KK_ERR_FORMAT);
    assert_int_equal(err.line, 2);
    assert_int_equal(err.offset, 1 + 2 + (long)strlen("ssh-ed25519 ") + 5);
    if (strstr(err.msg, "bad base64 in the key at column 20") == NULL)
        fail_msg("message: %s", err.msg);

    /* base64 whose length is not a multiple of 4 */
    snprintf(text, sizeof text, "%s c\n", ed);
    text[strlen(ed) - 1] = ' ';
    assert_int_not_equal(FAILS(f, text, &err), KK_OK);
    assert_int_equal(err.line, 1);
    assert_non_null(strstr(err.msg, "bad base64 in the key at column"));

    /* a blob cut short, or with bytes after its last field */
    struct kk_key *key = decode_ok(f, a, strlen(a));
    struct kk_buf blob;
    kk_buf_init(&blob, 0);
    assert_int_equal(kk_wire_put_public(key, &blob, NULL), KK_OK);
    snprintf(text, sizeof text, "ssh-ed25519 %s c\n", b64_of(blob.data, blob.len - 3));
    assert_int_equal(FAILS(f, text, &err), KK_ERR_TRUNCATED);
    assert_int_equal(err.line, 1);
    uint8_t longer[256];
    memcpy(longer, blob.data, blob.len);
    memcpy(longer + blob.len, "\0\0\0\0", 4);
    snprintf(text, sizeof text, "ssh-ed25519 %s c\n", b64_of(longer, blob.len + 4));
    assert_int_equal(FAILS(f, text, &err), KK_ERR_TRAILING);
    kk_buf_free(&blob);
    kk_key_free(key);

    assert_int_equal(FAILS(f, "ssh-ed25519\n", &err), KK_ERR_FORMAT);
    assert_string_equal(err.msg, "missing the base64 key after 'ssh-ed25519'");
    assert_int_equal(FAILS(f, "  ssh-ed25519   \n", &err), KK_ERR_FORMAT);
    assert_string_equal(err.msg, "missing the base64 key after 'ssh-ed25519'");

    /* authorized_keys options before the type */
    snprintf(text, sizeof text, "from=\"10.0.0.1,host b\",no-pty %s c\n", ed);
    assert_int_equal(FAILS(f, text, &err), KK_ERR_FORMAT);
    assert_string_equal(err.msg,
        "the key line starts with options, as in authorized_keys (line 1)");
    assert_string_equal(err.hint, "remove everything before 'ssh-ed25519'");

    /* certificates and security keys are real, but not supported yet */
    assert_int_equal(FAILS(f, "sk-ssh-ed25519@openssh.com AAAA c\n", &err),
                     KK_ERR_UNSUPPORTED);
    assert_string_equal(err.msg,
        "sk-ssh-ed25519@openssh.com keys are not supported yet");
    assert_int_equal(FAILS(f, "ssh-rsa-cert-v01@openssh.com AAAA\n", &err),
                     KK_ERR_UNSUPPORTED);
    assert_string_equal(err.msg,
        "ssh-rsa-cert-v01@openssh.com keys are not supported yet");
    if (sh("ssh-keygen -q -s p256 -I test-cert -n root ed25519.pub") == 0) {
        size_t n;
        char *cert = slurp("ed25519-cert.pub", &n);
        assert_int_equal(decode_fails(f, cert, n, &err), KK_ERR_UNSUPPORTED);
        assert_string_equal(err.msg,
            "ssh-ed25519-cert-v01@openssh.com keys are not supported yet");
        free(cert);
    }

    assert_int_equal(FAILS(f, "ssh-foo AAAA c\n", &err), KK_ERR_FORMAT);
    assert_string_equal(err.msg, "unknown key type 'ssh-foo'");

    /* input that is not this format at all */
    assert_int_equal(FAILS(f, "", &err), KK_ERR_FORMAT);
    assert_string_equal(err.msg,
        "not an OpenSSH public key: the input holds no key line");
    assert_int_equal(FAILS(f, " \r\n\n\t\n", &err), KK_ERR_FORMAT);
    assert_int_equal(FAILS(f, "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA\n"
                           "-----END PUBLIC KEY-----\n", &err), KK_ERR_FORMAT);
    assert_string_equal(err.msg, "not an OpenSSH public key: expected "
                        "'TYPE BASE64 [COMMENT]' (line 1)");
    assert_non_null(strstr(err.hint, "spki"));
    assert_int_equal(decode_fails(f, "\x01\x02\x00\x04", 4, &err), KK_ERR_FORMAT);

    /* a comment must be text: no NUL, CR inside the line, escape, ... */
    snprintf(text, sizeof text, "%s ab", ed);
    size_t n = strlen(text);
    text[n - 1] = '\0';
    assert_int_equal(decode_fails(f, text, n, &err), KK_ERR_FORMAT);
    snprintf(text, sizeof text, "%s a\rb\r\n", ed);
    assert_int_equal(FAILS(f, text, &err), KK_ERR_FORMAT);
    snprintf(text, sizeof text, "%s a\x1b[2Jb\n", ed);
    assert_int_equal(FAILS(f, text, &err), KK_ERR_FORMAT);
    char want[KK_MSG_MAX];
    snprintf(want, sizeof want, "the comment holds a control character at "
             "column %zu (line 1)", strlen(ed) + 3);
    assert_string_equal(err.msg, want);
    assert_int_equal(err.offset, (long)strlen(ed) + 2);
    free(a);
    free(b);
}

static void test_pub_sniff(void **state)
{
    (void)state;
    int (*sniff)(const uint8_t *, size_t) = kk_fmt_openssh_pub.sniff;
#define SNIFF(s) sniff((const uint8_t *)(s), strlen(s))
    assert_int_equal(SNIFF("ssh-ed25519 AAAA c\n"), KK_SNIFF_YES);
    assert_int_equal(SNIFF("\n \r\n\tssh-rsa\tAAAA"), KK_SNIFF_YES);
    assert_int_equal(SNIFF("ecdsa-sha2-nistp521 AAAA"), KK_SNIFF_YES);
    assert_int_equal(SNIFF("ssh-ed448 AAAA"), KK_SNIFF_YES);
    assert_int_equal(SNIFF("sk-ssh-ed25519@openssh.com AAAA"), KK_SNIFF_MAYBE);
    assert_int_equal(SNIFF("ssh-rsa-cert-v01@openssh.com AAAA"), KK_SNIFF_MAYBE);
    assert_int_equal(SNIFF("no-pty,from=\"a b\" ssh-rsa AAAA c"), KK_SNIFF_MAYBE);
    assert_int_equal(SNIFF("ssh-rsa"), KK_SNIFF_NO);
    assert_int_equal(SNIFF("ssh-rsa\nAAAA"), KK_SNIFF_NO);
    assert_int_equal(SNIFF("ssh-rsax AAAA"), KK_SNIFF_NO);
    assert_int_equal(SNIFF("ssh-foo AAAA"), KK_SNIFF_NO);
    assert_int_equal(SNIFF("-----BEGIN PUBLIC KEY-----\n"), KK_SNIFF_NO);
    assert_int_equal(SNIFF("---- BEGIN SSH2 PUBLIC KEY ----\n"), KK_SNIFF_NO);
    assert_int_equal(SNIFF(""), KK_SNIFF_NO);
    assert_int_equal(SNIFF("hello world ssh-rsa"), KK_SNIFF_NO);
#undef SNIFF
}

/* ===================================================== round trips */

struct rt_key {
    struct kk_key *key;
    const char *what;
};

/* Keys of every type keykit holds: generated ones (which also hold a
 * private half), and ssh-keygen's DSA key (keykit does not make DSA). */
static size_t round_trip_keys(struct rt_key *keys, size_t max)
{
    static const struct {
        enum kk_key_type type;
        unsigned bits;
        const char *what;
    } gen[] = {
        {KK_KEY_RSA, 2048, "rsa"},          {KK_KEY_ECDSA_P256, 0, "p256"},
        {KK_KEY_ECDSA_P384, 384, "p384"},   {KK_KEY_ECDSA_P521, 521, "p521"},
        {KK_KEY_ED25519, 0, "ed25519"},     {KK_KEY_ED448, 0, "ed448"},
    };
    size_t n = 0;
    struct kk_error err;
    for (size_t i = 0; i < sizeof gen / sizeof gen[0] && n < max; i++) {
        struct kk_key *k = NULL;
        int rc = kk_key_generate(gen[i].type, gen[i].bits, &k, &err);
        if (rc != KK_OK)
            fail_msg("generate %s: %s", gen[i].what, err.msg);
        assert_int_equal(kk_key_set_comment(k, "round trip key", 14, &err), KK_OK);
        keys[n++] = (struct rt_key){.key = k, .what = gen[i].what};
    }
    if (have_ssh_keygen && n < max) {
        struct kk_key *k = sample_key(1);
        assert_int_equal(kk_key_set_comment(k, "round trip key", 14, &err), KK_OK);
        keys[n++] = (struct rt_key){.key = k, .what = "dsa"};
    }
    return n;
}

static void round_trip(const struct kk_format *fmt)
{
    struct rt_key keys[8];
    size_t n = round_trip_keys(keys, 8);
    int encoded = 0;

    for (size_t i = 0; i < n; i++) {
        struct kk_key *k = keys[i].key;
        if (fmt->can_encode != NULL && !fmt->can_encode(k)) {
            struct kk_encode_opts eo = {.passphrase = NULL};
            struct kk_error err;
            struct kk_buf out;
            kk_buf_init(&out, 0);
            assert_int_equal(fmt->encode(k, &eo, &out, &err), KK_ERR_UNSUPPORTED);
            assert_int_equal(out.len, 0);
            kk_buf_free(&out);
            kk_key_free(k);
            continue;
        }
        struct kk_buf out;
        encode_ok(fmt, k, &out);
        assert_int_equal(fmt->sniff(out.data, out.len), KK_SNIFF_YES);
        assert_ptr_equal(kk_format_detect(out.data, out.len), fmt);
        struct kk_key *back = decode_ok(fmt, out.data, out.len);
        if (!kk_key_public_equal(k, back))
            fail_msg("%s: %s key changed in a round trip", fmt->name, keys[i].what);
        assert_int_equal(back->type, k->type);
        /* formats without comments drop them */
        assert_string_equal(back->comment,
                            (fmt->flags & KK_FMT_COMMENT) ? "round trip key" : "");
        /* a public format never carries the private half */
        assert_null(strstr((const char *)out.data, "PRIVATE"));
        encoded++;
        kk_buf_free(&out);
        kk_key_free(back);
        kk_key_free(k);
    }
    assert_true(encoded > 0);
}

static void test_round_trip_openssh_pub(void **state)
{
    (void)state;
    round_trip(&kk_fmt_openssh_pub);
}

static void test_round_trip_rfc4716(void **state)
{
    (void)state;
    round_trip(&kk_fmt_rfc4716);
}

static void test_round_trip_spki(void **state)
{
    (void)state;
    round_trip(&kk_fmt_spki);
}

static void test_round_trip_pkcs1_pub(void **state)
{
    (void)state;
    round_trip(&kk_fmt_pkcs1_pub);
}

/* ===================================================== rfc4716 */

/* The value of the Comment header ssh-keygen -e wrote, without quotes. */
static void their_comment(const char *text, char *out, size_t max)
{
    const char *c = strstr(text, "\nComment: \"");
    assert_non_null(c);
    c += strlen("\nComment: \"");
    size_t n = strcspn(c, "\"");
    assert_true(n < max);
    memcpy(out, c, n);
    out[n] = '\0';
}

static void test_rfc4716_ssh_keygen(void **state)
{
    (void)state;
    NEED(ssh_keygen);
    for (size_t i = 0; i < NSAMPLES; i++) {
        const char *s = samples[i].name;
        char comment[256], line[8192], fields[8192];
        assert_int_equal(sh("ssh-keygen -e -f %s.pub > %s.ssh2", s, s), 0);
        char name[64];
        snprintf(name, sizeof name, "%s.ssh2", s);
        char *theirs = slurp(name, NULL);
        struct kk_key *pub = sample_key(i);
        struct kk_key *key = decode_file(&kk_fmt_rfc4716, name);
        assert_true(kk_key_public_equal(key, pub));
        their_comment(theirs, comment, sizeof comment);
        assert_string_equal(key->comment, comment);

        /* ours is byte for byte theirs, given the same comment */
        struct kk_buf out;
        encode_ok(&kk_fmt_rfc4716, key, &out);
        if (strlen("Comment: \"\"") + strlen(comment) <= 72) {
            assert_string_equal((const char *)out.data, theirs);
        } else {
            /* a long Comment line is folded by us, not by ssh-keygen: compare
             * from the first body line on */
            const char *body = strstr(theirs, "\"\n") + 2;
            const char *ours = strstr((const char *)out.data, "\"\n") + 2;
            assert_string_equal(ours, body);
        }

        /* and ssh-keygen reads ours back as the same key */
        snprintf(name, sizeof name, "%s.ours.ssh2", s);
        spit(name, out.data, out.len);
        assert_int_equal(sh("ssh-keygen -i -f %s > %s.back", name, s), 0);
        snprintf(name, sizeof name, "%s.back", s);
        char *back = slurp(name, NULL);
        key_fields(back, fields, sizeof fields);
        blob_line(pub, line, sizeof line);
        assert_string_equal(fields, line);
        free(back);
        free(theirs);
        kk_buf_free(&out);
        kk_key_free(key);
        kk_key_free(pub);
    }
}

static void test_rfc4716_long_comment(void **state)
{
    (void)state;
    NEED(ssh_keygen);
    const char *comment = "a comment long enough to be folded across lines by "
                          "the RFC 4716 writer, with \"quotes\" and a \\ too";
    struct kk_key *key = sample_key(0);
    struct kk_error err;
    assert_int_equal(kk_key_set_comment(key, comment, strlen(comment), &err), KK_OK);
    struct kk_buf out;
    encode_ok(&kk_fmt_rfc4716, key, &out);
    const char *text = (const char *)out.data;
    assert_non_null(strstr(text, "\\\n"));
    for (const char *p = text; *p != '\0'; p += strcspn(p, "\n") + 1)
        assert_true(strcspn(p, "\n") <= 72);
    assert_true(strncmp(text, "---- BEGIN SSH2 PUBLIC KEY ----\nComment: \"", 42) == 0);
    struct kk_key *back = decode_ok(&kk_fmt_rfc4716, out.data, out.len);
    assert_string_equal(back->comment, comment);
    assert_true(kk_key_public_equal(key, back));
    spit("long.ssh2", out.data, out.len);
    assert_int_equal(sh("ssh-keygen -i -f long.ssh2 > long.back"), 0);
    char line[8192], fields[8192];
    char *theirs = slurp("long.back", NULL);
    key_fields(theirs, fields, sizeof fields);
    blob_line(key, line, sizeof line);
    assert_string_equal(fields, line);
    free(theirs);

    /* an empty comment writes no header at all */
    assert_int_equal(kk_key_set_comment(key, "", 0, &err), KK_OK);
    kk_buf_free(&out);
    encode_ok(&kk_fmt_rfc4716, key, &out);
    assert_null(strstr((const char *)out.data, "Comment"));
    assert_true(strncmp((const char *)out.data,
                        "---- BEGIN SSH2 PUBLIC KEY ----\nAAAAB3NzaC1yc2E", 46) == 0);

    /* comments an RFC 4716 header cannot hold are refused, not mangled */
    assert_int_equal(kk_key_set_comment(key, "a\x01z", 3, &err), KK_OK);
    struct kk_buf bad;
    kk_buf_init(&bad, 0);
    struct kk_encode_opts eo = {.passphrase = NULL};
    assert_int_equal(kk_fmt_rfc4716.encode(key, &eo, &bad, &err), KK_ERR_UNSUPPORTED);
    assert_int_equal(kk_fmt_openssh_pub.encode(key, &eo, &bad, &err),
                     KK_ERR_UNSUPPORTED);
    assert_int_equal(bad.len, 0);
    /* a tab is text */
    assert_int_equal(kk_key_set_comment(key, "a\tb", 3, &err), KK_OK);
    assert_int_equal(kk_fmt_rfc4716.encode(key, &eo, &bad, &err), KK_OK);
    struct kk_key *tab = decode_ok(&kk_fmt_rfc4716, bad.data, bad.len);
    assert_string_equal(tab->comment, "a\tb");
    kk_key_free(tab);
    kk_buf_reset(&bad);
    assert_int_equal(kk_fmt_openssh_pub.encode(key, &eo, &bad, &err), KK_OK);
    tab = decode_ok(&kk_fmt_openssh_pub, bad.data, bad.len);
    assert_string_equal(tab->comment, "a\tb");
    kk_key_free(tab);
    kk_buf_reset(&bad);
    assert_int_equal(kk_key_set_comment(key, "a\nb", 3, &err), KK_OK);
    assert_int_equal(kk_fmt_openssh_pub.encode(key, &eo, &bad, &err),
                     KK_ERR_UNSUPPORTED);
    assert_int_equal(kk_fmt_rfc4716.encode(key, &eo, &bad, &err), KK_ERR_UNSUPPORTED);
    assert_int_equal(bad.len, 0);
    kk_buf_free(&bad);
    kk_buf_free(&out);
    kk_key_free(back);
    kk_key_free(key);
}

static void test_rfc4716_puttygen(void **state)
{
    (void)state;
    NEED(puttygen);
    static const struct {
        const char *args;
        const char *comment;
        enum kk_key_type type;
    } keys[] = {
        {"-t rsa -b 2048", "putty rsa key with a comment that runs past the "
                           "seventy-two columns RFC 4716 asks for", KK_KEY_RSA},
        {"-t ecdsa -b 384", "ecdsa-key-20240101", KK_KEY_ECDSA_P384},
        {"-t ed25519", "eddsa key", KK_KEY_ED25519},
    };
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        assert_int_equal(sh("puttygen %s -C '%s' -o p%zu.ppk --new-passphrase "
                            "/dev/null && puttygen p%zu.ppk -O public -o p%zu.ssh2 "
                            "&& puttygen p%zu.ppk -O public-openssh -o p%zu.pub",
                            keys[i].args, keys[i].comment, i, i, i, i, i), 0);
        char name[32];
        snprintf(name, sizeof name, "p%zu.ssh2", i);
        struct kk_key *key = decode_file(&kk_fmt_rfc4716, name);
        assert_int_equal(key->type, keys[i].type);
        assert_string_equal(key->comment, keys[i].comment);
        snprintf(name, sizeof name, "p%zu.pub", i);
        struct kk_key *pub = decode_file(&kk_fmt_openssh_pub, name);
        assert_true(kk_key_public_equal(key, pub));
        assert_string_equal(pub->comment, keys[i].comment);
        kk_key_free(pub);
        kk_key_free(key);
    }
}

static void test_rfc4716_headers(void **state)
{
    (void)state;
    NEED(ssh_keygen);
    char *theirs = slurp("p256.ssh2", NULL);
    const char *body = strstr(theirs, "\"\n");
    assert_non_null(body);
    body += 2;
    char text[4096];
    struct kk_key *pub = sample_key(2);

    /* RFC 4716 3.3: headers in any case, continuation lines, other headers */
    snprintf(text, sizeof text, "---- BEGIN SSH2 PUBLIC KEY ----\r\n"
             "Subject: me\r\nx-private-thing: \"a\"\r\n"
             "comment: \"folded over two \\\r\nlines\"\r\n%s", body);
    struct kk_key *key = decode_ok(&kk_fmt_rfc4716, text, strlen(text));
    assert_string_equal(key->comment, "folded over two lines");
    assert_true(kk_key_public_equal(key, pub));
    kk_key_free(key);

    /* quotes are optional */
    snprintf(text, sizeof text, "\n\n---- BEGIN SSH2 PUBLIC KEY ----\n"
             "Comment: plain words  \n%s\n\n", body);
    key = decode_ok(&kk_fmt_rfc4716, text, strlen(text));
    assert_string_equal(key->comment, "plain words");
    kk_key_free(key);

    /* no Comment header: no comment */
    snprintf(text, sizeof text, "---- BEGIN SSH2 PUBLIC KEY ----\n%s", body);
    key = decode_ok(&kk_fmt_rfc4716, text, strlen(text));
    assert_string_equal(key->comment, "");
    kk_key_free(key);
    kk_key_free(pub);
    free(theirs);
}

static void test_rfc4716_errors(void **state)
{
    (void)state;
    NEED(ssh_keygen);
    const struct kk_format *f = &kk_fmt_rfc4716;
    struct kk_error err;
    char *theirs = slurp("ed25519.ssh2", NULL);
    char text[8192];

    /* missing END */
    snprintf(text, sizeof text, "%s", theirs);
    *strstr(text, "---- END") = '\0';
    assert_int_equal(FAILS(f, text, &err), KK_ERR_FORMAT);
    assert_string_equal(err.msg, "no END line for SSH2 PUBLIC KEY");

    /* two keys, and text after the key */
    snprintf(text, sizeof text, "%s\n%s", theirs, theirs);
    assert_int_equal(FAILS(f, text, &err), KK_ERR_FORMAT);
    assert_string_equal(err.msg, "more than one key (line 6)");
    assert_int_equal(err.line, 6);
    snprintf(text, sizeof text, "%s\nssh-rsa AAAA\n", theirs);
    assert_int_equal(FAILS(f, text, &err), KK_ERR_TRAILING);
    assert_string_equal(err.msg, "unexpected text after the END line (line 6)");

    /* other formats */
    assert_int_equal(FAILS(f, "ssh-ed25519 AAAA c\n", &err), KK_ERR_FORMAT);
    assert_string_equal(err.msg, "not an RFC 4716 public key: no "
                        "'---- BEGIN SSH2 PUBLIC KEY ----' line");
    assert_non_null(strstr(err.hint, "openssh-pub"));
    assert_int_equal(FAILS(f, "---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----\n"
                           "AAAA\n---- END SSH2 ENCRYPTED PRIVATE KEY ----\n",
                           &err), KK_ERR_FORMAT);
    assert_string_equal(err.msg, "not an RFC 4716 public key: found "
                        "'---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----'");
    assert_int_equal(FAILS(f, "", &err), KK_ERR_FORMAT);

    /* a blob cut short, or with bytes after it */
    struct kk_key *key = decode_ok(f, theirs, strlen(theirs));
    struct kk_buf blob;
    kk_buf_init(&blob, 0);
    assert_int_equal(kk_wire_put_public(key, &blob, NULL), KK_OK);
    snprintf(text, sizeof text, "---- BEGIN SSH2 PUBLIC KEY ----\n%s\n"
             "---- END SSH2 PUBLIC KEY ----\n", b64_of(blob.data, blob.len - 1));
    assert_int_equal(FAILS(f, text, &err), KK_ERR_TRUNCATED);
    uint8_t longer[128];
    memcpy(longer, blob.data, blob.len);
    longer[blob.len] = 0;
    snprintf(text, sizeof text, "---- BEGIN SSH2 PUBLIC KEY ----\n%s\n"
             "---- END SSH2 PUBLIC KEY ----\n", b64_of(longer, blob.len + 1));
    assert_int_equal(FAILS(f, text, &err), KK_ERR_TRAILING);

    /* bad base64 in the body names its line */
    snprintf(text, sizeof text, "---- BEGIN SSH2 PUBLIC KEY ----\nComment: x\n%s\n"
             "---- END SSH2 PUBLIC KEY ----\n", b64_of(blob.data, blob.len));
    text[strlen("---- BEGIN SSH2 PUBLIC KEY ----\nComment: x\n") + 3] = '*';
    assert_int_equal(FAILS(f, text, &err), KK_ERR_FORMAT);
    assert_int_equal(err.line, 3);
    kk_buf_free(&blob);
    kk_key_free(key);
    free(theirs);
}

static void test_rfc4716_sniff(void **state)
{
    (void)state;
    int (*sniff)(const uint8_t *, size_t) = kk_fmt_rfc4716.sniff;
#define SNIFF(s) sniff((const uint8_t *)(s), strlen(s))
    assert_int_equal(SNIFF("---- BEGIN SSH2 PUBLIC KEY ----\nAAAA\n"), KK_SNIFF_YES);
    assert_int_equal(SNIFF("\r\n  ---- BEGIN SSH2 PUBLIC KEY ----\r\n"), KK_SNIFF_YES);
    assert_int_equal(SNIFF("---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----\n"), KK_SNIFF_NO);
    assert_int_equal(SNIFF("-----BEGIN PUBLIC KEY-----\n"), KK_SNIFF_NO);
    assert_int_equal(SNIFF("ssh-rsa AAAA\n"), KK_SNIFF_NO);
    assert_int_equal(SNIFF(""), KK_SNIFF_NO);
#undef SNIFF
}

/* ===================================================== spki */

static void test_spki_tools(void **state)
{
    (void)state;
    NEED(ssh_keygen);
    NEED(openssl);
    for (size_t i = 0; i < NSAMPLES; i++) {
        const char *s = samples[i].name;
        char name[64], line[8192], fields[8192];
        struct kk_key *pub = sample_key(i);
        struct kk_buf out;
        encode_ok(&kk_fmt_spki, pub, &out);
        snprintf(name, sizeof name, "%s.spki", s);
        spit(name, out.data, out.len);
        /* openssl reads ours */
        assert_int_equal(sh("openssl pkey -pubin -in %s -noout", name), 0);
        assert_int_equal(sh("openssl pkey -pubin -in %s -outform DER -out %s.der",
                            name, s), 0);

        /* ssh-keygen 9.2 converts RSA, DSA and ECDSA, not Ed25519 */
        if (samples[i].type == KK_KEY_ED25519) {
            kk_buf_free(&out);
            kk_key_free(pub);
            continue;
        }
        /* ours equals ssh-keygen's own -e -m PKCS8, and it reads ours back */
        assert_int_equal(sh("ssh-keygen -e -m PKCS8 -f %s.pub > %s.theirs.spki", s, s), 0);
        snprintf(name, sizeof name, "%s.theirs.spki", s);
        char *theirs = slurp(name, NULL);
        assert_string_equal((const char *)out.data, theirs);
        struct kk_key *key = decode_file(&kk_fmt_spki, name);
        assert_true(kk_key_public_equal(key, pub));
        assert_string_equal(key->comment, "");
        assert_int_equal(sh("ssh-keygen -i -m PKCS8 -f %s.spki > %s.back", s, s), 0);
        snprintf(name, sizeof name, "%s.back", s);
        char *back = slurp(name, NULL);
        key_fields(back, fields, sizeof fields);
        blob_line(pub, line, sizeof line);
        assert_string_equal(fields, line);
        free(back);
        free(theirs);
        kk_key_free(key);
        kk_buf_free(&out);
        kk_key_free(pub);
    }
}

static void test_spki_openssl(void **state)
{
    (void)state;
    NEED(openssl);
    static const char *const algs[] = {
        "RSA -pkeyopt rsa_keygen_bits:2048", "EC -pkeyopt ec_paramgen_curve:P-256",
        "EC -pkeyopt ec_paramgen_curve:P-384", "EC -pkeyopt ec_paramgen_curve:P-521",
        "ED25519", "ED448",
    };
    static const enum kk_key_type types[] = {
        KK_KEY_RSA, KK_KEY_ECDSA_P256, KK_KEY_ECDSA_P384, KK_KEY_ECDSA_P521,
        KK_KEY_ED25519, KK_KEY_ED448,
    };
    for (size_t i = 0; i < sizeof algs / sizeof algs[0]; i++) {
        assert_int_equal(sh("openssl genpkey -algorithm %s -out o%zu.key && "
                            "openssl pkey -in o%zu.key -pubout -out o%zu.spki",
                            algs[i], i, i, i), 0);
        char name[32];
        size_t len;
        snprintf(name, sizeof name, "o%zu.spki", i);
        char *theirs = slurp(name, &len);
        struct kk_key *key = decode_ok(&kk_fmt_spki, theirs, len);
        assert_int_equal(key->type, types[i]);
        struct kk_buf out;
        encode_ok(&kk_fmt_spki, key, &out);
        assert_string_equal((const char *)out.data, theirs);
        free(theirs);
        kk_buf_free(&out);
        kk_key_free(key);
    }
    /* DSA, whose parameters openssl makes separately */
    assert_int_equal(sh("openssl genpkey -genparam -algorithm DSA -pkeyopt "
                        "dsa_paramgen_bits:1024 -out dsa.param && openssl genpkey "
                        "-paramfile dsa.param -out odsa.key && openssl pkey -in "
                        "odsa.key -pubout -out odsa.spki"), 0);
    struct kk_key *key = decode_file(&kk_fmt_spki, "odsa.spki");
    assert_int_equal(key->type, KK_KEY_DSA);
    kk_key_free(key);
}

static void test_spki_errors(void **state)
{
    (void)state;
    NEED(openssl);
    const struct kk_format *f = &kk_fmt_spki;
    struct kk_error err;

    assert_int_equal(FAILS(f, "ssh-ed25519 AAAA c\n", &err), KK_ERR_FORMAT);
    assert_string_equal(err.msg, "not an SPKI public key: no "
                        "'-----BEGIN PUBLIC KEY-----' line");
    assert_int_equal(FAILS(f, "-----BEGIN RSA PUBLIC KEY-----\nMAA=\n"
                           "-----END RSA PUBLIC KEY-----\n", &err), KK_ERR_FORMAT);
    assert_string_equal(err.msg, "not an SPKI public key: expected a 'PUBLIC KEY' "
                        "block, found 'RSA PUBLIC KEY'");
    assert_non_null(strstr(err.hint, "pkcs1-pub"));
    /* valid armour around DER that is not a key */
    assert_int_equal(FAILS(f, "-----BEGIN PUBLIC KEY-----\nMAMCAQE=\n"
                           "-----END PUBLIC KEY-----\n", &err), KK_ERR_FORMAT);
    assert_string_equal(err.msg, "the 'PUBLIC KEY' block does not hold a valid "
                        "public key");
    assert_int_equal(err.line, 1);
    assert_int_equal(FAILS(f, "-----BEGIN PUBLIC KEY-----\n"
                           "-----END PUBLIC KEY-----\n", &err), KK_ERR_FORMAT);
    assert_int_equal(FAILS(f, "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA\n",
                           &err), KK_ERR_FORMAT);   /* no END */

    /* a real key, then made wrong in ways the decoder must see */
    assert_int_equal(sh("openssl genpkey -algorithm ED25519 -out e.key && openssl "
                        "pkey -in e.key -pubout -out e.spki && openssl pkey -in "
                        "e.key -pubout -outform DER -out e.der && "
                        "openssl genpkey -algorithm X25519 | openssl pkey -pubout "
                        "-out x.spki && openssl genpkey -algorithm RSA -pkeyopt "
                        "rsa_keygen_bits:512 | openssl pkey -pubout -out r512.spki"),
                     0);
    char text[8192];
    size_t dlen;
    char *der = slurp("e.der", &dlen);
    uint8_t longer[128];
    memcpy(longer, der, dlen);
    longer[dlen] = 0;
    snprintf(text, sizeof text, "-----BEGIN PUBLIC KEY-----\n%s\n-----END PUBLIC "
             "KEY-----\n", b64_of(longer, dlen + 1));
    assert_int_equal(FAILS(f, text, &err), KK_ERR_TRAILING);
    free(der);

    char *spki = slurp("e.spki", NULL);
    snprintf(text, sizeof text, "%s%s", spki, spki);
    assert_int_equal(FAILS(f, text, &err), KK_ERR_FORMAT);
    assert_string_equal(err.msg, "more than one key (line 4)");
    snprintf(text, sizeof text, "%sextra\n", spki);
    assert_int_equal(FAILS(f, text, &err), KK_ERR_TRAILING);
    snprintf(text, sizeof text, "-----BEGIN PUBLIC KEY-----\nX-Note: hi\n\n%s",
             strchr(spki, '\n') + 1);
    assert_int_equal(FAILS(f, text, &err), KK_ERR_FORMAT);
    free(spki);

    /* an RSAPublicKey is not an SPKI, though OpenSSL's decoder takes it */
    assert_int_equal(sh("openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 "
                        "-out k.key && openssl rsa -in k.key -RSAPublicKey_out "
                        "-outform DER -out k.p1.der"), 0);
    der = slurp("k.p1.der", &dlen);
    snprintf(text, sizeof text, "-----BEGIN PUBLIC KEY-----\n%s\n-----END PUBLIC "
             "KEY-----\n", b64_of((uint8_t *)der, dlen));
    assert_int_equal(FAILS(f, text, &err), KK_ERR_FORMAT);
    assert_string_equal(err.msg, "the 'PUBLIC KEY' block does not hold a valid "
                        "public key");
    free(der);

    /* a compressed EC point is a valid SPKI (RFC 5480) */
    assert_int_equal(sh("openssl ecparam -name secp384r1 -genkey -out c.key && "
                        "openssl ec -in c.key -pubout -conv_form compressed -out "
                        "c.spki && openssl ec -in c.key -pubout -out u.spki"), 0);
    char *c = slurp("c.spki", NULL), *u = slurp("u.spki", NULL);
    struct kk_key *ck = decode_ok(f, c, strlen(c)), *uk = decode_ok(f, u, strlen(u));
    assert_int_equal(ck->type, KK_KEY_ECDSA_P384);
    assert_true(kk_key_public_equal(ck, uk));
    kk_key_free(ck);
    kk_key_free(uk);
    free(c);
    free(u);

    /* keys OpenSSL reads but keykit does not hold, or refuses */
    char *x = slurp("x.spki", NULL);
    assert_int_equal(FAILS(f, x, &err), KK_ERR_UNSUPPORTED);
    free(x);
    char *r = slurp("r512.spki", NULL);
    assert_int_equal(FAILS(f, r, &err), KK_ERR_BAD_KEY);
    free(r);
}

/* ===================================================== pkcs1-pub */

static void test_pkcs1_pub_tools(void **state)
{
    (void)state;
    NEED(ssh_keygen);
    NEED(openssl);
    char line[8192], fields[8192];
    struct kk_key *pub = sample_key(0);

    /* ssh-keygen's -e -m PEM: read, and written byte for byte */
    assert_int_equal(sh("ssh-keygen -e -m PEM -f rsa.pub > rsa.theirs.p1"), 0);
    char *theirs = slurp("rsa.theirs.p1", NULL);
    assert_true(strncmp(theirs, "-----BEGIN RSA PUBLIC KEY-----\n", 31) == 0);
    struct kk_key *key = decode_file(&kk_fmt_pkcs1_pub, "rsa.theirs.p1");
    assert_true(kk_key_public_equal(key, pub));
    struct kk_buf out;
    encode_ok(&kk_fmt_pkcs1_pub, pub, &out);
    assert_string_equal((const char *)out.data, theirs);

    /* both tools read ours */
    spit("rsa.ours.p1", out.data, out.len);
    assert_int_equal(sh("openssl rsa -RSAPublicKey_in -in rsa.ours.p1 -noout"), 0);
    assert_int_equal(sh("ssh-keygen -i -m PEM -f rsa.ours.p1 > rsa.p1.back"), 0);
    char *back = slurp("rsa.p1.back", NULL);
    key_fields(back, fields, sizeof fields);
    blob_line(pub, line, sizeof line);
    assert_string_equal(fields, line);
    free(back);
    free(theirs);
    kk_buf_free(&out);
    kk_key_free(key);

    /* openssl's -RSAPublicKey_out and -pubout give the same key */
    assert_int_equal(sh("openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 "
                        "-out r.key && openssl rsa -in r.key -RSAPublicKey_out -out "
                        "r.p1 && openssl pkey -in r.key -pubout -out r.spki"), 0);
    struct kk_key *a = decode_file(&kk_fmt_pkcs1_pub, "r.p1");
    struct kk_key *b = decode_file(&kk_fmt_spki, "r.spki");
    assert_true(kk_key_public_equal(a, b));
    kk_key_free(a);
    kk_key_free(b);
    kk_key_free(pub);
}

static void test_pkcs1_pub_errors(void **state)
{
    (void)state;
    const struct kk_format *f = &kk_fmt_pkcs1_pub;
    struct kk_error err;
    struct kk_key *ed = NULL;

    /* RSA only */
    assert_int_equal(kk_key_generate(KK_KEY_ED25519, 0, &ed, &err), KK_OK);
    assert_int_equal(f->can_encode(ed), 0);
    struct kk_buf out;
    kk_buf_init(&out, 0);
    struct kk_encode_opts eo = {.passphrase = NULL};
    assert_int_equal(f->encode(ed, &eo, &out, &err), KK_ERR_UNSUPPORTED);
    assert_string_equal(err.msg, "pkcs1-pub holds only RSA keys");
    assert_int_equal(out.len, 0);
    kk_buf_free(&out);
    kk_key_free(ed);

    assert_int_equal(FAILS(f, "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA\n"
                           "-----END PUBLIC KEY-----\n", &err), KK_ERR_FORMAT);
    assert_string_equal(err.msg, "not a PKCS#1 RSA public key: expected a "
                        "'RSA PUBLIC KEY' block, found 'PUBLIC KEY'");
    assert_non_null(strstr(err.hint, "spki"));
    assert_int_equal(FAILS(f, "hello\n", &err), KK_ERR_FORMAT);
    assert_string_equal(err.msg, "not a PKCS#1 RSA public key: no "
                        "'-----BEGIN RSA PUBLIC KEY-----' line");

    if (!have_openssl)
        return;
    /* an SPKI or a private key wrapped in the RSA PUBLIC KEY label */
    assert_int_equal(sh("openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 "
                        "-out w.key && openssl pkey -in w.key -pubout -outform DER "
                        "-out w.spki.der && openssl rsa -in w.key -traditional "
                        "-outform DER -out w.priv.der"), 0);
    static const char *const ders[] = {"w.spki.der", "w.priv.der"};
    static const char *const msgs[] = {
        "the 'RSA PUBLIC KEY' block does not hold a PKCS#1 RSAPublicKey",
        "the 'RSA PUBLIC KEY' block does not hold a valid public key",
    };
    for (size_t i = 0; i < 2; i++) {
        size_t n;
        char *der = slurp(ders[i], &n);
        char text[8192];
        snprintf(text, sizeof text, "-----BEGIN RSA PUBLIC KEY-----\n%s\n"
                 "-----END RSA PUBLIC KEY-----\n", b64_of((uint8_t *)der, n));
        assert_int_equal(FAILS(f, text, &err), KK_ERR_FORMAT);
        assert_string_equal(err.msg, msgs[i]);
        assert_int_equal(err.line, 1);
        free(der);
    }
}

static void test_pem_public_sniff(void **state)
{
    (void)state;
#define SNIFF(f, s) (f).sniff((const uint8_t *)(s), strlen(s))
    assert_int_equal(SNIFF(kk_fmt_spki, "-----BEGIN PUBLIC KEY-----\n"), KK_SNIFF_YES);
    assert_int_equal(SNIFF(kk_fmt_spki, "\n -----BEGIN PUBLIC KEY-----\r\n"),
                     KK_SNIFF_YES);
    assert_int_equal(SNIFF(kk_fmt_spki, "-----BEGIN RSA PUBLIC KEY-----\n"), KK_SNIFF_NO);
    assert_int_equal(SNIFF(kk_fmt_spki, "-----BEGIN PRIVATE KEY-----\n"), KK_SNIFF_NO);
    assert_int_equal(SNIFF(kk_fmt_spki, "ssh-rsa AAAA"), KK_SNIFF_NO);
    assert_int_equal(SNIFF(kk_fmt_pkcs1_pub, "-----BEGIN RSA PUBLIC KEY-----\n"),
                     KK_SNIFF_YES);
    assert_int_equal(SNIFF(kk_fmt_pkcs1_pub, "-----BEGIN PUBLIC KEY-----\n"),
                     KK_SNIFF_NO);
    assert_int_equal(SNIFF(kk_fmt_pkcs1_pub, "-----BEGIN RSA PRIVATE KEY-----\n"),
                     KK_SNIFF_NO);
    assert_int_equal(SNIFF(kk_fmt_pkcs1_pub, ""), KK_SNIFF_NO);
#undef SNIFF
}

/* Every public format's decoder survives every truncation of a real sample
 * and a flipped bit at every position: it fails cleanly or yields a key. */
static void test_truncate_and_flip(void **state)
{
    (void)state;
    NEED(ssh_keygen);
    struct kk_error err;
    struct {
        const struct kk_format *f;
        const char *file;
    } cases[] = {
        {&kk_fmt_openssh_pub, "p256.pub"}, {&kk_fmt_rfc4716, "p256.ssh2"},
    };
    if (sh("test -f p256.ssh2 || ssh-keygen -e -f p256.pub > p256.ssh2") != 0)
        fail();
    for (size_t c = 0; c < 2; c++) {
        size_t len;
        char *text = slurp(cases[c].file, &len);
        for (size_t n = 0; n < len; n++) {
            struct kk_key *key = NULL;
            kk_error_clear(&err);
            int rc = cases[c].f->decode((uint8_t *)text, n, &dopts, &key, &err);
            /* a cut inside the comment or the final newline still decodes */
            if (rc == KK_OK)
                kk_key_free(key);
            else
                assert_null(key);
        }
        for (size_t i = 0; i < len * 8; i++) {
            struct kk_key *key = NULL;
            text[i / 8] ^= (char)(1u << (i % 8));
            int rc = cases[c].f->decode((uint8_t *)text, len, &dopts, &key, &err);
            text[i / 8] ^= (char)(1u << (i % 8));
            if (rc == KK_OK)
                kk_key_free(key);
            else
                assert_true(err.msg[0] != '\0');
        }
        free(text);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pub_reads_ssh_keygen),
        cmocka_unit_test(test_pub_whitespace_and_line_ends),
        cmocka_unit_test(test_pub_errors),
        cmocka_unit_test(test_pub_sniff),
        cmocka_unit_test(test_round_trip_openssh_pub),
        cmocka_unit_test(test_round_trip_rfc4716),
        cmocka_unit_test(test_round_trip_spki),
        cmocka_unit_test(test_round_trip_pkcs1_pub),
        cmocka_unit_test(test_rfc4716_ssh_keygen),
        cmocka_unit_test(test_rfc4716_long_comment),
        cmocka_unit_test(test_rfc4716_puttygen),
        cmocka_unit_test(test_rfc4716_headers),
        cmocka_unit_test(test_rfc4716_errors),
        cmocka_unit_test(test_rfc4716_sniff),
        cmocka_unit_test(test_spki_tools),
        cmocka_unit_test(test_spki_openssl),
        cmocka_unit_test(test_spki_errors),
        cmocka_unit_test(test_pkcs1_pub_tools),
        cmocka_unit_test(test_pkcs1_pub_errors),
        cmocka_unit_test(test_pem_public_sniff),
        cmocka_unit_test(test_truncate_and_flip),
    };
    return cmocka_run_group_tests(tests, setup_suite, teardown_suite);
}
