/* Fuzzes the openssh-key-v1 decoder.  Inputs that start with the binary magic
 * "openssh-key-v1\0" are armoured first, so the fuzzer can mutate the
 * container directly instead of its base64; others are decoded as they are.
 * The passphrase is "fuzz", as in the encrypted seeds (made with
 * `ssh-keygen -a 1 -N fuzz -Z CIPHER`); fuzzing builds run bcrypt with one
 * round and skip the AEAD tag and check-integer verdicts (formats/openssh.c).
 * The oracle: a key that decodes re-encodes and decodes to the same public
 * half and comment. */
#include "core/armor.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAGIC "openssh-key-v1"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct kk_limits lim = kk_limits_default();
    struct kk_pass pass;
    struct kk_decode_opts dopts = {.limits = &lim, .pass = &pass};
    struct kk_encode_opts eopts = {.passphrase = NULL};
    struct kk_error err;
    struct kk_key *key = NULL, *again = NULL;
    struct kk_buf text, buf;
    int rc;

    lim.rsa_max_bits = 4096;
    kk_pass_init(&pass);
    kk_pass_set(&pass, "fuzz", 4);
    kk_error_clear(&err);
    kk_buf_init(&text, 0);
    kk_buf_init(&buf, 0);
    if (size >= sizeof MAGIC && memcmp(data, MAGIC, sizeof MAGIC) == 0) {
        if (kk_armor_encode(KK_ARMOR_PEM, "OPENSSH PRIVATE KEY", NULL, 0, data,
                            size, 70, &text, &err) != KK_OK)
            goto out;
        data = text.data;
        size = text.len;
    }
    rc = kk_fmt_openssh.decode(data, size, &dopts, &key, &err);
    if (rc != KK_OK) {
        kk_fuzz_check_error(rc, &err);
        if (key != NULL)
            abort();
        goto out;
    }
    if (key == NULL || !key->has_private || key->comment == NULL)
        abort();
    kk_error_clear(&err);
    if (kk_fmt_openssh.encode(key, &eopts, &buf, &err) != KK_OK)
        abort();
    kk_error_clear(&err);
    if (kk_fmt_openssh.decode(buf.data, buf.len, &dopts, &again, &err) != KK_OK)
        abort();
    if (!kk_key_public_equal(key, again) || strcmp(key->comment, again->comment) != 0)
        abort();
out:
    kk_key_free(again);
    kk_key_free(key);
    kk_buf_free(&buf);
    kk_buf_free(&text);
    kk_pass_wipe(&pass);
    return 0;
}
