#include "limits.h"

struct kk_limits kk_limits_default(void)
{
    struct kk_limits lim = {
        .max_input = KK_DEFAULT_MAX_INPUT,
        .max_decompressed = KK_DEFAULT_MAX_DECOMPRESSED,
        .rsa_min_bits = KK_DEFAULT_RSA_MIN_BITS,
        .rsa_max_bits = KK_DEFAULT_RSA_MAX_BITS,
        .max_kdf_rounds = KK_DEFAULT_MAX_KDF_ROUNDS,
        .max_argon2_memory = KK_DEFAULT_MAX_ARGON2_MEMORY,
        .max_argon2_passes = KK_DEFAULT_MAX_ARGON2_PASSES,
        .max_argon2_parallelism = KK_DEFAULT_MAX_ARGON2_PARALLELISM,
    };
    return lim;
}
