/* Fuzzes content detection and then the decoder it picks (any format, no
 * passphrase), with the encode/decode round trip as the oracle. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const struct kk_format *fmt = kk_format_detect(data, size);

    if (fmt != NULL && fmt->decode != NULL)
        kk_fuzz_roundtrip(fmt, data, size);
    return 0;
}
