/* Fuzzes the PEM armour and the PKCS#1 / SEC1 / DSA / PKCS#8 decoders: each
 * input goes to the pem and the pkcs8 codecs with the passphrase "fuzz" (the
 * one the encrypted seeds use).  The oracle: a key that decodes re-encodes
 * unencrypted, decodes again without a passphrase, and has the same public
 * half. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void one(const struct kk_format *fmt, const uint8_t *data, size_t size)
{
    struct kk_limits lim = kk_limits_default();
    struct kk_pass pass;
    struct kk_decode_opts dopts = {.limits = &lim, .pass = &pass};
    struct kk_decode_opts plain = {.limits = &lim, .pass = NULL};
    struct kk_encode_opts eopts = {.passphrase = NULL};
    struct kk_error err;
    struct kk_key *key = NULL, *again = NULL;
    struct kk_buf buf;

    /* Small caps keep each run short; the seeds use openssl's default of
     * 2048 PBKDF2 iterations and RSA keys of 1024 bits. */
    lim.max_kdf_rounds = 4096;
    lim.rsa_max_bits = 4096;
    kk_pass_init(&pass);
    kk_pass_set(&pass, "fuzz", 4);
    kk_error_clear(&err);
    kk_buf_init(&buf, 0);
    if (!kk_fuzz_decode(fmt, data, size, &dopts, &key, &err))
        goto out;
    if (key == NULL || !key->has_private || key->pkey == NULL)
        abort();
    kk_error_clear(&err);
    if (fmt->encode(key, &eopts, &buf, &err) != KK_OK)
        abort();
    kk_error_clear(&err);
    if (fmt->decode(buf.data, buf.len, &plain, &again, &err) != KK_OK)
        abort();
    if (again->was_encrypted || !kk_key_public_equal(key, again))
        abort();
out:
    kk_key_free(again);
    kk_key_free(key);
    kk_buf_free(&buf);
    kk_pass_wipe(&pass);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    one(&kk_fmt_pem, data, size);
    one(&kk_fmt_pkcs8, data, size);
    return 0;
}
