/* Host stand-ins for the kernel's interrupt routing and MMIO mapping, for
 * transports under test (lib/virtio/mmio.c): every slot "maps" (its
 * registers are a host buffer), vectors come from a counter, and routing
 * fails when a test says so. */
#include <stdbool.h>
#include <stdint.h>
#include <tern/arch.h>
#include <tern/format.h>
#include "host_irq.h"

int host_irq_route_fails;
unsigned host_irq_vectors_live;
irq_handler_fn host_irq_handler;
void *host_irq_arg;

int irq_alloc_vector(irq_handler_fn fn, void *arg)
{
    host_irq_vectors_live++;
    host_irq_handler = fn;
    host_irq_arg = arg;
    return 0x30;
}

void irq_free_vector(unsigned vector)
{
    (void)vector;
    host_irq_vectors_live--;
}

int irq_route_gsi(uint32_t gsi, unsigned vector, bool level, bool active_low,
                  char *why, unsigned whylen)
{
    (void)vector;
    (void)active_low;
    if (host_irq_route_fails || level) {
        tern_snprintf(why, whylen, "GSI %u is on no I/O APIC", gsi);
        return -1;
    }
    return 0;
}

int paging_map_mmio(uint64_t phys, uint64_t size)
{
    (void)phys;
    (void)size;
    return 0;
}

/* The rest irq_bind (arch/x86_64/irq_bind.c) calls: one CPU, APIC ID 0,
 * and no I/O APIC for ISA interrupts. */
uint32_t lapic_id(void)
{
    return 0;
}

int irq_isa_source(unsigned isa_irq, uint32_t *gsi, bool *level,
                   bool *active_low, char *why, unsigned whylen)
{
    (void)gsi, (void)level, (void)active_low;
    tern_snprintf(why, whylen, "no I/O APIC for ISA IRQ %u", isa_irq);
    return -1;
}
