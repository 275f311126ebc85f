/* openssh-pub: the one-line OpenSSH public key, "TYPE BASE64 [COMMENT]". */
#include <string.h>
#include "../core/base64.h"
#include "../core/sshwire.h"
#include "pub_common.h"

#define TYPE_SHOWN_MAX 64   /* bytes of an unknown type word put in a message */

static int is_blank(uint8_t c)
{
    return c == ' ' || c == '\t';
}

static int is_space(uint8_t c)
{
    return is_blank(c) || c == '\r' || c == '\n';
}

/* Control characters other than tab, which a comment must not hold: they
 * would end the line or act on the terminal that shows the comment. */
static int is_control(uint8_t c)
{
    return (c < 0x20 && c != '\t') || c == 0x7f;
}

static int ends_with(const uint8_t *s, size_t n, const char *suffix)
{
    size_t sl = strlen(suffix);
    return n >= sl && memcmp(s + n - sl, suffix, sl) == 0;
}

/* Security-key and certificate types: real OpenSSH types keykit cannot hold. */
static int is_unsupported_type(const uint8_t *s, size_t n)
{
    return (n > 3 && memcmp(s, "sk-", 3) == 0) || ends_with(s, n, "@openssh.com");
}

static int is_known_type(const uint8_t *s, size_t n)
{
    return kk_key_type_from_ssh_name((const char *)s, n) != KK_KEY_UNKNOWN;
}

/* A word shaped like an SSH algorithm name ("foo-bar@example.com"). */
static int looks_like_type(const uint8_t *s, size_t n)
{
    int dash = 0;

    if (n == 0 || n > TYPE_SHOWN_MAX)
        return 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t c = s[i];
        if (c == '-')
            dash = 1;
        else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                   c == '@' || c == '.' || c == '_'))
            return 0;
    }
    return dash;
}

/* End of the word starting at p (stops at a blank or end). */
static size_t word_end(const uint8_t *in, size_t p, size_t end)
{
    while (p < end && !is_blank(in[p]))
        p++;
    return p;
}

static size_t skip_blanks(const uint8_t *in, size_t p, size_t end)
{
    while (p < end && is_blank(in[p]))
        p++;
    return p;
}

/* authorized_keys puts comma-separated options, whose quoted values may hold
 * blanks, before the type.  Returns the start of the type word that follows
 * such an options field, or 0 if the line does not have that shape. */
static size_t type_after_options(const uint8_t *in, size_t p, size_t end)
{
    int quoted = 0;

    while (p < end && (quoted || !is_blank(in[p]))) {
        if (in[p] == '"')
            quoted = !quoted;
        else if (in[p] == '\\' && quoted && end - p > 1)
            p++;
        p++;
    }
    if (quoted)
        return 0;
    size_t t = skip_blanks(in, p, end);
    size_t te = word_end(in, t, end);
    if (t == end || te == end)
        return 0;
    if (!is_known_type(in + t, te - t) && !is_unsupported_type(in + t, te - t))
        return 0;
    return t;
}

static void locate(struct kk_error *err, long line, size_t offset)
{
    err->line = line;
    err->offset = (long)offset;
}

static int sniff(const uint8_t *in, size_t len)
{
    size_t p = 0;

    while (p < len && is_space(in[p]))
        p++;
    size_t end = p;
    while (end < len && in[end] != '\n')
        end++;
    size_t w = word_end(in, p, end);
    if (w == p || w == end)
        return KK_SNIFF_NO;
    if (is_known_type(in + p, w - p))
        return KK_SNIFF_YES;
    if (is_unsupported_type(in + p, w - p))
        return KK_SNIFF_MAYBE;
    /* Let an authorized_keys line reach decode, which explains the fix. */
    if (type_after_options(in, p, end) != 0)
        return KK_SNIFF_MAYBE;
    return KK_SNIFF_NO;
}

/* Explains why the first word of a line is not a supported key type. */
static int bad_type_word(const uint8_t *in, size_t len, size_t start,
                         size_t end, long lineno, struct kk_error *err)
{
    size_t w = word_end(in, start, end);
    char shown[TYPE_SHOWN_MAX + 1];
    size_t t;
    int rc;

    kk_escape(in + start, w - start, shown, sizeof shown);
    if ((t = type_after_options(in, start, end)) != 0) {
        kk_escape(in + t, word_end(in, t, end) - t, shown, sizeof shown);
        rc = kk_fail(err, KK_ERR_FORMAT,
                     "the key line starts with options, as in authorized_keys "
                     "(line %ld)", lineno);
        kk_hint(err, "remove everything before '%s'", shown);
    } else if (is_unsupported_type(in + start, w - start)) {
        rc = kk_fail(err, KK_ERR_UNSUPPORTED, "%s keys are not supported yet",
                     shown);
    } else if (w < end && looks_like_type(in + start, w - start)) {
        rc = kk_fail(err, KK_ERR_FORMAT, "unknown key type '%s'", shown);
        kk_hint(err, "supported types: ssh-rsa, ssh-dss, ecdsa-sha2-nistp256, "
                "ecdsa-sha2-nistp384, ecdsa-sha2-nistp521, ssh-ed25519, "
                "ssh-ed448");
    } else {
        rc = kk_fail(err, KK_ERR_FORMAT,
                     "not an OpenSSH public key: expected 'TYPE BASE64 "
                     "[COMMENT]' (line %ld)", lineno);
        kk_pub_hint_other(in, len, "openssh-pub", err);
    }
    locate(err, lineno, start);
    return rc;
}

/* Rewrites a base64 failure so that it points into the input text. */
static int bad_base64(struct kk_error *err, long lineno, size_t line_start,
                      size_t b64_start)
{
    char inner[KK_MSG_MAX];
    enum kk_code code = err->code != KK_OK ? err->code : KK_ERR_FORMAT;
    size_t at = b64_start + (err->offset > 0 ? (size_t)err->offset : 0);

    memcpy(inner, err->msg, sizeof inner);
    inner[sizeof inner - 1] = '\0';
    kk_fail(err, code, "bad base64 in the key at column %zu: %.160s",
            at - line_start + 1, inner);
    locate(err, lineno, at);
    return code;
}

/* Parses the key line [start, end), already trimmed of surrounding blanks. */
static int parse_line(const uint8_t *in, size_t len, size_t line_start,
                      size_t start, size_t end, long lineno,
                      const struct kk_limits *lim, struct kk_key **out,
                      struct kk_error *err)
{
    struct kk_buf blob;
    struct kk_key *key = NULL;
    int rc;

    kk_buf_init(&blob, 0);
    size_t te = word_end(in, start, end);
    if (!is_known_type(in + start, te - start)) {
        rc = bad_type_word(in, len, start, end, lineno, err);
        goto out;
    }
    size_t b0 = skip_blanks(in, te, end);
    size_t b1 = word_end(in, b0, end);
    if (b0 == b1) {
        rc = kk_fail(err, KK_ERR_FORMAT, "missing the base64 key after '%.*s'",
                     (int)(te - start), (const char *)in + start);
        locate(err, lineno, te);
        goto out;
    }
    rc = kk_base64_decode((const char *)in + b0, b1 - b0, 0, &blob, err);
    if (rc != KK_OK) {
        rc = bad_base64(err, lineno, line_start, b0);
        goto out;
    }

    struct kk_reader r;
    kk_reader_init(&r, blob.data, blob.len);
    struct kk_span bt = kk_get_string(&r);
    if (kk_reader_ok(&r) &&
        (bt.len != te - start || memcmp(bt.ptr, in + start, bt.len) != 0)) {
        char shown[TYPE_SHOWN_MAX + 1];
        kk_escape(bt.ptr, bt.len, shown, sizeof shown);
        rc = kk_fail(err, KK_ERR_FORMAT,
                     "key type '%.*s' does not match the blob's type '%s'",
                     (int)(te - start), (const char *)in + start, shown);
        kk_hint(err, "the line was edited or pieced together from two keys; "
                "take it again from the original key");
        locate(err, lineno, start);
        goto out;
    }
    rc = kk_wire_parse_public(blob.data, blob.len, lim, &key, err);
    if (rc != KK_OK) {
        locate(err, lineno, b0);
        goto out;
    }

    size_t c0 = skip_blanks(in, b1, end);
    for (size_t i = c0; i < end; i++) {
        if (is_control(in[i])) {
            rc = kk_fail(err, KK_ERR_FORMAT, "the comment holds a control "
                         "character at column %zu (line %ld)",
                         i - line_start + 1, lineno);
            kk_hint(err, "edit the comment to plain text");
            locate(err, lineno, i);
            goto out;
        }
    }
    rc = kk_key_set_comment(key, (const char *)in + c0, end - c0, err);
    if (rc != KK_OK)
        goto out;
    *out = key;
    key = NULL;
out:
    kk_key_free(key);
    kk_buf_free(&blob);
    return rc;
}

static int decode(const uint8_t *in, size_t len,
                  const struct kk_decode_opts *opts, struct kk_key **out,
                  struct kk_error *err)
{
    struct kk_limits defaults;
    const struct kk_limits *lim = kk_pub_limits(opts, &defaults);
    struct kk_key *key = NULL;
    size_t pos = 0;
    long lineno = 0;
    int rc = KK_OK;

    *out = NULL;
    while (pos < len) {
        size_t line_start = pos;
        const uint8_t *nl = memchr(in + pos, '\n', len - pos);
        size_t next = nl != NULL ? (size_t)(nl - in) + 1 : len;
        size_t start = pos, end = nl != NULL ? (size_t)(nl - in) : len;
        lineno++;
        pos = next;
        while (start < end && is_space(in[start]))
            start++;
        while (end > start && is_space(in[end - 1]))
            end--;
        if (start == end)
            continue;
        if (key != NULL) {
            size_t w = word_end(in, start, end);
            if (is_known_type(in + start, w - start) ||
                is_unsupported_type(in + start, w - start) ||
                type_after_options(in, start, end) != 0) {
                rc = kk_fail(err, KK_ERR_FORMAT, "more than one key (line %ld)",
                             lineno);
                kk_hint(err, "keep one key per file");
            } else {
                rc = kk_fail(err, KK_ERR_TRAILING,
                             "unexpected text after the key (line %ld)", lineno);
                kk_hint(err, "remove the lines after the key");
            }
            locate(err, lineno, start);
            goto out;
        }
        rc = parse_line(in, len, line_start, start, end, lineno, lim, &key, err);
        if (rc != KK_OK)
            goto out;
    }
    if (key == NULL) {
        rc = kk_fail(err, KK_ERR_FORMAT,
                     "not an OpenSSH public key: the input holds no key line");
        goto out;
    }
    *out = key;
    key = NULL;
out:
    kk_key_free(key);
    return rc;
}

static int can_encode(const struct kk_key *key)
{
    return kk_key_type_ssh_name(key->type) != NULL;
}

static int encode(const struct kk_key *key, const struct kk_encode_opts *opts,
                  struct kk_buf *out, struct kk_error *err)
{
    const char *name = kk_key_type_ssh_name(key->type);
    const char *c = key->comment != NULL ? key->comment : "";
    size_t start = out->len;
    struct kk_buf blob;
    int rc;

    (void)opts;
    kk_buf_init(&blob, 0);
    if (name == NULL) {
        rc = kk_fail(err, KK_ERR_UNSUPPORTED, "this key type has no SSH name");
        goto out;
    }
    size_t c0 = 0, c1 = strlen(c);
    for (size_t i = 0; i < c1; i++) {
        if (is_control((uint8_t)c[i])) {
            rc = kk_fail(err, KK_ERR_UNSUPPORTED,
                         "the comment holds a control character, which a "
                         "one-line public key cannot hold");
            kk_hint(err, "set a comment of plain text");
            goto out;
        }
    }
    while (c0 < c1 && is_blank((uint8_t)c[c0]))
        c0++;
    while (c1 > c0 && is_blank((uint8_t)c[c1 - 1]))
        c1--;
    rc = kk_wire_put_public(key, &blob, err);
    if (rc != KK_OK)
        goto out;
    if (kk_buf_put(out, name, strlen(name)) != 0 || kk_buf_put_u8(out, ' ') != 0 ||
        kk_base64_encode(blob.data, blob.len, out) != 0 ||
        (c1 > c0 && (kk_buf_put_u8(out, ' ') != 0 ||
                     kk_buf_put(out, c + c0, c1 - c0) != 0)) ||
        kk_buf_put_u8(out, '\n') != 0) {
        rc = kk_fail(err, KK_ERR_NOMEM, "out of memory writing the public key");
        goto out;
    }
    rc = KK_OK;
out:
    if (rc != KK_OK && out->len > start)
        out->len = start;     /* nothing half-written; a public key is no secret */
    kk_buf_free(&blob);
    return rc;
}

const struct kk_format kk_fmt_openssh_pub = {
    .name = "openssh-pub",
    .summary = "OpenSSH one-line public key (TYPE BASE64 COMMENT)",
    .extensions = ".pub",
    .flags = KK_FMT_PUBLIC | KK_FMT_COMMENT,
    .sniff = sniff,
    .decode = decode,
    .encode = encode,
    .can_encode = can_encode,
};
