/* Fuzzes the openssh-pub decoder; the encode/decode round trip is the oracle. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    kk_fuzz_roundtrip(&kk_fmt_openssh_pub, data, size);
    return 0;
}
