/* Fuzzes the PEM public-key decoders, spki ("PUBLIC KEY") and pkcs1-pub
 * ("RSA PUBLIC KEY"), on the same input: OpenSSL's decoders accept each
 * other's structures, so the strict checks that tell them apart are what
 * this target exercises.  The round trip is the oracle. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    kk_fuzz_roundtrip(&kk_fmt_spki, data, size);
    kk_fuzz_roundtrip(&kk_fmt_pkcs1_pub, data, size);
    return 0;
}
