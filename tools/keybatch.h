/* keybatch's parts: the command line and the checks before the run
 * (keybatch.c), the run in input order with its messages and progress
 * (keybatch_run.c), the JSON report (keybatch_report.c), and the work on
 * one file (keybatch_convert.h). */
#ifndef KB_KEYBATCH_H
#define KB_KEYBATCH_H

#include <stddef.h>
#include <sys/types.h>
#include "cli.h"
#include "keybatch_convert.h"
#include "../core/buf.h"
#include "../core/walk.h"

/* The command line, and what is resolved from it before the run. */
struct kb_options {
    const char *outdir, *to, *report, *passin_list;
    int force, quiet, dry_run, no_encrypt;
    int report_replace;               /* --report names an earlier run's report */
    unsigned jobs;
    struct kk_limits lim;
    struct kk_cli_encode enc;
    struct kk_cli_pass passin, passout;
    char **inputs;
    size_t ninputs;

    /* Filled before the run. */
    const struct kk_format *fout;
    struct kk_buf list;               /* --passin-list's bytes (wiped on free) */
    struct kb_cand *cands;
    size_t ncands, cands_cap;
};

/* A file read by this run, by identity: an output must never replace one. */
struct kb_ident {
    dev_t dev;
    ino_t ino;
};

/* The run: every input file as an item, and the tallies of what was
 * printed so far. */
struct kb_run {
    struct kb_options *b;
    struct kb_conf conf;
    struct kk_walk walk;
    struct kb_item *items;
    size_t n;
    size_t *prev;             /* per pair id: an earlier pair with the same path */
    struct kb_ident *inputs;  /* every input file, sorted */
    size_t ninputs;
    size_t count[3];          /* per kb_status */
    size_t done, plain, encrypted;
    int bar;
    char *hints[32];          /* the hints shown so far */
    size_t nhints;
};

/* keybatch_run.c */
/* Plans every item's outputs and the collisions between them. */
int kb_plan(struct kb_run *r, struct kk_error *err);
/* Runs every item and prints each result in input order; 0, or the exit
 * status of a run that could not start. */
int kb_run_all(struct kb_run *r);
/* The signal that stopped the run early, 0 if none. */
int kb_stop_signal(void);
void kb_warnings(const struct kb_run *r);
void kb_summary(const struct kb_run *r, int interrupted);
void kb_run_free(struct kb_run *r);

/* keybatch_report.c */
int kb_write_report(const struct kb_run *r, struct kk_error *err);

#endif
