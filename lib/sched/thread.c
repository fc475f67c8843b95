/*
 * The scheduler.  A thread's stack is one run of pages with an unmapped
 * guard page at the bottom; its control block lives apart, in a pool that
 * no stack borders, so an overflow can never rewrite a saved context.  A
 * thread cannot free the stack it runs on: an exited thread's pages are
 * freed by whoever joins it.
 */
#include <stddef.h>
#include <string.h>
#include <tern/arch.h>
#include <tern/exit.h>
#include <tern/format.h>
#include <tern/io.h>
#include <tern/log.h>
#include <tern/mm.h>
#include <tern/objpool.h>
#include <tern/thread.h>
#include <tern/time.h>
#include <tern/config.h>
#include <tern/xen.h>
#include <tern/xen_evtchn.h>

enum state { RUNNING, READY, SLEEPING, BLOCKED, EXITED };

struct thread {
    uint64_t rsp;             /* saved by context_switch */
    struct qnode run;         /* run queue or a wait queue */
    struct qnode timer;       /* sleeping */
    enum state state;
    void *(*fn)(void *);
    void *arg, *ret;
    struct thread *joiner;
    uint64_t pages_base, pages; /* guard page included; 0 for main */
    uint64_t stack_lo, stack_hi;
    char name[24];
};

#define container(ptr, member)                                            \
    ((struct thread *)((char *)(ptr)-offsetof(struct thread, member)))

void context_switch(uint64_t *save_rsp, uint64_t next_rsp);
void thread_entry(void);

#define THREAD_DEFAULT_STACK ((uint64_t)CONFIG_THREAD_STACK_KIB * 1024)

extern char boot_stack_bottom[], boot_stack_top[];
static struct thread main_thread = {.state = RUNNING, .name = "main"};
static struct obj_pool thread_pool = OBJ_POOL_INIT("threads", struct thread);
static struct thread *current = &main_thread;
static struct runq ready;
static void (*arm_timer)(uint64_t deadline_ns) = lapic_timer_arm;
#define BACKUP_WAKE_NS 100000000ull /* 100 ms */
static const char *timer_name = "LAPIC";
static struct timerq sleepers;
static uint64_t switches, idle_halts;

static void timer_irq(unsigned vector)
{
    (void)vector; /* waking the CPU is all it is for */
}

/* How the app ends when main() calls thread_exit: as if main returned
 * (the C library runs atexit handlers and flushes stdio). */
static void (*main_exit)(int status) = tern_exit;

void sched_init(void (*app_exit)(int status))
{
    if (app_exit)
        main_exit = app_exit;
    main_thread.stack_lo = (uintptr_t)boot_stack_bottom;
    main_thread.stack_hi = (uintptr_t)boot_stack_top;
    trap_guard_stacks();
    lapic_init();
    irq_register(TIMER_VECTOR, timer_irq);
#ifdef CONFIG_XEN
    if (xen_present() && xen_evtchn_init() == 0) {
        arm_timer = xen_timer_arm; /* Xen's one-shot timer, event channels */
        timer_name = "Xen single-shot (event channel)";
    }
#endif
}

const char *sched_timer_name(void)
{
    return timer_name;
}

struct thread *thread_self(void)
{
    return current;
}

const char *thread_name(const struct thread *t)
{
    return t->name;
}

uint64_t sched_switches(void)
{
    return switches;
}

uint64_t sched_idle_halts(void)
{
    return idle_halts;
}

static void make_ready(struct thread *t)
{
    t->state = READY;
    runq_push(&ready, &t->run);
}

static void wake_due_sleepers(void)
{
    struct qnode *n;
    uint64_t now = clock_monotonic_ns();

    while ((n = timerq_pop_due(&sleepers, now)) != NULL)
        make_ready(container(n, timer));
}

/* Nothing to run: halt until the next sleeper is due (the LAPIC timer
 * wakes us) or any interrupt comes.  Nothing to wait for is a deadlock. */
static void idle(void)
{
    uint64_t next = timerq_next(&sleepers);

    if (next == UINT64_MAX)
        tern_fatal(TERN_EXIT_PANIC, "sched: deadlock: every thread is "
                                    "blocked and none is sleeping");
    arm_timer(next);
    if (arm_timer != lapic_timer_arm) {
        /* A second, independent timer bounds any wake-up the first one
         * loses to BACKUP_WAKE_NS (seen once under Xen in CI, never
         * reproduced: a test hung with every thread asleep). */
        uint64_t soon = clock_monotonic_ns() + BACKUP_WAKE_NS;

        lapic_timer_arm(next < soon ? next + BACKUP_WAKE_NS : soon);
    }
    idle_halts++;
    cpu_wait_for_interrupt();
}

/* Give the CPU away: the caller has set current->state and queued it
 * wherever it waits.  Returns when the caller is chosen again. */
static void schedule(void)
{
    struct thread *prev = current, *next;
    struct qnode *n;

    for (;;) {
        wake_due_sleepers();
        if ((n = runq_pop(&ready)) != NULL)
            break;
        idle();
    }
    next = container(n, run);
    next->state = RUNNING;
    if (next == prev)
        return;
    current = next;
    switches++;
    trap_set_stack(next->stack_lo, next->stack_hi, next->name);
    context_switch(&prev->rsp, next->rsp);
}

void thread_start(struct thread *t)
{
    thread_exit(t->fn(t->arg));
}

/* A new stack "returns" into thread_entry with r12 = t; the x87 control
 * word and MXCSR start at their reset values. */
static void prepare_stack(struct thread *t)
{
    uint64_t *sp = (uint64_t *)(uintptr_t)(t->stack_hi & ~15ull);

    *--sp = (uintptr_t)thread_entry;
    *--sp = 0;              /* rbp */
    *--sp = 0;              /* rbx */
    *--sp = (uintptr_t)t;   /* r12 */
    *--sp = 0;              /* r13 */
    *--sp = 0;              /* r14 */
    *--sp = 0;              /* r15 */
    *--sp = 0x1f80;         /* MXCSR */
    *--sp = 0x037f;         /* x87 control word */
    t->rsp = (uintptr_t)sp;
}

struct thread *thread_create(const char *name, void *(*fn)(void *),
                             void *arg, uint64_t stack_size)
{
    uint64_t bytes = stack_size ? stack_size : THREAD_DEFAULT_STACK;
    uint64_t pages = 1 + (bytes + PAGE_SIZE - 1) / PAGE_SIZE;
    struct thread *t;
    uint64_t base;

    if (bytes > (1ull << 40) || !(t = obj_alloc(&thread_pool)))
        return NULL;
    if (!(base = page_alloc(pages))) {
        obj_free(&thread_pool, t);
        return NULL;
    }
    t->fn = fn;
    t->arg = arg;
    t->pages_base = base;
    t->pages = pages;
    t->stack_lo = base + PAGE_SIZE;
    t->stack_hi = base + pages * PAGE_SIZE;
    tern_snprintf(t->name, sizeof(t->name), "%s", name ? name : "thread");
    paging_set_present(base, false); /* the guard page */
    prepare_stack(t);
    make_ready(t);
    return t;
}

void thread_exit(void *ret)
{
    if (current == &main_thread) {
        main_exit((int)(intptr_t)ret); /* the app is done */
        tern_exit((int)(intptr_t)ret);
    }
    current->ret = ret;
    current->state = EXITED;
    if (current->joiner)
        make_ready(current->joiner);
    schedule();
    __builtin_unreachable();
}

void thread_join(struct thread *t, void **ret)
{
    if (t == current || t == &main_thread || t->joiner)
        tern_fatal(TERN_EXIT_PANIC, "thread_join: %s cannot be joined by %s",
                   t->name, current->name);
    if (t->state != EXITED) {
        t->joiner = current;
        current->state = BLOCKED;
        schedule();
    }
    if (ret)
        *ret = t->ret;
    paging_set_present(t->pages_base, true);
    if (page_free_run(t->pages_base, t->pages))
        tern_fatal(TERN_EXIT_PANIC, "thread_join: %s joined twice",
                   t->name);
    obj_free(&thread_pool, t);
}

void thread_yield(void)
{
    make_ready(current);
    schedule();
}

void thread_sleep_ns(uint64_t ns)
{
    uint64_t now = clock_monotonic_ns();

    current->state = SLEEPING;
    timerq_insert(&sleepers, &current->timer,
                  ns > UINT64_MAX - now ? UINT64_MAX - 1 : now + ns);
    schedule();
}

/* Wait queues for the synchronisation objects. */
void sched_block_on(struct runq *q)
{
    current->state = BLOCKED;
    runq_push(q, &current->run);
    schedule();
}

struct thread *sched_wake_one(struct runq *q)
{
    struct qnode *n = runq_pop(q);
    struct thread *t = n ? container(n, run) : NULL;

    if (t)
        make_ready(t);
    return t;
}
