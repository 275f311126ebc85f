/* bcrypt_pbkdf (core/bcrypt_pbkdf.c): OpenBSD's published vectors (one- and
 * two-block outputs, NULs inside passphrase and salt, a long passphrase),
 * output lengths 1 to 96 showing the same blocks (one and two lanes agree),
 * the refusals, and keys ssh-keygen encrypted:
 * the key and IV derived here open the private section (its two check
 * integers agree) for 16 rounds and for 1. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <openssl/evp.h>
#include "core/armor.h"
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

struct vec {
    const char *pass;
    size_t passlen;
    const char *salt;
    size_t saltlen;
    unsigned rounds;
    const char *hex;
};

#define S(x) x, sizeof x - 1
static const char lorem[] =
    "Lorem ipsum dolor sit amet, consectetur adipisicing elit, "
    "sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. "
    "Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris "
    "nisi ut aliquip ex ea commodo consequat. "
    "Duis aute irure dolor in reprehenderit in voluptate velit esse cillum "
    "dolore eu fugiat nulla pariatur. Excepteur sint occaecat cupidatat non "
    "proident, sunt in culpa qui officia deserunt mollit anim id est laborum.";

/* OpenBSD's regress vectors for bcrypt_pbkdf (as also used by the RustCrypto
 * and Go ports). */
static const struct vec vecs[] = {
    {S("password"), S("salt"), 4,
     "5bbf0cc293587f1c3635555c27796598d47e579071bf427e9d8fbe842aba34d9"},
    {S("password"), S("\0"), 4, "c12b566235eee04c212598970a579a67"},
    {S("\0"), S("salt"), 4, "6051be18c2f4f82cbf0efee5471b4bb9"},
    {S("password\0"), S("salt\0"), 4,
     "7410e44cf4fa07bfaac8a928b1727fac001375e7bf7384370f48efd121743050"},
    {S("pass\0wor"), S("sa\0l"), 4, "c2bffd9db38f6569efef4372f4de83c0"},
    {S("pass\0word"), S("sa\0lt"), 4, "4ba4ac3925c0e8d7f0cdb6bb1684a56f"},
    {S("password"), S("salt"), 8,
     "e1367ec5151a33faac4cc1c144cd23fa15d5548493ecc99b9b5d9c0d3b27bec7"
     "6227ea66088b849b20ab7aa478010246e74bba51723fefa9f9474d6508845e8d"},
    {S("password"), S("salt"), 42, "833cf0dcf56db65608e8f0dc0ce882bd"},
    {lorem, sizeof lorem - 1, S("salis\0"), 8, "10978b07253df57f71a162eb0e8ad30a"},
};

static void test_openbsd_vectors(void **state)
{
    (void)state;
    for (size_t v = 0; v < sizeof vecs / sizeof vecs[0]; v++) {
        uint8_t want[64], got[64];
        size_t n = strlen(vecs[v].hex) / 2;
        struct kk_error err;
        unhex(vecs[v].hex, want, n);
        assert_int_equal(kk_kdf_bcrypt_pbkdf(vecs[v].pass, vecs[v].passlen,
                                             (const uint8_t *)vecs[v].salt,
                                             vecs[v].saltlen, vecs[v].rounds, got, n,
                                             &err), KK_OK);
        assert_memory_equal(got, want, n);
    }
}

/* A block depends only on its count, so every output length must show the
 * same blocks, interleaved by the stride rule; this also covers the one-lane
 * path (32 bytes, the third of three blocks) against the two-lane one. */
static void test_lengths_agree(void **state)
{
    (void)state;
    uint8_t big[96], small[96];
    struct kk_error err;

    /* One block: every shorter length is the same block cut short, except
     * that amt rules change nothing below 33 bytes. */
    assert_int_equal(kk_kdf_bcrypt_pbkdf("pw", 2, (const uint8_t *)"salt", 4, 2, big, 32,
                                         &err), KK_OK);
    for (size_t n = 1; n <= 32; n++) {
        assert_int_equal(kk_kdf_bcrypt_pbkdf("pw", 2, (const uint8_t *)"salt", 4, 2, small,
                                             n, &err), KK_OK);
        assert_memory_equal(small, big, n);
    }
    /* Two blocks (33..64 bytes): byte 2i is block 1's byte i, 2i+1 block 2's;
     * block 1 is the first bytes of the 32-byte output above. */
    for (size_t n = 33; n <= 64; n++) {
        assert_int_equal(kk_kdf_bcrypt_pbkdf("pw", 2, (const uint8_t *)"salt", 4, 2, small,
                                             n, &err), KK_OK);
        for (size_t i = 0; 2 * i < n; i++)
            assert_int_equal(small[2 * i], big[i]);
    }
    /* Three blocks, odd lane count: block 1 again at every third byte. */
    assert_int_equal(kk_kdf_bcrypt_pbkdf("pw", 2, (const uint8_t *)"salt", 4, 2, small, 96,
                                         &err), KK_OK);
    for (size_t i = 0; i < 32; i++)
        assert_int_equal(small[3 * i], big[i]);
    /* And block 2 of the 3-block call is block 2 of the 2-block call. */
    assert_int_equal(kk_kdf_bcrypt_pbkdf("pw", 2, (const uint8_t *)"salt", 4, 2, big, 64,
                                         &err), KK_OK);
    for (size_t i = 0; i < 32; i++)
        assert_int_equal(small[3 * i + 1], big[2 * i + 1]);
}

static void test_refusals(void **state)
{
    (void)state;
    uint8_t out[KK_BCRYPT_MAX_OUT + 1];
    const uint8_t *salt = (const uint8_t *)"salt";
    struct kk_error err;

    memset(out, 0xaa, sizeof out);
    assert_int_equal(kk_kdf_bcrypt_pbkdf("", 0, salt, 4, 4, out, 32, &err), KK_ERR_USAGE);
    assert_string_equal(err.msg, "bcrypt_pbkdf needs a non-empty passphrase");
    for (size_t i = 0; i < 32; i++)
        assert_int_equal(out[i], 0);       /* wiped on failure */
    assert_int_equal(kk_kdf_bcrypt_pbkdf("p", 1, salt, 0, 4, out, 32, &err), KK_ERR_USAGE);
    assert_int_equal(kk_kdf_bcrypt_pbkdf("p", 1, salt, 4, 0, out, 32, &err), KK_ERR_USAGE);
    assert_string_equal(err.msg, "bcrypt_pbkdf needs at least 1 round");
    assert_int_equal(kk_kdf_bcrypt_pbkdf("p", 1, salt, 4, 1, out, 0, &err), KK_ERR_USAGE);
    assert_int_equal(kk_kdf_bcrypt_pbkdf("p", 1, salt, 4, 1, out, sizeof out, &err),
                     KK_ERR_USAGE);
    assert_string_equal(err.msg, "bcrypt_pbkdf cannot make 1025 bytes");
    assert_int_equal(kk_kdf_bcrypt_pbkdf("p", 1, salt, 4, 1, out, KK_BCRYPT_MAX_OUT, &err),
                     KK_OK);
}

/* Derives key and IV for an ssh-keygen file (aes256-ctr) and checks that
 * they open it: the two check integers at the start of the private section
 * are equal (and differ with a wrong passphrase). */
static void open_sshkeygen_file(const char *rounds_arg, unsigned want_rounds)
{
    char dir[] = "/tmp/kk-bcrypt-XXXXXX";
    char path[64];
    struct kk_buf text;
    struct kk_armor a;
    struct kk_error err;

    if (!fx_have("ssh-keygen"))
        skip();
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/k", dir);
    assert_int_equal(fx_run("ssh-keygen -q -t ed25519 %s -N 'test pass phrase' -f '%s'",
                            rounds_arg, path), 0);
    assert_int_equal(fx_read(path, &text), 0);
    fx_run("rm -rf '%s'", dir);
    assert_int_equal(kk_armor_decode(text.data, text.len, KK_ARMOR_PEM, &a, &err), KK_OK);

    struct kk_reader r;
    kk_reader_init(&r, a.body.data, a.body.len);
    kk_get_bytes(&r, 15);
    struct kk_span cipher = kk_get_string(&r);
    struct kk_span kdf = kk_get_string(&r);
    struct kk_span opts = kk_get_string(&r);
    kk_get_u32(&r);
    kk_get_string(&r);
    struct kk_span priv = kk_get_string(&r);
    assert_true(kk_reader_ok(&r));
    assert_int_equal(cipher.len, 10);
    assert_memory_equal(cipher.ptr, "aes256-ctr", 10);
    assert_int_equal(kdf.len, 6);
    struct kk_reader o;
    kk_reader_init(&o, opts.ptr, opts.len);
    struct kk_span salt = kk_get_string(&o);
    unsigned rounds = kk_get_u32(&o);
    assert_true(kk_reader_done(&o));
    assert_int_equal(rounds, want_rounds);

    for (int right = 1; right >= 0; right--) {
        uint8_t kiv[48], plain[16];
        int n = 0;
        const char *pw = right ? "test pass phrase" : "test pass phrasf";
        assert_int_equal(kk_kdf_bcrypt_pbkdf(pw, strlen(pw), salt.ptr, salt.len, rounds,
                                             kiv, sizeof kiv, &err), KK_OK);
        EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
        assert_int_equal(EVP_DecryptInit_ex(ctx, EVP_aes_256_ctr(), NULL, kiv, kiv + 32), 1);
        assert_int_equal(EVP_DecryptUpdate(ctx, plain, &n, priv.ptr, 16), 1);
        EVP_CIPHER_CTX_free(ctx);
        assert_int_equal(memcmp(plain, plain + 4, 4) == 0, right);
    }
    kk_armor_free(&a);
    kk_buf_free(&text);
}

static void test_opens_sshkeygen_default(void **state)
{
    (void)state;
    open_sshkeygen_file("", 16);      /* ssh-keygen 9.x's default rounds */
}

static void test_opens_sshkeygen_one_round(void **state)
{
    (void)state;
    open_sshkeygen_file("-a 1", 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_openbsd_vectors),
        cmocka_unit_test(test_lengths_agree),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_opens_sshkeygen_default),
        cmocka_unit_test(test_opens_sshkeygen_one_round),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
