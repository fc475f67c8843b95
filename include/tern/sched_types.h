/* The scheduler's queue heads and nodes, which the objects of
 * <tern/thread.h> (mutexes, semaphores, condition variables) embed.  Apps
 * see the types only; the operations are the runtime's own. */
#ifndef TERN_SCHED_TYPES_H
#define TERN_SCHED_TYPES_H

#include <stdint.h>

struct qnode {
    struct qnode *next, *prev;
    uint64_t key; /* timer queue: wake-up time */
};

struct runq {
    struct qnode *head, *tail;
};

struct timerq {
    struct qnode *head, *tail; /* earliest first */
};

#endif
