/* The table of formats, lookup by name or extension, content detection. */
#include <string.h>
#include <strings.h>
#include "format.h"

/* Detection order breaks sniff ties: private formats before public ones. */
const struct kk_format *const kk_formats[] = {
    &kk_fmt_openssh,
    &kk_fmt_ppk3,
    &kk_fmt_ppk2,
    &kk_fmt_pem,
    &kk_fmt_pkcs8,
    &kk_fmt_sshcom,
    &kk_fmt_openssh_pub,
    &kk_fmt_rfc4716,
    &kk_fmt_spki,
    &kk_fmt_pkcs1_pub,
    NULL,
};

static const struct {
    const char *alias;
    const char *name;
} aliases[] = {
    {"pub", "openssh-pub"},
    {"ssh", "openssh-pub"},
    {"ssh2", "rfc4716"},
    {"pkcs1", "pem"},
    {"sec1", "pem"},
    {"p8", "pkcs8"},
    {"ppk", "ppk3"},
};

const struct kk_format *kk_format_by_name(const char *name)
{
    if (name == NULL)
        return NULL;
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
        if (strcasecmp(name, aliases[i].alias) == 0)
            name = aliases[i].name;
    for (size_t i = 0; kk_formats[i] != NULL; i++)
        if (strcasecmp(name, kk_formats[i]->name) == 0)
            return kk_formats[i];
    return NULL;
}

const struct kk_format *kk_format_detect(const uint8_t *in, size_t len)
{
    const struct kk_format *best = NULL;
    int best_score = KK_SNIFF_NO;

    /* Nothing is any format; and an empty buffer may have a NULL pointer. */
    if (in == NULL || len == 0)
        return NULL;

    for (size_t i = 0; kk_formats[i] != NULL; i++) {
        if (kk_formats[i]->sniff == NULL)
            continue;
        int score = kk_formats[i]->sniff(in, len);
        if (score > best_score) {
            best = kk_formats[i];
            best_score = score;
        }
    }
    return best;
}

/* True if the space-separated list contains ext (case-insensitive). */
static int list_has(const char *list, const char *ext)
{
    size_t n = strlen(ext);
    const char *p = list;

    while (*p != '\0') {
        size_t w = strcspn(p, " ");
        if (w == n && strncasecmp(p, ext, n) == 0)
            return 1;
        p += w;
        p += strspn(p, " ");
    }
    return 0;
}

const struct kk_format *kk_format_for_path(const char *path)
{
    if (path == NULL)
        return NULL;
    const char *base = strrchr(path, '/');
    base = base != NULL ? base + 1 : path;
    const char *ext = strrchr(base, '.');
    if (ext == NULL || ext == base)
        return NULL;
    for (size_t i = 0; kk_formats[i] != NULL; i++)
        if (kk_formats[i]->extensions != NULL &&
            list_has(kk_formats[i]->extensions, ext))
            return kk_formats[i];
    return NULL;
}
