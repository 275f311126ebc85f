/* Unit tests for core/walk.c: order, relative paths, symbolic links, the
 * skipped output directory, special files, errors; kk_make_dirs. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include "core/walk.h"

static char dir[256];
static char path_buf[4][512];
static int path_next;

/* dir/rel, in one of a few rotating buffers. */
static const char *at(const char *rel)
{
    char *p = path_buf[path_next++ % 4];
    snprintf(p, sizeof path_buf[0], "%s/%s", dir, rel);
    return p;
}

static void touch(const char *rel)
{
    FILE *f = fopen(at(rel), "w");
    assert_non_null(f);
    fputs("x\n", f);
    fclose(f);
}

static void mkdirs(const char *rel)
{
    assert_int_equal(mkdir(at(rel), 0755), 0);
}

static int setup(void **state)
{
    (void)state;
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/kk_test_walk.XXXXXX", tmp != NULL && *tmp ? tmp : "/tmp");
    return mkdtemp(dir) != NULL ? 0 : -1;
}

static int teardown(void **state)
{
    char cmd[600];
    (void)state;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* The entries as "KIND REL" lines (kind letters: F L D B S O E). */
static void listing(const struct kk_walk *w, char *out, size_t size)
{
    static const char kinds[] = {
        [KK_WALK_FILE] = 'F', [KK_WALK_LINK_OUT] = 'L', [KK_WALK_LINK_DIR] = 'D',
        [KK_WALK_LINK_BROKEN] = 'B', [KK_WALK_SPECIAL] = 'S', [KK_WALK_LOOP] = 'O',
        [KK_WALK_ERROR] = 'E',
    };
    size_t used = 0;

    out[0] = '\0';
    for (size_t i = 0; i < w->n; i++) {
        int n = snprintf(out + used, size - used, "%c %s\n", kinds[w->v[i].kind],
                         w->v[i].rel);
        assert_true(n > 0 && (size_t)n < size - used);
        used += (size_t)n;
    }
}

static void walk_one(const char *operand, const struct kk_walk_opts *o, char *out,
                     size_t size, struct kk_walk *w)
{
    struct kk_error err;

    kk_walk_init(w);
    kk_error_clear(&err);
    assert_int_equal(kk_walk_add(w, operand, 0, o, &err), KK_OK);
    listing(w, out, size);
}

static void test_order_and_paths(void **state)
{
    struct kk_walk w;
    char got[1024];

    (void)state;
    mkdirs("in");
    mkdirs("in/b");
    mkdirs("in/a");
    mkdirs("in/sp ace");
    mkdirs("in/a/deep");
    mkdirs("in/empty");
    touch("in/b/x.ppk");
    touch("in/a/z");
    touch("in/a/Y");
    touch("in/a/deep/k");
    touch("in/c");
    touch("in/.hidden");
    touch("in/sp ace/\xc3\xbc.ppk");
    walk_one(at("in"), NULL, got, sizeof got, &w);
    /* Bytewise order, depth first, empty directories give nothing. */
    assert_string_equal(got, "F .hidden\nF a/Y\nF a/deep/k\nF a/z\nF b/x.ppk\nF c\n"
                             "F sp ace/\xc3\xbc.ppk\n");
    assert_string_equal(w.v[1].path, at("in/a/Y"));
    assert_int_equal(w.v[1].operand, 0);
    struct stat st;
    assert_int_equal(stat(at("in/a/Y"), &st), 0);
    assert_true(w.v[1].dev == st.st_dev && w.v[1].ino == st.st_ino);

    /* The same again: the order does not depend on the directory. */
    char again[1024];
    struct kk_walk w2;
    walk_one(at("in"), NULL, again, sizeof again, &w2);
    assert_string_equal(got, again);
    kk_walk_free(&w2);
    kk_walk_free(&w);

    /* A trailing slash is not doubled. */
    walk_one(at("in/b/"), NULL, got, sizeof got, &w);
    assert_string_equal(got, "F x.ppk\n");
    assert_string_equal(w.v[0].path, at("in/b/x.ppk"));
    kk_walk_free(&w);
}

static void test_operands(void **state)
{
    struct kk_walk w;
    struct kk_error err;
    char got[512];

    (void)state;
    mkdirs("d");
    touch("d/k1");
    touch("f.ppk");
    kk_walk_init(&w);
    /* A file operand: its base name is its relative path. */
    assert_int_equal(kk_walk_add(&w, at("f.ppk"), 0, NULL, &err), KK_OK);
    assert_int_equal(kk_walk_add(&w, at("d"), 1, NULL, &err), KK_OK);
    assert_int_equal(kk_walk_add(&w, at("missing"), 2, NULL, &err), KK_OK);
    listing(&w, got, sizeof got);
    assert_string_equal(got, "F f.ppk\nF k1\nE missing\n");
    assert_string_equal(w.v[0].path, at("f.ppk"));
    assert_int_equal(w.v[1].operand, 1);
    assert_int_equal(w.v[2].operand, 2);
    assert_int_equal(w.v[2].sys_errno, ENOENT);
    assert_string_equal(w.v[2].path, at("missing"));
    kk_walk_free(&w);
    assert_int_equal(w.n, 0);

    /* A symlinked operand is followed: the user named it. */
    assert_int_equal(symlink(at("d"), at("dlink")), 0);
    assert_int_equal(symlink(at("f.ppk"), at("flink")), 0);
    kk_walk_init(&w);
    assert_int_equal(kk_walk_add(&w, at("dlink"), 0, NULL, &err), KK_OK);
    assert_int_equal(kk_walk_add(&w, at("flink"), 1, NULL, &err), KK_OK);
    listing(&w, got, sizeof got);
    assert_string_equal(got, "F k1\nF flink\n");
    assert_string_equal(w.v[0].path, at("dlink/k1"));
    kk_walk_free(&w);
}

static void test_symlinks(void **state)
{
    struct kk_walk w;
    char got[1024];

    (void)state;
    mkdirs("in");
    mkdirs("in/sub");
    mkdirs("outside");
    touch("in/sub/real");
    touch("outside/secret");
    assert_int_equal(symlink("sub/real", at("in/to_inside")), 0);
    assert_int_equal(symlink("../sub/real", at("in/sub/via_dotdot")), 0);
    assert_int_equal(symlink("../outside/secret", at("in/to_outside")), 0);
    assert_int_equal(symlink("/etc/passwd", at("in/to_abs")), 0);
    assert_int_equal(symlink("sub", at("in/to_dir")), 0);
    assert_int_equal(symlink("nothing", at("in/broken")), 0);
    assert_int_equal(symlink("loop_b", at("in/loop_a")), 0);
    assert_int_equal(symlink("loop_a", at("in/loop_b")), 0);
    walk_one(at("in"), NULL, got, sizeof got, &w);
    assert_string_equal(got, "B broken\nB loop_a\nB loop_b\nF sub/real\nF sub/via_dotdot\n"
                             "L to_abs\nD to_dir\nF to_inside\nL to_outside\n");
    /* A followed link reads its target. */
    struct stat st;
    assert_int_equal(stat(at("in/sub/real"), &st), 0);
    assert_true(w.v[7].dev == st.st_dev && w.v[7].ino == st.st_ino);
    assert_string_equal(w.v[7].path, at("in/to_inside"));
    kk_walk_free(&w);
}

static void test_skip_dir(void **state)
{
    struct kk_walk w;
    char got[512];

    (void)state;
    mkdirs("in");
    mkdirs("in/out");
    mkdirs("in/out/more");
    touch("in/out/converted");
    touch("in/out/more/k");
    touch("in/key");
    assert_int_equal(symlink("out/converted", at("in/to_output")), 0);
    char *real = realpath(at("in/out"), NULL);
    assert_non_null(real);
    const struct kk_walk_opts o = {.skip_dir = real};
    walk_one(at("in"), &o, got, sizeof got, &w);
    /* Never entered, and not read through a link either. */
    assert_string_equal(got, "F key\nL to_output\n");
    kk_walk_free(&w);
    /* A skip directory that does not exist changes nothing. */
    const struct kk_walk_opts none = {.skip_dir = "/nonexistent/kk"};
    walk_one(at("in"), &none, got, sizeof got, &w);
    assert_string_equal(got, "F key\nF out/converted\nF out/more/k\nF to_output\n");
    kk_walk_free(&w);
    free(real);
}

static void test_special(void **state)
{
    struct kk_walk w;
    char got[512];

    (void)state;
    mkdirs("in");
    touch("in/a");
    assert_int_equal(mkfifo(at("in/fifo"), 0600), 0);
    assert_int_equal(symlink("fifo", at("in/to_fifo")), 0);
    /* Would block forever if the walk opened it. */
    walk_one(at("in"), NULL, got, sizeof got, &w);
    assert_string_equal(got, "F a\nS fifo\nS to_fifo\n");
    kk_walk_free(&w);
    kk_walk_init(&w);
    struct kk_error err;
    assert_int_equal(kk_walk_add(&w, at("in/fifo"), 0, NULL, &err), KK_OK);
    assert_int_equal(w.n, 1);
    assert_int_equal(w.v[0].kind, KK_WALK_SPECIAL);
    kk_walk_free(&w);
}

static void test_unreadable_dir(void **state)
{
    struct kk_walk w;
    char got[512];

    (void)state;
    if (geteuid() == 0)
        skip();     /* root reads every directory */
    mkdirs("in");
    mkdirs("in/closed");
    touch("in/closed/k");
    touch("in/open");
    assert_int_equal(chmod(at("in/closed"), 0), 0);
    walk_one(at("in"), NULL, got, sizeof got, &w);
    chmod(at("in/closed"), 0755);
    assert_string_equal(got, "E closed\nF open\n");
    assert_int_equal(w.v[0].sys_errno, EACCES);
    kk_walk_free(&w);
}

static void test_kind_text(void **state)
{
    (void)state;
    assert_string_equal(kk_walk_kind_text(KK_WALK_LINK_OUT),
                        "symbolic link out of the input tree; not followed");
    assert_string_equal(kk_walk_kind_text(KK_WALK_LINK_DIR),
                        "symbolic link to a directory; not followed");
    assert_string_equal(kk_walk_kind_text((enum kk_walk_kind)99), "unknown");
}

static void test_join(void **state)
{
    static const char *const cases[][3] = {
        {"a", "b", "a/b"}, {"a/", "b", "a/b"}, {"/", "b", "/b"}, {"", "b", "b"},
        {"a//", "b c", "a//b c"},
    };

    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *p = kk_path_join(cases[i][0], cases[i][1]);
        assert_non_null(p);
        assert_string_equal(p, cases[i][2]);
        free(p);
    }
}

static void test_make_dirs(void **state)
{
    struct kk_error err;
    struct stat st;

    (void)state;
    kk_error_clear(&err);
    /* check_only makes nothing */
    assert_int_equal(kk_make_dirs(at("m/n/o"), 0700, 1, &err), KK_OK);
    assert_int_not_equal(stat(at("m"), &st), 0);
    assert_int_equal(kk_make_dirs(at("m/n/o/"), 0700, 0, &err), KK_OK);
    assert_int_equal(stat(at("m/n/o"), &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    assert_int_equal(st.st_mode & 0777, 0700);
    /* existing directories are fine and keep their mode */
    assert_int_equal(chmod(at("m"), 0755), 0);
    assert_int_equal(kk_make_dirs(at("m/n/p"), 0700, 0, &err), KK_OK);
    assert_int_equal(stat(at("m"), &st), 0);
    assert_int_equal(st.st_mode & 0777, 0755);
    /* a file on the way, made or only checked */
    touch("m/file");
    for (int check = 0; check <= 1; check++) {
        kk_error_clear(&err);
        assert_int_equal(kk_make_dirs(at("m/file/q"), 0700, check, &err), KK_ERR_IO);
        char want[600];
        snprintf(want, sizeof want, "cannot create the directory %s: Not a directory",
                 at("m/file"));
        assert_string_equal(err.msg, want);
        assert_int_equal(err.sys_errno, ENOTDIR);
    }
    assert_int_equal(kk_make_dirs(at("m/file"), 0700, 0, &err), KK_ERR_IO);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_order_and_paths, setup, teardown),
        cmocka_unit_test_setup_teardown(test_operands, setup, teardown),
        cmocka_unit_test_setup_teardown(test_symlinks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_skip_dir, setup, teardown),
        cmocka_unit_test_setup_teardown(test_special, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unreadable_dir, setup, teardown),
        cmocka_unit_test(test_kind_text),
        cmocka_unit_test(test_join),
        cmocka_unit_test_setup_teardown(test_make_dirs, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
