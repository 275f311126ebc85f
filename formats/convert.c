/* The shared load/save pipeline (see convert.h). */
#include <string.h>
#include "convert.h"
#include "../core/kdf.h"

int kk_key_load(const uint8_t *in, size_t len, const struct kk_format *from,
                const struct kk_decode_opts *opts, struct kk_key **out,
                const struct kk_format **found, struct kk_error *err)
{
    const struct kk_format *fmt = from != NULL ? from : kk_format_detect(in, len);

    *out = NULL;
    if (found != NULL)
        *found = NULL;
    if (fmt == NULL || fmt->decode == NULL)
        return kk_fail(err, KK_ERR_FORMAT, "not a key in any format keykit reads");
    if (found != NULL)
        *found = fmt;
    return fmt->decode(in, len, opts, out, err);
}

int kk_key_fits(const struct kk_key *key, const struct kk_format *fmt,
                struct kk_error *err)
{
    if ((fmt->flags & KK_FMT_PRIVATE) && !key->has_private)
        return kk_fail(err, KK_ERR_NOT_PRIVATE,
                       "holds only a public key; %s needs a private key", fmt->name);
    if (fmt->encode == NULL)
        return kk_fail(err, KK_ERR_UNSUPPORTED, "keykit cannot write %s", fmt->name);
    if (fmt->can_encode != NULL && !fmt->can_encode(key)) {
        const char *label = kk_key_type_label(key->type);
        return kk_fail(err, KK_ERR_UNSUPPORTED, "%s cannot hold %s keys", fmt->name,
                       label != NULL ? label : "these");
    }
    return KK_OK;
}

static size_t max_size(size_t a, size_t b) { return a > b ? a : b; }
static unsigned max_uint(unsigned a, unsigned b) { return a > b ? a : b; }

struct kk_limits kk_readback_limits(const struct kk_limits *user)
{
    struct kk_limits lim = kk_limits_default();

    if (user == NULL)
        return lim;
    lim.max_input = max_size(lim.max_input, user->max_input);
    lim.max_decompressed = max_size(lim.max_decompressed, user->max_decompressed);
    lim.rsa_max_bits = max_uint(lim.rsa_max_bits, user->rsa_max_bits);
    lim.max_kdf_rounds = max_uint(lim.max_kdf_rounds, user->max_kdf_rounds);
    lim.max_argon2_memory = max_uint(lim.max_argon2_memory, user->max_argon2_memory);
    lim.max_argon2_passes = max_uint(lim.max_argon2_passes, user->max_argon2_passes);
    lim.max_argon2_parallelism = max_uint(lim.max_argon2_parallelism,
                                          user->max_argon2_parallelism);
    return lim;
}

/* Decodes what was just encoded, with the output passphrase, and checks it
 * is the same key: a codec bug must never reach a file. */
static int read_back(const struct kk_key *key, const struct kk_format *fmt,
                     const uint8_t *bytes, size_t len, const char *pw, size_t pwlen,
                     const struct kk_kdf_memo *memo, const struct kk_limits *user,
                     struct kk_error *err)
{
    struct kk_limits lim = kk_readback_limits(user);
    struct kk_pass pass;
    struct kk_key *back = NULL;
    struct kk_error berr;
    int rc = KK_OK;

    if (fmt->decode == NULL)
        return KK_OK;
    kk_pass_init(&pass);
    kk_error_clear(&berr);
    if (pw != NULL)
        kk_pass_set(&pass, pw, pwlen);
    struct kk_decode_opts opts = { .limits = &lim, .pass = &pass, .kdf_memo = memo };
    if (fmt->decode(bytes, len, &opts, &back, &berr) != KK_OK)
        rc = kk_fail(err, KK_ERR_INTERNAL, "the %s output does not read back: %s",
                     fmt->name, berr.msg);
    else if (!kk_key_public_equal(key, back))
        rc = kk_fail(err, KK_ERR_MISMATCH, "the %s output reads back as a different key",
                     fmt->name);
    kk_key_free(back);
    kk_pass_wipe(&pass);
    return rc;
}

int kk_key_save(const struct kk_key *key, const struct kk_format *fmt,
                const struct kk_encode_opts *opts, const struct kk_limits *lim,
                struct kk_buf *out, struct kk_error *err)
{
    struct kk_encode_opts eo = *opts;
    struct kk_kdf_memo memo = {.kind = KK_KDF_MEMO_NONE};
    size_t start = out->len;
    int rc;

    if ((rc = kk_key_fits(key, fmt, err)) != KK_OK)
        return rc;
    /* A public key is public: public formats are never encrypted. */
    if (!(fmt->flags & KK_FMT_PRIVATE)) {
        eo.passphrase = NULL;
        eo.passlen = 0;
    }
    if (eo.passphrase != NULL && !(fmt->flags & KK_FMT_ENCRYPTABLE))
        return kk_fail(err, KK_ERR_UNSUPPORTED, "%s output cannot be encrypted by keykit yet",
                       fmt->name);
    /* The encoder's key derivation is handed to the read-back, which
     * would otherwise run it a second time. */
    eo.kdf_memo = &memo;
    if ((rc = fmt->encode(key, &eo, out, err)) == KK_OK) {
        if (!kk_buf_ok(out))
            rc = kk_fail(err, KK_ERR_NOMEM, NULL);
        else
            rc = read_back(key, fmt, out->data + start, out->len - start, eo.passphrase,
                           eo.passlen, &memo, lim, err);
    }
    kk_kdf_memo_wipe(&memo);
    return rc;
}
