/* Xen's pvclock arithmetic (struct vcpu_time_info in xen/xen.h): system
 * time = system_time + ((tsc - tsc_timestamp) << tsc_shift) * mul >> 32.
 * Pure logic, unit-tested on the host: tsc_shift is a signed byte from
 * shared memory, and shifting a 64-bit value by 64 or more is undefined
 * behaviour in C. */
#ifndef TERN_XEN_PVCLOCK_H
#define TERN_XEN_PVCLOCK_H

#include <stdbool.h>
#include <stdint.h>

struct pvclock_snapshot {
    uint64_t tsc_timestamp; /* the TSC when Xen last wrote the record */
    uint64_t system_time;   /* ns since Xen booted, at that TSC */
    uint32_t mul;           /* tsc_to_system_mul: 32.32 fixed point */
    int8_t shift;           /* tsc_shift */
};

/* Parameters the formula means something for: mul not 0, |shift| < 64
 * (Xen's own stay within +-32). */
bool pvclock_usable(uint32_t mul, int shift);

/* ((delta << shift) * mul) >> 32, shifting right for a negative shift, in
 * 64-bit arithmetic as the ABI has it: a shift of 64 or more either way
 * leaves 0 of delta, where C's shift would be undefined. */
uint64_t pvclock_scale(uint64_t delta, uint32_t mul, int shift);

/* System time at this TSC value.  tsc - tsc_timestamp is taken modulo
 * 2^64 (the stamp may lie before the guest TSC's zero); a TSC before the
 * stamp (a read that ran ahead of the record, or a CPU whose TSC lags the
 * one Xen stamped it on) counts as no time since, not as a delta near
 * 2^64, which would put the clock centuries ahead. */
uint64_t pvclock_ns(const struct pvclock_snapshot *p, uint64_t tsc);

/* The TSC rate the parameters imply (10^9 * 2^32 / mul, shifted by
 * -shift); 0 when they are not usable or the rate does not fit 64 bits. */
uint64_t pvclock_tsc_hz(uint32_t mul, int shift);

#endif
