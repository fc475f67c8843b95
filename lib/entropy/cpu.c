/* The CPU's random sources: RDSEED and RDRAND as CPUID reports them, and
 * TSC deltas around a small piece of work for timing jitter. */
#include <stdbool.h>
#include <tern/io.h>
#include "cpu.h"

#define CPUID_1_ECX_RDRAND (1u << 30)
#define CPUID_7_EBX_RDSEED (1u << 18)

bool cpu_has_rdrand(void)
{
    uint32_t a, b, c, d;

    cpuid(1, &a, &b, &c, &d);
    return c & CPUID_1_ECX_RDRAND;
}

bool cpu_has_rdseed(void)
{
    uint32_t a, b, c, d;

    cpuid(0, &a, &b, &c, &d);
    if (a < 7)
        return false;
    cpuid(7, &a, &b, &c, &d);
    return b & CPUID_7_EBX_RDSEED;
}

/* One attempt each: CF says whether a value came. */
bool rdrand64(uint64_t *v)
{
    unsigned char ok;

    __asm__ volatile("rdrand %0; setc %1" : "=r"(*v), "=qm"(ok) : : "cc");
    return ok;
}

bool rdseed64(uint64_t *v)
{
    unsigned char ok;

    __asm__ volatile("rdseed %0; setc %1" : "=r"(*v), "=qm"(ok) : : "cc");
    return ok;
}

/* Work whose duration depends on the caches, the TLB and, in a VM, on
 * the host: the TSC around it varies from run to run on real hardware
 * and under TCG.  Not credited (docs/entropy.md says why). */
void jitter_deltas(uint64_t *deltas, unsigned n)
{
    static volatile uint8_t scratch[4096];
    unsigned at = 0;

    for (unsigned i = 0; i < n; i++) {
        uint64_t t0 = rdtsc();

        for (unsigned j = 0; j < 4; j++) {
            at = (at * 1103515245u + 12345u + scratch[at % sizeof(scratch)]) %
                 sizeof(scratch);
            scratch[at]++;
        }
        deltas[i] = rdtsc() - t0;
    }
}
