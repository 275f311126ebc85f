/* Items over a few threads; see jobs.h. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "jobs.h"

struct kk_jobs {
    size_t n;
    kk_job_fn fn;
    void *ctx;
    const atomic_int *stop;
    size_t ahead;                /* 0: no bound */
    atomic_size_t next;          /* the next index to claim */

    pthread_mutex_t lock;        /* guards what follows */
    pthread_cond_t changed;
    unsigned char *done;         /* per item */
    size_t finished;
    size_t seen;                 /* finished count at the last wait */
    size_t consumed;             /* the caller is done with items below this */
    unsigned running;            /* workers not yet returned */

    pthread_t *threads;
    unsigned nthreads;
};

static int stopped(const struct kk_jobs *j)
{
    return j->stop != NULL && atomic_load(j->stop) != 0;
}

/* now + ms on the monotonic clock. */
static struct timespec deadline(unsigned ms)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    ts.tv_sec += (time_t)(ms / 1000);
    ts.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    return ts;
}

/* Holds item i back until the caller is within `ahead` of it; 0 if the
 * run was stopped meanwhile. */
static int may_start(struct kk_jobs *j, size_t i)
{
    int go;

    if (j->ahead == 0)
        return 1;
    pthread_mutex_lock(&j->lock);
    /* A stop comes from a signal handler, which cannot signal the
     * condition: look again now and then. */
    while (i >= j->consumed && i - j->consumed >= j->ahead && !stopped(j)) {
        struct timespec until = deadline(100);
        pthread_cond_timedwait(&j->changed, &j->lock, &until);
    }
    go = !stopped(j);
    pthread_mutex_unlock(&j->lock);
    return go;
}

static void *worker(void *arg)
{
    struct kk_jobs *j = arg;

    while (!stopped(j)) {
        size_t i = atomic_fetch_add(&j->next, 1);
        if (i >= j->n || !may_start(j, i))
            break;
        j->fn(j->ctx, i);
        /* The lock also publishes the item's results to the waiter. */
        pthread_mutex_lock(&j->lock);
        j->done[i] = 1;
        j->finished++;
        pthread_cond_broadcast(&j->changed);
        pthread_mutex_unlock(&j->lock);
    }
    pthread_mutex_lock(&j->lock);
    j->running--;
    pthread_cond_broadcast(&j->changed);
    pthread_mutex_unlock(&j->lock);
    return NULL;
}

static void free_jobs(struct kk_jobs *j)
{
    pthread_cond_destroy(&j->changed);
    pthread_mutex_destroy(&j->lock);
    free(j->done);
    free(j->threads);
    free(j);
}

int kk_jobs_start(size_t n, unsigned threads, size_t ahead, kk_job_fn fn, void *ctx,
                  const atomic_int *stop, struct kk_jobs **out, struct kk_error *err)
{
    struct kk_jobs *j;
    pthread_condattr_t ca;
    sigset_t all, old;
    int e = 0;

    *out = NULL;
    if (threads == 0)
        threads = 1;
    if (threads > KK_JOBS_MAX_THREADS)
        threads = KK_JOBS_MAX_THREADS;
    if (n < threads)
        threads = (unsigned)n;
    j = calloc(1, sizeof *j);
    if (j == NULL)
        return kk_fail(err, KK_ERR_NOMEM, NULL);
    j->n = n;
    j->fn = fn;
    j->ctx = ctx;
    j->stop = stop;
    j->ahead = ahead;
    atomic_init(&j->next, 0);
    j->done = calloc(n != 0 ? n : 1, 1);
    j->threads = calloc(threads != 0 ? threads : 1, sizeof *j->threads);
    if (j->done == NULL || j->threads == NULL) {
        free(j->done);
        free(j->threads);
        free(j);
        return kk_fail(err, KK_ERR_NOMEM, NULL);
    }
    pthread_mutex_init(&j->lock, NULL);
    /* Timed waits measure elapsed time, not the wall clock. */
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&j->changed, &ca);
    pthread_condattr_destroy(&ca);

    /* Workers inherit this mask: signals go to the calling thread. */
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    pthread_mutex_lock(&j->lock);
    for (unsigned t = 0; t < threads; t++) {
        e = pthread_create(&j->threads[t], NULL, worker, j);
        if (e != 0)
            break;
        j->nthreads++;
        j->running++;
    }
    pthread_mutex_unlock(&j->lock);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (j->nthreads == 0 && threads > 0) {
        free_jobs(j);
        errno = e;
        return kk_fail_errno(err, KK_ERR_NOMEM, "cannot start a thread");
    }
    *out = j;
    return KK_OK;
}

enum kk_jobs_state kk_jobs_wait(struct kk_jobs *j, size_t i, unsigned timeout_ms)
{
    struct timespec until = deadline(timeout_ms);
    enum kk_jobs_state st = KK_JOBS_PENDING;

    if (i >= j->n)
        return KK_JOBS_NEVER;
    pthread_mutex_lock(&j->lock);
    if (i > j->consumed) {
        j->consumed = i;
        pthread_cond_broadcast(&j->changed);
    }
    for (;;) {
        if (j->done[i]) {
            st = KK_JOBS_DONE;
            break;
        }
        /* Every worker has returned and i is not done: it never will be. */
        if (j->running == 0) {
            st = KK_JOBS_NEVER;
            break;
        }
        if (j->finished != j->seen)
            break;
        int e = timeout_ms != 0 ? pthread_cond_timedwait(&j->changed, &j->lock, &until)
                                : pthread_cond_wait(&j->changed, &j->lock);
        if (e == ETIMEDOUT)
            break;
    }
    j->seen = j->finished;
    pthread_mutex_unlock(&j->lock);
    return st;
}

size_t kk_jobs_finished(struct kk_jobs *j)
{
    size_t n;

    pthread_mutex_lock(&j->lock);
    n = j->finished;
    pthread_mutex_unlock(&j->lock);
    return n;
}

void kk_jobs_end(struct kk_jobs *j)
{
    if (j == NULL)
        return;
    for (unsigned t = 0; t < j->nthreads; t++)
        pthread_join(j->threads[t], NULL);
    free_jobs(j);
}

int kk_jobs_run(size_t n, unsigned threads, kk_job_fn fn, void *ctx,
                struct kk_error *err)
{
    struct kk_jobs *j = NULL;
    int rc = kk_jobs_start(n, threads, 0, fn, ctx, NULL, &j, err);

    if (rc == KK_OK)
        kk_jobs_end(j);
    return rc;
}
