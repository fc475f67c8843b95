/*
 * Template for a new app: copy this folder to apps/<name>/, copy
 * configs/template_defconfig to configs/<name>_defconfig, then
 *     make APP=<name> run
 * See docs/writing-an-app.md.
 */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    const char *who = getenv("WHO"); /* WHO=... before "--" */

    printf("%s: %d argument(s), hello %s\n", argv[0], argc - 1,
           who ? who : "world");
    return 0; /* the VM's exit status */
}
