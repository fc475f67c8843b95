/* Run queue (FIFO) and timer queue (sorted list): the scheduler's only
 * data structures.  A few dozen threads at most, so lists suffice. */
#include <stddef.h>
#include <tern/sched_queue.h>

void runq_push(struct runq *q, struct qnode *n)
{
    n->next = NULL;
    if (q->tail)
        q->tail->next = n;
    else
        q->head = n;
    q->tail = n;
}

struct qnode *runq_pop(struct runq *q)
{
    struct qnode *n = q->head;

    if (n) {
        q->head = n->next;
        if (!q->head)
            q->tail = NULL;
        n->next = NULL;
    }
    return n;
}

bool runq_empty(const struct runq *q)
{
    return q->head == NULL;
}

void timerq_insert(struct timerq *q, struct qnode *n, uint64_t key)
{
    struct qnode **at = &q->head;

    n->key = key;
    while (*at && (*at)->key <= key)
        at = &(*at)->next;
    n->next = *at;
    *at = n;
}

struct qnode *timerq_pop_due(struct timerq *q, uint64_t now)
{
    struct qnode *n = q->head;

    if (!n || n->key > now)
        return NULL;
    q->head = n->next;
    n->next = NULL;
    return n;
}

uint64_t timerq_next(const struct timerq *q)
{
    return q->head ? q->head->key : UINT64_MAX;
}

bool timerq_remove(struct timerq *q, struct qnode *n)
{
    for (struct qnode **at = &q->head; *at; at = &(*at)->next) {
        if (*at == n) {
            *at = n->next;
            n->next = NULL;
            return true;
        }
    }
    return false;
}
