/* A whole input: the file-level breakages (empty, BOM, UTF-16, private key,
 * RFC 4716 block, CRLF, wrapped lines, several keys), then each line in the
 * mode asked for: one key, authorized_keys, or user:key metadata. */
#include <stdlib.h>
#include <string.h>
#include "../formats/format.h"
#include "internal.h"

#define FIX_HINT " (keycheck --fix prints the repaired key)"

static int is_blank(uint8_t ch)
{
    return ch == ' ' || ch == '\t';
}

static int is_b64(uint8_t ch)
{
    return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
           (ch >= '0' && ch <= '9') || ch == '+' || ch == '/' || ch == '=';
}

/* A finding that --fix can repair (it leaves the file repairable). */
static void add_fixable(struct kc_ctx *c, const char *id, long line, long col,
                        const char *fix, const char *msg)
{
    const struct kc_rule *r = kc_rule_by_id(id);
    if (kc_add(c->f, id, r != NULL ? r->level : KC_ERROR, line, col, fix, "%s", msg) != 0)
        c->nomem = 1;
}

static void add_error(struct kc_ctx *c, const char *id, long line, long col,
                      const char *fix, const char *msg)
{
    add_fixable(c, id, line, col, fix, msg);
    c->f->repairable = 0;
}

static const uint8_t *find(const uint8_t *in, size_t len, const char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0; n <= len && i <= len - n; i++)
        if (in[i] == (uint8_t)s[0] && memcmp(in + i, s, n) == 0)
            return in + i;
    return NULL;
}

static long line_of(const uint8_t *in, const uint8_t *at)
{
    long line = 1;
    for (const uint8_t *p = in; p < at; p++)
        line += *p == '\n';
    return line;
}

/* A private key anywhere: stop, and never echo any of it. */
static int private_key(struct kc_ctx *c, const uint8_t *in, size_t len)
{
    static const char *const marks[] = {
        "PRIVATE KEY-----", "PuTTY-User-Key-File-", "SSH2 ENCRYPTED PRIVATE KEY",
    };
    for (size_t i = 0; i < sizeof marks / sizeof marks[0]; i++) {
        const uint8_t *at = find(in, len, marks[i]);
        if (at == NULL)
            continue;
        add_error(c, "private-key", line_of(in, at), 1,
                  "never share a private key; send the public key instead "
                  "(ssh-keygen -y -f KEY > KEY.pub)",
                  "this is a private key, not a public key");
        return 1;
    }
    return 0;
}

/* UTF-16 text: converted to bytes when every character is ASCII, so the key
 * inside can still be checked.  *out is malloc'd, or NULL if not UTF-16. */
static int utf16(struct kc_ctx *c, const uint8_t *in, size_t len, uint8_t **out,
                 size_t *olen)
{
    int le;
    size_t p = 0;

    *out = NULL;
    if (len >= 2 && in[0] == 0xFF && in[1] == 0xFE) {
        le = 1;
        p = 2;
    } else if (len >= 2 && in[0] == 0xFE && in[1] == 0xFF) {
        le = 0;
        p = 2;
    } else if (len >= 4 && in[0] != 0 && in[1] == 0 && in[2] != 0 && in[3] == 0) {
        le = 1;
    } else if (len >= 4 && in[0] == 0 && in[1] != 0 && in[2] == 0 && in[3] != 0) {
        le = 0;
    } else {
        return 0;
    }
    add_fixable(c, "utf16", 1, 1, "save the file as ASCII: iconv -f UTF-16 -t "
                "UTF-8 FILE" FIX_HINT, "the file is UTF-16 text; a key file must "
                "be ASCII");
    uint8_t *buf = malloc(len / 2 + 1);
    if (buf == NULL) {
        c->nomem = 1;
        return 1;
    }
    size_t n = 0;
    for (; len - p >= 2; p += 2) {
        unsigned hi = le ? in[p + 1] : in[p], lo = le ? in[p] : in[p + 1];
        if (hi != 0 || lo >= 0x80) {
            free(buf);
            c->f->repairable = 0;
            return 1;
        }
        buf[n++] = (uint8_t)lo;
    }
    *out = buf;
    *olen = n;
    return 1;
}

static int set_fixed(struct kc_ctx *c, const uint8_t *s, size_t n)
{
    if (!c->opts->want_fix)
        return 0;
    free(c->f->fixed);
    c->f->fixed = malloc(n + 2);
    if (c->f->fixed == NULL) {
        c->nomem = 1;
        return -1;
    }
    memcpy(c->f->fixed, s, n);
    c->f->fixed[n] = '\n';
    c->f->fixed[n + 1] = '\0';
    return 0;
}

/* An RFC 4716 block: decoded by keykit's reader, then checked as the one
 * line it becomes. */
static void rfc4716(struct kc_ctx *c, const uint8_t *in, size_t len,
                    const uint8_t *at)
{
    struct kk_limits lim = kk_limits_default();
    struct kk_decode_opts dopts = { .limits = &lim };
    struct kk_encode_opts eopts = { .passphrase = NULL };
    struct kk_key *key = NULL;
    struct kk_error err;
    struct kk_buf line;
    long lineno = line_of(in, at);

    add_fixable(c, "rfc4716-block", lineno, 1,
                "convert it to one line: ssh-keygen -i -f FILE" FIX_HINT,
                "an RFC 4716 'SSH2 PUBLIC KEY' block where a one-line OpenSSH "
                "key is expected");
    lim.rsa_min_bits = 1;     /* a small key is a finding, found below */
    kk_buf_init(&line, 0);
    kk_error_clear(&err);
    if (kk_fmt_rfc4716.decode(in, len, &dopts, &key, &err) != KK_OK ||
        kk_fmt_openssh_pub.encode(key, &eopts, &line, &err) != KK_OK) {
        char msg[KK_MSG_MAX];
        snprintf(msg, sizeof msg, "the SSH2 PUBLIC KEY block cannot be read: %.200s",
                 err.msg);
        if (err.code == KK_ERR_NOMEM)
            c->nomem = 1;
        else
            add_error(c, "rfc4716-block", err.line > 0 ? err.line : lineno, 1,
                      "take the key again from its source", msg);
        goto out;
    }
    size_t n = line.len;
    while (n > 0 && (line.data[n - 1] == '\n' || line.data[n - 1] == ' '))
        n--;
    kc_keyline(c, line.data, 0, 0, n, lineno);
    if (c->f->repairable)
        set_fixed(c, line.data, n);
out:
    kk_key_free(key);
    kk_buf_free(&line);
}

/* The first word is an options field followed by a key type: returns the
 * type's offset, or 0. */
static size_t options_then_type(const uint8_t *in, size_t s, size_t e)
{
    int quoted = 0;
    size_t p = s;

    while (p < e && (quoted || !is_blank(in[p]))) {
        if (in[p] == '"')
            quoted = !quoted;
        else if (in[p] == '\\' && quoted && e - p > 1)
            p++;
        p++;
    }
    while (p < e && is_blank(in[p]))
        p++;
    size_t t = p;
    while (p < e && !is_blank(in[p]))
        p++;
    return t < e && t > s && kc_known_type(in + t, p - t) ? t : 0;
}

static size_t word_end(const uint8_t *in, size_t p, size_t e)
{
    while (p < e && !is_blank(in[p]))
        p++;
    return p;
}

static int all_b64(const uint8_t *in, size_t s, size_t e)
{
    for (size_t i = s; i < e; i++)
        if (!is_b64(in[i]))
            return 0;
    return e > s;
}

/* A piece of a wrapped key: base64 with '=' only at its end. */
static int b64_piece(const uint8_t *in, size_t s, size_t e)
{
    size_t p = s;
    while (p < e && is_b64(in[p]) && in[p] != '=')
        p++;
    while (p < e && in[p] == '=')
        p++;
    return p == e && e - s >= 8;
}

/* "user:" before the key (Google Cloud and Yandex Cloud metadata); returns
 * where the key starts. */
static size_t metadata_user(struct kc_ctx *c, const uint8_t *in, size_t ls,
                            size_t s, size_t e, long line, int required)
{
    size_t w = word_end(in, s, e);
    const uint8_t *colon = memchr(in + s, ':', w - s);

    if (colon == NULL) {
        if (required)
            add_error(c, "metadata-no-user", line, kc_col(ls, s),
                      "write it as USERNAME:ssh-ed25519 AAAA... USERNAME",
                      "the metadata line has no 'user:' before the key");
        return s;
    }
    size_t u1 = (size_t)(colon - in);
    int ok = u1 > s && u1 - s <= 32 &&
             ((in[s] >= 'a' && in[s] <= 'z') || in[s] == '_');
    for (size_t i = s; ok && i < u1; i++)
        ok = (in[i] >= 'a' && in[i] <= 'z') || (in[i] >= '0' && in[i] <= '9') ||
             in[i] == '_' || in[i] == '-' || in[i] == '.';
    if (!ok) {
        char shown[80], msg[KK_MSG_MAX];
        kk_escape(in + s, u1 - s, shown, sizeof shown);
        snprintf(msg, sizeof msg, "'%s' is not a valid user name", shown);
        add_error(c, "metadata-bad-user", line, kc_col(ls, s),
                  "use a lower-case user name of letters, digits, '_', '-' and '.'",
                  msg);
    }
    return u1 + 1;
}

struct span_line {
    size_t ls, s, e, end;    /* line start, trimmed content, end before CR/LF */
    long no;
};

/* Wrapped key in a single-key file: the key line's base64 ends the line and
 * the next lines are base64 too.  Returns how many lines follow. */
static size_t wrapped(const uint8_t *in, const struct span_line *L, size_t nl,
                      size_t i)
{
    const struct span_line *k = &L[i];
    size_t te = word_end(in, k->s, k->e);
    size_t b0 = te;
    while (b0 < k->e && is_blank(in[b0]))
        b0++;
    if (word_end(in, b0, k->e) != k->e)
        return 0;          /* a comment follows: the line is complete */
    size_t n = 0;
    for (size_t j = i + 1; j < nl; j++) {
        size_t w = word_end(in, L[j].s, L[j].e);
        if (!all_b64(in, L[j].s, w) || kc_known_type(in + L[j].s, w - L[j].s))
            break;
        n++;
        if (w != L[j].e)
            break;         /* the comment after the last piece */
    }
    return n;
}

/* Joins a wrapped key into one line and checks it. */
static void check_joined(struct kc_ctx *c, const uint8_t *in,
                         const struct span_line *L, size_t i, size_t n)
{
    size_t total = 0;
    for (size_t j = i; j <= i + n; j++)
        total += L[j].e - L[j].s;
    uint8_t *buf = malloc(total + 1);
    if (buf == NULL) {
        c->nomem = 1;
        return;
    }
    size_t o = 0;
    for (size_t j = i; j <= i + n; j++) {
        memcpy(buf + o, in + L[j].s, L[j].e - L[j].s);
        o += L[j].e - L[j].s;
    }
    char msg[KK_MSG_MAX];
    snprintf(msg, sizeof msg, "the key is wrapped over %zu lines (lines %ld-%ld)",
             n + 1, L[i].no, L[i + n].no);
    add_fixable(c, "wrapped-key", L[i + 1].no, 1,
                "join the lines into one line" FIX_HINT, msg);
    kc_keyline(c, buf, 0, 0, o, L[i].no);
    if (c->f->repairable)
        set_fixed(c, buf, o);
    free(buf);
}

static int split_lines(struct kc_ctx *c, const uint8_t *in, size_t len,
                       struct span_line **out, size_t *nout)
{
    size_t cap = 16, n = 0, pos = 0;
    struct span_line *L = malloc(cap * sizeof *L);
    long no = 0;
    int crlf_said = 0;

    *out = NULL;
    if (L == NULL)
        return -1;
    while (pos < len) {
        const uint8_t *nl = memchr(in + pos, '\n', len - pos);
        size_t end = nl != NULL ? (size_t)(nl - in) : len;
        size_t ls = pos, e = end;
        pos = nl != NULL ? end + 1 : len;
        no++;
        if (e > ls && in[e - 1] == '\r') {
            e--;
            if (!crlf_said) {
                crlf_said = 1;
                add_fixable(c, "crlf", no, kc_col(ls, e),
                            "convert the line endings: dos2unix FILE" FIX_HINT,
                            "the line ends with CR LF (Windows line endings)");
            }
        }
        size_t s = ls, te = e;
        while (s < e && is_blank(in[s]))
            s++;
        while (te > s && is_blank(in[te - 1]))
            te--;
        if (te < e && te > s)
            add_fixable(c, "trailing-whitespace", no, kc_col(ls, te),
                        "remove the blanks at the end of the line",
                        "whitespace at the end of the line");
        if (n == cap) {
            struct span_line *p = realloc(L, cap * 2 * sizeof *L);
            if (p == NULL) {
                free(L);
                return -1;
            }
            L = p;
            cap *= 2;
        }
        L[n++] = (struct span_line){ .ls = ls, .s = s, .e = te, .end = e, .no = no };
    }
    *out = L;
    *nout = n;
    return 0;
}

static void single(struct kc_ctx *c, const uint8_t *in, struct span_line *L,
                   size_t nl)
{
    long first = 0;

    for (size_t i = 0; i < nl; i++) {
        struct span_line *l = &L[i];
        if (l->s == l->e || in[l->s] == '#')
            continue;
        size_t w = word_end(in, l->s, l->e);
        size_t t = kc_known_type(in + l->s, w - l->s) ? l->s
                   : options_then_type(in, l->s, l->e);
        size_t s = l->s;
        if (first != 0) {
            char msg[KK_MSG_MAX];
            if (t == 0 && all_b64(in, l->s, w)) {
                snprintf(msg, sizeof msg, "this line continues the key on line "
                         "%ld: the key is wrapped", first);
                add_error(c, "wrapped-key", l->no, 1, "join the lines into one line", msg);
                continue;
            }
            snprintf(msg, sizeof msg, "more than one key in the file (the first "
                     "is on line %ld)", first);
            add_error(c, "multiple-keys", l->no, kc_col(l->ls, l->s),
                      "keep one key per file, or check the file with "
                      "--authorized-keys", msg);
        } else {
            first = l->no;
        }
        if (c->prof->metadata && t == 0) {
            s = metadata_user(c, in, l->ls, l->s, l->e, l->no, 0);
        } else if (t > l->s) {
            char shown[80], fix[KK_MSG_MAX];
            kk_escape(in + t, word_end(in, t, l->e) - t, shown, sizeof shown);
            snprintf(fix, sizeof fix, "remove everything before '%s', or check "
                     "the file with --authorized-keys", shown);
            add_error(c, "options-in-key-file", l->no, kc_col(l->ls, l->s), fix,
                      "the key line starts with authorized_keys options");
            s = t;
        }
        size_t nw = s == l->s ? wrapped(in, L, nl, i) : 0;
        if (nw > 0) {
            check_joined(c, in, L, i, nw);
            i += nw;
            continue;
        }
        kc_keyline(c, in, l->ls, s, l->e, l->no);
        if (c->f->repairable && first == l->no)
            set_fixed(c, in + s, l->e - s);
    }
    if (first == 0 && c->f->nfindings == 0)
        add_error(c, "empty-file", 0, 0, "put the one-line public key in the file "
                  "(the .pub file ssh-keygen wrote)", "the file holds no key");
}

static void authorized(struct kc_ctx *c, const uint8_t *in, struct span_line *L,
                       size_t nl)
{
    long prev_key = 0;

    for (size_t i = 0; i < nl; i++) {
        struct span_line *l = &L[i];
        if (l->s == l->e || in[l->s] == '#')
            continue;
        size_t s = l->s;
        if (c->opts->mode == KC_MODE_METADATA || c->prof->metadata)
            s = metadata_user(c, in, l->ls, s, l->e,
                              l->no, c->opts->mode == KC_MODE_METADATA);
        size_t w = word_end(in, s, l->e);
        if (!kc_known_type(in + s, w - s)) {
            int optionish = options_then_type(in, s, l->e) != 0 ||
                            memchr(in + s, '=', w - s) != NULL ||
                            memchr(in + s, ',', w - s) != NULL ||
                            kc_is_option(in + s, w - s);
            if (prev_key != 0 && b64_piece(in, s, w) && !kc_is_option(in + s, w - s)) {
                char msg[KK_MSG_MAX];
                snprintf(msg, sizeof msg, "this line continues the key on line "
                         "%ld: the key is wrapped", prev_key);
                add_error(c, "wrapped-key", l->no, 1, "join the lines into one line",
                          msg);
                continue;
            }
            if (optionish && c->opts->mode == KC_MODE_AUTHORIZED) {
                s = kc_options(c, in, l->ls, s, l->e, l->no);
                while (s < l->e && is_blank(in[s]))
                    s++;
                if (s >= l->e) {
                    add_error(c, "missing-key", l->no, kc_col(l->ls, l->e),
                              "put the key after the options",
                              "the options are not followed by a key");
                    continue;
                }
            }
        }
        if (kc_keyline(c, in, l->ls, s, l->e, l->no))
            prev_key = l->no;
    }
}

int kc_check_buffer(const uint8_t *in, size_t len, const struct kc_opts *opts,
                    struct kc_file *f, struct kk_error *err)
{
    struct kc_ctx c = { .opts = opts, .f = f };
    struct span_line *L = NULL;
    uint8_t *converted = NULL;
    size_t nl = 0;
    int rc = KK_OK;

    c.prof = opts->profile != NULL ? opts->profile : kc_profiles[0];
    kk_buf_init(&c.blob, 0);
    if (len == 0) {
        add_error(&c, "empty-file", 0, 0, "put the one-line public key in the "
                  "file (the .pub file ssh-keygen wrote)", "the file is empty");
        goto out;
    }
    size_t clen;
    if (utf16(&c, in, len, &converted, &clen)) {
        if (converted == NULL)
            goto out;
        in = converted;
        len = clen;
    } else if (len >= 3 && in[0] == 0xEF && in[1] == 0xBB && in[2] == 0xBF) {
        add_fixable(&c, "bom", 1, 1, "save the file without a byte-order mark" FIX_HINT,
                    "the file starts with a UTF-8 byte-order mark");
        in += 3;
        len -= 3;
    }
    if (private_key(&c, in, len))
        goto out;
    const uint8_t *block = find(in, len, "---- BEGIN SSH2 PUBLIC KEY ----");
    if (block != NULL && opts->mode == KC_MODE_SINGLE) {
        rfc4716(&c, in, len, block);
        goto out;
    }
    if (split_lines(&c, in, len, &L, &nl) != 0) {
        c.nomem = 1;
        goto out;
    }
    if (opts->mode == KC_MODE_SINGLE) {
        single(&c, in, L, nl);
    } else {
        if (block != NULL)
            add_error(&c, "rfc4716-block", line_of(in, block), 1,
                      "convert it to one line: ssh-keygen -i -f FILE",
                      "an RFC 4716 'SSH2 PUBLIC KEY' block where one-line keys "
                      "are expected");
        authorized(&c, in, L, nl);
        if (len > 0 && in[len - 1] != '\n' && nl > 0)
            add_fixable(&c, "missing-final-newline", L[nl - 1].no,
                        kc_col(L[nl - 1].ls, len),
                        "end the file with a newline", "the last line has no "
                        "newline: a key appended later joins this line");
    }
out:
    if (c.nomem)
        rc = kk_fail(err, KK_ERR_NOMEM, "out of memory checking the keys");
    kc_file_sort(f);
    if (!f->repairable) {
        /* --fix repairs breakages only, and never a weak or broken key. */
        free(f->fixed);
        f->fixed = NULL;
    }
    free(L);
    free(converted);
    kk_buf_free(&c.blob);
    return rc;
}
