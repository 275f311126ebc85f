/* The ciphers of OpenSSH private keys, by their SSH names, over OpenSSL EVP
 * (PROTOCOL.key; PROTOCOL.chacha20poly1305 for the one OpenSSH built from
 * ChaCha20 and Poly1305).  Internal to formats/: openssh.c uses them all,
 * sshcom.c uses 3des-cbc. */
#ifndef KK_SSH_CIPHER_H
#define KK_SSH_CIPHER_H

#include <stddef.h>
#include <stdint.h>
#include "../core/error.h"

struct kk_ssh_cipher {
    const char *name;        /* "aes256-ctr", ... */
    const char *evp;         /* OpenSSL name; NULL: chacha20-poly1305 */
    unsigned block;          /* data is a multiple of this */
    unsigned keylen;
    unsigned ivlen;
    unsigned taglen;         /* AEAD tag after the data, 0 for none */
};

#define KK_SSH_CIPHER_KEY_MAX 64
#define KK_SSH_CIPHER_IV_MAX 16
#define KK_SSH_CIPHER_TAG_MAX 16

/* The cipher named exactly name[0..len), or NULL. */
const struct kk_ssh_cipher *kk_ssh_cipher_find(const char *name, size_t len);
/* The names, comma-separated, for messages. */
const char *kk_ssh_cipher_names(void);

/* Encrypts (encrypt 1) or decrypts len bytes of data in place; len must be a
 * multiple of c->block.  AEAD ciphers write their tag to tag on encryption
 * and check it on decryption (in constant time), failing with
 * KK_ERR_WRONG_PASS "wrong passphrase" when it does not match: with a key
 * derived from a passphrase that is what a bad tag almost always means. */
int kk_ssh_cipher_crypt(const struct kk_ssh_cipher *c, int encrypt,
                        const uint8_t *key, const uint8_t *iv, uint8_t *data,
                        size_t len, uint8_t *tag, struct kk_error *err);

#endif
