/*
 * virtio over PCI (virtio 1.2, 4.1): the modern transport's capability
 * layout, parsed as pure logic (unit-tested), and the transports' entry.
 * Internal to the runtime.
 */
#ifndef TERN_VIRTIO_PCI_H
#define TERN_VIRTIO_PCI_H

#include <stdbool.h>
#include <stdint.h>
#include <tern/pci.h>

#define VIRTIO_PCI_VENDOR 0x1af4
#define VIRTIO_PCI_DEVICE_FIRST 0x1000
#define VIRTIO_PCI_DEVICE_MODERN 0x1040 /* + the virtio device id */
#define VIRTIO_PCI_DEVICE_LAST 0x107f

/* cfg_type of a virtio vendor capability. */
#define VIRTIO_PCI_CAP_COMMON 1
#define VIRTIO_PCI_CAP_NOTIFY 2
#define VIRTIO_PCI_CAP_ISR 3
#define VIRTIO_PCI_CAP_DEVICE 4

/* The common configuration structure's size in virtio 1.0 (the fields
 * Tern uses; 1.2 adds queue_notify_data and queue_reset after it). */
#define VIRTIO_PCI_COMMON_LEN 56

struct virtio_pci_region {
    uint8_t bar;
    uint32_t off, len; /* inside the BAR, checked */
};

struct virtio_pci_layout {
    struct virtio_pci_region common, notify, isr, device;
    uint32_t notify_mult;
    bool has_device;
};

/* The virtio device id a vendor-0x1af4 PCI function carries (0: not a
 * virtio device): 0x1040 + id for modern ones, the subsystem id for
 * transitional ones (0x1000-0x103f). */
unsigned virtio_pci_device_id(const struct pci_dev *d);

/* The modern layout from the function's vendor capabilities (offsets in
 * d->caps) over cfg, a snapshot of its 256-byte config space: the first
 * usable capability of each type, each inside a memory BAR d has.
 * 0; 1 when there are no virtio capabilities at all (a legacy device);
 * -1 with why[] when common, notify or ISR is missing or unusable. */
int virtio_pci_parse_caps(const struct pci_dev *d, const uint8_t cfg[256],
                          struct virtio_pci_layout *out, char *why,
                          unsigned whylen);

/* Every virtio PCI function pci_init found, through the modern
 * transport where it has one, else the legacy I/O BAR, announced with
 * virtio_device_found(). */
void virtio_pci_init(void);

#endif
