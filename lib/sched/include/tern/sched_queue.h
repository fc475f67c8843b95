/* The scheduler's queues, as pure logic (unit-tested on the host): a FIFO
 * run queue (also every wait queue) and a timer queue ordered by wake-up
 * time.  Nodes are intrusive and doubly linked: a thread holds one node
 * per queue it can be on, and a timed wait leaves whichever queue did not
 * end it in constant time. */
#ifndef TERN_SCHED_QUEUE_H
#define TERN_SCHED_QUEUE_H

#include <stdbool.h>
#include <stdint.h>
#include <tern/sched_types.h>

void runq_push(struct runq *q, struct qnode *n);
struct qnode *runq_pop(struct runq *q);
bool runq_empty(const struct runq *q);
/* Take n, which must be on q, out of it. */
void runq_remove(struct runq *q, struct qnode *n);

/* Insert keeping wake-up order; equal keys keep insertion order.  Walks
 * from the latest end: deadlines "now + timeout" mostly go last, O(1). */
void timerq_insert(struct timerq *q, struct qnode *n, uint64_t key);
/* The earliest node whose key is <= now, removed; NULL when none is due. */
struct qnode *timerq_pop_due(struct timerq *q, uint64_t now);
/* The earliest key, or UINT64_MAX when empty. */
uint64_t timerq_next(const struct timerq *q);
/* Take n, which must be on q, out of it. */
void timerq_remove(struct timerq *q, struct qnode *n);

#endif
