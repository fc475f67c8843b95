/* The scheduler's queues, as pure logic (unit-tested on the host): a FIFO
 * run queue and a timer queue ordered by wake-up time.  Nodes are
 * intrusive: a thread holds one node per queue it can be on. */
#ifndef TERN_SCHED_QUEUE_H
#define TERN_SCHED_QUEUE_H

#include <stdbool.h>
#include <stdint.h>

struct qnode {
    struct qnode *next;
    uint64_t key; /* timer queue: wake-up time */
};

struct runq {
    struct qnode *head, *tail;
};

struct timerq {
    struct qnode *head; /* earliest first */
};

void runq_push(struct runq *q, struct qnode *n);
struct qnode *runq_pop(struct runq *q);
bool runq_empty(const struct runq *q);

/* Insert keeping wake-up order; equal keys keep insertion order. */
void timerq_insert(struct timerq *q, struct qnode *n, uint64_t key);
/* The earliest node whose key is <= now, removed; NULL when none is due. */
struct qnode *timerq_pop_due(struct timerq *q, uint64_t now);
/* The earliest key, or UINT64_MAX when empty. */
uint64_t timerq_next(const struct timerq *q);
/* Take n out wherever it is; false when it was not queued. */
bool timerq_remove(struct timerq *q, struct qnode *n);

#endif
