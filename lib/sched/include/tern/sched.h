/* The scheduler's interface to the rest of the runtime (not for apps:
 * they use tern/thread.h).  Wait queues are struct runq. */
#ifndef TERN_SCHED_H
#define TERN_SCHED_H

#include <stdint.h>
#include <tern/sched_queue.h>
#include <tern/thread.h>

#define SCHED_FOREVER THREAD_FOREVER
#define SCHED_TIMED_OUT (-1)

/* Block the running thread on q until sched_wake_one picks it (0) or the
 * monotonic deadline passes (SCHED_TIMED_OUT; it has then left q). */
int sched_wait(struct runq *q, uint64_t deadline);
/* Make the first waiter of q ready and return its handle (what
 * thread_self gives it); NULL when q is empty.  Safe from an
 * interrupt handler (handlers run inside the scheduler's idle loop). */
struct thread *sched_wake_one(struct runq *q);
/* now + ns, saturated below SCHED_FOREVER. */
uint64_t sched_deadline_after(uint64_t ns);

/* The C library's per-thread state: made for each new thread, freed when
 * it ends, and made current at each switch.  main gets main()'s. */
struct sched_thread_hooks {
    void *(*main)(void);
    void *(*create)(void);
    void (*destroy)(void *state);
    void (*switch_to)(void *state);
};
void sched_set_thread_hooks(const struct sched_thread_hooks *h);

#endif
