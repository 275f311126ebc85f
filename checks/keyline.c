/* One key "TYPE BASE64 [COMMENT]": base64, the blob's fields, the key's own
 * sanity, weak RSA, the comment and the profile.  The blob is parsed here
 * over core's reader rather than through a format, so each breakage gets
 * its own finding and column, and no EVP_PKEY is built (keycheck's speed
 * comes from not building one per key). */
#include <stdlib.h>
#include <string.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/obj_mac.h>
#include "../core/base64.h"
#include "internal.h"

#define RSA_MIN_BITS 2048
#define RSA_WARN_BITS 3072
#define RSA_MAX_BITS 16384

enum base { B_RSA, B_DSA, B_EC256, B_EC384, B_EC521, B_ED25519, B_ED448,
            B_SK_EC256, B_SK_ED25519 };

struct ktype {
    const char *name;
    enum base base;
    int cert;
};

static const struct ktype ktypes[] = {
    { "ssh-rsa", B_RSA, 0 },
    { "ssh-dss", B_DSA, 0 },
    { "ecdsa-sha2-nistp256", B_EC256, 0 },
    { "ecdsa-sha2-nistp384", B_EC384, 0 },
    { "ecdsa-sha2-nistp521", B_EC521, 0 },
    { "ssh-ed25519", B_ED25519, 0 },
    { "ssh-ed448", B_ED448, 0 },
    { "sk-ecdsa-sha2-nistp256@openssh.com", B_SK_EC256, 0 },
    { "sk-ssh-ed25519@openssh.com", B_SK_ED25519, 0 },
    { "ssh-rsa-cert-v01@openssh.com", B_RSA, 1 },
    { "ssh-dss-cert-v01@openssh.com", B_DSA, 1 },
    { "ecdsa-sha2-nistp256-cert-v01@openssh.com", B_EC256, 1 },
    { "ecdsa-sha2-nistp384-cert-v01@openssh.com", B_EC384, 1 },
    { "ecdsa-sha2-nistp521-cert-v01@openssh.com", B_EC521, 1 },
    { "ssh-ed25519-cert-v01@openssh.com", B_ED25519, 1 },
    { "sk-ecdsa-sha2-nistp256-cert-v01@openssh.com", B_SK_EC256, 1 },
    { "sk-ssh-ed25519-cert-v01@openssh.com", B_SK_ED25519, 1 },
};
#define NKTYPES (sizeof ktypes / sizeof ktypes[0])

static const struct ktype *ktype_of(const uint8_t *s, size_t n)
{
    for (size_t i = 0; i < NKTYPES; i++)
        if (strlen(ktypes[i].name) == n && memcmp(ktypes[i].name, s, n) == 0)
            return &ktypes[i];
    return NULL;
}

int kc_known_type(const uint8_t *s, size_t n)
{
    return ktype_of(s, n) != NULL;
}

static unsigned family_of(const struct ktype *t)
{
    static const unsigned fam[] = {
        [B_RSA] = KC_FAM_RSA, [B_DSA] = KC_FAM_DSA, [B_EC256] = KC_FAM_ECDSA,
        [B_EC384] = KC_FAM_ECDSA, [B_EC521] = KC_FAM_ECDSA,
        [B_ED25519] = KC_FAM_ED25519, [B_ED448] = KC_FAM_ED448,
        [B_SK_EC256] = KC_FAM_SK_ECDSA, [B_SK_ED25519] = KC_FAM_SK_ED25519,
    };
    return fam[t->base] | (t->cert ? KC_FAM_CERT : 0u);
}

/* ---- reading the blob ---- */

struct parse {
    struct kk_reader r;
    const char *failed_at;   /* the field the blob ended in */
};

static struct kk_span get_str(struct parse *p, const char *what)
{
    struct kk_span s = kk_get_string(&p->r);
    if (!kk_reader_ok(&p->r) && p->failed_at == NULL)
        p->failed_at = what;
    return s;
}

static void get_u64(struct parse *p, const char *what)
{
    (void)kk_get_u64(&p->r);
    if (!kk_reader_ok(&p->r) && p->failed_at == NULL)
        p->failed_at = what;
}

static void get_u32(struct parse *p, const char *what)
{
    (void)kk_get_u32(&p->r);
    if (!kk_reader_ok(&p->r) && p->failed_at == NULL)
        p->failed_at = what;
}

/* ---- elliptic curves: groups made once, checked without an EVP_PKEY ---- */

static EC_GROUP *groups[3];
static BN_CTX *bnctx;

static int on_curve(int which, struct kk_span q)
{
    static const int nids[3] = { NID_X9_62_prime256v1, NID_secp384r1, NID_secp521r1 };
    EC_POINT *pt;
    int ok;

    if (bnctx == NULL && (bnctx = BN_CTX_new()) == NULL)
        return -1;
    if (groups[which] == NULL &&
        (groups[which] = EC_GROUP_new_by_curve_name(nids[which])) == NULL)
        return -1;
    if ((pt = EC_POINT_new(groups[which])) == NULL)
        return -1;
    /* oct2point refuses a point off the curve; the point at infinity is no
     * public key either. */
    ok = q.len > 1 && q.ptr[0] == 0x04 &&
         EC_POINT_oct2point(groups[which], pt, q.ptr, q.len, bnctx) == 1 &&
         !EC_POINT_is_at_infinity(groups[which], pt);
    EC_POINT_free(pt);
    return ok;
}

/* ---- the checks ---- */

static void add(struct kc_ctx *c, const char *id, long line, long col,
                const char *fix, const char *msg)
{
    const struct kc_rule *r = kc_rule_by_id(id);
    if (kc_add(c->f, id, r != NULL ? r->level : KC_ERROR, line, col, fix, "%s", msg) != 0)
        c->nomem = 1;
    if (r == NULL || r->level == KC_ERROR)
        c->f->repairable = 0;
}

#define FIX_RECOPY "the key was damaged when copied: copy the whole line again " \
                   "from the original .pub file"
#define FIX_NEWKEY KC_FIX_NEWKEY

/* sshd reads an mpint of at most this many bytes (OpenSSH's
 * SSHBUF_MAX_BIGNUM + 1 for the sign byte), leading zeros included. */
#define SSHD_MPINT_MAX 2049

/* An mpint's magnitude; 0 on a negative one or one longer than sshd reads.
 * Extra leading zero bytes within that length are skipped, not refused:
 * sshd and ssh-keygen accept them, so a key written that way deploys. */
static int mpint_mag(struct kk_span s, struct kk_span *mag)
{
    *mag = s;
    if (s.len == 0)
        return 1;
    if (s.ptr[0] & 0x80)
        return 0;
    while (mag->len > 0 && mag->ptr[0] == 0) {
        mag->ptr++;
        mag->len--;
    }
    /* Padding past the limit; a number that large in itself is left to
     * the size checks, which say so better. */
    return s.len <= SSHD_MPINT_MAX || mag->len >= SSHD_MPINT_MAX;
}

static int bitlen(struct kk_span m)
{
    if (m.len == 0)
        return 0;
    int b = (int)(m.len - 1) * 8;
    for (uint8_t top = m.ptr[0]; top != 0; top >>= 1)
        b++;
    return b;
}

/* e as a small number, saturated (only its size and parity matter). */
static unsigned long small_value(struct kk_span m)
{
    unsigned long v = 0;
    if (m.len > sizeof v)
        return (unsigned long)-1 - (m.ptr[m.len - 1] & 1 ? 0 : 1);
    for (size_t i = 0; i < m.len; i++)
        v = v << 8 | m.ptr[i];
    return v;
}

static void check_rsa(struct kc_ctx *c, struct kk_span e, struct kk_span n,
                      long line, long col, struct kc_key *k)
{
    char msg[KK_MSG_MAX];
    int bits = bitlen(n);
    unsigned long ev = small_value(e);

    k->bits = bits;
    k->data_col = col;
    if (bits < RSA_MIN_BITS) {
        snprintf(msg, sizeof msg, "RSA key of %d bits is too small (at least %d "
                 "bits are needed)", bits, RSA_MIN_BITS);
        add(c, "rsa-too-small", line, col, FIX_NEWKEY, msg);
    } else if (bits > RSA_MAX_BITS) {
        snprintf(msg, sizeof msg, "RSA key of %d bits is larger than %d bits",
                 bits, RSA_MAX_BITS);
        add(c, "rsa-too-large", line, col, "make a key of 3072 or 4096 bits", msg);
        return;
    } else if (bits < RSA_WARN_BITS) {
        snprintf(msg, sizeof msg, "RSA key of %d bits is below the recommended "
                 "%d bits", bits, RSA_WARN_BITS);
        add(c, "rsa-below-3072", line, col,
            "plan a new key: ssh-keygen -t ed25519 (or -t rsa -b 3072)", msg);
    }
    if (ev < 3) {
        snprintf(msg, sizeof msg, "the RSA public exponent is %lu; it must be "
                 "at least 3", ev);
        add(c, "rsa-exponent-small", line, col, FIX_NEWKEY, msg);
    } else if ((ev & 1) == 0) {
        add(c, "rsa-exponent-even", line, col, FIX_NEWKEY,
            "the RSA public exponent is even");
    }
    if (n.len == 0 || (n.ptr[n.len - 1] & 1) == 0) {
        add(c, "rsa-modulus-even", line, col, FIX_NEWKEY,
            "the RSA modulus is even, so it is not a product of two large primes");
        k->n_len = 0;     /* it would share the factor 2 with nothing real */
        return;
    }
    if (!c->opts->weak || bits < 64)
        return;
    unsigned long factor = 0;
    unsigned which = KC_WEAK_CLOSE_PRIMES | KC_WEAK_ROCA;
    if (c->opts->batch_small_factor) {
        /* Its finding takes the place it would have had here. */
        k->small_pending = 1;
        k->small_seq = 2 * c->f->nfindings + 1;
    } else {
        which |= KC_WEAK_SMALL_FACTOR;
    }
    unsigned w = kc_weak_rsa_tests(n.ptr, n.len, which, &factor);
    if (w & KC_WEAK_SMALL_FACTOR) {
        if (kc_add_small_factor(c->f, line, col, factor) != 0)
            c->nomem = 1;
        c->f->repairable = 0;
        k->small_factor = 1;
    }
    if (w & KC_WEAK_CLOSE_PRIMES)
        add(c, "rsa-close-primes", line, col, FIX_NEWKEY,
            "the RSA modulus factors at once by Fermat's method: its two "
            "primes are too close together");
    if (w & KC_WEAK_ROCA)
        add(c, "rsa-roca", line, col,
            "make a new key off the affected device, and update its "
            "firmware (Infineon RSA library, CVE-2017-15361)",
            "the RSA modulus has the ROCA fingerprint: its private key can be "
            "computed (CVE-2017-15361)");
}

/* A small-factor test left for the batch, on a key that will not go into
 * it: run now, in the place it was left. */
static void small_factor_now(struct kc_ctx *c, struct kc_key *k, const uint8_t *n,
                             size_t len)
{
    unsigned long factor = 0;

    k->small_pending = 0;
    if (!(kc_weak_rsa_tests(n, len, KC_WEAK_SMALL_FACTOR, &factor) & KC_WEAK_SMALL_FACTOR))
        return;
    if (kc_add_small_factor(c->f, k->line, k->data_col, factor) != 0) {
        c->nomem = 1;
        return;
    }
    c->f->findings[c->f->nfindings - 1].seq = k->small_seq;
    c->f->repairable = 0;
    k->small_factor = 1;
}

static void check_profile(struct kc_ctx *c, const struct kc_key *k, long line,
                          long col)
{
    const struct kc_profile *p = c->prof;
    char msg[KK_MSG_MAX], fix[KK_MSG_MAX];
    unsigned base = k->family & ~(unsigned)KC_FAM_CERT;

    snprintf(fix, sizeof fix, "the %s profile takes: %s", p->name, p->summary);
    if (base == KC_FAM_DSA)
        return;      /* dsa-deprecated says it for every profile */
    if ((p->families & base) == 0 ||
        ((k->family & KC_FAM_CERT) && (p->families & KC_FAM_CERT) == 0)) {
        snprintf(msg, sizeof msg, "the %s profile does not accept %s keys",
                 p->name, k->type);
        add(c, "profile-type", line, col, fix, msg);
        return;
    }
    if (base != KC_FAM_RSA || k->bits < RSA_MIN_BITS)
        return;
    if (p->rsa_sizes != NULL) {
        int ok = 0;
        for (const unsigned *s = p->rsa_sizes; *s != 0; s++)
            ok |= (unsigned)k->bits == *s;
        if (!ok) {
            snprintf(msg, sizeof msg, "the %s profile does not accept RSA keys "
                     "of %d bits", p->name, k->bits);
            add(c, "profile-rsa-size", line, col, fix, msg);
        }
    } else if ((p->rsa_min != 0 && (unsigned)k->bits < p->rsa_min) ||
               (p->rsa_max != 0 && (unsigned)k->bits > p->rsa_max)) {
        snprintf(msg, sizeof msg, "the %s profile does not accept RSA keys of "
                 "%d bits", p->name, k->bits);
        add(c, "profile-rsa-size", line, col, fix, msg);
    }
}

/* Parses the blob's key fields for base type t; 0 with a finding added when
 * something is wrong. */
static int parse_fields(struct kc_ctx *c, struct parse *p, const struct ktype *t,
                        long line, long col, struct kc_key *k)
{
    char msg[KK_MSG_MAX];
    struct kk_span a, b, m1, m2;
    static const int ec_bits[] = { [B_EC256] = 256, [B_EC384] = 384, [B_EC521] = 521 };
    static const char *const ec_curve[] = { [B_EC256] = "nistp256",
        [B_EC384] = "nistp384", [B_EC521] = "nistp521" };

    switch (t->base) {
    case B_RSA:
        a = get_str(p, "RSA exponent");
        b = get_str(p, "RSA modulus");
        if (!kk_reader_ok(&p->r))
            return 0;
        if (!mpint_mag(a, &m1) || !mpint_mag(b, &m2)) {
            add(c, "bad-blob", line, col, FIX_RECOPY,
                "the RSA exponent or modulus is negative, or longer than sshd reads");
            return -1;
        }
        k->n_off = (size_t)(m2.ptr - p->r.data);
        k->n_len = m2.len;
        check_rsa(c, m1, m2, line, col, k);
        return 1;
    case B_DSA:
        a = get_str(p, "DSA p");
        get_str(p, "DSA q");
        get_str(p, "DSA g");
        b = get_str(p, "DSA public value");
        if (!kk_reader_ok(&p->r))
            return 0;
        k->bits = mpint_mag(a, &m1) ? bitlen(m1) : 0;
        add(c, "dsa-deprecated", line, col, FIX_NEWKEY,
            "DSA keys are deprecated and no longer accepted by OpenSSH 10");
        return 1;
    case B_EC256: case B_EC384: case B_EC521:
    case B_SK_EC256: {
        enum base eb = t->base == B_SK_EC256 ? B_EC256 : t->base;
        a = get_str(p, "curve name");
        b = get_str(p, "ECDSA point");
        if (t->base == B_SK_EC256)
            get_str(p, "security key application");
        if (!kk_reader_ok(&p->r))
            return 0;
        k->bits = ec_bits[eb];
        if (a.len != strlen(ec_curve[eb]) || memcmp(a.ptr, ec_curve[eb], a.len) != 0) {
            char shown[80];
            kk_escape(a.ptr, a.len, shown, sizeof shown);
            snprintf(msg, sizeof msg, "the blob names curve '%s' for a %s key",
                     shown, ec_curve[eb]);
            add(c, "bad-blob", line, col, FIX_RECOPY, msg);
            return -1;
        }
        int r = on_curve(eb - B_EC256, b);
        if (r < 0) {
            c->nomem = 1;
            return -1;
        }
        if (r == 0) {
            snprintf(msg, sizeof msg, "the ECDSA public point is not on the %s "
                     "curve", ec_curve[eb]);
            add(c, "ecdsa-off-curve", line, col, FIX_RECOPY, msg);
            return -1;
        }
        return 1;
    }
    case B_ED25519: case B_ED448: case B_SK_ED25519: {
        size_t want = t->base == B_ED448 ? 57 : 32;
        a = get_str(p, "public key");
        if (t->base == B_SK_ED25519)
            get_str(p, "security key application");
        if (!kk_reader_ok(&p->r))
            return 0;
        k->bits = t->base == B_ED448 ? 456 : 256;
        if (a.len != want) {
            snprintf(msg, sizeof msg, "the %s key is %zu bytes long; it must be %zu",
                     t->base == B_ED448 ? "Ed448" : "Ed25519", a.len, want);
            add(c, t->base == B_ED448 ? "ed448-length" : "ed25519-length", line,
                col, FIX_RECOPY, msg);
            return -1;
        }
        return 1;
    }
    }
    return -1;
}

static void cert_tail(struct parse *p)
{
    get_u64(p, "certificate serial");
    get_u32(p, "certificate type");
    get_str(p, "certificate key id");
    get_str(p, "certificate principals");
    get_u64(p, "certificate validity");
    get_u64(p, "certificate validity");
    get_str(p, "certificate critical options");
    get_str(p, "certificate extensions");
    get_str(p, "certificate reserved field");
    get_str(p, "certificate signature key");
    get_str(p, "certificate signature");
}

static int is_blank(uint8_t ch)
{
    return ch == ' ' || ch == '\t';
}

/* Removes " at byte N" from core's base64 message: keycheck gives columns. */
static void strip_at_byte(char *m)
{
    char *at = strstr(m, " at byte ");
    if (at != NULL)
        *at = '\0';
}

static void check_comment(struct kc_ctx *c, const uint8_t *in, size_t ls,
                          size_t c0, size_t e, long line, struct kc_key *k)
{
    size_t ctl = e, high = e;
    char msg[KK_MSG_MAX];

    for (size_t i = c0; i < e; i++) {
        if ((in[i] < 0x20 && in[i] != '\t') || in[i] == 0x7f) {
            if (ctl == e)
                ctl = i;
        } else if (in[i] >= 0x80 && high == e) {
            high = i;
        }
    }
    if (ctl < e) {
        snprintf(msg, sizeof msg, "the comment holds the control character \\x%02X",
                 in[ctl]);
        add(c, "control-in-comment", line, kc_col(ls, ctl),
            "edit the comment to plain text", msg);
    }
    if (high < e) {
        if (c->prof->ascii_only) {
            snprintf(msg, sizeof msg, "the %s profile does not accept non-ASCII "
                     "text in the comment", c->prof->name);
            add(c, "profile-non-ascii", line, kc_col(ls, high),
                "write the comment in ASCII", msg);
        } else {
            add(c, "non-ascii-comment", line, kc_col(ls, high),
                "write the comment in ASCII; some servers and clouds drop such keys",
                "the comment holds non-ASCII text");
        }
    }
    char *shown = malloc((e - c0) * 4 + 4);
    if (shown == NULL) {
        c->nomem = 1;
        return;
    }
    kk_escape(in + c0, e - c0, shown, (e - c0) * 4 + 4);
    k->comment = shown;
}

static struct kc_key *new_key(struct kc_ctx *c)
{
    struct kc_file *f = c->f;
    if (f->nkeys == f->capk) {
        size_t cap = f->capk ? f->capk * 2 : 4;
        struct kc_key *p = realloc(f->keys, cap * sizeof *p);
        if (p == NULL) {
            c->nomem = 1;
            return NULL;
        }
        f->keys = p;
        f->capk = cap;
    }
    struct kc_key *k = &f->keys[f->nkeys];
    *k = (struct kc_key){ 0 };
    return k;
}

int kc_keyline(struct kc_ctx *c, const uint8_t *in, size_t ls, size_t s,
               size_t e, long line)
{
    char msg[KK_MSG_MAX], shown[96];
    struct kk_error err;
    size_t te = s;

    while (te < e && !is_blank(in[te]))
        te++;
    const struct ktype *t = ktype_of(in + s, te - s);
    if (t == NULL) {
        kk_escape(in + s, te - s, shown, sizeof shown);
        snprintf(msg, sizeof msg, "unknown key type '%s'", shown);
        add(c, "unknown-type", line, kc_col(ls, s),
            "use a key of type ssh-ed25519, ecdsa-sha2-nistp256/384/521, "
            "ssh-rsa, or an sk-* security key", msg);
        return 0;
    }
    size_t b0 = te;
    while (b0 < e && is_blank(in[b0]))
        b0++;
    size_t b1 = b0;
    while (b1 < e && !is_blank(in[b1]))
        b1++;
    if (b0 == b1) {
        snprintf(msg, sizeof msg, "no base64 key data after '%s'", t->name);
        add(c, "missing-base64", line, kc_col(ls, te), FIX_RECOPY, msg);
        return 1;
    }
    long bcol = kc_col(ls, b0);
    kk_buf_reset(&c->blob);
    kk_error_clear(&err);
    if (kk_base64_decode((const char *)in + b0, b1 - b0, 0, &c->blob, &err) != KK_OK) {
        if (err.code == KK_ERR_NOMEM) {
            c->nomem = 1;
            return 1;
        }
        size_t off = err.offset > 0 ? (size_t)err.offset : 0;
        if (err.code == KK_ERR_TRUNCATED) {
            add(c, "bad-base64", line, kc_col(ls, b1),
                FIX_RECOPY, "the base64 key data is cut short (its length is "
                "not a multiple of 4)");
        } else {
            uint8_t ch = in[b0 + off];
            strip_at_byte(err.msg);
            if (ch < 0x20 || ch >= 0x7f || ch == '\'' || ch == '\\')
                snprintf(msg, sizeof msg, "invalid base64 character \\x%02X", ch);
            else if (strncmp(err.msg, "invalid base64 character", 24) == 0)
                snprintf(msg, sizeof msg, "invalid base64 character '%c'", ch);
            else
                snprintf(msg, sizeof msg, "%s", err.msg);
            add(c, "bad-base64", line, kc_col(ls, b0 + off), FIX_RECOPY, msg);
        }
        return 1;
    }

    struct parse p = { .failed_at = NULL };
    kk_reader_init(&p.r, c->blob.data, c->blob.len);
    struct kk_span bt = get_str(&p, "type name");
    if (kk_reader_ok(&p.r) &&
        (bt.len != strlen(t->name) || memcmp(bt.ptr, t->name, bt.len) != 0)) {
        kk_escape(bt.ptr, bt.len, shown, sizeof shown);
        snprintf(msg, sizeof msg, "the line says '%s' but the key blob holds '%s'",
                 t->name, shown);
        add(c, "type-mismatch", line, kc_col(ls, s),
            "the line was edited or pieced together from two keys; copy it "
            "again from the original .pub file", msg);
        return 1;
    }
    struct kc_key *k = new_key(c);
    if (k == NULL)
        return 1;
    k->line = line;
    k->col = kc_col(ls, s);
    snprintf(k->type, sizeof k->type, "%s", t->name);
    k->family = family_of(t);
    if (t->cert)
        get_str(&p, "certificate nonce");
    int r = kk_reader_ok(&p.r) ? parse_fields(c, &p, t, line, bcol, k) : 0;
    if (r > 0 && t->cert)
        cert_tail(&p);
    if (r >= 0 && !kk_reader_ok(&p.r)) {
        snprintf(msg, sizeof msg, "the key blob is truncated: it ends inside its %s",
                 p.failed_at != NULL ? p.failed_at : "fields");
        add(c, "truncated-blob", line, bcol, FIX_RECOPY, msg);
        /* A certificate cut short after its RSA fields: the key is not
         * kept, so its small-factor test cannot wait for the batch. */
        if (k->small_pending)
            small_factor_now(c, k, c->blob.data + k->n_off, k->n_len);
        return 1;
    }
    if (r < 0)
        return 1;
    size_t left = kk_reader_left(&p.r);
    if (left != 0) {
        snprintf(msg, sizeof msg, "%zu byte%s after the end of the key blob",
                 left, left == 1 ? "" : "s");
        add(c, "trailing-bytes", line, bcol, FIX_RECOPY, msg);
        /* A wrong modulus must not reach the batch GCD. */
        if (k->small_pending)
            small_factor_now(c, k, c->blob.data + k->n_off, k->n_len);
        k->n_len = 0;
    }
    k->blob = malloc(c->blob.len);
    if (k->blob == NULL) {
        c->nomem = 1;
        return 1;
    }
    memcpy(k->blob, c->blob.data, c->blob.len);
    k->blob_len = c->blob.len;
    c->f->nkeys++;
    check_profile(c, k, line, k->col);
    size_t c0 = b1;
    while (c0 < e && is_blank(in[c0]))
        c0++;
    check_comment(c, in, ls, c0, e, line, k);
    return 1;
}
