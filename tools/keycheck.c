/* keycheck: validates public keys before they reach a VM, a router or a
 * cloud.  The analysis is in checks/; this file holds the options and the
 * four ways of showing findings (text, json, sarif, github). */
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <openssl/evp.h>
#include "../checks/check.h"
#include "../core/base64.h"
#include "../core/io.h"
#include "cli.h"

#define DEFAULT_MAX_INPUT ((size_t)64 << 20)   /* authorized_keys can be long */

enum out_format { OUT_TEXT, OUT_JSON, OUT_SARIF, OUT_GITHUB };

struct input {
    const char *path;
    enum kc_mode mode;
};

static void usage(void)
{
    printf("Usage: keycheck [OPTIONS] FILE...\n"
           "       keycheck --authorized-keys FILE [--metadata FILE] ...\n"
           "Checks public keys: every classic breakage, weak RSA, target profiles.\n\n"
           "  FILE                    a file holding exactly one public key ('-' = stdin)\n"
           "  -a, --authorized-keys FILE  check every line of an authorized_keys file\n"
           "  -m, --metadata FILE     check 'user:key' metadata lines (Google Cloud, Yandex)\n"
           "  -p, --profile NAME      judge against a target (default: default)\n"
           "  -L, --list-profiles     list the profiles and their rules\n"
           "  -f, --format FMT        text (default), json, sarif or github\n"
           "  -s, --strict            warnings fail too\n"
           "  -F, --fix               print the repaired one-line key (wrapped lines,\n"
           "                          CR, BOM, UTF-16, RFC 4716); never for weak keys;\n"
           "                          with -a/-m the whole repaired file, leaving out\n"
           "                          (and reporting) the lines it cannot repair\n"
           "      --max-input-size BYTES  largest input read (default 64M)\n"
           "      --max-gcd-bits BITS  most modulus bits, over all distinct RSA keys, that\n"
           "                          the shared-prime test (batch GCD) takes on (default\n"
           "                          32M: 8192 keys of 4096 bits, a few seconds)\n"
           "  -h, --help              this help\n"
           "  -V, --version           the version\n\n"
           "Exit status: 0 no errors (warnings allowed), 1 errors found, 2 usage, 3 I/O.\n");
}

/* ---- text ---- */

static int colour_on(void)
{
    const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");
    return isatty(STDERR_FILENO) && (nc == NULL || nc[0] == '\0') &&
           term != NULL && strcmp(term, "dumb") != 0;
}

static void print_finding(const struct kc_file *f, const struct kc_finding *x, int colour)
{
    const char *on = !colour ? "" : x->level == KC_ERROR ? "\033[1;31m" : "\033[1;33m";
    const char *off = colour ? "\033[0m" : "";
    fprintf(stderr, "%s: ", kk_cli_tool());
    kk_cli_put_escaped(stderr, f->name);
    if (x->line > 0 && x->col > 0)
        fprintf(stderr, ":%ld:%ld", x->line, x->col);
    else if (x->line > 0)
        fprintf(stderr, ":%ld", x->line);
    fprintf(stderr, ": %s%s:%s ", on, x->level == KC_ERROR ? "error" : "warning", off);
    kk_cli_put_escaped(stderr, x->msg);
    fprintf(stderr, " [%s]\n", x->id);
    if (x->fix[0] != '\0') {
        fprintf(stderr, "%s: %shint:%s ", kk_cli_tool(), colour ? "\033[36m" : "", off);
        kk_cli_put_escaped(stderr, x->fix);
        fputc('\n', stderr);
    }
}

static void print_text(const struct kc_file *f, int colour)
{
    for (size_t i = 0; i < f->nfindings; i++)
        print_finding(f, &f->findings[i], colour);
}

/* ---- JSON helpers (also for SARIF) ---- */

static void json_str(const char *s)
{
    char safe[4 * KK_MSG_MAX];
    /* Invalid UTF-8 and control bytes become \xNN text first, so the JSON
     * string is valid UTF-8 and shows what the bytes were. */
    kk_cli_escape(safe, sizeof safe, s != NULL ? s : "");
    putchar('"');
    for (const unsigned char *p = (const unsigned char *)safe; *p != '\0'; p++) {
        if (*p == '"' || *p == '\\')
            printf("\\%c", *p);
        else if (*p < 0x20)
            printf("\\u%04x", *p);
        else
            putchar(*p);
    }
    putchar('"');
}

/* Long text (comments): escaped in pieces so nothing is cut. */
static void json_long(const char *s)
{
    size_t n = strlen(s);
    char *safe = malloc(n * 4 + 1);
    if (safe == NULL) {
        json_str("");
        return;
    }
    kk_cli_escape(safe, n * 4 + 1, s);
    putchar('"');
    for (const unsigned char *p = (const unsigned char *)safe; *p != '\0'; p++) {
        if (*p == '"' || *p == '\\')
            printf("\\%c", *p);
        else if (*p < 0x20)
            printf("\\u%04x", *p);
        else
            putchar(*p);
    }
    putchar('"');
    free(safe);
}

static const char *level_name(enum kc_level l)
{
    return l == KC_ERROR ? "error" : "warning";
}

static void fingerprints(const struct kc_key *k, char *sha, size_t shasz,
                         char *md5, size_t md5sz, char *cisco, size_t ciscosz)
{
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned int dl = 0;
    struct kk_buf b;

    sha[0] = md5[0] = cisco[0] = '\0';
    kk_buf_init(&b, 0);
    if (EVP_Digest(k->blob, k->blob_len, d, &dl, EVP_sha256(), NULL) == 1 &&
        kk_base64_encode(d, dl, &b) == 0 && kk_buf_terminate(&b) == 0) {
        size_t n = b.len;
        while (n > 0 && b.data[n - 1] == '=')
            n--;
        snprintf(sha, shasz, "SHA256:%.*s", (int)n, (const char *)b.data);
    }
    kk_buf_free(&b);
    if (EVP_Digest(k->blob, k->blob_len, d, &dl, EVP_md5(), NULL) == 1) {
        size_t o = (size_t)snprintf(md5, md5sz, "MD5");
        for (unsigned i = 0; i < dl && o + 4 < md5sz; i++)
            o += (size_t)snprintf(md5 + o, md5sz - o, ":%02x", d[i]);
        /* Cisco IOS "key-hash ssh-rsa HEX": the MD5 in upper-case hex. */
        o = 0;
        for (unsigned i = 0; i < dl && o + 3 < ciscosz; i++)
            o += (size_t)snprintf(cisco + o, ciscosz - o, "%02X", d[i]);
    }
}

static void json_finding(const struct kc_finding *x)
{
    printf("{\"id\": ");
    json_str(x->id);
    printf(", \"level\": \"%s\", \"line\": %ld, \"column\": %ld, \"message\": ",
           level_name(x->level), x->line, x->col);
    json_str(x->msg);
    printf(", \"fix\": ");
    json_str(x->fix);
    printf("}");
}

/* The first finding on line >= line (findings are sorted by line). */
static size_t first_on(const struct kc_file *f, long line)
{
    size_t lo = 0, hi = f->nfindings;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (f->findings[mid].line < line)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* 1 if a key of f starts on line (keys are in line order). */
static int key_on(const struct kc_file *f, long line)
{
    size_t lo = 0, hi = f->nkeys;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (f->keys[mid].line < line)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < f->nkeys && f->keys[lo].line == line;
}

/* Each finding is listed once: under the key on its line, or in the
 * file's own list when no key starts on that line. */
static void print_json(const struct kc_file *files, size_t n, const char *profile,
                       size_t errors, size_t warnings)
{
    printf("{\n  \"tool\": \"keycheck\",\n  \"version\": \"%s\",\n  \"profile\": ",
           KK_VERSION);
    json_str(profile);
    printf(",\n  \"errors\": %zu,\n  \"warnings\": %zu,\n  \"files\": [", errors, warnings);
    for (size_t i = 0; i < n; i++) {
        const struct kc_file *f = &files[i];
        printf("%s\n    {\"file\": ", i ? "," : "");
        json_str(f->name);
        printf(", \"keys\": [");
        for (size_t j = 0; j < f->nkeys; j++) {
            const struct kc_key *k = &f->keys[j];
            char sha[128], md5[128], cisco[64];
            fingerprints(k, sha, sizeof sha, md5, sizeof md5, cisco, sizeof cisco);
            printf("%s\n      {\"file\": ", j ? "," : "");
            json_str(f->name);
            printf(", \"line\": %ld, \"type\": ", k->line);
            json_str(k->type);
            printf(", \"bits\": %d, \"sha256\": \"%s\", \"md5\": \"%s\", "
                   "\"cisco_key_hash\": \"%s\", \"comment\": ", k->bits, sha, md5, cisco);
            json_long(k->comment != NULL ? k->comment : "");
            printf(", \"findings\": [");
            /* Two keys never start on one line; if they did, the first
             * would take the line's findings. */
            if (j == 0 || f->keys[j - 1].line != k->line) {
                size_t x0 = first_on(f, k->line);
                for (size_t x = x0; x < f->nfindings && f->findings[x].line == k->line; x++) {
                    printf("%s", x > x0 ? ", " : "");
                    json_finding(&f->findings[x]);
                }
            }
            printf("]}");
        }
        printf("%s], \"findings\": [", f->nkeys ? "\n    " : "");
        int any = 0;
        for (size_t x = 0; x < f->nfindings; x++) {
            if (key_on(f, f->findings[x].line))
                continue;
            printf("%s\n      ", any++ ? "," : "");
            json_finding(&f->findings[x]);
        }
        printf("%s]}", any ? "\n    " : "");
    }
    printf("\n  ]\n}\n");
}

/* Prints a file name as SARIF wants it, a JSON string holding a URI
 * reference: bytes outside the unreserved set and '/' percent-encoded (so
 * nothing is left for JSON to escape), and an absolute path as a file://
 * URI (code scanning maps relative ones onto the repository). */
static void put_sarif_uri(const char *name)
{
    putchar('"');
    if (name[0] == '/')
        fputs("file://", stdout);
    for (const unsigned char *p = (const unsigned char *)name; *p != '\0'; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
            strchr("-._~/", *p) != NULL)
            putchar(*p);
        else
            printf("%%%02X", *p);
    }
    putchar('"');
}

static void print_sarif(const struct kc_file *files, size_t n)
{
    printf("{\n  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n"
           "  \"version\": \"2.1.0\",\n  \"runs\": [{\n    \"tool\": {\"driver\": {"
           "\"name\": \"keycheck\", \"version\": \"%s\", \"rules\": [", KK_VERSION);
    for (size_t r = 0; r < kc_nrules; r++) {
        printf("%s\n      {\"id\": ", r ? "," : "");
        json_str(kc_rules[r].id);
        printf(", \"shortDescription\": {\"text\": ");
        json_str(kc_rules[r].title);
        printf("}, \"defaultConfiguration\": {\"level\": \"%s\"}}",
               level_name(kc_rules[r].level));
    }
    printf("]}},\n    \"results\": [");
    int any = 0;
    for (size_t i = 0; i < n; i++) {
        const struct kc_file *f = &files[i];
        for (size_t x = 0; x < f->nfindings; x++) {
            const struct kc_finding *fd = &f->findings[x];
            char text[2 * KK_MSG_MAX + 8];
            size_t ri = 0;
            while (ri < kc_nrules && strcmp(kc_rules[ri].id, fd->id) != 0)
                ri++;
            snprintf(text, sizeof text, "%s%s%s", fd->msg, fd->fix[0] ? "; fix: " : "",
                     fd->fix);
            printf("%s\n      {\"ruleId\": ", any++ ? "," : "");
            json_str(fd->id);
            printf(", \"ruleIndex\": %zu, \"level\": \"%s\", \"message\": {\"text\": ",
                   ri, level_name(fd->level));
            json_str(text);
            printf("}, \"locations\": [{\"physicalLocation\": {\"artifactLocation\": "
                   "{\"uri\": ");
            put_sarif_uri(strcmp(f->name, "(stdin)") == 0 ? "stdin" : f->name);
            printf("}");
            if (fd->line > 0) {
                printf(", \"region\": {\"startLine\": %ld", fd->line);
                if (fd->col > 0)
                    printf(", \"startColumn\": %ld", fd->col);
                printf("}");
            }
            printf("}}]}");
        }
    }
    printf("%s]\n  }]\n}\n", any ? "\n    " : "");
}

/* GitHub workflow commands: '%', CR and LF are escaped in the message, and
 * ':' and ',' too in a property value. */
static void gh_put(const char *s, int property)
{
    char safe[4 * KK_MSG_MAX];
    kk_cli_escape(safe, sizeof safe, s);
    for (const char *p = safe; *p != '\0'; p++) {
        if (*p == '%')
            fputs("%25", stdout);
        else if (*p == '\r')
            fputs("%0D", stdout);
        else if (*p == '\n')
            fputs("%0A", stdout);
        else if (property && *p == ':')
            fputs("%3A", stdout);
        else if (property && *p == ',')
            fputs("%2C", stdout);
        else
            putchar(*p);
    }
}

static void print_github(const struct kc_file *files, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const struct kc_file *f = &files[i];
        for (size_t x = 0; x < f->nfindings; x++) {
            const struct kc_finding *fd = &f->findings[x];
            printf("::%s file=", level_name(fd->level));
            gh_put(f->name, 1);
            if (fd->line > 0)
                printf(",line=%ld", fd->line);
            if (fd->col > 0)
                printf(",col=%ld", fd->col);
            printf(",title=");
            gh_put(fd->id, 1);
            printf("::");
            gh_put(fd->msg, 0);
            if (fd->fix[0] != '\0') {
                printf(" (fix: ");
                gh_put(fd->fix, 0);
                printf(")");
            }
            putchar('\n');
        }
    }
}

/* ---- --fix ---- */

/* A single-key file: the repaired line, or why not.  Returns the exit
 * status. */
static int fix_single(const struct kc_file *f)
{
    if (f->fixed != NULL) {
        fwrite(f->fixed, 1, f->fixed_len, stdout);
        return KK_EXIT_OK;
    }
    print_text(f, colour_on());
    if (kc_file_count(f, KC_ERROR) == 0)
        return KK_EXIT_OK;
    fprintf(stderr, "%s: ", kk_cli_tool());
    kk_cli_put_escaped(stderr, f->name);
    fprintf(stderr, ": not repaired: --fix repairs wrapped lines, CR, BOM, UTF-16 "
            "and RFC 4716 blocks, never broken or weak keys\n");
    return KK_EXIT_BAD;
}

/* An authorized_keys or metadata file: the whole repaired file, without
 * the lines that cannot be repaired; their errors are shown.  Returns the
 * exit status, -1 on allocation failure. */
static int fix_lines(struct kc_file *f)
{
    int colour = colour_on();
    long dropped = kc_file_fix(f);

    if (dropped < 0)
        return -1;
    fwrite(f->fixed, 1, f->fixed_len, stdout);
    for (size_t r = 0; r < f->nrecs; r++) {
        const struct kc_fixrec *rec = &f->recs[r];
        if (!rec->dropped)
            continue;
        for (size_t x = 0; x < f->nfindings; x++)
            if (f->findings[x].level == KC_ERROR && f->findings[x].line >= rec->first &&
                f->findings[x].line <= rec->last)
                print_finding(f, &f->findings[x], colour);
        fprintf(stderr, "%s: ", kk_cli_tool());
        kk_cli_put_escaped(stderr, f->name);
        if (rec->first == 0)
            fprintf(stderr, ": not repaired: --fix repairs wrapped lines, CR, BOM, "
                    "UTF-16 and RFC 4716 blocks, never broken or weak keys\n");
        else if (rec->first == rec->last)
            fprintf(stderr, ":%ld: not repaired: the line is left out\n", rec->first);
        else
            fprintf(stderr, ":%ld: not repaired: lines %ld-%ld are left out\n",
                    rec->first, rec->first, rec->last);
    }
    return dropped > 0 ? KK_EXIT_BAD : KK_EXIT_OK;
}

static void list_profiles(void)
{
    for (size_t i = 0; kc_profiles[i] != NULL; i++)
        printf("%-15s %s\n", kc_profiles[i]->name, kc_profiles[i]->summary);
}

int main(int argc, char **argv)
{
    enum { OPT_MAX_INPUT = 256, OPT_MAX_GCD };
    static const struct option longopts[] = {
        { "authorized-keys", required_argument, NULL, 'a' },
        { "fix", no_argument, NULL, 'F' },
        { "format", required_argument, NULL, 'f' },
        { "help", no_argument, NULL, 'h' },
        { "list-profiles", no_argument, NULL, 'L' },
        { "max-gcd-bits", required_argument, NULL, OPT_MAX_GCD },
        { "max-input-size", required_argument, NULL, OPT_MAX_INPUT },
        { "metadata", required_argument, NULL, 'm' },
        { "profile", required_argument, NULL, 'p' },
        { "strict", no_argument, NULL, 's' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };
    struct kk_limits lim = kk_limits_default();
    /* The small-factor test of every key rides on the batch GCD. */
    struct kc_opts kopts = { .weak = 1, .batch_small_factor = 1 };
    unsigned long long max_gcd_bits = KC_BATCH_DEFAULT_MAX_BITS;
    struct input *inputs = NULL;
    struct kc_file *files = NULL;
    enum kc_mode *fmode = NULL;
    size_t ninputs = 0, nfiles = 0;
    enum out_format fmt = OUT_TEXT;
    int strict = 0, fix = 0, status = KK_EXIT_OK, c;
    struct kk_error err;
    unsigned long long v;

    /* A finding is written in many pieces; one write a line, not a byte
     * (10,000 keys can mean 10,000 warnings). */
    setvbuf(stderr, NULL, _IOLBF, BUFSIZ);
    kk_cli_init("keycheck");
    kk_error_clear(&err);
    lim.max_input = DEFAULT_MAX_INPUT;
    lim.max_decompressed = DEFAULT_MAX_INPUT;
    inputs = calloc((size_t)argc + 1, sizeof *inputs);
    if (inputs == NULL) {
        kk_fail(&err, KK_ERR_NOMEM, NULL);
        return kk_cli_report(NULL, &err);
    }
    while ((c = kk_cli_getopt(argc, argv, ":a:Ff:hLm:p:sV", longopts)) != -1) {
        switch (c) {
        case 'a':
        case 'm':
            inputs[ninputs++] = (struct input){ .path = optarg,
                .mode = c == 'a' ? KC_MODE_AUTHORIZED : KC_MODE_METADATA };
            break;
        case 'F':
            fix = 1;
            break;
        case 'f':
            if (strcmp(optarg, "text") == 0)
                fmt = OUT_TEXT;
            else if (strcmp(optarg, "json") == 0)
                fmt = OUT_JSON;
            else if (strcmp(optarg, "sarif") == 0)
                fmt = OUT_SARIF;
            else if (strcmp(optarg, "github") == 0)
                fmt = OUT_GITHUB;
            else {
                status = kk_cli_usage("--format: unknown format '%s' (use text, "
                                      "json, sarif or github)", optarg);
                goto out;
            }
            break;
        case 'h':
            usage();
            goto out;
        case 'L':
            list_profiles();
            goto out;
        case 'p':
            kopts.profile = kc_profile_by_name(optarg);
            if (kopts.profile == NULL) {
                status = kk_cli_usage("--profile: unknown profile '%s' (see "
                                      "keycheck --list-profiles)", optarg);
                goto out;
            }
            break;
        case 's':
            strict = 1;
            break;
        case 'V':
            kk_cli_version();
            goto out;
        case OPT_MAX_INPUT:
            if (kk_cli_parse_size("--max-input-size", optarg, 1, SIZE_MAX, &v, &err) != KK_OK) {
                status = kk_cli_report(NULL, &err);
                goto out;
            }
            lim.max_input = lim.max_decompressed = (size_t)v;
            break;
        case OPT_MAX_GCD:
            if (kk_cli_parse_size("--max-gcd-bits", optarg, 1, ULLONG_MAX, &v, &err) != KK_OK) {
                status = kk_cli_report(NULL, &err);
                goto out;
            }
            max_gcd_bits = v;
            break;
        default:
            status = KK_EXIT_USAGE;
            goto out;
        }
    }
    for (int i = optind; i < argc; i++)
        inputs[ninputs++] = (struct input){ .path = argv[i], .mode = KC_MODE_SINGLE };
    if (ninputs == 0) {
        status = kk_cli_usage("no key file given");
        goto out;
    }
    int stdin_uses = 0;
    for (size_t i = 0; i < ninputs; i++)
        stdin_uses += strcmp(inputs[i].path, "-") == 0;
    if (stdin_uses > 1) {
        status = kk_cli_usage("standard input ('-') can be read only once");
        goto out;
    }
    if (fix && fmt != OUT_TEXT) {
        status = kk_cli_usage("--fix prints the repaired key; it cannot be "
                              "combined with --format");
        goto out;
    }
    kopts.want_fix = fix;
    files = calloc(ninputs, sizeof *files);
    fmode = calloc(ninputs, sizeof *fmode);
    if (files == NULL || fmode == NULL) {
        kk_fail(&err, KK_ERR_NOMEM, NULL);
        status = kk_cli_report(NULL, &err);
        goto out;
    }
    int io_failed = 0;
    for (size_t i = 0; i < ninputs; i++) {
        struct kk_buf data;
        const char *name = kk_cli_in_name(inputs[i].path);
        kk_buf_init(&data, 0);
        kk_error_clear(&err);
        if (kk_read_input(inputs[i].path, &lim, &data, &err) != KK_OK) {
            int st = kk_cli_report(name, &err);
            io_failed = st > io_failed ? st : io_failed;
            kk_buf_free(&data);
            continue;
        }
        kc_file_init(&files[nfiles], name);
        kopts.mode = inputs[i].mode;
        if (files[nfiles].name == NULL ||
            kc_check_buffer(data.data, data.len, &kopts, &files[nfiles], &err) != KK_OK) {
            if (files[nfiles].name == NULL)
                kk_fail(&err, KK_ERR_NOMEM, NULL);
            status = kk_cli_report(name, &err);
            kc_file_free(&files[nfiles]);
            kk_buf_free(&data);
            goto out;
        }
        fmode[nfiles++] = inputs[i].mode;
        kk_buf_free(&data);
    }
    kk_error_clear(&err);
    struct kk_error cap;
    kk_error_clear(&cap);
    int rc = kc_check_shared_primes_max(files, nfiles, max_gcd_bits, &err);
    if (rc == KK_ERR_CAP) {
        /* Everything else was checked: show it, then say what was not. */
        cap = err;
    } else if (rc != KK_OK) {
        status = kk_cli_report(NULL, &err);
        goto out;
    }
    size_t errors = 0, warnings = 0;
    for (size_t i = 0; i < nfiles; i++) {
        kc_file_sort(&files[i]);
        errors += kc_file_count(&files[i], KC_ERROR);
        warnings += kc_file_count(&files[i], KC_WARNING);
    }
    if (fix) {
        status = KK_EXIT_OK;
        for (size_t i = 0; i < nfiles && cap.code == KK_OK; i++) {
            int st = fmode[i] == KC_MODE_SINGLE ? fix_single(&files[i])
                                                : fix_lines(&files[i]);
            if (st < 0) {
                kk_fail(&err, KK_ERR_NOMEM, NULL);
                status = kk_cli_report(NULL, &err);
                goto out;
            }
            if (st > status)
                status = st;
        }
    } else {
        switch (fmt) {
        case OUT_TEXT: {
            int colour = colour_on();
            for (size_t i = 0; i < nfiles; i++)
                print_text(&files[i], colour);
            break;
        }
        case OUT_JSON:
            print_json(files, nfiles, kopts.profile ? kopts.profile->name : "default",
                       errors, warnings);
            break;
        case OUT_SARIF:
            print_sarif(files, nfiles);
            break;
        case OUT_GITHUB:
            print_github(files, nfiles);
            break;
        }
        status = errors > 0 || (strict && warnings > 0) ? KK_EXIT_BAD : KK_EXIT_OK;
    }
    if (cap.code != KK_OK) {
        int st = kk_cli_report(NULL, &cap);
        status = st > status ? st : status;
    }
    if (io_failed > status)
        status = io_failed;
    /* Output that could not be written is an I/O error whatever was found:
     * a CI job must not read a truncated report as a verdict. */
    int flushed = fflush(stdout) == 0, flush_errno = errno;
    if ((!flushed || ferror(stdout)) && status != KK_EXIT_USAGE) {
        struct kk_error werr;
        /* An earlier write's errno is gone: name only fflush's own. */
        errno = flushed ? EIO : flush_errno;
        kk_error_clear(&werr);
        kk_fail_errno(&werr, KK_ERR_IO, "cannot write the output");
        status = kk_cli_report(NULL, &werr);
    }
out:
    for (size_t i = 0; i < nfiles; i++)
        kc_file_free(&files[i]);
    free(files);
    free(fmode);
    free(inputs);
    return status;
}
