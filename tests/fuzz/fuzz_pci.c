/*
 * libFuzzer target: PCI enumeration (lib/pci) and the modern virtio
 * layout (lib/virtio/pci_caps.c) over a machine the input describes.
 * The input is a list of records, each one function: bus, device/function
 * byte, its 256-byte config space and what each of its six BAR slots
 * reads back after all ones were written (24 bytes).  Absent functions
 * read all ones.  Checked: config accesses aligned and inside the
 * 256 bytes, no function recorded twice (no bus enumerated twice), each
 * BAR kept a power-of-two size at an aligned base inside its address
 * space, capabilities at
 * aligned offsets past the header and distinct, MSI-X inside its BAR,
 * and each virtio region the parser accepts inside its BAR.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tern/pci.h>
#include <tern/virtio_pci.h>

#define REC_LEN (2 + 256 + 24)
#define MAX_FNS 24
#define CAP 32

#define check(ok)                                                         \
    do {                                                                  \
        if (!(ok)) {                                                      \
            fprintf(stderr, "fuzz_pci.c:%d: %s\n", __LINE__, #ok);        \
            abort();                                                      \
        }                                                                 \
    } while (0)

struct fn {
    unsigned bus, dev, fn;
    uint8_t cfg[256];
    uint32_t mask[6];
    bool sizing[6];
};

static struct fn fns[MAX_FNS];
static unsigned nfns;

static struct fn *find(unsigned bus, unsigned dev, unsigned f)
{
    for (unsigned i = 0; i < nfns; i++)
        if (fns[i].bus == bus && fns[i].dev == dev && fns[i].fn == f)
            return &fns[i];
    return NULL;
}

static uint32_t sim_read(void *ctx, unsigned bus, unsigned dev, unsigned f,
                         unsigned off)
{
    struct fn *p = find(bus, dev, f);
    uint32_t v;

    (void)ctx;
    check(off % 4 == 0 && off < 256 && bus < 256 && dev < 32 && f < 8);
    if (!p)
        return 0xffffffffu;
    if (off >= PCI_BAR0 && off < PCI_BAR0 + 24 &&
        p->sizing[(off - PCI_BAR0) / 4])
        return p->mask[(off - PCI_BAR0) / 4];
    memcpy(&v, p->cfg + off, 4);
    return v;
}

static void sim_write(void *ctx, unsigned bus, unsigned dev, unsigned f,
                      unsigned off, uint32_t val)
{
    struct fn *p = find(bus, dev, f);

    (void)ctx;
    check(off % 4 == 0 && off < 256);
    if (!p)
        return;
    if (off >= PCI_BAR0 && off < PCI_BAR0 + 24) {
        p->sizing[(off - PCI_BAR0) / 4] = val == 0xffffffffu;
        if (val != 0xffffffffu)
            memcpy(p->cfg + off, &val, 4);
        return;
    }
    if (off == PCI_COMMAND) { /* status: read-only and write-1-to-clear */
        check(val >> 16 == 0);
        memcpy(p->cfg + off, &val, 2);
        return;
    }
    memcpy(p->cfg + off, &val, 4);
}

static void check_bar(const struct pci_bar *b)
{
    if (!b->size)
        return;
    check((b->size & (b->size - 1)) == 0);
    check((b->base & (b->size - 1)) == 0);
    if (b->flags & PCI_BAR_IO)
        check(b->size <= 256 && b->base + b->size <= 0x10000);
    else if (b->flags & PCI_BAR_MEM64)
        check(b->size <= PCI_BAR_MAX_SIZE && b->base + b->size > b->base);
    else
        check(b->base + b->size <= (1ull << 32));
}

static void check_region(const struct pci_dev *d,
                         const struct virtio_pci_region *r)
{
    const struct pci_bar *b = &d->bar[r->bar];

    check(r->bar < d->nbars && b->size && !(b->flags & PCI_BAR_IO));
    check((uint64_t)r->off + r->len <= b->size);
}

static void check_dev(const struct pci_dev *d)
{
    uint64_t seen[4] = {0};
    struct fn *p = find(d->bus, d->dev, d->fn);
    struct virtio_pci_layout l;
    char why[96];

    check(p != NULL && d->nbars <= 6 && d->ncaps <= PCI_MAX_CAPS);
    for (unsigned i = 0; i < d->nbars; i++)
        check_bar(&d->bar[i]);
    for (unsigned i = 0; i < d->ncaps; i++) {
        unsigned off = d->caps[i].off;

        check(off >= 0x40 && off % 4 == 0);
        check(!(seen[off / 64] & (1ull << (off % 64))));
        seen[off / 64] |= 1ull << (off % 64);
    }
    if (d->msix.table_size) {
        const struct pci_bar *b = &d->bar[d->msix.table_bar];

        check(d->msix.table_bar < d->nbars && b->size);
        check(d->msix.table_off + (uint64_t)d->msix.table_size * 16 <=
              b->size);
    }
    if (virtio_pci_parse_caps(d, p->cfg, &l, why, sizeof(why)) == 0) {
        check_region(d, &l.common);
        check_region(d, &l.notify);
        check_region(d, &l.isr);
        if (l.has_device)
            check_region(d, &l.device);
        check(l.common.len >= VIRTIO_PCI_COMMON_LEN && l.isr.len >= 1 &&
              l.notify.len >= 2);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct pci_config_access acc = {sim_read, sim_write, NULL,
                                                 0, 255};
    static struct pci_dev devs[CAP];
    struct pci_scan s = {devs, CAP, 0, 0, 0, 0};

    nfns = 0;
    for (size_t at = 0; at + REC_LEN <= size && nfns < MAX_FNS;
         at += REC_LEN) {
        struct fn *p = &fns[nfns++];

        memset(p, 0, sizeof(*p));
        p->bus = data[at];
        p->dev = data[at + 1] >> 3;
        p->fn = data[at + 1] & 7;
        memcpy(p->cfg, data + at + 2, 256);
        memcpy(p->mask, data + at + 258, 24);
    }
    pci_scan_all(&acc, &s);
    check(s.n <= CAP && s.buses <= 256);
    for (unsigned i = 0; i < s.n; i++) {
        check_dev(&devs[i]);
        if (devs[i].parent != PCI_NO_PARENT)
            check(devs[i].parent < i && devs[devs[i].parent].header_type == 1);
    }
    /* Each bus enumerated once: a bus scanned twice would record its
     * functions twice. */
    for (unsigned i = 0; i < s.n; i++)
        for (unsigned j = 0; j < i; j++)
            check(devs[i].bus != devs[j].bus || devs[i].dev != devs[j].dev ||
                  devs[i].fn != devs[j].fn);
    return 0;
}
