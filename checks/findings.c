/* Findings: the rule catalogue, storage per file, and escaping of input
 * bytes for messages. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

const struct kc_rule kc_rules[] = {
    { "empty-file", KC_ERROR, "the file holds no key" },
    { "bom", KC_ERROR, "a byte-order mark before the key" },
    { "utf16", KC_ERROR, "the file is UTF-16 text" },
    { "crlf", KC_ERROR, "CRLF (Windows) line endings" },
    { "wrapped-key", KC_ERROR, "the key is wrapped over several lines" },
    { "rfc4716-block", KC_ERROR, "an RFC 4716 SSH2 PUBLIC KEY block instead of one line" },
    { "private-key", KC_ERROR, "a private key where a public key is expected" },
    { "multiple-keys", KC_ERROR, "more than one key in a single-key file" },
    { "options-in-key-file", KC_ERROR, "authorized_keys options in a single-key file" },
    { "unknown-type", KC_ERROR, "an unknown key type" },
    { "missing-base64", KC_ERROR, "no base64 key data after the type" },
    { "bad-base64", KC_ERROR, "invalid base64 in the key" },
    { "truncated-blob", KC_ERROR, "the key blob is truncated" },
    { "trailing-bytes", KC_ERROR, "bytes after the end of the key blob" },
    { "type-mismatch", KC_ERROR, "the type word does not match the blob" },
    { "bad-blob", KC_ERROR, "a malformed field in the key blob" },
    { "ecdsa-off-curve", KC_ERROR, "an ECDSA point not on its curve" },
    { "ed25519-length", KC_ERROR, "an Ed25519 key of the wrong length" },
    { "ed448-length", KC_ERROR, "an Ed448 key of the wrong length" },
    { "rsa-too-small", KC_ERROR, "RSA modulus below 2048 bits" },
    { "rsa-too-large", KC_ERROR, "RSA modulus above 16384 bits" },
    { "rsa-exponent-even", KC_ERROR, "an even RSA public exponent" },
    { "rsa-exponent-small", KC_ERROR, "an RSA public exponent below 3" },
    { "rsa-modulus-even", KC_ERROR, "an even RSA modulus" },
    { "dsa-deprecated", KC_ERROR, "a DSA key (removed from OpenSSH 10)" },
    { "rsa-small-factor", KC_ERROR, "an RSA modulus with a small prime factor" },
    { "rsa-close-primes", KC_ERROR, "an RSA modulus whose primes are close (Fermat)" },
    { "rsa-shared-prime", KC_ERROR, "an RSA modulus sharing a prime with another key" },
    { "rsa-roca", KC_ERROR, "an RSA modulus with the ROCA fingerprint (CVE-2017-15361)" },
    { "control-in-comment", KC_ERROR, "a control character in the comment" },
    { "profile-type", KC_ERROR, "a key type the profile does not accept" },
    { "profile-rsa-size", KC_ERROR, "an RSA size the profile does not accept" },
    { "profile-non-ascii", KC_ERROR, "non-ASCII text the profile does not accept" },
    { "unknown-option", KC_ERROR, "an unknown authorized_keys option" },
    { "unterminated-quote", KC_ERROR, "an option value with no closing quote" },
    { "option-needs-value", KC_ERROR, "an option without its value" },
    { "option-takes-no-value", KC_ERROR, "a value given to an option that takes none" },
    { "option-value-unquoted", KC_ERROR, "an option value without double quotes" },
    { "bad-expiry-time", KC_ERROR, "an expiry-time that is not YYYYMMDD[HHMM[SS]]" },
    { "missing-key", KC_ERROR, "options with no key after them" },
    { "metadata-no-user", KC_ERROR, "a metadata line without its user: prefix" },
    { "metadata-bad-user", KC_ERROR, "a metadata user name that is not valid" },
    { "rsa-below-3072", KC_WARNING, "RSA modulus below 3072 bits" },
    { "trailing-whitespace", KC_WARNING, "whitespace at the end of the line" },
    { "missing-final-newline", KC_WARNING, "no newline after the last line" },
    { "non-ascii-comment", KC_WARNING, "non-ASCII text in the comment" },
};
const size_t kc_nrules = sizeof kc_rules / sizeof kc_rules[0];

const struct kc_rule *kc_rule_by_id(const char *id)
{
    for (size_t i = 0; i < kc_nrules; i++)
        if (strcmp(kc_rules[i].id, id) == 0)
            return &kc_rules[i];
    return NULL;
}

void kc_file_init(struct kc_file *f, const char *name)
{
    *f = (struct kc_file){ .repairable = 1 };
    if (name != NULL)
        f->name = strdup(name);
}

void kc_file_free(struct kc_file *f)
{
    for (size_t i = 0; i < f->nkeys; i++) {
        free(f->keys[i].blob);
        free(f->keys[i].comment);
    }
    free(f->keys);
    free(f->findings);
    free(f->fixed);
    free(f->recs);
    free(f->fixtext);
    free(f->name);
    *f = (struct kc_file){ 0 };
}

size_t kc_file_count(const struct kc_file *f, enum kc_level level)
{
    size_t n = 0;

    for (size_t i = 0; i < f->nfindings; i++)
        n += f->findings[i].level == level;
    return n;
}

int kc_add(struct kc_file *f, const char *id, enum kc_level level, long line,
           long col, const char *fix, const char *fmt, ...)
{
    va_list ap;

    if (f->nfindings == f->capf) {
        size_t cap = f->capf ? f->capf * 2 : 8;
        struct kc_finding *p = realloc(f->findings, cap * sizeof *p);
        if (p == NULL)
            return -1;
        f->findings = p;
        f->capf = cap;
    }
    struct kc_finding *x = &f->findings[f->nfindings++];
    /* Even numbers: a test run later can take the odd place of the moment
     * it was left for (kc_key.small_seq). */
    *x = (struct kc_finding){ .id = id, .level = level, .line = line, .col = col,
                              .seq = 2 * f->nfindings };
    va_start(ap, fmt);
    vsnprintf(x->msg, sizeof x->msg, fmt, ap);
    va_end(ap);
    snprintf(x->fix, sizeof x->fix, "%s", fix != NULL ? fix : "");
    return 0;
}

static int cmp_finding(const void *a, const void *b)
{
    const struct kc_finding *x = a, *y = b;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    if (x->col != y->col)
        return x->col < y->col ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void kc_file_sort(struct kc_file *f)
{
    if (f->nfindings > 1)
        qsort(f->findings, f->nfindings, sizeof *f->findings, cmp_finding);
}

int kc_add_small_factor(struct kc_file *f, long line, long col, unsigned long factor)
{
    return kc_add(f, "rsa-small-factor", KC_ERROR, line, col, KC_FIX_NEWKEY,
                  "the RSA modulus is divisible by %lu, so the key is broken", factor);
}

long kc_file_fix(struct kc_file *f)
{
    long dropped = 0;
    size_t x = 0, n = 0;

    kc_file_sort(f);
    /* Findings and records are both in line order: one pass over each. */
    for (size_t r = 0; r < f->nrecs; r++) {
        struct kc_fixrec *rec = &f->recs[r];
        while (x < f->nfindings && f->findings[x].line < rec->first)
            x++;
        rec->dropped = rec->bad;
        for (size_t y = x; y < f->nfindings && f->findings[y].line <= rec->last; y++)
            if (f->findings[y].level == KC_ERROR && !f->findings[y].fixable)
                rec->dropped = 1;
        if (rec->dropped)
            dropped++;
        else
            n += rec->len;
    }
    free(f->fixed);
    if ((f->fixed = malloc(n + 1)) == NULL)
        return -1;
    n = 0;
    for (size_t r = 0; r < f->nrecs; r++)
        if (!f->recs[r].dropped) {
            memcpy(f->fixed + n, f->fixtext + f->recs[r].off, f->recs[r].len);
            n += f->recs[r].len;
        }
    f->fixed[n] = '\0';
    f->fixed_len = n;
    return dropped;
}
