/* Fuzzes the PuTTY .ppk decoder (both versions).  Encrypted inputs are opened
 * with the passphrase "fuzz", the one the seeds use; the Argon2 caps are low
 * so no input is slow.  A fuzzing build (KK_FUZZING) skips the MAC check, so
 * mutated files reach the private-blob parser; the corpus replay under ctest
 * is a normal build, where the MAC is checked.  The oracle: a key that
 * decodes re-encodes (v3 and v2, unencrypted) and decodes to the same public
 * half and comment. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void again(const struct kk_format *fmt, const struct kk_key *key,
                  const struct kk_decode_opts *dopts)
{
    struct kk_encode_opts eopts = {.passphrase = NULL};
    struct kk_error err;
    struct kk_key *back = NULL;
    struct kk_buf buf;

    kk_buf_init(&buf, 0);
    kk_error_clear(&err);
    if (fmt->encode(key, &eopts, &buf, &err) != KK_OK)
        abort();
    if (fmt->decode(buf.data, buf.len, dopts, &back, &err) != KK_OK)
        abort();
    if (!kk_key_public_equal(key, back) || strcmp(key->comment, back->comment) != 0 ||
        back->was_encrypted)
        abort();
    kk_key_free(back);
    kk_buf_free(&buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct kk_limits lim = kk_limits_default();
    struct kk_pass pass;
    struct kk_decode_opts dopts = {.limits = &lim, .pass = &pass};
    struct kk_error err;
    struct kk_key *key = NULL;

    lim.rsa_max_bits = 4096;
    lim.max_argon2_memory = 256;
    lim.max_argon2_passes = 2;
    lim.max_argon2_parallelism = 2;
    kk_pass_init(&pass);
    kk_pass_set(&pass, "fuzz", 4);
    kk_error_clear(&err);
    if (!kk_fuzz_decode(&kk_fmt_ppk3, data, size, &dopts, &key, &err))
        goto out;
    if (key == NULL || !key->has_private || key->comment == NULL)
        abort();
    again(&kk_fmt_ppk3, key, &dopts);
    again(&kk_fmt_ppk2, key, &dopts);
out:
    kk_key_free(key);
    kk_pass_wipe(&pass);
    return 0;
}
