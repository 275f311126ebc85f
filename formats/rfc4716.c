/* rfc4716: the SSH2 public key file ("---- BEGIN SSH2 PUBLIC KEY ----"),
 * as written by ssh-keygen -e and puttygen -O public. */
#include <stdlib.h>
#include <string.h>
#include "../core/armor.h"
#include "../core/sshwire.h"
#include "pub_common.h"

#define LABEL "SSH2 PUBLIC KEY"
#define WIDTH 70    /* RFC 4716 3.4: body lines of at most 72; ssh-keygen uses 70 */
/* The longest header value core/armor.c reads back, less the two quotes. */
#define COMMENT_MAX (8192 - 2)

static int sniff(const uint8_t *in, size_t len)
{
    return kk_pub_sniff_label(in, len, KK_ARMOR_SSH2, LABEL);
}

/* RFC 4716 3.3.2 lets a header value be quoted; the quotes are not part of it. */
static int set_comment(struct kk_key *key, const char *v, struct kk_error *err)
{
    size_t n = strlen(v);

    while (n > 0 && (*v == ' ' || *v == '\t')) {
        v++;
        n--;
    }
    while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'))
        n--;
    if (n >= 2 && v[0] == '"' && v[n - 1] == '"') {
        v++;
        n -= 2;
    }
    return kk_key_set_comment(key, v, n, err);
}

static int decode(const uint8_t *in, size_t len,
                  const struct kk_decode_opts *opts, struct kk_key **out,
                  struct kk_error *err)
{
    struct kk_limits defaults;
    const struct kk_limits *lim = kk_pub_limits(opts, &defaults);
    struct kk_armor a = {0};
    char label[KK_ARMOR_LABEL_MAX];
    struct kk_key *key = NULL;
    int armored = 0;
    int rc;

    *out = NULL;
    if (!kk_armor_sniff(in, len, KK_ARMOR_SSH2, label)) {
        rc = kk_fail(err, KK_ERR_FORMAT, "not an RFC 4716 public key: no "
                     "'---- BEGIN " LABEL " ----' line");
        kk_pub_hint_other(in, len, "rfc4716", err);
        goto out;
    }
    if (strcmp(label, LABEL) != 0) {
        rc = kk_fail(err, KK_ERR_FORMAT, "not an RFC 4716 public key: found "
                     "'---- BEGIN %s ----'", label);
        kk_pub_hint_other(in, len, "rfc4716", err);
        goto out;
    }
    armored = 1;
    rc = kk_armor_decode(in, len, KK_ARMOR_SSH2, &a, err);
    if (rc != KK_OK)
        goto out;
    rc = kk_pub_check_tail(in, len, a.end_offset, err);
    if (rc != KK_OK)
        goto out;
    rc = kk_wire_parse_public(a.body.data, a.body.len, lim, &key, err);
    if (rc != KK_OK) {
        err->line = a.begin_line;
        err->offset = -1;
        goto out;
    }
    const char *comment = kk_armor_header(&a, "Comment");
    if (comment != NULL) {
        rc = set_comment(key, comment, err);
        if (rc != KK_OK)
            goto out;
    }
    *out = key;
    key = NULL;
out:
    kk_key_free(key);
    if (armored)
        kk_armor_free(&a);
    return rc;
}

static int can_encode(const struct kk_key *key)
{
    return kk_key_type_ssh_name(key->type) != NULL;
}

static int encode(const struct kk_key *key, const struct kk_encode_opts *opts,
                  struct kk_buf *out, struct kk_error *err)
{
    const char *c = key->comment != NULL ? key->comment : "";
    char name[] = "Comment";
    struct kk_armor_header hdr = {.name = name, .value = NULL};
    struct kk_buf blob;
    int rc;

    (void)opts;
    kk_buf_init(&blob, 0);
    size_t n = strlen(c);
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)c[i];
        if ((ch < 0x20 && ch != '\t') || ch == 0x7f) {
            rc = kk_fail(err, KK_ERR_UNSUPPORTED,
                         "the comment holds a control character, which an "
                         "RFC 4716 header cannot hold");
            kk_hint(err, "set a comment of plain text");
            goto out;
        }
    }
    if (n > COMMENT_MAX) {
        rc = kk_fail(err, KK_ERR_UNSUPPORTED,
                     "the comment is longer than the %d bytes an RFC 4716 "
                     "header can hold here", COMMENT_MAX);
        kk_hint(err, "set a shorter comment");
        goto out;
    }
    rc = kk_wire_put_public(key, &blob, err);
    if (rc != KK_OK)
        goto out;
    if (n > 0) {
        hdr.value = malloc(n + 3);
        if (hdr.value == NULL) {
            rc = kk_fail(err, KK_ERR_NOMEM, "out of memory writing the comment");
            goto out;
        }
        hdr.value[0] = '"';
        memcpy(hdr.value + 1, c, n);
        hdr.value[n + 1] = '"';
        hdr.value[n + 2] = '\0';
    }
    rc = kk_armor_encode(KK_ARMOR_SSH2, LABEL, &hdr, n > 0 ? 1 : 0, blob.data,
                         blob.len, WIDTH, out, err);
out:
    free(hdr.value);
    kk_buf_free(&blob);
    return rc;
}

const struct kk_format kk_fmt_rfc4716 = {
    .name = "rfc4716",
    .summary = "RFC 4716 SSH2 public key (ssh-keygen -e, puttygen -O public)",
    .extensions = ".rfc4716 .ssh2",
    .flags = KK_FMT_PUBLIC | KK_FMT_COMMENT,
    .sniff = sniff,
    .decode = decode,
    .encode = encode,
    .can_encode = can_encode,
};
