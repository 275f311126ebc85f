/* Target profiles: which keys a destination accepts. */
#include <string.h>
#include "check.h"

/* Ed448 is not here: OpenSSH has no ssh-ed448 (keyconv converts such keys,
 * but no sshd takes one). */
#define ALL_MODERN (KC_FAM_RSA | KC_FAM_ECDSA | KC_FAM_ED25519 | \
                    KC_FAM_SK_ECDSA | KC_FAM_SK_ED25519 | KC_FAM_CERT)

static const unsigned aws_rsa_sizes[] = { 2048, 4096, 0 };

static const struct kc_profile p_default = {
    .name = "default",
    .summary = "any type OpenSSH accepts except DSA: RSA >= 2048 bits (warning "
               "below 3072), ECDSA, Ed25519, sk-* and certificates",
    .families = ALL_MODERN,
};
static const struct kc_profile p_cisco = {
    .name = "cisco-csr1000v",
    .summary = "RSA only, 2048 to 4096 bits, no certificates (Cisco CSR 1000v / IOS XE)",
    .families = KC_FAM_RSA,
    .rsa_min = 2048,
    .rsa_max = 4096,
};
static const struct kc_profile p_aws = {
    .name = "aws",
    .summary = "RSA of exactly 2048 or 4096 bits, or Ed25519; no ECDSA, DSA, sk-* or "
               "certificates (EC2 key pairs)",
    .families = KC_FAM_RSA | KC_FAM_ED25519,
    .rsa_sizes = aws_rsa_sizes,
};
static const struct kc_profile p_azure = {
    .name = "azure",
    .summary = "RSA >= 2048 bits, or Ed25519; no ECDSA, DSA, sk-* or certificates",
    .families = KC_FAM_RSA | KC_FAM_ED25519,
    .rsa_min = 2048,
};
static const struct kc_profile p_gcp = {
    .name = "gcp",
    .summary = "RSA, ECDSA or Ed25519 (no DSA, sk-* or certificates); one line per key; "
               "'user:key' metadata lines accepted; no non-ASCII text (Google Cloud "
               "drops such keys silently)",
    .families = KC_FAM_RSA | KC_FAM_ECDSA | KC_FAM_ED25519,
    .ascii_only = 1,
    .metadata = 1,
};
static const struct kc_profile p_yandex = {
    .name = "yandex-cloud",
    .summary = "RSA, ECDSA or Ed25519 (no DSA, sk-* or certificates); one line per key; "
               "'user:key' metadata lines accepted; no non-ASCII text",
    .families = KC_FAM_RSA | KC_FAM_ECDSA | KC_FAM_ED25519,
    .ascii_only = 1,
    .metadata = 1,
};
static const struct kc_profile p_github = {
    .name = "github",
    .summary = "RSA >= 2048 bits, ECDSA, Ed25519, sk-ecdsa and sk-ed25519; no DSA, no "
               "certificates",
    .families = KC_FAM_RSA | KC_FAM_ECDSA | KC_FAM_ED25519 | KC_FAM_SK_ECDSA |
                KC_FAM_SK_ED25519,
    .rsa_min = 2048,
};
static const struct kc_profile p_gitlab = {
    .name = "gitlab",
    .summary = "RSA >= 2048 bits, ECDSA, Ed25519, sk-ecdsa and sk-ed25519; no DSA, no "
               "certificates",
    .families = KC_FAM_RSA | KC_FAM_ECDSA | KC_FAM_ED25519 | KC_FAM_SK_ECDSA |
                KC_FAM_SK_ED25519,
    .rsa_min = 2048,
};

const struct kc_profile *const kc_profiles[] = {
    &p_default, &p_cisco, &p_aws, &p_azure, &p_gcp, &p_yandex, &p_github,
    &p_gitlab, NULL,
};

const struct kc_profile *kc_profile_by_name(const char *name)
{
    for (size_t i = 0; kc_profiles[i] != NULL; i++)
        if (strcmp(kc_profiles[i]->name, name) == 0)
            return kc_profiles[i];
    return NULL;
}
