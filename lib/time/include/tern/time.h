/* Clocks: a monotonic nanosecond clock and a wall clock.  The TSC, with
 * its rate measured against the ACPI PM timer or the PIT (bracketed reads,
 * the median of several windows, refined over longer spans as the system
 * runs), or Xen's pvclock; the wall clock from Xen or the CMOS RTC. */
#ifndef TERN_TIME_H
#define TERN_TIME_H

#include <stdint.h>
#include <tern/civil.h>

void clock_init(void);
uint64_t clock_monotonic_ns(void);
uint64_t clock_wall_ns(void); /* since 1970-01-01 UTC; 0 when unknown */
/* "Xen pvclock", "TSC 2400 MHz (CPUID 0x15)", ... for the boot dump. */
const char *clock_describe(void);

/* TSC ticks for this many nanoseconds (the rate measured on first use). */
uint64_t clock_ns_to_tsc(uint64_t ns);

#endif
