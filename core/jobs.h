/* Running n independent items on a few threads.
 *
 * Workers claim indexes in increasing order from one atomic counter, so
 * the items start in order and finish in any order; the thread that
 * started them waits for each item in turn (kk_jobs_wait) and handles the
 * results in input order.  The item function runs on a worker thread: it
 * must not print, and may touch only its own item and state that is
 * read-only or atomic.  Workers block every signal, so signals reach the
 * thread that started them. */
#ifndef KK_JOBS_H
#define KK_JOBS_H

#include <stdatomic.h>
#include <stddef.h>
#include "error.h"

typedef void (*kk_job_fn)(void *ctx, size_t index);

struct kk_jobs;

#define KK_JOBS_MAX_THREADS 256

/* Starts min(threads, n) workers (threads 0 counts as 1, at most
 * KK_JOBS_MAX_THREADS) calling fn(ctx, i) for each i in [0, n).  Once
 * *stop (may be NULL) is non-zero no further item is started.  ahead > 0
 * keeps the workers at most that many items past the one the caller waits
 * for (what a finished item holds, such as staged temp files, stays
 * bounded); 0 lets them run to the end.  Fails only when not even one
 * thread can be made. */
int kk_jobs_start(size_t n, unsigned threads, size_t ahead, kk_job_fn fn, void *ctx,
                  const atomic_int *stop, struct kk_jobs **out, struct kk_error *err);

enum kk_jobs_state {
    KK_JOBS_DONE = 1,      /* the item has finished */
    KK_JOBS_PENDING = 0,   /* not yet: woken by another item or the timeout */
    KK_JOBS_NEVER = -1,    /* stopped before the item was started */
};

/* Waits until item i has finished, another item has finished since the
 * last call (for redrawing progress), or timeout_ms passed (0: no limit).
 * Waiting for item i says the caller is done with every item before it. */
enum kk_jobs_state kk_jobs_wait(struct kk_jobs *j, size_t i, unsigned timeout_ms);

/* How many items have finished. */
size_t kk_jobs_finished(struct kk_jobs *j);

/* Waits for the items being run, joins the workers and frees j (NULL is
 * fine).  After a stop, items never started stay undone. */
void kk_jobs_end(struct kk_jobs *j);

/* Runs all n items and waits for them. */
int kk_jobs_run(size_t n, unsigned threads, kk_job_fn fn, void *ctx,
                struct kk_error *err);

#endif
