/*
 * PCI enumeration: bus acc->bus_first, each device's functions, and every
 * bus behind a PCI-PCI bridge, depth first.  Pure logic over the
 * accessor (host unit tests simulate whole config spaces).
 *
 * The bus numbers come from the bridges (the firmware numbered them:
 * SeaBIOS does on QEMU pc and q35, with -kernel too).  A bridge that
 * names bus 0, a bus already enumerated (a loop), or a bus out of the
 * accessor's range, or that sits deeper than PCI_MAX_BRIDGE_DEPTH, gets
 * a line and is not followed.
 */
#include <string.h>
#include <tern/format.h>
#include <tern/log.h>
#include <tern/pci.h>
#include "scan_internal.h"

#define HEADER_MULTIFUNCTION 0x80u
#define HEADER_DEVICE 0
#define HEADER_BRIDGE 1
#define HEADER_CARDBUS 2

struct walk {
    const struct pci_config_access *acc;
    struct pci_scan *s;
    uint64_t bus_seen[4];
};

const char *pci_bdf(const struct pci_dev *dev, char *buf, unsigned len)
{
    tern_snprintf(buf, len, "%02x:%02x.%x", dev->bus, dev->dev, dev->fn);
    return buf;
}

static bool bus_seen(struct walk *w, unsigned bus)
{
    return w->bus_seen[bus / 64] & (1ull << (bus % 64));
}

static void mark_bus(struct walk *w, unsigned bus)
{
    w->bus_seen[bus / 64] |= 1ull << (bus % 64);
}

static void read_ids(const struct pci_config_access *acc, struct pci_dev *d,
                     uint32_t id)
{
    uint32_t cr = pci_cfg_read(acc, d, PCI_CLASS_REV);
    uint32_t hdr = pci_cfg_read(acc, d, PCI_HEADER_DWORD) >> 16;

    d->vendor = id & 0xffff;
    d->device = id >> 16;
    d->revision = cr & 0xff;
    d->prog_if = (cr >> 8) & 0xff;
    d->subclass = (cr >> 16) & 0xff;
    d->class_code = cr >> 24;
    d->header_type = hdr & 0x7f;
    d->multifunction = hdr & HEADER_MULTIFUNCTION;
}

/* Header-type-specific fields: BAR count, subsystem, interrupt, buses. */
static void read_header(const struct pci_config_access *acc,
                        struct pci_dev *d)
{
    uint32_t intr = pci_cfg_read(acc, d, PCI_INTERRUPT);

    d->irq_line = intr & 0xff;
    d->irq_pin = (intr >> 8) & 0xff;
    if (d->irq_pin > 4) /* INTA-INTD only */
        d->irq_pin = 0;
    if (d->header_type == HEADER_DEVICE) {
        uint32_t sub = pci_cfg_read(acc, d, PCI_SUBSYSTEM);

        d->nbars = 6;
        d->subsys_vendor = sub & 0xffff;
        d->subsys_id = sub >> 16;
    } else if (d->header_type == HEADER_BRIDGE) {
        uint32_t buses = pci_cfg_read(acc, d, PCI_BRIDGE_BUSES);

        d->nbars = 2;
        d->secondary_bus = (buses >> 8) & 0xff;
        d->subordinate_bus = (buses >> 16) & 0xff;
    }
}

static void scan_bus(struct walk *w, unsigned bus, unsigned depth,
                     unsigned parent);

/* A bridge's secondary bus, when it is one to enumerate. */
static void follow_bridge(struct walk *w, const struct pci_dev *d,
                          unsigned depth, unsigned self)
{
    const char *rule = NULL;
    unsigned sec = d->secondary_bus;
    char bdf[16];

    if (sec == 0)
        rule = "names bus 0 as its secondary bus (not numbered)";
    else if (sec < w->acc->bus_first || sec > w->acc->bus_last)
        rule = "names a bus the config mechanism does not reach";
    else if (bus_seen(w, sec))
        rule = "names a bus already enumerated (a loop)";
    else if (depth + 1 >= PCI_MAX_BRIDGE_DEPTH)
        rule = "nested deeper than 8 bridges";
    if (rule) {
        pr_warn("pci: %s %04x:%04x: bridge to bus %u %s: not followed",
                pci_bdf(d, bdf, sizeof(bdf)), d->vendor, d->device, sec,
                rule);
        w->s->refused++;
        return;
    }
    scan_bus(w, sec, depth + 1, self);
}

/* Record function bus:dev.fn (present: id is its vendor/device dword);
 * false when the device's function 0 says it has no others. */
static bool scan_function(struct walk *w, unsigned bus, unsigned dev,
                          unsigned fn, uint32_t id, unsigned depth,
                          unsigned parent)
{
    struct pci_scan *s = w->s;
    struct pci_dev tmp, *d = s->n < s->cap ? &s->devs[s->n] : &tmp;
    unsigned self = s->n < s->cap ? s->n : PCI_NO_PARENT;

    memset(d, 0, sizeof(*d));
    d->bus = (uint8_t)bus;
    d->dev = (uint8_t)dev;
    d->fn = (uint8_t)fn;
    d->parent = (uint8_t)parent;
    read_ids(w->acc, d, id);
    read_header(w->acc, d);
    if (d == &tmp) {
        s->dropped++; /* counted; a bridge's bus is still followed */
    } else {
        s->n++;
        pci_read_bars(w->acc, s, d);
        if (d->header_type <= HEADER_BRIDGE) /* CardBus's list is elsewhere */
            pci_read_caps(w->acc, s, d);
        pci_log_function(d);
    }
    if (d->header_type == HEADER_BRIDGE)
        follow_bridge(w, d, depth, self);
    else if (d->header_type > HEADER_CARDBUS) {
        char bdf[16];

        pr_warn("pci: %s %04x:%04x: unknown header type 0x%x",
                pci_bdf(d, bdf, sizeof(bdf)), d->vendor, d->device,
                d->header_type);
        s->refused++;
    }
    return fn != 0 || d->multifunction;
}

/* All ones (nothing answered) or zero (a broken device) are no function. */
static bool present(uint32_t id)
{
    return (id & 0xffff) != 0xffff && (id & 0xffff) != 0;
}

static void scan_bus(struct walk *w, unsigned bus, unsigned depth,
                     unsigned parent)
{
    const struct pci_config_access *acc = w->acc;

    mark_bus(w, bus);
    w->s->buses++;
    for (unsigned dev = 0; dev < 32; dev++)
        for (unsigned fn = 0; fn < 8; fn++) {
            uint32_t id = acc->read(acc->ctx, bus, dev, fn, PCI_VENDOR_ID);

            if (!present(id)) {
                if (fn == 0)
                    break; /* function 0 is required */
                continue;
            }
            if (!scan_function(w, bus, dev, fn, id, depth, parent))
                break;
        }
}

void pci_scan_all(const struct pci_config_access *acc, struct pci_scan *s)
{
    struct walk w = {acc, s, {0}};

    s->n = s->buses = s->dropped = s->refused = 0;
    if (s->cap > PCI_NO_PARENT) /* parent indices are 8-bit */
        s->cap = PCI_NO_PARENT;
    scan_bus(&w, acc->bus_first, 0, PCI_NO_PARENT);
}
