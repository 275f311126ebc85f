/* PuTTY private key files, versions 3 and 2 (PuTTY manual, appendix C):
 *
 *   PuTTY-User-Key-File-N: ALG
 *   Encryption: none | aes256-cbc
 *   Comment: TEXT
 *   Public-Lines: N       then N lines of base64 (the SSH public blob)
 *   v3, encrypted only:   Key-Derivation, Argon2-Memory, -Passes,
 *                         -Parallelism, -Salt (hex)
 *   Private-Lines: N      then N lines of base64 (the private blob)
 *   Private-MAC: HEX
 *
 * The MAC (v3 HMAC-SHA-256, v2 HMAC-SHA-1) covers string ALG, string
 * encryption, string comment, string public blob, string plaintext private
 * blob with its padding.  It is checked before any private field is read.
 * Both decoders read both versions; the encoders write their own. */
#include <ctype.h>
#include <limits.h>
#include <string.h>
#include <strings.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include "../core/base64.h"
#include "../core/cipher.h"
#include "../core/kdf.h"
#include "../core/sshwire.h"
#include "format.h"
#include "pub_common.h"

#define MAGIC "PuTTY-User-Key-File-"
#define WRAP 64                      /* puttygen's base64 line width */
#define V3_KEY_MATERIAL (KK_AES256_KEY_LEN + KK_AES_BLOCK + 32)
#define DEFAULT_MEMORY 8192u         /* KiB, puttygen's default */
#define DEFAULT_TARGET_MS 100u       /* puttygen's default time per passphrase */
#define SALT_LEN 16

/* ---- lines --------------------------------------------------------------- */

struct lines {
    const uint8_t *in;
    size_t len, pos;
    long lineno;                     /* of the line last returned */
};

/* The next line without its terminator (LF, CRLF or CR); 0 at the end. */
static int next_line(struct lines *l, struct kk_span *s)
{
    if (l->pos >= l->len)
        return 0;
    size_t start = l->pos, end = start;
    while (end < l->len && l->in[end] != '\n' && l->in[end] != '\r')
        end++;
    s->ptr = l->in + start;
    s->len = end - start;
    if (end < l->len && l->in[end] == '\r')
        end++;
    if (end < l->len && l->in[end] == '\n')
        end++;
    l->pos = end;
    l->lineno++;
    return 1;
}

static size_t lines_left(const struct lines *l)
{
    size_t n = 0, i = l->pos;

    while (i < l->len) {
        n++;
        while (i < l->len && l->in[i] != '\n' && l->in[i] != '\r')
            i++;
        if (i < l->len && l->in[i] == '\r')
            i++;
        if (i < l->len && l->in[i] == '\n')
            i++;
    }
    return n;
}

static struct kk_span trim_end(struct kk_span s)
{
    while (s.len > 0 && (s.ptr[s.len - 1] == ' ' || s.ptr[s.len - 1] == '\t'))
        s.len--;
    return s;
}

static int span_is(struct kk_span s, const char *text)
{
    size_t n = strlen(text);
    return s.len == n && memcmp(s.ptr, text, n) == 0;
}

static int at_line(struct kk_error *err, const struct lines *l, int rc)
{
    kk_error_at(err, l->lineno, -1);
    return rc;
}

/* Reads "NAME: value".  The value keeps inner and (for the comment) trailing
 * spaces; raw says not to trim them. */
static int header(struct lines *l, const char *name, int raw, struct kk_span *value,
                  struct kk_error *err)
{
    struct kk_span line;
    size_t n = strlen(name);

    if (!next_line(l, &line)) {
        kk_fail(err, KK_ERR_TRUNCATED, "the file ends before the '%s' line", name);
        return at_line(err, l, KK_ERR_TRUNCATED);
    }
    if (line.len <= n || memcmp(line.ptr, name, n) != 0 || line.ptr[n] != ':') {
        char shown[41];
        size_t colon = 0;
        while (colon < line.len && line.ptr[colon] != ':')
            colon++;
        kk_escape(line.ptr, colon, shown, sizeof shown);
        kk_fail(err, KK_ERR_FORMAT, "expected a '%s' line, found '%s'", name, shown);
        return at_line(err, l, KK_ERR_FORMAT);
    }
    value->ptr = line.ptr + n + 1;
    value->len = line.len - n - 1;
    if (value->len > 0 && value->ptr[0] == ' ') {
        value->ptr++;
        value->len--;
    }
    if (!raw)
        *value = trim_end(*value);
    return KK_OK;
}

/* A decimal number; *v saturates so that caps still apply to huge values. */
static int number(struct lines *l, const char *name, unsigned long long *v,
                  struct kk_error *err)
{
    struct kk_span s;
    int rc = header(l, name, 0, &s, err);

    if (rc != KK_OK)
        return rc;
    *v = 0;
    for (size_t i = 0; i < s.len; i++) {
        if (!isdigit(s.ptr[i])) {
            kk_fail(err, KK_ERR_FORMAT, "the '%s' value is not a decimal number", name);
            return at_line(err, l, KK_ERR_FORMAT);
        }
        if (*v < ULLONG_MAX / 100)
            *v = *v * 10 + (unsigned)(s.ptr[i] - '0');
    }
    if (s.len == 0) {
        kk_fail(err, KK_ERR_FORMAT, "the '%s' value is empty", name);
        return at_line(err, l, KK_ERR_FORMAT);
    }
    return KK_OK;
}

static int hexval(uint8_t c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
         : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Exactly want bytes of hex when want is not 0; else 1..max bytes. */
static int hex(struct lines *l, const char *name, size_t want, size_t max,
               uint8_t *out, size_t *outlen, struct kk_error *err)
{
    struct kk_span s;
    int rc = header(l, name, 0, &s, err);

    if (rc != KK_OK)
        return rc;
    size_t n = s.len / 2;
    int ok = s.len % 2 == 0 && n > 0 && (want != 0 ? n == want : n <= max);
    for (size_t i = 0; ok && i < n; i++) {
        int hi = hexval(s.ptr[2 * i]), lo = hexval(s.ptr[2 * i + 1]);
        ok = hi >= 0 && lo >= 0;
        if (ok)
            out[i] = (uint8_t)(hi << 4 | lo);
    }
    if (!ok) {
        if (want != 0)
            kk_fail(err, KK_ERR_FORMAT, "the '%s' value is not %zu hex digits",
                    name, 2 * want);
        else
            kk_fail(err, KK_ERR_FORMAT, "the '%s' value is not 2 to %zu hex digits",
                    name, 2 * max);
        return at_line(err, l, KK_ERR_FORMAT);
    }
    *outlen = n;
    return KK_OK;
}

/* "NAME-Lines: N" and N lines of base64, decoded into out. */
static int base64_lines(struct lines *l, const char *name, struct kk_buf *out,
                        struct kk_error *err)
{
    char hdr[32];
    unsigned long long n;
    struct kk_buf text;
    struct kk_span line;
    int rc;

    snprintf(hdr, sizeof hdr, "%s-Lines", name);
    if ((rc = number(l, hdr, &n, err)) != KK_OK)
        return rc;
    /* Decided before reading on, so a huge count costs nothing. */
    size_t left = lines_left(l);
    if (n == 0 || n > left) {
        if (n == 0)
            kk_fail(err, KK_ERR_FORMAT, "'%s' is 0", hdr);
        else
            kk_fail(err, KK_ERR_TRUNCATED, "'%s' says %llu lines, but only %zu "
                    "lines follow", hdr, n, left);
        return at_line(err, l, n == 0 ? KK_ERR_FORMAT : KK_ERR_TRUNCATED);
    }
    kk_buf_init(&text, 0);
    long first = l->lineno + 1;
    for (unsigned long long i = 0; i < n; i++) {
        next_line(l, &line);
        line = trim_end(line);
        kk_buf_put(&text, line.ptr, line.len);
    }
    rc = kk_buf_ok(&text) ? KK_OK : kk_fail(err, KK_ERR_NOMEM, NULL);
    if (rc == KK_OK) {
        rc = kk_base64_decode((const char *)text.data, text.len, 0, out, err);
        if (rc != KK_OK) {
            char msg[KK_MSG_MAX];
            snprintf(msg, sizeof msg, "%s", err->msg);
            kk_fail(err, rc, "bad base64 in the %s lines: %s", name, msg);
            kk_error_at(err, first, -1);
        }
    }
    kk_buf_free(&text);
    return rc;
}

/* ---- the parsed file ----------------------------------------------------- */

struct ppk {
    int version;
    enum kk_key_type type;
    struct kk_span alg, enc, comment;     /* into the input */
    int encrypted;
    struct kk_buf pub, priv;
    struct kk_argon2_params argon;
    uint8_t salt[KK_ARGON2_SALT_MAX];
    uint8_t mac[32];
    size_t maclen;
    long priv_line;
};

static int cap_fail(struct kk_error *err, const char *what, unsigned long long v,
                    unsigned cap, const char *unit, const char *flag)
{
    kk_fail(err, KK_ERR_CAP, "Argon2 %s of %llu%s is over the limit of %u%s", what, v,
            unit, cap, unit);
    kk_hint(err, "if you trust this file, raise the limit with %s", flag);
    return KK_ERR_CAP;
}

static int read_kdf(struct lines *l, struct ppk *p, const struct kk_limits *lim,
                    struct kk_error *err)
{
    struct kk_span s;
    unsigned long long mem, passes, par;
    int rc;

    if ((rc = header(l, "Key-Derivation", 0, &s, err)) != KK_OK)
        return rc;
    int f = kk_argon2_flavour_from_name((const char *)s.ptr, s.len);
    if (f < 0) {
        char shown[41];
        kk_escape(s.ptr, s.len, shown, sizeof shown);
        kk_fail(err, KK_ERR_UNSUPPORTED, "unknown key derivation '%s'", shown);
        kk_hint(err, "PuTTY writes Argon2id, Argon2i or Argon2d");
        return at_line(err, l, KK_ERR_UNSUPPORTED);
    }
    p->argon.flavour = (enum kk_argon2_flavour)f;
    if ((rc = number(l, "Argon2-Memory", &mem, err)) != KK_OK)
        return rc;
    if (mem > lim->max_argon2_memory)
        return at_line(err, l, cap_fail(err, "memory", mem, lim->max_argon2_memory,
                                         " KiB", "--max-argon2-memory"));
    if ((rc = number(l, "Argon2-Passes", &passes, err)) != KK_OK)
        return rc;
    if (passes > lim->max_argon2_passes)
        return at_line(err, l, cap_fail(err, "passes", passes, lim->max_argon2_passes,
                                         "", "--max-argon2-passes"));
    if ((rc = number(l, "Argon2-Parallelism", &par, err)) != KK_OK)
        return rc;
    if (par > lim->max_argon2_parallelism)
        return at_line(err, l, cap_fail(err, "parallelism", par,
                                         lim->max_argon2_parallelism, "",
                                         "--max-argon2-parallelism"));
    if (passes == 0 || par == 0 || mem < 8 * par) {
        kk_fail(err, KK_ERR_FORMAT, "impossible Argon2 parameters: memory %llu KiB, "
                "%llu passes, parallelism %llu", mem, passes, par);
        return at_line(err, l, KK_ERR_FORMAT);
    }
    p->argon.memory_kib = (uint32_t)mem;
    p->argon.passes = (uint32_t)passes;
    p->argon.parallelism = (uint32_t)par;
    if ((rc = hex(l, "Argon2-Salt", 0, KK_ARGON2_SALT_MAX, p->salt, &p->argon.salt_len,
                  err)) != KK_OK)
        return rc;
    if (p->argon.salt_len < KK_ARGON2_SALT_MIN) {
        kk_fail(err, KK_ERR_FORMAT, "the Argon2 salt is %zu bytes, less than %d",
                p->argon.salt_len, KK_ARGON2_SALT_MIN);
        return at_line(err, l, KK_ERR_FORMAT);
    }
    p->argon.salt = p->salt;
    return KK_OK;
}

static int read_first_line(struct lines *l, struct ppk *p, struct kk_error *err)
{
    struct kk_span line;
    const size_t m = sizeof MAGIC - 1;

    if (!next_line(l, &line) || line.len < m || memcmp(line.ptr, MAGIC, m) != 0) {
        kk_fail(err, KK_ERR_FORMAT, "not a PuTTY key file: no 'PuTTY-User-Key-File-' line");
        return at_line(err, l, KK_ERR_FORMAT);
    }
    size_t i = m;
    unsigned v = 0;
    while (i < line.len && isdigit(line.ptr[i]) && v < 1000)
        v = v * 10 + (unsigned)(line.ptr[i++] - '0');
    if (i == m || i >= line.len || line.ptr[i] != ':') {
        kk_fail(err, KK_ERR_FORMAT, "bad first line: expected 'PuTTY-User-Key-File-N: TYPE'");
        return at_line(err, l, KK_ERR_FORMAT);
    }
    if (v != 2 && v != 3) {
        kk_fail(err, KK_ERR_UNSUPPORTED, "PuTTY key file version %u is not supported", v);
        kk_hint(err, v < 2 ? "load and save it with a current puttygen"
                           : "save it as version 3 with puttygen --ppk-param version=3");
        return at_line(err, l, KK_ERR_UNSUPPORTED);
    }
    p->version = (int)v;
    /* Re-read through header() for one parsing rule for every line. */
    char name[sizeof MAGIC + 1];
    snprintf(name, sizeof name, "%s%u", MAGIC, v);
    l->pos = 0;
    l->lineno = 0;
    int rc = header(l, name, 0, &p->alg, err);
    if (rc != KK_OK)
        return rc;
    p->type = kk_key_type_from_ssh_name((const char *)p->alg.ptr, p->alg.len);
    if (p->type == KK_KEY_UNKNOWN) {
        char shown[41];
        kk_escape(p->alg.ptr, p->alg.len, shown, sizeof shown);
        kk_fail(err, KK_ERR_UNSUPPORTED, "unsupported key type '%s'", shown);
        return at_line(err, l, KK_ERR_UNSUPPORTED);
    }
    return KK_OK;
}

/* The text layer, every line in its place and nothing after the MAC. */
static int read_text(const uint8_t *in, size_t len, struct ppk *p,
                     const struct kk_limits *lim, struct kk_error *err)
{
    struct lines l = {.in = in, .len = len};
    int rc;

    if ((rc = read_first_line(&l, p, err)) != KK_OK ||
        (rc = header(&l, "Encryption", 0, &p->enc, err)) != KK_OK)
        return rc;
    if (span_is(p->enc, "aes256-cbc")) {
        p->encrypted = 1;
    } else if (!span_is(p->enc, "none")) {
        char shown[41];
        kk_escape(p->enc.ptr, p->enc.len, shown, sizeof shown);
        kk_fail(err, KK_ERR_UNSUPPORTED, "unknown encryption '%s'", shown);
        kk_hint(err, "PuTTY writes 'none' or 'aes256-cbc'");
        return at_line(err, &l, KK_ERR_UNSUPPORTED);
    }
    if ((rc = header(&l, "Comment", 1, &p->comment, err)) != KK_OK)
        return rc;
    if (memchr(p->comment.ptr, '\0', p->comment.len) != NULL) {
        kk_fail(err, KK_ERR_FORMAT, "the comment holds a NUL byte");
        return at_line(err, &l, KK_ERR_FORMAT);
    }
    if ((rc = base64_lines(&l, "Public", &p->pub, err)) != KK_OK)
        return rc;
    if (p->version == 3 && p->encrypted && (rc = read_kdf(&l, p, lim, err)) != KK_OK)
        return rc;
    p->priv_line = l.lineno + 1;
    if ((rc = base64_lines(&l, "Private", &p->priv, err)) != KK_OK ||
        (rc = hex(&l, "Private-MAC", p->version == 3 ? 32 : 20, 0, p->mac, &p->maclen,
                  err)) != KK_OK)
        return rc;
    for (size_t i = l.pos; i < len; i++) {
        if (!isspace(in[i])) {
            long line = kk_line_of(in, len, i);
            kk_fail(err, KK_ERR_TRAILING, "unexpected text after the Private-MAC line "
                    "(line %ld)", line);
            kk_hint(err, "keep one key per file");
            kk_error_at(err, line, (long)i);
            return KK_ERR_TRAILING;
        }
    }
    return KK_OK;
}

/* ---- keys and MAC -------------------------------------------------------- */

struct secrets {
    uint8_t cipher_key[KK_AES256_KEY_LEN];
    uint8_t iv[KK_AES_BLOCK];
    uint8_t mac_key[32];
    size_t mac_key_len;
};

static int derive(int version, int encrypted, const struct kk_argon2_params *argon,
                  const char *pass, size_t passlen, struct secrets *s,
                  struct kk_error *err)
{
    uint8_t km[V3_KEY_MATERIAL];
    int rc;

    memset(s, 0, sizeof *s);
    if (version == 2) {
        s->mac_key_len = KK_PPK2_MAC_KEY_LEN;
        return kk_kdf_ppk2_sha1(pass, passlen, encrypted ? s->cipher_key : NULL,
                                s->mac_key, err);
    }
    if (!encrypted)
        return KK_OK;              /* v3 unencrypted: an empty MAC key */
    rc = kk_kdf_argon2(argon, pass, passlen, km, sizeof km, err);
    if (rc == KK_OK) {
        memcpy(s->cipher_key, km, KK_AES256_KEY_LEN);
        memcpy(s->iv, km + KK_AES256_KEY_LEN, KK_AES_BLOCK);
        memcpy(s->mac_key, km + KK_AES256_KEY_LEN + KK_AES_BLOCK, 32);
        s->mac_key_len = 32;
    }
    OPENSSL_cleanse(km, sizeof km);
    return rc;
}

static int compute_mac(int version, const struct secrets *s, struct kk_span alg,
                       struct kk_span enc, struct kk_span comment, const struct kk_buf *pub,
                       const uint8_t *priv, size_t privlen, uint8_t out[KK_HMAC_MAX],
                       size_t *outlen, struct kk_error *err)
{
    struct kk_buf m;
    int rc;

    kk_buf_init(&m, 0);
    kk_buf_put_string(&m, alg.ptr, alg.len);
    kk_buf_put_string(&m, enc.ptr, enc.len);
    kk_buf_put_string(&m, comment.ptr, comment.len);
    kk_buf_put_string(&m, pub->data, pub->len);
    kk_buf_put_string(&m, priv, privlen);
    if (!kk_buf_ok(&m))
        rc = kk_fail(err, KK_ERR_NOMEM, NULL);
    else
        rc = kk_hmac(version == 3 ? "SHA256" : "SHA1", s->mac_key, s->mac_key_len,
                     m.data, m.len, out, outlen, err);
    kk_buf_free(&m);
    return rc;
}

/* ---- decode -------------------------------------------------------------- */

static int ppk_sniff_version(const uint8_t *in, size_t len)
{
    const size_t m = sizeof MAGIC - 1;

    if (len < m + 2 || memcmp(in, MAGIC, m) != 0)
        return -1;
    if (in[m + 1] != ':')
        return 0;
    return in[m] - '0';
}

static int ppk3_sniff(const uint8_t *in, size_t len)
{
    int v = ppk_sniff_version(in, len);
    return v < 0 || v == 2 ? KK_SNIFF_NO : KK_SNIFF_YES;
}

static int ppk2_sniff(const uint8_t *in, size_t len)
{
    return ppk_sniff_version(in, len) == 2 ? KK_SNIFF_YES : KK_SNIFF_NO;
}

static int open_private(const struct ppk *p, const struct kk_key *pubkey,
                        const struct kk_limits *lim, const struct kk_decode_opts *opts,
                        struct kk_key **out, struct kk_error *err)
{
    struct secrets s;
    struct kk_buf plain;
    struct kk_reader r;
    uint8_t mac[KK_HMAC_MAX];
    size_t maclen = 0;
    const char *pass = "";
    size_t passlen = 0;
    int rc;

    *out = NULL;
    kk_buf_init(&plain, 0);
    memset(&s, 0, sizeof s);
    if (p->encrypted && p->priv.len % KK_AES_BLOCK != 0) {
        rc = kk_fail(err, KK_ERR_FORMAT, "the encrypted private key is %zu bytes, not "
                     "a multiple of the cipher block size %d", p->priv.len, KK_AES_BLOCK);
        kk_error_at(err, p->priv_line, -1);
        goto out;
    }
    if (p->encrypted && (rc = kk_pass_get(opts != NULL ? opts->pass : NULL, &pass,
                                          &passlen, err)) != KK_OK)
        goto out;
    if ((rc = derive(p->version, p->encrypted, &p->argon, pass, passlen, &s, err)) != KK_OK)
        goto out;
    if (kk_buf_put(&plain, p->priv.data, p->priv.len) != 0) {
        rc = kk_fail(err, KK_ERR_NOMEM, NULL);
        goto out;
    }
    if (p->encrypted && (rc = kk_aes256_cbc(0, s.cipher_key, s.iv, plain.data, plain.len,
                                            plain.data, err)) != KK_OK)
        goto out;
    if ((rc = compute_mac(p->version, &s, p->alg, p->enc, p->comment, &p->pub, plain.data,
                          plain.len, mac, &maclen, err)) != KK_OK)
        goto out;
    if (maclen != p->maclen || !kk_ct_equal(mac, p->mac, maclen)) {
#ifndef KK_FUZZING
        if (p->encrypted) {
            rc = kk_fail(err, KK_ERR_WRONG_PASS, "wrong passphrase");
            kk_hint(err, "check the passphrase; if it is right, the file is corrupt");
        } else {
            rc = kk_fail(err, KK_ERR_CORRUPT, "MAC does not match: the file is corrupt "
                         "or was edited");
        }
        goto out;
#endif
    }
    kk_reader_init(&r, plain.data, plain.len);
    if ((rc = kk_wire_get_private_ppk(&r, pubkey, lim, out, err)) != KK_OK) {
        kk_error_at(err, p->priv_line, -1);
        goto out;
    }
    /* Only cipher padding may follow the fields. */
    if (kk_reader_left(&r) >= KK_AES_BLOCK) {
        rc = kk_fail(err, KK_ERR_TRAILING, "%zu bytes after the private key fields",
                     kk_reader_left(&r));
        kk_error_at(err, p->priv_line, -1);
        kk_key_free(*out);
        *out = NULL;
    }
out:
    OPENSSL_cleanse(&s, sizeof s);
    OPENSSL_cleanse(mac, sizeof mac);
    kk_buf_free(&plain);
    return rc;
}

static int ppk_decode(const uint8_t *in, size_t len, const struct kk_decode_opts *opts,
                      struct kk_key **out, struct kk_error *err)
{
    struct kk_limits defaults;
    const struct kk_limits *lim = kk_pub_limits(opts, &defaults);
    struct ppk p = {0};
    struct kk_key *pubkey = NULL, *key = NULL;
    int rc;

    *out = NULL;
    kk_buf_init(&p.pub, 0);
    kk_buf_init(&p.priv, 0);
    if (ppk_sniff_version(in, len) < 0) {
        rc = kk_fail(err, KK_ERR_FORMAT, "not a PuTTY key file: no "
                     "'PuTTY-User-Key-File-' line");
        kk_pub_hint_other(in, len, "ppk3", err);
        goto out;
    }
    if ((rc = read_text(in, len, &p, lim, err)) != KK_OK)
        goto out;
    if ((rc = kk_wire_parse_public(p.pub.data, p.pub.len, lim, &pubkey, err)) != KK_OK) {
        kk_error_at(err, 4, -1);
        goto out;
    }
    if (pubkey->type != p.type) {
        rc = kk_fail(err, KK_ERR_MISMATCH, "the public key is %s but the first line says "
                     "%s", kk_key_type_ssh_name(pubkey->type), kk_key_type_ssh_name(p.type));
        kk_error_at(err, 4, -1);
        goto out;
    }
    if ((rc = open_private(&p, pubkey, lim, opts, &key, err)) != KK_OK)
        goto out;
    if ((rc = kk_key_set_comment(key, (const char *)p.comment.ptr, p.comment.len,
                                 err)) != KK_OK)
        goto out;
    key->has_private = 1;
    key->was_encrypted = p.encrypted;
    *out = key;
    key = NULL;
out:
    if (rc != KK_OK)
        ERR_clear_error();
    kk_key_free(key);
    kk_key_free(pubkey);
    kk_buf_free(&p.pub);
    kk_buf_free(&p.priv);
    OPENSSL_cleanse(&p, sizeof p);
    return rc;
}

/* ---- encode -------------------------------------------------------------- */

static void put_line(struct kk_buf *out, const char *name, const char *value)
{
    kk_buf_put(out, name, strlen(name));
    kk_buf_put(out, ": ", 2);
    kk_buf_put(out, value, strlen(value));
    kk_buf_put_u8(out, '\n');
}

static void put_hex(struct kk_buf *out, const char *name, const uint8_t *v, size_t n)
{
    static const char digits[] = "0123456789abcdef";

    kk_buf_put(out, name, strlen(name));
    kk_buf_put(out, ": ", 2);
    for (size_t i = 0; i < n; i++) {
        kk_buf_put_u8(out, (uint8_t)digits[v[i] >> 4]);
        kk_buf_put_u8(out, (uint8_t)digits[v[i] & 15]);
    }
    kk_buf_put_u8(out, '\n');
}

static int put_lines(struct kk_buf *out, const char *name, const uint8_t *data,
                     size_t len)
{
    struct kk_buf b64;
    char hdr[48];
    int rc = KK_OK;

    kk_buf_init(&b64, 0);
    if (kk_base64_encode(data, len, &b64) != KK_OK) {
        kk_buf_free(&b64);
        return KK_ERR_NOMEM;
    }
    size_t n = (b64.len + WRAP - 1) / WRAP;
    snprintf(hdr, sizeof hdr, "%zu", n);
    put_line(out, name, hdr);
    for (size_t i = 0; i < b64.len; i += WRAP) {
        size_t w = b64.len - i < WRAP ? b64.len - i : WRAP;
        kk_buf_put(out, b64.data + i, w);
        kk_buf_put_u8(out, '\n');
    }
    if (!kk_buf_ok(out))
        rc = KK_ERR_NOMEM;
    kk_buf_free(&b64);
    return rc;
}

static int argon2_settings(const struct kk_encode_opts *opts, struct kk_argon2_params *a,
                           uint8_t salt[SALT_LEN], struct kk_error *err)
{
    const struct kk_limits lim = kk_limits_default();

    if (opts->argon2 != NULL) {
        *a = *opts->argon2;
    } else {
        *a = (struct kk_argon2_params){
            .flavour = KK_ARGON2ID,
            .memory_kib = DEFAULT_MEMORY,
            .passes = opts->rounds,
            .parallelism = 1,
        };
    }
    if (a->memory_kib == 0)
        a->memory_kib = DEFAULT_MEMORY;
    if (a->parallelism == 0)
        a->parallelism = 1;
    if (a->salt == NULL) {
        if (RAND_bytes(salt, SALT_LEN) != 1) {
            ERR_clear_error();
            return kk_fail(err, KK_ERR_CRYPTO, "the random generator failed");
        }
        a->salt = salt;
        a->salt_len = SALT_LEN;
    }
    if (a->passes == 0)
        return kk_kdf_argon2_calibrate(a, DEFAULT_TARGET_MS, lim.max_argon2_passes,
                                       &a->passes, err);
    return KK_OK;
}

/* PuTTY fills the last cipher block with the start of SHA-1 of the unpadded
 * blob; doing the same makes keykit's output byte-identical to puttygen's
 * for the same key, salt and parameters. */
static int pad_blob(struct kk_buf *priv, struct kk_error *err)
{
    uint8_t h[20];
    size_t npad = (KK_AES_BLOCK - priv->len % KK_AES_BLOCK) % KK_AES_BLOCK;

    if (npad == 0)
        return KK_OK;
    if (EVP_Digest(priv->data, priv->len, h, NULL, EVP_sha1(), NULL) != 1) {
        ERR_clear_error();
        return kk_fail(err, KK_ERR_CRYPTO, "SHA-1 failed");
    }
    kk_buf_put(priv, h, npad);
    OPENSSL_cleanse(h, sizeof h);
    return KK_OK;
}

static int ppk_encode_version(int version, const struct kk_key *key,
                              const struct kk_encode_opts *opts, struct kk_buf *out,
                              struct kk_error *err)
{
    static const struct kk_encode_opts none = {.passphrase = NULL};
    struct kk_buf pub, priv;
    struct kk_argon2_params argon = {.flavour = KK_ARGON2ID};
    uint8_t salt[SALT_LEN];
    uint8_t mac[KK_HMAC_MAX];
    size_t maclen = 0;
    struct secrets s;
    char num[24];
    int rc;

    if (opts == NULL)
        opts = &none;
    int encrypted = opts->passphrase != NULL;
    const char *alg = key != NULL ? kk_key_type_ssh_name(key->type) : NULL;
    const char *enc = encrypted ? "aes256-cbc" : "none";
    const char *comment = key != NULL && key->comment != NULL ? key->comment : "";

    memset(&s, 0, sizeof s);
    if (key == NULL || !key->has_private || key->pkey == NULL || alg == NULL) {
        kk_fail(err, KK_ERR_NOT_PRIVATE, "a PuTTY key file holds a private key, and "
                "this key has only its public half");
        kk_hint(err, "convert the private key instead, or write openssh-pub");
        return KK_ERR_NOT_PRIVATE;
    }
    if (opts->cipher != NULL && strcasecmp(opts->cipher, "aes256-cbc") != 0 &&
        strcasecmp(opts->cipher, "aes-256-cbc") != 0) {
        kk_fail(err, KK_ERR_USAGE, "PuTTY key files are encrypted with aes256-cbc only, "
                "not '%s'", opts->cipher);
        return KK_ERR_USAGE;
    }
    if (strpbrk(comment, "\r\n") != NULL) {
        kk_fail(err, KK_ERR_UNSUPPORTED, "the comment holds a line break, which a PuTTY "
                "key file cannot store");
        kk_hint(err, "set a one-line comment with -C");
        return KK_ERR_UNSUPPORTED;
    }
    kk_buf_init(&pub, 0);
    kk_buf_init(&priv, 0);
    if ((rc = kk_wire_put_public(key, &pub, err)) != KK_OK ||
        (rc = kk_wire_put_private_ppk(key, &priv, err)) != KK_OK)
        goto out;
    if (encrypted && ((rc = pad_blob(&priv, err)) != KK_OK ||
                      (version == 3 && (rc = argon2_settings(opts, &argon, salt, err)) != KK_OK)))
        goto out;
    if (!kk_buf_ok(&priv)) {
        rc = kk_fail(err, KK_ERR_NOMEM, NULL);
        goto out;
    }
    if ((rc = derive(version, encrypted, &argon, encrypted ? opts->passphrase : "",
                     encrypted ? opts->passlen : 0, &s, err)) != KK_OK)
        goto out;
    struct kk_span alg_s = {(const uint8_t *)alg, strlen(alg)};
    struct kk_span enc_s = {(const uint8_t *)enc, strlen(enc)};
    struct kk_span com_s = {(const uint8_t *)comment, strlen(comment)};
    if ((rc = compute_mac(version, &s, alg_s, enc_s, com_s, &pub, priv.data, priv.len, mac,
                          &maclen, err)) != KK_OK)
        goto out;
    if (encrypted && (rc = kk_aes256_cbc(1, s.cipher_key, s.iv, priv.data, priv.len,
                                         priv.data, err)) != KK_OK)
        goto out;

    snprintf(num, sizeof num, "%s%d", MAGIC, version);
    put_line(out, num, alg);
    put_line(out, "Encryption", enc);
    put_line(out, "Comment", comment);
    if ((rc = put_lines(out, "Public-Lines", pub.data, pub.len)) != KK_OK)
        goto nomem;
    if (version == 3 && encrypted) {
        put_line(out, "Key-Derivation", kk_argon2_flavour_name(argon.flavour));
        snprintf(num, sizeof num, "%u", (unsigned)argon.memory_kib);
        put_line(out, "Argon2-Memory", num);
        snprintf(num, sizeof num, "%u", (unsigned)argon.passes);
        put_line(out, "Argon2-Passes", num);
        snprintf(num, sizeof num, "%u", (unsigned)argon.parallelism);
        put_line(out, "Argon2-Parallelism", num);
        put_hex(out, "Argon2-Salt", argon.salt, argon.salt_len);
    }
    if ((rc = put_lines(out, "Private-Lines", priv.data, priv.len)) != KK_OK)
        goto nomem;
    put_hex(out, "Private-MAC", mac, maclen);
    if (kk_buf_ok(out))
        goto out;
nomem:
    rc = kk_fail(err, KK_ERR_NOMEM, "out of memory writing the key");
out:
    OPENSSL_cleanse(&s, sizeof s);
    kk_buf_free(&pub);
    kk_buf_free(&priv);
    return rc;
}

static int ppk3_encode(const struct kk_key *key, const struct kk_encode_opts *opts,
                       struct kk_buf *out, struct kk_error *err)
{
    return ppk_encode_version(3, key, opts, out, err);
}

static int ppk2_encode(const struct kk_key *key, const struct kk_encode_opts *opts,
                       struct kk_buf *out, struct kk_error *err)
{
    return ppk_encode_version(2, key, opts, out, err);
}

static int ppk_can_encode(const struct kk_key *key)
{
    return key != NULL && kk_key_type_ssh_name(key->type) != NULL;
}

const struct kk_format kk_fmt_ppk3 = {
    .name = "ppk3",
    .summary = "PuTTY private key, version 3 (Argon2), as puttygen 0.75+ writes",
    .extensions = ".ppk",
    .flags = KK_FMT_PRIVATE | KK_FMT_ENCRYPTABLE | KK_FMT_COMMENT,
    .sniff = ppk3_sniff,
    .decode = ppk_decode,
    .encode = ppk3_encode,
    .can_encode = ppk_can_encode,
};

const struct kk_format kk_fmt_ppk2 = {
    .name = "ppk2",
    .summary = "PuTTY private key, version 2, as PuTTY 0.52 to 0.74 write",
    .extensions = NULL,
    .flags = KK_FMT_PRIVATE | KK_FMT_ENCRYPTABLE | KK_FMT_COMMENT,
    .sniff = ppk2_sniff,
    .decode = ppk_decode,
    .encode = ppk2_encode,
    .can_encode = ppk_can_encode,
};
