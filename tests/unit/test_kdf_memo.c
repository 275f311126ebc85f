/* Unit tests for core/kdf_memo.c and its use by the openssh codec: the
 * encoder records the real bcrypt_pbkdf result, the read-back decode takes
 * it only for exactly that derivation, and kk_key_save's output still opens
 * without any memo. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "core/kdf.h"
#include "formats/convert.h"
#include "formats/format.h"

static const uint8_t salt[16] = "0123456789abcdef";
static const uint8_t out48[48] = "derived key and iv, forty-eight bytes long.....";

static void test_find_exact_only(void **state)
{
    struct kk_kdf_memo m = {.kind = KK_KDF_MEMO_NONE};
    uint8_t got[48];

    (void)state;
    kk_kdf_memo_record(&m, KK_KDF_MEMO_BCRYPT, "pw", 2, salt, sizeof salt, 16, out48,
                       sizeof out48);
    memset(got, 0, sizeof got);
    assert_int_equal(kk_kdf_memo_find(&m, KK_KDF_MEMO_BCRYPT, "pw", 2, salt, sizeof salt,
                                      16, got, sizeof got), 1);
    assert_memory_equal(got, out48, sizeof got);
    /* Any input different: no hit, nothing written. */
    memset(got, 0, sizeof got);
    assert_int_equal(kk_kdf_memo_find(&m, KK_KDF_MEMO_BCRYPT, "pW", 2, salt, sizeof salt,
                                      16, got, sizeof got), 0);
    assert_int_equal(kk_kdf_memo_find(&m, KK_KDF_MEMO_BCRYPT, "pw!", 3, salt, sizeof salt,
                                      16, got, sizeof got), 0);
    assert_int_equal(kk_kdf_memo_find(&m, KK_KDF_MEMO_BCRYPT, "pw", 2, salt, 15, 16, got,
                                      sizeof got), 0);
    uint8_t other[16];
    memcpy(other, salt, sizeof other);
    other[15] ^= 1;
    assert_int_equal(kk_kdf_memo_find(&m, KK_KDF_MEMO_BCRYPT, "pw", 2, other, sizeof other,
                                      16, got, sizeof got), 0);
    assert_int_equal(kk_kdf_memo_find(&m, KK_KDF_MEMO_BCRYPT, "pw", 2, salt, sizeof salt,
                                      17, got, sizeof got), 0);
    assert_int_equal(kk_kdf_memo_find(&m, KK_KDF_MEMO_BCRYPT, "pw", 2, salt, sizeof salt,
                                      16, got, 32), 0);
    assert_int_equal(kk_kdf_memo_find(&m, KK_KDF_MEMO_NONE, "pw", 2, salt, sizeof salt,
                                      16, got, sizeof got), 0);
    assert_int_equal(kk_kdf_memo_find(NULL, KK_KDF_MEMO_BCRYPT, "pw", 2, salt, sizeof salt,
                                      16, got, sizeof got), 0);
    uint8_t zero[48] = {0};
    assert_memory_equal(got, zero, sizeof got);

    /* Wiped: empty, and the key material gone. */
    kk_kdf_memo_wipe(&m);
    assert_int_equal(m.kind, KK_KDF_MEMO_NONE);
    assert_memory_equal(m.out, zero, sizeof zero);
    assert_int_equal(kk_kdf_memo_find(&m, KK_KDF_MEMO_BCRYPT, "pw", 2, salt, sizeof salt,
                                      16, got, sizeof got), 0);
    kk_kdf_memo_wipe(NULL);
    kk_kdf_memo_record(NULL, KK_KDF_MEMO_BCRYPT, "pw", 2, salt, sizeof salt, 16, out48,
                       sizeof out48);
}

static void test_too_large_not_kept(void **state)
{
    struct kk_kdf_memo m = {.kind = KK_KDF_MEMO_NONE};
    uint8_t big[KK_KDF_MEMO_OUT_MAX + 1] = {0};
    uint8_t got[sizeof big];

    (void)state;
    kk_kdf_memo_record(&m, KK_KDF_MEMO_BCRYPT, "pw", 2, big, KK_KDF_MEMO_SALT_MAX + 1, 16,
                       out48, sizeof out48);
    assert_int_equal(m.kind, KK_KDF_MEMO_NONE);
    kk_kdf_memo_record(&m, KK_KDF_MEMO_BCRYPT, "pw", 2, salt, sizeof salt, 16, big,
                       sizeof big);
    assert_int_equal(m.kind, KK_KDF_MEMO_NONE);
    assert_int_equal(kk_kdf_memo_find(&m, KK_KDF_MEMO_BCRYPT, "pw", 2, salt, sizeof salt,
                                      16, got, sizeof got), 0);
    /* An empty passphrase is a passphrase like any other. */
    kk_kdf_memo_record(&m, KK_KDF_MEMO_BCRYPT, "", 0, salt, sizeof salt, 1, out48, 48);
    assert_int_equal(kk_kdf_memo_find(&m, KK_KDF_MEMO_BCRYPT, "", 0, salt, sizeof salt, 1,
                                      got, 48), 1);
    assert_int_equal(kk_kdf_memo_find(&m, KK_KDF_MEMO_BCRYPT, "x", 1, salt, sizeof salt, 1,
                                      got, 48), 0);
    kk_kdf_memo_wipe(&m);
}

/* The openssh encoder records the derivation it really ran. */
static void test_openssh_records_real_derivation(void **state)
{
    struct kk_key *key = NULL;
    struct kk_error err;
    struct kk_buf out;
    struct kk_kdf_memo m = {.kind = KK_KDF_MEMO_NONE};
    uint8_t want[48];

    (void)state;
    kk_error_clear(&err);
    kk_buf_init(&out, 0);
    assert_int_equal(kk_key_generate(KK_KEY_ED25519, 0, &key, &err), KK_OK);
    const struct kk_encode_opts eo = {.passphrase = "secret", .passlen = 6, .rounds = 4,
                                      .kdf_memo = &m};
    assert_int_equal(kk_fmt_openssh.encode(key, &eo, &out, &err), KK_OK);
    assert_int_equal(m.kind, KK_KDF_MEMO_BCRYPT);
    assert_int_equal(m.rounds, 4);
    assert_int_equal(m.salt_len, 16);
    assert_int_equal(m.out_len, 48);     /* aes256-ctr key and IV */
    assert_int_equal(kk_kdf_bcrypt_pbkdf("secret", 6, m.salt, m.salt_len, 4, want,
                                         sizeof want, &err), KK_OK);
    assert_memory_equal(m.out, want, sizeof want);

    /* The decoder uses a matching memo: a false one makes it fail... */
    struct kk_pass pass;
    struct kk_key *back = NULL;
    kk_pass_init(&pass);
    kk_pass_set(&pass, "secret", 6);
    m.out[0] ^= 0xff;
    struct kk_decode_opts dopts = {.pass = &pass, .kdf_memo = &m};
    assert_int_equal(kk_fmt_openssh.decode(out.data, out.len, &dopts, &back, &err),
                     KK_ERR_WRONG_PASS);
    assert_null(back);
    /* ... a true one opens it, and so does none. */
    m.out[0] ^= 0xff;
    assert_int_equal(kk_fmt_openssh.decode(out.data, out.len, &dopts, &back, &err), KK_OK);
    assert_true(kk_key_public_equal(key, back));
    kk_key_free(back);
    back = NULL;
    dopts.kdf_memo = NULL;
    assert_int_equal(kk_fmt_openssh.decode(out.data, out.len, &dopts, &back, &err), KK_OK);
    kk_key_free(back);
    back = NULL;
    /* A memo for another passphrase is not taken: the wrong one still fails. */
    kk_pass_set(&pass, "secreT", 6);
    dopts.kdf_memo = &m;
    assert_int_equal(kk_fmt_openssh.decode(out.data, out.len, &dopts, &back, &err),
                     KK_ERR_WRONG_PASS);
    kk_pass_wipe(&pass);
    kk_kdf_memo_wipe(&m);
    kk_buf_free(&out);
    kk_key_free(key);
}

/* kk_key_save's output (read back through the memo) opens on its own. */
static void test_key_save_output_opens(void **state)
{
    struct kk_key *key = NULL, *back = NULL;
    struct kk_error err;
    struct kk_buf out;
    struct kk_pass pass;

    (void)state;
    kk_error_clear(&err);
    kk_buf_init(&out, 0);
    assert_int_equal(kk_key_generate(KK_KEY_ED25519, 0, &key, &err), KK_OK);
    const struct kk_encode_opts eo = {.passphrase = "pw", .passlen = 2, .rounds = 2};
    assert_int_equal(kk_key_save(key, &kk_fmt_openssh, &eo, NULL, &out, &err), KK_OK);
    kk_pass_init(&pass);
    kk_pass_set(&pass, "pw", 2);
    const struct kk_decode_opts dopts = {.pass = &pass};
    assert_int_equal(kk_fmt_openssh.decode(out.data, out.len, &dopts, &back, &err), KK_OK);
    assert_true(kk_key_public_equal(key, back));
    assert_true(back->was_encrypted);
    kk_key_free(back);
    kk_pass_wipe(&pass);
    kk_buf_free(&out);
    kk_key_free(key);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_find_exact_only),
        cmocka_unit_test(test_too_large_not_kept),
        cmocka_unit_test(test_openssh_records_real_derivation),
        cmocka_unit_test(test_key_save_output_opens),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
