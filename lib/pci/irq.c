/*
 * A PCI function's interrupt: MSI-X where it has a usable table (an
 * edge message straight to the local APIC, one vector per entry), else
 * INTx through the I/O APIC, else nothing (the driver polls).
 *
 * INTx lines are level-triggered and shared (on QEMU pc every virtio
 * device sits on ISA IRQ 10 or 11): one vector per line, and every
 * handler bound to it runs on each interrupt; each handler reads its own
 * device's status, which deasserts the line.
 */
#include <tern/acpi.h>
#include <tern/arch.h>
#include <tern/irq.h>
#include <tern/irq_route.h>
#include <tern/log.h>
#include <tern/pci.h>

#define MSIX_ENABLE (1u << 31)     /* message control bit 15 */
#define MSIX_FUNCTION_MASK (1u << 30) /* message control bit 14 */
#define MSIX_ENTRY_ADDR_LO 0
#define MSIX_ENTRY_ADDR_HI 4
#define MSIX_ENTRY_DATA 8
#define MSIX_ENTRY_CTRL 12
#define MSIX_ENTRY_MASKED 1u
#define INTX_LINES 8
#define INTX_SHARERS 8
#define ISA_IRQS 16
#define LINE_NONE 0xff

static void complain(const struct pci_dev *d, const char *what)
{
    char bdf[16];

    pr_warn("pci: %s %04x:%04x: %s", pci_bdf(d, bdf, sizeof(bdf)), d->vendor,
            d->device, what);
}

static void mmio_write32(uint64_t addr, uint32_t v)
{
    *(volatile uint32_t *)(uintptr_t)addr = v;
}

int pci_msix_bind(const struct pci_dev *dev, unsigned entry, pci_irq_fn fn,
                  void *arg)
{
    const struct pci_msix *m = &dev->msix;
    static const struct irq_source msi = {.kind = IRQ_SOURCE_MSI};
    struct irq_binding b;
    uint64_t base, e;
    uint32_t ctrl;
    char why[80];

    if (!m->table_size || entry >= m->table_size) {
        complain(dev, "no MSI-X table entry to bind");
        return -1;
    }
    if (!(base = pci_map_bar(dev, m->table_bar)))
        return -1;
    if (irq_bind(&msi, fn, arg, &b, why, sizeof(why))) {
        complain(dev, why);
        return -1;
    }
    /* Enabled with the whole function masked while the entry is written,
     * then unmasked (PCI 3.0, 6.8.3.4); INTx off, bus mastering on (an
     * MSI is a memory write by the device). */
    ctrl = pci_read32(dev, m->cap);
    pci_write32(dev, m->cap, ctrl | MSIX_ENABLE | MSIX_FUNCTION_MASK);
    e = base + m->table_off + (uint64_t)entry * PCI_MSIX_ENTRY_SIZE;
    mmio_write32(e + MSIX_ENTRY_ADDR_LO, (uint32_t)b.msi_addr);
    mmio_write32(e + MSIX_ENTRY_ADDR_HI, (uint32_t)(b.msi_addr >> 32));
    mmio_write32(e + MSIX_ENTRY_DATA, b.msi_data);
    mmio_write32(e + MSIX_ENTRY_CTRL, 0);
    pci_command_set(dev, PCI_COMMAND_MASTER | PCI_COMMAND_INTX_DISABLE);
    pci_write32(dev, m->cap, (ctrl | MSIX_ENABLE) & ~MSIX_FUNCTION_MASK);
    return (int)b.vector;
}

struct intx_line {
    uint8_t line; /* LINE_NONE: free slot */
    int vector;
    unsigned n;
    struct {
        pci_irq_fn fn;
        void *arg;
    } h[INTX_SHARERS];
};

static struct intx_line lines[INTX_LINES] = {
    [0 ... INTX_LINES - 1] = {.line = LINE_NONE, .vector = -1}};

static void intx_dispatch(unsigned vector, void *arg)
{
    struct intx_line *l = arg;

    for (unsigned i = 0; i < l->n; i++)
        l->h[i].fn(vector, l->h[i].arg);
}

/* The I/O APIC input of an interrupt line and how it is signalled: the
 * line is an ISA IRQ (what PC firmware writes there), moved and
 * described by the MADT's overrides (QEMU gives IRQs 5, 9, 10, 11 one:
 * level, active high).  Without an override, PCI's own: level, active
 * low. */
static int line_gsi(uint8_t line, uint32_t *gsi, bool *active_low,
                    char *why, unsigned whylen)
{
    static struct acpi_irq_routing r;
    static int have = -2;

    if (have == -2)
        have = acpi_find_irq_routing(&acpi_window, acpi_rsdp_hint(), &r,
                                     why, whylen);
    if (have < 0)
        return -1;
    *gsi = r.isa[line].gsi;
    *active_low = r.isa[line].level ? r.isa[line].active_low : true;
    return 0;
}

static struct intx_line *line_slot(uint8_t line, const struct pci_dev *dev)
{
    struct intx_line *free = NULL;
    uint32_t gsi;
    bool active_low;
    char why[96];
    int vector;

    for (unsigned i = 0; i < INTX_LINES; i++) {
        if (lines[i].line == line)
            return &lines[i];
        if (!free && lines[i].line == LINE_NONE)
            free = &lines[i];
    }
    if (!free) {
        complain(dev, "too many INTx lines in use");
        return NULL;
    }
    if ((vector = irq_alloc_vector(intx_dispatch, free)) < 0) {
        complain(dev, "no free interrupt vector for INTx");
        return NULL;
    }
    if (line_gsi(line, &gsi, &active_low, why, sizeof(why)) ||
        irq_route_gsi(gsi, (unsigned)vector, true, active_low, why,
                      sizeof(why))) {
        irq_free_vector((unsigned)vector);
        pr_warn("pci: INTx line %u not routed: %s", line, why);
        return NULL;
    }
    pr_debug("pci: INTx line %u -> GSI %u level active-%s, vector 0x%x",
             line, gsi, active_low ? "low" : "high", vector);
    free->line = line;
    free->vector = vector;
    return free;
}

int pci_intx_bind(const struct pci_dev *dev, pci_irq_fn fn, void *arg)
{
    struct intx_line *l;

    if (!dev->irq_pin) {
        complain(dev, "no INTx pin");
        return -1;
    }
    if (dev->irq_line == 0 || dev->irq_line >= ISA_IRQS) {
        complain(dev, "no INTx line left by the firmware (0, 0xff or past "
                      "15)");
        return -1;
    }
    if (!(l = line_slot(dev->irq_line, dev)))
        return -1;
    if (l->n == INTX_SHARERS) {
        complain(dev, "too many devices sharing its INTx line");
        return -1;
    }
    l->h[l->n].fn = fn;
    l->h[l->n].arg = arg;
    l->n++;
    /* INTx enabled (it may have been disabled by an earlier MSI-X use). */
    pci_write32(dev, PCI_COMMAND,
                (pci_read32(dev, PCI_COMMAND) & 0xffff &
                 ~PCI_COMMAND_INTX_DISABLE) | PCI_COMMAND_MASTER);
    return l->vector;
}
