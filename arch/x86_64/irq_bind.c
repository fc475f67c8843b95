/* irq_bind: a vector from the allocator, then the route the source
 * needs (I/O APIC entry, MSI message); or the platform's own binding for
 * kinds it registered.  A failure leaves nothing bound. */
#include <tern/format.h>
#include <tern/irq.h>
#include <tern/irq_route.h>

static const struct irq_source_ops *platform_ops[IRQ_SOURCE_KINDS];

void irq_source_register(enum irq_source_kind kind,
                         const struct irq_source_ops *ops)
{
    if (kind < IRQ_SOURCE_KINDS && kind > IRQ_SOURCE_MSI)
        platform_ops[kind] = ops;
}

static int route(const struct irq_source *src, struct irq_binding *b,
                 char *why, unsigned whylen)
{
    uint32_t gsi;
    bool level, active_low;

    switch (src->kind) {
    case IRQ_SOURCE_GSI:
        return irq_route_gsi(src->number, b->vector, src->level,
                             src->active_low, why, whylen);
    case IRQ_SOURCE_ISA:
        return irq_isa_source(src->number, &gsi, &level, &active_low, why,
                              whylen) ||
               irq_route_gsi(gsi, b->vector, level, active_low, why, whylen)
                   ? -1
                   : 0;
    case IRQ_SOURCE_MSI:
        if (msi_compose(b->vector, lapic_id(), &b->msi_addr, &b->msi_data) ==
            0)
            return 0;
        tern_snprintf(why, whylen, "no MSI message reaches local APIC %u",
                      lapic_id());
        return -1;
    default:
        return -1;
    }
}

int irq_bind(const struct irq_source *src, irq_handler_fn fn, void *arg,
             struct irq_binding *out, char *why, unsigned whylen)
{
    int v;

    *out = (struct irq_binding){.source = *src};
    if (src->kind >= IRQ_SOURCE_KINDS) {
        tern_snprintf(why, whylen, "interrupt source kind %u unknown",
                      (unsigned)src->kind);
        return -1;
    }
    if (src->kind > IRQ_SOURCE_MSI) {
        if (!platform_ops[src->kind]) {
            tern_snprintf(why, whylen, "this platform has no event channels");
            return -1;
        }
        return platform_ops[src->kind]->bind(src, fn, arg, out, why, whylen);
    }
    if ((v = irq_alloc_vector(fn, arg)) < 0) {
        tern_snprintf(why, whylen, "every vector 0x%x-0x%x is taken",
                      IRQ_VECTOR_FIRST, IRQ_VECTOR_LAST);
        return -1;
    }
    out->vector = (unsigned)v;
    if (route(src, out, why, whylen)) {
        irq_free_vector(out->vector);
        out->vector = 0;
        return -1;
    }
    return 0;
}

void irq_unbind(const struct irq_binding *b)
{
    enum irq_source_kind kind = b->source.kind;

    if (kind > IRQ_SOURCE_MSI && kind < IRQ_SOURCE_KINDS) {
        if (platform_ops[kind] && platform_ops[kind]->unbind)
            platform_ops[kind]->unbind(b);
    } else if (b->vector) {
        irq_free_vector(b->vector); /* masks the I/O APIC pins routed to it */
    }
}
