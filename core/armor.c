/* PEM and RFC 4716 envelopes; see armor.h. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <openssl/crypto.h>
#include "armor.h"
#include "base64.h"

#define SSH2_LINE_MAX 1024      /* RFC 4716 allows 72; real files run longer */
#define HEADER_NAME_MAX 64
#define HEADER_VALUE_MAX 8192
#define SSH2_WRAP 72

struct line {
    const uint8_t *p;
    size_t len;         /* without the terminator and trailing blanks */
    size_t raw;         /* without the terminator only */
    size_t start;       /* offset of the line in the input */
    size_t next;        /* offset of the next line */
    long no;            /* 1-based */
};

/* Splits off the line at *pos; 0 at the end of the input. */
static int next_line(const uint8_t *in, size_t len, size_t *pos, long *no,
                     struct line *l)
{
    if (*pos >= len)
        return 0;
    const uint8_t *p = in + *pos;
    const uint8_t *nl = memchr(p, '\n', len - *pos);
    size_t n = nl != NULL ? (size_t)(nl - p) : len - *pos;
    l->p = p;
    l->start = *pos;
    l->next = *pos + n + (nl != NULL);
    l->no = ++*no;
    if (n > 0 && p[n - 1] == '\r')
        n--;
    l->raw = n;
    while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r'))
        n--;
    l->len = n;
    *pos = l->next;
    return 1;
}

static int starts_with(const struct line *l, const char *s)
{
    size_t n = strlen(s);
    return l->len >= n && memcmp(l->p, s, n) == 0;
}

/* 1: a well-formed BEGIN/END line (label copied), 0: not one at all,
 * -1: starts like one but is malformed. */
static int parse_marker(const struct line *l, enum kk_armor_style style,
                        const char *word, char label[KK_ARMOR_LABEL_MAX])
{
    const char *dashes = style == KK_ARMOR_PEM ? "-----" : "---- ";
    const char *suffix = style == KK_ARMOR_PEM ? "-----" : " ----";
    size_t dlen = strlen(dashes), wlen = strlen(word);
    size_t plen = dlen + wlen + 1, slen = strlen(suffix);

    if (l->len < plen || memcmp(l->p, dashes, dlen) != 0
        || memcmp(l->p + dlen, word, wlen) != 0 || l->p[dlen + wlen] != ' ')
        return 0;
    if (l->len < plen + slen || memcmp(l->p + l->len - slen, suffix, slen) != 0)
        return -1;
    const uint8_t *lab = l->p + plen;
    size_t n = l->len - plen - slen;
    if (n == 0 || n >= KK_ARMOR_LABEL_MAX || lab[0] == ' ' || lab[n - 1] == ' '
        || lab[0] == '-' || lab[n - 1] == '-')
        return -1;
    for (size_t i = 0; i < n; i++)
        if (lab[i] < 0x20 || lab[i] > 0x7e)
            return -1;
    memcpy(label, lab, n);
    label[n] = '\0';
    return 1;
}

static size_t skip_space(const uint8_t *in, size_t len, long *no)
{
    size_t pos = 0;
    while (pos < len && (in[pos] == ' ' || in[pos] == '\t' || in[pos] == '\r'
                         || in[pos] == '\n')) {
        if (in[pos] == '\n')
            ++*no;
        pos++;
    }
    return pos;
}

int kk_armor_sniff(const uint8_t *in, size_t len, enum kk_armor_style style,
                   char label_out[KK_ARMOR_LABEL_MAX])
{
    char label[KK_ARMOR_LABEL_MAX];
    long no = 0;
    struct line l;

    if (in == NULL)
        return 0;
    size_t pos = skip_space(in, len, &no);
    if (!next_line(in, len, &pos, &no, &l) || parse_marker(&l, style, "BEGIN", label) != 1)
        return 0;
    if (label_out != NULL)
        memcpy(label_out, label, strlen(label) + 1);
    return 1;
}

/* ---- headers */

static int fail_at(struct kk_error *err, const struct line *l, int code)
{
    kk_error_at(err, l->no, (long)l->start);
    return code;
}

static int valid_name(const uint8_t *p, size_t n)
{
    if (n == 0 || n > HEADER_NAME_MAX)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (p[i] < 0x21 || p[i] > 0x7e || p[i] == ':')
            return 0;
    return 1;
}

/* Header values end up in messages and comments: no control characters. */
static int valid_value(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((p[i] < 0x20 && p[i] != '\t') || p[i] == 0x7f)
            return 0;
    return 1;
}

static int add_header(struct kk_armor *a, const struct line *l, const uint8_t *colon,
                      size_t *vstart, struct kk_error *err)
{
    size_t nlen = (size_t)(colon - l->p);

    if (a->nheaders == KK_ARMOR_MAX_HEADERS)
        return fail_at(err, l, kk_fail(err, KK_ERR_FORMAT, "more than %d headers",
                                       KK_ARMOR_MAX_HEADERS));
    if (!valid_name(l->p, nlen))
        return fail_at(err, l, kk_fail(err, KK_ERR_FORMAT, "invalid header name"));
    struct kk_armor_header *h = &a->headers[a->nheaders];
    h->name = malloc(nlen + 1);
    h->value = malloc(1);
    if (h->name == NULL || h->value == NULL) {
        free(h->name);
        free(h->value);
        h->name = h->value = NULL;
        return fail_at(err, l, kk_fail(err, KK_ERR_NOMEM, NULL));
    }
    memcpy(h->name, l->p, nlen);
    h->name[nlen] = '\0';
    h->value[0] = '\0';
    a->nheaders++;
    size_t v = nlen + 1;
    while (v < l->len && (l->p[v] == ' ' || l->p[v] == '\t'))
        v++;
    *vstart = v;
    return KK_OK;
}

/* Appends to the last header's value (continuation lines). */
static int append_value(struct kk_armor *a, const struct line *l, const uint8_t *p,
                        size_t n, struct kk_error *err)
{
    struct kk_armor_header *h = &a->headers[a->nheaders - 1];
    size_t have = strlen(h->value);

    if (!valid_value(p, n))
        return fail_at(err, l, kk_fail(err, KK_ERR_FORMAT,
                                       "header %s has a control character", h->name));
    if (n > HEADER_VALUE_MAX - have)
        return fail_at(err, l, kk_fail(err, KK_ERR_FORMAT,
                                       "header %s is longer than %d bytes", h->name,
                                       HEADER_VALUE_MAX));
    char *v = malloc(have + n + 1);
    if (v == NULL)
        return fail_at(err, l, kk_fail(err, KK_ERR_NOMEM, NULL));
    memcpy(v, h->value, have);
    memcpy(v + have, p, n);
    v[have + n] = '\0';
    free(h->value);
    h->value = v;
    return KK_OK;
}

/* ---- decoding */

/* Puts a base64 failure on the body line it happened on: off is an offset
 * into the joined body text, which skipped blank lines. */
static void locate_body_error(const uint8_t *in, size_t body_pos, long body_no,
                              size_t body_end, struct kk_error *err)
{
    size_t off = (size_t)err->offset;
    size_t pos = body_pos;
    long no = body_no;
    struct line l, last = {.no = body_no + 1, .start = body_pos};
    int found = 0;

    while (pos < body_end && next_line(in, body_end, &pos, &no, &l)) {
        if (l.len == 0)
            continue;
        last = l;
        if (off < l.len) {
            found = 1;
            break;
        }
        off -= l.len;
    }
    err->line = last.no;
    err->offset = (long)(last.start + (found ? off : last.len));
    /* The joined-text offset means nothing to a reader; the line says where. */
    char *at = strstr(err->msg, " at byte ");
    if (at != NULL)
        *at = '\0';
}

enum state { FIRST, HEADERS, BODY };

int kk_armor_decode(const uint8_t *in, size_t len, enum kk_armor_style style,
                    struct kk_armor *a, struct kk_error *err)
{
    struct kk_buf text;
    struct line l = {.no = 0};
    const char *begin_word = style == KK_ARMOR_PEM ? "-----BEGIN" : "---- BEGIN";
    const char *end_prefix = style == KK_ARMOR_PEM ? "-----END " : "---- END ";
    const char *dashes = style == KK_ARMOR_PEM ? "-----" : "----";
    enum state st = FIRST;
    int cont = 0;               /* SSH2: the last header line ended in '\' */
    size_t body_pos = 0, end_start = 0;
    long body_no = 0;
    long no = 0;
    int rc = KK_OK;

    memset(a, 0, sizeof *a);
    kk_buf_init(&a->body, 0);
    kk_buf_init(&text, 0);
    if (in == NULL)
        len = 0;

    size_t pos = in != NULL ? skip_space(in, len, &no) : 0;
    if (!next_line(in, len, &pos, &no, &l) || parse_marker(&l, style, "BEGIN", a->label) != 1) {
        rc = kk_fail(err, KK_ERR_FORMAT, "expected a %s line", begin_word);
        kk_error_at(err, l.no > 0 ? l.no : no + 1, l.no > 0 ? (long)l.start : (long)len);
        goto out;
    }
    a->begin_line = l.no;
    /* The body is at most what is left of the input: one allocation. */
    if (kk_buf_reserve(&text, len - pos < text.max ? len - pos : text.max) != 0) {
        rc = kk_fail(err, KK_ERR_NOMEM, NULL);
        goto out;
    }

    for (;;) {
        size_t line_pos = pos;
        long line_no = no;
        if (!next_line(in, len, &pos, &no, &l)) {
            rc = kk_fail(err, KK_ERR_FORMAT, "no END line for %s", a->label);
            kk_error_at(err, no, (long)len);
            goto out;
        }
        if (style == KK_ARMOR_SSH2 && l.raw > SSH2_LINE_MAX) {
            rc = fail_at(err, &l, kk_fail(err, KK_ERR_FORMAT, "line %ld is longer than %d bytes",
                                          l.no, SSH2_LINE_MAX));
            goto out;
        }
        if (cont) {
            cont = l.len > 0 && l.p[l.len - 1] == '\\';
            if ((rc = append_value(a, &l, l.p, l.len - (size_t)cont, err)) != KK_OK)
                goto out;
            continue;
        }
        if (starts_with(&l, end_prefix)) {
            char end_label[KK_ARMOR_LABEL_MAX];
            if (parse_marker(&l, style, "END", end_label) != 1) {
                rc = fail_at(err, &l, kk_fail(err, KK_ERR_FORMAT, "malformed END line"));
                goto out;
            }
            if (strcmp(end_label, a->label) != 0) {
                rc = fail_at(err, &l, kk_fail(err, KK_ERR_FORMAT,
                                              "END label \"%s\" does not match BEGIN label \"%s\"",
                                              end_label, a->label));
                goto out;
            }
            a->end_offset = l.next;
            end_start = l.start;
            break;
        }
        if (starts_with(&l, dashes)) {
            rc = fail_at(err, &l, kk_fail(err, KK_ERR_FORMAT, "no END line for %s", a->label));
            goto out;
        }
        const uint8_t *colon = memchr(l.p, ':', l.len);
        if (st == FIRST) {
            if (colon != NULL) {
                st = HEADERS;
            } else {
                st = BODY;
                body_pos = line_pos;
                body_no = line_no;
            }
        } else if (st == HEADERS && colon == NULL) {
            if (style == KK_ARMOR_SSH2) {
                st = BODY;
                body_pos = line_pos;
                body_no = line_no;
            } else if (l.len == 0) {
                /* RFC 1421: a blank line ends the headers. */
                st = BODY;
                body_pos = pos;
                body_no = no;
                continue;
            }
        }
        if (st == HEADERS) {
            if (style == KK_ARMOR_PEM && a->nheaders > 0 && (l.p[0] == ' ' || l.p[0] == '\t')) {
                /* RFC 822 folding: the value goes on, whitespace kept. */
                if ((rc = append_value(a, &l, l.p, l.len, err)) != KK_OK)
                    goto out;
                continue;
            }
            if (colon == NULL) {
                /* PEM: neither a header, a folded line nor the blank line. */
                rc = fail_at(err, &l, kk_fail(err, KK_ERR_FORMAT,
                                              "no blank line after the headers"));
                goto out;
            }
            size_t v = 0;
            if ((rc = add_header(a, &l, colon, &v, err)) != KK_OK)
                goto out;
            size_t n = l.len - v;
            if (style == KK_ARMOR_SSH2 && n > 0 && l.p[l.len - 1] == '\\') {
                cont = 1;
                n--;
            }
            if ((rc = append_value(a, &l, l.p + v, n, err)) != KK_OK)
                goto out;
            continue;
        }
        /* st == BODY */
        if (style == KK_ARMOR_SSH2 && colon != NULL) {
            rc = fail_at(err, &l, kk_fail(err, KK_ERR_FORMAT,
                                          "header line after the base64 body started"));
            goto out;
        }
        if (l.len == 0)
            continue;
        if (kk_buf_put(&text, l.p, l.len) != 0) {
            rc = fail_at(err, &l, kk_fail(err, KK_ERR_TOO_BIG, "armoured body is too large"));
            goto out;
        }
    }

    if (text.len > 0) {
        rc = kk_base64_decode((const char *)text.data, text.len, 0, &a->body, err);
        if (rc != KK_OK) {
            if (err != NULL && err->offset >= 0)
                locate_body_error(in, body_pos, body_no, end_start, err);
            goto out;
        }
    }
out:
    kk_buf_free(&text);
    if (rc != KK_OK)
        kk_armor_free(a);
    return rc;
}

const char *kk_armor_header(const struct kk_armor *a, const char *name)
{
    for (size_t i = 0; i < a->nheaders; i++)
        if (strcasecmp(a->headers[i].name, name) == 0)
            return a->headers[i].value;
    return NULL;
}

void kk_armor_free(struct kk_armor *a)
{
    if (a == NULL)
        return;
    for (size_t i = 0; i < a->nheaders && i < KK_ARMOR_MAX_HEADERS; i++) {
        free(a->headers[i].name);
        free(a->headers[i].value);
        a->headers[i].name = NULL;
        a->headers[i].value = NULL;
    }
    a->nheaders = 0;
    kk_buf_free(&a->body);
}

/* ---- encoding */

static int valid_label(const char *label)
{
    size_t n = label != NULL ? strlen(label) : 0;
    if (n == 0 || n >= KK_ARMOR_LABEL_MAX || label[0] == ' ' || label[n - 1] == ' '
        || label[0] == '-' || label[n - 1] == '-')
        return 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)label[i] < 0x20 || (unsigned char)label[i] > 0x7e)
            return 0;
    return 1;
}

static void put_str(struct kk_buf *out, const char *s)
{
    kk_buf_put(out, s, strlen(s));
}

/* RFC 4716 §3.3: lines of at most 72 bytes, continued with a backslash,
 * never splitting a UTF-8 sequence. */
static void put_ssh2_header(struct kk_buf *out, const struct kk_armor_header *h)
{
    struct kk_buf line;
    kk_buf_init(&line, 0);
    put_str(&line, h->name);
    put_str(&line, ": ");
    put_str(&line, h->value);
    if (!kk_buf_ok(&line)) {
        out->failed = 1;
        kk_buf_free(&line);
        return;
    }
    const uint8_t *p = line.data;
    size_t n = line.len;
    while (n > SSH2_WRAP) {
        size_t cut = SSH2_WRAP - 1;
        while (cut > 1 && (p[cut] & 0xc0) == 0x80)
            cut--;
        kk_buf_put(out, p, cut);
        put_str(out, "\\\n");
        p += cut;
        n -= cut;
    }
    kk_buf_put(out, p, n);
    put_str(out, "\n");
    kk_buf_free(&line);
}

int kk_armor_encode(enum kk_armor_style style, const char *label,
                    const struct kk_armor_header *headers, size_t nheaders,
                    const uint8_t *body, size_t len, size_t width,
                    struct kk_buf *out, struct kk_error *err)
{
    struct kk_buf b64;
    size_t start = out->len;
    int rc = KK_OK;

    kk_buf_init(&b64, 0);
    if (!valid_label(label))
        return kk_fail(err, KK_ERR_INTERNAL, "invalid armour label");
    if (nheaders > KK_ARMOR_MAX_HEADERS)
        return kk_fail(err, KK_ERR_INTERNAL, "more than %d headers", KK_ARMOR_MAX_HEADERS);
    for (size_t i = 0; i < nheaders; i++) {
        const char *v = headers[i].value != NULL ? headers[i].value : "";
        size_t vn = strlen(v);
        if (headers[i].name == NULL
            || !valid_name((const uint8_t *)headers[i].name, strlen(headers[i].name)))
            return kk_fail(err, KK_ERR_INTERNAL, "invalid header name");
        if (!valid_value((const uint8_t *)v, vn) || vn > HEADER_VALUE_MAX)
            return kk_fail(err, KK_ERR_INTERNAL, "invalid value for header %s", headers[i].name);
        /* A reader would take the backslash for a continuation. */
        if (style == KK_ARMOR_SSH2 && vn > 0 && v[vn - 1] == '\\')
            return kk_fail(err, KK_ERR_INTERNAL, "header %s ends in a backslash",
                           headers[i].name);
    }
    if (width == 0)
        width = style == KK_ARMOR_PEM ? 64 : 70;

    if (kk_base64_encode(body, len, &b64) != KK_OK) {
        rc = kk_fail(err, KK_ERR_NOMEM, NULL);
        goto out;
    }
    /* A lower bound of the output, so a size cap is told apart from
     * running out of memory. */
    size_t need = b64.len + (b64.len + width - 1) / width + 2 * (strlen(label) + 17);
    for (size_t i = 0; i < nheaders; i++)
        need += strlen(headers[i].name) + 3
                + (headers[i].value != NULL ? strlen(headers[i].value) : 0);
    if (out->max < out->len || need > out->max - out->len) {
        rc = kk_fail(err, KK_ERR_TOO_BIG, "armoured output is larger than %zu bytes", out->max);
        goto out;
    }
    put_str(out, style == KK_ARMOR_PEM ? "-----BEGIN " : "---- BEGIN ");
    put_str(out, label);
    put_str(out, style == KK_ARMOR_PEM ? "-----\n" : " ----\n");
    for (size_t i = 0; i < nheaders; i++) {
        struct kk_armor_header h = {
            .name = headers[i].name,
            .value = headers[i].value != NULL ? headers[i].value : (char *)"",
        };
        if (style == KK_ARMOR_SSH2) {
            put_ssh2_header(out, &h);
        } else {
            put_str(out, h.name);
            put_str(out, ": ");
            put_str(out, h.value);
            put_str(out, "\n");
        }
    }
    if (style == KK_ARMOR_PEM && nheaders > 0)
        put_str(out, "\n");
    for (size_t off = 0; off < b64.len; off += width) {
        size_t n = b64.len - off < width ? b64.len - off : width;
        kk_buf_put(out, b64.data + off, n);
        put_str(out, "\n");
    }
    put_str(out, style == KK_ARMOR_PEM ? "-----END " : "---- END ");
    put_str(out, label);
    put_str(out, style == KK_ARMOR_PEM ? "-----\n" : " ----\n");
    if (!kk_buf_ok(out))
        rc = kk_fail(err, KK_ERR_NOMEM, NULL);
out:
    kk_buf_free(&b64);
    if (rc != KK_OK && out->data != NULL && out->len > start) {
        OPENSSL_cleanse(out->data + start, out->len - start);
        out->len = start;
    }
    return rc;
}
