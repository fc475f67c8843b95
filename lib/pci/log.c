/*
 * The start-of-day line for one PCI function, at debug level:
 *   pci: 00:03.0 1af4:1001 class 01.00.00 pin A line 11
 *        bar0 io 0xd000+0x40 bar1 mem 0xfe601000+0x1000 msix 2@bar1
 * (one line; BARs as base+size, "unassigned" when the firmware left the
 * base 0).  Pure: the boot test and the host tests read these lines.
 */
#include <tern/format.h>
#include <tern/log.h>
#include <tern/pci.h>
#include "scan_internal.h"

#define LINE_MAX 280

struct line {
    char buf[LINE_MAX];
    unsigned len;
};

static void add(struct line *l, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void add(struct line *l, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (l->len >= sizeof(l->buf) - 1)
        return;
    va_start(ap, fmt);
    n = tern_vsnprintf(l->buf + l->len, sizeof(l->buf) - l->len, fmt, ap);
    va_end(ap);
    if (n > 0)
        l->len += (unsigned)n;
    if (l->len > sizeof(l->buf) - 1)
        l->len = sizeof(l->buf) - 1;
}

static void add_bar(struct line *l, unsigned i, const struct pci_bar *b)
{
    const char *kind = (b->flags & PCI_BAR_IO)      ? "io"
                       : (b->flags & PCI_BAR_MEM64) ? "mem64"
                                                    : "mem";

    if (!b->size || (b->flags & PCI_BAR_UPPER))
        return;
    add(l, " bar%u %s%s", i, kind,
        (b->flags & PCI_BAR_PREFETCH) ? " pref" : "");
    if (b->base)
        add(l, " 0x%llx+0x%llx", (unsigned long long)b->base,
            (unsigned long long)b->size);
    else
        add(l, " unassigned+0x%llx", (unsigned long long)b->size);
}

void pci_log_function(const struct pci_dev *d)
{
    struct line l = {.len = 0};
    char bdf[16];

    if (tern_loglevel < LOG_DEBUG)
        return;
    add(&l, "pci: %s %04x:%04x class %02x.%02x.%02x",
        pci_bdf(d, bdf, sizeof(bdf)), d->vendor, d->device, d->class_code,
        d->subclass, d->prog_if);
    if (d->irq_pin)
        add(&l, " pin %c line %u", 'A' + d->irq_pin - 1, d->irq_line);
    for (unsigned i = 0; i < d->nbars; i++)
        add_bar(&l, i, &d->bar[i]);
    if (d->msix.table_size)
        add(&l, " msix %u@bar%u", d->msix.table_size, d->msix.table_bar);
    if (d->header_type == 1)
        add(&l, " bridge to bus %u-%u", d->secondary_bus,
            d->subordinate_bus);
    pr_debug("%s", l.buf);
}
