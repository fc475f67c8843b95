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
    timerq_remove(&q, &n[2]);
    CHECK(timerq_pop_due(&q, 100) == &n[4] && timerq_pop_due(&q, 100) == &n[0]);
    CHECK(timerq_pop_due(&q, UINT64_MAX) == NULL);
}

TEST(timerq_random_inserts_come_out_sorted)
{
    struct timerq q = {0, 0};
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

TEST(runq_remove_takes_out_any_node_and_keeps_order)
{
    struct runq q = {0, 0};
    struct qnode n[4];

    for (int i = 0; i < 4; i++)
        runq_push(&q, &n[i]);
    runq_remove(&q, &n[0]); /* head */
    runq_remove(&q, &n[2]); /* middle */
    runq_remove(&q, &n[3]); /* tail */
    CHECK(q.head == &n[1] && q.tail == &n[1]);
    runq_push(&q, &n[3]);
    CHECK(runq_pop(&q) == &n[1] && runq_pop(&q) == &n[3]);
    CHECK(runq_empty(&q) && q.tail == NULL);
}

/* Random inserts, removals and pops against a model: an array of keys. */
TEST(timerq_random_operations_match_a_model)
{
    enum { N = 300 };
    static struct qnode n[N];
    static int queued[N];
    struct timerq q = {0, 0};
    int bad = 0;

    srand(11);
    for (int step = 0; step < 20000; step++) {
        int i = rand() % N, op = rand() % 3;

        if (!queued[i] && op < 2) {
            /* mostly increasing deadlines, as "now + timeout" gives */
            timerq_insert(&q, &n[i], (uint64_t)(step + rand() % 50));
            queued[i] = 1;
        } else if (queued[i] && op == 2) {
            timerq_remove(&q, &n[i]);
            queued[i] = 0;
        } else if (q.head) {
            uint64_t min = UINT64_MAX;
            struct qnode *x;

            for (int j = 0; j < N; j++)
                if (queued[j] && n[j].key < min)
                    min = n[j].key;
            x = timerq_pop_due(&q, UINT64_MAX);
            bad += x->key != min;
            queued[x - n] = 0;
        }
    }
    for (struct qnode *x = q.head, *prev = 0; x; prev = x, x = x->next)
        bad += x->prev != prev || (prev && prev->key > x->key);
    CHECK(bad == 0);
}
