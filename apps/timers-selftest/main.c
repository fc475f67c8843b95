/*
 * timers-selftest: clocks, sleeps, timers and threads, as TAP; the exit
 * status is the number of failures.  Tolerances are wide (this runs under
 * emulation on shared machines) but a clock that stands still or runs at
 * the wrong rate fails: the TSC's rate is checked against the CMOS RTC.
 */
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>
#include <tern/arch.h>
#include <tern/io.h>
#include <tern/mm.h>
#include <tern/xen.h>
#include <tern/pc.h>
#include <tern/tap.h>
#include <tern/thread.h>
#include <tern/time.h>



static uint64_t now_ms(void)
{
    return clock_monotonic_ns() / 1000000ull;
}

static void test_sleeps(void)
{
    static const uint64_t ms[] = {1, 10, 100};
    uint64_t halts = sched_idle_halts();

    for (unsigned i = 0; i < 3; i++) {
        uint64_t t0 = clock_monotonic_ns(), took;
        char name[64];

        thread_sleep_ns(ms[i] * 1000000ull);
        took = clock_monotonic_ns() - t0;
        snprintf(name, sizeof(name), "sleep %llu ms took %llu us",
                 (unsigned long long)ms[i], (unsigned long long)(took / 1000));
        /* Never early.  Late only by what the host takes: a Xen domU
         * nested in TCG on a loaded machine once woke 2.45 s late
         * (the best-of-three test below bounds the timer itself), so
         * this bound only catches a timer that never fires. */
        tap_ok(took >= ms[i] * 1000000ull &&
               took < ms[i] * 1000000ull + 10000000000ull,
           name);
    }
    tap_ok(sched_idle_halts() > halts, "the CPU halted while everyone slept");
    {
        uint64_t t0 = clock_monotonic_ns();

        thread_sleep_ns(0);
        tap_ok(clock_monotonic_ns() - t0 < 1000000000ull,
           "a sleep of 0 (a timer in the past) returns at once");
    }
    {
        struct timespec ts = {0, 5000000};
        uint64_t t0 = now_ms();

        tap_ok(nanosleep(&ts, NULL) == 0 && usleep(5000) == 0 &&
               now_ms() - t0 >= 10,
           "nanosleep and usleep sleep");
    }
}

/* An RTC second boundary, caught by reading the seconds register back
 * to back: it lies between the start of the last read that saw the old
 * second and the end of the first read that saw the new one.  A wide
 * bracket means this vCPU was preempted meanwhile. */
struct rtc_edge {
    uint64_t earliest, latest; /* monotonic ns */
    int second;                /* the new second */
};

static int catch_rtc_edge(struct rtc_edge *e, uint64_t give_up_ns)
{
    uint64_t last_old = clock_monotonic_ns();
    int old = cmos_rtc_second(clock_monotonic_ns);

    for (;;) {
        uint64_t t = clock_monotonic_ns();
        int s = cmos_rtc_second(clock_monotonic_ns);

        /* -1 is a read that failed, not a second: taken as one, it made
         * a false edge, and a "second" of 1000 ms / (s + 1) (31 ms). */
        if (s < 0 || old < 0) {
            if (t > give_up_ns)
                return -1;
            old = s;
            last_old = t;
            continue;
        }
        if (s != old) {
            e->earliest = last_old;
            e->latest = clock_monotonic_ns();
            e->second = s;
            return 0;
        }
        if (t > give_up_ns)
            return -1;
        last_old = t;
    }
}

static uint64_t edge_mid(const struct rtc_edge *e)
{
    return e->earliest + (e->latest - e->earliest) / 2;
}

static uint64_t edge_width(const struct rtc_edge *e)
{
    return e->latest - e->earliest;
}

/* The RTC second edge after the next, about 900 ms after *prev. */
static int next_rtc_edge(const struct rtc_edge *prev, struct rtc_edge *e)
{
    uint64_t wake = edge_mid(prev) + 900000000ull, now = clock_monotonic_ns();

    thread_sleep_ns(wake > now ? wake - now : 0);
    return catch_rtc_edge(e, clock_monotonic_ns() + 1500000000ull);
}

#define EDGES 12
#define MAX_UNCERTAINTY_NS 10000000ull /* 1% of a second */

/* The length of one RTC second by the monotonic clock, from the pair of
 * edges (of up to EDGES, a second apart) whose blur is a small enough
 * part of the span between them: under 1%.  On a busy host an edge is
 * often blurred by 4-150 ms: the vCPU waits for a CPU, and for QEMU's
 * main loop (which runs the RTC) to get one.  *uncertainty is how far
 * the true length may be from the result. */
static int one_rtc_second(uint64_t *took, uint64_t *uncertainty,
                          char *seen, unsigned seenlen)
{
    struct rtc_edge e[EDGES];
    unsigned used = 0;

    if (catch_rtc_edge(&e[0], clock_monotonic_ns() + 1500000000ull))
        return -1;
    for (int j = 1; j < EDGES; j++) {
        used += (unsigned)snprintf(seen + used, seenlen - used, " %d/%llu",
                                   e[j - 1].second,
                                   (unsigned long long)edge_width(&e[j - 1]) /
                                       1000);
        if (used >= seenlen || next_rtc_edge(&e[j - 1], &e[j]))
            return -1;
        for (int i = 0; i < j; i++) {
            unsigned k = (unsigned)(e[j].second - e[i].second + 60) % 60;
            uint64_t blur = (edge_width(&e[i]) + edge_width(&e[j])) / 2;

            if (k && blur / k <= MAX_UNCERTAINTY_NS) {
                *took = (edge_mid(&e[j]) - edge_mid(&e[i])) / k;
                *uncertainty = blur / k;
                return 0;
            }
        }
    }
    return -1;
}

static void test_clock_rate(void)
{
    uint64_t took, uncertainty;
    char seen[160];

    printf("# clock: %s\n", clock_describe());
    if (cmos_rtc_second(clock_monotonic_ns) < 0) {
        tap_skip("TSC rate against the RTC", "no CMOS RTC");
        return;
    }
    if (one_rtc_second(&took, &uncertainty, seen, sizeof(seen))) {
        printf("# RTC edges (second/width in us):%s\n", seen);
        tap_ok(0, "RTC second boundaries caught within 1%");
        return;
    }
    printf("# one RTC second took %llu.%03llu ms of the monotonic clock "
           "(+-%llu us)\n",
           (unsigned long long)(took / 1000000),
           (unsigned long long)(took / 1000 % 1000),
           (unsigned long long)(uncertainty / 1000));
    tap_ok(took > 980000000ull && took < 1020000000ull,
       "one RTC second is one second of the monotonic clock (+-2%)");
}

/* The LAPIC timer's rate: a timer that fires late by a factor shows in
 * every sleep (one measured in a preempted window made sleeps 7-9 times
 * too long), so the best of three 100 ms sleeps must end within 50 ms of
 * its deadline.  Lateness from preemption is random, a rate is not; but
 * on a host with 9 runnable threads for 2 CPUs all three were seen 21 ms
 * late, so this does not resolve a rate off by less than half. */
static void test_timer_rate(void)
{
    uint64_t best = UINT64_MAX;
    char name[80];

    for (int i = 0; i < 3; i++) {
        uint64_t t0 = clock_monotonic_ns(), took;

        thread_sleep_ns(100000000ull);
        took = clock_monotonic_ns() - t0;
        if (took < best)
            best = took;
    }
    snprintf(name, sizeof(name),
             "the best of three 100 ms sleeps took %llu us (under 150 ms)",
             (unsigned long long)(best / 1000));
    tap_ok(best >= 100000000ull && best < 150000000ull, name);
}

static void test_monotonic(void)
{
    uint64_t prev = clock_monotonic_ns();
    int good = 1;

    for (int i = 0; i < 10000; i++) {
        uint64_t t = clock_monotonic_ns();

        good &= t >= prev;
        prev = t;
    }
    tap_ok(good, "monotonic clock never goes back over 10000 reads");
}

static int order[5], norder;

static void *sleeper(void *arg)
{
    uint64_t ms = (uintptr_t)arg;

    thread_sleep_ns(ms * 1000000ull);
    order[norder++] = (int)ms;
    return (void *)(uintptr_t)(ms * 2);
}

static void test_ordering_and_join(void)
{
    static const int ms[] = {50, 10, 40, 20, 30};
    struct thread *t[5];
    int in_order = 1, joined = 1;

    norder = 0;
    for (int i = 0; i < 5; i++)
        t[i] = thread_create("sleeper", sleeper, (void *)(uintptr_t)ms[i], 0);
    for (int i = 0; i < 5; i++) {
        void *ret;

        thread_join(t[i], &ret);
        joined &= (uintptr_t)ret == (uintptr_t)ms[i] * 2;
    }
    for (int i = 0; i < 5; i++)
        in_order &= order[i] == (i + 1) * 10;
    tap_ok(norder == 5 && in_order, "timers fire in deadline order");
    tap_ok(joined, "join returns each thread's result");
}

static struct mutex lock = MUTEX_INIT;
static struct cond turn_changed = COND_INIT;
static int turn, pings;

static void *pinger(void *arg)
{
    int me = (int)(uintptr_t)arg;

    for (int i = 0; i < 1000; i++) {
        mutex_lock(&lock);
        while (turn != me)
            cond_wait(&turn_changed, &lock);
        pings++;
        turn = !me;
        cond_signal(&turn_changed);
        mutex_unlock(&lock);
    }
    return NULL;
}

static void test_ping_pong(void)
{
    struct thread *a = thread_create("ping", pinger, (void *)0, 0);
    struct thread *b = thread_create("pong", pinger, (void *)1, 0);
    uint64_t switches = sched_switches();

    thread_join(a, NULL);
    thread_join(b, NULL);
    tap_ok(pings == 2000, "two threads ping-pong 1000 times through a condvar");
    tap_ok(sched_switches() - switches >= 2000, "every hand-off is a switch");
}

static int counter;

static void *incrementer(void *arg)
{
    (void)arg;
    for (int i = 0; i < 100; i++) {
        int seen;

        mutex_lock(&lock);
        seen = counter;
        thread_yield(); /* invite the others into the critical section */
        counter = seen + 1;
        mutex_unlock(&lock);
    }
    return NULL;
}

static void test_mutex(void)
{
    struct thread *t[8];

    for (int i = 0; i < 8; i++)
        t[i] = thread_create("incr", incrementer, NULL, 0);
    for (int i = 0; i < 8; i++)
        thread_join(t[i], NULL);
    tap_ok(counter == 800, "8 contending threads: the mutex loses no increment");
    tap_ok(mutex_trylock(&lock) == 0 && mutex_trylock(&lock) == -1,
       "trylock takes a free mutex, refuses a held one");
    mutex_unlock(&lock);
}

static struct semaphore slots = SEMAPHORE_INIT(4), items = SEMAPHORE_INIT(0);
static int buffer[4], head, tail;
static long sum;

static void *producer(void *arg)
{
    (void)arg;
    for (int i = 1; i <= 100; i++) {
        sem_down(&slots);
        buffer[head++ % 4] = i;
        sem_up(&items);
    }
    return NULL;
}

static void *consumer(void *arg)
{
    (void)arg;
    for (int i = 0; i < 100; i++) {
        sem_down(&items);
        sum += buffer[tail++ % 4];
        sem_up(&slots);
    }
    return NULL;
}

static void test_semaphores(void)
{
    struct thread *p = thread_create("producer", producer, NULL, 0);
    struct thread *c = thread_create("consumer", consumer, NULL, 0);

    thread_join(p, NULL);
    thread_join(c, NULL);
    tap_ok(sum == 5050, "a bounded buffer through two semaphores passes 1..100");
}

static void *short_life(void *arg)
{
    thread_sleep_ns((uintptr_t)arg * 100000ull);
    return arg;
}

static int thirty_two_threads(void)
{
    struct thread *t[32];
    int made = 1;

    for (int i = 0; i < 32; i++)
        made &= (t[i] = thread_create("many", short_life,
                                      (void *)(uintptr_t)i, 0)) != NULL;
    for (int i = 0; made && i < 32; i++)
        thread_join(t[i], NULL);
    return made;
}

/* The first round may split 2 MiB mappings for guard pages (page tables
 * stay); a second round must then cost nothing at all. */
static void test_many_threads(void)
{
    uint64_t after_first;

    tap_ok(thirty_two_threads(), "32 threads start and end");
    after_first = mm_pages()->free_pages;
    tap_ok(thirty_two_threads() && mm_pages()->free_pages == after_first,
       "their stacks and guard pages go back to the page allocator");
}

/* A device interrupt end to end: the CMOS RTC's periodic interrupt
 * (ISA IRQ 8) through the I/O APIC, counted while the CPU idles. */
static volatile unsigned rtc_ticks;

static void rtc_tick(void *arg)
{
    (void)arg;
    rtc_ticks++;
}


static void test_device_interrupt(void)
{
    char why[96];
    uint64_t spurious = irq_spurious_count();

    if (cmos_rtc_second(clock_monotonic_ns) < 0 || xen_present()) {
        tap_skip("RTC interrupt through the I/O APIC",
                 xen_present() ? "Xen owns the RTC's interrupt" : "no CMOS RTC");
        return;
    }
    {
        uint64_t t0 = clock_monotonic_ns(), ms, want;

        if (rtc_periodic_start(rtc_tick, NULL, why,
                               sizeof(why))) {
            printf("# %s\n", why);
            tap_ok(0, "RTC interrupt routed through the I/O APIC");
            return;
        }
        thread_sleep_ns(500000000ull);
        rtc_periodic_stop();
        ms = (clock_monotonic_ns() - t0) / 1000000ull;
        want = ms * 64 / 1000; /* what 64 Hz gives over the real sleep */
        printf("# %u RTC interrupts at 64 Hz in %llu ms\n", rtc_ticks,
               (unsigned long long)ms);
        /* Never more than 64 Hz gives (a storm, or a clock running slow).
         * Fewer is QEMU's doing on a busy host: its RTC drops the ticks
         * due while its main loop waits for a CPU (lost_tick_policy
         * "discard"): 6 of 17, and 8 of 57, were seen.  The check is of
         * the routing, so a few must arrive; the rate is the clock's
         * check (one RTC second, above). */
        tap_ok(want && rtc_ticks >= 4 && rtc_ticks <= want * 5 / 4 + 1,
           "RTC interrupts arrive through the I/O APIC, never faster "
           "than 64 Hz");
    }
    tap_ok(irq_spurious_count() == spurious, "no spurious interrupts meanwhile");
}

int main(void)
{
    printf("TAP version 13\n");
    test_monotonic();
    test_sleeps();
    test_clock_rate();
    test_timer_rate();
    test_ordering_and_join();
    test_ping_pong();
    test_mutex();
    test_semaphores();
    test_many_threads();
    test_device_interrupt();
    {
        uint64_t t0 = clock_monotonic_ns();

        thread_yield();
        tap_ok(clock_monotonic_ns() - t0 < 1000000000ull,
           "yield with nobody else ready returns at once");
    }
    return tap_done();
}
