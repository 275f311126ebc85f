/* Line-armoured envelopes: PEM (RFC 7468, with RFC 1421 headers such as
 * Proc-Type/DEK-Info) and the SSH2 style of RFC 4716 / ssh.com
 * ("---- BEGIN X ----", Name: value headers, backslash continuations). */
#ifndef KK_ARMOR_H
#define KK_ARMOR_H

#include <stddef.h>
#include <stdint.h>
#include "buf.h"
#include "error.h"

enum kk_armor_style { KK_ARMOR_PEM, KK_ARMOR_SSH2 };

#define KK_ARMOR_MAX_HEADERS 16
#define KK_ARMOR_LABEL_MAX 64

struct kk_armor_header {
    char *name;     /* owned */
    char *value;    /* owned; SSH2: continuations joined, quotes kept */
};

struct kk_armor {
    char label[KK_ARMOR_LABEL_MAX];   /* "RSA PRIVATE KEY", "SSH2 PUBLIC KEY" */
    struct kk_armor_header headers[KK_ARMOR_MAX_HEADERS];
    size_t nheaders;
    struct kk_buf body;               /* the decoded base64 body */
    long begin_line;                  /* 1-based line of the BEGIN line */
    size_t end_offset;                /* byte just past the END line */
};

/* 1 if in starts (after optional blank lines/whitespace) with a BEGIN line of
 * that style; copies the label into label_out if not NULL. */
int kk_armor_sniff(const uint8_t *in, size_t len, enum kk_armor_style style,
                   char label_out[KK_ARMOR_LABEL_MAX]);
/* Parses the first armoured block.  Accepts CRLF and a missing final newline;
 * requires BEGIN and END labels to match.  Text before BEGIN (blank lines,
 * leading whitespace) is skipped; text after END is left for the caller
 * (a->end_offset).  err carries the line of any failure. */
int kk_armor_decode(const uint8_t *in, size_t len, enum kk_armor_style style,
                    struct kk_armor *a, struct kk_error *err);
/* Value of a header by case-insensitive name, or NULL. */
const char *kk_armor_header(const struct kk_armor *a, const char *name);
/* Frees headers and wipes the body. */
void kk_armor_free(struct kk_armor *a);

/* Writes a block: BEGIN line, headers (SSH2: wrapped at 72 with '\'),
 * a blank line after PEM headers if any, base64 body wrapped at width
 * (PEM 64, RFC 4716 70), END line, each line ending in "\n". */
int kk_armor_encode(enum kk_armor_style style, const char *label,
                    const struct kk_armor_header *headers, size_t nheaders,
                    const uint8_t *body, size_t len, size_t width,
                    struct kk_buf *out, struct kk_error *err);

#endif
