/* STUB: to be written. */
#include "format.h"

const struct kk_format kk_fmt_pkcs8 = {
    .name = "pkcs8",
    .summary = "(not yet written)",
};
