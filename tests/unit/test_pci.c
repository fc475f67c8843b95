/* PCI enumeration against simulated config spaces: empty buses, devices
 * whose BAR probes lie, capability lists that loop, bridges that loop,
 * multi-function devices; and the MCFG finder over crafted tables. */
#include <string.h>
#include <tern/acpi.h>
#include <tern/log.h>
#include <tern/pci.h>
#include "fake_machine.h"
#include "test.h"

/* ---- a simulated machine --------------------------------------------- */

#define SIM_FNS 32

struct sim_fn {
    unsigned bus, dev, fn;
    uint32_t cfg[64];
    /* What a BAR reads back after all ones were written to it. */
    uint32_t bar_mask[6];
    bool sizing[6];
};

static struct sim_fn sim[SIM_FNS];
static unsigned nsim;
static unsigned decode_on_during_probe; /* rule broken by the scanner */
static unsigned reads;

static struct sim_fn *sim_find(unsigned bus, unsigned dev, unsigned fn)
{
    for (unsigned i = 0; i < nsim; i++)
        if (sim[i].bus == bus && sim[i].dev == dev && sim[i].fn == fn)
            return &sim[i];
    return NULL;
}

static uint32_t sim_read(void *ctx, unsigned bus, unsigned dev, unsigned fn,
                         unsigned off)
{
    struct sim_fn *f = sim_find(bus, dev, fn);
    unsigned bar = (off - PCI_BAR0) / 4;

    (void)ctx;
    reads++;
    CHECK(off % 4 == 0 && off < 256);
    if (!f)
        return 0xffffffffu;
    if (off >= PCI_BAR0 && bar < 6 && f->sizing[bar])
        return f->bar_mask[bar];
    return f->cfg[off / 4];
}

static void sim_write(void *ctx, unsigned bus, unsigned dev, unsigned fn,
                      unsigned off, uint32_t val)
{
    struct sim_fn *f = sim_find(bus, dev, fn);
    unsigned bar = (off - PCI_BAR0) / 4;

    (void)ctx;
    CHECK(off % 4 == 0 && off < 256);
    if (!f)
        return;
    if (off >= PCI_BAR0 && bar < 6) {
        if (f->cfg[PCI_COMMAND / 4] & (PCI_COMMAND_IO | PCI_COMMAND_MEMORY))
            decode_on_during_probe++;
        f->sizing[bar] = val == 0xffffffffu;
        if (!f->sizing[bar])
            f->cfg[off / 4] = val;
        return;
    }
    if (off == PCI_COMMAND) {
        CHECK((val >> 16) == 0); /* status bits are write-one-to-clear */
        f->cfg[1] = (f->cfg[1] & 0xffff0000u) | (val & 0xffff);
        return;
    }
    f->cfg[off / 4] = val;
}

static const struct pci_config_access sim_acc = {sim_read, sim_write, NULL,
                                                 0, 255};

static struct sim_fn *sim_add(unsigned bus, unsigned dev, unsigned fn,
                              uint16_t vendor, uint16_t device,
                              uint8_t header)
{
    struct sim_fn *f = &sim[nsim++];

    memset(f, 0, sizeof(*f));
    f->bus = bus;
    f->dev = dev;
    f->fn = fn;
    f->cfg[0] = (uint32_t)device << 16 | vendor;
    f->cfg[1] = PCI_COMMAND_IO | PCI_COMMAND_MEMORY;
    f->cfg[2] = 0x01000000u; /* class 01 */
    f->cfg[3] = (uint32_t)header << 16;
    return f;
}

/* A BAR the way real devices answer: base as assigned, size mask. */
static void sim_bar32(struct sim_fn *f, unsigned i, uint32_t base,
                      uint32_t size, bool io)
{
    uint32_t type = io ? 1u : 0u;

    f->cfg[4 + i] = base | type;
    f->bar_mask[i] = (~(size - 1) & (io ? ~3u : ~0xfu)) | type;
}

static void sim_bar64(struct sim_fn *f, unsigned i, uint64_t base,
                      uint64_t size, bool prefetch)
{
    uint32_t type = 4u | (prefetch ? 8u : 0u);
    uint64_t mask = ~(size - 1);

    f->cfg[4 + i] = (uint32_t)base | type;
    f->cfg[5 + i] = (uint32_t)(base >> 32);
    f->bar_mask[i] = ((uint32_t)mask & ~0xfu) | type;
    f->bar_mask[i + 1] = (uint32_t)(mask >> 32);
}

/* Capabilities: each (id, off) linked to the next, the last to 0. */
static void sim_caps(struct sim_fn *f, const uint8_t (*caps)[2], unsigned n)
{
    f->cfg[1] |= (uint32_t)PCI_STATUS_CAP_LIST << 16;
    f->cfg[PCI_CAP_PTR / 4] = caps[0][1];
    for (unsigned i = 0; i < n; i++)
        f->cfg[caps[i][1] / 4] =
            caps[i][0] | (uint32_t)(i + 1 < n ? caps[i + 1][1] : 0) << 8;
}

static void sim_bridge(struct sim_fn *f, unsigned secondary,
                       unsigned subordinate)
{
    f->cfg[PCI_BRIDGE_BUSES / 4] = f->bus | secondary << 8 |
                                   subordinate << 16;
}

static struct pci_dev devs[16];
static struct pci_scan scan;

static void sim_reset(void)
{
    nsim = 0;
    decode_on_during_probe = 0;
    reads = 0;
    memset(devs, 0, sizeof(devs));
    scan = (struct pci_scan){.devs = devs, .cap = 16};
}

static const struct pci_dev *found(unsigned bus, unsigned dev, unsigned fn)
{
    for (unsigned i = 0; i < scan.n; i++)
        if (devs[i].bus == bus && devs[i].dev == dev && devs[i].fn == fn)
            return &devs[i];
    return NULL;
}

/* ---- tests ------------------------------------------------------------- */

TEST(pci_empty_bus_all_ones_finds_nothing)
{
    sim_reset();
    pci_scan_all(&sim_acc, &scan);
    CHECK(scan.n == 0 && scan.buses == 1 && scan.refused == 0);
    CHECK(reads == 32); /* function 0 of each device, nothing more */
}

/* QEMU pc's virtio-blk as SeaBIOS leaves it. */
TEST(pci_device_bars_sized_with_decode_off_and_restored)
{
    struct sim_fn *f;
    const struct pci_dev *d;
    static const uint8_t caps[][2] = {{PCI_CAP_ID_MSIX, 0x98},
                                      {PCI_CAP_ID_VENDOR, 0x84},
                                      {PCI_CAP_ID_VENDOR, 0x70}};
    uint32_t before[64];

    sim_reset();
    f = sim_add(0, 3, 0, 0x1af4, 0x1001, 0);
    sim_bar32(f, 0, 0xd000, 0x80, true);
    sim_bar32(f, 1, 0xfe601000, 0x1000, false);
    sim_bar64(f, 4, 0xfea04000, 0x4000, true);
    f->cfg[PCI_INTERRUPT / 4] = 0x010b;
    sim_caps(f, caps, 3);
    f->cfg[0x98 / 4] |= 1u << 16;          /* 2 entries */
    f->cfg[0x98 / 4 + 1] = 0x0000 | 1;     /* table at BAR1 + 0 */
    f->cfg[0x98 / 4 + 2] = 0x0800 | 1;     /* PBA at BAR1 + 0x800 */
    memcpy(before, f->cfg, sizeof(before));
    pci_scan_all(&sim_acc, &scan);
    CHECK(scan.n == 1 && scan.refused == 0);
    CHECK(decode_on_during_probe == 0);
    CHECK(memcmp(before, f->cfg, sizeof(before)) == 0);
    d = found(0, 3, 0);
    CHECK(d && d->vendor == 0x1af4 && d->device == 0x1001);
    CHECK(d->irq_pin == 1 && d->irq_line == 11);
    CHECK(d->bar[0].flags == PCI_BAR_IO && d->bar[0].base == 0xd000 &&
          d->bar[0].size == 0x80);
    CHECK(d->bar[1].flags == 0 && d->bar[1].base == 0xfe601000 &&
          d->bar[1].size == 0x1000);
    CHECK(d->bar[4].flags == (PCI_BAR_MEM64 | PCI_BAR_PREFETCH) &&
          d->bar[4].base == 0xfea04000 && d->bar[4].size == 0x4000);
    CHECK(d->bar[5].flags == PCI_BAR_UPPER && d->bar[5].size == 0);
    CHECK(d->bar[2].size == 0 && d->bar[3].size == 0);
    CHECK(d->msix.table_size == 2 && d->msix.table_bar == 1 &&
          d->msix.pba_off == 0x800 && d->msix.cap == 0x98);
    CHECK(log_contains("pci: 00:03.0 1af4:1001 class 01.00.00 pin A line 11 "
                       "bar0 io 0xd000+0x80 bar1 mem 0xfe601000+0x1000 "
                       "bar4 mem64 pref 0xfea04000+0x4000 msix 2@bar1"));
}

TEST(pci_cap_find_walks_each_vendor_capability)
{
    struct sim_fn *f;
    static const uint8_t caps[][2] = {{PCI_CAP_ID_VENDOR, 0x84},
                                      {PCI_CAP_ID_PCIE, 0x40},
                                      {PCI_CAP_ID_VENDOR, 0x70}};
    unsigned from = 0;

    sim_reset();
    f = sim_add(0, 1, 0, 0x1af4, 0x1041, 0);
    sim_caps(f, caps, 3);
    pci_scan_all(&sim_acc, &scan);
    CHECK(scan.n == 1 && devs[0].ncaps == 3);
    CHECK(pci_cap_find(&devs[0], PCI_CAP_ID_VENDOR, &from) == 0x84);
    CHECK(pci_cap_find(&devs[0], PCI_CAP_ID_VENDOR, &from) == 0x70);
    CHECK(pci_cap_find(&devs[0], PCI_CAP_ID_VENDOR, &from) == 0);
    CHECK(pci_cap_find(&devs[0], PCI_CAP_ID_MSIX, NULL) == 0);
}

/* A function whose vendor is real but everything else reads all ones
 * (a device dying under the scan): no BAR, no capability, a line. */
TEST(pci_device_otherwise_all_ones_is_refused_not_followed)
{
    struct sim_fn *f;

    sim_reset();
    f = sim_add(0, 2, 0, 0x1234, 0x5678, 0);
    memset(&f->cfg[1], 0xff, sizeof(f->cfg) - 4);
    memset(f->bar_mask, 0xff, sizeof(f->bar_mask));
    pci_scan_all(&sim_acc, &scan);
    CHECK(scan.n == 1 && scan.refused == 1);
    CHECK(log_contains("unknown header type 0x7f"));
    CHECK(devs[0].nbars == 0 && devs[0].ncaps == 0 && devs[0].irq_pin == 0);
    /* Multi-function bit set too: 7 more absent functions, no more. */
    CHECK(scan.n == 1);
}

static const struct pci_dev *one_bar_device(void (*setup)(struct sim_fn *))
{
    struct sim_fn *f;

    sim_reset();
    f = sim_add(0, 5, 0, 0x1af4, 0x1000, 0);
    setup(f);
    pci_scan_all(&sim_acc, &scan);
    CHECK(decode_on_during_probe == 0);
    return scan.n == 1 ? &devs[0] : NULL;
}

static void all_ones_mask(struct sim_fn *f)
{
    f->cfg[4] = 0xfe000000u;
    f->bar_mask[0] = 0xffffffffu;
}

static void sixty_four_in_last_slot(struct sim_fn *f)
{
    f->cfg[9] = 0xfe000004u;
    f->bar_mask[5] = 0xfffff004u;
}

static void sizes_to_zero_but_assigned(struct sim_fn *f)
{
    f->cfg[4] = 0xfe000000u;
    f->bar_mask[0] = 0;
}

static void unimplemented(struct sim_fn *f)
{
    (void)f; /* reads 0, sizes to 0: a BAR slot not in use */
}

static void size_wraps_64(struct sim_fn *f)
{
    f->cfg[4] = 0x4u;
    f->bar_mask[0] = 0x4u; /* no address bit decodes: 2^64 bytes */
    f->bar_mask[1] = 0;
}

static void huge_64(struct sim_fn *f)
{
    sim_bar64(f, 0, 0x100000000000ull, 1ull << 44, false);
}

static void not_contiguous(struct sim_fn *f)
{
    f->cfg[4] = 0xfe000000u;
    f->bar_mask[0] = 0xff0ff000u;
}

static void misaligned(struct sim_fn *f)
{
    sim_bar32(f, 0, 0xfe000800u, 0x1000, false);
}

static void io_too_big(struct sim_fn *f)
{
    sim_bar32(f, 0, 0xc000, 0x1000, true);
}

static void io_past_64k(struct sim_fn *f)
{
    f->cfg[4] = 0xffffff01u; /* 16-bit decoder would see 0xff00 */
    f->bar_mask[0] = 0xffffff01u;
}

static void reserved_type(struct sim_fn *f)
{
    f->cfg[4] = 0xfe000006u;
    f->bar_mask[0] = 0xfffff006u;
}

static void mem32_wraps(struct sim_fn *f)
{
    sim_bar32(f, 0, 0xfffff000u, 0x1000, false);
    f->cfg[4] = 0xffffe000u; /* aligned to 0x1000 but size reads 0x4000 */
    f->bar_mask[0] = 0xffffc000u;
}

TEST(pci_absurd_bars_are_refused_with_a_line)
{
    static const struct {
        void (*setup)(struct sim_fn *);
        const char *rule;
    } cases[] = {
        {all_ones_mask, "BAR 0: type bits changed while sizing"},
        {sixty_four_in_last_slot, "BAR 5: 64-bit BAR in the last slot"},
        {sizes_to_zero_but_assigned, "BAR 0: decodes no address bits"},
        {size_wraps_64, "BAR 0: decodes no address bits"},
        {huge_64, "BAR 0: size beyond 1 TiB"},
        {not_contiguous, "BAR 0: size mask not contiguous"},
        {misaligned, "BAR 0: base not aligned to its size"},
        {io_too_big, "BAR 0: I/O BAR larger than 256 ports"},
        {io_past_64k, "BAR 0: I/O BAR beyond port 0xffff"},
        {mem32_wraps, "BAR 0: BAR wraps past the end"},
        {reserved_type, "BAR 0: reserved memory type"},
    };

    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct pci_dev *d;

        log_clear();
        d = one_bar_device(cases[i].setup);
        CHECK(d != NULL);
        if (!d)
            continue;
        if (!log_contains(cases[i].rule))
            printf("#   case %u: no \"%s\" in: %s", i, cases[i].rule,
                   log_text());
        CHECK(log_contains(cases[i].rule));
        CHECK(scan.refused == 1);
        for (unsigned b = 0; b < 6; b++)
            CHECK(d->bar[b].size == 0 && d->bar[b].base == 0);
    }
}

TEST(pci_unimplemented_bar_is_silent)
{
    const struct pci_dev *d = one_bar_device(unimplemented);

    CHECK(d && scan.refused == 0 && d->bar[0].size == 0);
}

TEST(pci_io_bar_of_a_16_bit_decoder_sizes_right)
{
    struct sim_fn *f;

    sim_reset();
    f = sim_add(0, 1, 0, 0x8086, 0x7010, 0);
    f->cfg[8] = 0xd0a1;
    f->bar_mask[4] = 0xfff1; /* upper half reads 0: 16-bit decoder */
    pci_scan_all(&sim_acc, &scan);
    CHECK(scan.n == 1 && scan.refused == 0);
    CHECK(devs[0].bar[4].base == 0xd0a0 && devs[0].bar[4].size == 0x10);
}

static void caps_case(const uint8_t (*caps)[2], unsigned n, uint8_t last_next,
                      const char *line, unsigned want_caps)
{
    struct sim_fn *f;

    sim_reset();
    log_clear();
    f = sim_add(0, 4, 0, 0x1af4, 0x1041, 0);
    sim_caps(f, caps, n);
    f->cfg[caps[n - 1][1] / 4] |= (uint32_t)last_next << 8;
    pci_scan_all(&sim_acc, &scan);
    CHECK(scan.n == 1 && scan.refused == 1);
    CHECK(log_contains(line));
    CHECK(devs[0].ncaps == want_caps);
}

TEST(pci_capability_lists_that_loop_or_point_wrong_stop_with_a_line)
{
    static const uint8_t two[][2] = {{PCI_CAP_ID_VENDOR, 0x40},
                                     {PCI_CAP_ID_VENDOR, 0x50}};
    static const uint8_t one[][2] = {{PCI_CAP_ID_VENDOR, 0x40}};

    caps_case(two, 2, 0x40, "capability list loops", 2);
    caps_case(one, 1, 0x40, "capability list loops", 1);
    caps_case(two, 2, 0x20, "capability pointer into the header", 2);
    caps_case(two, 2, 0x61, "capability pointer into the header or "
                            "unaligned", 2);
}

TEST(pci_long_capability_list_is_bounded)
{
    struct sim_fn *f;
    uint8_t caps[48][2];

    for (unsigned i = 0; i < 48; i++) {
        caps[i][0] = PCI_CAP_ID_VENDOR;
        caps[i][1] = (uint8_t)(0x40 + 4 * i);
    }
    sim_reset();
    f = sim_add(0, 4, 0, 0x1af4, 0x1041, 0);
    sim_caps(f, caps, 48);
    pci_scan_all(&sim_acc, &scan);
    CHECK(devs[0].ncaps == PCI_MAX_CAPS);
    CHECK(log_contains("more than 16 capabilities"));
    CHECK(scan.refused == 1);
}

static void msix_case(uint32_t table, uint32_t pba, uint16_t n_minus_1,
                      const char *line)
{
    struct sim_fn *f;
    static const uint8_t caps[][2] = {{PCI_CAP_ID_MSIX, 0x40}};

    sim_reset();
    log_clear();
    f = sim_add(0, 4, 0, 0x1af4, 0x1041, 0);
    sim_bar32(f, 0, 0xc000, 0x40, true);
    sim_bar32(f, 1, 0xfe601000, 0x1000, false);
    sim_caps(f, caps, 1);
    f->cfg[0x40 / 4] |= (uint32_t)n_minus_1 << 16;
    f->cfg[0x44 / 4] = table;
    f->cfg[0x48 / 4] = pba;
    pci_scan_all(&sim_acc, &scan);
    CHECK(scan.n == 1);
    if (line) {
        CHECK(log_contains(line) && devs[0].msix.table_size == 0);
    } else {
        CHECK(scan.refused == 0 && devs[0].msix.table_size == n_minus_1 + 1);
    }
}

TEST(pci_msix_table_and_pba_must_lie_in_a_memory_bar)
{
    msix_case(0x000 | 1, 0x800 | 1, 255, NULL);   /* 256 x 16 = 0x1000 */
    msix_case(0x008 | 1, 0x800 | 1, 255,          /* one entry past */
              "MSI-X table outside its BAR");
    msix_case(0x000 | 1, 0xff8 | 1, 63, NULL);    /* PBA's last 8 bytes */
    msix_case(0x000 | 1, 0xff8 | 1, 255, "MSI-X PBA outside its BAR");
    msix_case(0x000 | 0, 0x800 | 1, 0, "MSI-X table outside its BAR");
    msix_case(0x000 | 7, 0x800 | 1, 0, "MSI-X table outside its BAR");
    msix_case(0x000 | 3, 0x800 | 1, 0, "MSI-X table outside its BAR");
    msix_case(0xfffffff8u | 1, 0x800 | 1, 2047,
              "MSI-X table outside its BAR");
}

TEST(pci_bridge_bus_is_enumerated_with_its_parent)
{
    struct sim_fn *br;
    const struct pci_dev *d;

    sim_reset();
    sim_add(0, 0, 0, 0x8086, 0x1237, 0);
    br = sim_add(0, 4, 0, 0x1b36, 0x0001, 1);
    sim_bridge(br, 1, 1);
    sim_add(1, 3, 0, 0x1af4, 0x1000, 0);
    sim_add(2, 0, 0, 0x1af4, 0x1001, 0); /* no bridge leads to bus 2 */
    pci_scan_all(&sim_acc, &scan);
    CHECK(scan.n == 3 && scan.buses == 2 && scan.refused == 0);
    d = found(1, 3, 0);
    CHECK(d && d->parent == 1 && devs[1].dev == 4);
    CHECK(devs[1].nbars == 2 && devs[1].secondary_bus == 1);
    CHECK(found(0, 0, 0)->parent == PCI_NO_PARENT);
    CHECK(!found(2, 0, 0));
    CHECK(log_contains("pci: 00:04.0 1b36:0001 class 01.00.00 bridge to "
                       "bus 1-1"));
}

TEST(pci_bridge_loops_are_refused_with_a_line)
{
    struct sim_fn *br;

    sim_reset();
    br = sim_add(0, 4, 0, 0x1b36, 0x0001, 1);
    sim_bridge(br, 1, 2);
    br = sim_add(1, 1, 0, 0x1b36, 0x0001, 1);
    sim_bridge(br, 1, 1); /* itself */
    br = sim_add(1, 2, 0, 0x1b36, 0x0001, 1);
    sim_bridge(br, 0, 0); /* back to the root */
    br = sim_add(0, 5, 0, 0x1b36, 0x0001, 1);
    sim_bridge(br, 1, 1); /* a second way to bus 1 */
    sim_add(1, 3, 0, 0x1af4, 0x1000, 0);
    pci_scan_all(&sim_acc, &scan);
    CHECK(scan.n == 5 && scan.buses == 2 && scan.refused == 3);
    CHECK(log_contains("pci: 01:01.0 1b36:0001: bridge to bus 1 names a bus "
                       "already enumerated (a loop): not followed"));
    CHECK(log_contains("pci: 01:02.0 1b36:0001: bridge to bus 0 names bus 0"));
    CHECK(log_contains("pci: 00:05.0 1b36:0001: bridge to bus 1 names a bus "
                       "already enumerated"));
}

TEST(pci_bridges_nest_at_most_eight_deep)
{
    sim_reset();
    for (unsigned bus = 0; bus < 12; bus++)
        sim_bridge(sim_add(bus, 0, 0, 0x1b36, 0x0001, 1), bus + 1, bus + 1);
    pci_scan_all(&sim_acc, &scan);
    CHECK(scan.buses == PCI_MAX_BRIDGE_DEPTH && scan.refused == 1);
    CHECK(log_contains("pci: 07:00.0 1b36:0001: bridge to bus 8 nested "
                       "deeper than 8 bridges"));
}

TEST(pci_bridge_outside_the_accessor_range_is_refused)
{
    struct pci_config_access ecam = sim_acc;

    ecam.bus_last = 3;
    sim_reset();
    sim_bridge(sim_add(0, 1, 0, 0x1b36, 0x0001, 1), 9, 9);
    sim_add(9, 0, 0, 0x1af4, 0x1000, 0);
    pci_scan_all(&ecam, &scan);
    CHECK(scan.n == 1 && scan.refused == 1);
    CHECK(log_contains("names a bus the config mechanism does not reach"));
}

TEST(pci_multifunction_devices_and_impostors)
{
    sim_reset();
    sim_add(0, 1, 0, 0x8086, 0x7000, 0x80); /* multi-function */
    sim_add(0, 1, 1, 0x8086, 0x7010, 0);
    sim_add(0, 1, 3, 0x8086, 0x7113, 0);    /* a gap at fn 2 */
    sim_add(0, 2, 0, 0x1af4, 0x1000, 0);    /* single function... */
    sim_add(0, 2, 1, 0x1af4, 0x1000, 0);    /* ...that answers on fn 1 */
    sim_add(0, 3, 1, 0x1af4, 0x1001, 0);    /* fn 1 with no fn 0 */
    pci_scan_all(&sim_acc, &scan);
    CHECK(scan.n == 4);
    CHECK(found(0, 1, 0) && found(0, 1, 0)->multifunction);
    CHECK(found(0, 1, 1) && found(0, 1, 3));
    CHECK(found(0, 2, 0) && !found(0, 2, 1));
    CHECK(!found(0, 3, 1));
}

TEST(pci_functions_past_the_table_are_counted_not_written)
{
    sim_reset();
    scan.cap = 2;
    for (unsigned d = 0; d < 5; d++)
        sim_add(0, d, 0, 0x1af4, 0x1000, 0);
    pci_scan_all(&sim_acc, &scan);
    CHECK(scan.n == 2 && scan.dropped == 3);
    CHECK(devs[2].vendor == 0);
}

TEST(pci_vendor_zero_is_no_device)
{
    sim_reset();
    sim_add(0, 1, 0, 0x0000, 0x0000, 0);
    pci_scan_all(&sim_acc, &scan);
    CHECK(scan.n == 0);
}

/* ---- MCFG ------------------------------------------------------------- */

#define M_RSDP 0xe0010
#define M_RSDT 0x10000
#define M_MCFG 0x11000

static void build_mcfg(uint64_t base, uint16_t seg, uint8_t first,
                       uint8_t last)
{
    memset(fake_mem, 0, sizeof(fake_mem));
    fake_window.host_base = (uintptr_t)fake_mem;
    put64(M_MCFG + 44, base);
    memcpy(at(M_MCFG + 52), &seg, 2);
    *(uint8_t *)at(M_MCFG + 54) = first;
    *(uint8_t *)at(M_MCFG + 55) = last;
    fake_acpi_table(M_MCFG, "MCFG", 60);
    put32(M_RSDT + 36, M_MCFG);
    fake_acpi_table(M_RSDT, "RSDT", 40);
    memcpy(at(M_RSDP), "RSD PTR ", 8);
    put32(M_RSDP + 16, M_RSDT);
    fake_acpi_checksum(M_RSDP, 20, M_RSDP + 8);
}

TEST(acpi_mcfg_q35_window_is_found)
{
    struct acpi_mcfg m;
    char why[96];

    build_mcfg(0xb0000000, 0, 0, 255);
    CHECK(acpi_find_mcfg(&fake_window, M_RSDP, &m, why, sizeof(why)) == 0);
    CHECK(m.base == 0xb0000000 && m.bus_first == 0 && m.bus_last == 255);
}

TEST(acpi_mcfg_bad_entries_are_refused)
{
    struct acpi_mcfg m;
    char why[96];

    build_mcfg(0xb0080000, 0, 0, 255);
    CHECK(acpi_find_mcfg(&fake_window, M_RSDP, &m, why, sizeof(why)) < 0);
    CHECK(strstr(why, "not 1 MiB-aligned") != NULL);
    build_mcfg(0xb0000000, 0, 9, 3);
    CHECK(acpi_find_mcfg(&fake_window, M_RSDP, &m, why, sizeof(why)) < 0);
    CHECK(strstr(why, "reversed") != NULL);
    build_mcfg(0xffffffffff000000ull, 0, 0, 255);
    CHECK(acpi_find_mcfg(&fake_window, M_RSDP, &m, why, sizeof(why)) < 0);
    CHECK(strstr(why, "past the address space") != NULL);
    build_mcfg(0xb0000000, 1, 0, 255);
    CHECK(acpi_find_mcfg(&fake_window, M_RSDP, &m, why, sizeof(why)) < 0);
    CHECK(strstr(why, "no entry for segment 0") != NULL);
    build_mcfg(0xb0000000, 0, 0, 255);
    *(uint8_t *)at(M_MCFG + 20) ^= 1; /* checksum broken */
    CHECK(acpi_find_mcfg(&fake_window, M_RSDP, &m, why, sizeof(why)) < 0);
    CHECK(strstr(why, "no valid MCFG") != NULL);
}

/* An MSI-X capability at 0xf8 or 0xfc: its table and PBA words would lie
 * past the 256 bytes of configuration space (through ports 0xcf8, in the
 * next function's).  Found by fuzz_pci in CI. */
TEST(pci_msix_capability_at_the_end_of_config_space_is_refused)
{
    static const uint8_t caps[][2] = {{PCI_CAP_ID_MSIX, 0xfc}};
    struct sim_fn *f;

    sim_reset();
    log_clear();
    f = sim_add(0, 4, 0, 0x1af4, 0x1041, 0);
    sim_bar32(f, 1, 0xfe601000, 0x1000, false);
    sim_caps(f, caps, 1);
    pci_scan_all(&sim_acc, &scan);
    CHECK(scan.n == 1 && devs[0].msix.table_size == 0);
    CHECK(log_contains("MSI-X capability runs past the configuration space"));
}
