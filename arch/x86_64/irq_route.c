/* Pure routing logic (include/tern/irq_route.h): the Intel SDM's and the
 * 82093AA I/O APIC datasheet's formats, nothing read from hardware. */
#include <tern/irq_route.h>

#define RTE_LEVEL (1u << 15)
#define RTE_ACTIVE_LOW (1u << 13)
#define MSI_ADDR_BASE 0xfee00000u

int ioapic_for_gsi(const struct ioapic_span *spans, unsigned n, uint32_t gsi,
                   uint32_t *pin)
{
    for (unsigned i = 0; i < n; i++) {
        if (gsi >= spans[i].gsi_base &&
            gsi - spans[i].gsi_base < spans[i].pins) {
            *pin = gsi - spans[i].gsi_base;
            return (int)i;
        }
    }
    return -1;
}

uint64_t ioapic_rte(unsigned vector, bool level, bool active_low,
                    uint32_t dest_apic_id)
{
    return (uint64_t)(dest_apic_id & 0xff) << 56 | (vector & 0xff) |
           (level ? RTE_LEVEL : 0) | (active_low ? RTE_ACTIVE_LOW : 0);
}

int msi_compose(unsigned vector, uint32_t dest_apic_id, uint64_t *addr,
                uint32_t *data)
{
    if (vector < 32 || vector > 0xfe || dest_apic_id > 0xff)
        return -1;
    *addr = MSI_ADDR_BASE | dest_apic_id << 12; /* physical, no redirect */
    *data = vector;                              /* fixed, edge */
    return 0;
}

int vector_pick(uint64_t used[4])
{
    for (int v = IRQ_VECTOR_FIRST; v <= IRQ_VECTOR_LAST; v++) {
        if (!(used[v / 64] >> (v % 64) & 1)) {
            used[v / 64] |= 1ull << (v % 64);
            return v;
        }
    }
    return -1;
}
