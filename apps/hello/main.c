/* The default appliance: say hello, return 0, and the VM powers off. */
#include <stdio.h>

int main(int argc, char **argv)
{
    printf("Hello from Tern\n");
    for (int i = 1; i < argc; i++)
        printf("argv[%d] = \"%s\"\n", i, argv[i]);
    return 0;
}
