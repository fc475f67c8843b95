/*
 * fault-test: fault on purpose so the boot tests can check the fault
 * report and its exit status.  argv[1]: null (read address 0), ud (ud2),
 * div0 (divide by zero).
 */
#include <string.h>
#include <tern/tern.h>

static volatile int zero;

static int __attribute__((noinline)) fault(const char *how)
{
    if (!strcmp(how, "null"))
        return *(volatile int *)(uintptr_t)zero;
    if (!strcmp(how, "ud"))
        __asm__ volatile("ud2");
    if (!strcmp(how, "div0")) { /* asm: gcc turns 1/x into a compare */
        unsigned q, r, d = (unsigned)zero;
        __asm__ volatile("div %2" : "=a"(q), "=d"(r) : "r"(d), "a"(1), "d"(0));
        return (int)q;
    }
    return -1;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        tern_printf("usage: fault-test null|ud|div0\n");
        return 2;
    }
    tern_printf("fault-test: %s\n", argv[1]);
    if (fault(argv[1]) == -1)
        tern_printf("fault-test: unknown fault '%s'\n", argv[1]);
    return 2; /* reached only when no fault happened */
}
