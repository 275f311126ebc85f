/* pkcs1-pub: an RSA public key as PKCS#1 RSAPublicKey in PEM
 * ("-----BEGIN RSA PUBLIC KEY-----"), as written by ssh-keygen -e -m PEM. */
#include "../core/armor.h"
#include "pub_common.h"

#define LABEL "RSA PUBLIC KEY"

static int sniff(const uint8_t *in, size_t len)
{
    return kk_pub_sniff_label(in, len, KK_ARMOR_PEM, LABEL);
}

static int decode(const uint8_t *in, size_t len,
                  const struct kk_decode_opts *opts, struct kk_key **out,
                  struct kk_error *err)
{
    return kk_pub_pem_decode(in, len, opts, "pkcs1-pub",
                             "a PKCS#1 RSA public key",
                             KK_PUB_DER_PKCS1, out, err);
}

static int can_encode(const struct kk_key *key)
{
    return key->type == KK_KEY_RSA;
}

static int encode(const struct kk_key *key, const struct kk_encode_opts *opts,
                  struct kk_buf *out, struct kk_error *err)
{
    (void)opts;
    if (key->type != KK_KEY_RSA) {
        int rc = kk_fail(err, KK_ERR_UNSUPPORTED, "pkcs1-pub holds only RSA keys");
        kk_hint(err, "write this key as spki or openssh-pub instead");
        return rc;
    }
    return kk_pub_pem_encode(key, KK_PUB_DER_PKCS1, out, err);
}

const struct kk_format kk_fmt_pkcs1_pub = {
    .name = "pkcs1-pub",
    .summary = "PKCS#1 RSA public key in PEM (BEGIN RSA PUBLIC KEY)",
    .extensions = NULL,
    .flags = KK_FMT_PUBLIC,
    .sniff = sniff,
    .decode = decode,
    .encode = encode,
    .can_encode = can_encode,
};
