/* The TSC's rate from a reference counter (ACPI PM timer, PIT): the pure
 * arithmetic, apart from the port reads so that it is tested on the host.
 *
 * Each sample brackets one reference read between two TSC reads.  A vCPU
 * preempted between them shows as a wide bracket, and that sample is
 * dropped; a preemption anywhere else costs nothing, because the TSC and
 * the reference both keep running while the vCPU waits. */
#ifndef TERN_TSC_RATE_H
#define TERN_TSC_RATE_H

#include <stdint.h>
#include <tern/refclock.h>

struct tsc_sample {
    uint64_t tsc;   /* midpoint of the two TSC reads */
    uint64_t width; /* TSC ticks between them */
    uint32_t ref;   /* the reference counter, counting up, masked */
};

/* A bracket wider than this many times the narrowest seen, or than
 * min_width plus slack, is taken as a preemption. */
uint64_t tsc_sample_limit(const struct tsc_sample *s, unsigned n);

/* The rate over the windows between consecutive narrow samples: the
 * median window, then the length-weighted mean of those within 1% of it.
 * 0 unless at least 3 windows, and more than half of them, agree.
 * *agreed and *windows say how many agreed out of how many. */
uint64_t tsc_rate_from_samples(const struct tsc_sample *s, unsigned n,
                               struct ref_counter ref, unsigned *agreed,
                               unsigned *windows);

/* Reference ticks since an anchor, from the counter's masked delta and
 * a prediction from the TSC at the current rate: the number of wraps is
 * the one closest to the prediction.  -1 when the prediction misses by
 * more than a quarter of a wrap (too far off to tell wraps apart). */
int64_t ref_unwrap(uint64_t predicted, uint32_t delta, uint32_t mask);

/* What to run the clock at: the measured rate when there is one (CPUID
 * 0x15 and 0x16 are claims, often nominal, and 0x16 is a base clock, not
 * the TSC's), else the CPUID rate when plausible, else 0.  *cpuid_off is
 * set when both exist and differ by more than 2%. */
uint64_t tsc_rate_choose(uint64_t measured, uint64_t from_cpuid,
                         int *cpuid_off);

#endif
