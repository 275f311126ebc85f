/* Unit tests for core/io.c: capped gzip-transparent reading, atomic writing. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <zlib.h>
#include "core/io.h"

static char dir[256];

/* A fresh directory per test, removed (with whatever is in it) after. */
static int setup(void **state)
{
    (void)state;
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/kk_test_io.XXXXXX", tmp != NULL && *tmp ? tmp : "/tmp");
    return mkdtemp(dir) != NULL ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    DIR *d = opendir(dir);
    if (d == NULL)
        return -1;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char p[512];
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        if (unlink(p) != 0)
            rmdir(p);
    }
    closedir(d);
    return rmdir(dir);
}

static char *path_in(const char *name)
{
    static char p[4][512];
    static int k;
    k = (k + 1) % 4;
    snprintf(p[k], sizeof p[k], "%s/%s", dir, name);
    return p[k];
}

static void put_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

static size_t get_file(const char *path, char *buf, size_t size)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    size_t n = fread(buf, 1, size, f);
    fclose(f);
    return n;
}

/* Entries in the test directory whose name holds ".kktmp." */
static int temp_files_left(void)
{
    int n = 0;
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strstr(e->d_name, ".kktmp.") != NULL)
            n++;
    closedir(d);
    return n;
}

static mode_t mode_of(const char *path)
{
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    return st.st_mode & 07777;
}

/* gzip of data, made with zlib's streaming deflate; caller frees. */
static uint8_t *gzip_of(const uint8_t *data, size_t len, size_t repeat, size_t *out_len)
{
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    assert_int_equal(deflateInit2(&zs, 9, Z_DEFLATED, 16 + MAX_WBITS, 9, Z_DEFAULT_STRATEGY),
                     Z_OK);
    size_t cap = 1 << 16, n = 0;
    uint8_t *out = malloc(cap);
    assert_non_null(out);
    for (size_t r = 0; r < repeat; r++) {
        zs.next_in = (Bytef *)(uintptr_t)data;
        zs.avail_in = (uInt)len;
        int flush = r + 1 == repeat ? Z_FINISH : Z_NO_FLUSH;
        int z;
        do {
            if (cap - n < 4096) {
                cap *= 2;
                out = realloc(out, cap);
                assert_non_null(out);
            }
            zs.next_out = out + n;
            zs.avail_out = (uInt)(cap - n);
            z = deflate(&zs, flush);
            assert_true(z == Z_OK || z == Z_STREAM_END || z == Z_BUF_ERROR);
            n = cap - zs.avail_out;
        } while (zs.avail_in > 0 || (flush == Z_FINISH && z != Z_STREAM_END));
    }
    if (repeat == 0) {
        zs.next_out = out;
        zs.avail_out = (uInt)cap;
        assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
        n = cap - zs.avail_out;
    }
    deflateEnd(&zs);
    *out_len = n;
    return out;
}

static struct kk_limits limits(size_t max_input, size_t max_dec)
{
    struct kk_limits lim = kk_limits_default();
    lim.max_input = max_input;
    lim.max_decompressed = max_dec;
    return lim;
}

/* ---- reading */

static void test_read_plain(void **state)
{
    (void)state;
    struct kk_buf b;
    struct kk_error err;
    uint8_t data[50000];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (uint8_t)(i * 13);
    put_file(path_in("in"), data, sizeof data);
    kk_buf_init(&b, 0);
    kk_buf_put(&b, "pre", 3);
    assert_int_equal(kk_read_input(path_in("in"), NULL, &b, &err), KK_OK);
    assert_int_equal(b.len, 3 + sizeof data);
    assert_memory_equal(b.data + 3, data, sizeof data);
    kk_buf_free(&b);

    /* Empty file, and a one-byte file that starts like gzip. */
    put_file(path_in("empty"), "", 0);
    kk_buf_init(&b, 0);
    assert_int_equal(kk_read_input(path_in("empty"), NULL, &b, &err), KK_OK);
    assert_int_equal(b.len, 0);
    put_file(path_in("one"), "\x1f", 1);
    assert_int_equal(kk_read_input(path_in("one"), NULL, &b, &err), KK_OK);
    assert_int_equal(b.len, 1);
    kk_buf_free(&b);
}

static void test_read_size_cap(void **state)
{
    (void)state;
    struct kk_buf b;
    struct kk_error err;
    size_t n = 100000;
    uint8_t *data = calloc(1, n + 1);
    assert_non_null(data);
    put_file(path_in("exact"), data, n);
    put_file(path_in("over"), data, n + 1);
    struct kk_limits lim = limits(n, n);
    kk_buf_init(&b, 0);
    assert_int_equal(kk_read_input(path_in("exact"), &lim, &b, &err), KK_OK);
    assert_int_equal(b.len, n);
    kk_buf_reset(&b);
    assert_int_equal(kk_read_input(path_in("over"), &lim, &b, &err), KK_ERR_TOO_BIG);
    assert_string_equal(err.msg, "input is larger than 100000 bytes");
    assert_string_equal(err.hint, "raise the limit with --max-input-size");
    assert_int_equal(b.len, 0);
    /* The default is 1 MiB. */
    uint8_t *big = calloc(1, KK_DEFAULT_MAX_INPUT + 1);
    assert_non_null(big);
    put_file(path_in("big"), big, KK_DEFAULT_MAX_INPUT + 1);
    assert_int_equal(kk_read_input(path_in("big"), NULL, &b, &err), KK_ERR_TOO_BIG);
    /* A zero cap means the default, not no cap. */
    lim = limits(0, 0);
    assert_int_equal(kk_read_input(path_in("big"), &lim, &b, &err), KK_ERR_TOO_BIG);
    assert_int_equal(b.len, 0);
    free(big);
    free(data);
    kk_buf_free(&b);
}

static void test_read_errors(void **state)
{
    (void)state;
    struct kk_buf b;
    struct kk_error err;
    kk_buf_init(&b, 0);
    assert_int_equal(kk_read_input(path_in("missing"), NULL, &b, &err), KK_ERR_IO);
    assert_int_equal(err.sys_errno, ENOENT);
    char want[KK_MSG_MAX];
    snprintf(want, sizeof want, "cannot open: %s", strerror(ENOENT));
    assert_string_equal(err.msg, want);

    assert_int_equal(kk_read_input(dir, NULL, &b, &err), KK_ERR_IO);
    assert_string_equal(err.msg, "is a directory");

    if (geteuid() != 0) {
        put_file(path_in("secret"), "x", 1);
        chmod(path_in("secret"), 0);
        assert_int_equal(kk_read_input(path_in("secret"), NULL, &b, &err), KK_ERR_IO);
        assert_int_equal(err.sys_errno, EACCES);
    }
    assert_int_equal(b.len, 0);
    kk_buf_free(&b);
}

static void test_read_stdin(void **state)
{
    (void)state;
    struct kk_buf b;
    struct kk_error err;
    put_file(path_in("stdin"), "from stdin\n", 11);
    int saved = dup(STDIN_FILENO);
    int fd = open(path_in("stdin"), O_RDONLY);
    assert_true(saved >= 0 && fd >= 0);
    dup2(fd, STDIN_FILENO);
    close(fd);
    kk_buf_init(&b, 0);
    int rc = kk_read_input("-", NULL, &b, &err);
    dup2(saved, STDIN_FILENO);
    close(saved);
    assert_int_equal(rc, KK_OK);
    assert_int_equal(b.len, 11);
    assert_memory_equal(b.data, "from stdin\n", 11);
    kk_buf_free(&b);
}

static void test_gzip_round_trip(void **state)
{
    (void)state;
    static const char text[] = "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA\n-----END PUBLIC KEY-----\n";
    size_t zn;
    uint8_t *z = gzip_of((const uint8_t *)text, strlen(text), 1, &zn);
    assert_true(zn >= 2 && z[0] == 0x1f && z[1] == 0x8b);
    put_file(path_in("k.gz"), z, zn);
    struct kk_buf b;
    struct kk_error err;
    kk_buf_init(&b, 0);
    assert_int_equal(kk_read_input(path_in("k.gz"), NULL, &b, &err), KK_OK);
    assert_int_equal(b.len, strlen(text));
    assert_memory_equal(b.data, text, b.len);
    kk_buf_free(&b);

    /* Two members one after the other read as their concatenation. */
    uint8_t *two = malloc(2 * zn);
    assert_non_null(two);
    memcpy(two, z, zn);
    memcpy(two + zn, z, zn);
    put_file(path_in("two.gz"), two, 2 * zn);
    kk_buf_init(&b, 0);
    assert_int_equal(kk_read_input(path_in("two.gz"), NULL, &b, &err), KK_OK);
    assert_int_equal(b.len, 2 * strlen(text));
    assert_memory_equal(b.data + strlen(text), text, strlen(text));
    kk_buf_free(&b);
    free(two);

    /* An empty gzip is an empty input. */
    size_t en;
    uint8_t *e = gzip_of(NULL, 0, 0, &en);
    put_file(path_in("e.gz"), e, en);
    kk_buf_init(&b, 0);
    assert_int_equal(kk_read_input(path_in("e.gz"), NULL, &b, &err), KK_OK);
    assert_int_equal(b.len, 0);
    kk_buf_free(&b);
    free(e);
    free(z);
}

static void test_gzip_bad(void **state)
{
    (void)state;
    uint8_t text[2000];
    for (size_t i = 0; i < sizeof text; i++)
        text[i] = (uint8_t)(i * i);
    size_t zn;
    uint8_t *z = gzip_of(text, sizeof text, 1, &zn);
    struct kk_buf b;
    struct kk_error err;
    kk_buf_init(&b, 0);

    /* A flipped byte in the compressed data or the CRC. */
    uint8_t *bad = malloc(zn + 10);
    assert_non_null(bad);
    memcpy(bad, z, zn);
    bad[zn - 6] ^= 0x55;
    put_file(path_in("crc.gz"), bad, zn);
    assert_int_equal(kk_read_input(path_in("crc.gz"), NULL, &b, &err), KK_ERR_FORMAT);
    assert_string_equal(err.msg, "gzip data is corrupt");
    assert_int_equal(b.len, 0);
    memcpy(bad, z, zn);
    bad[2] = 7;     /* not deflate */
    put_file(path_in("meth.gz"), bad, zn);
    assert_int_equal(kk_read_input(path_in("meth.gz"), NULL, &b, &err), KK_ERR_FORMAT);
    assert_string_equal(err.msg, "gzip data is corrupt");

    /* Cut short anywhere: an error, never a partial success. */
    for (size_t cut = 2; cut < zn; cut += 97) {
        put_file(path_in("cut.gz"), z, cut);
        int rc = kk_read_input(path_in("cut.gz"), NULL, &b, &err);
        assert_true(rc == KK_ERR_TRUNCATED || rc == KK_ERR_FORMAT);
        assert_int_equal(b.len, 0);
    }
    put_file(path_in("cut.gz"), z, zn - 1);
    assert_int_equal(kk_read_input(path_in("cut.gz"), NULL, &b, &err), KK_ERR_TRUNCATED);
    assert_string_equal(err.msg, "gzip data is truncated");

    /* Junk after the stream. */
    memcpy(bad, z, zn);
    memcpy(bad + zn, "junk", 4);
    put_file(path_in("junk.gz"), bad, zn + 4);
    assert_int_equal(kk_read_input(path_in("junk.gz"), NULL, &b, &err), KK_ERR_FORMAT);
    assert_string_equal(err.msg, "unexpected data after the gzip data");
    assert_int_equal(b.len, 0);
    free(bad);
    free(z);
    kk_buf_free(&b);
}

static void test_gzip_bomb(void **state)
{
    (void)state;
    /* 100 MB of zeros, deflated as a stream into about 100 KB. */
    size_t chunk = 1 << 20;
    uint8_t *zeros = calloc(1, chunk);
    assert_non_null(zeros);
    size_t zn;
    uint8_t *z = gzip_of(zeros, chunk, 100, &zn);
    free(zeros);
    assert_true(zn < KK_DEFAULT_MAX_INPUT);
    put_file(path_in("bomb.gz"), z, zn);
    free(z);

    struct kk_buf b;
    struct kk_error err;
    kk_buf_init(&b, 0);
    clock_t t0 = clock();
    assert_int_equal(kk_read_input(path_in("bomb.gz"), NULL, &b, &err), KK_ERR_TOO_BIG);
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    assert_string_equal(err.msg, "decompressed input is larger than 4194304 bytes");
    assert_string_equal(err.hint, "raise the limit with --max-input-size");
    assert_int_equal(b.len, 0);
    /* It stopped near the cap, not after inflating everything. */
    assert_true(b.cap <= 2 * KK_DEFAULT_MAX_DECOMPRESSED + 65536);
    assert_true(secs < 5.0);
    kk_buf_free(&b);

    /* Exactly at the cap passes, one byte under does not. */
    uint8_t blob[10000];
    memset(blob, 'k', sizeof blob);
    z = gzip_of(blob, sizeof blob, 1, &zn);
    put_file(path_in("small.gz"), z, zn);
    free(z);
    struct kk_limits lim = limits(KK_DEFAULT_MAX_INPUT, sizeof blob);
    kk_buf_init(&b, 0);
    assert_int_equal(kk_read_input(path_in("small.gz"), &lim, &b, &err), KK_OK);
    assert_int_equal(b.len, sizeof blob);
    kk_buf_reset(&b);
    lim.max_decompressed = sizeof blob - 1;
    assert_int_equal(kk_read_input(path_in("small.gz"), &lim, &b, &err), KK_ERR_TOO_BIG);
    assert_int_equal(b.len, 0);
    /* The compressed size counts against max_input too. */
    lim = limits(10, 1 << 20);
    assert_int_equal(kk_read_input(path_in("small.gz"), &lim, &b, &err), KK_ERR_TOO_BIG);
    assert_string_equal(err.msg, "input is larger than 10 bytes");
    kk_buf_free(&b);
}

/* ---- writing */

static void test_write_modes(void **state)
{
    (void)state;
    struct kk_error err;
    char buf[64];
    mode_t old = umask(0);
    assert_int_equal(kk_write_file(path_in("priv"), (const uint8_t *)"secret", 6, 0600, 0, &err),
                     KK_OK);
    assert_int_equal(mode_of(path_in("priv")), 0600);
    assert_int_equal(kk_write_file(path_in("pub"), (const uint8_t *)"public", 6, 0644, 0, &err),
                     KK_OK);
    assert_int_equal(mode_of(path_in("pub")), 0644);
    umask(077);
    assert_int_equal(kk_write_file(path_in("pub2"), (const uint8_t *)"public", 6, 0644, 0, &err),
                     KK_OK);
    assert_int_equal(mode_of(path_in("pub2")), 0644);
    assert_int_equal(kk_write_file(path_in("priv2"), (const uint8_t *)"s", 1, 0600, 0, &err),
                     KK_OK);
    assert_int_equal(mode_of(path_in("priv2")), 0600);
    umask(old);
    assert_int_equal(get_file(path_in("priv"), buf, sizeof buf), 6);
    assert_memory_equal(buf, "secret", 6);
    /* An empty file is a file. */
    assert_int_equal(kk_write_file(path_in("empty"), NULL, 0, 0600, 0, &err), KK_OK);
    assert_int_equal(get_file(path_in("empty"), buf, sizeof buf), 0);
    assert_int_equal(temp_files_left(), 0);
}

static void test_write_no_overwrite(void **state)
{
    (void)state;
    struct kk_error err;
    char buf[64];
    put_file(path_in("old"), "original", 8);
    assert_int_equal(kk_write_file(path_in("old"), (const uint8_t *)"new", 3, 0600, 0, &err),
                     KK_ERR_EXISTS);
    assert_string_equal(err.msg, "already exists");
    assert_string_equal(err.hint, "use --force to replace it");
    assert_int_equal(get_file(path_in("old"), buf, sizeof buf), 8);
    assert_memory_equal(buf, "original", 8);
    /* A dangling symlink is something there too. */
    assert_int_equal(symlink("nowhere", path_in("link")), 0);
    assert_int_equal(kk_write_file(path_in("link"), (const uint8_t *)"x", 1, 0600, 0, &err),
                     KK_ERR_EXISTS);
    assert_int_equal(temp_files_left(), 0);

    /* With force it is replaced, with the new mode. */
    chmod(path_in("old"), 0644);
    assert_int_equal(kk_write_file(path_in("old"), (const uint8_t *)"new", 3, 0600,
                                   KK_WRITE_FORCE, &err), KK_OK);
    assert_int_equal(get_file(path_in("old"), buf, sizeof buf), 3);
    assert_memory_equal(buf, "new", 3);
    assert_int_equal(mode_of(path_in("old")), 0600);
    assert_int_equal(temp_files_left(), 0);
}

static void test_write_failures_leave_nothing(void **state)
{
    (void)state;
    struct kk_error err;
    assert_int_equal(kk_write_file(path_in("nodir/x"), (const uint8_t *)"x", 1, 0600, 0, &err),
                     KK_ERR_IO);
    char want[KK_MSG_MAX];
    snprintf(want, sizeof want, "cannot create file: %s", strerror(ENOENT));
    assert_string_equal(err.msg, want);
    assert_int_equal(err.sys_errno, ENOENT);

    /* Replacing a directory fails after the temp file was written: the
     * temp file must go. */
    assert_int_equal(mkdir(path_in("sub"), 0700), 0);
    assert_int_equal(kk_write_file(path_in("sub"), (const uint8_t *)"x", 1, 0600,
                                   KK_WRITE_FORCE, &err), KK_ERR_IO);
    assert_int_not_equal(err.sys_errno, 0);
    assert_int_equal(temp_files_left(), 0);
    struct stat st;
    assert_int_equal(stat(path_in("sub"), &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    assert_int_equal(kk_write_file(path_in("sub"), (const uint8_t *)"x", 1, 0600, 0, &err),
                     KK_ERR_EXISTS);
    /* A name that is a directory by its form. */
    assert_int_equal(kk_write_file(path_in("newdir/"), (const uint8_t *)"x", 1, 0600,
                                   KK_WRITE_FORCE, &err), KK_ERR_IO);
    assert_int_equal(temp_files_left(), 0);
    rmdir(path_in("sub"));
}

/* A write that fails half way (over RLIMIT_FSIZE) leaves no temp file and
 * no target. */
static void test_write_error_mid_file(void **state)
{
    (void)state;
    struct kk_error err, err1;
    struct rlimit old, small;
    uint8_t data[4096];
    memset(data, 'k', sizeof data);
    assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
    small = old;
    small.rlim_cur = 100;
    void (*prev)(int) = signal(SIGXFSZ, SIG_IGN);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
    int rc = kk_write_file(path_in("big"), data, sizeof data, 0600, 0, &err1);
    int rc2 = kk_write_file(path_in("big2"), data, sizeof data, 0600, KK_WRITE_FORCE, &err);
    struct kk_writeset ws;
    kk_writeset_init(&ws, 0);
    int rc3 = kk_writeset_stage(&ws, path_in("small"), data, 10, 0600, &err);
    int rc4 = kk_writeset_stage(&ws, path_in("big3"), data, sizeof data, 0600, &err);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
    signal(SIGXFSZ, prev);
    assert_int_equal(rc, KK_ERR_IO);
    assert_int_equal(rc2, KK_ERR_IO);
    assert_int_equal(rc3, KK_OK);
    assert_int_equal(rc4, KK_ERR_IO);
    assert_int_equal(err1.sys_errno, EFBIG);
    char want[KK_MSG_MAX];
    snprintf(want, sizeof want, "cannot write: %s", strerror(EFBIG));
    assert_string_equal(err1.msg, want);
    /* A write set names the file. */
    assert_int_equal(err.sys_errno, EFBIG);
    snprintf(want, sizeof want, "cannot write %s: %s", path_in("big3"), strerror(EFBIG));
    assert_string_equal(err.msg, want);
    assert_false(kk_path_exists(path_in("big")));
    assert_false(kk_path_exists(path_in("big2")));
    assert_false(kk_path_exists(path_in("small")));
    assert_int_equal(temp_files_left(), 0);
}

static void test_write_stdout(void **state)
{
    (void)state;
    struct kk_error err;
    char buf[64];
    int saved = dup(STDOUT_FILENO);
    int fd = open(path_in("out"), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(saved >= 0 && fd >= 0);
    fflush(stdout);
    dup2(fd, STDOUT_FILENO);
    close(fd);
    int rc = kk_write_file("-", (const uint8_t *)"to stdout\n", 10, 0600, 0, &err);
    dup2(saved, STDOUT_FILENO);
    close(saved);
    assert_int_equal(rc, KK_OK);
    assert_int_equal(get_file(path_in("out"), buf, sizeof buf), 10);
    assert_memory_equal(buf, "to stdout\n", 10);
}

static void test_path_exists(void **state)
{
    (void)state;
    assert_false(kk_path_exists(path_in("none")));
    put_file(path_in("f"), "", 0);
    assert_true(kk_path_exists(path_in("f")));
    assert_true(kk_path_exists(dir));
    assert_int_equal(symlink("nowhere", path_in("l")), 0);
    assert_true(kk_path_exists(path_in("l")));
}

/* ---- write sets */

static void test_writeset_commit(void **state)
{
    (void)state;
    struct kk_writeset ws;
    struct kk_error err;
    char buf[64];
    kk_writeset_init(&ws, 0);
    assert_int_equal(kk_writeset_stage(&ws, path_in("id"), (const uint8_t *)"PRIV", 4, 0600, &err),
                     KK_OK);
    assert_int_equal(kk_writeset_stage(&ws, path_in("id.pub"), (const uint8_t *)"PUB", 3, 0644,
                                       &err), KK_OK);
    /* Staged, not yet visible; where the file system has O_TMPFILE the
     * staged files have no name at all (a crash leaves nothing). */
    assert_false(kk_path_exists(path_in("id")));
#ifdef KK_IO_NO_TMPFILE
    /* test_io_named: the fallback, named temp files, is what ran. */
    assert_non_null(ws.f[0].tmp);
    assert_int_equal(ws.f[0].fd, -1);
#endif
    assert_int_equal(temp_files_left(), ws.f[0].tmp != NULL ? 2 : 0);
    assert_true((ws.f[0].fd >= 0) != (ws.f[0].tmp != NULL));
    assert_int_equal(kk_writeset_commit(&ws, &err), KK_OK);
    assert_int_equal(temp_files_left(), 0);
    assert_int_equal(get_file(path_in("id"), buf, sizeof buf), 4);
    assert_memory_equal(buf, "PRIV", 4);
    assert_int_equal(mode_of(path_in("id")), 0600);
    assert_int_equal(get_file(path_in("id.pub"), buf, sizeof buf), 3);
    assert_int_equal(mode_of(path_in("id.pub")), 0644);
    kk_writeset_abort(&ws);     /* safe after commit */
    assert_true(kk_path_exists(path_in("id")));

    /* Force replaces both. */
    kk_writeset_init(&ws, KK_WRITE_FORCE);
    assert_int_equal(kk_writeset_stage(&ws, path_in("id"), (const uint8_t *)"P2", 2, 0600, &err),
                     KK_OK);
    assert_int_equal(kk_writeset_stage(&ws, path_in("id.pub"), (const uint8_t *)"Q2", 2, 0644,
                                       &err), KK_OK);
    assert_int_equal(kk_writeset_commit(&ws, &err), KK_OK);
    assert_int_equal(get_file(path_in("id"), buf, sizeof buf), 2);
    assert_memory_equal(buf, "P2", 2);
    assert_int_equal(get_file(path_in("id.pub"), buf, sizeof buf), 2);
    assert_memory_equal(buf, "Q2", 2);
    assert_int_equal(temp_files_left(), 0);

    /* Force with a directory in the way of the second: nothing replaced. */
    assert_int_equal(unlink(path_in("id.pub")), 0);
    assert_int_equal(mkdir(path_in("id.pub"), 0700), 0);
    kk_writeset_init(&ws, KK_WRITE_FORCE);
    assert_int_equal(kk_writeset_stage(&ws, path_in("id"), (const uint8_t *)"P3", 2, 0600, &err),
                     KK_OK);
    assert_int_equal(kk_writeset_stage(&ws, path_in("id.pub"), (const uint8_t *)"Q3", 2, 0644,
                                       &err), KK_OK);
    assert_int_equal(kk_writeset_commit(&ws, &err), KK_ERR_IO);
    assert_int_equal(err.sys_errno, EISDIR);
    assert_int_equal(get_file(path_in("id"), buf, sizeof buf), 2);
    assert_memory_equal(buf, "P2", 2);
    assert_int_equal(temp_files_left(), 0);
    assert_int_equal(rmdir(path_in("id.pub")), 0);
}

static void test_writeset_all_or_nothing(void **state)
{
    (void)state;
    struct kk_writeset ws;
    struct kk_error err;
    char buf[64];

    /* A target that exists when staging. */
    put_file(path_in("b.pub"), "theirs", 6);
    kk_writeset_init(&ws, 0);
    assert_int_equal(kk_writeset_stage(&ws, path_in("b"), (const uint8_t *)"x", 1, 0600, &err),
                     KK_OK);
    assert_int_equal(kk_writeset_stage(&ws, path_in("b.pub"), (const uint8_t *)"y", 1, 0644, &err),
                     KK_ERR_EXISTS);
    assert_non_null(strstr(err.msg, "b.pub already exists"));
    assert_string_equal(err.hint, "use --force to replace it");
    assert_int_equal(temp_files_left(), 0);
    kk_writeset_abort(&ws);
    assert_false(kk_path_exists(path_in("b")));

    /* A target that appears between staging and commit: nothing is
     * renamed and the newcomer is untouched. */
    unlink(path_in("b.pub"));
    kk_writeset_init(&ws, 0);
    assert_int_equal(kk_writeset_stage(&ws, path_in("b"), (const uint8_t *)"x", 1, 0600, &err),
                     KK_OK);
    assert_int_equal(kk_writeset_stage(&ws, path_in("b.pub"), (const uint8_t *)"y", 1, 0644, &err),
                     KK_OK);
    put_file(path_in("b.pub"), "theirs", 6);
    assert_int_equal(kk_writeset_commit(&ws, &err), KK_ERR_EXISTS);
    assert_false(kk_path_exists(path_in("b")));
    assert_int_equal(get_file(path_in("b.pub"), buf, sizeof buf), 6);
    assert_memory_equal(buf, "theirs", 6);
    assert_int_equal(temp_files_left(), 0);

    /* A commit that fails on its second file takes back the first. */
    unlink(path_in("b.pub"));
    kk_writeset_init(&ws, 0);
    assert_int_equal(kk_writeset_stage(&ws, path_in("b"), (const uint8_t *)"x", 1, 0600, &err),
                     KK_OK);
    assert_int_equal(kk_writeset_stage(&ws, path_in("b.pub"), (const uint8_t *)"y", 1, 0644, &err),
                     KK_OK);
    kk_writeset_abort(&ws);
    /* The second file's directory is moved away before the commit. */
    assert_int_equal(mkdir(path_in("sub"), 0700), 0);
    kk_writeset_init(&ws, 0);
    assert_int_equal(kk_writeset_stage(&ws, path_in("b"), (const uint8_t *)"x", 1, 0600, &err),
                     KK_OK);
    assert_int_equal(kk_writeset_stage(&ws, path_in("sub/b.pub"), (const uint8_t *)"y", 1, 0644,
                                       &err), KK_OK);
    assert_int_equal(rename(path_in("sub"), path_in("sub2")), 0);
    assert_int_equal(kk_writeset_commit(&ws, &err), KK_ERR_IO);
    assert_int_equal(err.sys_errno, ENOENT);
    assert_non_null(strstr(err.msg, "cannot create "));
    assert_non_null(strstr(err.msg, "b.pub: "));
    assert_false(kk_path_exists(path_in("b")));
    assert_int_equal(temp_files_left(), 0);
#ifdef KK_IO_NO_TMPFILE
    /* A named temp file moves with its directory, out of the reach of its
     * path: the one thing the fallback leaves behind. */
    DIR *moved = opendir(path_in("sub2"));
    assert_non_null(moved);
    struct dirent *e;
    int left = 0;
    while ((e = readdir(moved)) != NULL) {
        if (e->d_name[0] == '.' && strstr(e->d_name, ".kktmp.") == NULL)
            continue;
        assert_non_null(strstr(e->d_name, "b.pub.kktmp."));
        assert_int_equal(unlinkat(dirfd(moved), e->d_name, 0), 0);
        left++;
    }
    closedir(moved);
    assert_int_equal(left, 1);
#endif
    assert_int_equal(rmdir(path_in("sub2")), 0);      /* nothing else was left in it */

    /* A stage that fails removes the temps staged before it. */
    unlink(path_in("b.pub"));
    kk_writeset_init(&ws, 0);
    assert_int_equal(kk_writeset_stage(&ws, path_in("c"), (const uint8_t *)"x", 1, 0600, &err),
                     KK_OK);
    assert_int_equal(temp_files_left(), ws.f[0].tmp != NULL ? 1 : 0);
    assert_int_equal(kk_writeset_stage(&ws, path_in("nodir/c.pub"), (const uint8_t *)"y", 1, 0644,
                                       &err), KK_ERR_IO);
    assert_int_equal(temp_files_left(), 0);
    assert_int_equal(kk_writeset_commit(&ws, &err), KK_OK);     /* nothing left to commit */
    assert_false(kk_path_exists(path_in("c")));

    /* Abort removes staged temps. */
    kk_writeset_init(&ws, 0);
    assert_int_equal(kk_writeset_stage(&ws, path_in("d"), (const uint8_t *)"x", 1, 0600, &err),
                     KK_OK);
    kk_writeset_abort(&ws);
    assert_int_equal(temp_files_left(), 0);
    assert_false(kk_path_exists(path_in("d")));

    /* More files than a set holds. */
    kk_writeset_init(&ws, 0);
    for (int i = 0; i < KK_WRITESET_MAX; i++) {
        char name[16];
        snprintf(name, sizeof name, "m%d", i);
        assert_int_equal(kk_writeset_stage(&ws, path_in(name), (const uint8_t *)"x", 1, 0600,
                                           &err), KK_OK);
    }
    assert_int_not_equal(kk_writeset_stage(&ws, path_in("m9"), (const uint8_t *)"x", 1, 0600,
                                           &err), KK_OK);
    assert_int_equal(temp_files_left(), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_read_plain, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_size_cap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_stdin, setup, teardown),
        cmocka_unit_test_setup_teardown(test_gzip_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_gzip_bad, setup, teardown),
        cmocka_unit_test_setup_teardown(test_gzip_bomb, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_modes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_no_overwrite, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_failures_leave_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_error_mid_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_stdout, setup, teardown),
        cmocka_unit_test_setup_teardown(test_path_exists, setup, teardown),
        cmocka_unit_test_setup_teardown(test_writeset_commit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_writeset_all_or_nothing, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
