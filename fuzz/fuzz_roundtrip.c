/* Round trip across formats: the input after its first byte is decoded with
 * detection (passphrase "fuzz"), encoded in the output format the first byte
 * picks, and decoded again with that format; the key must come back the
 * same: type, public half, private half where both formats hold one, and the
 * comment where the output format keeps one.
 *
 * The other targets round-trip each format into itself (fuzz_common.h) and
 * compare public halves; this one reaches every encoder from keys every
 * decoder made, and compares the private numbers too.
 *
 * First byte: bits 0-3 pick the output format from `outputs` (mod its
 * size); bit 7 encrypts it with "fuzz" when the format can be encrypted, and
 * bits 4-6 then pick the cipher.  The KDF costs are the smallest each format
 * takes, so encrypted outputs stay cheap.
 *
 * One target for all encoders rather than one per format: every decoder's
 * keys meet every encoder here (a per-format target would see only keys its
 * own decoder made), and the table below is checked against kk_formats so
 * a new writable format cannot be missed. */
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include "fuzz_common.h"
#include "core/kdf.h"
#include "formats/convert.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Fixed order, so the seeds keep their meaning when the table changes;
 * init_outputs() aborts if a writable format is missing here. */
static const struct kk_format *const outputs[] = {
    &kk_fmt_openssh, &kk_fmt_ppk3, &kk_fmt_ppk2, &kk_fmt_pem, &kk_fmt_pkcs8,
    &kk_fmt_sshcom, &kk_fmt_openssh_pub, &kk_fmt_rfc4716, &kk_fmt_spki,
    &kk_fmt_pkcs1_pub,
};
#define N_OUTPUTS (sizeof outputs / sizeof outputs[0])

static const char *const ssh_ciphers[] = {
    NULL, "aes128-ctr", "aes256-cbc", "aes128-gcm@openssh.com",
    "aes256-gcm@openssh.com", "chacha20-poly1305@openssh.com", "3des-cbc", "aes192-ctr",
};
static const char *const evp_ciphers[] = {
    NULL, "aes-128-cbc", "aes-192-cbc", "des-ede3-cbc", "aes-256-cbc", "camellia-128-cbc",
    "aria-256-cbc", "des-cbc",
};

static void init_outputs(void)
{
    static int done;

    if (done)
        return;
    for (size_t i = 0; kk_formats[i] != NULL; i++) {
        size_t j = 0;
        if (kk_formats[i]->encode == NULL)
            continue;
        while (j < N_OUTPUTS && outputs[j] != kk_formats[i])
            j++;
        if (j == N_OUTPUTS)
            abort();
    }
    done = 1;
}

/* 1 if the big-number parameter is the same in both (or in neither). */
static int bn_equal(const EVP_PKEY *a, const EVP_PKEY *b, const char *name)
{
    BIGNUM *x = NULL, *y = NULL;
    int hx = EVP_PKEY_get_bn_param(a, name, &x);
    int hy = EVP_PKEY_get_bn_param(b, name, &y);
    int eq = hx == hy && (!hx || BN_cmp(x, y) == 0);

    BN_clear_free(x);
    BN_clear_free(y);
    return eq;
}

static int raw_private_equal(const EVP_PKEY *a, const EVP_PKEY *b)
{
    uint8_t x[64], y[64];
    size_t nx = sizeof x, ny = sizeof y;
    int eq = EVP_PKEY_get_raw_private_key(a, x, &nx) == 1 &&
             EVP_PKEY_get_raw_private_key(b, y, &ny) == 1 && nx == ny &&
             memcmp(x, y, nx) == 0;

    OPENSSL_cleanse(x, sizeof x);
    OPENSSL_cleanse(y, sizeof y);
    return eq;
}

/* The private halves hold the same secret numbers.  RSA: the same d and,
 * where both carry them, the same primes in either order. */
static int private_equal(const struct kk_key *a, const struct kk_key *b)
{
    switch (a->type) {
    case KK_KEY_RSA: {
        BIGNUM *p1 = NULL, *q1 = NULL, *p2 = NULL, *q2 = NULL;
        int eq = bn_equal(a->pkey, b->pkey, OSSL_PKEY_PARAM_RSA_D);
        if (eq && EVP_PKEY_get_bn_param(a->pkey, OSSL_PKEY_PARAM_RSA_FACTOR1, &p1) &&
            EVP_PKEY_get_bn_param(a->pkey, OSSL_PKEY_PARAM_RSA_FACTOR2, &q1) &&
            EVP_PKEY_get_bn_param(b->pkey, OSSL_PKEY_PARAM_RSA_FACTOR1, &p2) &&
            EVP_PKEY_get_bn_param(b->pkey, OSSL_PKEY_PARAM_RSA_FACTOR2, &q2))
            eq = (BN_cmp(p1, p2) == 0 && BN_cmp(q1, q2) == 0) ||
                 (BN_cmp(p1, q2) == 0 && BN_cmp(q1, p2) == 0);
        BN_clear_free(p1);
        BN_clear_free(q1);
        BN_clear_free(p2);
        BN_clear_free(q2);
        return eq;
    }
    case KK_KEY_DSA:
    case KK_KEY_ECDSA_P256:
    case KK_KEY_ECDSA_P384:
    case KK_KEY_ECDSA_P521:
        return bn_equal(a->pkey, b->pkey, OSSL_PKEY_PARAM_PRIV_KEY);
    case KK_KEY_ED25519:
    case KK_KEY_ED448:
        return raw_private_equal(a->pkey, b->pkey);
    default:
        return 0;
    }
}

/* A comment not every format can store: control bytes (a line break
 * above all), a double quote (ssh.com headers), or longer than an armour
 * header line holds.  Encoders refuse such comments with
 * KK_ERR_UNSUPPORTED rather than write something else. */
static int awkward_comment(const char *c)
{
    size_t n = strlen(c);

    for (size_t i = 0; i < n; i++)
        if ((unsigned char)c[i] < 0x20 || c[i] == 0x7f || c[i] == '"')
            return 1;
    return n > 8000;
}

/* The comment came back.  A one-line public key ends its comment at the
 * line's edges, so blanks there are not part of it. */
static int same_comment(const struct kk_format *fmt, const char *want, const char *got)
{
    size_t n = strlen(want);

    if (fmt != &kk_fmt_openssh_pub)
        return strcmp(want, got) == 0;
    while (n > 0 && (*want == ' ' || *want == '\t')) {
        want++;
        n--;
    }
    while (n > 0 && (want[n - 1] == ' ' || want[n - 1] == '\t'))
        n--;
    return strlen(got) == n && memcmp(want, got, n) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct kk_limits lim = kk_limits_default();
    struct kk_pass pass;
    struct kk_decode_opts dopts = {.limits = &lim, .pass = &pass};
    const struct kk_argon2_params argon = {
        .flavour = KK_ARGON2ID, .memory_kib = 8, .passes = 1, .parallelism = 1,
    };
    struct kk_encode_opts eopts = {.passphrase = NULL};
    const struct kk_format *in_fmt = NULL, *fmt;
    struct kk_error err;
    struct kk_key *key = NULL, *again = NULL;
    struct kk_buf buf;
    int rc, encrypt;

    init_outputs();
    if (size < 1)
        return 0;
    fmt = outputs[(data[0] & 0x0f) % N_OUTPUTS];
    encrypt = (data[0] & 0x80) && (fmt->flags & KK_FMT_ENCRYPTABLE);
    /* Small caps keep each run short (the seeds hold RSA keys of at most
     * 2048 bits and KDFs of openssl's and puttygen's default cost). */
    lim.rsa_max_bits = 4096;
    lim.max_kdf_rounds = 4096;
    lim.max_argon2_memory = 8192;
    lim.max_argon2_passes = 16;
    lim.max_argon2_parallelism = 2;
    kk_pass_init(&pass);
    kk_pass_set(&pass, "fuzz", 4);
    kk_error_clear(&err);
    kk_buf_init(&buf, 0);

    rc = kk_key_load(data + 1, size - 1, NULL, &dopts, &key, &in_fmt, &err);
    if (rc != KK_OK) {
        kk_fuzz_check_error(rc, &err);
        if (key != NULL)
            abort();
        goto out;
    }
    if (key == NULL || key->pkey == NULL || key->comment == NULL || in_fmt == NULL ||
        kk_key_type_ssh_name(key->type) == NULL)
        abort();
    /* A private format needs the private half; the rest is the format's
     * choice of key types, which must agree with can_encode. */
    rc = kk_key_fits(key, fmt, &err);
    if (rc != KK_OK) {
        kk_fuzz_check_error(rc, &err);
        if (rc == KK_ERR_NOT_PRIVATE ? !(fmt->flags & KK_FMT_PRIVATE) || key->has_private
                                     : rc != KK_ERR_UNSUPPORTED)
            abort();
        goto out;
    }
    if (encrypt) {
        unsigned c = (data[0] >> 4) & 7;
        eopts.passphrase = "fuzz";
        eopts.passlen = 4;
        eopts.rounds = 1;
        eopts.argon2 = &argon;
        if (fmt == &kk_fmt_openssh)
            eopts.cipher = ssh_ciphers[c];
        else if (fmt == &kk_fmt_pem || fmt == &kk_fmt_pkcs8)
            eopts.cipher = evp_ciphers[c];
    }
    kk_error_clear(&err);
    rc = fmt->encode(key, &eopts, &buf, &err);
    if (rc != KK_OK) {
        /* Only a comment some formats cannot store may stop a key that fits. */
        kk_fuzz_check_error(rc, &err);
        if (rc != KK_ERR_UNSUPPORTED || !(fmt->flags & KK_FMT_COMMENT) ||
            !awkward_comment(key->comment))
            abort();
        goto out;
    }
    kk_error_clear(&err);
    rc = fmt->decode(buf.data, buf.len, &dopts, &again, &err);
    if (rc != KK_OK || again == NULL)
        abort();
    if (again->type != key->type || !kk_key_public_equal(key, again))
        abort();
    if ((fmt->flags & KK_FMT_PRIVATE) &&
        (!again->has_private || !private_equal(key, again)))
        abort();
    if ((fmt->flags & KK_FMT_PUBLIC) && again->has_private)
        abort();
    if (again->was_encrypted != (encrypt != 0))
        abort();
    if ((fmt->flags & KK_FMT_COMMENT) ? !same_comment(fmt, key->comment, again->comment)
                                      : again->comment[0] != '\0')
        abort();
out:
    kk_key_free(again);
    kk_key_free(key);
    kk_buf_free(&buf);
    kk_pass_wipe(&pass);
    return 0;
}
