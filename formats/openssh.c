/* OpenSSH private keys, "openssh-key-v1" (PROTOCOL.key):
 *
 *   "openssh-key-v1\0" string cipher, string kdf, string kdfoptions,
 *   u32 nkeys (1), string public blob, string private section
 *   private section: u32 check1, u32 check2, private fields, string comment,
 *   padding 1, 2, 3, ... to the cipher block size
 *
 * inside a PEM-style "OPENSSH PRIVATE KEY" block wrapped at 70 columns.
 * Encrypted: kdf "bcrypt" with kdfoptions string salt, u32 rounds; the key
 * and IV are bcrypt_pbkdf(passphrase) cut in two; the private section is
 * encrypted whole, and an AEAD cipher's tag follows it, outside the string. */
#include <string.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/rand.h>
#include "../core/armor.h"
#include "../core/kdf.h"
#include "../core/sshwire.h"
#include "openssh.h"
#include "priv_common.h"
#include "pub_common.h"
#include "ssh_cipher.h"

#define LABEL "OPENSSH PRIVATE KEY"
#define MAGIC "openssh-key-v1"           /* followed by its NUL */
#define MAGIC_LEN (sizeof MAGIC)         /* counts the NUL */
#define BLOCK_NONE 8                     /* block size of cipher "none" */
#define WRAP 70                          /* ssh-keygen's line width */
#define DEFAULT_CIPHER "aes256-ctr"      /* as ssh-keygen 9.x */
#define DEFAULT_ROUNDS 16                /* ssh-keygen 9.x's default for -a */
#define SALT_LEN 16                      /* as ssh-keygen writes */

static int openssh_sniff(const uint8_t *in, size_t len)
{
    return kk_pub_sniff_label(in, len, KK_ARMOR_PEM, LABEL);
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
    struct kk_span cipher, kdf, kdfopts, pub, priv, tag;
    uint32_t nkeys;
    const struct kk_ssh_cipher *c;      /* NULL: unencrypted */
    struct kk_span salt;
    uint32_t rounds;
};

/* Cipher and KDF, decided before the rest is read: the layout depends on
 * them (AEAD ciphers append a tag), and the cost cap is checked before any
 * work is done. */
static int read_kdf(struct container *c, const struct kk_limits *lim,
                    struct kk_error *err)
{
    char name[41];

    if (span_is(c->cipher, "none")) {
        if (!span_is(c->kdf, "none") || c->kdfopts.len != 0)
            return kk_fail(err, KK_ERR_FORMAT, "cipher \"none\" with a key "
                           "derivation function: the file is corrupt");
        return KK_OK;
    }
    c->c = kk_ssh_cipher_find((const char *)c->cipher.ptr, c->cipher.len);
    if (c->c == NULL) {
        kk_escape(c->cipher.ptr, c->cipher.len, name, sizeof name);
        kk_fail(err, KK_ERR_UNSUPPORTED, "unknown cipher \"%s\"", name);
        kk_hint(err, "keykit reads %s", kk_ssh_cipher_names());
        return KK_ERR_UNSUPPORTED;
    }
    if (span_is(c->kdf, "none"))
        return kk_fail(err, KK_ERR_FORMAT, "cipher without a key derivation "
                       "function: the file is corrupt");
    if (!span_is(c->kdf, "bcrypt")) {
        kk_escape(c->kdf.ptr, c->kdf.len, name, sizeof name);
        return kk_fail(err, KK_ERR_UNSUPPORTED, "unknown key derivation \"%s\"", name);
    }
    struct kk_reader r;
    kk_reader_init(&r, c->kdfopts.ptr, c->kdfopts.len);
    c->salt = kk_get_string(&r);
    c->rounds = kk_get_u32(&r);
    if (!kk_reader_done(&r))
        return kk_fail(err, KK_ERR_FORMAT, "bad bcrypt options (%zu bytes): the "
                       "file is corrupt", c->kdfopts.len);
    if (c->salt.len == 0 || c->salt.len > KK_BCRYPT_MAX_SALT)
        return kk_fail(err, KK_ERR_FORMAT, "a bcrypt salt of %zu bytes: the file "
                       "is corrupt", c->salt.len);
    if (c->rounds == 0)
        return kk_fail(err, KK_ERR_FORMAT, "bcrypt rounds 0: the file is corrupt");
    if (c->rounds > lim->max_kdf_rounds) {
        kk_fail(err, KK_ERR_CAP, "bcrypt rounds %u is larger than the limit of %u",
                (unsigned)c->rounds, lim->max_kdf_rounds);
        kk_hint(err, "raise the limit with --max-kdf-rounds");
        return KK_ERR_CAP;
    }
    return KK_OK;
}

static int read_container(const uint8_t *data, size_t len, struct container *c,
                          const struct kk_limits *lim, struct kk_error *err)
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
    int rc = read_kdf(c, lim, err);
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
    if (c->c != NULL && c->c->taglen != 0) {
        c->tag.ptr = kk_get_bytes(&r, c->c->taglen);
        c->tag.len = c->c->taglen;
        if (!kk_reader_ok(&r))
            return truncated(err, "authentication tag");
    }
    if (!kk_reader_done(&r))
        return kk_fail(err, KK_ERR_TRAILING, "%zu bytes after the private "
                       "section", kk_reader_left(&r));
    return KK_OK;
}

/* Private section (decrypted): check integers, fields, comment, padding to
 * the cipher's block size. */
static int read_private(struct kk_span priv, unsigned block, int encrypted,
                        const struct kk_limits *lim, struct kk_key **out,
                        struct kk_error *err)
{
    struct kk_reader r;
    struct kk_key *key = NULL;
    int rc;

    *out = NULL;
    kk_reader_init(&r, priv.ptr, priv.len);
    const uint8_t *check1 = kk_get_bytes(&r, 4);
    const uint8_t *check2 = kk_get_bytes(&r, 4);
    if (!kk_reader_ok(&r))
        return truncated(err, "check integers");
    if (CRYPTO_memcmp(check1, check2, 4) != 0) {
        if (!encrypted)
            return kk_fail(err, KK_ERR_CORRUPT, "check integers differ: the file "
                           "is corrupt");
#ifndef KK_FUZZING
        kk_fail(err, KK_ERR_WRONG_PASS, "wrong passphrase");
        kk_hint(err, "check the passphrase; if it is right, the file is corrupt");
        return KK_ERR_WRONG_PASS;
#endif
    }
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
    int bad = npad >= block;
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

/* key || IV for cipher c from the passphrase. */
#ifndef KK_FUZZING
static int derive(const struct kk_ssh_cipher *c, const char *pass, size_t passlen,
                  struct kk_span salt, unsigned rounds, uint8_t *kiv,
                  struct kk_error *err)
{
    return kk_kdf_bcrypt_pbkdf(pass, passlen, salt.ptr, salt.len, rounds, kiv,
                               c->keylen + c->ivlen, err);
}
#else
/* Fuzzing: one round, and results kept per (passphrase, salt, length), so
 * mutations past the header cost no KDF time while seeds made with
 * `ssh-keygen -a 1` still decrypt. */
#define FUZZ_CACHE 32
static int derive(const struct kk_ssh_cipher *c, const char *pass, size_t passlen,
                  struct kk_span salt, unsigned rounds, uint8_t *kiv,
                  struct kk_error *err)
{
    static struct {
        uint8_t pass[16], salt[32], out[KK_SSH_CIPHER_KEY_MAX + KK_SSH_CIPHER_IV_MAX];
        size_t passlen, saltlen, outlen;
    } cache[FUZZ_CACHE];
    static size_t next;
    size_t n = c->keylen + c->ivlen;
    int fits = passlen <= sizeof cache[0].pass && salt.len <= sizeof cache[0].salt;

    (void)rounds;
    for (size_t i = 0; fits && i < FUZZ_CACHE; i++) {
        if (cache[i].outlen == n && cache[i].passlen == passlen &&
            cache[i].saltlen == salt.len && memcmp(cache[i].pass, pass, passlen) == 0 &&
            memcmp(cache[i].salt, salt.ptr, salt.len) == 0) {
            memcpy(kiv, cache[i].out, n);
            return KK_OK;
        }
    }
    int rc = kk_kdf_bcrypt_pbkdf(pass, passlen, salt.ptr, salt.len, 1, kiv, n, err);
    if (rc == KK_OK && fits) {
        size_t i = next++ % FUZZ_CACHE;
        memcpy(cache[i].pass, pass, passlen);
        memcpy(cache[i].salt, salt.ptr, salt.len);
        memcpy(cache[i].out, kiv, n);
        cache[i].passlen = passlen;
        cache[i].saltlen = salt.len;
        cache[i].outlen = n;
    }
    return rc;
}
#endif

/* Decrypts (if need be) and reads the private section. */
static int open_private(const struct container *c, const struct kk_limits *lim,
                        struct kk_pass *pass, const struct kk_kdf_memo *memo,
                        struct kk_key **out, struct kk_error *err)
{
    struct kk_buf plain;
    uint8_t kiv[KK_SSH_CIPHER_KEY_MAX + KK_SSH_CIPHER_IV_MAX];
    uint8_t tag[KK_SSH_CIPHER_TAG_MAX];
    const char *pw = NULL;
    size_t pwlen = 0;
    unsigned block = c->c != NULL ? c->c->block : BLOCK_NONE;
    int rc;

    *out = NULL;
    if (c->priv.len % block != 0)
        return kk_fail(err, KK_ERR_FORMAT, "the private section is %zu bytes, "
                       "not a multiple of the block size %u", c->priv.len, block);
    if (c->c == NULL)
        return read_private(c->priv, block, 0, lim, out, err);

    kk_buf_init(&plain, 0);
    if ((rc = kk_pass_get(pass, &pw, &pwlen, err)) != KK_OK)
        goto out;
    /* OpenSSH refuses an empty passphrase for an encrypted key, and so does
     * bcrypt_pbkdf. */
    if (pwlen == 0) {
        rc = kk_fail(err, KK_ERR_WRONG_PASS, "wrong passphrase: the key is "
                     "encrypted and the passphrase is empty");
        goto out;
    }
    /* The salt and rounds are the file's own: the memo (kk_key_save's
     * read-back) only spares running the same derivation twice. */
    if (!kk_kdf_memo_find(memo, KK_KDF_MEMO_BCRYPT, pw, pwlen, c->salt.ptr, c->salt.len,
                          c->rounds, kiv, c->c->keylen + c->c->ivlen) &&
        (rc = derive(c->c, pw, pwlen, c->salt, c->rounds, kiv, err)) != KK_OK)
        goto out;
    if (kk_buf_put(&plain, c->priv.ptr, c->priv.len) != 0) {
        rc = kk_fail(err, KK_ERR_NOMEM, NULL);
        goto out;
    }
    if (c->c->taglen != 0)
        memcpy(tag, c->tag.ptr, c->c->taglen);
    rc = kk_ssh_cipher_crypt(c->c, 0, kiv, kiv + c->c->keylen, plain.data, plain.len,
                             tag, err);
    if (rc == KK_OK) {
        struct kk_span p = {plain.data, plain.len};
        rc = read_private(p, block, 1, lim, out, err);
    }
out:
    OPENSSL_cleanse(kiv, sizeof kiv);
    kk_buf_free(&plain);
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
    rc = read_container(a.body.data, a.body.len, &c, lim, err);
    if (rc == KK_OK)
        rc = open_private(&c, lim, opts != NULL ? opts->pass : NULL,
                          opts != NULL ? opts->kdf_memo : NULL, &key, err);
    /* kk_wire_get_private has validated the key and checked its halves. */
    if (rc == KK_OK)
        rc = check_public(&c, key, err);
    if (rc != KK_OK) {
        kk_error_at(err, a.begin_line, -1);
        goto out;
    }
    key->has_private = 1;
    key->was_encrypted = c.c != NULL;
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

/* How an encoder encrypts: cipher NULL writes unencrypted. */
struct enc {
    const struct kk_ssh_cipher *c;
    const char *pass;
    size_t passlen;
    unsigned rounds;
    uint8_t salt[SALT_LEN];
    struct kk_kdf_memo *memo;           /* may be NULL */
};

static int encode(const struct kk_key *key, uint32_t check, const struct enc *e,
                  struct kk_buf *out, struct kk_error *err)
{
    struct kk_buf pub, priv, body, opts;
    uint8_t kiv[KK_SSH_CIPHER_KEY_MAX + KK_SSH_CIPHER_IV_MAX];
    uint8_t tag[KK_SSH_CIPHER_TAG_MAX];
    unsigned block = e->c != NULL ? e->c->block : BLOCK_NONE;
    int rc;

    if ((rc = kk_priv_require_private(key, "openssh", err)) != KK_OK)
        return rc;
    kk_buf_init(&pub, 0);
    kk_buf_init(&priv, 0);
    kk_buf_init(&body, 0);
    kk_buf_init(&opts, 0);
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
    for (uint8_t i = 1; kk_buf_ok(&priv) && priv.len % block != 0; i++)
        kk_buf_put_u8(&priv, i);
    if (!kk_buf_ok(&priv)) {
        rc = kk_fail(err, KK_ERR_NOMEM, "out of memory writing the key");
        goto out;
    }
    if (e->c != NULL) {
        kk_buf_put_string(&opts, e->salt, sizeof e->salt);
        kk_buf_put_u32(&opts, e->rounds);
        const struct kk_span salt = {.ptr = e->salt, .len = sizeof e->salt};
        if ((rc = derive(e->c, e->pass, e->passlen, salt, e->rounds, kiv, err)) != KK_OK ||
            (rc = kk_ssh_cipher_crypt(e->c, 1, kiv, kiv + e->c->keylen, priv.data,
                                      priv.len, tag, err)) != KK_OK)
            goto out;
        kk_kdf_memo_record(e->memo, KK_KDF_MEMO_BCRYPT, e->pass, e->passlen, e->salt,
                           sizeof e->salt, e->rounds, kiv, e->c->keylen + e->c->ivlen);
    }

    kk_buf_put(&body, MAGIC, MAGIC_LEN);
    kk_buf_put_cstring(&body, e->c != NULL ? e->c->name : "none");
    kk_buf_put_cstring(&body, e->c != NULL ? "bcrypt" : "none");
    kk_buf_put_string(&body, opts.data, opts.len);
    kk_buf_put_u32(&body, 1);
    kk_buf_put_string(&body, pub.data, pub.len);
    kk_buf_put_string(&body, priv.data, priv.len);
    if (e->c != NULL && e->c->taglen != 0)
        kk_buf_put(&body, tag, e->c->taglen);
    if (!kk_buf_ok(&pub) || !kk_buf_ok(&opts) || !kk_buf_ok(&body)) {
        rc = kk_fail(err, KK_ERR_NOMEM, "out of memory writing the key");
        goto out;
    }
    rc = kk_armor_encode(KK_ARMOR_PEM, LABEL, NULL, 0, body.data, body.len, WRAP,
                         out, err);
out:
    OPENSSL_cleanse(kiv, sizeof kiv);
    kk_buf_free(&pub);
    kk_buf_free(&priv);
    kk_buf_free(&body);
    kk_buf_free(&opts);
    return rc;
}

int kk_openssh_encode_check(const struct kk_key *key, uint32_t check,
                            struct kk_buf *out, struct kk_error *err)
{
    const struct enc none = {.c = NULL};
    return encode(key, check, &none, out, err);
}

static int random_bytes(uint8_t *p, size_t n, struct kk_error *err)
{
    if (RAND_bytes(p, (int)n) != 1) {
        ERR_clear_error();
        return kk_fail(err, KK_ERR_CRYPTO, "the random generator failed");
    }
    return KK_OK;
}

static int openssh_encode(const struct kk_key *key,
                          const struct kk_encode_opts *opts, struct kk_buf *out,
                          struct kk_error *err)
{
    struct enc e = {.c = NULL};
    uint8_t rnd[4];
    int rc;

    if (opts != NULL && opts->passphrase != NULL) {
        const char *name = opts->cipher != NULL ? opts->cipher : DEFAULT_CIPHER;
        e.c = kk_ssh_cipher_find(name, strlen(name));
        if (e.c == NULL) {
            kk_fail(err, KK_ERR_USAGE, "unknown cipher '%s' for an OpenSSH key", name);
            kk_hint(err, "use one of %s", kk_ssh_cipher_names());
            return KK_ERR_USAGE;
        }
        if (opts->passlen == 0)
            return kk_fail(err, KK_ERR_USAGE, "an empty passphrase cannot encrypt an "
                           "OpenSSH key");
        e.pass = opts->passphrase;
        e.passlen = opts->passlen;
        e.rounds = opts->rounds != 0 ? opts->rounds : DEFAULT_ROUNDS;
        e.memo = opts->kdf_memo;
        if ((rc = random_bytes(e.salt, sizeof e.salt, err)) != KK_OK)
            return rc;
#ifdef KK_FUZZING
        /* One salt, so derive()'s cache makes the fuzzers' encrypted round
         * trips cost one bcrypt per passphrase instead of two per input. */
        memset(e.salt, 0x5a, sizeof e.salt);
#endif
    }
    /* Random check integers, as ssh-keygen writes: encrypted, they are how a
     * wrong passphrase is told apart; unencrypted they guard nothing, but
     * equal values are what readers test. */
    if ((rc = random_bytes(rnd, sizeof rnd, err)) != KK_OK)
        return rc;
    uint32_t check = (uint32_t)rnd[0] << 24 | (uint32_t)rnd[1] << 16 |
                     (uint32_t)rnd[2] << 8 | rnd[3];
    rc = encode(key, check, &e, out, err);
    OPENSSL_cleanse(&e, sizeof e);
    return rc;
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
