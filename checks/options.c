/* The authorized_keys option grammar (sshd(8), AUTHORIZED_KEYS FILE FORMAT):
 * comma-separated options before the key, some with a "quoted" value in
 * which \" stands for a quote.  sshd refuses the whole line when an option
 * is unknown or malformed, so each of those is an error here. */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "internal.h"

struct opt {
    const char *name;
    int value;      /* takes ="value" */
};

static const struct opt opts[] = {
    { "agent-forwarding", 0 }, { "cert-authority", 0 }, { "command", 1 },
    { "environment", 1 }, { "expiry-time", 1 }, { "from", 1 },
    { "no-agent-forwarding", 0 }, { "no-port-forwarding", 0 }, { "no-pty", 0 },
    { "no-touch-required", 0 }, { "no-user-rc", 0 }, { "no-x11-forwarding", 0 },
    { "permitlisten", 1 }, { "permitopen", 1 }, { "port-forwarding", 0 },
    { "principals", 1 }, { "pty", 0 }, { "restrict", 0 }, { "tunnel", 1 },
    { "user-rc", 0 }, { "verify-required", 0 }, { "x11-forwarding", 0 },
};
#define NOPTS (sizeof opts / sizeof opts[0])

static const struct opt *lookup(const uint8_t *s, size_t n)
{
    /* sshd compares option names without regard to case. */
    for (size_t i = 0; i < NOPTS; i++)
        if (strlen(opts[i].name) == n && strncasecmp(opts[i].name, (const char *)s, n) == 0)
            return &opts[i];
    return NULL;
}

int kc_is_option(const uint8_t *s, size_t n)
{
    size_t w = 0;
    while (w < n && s[w] != ',' && s[w] != '=')
        w++;
    return lookup(s, w) != NULL;
}

static void add(struct kc_ctx *c, const char *id, long line, long col,
                const char *fix, const char *msg)
{
    if (kc_add(c->f, id, KC_ERROR, line, col, fix, "%s", msg) != 0)
        c->nomem = 1;
    c->f->repairable = 0;
}

static int valid_expiry(const uint8_t *v, size_t n)
{
    if (n != 8 && n != 12 && n != 14)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (v[i] < '0' || v[i] > '9')
            return 0;
    return 1;
}

size_t kc_options(struct kc_ctx *c, const uint8_t *in, size_t ls, size_t s,
                  size_t e, long line)
{
    char msg[KK_MSG_MAX], shown[80];
    size_t p = s;

    for (;;) {
        size_t n0 = p;
        while (p < e && in[p] != ',' && in[p] != '=' && in[p] != ' ' &&
               in[p] != '\t' && in[p] != '"')
            p++;
        const struct opt *o = lookup(in + n0, p - n0);
        kk_escape(in + n0, p - n0, shown, sizeof shown);
        if (p == n0 && (p >= e || in[p] != '"')) {
            add(c, "unknown-option", line, kc_col(ls, n0),
                "remove the stray ',' or quote", "an empty option in the options list");
        } else if (o == NULL) {
            snprintf(msg, sizeof msg, "unknown option '%s': sshd ignores this "
                     "whole line", shown);
            add(c, "unknown-option", line, kc_col(ls, n0),
                "remove it, or spell it as sshd(8) does (restrict, command=\"...\", "
                "from=\"...\", no-pty, ...)", msg);
        }
        if (p < e && in[p] == '=') {
            size_t v0 = ++p;
            if (p >= e || in[p] != '"') {
                snprintf(msg, sizeof msg, "the value of option '%s' is not in "
                         "double quotes", shown);
                add(c, "option-value-unquoted", line, kc_col(ls, v0),
                    "write it as name=\"value\"", msg);
                while (p < e && in[p] != ',' && in[p] != ' ' && in[p] != '\t')
                    p++;
            } else {
                p++;
                size_t nul = e;
                while (p < e && in[p] != '"') {
                    if (in[p] == '\\' && e - p > 1 && in[p + 1] == '"')
                        p++;
                    else if (in[p] == '\0' && nul == e)
                        nul = p;
                    p++;
                }
                /* sshd reads the line as a C string: it ends at the NUL. */
                if (nul < e && p < e) {
                    snprintf(msg, sizeof msg, "the value of option '%s' holds a NUL "
                             "byte: sshd stops reading the line there, before the "
                             "closing quote", shown);
                    add(c, "unterminated-quote", line, kc_col(ls, nul),
                        "remove the NUL byte (\\x00) from the value", msg);
                }
                if (p >= e) {
                    snprintf(msg, sizeof msg, "the value of option '%s' has no "
                             "closing quote", shown);
                    add(c, "unterminated-quote", line, kc_col(ls, v0),
                        "end the value with '\"' (write a quote inside it as \\\")",
                        msg);
                    return e;
                }
                p++;
                if (o != NULL && strcmp(o->name, "expiry-time") == 0 &&
                    !valid_expiry(in + v0 + 1, p - v0 - 2))
                    add(c, "bad-expiry-time", line, kc_col(ls, v0 + 1),
                        "write the time as YYYYMMDD, YYYYMMDDHHMM or YYYYMMDDHHMMSS",
                        "the expiry-time is not YYYYMMDD[HHMM[SS]]");
            }
            if (o != NULL && !o->value) {
                snprintf(msg, sizeof msg, "option '%s' takes no value", o->name);
                add(c, "option-takes-no-value", line, kc_col(ls, n0),
                    "remove the '=' and the value", msg);
            }
        } else if (o != NULL && o->value) {
            snprintf(msg, sizeof msg, "option '%s' needs a value", o->name);
            add(c, "option-needs-value", line, kc_col(ls, n0),
                "write it as name=\"value\"", msg);
        } else if (p < e && in[p] == '"') {
            add(c, "unknown-option", line, kc_col(ls, p),
                "remove the stray quote", "a quote outside an option value");
            p++;
            while (p < e && in[p] != ',' && in[p] != ' ' && in[p] != '\t')
                p++;
        }
        if (p < e && in[p] == ',') {
            p++;
            continue;
        }
        return p;
    }
}
