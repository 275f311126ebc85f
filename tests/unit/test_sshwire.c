/* SSH wire encoding of keys: round trips for every type, byte-for-byte
 * agreement with keys made by ssh-keygen, and hostile blobs. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/dsa.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include "core/base64.h"
#include "core/sshwire.h"

/* ---- helpers ------------------------------------------------------------ */

static struct kk_limits lim;

static EVP_PKEY *dsa_params(void)
{
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "DSA", NULL);
    EVP_PKEY *params = NULL;

    assert_non_null(ctx);
    assert_int_equal(EVP_PKEY_paramgen_init(ctx), 1);
    assert_int_equal(EVP_PKEY_CTX_set_dsa_paramgen_bits(ctx, 1024), 1);
    assert_int_equal(EVP_PKEY_CTX_set_dsa_paramgen_q_bits(ctx, 160), 1);
    assert_int_equal(EVP_PKEY_paramgen(ctx, &params), 1);
    EVP_PKEY_CTX_free(ctx);
    return params;
}

static struct kk_key *dsa_key_from(EVP_PKEY *params)
{
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, params, NULL);
    EVP_PKEY *pkey = NULL;
    struct kk_key *key = NULL;
    struct kk_error err;

    assert_non_null(ctx);
    assert_int_equal(EVP_PKEY_keygen_init(ctx), 1);
    assert_int_equal(EVP_PKEY_generate(ctx, &pkey), 1);
    EVP_PKEY_CTX_free(ctx);
    assert_int_equal(kk_key_new(pkey, 1, &key, &err), KK_OK);
    return key;
}

static EVP_PKEY *shared_dsa_params;

static struct kk_key *gen(enum kk_key_type type)
{
    struct kk_key *key = NULL;
    struct kk_error err;

    if (type == KK_KEY_DSA) {
        if (shared_dsa_params == NULL)
            shared_dsa_params = dsa_params();
        return dsa_key_from(shared_dsa_params);
    }
    assert_int_equal(kk_key_generate(type, type == KK_KEY_RSA ? 1024 : 0, &key, &err),
                     KK_OK);
    assert_non_null(key);
    return key;
}

static const enum kk_key_type all_types[] = {
    KK_KEY_RSA, KK_KEY_DSA, KK_KEY_ECDSA_P256, KK_KEY_ECDSA_P384,
    KK_KEY_ECDSA_P521, KK_KEY_ED25519, KK_KEY_ED448,
};
#define NALL (sizeof(all_types) / sizeof(all_types[0]))

static void put_public(const struct kk_key *key, struct kk_buf *b)
{
    struct kk_error err;

    kk_buf_init(b, 0);
    assert_int_equal(kk_wire_put_public(key, b, &err), KK_OK);
}

static void put_private(const struct kk_key *key, struct kk_buf *b)
{
    struct kk_error err;

    kk_buf_init(b, 0);
    assert_int_equal(kk_wire_put_private(key, b, &err), KK_OK);
}

static int parse_public(const struct kk_buf *b, struct kk_key **out,
                        struct kk_error *err)
{
    kk_error_clear(err);
    return kk_wire_parse_public(b->data, b->len, &lim, out, err);
}

static int parse_private(const uint8_t *p, size_t len, struct kk_key **out,
                         struct kk_error *err)
{
    struct kk_reader r;

    kk_error_clear(err);
    kk_reader_init(&r, p, len);
    return kk_wire_get_private(&r, &lim, out, err);
}

static void put_bn(struct kk_buf *b, const BIGNUM *bn)
{
    uint8_t mag[2100];
    int n = BN_bn2bin(bn, mag);

    assert_true(n >= 0 && (size_t)n <= sizeof(mag));
    assert_int_equal(kk_buf_put_mpint(b, mag, (size_t)n), 0);
}

static BIGNUM *param(const struct kk_key *key, const char *name)
{
    BIGNUM *bn = NULL;

    assert_int_equal(EVP_PKEY_get_bn_param(key->pkey, name, &bn), 1);
    return bn;
}

static void put_param(struct kk_buf *b, const struct kk_key *key, const char *name)
{
    BIGNUM *bn = param(key, name);

    put_bn(b, bn);
    BN_clear_free(bn);
}

static void expect_fail(int rc, struct kk_key *key, const struct kk_error *err,
                        enum kk_code code, const char *msg)
{
    assert_int_equal(rc, code);
    assert_int_equal(err->code, code);
    assert_null(key);
    if (msg != NULL)
        assert_string_equal(err->msg, msg);
}

/* ---- ssh-keygen keys, made once for the group ---------------------------- */

struct sk_key {
    const char *args;
    const char *name;
    enum kk_key_type type;
};

static const struct sk_key sk_keys[] = {
    { "-t rsa -b 2048", "rsa", KK_KEY_RSA },
    { "-t dsa", "dsa", KK_KEY_DSA },
    { "-t ecdsa -b 256", "ec256", KK_KEY_ECDSA_P256 },
    { "-t ecdsa -b 384", "ec384", KK_KEY_ECDSA_P384 },
    { "-t ecdsa -b 521", "ec521", KK_KEY_ECDSA_P521 },
    { "-t ed25519", "ed25519", KK_KEY_ED25519 },
};
#define NSK (sizeof(sk_keys) / sizeof(sk_keys[0]))

static char sk_dir[64];
static int sk_made[NSK];
static int sk_available;

static int group_setup(void **state)
{
    (void)state;
    lim = kk_limits_default();
    if (system("command -v ssh-keygen >/dev/null 2>&1") != 0)
        return 0;
    snprintf(sk_dir, sizeof(sk_dir), "/tmp/kk-sshwire-XXXXXX");
    if (mkdtemp(sk_dir) == NULL)
        return -1;
    sk_available = 1;
    for (size_t i = 0; i < NSK; i++) {
        char cmd[512];
        snprintf(cmd, sizeof(cmd),
                 "ssh-keygen -q %s -N '' -C test -f '%s/%s' </dev/null >/dev/null 2>&1",
                 sk_keys[i].args, sk_dir, sk_keys[i].name);
        /* ssh-keygen may be built without DSA; that key is then skipped. */
        sk_made[i] = system(cmd) == 0;
    }
    return 0;
}

static int group_teardown(void **state)
{
    char cmd[128];

    (void)state;
    if (sk_available) {
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", sk_dir);
        if (system(cmd) != 0)
            return -1;
    }
    EVP_PKEY_free(shared_dsa_params);
    return 0;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *data;
    long n;

    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    n = ftell(f);
    assert_true(n >= 0);
    rewind(f);
    data = malloc((size_t)n + 1);
    assert_non_null(data);
    assert_int_equal(fread(data, 1, (size_t)n, f), (size_t)n);
    data[n] = '\0';
    fclose(f);
    *len = (size_t)n;
    return data;
}

/* The base64 field of a one-line public key, decoded. */
static void sk_pub_blob(size_t i, struct kk_buf *blob)
{
    char path[128];
    size_t len;
    struct kk_error err;
    char *line, *b64, *end;

    snprintf(path, sizeof(path), "%s/%s.pub", sk_dir, sk_keys[i].name);
    line = slurp(path, &len);
    b64 = strchr(line, ' ');
    assert_non_null(b64);
    b64++;
    end = strpbrk(b64, " \n");
    assert_non_null(end);
    kk_buf_init(blob, 0);
    assert_int_equal(kk_base64_decode(b64, (size_t)(end - b64), 0, blob, &err), KK_OK);
    free(line);
}

/* The unencrypted private section of an openssh-key-v1 file, decoded; *start
 * is where the key fields begin (after the two check-ints). */
static void sk_private_section(size_t i, struct kk_buf *body, size_t *start,
                               size_t *end)
{
    static const char begin[] = "-----BEGIN OPENSSH PRIVATE KEY-----";
    char path[128];
    size_t len;
    struct kk_error err;
    struct kk_reader r;
    struct kk_span s;
    char *text, *b, *e;

    snprintf(path, sizeof(path), "%s/%s", sk_dir, sk_keys[i].name);
    text = slurp(path, &len);
    b = strstr(text, begin);
    assert_non_null(b);
    b += sizeof(begin) - 1;
    e = strstr(b, "-----END OPENSSH PRIVATE KEY-----");
    assert_non_null(e);
    kk_buf_init(body, 0);
    assert_int_equal(kk_base64_decode(b, (size_t)(e - b), 1, body, &err), KK_OK);
    free(text);

    kk_reader_init(&r, body->data, body->len);
    assert_memory_equal(kk_get_bytes(&r, 15), "openssh-key-v1", 15);
    s = kk_get_string(&r);
    assert_int_equal(s.len, 4);
    assert_memory_equal(s.ptr, "none", 4);      /* cipher */
    (void)kk_get_string(&r);                    /* kdf */
    (void)kk_get_string(&r);                    /* kdf options */
    assert_int_equal(kk_get_u32(&r), 1);
    (void)kk_get_string(&r);                    /* public key */
    s = kk_get_string(&r);                      /* private section */
    assert_true(kk_reader_ok(&r));
    *start = (size_t)(s.ptr - body->data) + 8;
    *end = (size_t)(s.ptr - body->data) + s.len;
    assert_memory_equal(s.ptr, s.ptr + 4, 4);   /* check-ints agree */
}

/* ---- round trips ---------------------------------------------------------- */

static void test_roundtrip_every_type(void **state)
{
    (void)state;
    for (size_t i = 0; i < NALL; i++) {
        struct kk_key *key = gen(all_types[i]), *pub = NULL, *priv = NULL;
        struct kk_buf b1, b2, p1, p2;
        struct kk_error err;
        struct kk_reader r;

        put_public(key, &b1);
        assert_int_equal(parse_public(&b1, &pub, &err), KK_OK);
        assert_int_equal(pub->type, all_types[i]);
        assert_int_equal(pub->has_private, 0);
        assert_true(kk_key_public_equal(key, pub));
        put_public(pub, &b2);
        assert_int_equal(b1.len, b2.len);
        assert_memory_equal(b1.data, b2.data, b1.len);

        put_private(key, &p1);
        kk_reader_init(&r, p1.data, p1.len);
        assert_int_equal(kk_wire_get_private(&r, &lim, &priv, &err), KK_OK);
        assert_true(kk_reader_done(&r));
        assert_int_equal(priv->type, all_types[i]);
        assert_int_equal(priv->has_private, 1);
        assert_string_equal(priv->comment, "");
        assert_true(kk_key_public_equal(key, priv));
        assert_int_equal(kk_key_check_private(priv, &err), KK_OK);
        put_private(priv, &p2);
        assert_int_equal(p1.len, p2.len);
        assert_memory_equal(p1.data, p2.data, p1.len);

        /* A public key has no private fields to write. */
        kk_buf_reset(&p2);
        assert_int_equal(kk_wire_put_private(pub, &p2, &err), KK_ERR_NOT_PRIVATE);

        kk_buf_free(&b1);
        kk_buf_free(&b2);
        kk_buf_free(&p1);
        kk_buf_free(&p2);
        kk_key_free(key);
        kk_key_free(pub);
        kk_key_free(priv);
    }
}

static void test_rsa_iqmp_is_q_inverse_mod_p(void **state)
{
    struct kk_key *key = gen(KK_KEY_RSA);
    struct kk_buf b;
    struct kk_reader r;
    BIGNUM *v[6], *t = BN_new();
    BN_CTX *ctx = BN_CTX_new();
    struct kk_span name;

    (void)state;
    put_private(key, &b);
    kk_reader_init(&r, b.data, b.len);
    name = kk_get_string(&r);
    assert_int_equal(name.len, 7);
    for (int i = 0; i < 6; i++) {     /* n e d iqmp p q */
        struct kk_span s = kk_get_mpint(&r);
        assert_true(kk_reader_ok(&r));
        v[i] = BN_bin2bn(s.ptr, (int)s.len, NULL);
        assert_non_null(v[i]);
    }
    assert_true(kk_reader_done(&r));
    assert_int_equal(BN_mod_mul(t, v[3], v[5], v[4], ctx), 1);
    assert_true(BN_is_one(t));
    assert_int_equal(BN_mul(t, v[4], v[5], ctx), 1);
    assert_int_equal(BN_cmp(t, v[0]), 0);
    for (int i = 0; i < 6; i++)
        BN_clear_free(v[i]);
    BN_free(t);
    BN_CTX_free(ctx);
    kk_buf_free(&b);
    kk_key_free(key);
}

static void test_get_public_fields_embedded(void **state)
{
    struct kk_key *key = gen(KK_KEY_ED25519), *got = NULL;
    struct kk_buf b;
    struct kk_reader r;
    struct kk_error err;
    struct kk_span s;

    (void)state;
    put_public(key, &b);
    assert_int_equal(kk_buf_put_cstring(&b, "after"), 0);
    kk_reader_init(&r, b.data, b.len);
    s = kk_get_string(&r);
    assert_int_equal(kk_key_type_from_ssh_name((const char *)s.ptr, s.len),
                     KK_KEY_ED25519);
    assert_int_equal(kk_wire_get_public_fields(&r, KK_KEY_ED25519, &lim, &got, &err),
                     KK_OK);
    assert_true(kk_key_public_equal(key, got));
    s = kk_get_string(&r);
    assert_true(kk_reader_done(&r));
    assert_int_equal(s.len, 5);
    assert_memory_equal(s.ptr, "after", 5);
    kk_buf_free(&b);
    kk_key_free(key);
    kk_key_free(got);
}

/* ---- against ssh-keygen ---------------------------------------------------- */

static void test_sshkeygen_public_blobs(void **state)
{
    (void)state;
    if (!sk_available)
        skip();
    for (size_t i = 0; i < NSK; i++) {
        struct kk_buf blob, again;
        struct kk_key *key = NULL;
        struct kk_error err;

        if (!sk_made[i])
            continue;
        sk_pub_blob(i, &blob);
        assert_int_equal(parse_public(&blob, &key, &err), KK_OK);
        assert_int_equal(key->type, sk_keys[i].type);
        put_public(key, &again);
        assert_int_equal(again.len, blob.len);
        assert_memory_equal(again.data, blob.data, blob.len);
        kk_buf_free(&blob);
        kk_buf_free(&again);
        kk_key_free(key);
    }
}

static void test_sshkeygen_private_fields(void **state)
{
    (void)state;
    if (!sk_available)
        skip();
    for (size_t i = 0; i < NSK; i++) {
        struct kk_buf body, pubblob, mine, minepub;
        struct kk_key *key = NULL;
        struct kk_error err;
        struct kk_reader r;
        struct kk_span comment;
        size_t start, end, used;

        if (!sk_made[i])
            continue;
        sk_private_section(i, &body, &start, &end);
        kk_reader_init(&r, body.data + start, end - start);
        assert_int_equal(kk_wire_get_private(&r, &lim, &key, &err), KK_OK);
        assert_int_equal(key->type, sk_keys[i].type);
        assert_int_equal(key->has_private, 1);
        used = r.pos;
        comment = kk_get_string(&r);
        assert_int_equal(comment.len, 4);
        assert_memory_equal(comment.ptr, "test", 4);

        /* The fields we write are the very bytes ssh-keygen wrote. */
        put_private(key, &mine);
        assert_int_equal(mine.len, used);
        assert_memory_equal(mine.data, body.data + start, used);

        sk_pub_blob(i, &pubblob);
        put_public(key, &minepub);
        assert_int_equal(minepub.len, pubblob.len);
        assert_memory_equal(minepub.data, pubblob.data, pubblob.len);

        kk_buf_free(&body);
        kk_buf_free(&pubblob);
        kk_buf_free(&mine);
        kk_buf_free(&minepub);
        kk_key_free(key);
    }
}

/* ---- hostile blobs --------------------------------------------------------- */

static void test_truncation_at_every_byte(void **state)
{
    (void)state;
    for (size_t i = 0; i < NALL; i++) {
        struct kk_key *key = gen(all_types[i]);
        struct kk_buf pub, priv;

        put_public(key, &pub);
        put_private(key, &priv);
        for (size_t n = 0; n < pub.len; n++) {
            struct kk_key *got = NULL;
            struct kk_error err;
            int rc = kk_wire_parse_public(pub.data, n, &lim, &got, &err);
            expect_fail(rc, got, &err, KK_ERR_TRUNCATED, "the key blob is truncated");
        }
        for (size_t n = 0; n < priv.len; n++) {
            struct kk_key *got = NULL;
            struct kk_error err;
            int rc = parse_private(priv.data, n, &got, &err);
            expect_fail(rc, got, &err, KK_ERR_TRUNCATED,
                        "the private key data is truncated");
        }
        kk_buf_free(&pub);
        kk_buf_free(&priv);
        kk_key_free(key);
    }
}

/* Every single-bit change of a public blob is either refused or yields a
 * key; nothing in between, and nothing crashes. */
static void test_bit_flips_public(void **state)
{
    (void)state;
    for (size_t i = 0; i < NALL; i++) {
        struct kk_key *key = gen(all_types[i]);
        struct kk_buf pub;

        put_public(key, &pub);
        for (size_t pos = 0; pos < pub.len; pos++) {
            for (int bit = 0; bit < 8; bit += 3) {
                struct kk_key *got = NULL;
                struct kk_error err;
                int rc;

                pub.data[pos] ^= (uint8_t)(1u << bit);
                rc = kk_wire_parse_public(pub.data, pub.len, &lim, &got, &err);
                pub.data[pos] ^= (uint8_t)(1u << bit);
                if (rc == KK_OK) {
                    assert_non_null(got);
                    assert_false(kk_key_public_equal(key, got));
                } else {
                    assert_null(got);
                    assert_int_equal(err.code, rc);
                    assert_true(err.msg[0] != '\0');
                }
                kk_key_free(got);
            }
        }
        kk_buf_free(&pub);
        kk_key_free(key);
    }
}

static void test_trailing_bytes(void **state)
{
    struct kk_key *key = gen(KK_KEY_ECDSA_P256), *got = NULL;
    struct kk_buf b;
    struct kk_error err;
    size_t len;

    (void)state;
    put_public(key, &b);
    len = b.len;
    assert_int_equal(kk_buf_put_u8(&b, 0), 0);
    expect_fail(parse_public(&b, &got, &err), got, &err, KK_ERR_TRAILING,
                "1 byte after the end of the key blob");
    assert_int_equal(err.offset, (long)len);
    assert_int_equal(kk_buf_put_u32(&b, 7), 0);
    expect_fail(parse_public(&b, &got, &err), got, &err, KK_ERR_TRAILING,
                "5 bytes after the end of the key blob");
    kk_buf_free(&b);
    kk_key_free(key);
}

static void test_unknown_type(void **state)
{
    struct kk_buf b;
    struct kk_key *got = NULL;
    struct kk_error err;

    (void)state;
    kk_buf_init(&b, 0);
    assert_int_equal(kk_buf_put_string(&b, "ssh-foo\x01'\n", 10), 0);
    expect_fail(parse_public(&b, &got, &err), got, &err, KK_ERR_UNSUPPORTED,
                "unknown key type 'ssh-foo\\x01'\\x0A'");
    /* a type name that is a prefix of a real one is still unknown */
    kk_buf_reset(&b);
    assert_int_equal(kk_buf_put_string(&b, "ssh-rs", 6), 0);
    expect_fail(parse_public(&b, &got, &err), got, &err, KK_ERR_UNSUPPORTED,
                "unknown key type 'ssh-rs'");
    expect_fail(parse_private(b.data, b.len, &got, &err), got, &err,
                KK_ERR_UNSUPPORTED, "unknown key type 'ssh-rs'");
    kk_buf_free(&b);
}

/* An ECDSA blob with its curve name and point given separately. */
static void ec_blob(struct kk_buf *b, const char *type, const char *curve,
                    const uint8_t *q, size_t qlen)
{
    kk_buf_init(b, 0);
    assert_int_equal(kk_buf_put_cstring(b, type), 0);
    assert_int_equal(kk_buf_put_cstring(b, curve), 0);
    assert_int_equal(kk_buf_put_string(b, q, qlen), 0);
}

static void test_ecdsa_hostile(void **state)
{
    struct kk_key *key = gen(KK_KEY_ECDSA_P256), *got = NULL;
    struct kk_buf good, b;
    struct kk_error err;
    uint8_t q[65];

    (void)state;
    put_public(key, &good);
    memcpy(q, good.data + good.len - 65, 65);

    ec_blob(&b, "ecdsa-sha2-nistp256", "nistp384", q, 65);
    expect_fail(parse_public(&b, &got, &err), got, &err, KK_ERR_FORMAT,
                "curve name 'nistp384' does not match key type ecdsa-sha2-nistp256");
    kk_buf_free(&b);

    /* the same point under the P-384 name is the wrong size for P-384 */
    ec_blob(&b, "ecdsa-sha2-nistp384", "nistp384", q, 65);
    expect_fail(parse_public(&b, &got, &err), got, &err, KK_ERR_BAD_KEY,
                "ECDSA public point has 65 bytes, expected 97");
    kk_buf_free(&b);

    q[64] ^= 1;
    ec_blob(&b, "ecdsa-sha2-nistp256", "nistp256", q, 65);
    expect_fail(parse_public(&b, &got, &err), got, &err, KK_ERR_BAD_KEY,
                "ECDSA public point is not on the curve");
    kk_buf_free(&b);
    q[64] ^= 1;

    q[0] = 0x02;
    ec_blob(&b, "ecdsa-sha2-nistp256", "nistp256", q, 33);
    expect_fail(parse_public(&b, &got, &err), got, &err, KK_ERR_BAD_KEY,
                "ECDSA public point has 33 bytes, expected 65");
    kk_buf_free(&b);
    ec_blob(&b, "ecdsa-sha2-nistp256", "nistp256", q, 65);
    expect_fail(parse_public(&b, &got, &err), got, &err, KK_ERR_BAD_KEY,
                "ECDSA public point is not in uncompressed form");
    kk_buf_free(&b);
    q[0] = 0x04;

    /* the point at infinity */
    ec_blob(&b, "ecdsa-sha2-nistp256", "nistp256", (const uint8_t *)"\0", 1);
    expect_fail(parse_public(&b, &got, &err), got, &err, KK_ERR_BAD_KEY, NULL);
    kk_buf_free(&b);

    ec_blob(&b, "ecdsa-sha2-nistp256", "nistp256", q, 65);
    assert_int_equal(parse_public(&b, &got, &err), KK_OK);
    assert_true(kk_key_public_equal(key, got));
    kk_key_free(got);
    kk_buf_free(&b);
    kk_buf_free(&good);
    kk_key_free(key);
}

static void test_eddsa_lengths(void **state)
{
    static const struct {
        const char *type;
        size_t len;
        const char *msg;
    } cases[] = {
        { "ssh-ed25519", 31, "Ed25519 public key has 31 bytes, expected 32" },
        { "ssh-ed25519", 33, "Ed25519 public key has 33 bytes, expected 32" },
        { "ssh-ed25519", 0, "Ed25519 public key has 0 bytes, expected 32" },
        { "ssh-ed448", 56, "Ed448 public key has 56 bytes, expected 57" },
        { "ssh-ed448", 32, "Ed448 public key has 32 bytes, expected 57" },
    };
    uint8_t bytes[64];

    (void)state;
    memset(bytes, 0x42, sizeof(bytes));
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct kk_buf b;
        struct kk_key *got = NULL;
        struct kk_error err;

        kk_buf_init(&b, 0);
        assert_int_equal(kk_buf_put_cstring(&b, cases[i].type), 0);
        assert_int_equal(kk_buf_put_string(&b, bytes, cases[i].len), 0);
        expect_fail(parse_public(&b, &got, &err), got, &err, KK_ERR_BAD_KEY,
                    cases[i].msg);
        kk_buf_free(&b);
    }
}

/* An ssh-rsa blob from raw numbers; n is nbits long, odd unless even_n. */
static void rsa_blob(struct kk_buf *b, const uint8_t *e, size_t elen,
                     unsigned nbits, int even_n)
{
    size_t nlen = (nbits + 7) / 8;
    uint8_t *n = malloc(nlen);

    assert_non_null(n);
    for (size_t i = 0; i < nlen; i++)
        n[i] = (uint8_t)(0x5b + 37 * i);
    n[0] = (uint8_t)(1u << ((nbits - 1) % 8)) | (nbits % 8 == 1 ? 0 : 1);
    n[nlen - 1] = (uint8_t)((n[nlen - 1] | 1) & (even_n ? 0xfe : 0xff));
    kk_buf_init(b, 0);
    assert_int_equal(kk_buf_put_cstring(b, "ssh-rsa"), 0);
    assert_int_equal(kk_buf_put_mpint(b, e, elen), 0);
    assert_int_equal(kk_buf_put_mpint(b, n, nlen), 0);
    free(n);
}

static void test_rsa_hostile(void **state)
{
    static const uint8_t e65537[] = { 0x01, 0x00, 0x01 }, e4[] = { 4 }, e1[] = { 1 };
    struct kk_buf b;
    struct kk_key *got = NULL;
    struct kk_error err;
    struct kk_limits big = lim;

    (void)state;
    rsa_blob(&b, e65537, 3, 2048, 0);
    assert_int_equal(parse_public(&b, &got, &err), KK_OK);
    assert_int_equal(kk_key_bits(got), 2048);
    kk_key_free(got);
    got = NULL;
    kk_buf_free(&b);

    rsa_blob(&b, e4, 1, 2048, 0);
    expect_fail(parse_public(&b, &got, &err), got, &err, KK_ERR_BAD_KEY,
                "RSA public exponent is even");
    kk_buf_free(&b);
    rsa_blob(&b, NULL, 0, 2048, 0);
    expect_fail(parse_public(&b, &got, &err), got, &err, KK_ERR_BAD_KEY,
                "RSA public exponent is even");
    kk_buf_free(&b);
    rsa_blob(&b, e1, 1, 2048, 0);
    expect_fail(parse_public(&b, &got, &err), got, &err, KK_ERR_BAD_KEY,
                "RSA public exponent is less than 3");
    kk_buf_free(&b);
    rsa_blob(&b, e65537, 3, 2048, 1);
    expect_fail(parse_public(&b, &got, &err), got, &err, KK_ERR_BAD_KEY,
                "RSA modulus is even");
    kk_buf_free(&b);
    rsa_blob(&b, e65537, 3, 512, 0);
    expect_fail(parse_public(&b, &got, &err), got, &err, KK_ERR_BAD_KEY,
                "RSA key of 512 bits is too small (at least 1024 bits are required)");
    kk_buf_free(&b);
    rsa_blob(&b, e65537, 3, 1023, 0);
    expect_fail(parse_public(&b, &got, &err), got, &err, KK_ERR_BAD_KEY,
                "RSA key of 1023 bits is too small (at least 1024 bits are required)");
    kk_buf_free(&b);

    rsa_blob(&b, e65537, 3, 16385, 0);
    expect_fail(parse_public(&b, &got, &err), got, &err, KK_ERR_CAP,
                "RSA key of 16385 bits is larger than the limit of 16384 bits");
    assert_string_equal(err.hint, "raise the limit with --max-rsa-bits");
    /* the cap is a limit, not a rule: raising it lets the key through */
    big.rsa_max_bits = 16385;
    assert_int_equal(kk_wire_parse_public(b.data, b.len, &big, &got, &err), KK_OK);
    assert_int_equal(kk_key_bits(got), 16385);
    kk_key_free(got);
    got = NULL;
    kk_buf_free(&b);
    rsa_blob(&b, e65537, 3, 16384, 0);
    assert_int_equal(parse_public(&b, &got, &err), KK_OK);
    kk_key_free(got);
    got = NULL;
    kk_buf_free(&b);

    /* a million-bit modulus is refused from its length alone */
    rsa_blob(&b, e65537, 3, 1000000, 0);
    expect_fail(parse_public(&b, &got, &err), got, &err, KK_ERR_CAP,
                "RSA key of 1000000 bits is larger than the limit of 16384 bits");
    kk_buf_free(&b);
}

static void test_bad_mpints(void **state)
{
    static const uint8_t negative[] = { 0x81, 0x00, 0x01 };
    static const uint8_t padded[] = { 0x00, 0x01, 0x00, 0x01 };
    struct kk_buf b;
    struct kk_key *got = NULL;
    struct kk_error err;

    (void)state;
    kk_buf_init(&b, 0);
    assert_int_equal(kk_buf_put_cstring(&b, "ssh-rsa"), 0);
    assert_int_equal(kk_buf_put_string(&b, negative, sizeof(negative)), 0);
    expect_fail(parse_public(&b, &got, &err), got, &err, KK_ERR_FORMAT,
                "the RSA exponent is not a valid SSH mpint");
    kk_buf_reset(&b);
    assert_int_equal(kk_buf_put_cstring(&b, "ssh-rsa"), 0);
    assert_int_equal(kk_buf_put_string(&b, padded, sizeof(padded)), 0);
    expect_fail(parse_public(&b, &got, &err), got, &err, KK_ERR_FORMAT,
                "the RSA exponent is not a valid SSH mpint");
    kk_buf_free(&b);
}

/* ---- private halves that do not match ---------------------------------- */

static void rsa_private_blob(struct kk_buf *b, const struct kk_key *k,
                             const char *swap_name, const BIGNUM *swap_value)
{
    static const char *const order[] = {
        OSSL_PKEY_PARAM_RSA_N, OSSL_PKEY_PARAM_RSA_E, OSSL_PKEY_PARAM_RSA_D,
        OSSL_PKEY_PARAM_RSA_COEFFICIENT1, OSSL_PKEY_PARAM_RSA_FACTOR1,
        OSSL_PKEY_PARAM_RSA_FACTOR2 };

    kk_buf_init(b, 0);
    assert_int_equal(kk_buf_put_cstring(b, "ssh-rsa"), 0);
    for (size_t i = 0; i < 6; i++) {
        if (swap_name != NULL && strcmp(order[i], swap_name) == 0)
            put_bn(b, swap_value);
        else
            put_param(b, k, order[i]);
    }
}

static void test_rsa_private_mismatch(void **state)
{
    struct kk_key *a = gen(KK_KEY_RSA), *other = gen(KK_KEY_RSA), *got = NULL;
    struct kk_buf b;
    struct kk_error err;
    BIGNUM *v;

    (void)state;
    rsa_private_blob(&b, a, NULL, NULL);
    assert_int_equal(parse_private(b.data, b.len, &got, &err), KK_OK);
    kk_key_free(got);
    got = NULL;
    kk_buf_free(&b);

    v = param(other, OSSL_PKEY_PARAM_RSA_FACTOR2);
    rsa_private_blob(&b, a, OSSL_PKEY_PARAM_RSA_FACTOR2, v);
    expect_fail(parse_private(b.data, b.len, &got, &err), got, &err, KK_ERR_MISMATCH,
                "the private key does not match its public key");
    kk_buf_free(&b);
    BN_clear_free(v);

    v = param(a, OSSL_PKEY_PARAM_RSA_COEFFICIENT1);
    assert_int_equal(BN_add_word(v, 1), 1);
    rsa_private_blob(&b, a, OSSL_PKEY_PARAM_RSA_COEFFICIENT1, v);
    expect_fail(parse_private(b.data, b.len, &got, &err), got, &err, KK_ERR_MISMATCH,
                "the private key does not match its public key");
    kk_buf_free(&b);
    BN_clear_free(v);

    v = param(a, OSSL_PKEY_PARAM_RSA_D);
    assert_int_equal(BN_add_word(v, 2), 1);
    rsa_private_blob(&b, a, OSSL_PKEY_PARAM_RSA_D, v);
    expect_fail(parse_private(b.data, b.len, &got, &err), got, &err, KK_ERR_MISMATCH,
                "the private key does not match its public key");
    kk_buf_free(&b);

    BN_one(v);
    rsa_private_blob(&b, a, OSSL_PKEY_PARAM_RSA_FACTOR1, v);
    assert_int_not_equal(parse_private(b.data, b.len, &got, &err), KK_OK);
    assert_null(got);
    kk_buf_free(&b);
    BN_zero(v);
    rsa_private_blob(&b, a, OSSL_PKEY_PARAM_RSA_FACTOR2, v);
    assert_int_not_equal(parse_private(b.data, b.len, &got, &err), KK_OK);
    assert_null(got);
    kk_buf_free(&b);
    BN_clear_free(v);

    kk_key_free(a);
    kk_key_free(other);
}

/* A private number longer than the modulus is refused before any arithmetic
 * on it, which would cost time quadratic in its length. */
static void test_rsa_private_longer_than_modulus(void **state)
{
    static const char *const names[] = {
        OSSL_PKEY_PARAM_RSA_D, OSSL_PKEY_PARAM_RSA_COEFFICIENT1,
        OSSL_PKEY_PARAM_RSA_FACTOR1, OSSL_PKEY_PARAM_RSA_FACTOR2 };
    struct kk_key *a = gen(KK_KEY_RSA), *got = NULL;
    BIGNUM *n = param(a, OSSL_PKEY_PARAM_RSA_N), *v = BN_new();
    struct kk_buf b;
    struct kk_error err;

    (void)state;
    assert_non_null(v);
    assert_int_equal(BN_lshift(v, n, 8), 1);
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        rsa_private_blob(&b, a, names[i], v);
        expect_fail(parse_private(b.data, b.len, &got, &err), got, &err, KK_ERR_BAD_KEY,
                    "an RSA private value is longer than the modulus");
        kk_buf_free(&b);
    }
    BN_free(n);
    BN_free(v);
    kk_key_free(a);
}

static void test_dsa_private_mismatch(void **state)
{
    struct kk_key *a = gen(KK_KEY_DSA), *other = gen(KK_KEY_DSA), *got = NULL;
    struct kk_buf b;
    struct kk_error err;

    (void)state;
    put_public(a, &b);
    put_param(&b, other, OSSL_PKEY_PARAM_PRIV_KEY);
    expect_fail(parse_private(b.data, b.len, &got, &err), got, &err, KK_ERR_MISMATCH,
                "the private key does not match its public key");
    kk_buf_free(&b);
    kk_key_free(a);
    kk_key_free(other);
}

static void test_ecdsa_private_mismatch(void **state)
{
    struct kk_key *a = gen(KK_KEY_ECDSA_P384), *other = gen(KK_KEY_ECDSA_P384);
    struct kk_key *got = NULL;
    struct kk_buf b;
    struct kk_error err;

    (void)state;
    put_public(a, &b);
    put_param(&b, other, OSSL_PKEY_PARAM_PRIV_KEY);
    ERR_clear_error();
    expect_fail(parse_private(b.data, b.len, &got, &err), got, &err, KK_ERR_MISMATCH,
                "the private key does not match its public key");
    /* a refusal is reported through err, not left on OpenSSL's queue */
    assert_int_equal(ERR_peek_error(), 0);
    kk_buf_free(&b);

    put_public(a, &b);
    assert_int_equal(kk_buf_put_mpint(&b, NULL, 0), 0);    /* d = 0 */
    assert_int_not_equal(parse_private(b.data, b.len, &got, &err), KK_OK);
    assert_null(got);
    assert_int_equal(ERR_peek_error(), 0);
    kk_buf_free(&b);
    kk_key_free(a);
    kk_key_free(other);
}

static void test_eddsa_private_mismatch(void **state)
{
    (void)state;
    for (int t = 0; t < 2; t++) {
        enum kk_key_type type = t == 0 ? KK_KEY_ED25519 : KK_KEY_ED448;
        size_t half = t == 0 ? 32 : 57;
        struct kk_key *a = gen(type), *other = gen(type), *got = NULL;
        struct kk_buf good, bad, b;
        struct kk_error err;
        size_t seed_at;

        put_private(a, &good);
        seed_at = good.len - 2 * half;

        /* second half of k||A differs from A */
        kk_buf_init(&bad, 0);
        assert_int_equal(kk_buf_put(&bad, good.data, good.len), 0);
        bad.data[bad.len - 1] ^= 0x80;
        expect_fail(parse_private(bad.data, bad.len, &got, &err), got, &err,
                    KK_ERR_MISMATCH, "the private key does not match its public key");

        /* a seed from another key, with A repeated correctly */
        put_private(other, &b);
        memcpy(bad.data, good.data, good.len);
        memcpy(bad.data + seed_at, b.data + b.len - 2 * half, half);
        expect_fail(parse_private(bad.data, bad.len, &got, &err), got, &err,
                    KK_ERR_MISMATCH, "the private key does not match its public key");

        /* k||A of the wrong length */
        kk_buf_free(&bad);
        put_public(a, &bad);
        assert_int_equal(kk_buf_put_string(&bad, good.data + seed_at, 2 * half - 1), 0);
        expect_fail(parse_private(bad.data, bad.len, &got, &err), got, &err,
                    KK_ERR_BAD_KEY, NULL);

        kk_buf_free(&good);
        kk_buf_free(&bad);
        kk_buf_free(&b);
        kk_key_free(a);
        kk_key_free(other);
    }
}

static void test_private_cap_before_work(void **state)
{
    struct kk_key *a = gen(KK_KEY_RSA), *got = NULL;
    struct kk_buf b;
    struct kk_error err;
    struct kk_limits small = lim;

    (void)state;
    put_private(a, &b);
    small.rsa_max_bits = 1000;
    kk_error_clear(&err);
    {
        struct kk_reader r;
        kk_reader_init(&r, b.data, b.len);
        expect_fail(kk_wire_get_private(&r, &small, &got, &err), got, &err, KK_ERR_CAP,
                    "RSA key of 1024 bits is larger than the limit of 1000 bits");
    }
    kk_buf_free(&b);
    kk_key_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roundtrip_every_type),
        cmocka_unit_test(test_rsa_iqmp_is_q_inverse_mod_p),
        cmocka_unit_test(test_get_public_fields_embedded),
        cmocka_unit_test(test_sshkeygen_public_blobs),
        cmocka_unit_test(test_sshkeygen_private_fields),
        cmocka_unit_test(test_truncation_at_every_byte),
        cmocka_unit_test(test_bit_flips_public),
        cmocka_unit_test(test_trailing_bytes),
        cmocka_unit_test(test_unknown_type),
        cmocka_unit_test(test_ecdsa_hostile),
        cmocka_unit_test(test_eddsa_lengths),
        cmocka_unit_test(test_rsa_hostile),
        cmocka_unit_test(test_bad_mpints),
        cmocka_unit_test(test_rsa_private_mismatch),
        cmocka_unit_test(test_rsa_private_longer_than_modulus),
        cmocka_unit_test(test_dsa_private_mismatch),
        cmocka_unit_test(test_ecdsa_private_mismatch),
        cmocka_unit_test(test_eddsa_private_mismatch),
        cmocka_unit_test(test_private_cap_before_work),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
