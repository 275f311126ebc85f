/* Fuzzes the passphrase-spec parser of --passin/--passout (tools/cli.c):
 * pass:TEXT, env:VAR, file:PATH, fd:N, stdin.  The input up to its first
 * NUL is the spec (as argv would hold it); what follows is the content of
 * the source the spec names.
 *
 * Only the parsing comes from the input: before kk_cli_pass_resolve runs,
 * a file:, fd: or stdin spec is pointed at a pipe this target filled with
 * that content, so no fuzz input can open a real file or read a real
 * descriptor (the parsed path and number are checked, never used).  The
 * oracle: each spec parses to exactly what the grammar says, pass:TEXT is
 * scrubbed from the argv copy, an unknown source's message names only the
 * part before ':', and a resolved passphrase is the content's first line
 * without CR/LF. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <openssl/crypto.h>
#include "fuzz_common.h"
#include "tools/cli.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Set once, so env: specs can find something. */
#define ENV_NAME "KK_FUZZ_PASS"
#define ENV_VALUE "fuzz-env-passphrase"

/* The content of a source is at most this long: it must fit in a pipe's
 * buffer so writing it never blocks. */
#define CONTENT_MAX 4096

static int all_zero(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != '\0')
            return 0;
    return 1;
}

/* spec is a decimal fd number the parser must have taken. */
static long fd_number(const char *s)
{
    long v = 0;

    if (*s < '0' || *s > '9')
        return -1;
    for (; *s != '\0'; s++) {
        if (*s < '0' || *s > '9')
            return -1;
        v = v * 10 + (*s - '0');
        if (v > INT_MAX)
            return -1;
    }
    return v;
}

/* Resolves p from a pipe holding content, and checks the first line. */
static void resolve_from_pipe(struct kk_cli_pass *p, const uint8_t *content, size_t n)
{
    struct kk_error err;
    size_t line = 0;
    int fds[2];
    int rc;

    if (pipe(fds) != 0)
        abort();
    if (n > 0 && write(fds[1], content, n) != (ssize_t)n)
        abort();
    close(fds[1]);
    p->kind = KK_CLI_PASS_FD;
    p->fd = fds[0];
    kk_error_clear(&err);
    rc = kk_cli_pass_resolve(p, &err);
    close(fds[0]);

    while (line < n && content[line] != '\n')
        line++;
    size_t want = line > 0 && content[line - 1] == '\r' ? line - 1 : line;
    if (line > KK_PASS_MAX) {
        /* Too long: refused, and nothing of it kept. */
        if (rc != KK_ERR_TOO_BIG || p->have || p->len != 0 ||
            !all_zero(p->text, sizeof p->text))
            abort();
        kk_fuzz_check_error(rc, &err);
        return;
    }
    if (rc != KK_OK || !p->have || p->len != want || memcmp(p->text, content, want) != 0 ||
        p->text[want] != '\0')
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int env_set;
    struct kk_cli_pass p;
    struct kk_error err;
    char *spec;
    int rc;

    if (!env_set) {
        setenv(ENV_NAME, ENV_VALUE, 1);
        env_set = 1;
    }
    const uint8_t *nul = memchr(data, '\0', size);
    size_t slen = nul != NULL ? (size_t)(nul - data) : size;
    const uint8_t *content = nul != NULL ? nul + 1 : data + size;
    size_t clen = nul != NULL ? size - slen - 1 : 0;
    if (clen > CONTENT_MAX)
        return 0;
    /* A copy, as the parser scrubs pass:TEXT in place. */
    spec = malloc(slen + 1);
    if (spec == NULL)
        return 0;
    memcpy(spec, data, slen);
    spec[slen] = '\0';

    kk_cli_pass_init(&p, "--passin");
    kk_error_clear(&err);
    rc = kk_cli_pass_parse(&p, spec, &err);

    if (slen >= 5 && memcmp(data, "pass:", 5) == 0) {
        size_t tlen = slen - 5;
        /* The secret is gone from argv whether it was taken or not. */
        if (!all_zero(spec + 5, tlen) || p.kind != KK_CLI_PASS_TEXT)
            abort();
        if (tlen > KK_PASS_MAX ? rc != KK_ERR_TOO_BIG || p.have
                               : rc != KK_OK || !p.have || p.len != tlen ||
                                 memcmp(p.text, data + 5, tlen) != 0 || p.text[tlen] != '\0')
            abort();
    } else if (slen >= 4 && memcmp(data, "env:", 4) == 0) {
        const char *val = slen > 4 ? getenv(spec + 4) : NULL;
        if (val == NULL ? rc != KK_ERR_USAGE
                        : strlen(val) > KK_PASS_MAX
                              ? rc != KK_ERR_TOO_BIG
                              : rc != KK_OK || p.kind != KK_CLI_PASS_ENV || !p.have ||
                                    strcmp(p.text, val) != 0)
            abort();
    } else if (slen >= 5 && memcmp(data, "file:", 5) == 0) {
        if (slen == 5 ? rc != KK_ERR_USAGE
                      : rc != KK_OK || p.kind != KK_CLI_PASS_FILE || p.have ||
                            p.arg != spec + 5)
            abort();
    } else if (slen >= 3 && memcmp(data, "fd:", 3) == 0) {
        long want = fd_number(spec + 3);
        if (want < 0 ? rc != KK_ERR_USAGE
                     : rc != KK_OK || p.kind != KK_CLI_PASS_FD || p.fd != want || p.have ||
                           kk_cli_pass_uses_stdin(&p) != (want == 0))
            abort();
    } else if (strcmp(spec, "stdin") == 0) {
        if (rc != KK_OK || p.kind != KK_CLI_PASS_STDIN || !kk_cli_pass_uses_stdin(&p))
            abort();
    } else {
        char want[KK_MSG_MAX];
        snprintf(want, sizeof want, "--passin: unknown passphrase source '%.*s'",
                 (int)strcspn(spec, ":"), spec);
        if (rc != KK_ERR_USAGE || strcmp(err.msg, want) != 0 || err.hint[0] == '\0' ||
            p.kind != KK_CLI_PASS_NONE || p.have)
            abort();
    }
    if (rc != KK_OK) {
        kk_fuzz_check_error(rc, &err);
        goto out;
    }
    if (p.kind == KK_CLI_PASS_FILE || p.kind == KK_CLI_PASS_FD ||
        p.kind == KK_CLI_PASS_STDIN)
        resolve_from_pipe(&p, content, clen);
    /* What a decoder gets through the fetch callback is the same text. */
    if (p.have) {
        char buf[KK_PASS_MAX + 1];
        size_t len = 0;
        kk_error_clear(&err);
        if (kk_cli_pass_fetch(&p, "fuzz: ", buf, &len, &err) != KK_OK || len != p.len ||
            memcmp(buf, p.text, len) != 0)
            abort();
        OPENSSL_cleanse(buf, sizeof buf);
    }
out:
    kk_cli_pass_wipe(&p);
    if (p.have || p.len != 0 || !all_zero(p.text, sizeof p.text))
        abort();
    free(spec);
    return 0;
}
