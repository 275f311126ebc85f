/* Capped, gzip-transparent reading and atomic writing; see io.h. */
/* O_TMPFILE is a Linux extension. */
#define _GNU_SOURCE
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

char *kk_dir_of(const char *path)
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
    char *dir = kk_dir_of(path);
    if (dir == NULL)
        return;
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
    free(dir);
}

/* ".<base>.kktmp.XXXXXX" beside path, for mkstemp; NULL if out of memory. */
static char *temp_pattern(const char *path)
{
    static const char suffix[] = ".kktmp.XXXXXX";
    const char *slash = strrchr(path, '/');
    const char *base = slash != NULL ? slash + 1 : path;
    size_t dlen = (size_t)(base - path);
    size_t blen = strlen(base);
    char *name = malloc(dlen + 1 + blen + sizeof suffix);

    if (name != NULL) {
        memcpy(name, path, dlen);
        name[dlen] = '.';
        memcpy(name + dlen + 1, base, blen);
        memcpy(name + dlen + 1 + blen, suffix, sizeof suffix);
    }
    return name;
}

/* A file being written: an unnamed O_TMPFILE (fd, no name: a crash or a
 * SIGKILL before the commit leaves nothing behind), or, where the file
 * system has no O_TMPFILE or /proc is missing, a named temp file. */
struct staged {
    int fd;
    char *tmp;
};

/* Opens an unnamed file in path's directory, or -1.  KK_IO_NO_TMPFILE
 * builds without it, so the named fallback is tested on Linux too. */
static int open_unnamed(const char *path)
{
#if defined(O_TMPFILE) && !defined(KK_IO_NO_TMPFILE)
    /* Naming it later goes through /proc/self/fd. */
    if (access("/proc/self/fd", X_OK) != 0)
        return -1;
    char *dir = kk_dir_of(path);
    if (dir == NULL)
        return -1;
    int fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
    free(dir);
    return fd;
#else
    (void)path;
    return -1;
#endif
}

/* The /proc name through which an unnamed file can be linked. */
static void proc_fd_path(int fd, char *out, size_t cap)
{
    snprintf(out, cap, "/proc/self/fd/%d", fd);
}

/* Names the unnamed file fd as path; fails with EEXIST rather than
 * replace anything. */
static int name_unnamed(int fd, const char *path)
{
    char proc[48];
    proc_fd_path(fd, proc, sizeof proc);
    return linkat(AT_FDCWD, proc, AT_FDCWD, path, AT_SYMLINK_FOLLOW);
}

/* errno from link() on a file system that has no hard links. */
static int no_hard_links(int e)
{
    return e == EPERM || e == EOPNOTSUPP || e == ENOSYS || e == EMLINK;
}

/* A fresh temp name beside path, held by an empty file made for it (the
 * caller replaces or removes it); NULL on failure, errno set. */
static char *reserve_temp_name(const char *path)
{
    char *name = temp_pattern(path);
    if (name == NULL)
        return NULL;
    int fd = mkstemp(name);
    if (fd < 0) {
        int e = errno;
        free(name);
        errno = e;
        return NULL;
    }
    close(fd);
    return name;
}

static void staged_drop(struct staged *f)
{
    if (f->fd >= 0)
        close(f->fd);
    if (f->tmp != NULL)
        unlink(f->tmp);
    free(f->tmp);
    f->fd = -1;
    f->tmp = NULL;
}

/* Writes data, synced, into a new file beside path that has no name yet
 * or a temp name; on failure nothing is left behind. */
static int write_temp(const char *path, const uint8_t *data, size_t len, mode_t mode,
                      const char *shown, struct staged *f, struct kk_error *err)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash != NULL ? slash + 1 : path;
    int rc = KK_OK;

    f->fd = -1;
    f->tmp = NULL;
    if (*path == '\0') {
        errno = ENOENT;
        return io_fail(err, "create file", shown);
    }
    if (*base == '\0' || strcmp(base, ".") == 0 || strcmp(base, "..") == 0) {
        rc = kk_fail(err, KK_ERR_IO, "is a directory");
        if (err != NULL)
            err->sys_errno = EISDIR;
        return rc;
    }
    f->fd = open_unnamed(path);
    if (f->fd < 0) {
        if ((f->tmp = temp_pattern(path)) == NULL)
            return kk_fail(err, KK_ERR_NOMEM, NULL);
        f->fd = mkstemp(f->tmp);
        if (f->fd < 0) {
            rc = io_fail(err, shown != NULL ? "create" : "create file", shown);
            free(f->tmp);
            f->tmp = NULL;
            return rc;
        }
    }
    /* fchmod, not open's mode: the result must not depend on the umask. */
    if (fchmod(f->fd, mode & 07777) != 0)
        rc = io_fail(err, "set the mode of", shown != NULL ? shown : "the file");
    else if (write_all(f->fd, data, len) != 0 || fsync(f->fd) != 0)
        rc = io_fail(err, "write", shown);
    if (rc == KK_OK && f->tmp != NULL) {
        /* A named temp file is closed now; an unnamed one stays open until
         * it is named. */
        int c = close(f->fd);
        f->fd = -1;
        if (c != 0)
            rc = io_fail(err, "write", shown);
    }
    if (rc != KK_OK)
        staged_drop(f);
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

/* Puts the staged file at path without replacing anything there, even a
 * file made since the last check: link() fails with EEXIST.  File systems
 * without hard links fall back to check-then-rename. */
static int place_noreplace(struct staged *f, const char *path, const char *shown,
                           struct kk_error *err)
{
    if (f->tmp == NULL) {
        if (name_unnamed(f->fd, path) == 0)
            return KK_OK;
        if (errno == EEXIST)
            return exists_error(err, shown);
        return io_fail(err, shown != NULL ? "create" : "create file", shown);
    }
    if (link(f->tmp, path) == 0)
        return KK_OK;
    if (errno == EEXIST)
        return exists_error(err, shown);
    if (!no_hard_links(errno))
        return io_fail(err, shown != NULL ? "create" : "create file", shown);
    if (kk_path_exists(path))
        return exists_error(err, shown);
    if (rename(f->tmp, path) != 0)
        return io_fail(err, shown != NULL ? "create" : "create file", shown);
    free(f->tmp);
    f->tmp = NULL;
    return KK_OK;
}

/* Gives a new temp name beside path to the file that is at `from` (a
 * /proc/self/fd link or a name); *tmp is that name (caller frees). */
static int link_temp(const char *from, int follow, const char *path, char **tmp)
{
    for (int tries = 0; tries < 16; tries++) {
        char *name = reserve_temp_name(path);
        if (name == NULL)
            return -1;
        unlink(name);               /* the link takes its place */
        if (linkat(AT_FDCWD, from, AT_FDCWD, name, follow ? AT_SYMLINK_FOLLOW : 0) == 0) {
            *tmp = name;
            return 0;
        }
        int e = errno;
        free(name);
        if (e != EEXIST) {
            errno = e;
            return -1;
        }
    }
    errno = EEXIST;
    return -1;
}

/* The staged file under a temp name beside path (an unnamed one is named
 * now), ready for rename(). */
static int name_for_rename(struct staged *f, const char *path)
{
    if (f->tmp != NULL)
        return 0;
    char proc[48];
    proc_fd_path(f->fd, proc, sizeof proc);
    return link_temp(proc, 1, path, &f->tmp);
}

/* Keeps the file at path under a new temp name beside it, *kept.  A hard
 * link leaves path in place; where there are none, the file is moved
 * (*moved: path is absent until it is put back or replaced). */
static int keep_old(const char *path, char **kept, int *moved)
{
    *moved = 0;
    if (link_temp(path, 0, path, kept) == 0)
        return 0;
    if (!no_hard_links(errno))
        return -1;
    char *name = reserve_temp_name(path);
    if (name == NULL)
        return -1;
    /* rename() replaces the empty file just made: the name is ours. */
    if (rename(path, name) != 0) {
        int e = errno;
        unlink(name);
        free(name);
        errno = e;
        return -1;
    }
    *kept = name;
    *moved = 1;
    return 0;
}

/* --force: puts every staged file at its path, replacing what is there,
 * all or nothing.  A directory in the way fails before anything changes.
 * Each file to be replaced is kept under a temp name first (a failure to
 * keep one also fails before anything changes); if a rename then fails,
 * the files already replaced are put back.  A file that cannot be put back
 * stays under its temp name, which the error names: never deleted. */
static int replace_all(struct staged *f, char *const *path, size_t n,
                       const char *const *shown, struct kk_error *err)
{
    char *old[KK_WRITESET_MAX] = {NULL};
    int moved[KK_WRITESET_MAX] = {0}, lost[KK_WRITESET_MAX] = {0};
    size_t done = 0;
    int rc = KK_OK;

    for (size_t i = 0; i < n; i++) {
        struct stat st;
        if (lstat(path[i], &st) == 0 && S_ISDIR(st.st_mode)) {
            errno = EISDIR;
            return io_fail(err, shown[i] != NULL ? "create" : "create file", shown[i]);
        }
    }
    for (size_t i = 0; i < n && rc == KK_OK; i++) {
        if (name_for_rename(&f[i], path[i]) != 0)
            rc = io_fail(err, shown[i] != NULL ? "create" : "create file", shown[i]);
        else if (kk_path_exists(path[i]) && keep_old(path[i], &old[i], &moved[i]) != 0)
            rc = io_fail(err, "keep the file to be replaced,", path[i]);
    }
    for (; rc == KK_OK && done < n; done++) {
        if (rename(f[done].tmp, path[done]) != 0) {
            rc = io_fail(err, shown[done] != NULL ? "create" : "create file", shown[done]);
            break;
        }
        free(f[done].tmp);
        f[done].tmp = NULL;
    }
    if (rc != KK_OK) {
        /* Put back what was replaced or moved aside; remove what is new. */
        for (size_t i = 0; i < n; i++) {
            if (i >= done && !moved[i])
                continue;            /* untouched: the old file is still there */
            if (old[i] == NULL) {
                unlink(path[i]);     /* there was none */
            } else if (rename(old[i], path[i]) == 0) {
                free(old[i]);
                old[i] = NULL;
            } else {
                lost[i] = 1;
            }
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (lost[i]) {
            char why[KK_MSG_MAX];
            snprintf(why, sizeof why, "%s", err != NULL ? err->msg : "");
            kk_fail(err, KK_ERR_IO, "%s; %s could not be put back: its old content is in %s",
                    why, path[i], old[i]);
        } else if (old[i] != NULL) {
            unlink(old[i]);
        }
        free(old[i]);
    }
    return rc;
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
    struct staged f;
    int rc;

    if (path == NULL)
        return kk_fail(err, KK_ERR_INTERNAL, "no output path");
    if (strcmp(path, "-") == 0)
        return write_stdout(data, len, err);
    /* No early exists check: link() below is the check, and it also
     * catches a file made while the temp file was written. */
    if ((rc = write_temp(path, data, len, mode, NULL, &f, err)) != KK_OK)
        return rc;
    if (flags & KK_WRITE_FORCE) {
        char *paths[1] = {(char *)(uintptr_t)path};
        const char *shown[1] = {NULL};
        rc = replace_all(&f, paths, 1, shown, err);
    } else {
        rc = place_noreplace(&f, path, NULL, err);
    }
    staged_drop(&f);
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
        struct staged f = {.fd = ws->f[i].fd, .tmp = ws->f[i].tmp};
        staged_drop(&f);
        free(ws->f[i].path);
        ws->f[i].fd = -1;
        ws->f[i].tmp = NULL;
        ws->f[i].path = NULL;
    }
    ws->n = 0;
}

int kk_writeset_stage(struct kk_writeset *ws, const char *path,
                      const uint8_t *data, size_t len, mode_t mode,
                      struct kk_error *err)
{
    struct staged f;
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
    if ((rc = write_temp(path, data, len, mode, path, &f, err)) != KK_OK) {
        free(copy);
        goto fail;
    }
    ws->f[ws->n].path = copy;
    ws->f[ws->n].fd = f.fd;
    ws->f[ws->n].tmp = f.tmp;
    ws->n++;
    return KK_OK;
fail:
    kk_writeset_abort(ws);
    return rc;
}

int kk_writeset_commit(struct kk_writeset *ws, struct kk_error *err)
{
    struct staged f[KK_WRITESET_MAX];
    char *paths[KK_WRITESET_MAX];
    const char *shown[KK_WRITESET_MAX];
    size_t n = ws->n < KK_WRITESET_MAX ? ws->n : KK_WRITESET_MAX;
    size_t done = 0;
    int rc = KK_OK;

    for (size_t i = 0; i < n; i++) {
        f[i] = (struct staged){.fd = ws->f[i].fd, .tmp = ws->f[i].tmp};
        paths[i] = ws->f[i].path;
        shown[i] = ws->f[i].path;
    }
    if (ws->flags & KK_WRITE_FORCE) {
        rc = replace_all(f, paths, n, shown, err);
    } else {
        for (size_t i = 0; i < n && rc == KK_OK; i++)
            if (kk_path_exists(paths[i]))
                rc = exists_error(err, paths[i]);
        for (; rc == KK_OK && done < n; done++)
            rc = place_noreplace(&f[done], paths[done], paths[done], err);
        if (rc != KK_OK) {
            /* Undo the files this commit created: all or nothing.  done
             * counts the one that failed too, which made nothing. */
            for (size_t i = 0; i + 1 < done; i++)
                unlink(paths[i]);
        }
    }
    if (rc == KK_OK)
        for (size_t i = 0; i < n; i++)
            sync_dir(paths[i]);
    /* The staged files as they are now (renamed ones have no temp left). */
    for (size_t i = 0; i < n; i++) {
        ws->f[i].fd = f[i].fd;
        ws->f[i].tmp = f[i].tmp;
    }
    kk_writeset_abort(ws);
    return rc;
}
