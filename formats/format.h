/* The codec interface: one struct kk_format per file format. */
#ifndef KK_FORMAT_H
#define KK_FORMAT_H

#include <stddef.h>
#include <stdint.h>
#include "../core/buf.h"
#include "../core/error.h"
#include "../core/key.h"
#include "../core/limits.h"
#include "../core/pass.h"

enum kk_format_flags {
    KK_FMT_PRIVATE     = 1u << 0,   /* holds a private key */
    KK_FMT_PUBLIC      = 1u << 1,   /* holds only a public key */
    KK_FMT_ENCRYPTABLE = 1u << 2,   /* can be written encrypted */
    KK_FMT_COMMENT     = 1u << 3,   /* keeps a comment */
};

struct kk_kdf_memo;            /* core/kdf.h */

struct kk_decode_opts {
    const struct kk_limits *limits;
    struct kk_pass *pass;      /* may be NULL: an encrypted input fails */
    /* May be NULL.  A derivation the decoder may reuse when the input asks
     * for exactly that one (kk_key_save's read-back of its own output). */
    const struct kk_kdf_memo *kdf_memo;
};

struct kk_argon2_params;       /* core/kdf.h */

struct kk_encode_opts {
    const char *passphrase;    /* NULL: write unencrypted */
    size_t passlen;
    const char *cipher;        /* NULL: the format's default */
    unsigned rounds;           /* KDF cost, 0: the format's default */
    /* PPK v3: Argon2 flavour, memory, passes (0 = calibrated), parallelism
     * and salt (NULL = random).  NULL: the format's defaults. */
    const struct kk_argon2_params *argon2;
    /* May be NULL.  Where the encoder records the key derivation it ran,
     * for the read-back decode (kk_key_save). */
    struct kk_kdf_memo *kdf_memo;
};

/* Sniff scores: how sure a format is that the bytes are its own. */
#define KK_SNIFF_NO    0
#define KK_SNIFF_MAYBE 1      /* plausible (e.g. one line of base64) */
#define KK_SNIFF_YES   2      /* a magic or armour label that is unique */

struct kk_format {
    const char *name;          /* CLI name: "openssh", "pem", ... */
    const char *summary;       /* one line for --help */
    const char *extensions;    /* space-separated, ".pem .key"; NULL none */
    unsigned flags;
    int (*sniff)(const uint8_t *in, size_t len);
    /* Decodes the whole input.  *out is NULL on entry and on failure. */
    int (*decode)(const uint8_t *in, size_t len, const struct kk_decode_opts *opts,
                  struct kk_key **out, struct kk_error *err);
    /* Appends the encoding to out.  Optional: NULL for read-only formats.
     * Public formats write the public half of a private key. */
    int (*encode)(const struct kk_key *key, const struct kk_encode_opts *opts,
                  struct kk_buf *out, struct kk_error *err);
    /* Optional: 1 if this key type can be written in this format. */
    int (*can_encode)(const struct kk_key *key);
};

/* The table, NULL-terminated, in detection priority order. */
extern const struct kk_format *const kk_formats[];

const struct kk_format *kk_format_by_name(const char *name);
/* The format of the best sniff score, or NULL. */
const struct kk_format *kk_format_detect(const uint8_t *in, size_t len);
/* The format named by path's extension, or NULL. */
const struct kk_format *kk_format_for_path(const char *path);

/* Each format file exports exactly one of these. */
extern const struct kk_format kk_fmt_openssh;
extern const struct kk_format kk_fmt_pem;
extern const struct kk_format kk_fmt_pkcs8;
extern const struct kk_format kk_fmt_openssh_pub;
extern const struct kk_format kk_fmt_rfc4716;
extern const struct kk_format kk_fmt_spki;
extern const struct kk_format kk_fmt_pkcs1_pub;
extern const struct kk_format kk_fmt_ppk3, kk_fmt_ppk2;
extern const struct kk_format kk_fmt_sshcom;

#endif
