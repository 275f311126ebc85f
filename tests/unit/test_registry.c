/* The format table: lookup by name and alias, by file extension, and content
 * detection on one sample of every format, made at test time by ssh-keygen,
 * puttygen and openssl (skipped when they are missing). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "formats/format.h"

static char dir[] = "/tmp/kk_registry.XXXXXX";
static int have_tools;

static void test_table(void **state)
{
    (void)state;
    size_t n = 0;
    for (size_t i = 0; kk_formats[i] != NULL; i++, n++) {
        const struct kk_format *f = kk_formats[i];
        assert_non_null(f->name);
        assert_non_null(f->summary);
        assert_non_null(f->sniff);
        assert_non_null(f->decode);
        /* each holds either private keys or public keys only */
        assert_true(!(f->flags & KK_FMT_PRIVATE) != !(f->flags & KK_FMT_PUBLIC));
        if (f->flags & KK_FMT_PUBLIC)
            assert_false(f->flags & KK_FMT_ENCRYPTABLE);
        for (size_t j = 0; j < i; j++)
            assert_string_not_equal(kk_formats[j]->name, f->name);
        assert_ptr_equal(kk_format_by_name(f->name), f);
    }
    /* the formats of the design, at least */
    assert_true(n >= 9);
    const struct kk_format *const known[] = {
        &kk_fmt_openssh, &kk_fmt_ppk3, &kk_fmt_ppk2, &kk_fmt_pem, &kk_fmt_pkcs8,
        &kk_fmt_openssh_pub, &kk_fmt_rfc4716, &kk_fmt_spki, &kk_fmt_pkcs1_pub,
    };
    for (size_t k = 0; k < sizeof known / sizeof known[0]; k++) {
        size_t i = 0;
        while (kk_formats[i] != NULL && kk_formats[i] != known[k])
            i++;
        assert_non_null(kk_formats[i]);
    }
    /* private formats come first, so they win sniff ties */
    for (size_t i = 1; kk_formats[i] != NULL; i++)
        if (kk_formats[i]->flags & KK_FMT_PRIVATE)
            assert_true(kk_formats[i - 1]->flags & KK_FMT_PRIVATE);
}

static void test_by_name(void **state)
{
    (void)state;
    assert_ptr_equal(kk_format_by_name("openssh"), &kk_fmt_openssh);
    assert_ptr_equal(kk_format_by_name("pem"), &kk_fmt_pem);
    assert_ptr_equal(kk_format_by_name("pkcs8"), &kk_fmt_pkcs8);
    assert_ptr_equal(kk_format_by_name("openssh-pub"), &kk_fmt_openssh_pub);
    assert_ptr_equal(kk_format_by_name("rfc4716"), &kk_fmt_rfc4716);
    assert_ptr_equal(kk_format_by_name("spki"), &kk_fmt_spki);
    assert_ptr_equal(kk_format_by_name("pkcs1-pub"), &kk_fmt_pkcs1_pub);
    /* aliases */
    assert_ptr_equal(kk_format_by_name("pub"), &kk_fmt_openssh_pub);
    assert_ptr_equal(kk_format_by_name("ssh"), &kk_fmt_openssh_pub);
    assert_ptr_equal(kk_format_by_name("ssh2"), &kk_fmt_rfc4716);
    assert_ptr_equal(kk_format_by_name("pkcs1"), &kk_fmt_pem);
    assert_ptr_equal(kk_format_by_name("sec1"), &kk_fmt_pem);
    assert_ptr_equal(kk_format_by_name("p8"), &kk_fmt_pkcs8);
    assert_ptr_equal(kk_format_by_name("ppk"), &kk_fmt_ppk3);
    assert_ptr_equal(kk_format_by_name("ppk3"), &kk_fmt_ppk3);
    assert_ptr_equal(kk_format_by_name("ppk2"), &kk_fmt_ppk2);
    /* case does not matter */
    assert_ptr_equal(kk_format_by_name("OpenSSH-Pub"), &kk_fmt_openssh_pub);
    assert_ptr_equal(kk_format_by_name("PUB"), &kk_fmt_openssh_pub);
    assert_ptr_equal(kk_format_by_name("RFC4716"), &kk_fmt_rfc4716);
    /* nothing else matches */
    assert_null(kk_format_by_name(NULL));
    assert_null(kk_format_by_name(""));
    assert_null(kk_format_by_name("ppk9"));
    assert_null(kk_format_by_name("openssh-pu"));
    assert_null(kk_format_by_name("pubx"));
    assert_null(kk_format_by_name(" pem"));
}

static void test_for_path(void **state)
{
    (void)state;
    assert_ptr_equal(kk_format_for_path("id_rsa.pub"), &kk_fmt_openssh_pub);
    assert_ptr_equal(kk_format_for_path("/home/me/.ssh/id_ed25519.pub"),
                     &kk_fmt_openssh_pub);
    assert_ptr_equal(kk_format_for_path("KEY.PUB"), &kk_fmt_openssh_pub);
    assert_ptr_equal(kk_format_for_path("key.PEM"), &kk_fmt_pem);
    assert_ptr_equal(kk_format_for_path("server.key"), &kk_fmt_pem);
    assert_ptr_equal(kk_format_for_path("a.b.pem"), &kk_fmt_pem);
    assert_ptr_equal(kk_format_for_path("key.p8"), &kk_fmt_pkcs8);
    assert_ptr_equal(kk_format_for_path("C:/keys/mykey.ppk"), &kk_fmt_ppk3);
    assert_ptr_equal(kk_format_for_path("key.rfc4716"), &kk_fmt_rfc4716);
    assert_ptr_equal(kk_format_for_path("key.ssh2"), &kk_fmt_rfc4716);
    assert_ptr_equal(kk_format_for_path("key.spki"), &kk_fmt_spki);
    /* no extension, a dotfile, a dot only in a directory name */
    assert_null(kk_format_for_path("id_rsa"));
    assert_null(kk_format_for_path(".pub"));
    assert_null(kk_format_for_path("/home/me/.pub"));
    assert_null(kk_format_for_path("keys.pub/id_rsa"));
    assert_null(kk_format_for_path("id_rsa."));
    assert_null(kk_format_for_path("key.txt"));
    assert_null(kk_format_for_path("key.pubx"));
    assert_null(kk_format_for_path(""));
    assert_null(kk_format_for_path(NULL));
}

static void test_detect_nothing(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "", "\n\n", "hello world\n", "ssh-rsa\n", "-----BEGIN CERTIFICATE-----\n",
        "---- BEGIN SSH2 SOMETHING ----\n", "-----BEGIN PUBLIC KEY",
        "PuTTY-User-Key-Fil\n",
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
        assert_null(kk_format_detect((const uint8_t *)texts[i], strlen(texts[i])));
    const uint8_t bin[] = {0x30, 0x82, 0x01, 0x00, 0x00, 0xff};
    assert_null(kk_format_detect(bin, sizeof bin));
}

/* ---- detection and decoding of real samples */

static int sh(const char *cmd)
{
    char full[4096];
    snprintf(full, sizeof full, "cd '%s' && { %s; } >/dev/null 2>&1", dir, cmd);
    int st = system(full);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static char *slurp(const char *name, size_t *len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        fail_msg("%s was not made", name);
    char *buf = malloc(1 << 16);
    assert_non_null(buf);
    size_t n = fread(buf, 1, (1 << 16) - 1, f);
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

static int setup(void **state)
{
    (void)state;
    if (mkdtemp(dir) == NULL)
        return -1;
    have_tools = system("command -v ssh-keygen >/dev/null 2>&1 && "
                        "command -v openssl >/dev/null 2>&1 && "
                        "command -v puttygen >/dev/null 2>&1") == 0;
    if (!have_tools)
        return 0;
    static const char *const make[] = {
        "ssh-keygen -q -t ed25519 -N '' -C me@host -f o_ed",
        "ssh-keygen -q -t rsa -b 2048 -N secret -f o_enc",
        "ssh-keygen -q -t rsa -b 2048 -m PEM -N '' -f pem_rsa",
        "ssh-keygen -q -t ecdsa -b 384 -m PEM -N '' -f pem_ec",
        "ssh-keygen -q -t dsa -m PEM -N '' -f pem_dsa",
        "ssh-keygen -q -t rsa -b 2048 -m PEM -N secret -f pem_enc",
        "openssl ecparam -name prime256v1 -genkey -out pem_ecparam.pem && "
        "openssl pkey -in pem_ecparam.pem -pubout -out pem_ecparam.spki",
        "openssl genpkey -algorithm ED25519 -out p8.pem && "
        "openssl pkey -in p8.pem -pubout -out p8.spki",
        "openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out p8rsa.pem "
        "&& openssl rsa -in p8rsa.pem -RSAPublicKey_out -out p8rsa.p1",
        "openssl pkcs8 -topk8 -v2 aes-256-cbc -passout pass:secret -in p8.pem "
        "-out p8_enc.pem",
        "ssh-keygen -e -f o_ed.pub > o_ed.ssh2",
        "ssh-keygen -e -m PEM -f pem_rsa.pub > pem_rsa.p1",
        "puttygen -t ed25519 -C me -o k3.ppk --new-passphrase /dev/null && "
        "puttygen k3.ppk -O public-openssh -o k3.pub",
        "puttygen -t ecdsa -b 256 -C me -o k2.ppk --new-passphrase /dev/null "
        "--ppk-param version=2 && puttygen k2.ppk -O public-openssh -o k2.pub",
        "echo secret > pass && puttygen -t ed25519 -o k3_enc.ppk "
        "--new-passphrase pass",
    };
    for (size_t i = 0; i < sizeof make / sizeof make[0]; i++)
        if (sh(make[i]) != 0) {
            fprintf(stderr, "setup failed: %s\n", make[i]);
            return -1;
        }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void test_detect_samples(void **state)
{
    (void)state;
    if (!have_tools)
        skip();
    static const struct {
        const char *file;
        const struct kk_format *fmt;
        int encrypted;
        const char *ref;                  /* the same key's public half */
        const struct kk_format *ref_fmt;
    } cases[] = {
        {"o_ed", &kk_fmt_openssh, 0, "o_ed.pub", &kk_fmt_openssh_pub},
        {"o_enc", &kk_fmt_openssh, 1, NULL, NULL},
        {"k3.ppk", &kk_fmt_ppk3, 0, "k3.pub", &kk_fmt_openssh_pub},
        {"k2.ppk", &kk_fmt_ppk2, 0, "k2.pub", &kk_fmt_openssh_pub},
        {"k3_enc.ppk", &kk_fmt_ppk3, 1, NULL, NULL},
        {"pem_rsa", &kk_fmt_pem, 0, "pem_rsa.pub", &kk_fmt_openssh_pub},
        {"pem_ec", &kk_fmt_pem, 0, "pem_ec.pub", &kk_fmt_openssh_pub},
        {"pem_dsa", &kk_fmt_pem, 0, "pem_dsa.pub", &kk_fmt_openssh_pub},
        {"pem_enc", &kk_fmt_pem, 1, NULL, NULL},
        {"pem_ecparam.pem", &kk_fmt_pem, 0, "pem_ecparam.spki", &kk_fmt_spki},
        {"p8.pem", &kk_fmt_pkcs8, 0, "p8.spki", &kk_fmt_spki},
        {"p8rsa.pem", &kk_fmt_pkcs8, 0, "p8rsa.p1", &kk_fmt_pkcs1_pub},
        {"p8_enc.pem", &kk_fmt_pkcs8, 1, NULL, NULL},
        {"o_ed.pub", &kk_fmt_openssh_pub, 0, "o_ed.ssh2", &kk_fmt_rfc4716},
        {"o_ed.ssh2", &kk_fmt_rfc4716, 0, "o_ed.pub", &kk_fmt_openssh_pub},
        {"p8.spki", &kk_fmt_spki, 0, "p8.spki", &kk_fmt_spki},
        {"pem_ecparam.spki", &kk_fmt_spki, 0, "pem_ecparam.spki", &kk_fmt_spki},
        {"pem_rsa.p1", &kk_fmt_pkcs1_pub, 0, "pem_rsa.pub", &kk_fmt_openssh_pub},
        {"p8rsa.p1", &kk_fmt_pkcs1_pub, 0, "p8rsa.p1", &kk_fmt_pkcs1_pub},
    };
    struct kk_limits lim = kk_limits_default();
    struct kk_decode_opts opts = {.limits = &lim, .pass = NULL};

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t len;
        char *text = slurp(cases[i].file, &len);
        const struct kk_format *f = kk_format_detect((uint8_t *)text, len);
        if (f != cases[i].fmt)
            fail_msg("%s detected as %s, expected %s", cases[i].file,
                     f != NULL ? f->name : "nothing", cases[i].fmt->name);

        /* the detected format reads it, without a passphrase if it can */
        struct kk_key *key = NULL;
        struct kk_error err;
        kk_error_clear(&err);
        int rc = f->decode((uint8_t *)text, len, &opts, &key, &err);
        if (cases[i].encrypted) {
            assert_int_equal(rc, KK_ERR_NEED_PASS);
            assert_null(key);
            free(text);
            continue;
        }
        if (rc != KK_OK)
            fail_msg("%s: %s", cases[i].file, err.msg);
        assert_int_equal(key->has_private, (f->flags & KK_FMT_PRIVATE) != 0);

        size_t rlen;
        char *ref = slurp(cases[i].ref, &rlen);
        struct kk_key *pub = NULL;
        assert_int_equal(cases[i].ref_fmt->decode((uint8_t *)ref, rlen, &opts,
                                                  &pub, &err), KK_OK);
        assert_true(kk_key_public_equal(key, pub));
        kk_key_free(pub);
        kk_key_free(key);
        free(ref);
        free(text);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_by_name),
        cmocka_unit_test(test_for_path),
        cmocka_unit_test(test_detect_nothing),
        cmocka_unit_test(test_detect_samples),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
