/* The TSC's rate from bracketed reference samples: preempted reads,
 * wrapped counters, disagreeing windows, and CPUID's claims. */
#include <tern/tsc_rate.h>
#include "test.h"

#define TSC_HZ 2445000000ull
#define PM {3579545u, 0xffffffu}
#define PIT {1193182u, 0xffffu}

static struct tsc_sample s[16];

/* A read at true time t_us, bracketed by width TSC ticks. */
static void sample(unsigned i, uint64_t t_us, struct ref_counter ref,
                   uint32_t ref_start, uint64_t width)
{
    s[i].tsc = 1000000 + t_us * (TSC_HZ / 1000000);
    s[i].width = width;
    s[i].ref = (uint32_t)(ref_start + t_us * ref.hz / 1000000) & ref.mask;
}

static void clean_run(struct ref_counter ref, uint32_t ref_start)
{
    for (unsigned i = 0; i < 9; i++)
        sample(i, i * 2500, ref, ref_start, 20000 + i * 100);
}

static int near(uint64_t got, uint64_t want, uint64_t parts_per_million)
{
    uint64_t d = got > want ? got - want : want - got;

    return d <= want / 1000000 * parts_per_million;
}

TEST(tsc_rate_clean_samples_give_the_rate)
{
    unsigned agreed, windows;
    struct ref_counter pm = PM;

    clean_run(pm, 12345);
    CHECK(near(tsc_rate_from_samples(s, 9, pm, &agreed, &windows), TSC_HZ,
               50));
    CHECK(agreed == 8 && windows == 8);
}

TEST(tsc_rate_counter_wrapping_mid_run_is_fine)
{
    unsigned agreed, windows;
    struct ref_counter pm = PM, pit = PIT;

    clean_run(pm, 0xffffff - 20000); /* the 24-bit PM timer wraps */
    CHECK(near(tsc_rate_from_samples(s, 9, pm, &agreed, &windows), TSC_HZ,
               50));
    clean_run(pit, 0xfff0); /* the PIT wraps every 55 ms */
    CHECK(near(tsc_rate_from_samples(s, 9, pit, &agreed, &windows), TSC_HZ,
               200));
}

/* The vCPU preempted for 4 ms between a TSC read and the reference
 * read: that bracket is wide, its midpoint 2 ms off.  Taken at face
 * value it skews two windows by 80%; it must be dropped instead. */
TEST(tsc_rate_a_preempted_read_is_dropped)
{
    unsigned agreed, windows;
    struct ref_counter pm = PM;

    clean_run(pm, 777);
    s[4].width = 4000 * (TSC_HZ / 1000000);
    s[4].tsc += s[4].width / 2;
    CHECK(near(tsc_rate_from_samples(s, 9, pm, &agreed, &windows), TSC_HZ,
               50));
    CHECK(windows == 7 && agreed == 7);
}

/* A preemption longer than the PIT's 55 ms wrap between two samples:
 * that window's count is short by a wrap; the median leaves it out. */
TEST(tsc_rate_a_window_short_by_a_wrap_is_left_out)
{
    unsigned agreed, windows;
    struct ref_counter pit = PIT;

    for (unsigned i = 0; i < 9; i++)
        sample(i, i * 2500 + (i >= 5 ? 65536ull * 1000000 / pit.hz : 0), pit,
               5, 20000);
    CHECK(near(tsc_rate_from_samples(s, 9, pit, &agreed, &windows), TSC_HZ,
               200));
    CHECK(windows == 8 && agreed == 7);
}

TEST(tsc_rate_without_a_majority_is_no_rate)
{
    unsigned agreed, windows;
    struct ref_counter pm = PM;

    clean_run(pm, 0);
    for (unsigned i = 1; i < 9; i += 2)
        s[i].ref = (s[i].ref + 3000 * i) & pm.mask; /* every other read off */
    CHECK(tsc_rate_from_samples(s, 9, pm, &agreed, &windows) == 0);
    CHECK(tsc_rate_from_samples(s, 1, pm, &agreed, &windows) == 0 &&
          windows == 0);
    for (unsigned i = 0; i < 9; i++)
        s[i].ref = 0xffff; /* an absent device: the counter never moves */
    CHECK(tsc_rate_from_samples(s, 9, pm, &agreed, &windows) == 0);
}

TEST(tsc_rate_unwrap_counts_the_wraps_the_tsc_predicts)
{
    /* 1 s of the PIT: 1193182 ticks, 18 wraps and 13094 ticks. */
    CHECK(ref_unwrap(1193182, 1193182 & 0xffff, 0xffff) == 1193182);
    CHECK(ref_unwrap(1193182 + 16000, 1193182 & 0xffff, 0xffff) == 1193182);
    CHECK(ref_unwrap(1193182 - 16000, 1193182 & 0xffff, 0xffff) == 1193182);
    /* Off by more than a quarter wrap: the wraps cannot be told apart. */
    CHECK(ref_unwrap(1193182 + 30000, 1193182 & 0xffff, 0xffff) == -1);
    CHECK(ref_unwrap(100, 200, 0xffffff) == 200);
    CHECK(ref_unwrap(0, 0xfffff0, 0xffffff) == -1);
    CHECK(ref_unwrap(5000000000ull, 5000000000ull & 0xffffffff,
                     0xffffffff) == 5000000000ll);
}

TEST(tsc_rate_cpuid_is_checked_against_the_measurement)
{
    int off;

    /* CPUID 0x16's base clock is not the TSC's rate on every CPU. */
    CHECK(tsc_rate_choose(2445000000ull, 2800000000ull, &off) ==
              2445000000ull && off);
    CHECK(tsc_rate_choose(2445000000ull, 2450000000ull, &off) ==
              2445000000ull && !off);
    CHECK(tsc_rate_choose(2445000000ull, 0, &off) == 2445000000ull && !off);
    /* No reference counter: CPUID when plausible, else nothing. */
    CHECK(tsc_rate_choose(0, 2800000000ull, &off) == 2800000000ull && !off);
    CHECK(tsc_rate_choose(0, 5000000, &off) == 0);
    CHECK(tsc_rate_choose(0, 0, &off) == 0);
}
