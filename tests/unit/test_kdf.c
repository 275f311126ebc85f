/* core/kdf and core/cipher: known-answer vectors from the specifications
 * (NIST SP 800-38A, RFC 2202, RFC 4231, the Argon2 reference README), the
 * PPK v2 derivation against `openssl sha1`, and Argon2 in every flavour
 * against PuTTY's own Argon2 implementation (the MAC of a file puttygen wrote
 * is recomputed from the key material derived here). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "core/cipher.h"
#include "core/kdf.h"
#include "priv_fixture.h"

static void unhex(const char *h, uint8_t *out, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        assert_int_equal(sscanf(h + 2 * i, "%2x", &v), 1);
        out[i] = (uint8_t)v;
    }
}

static void assert_hex(const uint8_t *got, size_t n, const char *want)
{
    uint8_t w[128];
    assert_int_equal(strlen(want), 2 * n);
    unhex(want, w, n);
    assert_memory_equal(got, w, n);
}

static void test_argon2i_reference_vector(void **state)
{
    (void)state;
    /* From the Argon2 reference README: argon2i, t=2, m=2^16, p=4, 24 bytes. */
    struct kk_argon2_params p = {.flavour = KK_ARGON2I, .memory_kib = 65536, .passes = 2,
                                 .parallelism = 4, .salt = (const uint8_t *)"somesalt",
                                 .salt_len = 8};
    uint8_t out[24];
    struct kk_error err;
    assert_int_equal(kk_kdf_argon2(&p, "password", 8, out, sizeof out, &err), KK_OK);
    assert_hex(out, sizeof out, "45d7ac72e76f242b20b77b9bf9bf9d5915894e669a24e6c6");
    /* One changed input changes the output. */
    p.passes = 3;
    uint8_t other[24];
    assert_int_equal(kk_kdf_argon2(&p, "password", 8, other, sizeof other, &err), KK_OK);
    assert_memory_not_equal(out, other, sizeof out);
}

static void test_argon2_refuses_bad_parameters(void **state)
{
    (void)state;
    uint8_t out[32];
    struct kk_error err;
    struct kk_argon2_params p = {.flavour = KK_ARGON2ID, .memory_kib = 64, .passes = 1,
                                 .parallelism = 1, .salt = (const uint8_t *)"shortsa",
                                 .salt_len = 7};
    assert_int_equal(kk_kdf_argon2(&p, "x", 1, out, sizeof out, &err), KK_ERR_FORMAT);
    assert_string_equal(err.msg, "the Argon2 salt is 7 bytes; it must be 8 to 64");
    p.salt_len = 8;
    p.parallelism = 9;          /* 64 KiB < 8 KiB * 9 lanes */
    assert_int_equal(kk_kdf_argon2(&p, "x", 1, out, sizeof out, &err), KK_ERR_FORMAT);
    p.parallelism = 1;
    p.passes = 0;
    assert_int_equal(kk_kdf_argon2(&p, "x", 1, out, sizeof out, &err), KK_ERR_FORMAT);
    p.passes = 1;
    p.flavour = (enum kk_argon2_flavour)7;
    assert_int_equal(kk_kdf_argon2(&p, "x", 1, out, sizeof out, &err), KK_ERR_INTERNAL);
    p.flavour = KK_ARGON2D;
    assert_int_equal(kk_kdf_argon2(&p, "", 0, out, sizeof out, &err), KK_OK);
}

static void test_argon2_flavour_names(void **state)
{
    (void)state;
    assert_string_equal(kk_argon2_flavour_name(KK_ARGON2ID), "Argon2id");
    assert_string_equal(kk_argon2_flavour_name(KK_ARGON2I), "Argon2i");
    assert_string_equal(kk_argon2_flavour_name(KK_ARGON2D), "Argon2d");
    assert_null(kk_argon2_flavour_name((enum kk_argon2_flavour)3));
    assert_int_equal(kk_argon2_flavour_from_name("Argon2d", 7), KK_ARGON2D);
    assert_int_equal(kk_argon2_flavour_from_name("Argon2id", 8), KK_ARGON2ID);
    assert_int_equal(kk_argon2_flavour_from_name("argon2id", 8), -1);
    assert_int_equal(kk_argon2_flavour_from_name("Argon2", 6), -1);
}

static void test_argon2_calibrate(void **state)
{
    (void)state;
    struct kk_argon2_params p = {.flavour = KK_ARGON2ID, .memory_kib = 1024,
                                 .parallelism = 1};
    struct kk_error err;
    uint32_t passes = 0;
    assert_int_equal(kk_kdf_argon2_calibrate(&p, 100, 1000, &passes, &err), KK_OK);
    assert_true(passes >= 1 && passes <= 1000);
    assert_int_equal(kk_kdf_argon2_calibrate(&p, 100000, 5, &passes, &err), KK_OK);
    assert_int_equal(passes, 5);
    assert_int_equal(kk_kdf_argon2_calibrate(&p, 0, 5, &passes, &err), KK_OK);
    assert_int_equal(passes, 1);
}

/* The v2 derivation against the openssl command line. */
static void test_ppk2_sha1_matches_openssl(void **state)
{
    (void)state;
    if (!fx_have("openssl"))
        skip();
    uint8_t key[32], mac[20], big[64];
    char line[256];
    struct kk_error err;

    assert_int_equal(kk_kdf_ppk2_sha1("s3cr et", 7, key, mac, &err), KK_OK);
    assert_int_equal(fx_capture(line, sizeof line, "printf '\\000\\000\\000\\000s3cr et' "
                                "| openssl sha1 -r"), 0);
    unhex(line, big, 20);
    assert_int_equal(fx_capture(line, sizeof line, "printf '\\000\\000\\000\\001s3cr et' "
                                "| openssl sha1 -r"), 0);
    unhex(line, big + 20, 20);
    assert_memory_equal(key, big, 32);
    assert_int_equal(fx_capture(line, sizeof line, "printf 'putty-private-key-file-mac-key"
                                "s3cr et' | openssl sha1 -r"), 0);
    unhex(line, big, 20);
    assert_memory_equal(mac, big, 20);
    /* Unencrypted files: the MAC key of the empty passphrase, no cipher key. */
    assert_int_equal(kk_kdf_ppk2_sha1("", 0, NULL, mac, &err), KK_OK);
    assert_hex(mac, 20, "01256362c01ddccc2d94d0367ff286265c4d8e88");
}

static void test_aes256_cbc_sp800_38a(void **state)
{
    (void)state;
    uint8_t key[32], iv[16], pt[32], ct[32], back[32];
    struct kk_error err;
    unhex("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4", key, 32);
    unhex("000102030405060708090a0b0c0d0e0f", iv, 16);
    unhex("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51", pt, 32);
    assert_int_equal(kk_aes256_cbc(1, key, iv, pt, 32, ct, &err), KK_OK);
    assert_hex(ct, 32, "f58c4c04d6e5f1ba779eabfb5f7bfbd69cfc4e967edb808d679f777bc6702c7d");
    assert_int_equal(kk_aes256_cbc(0, key, iv, ct, 32, back, &err), KK_OK);
    assert_memory_equal(back, pt, 32);
    /* In place. */
    assert_int_equal(kk_aes256_cbc(0, key, iv, ct, 32, ct, &err), KK_OK);
    assert_memory_equal(ct, pt, 32);
    assert_int_equal(kk_aes256_cbc(1, key, iv, pt, 17, ct, &err), KK_ERR_FORMAT);
    assert_int_equal(kk_aes256_cbc(1, key, iv, pt, 0, ct, &err), KK_OK);
}

static void test_hmac_vectors(void **state)
{
    (void)state;
    uint8_t key[20], out[KK_HMAC_MAX];
    size_t n;
    struct kk_error err;
    memset(key, 0x0b, sizeof key);
    /* RFC 4231 test case 1 and RFC 2202 test case 1. */
    assert_int_equal(kk_hmac("SHA256", key, 20, (const uint8_t *)"Hi There", 8, out, &n,
                             &err), KK_OK);
    assert_int_equal(n, 32);
    assert_hex(out, 32, "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    assert_int_equal(kk_hmac("SHA1", key, 20, (const uint8_t *)"Hi There", 8, out, &n,
                             &err), KK_OK);
    assert_int_equal(n, 20);
    assert_hex(out, 20, "b617318655057264e28bc0b6fb378c8ef146be00");
    /* An empty key and empty data, as unencrypted PPK v3 files use. */
    assert_int_equal(kk_hmac("SHA256", NULL, 0, NULL, 0, out, &n, &err), KK_OK);
    assert_hex(out, 32, "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
    assert_int_equal(kk_hmac("NO-SUCH-DIGEST", key, 20, key, 1, out, &n, &err),
                     KK_ERR_CRYPTO);
}

static void test_ct_equal(void **state)
{
    (void)state;
    assert_true(kk_ct_equal("abcd", "abcd", 4));
    assert_false(kk_ct_equal("abcd", "abce", 4));
    assert_false(kk_ct_equal("xbcd", "abcd", 4));
    assert_true(kk_ct_equal("a", "b", 0));
}

/* ---- Argon2 against PuTTY ------------------------------------------------ */

static char dir[FX_DIR_MAX];

static int setup(void **state)
{
    (void)state;
    return fx_scratch(dir, "kdf");
}

static int teardown(void **state)
{
    (void)state;
    fx_scratch_remove(dir);
    return 0;
}

/* The value of "NAME: value" in text, copied into out. */
static void field(const struct kk_buf *text, const char *name, char *out, size_t max)
{
    char key[64];
    snprintf(key, sizeof key, "\n%s: ", name);
    const char *t = (const char *)text->data;
    const char *p = strstr(t, key);
    assert_non_null(p);
    p += strlen(key);
    size_t n = strcspn(p, "\n");
    assert_true(n < max);
    memcpy(out, p, n);
    out[n] = '\0';
}

/* The base64 lines after "NAME-Lines: N", decoded. */
static void lines(const struct kk_buf *text, const char *name, struct kk_buf *out)
{
    char v[32], key[48];
    snprintf(key, sizeof key, "%s-Lines", name);
    field(text, key, v, sizeof v);
    snprintf(key, sizeof key, "\n%s-Lines: %s\n", name, v);
    const char *p = strstr((const char *)text->data, key) + strlen(key);
    struct kk_buf b64;
    kk_buf_init(&b64, 0);
    for (int i = atoi(v); i > 0; i--) {
        size_t n = strcspn(p, "\n");
        kk_buf_put(&b64, p, n);
        p += n + 1;
    }
    struct kk_error err;
    kk_buf_init(out, 0);
    assert_int_equal(kk_base64_decode((const char *)b64.data, b64.len, 0, out, &err), KK_OK);
    kk_buf_free(&b64);
}

static void check_puttygen_flavour(const char *kdf, enum kk_argon2_flavour flavour)
{
    char path[128], v[160];
    struct kk_buf text, pub, priv, mac_in;
    struct kk_error err;
    uint8_t salt[64], km[80], mac[KK_HMAC_MAX], want[32];
    size_t n;

    snprintf(path, sizeof path, "%s/%s.ppk", dir, kdf);
    assert_int_equal(fx_run("printf 'pass phrase' > '%s/pw' && puttygen -q -t ed25519 "
                            "-C 'kdf test' --ppk-param kdf=%s,memory=256,passes=3,"
                            "parallelism=2 --new-passphrase '%s/pw' -o '%s'",
                            dir, kdf, dir, path), 0);
    assert_int_equal(fx_read(path, &text), 0);
    assert_int_equal(kk_buf_terminate(&text), 0);
    field(&text, "Key-Derivation", v, sizeof v);
    assert_int_equal(kk_argon2_flavour_from_name(v, strlen(v)), (int)flavour);
    field(&text, "Argon2-Salt", v, sizeof v);
    size_t saltlen = strlen(v) / 2;
    unhex(v, salt, saltlen);
    struct kk_argon2_params p = {.flavour = flavour, .memory_kib = 256, .passes = 3,
                                 .parallelism = 2, .salt = salt, .salt_len = saltlen};
    assert_int_equal(kk_kdf_argon2(&p, "pass phrase", 11, km, sizeof km, &err), KK_OK);

    lines(&text, "Public", &pub);
    lines(&text, "Private", &priv);
    assert_int_equal(kk_aes256_cbc(0, km, km + 32, priv.data, priv.len, priv.data, &err),
                     KK_OK);
    kk_buf_init(&mac_in, 0);
    kk_buf_put_cstring(&mac_in, "ssh-ed25519");
    kk_buf_put_cstring(&mac_in, "aes256-cbc");
    kk_buf_put_cstring(&mac_in, "kdf test");
    kk_buf_put_string(&mac_in, pub.data, pub.len);
    kk_buf_put_string(&mac_in, priv.data, priv.len);
    assert_int_equal(kk_hmac("SHA256", km + 48, 32, mac_in.data, mac_in.len, mac, &n, &err),
                     KK_OK);
    field(&text, "Private-MAC", v, sizeof v);
    unhex(v, want, 32);
    assert_memory_equal(mac, want, 32);
    kk_buf_free(&text);
    kk_buf_free(&pub);
    kk_buf_free(&priv);
    kk_buf_free(&mac_in);
}

static void test_argon2_matches_puttygen(void **state)
{
    (void)state;
    if (!fx_have("puttygen"))
        skip();
    check_puttygen_flavour("argon2id", KK_ARGON2ID);
    check_puttygen_flavour("argon2i", KK_ARGON2I);
    check_puttygen_flavour("argon2d", KK_ARGON2D);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_argon2i_reference_vector),
        cmocka_unit_test(test_argon2_refuses_bad_parameters),
        cmocka_unit_test(test_argon2_flavour_names),
        cmocka_unit_test(test_argon2_calibrate),
        cmocka_unit_test(test_ppk2_sha1_matches_openssl),
        cmocka_unit_test(test_aes256_cbc_sp800_38a),
        cmocka_unit_test(test_hmac_vectors),
        cmocka_unit_test(test_ct_equal),
        cmocka_unit_test(test_argon2_matches_puttygen),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
