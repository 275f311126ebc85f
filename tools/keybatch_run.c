/* keybatch's run: plans the outputs, runs the items on the workers and
 * settles each in input order on this thread (collisions, commits),
 * printing results, progress and the summary.  See keybatch.h. */
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "keybatch.h"
#include "../core/jobs.h"

struct pair {
    const char *path;
    size_t id;                /* item * KB_OUTPUTS + output */
};

static int by_path(const void *a, const void *b)
{
    const struct pair *x = a, *y = b;
    int c = strcmp(x->path, y->path);
    return c != 0 ? c : x->id < y->id ? -1 : x->id > y->id;
}

static int by_ident(const void *a, const void *b)
{
    const struct kb_ident *x = a, *y = b;
    if (x->dev != y->dev)
        return x->dev < y->dev ? -1 : 1;
    return x->ino < y->ino ? -1 : x->ino > y->ino;
}

static void job(void *ctx, size_t i)
{
    struct kb_run *r = ctx;
    kb_convert(&r->conf, &r->items[i]);
}

struct named {
    char *where;              /* the directory entry: its directory resolved, its name */
    struct kb_item *it;
};

static int by_where(const void *a, const void *b)
{
    const struct named *x = a, *y = b;
    int c = strcmp(x->where, y->where);
    return c != 0 ? c : x->it < y->it ? -1 : x->it > y->it;
}

/* The directory entry a path names, with its directory resolved but not
 * the entry itself: a symbolic link and its target stay two entries. */
static char *entry_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash != NULL ? slash + 1 : path;
    char *dir = kk_dir_of(path);
    char *real = dir != NULL ? realpath(dir, NULL) : NULL;
    char *out = NULL;

    if (real != NULL && (out = malloc(strlen(real) + strlen(base) + 2)) != NULL)
        sprintf(out, "%s/%s", real, base);
    free(dir);
    free(real);
    return out;
}

/* The same directory entry reached twice (named twice, or through
 * overlapping inputs) is converted once, under its first name; later
 * ones are skipped.  Other names of a file (links) are converted each. */
static int mark_same_files(struct kb_run *r, struct kk_error *err)
{
    struct named *v = calloc(r->n != 0 ? r->n : 1, sizeof *v);
    size_t m = 0;

    if (v == NULL)
        return kk_fail(err, KK_ERR_NOMEM, NULL);
    for (size_t i = 0; i < r->n; i++) {
        if (r->items[i].in->kind != KK_WALK_FILE)
            continue;
        /* Unresolvable: the read will fail and say why. */
        if ((v[m].where = entry_of(r->items[i].in->path)) != NULL)
            v[m++].it = &r->items[i];
    }
    qsort(v, m, sizeof *v, by_where);
    for (size_t k = 1; k < m; k++)
        if (strcmp(v[k].where, v[k - 1].where) == 0)
            v[k].it->same_as = v[k - 1].it->same_as != NULL ? v[k - 1].it->same_as : v[k - 1].it;
    for (size_t k = 0; k < m; k++)
        free(v[k].where);
    free(v);
    return KK_OK;
}

/* Plans every item's outputs and finds, for each output, the earlier
 * items that would write the same path. */
int kb_plan(struct kb_run *r, struct kk_error *err)
{
    const char *ext = kb_output_ext(r->b->fout);
    size_t np = 0;
    struct pair *pairs;

    r->n = r->walk.n;
    r->items = calloc(r->n != 0 ? r->n : 1, sizeof *r->items);
    r->prev = malloc((r->n != 0 ? r->n : 1) * KB_OUTPUTS * sizeof *r->prev);
    r->inputs = calloc(r->n != 0 ? r->n * 2 : 1, sizeof *r->inputs);
    pairs = malloc((r->n != 0 ? r->n : 1) * KB_OUTPUTS * sizeof *pairs);
    if (r->items == NULL || r->prev == NULL || r->inputs == NULL || pairs == NULL) {
        free(pairs);
        return kk_fail(err, KK_ERR_NOMEM, NULL);
    }
    for (size_t i = 0; i < r->n; i++) {
        struct kb_item *it = &r->items[i];
        it->in = &r->walk.v[i];
        for (size_t w = 0; w < KB_OUTPUTS; w++)
            r->prev[i * KB_OUTPUTS + w] = SIZE_MAX;
        if (it->in->kind != KK_WALK_FILE)
            continue;
        int rc = kb_plan_outputs(it, r->b->outdir, ext, err);
        if (rc != KK_OK) {
            free(pairs);
            return rc;
        }
        for (size_t w = 0; w < KB_OUTPUTS; w++)
            pairs[np++] = (struct pair){.path = it->out[w], .id = i * KB_OUTPUTS + w};
        /* The file read, and the name it was found under. */
        struct stat st;
        r->inputs[r->ninputs++] = (struct kb_ident){.dev = it->in->dev, .ino = it->in->ino};
        if (lstat(it->in->path, &st) == 0)
            r->inputs[r->ninputs++] = (struct kb_ident){.dev = st.st_dev, .ino = st.st_ino};
    }
    qsort(pairs, np, sizeof *pairs, by_path);
    for (size_t k = 1; k < np; k++)
        if (strcmp(pairs[k - 1].path, pairs[k].path) == 0)
            r->prev[pairs[k].id] = pairs[k - 1].id;
    free(pairs);
    qsort(r->inputs, r->ninputs, sizeof *r->inputs, by_ident);
    return mark_same_files(r, err);
}

/* An earlier item that has claimed one of its outputs, or NULL. */
static const struct kb_item *collision(const struct kb_run *r, size_t i, size_t *which)
{
    for (size_t w = 0; w < KB_OUTPUTS; w++) {
        for (size_t p = r->prev[i * KB_OUTPUTS + w]; p != SIZE_MAX; p = r->prev[p]) {
            const struct kb_item *first = &r->items[p / KB_OUTPUTS];
            if (first->claims) {
                *which = w;
                return first;
            }
        }
    }
    return NULL;
}

/* An output that exists as (another name of) an input file. */
static int replaces_input(const struct kb_run *r, const char *path)
{
    struct stat st;
    struct kb_ident key;

    if (lstat(path, &st) != 0)
        return 0;
    key = (struct kb_ident){.dev = st.st_dev, .ino = st.st_ino};
    return bsearch(&key, r->inputs, r->ninputs, sizeof key, by_ident) != NULL;
}

/* The main thread's part of an item, in input order: output collisions,
 * never replacing an input, and the commit. */
static void settle(struct kb_run *r, size_t i)
{
    struct kb_item *it = &r->items[i];
    struct kk_error err;
    size_t w = 0;

    kk_error_clear(&err);
    if (it->claims) {
        const struct kb_item *first = collision(r, i, &w);
        if (first != NULL) {
            kk_fail(&err, KK_ERR_MISMATCH, "%s is also the output of %s; not written",
                    it->out[w], first->in->path);
            kk_hint(&err, "rename one of the two inputs, or convert them in separate runs");
            it->claims = 0;
            kb_item_fail(it, KB_FAILED, &err);
            return;
        }
    }
    if (it->status != KB_CONVERTED)
        return;
    for (w = 0; w < KB_OUTPUTS; w++) {
        if (replaces_input(r, it->out[w])) {
            kk_fail(&err, KK_ERR_EXISTS, "%s is one of the inputs; keybatch never "
                    "replaces an input", it->out[w]);
            kb_item_fail(it, KB_FAILED, &err);
            return;
        }
    }
    if (!it->staged)
        return;
    int rc = kk_writeset_commit(&it->ws, &err);
    it->staged = 0;
    if (rc == KK_ERR_EXISTS) {
        char why[KK_MSG_MAX];
        memcpy(why, err.msg, sizeof why);
        kk_fail(&err, KK_ERR_EXISTS, "skipped: %s", why);
        kk_hint(&err, "use --force to replace it");
        kb_item_fail(it, KB_SKIPPED, &err);
    } else if (rc != KK_OK) {
        it->claims = 0;
        kb_item_fail(it, KB_FAILED, &err);
    }
}

/* ---- progress and messages */

#define BAR_WIDTH 24

static void bar_clear(const struct kb_run *r)
{
    if (r->bar) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
    }
}

static void bar_draw(const struct kb_run *r)
{
    char bar[BAR_WIDTH + 1];
    size_t fill = r->n != 0 ? r->done * BAR_WIDTH / r->n : BAR_WIDTH;

    if (!r->bar)
        return;
    for (size_t k = 0; k < BAR_WIDTH; k++)
        bar[k] = k < fill ? '=' : k == fill ? '>' : ' ';
    bar[BAR_WIDTH] = '\0';
    fprintf(stderr, "\r[%s] %zu/%zu converted %zu, skipped %zu, failed %zu\033[K", bar,
            r->done, r->n, r->count[KB_CONVERTED], r->count[KB_SKIPPED],
            r->count[KB_FAILED]);
    fflush(stderr);
}

/* 1 if this hint was shown before; else remembers it. */
static int hint_seen(struct kb_run *r, const char *hint)
{
    for (size_t k = 0; k < r->nhints; k++)
        if (strcmp(r->hints[k], hint) == 0)
            return 1;
    if (r->nhints < sizeof r->hints / sizeof r->hints[0]) {
        char *copy = strdup(hint);
        if (copy != NULL)
            r->hints[r->nhints++] = copy;
    }
    return 0;
}

static void show(struct kb_run *r, const struct kb_item *it)
{
    bar_clear(r);
    if (it->status == KB_CONVERTED) {
        if (!r->b->quiet) {
            kk_cli_put_escaped(stdout, it->in->path);
            fputs(" -> ", stdout);
            kk_cli_put_escaped(stdout, it->out[0]);
            fputc('\n', stdout);
            fflush(stdout);
        }
    } else {
        /* A hint is said once a run: a rerun over 300 keys need not say
         * "use --force" 300 times. */
        struct kk_error e = it->err;
        if (e.hint[0] != '\0' && hint_seen(r, e.hint))
            e.hint[0] = '\0';
        if (it->status == KB_SKIPPED)
            kk_cli_note(it->in->path, &e);
        else
            kk_cli_report(it->in->path, &e);
    }
}

void kb_summary(const struct kb_run *r, int interrupted)
{
    struct kk_error msg;
    const char *conv = r->b->dry_run ? "would be converted" : "converted";
    char head[96];

    kk_error_clear(&msg);
    if (interrupted)
        snprintf(head, sizeof head, "interrupted after %zu of %zu files", r->done, r->n);
    else
        snprintf(head, sizeof head, "%zu file%s", r->n, r->n == 1 ? "" : "s");
    kk_fail(&msg, KK_OK, "%s%s: %zu %s, %zu skipped, %zu failed",
            r->b->dry_run ? "dry run, nothing written: " : "", head,
            r->count[KB_CONVERTED], conv, r->count[KB_SKIPPED], r->count[KB_FAILED]);
    kk_cli_note(NULL, &msg);
}

void kb_warnings(const struct kb_run *r)
{
    const struct kk_cli_encode *e = &r->b->enc;
    char given[64] = "";

    if (r->plain == 1)
        kk_cli_warn("1 output written unencrypted; its input was encrypted");
    else if (r->plain > 1)
        kk_cli_warn("%zu outputs written unencrypted; their inputs were encrypted", r->plain);
    if (r->encrypted != 0 || r->count[KB_CONVERTED] == 0)
        return;
    if (e->cipher != NULL)
        strcat(given, "--cipher");
    if (e->rounds != 0)
        strcat(given, given[0] != '\0' ? ", --rounds" : "--rounds");
    if (e->argon2_set != 0)
        strcat(given, given[0] != '\0' ? ", --ppk-param" : "--ppk-param");
    if (given[0] != '\0')
        kk_cli_warn("%s: no effect, no output is encrypted", given);
}

/* ---- signals and the loop */

static atomic_int stop_signal;

int kb_stop_signal(void)
{
    return atomic_load(&stop_signal);
}

static void on_signal(int sig)
{
    atomic_store(&stop_signal, sig);
}

/* Ctrl-C lets the keys being converted finish (no temp file is left);
 * a second one kills at once (SA_RESETHAND).  A closed stdout (keybatch |
 * head) stops the run the same way; each later line raises SIGPIPE again,
 * so that one stays caught, and main() dies of it once the run is tidy. */
static void catch_signals(void)
{
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGPIPE};
    struct sigaction sa;

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        struct sigaction old;
        sa.sa_flags = SA_RESTART | (sigs[i] != SIGPIPE ? SA_RESETHAND : 0);
        if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
            sigaction(sigs[i], &sa, NULL);
    }
}

int kb_run_all(struct kb_run *r)
{
    struct kk_jobs *jobs = NULL;
    struct kk_error err;
    int rc;

    kk_error_clear(&err);
    catch_signals();
    /* Workers stay a few keys ahead of the commits: what waits to be
     * committed (staged temp files) stays few. */
    size_t ahead = 4 * (size_t)(r->b->jobs != 0 ? r->b->jobs : 1);
    if ((rc = kk_jobs_start(r->n, r->b->jobs, ahead, job, r, &stop_signal, &jobs,
                            &err)) != KK_OK)
        return kk_cli_report(NULL, &err);
    bar_draw(r);
    for (size_t i = 0; i < r->n; i++) {
        enum kk_jobs_state st;
        while ((st = kk_jobs_wait(jobs, i, 200)) == KK_JOBS_PENDING)
            ;
        if (st == KK_JOBS_NEVER)
            break;
        settle(r, i);
        struct kb_item *it = &r->items[i];
        r->count[it->status]++;
        r->done++;
        if (it->status == KB_CONVERTED) {
            r->plain += it->plain != 0;
            r->encrypted += it->encrypted != 0;
        }
        show(r, it);
        bar_draw(r);
    }
    kk_jobs_end(jobs);
    bar_clear(r);
    return KK_EXIT_OK;
}

void kb_run_free(struct kb_run *r)
{
    for (size_t i = 0; r->items != NULL && i < r->n; i++)
        kb_item_free(&r->items[i]);
    for (size_t i = 0; i < r->nhints; i++)
        free(r->hints[i]);
    free(r->items);
    free(r->prev);
    free(r->inputs);
    kk_walk_free(&r->walk);
}
