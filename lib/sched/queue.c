/* Run queue (FIFO) and timer queue (sorted list): the scheduler's only
 * data structures.  Both are doubly linked lists with head and tail. */
#include <stddef.h>
#include <tern/sched_queue.h>

/* Link n between prev and next (either may be NULL: an end). */
static void link(struct qnode **head, struct qnode **tail, struct qnode *prev,
                 struct qnode *n, struct qnode *next)
{
    n->prev = prev;
    n->next = next;
    if (prev)
        prev->next = n;
    else
        *head = n;
    if (next)
        next->prev = n;
    else
        *tail = n;
}

static void unlink(struct qnode **head, struct qnode **tail, struct qnode *n)
{
    if (n->prev)
        n->prev->next = n->next;
    else
        *head = n->next;
    if (n->next)
        n->next->prev = n->prev;
    else
        *tail = n->prev;
    n->next = n->prev = NULL;
}

void runq_push(struct runq *q, struct qnode *n)
{
    link(&q->head, &q->tail, q->tail, n, NULL);
}

struct qnode *runq_pop(struct runq *q)
{
    struct qnode *n = q->head;

    if (n)
        unlink(&q->head, &q->tail, n);
    return n;
}

bool runq_empty(const struct runq *q)
{
    return q->head == NULL;
}

void runq_remove(struct runq *q, struct qnode *n)
{
    unlink(&q->head, &q->tail, n);
}

void timerq_insert(struct timerq *q, struct qnode *n, uint64_t key)
{
    struct qnode *after = q->tail;

    n->key = key;
    while (after && after->key > key)
        after = after->prev;
    link(&q->head, &q->tail, after, n, after ? after->next : q->head);
}

struct qnode *timerq_pop_due(struct timerq *q, uint64_t now)
{
    struct qnode *n = q->head;

    if (!n || n->key > now)
        return NULL;
    unlink(&q->head, &q->tail, n);
    return n;
}

uint64_t timerq_next(const struct timerq *q)
{
    return q->head ? q->head->key : UINT64_MAX;
}

void timerq_remove(struct timerq *q, struct qnode *n)
{
    unlink(&q->head, &q->tail, n);
}
