/* Base64 over OpenSSL's EVP encoder, strict on decode. */
#ifndef KK_BASE64_H
#define KK_BASE64_H

#include <stddef.h>
#include <stdint.h>
#include "buf.h"
#include "error.h"

/* Appends the base64 of in (no line breaks, padded). */
int kk_base64_encode(const uint8_t *in, size_t len, struct kk_buf *out);
/* Appends the decoding of text.  With skip_space, ASCII whitespace (space,
 * tab, CR, LF) is ignored; otherwise it is an error.  Rejects characters
 * outside the alphabet, bad padding and a length that is not a multiple of
 * 4 after whitespace.  On error err->offset is the offending byte. */
int kk_base64_decode(const char *text, size_t len, int skip_space,
                     struct kk_buf *out, struct kk_error *err);

#endif
