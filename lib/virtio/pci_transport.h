/* What the two virtio PCI transports share (lib/virtio/pci*.c). */
#ifndef TERN_VIRTIO_PCI_TRANSPORT_H
#define TERN_VIRTIO_PCI_TRANSPORT_H

#include <tern/pci.h>
#include <tern/virtio.h>
#include <tern/virtio_pci.h>

/* Queues a PCI transport serves: enough for blk, net (one pair plus
 * control), rng and console. */
#define VPCI_MAX_QUEUES 16
/* The MSI-X table entry every queue and config change signal. */
#define VPCI_MSIX_ENTRY 0
#define VPCI_NO_VECTOR 0xffff

struct vpci {
    struct virtio_dev vdev;
    const struct pci_dev *pci;
    /* modern: the mapped regions */
    volatile uint8_t *common, *isr, *device, *notify;
    uint32_t device_len, notify_len, notify_mult;
    uint16_t num_queues;
    volatile uint16_t *queue_notify[VPCI_MAX_QUEUES];
    /* legacy: the I/O BAR */
    uint16_t io;
    uint32_t io_size;
    uint16_t legacy_qsize[VPCI_MAX_QUEUES];
    /* both */
    uint32_t queues_enabled; /* bit q */
    bool msix;               /* MSI-X on: vectors programmed */
    uint8_t isr_pending;     /* INTx: read by the handler */
    virtio_irq_fn fn;
    void *arg;
    /* The transport's half of irq_bind: point the config change and
     * queue q at MSI-X entry `vector` (VPCI_NO_VECTOR: none); false when
     * the device did not keep it. */
    bool (*set_config_vector)(struct vpci *t, uint16_t vector);
    bool (*set_queue_vector)(struct vpci *t, unsigned q, uint16_t vector);
    /* The ISR status register, read (and so cleared) once. */
    uint8_t (*read_isr)(struct vpci *t);
};

static inline struct vpci *vpci_of(struct virtio_dev *dev)
{
    return dev->transport;
}

/* Set up the modern transport (0) or the legacy one (0) for t->pci. */
int vpci_modern_setup(struct vpci *t, const struct virtio_pci_layout *l);
int vpci_legacy_setup(struct vpci *t);

/* irq_bind for both: MSI-X entry 0 for everything, else INTx; -1 when
 * neither can be had (the driver polls). */
int vpci_irq_bind(struct virtio_dev *dev, virtio_irq_fn fn, void *arg);
/* irq_ack for both: what the INTx handler already read, and the
 * register now. */
uint32_t vpci_irq_ack(struct virtio_dev *dev);
/* A queue just enabled gets the MSI-X vector too, when it is on. */
bool vpci_queue_vector(struct vpci *t, unsigned q);

/* Wait (bounded) for a reset to read back as status 0; then no queue
 * is enabled, and MSI-X's config vector is set again. */
void vpci_wait_reset(struct virtio_dev *dev);

#endif
