/*
 * sched-selftest: what servers and drivers need of the scheduler, as TAP
 * (the exit status is the number of failures): waits with deadlines that
 * expire and waits that are woken, message boxes, detached threads that
 * give all their memory back, and an idle system that waits for an
 * interrupt without being taken for a deadlock.
 *   -- deadlock      block for ever with nothing to wake anyone: fatal
 *   -- exit-in-main  print without a newline, then thread_exit from main
 *   -- oom           thread_create with memory full: NULL, not fatal
 *   -- stale-join    join a joined thread whose control block a new
 *                    thread has taken: fatal, not a join of the new one
 *   -- stale-detach  the same through thread_detach
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tern/arch.h>
#include <tern/irq.h>
#include <tern/kalloc.h>
#include <tern/mm.h>
#include <tern/pc.h>
#include <tern/tap.h>
#include <tern/thread.h>
#include <tern/time.h>
#include <tern/xen.h>
#include <tern/xen_evtchn.h>

#define MS 1000000ull
#define LATE_OK (2000 * MS) /* a loaded host under TCG */



static uint64_t since(uint64_t t0)
{
    return clock_monotonic_ns() - t0;
}

static struct semaphore sem = SEMAPHORE_INIT(0);

static void *up_after_10ms(void *arg)
{
    thread_sleep_ns(10 * MS);
    sem_up(arg);
    return NULL;
}

static void test_semaphore_deadlines(void)
{
    uint64_t t0 = clock_monotonic_ns();
    int r = sem_down_until(&sem, thread_deadline(20 * MS));
    uint64_t took = since(t0);
    struct thread *t;

    tap_ok(r == -1 && took >= 20 * MS && took < 20 * MS + LATE_OK,
       "sem_down_until with nobody to up it times out, not early");
    sem_up(&sem); /* no waiter left: the unit stays */
    tap_ok(sem.count == 1, "a waiter that timed out left the queue");
    tap_ok(sem_down_until(&sem, thread_deadline(0)) == 0 && sem.count == 0,
       "sem_down_until takes an available unit even at a past deadline");
    t = thread_create("upper", up_after_10ms, &sem, 0);
    t0 = clock_monotonic_ns();
    r = sem_down_until(&sem, thread_deadline(5000 * MS));
    tap_ok(r == 0 && since(t0) < 4000 * MS && sem.count == 0,
       "sem_down_until is woken by sem_up long before its deadline");
    thread_join(t, NULL);
}

static struct mutex lock = MUTEX_INIT;
static struct cond cv = COND_INIT;
static int flag;

static void *signal_after_10ms(void *arg)
{
    (void)arg;
    thread_sleep_ns(10 * MS);
    mutex_lock(&lock);
    flag = 1;
    cond_signal(&cv);
    mutex_unlock(&lock);
    return NULL;
}

static void test_cond_deadlines(void)
{
    uint64_t t0 = clock_monotonic_ns();
    struct thread *t;
    int r;

    mutex_lock(&lock);
    r = cond_wait_until(&cv, &lock, thread_deadline(15 * MS));
    tap_ok(r == -1 && since(t0) >= 15 * MS && mutex_trylock(&lock) == -1,
       "cond_wait_until times out and holds the mutex again");
    t = thread_create("signaller", signal_after_10ms, NULL, 0);
    t0 = clock_monotonic_ns();
    r = 0;
    while (!flag && r == 0)
        r = cond_wait_until(&cv, &lock, thread_deadline(5000 * MS));
    tap_ok(r == 0 && flag && since(t0) < 4000 * MS,
       "cond_wait_until is woken by cond_signal");
    mutex_unlock(&lock);
    thread_join(t, NULL);
}

/* Five waiters with different timeouts time out in deadline order. */
static int order[5], done;

static void *timed_waiter(void *arg)
{
    static struct semaphore never = SEMAPHORE_INIT(0);

    sem_down_until(&never, thread_deadline((uintptr_t)arg * MS));
    order[done++] = (int)(uintptr_t)arg;
    return NULL;
}

static void test_deadline_order(void)
{
    static const int ms[5] = {50, 10, 40, 20, 30};
    struct thread *t[5];
    int sorted = 1;

    for (int i = 0; i < 5; i++)
        t[i] = thread_create("timed", timed_waiter,
                             (void *)(uintptr_t)ms[i], 0);
    for (int i = 0; i < 5; i++)
        thread_join(t[i], NULL);
    for (int i = 1; i < 5; i++)
        sorted &= order[i - 1] < order[i];
    tap_ok(done == 5 && sorted, "timed waits expire in deadline order");
}

static struct mbox box;
static void *slots[4];

static void *consumer(void *arg)
{
    uint64_t sum = 0;
    void *msg;

    (void)arg;
    for (int i = 0; i < 1000; i++) {
        if (mbox_fetch_until(&box, &msg, THREAD_FOREVER))
            return NULL;
        sum += (uintptr_t)msg;
    }
    return (void *)(uintptr_t)sum;
}

static void test_mbox(void)
{
    void *msg = NULL, *ret;
    uint64_t t0 = clock_monotonic_ns();
    struct thread *t;
    int in_order = 1, posted = 1;

    mbox_init(&box, slots, 4);
    tap_ok(mbox_fetch_until(&box, &msg, thread_deadline(10 * MS)) == -1 &&
           since(t0) >= 10 * MS,
       "mbox_fetch_until on an empty box times out");
    for (uintptr_t i = 1; i <= 4; i++)
        posted &= mbox_trypost(&box, (void *)i) == 0;
    tap_ok(posted && mbox_trypost(&box, (void *)5) == -1 &&
           mbox_post_until(&box, (void *)5, thread_deadline(5 * MS)) == -1,
       "a full box refuses a post, and a timed post times out");
    for (uintptr_t i = 1; i <= 4; i++)
        in_order &= mbox_tryfetch(&box, &msg) == 0 && msg == (void *)i;
    tap_ok(in_order && mbox_tryfetch(&box, &msg) == -1,
       "messages come out in the order they went in");
    t = thread_create("consumer", consumer, NULL, 0);
    for (uintptr_t i = 1; i <= 1000; i++)
        mbox_post_until(&box, (void *)i, THREAD_FOREVER);
    thread_join(t, &ret);
    tap_ok((uintptr_t)ret == 500500,
       "1000 messages through a 4-slot box between two threads");
}

static void *short_life(void *arg)
{
    if ((uintptr_t)arg & 1)
        thread_yield();
    return arg;
}

/* Half are detached while they run, half after they have ended. */
static int detached_batch(int n)
{
    struct thread *t[50];

    for (int i = 0; i < n; i++) {
        t[i] = thread_create("detached", short_life, (void *)(uintptr_t)i, 0);
        if (!t[i])
            return 0;
        if (i & 1)
            thread_detach(t[i]);
    }
    thread_yield();
    thread_sleep_ns(1 * MS); /* every one of them has ended */
    for (int i = 0; i < n; i += 2)
        thread_detach(t[i]);
    return 1;
}

static void test_detached_threads(void)
{
    uint64_t before, after;
    int made = 1;
    char line[96];

    made &= detached_batch(50); /* the pools' first pages */
    thread_sleep_ns(1 * MS);
    before = mm_pages()->free_pages;
    for (int round = 0; round < 20; round++)
        made &= detached_batch(50);
    thread_sleep_ns(1 * MS); /* the last zombie is reaped while idle */
    after = mm_pages()->free_pages;
    snprintf(line, sizeof(line), "1000 detached threads ended: free pages "
             "%llu before, %llu after",
             (unsigned long long)before, (unsigned long long)after);
    tap_ok(made && after == before, line);
    tap_ok(sched_live_threads() == 1, "only main is left");
}

static struct semaphore ended = SEMAPHORE_INIT(0);

static void *end_detached(void *arg)
{
    sem_up(&ended); /* main runs next, once this thread has exited */
    return arg;
}

/* Ten detached threads, each ending as soon as it runs; main waits for
 * all, then does nothing that switches threads again (no sleep, no
 * create): the last one's stack must be gone already. */
static int detached_ten(void)
{
    for (int i = 0; i < 10; i++) {
        struct thread *t = thread_create("ends", end_detached, NULL, 0);

        if (!t)
            return 0;
        thread_detach(t);
    }
    for (int i = 0; i < 10; i++)
        sem_down(&ended);
    return 1;
}

static void test_last_detached_freed_at_once(void)
{
    uint64_t before, after;
    int made = detached_ten(); /* the pools' pages */
    char line[112];

    thread_sleep_ns(1 * MS);
    before = mm_pages()->free_pages;
    made &= detached_ten();
    after = mm_pages()->free_pages;
    snprintf(line, sizeof(line), "the last detached thread is freed when "
             "main runs again: free pages %llu before, %llu after",
             (unsigned long long)before, (unsigned long long)after);
    tap_ok(made && after == before && sched_live_threads() == 1, line);
}

/* The RTC's periodic interrupt wakes main, blocked with no timeout and
 * no sleeper anywhere: waiting for an interrupt is not a deadlock. */
static volatile unsigned rtc_ticks;
static struct semaphore rtc_sem = SEMAPHORE_INIT(0);

static void rtc_tick(void *arg)
{
    (void)arg;
    if (++rtc_ticks == 8)
        sem_up(&rtc_sem);
}

static void test_wait_for_interrupt(void)
{
    char why[96];
    uint64_t t0;

    if (cmos_rtc_second(clock_monotonic_ns) < 0 || xen_present()) {
        tap_skip("a thread blocked for ever is woken by an interrupt",
                 xen_present() ? "Xen owns the RTC's interrupt" : "no RTC");
        return;
    }
    t0 = clock_monotonic_ns();
    if (rtc_periodic_start(rtc_tick, NULL, why, sizeof(why))) {
        printf("# %s\n", why);
        tap_ok(0, "RTC interrupt routed");
        return;
    }
    sched_add_wake_source();
    sem_down(&rtc_sem); /* no timeout, nobody sleeping */
    rtc_periodic_stop();
    sched_remove_wake_source();
    tap_ok(rtc_ticks >= 8 && since(t0) < 5000 * MS,
       "a thread blocked for ever is woken by an interrupt, no deadlock");
}

/* A thread that computes and yields (what the docs tell a long loop to
 * do) must let interrupts in: they were taken only when the CPU went
 * idle, and a yield with the caller ready again never idles. */
static unsigned yield_ticks;

static void yield_tick(void *arg)
{
    (void)arg;
    yield_ticks++;
}

static void test_yield_takes_interrupts(void)
{
    char why[96];
    uint64_t t0 = clock_monotonic_ns();
    char line[96];

    if (cmos_rtc_second(clock_monotonic_ns) < 0 || xen_present()) {
        tap_skip("a thread that only yields still takes interrupts",
                 xen_present() ? "Xen owns the RTC's interrupt" : "no RTC");
        return;
    }
    if (rtc_periodic_start(yield_tick, NULL, why, sizeof(why))) {
        printf("# %s\n", why);
        tap_ok(0, "RTC interrupt routed");
        return;
    }
    while (since(t0) < 300 * MS)
        thread_yield(); /* never idle: nobody else is ready */
    rtc_periodic_stop();
    snprintf(line, sizeof(line), "a thread that only yields still takes "
             "interrupts (%u RTC ticks in 300 ms)", yield_ticks);
    tap_ok(yield_ticks >= 4, line);
}

/* A deadline far away (THREAD_FOREVER - 1, what thread_deadline gives
 * for any very long wait) must leave the CPU idle until something else
 * wakes it.  Xen takes a single-shot timer past 2^63 ns as already due:
 * armed as it was, it fired at once, again and again.  A periodic tick
 * ends the wait: the RTC's on QEMU; under Xen the local APIC timer, which
 * is there only the scheduler's backup. */
static unsigned far_ticks, far_ticks_wanted;

static void far_tick(void *arg)
{
    (void)arg;
    if (++far_ticks == far_ticks_wanted)
        sem_up(&rtc_sem);
}

static void far_lapic_tick(unsigned vector, void *arg)
{
    (void)vector;
    far_tick(arg);
}

static void test_far_deadline_idles(void)
{
    char why[96], line[128];
    uint64_t halts, t0;
    int r;

    if (!xen_present() && cmos_rtc_second(clock_monotonic_ns) < 0) {
        tap_skip("a wait until THREAD_FOREVER - 1 idles", "no RTC");
        return;
    }
    far_ticks = 0;
    far_ticks_wanted = xen_present() ? 3 : 16; /* 100 ms or 1/64 s each */
    if (xen_present()) {
        /* the backup's own handler only counts its wake-ups, for a
         * report this test's far deadline never makes */
        irq_register(TIMER_VECTOR, far_lapic_tick, 0);
    } else if (rtc_periodic_start(far_tick, NULL, why,
                                  sizeof(why))) {
        printf("# %s\n", why);
        tap_ok(0, "RTC interrupt routed");
        return;
    }
    sched_add_wake_source();
    halts = sched_idle_halts();
    t0 = clock_monotonic_ns();
    r = sem_down_until(&rtc_sem, thread_deadline(UINT64_MAX));
    halts = sched_idle_halts() - halts;
    if (xen_present())
        irq_register(TIMER_VECTOR, 0, 0); /* a tick now counts as spurious */
    else
        rtc_periodic_stop();
    sched_remove_wake_source();
    snprintf(line, sizeof(line), "a wait until THREAD_FOREVER - 1 idles: %llu "
             "halts for %u ticks in %llu ms", (unsigned long long)halts,
             far_ticks, (unsigned long long)(since(t0) / MS));
    tap_ok(r == 0 && halts <= 4 * far_ticks_wanted, line);
}

/* A vector an app registers itself (irq_route_isa, irq_register) is not
 * handed to a driver by irq_alloc_vector afterwards. */
static void test_vector_taken_by_app(void)
{
    int v;

    irq_register(0x30, far_lapic_tick, 0);
    v = irq_alloc_vector(far_lapic_tick, 0);
    tap_ok(v > 0x30, "irq_alloc_vector skips a vector an app registered");
    if (v >= 0)
        irq_free_vector((unsigned)v);
    irq_free_vector(0x30);
}

static struct semaphore evtchn_sem = SEMAPHORE_INIT(0);

static void evtchn_fired(unsigned port, void *arg)
{
    (void)port;
    (void)arg;
    sem_up(&evtchn_sem);
}

/* Event channels bind through irq_bind like every other source: under
 * Xen a port of our own, raised with EVTCHNOP_send, wakes a thread; once
 * unbound it wakes nobody.  Elsewhere the kind is refused with a reason. */
static void test_evtchn_through_irq_bind(void)
{
    struct irq_source src = {.kind = IRQ_SOURCE_EVTCHN};
    struct irq_binding b, again;
    char why[96] = "";
    int port;

    if (!xen_present()) {
        tap_ok(irq_bind(&src, evtchn_fired, 0, &b, why, sizeof(why)) == -1 &&
                   strstr(why, "no event channels"),
               "irq_bind refuses an event channel off Xen, saying why");
        return;
    }
    port = xen_evtchn_alloc_ipi();
    src.number = (uint32_t)port;
    tap_ok(port > 0 && irq_bind(&src, evtchn_fired, 0, &b, why,
                                sizeof(why)) == 0,
           "irq_bind binds an event channel");
    tap_ok(irq_bind(&src, evtchn_fired, 0, &again, why, sizeof(why)) == -1,
           "irq_bind refuses a port bound already");
    xen_evtchn_send((unsigned)port);
    tap_ok(sem_down_until(&evtchn_sem, thread_deadline(2000000000ull)) == 0,
           "an event channel's handler wakes a thread");
    irq_unbind(&b);
    xen_evtchn_send((unsigned)port);
    tap_ok(sem_down_until(&evtchn_sem, thread_deadline(200000000ull)) != 0,
           "an unbound event channel wakes nobody");
}

/* errno and strtok's position are per thread: two threads interleave. */
static void *libc_state_user(void *arg)
{
    char words[] = "b1 b2 b3";
    int good = 1;

    errno = (int)(uintptr_t)arg;
    good &= !strcmp(strtok(words, " "), "b1");
    thread_yield(); /* main sets its own errno and strtok meanwhile */
    good &= errno == (int)(uintptr_t)arg;
    good &= !strcmp(strtok(NULL, " "), "b2");
    thread_yield();
    good &= !strcmp(strtok(NULL, " "), "b3");
    return (void *)(uintptr_t)good;
}

static void test_libc_state_per_thread(void)
{
    char words[] = "a1 a2 a3";
    struct thread *t = thread_create("libc-user", libc_state_user,
                                     (void *)(uintptr_t)ERANGE, 0);
    void *theirs;
    int good = 1;

    errno = EDOM;
    good &= !strcmp(strtok(words, " "), "a1");
    thread_yield();
    good &= errno == EDOM && !strcmp(strtok(NULL, " "), "a2");
    thread_yield();
    good &= !strcmp(strtok(NULL, " "), "a3");
    thread_join(t, &theirs);
    tap_ok(good && theirs == (void *)1,
       "errno and strtok's position belong to each thread");
}

/* A thread's C library state goes back whole when it ends, big-number
 * caches included: strtod of 1e-300 fills newlib's cache of powers of
 * five (pow5mult's p5s), which _reclaim_reent does not free. */
static void *parse_small_number(void *arg)
{
    return (void *)(uintptr_t)(strtod(arg, NULL) > 0);
}

static void test_libc_state_freed(void)
{
    uint64_t before = 0;
    int good = 1;
    char line[96];

    for (int i = 0; i < 51; i++) {
        struct thread *t = thread_create("strtod", parse_small_number,
                                         "1.5e-300", 0);
        void *r;

        if (i == 1) /* after the first: the size classes' pools are warm */
            before = kalloc_stats()->in_use;
        thread_join(t, &r);
        good &= r == (void *)1;
    }
    snprintf(line, sizeof(line), "50 threads that ran strtod: kalloc in "
             "use %llu before, %llu after", (unsigned long long)before,
             (unsigned long long)kalloc_stats()->in_use);
    tap_ok(good && kalloc_stats()->in_use == before, line);
}

/* thread_create when memory runs out: NULL, never fatal, even when the
 * stack's pages are there but unmapping its guard page needs a page
 * table (a large page split) that is not. */
static void *nothing(void *arg)
{
    return arg;
}

static int oom(void)
{
    static void *blocks[32768];
    int n = 0;
    struct thread *t = thread_create("warm", nothing, NULL, 0);

    thread_join(t, NULL); /* the control block and reent pools are warm */
    while (n < 32768 && (blocks[n] = malloc(9 * 4096 - 64))) /* a stack's run */
        n++;
    while (n < 32768 && (blocks[n] = malloc(1000)))
        n++;
    printf("sched-selftest: memory full, %llu pages free; thread_create: %s\n",
           (unsigned long long)mm_pages()->free_pages,
           thread_create("oom", nothing, NULL, 0) ? "a thread" : "NULL");
    free(blocks[n / 3]); /* one run of a stack's size, away from the others */
    t = thread_create("oom", nothing, NULL, 0);
    printf("sched-selftest: with one stack's pages free, thread_create: %s\n",
           t ? "a thread" : "NULL");
    if (t)
        thread_join(t, NULL);
    blocks[n / 3] = NULL;
    for (int i = 0; i < n; i++)
        free(blocks[i]);
    t = thread_create("after", nothing, (void *)5, 0);
    void *r = NULL;
    if (t)
        thread_join(t, &r);
    printf("sched-selftest: memory back, thread_create: %s\n",
           r == (void *)5 ? "a thread" : "NULL");
    return 0;
}

static void *sleep_then_return(void *arg)
{
    thread_sleep_ns(20 * MS);
    return arg;
}

/* A joined thread's handle, once a new thread has its control block
 * (the pool hands the last freed block out first). */
static int stale_handle(const char *how)
{
    struct thread *old = thread_create("first", nothing, (void *)1, 0);
    void *r = NULL;

    thread_join(old, NULL);
    thread_create("second", sleep_then_return, (void *)2, 0);
    printf("sched-selftest: %s through a stale handle\n", how);
    if (!strcmp(how, "join")) {
        thread_join(old, &r);
        printf("sched-selftest: not caught: the join returned %p, thread "
               "second's value\n", r);
    } else {
        thread_detach(old);
        printf("sched-selftest: not caught: thread second was detached "
               "instead\n");
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "deadlock")) {
        printf("sched-selftest: blocking for ever\n");
        sem_down(&sem);
        return 0;
    }
    if (argc > 1 && !strcmp(argv[1], "oom"))
        return oom();
    if (argc > 1 && !strncmp(argv[1], "stale-", 6))
        return stale_handle(argv[1] + 6);
    if (argc > 1 && !strcmp(argv[1], "exit-in-main")) {
        printf("sched-selftest: buffered, no newline");
        thread_exit((void *)3);
    }
    printf("TAP version 13\n");
    test_semaphore_deadlines();
    test_cond_deadlines();
    test_deadline_order();
    test_mbox();
    test_libc_state_per_thread();
    test_libc_state_freed();
    test_detached_threads();
    test_last_detached_freed_at_once();
    test_wait_for_interrupt();
    test_yield_takes_interrupts();
    test_far_deadline_idles();
    test_vector_taken_by_app();
    test_evtchn_through_irq_bind();
    return tap_done();
}
