/* Counters that run at a known rate, to measure the TSC against. */
#ifndef TERN_LIB_TIME_REFCLOCK_H
#define TERN_LIB_TIME_REFCLOCK_H

#include <tern/tsc_rate.h>

struct refclock {
    const char *name;
    struct ref_counter counter;
    uint32_t (*read)(void); /* counting up, within counter.mask */
};

/* The ACPI PM timer when the FADT names one and it runs (pc, q35), else
 * PIT channel 0 as a free-running counter (microvm), else NULL. */
const struct refclock *refclock_find(void);

#endif
