/* Shared option handling for the keykit tools: the one message function,
 * option parsing over getopt_long, passphrase specs (--passin/--passout),
 * the no-echo terminal prompt, and input/output format choice.
 *
 * The tools hold only option handling and messages; everything else goes
 * through core/ and formats/. */
#ifndef KK_CLI_H
#define KK_CLI_H

#include <stddef.h>
#include <stdio.h>
#include <getopt.h>
#include "../core/error.h"
#include "../core/kdf.h"
#include "../core/limits.h"
#include "../core/pass.h"
#include "../formats/format.h"

/* Exit statuses (as kk_exit_status maps the codes). */
#define KK_EXIT_OK    0
#define KK_EXIT_BAD   1
#define KK_EXIT_USAGE 2
#define KK_EXIT_IO    3

/* Names the tool in every message and decides on colour (stderr is a
 * terminal and NO_COLOR is unset).  Call first in main. */
void kk_cli_init(const char *tool);
const char *kk_cli_tool(void);

/* ---- messages: all stderr text goes through one function in cli.c ---- */

/* Writes s with control bytes and invalid UTF-8 escaped as \xNN. */
void kk_cli_put_escaped(FILE *f, const char *s);
/* The same into a buffer (always terminated; truncated to whole pieces). */
void kk_cli_escape(char *out, size_t size, const char *s);

/* Prints err as "TOOL: FILE:LINE: MSG", "TOOL: FILE: MSG" or "TOOL: MSG"
 * (file is a display name, see kk_cli_in_name, or NULL), then
 * "TOOL: hint: HINT" when there is a hint, then "Try 'TOOL --help'." for
 * KK_ERR_USAGE.  Returns the exit status for err->code. */
int kk_cli_report(const char *file, const struct kk_error *err);
/* As kk_cli_report, for what is news and not a failure (a file skipped,
 * a summary): same form, no error colour, no exit status. */
void kk_cli_note(const char *file, const struct kk_error *what);
/* "TOOL: MSG" + "Try 'TOOL --help'."; returns KK_EXIT_USAGE. */
int kk_cli_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "TOOL: warning: MSG". */
void kk_cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The name a path is shown under: "-" is "(stdin)" or "(stdout)". */
const char *kk_cli_in_name(const char *path);
const char *kk_cli_out_name(const char *path);

/* ---- options ---- */

/* getopt_long with keykit's usage messages: returns the option, -1 after
 * the last one, or '?' after printing a usage error (exit 2).  shortopts
 * must start with ':'.  Options are permuted so operands come last. */
int kk_cli_getopt(int argc, char **argv, const char *shortopts,
                  const struct option *longopts);

/* "--version" output: "TOOL (keykit) VERSION". */
void kk_cli_version(void);

/* Parses a positive decimal number (with optional k/M/G suffix when
 * allow_suffix) into *out; fails with a usage error naming opt. */
int kk_cli_parse_size(const char *opt, const char *text, int allow_suffix,
                      unsigned long long max, unsigned long long *out,
                      struct kk_error *err);

/* Refuses a comment holding control bytes (it would break one-line
 * formats); a usage error naming opt. */
int kk_cli_check_comment(const char *opt, const char *text, struct kk_error *err);

/* ---- passphrases ---- */

enum kk_cli_pass_kind {
    KK_CLI_PASS_NONE = 0,   /* no spec given */
    KK_CLI_PASS_TEXT,       /* pass:TEXT */
    KK_CLI_PASS_ENV,        /* env:VAR */
    KK_CLI_PASS_FILE,       /* file:PATH */
    KK_CLI_PASS_FD,         /* fd:N */
    KK_CLI_PASS_STDIN,      /* stdin */
};

struct kk_cli_pass {
    const char *opt;            /* "--passin", for messages */
    enum kk_cli_pass_kind kind;
    const char *arg;            /* VAR or PATH (not secret) */
    int fd;
    char text[KK_PASS_MAX + 1]; /* the resolved passphrase (secret) */
    size_t len;
    int have;
};

void kk_cli_pass_init(struct kk_cli_pass *p, const char *opt);
/* Parses a spec.  pass:TEXT is copied and the argv text overwritten, so
 * spec must be the argv string itself.  Unknown sources and unset
 * variables are usage errors. */
int kk_cli_pass_parse(struct kk_cli_pass *p, char *spec, struct kk_error *err);
/* Takes text itself as the passphrase (keygen -N), scrubbing it from argv
 * as for pass:TEXT. */
int kk_cli_pass_set_text(struct kk_cli_pass *p, char *text, struct kk_error *err);
/* 1 if the spec reads standard input (stdin or fd:0). */
int kk_cli_pass_uses_stdin(const struct kk_cli_pass *p);
/* Reads the passphrase now from its source (first line, no CR/LF).
 * No-op without a spec. */
int kk_cli_pass_resolve(struct kk_cli_pass *p, struct kk_error *err);
/* The kk_pass fetch callback: ctx is a struct kk_cli_pass.  Serves the
 * resolved passphrase, or without a spec prompts on the terminal. */
int kk_cli_pass_fetch(void *ctx, const char *prompt, char *buf, size_t *len,
                      struct kk_error *err);
/* Fills a kk_pass for a decoder: the fetch callback when there is a spec or
 * a terminal to prompt on, else no source (so an encrypted input fails
 * with KK_ERR_NEED_PASS instead of blocking). */
void kk_cli_pass_attach(struct kk_cli_pass *p, struct kk_pass *kp,
                        const char *prompt);
void kk_cli_pass_wipe(struct kk_cli_pass *p);

/* 1 if standard input is a terminal and /dev/tty can be opened. */
int kk_cli_have_terminal(void);
/* Prompts on /dev/tty with echo off and reads one line into buf
 * (at most KK_PASS_MAX bytes; buf needs KK_PASS_MAX + 1). */
int kk_cli_prompt(const char *prompt, char *buf, size_t *len,
                  struct kk_error *err);

/* ---- formats ---- */

/* --from: the named format, which must be readable; usage error if not. */
int kk_cli_input_format(const char *name, const struct kk_format **out,
                        struct kk_error *err);
/* --to / the output path's extension / openssh (also for "-"); the format
 * must be writable. */
int kk_cli_output_format(const char *name, const char *out_path,
                         const struct kk_format **out, struct kk_error *err);
/* "a, b, c": the names of the formats that can be read (writing 0) or
 * written (writing 1) and have all of need_flags. */
void kk_cli_format_names(char *out, size_t size, int writing, unsigned need_flags);
/* Lists the format names (with summaries) for --help. */
void kk_cli_list_formats(FILE *f, unsigned need_flags);

/* ---- encryption settings and KDF caps (keyconv and keygen) ---- */

/* Long-option values of the options kk_cli_encode_option parses; a tool
 * lists the ones it takes in its struct option table. */
enum kk_cli_encode_opt {
    KK_CLI_OPT_CIPHER = 0x1000,         /* --cipher NAME */
    KK_CLI_OPT_ROUNDS,                  /* --rounds N */
    KK_CLI_OPT_PPK_PARAM,               /* --ppk-param K=V,... */
    KK_CLI_OPT_MAX_KDF_ROUNDS,          /* --max-kdf-rounds N */
    KK_CLI_OPT_MAX_ARGON2_MEMORY,       /* --max-argon2-memory KIB */
    KK_CLI_OPT_MAX_ARGON2_PASSES,       /* --max-argon2-passes N */
    KK_CLI_OPT_MAX_ARGON2_PARALLELISM,  /* --max-argon2-parallelism N */
    KK_CLI_OPT_MAX_INPUT,               /* --max-input-size BYTES */
    KK_CLI_OPT_MAX_RSA_BITS,            /* --max-rsa-bits BITS */
};

/* Which Argon2 fields --ppk-param set. */
enum {
    KK_CLI_ARGON2_KDF = 1u << 0,
    KK_CLI_ARGON2_MEMORY = 1u << 1,
    KK_CLI_ARGON2_PASSES = 1u << 2,
    KK_CLI_ARGON2_PARALLELISM = 1u << 3,
};

struct kk_cli_encode {
    const char *cipher;               /* NULL: the format's default */
    unsigned rounds;                  /* 0: the format's default */
    int ppk_param;                    /* --ppk-param was given */
    int ppk_version;                  /* version=2|3, 0 if not given */
    unsigned argon2_set;              /* KK_CLI_ARGON2_* */
    /* Fields not set stay 0 (the format's default), the flavour Argon2id. */
    struct kk_argon2_params argon2;
};

void kk_cli_encode_init(struct kk_cli_encode *e);
/* Parses one of the KK_CLI_OPT_* options: the settings go to e, the caps
 * to lim.  Bad values are usage errors naming the option (and for
 * --ppk-param the bad key). */
int kk_cli_encode_option(int opt, char *arg, struct kk_cli_encode *e,
                         struct kk_limits *lim, struct kk_error *err);
/* Once the output format is known (and all options parsed, so the caps are
 * final): applies --ppk-param version= to a PPK format (*fmt may change
 * between ppk2 and ppk3; to_name is the name the user gave, or NULL),
 * refuses --ppk-param for other formats, and checks --rounds and the
 * Argon2 settings against the caps in lim (usage errors naming the flag
 * that raises a cap). */
int kk_cli_encode_prepare(struct kk_cli_encode *e, const struct kk_limits *lim,
                          const char *to_name, const struct kk_format **fmt,
                          struct kk_error *err);
/* The codec options for writing with passphrase pw (NULL: unencrypted). */
struct kk_encode_opts kk_cli_encode_opts(const struct kk_cli_encode *e, const char *pw,
                                         size_t pwlen);
/* Warns for each setting given that an unencrypted output ignores. */
void kk_cli_encode_warn_unused(const struct kk_cli_encode *e, const char *out_name);


#endif
