/* Unit tests for core/armor.c.  The samples were made by real tools:
 * ssh-keygen -e (RFC 4716), puttygen -O public (RFC 4716, 64 wide),
 * openssl genrsa -traditional -aes256 (PEM with Proc-Type/DEK-Info) and
 * openssl pkey -pubout (PEM without headers); OpenSSL's own PEM reader
 * checks our PEM results. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include "core/armor.h"

/* openssl genrsa -traditional -aes256 -passout pass:test 1024 */
static const char pem_enc[] =
    "-----BEGIN RSA PRIVATE KEY-----\n"
    "Proc-Type: 4,ENCRYPTED\n"
    "DEK-Info: AES-256-CBC,8AE86C86D3090404187C82267E8C2D13\n"
    "\n"
    "fcR5qf7Ko/iiUmGDNhBsbE/W5LW7zE0qfpLvr/oK8aREEV5EP8f9pjZcoxc+LrFP\n"
    "Xv/UCIcXn0j8n+Y1ab7ZdiRC3DrHpdVWvy6gXY+hAHHEx6KGUFFwv7uL7/J84bud\n"
    "rQ57RHTommx3p7DW38UQVzkUqcH5gQszzCwK2+EIr1MKOOlKnuSMs4wRaxDSRFl3\n"
    "N4ftTHYh8JWjbdJfoe4qoJnXWB8PCHCEpO8Bp88AHcKxSqjUWCcUb8XOXvjm8Pnk\n"
    "hE7BjQee+1mqjQ829hxwxwwSyPXl3T79mlQer6BA8H7OyZWGs8bgAMkOEh5lyHYm\n"
    "q3H/khik6RDuj4iKGknsrSYV12oV3JSCzm1M4XwxnzZoHfON2CnQNugMCQKtA99P\n"
    "k+KBqHoNIV/+7pQzNsUfJ2OlFCEE3c0wShkO8WyKoxp9Zp4DtFKDGgD8VFLwSLyk\n"
    "/rB6e/L6iWMbgupR34TcwBE93i7N4LUsiPvQGYi24D2EY6pekEow3nShCHBt53WW\n"
    "85M9XvM+rDhLzo0yB2wFR2yogi9lYOa3hxD2kJcI0BlHBsVdsmnCrO0bMkUUifXx\n"
    "cAgFFZfu8PvQn5zh9mDMM87UtYBgdZwMR8QQJDO0nEElA4urvQ/oym92FaiRN7XH\n"
    "jE1cNz06BlwK70CZiIuonq2nm60JgVuwahznK6CjD3VAKPDeCczcTz03tSpFWlXt\n"
    "XRHcXtMpJv3FfbB2dyE1WgWKa11fe/0PMGnrPVC5f8h+k2mDfRlVfZntaebaJUtP\n"
    "V7iBZCpthGof0cyY5JDkDGNHYIsI02TrGQiECuxAnLmLMAl7966JN7KOBMVr2wfS\n"
    "-----END RSA PRIVATE KEY-----\n";

/* openssl pkey -pubout of an Ed25519 key */
static const char pem_pub[] =
    "-----BEGIN PUBLIC KEY-----\n"
    "MCowBQYDK2VwAyEAkPeajxBcB2GReFFd0g8l1vOk+62WAxmqyNyUxgp+umo=\n"
    "-----END PUBLIC KEY-----\n";

/* ssh-keygen -e -f k.pub, and k.pub itself */
static const char ssh2_ed[] =
    "---- BEGIN SSH2 PUBLIC KEY ----\n"
    "Comment: \"256-bit ED25519, converted by root@vm from OpenSSH\"\n"
    "AAAAC3NzaC1lZDI1NTE5AAAAICJ1kowhxnDiof/5oOxlyz1R6CchweUfmGh6fHTs6CAd\n"
    "---- END SSH2 PUBLIC KEY ----\n";
static const char blob_ed[] =
    "AAAAC3NzaC1lZDI1NTE5AAAAICJ1kowhxnDiof/5oOxlyz1R6CchweUfmGh6fHTs6CAd";

/* ssh-keygen -e -f r.pub (70 wide), puttygen r -O public (64 wide), r.pub */
static const char ssh2_rsa[] =
    "---- BEGIN SSH2 PUBLIC KEY ----\n"
    "Comment: \"1024-bit RSA, converted by root@vm from OpenSSH\"\n"
    "AAAAB3NzaC1yc2EAAAADAQABAAAAgQDigEa0a4iLYoTV63jVTq+LB8y3Ni6to0W7hWth3J\n"
    "vZpnPT3zEnej1b7IeAZ1+1XOao/zlO3QRds23rXzud2/EgLVbDYsQp7/4FU6G9KajNbgFK\n"
    "uf4wP5uIU+9UVZuFTvmKmqVdl0+jc2gbTj2k0nrDoXYjqooXL2HggF3Fhqp5BQ==\n"
    "---- END SSH2 PUBLIC KEY ----\n";
static const char ssh2_rsa_putty[] =
    "---- BEGIN SSH2 PUBLIC KEY ----\n"
    "Comment: \"rsa@keykit\"\n"
    "AAAAB3NzaC1yc2EAAAADAQABAAAAgQDigEa0a4iLYoTV63jVTq+LB8y3Ni6to0W7\n"
    "hWth3JvZpnPT3zEnej1b7IeAZ1+1XOao/zlO3QRds23rXzud2/EgLVbDYsQp7/4F\n"
    "U6G9KajNbgFKuf4wP5uIU+9UVZuFTvmKmqVdl0+jc2gbTj2k0nrDoXYjqooXL2Hg\n"
    "gF3Fhqp5BQ==\n"
    "---- END SSH2 PUBLIC KEY ----\n";
static const char blob_rsa[] =
    "AAAAB3NzaC1yc2EAAAADAQABAAAAgQDigEa0a4iLYoTV63jVTq+LB8y3Ni6to0W7hWth3JvZpnPT3zEn"
    "ej1b7IeAZ1+1XOao/zlO3QRds23rXzud2/EgLVbDYsQp7/4FU6G9KajNbgFKuf4wP5uIU+9UVZuFTvmK"
    "mqVdl0+jc2gbTj2k0nrDoXYjqooXL2HggF3Fhqp5BQ==";

/* RFC 4716 §3.3.2 style: a continued Comment and a private header. */
static const char ssh2_cont[] =
    "---- BEGIN SSH2 PUBLIC KEY ----\n"
    "Subject: me\n"
    "Comment: 1024-bit rsa, created by me@example.com Mon Jan 15 \\\n"
    "08:31:24 2001\n"
    "x-command: /home/me/bin/lock-in-guest.sh\n"
    "AAAAB3NzaC1yc2EAAAADAQABAAAAgQDigEa0a4iLYoTV63jVTq+LB8y3Ni6to0W7hWth3J\n"
    "vZpnPT3zEnej1b7IeAZ1+1XOao/zlO3QRds23rXzud2/EgLVbDYsQp7/4FU6G9KajNbgFK\n"
    "uf4wP5uIU+9UVZuFTvmKmqVdl0+jc2gbTj2k0nrDoXYjqooXL2HggF3Fhqp5BQ==\n"
    "---- END SSH2 PUBLIC KEY ----\n";

/* ---- helpers */

static int dec(const char *text, enum kk_armor_style style, struct kk_armor *a,
               struct kk_error *err)
{
    kk_error_clear(err);
    return kk_armor_decode((const uint8_t *)text, strlen(text), style, a, err);
}

/* A copy of s with the first `from` replaced by `to`. */
static char *replace(const char *s, const char *from, const char *to)
{
    const char *at = strstr(s, from);
    assert_non_null(at);
    size_t a = (size_t)(at - s), f = strlen(from), t = strlen(to), n = strlen(s);
    char *r = malloc(n - f + t + 1);
    assert_non_null(r);
    memcpy(r, s, a);
    memcpy(r + a, to, t);
    memcpy(r + a + t, at + f, n - a - f + 1);
    return r;
}

static char *crlf(const char *s)
{
    char *r = malloc(2 * strlen(s) + 1);
    assert_non_null(r);
    char *p = r;
    for (; *s; s++) {
        if (*s == '\n')
            *p++ = '\r';
        *p++ = *s;
    }
    *p = '\0';
    return r;
}

/* Base64 decoded by OpenSSL directly, padding removed. */
static size_t ref_b64(const char *text, uint8_t *out)
{
    size_t n = strlen(text);
    int got = EVP_DecodeBlock(out, (const unsigned char *)text, (int)n);
    assert_true(got >= 0);
    size_t pad = (n > 0 && text[n - 1] == '=') + (n > 1 && text[n - 2] == '=');
    return (size_t)got - pad;
}

static void check_against_openssl(const char *text, const struct kk_armor *a)
{
    BIO *bio = BIO_new_mem_buf(text, (int)strlen(text));
    char *name = NULL, *header = NULL;
    unsigned char *data = NULL;
    long len = 0;
    assert_non_null(bio);
    assert_int_equal(PEM_read_bio(bio, &name, &header, &data, &len), 1);
    assert_string_equal(a->label, name);
    assert_int_equal(a->body.len, (size_t)len);
    assert_memory_equal(a->body.data, data, (size_t)len);
    /* OpenSSL gives the headers as one "Name: value\n" text. */
    char joined[1024] = "";
    for (size_t i = 0; i < a->nheaders; i++) {
        strcat(joined, a->headers[i].name);
        strcat(joined, ": ");
        strcat(joined, a->headers[i].value);
        strcat(joined, "\n");
    }
    assert_string_equal(joined, header);
    OPENSSL_free(name);
    OPENSSL_free(header);
    OPENSSL_free(data);
    BIO_free(bio);
}

/* ---- sniffing */

static void test_sniff(void **state)
{
    (void)state;
    char label[KK_ARMOR_LABEL_MAX];
    const uint8_t *p = (const uint8_t *)pem_enc;
    assert_int_equal(kk_armor_sniff(p, strlen(pem_enc), KK_ARMOR_PEM, label), 1);
    assert_string_equal(label, "RSA PRIVATE KEY");
    assert_int_equal(kk_armor_sniff(p, strlen(pem_enc), KK_ARMOR_SSH2, label), 0);
    assert_int_equal(kk_armor_sniff((const uint8_t *)ssh2_ed, strlen(ssh2_ed),
                                    KK_ARMOR_SSH2, label), 1);
    assert_string_equal(label, "SSH2 PUBLIC KEY");
    assert_int_equal(kk_armor_sniff((const uint8_t *)ssh2_ed, strlen(ssh2_ed),
                                    KK_ARMOR_PEM, NULL), 0);

    static const char lead[] = "\n\r\n  \t\n  -----BEGIN X Y-----\n";
    assert_int_equal(kk_armor_sniff((const uint8_t *)lead, strlen(lead), KK_ARMOR_PEM, label), 1);
    assert_string_equal(label, "X Y");
    /* Only whitespace may come first. */
    static const char text_first[] = "hello\n-----BEGIN X-----\n";
    assert_int_equal(kk_armor_sniff((const uint8_t *)text_first, strlen(text_first),
                                    KK_ARMOR_PEM, NULL), 0);
    assert_int_equal(kk_armor_sniff((const uint8_t *)"", 0, KK_ARMOR_PEM, NULL), 0);
    assert_int_equal(kk_armor_sniff(NULL, 0, KK_ARMOR_SSH2, NULL), 0);
    /* Cut short, or a label that does not fit. */
    assert_int_equal(kk_armor_sniff(p, 20, KK_ARMOR_PEM, NULL), 0);
    char big[200];
    snprintf(big, sizeof big, "-----BEGIN %0100d-----\n", 0);
    assert_int_equal(kk_armor_sniff((const uint8_t *)big, strlen(big), KK_ARMOR_PEM, NULL), 0);
    static const char empty_label[] = "-----BEGIN -----\n";
    assert_int_equal(kk_armor_sniff((const uint8_t *)empty_label, strlen(empty_label),
                                    KK_ARMOR_PEM, NULL), 0);
}

/* ---- decoding real files */

static void test_decode_ssh2_ed25519(void **state)
{
    (void)state;
    struct kk_armor a;
    struct kk_error err;
    uint8_t want[128];
    size_t wn = ref_b64(blob_ed, want);

    assert_int_equal(dec(ssh2_ed, KK_ARMOR_SSH2, &a, &err), KK_OK);
    assert_string_equal(a.label, "SSH2 PUBLIC KEY");
    assert_int_equal(a.nheaders, 1);
    assert_string_equal(a.headers[0].name, "Comment");
    /* Quotes kept: the caller unquotes. */
    assert_string_equal(kk_armor_header(&a, "comment"),
                        "\"256-bit ED25519, converted by root@vm from OpenSSH\"");
    assert_null(kk_armor_header(&a, "Subject"));
    assert_int_equal(a.body.len, wn);
    assert_memory_equal(a.body.data, want, wn);
    assert_int_equal(a.begin_line, 1);
    assert_int_equal(a.end_offset, strlen(ssh2_ed));
    kk_armor_free(&a);
    kk_armor_free(&a);
}

static void test_decode_ssh2_rsa_widths(void **state)
{
    (void)state;
    struct kk_armor a;
    struct kk_error err;
    uint8_t want[512];
    size_t wn = ref_b64(blob_rsa, want);

    assert_int_equal(dec(ssh2_rsa, KK_ARMOR_SSH2, &a, &err), KK_OK);
    assert_int_equal(a.body.len, wn);
    assert_memory_equal(a.body.data, want, wn);
    kk_armor_free(&a);
    assert_int_equal(dec(ssh2_rsa_putty, KK_ARMOR_SSH2, &a, &err), KK_OK);
    assert_string_equal(kk_armor_header(&a, "COMMENT"), "\"rsa@keykit\"");
    assert_int_equal(a.body.len, wn);
    assert_memory_equal(a.body.data, want, wn);
    kk_armor_free(&a);
}

static void test_decode_ssh2_continuation(void **state)
{
    (void)state;
    struct kk_armor a;
    struct kk_error err;
    uint8_t want[512];
    size_t wn = ref_b64(blob_rsa, want);

    assert_int_equal(dec(ssh2_cont, KK_ARMOR_SSH2, &a, &err), KK_OK);
    assert_int_equal(a.nheaders, 3);
    assert_string_equal(kk_armor_header(&a, "Subject"), "me");
    assert_string_equal(kk_armor_header(&a, "Comment"),
                        "1024-bit rsa, created by me@example.com Mon Jan 15 08:31:24 2001");
    assert_string_equal(kk_armor_header(&a, "X-Command"), "/home/me/bin/lock-in-guest.sh");
    assert_int_equal(a.body.len, wn);
    assert_memory_equal(a.body.data, want, wn);
    kk_armor_free(&a);

    /* No space after the colon is still a header. */
    char *t = replace(ssh2_ed, "Comment: ", "Comment:");
    assert_int_equal(dec(t, KK_ARMOR_SSH2, &a, &err), KK_OK);
    assert_string_equal(kk_armor_header(&a, "Comment"),
                        "\"256-bit ED25519, converted by root@vm from OpenSSH\"");
    kk_armor_free(&a);
    free(t);
}

static void test_decode_pem_headers(void **state)
{
    (void)state;
    struct kk_armor a;
    struct kk_error err;
    assert_int_equal(dec(pem_enc, KK_ARMOR_PEM, &a, &err), KK_OK);
    assert_string_equal(a.label, "RSA PRIVATE KEY");
    assert_int_equal(a.nheaders, 2);
    assert_string_equal(kk_armor_header(&a, "Proc-Type"), "4,ENCRYPTED");
    assert_string_equal(kk_armor_header(&a, "dek-info"),
                        "AES-256-CBC,8AE86C86D3090404187C82267E8C2D13");
    assert_int_equal(a.body.len, 624);
    check_against_openssl(pem_enc, &a);
    kk_armor_free(&a);

    assert_int_equal(dec(pem_pub, KK_ARMOR_PEM, &a, &err), KK_OK);
    assert_string_equal(a.label, "PUBLIC KEY");
    assert_int_equal(a.nheaders, 0);
    assert_int_equal(a.body.len, 44);
    check_against_openssl(pem_pub, &a);
    kk_armor_free(&a);

    /* RFC 1421 folding: a header continued on a line that starts with a blank. */
    char *t = replace(pem_enc, "4,ENCRYPTED\n", "4,\n ENCRYPTED\n");
    assert_int_equal(dec(t, KK_ARMOR_PEM, &a, &err), KK_OK);
    assert_string_equal(kk_armor_header(&a, "Proc-Type"), "4, ENCRYPTED");
    kk_armor_free(&a);
    free(t);
}

/* CRLF, no final newline, trailing blanks, leading blank lines and text
 * after the END line all give the same result. */
static void check_lenient(const char *orig, enum kk_armor_style style)
{
    struct kk_armor ref, a;
    struct kk_error err;
    assert_int_equal(dec(orig, style, &ref, &err), KK_OK);

    char *variants[4];
    variants[0] = crlf(orig);
    variants[1] = strdup(orig);
    assert_non_null(variants[1]);
    variants[1][strlen(orig) - 1] = '\0';
    /* Trailing blanks after every line. */
    variants[2] = malloc(3 * strlen(orig) + 1);
    assert_non_null(variants[2]);
    char *p = variants[2];
    for (const char *s = orig; *s; s++) {
        if (*s == '\n') {
            *p++ = ' ';
            *p++ = '\t';
        }
        *p++ = *s;
    }
    *p = '\0';
    variants[3] = crlf(variants[2]);
    for (int v = 0; v < 4; v++) {
        if (dec(variants[v], style, &a, &err) != KK_OK)
            fail_msg("variant %d: %s (line %ld)", v, err.msg, err.line);
        assert_string_equal(a.label, ref.label);
        assert_int_equal(a.nheaders, ref.nheaders);
        for (size_t i = 0; i < a.nheaders; i++) {
            assert_string_equal(a.headers[i].name, ref.headers[i].name);
            assert_string_equal(a.headers[i].value, ref.headers[i].value);
        }
        assert_int_equal(a.body.len, ref.body.len);
        assert_memory_equal(a.body.data, ref.body.data, a.body.len);
        assert_int_equal(a.end_offset, strlen(variants[v]));
        kk_armor_free(&a);
        free(variants[v]);
    }

    /* Leading blank lines and indentation; text after END is left alone. */
    const char *pre = "\n \r\n\n   ";
    const char *post = "trailing text\n";
    char *t = malloc(strlen(pre) + strlen(orig) + strlen(post) + 1);
    assert_non_null(t);
    strcpy(t, pre);
    strcat(t, orig);
    strcat(t, post);
    assert_int_equal(dec(t, style, &a, &err), KK_OK);
    assert_int_equal(a.begin_line, 4);
    assert_int_equal(a.end_offset, strlen(pre) + strlen(orig));
    assert_int_equal(a.body.len, ref.body.len);
    kk_armor_free(&a);
    free(t);
    kk_armor_free(&ref);
}

static void test_lenient_forms(void **state)
{
    (void)state;
    check_lenient(pem_enc, KK_ARMOR_PEM);
    check_lenient(pem_pub, KK_ARMOR_PEM);
    check_lenient(ssh2_ed, KK_ARMOR_SSH2);
    check_lenient(ssh2_rsa, KK_ARMOR_SSH2);
    check_lenient(ssh2_cont, KK_ARMOR_SSH2);
}

/* ---- malformed input */

static void truncate_everywhere(const char *text, enum kk_armor_style style,
                                const char *end_line)
{
    size_t n = strlen(text);
    const char *e = strstr(text, end_line);
    assert_non_null(e);
    size_t complete = (size_t)(e - text) + strlen(end_line);
    for (size_t cut = 0; cut < n; cut++) {
        struct kk_armor a;
        struct kk_error err;
        uint8_t *t = malloc(cut ? cut : 1);
        assert_non_null(t);
        memcpy(t, text, cut);
        kk_error_clear(&err);
        int rc = kk_armor_decode(t, cut, style, &a, &err);
        if (cut >= complete) {
            assert_int_equal(rc, KK_OK);
        } else {
            if (rc == KK_OK)
                fail_msg("cut at %zu decoded", cut);
            assert_true(err.line > 0);
            assert_true(err.msg[0] != '\0');
            assert_int_equal(a.nheaders, 0);
            assert_null(a.body.data);
        }
        kk_armor_free(&a);
        free(t);
    }
}

static void test_truncated_everywhere(void **state)
{
    (void)state;
    truncate_everywhere(pem_enc, KK_ARMOR_PEM, "-----END RSA PRIVATE KEY-----");
    truncate_everywhere(ssh2_rsa, KK_ARMOR_SSH2, "---- END SSH2 PUBLIC KEY ----");
    truncate_everywhere(ssh2_cont, KK_ARMOR_SSH2, "---- END SSH2 PUBLIC KEY ----");
}

static void expect_fail(const char *text, enum kk_armor_style style, const char *msg,
                        long line)
{
    struct kk_armor a;
    struct kk_error err;
    int rc = dec(text, style, &a, &err);
    if (rc == KK_OK)
        fail_msg("decoded, expected \"%s\"", msg);
    if (strcmp(err.msg, msg) != 0 || err.line != line)
        fail_msg("got \"%s\" at line %ld, expected \"%s\" at line %ld",
                 err.msg, err.line, msg, line);
    assert_int_equal(a.nheaders, 0);
    assert_int_equal(a.body.len, 0);
    kk_armor_free(&a);
}

static void test_missing_and_mismatched_end(void **state)
{
    (void)state;
    char *t = replace(pem_enc, "-----END RSA PRIVATE KEY-----\n", "");
    expect_fail(t, KK_ARMOR_PEM, "no END line for RSA PRIVATE KEY", 17);
    free(t);
    t = replace(ssh2_rsa, "---- END SSH2 PUBLIC KEY ----\n", "");
    expect_fail(t, KK_ARMOR_SSH2, "no END line for SSH2 PUBLIC KEY", 5);
    free(t);
    t = replace(pem_enc, "-----END RSA", "-----END DSA");
    expect_fail(t, KK_ARMOR_PEM,
                "END label \"DSA PRIVATE KEY\" does not match BEGIN label \"RSA PRIVATE KEY\"", 18);
    free(t);
    t = replace(ssh2_ed, "---- END SSH2 PUBLIC", "---- END SSH2 PRIVATE");
    expect_fail(t, KK_ARMOR_SSH2,
                "END label \"SSH2 PRIVATE KEY\" does not match BEGIN label \"SSH2 PUBLIC KEY\"", 4);
    free(t);
    t = replace(pem_pub, "-----END PUBLIC KEY-----", "-----END PUBLIC KEY----");
    expect_fail(t, KK_ARMOR_PEM, "malformed END line", 3);
    free(t);
    /* A second BEGIN before the first block ended. */
    t = replace(pem_pub, "-----END PUBLIC KEY-----", "-----BEGIN PUBLIC KEY-----");
    expect_fail(t, KK_ARMOR_PEM, "no END line for PUBLIC KEY", 3);
    free(t);
    /* Wrong style of END. */
    t = replace(ssh2_ed, "---- END SSH2 PUBLIC KEY ----", "-----END SSH2 PUBLIC KEY-----");
    expect_fail(t, KK_ARMOR_SSH2, "no END line for SSH2 PUBLIC KEY", 4);
    free(t);
}

static void test_no_begin(void **state)
{
    (void)state;
    expect_fail("", KK_ARMOR_PEM, "expected a -----BEGIN line", 1);
    expect_fail("\n\n", KK_ARMOR_PEM, "expected a -----BEGIN line", 3);
    expect_fail("hello\n", KK_ARMOR_SSH2, "expected a ---- BEGIN line", 1);
    expect_fail(ssh2_ed, KK_ARMOR_PEM, "expected a -----BEGIN line", 1);
    expect_fail("\n\n" "-----BEGIN PUBLIC KEY----\n", KK_ARMOR_PEM,
                "expected a -----BEGIN line", 3);
}

static void test_bad_base64_line(void **state)
{
    (void)state;
    /* Line 7 of the PEM, 4 of the 70-wide RFC 4716 body. */
    char *t = replace(pem_enc, "rQ57RHTomm", "rQ57RH!omm");
    expect_fail(t, KK_ARMOR_PEM, "invalid base64 character '!'", 7);
    free(t);
    t = replace(ssh2_rsa, "vZpnPT3zEn", "vZpnPT3\x01" "En");
    expect_fail(t, KK_ARMOR_SSH2, "invalid base64 character '\\x01'", 4);
    free(t);
    t = replace(ssh2_rsa, "uf4wP5uIU+", "uf4wP5u IU+");
    expect_fail(t, KK_ARMOR_SSH2, "invalid base64 character ' '", 5);
    free(t);
    /* The offset points into the input. */
    struct kk_armor a;
    struct kk_error err;
    t = replace(pem_enc, "rQ57RHTomm", "rQ57RH!omm");
    assert_int_not_equal(dec(t, KK_ARMOR_PEM, &a, &err), KK_OK);
    assert_int_equal(t[err.offset], '!');
    free(t);
    /* Padding in the middle of the body. */
    t = replace(pem_enc, "rQ57RHTomm", "rQ==RHTomm");
    expect_fail(t, KK_ARMOR_PEM, "base64 continues after padding", 7);
    free(t);
    /* Characters lost from the end: found on the last body line. */
    t = replace(ssh2_rsa, "qp5BQ==", "qp5B");
    expect_fail(t, KK_ARMOR_SSH2, "base64 is truncated", 5);
    free(t);
    /* A body line lost from the middle puts the padding mid-group. */
    t = replace(ssh2_rsa, "vZpnPT3zEnej1b7IeAZ1+1XOao/zlO3QRds23rXzud2/EgLVbDYsQp7/4FU6G9KajNbgFK\n", "");
    expect_fail(t, KK_ARMOR_SSH2, "misplaced base64 padding", 4);
    free(t);
    /* A PEM header on a body line is bad base64. */
    t = replace(pem_pub, "MCow", "X-Y: z\nMCow");
    expect_fail(t, KK_ARMOR_PEM, "no blank line after the headers", 3);
    free(t);
}

static void test_ssh2_header_rules(void **state)
{
    (void)state;
    char *t = replace(ssh2_rsa, "vZpnPT3zEn", "X-Late: no\nvZpnPT3zEn");
    expect_fail(t, KK_ARMOR_SSH2, "header line after the base64 body started", 4);
    free(t);

    /* 16 headers are fine, 17 are not. */
    char hdrs[2048] = "";
    for (int i = 0; i < KK_ARMOR_MAX_HEADERS; i++) {
        char h[32];
        snprintf(h, sizeof h, "X-H%d: v%d\n", i, i);
        strcat(hdrs, h);
    }
    char with[4096];
    snprintf(with, sizeof with, "---- BEGIN SSH2 PUBLIC KEY ----\n%s%s\n"
             "---- END SSH2 PUBLIC KEY ----\n", hdrs, blob_ed);
    struct kk_armor a;
    struct kk_error err;
    assert_int_equal(dec(with, KK_ARMOR_SSH2, &a, &err), KK_OK);
    assert_int_equal(a.nheaders, KK_ARMOR_MAX_HEADERS);
    assert_string_equal(kk_armor_header(&a, "x-h15"), "v15");
    kk_armor_free(&a);
    snprintf(with, sizeof with, "---- BEGIN SSH2 PUBLIC KEY ----\n%sOne: more\n%s\n"
             "---- END SSH2 PUBLIC KEY ----\n", hdrs, blob_ed);
    expect_fail(with, KK_ARMOR_SSH2, "more than 16 headers", 18);
    /* The same cap for PEM. */
    snprintf(with, sizeof with, "-----BEGIN X-----\n%sOne: more\n\n%s\n"
             "-----END X-----\n", hdrs, blob_ed);
    expect_fail(with, KK_ARMOR_PEM, "more than 16 headers", 18);

    /* Names: 1..64 printable bytes. */
    char name[80];
    memset(name, 'n', 64);
    name[64] = '\0';
    snprintf(with, sizeof with, "---- BEGIN K ----\n%s: v\n%s\n---- END K ----\n", name, blob_ed);
    assert_int_equal(dec(with, KK_ARMOR_SSH2, &a, &err), KK_OK);
    kk_armor_free(&a);
    snprintf(with, sizeof with, "---- BEGIN K ----\n%sn: v\n%s\n---- END K ----\n", name, blob_ed);
    expect_fail(with, KK_ARMOR_SSH2, "invalid header name", 2);
    expect_fail("---- BEGIN K ----\n: v\n---- END K ----\n", KK_ARMOR_SSH2,
                "invalid header name", 2);
    expect_fail("---- BEGIN K ----\nA b: v\n---- END K ----\n", KK_ARMOR_SSH2,
                "invalid header name", 2);
    expect_fail("---- BEGIN K ----\nComment: a\x1b[31mred\n---- END K ----\n", KK_ARMOR_SSH2,
                "header Comment has a control character", 2);
}

static void test_line_and_value_caps(void **state)
{
    (void)state;
    /* An SSH2 line of 1024 bytes is fine, 1025 is not. */
    size_t n = 1025;
    char *line = malloc(n + 1);
    assert_non_null(line);
    memcpy(line, "Comment: ", 9);
    memset(line + 9, 'c', n - 9);
    line[n] = '\0';
    char *t = malloc(n + 200);
    assert_non_null(t);
    snprintf(t, n + 200, "---- BEGIN K ----\n%s\n%s\n---- END K ----\n", line, blob_ed);
    expect_fail(t, KK_ARMOR_SSH2, "line 2 is longer than 1024 bytes", 2);
    line[n - 1] = '\0';
    snprintf(t, n + 200, "---- BEGIN K ----\n%s\n%s\n---- END K ----\n", line, blob_ed);
    struct kk_armor a;
    struct kk_error err;
    assert_int_equal(dec(t, KK_ARMOR_SSH2, &a, &err), KK_OK);
    assert_int_equal(strlen(kk_armor_header(&a, "Comment")), 1024 - 9);
    kk_armor_free(&a);
    free(t);
    free(line);

    /* A value continued past 8 KiB. */
    struct kk_buf b;
    kk_buf_init(&b, 0);
    const char *head = "---- BEGIN K ----\nComment: ";
    kk_buf_put(&b, head, strlen(head));
    for (int i = 0; i < 100; i++) {
        char chunk[100];
        memset(chunk, 'a' + i % 26, 90);
        memcpy(chunk + 90, "\\\n", 2);
        kk_buf_put(&b, chunk, 92);
    }
    kk_buf_put(&b, "end\n", 4);
    kk_buf_put(&b, blob_ed, strlen(blob_ed));
    kk_buf_put(&b, "\n---- END K ----\n", 17);
    kk_buf_terminate(&b);
    expect_fail((const char *)b.data, KK_ARMOR_SSH2, "header Comment is longer than 8192 bytes", 93);
    kk_buf_free(&b);
}

/* Flipping bytes never crashes, and every failure has a line. */
static void test_byte_flips(void **state)
{
    (void)state;
    const char *samples[] = {pem_enc, ssh2_rsa, ssh2_cont};
    const enum kk_armor_style styles[] = {KK_ARMOR_PEM, KK_ARMOR_SSH2, KK_ARMOR_SSH2};
    static const uint8_t vals[] = {0x00, '\n', '\r', ':', '-', '=', '\\', ' ', 0x80, 0xff};
    for (size_t s = 0; s < 3; s++) {
        size_t n = strlen(samples[s]);
        uint8_t *t = malloc(n);
        assert_non_null(t);
        for (size_t i = 0; i < n; i++) {
            for (size_t v = 0; v < sizeof vals; v++) {
                memcpy(t, samples[s], n);
                t[i] = vals[v];
                struct kk_armor a;
                struct kk_error err;
                kk_error_clear(&err);
                if (kk_armor_decode(t, n, styles[s], &a, &err) != KK_OK) {
                    assert_true(err.line > 0);
                    assert_true(err.line <= 20);
                }
                kk_armor_free(&a);
            }
        }
        free(t);
    }
}

/* ---- encoding */

static void expect_encoding(enum kk_armor_style style, const char *label,
                            const struct kk_armor_header *h, size_t nh,
                            const uint8_t *body, size_t len, size_t width,
                            const char *want)
{
    struct kk_buf out;
    struct kk_error err;
    kk_buf_init(&out, 0);
    kk_buf_put(&out, "x", 1);
    kk_error_clear(&err);
    assert_int_equal(kk_armor_encode(style, label, h, nh, body, len, width, &out, &err), KK_OK);
    kk_buf_terminate(&out);
    assert_string_equal((const char *)out.data + 1, want);
    kk_buf_free(&out);
}

static void test_encode_matches_tools(void **state)
{
    (void)state;
    struct kk_armor a;
    struct kk_error err;

    assert_int_equal(dec(pem_enc, KK_ARMOR_PEM, &a, &err), KK_OK);
    struct kk_armor_header ph[] = {
        {.name = "Proc-Type", .value = "4,ENCRYPTED"},
        {.name = "DEK-Info", .value = "AES-256-CBC,8AE86C86D3090404187C82267E8C2D13"},
    };
    expect_encoding(KK_ARMOR_PEM, "RSA PRIVATE KEY", ph, 2, a.body.data, a.body.len, 64, pem_enc);
    expect_encoding(KK_ARMOR_PEM, "RSA PRIVATE KEY", ph, 2, a.body.data, a.body.len, 0, pem_enc);
    kk_armor_free(&a);

    assert_int_equal(dec(pem_pub, KK_ARMOR_PEM, &a, &err), KK_OK);
    expect_encoding(KK_ARMOR_PEM, "PUBLIC KEY", NULL, 0, a.body.data, a.body.len, 64, pem_pub);
    kk_armor_free(&a);

    const char *samples[] = {ssh2_ed, ssh2_rsa, ssh2_rsa_putty};
    const size_t widths[] = {70, 0, 64};
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(dec(samples[i], KK_ARMOR_SSH2, &a, &err), KK_OK);
        expect_encoding(KK_ARMOR_SSH2, a.label, a.headers, a.nheaders, a.body.data,
                        a.body.len, widths[i], samples[i]);
        kk_armor_free(&a);
    }
}

static void test_encode_wraps_headers(void **state)
{
    (void)state;
    /* 201 bytes: two-byte UTF-8 characters placed so that a plain cut at
     * 71 bytes would split one. */
    char value[256] = "x";
    for (int i = 0; i < 100; i++)
        strcat(value, "\xc3\xa9");
    struct kk_armor_header h[] = {{.name = "Comment", .value = value}};
    const uint8_t body[] = {1, 2, 3, 4, 5};
    struct kk_buf out;
    struct kk_error err;
    kk_buf_init(&out, 0);
    assert_int_equal(kk_armor_encode(KK_ARMOR_SSH2, "SSH2 PUBLIC KEY", h, 1, body, sizeof body,
                                     0, &out, &err), KK_OK);
    kk_buf_terminate(&out);
    /* Every line at most 72 bytes; no line starts inside a character. */
    int continued = 0;
    for (char *p = (char *)out.data; *p;) {
        char *nl = strchr(p, '\n');
        assert_non_null(nl);
        assert_true(nl - p <= 72);
        assert_true(((unsigned char)*p & 0xc0) != 0x80);
        if (nl > p && nl[-1] == '\\')
            continued++;
        p = nl + 1;
    }
    assert_true(continued >= 2);
    struct kk_armor a;
    assert_int_equal(dec((const char *)out.data, KK_ARMOR_SSH2, &a, &err), KK_OK);
    assert_string_equal(kk_armor_header(&a, "Comment"), value);
    assert_int_equal(a.body.len, sizeof body);
    assert_memory_equal(a.body.data, body, sizeof body);
    kk_armor_free(&a);
    kk_buf_free(&out);
}

static void test_encode_rejects(void **state)
{
    (void)state;
    struct kk_buf out;
    struct kk_error err;
    const uint8_t body[] = {1, 2, 3};
    kk_buf_init(&out, 0);
    assert_int_not_equal(kk_armor_encode(KK_ARMOR_PEM, "", NULL, 0, body, 3, 0, &out, &err), KK_OK);
    assert_int_not_equal(kk_armor_encode(KK_ARMOR_PEM, "A\nB", NULL, 0, body, 3, 0, &out, &err),
                         KK_OK);
    struct kk_armor_header nl[] = {{.name = "Comment", .value = "a\nb"}};
    assert_int_not_equal(kk_armor_encode(KK_ARMOR_SSH2, "K", nl, 1, body, 3, 0, &out, &err), KK_OK);
    struct kk_armor_header colon[] = {{.name = "A:B", .value = "v"}};
    assert_int_not_equal(kk_armor_encode(KK_ARMOR_PEM, "K", colon, 1, body, 3, 0, &out, &err),
                         KK_OK);
    struct kk_armor_header bs[] = {{.name = "Comment", .value = "C:\\"}};
    assert_int_not_equal(kk_armor_encode(KK_ARMOR_SSH2, "K", bs, 1, body, 3, 0, &out, &err), KK_OK);
    struct kk_armor_header many[KK_ARMOR_MAX_HEADERS + 1];
    for (size_t i = 0; i < KK_ARMOR_MAX_HEADERS + 1; i++)
        many[i] = (struct kk_armor_header){.name = "N", .value = "v"};
    assert_int_not_equal(kk_armor_encode(KK_ARMOR_PEM, "K", many, KK_ARMOR_MAX_HEADERS + 1,
                                         body, 3, 0, &out, &err), KK_OK);
    assert_int_equal(out.len, 0);
    kk_buf_free(&out);

    /* Over the output's cap: a clean failure, nothing left behind. */
    kk_buf_init(&out, 40);
    uint8_t big[100] = {0};
    assert_int_equal(kk_armor_encode(KK_ARMOR_PEM, "K", NULL, 0, big, sizeof big, 0, &out, &err),
                     KK_ERR_TOO_BIG);
    assert_int_equal(out.len, 0);
    kk_buf_free(&out);
}

static void test_round_trip_sizes(void **state)
{
    (void)state;
    for (size_t n = 0; n < 300; n += 7) {
        uint8_t body[300];
        for (size_t i = 0; i < n; i++)
            body[i] = (uint8_t)(i * 37 + n);
        for (int s = 0; s < 2; s++) {
            enum kk_armor_style style = s ? KK_ARMOR_SSH2 : KK_ARMOR_PEM;
            struct kk_buf out;
            struct kk_error err;
            struct kk_armor a;
            kk_buf_init(&out, 0);
            assert_int_equal(kk_armor_encode(style, "TEST BLOCK", NULL, 0, body, n, 0, &out,
                                             &err), KK_OK);
            assert_int_equal(kk_armor_decode(out.data, out.len, style, &a, &err), KK_OK);
            assert_string_equal(a.label, "TEST BLOCK");
            assert_int_equal(a.body.len, n);
            if (n > 0)
                assert_memory_equal(a.body.data, body, n);
            assert_int_equal(a.end_offset, out.len);
            kk_armor_free(&a);
            kk_buf_free(&out);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sniff),
        cmocka_unit_test(test_decode_ssh2_ed25519),
        cmocka_unit_test(test_decode_ssh2_rsa_widths),
        cmocka_unit_test(test_decode_ssh2_continuation),
        cmocka_unit_test(test_decode_pem_headers),
        cmocka_unit_test(test_lenient_forms),
        cmocka_unit_test(test_truncated_everywhere),
        cmocka_unit_test(test_missing_and_mismatched_end),
        cmocka_unit_test(test_no_begin),
        cmocka_unit_test(test_bad_base64_line),
        cmocka_unit_test(test_ssh2_header_rules),
        cmocka_unit_test(test_line_and_value_caps),
        cmocka_unit_test(test_byte_flips),
        cmocka_unit_test(test_encode_matches_tools),
        cmocka_unit_test(test_encode_wraps_headers),
        cmocka_unit_test(test_encode_rejects),
        cmocka_unit_test(test_round_trip_sizes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
