/* keykit_check_line: keycheck's analysis of one public key line, through
 * the public entry points of checks/check.h only. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"
#include "../checks/check.h"

struct keykit_check {
    struct kc_file file;
    struct keykit_finding *findings;   /* views into file.findings */
    size_t count;
    int passed;
};

/* checks/ builds some tables on first use; one check at a time keeps the
 * library thread-safe whatever checks/ does inside. */
static pthread_mutex_t check_lock = PTHREAD_MUTEX_INITIALIZER;

static int run_check(const char *text, size_t len, const struct kc_profile *prof,
                     struct kc_file *f, struct kk_error *e)
{
    struct kc_opts opts = { .profile = prof, .mode = KC_MODE_SINGLE, .weak = 1 };
    char *line = NULL;
    int rc;

    /* One line as a caller holds it has no newline; as a file it would
     * get a missing-final-newline warning, which is no use here. */
    if (len > 0 && text[len - 1] != '\n') {
        if ((line = malloc(len + 1)) == NULL)
            return kk_fail(e, KK_ERR_NOMEM, NULL);
        memcpy(line, text, len);
        line[len++] = '\n';
        text = line;
    }
    pthread_mutex_lock(&check_lock);
    rc = kc_check_buffer((const uint8_t *)(len > 0 ? text : ""), len, &opts, f, e);
    pthread_mutex_unlock(&check_lock);
    free(line);
    return rc;
}

int keykit_check_line(const char *text, size_t len, const char *profile,
                      unsigned flags, keykit_check **out, struct keykit_error *err)
{
    const struct kc_profile *prof = NULL;
    struct keykit_check *c = NULL;
    struct kk_error e;
    int rc;

    if (out == NULL)
        return kk_api_fail(err, KK_ERR_USAGE, "keykit_check_line: out is NULL");
    *out = NULL;
    if (text == NULL && len > 0)
        return kk_api_fail(err, KK_ERR_USAGE, "keykit_check_line: text is NULL");
    if (flags & ~KEYKIT_CHECK_STRICT)
        return kk_api_fail(err, KK_ERR_USAGE, "keykit_check_line: unknown flags");
    if (profile != NULL && (prof = kc_profile_by_name(profile)) == NULL)
        return kk_api_fail(err, KK_ERR_USAGE, "keykit_check_line: unknown profile name");

    kk_error_clear(&e);
    if ((c = calloc(1, sizeof *c)) == NULL)
        return kk_api_fail(err, KK_ERR_NOMEM, "out of memory");
    kc_file_init(&c->file, "(line)");
    if ((rc = run_check(text, len, prof, &c->file, &e)) != KK_OK)
        goto out;
    kc_file_sort(&c->file);
    c->count = c->file.nfindings;
    if (c->count > 0 && (c->findings = calloc(c->count, sizeof *c->findings)) == NULL) {
        rc = kk_fail(&e, KK_ERR_NOMEM, NULL);
        goto out;
    }
    for (size_t i = 0; i < c->count; i++) {
        const struct kc_finding *x = &c->file.findings[i];
        c->findings[i] = (struct keykit_finding){
            .id = x->id,
            .level = x->level == KC_WARNING ? KEYKIT_LEVEL_WARNING : KEYKIT_LEVEL_ERROR,
            .line = x->line,
            .col = x->col,
            .message = x->msg,
            .fix = x->fix,
        };
    }
    c->passed = kc_file_count(&c->file, KC_ERROR) == 0 &&
                (!(flags & KEYKIT_CHECK_STRICT) || kc_file_count(&c->file, KC_WARNING) == 0);
    *out = c;
    c = NULL;
out:
    keykit_check_free(c);
    if (rc != KK_OK)
        return kk_api_error(err, &e);
    kk_api_clear(err);
    return KEYKIT_OK;
}

int keykit_check_passed(const keykit_check *check)
{
    return check != NULL && check->passed;
}

const struct keykit_finding *keykit_check_findings(const keykit_check *check,
                                                   size_t *count)
{
    if (count != NULL)
        *count = check != NULL ? check->count : 0;
    return check != NULL ? check->findings : NULL;
}

void keykit_check_free(keykit_check *check)
{
    if (check == NULL)
        return;
    free(check->findings);
    kc_file_free(&check->file);
    free(check);
}

const char *keykit_profile_name(size_t index)
{
    for (size_t i = 0; kc_profiles[i] != NULL; i++)
        if (i == index)
            return kc_profiles[i]->name;
    return NULL;
}
