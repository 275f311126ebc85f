/* Unit tests for core/jobs.c: every item once, in parallel, waited for in
 * order, stopped on request, with signals kept away from the workers. */
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>
#include "core/jobs.h"

static void sleep_ms(long ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0)
        ;
}

/* The state of item i, past any wake-up for other items. */
static enum kk_jobs_state settled(struct kk_jobs *j, size_t i)
{
    enum kk_jobs_state st;
    while ((st = kk_jobs_wait(j, i, 0)) == KK_JOBS_PENDING)
        ;
    return st;
}

struct count_ctx {
    atomic_int *runs;             /* per item */
    size_t *result;               /* per item, written by its worker only */
    atomic_int total;
};

static void count_item(void *p, size_t i)
{
    struct count_ctx *c = p;
    atomic_fetch_add(&c->runs[i], 1);
    c->result[i] = i * 3 + 1;
    atomic_fetch_add(&c->total, 1);
}

static void test_every_item_once(void **state)
{
    enum { N = 5000 };
    struct count_ctx c = {.runs = calloc(N, sizeof(atomic_int)),
                          .result = calloc(N, sizeof(size_t))};
    struct kk_error err;

    (void)state;
    assert_non_null(c.runs);
    assert_non_null(c.result);
    atomic_init(&c.total, 0);
    for (unsigned threads = 0; threads <= 8; threads += 4) {
        for (size_t i = 0; i < N; i++)
            atomic_store(&c.runs[i], 0);
        atomic_store(&c.total, 0);
        kk_error_clear(&err);
        assert_int_equal(kk_jobs_run(N, threads, count_item, &c, &err), KK_OK);
        assert_int_equal(atomic_load(&c.total), N);
        for (size_t i = 0; i < N; i++) {
            assert_int_equal(atomic_load(&c.runs[i]), 1);
            assert_int_equal(c.result[i], i * 3 + 1);
        }
    }
    free(c.runs);
    free(c.result);
}

static void test_no_items(void **state)
{
    struct count_ctx c = {.runs = NULL, .result = NULL};
    struct kk_jobs *j = NULL;
    struct kk_error err;

    (void)state;
    atomic_init(&c.total, 0);
    assert_int_equal(kk_jobs_run(0, 4, count_item, &c, &err), KK_OK);
    assert_int_equal(kk_jobs_start(0, 4, 0, count_item, &c, NULL, &j, &err), KK_OK);
    assert_non_null(j);
    assert_int_equal(settled(j, 0), KK_JOBS_NEVER);
    assert_int_equal(kk_jobs_finished(j), 0);
    kk_jobs_end(j);
    kk_jobs_end(NULL);
    assert_int_equal(atomic_load(&c.total), 0);
}

/* Items finish in reverse order; the waiter still sees each in turn, with
 * its result in place. */
struct order_ctx {
    size_t n;
    size_t result[8];
};

static void slow_first(void *p, size_t i)
{
    struct order_ctx *c = p;
    sleep_ms((long)(c->n - i) * 15);
    c->result[i] = 100 + i;
}

static void test_wait_in_order(void **state)
{
    struct order_ctx c = {.n = 8};
    struct kk_jobs *j = NULL;
    struct kk_error err;

    (void)state;
    assert_int_equal(kk_jobs_start(c.n, 8, 0, slow_first, &c, NULL, &j, &err), KK_OK);
    for (size_t i = 0; i < c.n; i++) {
        assert_int_equal(settled(j, i), KK_JOBS_DONE);
        assert_int_equal(c.result[i], 100 + i);
        /* Item 0 is the slowest: once it is done, all are. */
        if (i == 0)
            assert_int_equal(kk_jobs_finished(j), c.n);
    }
    assert_int_equal(settled(j, c.n), KK_JOBS_NEVER);
    kk_jobs_end(j);
}

/* Two items that each wait for the other to be running: only true
 * parallelism lets them both finish without timing out. */
struct meet_ctx {
    atomic_int running;
    atomic_int met;
};

static void meet(void *p, size_t i)
{
    struct meet_ctx *c = p;
    (void)i;
    atomic_fetch_add(&c->running, 1);
    for (int k = 0; k < 5000 && atomic_load(&c->running) < 2; k++)
        sleep_ms(1);
    if (atomic_load(&c->running) >= 2)
        atomic_fetch_add(&c->met, 1);
}

static void test_parallel(void **state)
{
    struct meet_ctx c;
    struct kk_error err;

    (void)state;
    atomic_init(&c.running, 0);
    atomic_init(&c.met, 0);
    assert_int_equal(kk_jobs_run(2, 2, meet, &c, &err), KK_OK);
    assert_int_equal(atomic_load(&c.met), 2);
}

/* One thread: items claimed in increasing order, so a stop raised while
 * item 3 runs leaves 4.. never started. */
struct stop_ctx {
    atomic_int stop;
    atomic_int ran[10];
};

static void stop_at_3(void *p, size_t i)
{
    struct stop_ctx *c = p;
    atomic_store(&c->ran[i], 1);
    if (i == 3)
        atomic_store(&c->stop, 1);
}

static void test_stop(void **state)
{
    struct stop_ctx c;
    struct kk_jobs *j = NULL;
    struct kk_error err;

    (void)state;
    atomic_init(&c.stop, 0);
    for (size_t i = 0; i < 10; i++)
        atomic_init(&c.ran[i], 0);
    assert_int_equal(kk_jobs_start(10, 1, 0, stop_at_3, &c, &c.stop, &j, &err), KK_OK);
    for (size_t i = 0; i < 4; i++)
        assert_int_equal(settled(j, i), KK_JOBS_DONE);
    assert_int_equal(settled(j, 4), KK_JOBS_NEVER);
    assert_int_equal(settled(j, 9), KK_JOBS_NEVER);
    kk_jobs_end(j);
    for (size_t i = 0; i < 10; i++)
        assert_int_equal(atomic_load(&c.ran[i]), i <= 3);
}

/* A wait with a timeout comes back while the item still runs. */
struct gate_ctx {
    atomic_int open;
};

static void gated(void *p, size_t i)
{
    struct gate_ctx *c = p;
    (void)i;
    for (int k = 0; k < 10000 && !atomic_load(&c->open); k++)
        sleep_ms(1);
}

static void test_timeout(void **state)
{
    struct gate_ctx c;
    struct kk_jobs *j = NULL;
    struct kk_error err;
    struct timespec a, b;

    (void)state;
    atomic_init(&c.open, 0);
    assert_int_equal(kk_jobs_start(1, 1, 0, gated, &c, NULL, &j, &err), KK_OK);
    clock_gettime(CLOCK_MONOTONIC, &a);
    assert_int_equal(kk_jobs_wait(j, 0, 30), KK_JOBS_PENDING);
    clock_gettime(CLOCK_MONOTONIC, &b);
    long ms = (long)(b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
    assert_true(ms >= 25);
    assert_int_equal(kk_jobs_finished(j), 0);
    atomic_store(&c.open, 1);
    assert_int_equal(settled(j, 0), KK_JOBS_DONE);
    kk_jobs_end(j);
}

/* Workers block every signal, so a Ctrl-C reaches the main thread; the
 * caller's own mask is left as it was. */
struct mask_ctx {
    int blocked[3];
};

static void read_mask(void *p, size_t i)
{
    struct mask_ctx *c = p;
    sigset_t now;
    pthread_sigmask(SIG_SETMASK, NULL, &now);
    c->blocked[i] = sigismember(&now, SIGINT) == 1 && sigismember(&now, SIGTERM) == 1;
}

static void test_signals_blocked(void **state)
{
    struct mask_ctx c = {{0}};
    struct kk_error err;
    sigset_t now;

    (void)state;
    assert_int_equal(kk_jobs_run(3, 3, read_mask, &c, &err), KK_OK);
    for (size_t i = 0; i < 3; i++)
        assert_int_equal(c.blocked[i], 1);
    pthread_sigmask(SIG_SETMASK, NULL, &now);
    assert_int_equal(sigismember(&now, SIGINT), 0);
}

/* ahead: the workers never get further than that past the item waited
 * for, however fast they are. */
struct ahead_ctx {
    atomic_size_t started;
};

static void note_start(void *p, size_t i)
{
    struct ahead_ctx *c = p;
    (void)i;
    atomic_fetch_add(&c->started, 1);
}

static void test_ahead(void **state)
{
    struct ahead_ctx c;
    struct kk_jobs *j = NULL;
    struct kk_error err;
    enum { N = 40, AHEAD = 3 };

    (void)state;
    atomic_init(&c.started, 0);
    assert_int_equal(kk_jobs_start(N, 4, AHEAD, note_start, &c, NULL, &j, &err), KK_OK);
    for (size_t i = 0; i < N; i++) {
        /* Time for the workers to run as far as they may. */
        sleep_ms(5);
        size_t done_with = i > 0 ? i - 1 : 0;   /* what the last wait said */
        assert_true(atomic_load(&c.started) <= done_with + AHEAD);
        assert_int_equal(settled(j, i), KK_JOBS_DONE);
    }
    kk_jobs_end(j);
    assert_int_equal(atomic_load(&c.started), N);

    /* A stop releases workers held back. */
    atomic_int stop;
    atomic_init(&stop, 0);
    atomic_store(&c.started, 0);
    assert_int_equal(kk_jobs_start(N, 4, AHEAD, note_start, &c, &stop, &j, &err), KK_OK);
    sleep_ms(20);
    atomic_store(&stop, 1);
    kk_jobs_end(j);
    assert_int_equal(atomic_load(&c.started), AHEAD);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_item_once),
        cmocka_unit_test(test_no_items),
        cmocka_unit_test(test_wait_in_order),
        cmocka_unit_test(test_parallel),
        cmocka_unit_test(test_stop),
        cmocka_unit_test(test_timeout),
        cmocka_unit_test(test_signals_blocked),
        cmocka_unit_test(test_ahead),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
