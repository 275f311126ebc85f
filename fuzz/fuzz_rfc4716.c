/* Fuzzes the rfc4716 decoder; the encode/decode round trip is the oracle. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    kk_fuzz_roundtrip(&kk_fmt_rfc4716, data, size);
    return 0;
}
