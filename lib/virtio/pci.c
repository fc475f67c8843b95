/*
 * virtio devices on PCI: which transport each function gets, and the
 * interrupt both transports bind the same way.
 *
 * A transitional device (0x1000-0x103f) offers both layouts; the modern
 * one is used when its capabilities are sound, else the legacy I/O BAR.
 * A modern-only device (0x1041-0x107f, QEMU's disable-legacy=on or any
 * device behind a PCIe port) has only the capabilities.
 */
#include <tern/driver.h>
#include <tern/format.h>
#include <tern/io.h>
#include <tern/kalloc.h>
#include <stddef.h>
#include <tern/log.h>
#include <tern/time.h>
#include "pci_transport.h"

#define RESET_WAIT_NS 1000000000ull
#define CFG_DWORDS 64

static const char *kind(unsigned id)
{
    switch (id) {
    case VIRTIO_ID_NET:
        return "net";
    case VIRTIO_ID_BLOCK:
        return "blk";
    case VIRTIO_ID_CONSOLE:
        return "console";
    case VIRTIO_ID_RNG:
        return "rng";
    default:
        return NULL;
    }
}

/* A reset disables every queue and forgets the MSI-X vectors (QEMU sets
 * them to NO_VECTOR): queues start over, the config vector is written
 * again when MSI-X is bound, whichever order the driver chose. */
void vpci_wait_reset(struct virtio_dev *dev)
{
    struct vpci *t = vpci_of(dev);

    uint64_t give_up = clock_monotonic_ns() + RESET_WAIT_NS;

    /* Bounded in time, not in reads: each read may be a trap to the
     * hypervisor (a million of them took 97 s under Xen). */
    while (dev->ops->get_status(dev)) {
        if (clock_monotonic_ns() > give_up) {
            virtio_dev_broken(dev, "status not 0 a second after reset");
            return;
        }
        cpu_pause();
    }
    t->queues_enabled = 0;
    for (unsigned q = 0; q < VPCI_MAX_QUEUES; q++)
        t->queue_notify[q] = NULL;
    if (t->msix && !dev->ops->get_status(dev) &&
        !t->set_config_vector(t, VPCI_MSIX_ENTRY))
        virtio_dev_broken(dev, "config MSI-X vector not kept after reset");
}

/* One config-space snapshot, so the capabilities are read once. */
static void snapshot(const struct pci_dev *d, uint8_t cfg[256])
{
    for (unsigned i = 0; i < CFG_DWORDS; i++) {
        uint32_t v = pci_read32(d, i * 4);

        for (unsigned b = 0; b < 4; b++)
            cfg[i * 4 + b] = (uint8_t)(v >> (8 * b));
    }
}

static int choose_transport(struct vpci *t)
{
    const struct pci_dev *d = t->pci;
    struct virtio_pci_layout l;
    uint8_t cfg[256];
    char why[96];
    int r;

    snapshot(d, cfg);
    r = virtio_pci_parse_caps(d, cfg, &l, why, sizeof(why));
    if (r == 0 && vpci_modern_setup(t, &l) == 0)
        return 0;
    if (r < 0)
        pr_warn("virtio: %s: modern layout unusable: %s", t->vdev.name, why);
    if (d->device >= VIRTIO_PCI_DEVICE_MODERN)
        return -1; /* modern-only: no I/O BAR to fall back on */
    return vpci_legacy_setup(t);
}

static void found(const struct pci_dev *d, unsigned id)
{
    struct vpci *t = kzalloc(sizeof(*t));
    const char *k = kind(id);
    char bdf[16];

    if (!t) {
        pr_err("virtio: out of memory for a PCI device");
        return;
    }
    t->pci = d;
    t->vdev.transport = t;
    t->vdev.device_id = id;
    pci_bdf(d, bdf, sizeof(bdf));
    if (k)
        tern_snprintf(t->vdev.name, sizeof(t->vdev.name), "virtio-%s@pci:%s",
                      k, bdf);
    else
        tern_snprintf(t->vdev.name, sizeof(t->vdev.name),
                      "virtio-%u@pci:%s", id, bdf);
    if (choose_transport(t)) {
        pr_warn("virtio: %s (%04x:%04x): no usable transport, left alone",
                t->vdev.name, d->vendor, d->device);
        kfree(t);
        return;
    }
    virtio_device_found(&t->vdev);
}

void virtio_pci_init(void)
{
    for (unsigned i = 0; i < pci_count(); i++) {
        const struct pci_dev *d = pci_get(i);
        unsigned id = virtio_pci_device_id(d);

        if (id)
            found(d, id);
    }
}

/* ---- interrupts ---------------------------------------------------- */

static void msix_handler(unsigned vector, void *arg)
{
    struct vpci *t = arg;

    (void)vector;
    if (t->fn && !t->vdev.broken)
        t->fn(&t->vdev, t->arg);
}

/* INTx is shared and level-triggered: reading the ISR status lowers the
 * line; a 0 means another device on the line raised it. */
static void intx_handler(unsigned vector, void *arg)
{
    struct vpci *t = arg;
    uint8_t isr = t->read_isr(t);

    (void)vector;
    if (!isr)
        return;
    t->isr_pending |= isr;
    if (t->fn && !t->vdev.broken)
        t->fn(&t->vdev, t->arg);
}

uint32_t vpci_irq_ack(struct virtio_dev *dev)
{
    struct vpci *t = vpci_of(dev);
    uint8_t isr = t->read_isr(t) | t->isr_pending;

    t->isr_pending = 0;
    return isr;
}

bool vpci_queue_vector(struct vpci *t, unsigned q)
{
    if (!t->msix || t->set_queue_vector(t, q, VPCI_MSIX_ENTRY))
        return true;
    virtio_dev_broken(&t->vdev, "queue MSI-X vector not kept");
    return false;
}

static bool msix_bind(struct vpci *t)
{
    if (!t->pci->msix.table_size ||
        pci_msix_bind(t->pci, VPCI_MSIX_ENTRY, msix_handler, t) < 0)
        return false;
    t->msix = true;
    if (!t->set_config_vector(t, VPCI_MSIX_ENTRY)) {
        virtio_dev_broken(&t->vdev, "config MSI-X vector not kept");
        return false;
    }
    for (unsigned q = 0; q < VPCI_MAX_QUEUES; q++)
        if ((t->queues_enabled & (1u << q)) && !vpci_queue_vector(t, q))
            return false;
    return true;
}

int vpci_irq_bind(struct virtio_dev *dev, virtio_irq_fn fn, void *arg)
{
    struct vpci *t = vpci_of(dev);

    if (dev->broken || t->fn)
        return -1;
    t->fn = fn;
    t->arg = arg;
    if (msix_bind(t)) {
        pr_debug("virtio: %s: MSI-X", dev->name);
        return 0;
    }
    if (!dev->broken && pci_intx_bind(t->pci, intx_handler, t) >= 0) {
        pr_debug("virtio: %s: INTx line %u", dev->name, t->pci->irq_line);
        return 0;
    }
    t->fn = NULL;
    return -1;
}

static void virtio_pci_driver_init(const struct boot_info *bi)
{
    (void)bi;
    virtio_pci_init();
}
DRIVER_INIT_TRANSPORT(virtio_pci_driver_init);
