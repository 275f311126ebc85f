/* Fuzzes keycheck's single-key analyser (checks/input.c, keyline.c).  The
 * oracle: every finding names a known rule, lies on a line of the input and
 * has a printable message; the small-factor test gives the same findings
 * per key and inside the batch GCD; a key --fix repaired checks again with
 * no error. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "checks/check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_file(const struct kc_file *f, size_t size)
{
    for (size_t i = 0; i < f->nfindings; i++) {
        const struct kc_finding *x = &f->findings[i];
        const struct kc_rule *r = kc_rule_by_id(x->id);
        if (r == NULL || x->line < 0 || (size_t)x->line > size + 1 || x->col < 0 ||
            x->msg[0] == '\0')
            abort();
        for (const char *p = x->msg; *p != '\0'; p++)
            if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
                abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct kc_opts o = { .mode = KC_MODE_SINGLE, .weak = 1, .want_fix = 1 };
    struct kc_file f, again;
    struct kk_error err;

    if (size > 65536)
        return 0;
    kc_file_init(&f, "fuzz");
    if (kc_check_buffer(data, size, &o, &f, &err) != KK_OK)
        abort();
    if (kc_check_shared_primes(&f, 1, &err) != KK_OK)
        abort();
    check_file(&f, size);
    struct kc_opts ob = o;
    struct kc_file batched;
    ob.batch_small_factor = 1;
    kc_file_init(&batched, "fuzz");
    if (kc_check_buffer(data, size, &ob, &batched, &err) != KK_OK ||
        kc_check_shared_primes(&batched, 1, &err) != KK_OK)
        abort();
    kc_file_sort(&f);
    kc_file_sort(&batched);
    if (batched.nfindings != f.nfindings || (batched.fixed == NULL) != (f.fixed == NULL))
        abort();
    for (size_t i = 0; i < f.nfindings; i++)
        if (strcmp(f.findings[i].id, batched.findings[i].id) != 0 ||
            f.findings[i].col != batched.findings[i].col ||
            strcmp(f.findings[i].msg, batched.findings[i].msg) != 0)
            abort();
    kc_file_free(&batched);
    if (f.fixed != NULL) {
        kc_file_init(&again, "fixed");
        if (f.fixed_len != strlen(f.fixed) ||
            kc_check_buffer((const uint8_t *)f.fixed, f.fixed_len, &o, &again,
                            &err) != KK_OK)
            abort();
        check_file(&again, f.fixed_len);
        /* What --fix prints must be a clean one-line key. */
        if (kc_file_count(&again, KC_ERROR) != 0 || again.fixed == NULL ||
            strcmp(again.fixed, f.fixed) != 0)
            abort();
        kc_file_free(&again);
    }
    kc_file_free(&f);
    return 0;
}
