/* STUB: to be written. */
#include "format.h"

const struct kk_format kk_fmt_pkcs1_pub = {
    .name = "pkcs1-pub",
    .summary = "(not yet written)",
};
