/* keykit example: read a key file in any format, print its fingerprint as
 * `ssh-keygen -l` does, and write it in another format.
 *
 *   cc convert.c $(pkg-config --cflags --libs keykit) -o keykit-convert
 *   KEYKIT_PASSPHRASE=... ./keykit-convert mykey.ppk openssh id_rsa
 *
 * An encrypted input is opened with $KEYKIT_PASSPHRASE and written
 * encrypted again with it (public formats are never encrypted).
 * Exit status: 0 done, 1 failed, 2 usage. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <keykit.h>

/* keykit_key_load takes at most 1 MiB; one byte more is read so that a
 * larger file is refused as too big, not cut short and misread. */
#define MAX_INPUT ((1 << 20) + 1)

/* The passphrase callback: called only if the key is encrypted. */
static int env_passphrase(void *ctx, char *buf, size_t size)
{
    const char *pw = getenv("KEYKIT_PASSPHRASE");
    size_t n;

    (void)ctx;
    if (pw == NULL || (n = strlen(pw)) > size)
        return -1;
    memcpy(buf, pw, n);
    return (int)n;
}

static int fail(const char *what, const struct keykit_error *err)
{
    fprintf(stderr, "keykit-convert: %s: %s\n", what, err->message);
    if (err->hint[0] != '\0')
        fprintf(stderr, "keykit-convert: hint: %s\n", err->hint);
    return 1;
}

static int read_file(const char *path, unsigned char **data, size_t *len)
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf = malloc(MAX_INPUT);
    size_t n = 0;

    *data = NULL;
    if (f == NULL || buf == NULL) {
        if (f != NULL)
            fclose(f);
        free(buf);
        return -1;
    }
    n = fread(buf, 1, MAX_INPUT, f);
    fclose(f);
    *data = buf;
    *len = n;
    return 0;
}

/* Created 0600 and never over an existing file: it may be a private key. */
static int write_file(const char *path, const struct keykit_buffer *b)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    ssize_t w;

    if (fd < 0)
        return -1;
    w = write(fd, b->data, b->len);
    if (close(fd) != 0 || w < 0 || (size_t)w != b->len) {
        unlink(path);
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    struct keykit_error err;
    struct keykit_buffer out = { NULL, 0 };
    keykit_key *key = NULL;
    unsigned char *data = NULL;
    size_t len = 0;
    char fp[KEYKIT_FINGERPRINT_MAX];
    int status = 1;

    if (argc != 4) {
        fprintf(stderr, "usage: keykit-convert IN FORMAT OUT   (keykit %s)\n",
                keykit_version());
        return 2;
    }
    if (read_file(argv[1], &data, &len) != 0) {
        fprintf(stderr, "keykit-convert: %s: %s\n", argv[1], strerror(errno));
        return 1;
    }
    if (keykit_key_load(data, len, NULL, env_passphrase, NULL, &key, &err) != KEYKIT_OK) {
        status = fail(argv[1], &err);
        goto out;
    }
    if (keykit_key_fingerprint(key, KEYKIT_HASH_SHA256, fp, sizeof fp, &err) != KEYKIT_OK) {
        status = fail("fingerprint", &err);
        goto out;
    }
    /* The line ssh-keygen -l prints. */
    printf("%d %s %s (%s)\n", keykit_key_bits(key), fp,
           keykit_key_comment(key)[0] != '\0' ? keykit_key_comment(key) : "no comment",
           keykit_key_type_label(key));

    const char *pw = keykit_key_was_encrypted(key) ? getenv("KEYKIT_PASSPHRASE") : NULL;
    if (keykit_key_save(key, argv[2], pw, &out, &err) != KEYKIT_OK) {
        status = fail(argv[3], &err);
        goto out;
    }
    if (write_file(argv[3], &out) != 0) {
        fprintf(stderr, "keykit-convert: %s: %s\n", argv[3], strerror(errno));
        goto out;
    }
    status = 0;
out:
    keykit_buffer_free(&out);   /* wipes: it may hold a private key */
    keykit_key_free(key);
    free(data);
    return status;
}
