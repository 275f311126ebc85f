/* Fuzzes keycheck's authorized_keys and metadata analysers: the option
 * grammar, comments, wrapped lines, RFC 4716 blocks among the lines, the
 * batch GCD over every RSA key and --fix.  The first byte picks the mode
 * and profile.  Oracles: findings are well-formed and sorted; the small-
 * factor test gives the same findings whether run per key or inside the
 * batch GCD; the file --fix prints checks again with no error. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "checks/check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_findings(const struct kc_file *f, size_t size)
{
    for (size_t i = 0; i < f->nfindings; i++) {
        const struct kc_finding *x = &f->findings[i];
        if (kc_rule_by_id(x->id) == NULL || x->line < 0 || (size_t)x->line > size ||
            x->msg[0] == '\0')
            abort();
        for (const char *p = x->msg; *p != '\0'; p++)
            if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
                abort();
        if (i > 0 && (x->line < f->findings[i - 1].line))
            abort();     /* sorted by line */
    }
    for (size_t i = 0; i < f->nkeys; i++)
        if (f->keys[i].blob == NULL || f->keys[i].n_off + f->keys[i].n_len > f->keys[i].blob_len ||
            f->keys[i].small_pending)
            abort();
}

static void check_file(const uint8_t *data, size_t size, struct kc_opts *o,
                       struct kc_file *f)
{
    struct kk_error err;

    kc_file_init(f, "fuzz");
    if (kc_check_buffer(data, size, o, f, &err) != KK_OK)
        abort();
    if (kc_check_shared_primes(f, 1, &err) != KK_OK)
        abort();
    kc_file_sort(f);
    check_findings(f, size);
}

static int same_findings(const struct kc_file *a, const struct kc_file *b)
{
    if (a->nfindings != b->nfindings || a->nkeys != b->nkeys)
        return 0;
    for (size_t i = 0; i < a->nfindings; i++) {
        const struct kc_finding *x = &a->findings[i], *y = &b->findings[i];
        if (strcmp(x->id, y->id) != 0 || x->line != y->line || x->col != y->col ||
            strcmp(x->msg, y->msg) != 0)
            return 0;
    }
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct kc_opts o = { .weak = 1, .want_fix = 1 };
    struct kc_file f, batched, again;
    size_t np = 0;

    if (size < 1 || size > 262144)
        return 0;
    while (kc_profiles[np] != NULL)
        np++;
    o.mode = (data[0] & 1) ? KC_MODE_METADATA : KC_MODE_AUTHORIZED;
    o.profile = kc_profiles[(data[0] >> 1) % np];
    check_file(data + 1, size - 1, &o, &f);
    o.batch_small_factor = 1;
    check_file(data + 1, size - 1, &o, &batched);
    if (!same_findings(&f, &batched))
        abort();
    long dropped = kc_file_fix(&batched);
    if (dropped < 0 || batched.fixed == NULL)
        abort();
    /* What --fix prints has only lines that check clean. */
    if (batched.fixed_len != 0) {
        check_file((const uint8_t *)batched.fixed, batched.fixed_len, &o, &again);
        if (kc_file_count(&again, KC_ERROR) != 0)
            abort();
        kc_file_free(&again);
    }
    kc_file_free(&batched);
    kc_file_free(&f);
    return 0;
}
