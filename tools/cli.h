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

#endif
