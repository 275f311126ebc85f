/* Caps on what hostile input may cost.  Each has a CLI flag that raises it,
 * and the error that reports a cap names that flag. */
#ifndef KK_LIMITS_H
#define KK_LIMITS_H

#include <stddef.h>

struct kk_limits {
    size_t max_input;        /* bytes read from a file, --max-input-size */
    size_t max_decompressed; /* bytes after gunzip, --max-input-size too */
    unsigned rsa_min_bits;   /* below this a key is refused on decode */
    unsigned rsa_max_bits;   /* --max-rsa-bits */
    unsigned max_kdf_rounds; /* bcrypt rounds / PBKDF2 iterations, --max-kdf-rounds */
    unsigned max_argon2_memory;      /* KiB, --max-argon2-memory */
    unsigned max_argon2_passes;      /* --max-argon2-passes */
    unsigned max_argon2_parallelism; /* --max-argon2-parallelism */
};

#define KK_DEFAULT_MAX_INPUT        ((size_t)1 << 20)     /* 1 MiB */
#define KK_DEFAULT_MAX_DECOMPRESSED ((size_t)4 << 20)     /* 4 MiB */
#define KK_DEFAULT_RSA_MIN_BITS     1024u
#define KK_DEFAULT_RSA_MAX_BITS     16384u
#define KK_DEFAULT_MAX_KDF_ROUNDS   10000000u
/* Argon2 (PPK v3): 1 GiB, and passes well above what PuTTY's 100 ms
 * calibration picks on fast machines (puttygen 0.78 chose 34 at 8 MiB on
 * the build machine). */
#define KK_DEFAULT_MAX_ARGON2_MEMORY      1048576u
#define KK_DEFAULT_MAX_ARGON2_PASSES      1000u
#define KK_DEFAULT_MAX_ARGON2_PARALLELISM 64u

/* The defaults above, as a value. */
struct kk_limits kk_limits_default(void);

#endif
