/*
 * The legacy virtio PCI transport (virtio 0.9.5; virtio 1.2, 4.1.4.10):
 * registers in I/O BAR 0, 32 feature bits, a queue given as one page
 * frame number with the used ring at the next 4 KiB, and the device's
 * config after the header: at 20, or at 24 once MSI-X is on (the two
 * vector registers come first).  Accesses stay inside the BAR.
 */
#include <tern/io.h>
#include <tern/log.h>
#include "pci_transport.h"

#define HOST_FEATURES 0
#define GUEST_FEATURES 4
#define QUEUE_PFN 8
#define QUEUE_NUM 12
#define QUEUE_SEL 14
#define QUEUE_NOTIFY 16
#define STATUS 18
#define ISR 19
#define CONFIG_VECTOR 20
#define QUEUE_VECTOR 22
#define CONFIG_NO_MSIX 20
#define CONFIG_MSIX 24
#define PFN_SHIFT 12

static uint8_t get_status(struct virtio_dev *dev)
{
    return inb((uint16_t)(vpci_of(dev)->io + STATUS));
}

static void set_status(struct virtio_dev *dev, uint8_t status)
{
    outb((uint16_t)(vpci_of(dev)->io + STATUS), status);
    if (status == 0)
        vpci_wait_reset(dev);
}

static uint64_t get_features(struct virtio_dev *dev)
{
    return inl((uint16_t)(vpci_of(dev)->io + HOST_FEATURES));
}

static void set_features(struct virtio_dev *dev, uint64_t features)
{
    outl((uint16_t)(vpci_of(dev)->io + GUEST_FEATURES), (uint32_t)features);
}

/* The port of config byte off, when [off, off + size) is inside the BAR
 * past the header; 0 otherwise. */
static uint16_t config_port(const struct vpci *t, unsigned off, unsigned size)
{
    unsigned base = t->msix ? CONFIG_MSIX : CONFIG_NO_MSIX;

    if ((size != 1 && size != 2 && size != 4) || off % size ||
        (uint64_t)base + off + size > t->io_size)
        return 0;
    return (uint16_t)(t->io + base + off);
}

static uint32_t config_read(struct virtio_dev *dev, unsigned off,
                            unsigned size)
{
    uint16_t port = config_port(vpci_of(dev), off, size);

    if (!port)
        return 0;
    return size == 1 ? inb(port) : size == 2 ? inw(port) : inl(port);
}

static void config_write(struct virtio_dev *dev, unsigned off, unsigned size,
                         uint32_t val)
{
    uint16_t port = config_port(vpci_of(dev), off, size);

    if (!port)
        return;
    if (size == 1)
        outb(port, (uint8_t)val);
    else if (size == 2)
        outw(port, (uint16_t)val);
    else
        outl(port, val);
}

/* A legacy queue's size is the device's, fixed: usable only when it is a
 * power of two Tern can allocate.  Read once per queue. */
static uint16_t queue_max(struct virtio_dev *dev, unsigned q)
{
    struct vpci *t = vpci_of(dev);
    uint16_t n;

    if (q >= VPCI_MAX_QUEUES)
        return 0;
    if (!t->legacy_qsize[q]) {
        outw((uint16_t)(t->io + QUEUE_SEL), (uint16_t)q);
        n = inw((uint16_t)(t->io + QUEUE_NUM));
        if (n && ((n & (n - 1)) || n > VIRTIO_QUEUE_MAX)) {
            pr_warn("virtio: %s: queue %u's fixed size %u is %s: not used",
                    dev->name, q, n,
                    n & (n - 1) ? "not a power of two"
                                : "over the 256 Tern sets up");
            n = 0;
        }
        t->legacy_qsize[q] = n ? n : 0xffff; /* 0xffff: read, unusable */
    }
    return t->legacy_qsize[q] == 0xffff ? 0 : t->legacy_qsize[q];
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
    return (v + a - 1) & ~(a - 1);
}

/* Where a legacy device computes the rings from the frame number. */
static bool legacy_layout(const struct virtio_queue_mem *m)
{
    uint64_t avail = m->desc + 16ull * m->size;
    uint64_t used = align_up(avail + 6 + 2ull * m->size, VIRTIO_LEGACY_ALIGN);

    return m->base == m->desc && m->desc % VIRTIO_LEGACY_ALIGN == 0 &&
           m->avail == avail && m->used == used &&
           (m->desc >> PFN_SHIFT) <= 0xffffffffu;
}

static int queue_enable(struct virtio_dev *dev, unsigned q,
                        const struct virtio_queue_mem *mem)
{
    struct vpci *t = vpci_of(dev);
    uint32_t pfn = (uint32_t)(mem->desc >> PFN_SHIFT);

    if (dev->broken || !queue_max(dev, q) || mem->size != queue_max(dev, q) ||
        !legacy_layout(mem))
        return -1;
    t->queues_enabled |= 1u << q;
    if (!vpci_queue_vector(t, q))
        return -1;
    outw((uint16_t)(t->io + QUEUE_SEL), (uint16_t)q);
    outl((uint16_t)(t->io + QUEUE_PFN), pfn);
    if (inl((uint16_t)(t->io + QUEUE_PFN)) != pfn) {
        t->queues_enabled &= ~(1u << q);
        return -1;
    }
    return 0;
}

static void queue_notify(struct virtio_dev *dev, unsigned q)
{
    struct vpci *t = vpci_of(dev);

    if (q < VPCI_MAX_QUEUES && (t->queues_enabled & (1u << q)) &&
        !dev->broken)
        outw((uint16_t)(t->io + QUEUE_NOTIFY), (uint16_t)q);
}

static uint8_t read_isr(struct vpci *t)
{
    return inb((uint16_t)(t->io + ISR));
}

static bool set_config_vector(struct vpci *t, uint16_t vector)
{
    outw((uint16_t)(t->io + CONFIG_VECTOR), vector);
    return inw((uint16_t)(t->io + CONFIG_VECTOR)) == vector;
}

static bool set_queue_vector(struct vpci *t, unsigned q, uint16_t vector)
{
    outw((uint16_t)(t->io + QUEUE_SEL), (uint16_t)q);
    outw((uint16_t)(t->io + QUEUE_VECTOR), vector);
    return inw((uint16_t)(t->io + QUEUE_VECTOR)) == vector;
}

static const struct virtio_transport_ops legacy_ops = {
    .name = "pci-legacy",
    .get_status = get_status,
    .set_status = set_status,
    .get_features = get_features,
    .set_features = set_features,
    .config_read = config_read,
    .config_write = config_write,
    .fixed_queue_size = true,
    .queue_max = queue_max,
    .queue_enable = queue_enable,
    .queue_notify = queue_notify,
    .irq_bind = vpci_irq_bind,
    .irq_ack = vpci_irq_ack,
};

int vpci_legacy_setup(struct vpci *t)
{
    const struct pci_bar *b = &t->pci->bar[0];

    /* The header up to the MSI-X vectors must be inside the BAR. */
    if (t->pci->nbars < 1 || !(b->flags & PCI_BAR_IO) || !b->base ||
        b->size < CONFIG_MSIX) {
        pr_warn("virtio: %s: BAR 0 is no assigned I/O BAR of at least %u "
                "ports", t->vdev.name, CONFIG_MSIX);
        return -1;
    }
    t->io = (uint16_t)b->base;
    t->io_size = (uint32_t)b->size;
    t->set_config_vector = set_config_vector;
    t->set_queue_vector = set_queue_vector;
    t->read_isr = read_isr;
    t->vdev.ops = &legacy_ops;
    pci_command_set(t->pci, PCI_COMMAND_IO | PCI_COMMAND_MASTER);
    return 0;
}
