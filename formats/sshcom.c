/* ssh.com (SECSH) private keys, "---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----",
 * as the commercial SSH and `puttygen -O private-sshcom` write them:
 *
 *   u32 magic 0x3f6ff9eb, u32 total length, string key type, string cipher
 *   ("none" or "3des-cbc"), string data;
 *   data (decrypted): u32 n, n bytes of key, then (encrypted) 0..7 bytes of
 *   random padding to the 3DES block;
 *   key: RSA  e, d, n, u, p, q  with u = p^-1 mod q;
 *        DSA  u32 0, p, g, q, y, x
 *
 * Numbers are "bit-count" integers: u32 number of bits, then that many bits
 * rounded up to bytes, big-endian.  The 3DES key is MD5(pass) ||
 * MD5(pass || MD5(pass)) cut to 24 bytes, with a zero IV.  Nothing checks
 * the passphrase, so a wrong one shows as a key that does not parse or
 * whose halves disagree; with encryption every such failure is reported as
 * a wrong passphrase.  The numbers are rebuilt into the OpenSSH private
 * field order and read by kk_wire_get_private, which validates the key. */
#include <string.h>
#include <strings.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include "../core/armor.h"
#include "../core/sshwire.h"
#include "format.h"
#include "priv_common.h"
#include "pub_common.h"
#include "ssh_cipher.h"

#define LABEL "SSH2 ENCRYPTED PRIVATE KEY"
#define MAGIC 0x3f6ff9ebu
#define WRAP 70                       /* puttygen's line width */
#define RSA_NAME "if-modn{sign{rsa-pkcs1-sha1},encrypt{rsa-pkcs1v2-oaep}}"
#define DSA_NAME "dl-modp{sign{dsa-nist-sha1},dh{plain}}"
/* ssh.com's family prefixes; the rest of the name lists hash variants. */
#define RSA_PREFIX "if-modn{sign{rsa"
#define DSA_PREFIX "dl-modp{sign{dsa"
#define COMMENT_MAX (8192 - 2)        /* what core/armor.c reads back */
#define BLOCK 8

static int sshcom_sniff(const uint8_t *in, size_t len)
{
    return kk_pub_sniff_label(in, len, KK_ARMOR_SSH2, LABEL);
}

static int span_starts(struct kk_span s, const char *prefix)
{
    size_t n = strlen(prefix);
    return s.len >= n && memcmp(s.ptr, prefix, n) == 0;
}

static int span_is(struct kk_span s, const char *text)
{
    return s.len == strlen(text) && memcmp(s.ptr, text, s.len) == 0;
}

/* A bit-count integer as an unsigned big-endian magnitude.  The bytes must
 * hold no more bits than the count says. */
static struct kk_span get_bitint(struct kk_reader *r)
{
    struct kk_span s = {NULL, 0};
    uint32_t bits = kk_get_u32(r);
    size_t n = ((size_t)bits + 7) / 8;

    s.ptr = kk_get_bytes(r, n);
    if (s.ptr == NULL)
        return (struct kk_span){NULL, 0};
    s.len = n;
    if (n > 0 && bits % 8 != 0 && (s.ptr[0] >> (bits % 8)) != 0)
        kk_reader_fail(r);
    return s;
}

static void put_bitint(struct kk_buf *b, struct kk_span m)
{
    while (m.len > 0 && m.ptr[0] == 0) {
        m.ptr++;
        m.len--;
    }
    uint32_t bits = 0;
    if (m.len > 0) {
        unsigned top = m.ptr[0], tb = 0;
        while (top != 0) {
            tb++;
            top >>= 1;
        }
        bits = (uint32_t)((m.len - 1) * 8 + tb);
    }
    kk_buf_put_u32(b, bits);
    kk_buf_put(b, m.ptr, m.len);
}

/* ssh.com's numbers → the OpenSSH private fields kk_wire_get_private reads. */
static int to_openssh(struct kk_reader *r, enum kk_key_type type, struct kk_buf *ossh)
{
    if (type == KK_KEY_RSA) {
        struct kk_span e = get_bitint(r), d = get_bitint(r), n = get_bitint(r);
        struct kk_span u = get_bitint(r), p = get_bitint(r), q = get_bitint(r);
        /* u = p^-1 mod q is OpenSSH's iqmp with p and q swapped. */
        kk_buf_put_cstring(ossh, "ssh-rsa");
        kk_buf_put_mpint(ossh, n.ptr, n.len);
        kk_buf_put_mpint(ossh, e.ptr, e.len);
        kk_buf_put_mpint(ossh, d.ptr, d.len);
        kk_buf_put_mpint(ossh, u.ptr, u.len);
        kk_buf_put_mpint(ossh, q.ptr, q.len);
        kk_buf_put_mpint(ossh, p.ptr, p.len);
    } else {
        if (kk_get_u32(r) != 0)        /* "predefined parameters": never used */
            kk_reader_fail(r);
        struct kk_span p = get_bitint(r), g = get_bitint(r), q = get_bitint(r);
        struct kk_span y = get_bitint(r), x = get_bitint(r);
        kk_buf_put_cstring(ossh, "ssh-dss");
        kk_buf_put_mpint(ossh, p.ptr, p.len);
        kk_buf_put_mpint(ossh, q.ptr, q.len);
        kk_buf_put_mpint(ossh, g.ptr, g.len);
        kk_buf_put_mpint(ossh, y.ptr, y.len);
        kk_buf_put_mpint(ossh, x.ptr, x.len);
    }
    return kk_reader_done(r) && kk_buf_ok(ossh);
}

static int derive(const char *pass, size_t passlen, uint8_t key[24], struct kk_error *err)
{
    uint8_t h[32];
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int ok = ctx != NULL &&
             EVP_DigestInit_ex(ctx, EVP_md5(), NULL) == 1 &&
             EVP_DigestUpdate(ctx, pass, passlen) == 1 &&
             EVP_DigestFinal_ex(ctx, h, NULL) == 1 &&
             EVP_DigestInit_ex(ctx, EVP_md5(), NULL) == 1 &&
             EVP_DigestUpdate(ctx, pass, passlen) == 1 &&
             EVP_DigestUpdate(ctx, h, 16) == 1 &&
             EVP_DigestFinal_ex(ctx, h + 16, NULL) == 1;

    EVP_MD_CTX_free(ctx);
    if (ok)
        memcpy(key, h, 24);
    OPENSSL_cleanse(h, sizeof h);
    if (!ok) {
        ERR_clear_error();
        return kk_fail(err, KK_ERR_CRYPTO, "MD5 failed");
    }
    return KK_OK;
}

static const struct kk_ssh_cipher *des3(void)
{
    return kk_ssh_cipher_find("3des-cbc", 8);
}

static int wrong_pass(struct kk_error *err)
{
    kk_fail(err, KK_ERR_WRONG_PASS, "wrong passphrase");
    kk_hint(err, "check the passphrase; if it is right, the file is corrupt");
    return KK_ERR_WRONG_PASS;
}

/* The key inside data (decrypting it if need be). */
static int read_key(enum kk_key_type type, struct kk_span data, int encrypted,
                    const struct kk_limits *lim, struct kk_pass *pass,
                    struct kk_key **out, struct kk_error *err)
{
    static const uint8_t zero_iv[BLOCK];
    struct kk_buf plain, ossh;
    struct kk_reader r, kr;
    uint8_t key[24];
    int rc = KK_OK;

    *out = NULL;
    kk_buf_init(&plain, 0);
    kk_buf_init(&ossh, 0);
    if (encrypted) {
        const char *pw = NULL;
        size_t pwlen = 0;
        if (data.len % BLOCK != 0) {
            rc = kk_fail(err, KK_ERR_FORMAT, "the encrypted key is %zu bytes, not a "
                         "multiple of the 3DES block size %d", data.len, BLOCK);
            goto out;
        }
        if ((rc = kk_pass_get(pass, &pw, &pwlen, err)) != KK_OK ||
            (rc = derive(pw, pwlen, key, err)) != KK_OK)
            goto out;
    }
    if (kk_buf_put(&plain, data.ptr, data.len) != 0) {
        rc = kk_fail(err, KK_ERR_NOMEM, NULL);
        goto out;
    }
    if (encrypted && (rc = kk_ssh_cipher_crypt(des3(), 0, key, zero_iv, plain.data,
                                               plain.len, NULL, err)) != KK_OK)
        goto out;
    kk_reader_init(&r, plain.data, plain.len);
    uint32_t n = kk_get_u32(&r);
    const uint8_t *body = kk_get_bytes(&r, n);
    if (body == NULL || kk_reader_left(&r) >= BLOCK) {
        if (encrypted)
            rc = wrong_pass(err);
        else if (body == NULL)
            rc = kk_fail(err, KK_ERR_TRUNCATED, "the key data ends before the %u bytes "
                         "its length says", (unsigned)n);
        else
            rc = kk_fail(err, KK_ERR_TRAILING, "%zu bytes after the key data",
                         kk_reader_left(&r));
        goto out;
    }
    kk_reader_init(&kr, body, n);
    if (!to_openssh(&kr, type, &ossh)) {
        rc = encrypted ? wrong_pass(err)
                       : kk_fail(err, KK_ERR_FORMAT, "the %s key numbers are malformed",
                                 type == KK_KEY_RSA ? "RSA" : "DSA");
        goto out;
    }
    kk_reader_init(&kr, ossh.data, ossh.len);
    rc = kk_wire_get_private(&kr, lim, out, err);
    if (rc == KK_OK && !kk_reader_done(&kr)) {
        kk_key_free(*out);
        *out = NULL;
        rc = kk_fail(err, KK_ERR_INTERNAL, "rebuilt key has trailing bytes");
    }
    /* A wrong passphrase may still give numbers that parse: then the halves
     * disagree.  Caps (RSA size) keep their own code. */
    if (encrypted && rc != KK_OK && rc != KK_ERR_CAP && rc != KK_ERR_NOMEM &&
        rc != KK_ERR_UNSUPPORTED)
        rc = wrong_pass(err);
out:
    OPENSSL_cleanse(key, sizeof key);
    kk_buf_free(&plain);
    kk_buf_free(&ossh);
    return rc;
}

static int set_comment(struct kk_key *key, const char *v, struct kk_error *err)
{
    size_t n = strlen(v);

    if (n >= 2 && v[0] == '"' && v[n - 1] == '"') {
        v++;
        n -= 2;
    }
    return kk_key_set_comment(key, v, n, err);
}

static int sshcom_decode(const uint8_t *in, size_t len, const struct kk_decode_opts *opts,
                         struct kk_key **out, struct kk_error *err)
{
    struct kk_limits defaults;
    const struct kk_limits *lim = kk_pub_limits(opts, &defaults);
    struct kk_armor a = {0};
    struct kk_key *key = NULL;
    struct kk_reader r;
    int armored = 0, rc;
    char shown[41];

    *out = NULL;
    if (sshcom_sniff(in, len) != KK_SNIFF_YES) {
        rc = kk_fail(err, KK_ERR_FORMAT, "not an ssh.com private key: no "
                     "'---- BEGIN " LABEL " ----' line");
        kk_pub_hint_other(in, len, "sshcom", err);
        goto out;
    }
    armored = 1;
    if ((rc = kk_armor_decode(in, len, KK_ARMOR_SSH2, &a, err)) != KK_OK ||
        (rc = kk_pub_check_tail(in, len, a.end_offset, err)) != KK_OK)
        goto out;
    kk_reader_init(&r, a.body.data, a.body.len);
    uint32_t magic = kk_get_u32(&r);
    uint32_t total = kk_get_u32(&r);
    struct kk_span type = kk_get_string(&r);
    struct kk_span cipher = kk_get_string(&r);
    struct kk_span data = kk_get_string(&r);
    if (kk_reader_ok(&r) && magic != MAGIC) {
        rc = kk_fail(err, KK_ERR_FORMAT, "bad magic number 0x%08x in an ssh.com key",
                     (unsigned)magic);
        goto located;
    }
    if (!kk_reader_ok(&r)) {
        rc = kk_fail(err, KK_ERR_TRUNCATED, "the key data ends early");
        goto located;
    }
    if (!kk_reader_done(&r)) {
        rc = kk_fail(err, KK_ERR_TRAILING, "%zu bytes after the key data",
                     kk_reader_left(&r));
        goto located;
    }
    if (total != a.body.len) {
        rc = kk_fail(err, KK_ERR_FORMAT, "the header says %u bytes, the key has %zu",
                     (unsigned)total, a.body.len);
        goto located;
    }
    enum kk_key_type kt = span_starts(type, RSA_PREFIX) ? KK_KEY_RSA
                        : span_starts(type, DSA_PREFIX) ? KK_KEY_DSA : KK_KEY_UNKNOWN;
    if (kt == KK_KEY_UNKNOWN) {
        kk_escape(type.ptr, type.len, shown, sizeof shown);
        rc = kk_fail(err, KK_ERR_UNSUPPORTED, "unsupported ssh.com key type \"%s\"", shown);
        kk_hint(err, "ssh.com private keys are read for RSA and DSA");
        goto located;
    }
    int encrypted = span_is(cipher, "3des-cbc");
    if (!encrypted && !span_is(cipher, "none")) {
        kk_escape(cipher.ptr, cipher.len, shown, sizeof shown);
        rc = kk_fail(err, KK_ERR_UNSUPPORTED, "unsupported ssh.com cipher \"%s\"", shown);
        kk_hint(err, "keykit reads ssh.com keys with cipher none or 3des-cbc");
        goto located;
    }
    if ((rc = read_key(kt, data, encrypted, lim, opts != NULL ? opts->pass : NULL, &key,
                       err)) != KK_OK)
        goto located;
    const char *comment = kk_armor_header(&a, "Comment");
    if (comment != NULL && (rc = set_comment(key, comment, err)) != KK_OK)
        goto out;
    key->has_private = 1;
    key->was_encrypted = encrypted;
    *out = key;
    key = NULL;
    goto out;
located:
    kk_error_at(err, a.begin_line, -1);
out:
    if (rc != KK_OK)
        ERR_clear_error();
    kk_key_free(key);
    if (armored)
        kk_armor_free(&a);
    return rc;
}

/* The numbers in ssh.com order, from kk_wire_put_private's OpenSSH order. */
static int put_numbers(const struct kk_key *key, struct kk_buf *out, struct kk_error *err)
{
    struct kk_buf ossh;
    struct kk_reader r;
    int rc;

    kk_buf_init(&ossh, 0);
    if ((rc = kk_wire_put_private(key, &ossh, err)) != KK_OK)
        goto out;
    kk_reader_init(&r, ossh.data, ossh.len);
    kk_get_string(&r);
    if (key->type == KK_KEY_RSA) {
        struct kk_span n = kk_get_mpint(&r), e = kk_get_mpint(&r), d = kk_get_mpint(&r);
        struct kk_span iqmp = kk_get_mpint(&r), p = kk_get_mpint(&r), q = kk_get_mpint(&r);
        put_bitint(out, e);
        put_bitint(out, d);
        put_bitint(out, n);
        put_bitint(out, iqmp);
        put_bitint(out, q);
        put_bitint(out, p);
    } else {
        struct kk_span p = kk_get_mpint(&r), q = kk_get_mpint(&r), g = kk_get_mpint(&r);
        struct kk_span y = kk_get_mpint(&r), x = kk_get_mpint(&r);
        kk_buf_put_u32(out, 0);
        put_bitint(out, p);
        put_bitint(out, g);
        put_bitint(out, q);
        put_bitint(out, y);
        put_bitint(out, x);
    }
    if (!kk_reader_done(&r))
        rc = kk_fail(err, KK_ERR_INTERNAL, "unexpected OpenSSH private fields");
out:
    kk_buf_free(&ossh);
    return rc;
}

static int sshcom_can_encode(const struct kk_key *key)
{
    return key != NULL && (key->type == KK_KEY_RSA || key->type == KK_KEY_DSA);
}

static int sshcom_encode(const struct kk_key *key, const struct kk_encode_opts *opts,
                         struct kk_buf *out, struct kk_error *err)
{
    static const uint8_t zero_iv[BLOCK];
    struct kk_buf nums, data, body;
    char comment_name[] = "Comment";
    struct kk_armor_header hdr = {.name = NULL};
    uint8_t dkey[24];
    int encrypted = opts != NULL && opts->passphrase != NULL;
    int rc;

    if ((rc = kk_priv_require_private(key, "sshcom", err)) != KK_OK)
        return rc;
    if (!sshcom_can_encode(key)) {
        kk_fail(err, KK_ERR_UNSUPPORTED, "an ssh.com private key holds RSA or DSA, not %s",
                kk_key_type_label(key->type));
        kk_hint(err, "write openssh or pkcs8 instead");
        return KK_ERR_UNSUPPORTED;
    }
    if (encrypted && opts->cipher != NULL && strcasecmp(opts->cipher, "3des-cbc") != 0) {
        kk_fail(err, KK_ERR_USAGE, "ssh.com private keys are encrypted with 3des-cbc "
                "only, not '%s'", opts->cipher);
        return KK_ERR_USAGE;
    }
    const char *c = key->comment != NULL ? key->comment : "";
    size_t clen = strlen(c);
    for (size_t i = 0; i < clen; i++) {
        unsigned char ch = (unsigned char)c[i];
        if ((ch < 0x20 && ch != '\t') || ch == 0x7f || ch == '"') {
            kk_fail(err, KK_ERR_UNSUPPORTED, "the comment holds a %s, which an ssh.com "
                    "header cannot hold", ch == '"' ? "double quote" : "control character");
            kk_hint(err, "set a comment of plain text with -C");
            return KK_ERR_UNSUPPORTED;
        }
    }
    if (clen > COMMENT_MAX) {
        kk_fail(err, KK_ERR_UNSUPPORTED, "the comment is longer than %d bytes", COMMENT_MAX);
        return KK_ERR_UNSUPPORTED;
    }
    kk_buf_init(&nums, 0);
    kk_buf_init(&data, 0);
    kk_buf_init(&body, 0);
    if ((rc = put_numbers(key, &nums, err)) != KK_OK)
        goto out;
    kk_buf_put_string(&data, nums.data, nums.len);
    if (encrypted) {
        /* Random padding to the block, as puttygen writes. */
        uint8_t pad[BLOCK];
        size_t npad = (BLOCK - data.len % BLOCK) % BLOCK;
        if (RAND_bytes(pad, sizeof pad) != 1) {
            ERR_clear_error();
            rc = kk_fail(err, KK_ERR_CRYPTO, "the random generator failed");
            goto out;
        }
        kk_buf_put(&data, pad, npad);
        if (!kk_buf_ok(&data)) {
            rc = kk_fail(err, KK_ERR_NOMEM, NULL);
            goto out;
        }
        if ((rc = derive(opts->passphrase, opts->passlen, dkey, err)) != KK_OK ||
            (rc = kk_ssh_cipher_crypt(des3(), 1, dkey, zero_iv, data.data, data.len, NULL,
                                      err)) != KK_OK)
            goto out;
    }
    const char *tname = key->type == KK_KEY_RSA ? RSA_NAME : DSA_NAME;
    const char *cname = encrypted ? "3des-cbc" : "none";
    size_t total = 8 + 4 + strlen(tname) + 4 + strlen(cname) + 4 + data.len;
    kk_buf_put_u32(&body, MAGIC);
    kk_buf_put_u32(&body, (uint32_t)total);
    kk_buf_put_cstring(&body, tname);
    kk_buf_put_cstring(&body, cname);
    kk_buf_put_string(&body, data.data, data.len);
    if ((hdr.value = OPENSSL_malloc(clen + 3)) == NULL || !kk_buf_ok(&body) ||
        !kk_buf_ok(&nums) || !kk_buf_ok(&data)) {
        rc = kk_fail(err, KK_ERR_NOMEM, "out of memory writing the key");
        goto out;
    }
    hdr.value[0] = '"';
    memcpy(hdr.value + 1, c, clen);
    hdr.value[clen + 1] = '"';
    hdr.value[clen + 2] = '\0';
    hdr.name = comment_name;
    rc = kk_armor_encode(KK_ARMOR_SSH2, LABEL, &hdr, 1, body.data, body.len, WRAP, out,
                         err);
out:
    OPENSSL_free(hdr.value);
    OPENSSL_cleanse(dkey, sizeof dkey);
    kk_buf_free(&nums);
    kk_buf_free(&data);
    kk_buf_free(&body);
    return rc;
}

const struct kk_format kk_fmt_sshcom = {
    .name = "sshcom",
    .summary = "ssh.com (SECSH) private key, RSA or DSA, as puttygen -O private-sshcom writes",
    .extensions = NULL,
    .flags = KK_FMT_PRIVATE | KK_FMT_ENCRYPTABLE | KK_FMT_COMMENT,
    .sniff = sshcom_sniff,
    .decode = sshcom_decode,
    .encode = sshcom_encode,
    .can_encode = sshcom_can_encode,
};
