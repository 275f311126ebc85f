/* keygen: make a new key pair, written as PATH (private) and PATH.pub.
 *
 * Option handling and messages only: generation, encoding and the
 * all-or-nothing write are core/ and formats/ calls. */
#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <openssl/crypto.h>
#include "cli.h"
#include "../formats/convert.h"
#include "../core/io.h"
#include "../core/key.h"

enum {
    OPT_FORCE = 256,
    OPT_FORMAT,
    OPT_PASSOUT,
};

/* Sorted by name. */
static const struct option long_options[] = {
    {"cipher",                 required_argument, NULL, KK_CLI_OPT_CIPHER},
    {"force",                  no_argument,       NULL, OPT_FORCE},
    {"format",                 required_argument, NULL, OPT_FORMAT},
    {"help",                   no_argument,       NULL, 'h'},
    {"max-argon2-memory",      required_argument, NULL, KK_CLI_OPT_MAX_ARGON2_MEMORY},
    {"max-argon2-parallelism", required_argument, NULL, KK_CLI_OPT_MAX_ARGON2_PARALLELISM},
    {"max-argon2-passes",      required_argument, NULL, KK_CLI_OPT_MAX_ARGON2_PASSES},
    {"max-kdf-rounds",         required_argument, NULL, KK_CLI_OPT_MAX_KDF_ROUNDS},
    {"passout",                required_argument, NULL, OPT_PASSOUT},
    {"ppk-param",              required_argument, NULL, KK_CLI_OPT_PPK_PARAM},
    {"quiet",                  no_argument,       NULL, 'q'},
    {"rounds",                 required_argument, NULL, KK_CLI_OPT_ROUNDS},
    {"version",                no_argument,       NULL, 'V'},
    {NULL, 0, NULL, 0},
};

struct gen {
    const char *type_arg, *bits_arg, *comment, *path, *format;
    int force, quiet;
    struct kk_cli_pass passout;
    struct kk_cli_encode enc;
    struct kk_limits lim;
    /* Resolved from the options. */
    enum kk_key_type type;
    const char *type_name;       /* "rsa", "ecdsa", "ed25519" */
    unsigned bits;
    const struct kk_format *fmt, *pubfmt;
    char comment_buf[512];
    char path_buf[PATH_MAX];
    char pub_path[PATH_MAX + 8];
    int default_path;
};

static void usage(void)
{
    char names[KK_MSG_MAX];

    kk_cli_format_names(names, sizeof names, 1, KK_FMT_PRIVATE);
    printf("Usage: keygen [OPTIONS]\n"
           "Make a new SSH key pair: PATH (private, 0600) and PATH.pub (public, 0644).\n"
           "\n"
           "Options:\n"
           "  -t TYPE          rsa, ecdsa or ed25519 (default ed25519)\n"
           "  -b BITS          rsa 1024..16384 (default 3072); ecdsa 256, 384 or 521 (default 256)\n"
           "  -C COMMENT       comment (default user@host)\n"
           "  -f PATH          private key file (default ~/.ssh/id_TYPE)\n"
           "  --passout SPEC   encrypt the private key: pass:TEXT, env:VAR, file:PATH, fd:N, stdin\n"
           "  -N PASS          the same as --passout pass:PASS (\"\" for none)\n"
           "  --format FMT     private key format (default openssh): %s\n"
           "                   (ppk is ppk3)\n"
           "  --cipher NAME    cipher of an encrypted key (openssh: aes256-ctr, aes256-gcm@openssh.com,\n"
           "                   chacha20-poly1305@openssh.com, ...; pem, pkcs8: e.g. aes-256-cbc)\n"
           "  --rounds N       KDF cost of an encrypted key: bcrypt rounds (openssh, default 16),\n"
           "                   PBKDF2 iterations (pkcs8), Argon2 passes (ppk3)\n"
           "  --ppk-param K=V,...  PuTTY key, as puttygen's: kdf=argon2id|argon2i|argon2d,\n"
           "                   memory=KIB, passes=N, parallelism=N, version=2|3\n"
           "  --max-kdf-rounds N, --max-argon2-memory KIB, --max-argon2-passes N,\n"
           "  --max-argon2-parallelism N\n"
           "                   raise the caps --rounds and --ppk-param are held to\n"
           "                   (defaults %u, %u, %u, %u)\n"
           "  --force          replace existing files\n"
           "  -q, --quiet      print nothing on success\n"
           "  -h, --help       show this help\n"
           "  -V, --version    show the version\n"
           "\n"
           "Without --passout or -N the passphrase is asked for on the terminal (empty for\n"
           "none); with no terminal the key is written unencrypted.\n"
           "\n"
           "Exit status: 0 done, 1 bad request, 2 usage error, 3 I/O error.\n", names,
           KK_DEFAULT_MAX_KDF_ROUNDS, KK_DEFAULT_MAX_ARGON2_MEMORY, KK_DEFAULT_MAX_ARGON2_PASSES,
           KK_DEFAULT_MAX_ARGON2_PARALLELISM);
}

/* Returns -1 to go on, else the exit status. */
static int parse_args(struct gen *g, int argc, char **argv)
{
    struct kk_error err;
    int opt, rc = KK_OK;

    kk_error_clear(&err);
    while ((opt = kk_cli_getopt(argc, argv, ":b:C:f:hN:qt:V", long_options)) != -1) {
        switch (opt) {
        case 'b':
            g->bits_arg = optarg;
            break;
        case 'C':
            g->comment = optarg;
            rc = kk_cli_check_comment("-C", optarg, &err);
            break;
        case 'f':
            g->path = optarg;
            break;
        case 'h':
            usage();
            return KK_EXIT_OK;
        case 'N':
            rc = kk_cli_pass_set_text(&g->passout, optarg, &err);
            break;
        case 'q':
            g->quiet = 1;
            break;
        case 't':
            g->type_arg = optarg;
            break;
        case 'V':
            kk_cli_version();
            return KK_EXIT_OK;
        case OPT_FORCE:
            g->force = 1;
            break;
        case OPT_FORMAT:
            g->format = optarg;
            break;
        case OPT_PASSOUT:
            rc = kk_cli_pass_parse(&g->passout, optarg, &err);
            break;
        case KK_CLI_OPT_CIPHER:
        case KK_CLI_OPT_ROUNDS:
        case KK_CLI_OPT_PPK_PARAM:
        case KK_CLI_OPT_MAX_KDF_ROUNDS:
        case KK_CLI_OPT_MAX_ARGON2_MEMORY:
        case KK_CLI_OPT_MAX_ARGON2_PASSES:
        case KK_CLI_OPT_MAX_ARGON2_PARALLELISM:
            rc = kk_cli_encode_option(opt, optarg, &g->enc, &g->lim, &err);
            break;
        case '?':
        default:
            return KK_EXIT_USAGE;
        }
        if (rc != KK_OK)
            return kk_cli_report(NULL, &err);
    }
    if (optind < argc)
        return kk_cli_usage("unexpected argument '%s'", argv[optind]);
    return -1;
}

static int resolve_type(struct gen *g, struct kk_error *err)
{
    const char *t = g->type_arg != NULL ? g->type_arg : "ed25519";
    unsigned long long bits = 0;

    if (strcasecmp(t, "dsa") == 0) {
        kk_fail(err, KK_ERR_UNSUPPORTED, "DSA keys are deprecated and no longer generated");
        return kk_hint(err, "use -t ed25519 or -t rsa");
    }
    if (strcasecmp(t, "rsa") != 0 && strcasecmp(t, "ecdsa") != 0 &&
        strcasecmp(t, "ed25519") != 0) {
        kk_fail(err, KK_ERR_USAGE, "-t: unknown key type '%s'", t);
        return kk_hint(err, "use -t rsa, -t ecdsa or -t ed25519");
    }
    if (g->bits_arg != NULL &&
        kk_cli_parse_size("-b", g->bits_arg, 0, 0xFFFFFFFFull, &bits, err) != KK_OK)
        return err->code;

    if (strcasecmp(t, "rsa") == 0) {
        if (bits == 0)
            bits = 3072;
        if (bits < 1024 || bits > 16384)
            return kk_fail(err, KK_ERR_USAGE, "-b: RSA keys must be 1024 to 16384 bits");
        g->type = KK_KEY_RSA;
        g->type_name = "rsa";
    } else if (strcasecmp(t, "ecdsa") == 0) {
        if (bits == 0)
            bits = 256;
        if (bits == 256)
            g->type = KK_KEY_ECDSA_P256;
        else if (bits == 384)
            g->type = KK_KEY_ECDSA_P384;
        else if (bits == 521)
            g->type = KK_KEY_ECDSA_P521;
        else
            return kk_fail(err, KK_ERR_USAGE, "-b: ECDSA keys must be 256, 384 or 521 bits");
        g->type_name = "ecdsa";
    } else {
        /* As ssh-keygen: Ed25519 has one size and -b is ignored. */
        bits = 0;
        g->type = KK_KEY_ED25519;
        g->type_name = "ed25519";
    }
    g->bits = (unsigned)bits;
    return KK_OK;
}

static int resolve_format(struct gen *g, struct kk_error *err)
{
    char names[KK_MSG_MAX];
    const char *name = g->format != NULL ? g->format : "openssh";

    g->fmt = kk_format_by_name(name);
    if (g->fmt == NULL || !(g->fmt->flags & KK_FMT_PRIVATE) || g->fmt->encode == NULL) {
        kk_cli_format_names(names, sizeof names, 1, KK_FMT_PRIVATE);
        kk_fail(err, KK_ERR_USAGE, "--format: keykit cannot write private keys as '%s'", name);
        return kk_hint(err, "use one of: %s", names);
    }
    if (kk_cli_encode_prepare(&g->enc, &g->lim, g->format, &g->fmt, err) != KK_OK)
        return err->code;
    g->pubfmt = kk_format_by_name("openssh-pub");
    if (g->pubfmt == NULL || g->pubfmt->encode == NULL)
        return kk_fail(err, KK_ERR_INTERNAL, "keykit cannot write openssh-pub keys yet");
    return KK_OK;
}

/* The user's home directory: $HOME, else the password database. */
static const char *home_dir(void)
{
    const char *home = getenv("HOME");
    struct passwd *pw;

    if (home != NULL && home[0] != '\0')
        return home;
    pw = getpwuid(getuid());
    return pw != NULL ? pw->pw_dir : NULL;
}

/* -f, or ~/.ssh/id_TYPE as ssh-keygen; ~/.ssh is made (0700) if missing. */
static int resolve_paths(struct gen *g, struct kk_error *err)
{
    int n;

    if (g->path != NULL) {
        if (g->path[0] == '\0' || strcmp(g->path, "-") == 0)
            return kk_fail(err, KK_ERR_USAGE, "-f: a key pair needs a file name, not '%s'",
                           g->path);
        n = snprintf(g->path_buf, sizeof g->path_buf, "%s", g->path);
    } else {
        const char *home = home_dir();
        if (home == NULL)
            return kk_fail(err, KK_ERR_USAGE, "cannot find the home directory; use -f PATH");
        n = snprintf(g->path_buf, sizeof g->path_buf, "%s/.ssh", home);
        if (n < 0 || (size_t)n >= sizeof g->path_buf)
            return kk_fail(err, KK_ERR_USAGE, "the home directory path is too long; use -f PATH");
        if (mkdir(g->path_buf, 0700) != 0 && errno != EEXIST)
            return kk_fail_errno(err, KK_ERR_IO, "cannot create %s", g->path_buf);
        n = snprintf(g->path_buf, sizeof g->path_buf, "%s/.ssh/id_%s", home, g->type_name);
        g->default_path = 1;
    }
    if (n < 0 || (size_t)n >= sizeof g->path_buf)
        return kk_fail(err, KK_ERR_USAGE, "-f: the path is too long");
    snprintf(g->pub_path, sizeof g->pub_path, "%s.pub", g->path_buf);
    return KK_OK;
}

/* -C, or user@host as ssh-keygen. */
static void resolve_comment(struct gen *g)
{
    const char *user = NULL;
    char host[256] = "";
    struct passwd *pw;

    if (g->comment != NULL)
        return;
    pw = getpwuid(getuid());
    if (pw != NULL)
        user = pw->pw_name;
    if (user == NULL)
        user = getenv("USER");
    if (gethostname(host, sizeof host) != 0)
        host[0] = '\0';
    host[sizeof host - 1] = '\0';
    snprintf(g->comment_buf, sizeof g->comment_buf, "%s@%s",
             user != NULL ? user : "user", host[0] != '\0' ? host : "localhost");
    g->comment = g->comment_buf;
}

/* The passphrase: --passout/-N, else asked twice on a terminal, else none.
 * An empty one means none. */
static int resolve_passphrase(struct gen *g, struct kk_error *err)
{
    char again[KK_PASS_MAX + 1];
    size_t len = 0, len2 = 0;
    int rc;

    if (g->passout.kind != KK_CLI_PASS_NONE)
        return kk_cli_pass_resolve(&g->passout, err);
    if (!kk_cli_have_terminal())
        return KK_OK;
    rc = kk_cli_prompt("Enter passphrase (empty for no passphrase): ", g->passout.text,
                       &len, err);
    if (rc != KK_OK)
        goto out;
    rc = kk_cli_prompt("Enter same passphrase again: ", again, &len2, err);
    if (rc != KK_OK)
        goto out;
    if (len != len2 || CRYPTO_memcmp(g->passout.text, again, len) != 0) {
        rc = kk_fail(err, KK_ERR_MISMATCH, "passphrases do not match");
        goto out;
    }
    g->passout.len = len;
    g->passout.have = 1;
out:
    OPENSSL_cleanse(again, sizeof again);
    if (rc != KK_OK)
        kk_cli_pass_wipe(&g->passout);
    return rc;
}

static void say(const struct gen *g, const char *before, const char *text)
{
    if (g->quiet)
        return;
    fputs(before, stdout);
    kk_cli_put_escaped(stdout, text);
    fputc('\n', stdout);
}

static int generate(struct gen *g)
{
    struct kk_error err;
    struct kk_writeset ws;
    struct kk_buf priv, pub;
    struct kk_key *key = NULL;
    const char *pw = NULL, *fail_file = NULL;
    size_t pwlen = 0;
    char fp[KK_FP_MAX];
    char *art = NULL;
    int rc, status = KK_EXIT_OK;

    kk_error_clear(&err);
    kk_buf_init(&priv, 0);
    kk_buf_init(&pub, 0);
    kk_writeset_init(&ws, g->force ? KK_WRITE_FORCE : 0);

    if ((rc = resolve_type(g, &err)) != KK_OK || (rc = resolve_format(g, &err)) != KK_OK ||
        (rc = resolve_paths(g, &err)) != KK_OK)
        goto fail;
    resolve_comment(g);
    if (!g->force) {
        const char *exists = kk_path_exists(g->path_buf) ? g->path_buf
                           : kk_path_exists(g->pub_path) ? g->pub_path : NULL;
        if (exists != NULL) {
            kk_fail(&err, KK_ERR_EXISTS, "already exists");
            kk_hint(&err, "use --force to replace it");
            fail_file = exists;
            goto fail;
        }
    }
    if ((rc = resolve_passphrase(g, &err)) != KK_OK)
        goto fail;
    if (g->passout.have && g->passout.len > 0) {
        pw = g->passout.text;
        pwlen = g->passout.len;
        if (!(g->fmt->flags & KK_FMT_ENCRYPTABLE)) {
            kk_fail(&err, KK_ERR_UNSUPPORTED, "%s output cannot be encrypted by keykit yet",
                    g->fmt->name);
            kk_hint(&err, "use --format pkcs8, or -N '' for no passphrase");
            goto fail;
        }
    }

    if (!g->quiet) {
        printf("Generating public/private %s key pair.\n", g->type_name);
        fflush(stdout);
    }
    if ((rc = kk_key_generate(g->type, g->bits, &key, &err)) != KK_OK ||
        (rc = kk_key_set_comment(key, g->comment, strlen(g->comment), &err)) != KK_OK)
        goto fail;
    if (g->fmt->can_encode != NULL && !g->fmt->can_encode(key)) {
        kk_fail(&err, KK_ERR_UNSUPPORTED, "%s cannot hold %s keys", g->fmt->name,
                kk_key_type_label(key->type));
        goto fail;
    }
    {
        struct kk_encode_opts eopts = kk_cli_encode_opts(&g->enc, pw, pwlen);
        struct kk_encode_opts popts = { .passphrase = NULL };
        /* Both halves are proven to read back before the files appear. */
        if ((rc = kk_key_save(key, g->fmt, &eopts, &g->lim, &priv, &err)) != KK_OK) {
            if (rc == KK_ERR_UNSUPPORTED && pw != NULL)
                kk_hint(&err, "use --format pkcs8, or -N '' for no passphrase");
            goto fail;
        }
        if ((rc = kk_key_save(key, g->pubfmt, &popts, &g->lim, &pub, &err)) != KK_OK)
            goto fail;
    }
    /* Everything that can fail is done before the files appear. */
    if ((rc = kk_key_fingerprint(key, KK_FP_SHA256, fp, &err)) != KK_OK)
        goto fail;
    if ((art = kk_key_randomart(key, KK_FP_SHA256)) == NULL) {
        kk_fail(&err, KK_ERR_NOMEM, "cannot draw the randomart image");
        goto fail;
    }

    if (pw == NULL)
        kk_cli_encode_warn_unused(&g->enc, g->path_buf);
    /* Write-set errors name the file themselves. */
    if ((rc = kk_writeset_stage(&ws, g->path_buf, priv.data, priv.len, 0600, &err)) != KK_OK ||
        (rc = kk_writeset_stage(&ws, g->pub_path, pub.data, pub.len, 0644, &err)) != KK_OK)
        goto fail;
    if ((rc = kk_writeset_commit(&ws, &err)) != KK_OK)
        goto fail;

    say(g, "Your identification has been saved in ", g->path_buf);
    say(g, "Your public key has been saved in ", g->pub_path);
    if (!g->quiet) {
        fputs("The key fingerprint is:\n", stdout);
        fputs(fp, stdout);
        if (key->comment[0] != '\0') {
            fputc(' ', stdout);
            kk_cli_put_escaped(stdout, key->comment);
        }
        fputs("\nThe key's randomart image is:\n", stdout);
        fputs(art, stdout);
        if (art[0] != '\0' && art[strlen(art) - 1] != '\n')
            fputc('\n', stdout);
    }
    goto out;

fail:
    status = kk_cli_report(fail_file, &err);
out:
    kk_writeset_abort(&ws);
    free(art);
    kk_key_free(key);
    kk_buf_free(&pub);
    kk_buf_free(&priv);
    return status;
}

int main(int argc, char **argv)
{
    struct gen g = { .type = KK_KEY_UNKNOWN, .lim = kk_limits_default() };
    int status;

    kk_cli_init("keygen");
    kk_cli_pass_init(&g.passout, "--passout");
    kk_cli_encode_init(&g.enc);
    status = parse_args(&g, argc, argv);
    if (status < 0)
        status = generate(&g);
    kk_cli_pass_wipe(&g.passout);
    if (fflush(stdout) != 0 && status == KK_EXIT_OK)
        status = KK_EXIT_IO;
    return status;
}
