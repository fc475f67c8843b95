/*
 * The capability list (PCI Local Bus 3.0, 6.7) and MSI-X's capability
 * (6.8.2).  Pure logic over the accessor.  The list is a chain of
 * device-supplied pointers: it is walked once, bounded, and a pointer
 * into the header, an unaligned one or one already visited ends the walk
 * with a line.
 */
#include <tern/log.h>
#include <tern/pci.h>
#include "scan_internal.h"

#define CAP_FIRST 0x40 /* capabilities live after the 64-byte header */
#define CAP_WALK_MAX 48 /* (256 - 64) / 4: more means a loop */
#define MSIX_SIZE_MASK 0x7ffu
#define MSIX_BIR_MASK 7u

static void refuse(struct pci_scan *s, const struct pci_dev *d,
                   const char *what, unsigned val)
{
    char bdf[16];

    pr_warn("pci: %s %04x:%04x: %s (0x%x)", pci_bdf(d, bdf, sizeof(bdf)),
            d->vendor, d->device, what, val);
    s->refused++;
}

/* The BAR an MSI-X structure lives in must be a memory BAR holding all
 * of [off, off + len). */
static bool msix_fits(const struct pci_dev *d, unsigned bir, uint32_t off,
                      uint64_t len)
{
    const struct pci_bar *b;

    if (bir >= d->nbars)
        return false;
    b = &d->bar[bir];
    return b->size && !(b->flags & (PCI_BAR_IO | PCI_BAR_UPPER)) &&
           off + len <= b->size;
}

static void read_msix(const struct pci_config_access *acc, struct pci_scan *s,
                      struct pci_dev *d, uint8_t at, uint32_t head)
{
    uint16_t n = (uint16_t)(((head >> 16) & MSIX_SIZE_MASK) + 1);
    uint32_t table, pba;

    /* 12 bytes: its table and PBA words must be in the 256 of config
     * space (past them, ports 0xcf8 would read the next function's) */
    if (at > 256 - 12) {
        refuse(s, d, "MSI-X capability runs past the configuration space, "
                     "ignored", at);
        return;
    }
    table = pci_cfg_read(acc, d, at + 4u);
    pba = pci_cfg_read(acc, d, at + 8u);
    struct pci_msix m = {
        .table_size = n,
        .cap = at,
        .table_bar = table & MSIX_BIR_MASK,
        .pba_bar = pba & MSIX_BIR_MASK,
        .table_off = table & ~MSIX_BIR_MASK,
        .pba_off = pba & ~MSIX_BIR_MASK,
    };

    if (d->msix.table_size) {
        refuse(s, d, "a second MSI-X capability, ignored", at);
        return;
    }
    if (!msix_fits(d, m.table_bar, m.table_off,
                   (uint64_t)n * PCI_MSIX_ENTRY_SIZE)) {
        refuse(s, d, "MSI-X table outside its BAR, MSI-X not used",
               m.table_off);
        return;
    }
    if (!msix_fits(d, m.pba_bar, m.pba_off, (n + 63u) / 64u * 8u)) {
        refuse(s, d, "MSI-X PBA outside its BAR, MSI-X not used", m.pba_off);
        return;
    }
    d->msix = m;
}

void pci_read_caps(const struct pci_config_access *acc, struct pci_scan *s,
                   struct pci_dev *d)
{
    uint64_t seen[4] = {0};
    uint32_t status = pci_cfg_read(acc, d, PCI_COMMAND) >> 16;
    unsigned at, walked = 0;

    if (!(status & PCI_STATUS_CAP_LIST))
        return;
    at = pci_cfg_read(acc, d, PCI_CAP_PTR) & 0xff;
    while (at) {
        uint32_t head;

        if (at < CAP_FIRST || (at & 3)) {
            refuse(s, d, "capability pointer into the header or unaligned, "
                         "list ends there", at);
            return;
        }
        if (seen[at / 64] & (1ull << (at % 64)) || ++walked > CAP_WALK_MAX) {
            refuse(s, d, "capability list loops, list ends there", at);
            return;
        }
        seen[at / 64] |= 1ull << (at % 64);
        head = pci_cfg_read(acc, d, at);
        if (d->ncaps < PCI_MAX_CAPS)
            d->caps[d->ncaps++] = (struct pci_cap){head & 0xff, (uint8_t)at};
        else if (d->ncaps++ == PCI_MAX_CAPS)
            refuse(s, d, "more than 16 capabilities, the rest ignored", at);
        if ((head & 0xff) == PCI_CAP_ID_MSIX)
            read_msix(acc, s, d, (uint8_t)at, head);
        at = (head >> 8) & 0xff;
    }
    if (d->ncaps > PCI_MAX_CAPS)
        d->ncaps = PCI_MAX_CAPS;
}

uint8_t pci_cap_find(const struct pci_dev *dev, uint8_t id, unsigned *from)
{
    for (unsigned i = from ? *from : 0; i < dev->ncaps; i++)
        if (dev->caps[i].id == id) {
            if (from)
                *from = i + 1;
            return dev->caps[i].off;
        }
    if (from)
        *from = dev->ncaps;
    return 0;
}
