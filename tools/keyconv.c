/* keyconv: convert an SSH key from one format to another.
 *
 * Option handling and messages only: reading, detecting, decoding,
 * encoding and writing are core/ and formats/ calls. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include "cli.h"
#include "../core/io.h"
#include "../core/key.h"
#include "../formats/convert.h"

enum {
    OPT_COMMENT = 256,
    OPT_FORCE,
    OPT_FROM,
    OPT_NO_ENCRYPT,
    OPT_PASSIN,
    OPT_PASSOUT,
    OPT_TO,
};

/* Sorted by name. */
static const struct option long_options[] = {
    {"cipher",                 required_argument, NULL, KK_CLI_OPT_CIPHER},
    {"comment",                required_argument, NULL, OPT_COMMENT},
    {"force",                  no_argument,       NULL, OPT_FORCE},
    {"from",                   required_argument, NULL, OPT_FROM},
    {"help",                   no_argument,       NULL, 'h'},
    {"max-argon2-memory",      required_argument, NULL, KK_CLI_OPT_MAX_ARGON2_MEMORY},
    {"max-argon2-parallelism", required_argument, NULL, KK_CLI_OPT_MAX_ARGON2_PARALLELISM},
    {"max-argon2-passes",      required_argument, NULL, KK_CLI_OPT_MAX_ARGON2_PASSES},
    {"max-input-size",         required_argument, NULL, KK_CLI_OPT_MAX_INPUT},
    {"max-kdf-rounds",         required_argument, NULL, KK_CLI_OPT_MAX_KDF_ROUNDS},
    {"max-rsa-bits",           required_argument, NULL, KK_CLI_OPT_MAX_RSA_BITS},
    {"no-encrypt",             no_argument,       NULL, OPT_NO_ENCRYPT},
    {"passin",                 required_argument, NULL, OPT_PASSIN},
    {"passout",                required_argument, NULL, OPT_PASSOUT},
    {"ppk-param",              required_argument, NULL, KK_CLI_OPT_PPK_PARAM},
    {"rounds",                 required_argument, NULL, KK_CLI_OPT_ROUNDS},
    {"to",                     required_argument, NULL, OPT_TO},
    {"version",                no_argument,       NULL, 'V'},
    {NULL, 0, NULL, 0},
};

struct conv {
    const char *in, *out;
    const char *from, *to, *comment;
    int force, no_encrypt;
    struct kk_limits lim;
    struct kk_cli_encode enc;
    struct kk_cli_pass passin, passout;
};

static void usage(void)
{
    printf("Usage: keyconv [OPTIONS] IN OUT\n"
           "Convert an SSH key between formats.  IN and OUT may be - (stdin, stdout).\n"
           "\n"
           "Options:\n"
           "  --from FMT              input format (default: detected from the content)\n"
           "  --to FMT                output format (default: from OUT's extension, else openssh)\n"
           "  --passin SPEC           passphrase of the input\n"
           "  --passout SPEC          encrypt the output with this passphrase\n"
           "  --no-encrypt            write the output unencrypted even if the input was encrypted\n"
           "  --cipher NAME           cipher of an encrypted output (openssh: aes256-ctr,\n"
           "                          aes256-gcm@openssh.com, chacha20-poly1305@openssh.com,\n"
           "                          ...; pem, pkcs8: an OpenSSL CBC cipher such as aes-256-cbc)\n"
           "  --rounds N              KDF cost of an encrypted output: bcrypt rounds (openssh,\n"
           "                          default 16), PBKDF2 iterations (pkcs8), Argon2 passes (ppk3)\n"
           "  --ppk-param K=V,...     PuTTY output, as puttygen's: kdf=argon2id|argon2i|argon2d,\n"
           "                          memory=KIB, passes=N, parallelism=N, version=2|3\n"
           "  --comment TEXT          set the output's comment\n"
           "  --force                 replace an existing OUT\n"
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
           "Without --passin an encrypted input is asked for on the terminal; with no\n"
           "terminal it is an error.  An encrypted input stays encrypted with the same\n"
           "passphrase unless --passout or --no-encrypt says otherwise.\n"
           "\n"
           "Formats:\n",
           KK_DEFAULT_RSA_MAX_BITS, KK_DEFAULT_MAX_KDF_ROUNDS, KK_DEFAULT_MAX_ARGON2_MEMORY,
           KK_DEFAULT_MAX_ARGON2_PASSES, KK_DEFAULT_MAX_ARGON2_PARALLELISM);
    kk_cli_list_formats(stdout, 0);
    printf("\nExit status: 0 done, 1 bad key or input, 2 usage error, 3 I/O error.\n");
}

/* Returns -1 to go on, else the exit status. */
static int parse_args(struct conv *c, int argc, char **argv)
{
    struct kk_error err;
    int opt, rc = KK_OK;

    kk_error_clear(&err);
    while ((opt = kk_cli_getopt(argc, argv, ":hV", long_options)) != -1) {
        switch (opt) {
        case 'h':
            usage();
            return KK_EXIT_OK;
        case 'V':
            kk_cli_version();
            return KK_EXIT_OK;
        case OPT_COMMENT:
            c->comment = optarg;
            rc = kk_cli_check_comment("--comment", optarg, &err);
            break;
        case OPT_FORCE:
            c->force = 1;
            break;
        case OPT_FROM:
            c->from = optarg;
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
            rc = kk_cli_encode_option(opt, optarg, &c->enc, &c->lim, &err);
            break;
        case OPT_NO_ENCRYPT:
            c->no_encrypt = 1;
            break;
        case OPT_PASSIN:
            rc = kk_cli_pass_parse(&c->passin, optarg, &err);
            break;
        case OPT_PASSOUT:
            rc = kk_cli_pass_parse(&c->passout, optarg, &err);
            break;
        case OPT_TO:
            c->to = optarg;
            break;
        case '?':
        default:
            return KK_EXIT_USAGE;
        }
        if (rc != KK_OK)
            return kk_cli_report(NULL, &err);
    }
    if (argc - optind == 0)
        return kk_cli_usage("missing IN and OUT");
    if (argc - optind == 1)
        return kk_cli_usage("missing OUT");
    if (argc - optind > 2)
        return kk_cli_usage("unexpected argument '%s'", argv[optind + 2]);
    c->in = argv[optind];
    c->out = argv[optind + 1];
    if (c->passout.kind != KK_CLI_PASS_NONE && c->no_encrypt)
        return kk_cli_usage("--passout and --no-encrypt cannot be used together");
    if (strcmp(c->in, "-") == 0 &&
        (kk_cli_pass_uses_stdin(&c->passin) || kk_cli_pass_uses_stdin(&c->passout)))
        return kk_cli_usage("a passphrase cannot be read from stdin when IN is -");
    return -1;
}

/* 1 if both paths name the same existing file. */
static int same_file(const char *a, const char *b)
{
    struct stat sa, sb;

    if (strcmp(a, "-") == 0 || strcmp(b, "-") == 0)
        return 0;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 &&
           sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

static int convert(struct conv *c)
{
    struct kk_error err;
    struct kk_buf in, enc;
    struct kk_pass pin;
    struct kk_key *key = NULL;
    const struct kk_format *fin = NULL, *fout = NULL;
    const char *in_name = kk_cli_in_name(c->in);
    const char *out_name = kk_cli_out_name(c->out);
    const char *pw = NULL;
    size_t pwlen = 0;
    int warn_plain = 0, rc, status = KK_EXIT_OK;
    char prompt[512], shown[400];

    kk_error_clear(&err);
    kk_buf_init(&in, 0);
    kk_buf_init(&enc, 0);
    kk_pass_init(&pin);

    /* Everything that can be refused without reading the key is refused
     * before a passphrase is asked for. */
    if (c->from != NULL && (rc = kk_cli_input_format(c->from, &fin, &err)) != KK_OK)
        goto fail;
    if ((rc = kk_cli_output_format(c->to, c->out, &fout, &err)) != KK_OK ||
        (rc = kk_cli_encode_prepare(&c->enc, &c->lim, c->to, &fout, &err)) != KK_OK)
        goto fail;
    if (same_file(c->in, c->out)) {
        kk_fail(&err, KK_ERR_USAGE, "IN and OUT are the same file; keyconv never changes its input");
        goto fail;
    }
    if (!c->force && strcmp(c->out, "-") != 0 && kk_path_exists(c->out)) {
        kk_fail(&err, KK_ERR_EXISTS, "already exists");
        kk_hint(&err, "use --force to replace it");
        goto fail_out;
    }
    if ((rc = kk_cli_pass_resolve(&c->passin, &err)) != KK_OK ||
        (rc = kk_cli_pass_resolve(&c->passout, &err)) != KK_OK)
        goto fail;

    if ((rc = kk_read_input(c->in, &c->lim, &in, &err)) != KK_OK)
        goto fail_in;
    /* The prompt goes to the terminal: the name is escaped there too. */
    kk_cli_escape(shown, sizeof shown, in_name);
    snprintf(prompt, sizeof prompt, "Enter passphrase for %s: ", shown);
    kk_cli_pass_attach(&c->passin, &pin, prompt);
    {
        struct kk_decode_opts dopts = { .limits = &c->lim, .pass = &pin };
        const struct kk_format *found = NULL;
        rc = kk_key_load(in.data, in.len, fin, &dopts, &key, &found, &err);
        if (rc != KK_OK && found == NULL)
            kk_hint(&err, "use --from FMT if you know its format");
        if (rc != KK_OK)
            goto fail_in;
    }
    if ((rc = kk_key_fits(key, fout, &err)) != KK_OK)
        goto fail_in;
    if (c->comment != NULL &&
        (rc = kk_key_set_comment(key, c->comment, strlen(c->comment), &err)) != KK_OK)
        goto fail;

    if (fout->flags & KK_FMT_PRIVATE) {
        if (c->passout.have && c->passout.len > 0) {
            pw = c->passout.text;
            pwlen = c->passout.len;
        } else if (key->was_encrypted && !c->no_encrypt && c->passout.kind == KK_CLI_PASS_NONE) {
            if ((rc = kk_pass_get(&pin, &pw, &pwlen, &err)) != KK_OK)
                goto fail;
        } else if (key->was_encrypted) {
            warn_plain = 1;
        }
    }
    {
        struct kk_encode_opts eopts = kk_cli_encode_opts(&c->enc, pw, pwlen);
        rc = kk_key_save(key, fout, &eopts, &c->lim, &enc, &err);
        if (rc == KK_ERR_UNSUPPORTED && pw != NULL) {
            kk_hint(&err, "use --no-encrypt to write it unencrypted, or --to pkcs8");
            goto fail;
        }
        /* A setting the codec refuses (--cipher) is the user's option; a
         * read-back failure is keykit's own. */
        if (rc == KK_ERR_USAGE || rc == KK_ERR_INTERNAL || rc == KK_ERR_MISMATCH ||
            rc == KK_ERR_NOMEM)
            goto fail;
        if (rc != KK_OK)
            goto fail_out;
    }

    if (pw == NULL)
        kk_cli_encode_warn_unused(&c->enc, out_name);
    if (warn_plain)
        kk_cli_warn("writing %s unencrypted; the input was encrypted", out_name);
    rc = kk_write_file(c->out, enc.data, enc.len,
                       (fout->flags & KK_FMT_PRIVATE) ? 0600 : 0644,
                       c->force ? KK_WRITE_FORCE : 0, &err);
    if (rc == KK_ERR_EXISTS) {
        kk_error_clear(&err);
        kk_fail(&err, KK_ERR_EXISTS, "already exists");
        kk_hint(&err, "use --force to replace it");
    }
    if (rc != KK_OK)
        goto fail_out;
    goto out;

fail_in:
    status = kk_cli_report(in_name, &err);
    goto out;
fail_out:
    status = kk_cli_report(out_name, &err);
    goto out;
fail:
    status = kk_cli_report(NULL, &err);
out:
    kk_key_free(key);
    kk_pass_wipe(&pin);
    kk_buf_free(&enc);
    kk_buf_free(&in);
    return status;
}

int main(int argc, char **argv)
{
    struct conv c = { .lim = kk_limits_default() };
    int status;

    kk_cli_init("keyconv");
    kk_cli_pass_init(&c.passin, "--passin");
    kk_cli_pass_init(&c.passout, "--passout");
    kk_cli_encode_init(&c.enc);
    status = parse_args(&c, argc, argv);
    if (status < 0)
        status = convert(&c);
    kk_cli_pass_wipe(&c.passin);
    kk_cli_pass_wipe(&c.passout);
    if (fflush(stdout) != 0 && status == KK_EXIT_OK)
        status = KK_EXIT_IO;
    return status;
}
