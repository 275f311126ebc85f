/* Fingerprints and randomart, spelled as ssh-keygen prints them. */
#include "key.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "buf.h"
#include "sshwire.h"

static int digest_blob(const struct kk_key *key, enum kk_fp_hash hash,
                       unsigned char md[EVP_MAX_MD_SIZE], unsigned *mdlen,
                       struct kk_error *err)
{
    struct kk_buf blob;
    int rc;

    kk_buf_init(&blob, 0);
    if ((rc = kk_wire_put_public(key, &blob, err)) != KK_OK)
        goto out;
    if (EVP_Digest(blob.data, blob.len, md, mdlen,
                   hash == KK_FP_MD5 ? EVP_md5() : EVP_sha256(), NULL) != 1) {
        rc = kk_fail(err, KK_ERR_CRYPTO, "cannot hash the public key");
        goto out;
    }
    rc = KK_OK;
out:
    kk_buf_free(&blob);
    return rc;
}

int kk_key_fingerprint(const struct kk_key *key, enum kk_fp_hash hash,
                       char out[KK_FP_MAX], struct kk_error *err)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned mdlen = 0;
    int rc;

    out[0] = '\0';
    if ((rc = digest_blob(key, hash, md, &mdlen, err)) != KK_OK)
        return rc;
    if (hash == KK_FP_MD5) {
        size_t pos = (size_t)snprintf(out, KK_FP_MAX, "MD5:");
        for (unsigned i = 0; i < mdlen; i++)
            pos += (size_t)snprintf(out + pos, KK_FP_MAX - pos, "%s%02x",
                                    i ? ":" : "", md[i]);
    } else {
        /* 32 bytes take 44 base64 characters; ssh-keygen drops the padding. */
        unsigned char b64[4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1];
        int n = EVP_EncodeBlock(b64, md, (int)mdlen);
        while (n > 0 && b64[n - 1] == '=')
            n--;
        snprintf(out, KK_FP_MAX, "SHA256:%.*s", n, (const char *)b64);
    }
    return KK_OK;
}

#define FIELD_W 17
#define FIELD_H 9

/* Visit counts map to these; the start and end cells are marked S and E,
 * and a cell visited more than 14 times shows '^' (Loss, "The drunken
 * bishop", section 3). */
static const char symbols[] = " .o+=*BOX@%&#/^SE";
enum { MAX_VISITS = 14, MARK_START = 15, MARK_END = 16 };

/* "+---[TITLE]---+": the title centred, the odd dash on the right. */
static char *frame_line(char *p, const char *title)
{
    size_t tlen = strlen(title), left;

    if (tlen > FIELD_W)
        tlen = 0;
    left = (FIELD_W - tlen) / 2;
    *p++ = '+';
    for (size_t i = 0; i < left; i++)
        *p++ = '-';
    memcpy(p, title, tlen);
    p += tlen;
    for (size_t i = left + tlen; i < FIELD_W; i++)
        *p++ = '-';
    *p++ = '+';
    return p;
}

char *kk_key_randomart(const struct kk_key *key, enum kk_fp_hash hash)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned mdlen = 0;
    unsigned char field[FIELD_W][FIELD_H];
    char title[FIELD_W + 8], footer[FIELD_W + 1];
    int x = FIELD_W / 2, y = FIELD_H / 2;
    char *art, *p;

    if (digest_blob(key, hash, md, &mdlen, NULL) != KK_OK)
        return NULL;
    memset(field, 0, sizeof(field));
    /* Each byte gives four moves, low bit pair first: bit 0 picks left or
     * right, bit 1 up or down; the bishop stays put against a wall. */
    for (unsigned i = 0; i < mdlen; i++) {
        unsigned b = md[i];
        for (int step = 0; step < 4; step++, b >>= 2) {
            x += (b & 1) ? 1 : -1;
            y += (b & 2) ? 1 : -1;
            x = x < 0 ? 0 : x >= FIELD_W ? FIELD_W - 1 : x;
            y = y < 0 ? 0 : y >= FIELD_H ? FIELD_H - 1 : y;
            if (field[x][y] < MAX_VISITS)
                field[x][y]++;
        }
    }
    field[FIELD_W / 2][FIELD_H / 2] = MARK_START;
    field[x][y] = MARK_END;

    snprintf(title, sizeof(title), "[%s %d]", kk_key_type_label(key->type),
             kk_key_bits(key));
    if (strlen(title) > FIELD_W)
        snprintf(title, sizeof(title), "[%s]", kk_key_type_label(key->type));
    snprintf(footer, sizeof(footer), "[%s]", hash == KK_FP_MD5 ? "MD5" : "SHA256");

    /* (FIELD_H + 2) lines of FIELD_W + 2 characters, newline-separated. */
    art = malloc((FIELD_H + 2) * (FIELD_W + 3) + 1);
    if (art == NULL)
        return NULL;
    p = frame_line(art, title);
    for (int row = 0; row < FIELD_H; row++) {
        *p++ = '\n';
        *p++ = '|';
        for (int col = 0; col < FIELD_W; col++)
            *p++ = symbols[field[col][row]];
        *p++ = '|';
    }
    *p++ = '\n';
    p = frame_line(p, footer);
    *p = '\0';
    return art;
}
