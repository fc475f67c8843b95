/* A tiny host test harness: TEST(name) { CHECK(cond); ... }.
 * main() (in main.c) runs every test and ends with "N passed, N failed". */
#ifndef TERN_TEST_H
#define TERN_TEST_H

#include <stdio.h>

struct test_case {
    const char *name;
    void (*fn)(void);
    struct test_case *next;
};

void test_register(struct test_case *t);
extern int test_failed_checks;

#define TEST(name)                                                        \
    static void test_##name(void);                                        \
    static struct test_case tc_##name = {#name, test_##name, 0};          \
    __attribute__((constructor)) static void reg_##name(void)             \
    {                                                                     \
        test_register(&tc_##name);                                        \
    }                                                                     \
    static void test_##name(void)

#define CHECK(cond)                                                       \
    do {                                                                  \
        if (!(cond)) {                                                    \
            printf("#   %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__,   \
                   #cond);                                                \
            test_failed_checks++;                                         \
        }                                                                 \
    } while (0)

/* Host stand-in for the kernel's log: captures lines for inspection. */
/* test_fd.c's stand-in for sched_wait: 0 ("woken") or, when this is
 * set, SCHED_TIMED_OUT. */
extern int sched_stub_times_out;
void log_clear(void);
int log_contains(const char *needle);
const char *log_text(void);

#endif
