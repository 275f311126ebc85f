/* Fuzzes keycheck's single-key analyser (checks/input.c, keyline.c).  The
 * oracle: every finding names a known rule, lies on a line of the input and
 * has a printable message; a key --fix repaired checks again with no error. */
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
    if (f.fixed != NULL) {
        kc_file_init(&again, "fixed");
        if (kc_check_buffer((const uint8_t *)f.fixed, strlen(f.fixed), &o, &again,
                            &err) != KK_OK)
            abort();
        check_file(&again, strlen(f.fixed));
        /* What --fix prints must be a clean one-line key. */
        if (kc_file_count(&again, KC_ERROR) != 0 || again.fixed == NULL ||
            strcmp(again.fixed, f.fixed) != 0)
            abort();
        kc_file_free(&again);
    }
    kc_file_free(&f);
    return 0;
}
