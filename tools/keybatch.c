/* keybatch: convert a whole tree of keys in one run (being written). */
#include "cli.h"

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    kk_cli_init("keybatch");
    return kk_cli_usage("not written yet");
}
