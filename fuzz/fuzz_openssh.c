/* Fuzzes the openssh-key-v1 decoder.  Inputs that start with the binary magic
 * "openssh-key-v1\0" are armoured first, so the fuzzer can mutate the
 * container directly instead of its base64; others are decoded as they are.
 * The passphrase is "fuzz", as in the encrypted seeds (made with
 * `ssh-keygen -a 1 -N fuzz -Z CIPHER`); fuzzing builds run bcrypt with one
 * round and skip the AEAD tag and check-integer verdicts (formats/openssh.c).
 * The oracle: a key that decodes re-encodes and decodes to the same public
 * half and comment. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t magic[] = "openssh-key-v1";  /* with its NUL */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const struct kk_fuzz_container c = {
        .fmt = &kk_fmt_openssh,
        .magic = magic,
        .magic_len = sizeof magic,
        .style = KK_ARMOR_PEM,
        .label = "OPENSSH PRIVATE KEY",
    };

    kk_fuzz_container_roundtrip(&c, data, size);
    return 0;
}
