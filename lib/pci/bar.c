/*
 * BAR sizing (PCI Local Bus 3.0, 6.2.5.1): write all ones, read back the
 * mask of address bits the device decodes, put the original back.  Pure
 * logic over the accessor; the device's answers are checked, since a
 * lying mask would otherwise map a wild size or overlap RAM.
 */
#include <tern/format.h>
#include <tern/log.h>
#include <tern/pci.h>
#include "scan_internal.h"

#define BAR_IO_MAX 256u /* PCI 3.0: an I/O BAR asks for at most 256 ports */
#define BAR_MEM_TYPE_64 2u
#define BAR_MEM_TYPE_RESERVED 3u

/* What one BAR slot said: the value the firmware left and the mask. */
struct bar_probe {
    uint32_t orig_lo, mask_lo, orig_hi, mask_hi;
    bool is64;
};

static uint32_t probe_dword(const struct pci_config_access *acc,
                            const struct pci_dev *d, unsigned off,
                            uint32_t *orig)
{
    uint32_t mask;

    *orig = pci_cfg_read(acc, d, off);
    pci_cfg_write(acc, d, off, 0xffffffffu);
    mask = pci_cfg_read(acc, d, off);
    pci_cfg_write(acc, d, off, *orig);
    return mask;
}

/* Decode one probed BAR into b, or return the rule it breaks. */
static const char *bar_decode(const struct bar_probe *p, struct pci_bar *b)
{
    uint64_t orig, mask, size;
    unsigned type;

    if (p->orig_lo & 1) { /* I/O */
        if ((p->mask_lo & 1) != 1)
            return "type bits changed while sizing";
        b->flags = PCI_BAR_IO;
        /* A 16-bit decoder reads its upper half back as 0. */
        mask = p->mask_lo & ~3u;
        if (mask && !(mask >> 16))
            mask |= 0xffff0000u;
        orig = p->orig_lo & ~3u;
        if (!mask)
            return "decodes no address bits";
        size = (uint32_t)(~mask + 1);
        if (size & (size - 1))
            return "size mask not contiguous";
        if (size > BAR_IO_MAX)
            return "I/O BAR larger than 256 ports";
        if (orig + size > 0x10000)
            return "I/O BAR beyond port 0xffff";
    } else {
        type = (p->orig_lo >> 1) & 3;
        if ((p->mask_lo & 0xf) != (p->orig_lo & 0xf))
            return "type bits changed while sizing";
        if (type == BAR_MEM_TYPE_RESERVED)
            return "reserved memory type";
        /* Type 1 (below 1 MiB, PCI 2.x) decodes like a 32-bit BAR. */
        b->flags = (p->orig_lo & 8) ? PCI_BAR_PREFETCH : 0;
        orig = p->orig_lo & ~0xfu;
        mask = p->mask_lo & ~0xfu;
        if (p->is64) {
            b->flags |= PCI_BAR_MEM64;
            orig |= (uint64_t)p->orig_hi << 32;
            mask |= (uint64_t)p->mask_hi << 32;
        } else if (mask) {
            mask |= 0xffffffff00000000ull;
        }
        if (!mask) /* a slot not in use reads 0 and sizes to 0 */
            return (p->orig_lo || p->orig_hi) ? "decodes no address bits"
                                              : NULL;
        size = ~mask + 1;
        if (size & (size - 1))
            return "size mask not contiguous";
        if (size > PCI_BAR_MAX_SIZE)
            return "size beyond 1 TiB";
        if (orig + size < orig || (!p->is64 && orig + size > (1ull << 32)))
            return "BAR wraps past the end of its address space";
    }
    if (orig & (size - 1))
        return "base not aligned to its size";
    b->base = orig;
    b->size = size;
    return NULL;
}

static void refuse_bar(struct pci_scan *s, const struct pci_dev *d,
                       unsigned i, const char *rule)
{
    char bdf[16];

    pr_warn("pci: %s %04x:%04x: BAR %u: %s: not used",
            pci_bdf(d, bdf, sizeof(bdf)), d->vendor, d->device, i, rule);
    s->refused++;
}

/* Size every BAR of d with memory and I/O decoding off, so that the
 * all-ones value written during the probe never claims addresses. */
void pci_read_bars(const struct pci_config_access *acc, struct pci_scan *s,
                   struct pci_dev *d)
{
    uint32_t cmd = pci_cfg_read(acc, d, PCI_COMMAND) & 0xffff;

    pci_cfg_write(acc, d, PCI_COMMAND,
                  cmd & ~(PCI_COMMAND_IO | PCI_COMMAND_MEMORY));
    for (unsigned i = 0; i < d->nbars; i++) {
        struct bar_probe p = {0};
        struct pci_bar *b = &d->bar[i];
        const char *rule;

        p.mask_lo = probe_dword(acc, d, PCI_BAR0 + 4 * i, &p.orig_lo);
        p.is64 = !(p.orig_lo & 1) &&
                 ((p.orig_lo >> 1) & 3) == BAR_MEM_TYPE_64;
        if (p.is64 && i + 1 >= d->nbars) {
            refuse_bar(s, d, i, "64-bit BAR in the last slot");
            break;
        }
        if (p.is64)
            p.mask_hi = probe_dword(acc, d, PCI_BAR0 + 4 * (i + 1),
                                    &p.orig_hi);
        rule = bar_decode(&p, b);
        if (rule) {
            refuse_bar(s, d, i, rule);
            b->base = b->size = 0;
        }
        if (p.is64)
            d->bar[++i].flags = PCI_BAR_UPPER;
    }
    pci_cfg_write(acc, d, PCI_COMMAND, cmd);
}
