/* keybatch's work on one input file; see keybatch_convert.h.
 *
 * Runs on worker threads: it touches only its own item, reads the shared
 * kb_conf, and never prints. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <openssl/crypto.h>
#include "keybatch_convert.h"
#include "../formats/convert.h"

/* Directories keybatch makes hold private keys: like ~/.ssh, only their
 * owner may list them. */
#define DIR_MODE 0700

const char *kb_output_ext(const struct kk_format *fmt)
{
    static const struct {
        const char *name, *ext;
    } exts[] = {
        {"openssh", ""}, {"pem", ".pem"}, {"pkcs8", ".p8"}, {"ppk2", ".ppk"},
        {"ppk3", ".ppk"}, {"sshcom", ""},
    };

    for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++)
        if (strcmp(fmt->name, exts[i].name) == 0)
            return exts[i].ext;
    return "";
}

/* name without its last extension; a leading dot starts no extension. */
static size_t stem_len(const char *name)
{
    const char *dot = strrchr(name, '.');
    return dot != NULL && dot != name ? (size_t)(dot - name) : strlen(name);
}

static char *concat(const char *a, size_t alen, const char *b)
{
    size_t blen = strlen(b);
    char *p = malloc(alen + blen + 1);

    if (p != NULL) {
        memcpy(p, a, alen);
        memcpy(p + alen, b, blen + 1);
    }
    return p;
}

int kb_plan_outputs(struct kb_item *item, const char *outdir, const char *ext,
                    struct kk_error *err)
{
    const char *rel = item->in->rel;
    const char *slash = strrchr(rel, '/');
    const char *name = slash != NULL ? slash + 1 : rel;
    char *sub = NULL, *priv = NULL, *pub = NULL;

    if (slash != NULL) {
        char *d = concat(rel, (size_t)(slash - rel), "");
        sub = d != NULL ? kk_path_join(outdir, d) : NULL;
        free(d);
    } else {
        sub = strdup(outdir);
    }
    if (sub != NULL) {
        size_t n = stem_len(name);
        char *p1 = concat(name, n, ext), *p2 = concat(name, n, ".pub");
        priv = p1 != NULL ? kk_path_join(sub, p1) : NULL;
        pub = p2 != NULL ? kk_path_join(sub, p2) : NULL;
        free(p1);
        free(p2);
    }
    if (sub == NULL || priv == NULL || pub == NULL) {
        free(sub);
        free(priv);
        free(pub);
        return kk_fail(err, KK_ERR_NOMEM, NULL);
    }
    item->out_dir = sub;
    item->out[0] = priv;
    item->out[1] = pub;
    return KK_OK;
}

void kb_item_free(struct kb_item *item)
{
    if (item->staged)
        kk_writeset_abort(&item->ws);
    item->staged = 0;
    free(item->out_dir);
    item->out_dir = NULL;
    for (size_t i = 0; i < KB_OUTPUTS; i++) {
        free(item->out[i]);
        item->out[i] = NULL;
    }
}

void kb_item_fail(struct kb_item *item, enum kb_status status, const struct kk_error *err)
{
    if (item->staged)
        kk_writeset_abort(&item->ws);
    item->staged = 0;
    item->status = status;
    item->err = *err;
    item->encrypted = 0;
    item->plain = 0;
}

/* ---- passphrases */

/* Decodes with each candidate in turn, starting with the one that opened
 * the last key (keys in one tree usually share passphrases).  *used is the
 * candidate that opened an encrypted key. */
static int load_key(struct kb_conf *c, const uint8_t *in, size_t len,
                    const struct kk_format *fmt, struct kk_key **key, size_t *used,
                    struct kk_error *err)
{
    size_t n = c->ncands;
    size_t first = n > 0 ? atomic_load(&c->last_ok) : 0;
    struct kk_pass pass;
    int rc = KK_OK;

    *key = NULL;
    *used = 0;
    if (first >= n)
        first = 0;
    for (size_t k = 0; k < (n > 0 ? n : 1); k++) {
        /* first, then the others in list order */
        size_t i = k == 0 ? first : (k <= first ? k - 1 : k);
        const struct kk_decode_opts opts = {.limits = &c->lim, .pass = &pass};

        kk_pass_init(&pass);
        if (n > 0)
            kk_pass_set(&pass, c->cands[i].text, c->cands[i].len);
        kk_error_clear(err);
        rc = kk_key_load(in, len, fmt, &opts, key, NULL, err);
        kk_pass_wipe(&pass);
        if (rc == KK_OK) {
            if ((*key)->was_encrypted && n > 0) {
                *used = i;
                atomic_store(&c->last_ok, i);
            }
            return KK_OK;
        }
        if (rc != KK_ERR_WRONG_PASS)
            break;
    }
    long line = err->line;
    if (rc == KK_ERR_NEED_PASS) {
        kk_fail(err, KK_ERR_NEED_PASS, "the key is encrypted and no passphrase was given");
        kk_hint(err, "give it with --passin SPEC, or candidates with --passin-list FILE");
        err->line = line;
    } else if (rc == KK_ERR_WRONG_PASS && n == 1) {
        kk_fail(err, KK_ERR_WRONG_PASS, "the passphrase does not open the key");
        kk_hint(err, "check it, or give candidates with --passin-list FILE; if it is "
                "right, the file is corrupt");
        err->line = line;
    } else if (rc == KK_ERR_WRONG_PASS) {
        kk_fail(err, KK_ERR_WRONG_PASS, "none of the %zu passphrases opens the key", n);
        kk_hint(err, "add its passphrase to the --passin-list file; if it is there, "
                "the file is corrupt");
        err->line = line;
    }
    return rc;
}

/* ---- one item */

/* Reads the file the walk found, and only that one: since the walk it may
 * have been replaced by a FIFO (whose open would wait for ever) or by a
 * link out of the tree.  So it is opened without waiting, checked to be
 * the very file the walk saw, and read through that descriptor: /dev/fd/N
 * reopens the open file, not the path. */
static int read_walked(const struct kk_walk_entry *in, const struct kk_limits *lim,
                       struct kk_buf *out, struct kk_error *err)
{
    char fdpath[32];
    struct stat st, again;
    int fd, rc;

    do
        fd = open(in->path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    while (fd < 0 && errno == EINTR);
    if (fd < 0)
        return kk_fail_errno(err, KK_ERR_IO, "cannot open");
    if (fstat(fd, &st) != 0) {
        rc = kk_fail_errno(err, KK_ERR_IO, "cannot read");
    } else if (!S_ISREG(st.st_mode) || st.st_dev != in->dev || st.st_ino != in->ino) {
        kk_fail(err, KK_ERR_IO, "replaced by another file after keybatch listed the "
                "inputs; not read");
        rc = kk_hint(err, "run keybatch again once the files stay put");
    } else {
        snprintf(fdpath, sizeof fdpath, "/dev/fd/%d", fd);
        /* No /dev/fd (no /proc mounted): the path, checked just now. */
        int via_fd = stat(fdpath, &again) == 0 && again.st_dev == st.st_dev &&
                     again.st_ino == st.st_ino;
        rc = kk_read_input(via_fd ? fdpath : in->path, lim, out, err);
    }
    close(fd);
    return rc;
}

/* Whether the first bytes of a file too big to read whole look like any
 * format keykit reads (its sniffers look only at the start). */
static int starts_like_key(const struct kk_walk_entry *in)
{
    uint8_t head[4096];
    ssize_t n;
    int fd;

    do
        fd = open(in->path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    while (fd < 0 && errno == EINTR);
    if (fd < 0)
        return 1;
    do
        n = read(fd, head, sizeof head);
    while (n < 0 && errno == EINTR);
    close(fd);
    if (n < 0)
        return 1;
    /* gzip: what it holds is unknown without inflating it. */
    if (n >= 2 && head[0] == 0x1f && head[1] == 0x8b)
        return 1;
    /* Sniffers skip what comes before a key: do the same, and where the
     * head is all blank, assume a key (it fails, it is not passed over). */
    size_t k = 0;
    if (n >= 3 && memcmp(head, "\xEF\xBB\xBF", 3) == 0)
        k = 3;
    while (k < (size_t)n && strchr(" \t\r\n", head[k]) != NULL && head[k] != '\0')
        k++;
    if (k == (size_t)n)
        return 1;
    return kk_format_detect(head + k, (size_t)n - k) != NULL;
}

static void set_status(struct kb_item *it, enum kb_status st, struct kk_error *err)
{
    it->status = st;
    it->err = *err;
    /* A codec's usage error is this file's failure, not the command's. */
    if (it->err.code == KK_ERR_USAGE)
        it->err.code = KK_ERR_UNSUPPORTED;
}

static void skip(struct kb_item *it, struct kk_error *err, enum kk_code code,
                 const char *why, const char *hint)
{
    kk_error_clear(err);
    kk_fail(err, code, "skipped: %s", why);
    if (hint != NULL)
        kk_hint(err, "%s", hint);
    set_status(it, KB_SKIPPED, err);
}

static void describe(struct kb_item *it, const struct kk_key *key)
{
    struct kk_error ignore;

    it->type = kk_key_type_ssh_name(key->type);
    it->bits = kk_key_bits(key);
    if (kk_key_fingerprint(key, KK_FP_SHA256, it->fp, &ignore) != KK_OK)
        it->fp[0] = '\0';
}

/* Stages both files: all or nothing, nothing replaced without --force. */
static int stage(struct kb_conf *c, struct kb_item *it, const struct kk_buf *priv,
                 const struct kk_buf *pub, struct kk_error *err)
{
    int rc;

    if ((rc = kk_make_dirs(it->out_dir, DIR_MODE, 0, err)) != KK_OK)
        return rc;
    kk_writeset_init(&it->ws, c->force ? KK_WRITE_FORCE : 0);
    if ((rc = kk_writeset_stage(&it->ws, it->out[0], priv->data, priv->len, 0600,
                                err)) != KK_OK ||
        (rc = kk_writeset_stage(&it->ws, it->out[1], pub->data, pub->len, 0644,
                                err)) != KK_OK)
        return rc;              /* the write set removed what it had staged */
    it->staged = 1;
    return KK_OK;
}

static void convert_file(struct kb_conf *c, struct kb_item *it, struct kk_error *err)
{
    struct kk_buf in, priv, pub;
    struct kk_key *key = NULL;
    const struct kk_format *fmt;
    const char *pw = NULL;
    size_t pwlen = 0, used = 0;
    int rc;

    kk_buf_init(&in, 0);
    kk_buf_init(&priv, 0);
    kk_buf_init(&pub, 0);
    if ((rc = read_walked(it->in, &c->lim, &in, err)) != KK_OK) {
        /* Too big to be read whole: a stray image or archive is skipped
         * like any file that is not a key; what starts like a key fails. */
        if (rc == KK_ERR_TOO_BIG && !starts_like_key(it->in)) {
            skip(it, err, KK_ERR_FORMAT, "not a key in any format keykit reads", NULL);
            goto out;
        }
        set_status(it, KB_FAILED, err);
        goto out;
    }
    fmt = kk_format_detect(in.data, in.len);
    if (fmt == NULL || fmt->decode == NULL) {
        skip(it, err, KK_ERR_FORMAT, "not a key in any format keykit reads", NULL);
        goto out;
    }
    if (!(fmt->flags & KK_FMT_PRIVATE)) {
        /* Shown in the report when it reads; skipped either way. */
        const struct kk_decode_opts opts = {.limits = &c->lim, .pass = NULL};
        char why[KK_MSG_MAX];
        if (fmt->decode(in.data, in.len, &opts, &key, err) == KK_OK)
            describe(it, key);
        snprintf(why, sizeof why, "holds only a public key (%s); nothing to convert",
                 fmt->name);
        skip(it, err, KK_ERR_NOT_PRIVATE, why, NULL);
        goto out;
    }
    it->claims = 1;
    /* Before the passphrases are tried: a rerun costs no key derivation. */
    for (size_t i = 0; i < KB_OUTPUTS && !c->force; i++) {
        if (kk_path_exists(it->out[i])) {
            char why[KK_MSG_MAX];
            snprintf(why, sizeof why, "%s already exists", it->out[i]);
            skip(it, err, KK_ERR_EXISTS, why, "use --force to replace it");
            goto out;
        }
    }
    if ((rc = load_key(c, in.data, in.len, fmt, &key, &used, err)) != KK_OK ||
        (rc = kk_key_fits(key, c->fout, err)) != KK_OK) {
        it->claims = 0;
        set_status(it, KB_FAILED, err);
        goto out;
    }
    describe(it, key);

    if (c->passout_given) {
        if (c->passout_len > 0) {
            pw = c->passout;
            pwlen = c->passout_len;
        }
    } else if (key->was_encrypted && !c->no_encrypt && c->ncands > 0 &&
               c->cands[used].len > 0) {
        /* Each output keeps the passphrase that opened its input. */
        pw = c->cands[used].text;
        pwlen = c->cands[used].len;
    }
    const struct kk_encode_opts eo = kk_cli_encode_opts(c->enc, pw, pwlen);
    const struct kk_encode_opts po = {.passphrase = NULL};
    if ((rc = kk_key_save(key, c->fout, &eo, &c->lim, &priv, err)) != KK_OK ||
        (rc = kk_key_save(key, &kk_fmt_openssh_pub, &po, &c->lim, &pub, err)) != KK_OK) {
        it->claims = 0;
        set_status(it, KB_FAILED, err);
        goto out;
    }
    it->encrypted = pw != NULL;
    it->plain = pw == NULL && key->was_encrypted;
    it->status = KB_CONVERTED;
    if (c->dry_run) {
        /* What writing would refuse, short of writing. */
        if ((rc = kk_make_dirs(it->out_dir, DIR_MODE, 1, err)) != KK_OK) {
            it->claims = 0;
            set_status(it, KB_FAILED, err);
        }
        goto out;
    }
    if ((rc = stage(c, it, &priv, &pub, err)) != KK_OK) {
        /* An output that appeared since the check above. */
        it->claims = rc == KK_ERR_EXISTS;
        it->encrypted = it->plain = 0;
        if (rc == KK_ERR_EXISTS) {
            char why[KK_MSG_MAX];
            snprintf(why, sizeof why, "%s", err->msg);
            skip(it, err, KK_ERR_EXISTS, why, "use --force to replace it");
        } else {
            set_status(it, KB_FAILED, err);
        }
    }
out:
    kk_key_free(key);
    kk_buf_free(&in);
    kk_buf_free(&priv);
    kk_buf_free(&pub);
}

void kb_convert(struct kb_conf *c, struct kb_item *it)
{
    struct kk_error err;

    kk_error_clear(&err);
    kk_error_clear(&it->err);
    it->status = KB_FAILED;
    it->claims = it->staged = it->encrypted = it->plain = 0;
    it->type = NULL;
    it->bits = 0;
    it->fp[0] = '\0';

    switch (it->in->kind) {
    case KK_WALK_FILE:
        if (it->same_as != NULL) {
            char why[KK_MSG_MAX];
            snprintf(why, sizeof why, "the same file as %s, converted once", it->same_as->in->path);
            skip(it, &err, KK_ERR_EXISTS, why, NULL);
            break;
        }
        convert_file(c, it, &err);
        break;
    case KK_WALK_ERROR:
        errno = it->in->sys_errno;
        kk_fail_errno(&err, KK_ERR_IO, "cannot read");
        set_status(it, KB_FAILED, &err);
        break;
    default:
        skip(it, &err, KK_ERR_UNSUPPORTED, kk_walk_kind_text(it->in->kind), NULL);
        break;
    }
    OPENSSL_cleanse(&err, sizeof err);
}
