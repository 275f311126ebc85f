/* Reading inputs (size-capped, gzip-transparent) and writing outputs
 * (atomic: temp file in the same directory, fsync, rename). */
#ifndef KK_IO_H
#define KK_IO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "buf.h"
#include "error.h"
#include "limits.h"

/* Reads path ("-" = stdin) into out.  More than lim->max_input bytes fails
 * with KK_ERR_TOO_BIG naming --max-input-size.  Input starting with the gzip
 * magic is inflated with zlib, stopping as soon as the output would pass
 * lim->max_decompressed (a gzip bomb fails fast).  On success out is
 * NUL-terminated (not counted in len), so out->data is never NULL. */
int kk_read_input(const char *path, const struct kk_limits *lim,
                  struct kk_buf *out, struct kk_error *err);

enum kk_write_flags {
    KK_WRITE_FORCE = 1,    /* replace an existing file */
};

/* Writes data to path ("-" = stdout) atomically with the given mode
 * (0600 private, 0644 public).  Fails with KK_ERR_EXISTS if path exists and
 * KK_WRITE_FORCE is not set; never leaves the temp file behind. */
int kk_write_file(const char *path, const uint8_t *data, size_t len,
                  mode_t mode, unsigned flags, struct kk_error *err);

/* A set of files written all-or-nothing (keygen's PATH and PATH.pub):
 * stage each into a file that has no name yet (O_TMPFILE; a named temp
 * file where that is missing), then commit names them all.  If any stage
 * fails or a target exists (without force), nothing is named and nothing
 * is left behind; a crash before the commit leaves nothing either (the
 * named fallback leaves its temp file on a crash, or in a directory that
 * is renamed between stage and commit).  With force, a directory in the
 * way fails the whole set, and the files replaced are put back if a later
 * one fails. */
#define KK_WRITESET_MAX 4
struct kk_writeset {
    size_t n;
    struct {
        char *path;
        int fd;         /* the unnamed file, or -1 */
        char *tmp;      /* the named temp file, or NULL */
    } f[KK_WRITESET_MAX];
    unsigned flags;
};
void kk_writeset_init(struct kk_writeset *ws, unsigned flags);
int kk_writeset_stage(struct kk_writeset *ws, const char *path,
                      const uint8_t *data, size_t len, mode_t mode,
                      struct kk_error *err);
int kk_writeset_commit(struct kk_writeset *ws, struct kk_error *err);
/* Removes any staged temp files; safe after commit. */
void kk_writeset_abort(struct kk_writeset *ws);

/* The directory part of path ("." if none, "/" for "/x"); caller frees;
 * NULL if out of memory. */
char *kk_dir_of(const char *path);

/* 1 if path exists (lstat). */
int kk_path_exists(const char *path);

#endif
