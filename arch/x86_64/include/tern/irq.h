/*
 * One registration for every interrupt source a driver has: a GSI (any
 * I/O APIC), an ISA IRQ (through the MADT's overrides), an MSI or MSI-X
 * message, or a Xen event channel.  The handler runs as irq_handler_fn
 * (tern/arch.h), with the vector (or the event channel's port) and arg,
 * in the idle loop with interrupts off, and may wake threads.
 *
 * Kinds a platform brings (Xen's event channels) are added with
 * irq_source_register, so this layer names no hypervisor.
 */
#ifndef TERN_IRQ_H
#define TERN_IRQ_H

#include <stdbool.h>
#include <stdint.h>
#include <tern/arch.h>

enum irq_source_kind {
    IRQ_SOURCE_GSI,    /* number: the GSI; level, active_low as the bus says */
    IRQ_SOURCE_ISA,    /* number: 0-15, polarity and trigger from the MADT */
    IRQ_SOURCE_MSI,    /* number unused: the binding gives the message */
    IRQ_SOURCE_EVTCHN, /* number: the event channel's port */
    IRQ_SOURCE_KINDS
};

struct irq_source {
    enum irq_source_kind kind;
    uint32_t number;
    bool level, active_low;
};

/* What irq_bind set up: the CPU vector (0 for event channels, which
 * share the platform's upcall), and for MSI the message to program into
 * the device's MSI capability or MSI-X table entry. */
struct irq_binding {
    struct irq_source source;
    unsigned vector;
    uint64_t msi_addr;
    uint32_t msi_data;
};

/* 0 with *out filled, or -1 with why[] set (no vector left, no I/O APIC
 * serving the GSI, a kind this platform does not have, ...). */
int irq_bind(const struct irq_source *src, irq_handler_fn fn, void *arg,
             struct irq_binding *out, char *why, unsigned whylen);
/* The source masked (or unbound) and its vector free again. */
void irq_unbind(const struct irq_binding *b);

/* For a platform: how its own kind of source binds and unbinds. */
struct irq_source_ops {
    int (*bind)(const struct irq_source *src, irq_handler_fn fn, void *arg,
                struct irq_binding *out, char *why, unsigned whylen);
    void (*unbind)(const struct irq_binding *b);
};
void irq_source_register(enum irq_source_kind kind,
                         const struct irq_source_ops *ops);

#endif
