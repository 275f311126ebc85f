/* Walking the inputs of a batch; see walk.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "walk.h"

/* The directories above the one being listed, to notice a loop. */
struct ancestor {
    dev_t dev;
    ino_t ino;
    const struct ancestor *up;
};

struct walker {
    struct kk_walk *w;
    size_t index;
    char *root_real;           /* realpath of the operand */
    int have_skip;
    dev_t skip_dev;
    ino_t skip_ino;
    const char *skip_real;
    struct kk_error *err;
};

void kk_walk_init(struct kk_walk *w)
{
    *w = (struct kk_walk){.v = NULL, .n = 0, .cap = 0};
}

void kk_walk_free(struct kk_walk *w)
{
    for (size_t i = 0; i < w->n; i++) {
        free(w->v[i].path);
        free(w->v[i].rel);
    }
    free(w->v);
    kk_walk_init(w);
}

const char *kk_walk_kind_text(enum kk_walk_kind kind)
{
    switch (kind) {
    case KK_WALK_FILE:
        return "a regular file";
    case KK_WALK_LINK_OUT:
        return "symbolic link out of the input tree; not followed";
    case KK_WALK_LINK_DIR:
        return "symbolic link to a directory; not followed";
    case KK_WALK_LINK_BROKEN:
        return "symbolic link to nothing";
    case KK_WALK_SPECIAL:
        return "not a regular file";
    case KK_WALK_LOOP:
        return "directory loop; not entered again";
    case KK_WALK_ERROR:
        return "cannot be read";
    }
    return "unknown";
}

char *kk_path_join(const char *dir, const char *name)
{
    size_t dl = strlen(dir), nl = strlen(name);
    int slash = dl > 0 && dir[dl - 1] != '/';

    if (dl == 0)
        return strdup(name);
    char *p = malloc(dl + (size_t)slash + nl + 1);
    if (p == NULL)
        return NULL;
    memcpy(p, dir, dl);
    if (slash)
        p[dl] = '/';
    memcpy(p + dl + (size_t)slash, name, nl + 1);
    return p;
}

/* Takes ownership of path and rel (also on failure). */
static int add(struct walker *k, char *path, char *rel, enum kk_walk_kind kind,
               int sys_errno, const struct stat *st)
{
    struct kk_walk *w = k->w;

    if (path == NULL || rel == NULL)
        goto nomem;
    if (w->n == w->cap) {
        size_t cap = w->cap != 0 ? w->cap * 2 : 64;
        struct kk_walk_entry *v = realloc(w->v, cap * sizeof *v);
        if (v == NULL || cap < w->cap)
            goto nomem;
        w->v = v;
        w->cap = cap;
    }
    w->v[w->n++] = (struct kk_walk_entry){
        .path = path,
        .rel = rel,
        .kind = kind,
        .sys_errno = sys_errno,
        .dev = st != NULL ? st->st_dev : 0,
        .ino = st != NULL ? st->st_ino : 0,
        .operand = k->index,
    };
    return KK_OK;
nomem:
    free(path);
    free(rel);
    return kk_fail(k->err, KK_ERR_NOMEM, NULL);
}

/* 1 if real lies strictly inside dir (both real paths). */
static int inside(const char *real, const char *dir)
{
    size_t n = strlen(dir);

    if (n == 1 && dir[0] == '/')
        return real[0] == '/' && real[1] != '\0';
    return strncmp(real, dir, n) == 0 && real[n] == '/';
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in a directory, sorted; *names NULL and errno kept on failure. */
static int list_dir(const char *path, int follow, char ***names, size_t *count)
{
    int flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC | (follow ? 0 : O_NOFOLLOW);
    char **v = NULL;
    size_t n = 0, cap = 0;
    int fd, e = 0;
    DIR *d;

    *names = NULL;
    *count = 0;
    do
        fd = open(path, flags);
    while (fd < 0 && errno == EINTR);
    if (fd < 0)
        return -1;
    d = fdopendir(fd);
    if (d == NULL) {
        e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    for (;;) {
        errno = 0;
        struct dirent *de = readdir(d);
        if (de == NULL) {
            e = errno;
            break;
        }
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        if (n == cap) {
            size_t ncap = cap != 0 ? cap * 2 : 32;
            char **nv = realloc(v, ncap * sizeof *nv);
            if (nv == NULL) {
                e = ENOMEM;
                break;
            }
            v = nv;
            cap = ncap;
        }
        if ((v[n] = strdup(de->d_name)) == NULL) {
            e = ENOMEM;
            break;
        }
        n++;
    }
    closedir(d);
    if (e != 0) {
        for (size_t i = 0; i < n; i++)
            free(v[i]);
        free(v);
        errno = e;
        return -1;
    }
    if (n > 1)
        qsort(v, n, sizeof *v, by_name);
    *names = v;
    *count = n;
    return 0;
}

static int walk_dir(struct walker *k, const char *path, const char *rel, int follow,
                    const struct ancestor *up);

/* One name found in a directory; takes ownership of path and rel. */
static int visit(struct walker *k, char *path, char *rel, const struct ancestor *up)
{
    struct stat st, target;
    int rc;

    if (path == NULL || rel == NULL)
        return add(k, path, rel, KK_WALK_ERROR, 0, NULL);
    if (lstat(path, &st) != 0)
        return add(k, path, rel, KK_WALK_ERROR, errno, NULL);
    if (S_ISREG(st.st_mode))
        return add(k, path, rel, KK_WALK_FILE, 0, &st);
    if (S_ISDIR(st.st_mode)) {
        if (k->have_skip && st.st_dev == k->skip_dev && st.st_ino == k->skip_ino) {
            free(path);
            free(rel);
            return KK_OK;
        }
        for (const struct ancestor *a = up; a != NULL; a = a->up)
            if (a->dev == st.st_dev && a->ino == st.st_ino)
                return add(k, path, rel, KK_WALK_LOOP, 0, NULL);
        struct ancestor here = {.dev = st.st_dev, .ino = st.st_ino, .up = up};
        rc = walk_dir(k, path, rel, 0, &here);
        free(path);
        free(rel);
        return rc;
    }
    if (!S_ISLNK(st.st_mode))
        return add(k, path, rel, KK_WALK_SPECIAL, 0, NULL);

    if (stat(path, &target) != 0) {
        int e = errno;
        if (e == ENOENT || e == ENOTDIR || e == ELOOP)
            return add(k, path, rel, KK_WALK_LINK_BROKEN, 0, NULL);
        return add(k, path, rel, KK_WALK_ERROR, e, NULL);
    }
    if (S_ISDIR(target.st_mode))
        return add(k, path, rel, KK_WALK_LINK_DIR, 0, NULL);
    if (!S_ISREG(target.st_mode))
        return add(k, path, rel, KK_WALK_SPECIAL, 0, NULL);
    char *real = realpath(path, NULL);
    if (real == NULL)
        return add(k, path, rel, KK_WALK_ERROR, errno, NULL);
    int ok = inside(real, k->root_real) &&
             (k->skip_real == NULL || !inside(real, k->skip_real));
    free(real);
    return add(k, path, rel, ok ? KK_WALK_FILE : KK_WALK_LINK_OUT, 0, &target);
}

static int walk_dir(struct walker *k, const char *path, const char *rel, int follow,
                    const struct ancestor *up)
{
    char **names = NULL;
    size_t n = 0, i;
    int rc = KK_OK;

    if (list_dir(path, follow, &names, &n) != 0) {
        int e = errno;
        if (e == ENOMEM)
            return kk_fail(k->err, KK_ERR_NOMEM, NULL);
        return add(k, strdup(path), strdup(rel[0] != '\0' ? rel : "."), KK_WALK_ERROR, e,
                   NULL);
    }
    for (i = 0; i < n && rc == KK_OK; i++) {
        char *cpath = kk_path_join(path, names[i]);
        char *crel = rel[0] != '\0' ? kk_path_join(rel, names[i]) : strdup(names[i]);
        if (cpath == NULL || crel == NULL) {
            free(cpath);
            free(crel);
            rc = kk_fail(k->err, KK_ERR_NOMEM, NULL);
            break;
        }
        rc = visit(k, cpath, crel, up);
    }
    for (i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return rc;
}

/* The last component of an operand (a file: no trailing slash). */
static char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return strdup(slash != NULL && slash[1] != '\0' ? slash + 1 : path);
}

int kk_walk_add(struct kk_walk *w, const char *operand, size_t index,
                const struct kk_walk_opts *opts, struct kk_error *err)
{
    struct walker k = {.w = w, .index = index, .err = err};
    struct stat st;
    int rc;

    if (opts != NULL && opts->skip_dir != NULL && stat(opts->skip_dir, &st) == 0) {
        k.have_skip = 1;
        k.skip_dev = st.st_dev;
        k.skip_ino = st.st_ino;
        k.skip_real = opts->skip_dir;
    }
    if (stat(operand, &st) != 0)
        return add(&k, strdup(operand), base_name(operand), KK_WALK_ERROR, errno, NULL);
    if (S_ISREG(st.st_mode))
        return add(&k, strdup(operand), base_name(operand), KK_WALK_FILE, 0, &st);
    if (!S_ISDIR(st.st_mode))
        return add(&k, strdup(operand), base_name(operand), KK_WALK_SPECIAL, 0, NULL);
    k.root_real = realpath(operand, NULL);
    if (k.root_real == NULL)
        return add(&k, strdup(operand), strdup("."), KK_WALK_ERROR, errno, NULL);
    struct ancestor root = {.dev = st.st_dev, .ino = st.st_ino, .up = NULL};
    rc = walk_dir(&k, operand, "", 1, &root);
    free(k.root_real);
    return rc;
}

/* One directory of kk_make_dirs: made, or already a directory. */
static int make_one(const char *dir, unsigned mode, int check_only, int *missing,
                    struct kk_error *err)
{
    struct stat st;

    if (*missing && check_only)
        return KK_OK;           /* its parent would be made first */
    if (stat(dir, &st) == 0) {
        if (S_ISDIR(st.st_mode))
            return KK_OK;
        errno = ENOTDIR;
        return kk_fail_errno(err, KK_ERR_IO, "cannot create the directory %s", dir);
    }
    if (errno != ENOENT)
        return kk_fail_errno(err, KK_ERR_IO, "cannot create the directory %s", dir);
    *missing = 1;
    if (check_only)
        return KK_OK;
    if (mkdir(dir, (mode_t)mode) == 0)
        return KK_OK;
    /* Another thread (or process) may have made it meanwhile. */
    if (errno == EEXIST && stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
        return KK_OK;
    if (errno == EEXIST)
        errno = ENOTDIR;
    return kk_fail_errno(err, KK_ERR_IO, "cannot create the directory %s", dir);
}

int kk_make_dirs(const char *dir, unsigned mode, int check_only, struct kk_error *err)
{
    size_t n = strlen(dir);
    char *p = malloc(n + 1);
    int missing = 0, rc = KK_OK;

    if (p == NULL)
        return kk_fail(err, KK_ERR_NOMEM, NULL);
    memcpy(p, dir, n + 1);
    while (n > 1 && p[n - 1] == '/')
        p[--n] = '\0';
    /* Each prefix ending before a slash, then the whole path. */
    for (size_t i = 1; i <= n && rc == KK_OK; i++) {
        if (i < n && (p[i] != '/' || p[i - 1] == '/'))
            continue;
        char c = p[i];
        p[i] = '\0';
        rc = make_one(p, mode, check_only, &missing, err);
        p[i] = c;
    }
    free(p);
    return rc;
}
