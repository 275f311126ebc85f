/* STUB: to be written. */
#include "format.h"

const struct kk_format kk_fmt_rfc4716 = {
    .name = "rfc4716",
    .summary = "(not yet written)",
};
