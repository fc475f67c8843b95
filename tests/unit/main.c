/* Runs every registered test; TAP-style lines, then the totals. */
#include <stdio.h>
#include "test.h"

static struct test_case *head, **tail = &head;
int test_failed_checks;

void test_register(struct test_case *t)
{
    *tail = t;
    tail = &t->next;
}

int main(void)
{
    int passed = 0, failed = 0, n = 0;

    for (struct test_case *t = head; t; t = t->next) {
        int before = test_failed_checks;

        log_clear();
        t->fn();
        if (test_failed_checks == before) {
            printf("ok %d - %s\n", ++n, t->name);
            passed++;
        } else {
            printf("not ok %d - %s\n", ++n, t->name);
            failed++;
        }
    }
    printf("unit: %d passed, %d failed\n", passed, failed);
    return failed != 0;
}
