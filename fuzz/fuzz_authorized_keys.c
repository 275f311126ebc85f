/* Fuzzes keycheck's authorized_keys and metadata analysers: the option
 * grammar, comments, wrapped lines and the batch GCD over every RSA key.
 * The first byte picks the mode and profile. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "checks/check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct kc_opts o = { .weak = 1 };
    struct kc_file f;
    struct kk_error err;
    size_t np = 0;

    if (size < 1 || size > 262144)
        return 0;
    while (kc_profiles[np] != NULL)
        np++;
    o.mode = (data[0] & 1) ? KC_MODE_METADATA : KC_MODE_AUTHORIZED;
    o.profile = kc_profiles[(data[0] >> 1) % np];
    kc_file_init(&f, "fuzz");
    if (kc_check_buffer(data + 1, size - 1, &o, &f, &err) != KK_OK)
        abort();
    if (kc_check_shared_primes(&f, 1, &err) != KK_OK)
        abort();
    kc_file_sort(&f);
    for (size_t i = 0; i < f.nfindings; i++) {
        const struct kc_finding *x = &f.findings[i];
        if (kc_rule_by_id(x->id) == NULL || x->line < 0 || (size_t)x->line > size ||
            x->msg[0] == '\0')
            abort();
        for (const char *p = x->msg; *p != '\0'; p++)
            if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
                abort();
        if (i > 0 && (x->line < f.findings[i - 1].line))
            abort();     /* sorted by line */
    }
    for (size_t i = 0; i < f.nkeys; i++)
        if (f.keys[i].blob == NULL || f.keys[i].n_off + f.keys[i].n_len > f.keys[i].blob_len)
            abort();
    kc_file_free(&f);
    return 0;
}
