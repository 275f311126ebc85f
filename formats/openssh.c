/* OpenSSH private keys, "openssh-key-v1" (PROTOCOL.key):
 *
 *   "openssh-key-v1\0" string cipher, string kdf, string kdfoptions,
 *   u32 nkeys (1), string public blob, string private section
 *   private section: u32 check1, u32 check2, private fields, string comment,
 *   padding 1, 2, 3, ... to the cipher block size
 *
 * inside a PEM-style "OPENSSH PRIVATE KEY" block wrapped at 70 columns.
 * Only unencrypted keys for now: encrypted ones need bcrypt_pbkdf. */
#include <string.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/rand.h>
#include "../core/armor.h"
#include "../core/sshwire.h"
#include "openssh.h"
#include "priv_common.h"
#include "pub_common.h"

#define LABEL "OPENSSH PRIVATE KEY"
#define MAGIC "openssh-key-v1"           /* followed by its NUL */
#define MAGIC_LEN (sizeof MAGIC)         /* counts the NUL */
#define BLOCK_NONE 8                     /* block size of cipher "none" */
#define WRAP 70                          /* ssh-keygen's line width */

static int openssh_sniff(const uint8_t *in, size_t len)
{
    char label[KK_ARMOR_LABEL_MAX];

    if (kk_armor_sniff(in, len, KK_ARMOR_PEM, label) && strcmp(label, LABEL) == 0)
        return KK_SNIFF_YES;
    return KK_SNIFF_NO;
}

static int span_is(struct kk_span s, const char *text)
{
    size_t n = strlen(text);
    return s.len == n && memcmp(s.ptr, text, n) == 0;
}

static int truncated(struct kk_error *err, const char *where)
{
    return kk_fail(err, KK_ERR_TRUNCATED, "the key data ends inside the %s", where);
}

/* The outer container, every field read and no byte left over. */
struct container {
    struct kk_span cipher, kdf, kdfopts, pub, priv;
    uint32_t nkeys;
};

/* Encrypted keys are refused before the rest is read: their layout differs
 * (AEAD ciphers append a tag after the private section). */
static int check_unencrypted(const struct container *c, struct kk_error *err)
{
    if (span_is(c->cipher, "none")) {
        if (!span_is(c->kdf, "none") || c->kdfopts.len != 0)
            return kk_fail(err, KK_ERR_FORMAT, "cipher \"none\" with a key "
                           "derivation function: the file is corrupt");
        return KK_OK;
    }
    if (span_is(c->kdf, "none"))
        return kk_fail(err, KK_ERR_FORMAT, "cipher without a key derivation "
                       "function: the file is corrupt");
    if (span_is(c->kdf, "bcrypt")) {
        kk_fail(err, KK_ERR_UNSUPPORTED,
                "encrypted OpenSSH private keys are not supported yet");
        kk_hint(err, "decrypt it first with: ssh-keygen -p -N '' -f FILE "
                       "(on a copy)");
        return KK_ERR_UNSUPPORTED;
    }
    char name[41];
    kk_pub_printable(c->kdf.ptr, c->kdf.len, name, sizeof name - 1);
    return kk_fail(err, KK_ERR_UNSUPPORTED, "unknown key derivation \"%s\"", name);
}

static int read_container(const uint8_t *data, size_t len, struct container *c,
                          struct kk_error *err)
{
    struct kk_reader r;

    kk_reader_init(&r, data, len);
    const uint8_t *magic = kk_get_bytes(&r, MAGIC_LEN);
    if (magic == NULL || memcmp(magic, MAGIC, MAGIC_LEN) != 0)
        return kk_fail(err, KK_ERR_FORMAT, "the key data does not start with "
                       "\"openssh-key-v1\"");
    c->cipher = kk_get_string(&r);
    c->kdf = kk_get_string(&r);
    c->kdfopts = kk_get_string(&r);
    if (!kk_reader_ok(&r))
        return truncated(err, "header");
    int rc = check_unencrypted(c, err);
    if (rc != KK_OK)
        return rc;
    c->nkeys = kk_get_u32(&r);
    if (!kk_reader_ok(&r))
        return truncated(err, "header");
    /* Decided before the rest is read: a file with several keys is laid out
     * differently (all public blobs first). */
    if (c->nkeys != 1) {
        return kk_fail(err, KK_ERR_UNSUPPORTED, "the file holds %u keys; only "
                       "files with one key are supported", (unsigned)c->nkeys);
    }
    c->pub = kk_get_string(&r);
    c->priv = kk_get_string(&r);
    if (!kk_reader_ok(&r))
        return truncated(err, c->pub.ptr == NULL || c->pub.len == 0
                                  ? "public key" : "private section");
    if (!kk_reader_done(&r))
        return kk_fail(err, KK_ERR_TRAILING, "%zu bytes after the private "
                       "section", kk_reader_left(&r));
    return KK_OK;
}

/* Private section: check integers, fields, comment, padding. */
static int read_private(const struct container *c, const struct kk_limits *lim,
                        struct kk_key **out, struct kk_error *err)
{
    struct kk_reader r;
    struct kk_key *key = NULL;
    int rc;

    *out = NULL;
    if (c->priv.len % BLOCK_NONE != 0)
        return kk_fail(err, KK_ERR_FORMAT, "the private section is %zu bytes, "
                       "not a multiple of the block size %d", c->priv.len,
                       BLOCK_NONE);
    kk_reader_init(&r, c->priv.ptr, c->priv.len);
    const uint8_t *check1 = kk_get_bytes(&r, 4);
    const uint8_t *check2 = kk_get_bytes(&r, 4);
    if (!kk_reader_ok(&r))
        return truncated(err, "check integers");
    if (CRYPTO_memcmp(check1, check2, 4) != 0)
        return kk_fail(err, KK_ERR_CORRUPT, "check integers differ: the file "
                       "is corrupt");
    rc = kk_wire_get_private(&r, lim, &key, err);
    if (rc != KK_OK)
        return rc;
    struct kk_span comment = kk_get_string(&r);
    if (!kk_reader_ok(&r)) {
        rc = truncated(err, "comment");
        goto out;
    }
    if (comment.len != 0 && memchr(comment.ptr, '\0', comment.len) != NULL) {
        rc = kk_fail(err, KK_ERR_FORMAT, "the comment holds a NUL byte");
        goto out;
    }
    size_t npad = kk_reader_left(&r);
    const uint8_t *pad = kk_get_bytes(&r, npad);
    int bad = npad >= BLOCK_NONE;
    for (size_t i = 0; i < npad && !bad; i++)
        bad = (size_t)pad[i] != i + 1;
    if (bad) {
        rc = kk_fail(err, KK_ERR_FORMAT, "bad padding after the comment: the "
                     "file is corrupt");
        goto out;
    }
    rc = kk_key_set_comment(key, (const char *)comment.ptr, comment.len, err);
    if (rc != KK_OK)
        goto out;
    *out = key;
    key = NULL;
out:
    kk_key_free(key);
    return rc;
}

/* The public blob in the header must be the private key's public half. */
static int check_public(const struct container *c, const struct kk_key *key,
                        struct kk_error *err)
{
    struct kk_buf pub;
    int rc;

    kk_buf_init(&pub, 0);
    rc = kk_wire_put_public(key, &pub, err);
    if (rc == KK_OK && (pub.len != c->pub.len ||
                        memcmp(pub.data, c->pub.ptr, pub.len) != 0)) {
        rc = kk_fail(err, KK_ERR_MISMATCH, "the public key in the header does "
                     "not match the private key");
        kk_hint(err, "the file is corrupt or was edited; regenerate the public "
                "half with ssh-keygen -y");
    }
    kk_buf_free(&pub);
    return rc;
}

static int openssh_decode(const uint8_t *in, size_t len,
                          const struct kk_decode_opts *opts, struct kk_key **out,
                          struct kk_error *err)
{
    struct kk_limits defaults;
    const struct kk_limits *lim = kk_pub_limits(opts, &defaults);
    struct kk_armor a = {0};
    struct container c = {0};
    struct kk_key *key = NULL;
    int armored = 0;
    int rc;

    *out = NULL;
    if (openssh_sniff(in, len) != KK_SNIFF_YES) {
        rc = kk_fail(err, KK_ERR_FORMAT, "not an OpenSSH private key: no "
                     "'-----BEGIN " LABEL "-----' line");
        kk_pub_hint_other(in, len, "openssh", err);
        goto out;
    }
    armored = 1;
    rc = kk_armor_decode(in, len, KK_ARMOR_PEM, &a, err);
    if (rc != KK_OK)
        goto out;
    if (a.nheaders != 0) {
        rc = kk_fail(err, KK_ERR_FORMAT, "unexpected header '%s' in an OpenSSH "
                     "key block", a.headers[0].name);
        kk_error_at(err, a.begin_line + 1, -1);
        goto out;
    }
    rc = kk_pub_check_tail(in, len, a.end_offset, err);
    if (rc != KK_OK)
        goto out;
    rc = read_container(a.body.data, a.body.len, &c, err);
    if (rc == KK_OK)
        rc = read_private(&c, lim, &key, err);
    /* kk_wire_get_private has validated the key and checked its halves. */
    if (rc == KK_OK)
        rc = check_public(&c, key, err);
    if (rc != KK_OK) {
        kk_error_at(err, a.begin_line, -1);
        goto out;
    }
    key->has_private = 1;
    key->was_encrypted = 0;
    *out = key;
    key = NULL;
out:
    if (rc != KK_OK)
        ERR_clear_error();
    kk_key_free(key);
    if (armored)
        kk_armor_free(&a);
    return rc;
}

int kk_openssh_encode_check(const struct kk_key *key, uint32_t check,
                            struct kk_buf *out, struct kk_error *err)
{
    struct kk_buf pub, priv, body;
    int rc;

    if ((rc = kk_priv_require_private(key, "openssh", err)) != KK_OK)
        return rc;
    kk_buf_init(&pub, 0);
    kk_buf_init(&priv, 0);
    kk_buf_init(&body, 0);
    rc = kk_wire_put_public(key, &pub, err);
    if (rc != KK_OK)
        goto out;

    kk_buf_put_u32(&priv, check);
    kk_buf_put_u32(&priv, check);
    rc = kk_wire_put_private(key, &priv, err);
    if (rc != KK_OK)
        goto out;
    kk_buf_put_cstring(&priv, key->comment != NULL ? key->comment : "");
    /* A failed buffer stops growing: without the ok test this never ends. */
    for (uint8_t i = 1; kk_buf_ok(&priv) && priv.len % BLOCK_NONE != 0; i++)
        kk_buf_put_u8(&priv, i);

    kk_buf_put(&body, MAGIC, MAGIC_LEN);
    kk_buf_put_cstring(&body, "none");
    kk_buf_put_cstring(&body, "none");
    kk_buf_put_string(&body, "", 0);
    kk_buf_put_u32(&body, 1);
    kk_buf_put_string(&body, pub.data, pub.len);
    kk_buf_put_string(&body, priv.data, priv.len);
    if (!kk_buf_ok(&pub) || !kk_buf_ok(&priv) || !kk_buf_ok(&body)) {
        rc = kk_fail(err, KK_ERR_NOMEM, "out of memory writing the key");
        goto out;
    }
    rc = kk_armor_encode(KK_ARMOR_PEM, LABEL, NULL, 0, body.data, body.len, WRAP,
                         out, err);
out:
    kk_buf_free(&pub);
    kk_buf_free(&priv);
    kk_buf_free(&body);
    return rc;
}

static int openssh_encode(const struct kk_key *key,
                          const struct kk_encode_opts *opts, struct kk_buf *out,
                          struct kk_error *err)
{
    uint8_t rnd[4];

    if (opts != NULL && opts->passphrase != NULL) {
        kk_fail(err, KK_ERR_UNSUPPORTED,
                "writing encrypted OpenSSH keys is not supported yet");
        kk_hint(err, "use --to pkcs8 or --no-encrypt");
        return KK_ERR_UNSUPPORTED;
    }
    /* Random check integers, as ssh-keygen writes; unencrypted they guard
     * nothing, but equal values are what readers test. */
    if (RAND_bytes(rnd, sizeof rnd) != 1) {
        ERR_clear_error();
        return kk_fail(err, KK_ERR_CRYPTO, "the random generator failed");
    }
    uint32_t check = (uint32_t)rnd[0] << 24 | (uint32_t)rnd[1] << 16 |
                     (uint32_t)rnd[2] << 8 | rnd[3];
    return kk_openssh_encode_check(key, check, out, err);
}

static int openssh_can_encode(const struct kk_key *key)
{
    return key != NULL && kk_key_type_ssh_name(key->type) != NULL;
}

const struct kk_format kk_fmt_openssh = {
    .name = "openssh",
    .summary = "OpenSSH private key (openssh-key-v1), as ssh-keygen writes",
    .extensions = NULL,
    .flags = KK_FMT_PRIVATE | KK_FMT_ENCRYPTABLE | KK_FMT_COMMENT,
    .sniff = openssh_sniff,
    .decode = openssh_decode,
    .encode = openssh_encode,
    .can_encode = openssh_can_encode,
};
