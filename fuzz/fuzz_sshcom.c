/* Fuzzes the ssh.com private key decoder.  Inputs that start with the binary
 * magic 3f 6f f9 eb are armoured first, so the fuzzer can mutate the
 * structure directly instead of its base64; others are decoded as they are.
 * The passphrase is "fuzz", as in the encrypted seeds (made with puttygen
 * -O private-sshcom).  The oracle: a key that decodes re-encodes (encrypted
 * if it was, so the 3DES path is exercised both ways) and decodes to the same
 * public half and comment. */
#include "core/armor.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t magic[4] = {0x3f, 0x6f, 0xf9, 0xeb};

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
    if (size >= sizeof magic && memcmp(data, magic, sizeof magic) == 0) {
        if (kk_armor_encode(KK_ARMOR_SSH2, "SSH2 ENCRYPTED PRIVATE KEY", NULL, 0, data,
                            size, 70, &text, &err) != KK_OK)
            goto out;
        data = text.data;
        size = text.len;
    }
    rc = kk_fmt_sshcom.decode(data, size, &dopts, &key, &err);
    if (rc != KK_OK) {
        kk_fuzz_check_error(rc, &err);
        if (key != NULL)
            abort();
        goto out;
    }
    if (key == NULL || !key->has_private || key->comment == NULL)
        abort();
    if (key->was_encrypted) {
        eopts.passphrase = "fuzz";
        eopts.passlen = 4;
    }
    kk_error_clear(&err);
    rc = kk_fmt_sshcom.encode(key, &eopts, &buf, &err);
    /* Comments the armour read but cannot write back (a quote) are refused. */
    if (rc == KK_ERR_UNSUPPORTED && strchr(key->comment, '"') != NULL)
        goto out;
    if (rc != KK_OK)
        abort();
    kk_error_clear(&err);
    if (kk_fmt_sshcom.decode(buf.data, buf.len, &dopts, &again, &err) != KK_OK)
        abort();
    if (!kk_key_public_equal(key, again) || strcmp(key->comment, again->comment) != 0 ||
        again->was_encrypted != key->was_encrypted)
        abort();
out:
    kk_key_free(again);
    kk_key_free(key);
    kk_buf_free(&buf);
    kk_buf_free(&text);
    kk_pass_wipe(&pass);
    return 0;
}
