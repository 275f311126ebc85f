/* Fuzzes the gzip-transparent input reader (core/io.c kk_read_input): every
 * key file may arrive gzipped, so zlib's inflate and keykit's handling
 * around it (the decompressed-size cap, several members, data after the
 * last member, truncation) see attacker bytes.  The input is put in a memfd
 * and read through its /proc path, as a file is.
 *
 * The oracle: input that does not start with the gzip magic comes back
 * byte for byte; decompressed output never passes the cap; a failure
 * carries a code and a message; and whatever kk_read_input decompresses,
 * zlib's own gzread (a separate decoder loop) decompresses to the same
 * bytes without error. */
#define _GNU_SOURCE
#include <stdio.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zlib.h>
#include "fuzz_common.h"
#include "core/io.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Small, so a bomb in the corpus costs microseconds, not a 4 MiB fill. */
#define FUZZ_MAX_DECOMPRESSED ((size_t)64 << 10)

static int memfd = -1;
static char memfd_path[64];

/* The content of memfd_path decoded by zlib's gzFile reader; -1 if zlib
 * reports an error or the output passes cap. */
static long gzread_all(uint8_t *out, size_t cap)
{
    int fd = open(memfd_path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        abort();
    gzFile gz = gzdopen(fd, "rb");
    if (gz == NULL)
        abort();
    size_t total = 0;
    int n;
    long ret = 0;
    while ((n = gzread(gz, out + total, (unsigned)(cap + 1 - total))) > 0) {
        total += (size_t)n;
        if (total > cap) {
            ret = -1;
            break;
        }
    }
    int zerr = Z_OK;
    gzerror(gz, &zerr);
    if (n < 0 || (zerr != Z_OK && zerr != Z_STREAM_END))
        ret = -1;
    gzclose(gz);
    return ret < 0 ? -1 : (long)total;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t reference[FUZZ_MAX_DECOMPRESSED + 1];
    struct kk_limits lim = kk_limits_default();
    struct kk_error err;
    struct kk_buf out;

    if (memfd < 0) {
        memfd = memfd_create("kk-fuzz-gunzip", MFD_CLOEXEC);
        if (memfd < 0)
            abort();
        snprintf(memfd_path, sizeof memfd_path, "/proc/self/fd/%d", memfd);
    }
    if (size > lim.max_input)
        return 0;
    if (ftruncate(memfd, 0) != 0 ||
        (size > 0 && pwrite(memfd, data, size, 0) != (ssize_t)size))
        abort();
    lim.max_decompressed = FUZZ_MAX_DECOMPRESSED;

    kk_error_clear(&err);
    kk_buf_init(&out, 0);
    int rc = kk_read_input(memfd_path, &lim, &out, &err);
    int gzipped = size >= 2 && data[0] == 0x1f && data[1] == 0x8b;

    if (rc != KK_OK) {
        kk_fuzz_check_error(rc, &err);
        /* Plain input is never refused under the input cap. */
        if (!gzipped)
            abort();
    } else {
        if (out.data == NULL || out.data[out.len] != '\0')
            abort();
        if (!gzipped) {
            if (out.len != size || (size > 0 && memcmp(out.data, data, size) != 0))
                abort();
        } else {
            if (out.len > FUZZ_MAX_DECOMPRESSED)
                abort();
            long want = gzread_all(reference, FUZZ_MAX_DECOMPRESSED);
            if (want < 0 || (size_t)want != out.len ||
                (want > 0 && memcmp(reference, out.data, out.len) != 0))
                abort();
        }
    }
    kk_buf_free(&out);
    return 0;
}
