/* keycheck's analysis: findings about public-key files, authorized_keys files
 * and cloud metadata lines, judged against a target profile.
 *
 * checks/ never prints: every result is a struct kc_finding in a kc_file,
 * and tools/keycheck.c decides how to show it.  Messages and fixes are
 * already safe to print: bytes from the input are escaped as \xNN. */
#ifndef KC_CHECK_H
#define KC_CHECK_H

#include <stddef.h>
#include <stdint.h>
#include "../core/error.h"

enum kc_level { KC_ERROR = 0, KC_WARNING = 1 };

struct kc_finding {
    const char *id;          /* stable rule id ("bad-base64"), see kc_rules */
    enum kc_level level;
    long line;               /* 1-based; 0 = the file as a whole */
    long col;                /* 1-based byte column; 0 = the whole line */
    char msg[KK_MSG_MAX];    /* what is wrong, lower case */
    char fix[KK_MSG_MAX];    /* how to fix it, "" if nothing to offer */
    size_t seq;              /* order of discovery, keeps sorting stable */
    int fixable;             /* --fix repairs it (CR, BOM, wrapped lines, ...) */
};

/* Key families, also the bits of a profile's allowed set. */
enum kc_family {
    KC_FAM_RSA = 1u << 0,
    KC_FAM_DSA = 1u << 1,
    KC_FAM_ECDSA = 1u << 2,
    KC_FAM_ED25519 = 1u << 3,
    KC_FAM_ED448 = 1u << 4,
    KC_FAM_SK_ECDSA = 1u << 5,
    KC_FAM_SK_ED25519 = 1u << 6,
    KC_FAM_CERT = 1u << 7,      /* an OpenSSH certificate of any family */
};

/* One key that was found and parsed (possibly with findings). */
struct kc_key {
    long line, col;          /* where its type word starts */
    char type[64];           /* the SSH type name from the blob */
    unsigned family;         /* enum kc_family bits */
    int bits;
    uint8_t *blob;           /* owned: the decoded public blob */
    size_t blob_len;
    size_t n_off, n_len;     /* RSA modulus magnitude inside blob, n_len 0 if
                              * none or kept out of the shared-prime test */
    char *comment;           /* owned, escaped */
    long data_col;           /* where its base64 starts (RSA findings point there) */
    int small_factor;        /* rsa-small-factor was reported: said once is enough */
    int small_pending;       /* its small-factor test is left to
                              * kc_check_shared_primes (kc_opts.batch_small_factor) */
    size_t small_seq;        /* the place that finding takes among the others */
};

/* --fix in authorized_keys and metadata mode: one record per comment,
 * blank line, key line, wrapped key or RFC 4716 block, in file order. */
struct kc_fixrec {
    long first, last;        /* the lines it covers */
    size_t off, len;         /* its repaired text (with newline) in kc_file.fixtext */
    int bad;                 /* it cannot be repaired, whatever else is found */
    int dropped;             /* set by kc_file_fix: left out of the repaired file */
};

struct kc_file {
    char *name;              /* display name, owned */
    struct kc_finding *findings;
    size_t nfindings, capf;
    struct kc_key *keys;
    size_t nkeys, capk;
    int repairable;          /* every error found is one --fix can repair */
    char *fixed;             /* owned: the repaired text for --fix, or NULL;
                              * terminated, but a comment line may hold NULs */
    size_t fixed_len;
    struct kc_fixrec *recs;  /* authorized_keys/metadata --fix (want_fix) */
    size_t nrecs, caprecs;
    char *fixtext;           /* the records' texts */
    size_t fixtext_len, fixtext_cap;
};

struct kc_profile {
    const char *name;
    const char *summary;     /* the rules, one line, for --list-profiles */
    unsigned families;       /* allowed enum kc_family bits */
    unsigned rsa_min, rsa_max;   /* 0: no bound beyond the defaults */
    const unsigned *rsa_sizes;   /* exact sizes allowed, 0-terminated, or NULL */
    int ascii_only;          /* non-ASCII anywhere is an error */
    int metadata;            /* "user:key" lines are accepted */
};

/* NULL-terminated table; the first is "default". */
extern const struct kc_profile *const kc_profiles[];
const struct kc_profile *kc_profile_by_name(const char *name);

enum kc_mode {
    KC_MODE_SINGLE = 0,      /* exactly one key on one line */
    KC_MODE_AUTHORIZED,      /* authorized_keys: options, comments, blank lines */
    KC_MODE_METADATA,        /* "user:key" lines (Google Cloud, Yandex Cloud) */
};

struct kc_opts {
    const struct kc_profile *profile;   /* NULL: default */
    enum kc_mode mode;
    int weak;                /* run the per-key weak-RSA tests (small factor, Fermat, ROCA) */
    int want_fix;            /* single-key mode: fill kc_file.fixed when the
                              * file is repairable; other modes: fill
                              * kc_file.recs for kc_file_fix */
    int batch_small_factor;  /* leave the small-factor test to
                              * kc_check_shared_primes, which runs it for every
                              * key at once inside the batch GCD (much cheaper
                              * for many keys); the caller must then call it */
};

/* Analyses one input (already read) into f, whose name is set by the
 * caller.  Fails only on allocation failure; everything wrong with the
 * input becomes a finding. */
int kc_check_buffer(const uint8_t *in, size_t len, const struct kc_opts *opts,
                    struct kc_file *f, struct kk_error *err);

/* Batch GCD over every RSA modulus in files: a finding on each key that
 * shares a prime of 2^16 or more with another (the same key twice is not
 * reported; smaller primes are the small-factor test's), and the
 * small-factor finding of each key whose test was left to it
 * (kc_opts.batch_small_factor).  Fails on allocation failure, and with
 * KK_ERR_CAP (after running the small-factor tests one key at a time, so
 * only the shared-prime test is missing) when the distinct moduli hold
 * more than max_bits bits in all.  kc_check_shared_primes uses
 * KC_BATCH_DEFAULT_MAX_BITS. */
#define KC_BATCH_DEFAULT_MAX_BITS ((unsigned long long)32 << 20)
int kc_check_shared_primes_max(struct kc_file *files, size_t nfiles,
                               unsigned long long max_bits, struct kk_error *err);
int kc_check_shared_primes(struct kc_file *files, size_t nfiles,
                           struct kk_error *err);

/* --fix outside single-key mode, once every check has run (after
 * kc_check_shared_primes): drops each record with an error --fix cannot
 * repair on its lines and joins the others into f->fixed.  Returns the
 * number of records dropped, -1 on allocation failure. */
long kc_file_fix(struct kc_file *f);

void kc_file_init(struct kc_file *f, const char *name);
void kc_file_free(struct kc_file *f);
/* Orders the findings by line and column (stable). */
void kc_file_sort(struct kc_file *f);
/* Counts of findings by level. */
size_t kc_file_count(const struct kc_file *f, enum kc_level level);

/* Adds a finding; msg/fix are printf formats.  Returns 0, -1 on no memory. */
int kc_add(struct kc_file *f, const char *id, enum kc_level level, long line,
           long col, const char *fix, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));

/* Rule catalogue: every id keycheck can report, its level by default and a
 * short description (for SARIF rules). */
struct kc_rule {
    const char *id;
    enum kc_level level;
    const char *title;
};
extern const struct kc_rule kc_rules[];
extern const size_t kc_nrules;
const struct kc_rule *kc_rule_by_id(const char *id);

/* ---- weak RSA moduli (GMP); n is a big-endian magnitude ---- */

enum kc_weak {
    KC_WEAK_NONE = 0,
    KC_WEAK_SMALL_FACTOR = 1u << 0,
    KC_WEAK_CLOSE_PRIMES = 1u << 1,
    KC_WEAK_ROCA = 1u << 2,
};

/* The per-key tests; *factor is the small prime found (0 if none). */
unsigned kc_weak_rsa(const uint8_t *n, size_t len, unsigned long *factor);
/* The same for the tests named in which (enum kc_weak bits). */
unsigned kc_weak_rsa_tests(const uint8_t *n, size_t len, unsigned which,
                           unsigned long *factor);
/* Batch GCD: shared[i] set to 1 when mods[i] shares a prime with another
 * modulus of the set (the set must hold no duplicates). */
int kc_batch_gcd(const uint8_t *const *mods, const size_t *lens, size_t count,
                 unsigned char *shared);

/* The batch GCD with more said about each modulus. */
struct kc_gcd_hit {
    unsigned long factor;    /* with KC_BG_SMALL_PRIMES: the smallest prime
                              * below 2^16 dividing it, 0 if none */
    int shared;              /* it shares a prime with another modulus (with
                              * KC_BG_SMALL_PRIMES: a prime of 2^16 or more) */
    size_t partner;          /* when shared: such a modulus, or KC_NO_PARTNER
                              * if the search for one was cut short */
};
#define KC_NO_PARTNER ((size_t)-1)
enum {
    KC_BG_SMALL_PRIMES = 1u << 0,   /* the primes below 2^16 are one more leaf */
    KC_BG_SERIAL = 1u << 1,         /* one thread whatever the size */
    KC_BG_THREADS = 1u << 2,        /* two threads even for a small set */
};
/* Returns 0, or -1 on allocation failure.  The set must hold no duplicates;
 * large sets use two threads. */
int kc_batch_gcd_hits(const uint8_t *const *mods, const size_t *lens, size_t count,
                      unsigned flags, struct kc_gcd_hit *hits);
/* 1 if a and b (big-endian magnitudes) have a common factor > 1. */
int kc_share_factor(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen);

#endif
