/* STUB: to be written. */
#include "format.h"

const struct kk_format kk_fmt_pem = {
    .name = "pem",
    .summary = "(not yet written)",
};
