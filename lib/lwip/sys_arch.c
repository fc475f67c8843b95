/*
 * lwIP's sys_arch on Tern's cooperative threads.
 *
 * No SYS_ARCH_PROTECT: lwipopts.h sets SYS_LIGHTWEIGHT_PROT 0, which makes
 * lwIP's protect macros empty.  lwIP wants them where a thread could be
 * preempted, or an interrupt could run, in the middle of a pool or pbuf
 * update.  Neither happens here: threads switch only when one blocks or
 * yields (never inside memp_malloc or pbuf_free, which do neither), and
 * interrupts are taken only in the idle loop, between two threads
 * (docs/architecture.md).  The netif's receive function, which runs from
 * a driver's handler, therefore finds every pool and the heap consistent.
 */
#include <stdlib.h>
#include <string.h>
#include <lwip/err.h>
#include <lwip/sys.h>
#include <tern/sched.h>
#include <tern/time.h>

#define NS_PER_MS 1000000ull

/* lwIP's timeout in ms (0: none) as a scheduler deadline. */
static uint64_t deadline_ms(u32_t timeout)
{
    return timeout ? sched_deadline_after(timeout * NS_PER_MS) : SCHED_FOREVER;
}

/* What lwIP's timed waits return: the ms spent, never SYS_ARCH_TIMEOUT. */
static u32_t waited_ms(uint64_t start)
{
    uint64_t ms = (clock_monotonic_ns() - start) / NS_PER_MS;

    return ms >= SYS_ARCH_TIMEOUT ? SYS_ARCH_TIMEOUT - 1 : (u32_t)ms;
}

void sys_init(void)
{
}

u32_t sys_now(void)
{
    return (u32_t)(clock_monotonic_ns() / NS_PER_MS); /* wraps: lwIP expects it */
}

err_t sys_sem_new(sys_sem_t *sem, u8_t count)
{
    *sem = (sys_sem_t){.sem = SEMAPHORE_INIT(count), .valid = 1};
    return ERR_OK;
}

void sys_sem_free(sys_sem_t *sem)
{
    sem->valid = 0;
}

void sys_sem_signal(sys_sem_t *sem)
{
    sem_up(&sem->sem);
}

u32_t sys_arch_sem_wait(sys_sem_t *sem, u32_t timeout)
{
    uint64_t start = clock_monotonic_ns();

    if (sem_down_until(&sem->sem, deadline_ms(timeout)))
        return SYS_ARCH_TIMEOUT;
    return waited_ms(start);
}

err_t sys_mutex_new(sys_mutex_t *mutex)
{
    *mutex = (sys_mutex_t){.mutex = MUTEX_INIT, .valid = 1};
    return ERR_OK;
}

void sys_mutex_free(sys_mutex_t *mutex)
{
    mutex->valid = 0;
}

void sys_mutex_lock(sys_mutex_t *mutex)
{
    mutex_lock(&mutex->mutex);
}

void sys_mutex_unlock(sys_mutex_t *mutex)
{
    mutex_unlock(&mutex->mutex);
}

err_t sys_mbox_new(sys_mbox_t *mbox, int size)
{
    void **slots;

    if (size <= 0)
        return ERR_VAL;
    slots = calloc((size_t)size, sizeof *slots);
    if (!slots)
        return ERR_MEM;
    mbox_init(&mbox->box, slots, (uint32_t)size);
    mbox->valid = 1;
    return ERR_OK;
}

/* lwIP frees a box only when it is empty and nobody waits on it. */
void sys_mbox_free(sys_mbox_t *mbox)
{
    free(mbox->box.slots);
    mbox->box.slots = NULL;
    mbox->valid = 0;
}

void sys_mbox_post(sys_mbox_t *mbox, void *msg)
{
    mbox_post_until(&mbox->box, msg, SCHED_FOREVER);
}

err_t sys_mbox_trypost(sys_mbox_t *mbox, void *msg)
{
    return mbox_trypost(&mbox->box, msg) ? ERR_MEM : ERR_OK;
}

/* "From an ISR": a handler runs in the idle loop, where trypost is safe. */
err_t sys_mbox_trypost_fromisr(sys_mbox_t *mbox, void *msg)
{
    return sys_mbox_trypost(mbox, msg);
}

u32_t sys_arch_mbox_fetch(sys_mbox_t *mbox, void **msg, u32_t timeout)
{
    uint64_t start = clock_monotonic_ns();
    void *m;

    if (mbox_fetch_until(&mbox->box, &m, deadline_ms(timeout)))
        return SYS_ARCH_TIMEOUT;
    if (msg)
        *msg = m;
    return waited_ms(start);
}

u32_t sys_arch_mbox_tryfetch(sys_mbox_t *mbox, void **msg)
{
    void *m;

    if (mbox_tryfetch(&mbox->box, &m))
        return SYS_MBOX_EMPTY;
    if (msg)
        *msg = m;
    return 0;
}

struct thread_start {
    lwip_thread_fn fn;
    void *arg;
};

static void *thread_main(void *p)
{
    struct thread_start start = *(struct thread_start *)p;

    free(p);
    start.fn(start.arg);
    return NULL;
}

/* lwIP's threads (tcpip) run until the app ends: detached.  prio is
 * ignored: the scheduler has one FIFO run queue. */
sys_thread_t sys_thread_new(const char *name, lwip_thread_fn fn, void *arg,
                            int stacksize, int prio)
{
    struct thread_start *start = malloc(sizeof *start);
    struct thread *t;

    (void)prio;
    LWIP_ASSERT("sys_thread_new: no memory", start != NULL);
    *start = (struct thread_start){fn, arg};
    t = thread_create(name, thread_main, start,
                      stacksize > 0 ? (uint64_t)stacksize : 0);
    LWIP_ASSERT("sys_thread_new: no thread", t != NULL);
    thread_detach(t);
    return t;
}
