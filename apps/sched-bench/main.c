/*
 * sched-bench: thread switch, create-and-exit and interrupt-to-thread
 * costs, and timer latency, printed as "bench: <name> <value>" lines for
 * make bench.  Under QEMU -icount shift=0 TSC ticks are guest
 * instructions.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <tern/arch.h>
#include <tern/io.h>
#include <tern/pc.h>
#include <tern/thread.h>
#include <tern/time.h>

#define YIELDS 20000
#define SLEEPS 50
#define THREADS 2000
#define WAKES 24

static void *yielder(void *arg)
{
    (void)arg;
    for (int i = 0; i < YIELDS; i++)
        thread_yield();
    return NULL;
}

static int cmp(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return x < y ? -1 : x > y;
}

static void *nothing(void *arg)
{
    return arg;
}

/* Create, run to its end and free: detached (the scheduler frees it) or
 * joined.  Per thread, in TSC ticks. */
static uint64_t create_exit_ticks(int detached)
{
    uint64_t t0 = rdtsc();

    for (int i = 0; i < THREADS; i++) {
        struct thread *t = thread_create("bench", nothing, NULL, 0);

        if (detached) {
            thread_detach(t);
            thread_yield(); /* it runs and ends; the next create reaps it */
        } else {
            thread_join(t, NULL);
        }
    }
    return (rdtsc() - t0) / THREADS;
}

/* The RTC's periodic interrupt ups a semaphore a thread waits on: ticks
 * from the handler's first line to the thread's first line after. */
static struct semaphore woken = SEMAPHORE_INIT(0);
static volatile uint64_t irq_at;
static uint64_t wake_ticks[WAKES];


static void rtc_tick(void *arg)
{
    uint64_t now = rdtsc();

    (void)arg;
    if (!woken.count && !irq_at) {
        irq_at = now;
        sem_up(&woken);
    }
}

static int cmp(const void *a, const void *b);

static void interrupt_to_thread(void)
{
    char why[96];

    if (cmos_rtc_second(clock_monotonic_ns) < 0 ||
        rtc_periodic_start(rtc_tick, NULL, why, sizeof(why))) {
        printf("# no RTC interrupt: no interrupt-to-thread figure\n");
        return;
    }
    sched_add_wake_source();
    for (int i = 0; i < WAKES; i++) {
        sem_down(&woken);
        wake_ticks[i] = rdtsc() - irq_at;
        irq_at = 0;
    }
    rtc_periodic_stop();
    sched_remove_wake_source();
    qsort(wake_ticks, WAKES, sizeof(wake_ticks[0]), cmp);
    printf("bench: irq_wake_ticks_median %llu\n",
           (unsigned long long)wake_ticks[WAKES / 2]);
    printf("bench: irq_wake_ticks_max %llu\n",
           (unsigned long long)wake_ticks[WAKES - 1]);
}

int main(void)
{
    static uint64_t late[SLEEPS];
    struct thread *a, *b;
    uint64_t t0, ticks;

    a = thread_create("a", yielder, NULL, 0);
    b = thread_create("b", yielder, NULL, 0);
    t0 = rdtsc();
    thread_join(a, NULL);
    thread_join(b, NULL);
    ticks = rdtsc() - t0;
    printf("bench: switch_ticks %llu\n",
           (unsigned long long)(ticks / (2ull * YIELDS)));
    for (int i = 0; i < SLEEPS; i++) {
        uint64_t want = clock_monotonic_ns() + 1000000;

        thread_sleep_ns(1000000);
        late[i] = clock_monotonic_ns() - want;
    }
    qsort(late, SLEEPS, sizeof(late[0]), cmp);
    printf("bench: timer_late_ns_median %llu\n",
           (unsigned long long)late[SLEEPS / 2]);
    printf("bench: timer_late_ns_max %llu\n",
           (unsigned long long)late[SLEEPS - 1]);
    printf("bench: create_exit_detached_ticks %llu\n",
           (unsigned long long)create_exit_ticks(1));
    printf("bench: create_join_ticks %llu\n",
           (unsigned long long)create_exit_ticks(0));
    interrupt_to_thread();
    return 0;
}
