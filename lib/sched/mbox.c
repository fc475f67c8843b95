/* Bounded message boxes (tern/thread.h): a ring of pointers with a wait
 * queue for each side.  A woken thread checks again, so a message taken
 * by someone else first only means another wait. */
#include <tern/sched.h>

void mbox_init(struct mbox *m, void **slots, uint32_t size)
{
    *m = (struct mbox){.slots = slots, .size = size};
}

int mbox_trypost(struct mbox *m, void *msg)
{
    if (m->count == m->size)
        return -1;
    m->slots[(m->head + m->count) % m->size] = msg;
    m->count++;
    sched_wake_one(&m->readers);
    return 0;
}

int mbox_tryfetch(struct mbox *m, void **msg)
{
    if (!m->count)
        return -1;
    *msg = m->slots[m->head];
    m->head = (m->head + 1) % m->size;
    m->count--;
    sched_wake_one(&m->writers);
    return 0;
}

int mbox_post_until(struct mbox *m, void *msg, uint64_t deadline)
{
    while (mbox_trypost(m, msg))
        if (sched_wait(&m->writers, deadline) == SCHED_TIMED_OUT)
            return -1;
    return 0;
}

int mbox_fetch_until(struct mbox *m, void **msg, uint64_t deadline)
{
    while (mbox_tryfetch(m, msg))
        if (sched_wait(&m->readers, deadline) == SCHED_TIMED_OUT)
            return -1;
    return 0;
}
