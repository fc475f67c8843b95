/* Mutexes, condition variables and semaphores on the scheduler's wait
 * queues.  Cooperative and single-CPU: no atomics, no spinning. */
#include <stddef.h>
#include <tern/exit.h>
#include <tern/sched.h>

uint64_t thread_deadline(uint64_t ns_from_now)
{
    return sched_deadline_after(ns_from_now);
}

void mutex_lock(struct mutex *m)
{
    if (!m->owner) {
        m->owner = thread_self();
        return;
    }
    if (m->owner == thread_self())
        tern_fatal(TERN_EXIT_PANIC, "mutex: %s locks a mutex it holds",
                   thread_name(thread_self()));
    sched_wait(&m->waiters, SCHED_FOREVER); /* unlock hands it over */
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

int cond_wait_until(struct cond *c, struct mutex *m, uint64_t deadline)
{
    int r;

    mutex_unlock(m);
    r = sched_wait(&c->waiters, deadline);
    mutex_lock(m);
    return r;
}

void cond_wait(struct cond *c, struct mutex *m)
{
    cond_wait_until(c, m, SCHED_FOREVER);
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

/* sem_up hands its unit straight to the first waiter, so a woken waiter
 * owns it; a waiter that timed out had already left the queue. */
int sem_down_until(struct semaphore *s, uint64_t deadline)
{
    if (s->count) {
        s->count--;
        return 0;
    }
    return sched_wait(&s->waiters, deadline);
}

void sem_down(struct semaphore *s)
{
    sem_down_until(s, SCHED_FOREVER);
}

void sem_up(struct semaphore *s)
{
    if (!sched_wake_one(&s->waiters))
        s->count++;
}
