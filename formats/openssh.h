/* The openssh-key-v1 codec's one extra entry point, for tests that compare
 * keykit's output with ssh-keygen's byte for byte. */
#ifndef KK_OPENSSH_H
#define KK_OPENSSH_H

#include <stdint.h>
#include "format.h"

/* Appends key as an unencrypted "OPENSSH PRIVATE KEY" whose check integers
 * both hold `check` (the encoder normally draws them at random). */
int kk_openssh_encode_check(const struct kk_key *key, uint32_t check,
                            struct kk_buf *out, struct kk_error *err);

#endif
