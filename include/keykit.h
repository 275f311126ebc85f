/* keykit: load, convert, fingerprint and check SSH keys.
 *
 * The public C API of libkeykit.  Link with `pkg-config --libs keykit`
 * (shared) or `pkg-config --static --libs keykit` (static).
 *
 * Conventions, the same for every function below:
 * - Functions that can fail return an int that is a keykit_status:
 *   KEYKIT_OK (0) on success, a KEYKIT_ERR_* code otherwise.  When `err` is
 *   not NULL it is filled on failure (code, message, hint, line) and cleared
 *   to KEYKIT_OK on success; every `err` argument may be NULL.
 * - Output pointers are set to NULL (buffers to empty) on entry, so they
 *   are safe to free whether the call succeeded or not.
 * - Ownership: the caller owns what a *_load, *_save or *_check call hands
 *   back and releases it with the matching *_free function.  Strings
 *   returned by getters belong to the object they came from and stay valid
 *   until it is freed (or, for the comment, changed).
 * - Secrets (passphrases, private key bytes, encoded private keys) are
 *   wiped with OPENSSL_cleanse before the library lets go of their memory.
 * - Thread safety: there is no global state to set up or tear down.  Every
 *   function may be called from several threads at once on different
 *   objects; one object may be read (any function taking it as const) from
 *   several threads at once, but keykit_key_set_comment and the *_free
 *   functions need the caller's exclusive access to their object.
 * - Getters given a NULL object return NULL (strings) or 0.
 * - Messages are in English, lower case, without a final period; bytes that
 *   came from the input are escaped as \xNN, so they are safe to print.
 */
#ifndef KEYKIT_H
#define KEYKIT_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) || defined(__clang__)
#define KEYKIT_API __attribute__((visibility("default")))
#else
#define KEYKIT_API
#endif

/* ---- version and errors ---- */

/* The library version, "MAJOR.MINOR.PATCH" (the CMake project version).
 * A static string; thread-safe. */
KEYKIT_API const char *keykit_version(void);

/* Result codes.  The values are part of the ABI and never change. */
enum keykit_status {
    KEYKIT_OK = 0,
    KEYKIT_ERR_NOMEM = 1,        /* allocation failed */
    KEYKIT_ERR_IO = 2,           /* reading or writing failed */
    KEYKIT_ERR_EXISTS = 3,       /* an output exists */
    KEYKIT_ERR_USAGE = 4,        /* a bad argument (unknown format or profile, NULL key) */
    KEYKIT_ERR_TOO_BIG = 5,      /* the input is over its size cap */
    KEYKIT_ERR_CAP = 6,          /* a cost over its cap (RSA bits, KDF rounds, Argon2 memory) */
    KEYKIT_ERR_FORMAT = 7,       /* malformed input, or not a key in any format */
    KEYKIT_ERR_TRUNCATED = 8,    /* the input ends before a field does */
    KEYKIT_ERR_TRAILING = 9,     /* bytes left after a complete structure */
    KEYKIT_ERR_UNSUPPORTED = 10, /* well formed, but not something keykit handles */
    KEYKIT_ERR_BAD_KEY = 11,     /* invalid key material (point off its curve, ...) */
    KEYKIT_ERR_NEED_PASS = 12,   /* encrypted, and no passphrase was given */
    KEYKIT_ERR_WRONG_PASS = 13,  /* the passphrase does not open the key */
    KEYKIT_ERR_CORRUPT = 14,     /* a MAC or check value fails on unencrypted data */
    KEYKIT_ERR_NOT_PRIVATE = 15, /* a private key was needed, a public one given */
    KEYKIT_ERR_MISMATCH = 16,    /* two halves of a key, or a read-back, disagree */
    KEYKIT_ERR_CRYPTO = 17,      /* OpenSSL or libargon2 failed unexpectedly */
    KEYKIT_ERR_INTERNAL = 18     /* a bug in keykit */
};

/* A short text for a code: a static string, never
 * NULL ("unknown error" for a value outside enum keykit_status).
 * Thread-safe. */
KEYKIT_API const char *keykit_strerror(int code);

#define KEYKIT_MESSAGE_MAX 256

/* What went wrong, filled by a failing call.  Caller-allocated (on the
 * stack is fine); holds no pointers, so it needs no freeing. */
struct keykit_error {
    int code;                           /* enum keykit_status */
    long line;                          /* 1-based line of the input, 0 = unknown */
    char message[KEYKIT_MESSAGE_MAX];   /* what is wrong, NUL-terminated */
    char hint[KEYKIT_MESSAGE_MAX];      /* how to fix it, "" if there is no fix */
};

/* ---- keys ---- */

/* One SSH key (public, or private with its public half).  Opaque: made by
 * keykit_key_load, released with keykit_key_free. */
typedef struct keykit_key keykit_key;

/* The longest passphrase keykit takes, in bytes. */
#define KEYKIT_PASSPHRASE_MAX 1024

/* Asked for the passphrase of an encrypted key; called only when the key
 * turns out to be encrypted, at most once per keykit_key_load, on the
 * caller's thread.  Writes the passphrase into buf (at most size bytes, no
 * NUL needed) and returns its length, or returns -1 to give none (the load
 * then fails with KEYKIT_ERR_NEED_PASS).  buf belongs to the library, which
 * copies the passphrase out and wipes buf before the load returns; the
 * callback should wipe any copy of its own. */
typedef int (*keykit_passphrase_fn)(void *ctx, char *buf, size_t size);

/* Reads a key from the bytes of a key file: any private or public format
 * keykit reads (OpenSSH, PuTTY .ppk v2/v3, PEM, PKCS#8, ssh.com, RFC 4716,
 * one-line OpenSSH public keys, SPKI, PKCS#1 public keys).
 *
 * format: a format name as keyconv --from takes it ("openssh", "ppk",
 *   "pem", "pkcs8", "pub", ...; see keykit_format_name), or NULL to detect
 *   it from the content (KEYKIT_ERR_FORMAT if nothing matches, KEYKIT_ERR_USAGE
 *   for an unknown name).
 * passphrase, ctx: the callback for an encrypted key, or NULL (an encrypted
 *   key then fails with KEYKIT_ERR_NEED_PASS).  A wrong passphrase fails
 *   with KEYKIT_ERR_WRONG_PASS; call again to retry.
 * The input is capped at 1 MiB (KEYKIT_ERR_TOO_BIG) and its costs at
 * keyconv's defaults (RSA <= 16384 bits, bcrypt rounds, Argon2 memory).
 * data is only read, never kept; the passphrase is wiped before return.
 * On success *out is a new key the caller frees with keykit_key_free. */
KEYKIT_API int keykit_key_load(const void *data, size_t len, const char *format,
                               keykit_passphrase_fn passphrase, void *ctx,
                               keykit_key **out, struct keykit_error *err);

/* Frees a key, wiping its private half and comment.  NULL is a no-op. */
KEYKIT_API void keykit_key_free(keykit_key *key);

/* The SSH type name: "ssh-rsa", "ssh-dss", "ecdsa-sha2-nistp256",
 * "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "ssh-ed25519", "ssh-ed448".
 * A static string. */
KEYKIT_API const char *keykit_key_type(const keykit_key *key);

/* The short type as ssh-keygen -l prints it: "RSA", "DSA", "ECDSA",
 * "ED25519", "ED448".  A static string. */
KEYKIT_API const char *keykit_key_type_label(const keykit_key *key);

/* The size in bits as ssh-keygen -l reports it (RSA/DSA modulus, the
 * curve size for ECDSA, 256 for Ed25519, 456 for Ed448). */
KEYKIT_API int keykit_key_bits(const keykit_key *key);

/* The comment, "" when there is none.  Owned by the key; valid until the
 * key is freed or its comment set again. */
KEYKIT_API const char *keykit_key_comment(const keykit_key *key);

/* Replaces the comment (a NUL-terminated string; NULL means "").  The old
 * comment is wiped.  Control bytes are refused with KEYKIT_ERR_USAGE, as
 * they would break one-line formats. */
KEYKIT_API int keykit_key_set_comment(keykit_key *key, const char *comment,
                                      struct keykit_error *err);

/* 1 if the key holds its private half, else 0. */
KEYKIT_API int keykit_key_has_private(const keykit_key *key);

/* 1 if the key was read from an encrypted file (a passphrase opened it). */
KEYKIT_API int keykit_key_was_encrypted(const keykit_key *key);

/* The name of the format the key was read in ("openssh", "ppk3", ...).
 * A static string. */
KEYKIT_API const char *keykit_key_format(const keykit_key *key);

/* ---- fingerprints ---- */

enum keykit_hash {
    KEYKIT_HASH_SHA256 = 0,    /* "SHA256:" + unpadded base64, as ssh-keygen -l */
    KEYKIT_HASH_MD5 = 1        /* "MD5:" + colon-separated hex, as ssh-keygen -E md5 */
};

/* Room for any fingerprint, with its NUL. */
#define KEYKIT_FINGERPRINT_MAX 128

/* Writes the fingerprint of the key's public half into out, NUL-terminated
 * (size: KEYKIT_FINGERPRINT_MAX is always enough; a buffer too small for
 * the fingerprint fails with KEYKIT_ERR_USAGE and holds "").  The spelling is ssh-keygen's, so the text compares
 * equal with what `ssh-keygen -l` prints. */
KEYKIT_API int keykit_key_fingerprint(const keykit_key *key, enum keykit_hash hash,
                                      char *out, size_t size, struct keykit_error *err);

/* ---- saving ---- */

/* Bytes made by the library.  data is malloc'd, NUL-terminated (the NUL is
 * not counted in len) and released with keykit_buffer_free, which wipes it:
 * a saved private key is a secret. */
struct keykit_buffer {
    unsigned char *data;
    size_t len;
};

/* Wipes data (len + 1 bytes) and frees it, then sets the buffer empty.
 * Safe on an empty buffer; NULL is a no-op. */
KEYKIT_API void keykit_buffer_free(struct keykit_buffer *buf);

/* Encodes key in the named format ("openssh", "ppk" (= "ppk3"), "ppk2",
 * "pem", "pkcs8", "sshcom", "openssh-pub" (= "pub"), "rfc4716", "spki",
 * "pkcs1-pub") into *out, which is set empty on entry and on failure.
 *
 * passphrase: NUL-terminated; NULL or "" writes a private format
 *   unencrypted.  Public formats are never encrypted (the passphrase is
 *   ignored).  A private format keykit cannot encrypt fails with
 *   KEYKIT_ERR_UNSUPPORTED rather than write the key in clear.  The library
 *   keeps no copy of it.
 * A private format needs a private key (KEYKIT_ERR_NOT_PRIVATE); a format
 * that cannot hold the key's type fails with KEYKIT_ERR_UNSUPPORTED.
 * Every encoding is read back and compared with key before it is handed
 * over.  The caller frees *out with keykit_buffer_free. */
KEYKIT_API int keykit_key_save(const keykit_key *key, const char *format,
                               const char *passphrase, struct keykit_buffer *out,
                               struct keykit_error *err);

/* The names of the formats, in detection order: index 0, 1, ... until
 * NULL.  Static strings; every name can be read and written. */
KEYKIT_API const char *keykit_format_name(size_t index);

/* ---- checking public keys (what keycheck does for one line) ---- */

enum keykit_level {
    KEYKIT_LEVEL_ERROR = 0,    /* the key fails the check */
    KEYKIT_LEVEL_WARNING = 1   /* worth fixing; fails only with KEYKIT_CHECK_STRICT */
};

/* One thing wrong with the checked text.  The strings belong to the
 * keykit_check it came from. */
struct keykit_finding {
    const char *id;            /* stable rule id, e.g. "truncated-blob" (as keycheck prints) */
    int level;                 /* enum keykit_level */
    long line;                 /* 1-based line, 0 = the text as a whole */
    long col;                  /* 1-based byte column, 0 = the whole line */
    const char *message;       /* what is wrong */
    const char *fix;           /* how to fix it, "" if there is nothing to offer */
};

/* The result of a check.  Opaque: made by keykit_check_line, released
 * with keykit_check_free. */
typedef struct keykit_check keykit_check;

/* keykit_check_line flags. */
#define KEYKIT_CHECK_STRICT 1u     /* warnings fail the check too */

/* Checks one public key line ("TYPE BASE64 [COMMENT]", with or without its
 * final newline) as `keycheck --profile PROFILE` checks a .pub file:
 * broken copies, malformed blobs, weak RSA (small factors, close primes,
 * ROCA) and what the profile accepts.
 * profile: a profile name ("default", "cisco-csr1000v", "aws", ...; see
 *   keykit_profile_name), or NULL for "default"; an unknown one fails with
 *   KEYKIT_ERR_USAGE.
 * Returns KEYKIT_OK when the check ran, whatever it found; pass/fail is
 * keykit_check_passed.  Fails only on bad arguments or no memory.  The
 * caller frees *out with keykit_check_free.  Thread-safe (checks made at
 * the same time from several threads take turns). */
KEYKIT_API int keykit_check_line(const char *text, size_t len, const char *profile,
                                 unsigned flags, keykit_check **out,
                                 struct keykit_error *err);

/* 1 if the key passed: no error finding (and with KEYKIT_CHECK_STRICT no
 * warning either), else 0. */
KEYKIT_API int keykit_check_passed(const keykit_check *check);

/* The findings in line and column order, *count of them (the array is NULL
 * when there are none).  Owned by check, valid until keykit_check_free. */
KEYKIT_API const struct keykit_finding *keykit_check_findings(const keykit_check *check,
                                                              size_t *count);

/* Frees a check result and its findings.  NULL is a no-op. */
KEYKIT_API void keykit_check_free(keykit_check *check);

/* The names of the profiles: index 0 ("default"), 1, ... until NULL.
 * Static strings. */
KEYKIT_API const char *keykit_profile_name(size_t index);

#ifdef __cplusplus
}
#endif

#endif
