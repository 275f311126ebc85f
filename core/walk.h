/* The inputs of a batch: files and directories named on the command line,
 * expanded to the regular files under them, each with its path relative to
 * the operand it came from.  The order is fixed (operands as given, each
 * directory's names sorted bytewise, depth first), so two runs over the same
 * tree list the same files in the same order.
 *
 * Symbolic links: an operand is followed (the user named it).  Inside a
 * directory, a link to a regular file is followed only when its real path
 * lies inside the operand's real path; a link to a directory is never
 * followed.  Such links, and anything that is not a regular file, come back
 * as entries of their own kind so the caller can report them; they are never
 * opened (a FIFO would block the reader). */
#ifndef KK_WALK_H
#define KK_WALK_H

#include <stddef.h>
#include <sys/types.h>
#include "error.h"

enum kk_walk_kind {
    KK_WALK_FILE,          /* a regular file, to read */
    KK_WALK_LINK_OUT,      /* a symlink to a file outside the operand's tree */
    KK_WALK_LINK_DIR,      /* a symlink to a directory (never followed) */
    KK_WALK_LINK_BROKEN,   /* a symlink to nothing */
    KK_WALK_SPECIAL,       /* FIFO, socket or device */
    KK_WALK_LOOP,          /* a directory that is its own ancestor (bind mount) */
    KK_WALK_ERROR,         /* cannot be examined or listed; sys_errno says why */
};

struct kk_walk_entry {
    char *path;            /* to open and to show: the operand, or OPERAND/REL */
    char *rel;             /* relative to the operand; a file operand: its base name */
    enum kk_walk_kind kind;
    int sys_errno;         /* KK_WALK_ERROR */
    dev_t dev;             /* KK_WALK_FILE: the file read (a link's target) */
    ino_t ino;
    size_t operand;        /* index of the operand it came from */
};

struct kk_walk {
    struct kk_walk_entry *v;
    size_t n, cap;
};

struct kk_walk_opts {
    /* A directory never entered nor read through a link (the output
     * directory, when it lies inside an input tree); its real path. */
    const char *skip_dir;
};

void kk_walk_init(struct kk_walk *w);
/* Appends the files of one operand.  Only running out of memory fails
 * (KK_ERR_NOMEM); everything wrong with the files themselves is an entry. */
int kk_walk_add(struct kk_walk *w, const char *operand, size_t index,
                const struct kk_walk_opts *opts, struct kk_error *err);
void kk_walk_free(struct kk_walk *w);

/* Text for a kind that is not KK_WALK_FILE ("symbolic link to a directory;
 * not followed"), for messages. */
const char *kk_walk_kind_text(enum kk_walk_kind kind);

/* dir + "/" + name without doubling a slash; NULL if out of memory. */
char *kk_path_join(const char *dir, const char *name);

/* Makes dir and its missing parents (as mkdir -p) with mode, leaving
 * existing ones alone.  check_only: creates nothing, only fails as making
 * them would when something on the way exists and is not a directory.  A
 * failure names the directory ("cannot create the directory D: ..."). */
int kk_make_dirs(const char *dir, unsigned mode, int check_only, struct kk_error *err);

#endif
