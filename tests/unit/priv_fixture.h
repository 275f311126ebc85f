/* Test helpers for the private-key format tests: a scratch directory, the
 * real tools (ssh-keygen, openssl) run through the shell, and public-key
 * comparisons against what those tools print.  Included by one test file
 * each, so every helper is static inline. */
#ifndef KK_PRIV_FIXTURE_H
#define KK_PRIV_FIXTURE_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <openssl/x509.h>
#include "core/base64.h"
#include "core/buf.h"
#include "core/key.h"
#include "core/pass.h"
#include "core/sshwire.h"

#define FX_CMD_MAX 2048
#define FX_LINE_MAX 8192
#define FX_DIR_MAX 64

static inline int fx_run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Makes the scratch directory /tmp/kk-TAG-XXXXXX, its name into dir. */
static inline int fx_scratch(char dir[FX_DIR_MAX], const char *tag)
{
    snprintf(dir, FX_DIR_MAX, "/tmp/kk-%s-XXXXXX", tag);
    return mkdtemp(dir) == NULL ? -1 : 0;
}

/* Removes a scratch directory; one never made ("") is left alone. */
static inline void fx_scratch_remove(const char *dir)
{
    if (dir[0] != '\0')
        fx_run("rm -rf '%s'", dir);
}

/* dir/stem+ext, in one of a few rotating buffers so that several can be used
 * in one call. */
static inline const char *fx_path(const char *dir, const char *stem, const char *ext)
{
    static char bufs[6][256];
    static int next;
    char *p = bufs[next++ % 6];
    snprintf(p, sizeof bufs[0], "%s/%s%s", dir, stem, ext);
    return p;
}

static inline int fx_have(const char *tool)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", tool);
    return system(cmd) == 0;
}

/* Runs a shell command built from fmt with its output discarded; returns its
 * exit status (-1 if it could not run). */
static inline int fx_run(const char *fmt, ...)
{
    char cmd[FX_CMD_MAX];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(cmd, sizeof cmd - 20, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof cmd - 20)
        return -1;
    strcat(cmd, " >/dev/null 2>&1");
    int st = system(cmd);
    return st == -1 ? -1 : WEXITSTATUS(st);
}

/* The first line a shell command prints, without its newline; "" if none. */
static inline int fx_capture(char *out, size_t max, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static inline int fx_capture(char *out, size_t max, const char *fmt, ...)
{
    char cmd[FX_CMD_MAX];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(cmd, sizeof cmd - 20, fmt, ap);
    va_end(ap);
    out[0] = '\0';
    if (n < 0 || (size_t)n >= sizeof cmd - 20)
        return -1;
    strcat(cmd, " 2>/dev/null");
    FILE *p = popen(cmd, "r");
    if (p == NULL)
        return -1;
    if (fgets(out, (int)max, p) == NULL)
        out[0] = '\0';
    out[strcspn(out, "\r\n")] = '\0';
    int st = pclose(p);
    return st == -1 ? -1 : WEXITSTATUS(st);
}

static inline int fx_read(const char *path, struct kk_buf *out)
{
    FILE *f = fopen(path, "rb");
    uint8_t chunk[4096];
    size_t n;

    kk_buf_init(out, 0);
    if (f == NULL)
        return -1;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        kk_buf_put(out, chunk, n);
    fclose(f);
    return kk_buf_ok(out) ? 0 : -1;
}

/* Writes a private key file as ssh-keygen wants it: mode 0600. */
static inline int fx_write(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL)
        return -1;
    int ok = fwrite(data, 1, len, f) == len;
    ok &= fclose(f) == 0;
    ok &= chmod(path, 0600) == 0;
    return ok ? 0 : -1;
}

/* "type base64" of a key, as the first two fields of ssh-keygen -y. */
static inline int fx_pub_line(const struct kk_key *key, char *out, size_t max)
{
    struct kk_buf blob, b64;
    struct kk_error err;
    int rc = -1;

    kk_buf_init(&blob, 0);
    kk_buf_init(&b64, 0);
    if (kk_wire_put_public(key, &blob, &err) == KK_OK &&
        kk_base64_encode(blob.data, blob.len, &b64) == KK_OK &&
        kk_buf_terminate(&b64) == 0) {
        snprintf(out, max, "%s %s", kk_key_type_ssh_name(key->type),
                 (const char *)b64.data);
        rc = 0;
    }
    kk_buf_free(&blob);
    kk_buf_free(&b64);
    return rc;
}

/* The first two fields of a public key line. */
static inline void fx_two_fields(char *line)
{
    char *sp = strchr(line, ' ');
    if (sp != NULL && (sp = strchr(sp + 1, ' ')) != NULL)
        *sp = '\0';
}

/* ssh-keygen -y on a file ("" on failure), first two fields only. */
static inline void fx_ssh_pub(const char *path, const char *pass, char *out,
                              size_t max)
{
    if (fx_capture(out, max, "ssh-keygen -y -P '%s' -f '%s'",
                   pass != NULL ? pass : "", path) != 0)
        out[0] = '\0';
    fx_two_fields(out);
}

/* 1 if `openssl pkey` reads the private key in path with pass (NULL: none)
 * and its public half equals key's. */
static inline int fx_openssl_same_key(const char *dir, const char *path,
                                      const char *pass,
                                      const struct kk_key *key)
{
    char spki[1024];
    struct kk_buf der;
    int same = 0;

    snprintf(spki, sizeof spki, "%s/openssl.spki", dir);
    unlink(spki);
    if (fx_run("openssl pkey -in '%s' -passin 'pass:%s' -pubout -outform DER "
               "-out '%s'", path, pass != NULL ? pass : "", spki) != 0)
        return 0;
    if (fx_read(spki, &der) == 0) {
        const unsigned char *p = der.data;
        EVP_PKEY *theirs = d2i_PUBKEY(NULL, &p, (long)der.len);
        same = theirs != NULL && EVP_PKEY_eq(theirs, key->pkey) == 1;
        EVP_PKEY_free(theirs);
    }
    kk_buf_free(&der);
    return same;
}

/* A kk_pass whose fetch counts its calls and answers with `answer`. */
struct fx_fetch {
    int calls;
    const char *answer;
};

static inline int fx_fetch_cb(void *ctx, const char *prompt, char *buf,
                              size_t *len, struct kk_error *err)
{
    struct fx_fetch *f = ctx;
    (void)prompt;
    f->calls++;
    if (f->answer == NULL)
        return kk_fail(err, KK_ERR_NEED_PASS, "no passphrase in this test");
    *len = strlen(f->answer);
    memcpy(buf, f->answer, *len);
    return KK_OK;
}

static inline void fx_pass_counting(struct kk_pass *p, struct fx_fetch *f,
                                    const char *answer)
{
    kk_pass_init(p);
    f->calls = 0;
    f->answer = answer;
    p->fetch = fx_fetch_cb;
    p->ctx = f;
}

static inline int fx_contains(const struct kk_buf *b, const char *s)
{
    size_t n = strlen(s);
    if (b->len < n)
        return 0;
    for (size_t i = 0; i + n <= b->len; i++)
        if (memcmp(b->data + i, s, n) == 0)
            return 1;
    return 0;
}

#endif
