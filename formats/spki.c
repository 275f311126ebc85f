/* spki: the X.509 SubjectPublicKeyInfo in PEM ("-----BEGIN PUBLIC KEY-----"),
 * as written by openssl pkey -pubout and ssh-keygen -e -m PKCS8. */
#include "../core/armor.h"
#include "pub_common.h"

#define LABEL "PUBLIC KEY"

static int sniff(const uint8_t *in, size_t len)
{
    return kk_pub_sniff_label(in, len, KK_ARMOR_PEM, LABEL);
}

static int decode(const uint8_t *in, size_t len,
                  const struct kk_decode_opts *opts, struct kk_key **out,
                  struct kk_error *err)
{
    return kk_pub_pem_decode(in, len, opts, "spki", "an SPKI public key",
                             KK_PUB_DER_SPKI, out, err);
}

static int can_encode(const struct kk_key *key)
{
    return key->type != KK_KEY_UNKNOWN;
}

static int encode(const struct kk_key *key, const struct kk_encode_opts *opts,
                  struct kk_buf *out, struct kk_error *err)
{
    (void)opts;
    return kk_pub_pem_encode(key, KK_PUB_DER_SPKI, out, err);
}

const struct kk_format kk_fmt_spki = {
    .name = "spki",
    .summary = "X.509 SubjectPublicKeyInfo PEM public key (BEGIN PUBLIC KEY)",
    .extensions = ".spki",
    .flags = KK_FMT_PUBLIC,
    .sniff = sniff,
    .decode = decode,
    .encode = encode,
    .can_encode = can_encode,
};
