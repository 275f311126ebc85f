#include "limits.h"

struct kk_limits kk_limits_default(void)
{
    struct kk_limits lim = {
        .max_input = KK_DEFAULT_MAX_INPUT,
        .max_decompressed = KK_DEFAULT_MAX_DECOMPRESSED,
        .rsa_min_bits = KK_DEFAULT_RSA_MIN_BITS,
        .rsa_max_bits = KK_DEFAULT_RSA_MAX_BITS,
        .max_kdf_rounds = KK_DEFAULT_MAX_KDF_ROUNDS,
    };
    return lim;
}
