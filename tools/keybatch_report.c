/* keybatch's JSON report (--report): one entry per input file, then the
 * summary; see keybatch.h and tools/json.h. */
#include <string.h>
#include "json.h"
#include "keybatch.h"
#include "../core/io.h"

static const char *status_name(enum kb_status s)
{
    return s == KB_CONVERTED ? "converted" : s == KB_SKIPPED ? "skipped" : "failed";
}

/* A skip's message without its "skipped: " label. */
static const char *reason(const struct kb_item *it)
{
    static const char label[] = "skipped: ";
    const char *m = it->err.msg;
    return strncmp(m, label, sizeof label - 1) == 0 ? m + sizeof label - 1 : m;
}

int kb_write_report(const struct kb_run *r, struct kk_error *err)
{
    struct kk_buf out;
    struct kk_json j;
    int rc;

    kk_buf_init(&out, 0);
    kk_json_init(&j, &out, 2);
    kk_json_begin_object(&j);
    kk_json_key(&j, "version");
    kk_json_int(&j, 1);
    kk_json_key(&j, "tool");
    kk_json_string(&j, "keybatch");
    kk_json_key(&j, "to");
    kk_json_string(&j, r->b->fout->name);
    kk_json_key(&j, "dry_run");
    kk_json_bool(&j, r->b->dry_run);
    kk_json_key(&j, "files");
    kk_json_begin_array(&j);
    for (size_t i = 0; i < r->n; i++) {
        const struct kb_item *it = &r->items[i];
        kk_json_begin_object(&j);
        kk_json_key(&j, "input");
        kk_json_string(&j, it->in->path);
        kk_json_key(&j, "status");
        kk_json_string(&j, status_name(it->status));
        kk_json_key(&j, "outputs");
        kk_json_begin_array(&j);
        for (size_t w = 0; w < KB_OUTPUTS && it->status == KB_CONVERTED; w++)
            kk_json_string(&j, it->out[w]);
        kk_json_end_array(&j);
        kk_json_key(&j, "type");
        kk_json_string(&j, it->type);
        kk_json_key(&j, "bits");
        if (it->bits > 0)
            kk_json_int(&j, it->bits);
        else
            kk_json_null(&j);
        kk_json_key(&j, "sha256");
        kk_json_string(&j, it->fp[0] != '\0' ? it->fp : NULL);
        kk_json_key(&j, "encrypted");
        if (it->status == KB_CONVERTED)
            kk_json_bool(&j, it->encrypted);
        else
            kk_json_null(&j);
        kk_json_key(&j, "reason");
        kk_json_string(&j, it->status == KB_SKIPPED ? reason(it) : NULL);
        kk_json_key(&j, "error");
        kk_json_string(&j, it->status == KB_FAILED ? it->err.msg : NULL);
        kk_json_end_object(&j);
    }
    kk_json_end_array(&j);
    kk_json_key(&j, "summary");
    kk_json_begin_object(&j);
    kk_json_key(&j, "files");
    kk_json_int(&j, (long long)r->n);
    kk_json_key(&j, "converted");
    kk_json_int(&j, (long long)r->count[KB_CONVERTED]);
    kk_json_key(&j, "skipped");
    kk_json_int(&j, (long long)r->count[KB_SKIPPED]);
    kk_json_key(&j, "failed");
    kk_json_int(&j, (long long)r->count[KB_FAILED]);
    kk_json_end_object(&j);
    kk_json_end_object(&j);
    if (kk_json_finish(&j) != 0)
        rc = kk_fail(err, KK_ERR_NOMEM, "cannot build the report");
    else
        rc = kk_write_file(r->b->report, out.data, out.len, 0644,
                           r->b->force || r->b->report_replace ? KK_WRITE_FORCE : 0, err);
    if (rc == KK_ERR_EXISTS)
        kk_hint(err, "use --force to replace it");
    kk_buf_free(&out);
    return rc;
}
