/* A whole input: the file-level breakages (empty, BOM, UTF-16, private key,
 * RFC 4716 block, CRLF, wrapped lines, several keys), then each line in the
 * mode asked for: one key, authorized_keys, or user:key metadata. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include "../formats/format.h"
#include "internal.h"

#define FIX_HINT " (keycheck --fix prints the repaired key)"
#define BEGIN_SSH2 "---- BEGIN SSH2 PUBLIC KEY ----"
#define END_SSH2 "---- END SSH2 PUBLIC KEY ----"

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
    else
        c->f->findings[c->f->nfindings - 1].fixable = 1;
}

static void add_error(struct kc_ctx *c, const char *id, long line, long col,
                      const char *fix, const char *msg)
{
    const struct kc_rule *r = kc_rule_by_id(id);
    if (kc_add(c->f, id, r != NULL ? r->level : KC_ERROR, line, col, fix, "%s", msg) != 0)
        c->nomem = 1;
    c->f->repairable = 0;
}

/* ---- --fix outside single-key mode: the repaired text, record by record */

static void record(struct kc_ctx *c, long first, long last, const uint8_t *text,
                   size_t n, int bad)
{
    struct kc_file *f = c->f;

    if (!c->opts->want_fix || c->opts->mode == KC_MODE_SINGLE)
        return;
    if (f->nrecs == f->caprecs) {
        size_t cap = f->caprecs ? f->caprecs * 2 : 64;
        struct kc_fixrec *p = realloc(f->recs, cap * sizeof *p);
        if (p == NULL) {
            c->nomem = 1;
            return;
        }
        f->recs = p;
        f->caprecs = cap;
    }
    if (f->fixtext_cap - f->fixtext_len < n + 1) {
        size_t cap = f->fixtext_cap ? f->fixtext_cap : 4096;
        while (cap - f->fixtext_len < n + 1)
            cap *= 2;
        char *p = realloc(f->fixtext, cap);
        if (p == NULL) {
            c->nomem = 1;
            return;
        }
        f->fixtext = p;
        f->fixtext_cap = cap;
    }
    /* A kept line (only a comment line can hold one) ends at its first NUL
     * byte, as sshd reads it.  Kept, NULs could make the repaired text look
     * like UTF-16 once the lines before it are left out; dropped, the bytes
     * around them could join into a private-key marker.  A prefix of a line
     * that checked clean holds neither (both found by fuzz_authorized_keys). */
    size_t kept = 0;
    if (!bad && n > 0) {
        const uint8_t *nul = memchr(text, 0, n);
        kept = nul != NULL ? (size_t)(nul - text) : n;
        memcpy(f->fixtext + f->fixtext_len, text, kept);
    }
    /* Nor may it end in CR (with blanks after it the line did not end in
     * CR LF; with its newline the repaired one would). */
    while (kept > 0 && (f->fixtext[f->fixtext_len + kept - 1] == '\r' ||
                        is_blank((uint8_t)f->fixtext[f->fixtext_len + kept - 1])))
        kept--;
    f->recs[f->nrecs++] = (struct kc_fixrec){ .first = first, .last = last,
        .off = f->fixtext_len, .len = bad ? 0 : kept + 1, .bad = bad };
    if (!bad) {
        f->fixtext[f->fixtext_len + kept] = '\n';
        f->fixtext_len += kept + 1;
    }
}

static const uint8_t *find(const uint8_t *in, size_t len, const char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0; n <= len && i <= len - n; i++)
        if (in[i] == (uint8_t)s[0] && memcmp(in + i, s, n) == 0)
            return in + i;
    return NULL;
}

/* The first line that starts with s: text inside a comment is not a block. */
static const uint8_t *find_line(const uint8_t *in, size_t len, const char *s)
{
    const uint8_t *at = in, *end = in + len;

    while ((at = find(at, (size_t)(end - at), s)) != NULL) {
        if (at == in || at[-1] == '\n')
            return at;
        at++;
    }
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
    c->f->fixed_len = n + 1;
    return 0;
}

/* An RFC 4716 block: decoded by keykit's reader, then checked as the one
 * line it becomes, at the BEGIN line.  [in, in + len) starts at or before
 * the block; err.line from the reader counts from line_base + 1.  The
 * one-line key goes to *line (type, base64, comment; no newline); returns
 * 0 if the block could not be read. */
static int rfc4716(struct kc_ctx *c, const uint8_t *in, size_t len, long lineno,
                   long line_base, const char *msg, struct kk_buf *line, size_t *n)
{
    struct kk_limits lim = kk_limits_default();
    struct kk_decode_opts dopts = { .limits = &lim };
    struct kk_encode_opts eopts = { .passphrase = NULL };
    struct kk_key *key = NULL;
    struct kk_error err;
    int ok = 0;

    add_fixable(c, "rfc4716-block", lineno, 1,
                "convert it to one line: ssh-keygen -i -f FILE" FIX_HINT, msg);
    lim.rsa_min_bits = 1;     /* a small key is a finding, found below */
    kk_error_clear(&err);
    if (kk_fmt_rfc4716.decode(in, len, &dopts, &key, &err) != KK_OK ||
        kk_fmt_openssh_pub.encode(key, &eopts, line, &err) != KK_OK) {
        char m[KK_MSG_MAX];
        snprintf(m, sizeof m, "the SSH2 PUBLIC KEY block cannot be read: %.200s",
                 err.msg);
        if (err.code == KK_ERR_NOMEM)
            c->nomem = 1;
        else
            add_error(c, "rfc4716-block", err.line > 0 ? line_base + err.line : lineno,
                      1, "take the key again from its source", m);
        goto out;
    }
    *n = line->len;
    while (*n > 0 && (line->data[*n - 1] == '\n' || line->data[*n - 1] == ' '))
        (*n)--;
    kc_keyline(c, line->data, 0, 0, *n, lineno);
    ok = 1;
out:
    kk_key_free(key);
    return ok;
}

static void rfc4716_single(struct kc_ctx *c, const uint8_t *in, size_t len,
                           const uint8_t *at)
{
    struct kk_buf line;
    size_t n = 0;

    kk_buf_init(&line, 0);
    /* Read from its BEGIN line.  What comes before it may be blank lines
     * and comments; anything else is another key or stray text, which
     * --fix must not silently drop. */
    for (const uint8_t *p = in; p < at;) {
        const uint8_t *nl = memchr(p, '\n', (size_t)(at - p));
        const uint8_t *e = nl != NULL ? nl : at;
        const uint8_t *q = p;
        while (q < e && (is_blank(*q) || *q == '\r'))
            q++;
        if (q < e && *q != '#') {
            add_error(c, "multiple-keys", line_of(in, q), 1, "keep one key per file, "
                      "or check the file with --authorized-keys", "text before the "
                      "SSH2 PUBLIC KEY block: one key per file is expected");
            break;
        }
        p = nl != NULL ? nl + 1 : at;
    }
    long begin = line_of(in, at);
    if (rfc4716(c, at, len - (size_t)(at - in), begin, begin - 1, "an RFC 4716 'SSH2 "
                "PUBLIC KEY' block where a one-line OpenSSH key is expected", &line, &n) &&
        c->f->repairable)
        set_fixed(c, line.data, n);
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
    uint8_t *buf = malloc(total + 2);
    if (buf == NULL) {
        c->nomem = 1;
        return;
    }
    size_t o = 0;
    for (size_t j = i; j <= i + n; j++) {
        memcpy(buf + o, in + L[j].s, L[j].e - L[j].s);
        o += L[j].e - L[j].s;
        /* A line holding only the type was broken at its space (fold -s,
         * mail clients): the space goes back between type and base64. */
        if (j == i && word_end(in, L[j].s, L[j].e) == L[j].e)
            buf[o++] = ' ';
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
        /* A metadata line keeps its 'user:'. */
        size_t keep = c->prof->metadata && t == 0 ? l->s : s;
        if (c->f->repairable && first == l->no)
            set_fixed(c, in + keep, l->e - keep);
    }
    /* No key at all: empty, whatever else was found (a BOM, CR LF). */
    if (first == 0)
        add_error(c, "empty-file", 0, 0, "put the one-line public key in the file "
                  "(the .pub file ssh-keygen wrote)", "the file holds no key");
}

/* ---- authorized_keys and metadata files ---- */

static int line_is(const uint8_t *in, const struct span_line *l, const char *text)
{
    size_t n = strlen(text);
    return l->e - l->s == n && memcmp(in + l->s, text, n) == 0;
}

/* A key line with options or a type first: not part of a block. */
static int holds_key(const uint8_t *in, const struct span_line *l)
{
    size_t w = word_end(in, l->s, l->e);
    return kc_known_type(in + l->s, w - l->s) || options_then_type(in, l->s, l->e) != 0;
}

/* An RFC 4716 block among one-line keys: reported once, at its BEGIN line,
 * and checked as the key it holds; its lines are not keys.  It ends at its
 * END line, or without one before the next line holding a key.  Returns
 * the index of its last line. */
static size_t block(struct kc_ctx *c, const uint8_t *in, size_t len,
                    const struct span_line *L, size_t nl, size_t i)
{
    size_t last = i;
    struct kk_buf line;
    size_t n = 0;

    for (size_t j = i + 1; j < nl; j++) {
        if (line_is(in, &L[j], END_SSH2)) {
            last = j;
            break;
        }
        if (holds_key(in, &L[j]))
            break;
        last = j;
    }
    size_t end = L[last].end;
    if (end < len && in[end] == '\r')
        end++;
    if (end < len && in[end] == '\n')
        end++;
    kk_buf_init(&line, 0);
    /* From the BEGIN text: a byte-order mark before it is reported apart. */
    int ok = rfc4716(c, in + L[i].s, end - L[i].s, L[i].no, L[i].no - 1,
                     "an RFC 4716 'SSH2 PUBLIC KEY' block where one-line keys "
                     "are expected", &line, &n);
    if (c->opts->mode == KC_MODE_METADATA)
        add_error(c, "metadata-no-user", L[i].no, 1,
                  "write it as USERNAME:ssh-ed25519 AAAA... USERNAME",
                  "the metadata line has no 'user:' before the key");
    record(c, L[i].no, L[last].no, line.data, n, !ok);
    kk_buf_free(&line);
    return last;
}

/* The lines after key line i that carry on its base64 (the key line ends
 * in base64; each piece is base64 alone, the last may have the comment). */
static size_t pieces(const uint8_t *in, const struct span_line *L, size_t nl,
                     size_t i, size_t key)
{
    size_t te = word_end(in, key, L[i].e), b0 = te, n = 0;

    while (b0 < L[i].e && is_blank(in[b0]))
        b0++;
    /* The type alone on the line (broken at its space), or base64 to the
     * end of the line; a comment after the base64 ends the key. */
    if (b0 != L[i].e && word_end(in, b0, L[i].e) != L[i].e)
        return 0;
    for (size_t j = i + 1; j < nl; j++) {
        size_t w = word_end(in, L[j].s, L[j].e);
        if (!b64_piece(in, L[j].s, w) || kc_is_option(in + L[j].s, w - L[j].s) ||
            kc_known_type(in + L[j].s, w - L[j].s))
            break;
        n++;
        if (w != L[j].e)
            break;
    }
    return n;
}

/* Key line i wrapped over the n lines after it, its key starting at key:
 * joined, and checked as one line if the joined text is a whole key blob
 * (else 0, and the lines are checked one by one). */
static int join_wrapped(struct kc_ctx *c, const uint8_t *in,
                        const struct span_line *L, size_t i, size_t n, size_t key)
{
    static const char *const damage[] = {
        "bad-base64", "truncated-blob", "trailing-bytes", "type-mismatch", "bad-blob",
        "missing-base64",
    };
    size_t total = L[i].e - L[i].ls;
    for (size_t j = i + 1; j <= i + n; j++)
        total += L[j].e - L[j].s;
    uint8_t *buf = malloc(total + 2);
    if (buf == NULL) {
        c->nomem = 1;
        return 0;
    }
    size_t o = L[i].e - L[i].ls;
    memcpy(buf, in + L[i].ls, o);
    /* The space a break after the type took (fold -s). */
    if (word_end(in, key, L[i].e) == L[i].e)
        buf[o++] = ' ';
    for (size_t j = i + 1; j <= i + n; j++) {
        memcpy(buf + o, in + L[j].s, L[j].e - L[j].s);
        o += L[j].e - L[j].s;
    }
    /* A trial on the side first: without the weak-key arithmetic, into a
     * file of its own. */
    struct kc_opts topts = *c->opts;
    struct kc_file tf;
    struct kc_ctx t = { .opts = &topts, .prof = c->prof, .f = &tf };
    int whole;
    topts.weak = 0;
    topts.want_fix = 0;
    kc_file_init(&tf, NULL);
    kk_buf_init(&t.blob, 0);
    kc_keyline(&t, buf, 0, key - L[i].ls, o, L[i].no);
    whole = tf.nkeys == 1 && !t.nomem;
    for (size_t x = 0; whole && x < tf.nfindings; x++)
        for (size_t d = 0; d < sizeof damage / sizeof damage[0]; d++)
            if (strcmp(tf.findings[x].id, damage[d]) == 0)
                whole = 0;
    kk_buf_free(&t.blob);
    kc_file_free(&tf);
    if (whole) {
        char msg[KK_MSG_MAX];
        snprintf(msg, sizeof msg, "the key is wrapped over %zu lines (lines %ld-%ld)",
                 n + 1, L[i].no, L[i + n].no);
        add_fixable(c, "wrapped-key", L[i + 1].no, 1,
                    "join the lines into one line" FIX_HINT, msg);
        kc_keyline(c, buf, 0, key - L[i].ls, o, L[i].no);
        record(c, L[i].no, L[i + n].no, buf + (L[i].s - L[i].ls), o - (L[i].s - L[i].ls), 0);
    }
    free(buf);
    return whole;
}

/* One line holding (or meant to hold) a key; returns how many of the lines
 * after it were joined to it. */
static size_t key_line(struct kc_ctx *c, const uint8_t *in, const struct span_line *L,
                       size_t nl, size_t i, long *prev_key)
{
    const struct span_line *l = &L[i];
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
        if (*prev_key != 0 && b64_piece(in, s, w) && !kc_is_option(in + s, w - s)) {
            char msg[KK_MSG_MAX];
            snprintf(msg, sizeof msg, "this line continues the key on line "
                     "%ld: the key is wrapped", *prev_key);
            add_error(c, "wrapped-key", l->no, 1, "join the lines into one line", msg);
            record(c, l->no, l->no, in + l->s, l->e - l->s, 0);
            return 0;
        }
        if (optionish && c->opts->mode == KC_MODE_AUTHORIZED) {
            s = kc_options(c, in, l->ls, s, l->e, l->no);
            while (s < l->e && is_blank(in[s]))
                s++;
            if (s >= l->e) {
                add_error(c, "missing-key", l->no, kc_col(l->ls, l->e),
                          "put the key after the options",
                          "the options are not followed by a key");
                record(c, l->no, l->no, in + l->s, l->e - l->s, 0);
                return 0;
            }
        }
    }
    size_t nw = kc_known_type(in + s, word_end(in, s, l->e) - s)
                ? pieces(in, L, nl, i, s) : 0;
    if (nw > 0 && join_wrapped(c, in, L, i, nw, s)) {
        *prev_key = l->no;
        return nw;
    }
    record(c, l->no, l->no, in + l->s, l->e - l->s, 0);
    if (kc_keyline(c, in, l->ls, s, l->e, l->no))
        *prev_key = l->no;
    return 0;
}

static void authorized(struct kc_ctx *c, const uint8_t *in, size_t len,
                       struct span_line *L, size_t nl)
{
    long prev_key = 0;

    for (size_t i = 0; i < nl; i++) {
        struct span_line *l = &L[i];
        /* A key appended from a file saved with a byte-order mark brings
         * the mark along into the middle of this one. */
        if (l->e - l->s >= 3 && memcmp(in + l->s, "\xEF\xBB\xBF", 3) == 0) {
            add_fixable(c, "bom", l->no, kc_col(l->ls, l->s), "remove the byte-order "
                        "mark from the line" FIX_HINT, "the line starts with a UTF-8 "
                        "byte-order mark (appended from a file saved with one)");
            l->s += 3;
            while (l->s < l->e && is_blank(in[l->s]))
                l->s++;
        }
        if (l->s == l->e || in[l->s] == '#')
            record(c, l->no, l->no, in + l->s, l->e - l->s, 0);
        else if (line_is(in, l, BEGIN_SSH2))
            i = block(c, in, len, L, nl, i);
        else
            i += key_line(c, in, L, nl, i, &prev_key);
    }
}

int kc_check_buffer(const uint8_t *in, size_t len, const struct kc_opts *opts,
                    struct kc_file *f, struct kk_error *err)
{
    struct kc_ctx c = { .opts = opts, .f = f };
    struct span_line *L = NULL;
    uint8_t *converted = NULL;
    size_t nl = 0;
    int rc = KK_OK, lines_done = 0;

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
    if (opts->mode == KC_MODE_SINGLE) {
        const uint8_t *ssh2 = find_line(in, len, BEGIN_SSH2);
        if (ssh2 != NULL) {
            rfc4716_single(&c, in, len, ssh2);
            goto out;
        }
    }
    if (split_lines(&c, in, len, &L, &nl) != 0) {
        c.nomem = 1;
        goto out;
    }
    if (opts->mode == KC_MODE_SINGLE) {
        single(&c, in, L, nl);
    } else {
        authorized(&c, in, len, L, nl);
        lines_done = 1;
        if (len > 0 && in[len - 1] != '\n' && nl > 0)
            add_fixable(&c, "missing-final-newline", L[nl - 1].no,
                        kc_col(L[nl - 1].ls, len),
                        "end the file with a newline", "the last line has no "
                        "newline: a key appended later joins this line");
    }
out:
    if (!lines_done)
        record(&c, 0, LONG_MAX, NULL, 0, 1);    /* nothing of it can be kept */
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
