/* Clocks: a monotonic nanosecond clock and a wall clock.  The TSC, with
 * its rate measured against the ACPI PM timer or the PIT (bracketed reads,
 * the median of several windows, refined over longer spans as the system
 * runs), or Xen's pvclock; the wall clock from Xen or the CMOS RTC. */
#ifndef TERN_TIME_H
#define TERN_TIME_H

#include <stdint.h>

void clock_init(void);
uint64_t clock_monotonic_ns(void);
uint64_t clock_wall_ns(void); /* since 1970-01-01 UTC; 0 when unknown */
/* "Xen pvclock", "TSC 2400 MHz (CPUID 0x15)", ... for the boot dump. */
const char *clock_describe(void);

/* The CMOS RTC's seconds register (0-59), or -1 without an RTC: a clock
 * independent of the TSC, for checking the TSC's measured rate. */
int clock_rtc_second(void);

/* The CMOS RTC read now, in ns since 1970 (whole seconds), or 0 without
 * an RTC: a source independent of clock_wall_ns(), for checking it. */
uint64_t clock_rtc_ns(void);

/* The CMOS RTC's periodic interrupt at 64 Hz, routed to vector, calling
 * tick(arg) from the handler after acknowledging it.  0, or -1 with why[]
 * (no MADT or I/O APIC).  Only on machines with a CMOS RTC (not Xen). */
int rtc_periodic_start(unsigned vector, void (*tick)(void *arg), void *arg,
                       char *why, unsigned whylen);
void rtc_periodic_stop(void);

/* TSC ticks for this many nanoseconds (the rate measured on first use). */
uint64_t clock_ns_to_tsc(uint64_t ns);

/* Days since 1970-01-01 of a proleptic Gregorian date (pure, tested). */
int64_t days_from_civil(int64_t y, unsigned m, unsigned d);
/* The CMOS RTC's hours register as 0-23, in the format status register B
 * gives: BCD or binary (bit 2), 24-hour or 12-hour with bit 7 for PM
 * (bit 1 clear); 24 or more for a value no format allows. */
unsigned rtc_decode_hour(uint8_t raw, uint8_t status_b);

#endif
