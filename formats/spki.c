/* STUB: to be written. */
#include "format.h"

const struct kk_format kk_fmt_spki = {
    .name = "spki",
    .summary = "(not yet written)",
};
