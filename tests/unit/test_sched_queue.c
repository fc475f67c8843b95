/* The scheduler's run queue and timer queue. */
#include <stdlib.h>
#include <tern/sched_queue.h>
#include "test.h"

TEST(runq_is_fifo)
{
    struct runq q = {0, 0};
    struct qnode n[3];

    CHECK(runq_empty(&q) && runq_pop(&q) == NULL);
    for (int i = 0; i < 3; i++)
        runq_push(&q, &n[i]);
    CHECK(runq_pop(&q) == &n[0] && runq_pop(&q) == &n[1]);
    runq_push(&q, &n[0]);
    CHECK(runq_pop(&q) == &n[2] && runq_pop(&q) == &n[0]);
    CHECK(runq_empty(&q) && q.tail == NULL);
}

TEST(timerq_orders_by_deadline_and_keeps_ties_fifo)
{
    struct timerq q = {0};
    struct qnode n[5];
    static const uint64_t keys[] = {50, 10, 40, 10, 30};

    CHECK(timerq_next(&q) == UINT64_MAX);
    for (int i = 0; i < 5; i++)
        timerq_insert(&q, &n[i], keys[i]);
    CHECK(timerq_next(&q) == 10);
    CHECK(timerq_pop_due(&q, 9) == NULL);
    CHECK(timerq_pop_due(&q, 10) == &n[1] && timerq_pop_due(&q, 10) == &n[3]);
    CHECK(timerq_pop_due(&q, 10) == NULL);
    CHECK(timerq_remove(&q, &n[2]) && !timerq_remove(&q, &n[2]));
    CHECK(timerq_pop_due(&q, 100) == &n[4] && timerq_pop_due(&q, 100) == &n[0]);
    CHECK(timerq_pop_due(&q, UINT64_MAX) == NULL);
}

TEST(timerq_random_inserts_come_out_sorted)
{
    struct timerq q = {0};
    static struct qnode n[500];
    uint64_t last = 0;
    int sorted = 1, count = 0;
    struct qnode *x;

    srand(5);
    for (int i = 0; i < 500; i++)
        timerq_insert(&q, &n[i], (uint64_t)(rand() % 1000));
    while ((x = timerq_pop_due(&q, UINT64_MAX)) != NULL) {
        sorted &= x->key >= last;
        last = x->key;
        count++;
    }
    CHECK(sorted && count == 500);
}
