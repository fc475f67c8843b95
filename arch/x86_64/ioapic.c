/* The I/O APIC, found through the MADT: device interrupts to vectors. */
#include <tern/acpi.h>
#include <tern/arch.h>
#include <tern/format.h>
#include <tern/mm.h>

#define IOREGSEL 0
#define IOWIN 4 /* 0x10 bytes in */
#define IOAPICVER 0x01
#define REDTBL 0x10
#define IOAPIC_REGS_LEN 0x20 /* IOREGSEL and IOWIN */
#define RTE_ACTIVE_LOW (1u << 13)
#define RTE_LEVEL (1u << 15)

static volatile uint32_t *ioapic;
static struct acpi_irq_routing routing;

static uint32_t ioapic_read(uint32_t reg)
{
    ioapic[IOREGSEL] = reg;
    return ioapic[IOWIN];
}

static void ioapic_write(uint32_t reg, uint32_t v)
{
    ioapic[IOREGSEL] = reg;
    ioapic[IOWIN] = v;
}

int irq_route_isa(unsigned isa_irq, unsigned vector, irq_handler_fn fn,
                  char *why, unsigned whylen)
{
    uint32_t pin, pins, low;

    if (isa_irq > 15 || vector < 32 || vector > 0xfe) {
        tern_snprintf(why, whylen, "ISA IRQ %u or vector %u out of range",
                      isa_irq, vector);
        return -1;
    }
    if (!ioapic) {
        if (acpi_find_irq_routing(&acpi_window, acpi_rsdp_hint(), &routing,
                                  why, whylen))
            return -1;
        /* The MADT is the firmware's word: never aim register writes at
         * our own RAM or image because it said so. */
        if (acpi_mmio_safe(routing.ioapic_addr, IOAPIC_REGS_LEN, why, whylen))
            return -1;
        ioapic = (volatile uint32_t *)(uintptr_t)routing.ioapic_addr;
        paging_uncache(routing.ioapic_addr);
    }
    pin = routing.isa[isa_irq].gsi - routing.ioapic_gsi_base;
    pins = ((ioapic_read(IOAPICVER) >> 16) & 0xff) + 1;
    if (pin >= pins) {
        tern_snprintf(why, whylen, "GSI %u is not on the I/O APIC (%u pins)",
                      routing.isa[isa_irq].gsi, pins);
        return -1;
    }
    irq_register(vector, fn);
    low = vector | (routing.isa[isa_irq].active_low ? RTE_ACTIVE_LOW : 0) |
          (routing.isa[isa_irq].level ? RTE_LEVEL : 0);
    ioapic_write(REDTBL + 2 * pin + 1, lapic_id() << 24);
    ioapic_write(REDTBL + 2 * pin, low);
    return 0;
}
