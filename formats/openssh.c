/* STUB: to be written. */
#include "format.h"

const struct kk_format kk_fmt_openssh = {
    .name = "openssh",
    .summary = "(not yet written)",
};
