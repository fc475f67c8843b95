/*
 * pci-list: the PCI functions the runtime found, one line each, for the
 * boot test to compare with the QEMU options it gave:
 *   pci-list: 01:03.0 1af4:1000 under 00:04.0 pin A line 11
 *             bar0 io+0x20 bar1 mem+0x1000 bar4 mem64p+0x4000 msix 3
 * (BAR sizes, not addresses: the test knows the sizes each device asks
 * for, the firmware picks the addresses).  "--bind" also binds each
 * function's interrupt (MSI-X entry 0, else INTx) and prints the vector.
 */
#include <stdio.h>
#include <string.h>
#include <tern/pci.h>

static void ignore(unsigned vector, void *arg)
{
    (void)vector;
    (void)arg;
}

static void print_bars(const struct pci_dev *d)
{
    for (unsigned i = 0; i < d->nbars; i++) {
        const struct pci_bar *b = &d->bar[i];

        if (!b->size || (b->flags & PCI_BAR_UPPER))
            continue;
        printf(" bar%u %s%s%s+0x%llx", i,
               (b->flags & PCI_BAR_IO) ? "io" : "mem",
               (b->flags & PCI_BAR_MEM64) ? "64" : "",
               (b->flags & PCI_BAR_PREFETCH) ? "p" : "",
               (unsigned long long)b->size);
        if (!b->base)
            printf("(unassigned)");
    }
}

static void print_function(const struct pci_dev *d, int bind)
{
    char bdf[16], up[16];
    const struct pci_dev *parent =
        d->parent == PCI_NO_PARENT ? NULL : pci_get(d->parent);

    printf("pci-list: %s %04x:%04x under %s", pci_bdf(d, bdf, sizeof(bdf)),
           d->vendor, d->device,
           parent ? pci_bdf(parent, up, sizeof(up)) : "root");
    if (d->irq_pin)
        printf(" pin %c line %u", 'A' + d->irq_pin - 1, d->irq_line);
    print_bars(d);
    if (d->msix.table_size)
        printf(" msix %u", d->msix.table_size);
    if (d->header_type == 1)
        printf(" bridge %u-%u", d->secondary_bus, d->subordinate_bus);
    if (bind && d->msix.table_size)
        printf(" msix-vector %d", pci_msix_bind(d, 0, ignore, NULL));
    else if (bind && d->irq_pin)
        printf(" intx-vector %d", pci_intx_bind(d, ignore, NULL));
    printf("\n");
}

int main(int argc, char **argv)
{
    int bind = argc > 1 && strcmp(argv[1], "--bind") == 0;

    printf("pci-list: %u function(s) through %s\n", pci_count(),
           pci_describe());
    for (unsigned i = 0; i < pci_count(); i++)
        print_function(pci_get(i), bind);
    return 0;
}
