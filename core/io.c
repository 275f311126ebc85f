/* Capped, gzip-transparent reading and atomic writing; see io.h. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <openssl/crypto.h>
#include <zlib.h>
#include "io.h"

#define READ_CHUNK 16384
#define SIZE_HINT "raise the limit with --max-input-size"

/* ---- reading */

static int read_fd(int fd, size_t max, struct kk_buf *raw, struct kk_error *err)
{
    uint8_t chunk[READ_CHUNK];
    int rc = KK_OK;

    for (;;) {
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            rc = kk_fail_errno(err, KK_ERR_IO, "cannot read");
            break;
        }
        if (n == 0)
            break;
        /* The cap is checked before the buffer grows. */
        if ((size_t)n > max - raw->len) {
            kk_fail(err, KK_ERR_TOO_BIG, "input is larger than %zu bytes", max);
            rc = kk_hint(err, SIZE_HINT);
            break;
        }
        if (kk_buf_put(raw, chunk, (size_t)n) != 0) {
            rc = kk_fail(err, KK_ERR_NOMEM, NULL);
            break;
        }
    }
    OPENSSL_cleanse(chunk, sizeof chunk);
    return rc;
}

/* zlib keeps a window of inflated (maybe secret) bytes: allocate through
 * functions that remember each block's size so it can be wiped. */
struct zblock {
    size_t size;
    max_align_t align;
};

static voidpf zalloc_wiping(voidpf opaque, uInt items, uInt size)
{
    (void)opaque;
    if (size != 0 && items > (SIZE_MAX - sizeof(struct zblock)) / size)
        return Z_NULL;
    size_t n = (size_t)items * size;
    struct zblock *b = malloc(sizeof *b + n);
    if (b == NULL)
        return Z_NULL;
    b->size = n;
    return b + 1;
}

static void zfree_wiping(voidpf opaque, voidpf p)
{
    (void)opaque;
    if (p == NULL)
        return;
    struct zblock *b = (struct zblock *)p - 1;
    OPENSSL_cleanse(p, b->size);
    free(b);
}

/* Byte k of the input not yet consumed: zlib's window, then the rest. */
static uint8_t next_byte(const z_stream *zs, const uint8_t *rest, size_t k)
{
    return k < zs->avail_in ? zs->next_in[k] : rest[k - zs->avail_in];
}

static int gunzip(const uint8_t *in, size_t len, size_t max, struct kk_buf *out,
                  struct kk_error *err)
{
    uint8_t chunk[READ_CHUNK];
    size_t total = 0;
    int rc = KK_OK;
    z_stream zs = {
        .next_in = Z_NULL,
        .avail_in = 0,
        .zalloc = zalloc_wiping,
        .zfree = zfree_wiping,
        .opaque = Z_NULL,
    };

    /* 16 + MAX_WBITS: a gzip wrapper, not raw zlib. */
    if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK)
        return kk_fail(err, KK_ERR_NOMEM, "cannot start gzip decompression");
    while (rc == KK_OK) {
        if (zs.avail_in == 0) {
            if (len == 0) {
                rc = kk_fail(err, KK_ERR_TRUNCATED, "gzip data is truncated");
                break;
            }
            uInt n = len > UINT_MAX ? UINT_MAX : (uInt)len;
            zs.next_in = (Bytef *)(uintptr_t)in;
            zs.avail_in = n;
            in += n;
            len -= n;
        }
        zs.next_out = chunk;
        zs.avail_out = sizeof chunk;
        int z = inflate(&zs, Z_NO_FLUSH);
        size_t made = sizeof chunk - zs.avail_out;
        /* Stop at the first chunk past the cap: a bomb costs no more. */
        if (made > max - total) {
            kk_fail(err, KK_ERR_TOO_BIG, "decompressed input is larger than %zu bytes", max);
            rc = kk_hint(err, SIZE_HINT);
            break;
        }
        if (out->max < out->len || made > out->max - out->len) {
            kk_fail(err, KK_ERR_TOO_BIG, "decompressed input is larger than %zu bytes", out->max);
            rc = kk_hint(err, SIZE_HINT);
            break;
        }
        if (made > 0 && kk_buf_put(out, chunk, made) != 0) {
            rc = kk_fail(err, KK_ERR_NOMEM, NULL);
            break;
        }
        total += made;
        if (z == Z_STREAM_END) {
            size_t left = zs.avail_in + len;
            if (left == 0)
                break;
            /* gzip allows several members one after another. */
            if (left < 2 || next_byte(&zs, in, 0) != 0x1f || next_byte(&zs, in, 1) != 0x8b) {
                rc = kk_fail(err, KK_ERR_FORMAT, "unexpected data after the gzip data");
                break;
            }
            if (inflateReset(&zs) != Z_OK)
                rc = kk_fail(err, KK_ERR_INTERNAL, "cannot restart gzip decompression");
            continue;
        }
        if (z == Z_MEM_ERROR) {
            rc = kk_fail(err, KK_ERR_NOMEM, NULL);
        } else if (z == Z_BUF_ERROR) {
            /* No progress: fine only if more input is waiting. */
            if (zs.avail_in == 0 && len != 0)
                continue;
            if (zs.avail_in == 0)
                rc = kk_fail(err, KK_ERR_TRUNCATED, "gzip data is truncated");
            else
                rc = kk_fail(err, KK_ERR_FORMAT, "gzip data is corrupt");
        } else if (z != Z_OK) {
            rc = kk_fail(err, KK_ERR_FORMAT, "gzip data is corrupt");
        }
    }
    inflateEnd(&zs);
    OPENSSL_cleanse(chunk, sizeof chunk);
    return rc;
}

int kk_read_input(const char *path, const struct kk_limits *lim,
                  struct kk_buf *out, struct kk_error *err)
{
    struct kk_limits defaults = kk_limits_default();
    struct kk_buf raw;
    size_t start = out->len;
    int fd = -1;
    int rc = KK_OK;

    if (lim == NULL)
        lim = &defaults;
    /* A zero cap is an unset one: the default, never unlimited. */
    size_t max_input = lim->max_input != 0 ? lim->max_input : KK_DEFAULT_MAX_INPUT;
    size_t max_dec = lim->max_decompressed != 0 ? lim->max_decompressed
                                                : KK_DEFAULT_MAX_DECOMPRESSED;
    kk_buf_init(&raw, max_input);
    if (path == NULL)
        return kk_fail(err, KK_ERR_INTERNAL, "no input path");
    if (strcmp(path, "-") == 0) {
        fd = STDIN_FILENO;
    } else {
        do
            fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        while (fd < 0 && errno == EINTR);
        if (fd < 0) {
            rc = kk_fail_errno(err, KK_ERR_IO, "cannot open");
            goto out;
        }
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        rc = kk_fail_errno(err, KK_ERR_IO, "cannot read");
        goto out;
    }
    if (S_ISDIR(st.st_mode)) {
        rc = kk_fail(err, KK_ERR_IO, "is a directory");
        if (err != NULL)
            err->sys_errno = EISDIR;
        goto out;
    }
    /* A regular file's size is known: one allocation instead of a doubling
     * series of copies (each wiped), which made a 30 MB hostile file cost
     * most of a second.  A file larger than the cap still fails in read_fd,
     * after reading no more than the cap. */
    if (S_ISREG(st.st_mode) && st.st_size > 0 && (uintmax_t)st.st_size < raw.max &&
        kk_buf_reserve(&raw, (size_t)st.st_size + 1) != 0) {
        rc = kk_fail(err, KK_ERR_NOMEM, NULL);
        goto out;
    }
    if ((rc = read_fd(fd, raw.max, &raw, err)) != KK_OK)
        goto out;
    if (raw.len >= 2 && raw.data[0] == 0x1f && raw.data[1] == 0x8b) {
        rc = gunzip(raw.data, raw.len, max_dec, out, err);
    } else if (out->max < out->len || raw.len > out->max - out->len) {
        kk_fail(err, KK_ERR_TOO_BIG, "input is larger than %zu bytes", out->max);
        rc = kk_hint(err, SIZE_HINT);
    } else if (out->data == NULL && !out->failed) {
        /* An empty output takes the read buffer as it is: no second copy.
         * It keeps its own cap, which the check above showed len is under. */
        size_t out_max = out->max;
        *out = raw;
        out->max = out_max;
        kk_buf_init(&raw, max_input);
    } else if (kk_buf_put(out, raw.data, raw.len) != 0) {
        rc = kk_fail(err, KK_ERR_NOMEM, NULL);
    }
    /* Decoders may do pointer arithmetic on the data even when it is empty,
     * so it must never be NULL. */
    if (rc == KK_OK && kk_buf_terminate(out) != 0)
        rc = kk_fail(err, KK_ERR_NOMEM, NULL);
out:
    if (fd >= 0 && fd != STDIN_FILENO)
        close(fd);
    kk_buf_free(&raw);
    if (rc != KK_OK && out->data != NULL && out->len > start) {
        OPENSSL_cleanse(out->data + start, out->len - start);
        out->len = start;
    }
    return rc;
}

/* ---- writing */

int kk_path_exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

static int write_all(int fd, const uint8_t *data, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, data, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

/* "cannot VERB" with errno; writesets name the file, since their caller
 * cannot tell which of its files failed. */
static int io_fail(struct kk_error *err, const char *verb, const char *shown)
{
    if (shown != NULL)
        return kk_fail_errno(err, KK_ERR_IO, "cannot %s %s", verb, shown);
    return kk_fail_errno(err, KK_ERR_IO, "cannot %s", verb);
}

/* Directory part of path, "." if none; caller frees. */
static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (slash == NULL)
        return strdup(".");
    size_t n = slash == path ? 1 : (size_t)(slash - path);
    char *d = malloc(n + 1);
    if (d != NULL) {
        memcpy(d, path, n);
        d[n] = '\0';
    }
    return d;
}

/* Makes the rename durable; some file systems cannot fsync a directory,
 * and the file itself is already synced, so failures are not reported. */
static void sync_dir(const char *path)
{
    char *dir = dir_of(path);
    if (dir == NULL)
        return;
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
    free(dir);
}

/* Writes data into a new ".<base>.kktmp.XXXXXX" beside path; *tmp is the
 * temp file's name (caller frees), NULL on failure (nothing left behind). */
static int write_temp(const char *path, const uint8_t *data, size_t len, mode_t mode,
                      const char *shown, char **tmp, struct kk_error *err)
{
    static const char suffix[] = ".kktmp.XXXXXX";
    const char *slash = strrchr(path, '/');
    const char *base = slash != NULL ? slash + 1 : path;
    size_t dlen = (size_t)(base - path);
    size_t blen = strlen(base);
    char *name = NULL;
    int fd = -1;
    int created = 0;
    int rc = KK_OK;

    *tmp = NULL;
    if (*path == '\0') {
        errno = ENOENT;
        rc = io_fail(err, "create file", shown);
        goto out;
    }
    if (blen == 0 || strcmp(base, ".") == 0 || strcmp(base, "..") == 0) {
        rc = kk_fail(err, KK_ERR_IO, "is a directory");
        if (err != NULL)
            err->sys_errno = EISDIR;
        goto out;
    }
    name = malloc(dlen + 1 + blen + sizeof suffix);
    if (name == NULL) {
        rc = kk_fail(err, KK_ERR_NOMEM, NULL);
        goto out;
    }
    memcpy(name, path, dlen);
    name[dlen] = '.';
    memcpy(name + dlen + 1, base, blen);
    memcpy(name + dlen + 1 + blen, suffix, sizeof suffix);
    fd = mkstemp(name);
    if (fd < 0) {
        rc = io_fail(err, shown != NULL ? "create" : "create file", shown);
        goto out;
    }
    created = 1;
    /* fchmod, not open's mode: the result must not depend on the umask. */
    if (fchmod(fd, mode & 07777) != 0) {
        rc = io_fail(err, "set the mode of", shown != NULL ? shown : "the file");
        goto out;
    }
    if (write_all(fd, data, len) != 0) {
        rc = io_fail(err, "write", shown);
        goto out;
    }
    if (fsync(fd) != 0) {
        rc = io_fail(err, "write", shown);
        goto out;
    }
    int c = close(fd);
    fd = -1;
    if (c != 0) {
        rc = io_fail(err, "write", shown);
        goto out;
    }
out:
    if (fd >= 0)
        close(fd);
    if (rc != KK_OK && name != NULL) {
        if (created)
            unlink(name);
        free(name);
        name = NULL;
    }
    *tmp = name;
    return rc;
}

static int exists_error(struct kk_error *err, const char *shown)
{
    if (shown != NULL)
        kk_fail(err, KK_ERR_EXISTS, "%s already exists", shown);
    else
        kk_fail(err, KK_ERR_EXISTS, "already exists");
    if (err != NULL)
        err->sys_errno = EEXIST;
    return kk_hint(err, "use --force to replace it");
}

/* Puts tmp at path without replacing anything there, even a file made
 * since the last check: link() fails with EEXIST.  File systems without
 * hard links fall back to check-then-rename.  *linked says whether tmp
 * still exists beside path (the caller unlinks it). */
static int place_noreplace(const char *tmp, const char *path, int *linked,
                           const char *shown, struct kk_error *err)
{
    *linked = 0;
    if (link(tmp, path) == 0) {
        *linked = 1;
        return KK_OK;
    }
    if (errno == EEXIST)
        return exists_error(err, shown);
    if (errno != EPERM && errno != EOPNOTSUPP && errno != ENOSYS && errno != EMLINK)
        return io_fail(err, shown != NULL ? "create" : "create file", shown);
    if (kk_path_exists(path))
        return exists_error(err, shown);
    if (rename(tmp, path) != 0)
        return io_fail(err, shown != NULL ? "create" : "create file", shown);
    return KK_OK;
}

static int write_stdout(const uint8_t *data, size_t len, struct kk_error *err)
{
    fflush(stdout);
    if (write_all(STDOUT_FILENO, data, len) != 0)
        return kk_fail_errno(err, KK_ERR_IO, "cannot write");
    return KK_OK;
}

int kk_write_file(const char *path, const uint8_t *data, size_t len,
                  mode_t mode, unsigned flags, struct kk_error *err)
{
    char *tmp = NULL;
    int rc;

    if (path == NULL)
        return kk_fail(err, KK_ERR_INTERNAL, "no output path");
    if (strcmp(path, "-") == 0)
        return write_stdout(data, len, err);
    /* No early exists check: link() below is the check, and it also
     * catches a file made while the temp file was written. */
    if ((rc = write_temp(path, data, len, mode, NULL, &tmp, err)) != KK_OK)
        return rc;
    int tmp_left = 1;
    if (flags & KK_WRITE_FORCE) {
        if (rename(tmp, path) != 0)
            rc = kk_fail_errno(err, KK_ERR_IO, "cannot create file");
        else
            tmp_left = 0;
    } else {
        int linked = 0;
        rc = place_noreplace(tmp, path, &linked, NULL, err);
        tmp_left = rc != KK_OK || linked;
    }
    if (tmp_left)
        unlink(tmp);
    free(tmp);
    if (rc == KK_OK)
        sync_dir(path);
    return rc;
}

/* ---- write sets */

void kk_writeset_init(struct kk_writeset *ws, unsigned flags)
{
    memset(ws, 0, sizeof *ws);
    ws->flags = flags;
}

void kk_writeset_abort(struct kk_writeset *ws)
{
    for (size_t i = 0; i < ws->n && i < KK_WRITESET_MAX; i++) {
        if (ws->f[i].tmp != NULL)
            unlink(ws->f[i].tmp);
        free(ws->f[i].tmp);
        free(ws->f[i].path);
        ws->f[i].tmp = NULL;
        ws->f[i].path = NULL;
    }
    ws->n = 0;
}

int kk_writeset_stage(struct kk_writeset *ws, const char *path,
                      const uint8_t *data, size_t len, mode_t mode,
                      struct kk_error *err)
{
    int rc;

    if (path == NULL || strcmp(path, "-") == 0) {
        rc = kk_fail(err, KK_ERR_INTERNAL, "a write set needs file names");
        goto fail;
    }
    if (ws->n >= KK_WRITESET_MAX) {
        rc = kk_fail(err, KK_ERR_INTERNAL, "more than %d files in a write set",
                     KK_WRITESET_MAX);
        goto fail;
    }
    if (!(ws->flags & KK_WRITE_FORCE) && kk_path_exists(path)) {
        rc = exists_error(err, path);
        goto fail;
    }
    char *copy = strdup(path);
    if (copy == NULL) {
        rc = kk_fail(err, KK_ERR_NOMEM, NULL);
        goto fail;
    }
    char *tmp;
    if ((rc = write_temp(path, data, len, mode, path, &tmp, err)) != KK_OK) {
        free(copy);
        goto fail;
    }
    ws->f[ws->n].path = copy;
    ws->f[ws->n].tmp = tmp;
    ws->n++;
    return KK_OK;
fail:
    kk_writeset_abort(ws);
    return rc;
}

int kk_writeset_commit(struct kk_writeset *ws, struct kk_error *err)
{
    int linked[KK_WRITESET_MAX] = {0};
    size_t done = 0;
    int rc = KK_OK;

    if (!(ws->flags & KK_WRITE_FORCE)) {
        for (size_t i = 0; i < ws->n; i++) {
            if (kk_path_exists(ws->f[i].path)) {
                rc = exists_error(err, ws->f[i].path);
                goto out;
            }
        }
    }
    for (; done < ws->n; done++) {
        const char *tmp = ws->f[done].tmp, *path = ws->f[done].path;
        if (ws->flags & KK_WRITE_FORCE) {
            if (rename(tmp, path) != 0) {
                rc = kk_fail_errno(err, KK_ERR_IO, "cannot create %s", path);
                goto out;
            }
            free(ws->f[done].tmp);
            ws->f[done].tmp = NULL;
        } else {
            rc = place_noreplace(tmp, path, &linked[done], path, err);
            if (rc != KK_OK)
                goto out;
            if (!linked[done]) {
                free(ws->f[done].tmp);
                ws->f[done].tmp = NULL;
            }
        }
    }
out:
    if (rc != KK_OK && !(ws->flags & KK_WRITE_FORCE)) {
        /* Undo the files this commit created: all or nothing. */
        for (size_t i = 0; i < done; i++)
            unlink(ws->f[i].path);
    }
    if (rc == KK_OK)
        for (size_t i = 0; i < ws->n; i++)
            sync_dir(ws->f[i].path);
    kk_writeset_abort(ws);
    return rc;
}
