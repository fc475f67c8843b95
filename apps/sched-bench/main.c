/*
 * sched-bench: thread switch cost and timer latency, printed as
 * "bench: <name> <value>" lines for make bench.  Under QEMU -icount
 * shift=0 TSC ticks are guest instructions.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <tern/io.h>
#include <tern/thread.h>
#include <tern/time.h>

#define YIELDS 20000
#define SLEEPS 50

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
    return 0;
}
