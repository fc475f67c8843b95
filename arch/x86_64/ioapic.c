/* The I/O APICs the MADT lists (QEMU microvm has two: the second serves
 * its virtio-mmio devices from GSI 24), found on first use.  Device
 * interrupts are routed by GSI to a vector on this CPU. */
#include <tern/acpi.h>
#include <tern/arch.h>
#include <tern/format.h>
#include <tern/irq_route.h>
#include <tern/log.h>
#include <tern/mm.h>

#define IOREGSEL 0
#define IOWIN 4 /* 0x10 bytes in */
#define IOAPICVER 0x01
#define REDTBL 0x10
#define IOAPIC_REGS_LEN 0x20 /* IOREGSEL and IOWIN */
#define RTE_MASKED (1u << 16)
#define IOAPIC_DEFAULT 0xfec00000u

static struct acpi_irq_routing routing;
static volatile uint32_t *chip[ACPI_MAX_IOAPICS];
static struct ioapic_span spans[ACPI_MAX_IOAPICS];
static unsigned nchips;
static int probed; /* 0 not yet, 1 done, -1 failed */
static char probe_error[96];

static uint32_t ioapic_read(unsigned i, uint32_t reg)
{
    chip[i][IOREGSEL] = reg;
    return chip[i][IOWIN];
}

static void ioapic_write(unsigned i, uint32_t reg, uint32_t v)
{
    chip[i][IOREGSEL] = reg;
    chip[i][IOWIN] = v;
}

/* With no ACPI at all (QEMU microvm,acpi=off), the PC's default: one
 * I/O APIC at 0xfec00000 serving GSI 0 up, ISA IRQs identity-mapped (the
 * MP specification's default configurations), if a chip answers there
 * with a version register that makes sense. */
static bool no_acpi_default(struct acpi_irq_routing *r)
{
    volatile uint32_t *regs = (volatile uint32_t *)(uintptr_t)IOAPIC_DEFAULT;
    uint32_t ver;

    if (acpi_find_rsdp(&acpi_window, acpi_rsdp_hint()))
        return false; /* ACPI is there: its word (or its fault) stands */
    paging_uncache(IOAPIC_DEFAULT);
    regs[IOREGSEL] = IOAPICVER;
    ver = regs[IOWIN];
    if ((ver & 0xff) < 0x10 || (ver & 0xff) > 0x2f || ((ver >> 16) & 0xff) == 0)
        return false;
    r->ioapic[0].addr = IOAPIC_DEFAULT;
    r->ioapic[0].gsi_base = 0;
    r->nioapics = 1;
    pr_info("ioapic: no ACPI; the default I/O APIC at 0x%x, version 0x%x",
            IOAPIC_DEFAULT, ver & 0xff);
    return true;
}

/* Every I/O APIC the MADT names whose registers are not in RAM or the
 * image (the MADT is the firmware's word: never aim writes at our own
 * memory because it said so). */
static int probe(void)
{
    char why[96];

    if (probed)
        return probed;
    probed = -1;
    if (acpi_find_irq_routing(&acpi_window, acpi_rsdp_hint(), &routing,
                              probe_error, sizeof(probe_error)) &&
        !no_acpi_default(&routing))
        return probed;
    for (unsigned i = 0; i < routing.nioapics; i++) {
        uint64_t addr = routing.ioapic[i].addr;

        if (acpi_mmio_safe(addr, IOAPIC_REGS_LEN, why, sizeof(why))) {
            pr_warn("ioapic: %s", why);
            continue;
        }
        paging_uncache(addr);
        chip[nchips] = (volatile uint32_t *)(uintptr_t)addr;
        spans[nchips].gsi_base = routing.ioapic[i].gsi_base;
        spans[nchips].pins = ((ioapic_read(nchips, IOAPICVER) >> 16) & 0xff) + 1;
        nchips++;
    }
    if (!nchips)
        tern_snprintf(probe_error, sizeof(probe_error),
                      "no usable I/O APIC in the MADT");
    return probed = nchips ? 1 : -1;
}

int irq_route_gsi(uint32_t gsi, unsigned vector, bool level, bool active_low,
                  char *why, unsigned whylen)
{
    uint32_t pin;
    int i;
    uint64_t rte;

    if (vector < 32 || vector > 0xfe) {
        tern_snprintf(why, whylen, "vector %u out of range", vector);
        return -1;
    }
    if (probe() < 0) {
        tern_snprintf(why, whylen, "%s", probe_error);
        return -1;
    }
    if ((i = ioapic_for_gsi(spans, nchips, gsi, &pin)) < 0) {
        tern_snprintf(why, whylen, "GSI %u is on no I/O APIC", gsi);
        return -1;
    }
    rte = ioapic_rte(vector, level, active_low, lapic_id());
    ioapic_write((unsigned)i, REDTBL + 2 * pin + 1, (uint32_t)(rte >> 32));
    ioapic_write((unsigned)i, REDTBL + 2 * pin, (uint32_t)rte);
    return 0;
}

int irq_isa_source(unsigned isa_irq, uint32_t *gsi, bool *level,
                   bool *active_low, char *why, unsigned whylen)
{
    if (isa_irq > 15) {
        tern_snprintf(why, whylen, "ISA IRQ %u out of range", isa_irq);
        return -1;
    }
    if (probe() < 0) {
        tern_snprintf(why, whylen, "%s", probe_error);
        return -1;
    }
    *gsi = routing.isa[isa_irq].gsi;
    *level = routing.isa[isa_irq].level;
    *active_low = routing.isa[isa_irq].active_low;
    return 0;
}

int irq_route_isa(unsigned isa_irq, unsigned vector, irq_handler_fn fn,
                  void *arg, char *why, unsigned whylen)
{
    uint32_t gsi;
    bool level, active_low;

    /* The handler only once the route holds: a failed route leaves the
     * vector as it was.  Interrupts are off until idle, so none comes
     * between the two. */
    if (irq_isa_source(isa_irq, &gsi, &level, &active_low, why, whylen) ||
        irq_route_gsi(gsi, vector, level, active_low, why, whylen))
        return -1;
    irq_register(vector, fn, arg);
    return 0;
}

unsigned ioapic_count(void)
{
    return probe() < 0 ? 0 : nchips;
}

int ioapic_info(unsigned i, uint64_t *addr, uint32_t *gsi_base,
                uint32_t *pins)
{
    if (i >= ioapic_count())
        return -1;
    *addr = (uintptr_t)chip[i];
    *gsi_base = spans[i].gsi_base;
    *pins = spans[i].pins;
    return 0;
}

uint64_t ioapic_read_rte(uint32_t gsi)
{
    uint32_t pin;
    int i;

    if (probe() < 0 || (i = ioapic_for_gsi(spans, nchips, gsi, &pin)) < 0)
        return 0;
    return (uint64_t)ioapic_read((unsigned)i, REDTBL + 2 * pin + 1) << 32 |
           ioapic_read((unsigned)i, REDTBL + 2 * pin);
}


/* Mask every pin routed to vector: a freed vector must not keep a line
 * (a level-triggered one would storm the idle loop with no handler). */
void ioapic_mask_vector(unsigned vector)
{
    if (probe() < 0)
        return;
    for (unsigned i = 0; i < nchips; i++)
        for (uint32_t pin = 0; pin < spans[i].pins; pin++) {
            uint32_t low = ioapic_read(i, REDTBL + 2 * pin);

            if ((low & 0xff) == vector && !(low & RTE_MASKED))
                ioapic_write(i, REDTBL + 2 * pin, low | RTE_MASKED);
        }
}

static const struct mem_range interrupt_controllers[] = {
    {0xfec00000, 0xfef00000}, /* I/O APICs, HPET, local APIC */
};

const struct mem_range *arch_never_ram(unsigned *n)
{
    *n = sizeof(interrupt_controllers) / sizeof(interrupt_controllers[0]);
    return interrupt_controllers;
}
