/* Fuzzes the ssh.com private key decoder.  Inputs that start with the binary
 * magic 3f 6f f9 eb are armoured first, so the fuzzer can mutate the
 * structure directly instead of its base64; others are decoded as they are.
 * The passphrase is "fuzz", as in the encrypted seeds (made with puttygen
 * -O private-sshcom).  The oracle: a key that decodes re-encodes (encrypted
 * if it was, so the 3DES path is exercised both ways) and decodes to the same
 * public half and comment. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t magic[4] = {0x3f, 0x6f, 0xf9, 0xeb};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const struct kk_fuzz_container c = {
        .fmt = &kk_fmt_sshcom,
        .magic = magic,
        .magic_len = sizeof magic,
        .style = KK_ARMOR_SSH2,
        .label = "SSH2 ENCRYPTED PRIVATE KEY",
        .keep_encryption = true,
        .quote_unsupported = true,
    };

    kk_fuzz_container_roundtrip(&c, data, size);
    return 0;
}
