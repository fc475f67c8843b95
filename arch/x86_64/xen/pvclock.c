/* Xen pvclock arithmetic, defined for every value shared memory holds. */
#include <tern/xen_pvclock.h>

bool pvclock_usable(uint32_t mul, int shift)
{
    return mul != 0 && shift > -64 && shift < 64;
}

uint64_t pvclock_scale(uint64_t delta, uint32_t mul, int shift)
{
    if (shift <= -64 || shift >= 64)
        delta = 0;
    else if (shift < 0)
        delta >>= -shift;
    else
        delta <<= shift;
    return (uint64_t)(((unsigned __int128)delta * mul) >> 32);
}

uint64_t pvclock_ns(const struct pvclock_snapshot *p, uint64_t tsc)
{
    /* Modulo 2^64: the stamp can lie "before" the guest TSC's zero (Xen
     * 4.17 gave a PVH dom0 2^64 - 408435074 as its first stamp). */
    uint64_t delta = tsc - p->tsc_timestamp;

    if ((int64_t)delta < 0)
        delta = 0;
    return p->system_time + pvclock_scale(delta, p->mul, p->shift);
}

uint64_t pvclock_tsc_hz(uint32_t mul, int shift)
{
    unsigned __int128 hz = (unsigned __int128)1000000000u << 32;

    if (!pvclock_usable(mul, shift))
        return 0;
    if (shift < 0)
        hz <<= -shift; /* below 2^62 << 63: fits 128 bits */
    hz /= mul;
    if (shift > 0)
        hz >>= shift;
    return hz >> 64 ? 0 : (uint64_t)hz;
}
