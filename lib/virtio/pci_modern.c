/*
 * The modern virtio PCI transport (virtio 1.2, 4.1.4): the common
 * configuration, notification, ISR and device regions the capabilities
 * name, each checked to lie inside its BAR (pci_caps.c) and mapped.
 * Every access stays inside its region: a queue's notify address is
 * checked against the notify region before it is used, config accesses
 * against the device region.
 */
#include <stddef.h>
#include <tern/log.h>
#include "pci_transport.h"

/* struct virtio_pci_common_cfg (virtio 1.2, 4.1.4.3) */
#define DEVICE_FEATURE_SELECT 0
#define DEVICE_FEATURE 4
#define DRIVER_FEATURE_SELECT 8
#define DRIVER_FEATURE 12
#define CONFIG_MSIX_VECTOR 16
#define NUM_QUEUES 18
#define DEVICE_STATUS 20
#define QUEUE_SELECT 22
#define QUEUE_SIZE 24
#define QUEUE_MSIX_VECTOR 26
#define QUEUE_ENABLE 28
#define QUEUE_NOTIFY_OFF 30
#define QUEUE_DESC 32
#define QUEUE_DRIVER 40
#define QUEUE_DEVICE 48

static uint8_t r8(volatile uint8_t *base, unsigned off)
{
    return base[off];
}

static uint16_t r16(volatile uint8_t *base, unsigned off)
{
    return *(volatile uint16_t *)(base + off);
}

static uint32_t r32(volatile uint8_t *base, unsigned off)
{
    return *(volatile uint32_t *)(base + off);
}

static void w8(volatile uint8_t *base, unsigned off, uint8_t v)
{
    base[off] = v;
}

static void w16(volatile uint8_t *base, unsigned off, uint16_t v)
{
    *(volatile uint16_t *)(base + off) = v;
}

static void w32(volatile uint8_t *base, unsigned off, uint32_t v)
{
    *(volatile uint32_t *)(base + off) = v;
}

/* 64-bit fields as two 32-bit writes, low first (virtio 1.2, 4.1.3.1). */
static void w64(volatile uint8_t *base, unsigned off, uint64_t v)
{
    w32(base, off, (uint32_t)v);
    w32(base, off + 4, (uint32_t)(v >> 32));
}

static uint8_t get_status(struct virtio_dev *dev)
{
    return r8(vpci_of(dev)->common, DEVICE_STATUS);
}

static void set_status(struct virtio_dev *dev, uint8_t status)
{
    w8(vpci_of(dev)->common, DEVICE_STATUS, status);
    if (status == 0)
        vpci_wait_reset(dev);
}

static uint64_t get_features(struct virtio_dev *dev)
{
    volatile uint8_t *c = vpci_of(dev)->common;
    uint64_t f;

    w32(c, DEVICE_FEATURE_SELECT, 0);
    f = r32(c, DEVICE_FEATURE);
    w32(c, DEVICE_FEATURE_SELECT, 1);
    return f | (uint64_t)r32(c, DEVICE_FEATURE) << 32;
}

static void set_features(struct virtio_dev *dev, uint64_t features)
{
    volatile uint8_t *c = vpci_of(dev)->common;

    w32(c, DRIVER_FEATURE_SELECT, 0);
    w32(c, DRIVER_FEATURE, (uint32_t)features);
    w32(c, DRIVER_FEATURE_SELECT, 1);
    w32(c, DRIVER_FEATURE, (uint32_t)(features >> 32));
}

/* Inside the device region, naturally aligned, 1, 2 or 4 bytes. */
static bool config_ok(const struct vpci *t, unsigned off, unsigned size)
{
    return (size == 1 || size == 2 || size == 4) && off % size == 0 &&
           (uint64_t)off + size <= t->device_len;
}

static uint32_t config_read(struct virtio_dev *dev, unsigned off,
                            unsigned size)
{
    struct vpci *t = vpci_of(dev);

    if (!config_ok(t, off, size))
        return 0;
    return size == 1 ? r8(t->device, off)
           : size == 2 ? r16(t->device, off)
                       : r32(t->device, off);
}

static void config_write(struct virtio_dev *dev, unsigned off, unsigned size,
                         uint32_t val)
{
    struct vpci *t = vpci_of(dev);

    if (!config_ok(t, off, size))
        return;
    if (size == 1)
        w8(t->device, off, (uint8_t)val);
    else if (size == 2)
        w16(t->device, off, (uint16_t)val);
    else
        w32(t->device, off, val);
}

static uint16_t pow2_floor(uint16_t n)
{
    uint16_t p = 1;

    while ((uint32_t)p * 2 <= n)
        p = (uint16_t)(p * 2);
    return p;
}

static uint16_t device_queue_size(struct vpci *t, unsigned q)
{
    if (q >= t->num_queues || q >= VPCI_MAX_QUEUES)
        return 0;
    w16(t->common, QUEUE_SELECT, (uint16_t)q);
    return r16(t->common, QUEUE_SIZE);
}

static uint16_t queue_max(struct virtio_dev *dev, unsigned q)
{
    uint16_t n = device_queue_size(vpci_of(dev), q);

    if (!n)
        return 0;
    return n > VIRTIO_QUEUE_MAX ? VIRTIO_QUEUE_MAX : pow2_floor(n);
}

/* The queue's notify address: offset * multiplier inside the region. */
static volatile uint16_t *notify_addr(struct vpci *t, uint16_t notify_off)
{
    uint64_t at = (uint64_t)notify_off * t->notify_mult;

    if (at + 2 > t->notify_len)
        return NULL;
    return (volatile uint16_t *)(t->notify + at);
}

static int queue_enable(struct virtio_dev *dev, unsigned q,
                        const struct virtio_queue_mem *mem)
{
    struct vpci *t = vpci_of(dev);
    uint16_t max = queue_max(dev, q);
    volatile uint16_t *notify;

    if (dev->broken || !max || !mem->size || mem->size > max ||
        (mem->size & (mem->size - 1)))
        return -1;
    w16(t->common, QUEUE_SELECT, (uint16_t)q);
    if (!(notify = notify_addr(t, r16(t->common, QUEUE_NOTIFY_OFF)))) {
        virtio_dev_broken(dev, "queue notify offset outside the notify "
                               "region");
        return -1;
    }
    w16(t->common, QUEUE_SIZE, mem->size);
    w64(t->common, QUEUE_DESC, mem->desc);
    w64(t->common, QUEUE_DRIVER, mem->avail);
    w64(t->common, QUEUE_DEVICE, mem->used);
    t->queues_enabled |= 1u << q;
    if (!vpci_queue_vector(t, q))
        return -1;
    w16(t->common, QUEUE_SELECT, (uint16_t)q);
    w16(t->common, QUEUE_ENABLE, 1);
    if (r16(t->common, QUEUE_ENABLE) != 1) {
        t->queues_enabled &= ~(1u << q);
        return -1;
    }
    t->queue_notify[q] = notify;
    return 0;
}

static void queue_notify(struct virtio_dev *dev, unsigned q)
{
    struct vpci *t = vpci_of(dev);

    if (q < VPCI_MAX_QUEUES && t->queue_notify[q] && !dev->broken)
        *t->queue_notify[q] = (uint16_t)q;
}

static uint8_t read_isr(struct vpci *t)
{
    return r8(t->isr, 0);
}

static bool set_config_vector(struct vpci *t, uint16_t vector)
{
    w16(t->common, CONFIG_MSIX_VECTOR, vector);
    return r16(t->common, CONFIG_MSIX_VECTOR) == vector;
}

static bool set_queue_vector(struct vpci *t, unsigned q, uint16_t vector)
{
    w16(t->common, QUEUE_SELECT, (uint16_t)q);
    w16(t->common, QUEUE_MSIX_VECTOR, vector);
    return r16(t->common, QUEUE_MSIX_VECTOR) == vector;
}

static const struct virtio_transport_ops modern_ops = {
    .name = "pci-modern",
    .get_status = get_status,
    .set_status = set_status,
    .get_features = get_features,
    .set_features = set_features,
    .config_read = config_read,
    .config_write = config_write,
    .queue_max = queue_max,
    .queue_enable = queue_enable,
    .queue_notify = queue_notify,
    .irq_bind = vpci_irq_bind,
    .irq_ack = vpci_irq_ack,
};

/* The region's address in its BAR, mapped; NULL with a line. */
static volatile uint8_t *map_region(struct vpci *t,
                                    const struct virtio_pci_region *r)
{
    uint64_t base = pci_map_bar(t->pci, r->bar);

    return base ? (volatile uint8_t *)(uintptr_t)(base + r->off) : NULL;
}

int vpci_modern_setup(struct vpci *t, const struct virtio_pci_layout *l)
{
    if (!(t->common = map_region(t, &l->common)) ||
        !(t->notify = map_region(t, &l->notify)) ||
        !(t->isr = map_region(t, &l->isr)))
        return -1;
    if (l->has_device && !(t->device = map_region(t, &l->device)))
        return -1;
    t->device_len = l->has_device ? l->device.len : 0;
    t->notify_len = l->notify.len;
    t->notify_mult = l->notify_mult;
    t->num_queues = r16(t->common, NUM_QUEUES);
    t->set_config_vector = set_config_vector;
    t->set_queue_vector = set_queue_vector;
    t->read_isr = read_isr;
    t->vdev.ops = &modern_ops;
    /* DMA to the rings and buffers needs bus mastering. */
    pci_command_set(t->pci, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
    return 0;
}
