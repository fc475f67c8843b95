/*
 * Cooperative threads: a thread runs until it yields, sleeps, blocks on a
 * mutex, condition variable, semaphore or message box, or exits.  When
 * nothing can run the CPU halts until the next timer or interrupt.  One
 * CPU; interrupts are taken only between threads (each block, sleep or
 * yield, and while idle), so thread code never races with them, and a thread that computes for long delays every interrupt
 * (the network too) until it yields: call thread_yield() in long loops.
 */
#ifndef TERN_THREAD_H
#define TERN_THREAD_H

#include <stdint.h>
#include <tern/sched_types.h>

struct thread;

/* Deadlines are monotonic times in ns (clock_monotonic_ns); the *_until
 * calls return 0, or -1 when the deadline passed first. */
#define THREAD_FOREVER UINT64_MAX
/* The deadline ns from now. */
uint64_t thread_deadline(uint64_t ns_from_now);

/* Start fn(arg) in a new thread with a stack of stack_size bytes (0: the
 * default, CONFIG_THREAD_STACK_KIB) above two unmapped guard pages.  NULL
 * when memory runs out.  The struct thread * is a handle, never to be
 * dereferenced: once the thread is freed (joined, or detached and
 * ended), a join, detach or thread_name through it is fatal, even when
 * a new thread has its control block. */
struct thread *thread_create(const char *name, void *(*fn)(void *),
                             void *arg, uint64_t stack_size);
/* Wait for t to end; its return value in *ret.  Frees t.  Joining
 * yourself, main, a detached thread, or a thread another thread joins is
 * fatal. */
void thread_join(struct thread *t, void **ret);
/* End the calling thread; in main, end the app as returning from main()
 * would, with (int)ret as the status. */
__attribute__((noreturn)) void thread_exit(void *ret);
/* No one will join t: its stack and control block are freed when it ends
 * (at once if it has ended).  What a server does with a thread per
 * connection. */
void thread_detach(struct thread *t);
void thread_yield(void);
void thread_sleep_ns(uint64_t ns);
struct thread *thread_self(void);
const char *thread_name(const struct thread *t);

/* Counters for tests and the boot dump. */
uint64_t sched_switches(void);
uint64_t sched_idle_halts(void);
/* Threads that exist (main included), freed ones not counted. */
uint64_t sched_live_threads(void);

/* An interrupt handler that wakes threads is a wake source: with one
 * registered, every thread blocked with no timeout is a server waiting
 * for input, not a deadlock.  Drivers (and apps that route an interrupt
 * themselves) add one per handler. */
void sched_add_wake_source(void);
void sched_remove_wake_source(void);
/* "LAPIC" or "Xen single-shot (event channel)". */
const char *sched_timer_name(void);

struct mutex {
    struct thread *owner;
    struct runq waiters;
};
#define MUTEX_INIT {0, {0, 0}}
void mutex_lock(struct mutex *m);
int mutex_trylock(struct mutex *m); /* 0 when taken */
void mutex_unlock(struct mutex *m);

struct cond {
    struct runq waiters;
};
#define COND_INIT {{0, 0}}
void cond_wait(struct cond *c, struct mutex *m);
/* The mutex is held again on return, timed out or not. */
int cond_wait_until(struct cond *c, struct mutex *m, uint64_t deadline);
void cond_signal(struct cond *c);
void cond_broadcast(struct cond *c);

struct semaphore {
    uint64_t count;
    struct runq waiters;
};
#define SEMAPHORE_INIT(n) {(n), {0, 0}}
void sem_down(struct semaphore *s);
int sem_down_until(struct semaphore *s, uint64_t deadline);
void sem_up(struct semaphore *s);

/* A bounded queue of pointers between threads (and from interrupt
 * handlers, with the try calls): lwIP's sys_mbox.  slots holds size
 * entries and belongs to the caller. */
struct mbox {
    void **slots;
    uint32_t size, head, count;
    struct runq readers, writers;
};
void mbox_init(struct mbox *m, void **slots, uint32_t size);
int mbox_post_until(struct mbox *m, void *msg, uint64_t deadline);
int mbox_fetch_until(struct mbox *m, void **msg, uint64_t deadline);
int mbox_trypost(struct mbox *m, void *msg);   /* -1 when full */
int mbox_tryfetch(struct mbox *m, void **msg); /* -1 when empty */

/* boot_main: make the boot context the first thread and start timers;
 * app_exit ends the app when main calls thread_exit. */
void sched_init(void (*app_exit)(int status));

#endif
