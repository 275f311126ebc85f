/* keybatch: convert a whole tree of keys in one run.
 *
 * The command line, --help, and everything refused before any key is
 * read: formats, passphrase sources, the output directory.  The run itself
 * is keybatch_run.c, the report keybatch_report.c, the work on one file
 * keybatch_convert.c; the walk and the threads are core/walk and core/jobs. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <openssl/crypto.h>
#include "keybatch.h"
#include "../core/io.h"
#include "../core/jobs.h"
#include "../formats/convert.h"

enum {
    OPT_DRY_RUN = 256,
    OPT_FORCE,
    OPT_NO_ENCRYPT,
    OPT_PASSIN,
    OPT_PASSIN_LIST,
    OPT_PASSOUT,
    OPT_REPORT,
    OPT_TO,
};

/* Sorted by name. */
static const struct option long_options[] = {
    {"cipher",                 required_argument, NULL, KK_CLI_OPT_CIPHER},
    {"dry-run",                no_argument,       NULL, OPT_DRY_RUN},
    {"force",                  no_argument,       NULL, OPT_FORCE},
    {"help",                   no_argument,       NULL, 'h'},
    {"jobs",                   required_argument, NULL, 'j'},
    {"max-argon2-memory",      required_argument, NULL, KK_CLI_OPT_MAX_ARGON2_MEMORY},
    {"max-argon2-parallelism", required_argument, NULL, KK_CLI_OPT_MAX_ARGON2_PARALLELISM},
    {"max-argon2-passes",      required_argument, NULL, KK_CLI_OPT_MAX_ARGON2_PASSES},
    {"max-input-size",         required_argument, NULL, KK_CLI_OPT_MAX_INPUT},
    {"max-kdf-rounds",         required_argument, NULL, KK_CLI_OPT_MAX_KDF_ROUNDS},
    {"max-rsa-bits",           required_argument, NULL, KK_CLI_OPT_MAX_RSA_BITS},
    {"no-encrypt",             no_argument,       NULL, OPT_NO_ENCRYPT},
    {"output",                 required_argument, NULL, 'o'},
    {"passin",                 required_argument, NULL, OPT_PASSIN},
    {"passin-list",            required_argument, NULL, OPT_PASSIN_LIST},
    {"passout",                required_argument, NULL, OPT_PASSOUT},
    {"ppk-param",              required_argument, NULL, KK_CLI_OPT_PPK_PARAM},
    {"quiet",                  no_argument,       NULL, 'q'},
    {"report",                 required_argument, NULL, OPT_REPORT},
    {"rounds",                 required_argument, NULL, KK_CLI_OPT_ROUNDS},
    {"to",                     required_argument, NULL, OPT_TO},
    {"version",                no_argument,       NULL, 'V'},
    {NULL, 0, NULL, 0},
};

static void usage(void)
{
    printf("Usage: keybatch [OPTIONS] -o DIR INPUT...\n"
           "Convert every key in the given files and directories (recursively), writing\n"
           "DIR/REL/STEM (the private key, 0600) and DIR/REL/STEM.pub (0644) for each\n"
           "INPUT-DIR/REL/STEM.EXT, in parallel.  Nothing is ever overwritten without\n"
           "--force and no input is ever changed: a second run of the same command\n"
           "skips every key it already converted.\n"
           "\n"
           "Options:\n"
           "  -o, --output DIR        where the converted keys go (made if missing)\n"
           "  --to FMT                private key format: openssh (default, STEM), pem\n"
           "                          (STEM.pem), pkcs8 (STEM.p8), ppk, ppk2, ppk3 (STEM.ppk),\n"
           "                          sshcom (STEM)\n"
           "  --passin SPEC           a passphrase to open encrypted inputs\n"
           "  --passin-list FILE      more candidates, one a line, tried in turn (the one\n"
           "                          that opened each key is never shown)\n"
           "  --passout SPEC          encrypt every output with this passphrase\n"
           "  --no-encrypt            write every output unencrypted\n"
           "  --cipher NAME, --rounds N, --ppk-param K=V,...\n"
           "                          encryption of the outputs, as keyconv's\n"
           "  --force                 replace outputs that exist\n"
           "  --dry-run               decide and report everything, write nothing\n"
           "  --report FILE           write a JSON report (replaces an earlier one)\n"
           "  -j, --jobs N            keys converted at once (default: the CPUs online)\n"
           "  -q, --quiet             do not list converted keys, no progress bar\n"
           "\n"
           "Caps on what an input may cost (raise them only for files you trust):\n"
           "  --max-input-size BYTES  input size (default 1M; k, M, G suffixes)\n"
           "  --max-rsa-bits BITS     RSA key size (default %u)\n"
           "  --max-kdf-rounds N      bcrypt rounds, PBKDF2 iterations (default %u)\n"
           "  --max-argon2-memory KIB       Argon2 memory (default %u)\n"
           "  --max-argon2-passes N         Argon2 passes (default %u)\n"
           "  --max-argon2-parallelism N    Argon2 lanes (default %u)\n"
           "\n"
           "  -h, --help              show this help\n"
           "  -V, --version           show the version\n"
           "\n"
           "SPEC is pass:TEXT, env:VAR, file:PATH, fd:N or stdin (the first line).\n"
           "keybatch never prompts.  An encrypted input stays encrypted with the\n"
           "passphrase that opened it unless --passout or --no-encrypt says otherwise;\n"
           "an unencrypted one stays unencrypted unless --passout is given.\n"
           "\n"
           "Every file is converted, skipped (not a key, a public key, output exists, a\n"
           "symbolic link leading out of the tree) or failed (unreadable, corrupt, no\n"
           "passphrase opens it, unsupported): converted keys are listed on stdout as\n"
           "\"INPUT -> OUTPUT\", the others on stderr with the reason, and a summary\n"
           "ends the run.  Two inputs that would write the same output: the second\n"
           "fails.  The report lists every file: input, status, outputs, type, bits,\n"
           "sha256, encrypted, reason (skipped), error (failed), then a summary.\n"
           "\n"
           "Exit status: 0 nothing failed, 1 a file failed, 2 usage error, 3 DIR or the\n"
           "report cannot be written.\n",
           KK_DEFAULT_RSA_MAX_BITS, KK_DEFAULT_MAX_KDF_ROUNDS, KK_DEFAULT_MAX_ARGON2_MEMORY,
           KK_DEFAULT_MAX_ARGON2_PASSES, KK_DEFAULT_MAX_ARGON2_PARALLELISM);
}

/* ---- options */

static unsigned default_jobs(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > KK_JOBS_MAX_THREADS ? KK_JOBS_MAX_THREADS : (unsigned)n;
}

/* Returns -1 to go on, else the exit status. */
static int parse_args(struct kb_options *b, int argc, char **argv)
{
    struct kk_error err;
    unsigned long long v;
    int opt, rc = KK_OK;

    kk_error_clear(&err);
    while ((opt = kk_cli_getopt(argc, argv, ":hVo:j:q", long_options)) != -1) {
        switch (opt) {
        case 'h':
            usage();
            return KK_EXIT_OK;
        case 'V':
            kk_cli_version();
            return KK_EXIT_OK;
        case 'o':
            if (optarg[0] == '\0')
                return kk_cli_usage("-o: the directory name is empty");
            b->outdir = optarg;
            break;
        case 'j':
            rc = kk_cli_parse_size("--jobs", optarg, 0, KK_JOBS_MAX_THREADS, &v, &err);
            if (rc == KK_OK)
                b->jobs = (unsigned)v;
            break;
        case 'q':
            b->quiet = 1;
            break;
        case OPT_DRY_RUN:
            b->dry_run = 1;
            break;
        case OPT_FORCE:
            b->force = 1;
            break;
        case KK_CLI_OPT_CIPHER:
        case KK_CLI_OPT_ROUNDS:
        case KK_CLI_OPT_PPK_PARAM:
        case KK_CLI_OPT_MAX_INPUT:
        case KK_CLI_OPT_MAX_RSA_BITS:
        case KK_CLI_OPT_MAX_KDF_ROUNDS:
        case KK_CLI_OPT_MAX_ARGON2_MEMORY:
        case KK_CLI_OPT_MAX_ARGON2_PASSES:
        case KK_CLI_OPT_MAX_ARGON2_PARALLELISM:
            rc = kk_cli_encode_option(opt, optarg, &b->enc, &b->lim, &err);
            break;
        case OPT_NO_ENCRYPT:
            b->no_encrypt = 1;
            break;
        case OPT_PASSIN:
            rc = kk_cli_pass_parse(&b->passin, optarg, &err);
            break;
        case OPT_PASSIN_LIST:
            if (optarg[0] == '\0')
                return kk_cli_usage("--passin-list: the file name is empty");
            b->passin_list = optarg;
            break;
        case OPT_PASSOUT:
            rc = kk_cli_pass_parse(&b->passout, optarg, &err);
            break;
        case OPT_REPORT:
            if (optarg[0] == '\0')
                return kk_cli_usage("--report: the file name is empty");
            b->report = optarg;
            break;
        case OPT_TO:
            b->to = optarg;
            break;
        case '?':
        default:
            return KK_EXIT_USAGE;
        }
        if (rc != KK_OK)
            return kk_cli_report(NULL, &err);
    }
    b->inputs = argv + optind;
    b->ninputs = (size_t)(argc - optind);
    if (b->outdir == NULL)
        return kk_cli_usage("missing -o DIR (where the converted keys go)");
    if (b->ninputs == 0)
        return kk_cli_usage("missing INPUT (the files and directories to convert)");
    for (size_t i = 0; i < b->ninputs; i++) {
        if (strcmp(b->inputs[i], "-") == 0)
            return kk_cli_usage("keybatch reads files and directories, not standard "
                                "input; name a file called - as ./-");
        if (b->inputs[i][0] == '\0')
            return kk_cli_usage("an INPUT is empty");
    }
    if (b->passout.kind != KK_CLI_PASS_NONE && b->no_encrypt)
        return kk_cli_usage("--passout and --no-encrypt cannot be used together");
    int from_stdin = kk_cli_pass_uses_stdin(&b->passin) +
                     kk_cli_pass_uses_stdin(&b->passout) +
                     (b->passin_list != NULL && strcmp(b->passin_list, "-") == 0);
    if (from_stdin > 1)
        return kk_cli_usage("only one of --passin, --passin-list and --passout can read "
                            "standard input");
    return -1;
}

/* ---- before the run */

/* --to: a writable private format (public keys go to STEM.pub anyway). */
static int output_format(struct kb_options *b, struct kk_error *err)
{
    char names[KK_MSG_MAX];
    int rc;

    if ((rc = kk_cli_output_format(b->to, "-", &b->fout, err)) != KK_OK)
        return rc;
    if (!(b->fout->flags & KK_FMT_PRIVATE)) {
        kk_cli_format_names(names, sizeof names, 1, KK_FMT_PRIVATE);
        kk_fail(err, KK_ERR_USAGE, "--to: %s is a public key format; keybatch writes "
                "private keys (and STEM.pub beside each)", b->fout->name);
        return kk_hint(err, "use one of: %s", names);
    }
    return kk_cli_encode_prepare(&b->enc, &b->lim, b->to, &b->fout, err);
}

/* --passin-list: one candidate a line, CR/LF stripped, empty lines ignored.
 * The candidates point into b->list. */
static int read_list(struct kb_options *b, struct kk_error *err)
{
    const char *shown = kk_cli_in_name(b->passin_list);
    size_t n = 0, lineno = 0;
    int rc;

    if ((rc = kk_read_input(b->passin_list, NULL, &b->list, err)) != KK_OK) {
        char msg[KK_MSG_MAX];
        snprintf(msg, sizeof msg, "%s", err->msg);
        kk_fail(err, (enum kk_code)rc, "--passin-list: %s: %s", shown, msg);
        return rc;
    }
    for (size_t i = 0; i < b->list.len; i++)
        n += b->list.data[i] == '\n';
    /* One more line than newlines, and room for --passin. */
    b->cands = calloc(n + 2, sizeof *b->cands);
    if (b->cands == NULL)
        return kk_fail(err, KK_ERR_NOMEM, NULL);
    b->cands_cap = n + 2;
    const char *p = (const char *)b->list.data, *end = p + b->list.len;
    /* Notepad starts a UTF-8 file with a byte-order mark: not a passphrase's. */
    if (end - p >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *stop = nl != NULL ? nl : end;
        size_t len = (size_t)(stop - p);
        lineno++;
        if (len > 0 && p[len - 1] == '\r')
            len--;
        if (len > KK_PASS_MAX)
            return kk_fail(err, KK_ERR_USAGE, "--passin-list: line %zu of %s is longer "
                           "than %d bytes", lineno, shown, KK_PASS_MAX);
        if (len > 0)
            b->cands[b->ncands++] = (struct kb_cand){.text = p, .len = len};
        p = nl != NULL ? nl + 1 : end;
    }
    if (b->ncands == 0)
        return kk_fail(err, KK_ERR_USAGE, "--passin-list: %s holds no passphrase", shown);
    return KK_OK;
}

/* --passin first, then the list, each passphrase once. */
static int candidates(struct kb_options *b, struct kk_error *err)
{
    int rc;

    if ((rc = kk_cli_pass_resolve(&b->passin, err)) != KK_OK ||
        (rc = kk_cli_pass_resolve(&b->passout, err)) != KK_OK)
        return rc;
    if (b->passin_list != NULL && (rc = read_list(b, err)) != KK_OK)
        return rc;
    if (b->passin.have) {
        if (b->cands == NULL) {
            if ((b->cands = calloc(1, sizeof *b->cands)) == NULL)
                return kk_fail(err, KK_ERR_NOMEM, NULL);
            b->cands_cap = 1;
        }
        memmove(b->cands + 1, b->cands, b->ncands * sizeof *b->cands);
        b->cands[0] = (struct kb_cand){.text = b->passin.text, .len = b->passin.len};
        b->ncands++;
    }
    size_t kept = 0;
    for (size_t i = 0; i < b->ncands; i++) {
        int dup = 0;
        for (size_t k = 0; k < kept && !dup; k++)
            dup = b->cands[k].len == b->cands[i].len &&
                  CRYPTO_memcmp(b->cands[k].text, b->cands[i].text, b->cands[i].len) == 0;
        if (!dup)
            b->cands[kept++] = b->cands[i];
    }
    b->ncands = kept;
    return KK_OK;
}

/* A setting the output codec refuses (--cipher) is a usage error: found
 * now on a throwaway key, not once per file after its passphrase. */
static int probe_settings(struct kb_options *b, struct kk_error *err)
{
    struct kk_cli_encode e = b->enc;
    struct kk_key *key = NULL;
    struct kk_buf out;
    struct kk_error perr;
    int rc = KK_OK;

    if (b->enc.cipher == NULL)
        return KK_OK;
    kk_error_clear(&perr);
    kk_buf_init(&out, 0);
    /* Cheap: the cipher is what is tested, not the cost. */
    e.rounds = 1;
    e.argon2.memory_kib = 8;
    e.argon2.passes = 1;
    e.argon2.parallelism = 1;
    e.argon2_set = KK_CLI_ARGON2_MEMORY | KK_CLI_ARGON2_PASSES | KK_CLI_ARGON2_PARALLELISM;
    if (kk_key_generate(KK_KEY_ED25519, 0, &key, &perr) == KK_OK) {
        const struct kk_encode_opts eo = kk_cli_encode_opts(&e, "probe", 5);
        if (kk_key_save(key, b->fout, &eo, &b->lim, &out, &perr) == KK_ERR_USAGE) {
            *err = perr;
            rc = KK_ERR_USAGE;
        }
    }
    kk_key_free(key);
    kk_buf_free(&out);
    return rc;
}

/* -o: an existing directory, or made now (with its parents). */
static int prepare_outdir(struct kb_options *b, struct kk_error *err)
{
    struct stat st;

    if (stat(b->outdir, &st) == 0) {
        if (!S_ISDIR(st.st_mode)) {
            kk_fail(err, KK_ERR_IO, "-o %s: not a directory", b->outdir);
            return kk_hint(err, "-o names the directory the converted keys go to");
        }
        /* Refused now rather than once per key. */
        if (access(b->outdir, W_OK | X_OK) != 0)
            return kk_fail_errno(err, KK_ERR_IO, "-o %s: cannot write to the directory",
                                 b->outdir);
        return KK_OK;
    }
    /* ENOTDIR: a file on the way, which kk_make_dirs names. */
    if (errno != ENOENT && errno != ENOTDIR)
        return kk_fail_errno(err, KK_ERR_IO, "-o %s: cannot use the directory", b->outdir);
    return kk_make_dirs(b->outdir, 0700, b->dry_run, err);
}

/* The absolute, resolved form of a path that may not exist yet: its
 * longest existing prefix resolved, the rest appended.  NULL if even "."
 * cannot be resolved. */
static char *resolve_maybe(const char *path)
{
    size_t n = strlen(path);
    char *full = malloc(n + 3), *head = malloc(n + 3);
    char *real = NULL, *out = NULL;

    if (full == NULL || head == NULL) {
        free(full);
        free(head);
        return NULL;
    }
    if (path[0] == '/')
        memcpy(full, path, n + 1);
    else
        snprintf(full, n + 3, "./%s", path);
    memcpy(head, full, strlen(full) + 1);
    char *cut = head + strlen(head);
    for (;;) {
        if ((real = realpath(head, NULL)) != NULL)
            break;
        char *slash = strrchr(head, '/');
        if (slash == NULL)
            break;
        if (slash == head) {          /* only "/" is left */
            real = realpath("/", NULL);
            cut = slash;
            break;
        }
        *slash = '\0';
        cut = slash;
    }
    if (real != NULL) {
        /* What did not exist yet, after the resolved part: none of it is a
         * link, so "." and ".." are taken as written. */
        const char *rest = full + (cut - head);
        size_t rl = strlen(real), tl = strlen(rest);
        if ((out = malloc(rl + tl + 2)) != NULL) {
            size_t o = rl;
            memcpy(out, real, rl + 1);
            while (*rest != '\0') {
                while (*rest == '/')
                    rest++;
                size_t w = strcspn(rest, "/");
                if (w == 0 || (w == 1 && rest[0] == '.')) {
                    /* nothing */
                } else if (w == 2 && rest[0] == '.' && rest[1] == '.') {
                    while (o > 0 && out[o - 1] != '/')
                        o--;
                    if (o > 1)
                        o--;              /* the slash before it, not the root's */
                    out[o] = '\0';
                } else {
                    if (o == 0 || out[o - 1] != '/')
                        out[o++] = '/';
                    memcpy(out + o, rest, w);
                    o += w;
                    out[o] = '\0';
                }
                rest += w;
            }
            /* No trailing slashes, so the prefix test below is exact. */
            for (size_t k = o; k > 1 && out[k - 1] == '/'; k--)
                out[k - 1] = '\0';
        }
    }
    free(real);
    free(head);
    free(full);
    return out;
}

/* -o must lie outside every input directory: inside one, its keys would
 * mix with their inputs, keys already there would be neither converted
 * nor reported, and with --force an input could be replaced.  Returns the
 * index + 1 of the input holding it, or 0. */
static int outdir_in_input(const struct kb_options *b, const char *out_abs)
{
    for (size_t i = 0; i < b->ninputs && out_abs != NULL; i++) {
        struct stat st;
        if (stat(b->inputs[i], &st) != 0 || !S_ISDIR(st.st_mode))
            continue;
        char *real = realpath(b->inputs[i], NULL);
        size_t n = real != NULL ? strlen(real) : 0;
        int inside = real != NULL && strncmp(out_abs, real, n) == 0 &&
                     (out_abs[n] == '\0' || out_abs[n] == '/' || strcmp(real, "/") == 0);
        free(real);
        if (inside)
            return (int)i + 1;
    }
    return 0;
}

static int refuse_outdir(const struct kb_options *b, int which)
{
    struct kk_error err;

    kk_error_clear(&err);
    kk_fail(&err, KK_ERR_USAGE, "-o %s lies inside the input directory %s; the "
            "converted keys would mix with their inputs", b->outdir, b->inputs[which - 1]);
    kk_hint(&err, "choose an output directory outside the inputs");
    return kk_cli_report(NULL, &err);
}

/* A report this tool wrote (and so may replace): it starts as
 * kb_write_report starts one. */
static int is_old_report(const char *path)
{
    static const char start[] = "{\n  \"version\": 1,\n  \"tool\": \"keybatch\",";
    char head[sizeof start];
    struct stat st;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    ssize_t n = -1;

    if (fd < 0)
        return 0;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
        n = read(fd, head, sizeof head - 1);
    close(fd);
    return n == (ssize_t)(sizeof start - 1) && memcmp(head, start, sizeof start - 1) == 0;
}

/* ---- the run */

static int batch(struct kb_options *b)
{
    struct kb_run r = {.b = b};
    struct kk_error err;
    char *out_real = NULL;
    int rc, status = KK_EXIT_OK;

    kk_error_clear(&err);
    kk_walk_init(&r.walk);
    if ((rc = output_format(b, &err)) != KK_OK) {
        status = kk_cli_report(NULL, &err);
        goto out;
    }
    /* A rerun replaces the report an earlier run wrote, and nothing else. */
    if (b->report != NULL && !b->force && kk_path_exists(b->report)) {
        if (is_old_report(b->report)) {
            b->report_replace = 1;
        } else {
            kk_fail(&err, KK_ERR_EXISTS, "already exists and is not a keybatch report");
            kk_hint(&err, "choose another --report file, or use --force to replace it");
            status = kk_cli_report(b->report, &err);
            goto out;
        }
    }
    if ((rc = candidates(b, &err)) != KK_OK || (rc = probe_settings(b, &err)) != KK_OK) {
        status = kk_cli_report(NULL, &err);
        goto out;
    }
    char *out_abs = resolve_maybe(b->outdir);
    int inside = outdir_in_input(b, out_abs);
    free(out_abs);
    if (inside) {
        status = refuse_outdir(b, inside);
        goto out;
    }
    if ((rc = prepare_outdir(b, &err)) != KK_OK) {
        /* Whatever failed, -o cannot be used: an I/O error. */
        err.code = KK_ERR_IO;
        status = kk_cli_report(NULL, &err);
        goto out;
    }
    /* Again now that it exists: a path through ".." resolves only now. */
    out_real = realpath(b->outdir, NULL);
    if ((inside = outdir_in_input(b, out_real)) != 0) {
        status = refuse_outdir(b, inside);
        goto out;
    }
    const struct kk_walk_opts wo = {.skip_dir = out_real};
    for (size_t i = 0; i < b->ninputs; i++) {
        if ((rc = kk_walk_add(&r.walk, b->inputs[i], i, &wo, &err)) != KK_OK) {
            status = kk_cli_report(NULL, &err);
            goto out;
        }
    }
    if ((rc = kb_plan(&r, &err)) != KK_OK) {
        status = kk_cli_report(NULL, &err);
        goto out;
    }

    r.conf = (struct kb_conf){
        .fout = b->fout,
        .lim = b->lim,
        .enc = &b->enc,
        .cands = b->cands,
        .ncands = b->ncands,
        .passout_given = b->passout.kind != KK_CLI_PASS_NONE,
        .passout = b->passout.have ? b->passout.text : NULL,
        .passout_len = b->passout.have ? b->passout.len : 0,
        .no_encrypt = b->no_encrypt,
        .force = b->force,
        .dry_run = b->dry_run,
    };
    atomic_init(&r.conf.last_ok, 0);
    r.bar = !b->quiet && isatty(STDERR_FILENO);
    if ((status = kb_run_all(&r)) != KK_EXIT_OK)
        goto out;

    int sig = kb_stop_signal();
    if (sig != 0 && r.done < r.n) {
        kb_summary(&r, 1);
        status = 128 + sig;
        goto out;
    }
    kb_warnings(&r);
    kb_summary(&r, 0);
    status = r.count[KB_FAILED] != 0 ? KK_EXIT_BAD : KK_EXIT_OK;
    if (b->report != NULL && (rc = kb_write_report(&r, &err)) != KK_OK)
        status = kk_cli_report(b->report, &err);
out:
    kb_run_free(&r);
    free(out_real);
    return status;
}

int main(int argc, char **argv)
{
    struct kb_options b = {.lim = kk_limits_default(), .jobs = default_jobs()};
    int status;

    kk_cli_init("keybatch");
    kk_cli_pass_init(&b.passin, "--passin");
    kk_cli_pass_init(&b.passout, "--passout");
    kk_cli_encode_init(&b.enc);
    kk_buf_init(&b.list, 0);
    status = parse_args(&b, argc, argv);
    if (status < 0)
        status = batch(&b);
    kk_cli_pass_wipe(&b.passin);
    kk_cli_pass_wipe(&b.passout);
    kk_buf_free(&b.list);
    if (b.cands != NULL)
        OPENSSL_cleanse(b.cands, b.cands_cap * sizeof *b.cands);
    free(b.cands);
    if (fflush(stdout) != 0 && status == KK_EXIT_OK)
        status = KK_EXIT_IO;
    /* Interrupted: die of the signal, as the shell expects, now that the
     * passphrases are wiped; nothing is half-written. */
    int sig = kb_stop_signal();
    if (sig != 0 && status == 128 + sig) {
        signal(sig, SIG_DFL);
        raise(sig);
    }
    return status;
}
