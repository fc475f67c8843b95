/*
 * Cooperative threads: a thread runs until it yields, sleeps, blocks on a
 * mutex, condition variable or semaphore, or exits.  When nothing can run
 * the CPU halts until the next timer or interrupt.  One CPU; interrupts
 * are taken only while idle, so thread code never races with them.
 */
#ifndef TERN_THREAD_H
#define TERN_THREAD_H

#include <stdint.h>
#include <tern/sched_queue.h>

struct thread;

/* Start fn(arg) in a new thread with a stack of stack_size bytes (0: the
 * default, CONFIG_THREAD_STACK_KIB) above an unmapped guard page.  NULL
 * when memory runs out. */
struct thread *thread_create(const char *name, void *(*fn)(void *),
                             void *arg, uint64_t stack_size);
/* Wait for t to end; its return value in *ret.  Frees t.  Joining
 * yourself, main, or a thread another thread joins is fatal. */
void thread_join(struct thread *t, void **ret);
/* End the calling thread; in main, end the app as returning from main()
 * would, with (int)ret as the status. */
__attribute__((noreturn)) void thread_exit(void *ret);
void thread_yield(void);
void thread_sleep_ns(uint64_t ns);
struct thread *thread_self(void);
const char *thread_name(const struct thread *t);

/* Counters for tests and the boot dump. */
uint64_t sched_switches(void);
uint64_t sched_idle_halts(void);
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
void cond_signal(struct cond *c);
void cond_broadcast(struct cond *c);

struct semaphore {
    uint64_t count;
    struct runq waiters;
};
#define SEMAPHORE_INIT(n) {(n), {0, 0}}
void sem_down(struct semaphore *s);
void sem_up(struct semaphore *s);

/* boot_main: make the boot context the first thread and start timers;
 * app_exit ends the app when main calls thread_exit. */
void sched_init(void (*app_exit)(int status));

#endif
