/* Shared option handling and messages for the keykit tools; see cli.h. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>
#include <termios.h>
#include <unistd.h>
#include <openssl/crypto.h>
#include "cli.h"

#ifndef KK_VERSION
#define KK_VERSION "0.0.0"
#endif

static const char *tool_name = "keykit";
static int use_colour;

void kk_cli_init(const char *tool)
{
    const char *nc = getenv("NO_COLOR");
    const char *term = getenv("TERM");

    tool_name = tool;
    /* Colour only for a person at a terminal who has not opted out
     * (https://no-color.org: any non-empty NO_COLOR). */
    use_colour = isatty(STDERR_FILENO) && (nc == NULL || nc[0] == '\0') &&
                 term != NULL && strcmp(term, "dumb") != 0;
}

const char *kk_cli_tool(void)
{
    return tool_name;
}

/* ---- escaping ---- */

/* Length of the valid UTF-8 sequence at s (NUL-terminated), 0 if invalid.
 * Overlong forms, surrogates and code points past U+10FFFF are invalid. */
static size_t utf8_len(const unsigned char *s)
{
    unsigned char c = s[0], lo = 0x80, hi = 0xBF;
    size_t n;

    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
    } else if (c == 0xE0) {
        n = 3;
        lo = 0xA0;
    } else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) {
        n = 3;
    } else if (c == 0xED) {
        n = 3;
        hi = 0x9F;
    } else if (c == 0xF0) {
        n = 4;
        lo = 0x90;
    } else if (c >= 0xF1 && c <= 0xF3) {
        n = 4;
    } else if (c == 0xF4) {
        n = 4;
        hi = 0x8F;
    } else {
        return 0;
    }
    /* s is NUL-terminated and NUL is never a continuation byte, so each
     * read below stays inside the string. */
    if (s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    return n;
}

/* Where escaped text goes: a stdio stream, or a buffer that truncates. */
struct sink {
    FILE *f;
    char *buf;
    size_t size, used;
};

static void sink_put(struct sink *k, const char *p, size_t n)
{
    if (k->f != NULL) {
        fwrite(p, 1, n, k->f);
        return;
    }
    /* Whole pieces only, so a truncated buffer never ends mid-character. */
    if (k->size - k->used <= n)
        return;
    memcpy(k->buf + k->used, p, n);
    k->used += n;
    k->buf[k->used] = '\0';
}

static void escape_into(struct sink *k, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    char hex[5];

    while (*p != '\0') {
        size_t n = utf8_len(p);
        /* C0 controls, DEL and the C1 controls (U+0080..U+009F) could move
         * the cursor or recolour the terminal: show them as bytes. */
        int control = n == 1 ? (*p < 0x20 || *p == 0x7F)
                             : (n == 2 && p[0] == 0xC2 && p[1] < 0xA0);
        if (n == 0 || control) {
            size_t k2 = n == 0 ? 1 : n;
            for (size_t i = 0; i < k2; i++) {
                snprintf(hex, sizeof hex, "\\x%02X", p[i]);
                sink_put(k, hex, 4);
            }
            p += k2;
        } else {
            sink_put(k, (const char *)p, n);
            p += n;
        }
    }
}

void kk_cli_put_escaped(FILE *f, const char *s)
{
    struct sink k = { .f = f };

    if (s != NULL)
        escape_into(&k, s);
}

void kk_cli_escape(char *out, size_t size, const char *s)
{
    struct sink k = { .buf = out, .size = size };

    if (size == 0)
        return;
    out[0] = '\0';
    if (s != NULL)
        escape_into(&k, s);
}

/* ---- the one message function ---- */

enum msg_kind { MSG_ERROR, MSG_WARNING, MSG_HINT, MSG_TRY, MSG_NOTE };

/* Every line a tool writes to stderr comes through here. */
static void emit(enum msg_kind kind, const char *file, long line, const char *text)
{
    static const char *const colour[] = {
        [MSG_ERROR] = "\033[1;31m", [MSG_WARNING] = "\033[1;33m",
        [MSG_HINT] = "\033[36m", [MSG_TRY] = "", [MSG_NOTE] = "",
    };
    const char *on = use_colour ? colour[kind] : "";
    const char *off = use_colour && on[0] != '\0' ? "\033[0m" : "";

    fflush(stdout);
    if (kind == MSG_TRY) {
        fprintf(stderr, "Try '%s --help'.\n", tool_name);
        fflush(stderr);
        return;
    }
    fprintf(stderr, "%s%s:%s ", on, tool_name, off);
    if (kind == MSG_WARNING)
        fprintf(stderr, "%swarning:%s ", on, off);
    else if (kind == MSG_HINT)
        fprintf(stderr, "%shint:%s ", on, off);
    if (file != NULL) {
        kk_cli_put_escaped(stderr, file);
        if (line > 0)
            fprintf(stderr, ":%ld", line);
        fputs(": ", stderr);
    }
    kk_cli_put_escaped(stderr, text);
    fputc('\n', stderr);
    fflush(stderr);
}

int kk_cli_report(const char *file, const struct kk_error *err)
{
    /* kk_fail_errno already put the errno text into the message. */
    emit(MSG_ERROR, file, err->line,
         err->msg[0] != '\0' ? err->msg : kk_strerror(err->code));
    if (err->hint[0] != '\0')
        emit(MSG_HINT, NULL, 0, err->hint);
    if (err->code == KK_ERR_USAGE)
        emit(MSG_TRY, NULL, 0, NULL);
    /* A failure reported with no code is still a failure. */
    return err->code == KK_OK ? KK_EXIT_BAD : kk_exit_status(err->code);
}

void kk_cli_note(const char *file, const struct kk_error *what)
{
    emit(MSG_NOTE, file, what->line, what->msg);
    if (what->hint[0] != '\0')
        emit(MSG_HINT, NULL, 0, what->hint);
}

int kk_cli_usage(const char *fmt, ...)
{
    char text[KK_MSG_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    emit(MSG_ERROR, NULL, 0, text);
    emit(MSG_TRY, NULL, 0, NULL);
    return KK_EXIT_USAGE;
}

void kk_cli_warn(const char *fmt, ...)
{
    char text[KK_MSG_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    emit(MSG_WARNING, NULL, 0, text);
}

const char *kk_cli_in_name(const char *path)
{
    return strcmp(path, "-") == 0 ? "(stdin)" : path;
}

const char *kk_cli_out_name(const char *path)
{
    return strcmp(path, "-") == 0 ? "(stdout)" : path;
}

/* ---- options ---- */

/* The long option arg ("--name" or "--name=value") selects: an exact name,
 * else the only one it abbreviates; NULL if none.  *matches counts the
 * options it abbreviates (for telling ambiguous from unknown). */
static const struct option *long_lookup(const struct option *longopts,
                                        const char *arg, int *matches)
{
    const char *name = arg + 2;
    size_t len = strcspn(name, "=");
    const struct option *found = NULL;

    *matches = 0;
    for (const struct option *o = longopts; o->name != NULL; o++) {
        if (strncmp(o->name, name, len) != 0)
            continue;
        if (o->name[len] == '\0') {
            *matches = 1;
            return o;
        }
        (*matches)++;
        found = o;
    }
    return *matches == 1 ? found : NULL;
}

int kk_cli_getopt(int argc, char **argv, const char *shortopts,
                  const struct option *longopts)
{
    opterr = 0;
    optopt = 0;
    int c = getopt_long(argc, argv, shortopts, longopts, NULL);
    if (c != '?' && c != ':')
        return c;

    /* After a failing long option argv[optind - 1] is that option; after a
     * failing short one optopt is its letter (and argv[optind - 1] may be
     * anything, so it is only trusted when it names the option). */
    const char *arg = optind > 0 && optind <= argc ? argv[optind - 1] : "";
    int matches = 0;
    const struct option *o = NULL;
    int is_long = 0;
    if (strncmp(arg, "--", 2) == 0 && arg[2] != '\0') {
        o = long_lookup(longopts, arg, &matches);
        is_long = optopt == 0 || (o != NULL && o->flag == NULL && o->val == optopt);
    }
    if (!is_long) {
        if (c == ':')
            kk_cli_usage("option '-%c' needs a value", optopt);
        else
            kk_cli_usage("unknown option '-%c'", optopt);
        return '?';
    }
    const char *name = arg + 2;
    int len = (int)strcspn(name, "=");
    if (c == ':')
        kk_cli_usage("option '--%s' needs a value", o != NULL ? o->name : name);
    else if (optopt != 0)
        kk_cli_usage("option '--%s' takes no value", o != NULL ? o->name : name);
    else if (matches > 1)
        kk_cli_usage("option '--%.*s' is ambiguous", len, name);
    else
        kk_cli_usage("unknown option '--%.*s'", len, name);
    return '?';
}

void kk_cli_version(void)
{
    printf("%s (keykit) %s\n", tool_name, KK_VERSION);
}

int kk_cli_parse_size(const char *opt, const char *text, int allow_suffix,
                      unsigned long long max, unsigned long long *out,
                      struct kk_error *err)
{
    unsigned long long v, mul = 1;
    char *end = NULL;

    *out = 0;
    if (text[0] < '0' || text[0] > '9')
        goto bad;
    errno = 0;
    v = strtoull(text, &end, 10);
    if (errno != 0)
        goto big;
    if (allow_suffix && *end != '\0' && end[1] == '\0') {
        switch (*end) {
        case 'k': case 'K': mul = 1ull << 10; end++; break;
        case 'm': case 'M': mul = 1ull << 20; end++; break;
        case 'g': case 'G': mul = 1ull << 30; end++; break;
        default: break;
        }
    }
    if (*end != '\0' || v == 0)
        goto bad;
    if (v > max / mul)
        goto big;
    *out = v * mul;
    return KK_OK;
bad:
    return kk_fail(err, KK_ERR_USAGE, "%s: '%s' is not a positive number", opt, text);
big:
    return kk_fail(err, KK_ERR_USAGE, "%s: '%s' is more than %llu", opt, text, max);
}

int kk_cli_check_comment(const char *opt, const char *text, struct kk_error *err)
{
    for (const unsigned char *p = (const unsigned char *)text; *p != '\0'; p++)
        if (*p < 0x20 || *p == 0x7F)
            return kk_fail(err, KK_ERR_USAGE,
                           "%s: the comment must not contain control characters", opt);
    return KK_OK;
}

/* ---- passphrases ---- */

void kk_cli_pass_init(struct kk_cli_pass *p, const char *opt)
{
    memset(p, 0, sizeof *p);
    p->opt = opt;
    p->fd = -1;
}

void kk_cli_pass_wipe(struct kk_cli_pass *p)
{
    OPENSSL_cleanse(p->text, sizeof p->text);
    p->len = 0;
    p->have = 0;
}

static void pass_take(struct kk_cli_pass *p, const char *text, size_t len)
{
    memcpy(p->text, text, len);
    p->text[len] = '\0';
    p->len = len;
    p->have = 1;
}

static int pass_too_long(const struct kk_cli_pass *p, struct kk_error *err)
{
    return kk_fail(err, KK_ERR_TOO_BIG, "%s: the passphrase is longer than %d bytes",
                   p->opt, KK_PASS_MAX);
}

int kk_cli_pass_set_text(struct kk_cli_pass *p, char *text, struct kk_error *err)
{
    size_t len = strlen(text);
    int rc = KK_OK;

    kk_cli_pass_wipe(p);
    if (len > KK_PASS_MAX)
        rc = pass_too_long(p, err);
    else
        pass_take(p, text, len);
    /* Scrub the secret from argv so ps and /proc do not show it. */
    OPENSSL_cleanse(text, len);
    p->kind = KK_CLI_PASS_TEXT;
    p->arg = NULL;
    p->fd = -1;
    return rc;
}

int kk_cli_pass_parse(struct kk_cli_pass *p, char *spec, struct kk_error *err)
{
    kk_cli_pass_wipe(p);
    p->kind = KK_CLI_PASS_NONE;
    p->arg = NULL;
    p->fd = -1;

    if (strncmp(spec, "pass:", 5) == 0)
        return kk_cli_pass_set_text(p, spec + 5, err);
    if (strncmp(spec, "env:", 4) == 0) {
        const char *var = spec + 4;
        const char *val = var[0] != '\0' ? getenv(var) : NULL;
        if (val == NULL)
            return kk_fail(err, KK_ERR_USAGE,
                           "%s: environment variable %s is not set", p->opt, var);
        size_t len = strlen(val);
        if (len > KK_PASS_MAX)
            return pass_too_long(p, err);
        pass_take(p, val, len);
        p->kind = KK_CLI_PASS_ENV;
        p->arg = var;
        return KK_OK;
    }
    if (strncmp(spec, "file:", 5) == 0) {
        if (spec[5] == '\0')
            return kk_fail(err, KK_ERR_USAGE, "%s: file: needs a path", p->opt);
        p->kind = KK_CLI_PASS_FILE;
        p->arg = spec + 5;
        return KK_OK;
    }
    if (strncmp(spec, "fd:", 3) == 0) {
        char *end = NULL;
        long fd;
        errno = 0;
        fd = spec[3] >= '0' && spec[3] <= '9' ? strtol(spec + 3, &end, 10) : -1;
        if (fd < 0 || errno != 0 || *end != '\0' || fd > INT_MAX)
            return kk_fail(err, KK_ERR_USAGE,
                           "%s: '%s' does not name a file descriptor", p->opt, spec);
        p->kind = KK_CLI_PASS_FD;
        p->fd = (int)fd;
        return KK_OK;
    }
    if (strcmp(spec, "stdin") == 0) {
        p->kind = KK_CLI_PASS_STDIN;
        p->fd = STDIN_FILENO;
        return KK_OK;
    }
    /* Name only the source before ':' so a mistyped spec does not echo
     * the passphrase that follows it. */
    kk_fail(err, KK_ERR_USAGE, "%s: unknown passphrase source '%.*s'", p->opt,
            (int)strcspn(spec, ":"), spec);
    kk_hint(err, "use pass:TEXT, env:VAR, file:PATH, fd:N or stdin");
    return KK_ERR_USAGE;
}

int kk_cli_pass_uses_stdin(const struct kk_cli_pass *p)
{
    return p->kind == KK_CLI_PASS_STDIN ||
           (p->kind == KK_CLI_PASS_FD && p->fd == STDIN_FILENO);
}

/* Reads one line from fd a byte at a time (so nothing past the line is
 * consumed), without its CR/LF, into p.  EOF ends the line too. */
static int read_line_fd(struct kk_cli_pass *p, int fd, const char *what,
                        struct kk_error *err)
{
    char c = 0;
    size_t n = 0;
    int rc = KK_OK;

    for (;;) {
        ssize_t r = read(fd, &c, 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            rc = kk_fail_errno(err, KK_ERR_IO, "%s: cannot read %s", p->opt, what);
            goto out;
        }
        if (r == 0 || c == '\n')
            break;
        if (n == KK_PASS_MAX) {
            rc = pass_too_long(p, err);
            goto out;
        }
        p->text[n++] = c;
    }
    if (n > 0 && p->text[n - 1] == '\r')
        n--;
    p->text[n] = '\0';
    p->len = n;
    p->have = 1;
out:
    OPENSSL_cleanse(&c, sizeof c);
    if (rc != KK_OK)
        kk_cli_pass_wipe(p);
    return rc;
}

int kk_cli_pass_resolve(struct kk_cli_pass *p, struct kk_error *err)
{
    char what[64];
    int fd, rc;

    if (p->have || p->kind == KK_CLI_PASS_NONE)
        return KK_OK;
    switch (p->kind) {
    case KK_CLI_PASS_FILE:
        fd = open(p->arg, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
            return kk_fail_errno(err, KK_ERR_IO, "%s: cannot open %s", p->opt, p->arg);
        rc = read_line_fd(p, fd, p->arg, err);
        close(fd);
        return rc;
    case KK_CLI_PASS_FD:
        snprintf(what, sizeof what, "fd %d", p->fd);
        return read_line_fd(p, p->fd, what, err);
    case KK_CLI_PASS_STDIN:
        return read_line_fd(p, STDIN_FILENO, "standard input", err);
    default:
        return kk_fail(err, KK_ERR_INTERNAL, "%s: passphrase source not resolved", p->opt);
    }
}

int kk_cli_pass_fetch(void *ctx, const char *prompt, char *buf, size_t *len,
                      struct kk_error *err)
{
    struct kk_cli_pass *p = ctx;
    int rc;

    *len = 0;
    if (p->kind == KK_CLI_PASS_NONE)
        return kk_cli_prompt(prompt, buf, len, err);
    rc = kk_cli_pass_resolve(p, err);
    if (rc != KK_OK)
        return rc;
    memcpy(buf, p->text, p->len);
    *len = p->len;
    return KK_OK;
}

void kk_cli_pass_attach(struct kk_cli_pass *p, struct kk_pass *kp,
                        const char *prompt)
{
    kk_pass_init(kp);
    kp->prompt = prompt;
    if (p->kind != KK_CLI_PASS_NONE || kk_cli_have_terminal()) {
        kp->fetch = kk_cli_pass_fetch;
        kp->ctx = p;
    }
}

/* ---- the terminal prompt ---- */

int kk_cli_have_terminal(void)
{
    /* Prompt only when a person can answer: stdin a terminal (so a pipe or
     * /dev/null never blocks on /dev/tty) and a controlling terminal. */
    if (!isatty(STDIN_FILENO))
        return 0;
    int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    close(fd);
    return 1;
}

/* A signal during the prompt must not leave the terminal without echo:
 * restore it, then let the signal do what it would have done. */
static const int prompt_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
#define N_PROMPT_SIGNALS (sizeof prompt_signals / sizeof prompt_signals[0])
static struct sigaction saved_actions[N_PROMPT_SIGNALS];
static struct termios saved_tty;
static volatile sig_atomic_t tty_fd = -1;

static void restore_tty_on_signal(int sig)
{
    if (tty_fd >= 0)
        tcsetattr(tty_fd, TCSAFLUSH, &saved_tty);
    for (size_t i = 0; i < N_PROMPT_SIGNALS; i++)
        if (prompt_signals[i] == sig)
            sigaction(sig, &saved_actions[i], NULL);
    raise(sig);
}

static void write_all(int fd, const char *s)
{
    size_t n = strlen(s);

    while (n > 0) {
        ssize_t w = write(fd, s, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return;
        s += w;
        n -= (size_t)w;
    }
}

int kk_cli_prompt(const char *prompt, char *buf, size_t *len, struct kk_error *err)
{
    struct termios quiet;
    struct sigaction sa = { .sa_handler = restore_tty_on_signal };
    size_t n = 0;
    int too_long = 0, got_newline = 0, rc = KK_OK;
    char c = 0;

    *len = 0;
    int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (fd < 0)
        return kk_fail_errno(err, KK_ERR_IO, "cannot open the terminal");
    if (tcgetattr(fd, &saved_tty) != 0) {
        rc = kk_fail_errno(err, KK_ERR_IO, "cannot read the terminal settings");
        close(fd);
        return rc;
    }
    sigemptyset(&sa.sa_mask);
    tty_fd = fd;
    /* A signal the caller ignores (a background job's SIGINT) stays ignored. */
    for (size_t i = 0; i < N_PROMPT_SIGNALS; i++) {
        sigaction(prompt_signals[i], NULL, &saved_actions[i]);
        if (saved_actions[i].sa_handler != SIG_IGN)
            sigaction(prompt_signals[i], &sa, NULL);
    }

    quiet = saved_tty;
    quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHOE | ECHOK | ECHONL);
    if (tcsetattr(fd, TCSAFLUSH, &quiet) != 0) {
        rc = kk_fail_errno(err, KK_ERR_IO, "cannot turn off the terminal echo");
        goto out;
    }
    write_all(fd, prompt);
    for (;;) {
        ssize_t r = read(fd, &c, 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            rc = kk_fail_errno(err, KK_ERR_IO, "cannot read the terminal");
            break;
        }
        if (r == 0)
            break;
        if (c == '\n') {
            got_newline = 1;
            break;
        }
        /* Read a too-long line to its end so it does not spill into the
         * shell, then refuse it. */
        if (n == KK_PASS_MAX)
            too_long = 1;
        else
            buf[n++] = c;
    }
    tcsetattr(fd, TCSAFLUSH, &saved_tty);
    write_all(fd, "\n");
    if (rc == KK_OK && too_long)
        rc = kk_fail(err, KK_ERR_TOO_BIG, "the passphrase is longer than %d bytes",
                     KK_PASS_MAX);
    else if (rc == KK_OK && n == 0 && !got_newline)
        rc = kk_fail(err, KK_ERR_NEED_PASS, "no passphrase was entered");
out:
    for (size_t i = 0; i < N_PROMPT_SIGNALS; i++)
        sigaction(prompt_signals[i], &saved_actions[i], NULL);
    tty_fd = -1;
    close(fd);
    OPENSSL_cleanse(&c, sizeof c);
    if (rc != KK_OK) {
        OPENSSL_cleanse(buf, KK_PASS_MAX + 1);
        return rc;
    }
    if (n > 0 && buf[n - 1] == '\r')
        n--;
    buf[n] = '\0';
    *len = n;
    return KK_OK;
}

/* ---- formats ---- */

void kk_cli_format_names(char *out, size_t size, int writing, unsigned need_flags)
{
    size_t used = 0;

    out[0] = '\0';
    for (size_t i = 0; kk_formats[i] != NULL; i++) {
        const struct kk_format *f = kk_formats[i];
        if ((writing ? f->encode == NULL : f->decode == NULL) ||
            (f->flags & need_flags) != need_flags)
            continue;
        int w = snprintf(out + used, size - used, "%s%s", used > 0 ? ", " : "", f->name);
        if (w < 0 || (size_t)w >= size - used)
            break;
        used += (size_t)w;
    }
}

int kk_cli_input_format(const char *name, const struct kk_format **out,
                        struct kk_error *err)
{
    char names[KK_MSG_MAX];
    const struct kk_format *f = kk_format_by_name(name);

    *out = NULL;
    if (f == NULL || f->decode == NULL) {
        kk_cli_format_names(names, sizeof names, 0, 0);
        if (f == NULL)
            kk_fail(err, KK_ERR_USAGE, "--from: unknown format '%s'", name);
        else
            kk_fail(err, KK_ERR_USAGE, "--from: keykit cannot read %s yet", f->name);
        kk_hint(err, "use one of: %s", names);
        return KK_ERR_USAGE;
    }
    *out = f;
    return KK_OK;
}

int kk_cli_output_format(const char *name, const char *out_path,
                         const struct kk_format **out, struct kk_error *err)
{
    char names[KK_MSG_MAX];
    const struct kk_format *f = NULL;

    *out = NULL;
    if (name != NULL) {
        f = kk_format_by_name(name);
        if (f == NULL || f->encode == NULL) {
            kk_cli_format_names(names, sizeof names, 1, 0);
            if (f == NULL)
                kk_fail(err, KK_ERR_USAGE, "--to: unknown format '%s'", name);
            else
                kk_fail(err, KK_ERR_USAGE, "--to: keykit cannot write %s yet", f->name);
            kk_hint(err, "use one of: %s", names);
            return KK_ERR_USAGE;
        }
    } else {
        if (strcmp(out_path, "-") != 0)
            f = kk_format_for_path(out_path);
        if (f == NULL)
            f = kk_format_by_name("openssh");
        if (f == NULL || f->encode == NULL) {
            kk_fail(err, KK_ERR_UNSUPPORTED, "keykit cannot write %s yet",
                    f != NULL ? f->name : "openssh");
            kk_hint(err, "use --to FMT to choose another format");
            return KK_ERR_UNSUPPORTED;
        }
    }
    *out = f;
    return KK_OK;
}

void kk_cli_list_formats(FILE *f, unsigned need_flags)
{
    for (size_t i = 0; kk_formats[i] != NULL; i++) {
        const struct kk_format *fmt = kk_formats[i];
        if ((fmt->flags & need_flags) != need_flags)
            continue;
        fprintf(f, "  %-12s %s%s%s\n", fmt->name, fmt->summary != NULL ? fmt->summary : "",
                fmt->decode != NULL ? "" : " [not readable yet]",
                fmt->encode != NULL ? "" : " [not writable yet]");
    }
}

/* ---- encryption settings and KDF caps ---- */

void kk_cli_encode_init(struct kk_cli_encode *e)
{
    *e = (struct kk_cli_encode){
        .argon2 = {.flavour = KK_ARGON2ID},
    };
}

/* How much of a value a message echoes. */
#define ECHO_MAX 40

static int echo_len(size_t n)
{
    return (int)(n < ECHO_MAX ? n : ECHO_MAX);
}

/* A --ppk-param number: decimal, 1..max. */
static int ppk_number(const char *key, const char *val, size_t vlen, unsigned long long max,
                      uint32_t *out, struct kk_error *err)
{
    char text[24];
    unsigned long long v = 0;
    size_t i;

    *out = 0;
    for (i = 0; i < vlen && val[i] >= '0' && val[i] <= '9'; i++)
        if (v <= max)
            v = v * 10 + (unsigned long long)(val[i] - '0');
    if (i < vlen || v == 0)
        return kk_fail(err, KK_ERR_USAGE, "--ppk-param: %s '%.*s' is not a positive number",
                       key, echo_len(vlen), val);
    if (v > max) {
        snprintf(text, sizeof text, "%llu", max);
        return kk_fail(err, KK_ERR_USAGE, "--ppk-param: %s '%.*s' is more than %s", key,
                       echo_len(vlen), val, text);
    }
    *out = (uint32_t)v;
    return KK_OK;
}

static int ppk_flavour(const char *val, size_t vlen, struct kk_cli_encode *e,
                       struct kk_error *err)
{
    static const struct {
        const char *name;
        enum kk_argon2_flavour f;
    } names[] = {
        {"argon2id", KK_ARGON2ID}, {"argon2i", KK_ARGON2I}, {"argon2d", KK_ARGON2D},
    };

    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strlen(names[i].name) == vlen && strncasecmp(names[i].name, val, vlen) == 0) {
            e->argon2.flavour = names[i].f;
            return KK_OK;
        }
    return kk_fail(err, KK_ERR_USAGE, "--ppk-param: kdf '%.*s' is not argon2id, argon2i or argon2d",
                   echo_len(vlen), val);
}

/* One KEY=VALUE of --ppk-param, as puttygen's option of that name. */
static int ppk_item(const char *item, size_t n, struct kk_cli_encode *e, struct kk_error *err)
{
    static const char *const keys[] = {"kdf", "memory", "passes", "parallelism", "version"};
    size_t klen = strcspn(item, "=,");
    const char *key = NULL;

    if (klen > n)
        klen = n;
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (strlen(keys[i]) == klen && strncmp(keys[i], item, klen) == 0)
            key = keys[i];
    if (n == 0)
        return kk_fail(err, KK_ERR_USAGE, "--ppk-param: empty parameter (a comma too many)");
    if (key == NULL) {
        kk_fail(err, KK_ERR_USAGE, "--ppk-param: unknown parameter '%.*s'", echo_len(klen), item);
        return kk_hint(err, "use kdf, memory, passes, parallelism or version");
    }
    if (klen == n || klen + 1 == n)
        return kk_fail(err, KK_ERR_USAGE, "--ppk-param: '%s' needs a value (%s=...)", key, key);

    const char *val = item + klen + 1;
    size_t vlen = n - klen - 1;
    if (strcmp(key, "kdf") == 0) {
        e->argon2_set |= KK_CLI_ARGON2_KDF;
        return ppk_flavour(val, vlen, e, err);
    }
    if (strcmp(key, "memory") == 0) {
        e->argon2_set |= KK_CLI_ARGON2_MEMORY;
        return ppk_number(key, val, vlen, 0xFFFFFFFFull, &e->argon2.memory_kib, err);
    }
    if (strcmp(key, "passes") == 0) {
        e->argon2_set |= KK_CLI_ARGON2_PASSES;
        return ppk_number(key, val, vlen, 0xFFFFFFFFull, &e->argon2.passes, err);
    }
    if (strcmp(key, "parallelism") == 0) {
        /* libargon2 takes at most 2^24 - 1 lanes. */
        e->argon2_set |= KK_CLI_ARGON2_PARALLELISM;
        return ppk_number(key, val, vlen, 0xFFFFFFull, &e->argon2.parallelism, err);
    }
    if (vlen == 1 && (val[0] == '2' || val[0] == '3')) {
        e->ppk_version = val[0] - '0';
        return KK_OK;
    }
    return kk_fail(err, KK_ERR_USAGE, "--ppk-param: version '%.*s' is not 2 or 3",
                   echo_len(vlen), val);
}

int kk_cli_encode_option(int opt, char *arg, struct kk_cli_encode *e,
                         struct kk_limits *lim, struct kk_error *err)
{
    unsigned long long v = 0;
    int rc;

    switch (opt) {
    case KK_CLI_OPT_CIPHER:
        if (arg[0] == '\0')
            return kk_fail(err, KK_ERR_USAGE, "--cipher: the cipher name is empty");
        e->cipher = arg;
        return KK_OK;
    case KK_CLI_OPT_ROUNDS:
        rc = kk_cli_parse_size("--rounds", arg, 0, 0xFFFFFFFFull, &v, err);
        e->rounds = (unsigned)v;
        return rc;
    case KK_CLI_OPT_PPK_PARAM:
        e->ppk_param = 1;
        for (const char *p = arg;; p++) {
            size_t n = strcspn(p, ",");
            if ((rc = ppk_item(p, n, e, err)) != KK_OK)
                return rc;
            p += n;
            if (*p == '\0')
                return KK_OK;
        }
    case KK_CLI_OPT_MAX_INPUT:
        rc = kk_cli_parse_size("--max-input-size", arg, 1, 1ull << 30, &v, err);
        if (rc == KK_OK) {
            lim->max_input = (size_t)v;
            /* Keep the default room for gzip's expansion. */
            lim->max_decompressed = (size_t)v * 4;
            if (lim->max_decompressed < KK_DEFAULT_MAX_DECOMPRESSED)
                lim->max_decompressed = KK_DEFAULT_MAX_DECOMPRESSED;
        }
        return rc;
    case KK_CLI_OPT_MAX_RSA_BITS:
        rc = kk_cli_parse_size("--max-rsa-bits", arg, 0, 65536, &v, err);
        if (rc == KK_OK)
            lim->rsa_max_bits = (unsigned)v;
        return rc;
    case KK_CLI_OPT_MAX_KDF_ROUNDS:
        rc = kk_cli_parse_size("--max-kdf-rounds", arg, 0, 0xFFFFFFFFull, &v, err);
        if (rc == KK_OK)
            lim->max_kdf_rounds = (unsigned)v;
        return rc;
    case KK_CLI_OPT_MAX_ARGON2_MEMORY:
        rc = kk_cli_parse_size("--max-argon2-memory", arg, 0, 0xFFFFFFFFull, &v, err);
        if (rc == KK_OK)
            lim->max_argon2_memory = (unsigned)v;
        return rc;
    case KK_CLI_OPT_MAX_ARGON2_PASSES:
        rc = kk_cli_parse_size("--max-argon2-passes", arg, 0, 0xFFFFFFFFull, &v, err);
        if (rc == KK_OK)
            lim->max_argon2_passes = (unsigned)v;
        return rc;
    case KK_CLI_OPT_MAX_ARGON2_PARALLELISM:
        rc = kk_cli_parse_size("--max-argon2-parallelism", arg, 0, 0xFFFFFFull, &v, err);
        if (rc == KK_OK)
            lim->max_argon2_parallelism = (unsigned)v;
        return rc;
    default:
        return kk_fail(err, KK_ERR_INTERNAL, "option %d is not an encoding option", opt);
    }
}

static int over_cap(struct kk_error *err, const char *what, unsigned long long v,
                    unsigned cap, const char *unit, const char *flag)
{
    kk_fail(err, KK_ERR_USAGE, "%s%llu is more than the limit of %u%s", what, v, cap, unit);
    return kk_hint(err, "raise the limit with %s", flag);
}

static int is_ppk(const struct kk_format *f)
{
    return f != NULL && (strcmp(f->name, "ppk2") == 0 || strcmp(f->name, "ppk3") == 0);
}

int kk_cli_encode_prepare(struct kk_cli_encode *e, const struct kk_limits *lim,
                          const char *to_name, const struct kk_format **fmt,
                          struct kk_error *err)
{
    const struct kk_format *f = *fmt;
    struct kk_argon2_params *a = &e->argon2;

    if (e->ppk_param && !is_ppk(f))
        return kk_fail(err, KK_ERR_USAGE, "--ppk-param applies only to PuTTY output "
                       "(ppk, ppk2, ppk3), not %s", f != NULL ? f->name : "this format");
    if (is_ppk(f) && e->ppk_version != 0) {
        const char *want = e->ppk_version == 2 ? "ppk2" : "ppk3";
        /* "ppk" and a .ppk name leave the version open; ppk2 or ppk3 do not. */
        if (to_name != NULL && is_ppk(kk_format_by_name(to_name)) &&
            strcasecmp(to_name, "ppk") != 0 && strcasecmp(to_name, want) != 0)
            return kk_fail(err, KK_ERR_USAGE, "--ppk-param: version=%d contradicts the "
                           "format %s", e->ppk_version, to_name);
        f = kk_format_by_name(want);
        if (f == NULL || f->encode == NULL)
            return kk_fail(err, KK_ERR_UNSUPPORTED, "keykit cannot write %s yet", want);
        *fmt = f;
    }
    if (e->rounds > lim->max_kdf_rounds)
        return over_cap(err, "--rounds: ", e->rounds, lim->max_kdf_rounds, "",
                        "--max-kdf-rounds");
    if (!is_ppk(f))
        return KK_OK;
    if (strcmp(f->name, "ppk2") == 0) {
        if (e->argon2_set != 0)
            return kk_fail(err, KK_ERR_USAGE, "--ppk-param: kdf, memory, passes and "
                           "parallelism apply only to version 3 (ppk3)");
        return KK_OK;
    }
    /* PPK v3 takes --rounds as its Argon2 passes, as its codec does. */
    if (e->argon2_set != 0 && !(e->argon2_set & KK_CLI_ARGON2_PASSES))
        a->passes = e->rounds;
    if (a->memory_kib > lim->max_argon2_memory)
        return over_cap(err, "--ppk-param: memory=", a->memory_kib, lim->max_argon2_memory,
                        " KiB", "--max-argon2-memory");
    if (e->argon2_set & KK_CLI_ARGON2_PASSES) {
        if (a->passes > lim->max_argon2_passes)
            return over_cap(err, "--ppk-param: passes=", a->passes, lim->max_argon2_passes,
                            "", "--max-argon2-passes");
    } else if (e->rounds > lim->max_argon2_passes) {
        return over_cap(err, "--rounds: ", e->rounds, lim->max_argon2_passes, "",
                        "--max-argon2-passes");
    }
    if (a->parallelism > lim->max_argon2_parallelism)
        return over_cap(err, "--ppk-param: parallelism=", a->parallelism,
                        lim->max_argon2_parallelism, "", "--max-argon2-parallelism");
    /* Argon2 needs 8 KiB per lane. */
    uint32_t lanes = a->parallelism != 0 ? a->parallelism : 1;
    if (a->memory_kib != 0 && a->memory_kib / 8 < lanes)
        return kk_fail(err, KK_ERR_USAGE, "--ppk-param: memory=%u is less than 8 KiB per "
                       "lane (parallelism %u)", (unsigned)a->memory_kib, (unsigned)lanes);
    return KK_OK;
}

struct kk_encode_opts kk_cli_encode_opts(const struct kk_cli_encode *e, const char *pw,
                                         size_t pwlen)
{
    return (struct kk_encode_opts){
        .passphrase = pw,
        .passlen = pw != NULL ? pwlen : 0,
        .cipher = e->cipher,
        .rounds = e->rounds,
        .argon2 = e->argon2_set != 0 ? &e->argon2 : NULL,
    };
}

void kk_cli_encode_warn_unused(const struct kk_cli_encode *e, const char *out_name)
{
    if (e->cipher != NULL)
        kk_cli_warn("--cipher has no effect: %s is not encrypted", out_name);
    if (e->rounds != 0)
        kk_cli_warn("--rounds has no effect: %s is not encrypted", out_name);
    if (e->argon2_set != 0)
        kk_cli_warn("--ppk-param kdf, memory, passes and parallelism have no effect: "
                    "%s is not encrypted", out_name);
}

