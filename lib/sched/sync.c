/* Mutexes, condition variables and semaphores on the scheduler's wait
 * queues.  Cooperative and single-CPU: no atomics, no spinning. */
#include <stddef.h>
#include <tern/exit.h>
#include <tern/thread.h>

void sched_block_on(struct runq *q);
struct thread *sched_wake_one(struct runq *q);

void mutex_lock(struct mutex *m)
{
    if (!m->owner) {
        m->owner = thread_self();
        return;
    }
    if (m->owner == thread_self())
        tern_fatal(TERN_EXIT_PANIC, "mutex: %s locks a mutex it holds",
                   thread_name(thread_self()));
    sched_block_on(&m->waiters); /* unlock hands it over */
}

int mutex_trylock(struct mutex *m)
{
    if (m->owner)
        return -1;
    m->owner = thread_self();
    return 0;
}

void mutex_unlock(struct mutex *m)
{
    if (m->owner != thread_self())
        tern_fatal(TERN_EXIT_PANIC, "mutex: %s unlocks a mutex it does not "
                                    "hold", thread_name(thread_self()));
    m->owner = sched_wake_one(&m->waiters); /* hand-off, FIFO: no barging */
}

void cond_wait(struct cond *c, struct mutex *m)
{
    mutex_unlock(m);
    sched_block_on(&c->waiters);
    mutex_lock(m);
}

void cond_signal(struct cond *c)
{
    sched_wake_one(&c->waiters);
}

void cond_broadcast(struct cond *c)
{
    while (sched_wake_one(&c->waiters))
        ;
}

void sem_down(struct semaphore *s)
{
    if (s->count) {
        s->count--;
        return;
    }
    sched_block_on(&s->waiters); /* sem_up hands the unit over */
}

void sem_up(struct semaphore *s)
{
    if (!sched_wake_one(&s->waiters))
        s->count++;
}
