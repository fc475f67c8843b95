/*
 * The scheduler.  A thread's stack is one run of pages with two unmapped
 * guard pages at the bottom; its control block lives apart, in a pool that
 * no stack borders, so an overflow can never rewrite a saved context.  A
 * thread cannot free the stack it runs on: an exited thread's pages are
 * freed by whoever joins it, or, for a detached thread, by the next
 * thread to run, as soon as the switch away from it is done.
 *
 * What thread_create gives an app is a handle, not the control block's
 * address: the block's address with the thread's generation in the top
 * 16 bits (no identity-mapped address reaches them).  A block is reused
 * once its thread is freed, so a join or detach through an old handle
 * would otherwise reach whatever thread the block holds now; the
 * generation tells them apart.
 *
 * Interrupts are taken only while idle (sti; hlt; cli in idle()), inside
 * schedule()'s loop, so a handler may wake threads with the same calls
 * thread code uses and nothing else ever races with it.
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
#include <tern/sched.h>
#include <tern/thread.h>
#include <tern/time.h>
#include <tern/config.h>
#include <tern/platform.h>

enum state { RUNNING, READY, SLEEPING, BLOCKED, EXITED };

struct thread {
    uint64_t rsp;             /* saved by context_switch */
    struct qnode run;         /* run queue, a wait queue, or zombies */
    struct qnode timer;       /* sleeping, or a timed wait's deadline */
    struct runq *waiting_on;  /* the wait queue while BLOCKED */
    enum state state;
    bool timed, timed_out, detached;
    uint16_t gen;             /* in the handle; 0 once freed */
    void *(*fn)(void *);
    void *arg, *ret;
    void *libc;               /* the C library's per-thread state */
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
/* Two unmapped pages under each stack.  gcc's probe for a variable-length
 * array or alloca moves rsp down a page, then touches the top of that
 * page: when the touch hits the guard, rsp already lies a page below it.
 * With one guard page that page is a neighbour's (RAM, the image's .bss,
 * a BIOS ROM), the CPU pushed the #PF frame there, and the report ran on
 * it: a neighbour's memory rewritten, or, on ROM, 76,000 nested faults
 * and no report at all.  With two, rsp lies in the second: the push
 * faults, and the double fault runs on its own stack. */
#define GUARD_PAGES 2
#define BACKUP_WAKE_NS 100000000ull /* 100 ms */
/* The farthest ahead a timer is armed (about 18 minutes); a later
 * deadline is armed again when this one fires.  Xen's single-shot timer
 * takes a deadline past 2^63 ns (its signed s_time_t) as already due,
 * and a TSC deadline that far overflows: either fired at once, for ever. */
#define MAX_ARM_NS (1ull << 40)

extern char boot_stack_bottom[], boot_stack_top[];
#define HANDLE_SHIFT 48
static struct thread main_thread = {.state = RUNNING, .gen = 1,
                                    .name = "main"};
static uint16_t last_gen = 1; /* main's */
static struct obj_pool thread_pool = OBJ_POOL_INIT("threads", struct thread);
static struct thread *current = &main_thread;
static struct runq ready, zombies;
static struct timerq timers;
static void (*arm_timer)(uint64_t deadline_ns) = lapic_timer_arm;
static const char *timer_name = "LAPIC";
static const struct sched_thread_hooks *hooks;
static uint64_t switches, idle_halts, live_threads = 1, wake_sources;

/* How the app ends when main() calls thread_exit: as if main returned
 * (the C library runs atexit handlers and flushes stdio). */
static void (*main_exit)(int status) = tern_exit;

/* Events of the primary timer when it is not the LAPIC (Xen's), and
 * wake-ups of the LAPIC's: together they tell when the backup did the
 * primary's job. */
static uint64_t (*primary_events)(void);
static struct platform_timer platform_timer;
static uint64_t lapic_wakes;

static void timer_irq(unsigned vector, void *arg)
{
    (void)vector;
    (void)arg; /* waking the CPU is all it is for */
    lapic_wakes++;
}

void sched_init(void (*app_exit)(int status))
{
    if (app_exit)
        main_exit = app_exit;
    main_thread.stack_lo = (uintptr_t)boot_stack_bottom;
    main_thread.stack_hi = (uintptr_t)boot_stack_top;
    trap_guard_stacks();
    lapic_init();
    irq_register(TIMER_VECTOR, timer_irq, 0);
    if (platform.timer && platform.timer(&platform_timer) == 0) {
        arm_timer = platform_timer.arm; /* Xen's one-shot timer */
        primary_events = platform_timer.delivered;
        timer_name = platform_timer.name;
    }
}

void sched_set_thread_hooks(const struct sched_thread_hooks *h)
{
    hooks = h;
    main_thread.libc = h && h->main ? h->main() : NULL;
}

const char *sched_timer_name(void)
{
    return timer_name;
}

static struct thread *handle_of(struct thread *t)
{
    return (struct thread *)((uintptr_t)t |
                             (uintptr_t)t->gen << HANDLE_SHIFT);
}

/* The live thread h names; fatal for a handle whose thread was freed
 * (its block free, or holding a newer thread), in who's name.  Wrong
 * only if the block came back to a thread exactly 65,535 generations
 * later. */
static struct thread *thread_of(const struct thread *h, const char *who)
{
    struct thread *t = (struct thread *)((uintptr_t)h &
                                         ((1ull << HANDLE_SHIFT) - 1));

    if (!t)
        tern_fatal(TERN_EXIT_PANIC, "%s: NULL thread", who);
    if ((uintptr_t)h >> HANDLE_SHIFT == t->gen && t->gen)
        return t;
    if (t->gen)
        tern_fatal(TERN_EXIT_PANIC, "%s: stale thread handle %p: its thread "
                   "was freed, and its control block now holds thread %.*s",
                   who, h, (int)sizeof(t->name), t->name);
    tern_fatal(TERN_EXIT_PANIC, "%s: stale thread handle %p: its thread was "
               "freed", who, h);
}

struct thread *thread_self(void)
{
    return handle_of(current);
}

const char *thread_name(const struct thread *h)
{
    return thread_of(h, "thread_name")->name;
}

uint64_t sched_switches(void)
{
    return switches;
}

uint64_t sched_idle_halts(void)
{
    return idle_halts;
}

uint64_t sched_live_threads(void)
{
    return live_threads;
}

void sched_add_wake_source(void)
{
    wake_sources++;
}

void sched_remove_wake_source(void)
{
    if (wake_sources)
        wake_sources--;
}

static void make_ready(struct thread *t)
{
    t->state = READY;
    runq_push(&ready, &t->run);
}

/* Threads whose deadline has come: sleepers wake, timed waits give up. */
static void wake_due_timers(void)
{
    struct qnode *n;
    uint64_t now = clock_monotonic_ns();

    while ((n = timerq_pop_due(&timers, now)) != NULL) {
        struct thread *t = container(n, timer);

        t->timed = false;
        if (t->state == BLOCKED) {
            runq_remove(t->waiting_on, &t->run);
            t->timed_out = true;
        }
        make_ready(t);
    }
}

/* Unmap (or map back, before the pages are freed) a stack's guards. */
static void set_guard_pages(const struct thread *t, bool present)
{
    for (unsigned i = 0; i < GUARD_PAGES; i++)
        paging_set_present(t->pages_base + i * PAGE_SIZE, present);
}

/* Free a thread that has ended and that no one will join. */
static void free_thread(struct thread *t)
{
    if (hooks && hooks->destroy && t->libc)
        hooks->destroy(t->libc);
    t->gen = 0; /* a handle to it is stale from here on */
    set_guard_pages(t, true);
    page_free_run(t->pages_base, t->pages); /* a bad free is fatal */
    obj_free(&thread_pool, t);
    live_threads--;
}

/* Detached threads that ended.  Called by the thread a switch lands in
 * (after context_switch, or first thing in a new thread), so the running
 * thread is never among them and no stack freed here is in use: an
 * exiting thread idles on its own stack until another thread is ready. */
static void reap_zombies(void)
{
    struct qnode *n;

    while ((n = runq_pop(&zombies)) != NULL)
        free_thread(container(n, run));
}

/* Halt; then, if only the LAPIC backup woke us, past the deadline the
 * primary timer was armed for, say so once: a lost timer event. */
static void halt_and_watch_backup(uint64_t deadline)
{
    static bool reported;
    uint64_t events = primary_events ? primary_events() : 0;
    uint64_t wakes = lapic_wakes, now;

    cpu_wait_for_interrupt();
    if (!primary_events || reported || lapic_wakes == wakes ||
        primary_events() != events || deadline == UINT64_MAX)
        return;
    now = clock_monotonic_ns();
    if (now > deadline + BACKUP_WAKE_NS / 2) {
        reported = true;
        pr_warn("sched: the timer event for a deadline %llu ms ago never "
                "came; the LAPIC backup woke the CPU",
                (unsigned long long)((now - deadline) / 1000000));
    }
}

/* Nothing to run: halt until the next timer or any interrupt.  With no
 * timer and no interrupt that could wake a thread, nothing ever will. */
static void idle(void)
{
    uint64_t next = timerq_next(&timers);

    if (next == UINT64_MAX && !wake_sources)
        tern_fatal(TERN_EXIT_PANIC, "sched: deadlock: every thread is "
                   "blocked, none has a timeout and no interrupt source "
                   "can wake one");
    if (next != UINT64_MAX) {
        uint64_t now = clock_monotonic_ns();

        if (next > now && next - now > MAX_ARM_NS)
            next = now + MAX_ARM_NS;
        arm_timer(next);
        if (primary_events) {
            /* A second, independent timer bounds any wake-up the first
             * one loses to BACKUP_WAKE_NS (seen once under Xen in CI,
             * never reproduced since: a test hung with every thread
             * asleep).  backup_report says so if it ever does its job. */
            uint64_t soon = now + BACKUP_WAKE_NS;

            lapic_timer_arm(next < soon ? next + BACKUP_WAKE_NS : soon);
        }
    }
    idle_halts++;
    halt_and_watch_backup(next);
}

/* Give the CPU away: the caller has set current->state and queued it
 * wherever it waits.  Returns when the caller is chosen again. */
static void schedule(void)
{
    struct thread *prev = current, *next;
    struct qnode *n;

    /* Every yield point takes the interrupts already pending, not only
     * the idle loop: a thread that computes and calls thread_yield()
     * must not hold the network off (it did: no frame came in during
     * 5 s of yielding).  Handlers run here as in idle, between threads,
     * with the caller already queued where it waits. */
    cpu_take_pending_interrupts();
    for (;;) {
        wake_due_timers();
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
    if (hooks && hooks->switch_to)
        hooks->switch_to(next->libc);
    context_switch(&prev->rsp, next->rsp);
    reap_zombies(); /* whoever switched to us may have exited */
}

void thread_start(struct thread *t)
{
    reap_zombies(); /* as schedule() does after its switch */
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

/* Unmapping a guard page that a large page maps splits it, with page
 * tables from the page allocator: one for a 2 MiB page, two for 1 GiB.
 * Running out there is fatal, so it is checked before. */
static bool guard_page_can_unmap(uint64_t addr)
{
    uint64_t size;

    paging_query(addr, &size);
    return size <= PAGE_SIZE ||
           mm_pages()->free_pages >= (size > (2ull << 20) ? 2 : 1);
}

/* The control block, the stack with its guard page, and the C library's
 * state; NULL (and nothing kept) when any of them cannot be had. */
static struct thread *alloc_thread(uint64_t bytes)
{
    uint64_t pages = GUARD_PAGES + (bytes + PAGE_SIZE - 1) / PAGE_SIZE;
    struct thread *t;

    if (bytes > (1ull << 40) || !(t = obj_alloc(&thread_pool)))
        return NULL;
    t->pages_base = page_alloc(pages);
    if (t->pages_base && hooks && hooks->create)
        t->libc = hooks->create();
    /* The guard check last: the C library's state may have taken pages. */
    if (!t->pages_base || (hooks && hooks->create && !t->libc) ||
        !guard_page_can_unmap(t->pages_base)) {
        if (t->libc)
            hooks->destroy(t->libc);
        if (t->pages_base)
            page_free_run(t->pages_base, pages);
        obj_free(&thread_pool, t);
        return NULL;
    }
    t->pages = pages;
    t->stack_lo = t->pages_base + GUARD_PAGES * PAGE_SIZE;
    t->stack_hi = t->pages_base + pages * PAGE_SIZE;
    return t;
}

struct thread *thread_create(const char *name, void *(*fn)(void *),
                             void *arg, uint64_t stack_size)
{
    struct thread *t = alloc_thread(stack_size ? stack_size
                                               : THREAD_DEFAULT_STACK);
    if (!t)
        return NULL;
    last_gen = last_gen == UINT16_MAX ? 1 : last_gen + 1;
    t->gen = last_gen;
    t->fn = fn;
    t->arg = arg;
    tern_snprintf(t->name, sizeof(t->name), "%s", name ? name : "thread");
    set_guard_pages(t, false);
    prepare_stack(t);
    live_threads++;
    make_ready(t);
    return handle_of(t);
}

void thread_detach(struct thread *h)
{
    struct thread *t = thread_of(h, "thread_detach");

    if (t == &main_thread || t->detached || t->joiner)
        tern_fatal(TERN_EXIT_PANIC, "thread_detach: %s cannot be detached",
                   t->name);
    t->detached = true;
    if (t->state == EXITED)
        free_thread(t);
}

void thread_exit(void *ret)
{
    if (current == &main_thread) {
        main_exit((int)(intptr_t)ret); /* the app is done */
        tern_exit((int)(intptr_t)ret);
    }
    current->ret = ret;
    current->state = EXITED;
    if (current->detached)
        runq_push(&zombies, &current->run);
    else if (current->joiner)
        make_ready(current->joiner);
    schedule();
    __builtin_unreachable();
}

void thread_join(struct thread *h, void **ret)
{
    struct thread *t = thread_of(h, "thread_join");

    if (t == current || t == &main_thread || t->joiner || t->detached)
        tern_fatal(TERN_EXIT_PANIC, "thread_join: %s cannot be joined by %s",
                   t->name, current->name);
    if (t->state != EXITED) {
        t->joiner = current;
        current->state = BLOCKED;
        schedule();
    }
    if (ret)
        *ret = t->ret;
    free_thread(t);
}

void thread_yield(void)
{
    make_ready(current);
    schedule();
}

void thread_sleep_ns(uint64_t ns)
{
    current->state = SLEEPING;
    current->timed = true;
    timerq_insert(&timers, &current->timer, sched_deadline_after(ns));
    schedule();
}

uint64_t sched_deadline_after(uint64_t ns)
{
    uint64_t now = clock_monotonic_ns();

    return ns >= SCHED_FOREVER - now ? SCHED_FOREVER - 1 : now + ns;
}

int sched_wait(struct runq *q, uint64_t deadline)
{
    current->state = BLOCKED;
    current->waiting_on = q;
    current->timed_out = false;
    runq_push(q, &current->run);
    if (deadline != SCHED_FOREVER) {
        current->timed = true;
        timerq_insert(&timers, &current->timer, deadline);
    }
    schedule();
    return current->timed_out ? SCHED_TIMED_OUT : 0;
}

struct thread *sched_wake_one(struct runq *q)
{
    struct qnode *n = runq_pop(q);
    struct thread *t = n ? container(n, run) : NULL;

    if (!t)
        return NULL;
    if (t->timed) {
        timerq_remove(&timers, &t->timer);
        t->timed = false;
    }
    make_ready(t);
    return handle_of(t);
}
