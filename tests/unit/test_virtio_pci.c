/* The modern virtio PCI layout from vendor capabilities, against the
 * layout QEMU 7.2 gives and capabilities that lie about their BAR. */
#include <string.h>
#include <tern/virtio.h>
#include <tern/virtio_pci.h>
#include "test.h"

static struct pci_dev dev;
static uint8_t cfg[256];
static struct virtio_pci_layout lay;
static char why[96];

static void put_le32(uint8_t *p, uint32_t v)
{
    for (unsigned i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void add_cap(uint8_t off, uint8_t type, uint8_t bar, uint32_t at,
                    uint32_t len, uint8_t cap_len)
{
    uint8_t *c = cfg + off;

    c[0] = PCI_CAP_ID_VENDOR;
    c[2] = cap_len;
    c[3] = type;
    c[4] = bar;
    put_le32(c + 8, at);
    put_le32(c + 12, len);
    dev.caps[dev.ncaps++] = (struct pci_cap){PCI_CAP_ID_VENDOR, off};
}

/* QEMU 7.2's virtio-pci: BAR 4 (16 KiB, 64-bit) holds common at 0,
 * ISR at 0x1000, device at 0x2000, notify at 0x3000 (multiplier 4). */
static void qemu_layout(void)
{
    memset(&dev, 0, sizeof(dev));
    memset(cfg, 0, sizeof(cfg));
    dev.vendor = VIRTIO_PCI_VENDOR;
    dev.device = 0x1044;
    dev.nbars = 6;
    dev.bar[0] = (struct pci_bar){0xc000, 0x20, PCI_BAR_IO};
    dev.bar[1] = (struct pci_bar){0xfe600000, 0x1000, 0};
    dev.bar[4] = (struct pci_bar){0xfea00000, 0x4000,
                                  PCI_BAR_MEM64 | PCI_BAR_PREFETCH};
    dev.bar[5] = (struct pci_bar){0, 0, PCI_BAR_UPPER};
    dev.caps[dev.ncaps++] = (struct pci_cap){PCI_CAP_ID_MSIX, 0x98};
    add_cap(0x84, VIRTIO_PCI_CAP_COMMON, 4, 0x0000, 0x1000, 16);
    add_cap(0x70, VIRTIO_PCI_CAP_ISR, 4, 0x1000, 0x1000, 16);
    add_cap(0x60, VIRTIO_PCI_CAP_DEVICE, 4, 0x2000, 0x1000, 16);
    add_cap(0x4c, VIRTIO_PCI_CAP_NOTIFY, 4, 0x3000, 0x1000, 20);
    put_le32(cfg + 0x4c + 16, 4);
    add_cap(0xa8, 5 /* PCI_CFG */, 0, 0, 0, 20);
}

TEST(virtio_pci_qemu_layout_is_parsed)
{
    qemu_layout();
    CHECK(virtio_pci_parse_caps(&dev, cfg, &lay, why, sizeof(why)) == 0);
    CHECK(lay.common.bar == 4 && lay.common.off == 0 &&
          lay.common.len == 0x1000);
    CHECK(lay.isr.off == 0x1000 && lay.device.off == 0x2000 &&
          lay.has_device);
    CHECK(lay.notify.off == 0x3000 && lay.notify_mult == 4);
}

TEST(virtio_pci_device_ids)
{
    qemu_layout();
    CHECK(virtio_pci_device_id(&dev) == VIRTIO_ID_RNG);
    dev.device = 0x1001; /* transitional: the subsystem id says */
    dev.subsys_id = VIRTIO_ID_BLOCK;
    CHECK(virtio_pci_device_id(&dev) == VIRTIO_ID_BLOCK);
    dev.device = 0x1080;
    CHECK(virtio_pci_device_id(&dev) == 0);
    dev.device = 0x1041;
    dev.vendor = 0x8086;
    CHECK(virtio_pci_device_id(&dev) == 0);
}

TEST(virtio_pci_no_vendor_capabilities_means_legacy)
{
    qemu_layout();
    dev.ncaps = 1; /* only MSI-X */
    CHECK(virtio_pci_parse_caps(&dev, cfg, &lay, why, sizeof(why)) == 1);
}

static void expect_refused(const char *line)
{
    CHECK(virtio_pci_parse_caps(&dev, cfg, &lay, why, sizeof(why)) == -1);
    if (!strstr(why, line))
        printf("#   got \"%s\", wanted \"%s\"\n", why, line);
    CHECK(strstr(why, line) != NULL);
}

TEST(virtio_pci_regions_outside_their_bar_are_refused)
{
    qemu_layout();
    put_le32(cfg + 0x84 + 8, 0x3800); /* common: 0x3800 + 0x1000 > 16 KiB */
    expect_refused("common capability: region runs past the end of its BAR");
    qemu_layout();
    put_le32(cfg + 0x4c + 8, 0xfffff000u); /* notify: offset wraps 32 bits */
    expect_refused("notify capability: region runs past the end");
    qemu_layout();
    cfg[0x70 + 4] = 0; /* ISR in the I/O BAR */
    expect_refused("ISR capability: names a BAR that is not a memory BAR");
    qemu_layout();
    cfg[0x70 + 4] = 5; /* the upper half of BAR 4 */
    expect_refused("ISR capability: names a BAR that is not a memory BAR");
    qemu_layout();
    cfg[0x70 + 4] = 2; /* not implemented */
    expect_refused("ISR capability: names a BAR that is not a memory BAR");
    qemu_layout();
    cfg[0x84 + 4] = 9;
    expect_refused("common capability: names no BAR");
}

TEST(virtio_pci_short_capabilities_and_regions_are_refused)
{
    qemu_layout();
    cfg[0x4c + 2] = 16; /* notify without its multiplier */
    expect_refused("notify capability: capability shorter");
    qemu_layout();
    put_le32(cfg + 0x84 + 12, 40); /* common smaller than its structure */
    expect_refused("common capability: region too small");
    qemu_layout();
    put_le32(cfg + 0x70 + 12, 0);
    expect_refused("ISR capability: region too small");
    qemu_layout();
    dev.caps[1].off = 0xf8; /* a capability at the end of config space */
    cfg[0xf8 + 3] = VIRTIO_PCI_CAP_COMMON;
    cfg[0xf8 + 2] = 16;
    expect_refused("common capability: capability shorter");
}

TEST(virtio_pci_first_usable_capability_of_a_type_wins)
{
    qemu_layout();
    /* A bad common capability first, a good one after it. */
    add_cap(0xa0, VIRTIO_PCI_CAP_COMMON, 4, 0x3fff, 0x1000, 16);
    memmove(&dev.caps[2], &dev.caps[1], sizeof(dev.caps[0]) * 5);
    dev.caps[1] = (struct pci_cap){PCI_CAP_ID_VENDOR, 0xa0};
    CHECK(virtio_pci_parse_caps(&dev, cfg, &lay, why, sizeof(why)) == 0);
    CHECK(lay.common.off == 0 && lay.common.len == 0x1000);
    /* A device region past its BAR: no device config, the rest works. */
    qemu_layout();
    put_le32(cfg + 0x60 + 12, 0x3000);
    CHECK(virtio_pci_parse_caps(&dev, cfg, &lay, why, sizeof(why)) == 0);
    CHECK(!lay.has_device && lay.device.len == 0);
}

TEST(virtio_pci_missing_notify_is_refused)
{
    qemu_layout();
    cfg[0x4c + 3] = 8; /* shared memory, not notify */
    expect_refused("no notify capability");
}
