/* The default appliance: say hello, return 0, and the VM powers off. */
#include <tern/tern.h>

int main(int argc, char **argv)
{
    tern_printf("Hello from Tern\n");
    for (int i = 1; i < argc; i++)
        tern_printf("argv[%d] = \"%s\"\n", i, argv[i]);
    return 0;
}
