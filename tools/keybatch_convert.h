/* keybatch's work on one input file, run on a worker thread: read, try the
 * passphrases, convert, stage the outputs.  Nothing here prints; the main
 * thread reports the result and commits the staged files in input order. */
#ifndef KB_CONVERT_H
#define KB_CONVERT_H

#include <stdatomic.h>
#include <stddef.h>
#include "cli.h"
#include "../core/io.h"
#include "../core/key.h"
#include "../core/walk.h"

enum kb_status {
    KB_CONVERTED,     /* written (with --dry-run: would be) */
    KB_SKIPPED,       /* not a key, a public key, output exists, a link not followed */
    KB_FAILED,        /* unreadable, corrupt, wrong passphrase, unsupported, write error */
};

/* A passphrase to try (points into memory the caller wipes). */
struct kb_cand {
    const char *text;
    size_t len;
};

/* What every item shares.  Read-only while the workers run, except
 * last_ok, which only ever holds a valid candidate index. */
struct kb_conf {
    const struct kk_format *fout;
    struct kk_limits lim;
    const struct kk_cli_encode *enc;
    const struct kb_cand *cands;
    size_t ncands;
    atomic_size_t last_ok;        /* the candidate that opened the last key */
    int passout_given;            /* --passout: every output gets passout */
    const char *passout;          /* ... and is encrypted when it is not empty */
    size_t passout_len;
    int no_encrypt, force, dry_run;
};

#define KB_OUTPUTS 2              /* the private key, then STEM.pub */

struct kb_item {
    const struct kk_walk_entry *in;
    const struct kb_item *same_as;   /* the same file, listed earlier (converted once) */
    char *out_dir;                /* where the outputs go (NULL: none planned) */
    char *out[KB_OUTPUTS];

    /* Set by kb_convert. */
    enum kb_status status;
    int claims;                   /* a key whose outputs are this run's to write */
    int staged;                   /* ws holds both outputs, ready to commit */
    struct kk_writeset ws;
    const char *type;             /* SSH name, NULL if unknown */
    int bits;                     /* 0 if unknown */
    char fp[KK_FP_MAX];           /* "SHA256:...", "" if unknown */
    int encrypted;                /* the private output is encrypted */
    int plain;                    /* ... is not, though the input was */
    struct kk_error err;          /* why it was skipped or failed */
};

/* Fills the item's results; stages its files unless conf->dry_run. */
void kb_convert(struct kb_conf *conf, struct kb_item *item);

/* Marks an item skipped or failed with the reason in err (for the main
 * thread's own decisions); removes anything staged. */
void kb_item_fail(struct kb_item *item, enum kb_status status, const struct kk_error *err);

/* The file name extension of the private output for fmt ("" for openssh). */
const char *kb_output_ext(const struct kk_format *fmt);

/* Plans an entry's outputs: DIR/REL-DIR/STEM+ext and STEM.pub. */
int kb_plan_outputs(struct kb_item *item, const char *outdir, const char *ext,
                    struct kk_error *err);
void kb_item_free(struct kb_item *item);

#endif
