/* A small JSON writer; see json.h. */
#include <stdio.h>
#include <string.h>
#include "json.h"

void kk_json_init(struct kk_json *j, struct kk_buf *out, unsigned pretty_depth)
{
    *j = (struct kk_json){.out = out, .pretty_depth = pretty_depth};
}

static void put(struct kk_json *j, const char *s)
{
    kk_buf_put(j->out, s, strlen(s));
}

/* Length of the valid UTF-8 sequence at s[0..n), 0 if it is not one. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    unsigned char c = s[0], lo = 0x80, hi = 0xBF;
    size_t len;

    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        if (c == 0xE0)
            lo = 0xA0;          /* overlong */
        else if (c == 0xED)
            hi = 0x9F;          /* surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        if (c == 0xF0)
            lo = 0x90;          /* overlong */
        else if (c == 0xF4)
            hi = 0x8F;          /* past U+10FFFF */
    } else {
        return 0;
    }
    if (n < len || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < len; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    return len;
}

void kk_json_escape(struct kk_buf *out, const char *s, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    const unsigned char *p = (const unsigned char *)s;
    char esc[8];
    size_t i = 0;

    while (i < n) {
        size_t len = utf8_seq(p + i, n - i);
        unsigned cp = len == 1 ? p[i] : len == 2 ? (unsigned)(p[i] & 0x1F) << 6 |
                                                       (p[i + 1] & 0x3F)
                                              : 0x100;
        if (len == 0) {
            esc[0] = '\\';
            esc[1] = '\\';
            esc[2] = 'x';
            esc[3] = hex[p[i] >> 4];
            esc[4] = hex[p[i] & 15];
            kk_buf_put(out, esc, 5);
            i++;
            continue;
        }
        if (cp == '"' || cp == '\\') {
            esc[0] = '\\';
            esc[1] = (char)cp;
            kk_buf_put(out, esc, 2);
        } else if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) {
            snprintf(esc, sizeof esc, "\\u%04X", cp);
            kk_buf_put(out, esc, 6);
        } else {
            kk_buf_put(out, p + i, len);
        }
        i += len;
    }
}

static void newline(struct kk_json *j, unsigned depth)
{
    kk_buf_put_u8(j->out, '\n');
    for (unsigned d = 0; d < depth; d++)
        kk_buf_put(j->out, "  ", 2);
}

static int pretty(const struct kk_json *j)
{
    return j->depth > 0 && j->depth <= j->pretty_depth;
}

/* Before a value (or, in an object, before a key): checks the grammar and
 * writes the separator. */
static int begin_item(struct kk_json *j, int is_key)
{
    if (j->failed)
        return -1;
    if (j->depth == 0) {
        if (j->done || is_key)
            goto misuse;
        return 0;
    }
    if (j->kind[j->depth - 1] == '{') {
        if (is_key == j->want_value)
            goto misuse;
        if (!is_key) {
            j->want_value = 0;
            return 0;           /* ": " was written with the key */
        }
    } else if (is_key) {
        goto misuse;
    }
    if (j->count[j->depth - 1]++ > 0)
        put(j, pretty(j) ? "," : ", ");
    if (pretty(j))
        newline(j, j->depth);
    return 0;
misuse:
    j->failed = 1;
    return -1;
}

/* After a complete value. */
static void end_item(struct kk_json *j)
{
    if (j->depth == 0)
        j->done = 1;
}

static void open_container(struct kk_json *j, char kind)
{
    if (begin_item(j, 0) != 0)
        return;
    if (j->depth == KK_JSON_MAX_DEPTH) {
        j->failed = 1;
        return;
    }
    kk_buf_put_u8(j->out, (uint8_t)kind);
    j->kind[j->depth] = kind;
    j->count[j->depth] = 0;
    j->depth++;
}

static void close_container(struct kk_json *j, char kind)
{
    if (j->failed)
        return;
    if (j->depth == 0 || j->kind[j->depth - 1] != kind || j->want_value) {
        j->failed = 1;
        return;
    }
    int members = j->count[j->depth - 1];
    if (pretty(j) && members > 0)
        newline(j, j->depth - 1);
    j->depth--;
    kk_buf_put_u8(j->out, kind == '{' ? '}' : ']');
    end_item(j);
}

void kk_json_begin_object(struct kk_json *j)
{
    open_container(j, '{');
}

void kk_json_end_object(struct kk_json *j)
{
    close_container(j, '{');
}

void kk_json_begin_array(struct kk_json *j)
{
    open_container(j, '[');
}

void kk_json_end_array(struct kk_json *j)
{
    close_container(j, '[');
}

void kk_json_key(struct kk_json *j, const char *key)
{
    if (key == NULL) {
        j->failed = 1;
        return;
    }
    if (begin_item(j, 1) != 0)
        return;
    kk_buf_put_u8(j->out, '"');
    kk_json_escape(j->out, key, strlen(key));
    put(j, "\": ");
    j->want_value = 1;
}

void kk_json_string_n(struct kk_json *j, const char *s, size_t n)
{
    if (begin_item(j, 0) != 0)
        return;
    kk_buf_put_u8(j->out, '"');
    kk_json_escape(j->out, s, n);
    kk_buf_put_u8(j->out, '"');
    end_item(j);
}

void kk_json_string(struct kk_json *j, const char *s)
{
    if (s == NULL)
        kk_json_null(j);
    else
        kk_json_string_n(j, s, strlen(s));
}

void kk_json_int(struct kk_json *j, long long v)
{
    char num[24];

    if (begin_item(j, 0) != 0)
        return;
    snprintf(num, sizeof num, "%lld", v);
    put(j, num);
    end_item(j);
}

void kk_json_bool(struct kk_json *j, int v)
{
    if (begin_item(j, 0) != 0)
        return;
    put(j, v ? "true" : "false");
    end_item(j);
}

void kk_json_null(struct kk_json *j)
{
    if (begin_item(j, 0) != 0)
        return;
    put(j, "null");
    end_item(j);
}

int kk_json_finish(struct kk_json *j)
{
    if (j->failed || !j->done || j->depth != 0)
        return -1;
    kk_buf_put_u8(j->out, '\n');
    return kk_buf_ok(j->out) ? 0 : -1;
}
