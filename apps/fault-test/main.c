/*
 * fault-test: fault on purpose so the boot tests can check the fault
 * report and its exit status.  argv[1]: null (read address 0), ud (ud2),
 * div0 (divide by zero), stack (recurse until main's stack overflows),
 * thread-stack (the same in a thread of its own).
 */
#include <string.h>
#include <tern/tern.h>
#include <tern/thread.h>

static volatile int zero;

/* Deep on purpose: a depth that can never be reached in 16 KiB. */
static int __attribute__((noinline)) recurse(int depth)
{
    volatile char frame[256];

    frame[0] = (char)depth;
    if (depth > 1000000)
        return frame[0];
    return recurse(depth + 1) + frame[0];
}

static void *overflow_thread(void *arg)
{
    (void)arg;
    return (void *)(intptr_t)recurse(0);
}

static int __attribute__((noinline)) fault(const char *how)
{
    if (!strcmp(how, "null"))
        return *(volatile int *)(uintptr_t)zero;
    if (!strcmp(how, "ud"))
        __asm__ volatile("ud2");
    if (!strcmp(how, "stack"))
        return recurse(0);
    if (!strcmp(how, "thread-stack")) {
        thread_join(thread_create("overflow", overflow_thread, 0, 0), 0);
        return 0;
    }
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
        tern_printf("usage: fault-test null|ud|div0|stack|thread-stack\n");
        return 2;
    }
    tern_printf("fault-test: %s\n", argv[1]);
    if (fault(argv[1]) == -1)
        tern_printf("fault-test: unknown fault '%s'\n", argv[1]);
    return 2; /* reached only when no fault happened */
}
