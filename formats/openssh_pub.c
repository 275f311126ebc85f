/* STUB: to be written. */
#include "format.h"

const struct kk_format kk_fmt_openssh_pub = {
    .name = "openssh-pub",
    .summary = "(not yet written)",
};
