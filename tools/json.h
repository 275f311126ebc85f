/* A small JSON writer (RFC 8259) for the tools' machine-readable output.
 *
 * Values go into a kk_buf; the writer tracks nesting, puts the commas and
 * checks that keys and values alternate inside objects, so kk_json_finish
 * says whether the text is one complete, well-formed document.
 *
 * Strings: valid UTF-8 is kept as is, except '"' and '\' and the control
 * characters U+0000..U+001F, U+007F and U+0080..U+009F, which are written as
 * \" \\ and \u00XX (\n, \t and the like too, so every document is ASCII-safe
 * for terminals as well).  A byte that is not part of valid UTF-8 (invalid
 * sequence, overlong form, surrogate, past U+10FFFF) cannot be shown in
 * JSON, whose text is Unicode: it is written as the four characters \xNN
 * (in JSON source "\\xNN"), upper-case hex, as keykit's messages show it on
 * stderr.  So a file name with a stray byte appears in the JSON and in the
 * messages in the same way; a name that really contains the text "\xFF"
 * looks the same, which is the price of keeping the output valid. */
#ifndef KK_JSON_H
#define KK_JSON_H

#include <stddef.h>
#include "../core/buf.h"

#define KK_JSON_MAX_DEPTH 32

struct kk_json {
    struct kk_buf *out;
    unsigned pretty_depth;        /* containers above this depth: one member a line */
    unsigned depth;
    char kind[KK_JSON_MAX_DEPTH]; /* '{' or '[' per open container */
    int count[KK_JSON_MAX_DEPTH]; /* members written so far */
    int want_value;               /* a key was written, its value is due */
    int done;                     /* the top-level value is complete */
    int failed;                   /* misuse or out of memory (sticky) */
};

/* Containers opened at depth < pretty_depth put each member on its own
 * line, indented by two spaces a level; deeper ones are written on one
 * line ("a": 1, "b": [2, 3]).  pretty_depth 0: everything on one line. */
void kk_json_init(struct kk_json *j, struct kk_buf *out, unsigned pretty_depth);

void kk_json_begin_object(struct kk_json *j);
void kk_json_end_object(struct kk_json *j);
void kk_json_begin_array(struct kk_json *j);
void kk_json_end_array(struct kk_json *j);
/* A member name inside an object; the next call writes its value. */
void kk_json_key(struct kk_json *j, const char *key);

/* A NUL-terminated string; NULL writes null. */
void kk_json_string(struct kk_json *j, const char *s);
/* n bytes (may hold NUL, written as \u0000). */
void kk_json_string_n(struct kk_json *j, const char *s, size_t n);
void kk_json_int(struct kk_json *j, long long v);
void kk_json_bool(struct kk_json *j, int v);
void kk_json_null(struct kk_json *j);

/* 0 if one complete document was written (then a final newline is added),
 * -1 after misuse (unbalanced containers, a value without its key, a
 * second top-level value, nesting deeper than KK_JSON_MAX_DEPTH) or when
 * the buffer failed. */
int kk_json_finish(struct kk_json *j);

/* The string escaping alone, appended to out (without quotes). */
void kk_json_escape(struct kk_buf *out, const char *s, size_t n);

#endif
