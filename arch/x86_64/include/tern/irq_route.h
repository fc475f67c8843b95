/* Interrupt routing as pure logic (unit-tested on the host): which I/O
 * APIC pin a GSI is, the redirection entry that sends it to a vector,
 * the MSI message that does, and free vectors. */
#ifndef TERN_IRQ_ROUTE_H
#define TERN_IRQ_ROUTE_H

#include <stdbool.h>
#include <stdint.h>

/* Vectors the allocator hands out; below are the exceptions (0-31), the
 * timer (0x20) and 0x21-0x2f for apps that route an interrupt of their
 * own; above, the 8259s (0xe0-0xef), Xen's upcall (0xf3), spurious. */
#define IRQ_VECTOR_FIRST 0x30
#define IRQ_VECTOR_LAST 0xdf

struct ioapic_span {
    uint32_t gsi_base, pins;
};

/* The I/O APIC among spans[0..n) serving gsi, and its pin there; -1 when
 * none does. */
int ioapic_for_gsi(const struct ioapic_span *spans, unsigned n, uint32_t gsi,
                   uint32_t *pin);

/* A redirection table entry: fixed delivery, physical destination. */
uint64_t ioapic_rte(unsigned vector, bool level, bool active_low,
                    uint32_t dest_apic_id);

/* The MSI (or MSI-X table entry) address and data that deliver vector,
 * edge-triggered and fixed, to the local APIC dest (0-255: beyond needs
 * interrupt remapping, which Tern does not do).  0, or -1 for a vector
 * that is not an interrupt's (below 32: exceptions; 0xff) or a
 * destination out of range. */
int msi_compose(unsigned vector, uint32_t dest_apic_id, uint64_t *addr,
                uint32_t *data);

/* The lowest free vector in [IRQ_VECTOR_FIRST, IRQ_VECTOR_LAST], marked
 * used in the 256-bit map; -1 when none is free. */
int vector_pick(uint64_t used[4]);

#endif
