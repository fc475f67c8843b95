/*
 * The virtio-mmio transport (virtio 1.2, 4.2), both register layouts:
 * version 2, and version 1 (legacy, 4.2.4: a queue is one page-aligned
 * block named by its page number, 32 feature bits).  Every slot value is
 * read once and bounded: queue sizes are capped, config accesses stay in
 * the slot's config area.
 *
 * Interrupts are taken edge-triggered.  QEMU raises the slot's line while
 * InterruptStatus has a bit set and lowers it on InterruptACK, so the
 * handler acknowledges and reads again until the status is 0 (a bit set
 * between the read and the ACK keeps the line up, with no new edge).  A
 * stopped device that keeps its line up then costs one interrupt, not a
 * level-triggered storm of the idle loop.  The handler acknowledges
 * before calling the driver's function: drivers need not call irq_ack.
 */
#include <tern/arch.h>
#include <tern/format.h>
#include <tern/irq.h>
#include <tern/kalloc.h>
#include <tern/log.h>
#include <tern/mm.h>
#include <tern/virtio.h>
#include <tern/virtio_mmio.h>
#include "mmio_regs.h"

#define RESET_POLLS 100000
#define IRQ_ROUNDS 4 /* status re-reads per interrupt */

static uint32_t rd(struct mmio_slot *s, unsigned reg)
{
    return *(volatile uint32_t *)(s->regs + reg);
}

static void wr(struct mmio_slot *s, unsigned reg, uint32_t v)
{
    *(volatile uint32_t *)(s->regs + reg) = v;
}

static struct mmio_slot *slot(struct virtio_dev *dev)
{
    return dev->transport;
}

static uint8_t get_status(struct virtio_dev *dev)
{
    return (uint8_t)rd(slot(dev), MMIO_STATUS);
}

static void set_status(struct virtio_dev *dev, uint8_t status)
{
    struct mmio_slot *s = slot(dev);

    wr(s, MMIO_STATUS, status);
    /* A reset completes when Status reads 0 (QEMU: at once); the caller
     * reads it again and stops a device that never gets there. */
    for (unsigned i = 0; status == 0 && i < RESET_POLLS; i++)
        if (rd(s, MMIO_STATUS) == 0)
            break;
}

static uint64_t get_features(struct virtio_dev *dev)
{
    struct mmio_slot *s = slot(dev);
    uint64_t lo, hi = 0;

    wr(s, MMIO_DEVICE_FEATURES_SEL, 0);
    lo = rd(s, MMIO_DEVICE_FEATURES);
    if (s->version == 2) {
        wr(s, MMIO_DEVICE_FEATURES_SEL, 1);
        hi = rd(s, MMIO_DEVICE_FEATURES);
    }
    return hi << 32 | lo;
}

static void set_features(struct virtio_dev *dev, uint64_t features)
{
    struct mmio_slot *s = slot(dev);

    wr(s, MMIO_DRIVER_FEATURES_SEL, 0);
    wr(s, MMIO_DRIVER_FEATURES, (uint32_t)features);
    if (s->version == 2) {
        wr(s, MMIO_DRIVER_FEATURES_SEL, 1);
        wr(s, MMIO_DRIVER_FEATURES, (uint32_t)(features >> 32));
    }
}

static uint32_t config_read(struct virtio_dev *dev, unsigned off,
                            unsigned size)
{
    struct mmio_slot *s = slot(dev);
    volatile uint8_t *p = s->regs + VIRTIO_MMIO_CONFIG + off;

    if (!mmio_config_access_ok(s->config_len, off, size))
        return 0;
    if (size == 1)
        return *p;
    if (size == 2)
        return *(volatile uint16_t *)p;
    return *(volatile uint32_t *)p;
}

static void config_write(struct virtio_dev *dev, unsigned off, unsigned size,
                         uint32_t val)
{
    struct mmio_slot *s = slot(dev);
    volatile uint8_t *p = s->regs + VIRTIO_MMIO_CONFIG + off;

    if (!mmio_config_access_ok(s->config_len, off, size))
        return;
    if (size == 1)
        *p = (uint8_t)val;
    else if (size == 2)
        *(volatile uint16_t *)p = (uint16_t)val;
    else
        *(volatile uint32_t *)p = val;
}

static uint16_t queue_max(struct virtio_dev *dev, unsigned q)
{
    struct mmio_slot *s = slot(dev);

    wr(s, MMIO_QUEUE_SEL, q);
    return mmio_queue_size_cap(rd(s, MMIO_QUEUE_NUM_MAX));
}

static int enable_legacy(struct mmio_slot *s, const struct virtio_queue_mem *m)
{
    if (!mmio_legacy_layout_ok(m))
        return -1;
    wr(s, MMIO_GUEST_PAGE_SIZE, MMIO_LEGACY_PAGE);
    wr(s, MMIO_QUEUE_NUM, m->size);
    wr(s, MMIO_QUEUE_ALIGN, VIRTIO_LEGACY_ALIGN);
    wr(s, MMIO_QUEUE_PFN, (uint32_t)(m->base / MMIO_LEGACY_PAGE));
    return rd(s, MMIO_QUEUE_PFN) == m->base / MMIO_LEGACY_PAGE ? 0 : -1;
}

static void wr64(struct mmio_slot *s, unsigned reg, uint64_t v)
{
    wr(s, reg, (uint32_t)v);
    wr(s, reg + 4, (uint32_t)(v >> 32));
}

static int enable_modern(struct mmio_slot *s, const struct virtio_queue_mem *m)
{
    if (rd(s, MMIO_QUEUE_READY))
        return -1; /* in use: only a reset frees it */
    wr(s, MMIO_QUEUE_NUM, m->size);
    wr64(s, MMIO_QUEUE_DESC_LOW, m->desc);
    wr64(s, MMIO_QUEUE_DRIVER_LOW, m->avail);
    wr64(s, MMIO_QUEUE_DEVICE_LOW, m->used);
    wr(s, MMIO_QUEUE_READY, 1);
    return rd(s, MMIO_QUEUE_READY) == 1 ? 0 : -1;
}

static int queue_enable(struct virtio_dev *dev, unsigned q,
                        const struct virtio_queue_mem *mem)
{
    struct mmio_slot *s = slot(dev);
    uint16_t max = queue_max(dev, q); /* selects q too */

    if (!max || mem->size > max || (mem->size & (mem->size - 1)) ||
        !mem->size)
        return -1;
    return s->version == 1 ? enable_legacy(s, mem) : enable_modern(s, mem);
}

static void queue_notify(struct virtio_dev *dev, unsigned q)
{
    wr(slot(dev), MMIO_QUEUE_NOTIFY, q);
}

static uint32_t irq_ack(struct virtio_dev *dev)
{
    struct mmio_slot *s = slot(dev);
    uint32_t status = rd(s, MMIO_INTERRUPT_STATUS) & MMIO_INTERRUPT_BITS;

    if (status)
        wr(s, MMIO_INTERRUPT_ACK, status);
    return status;
}

static void slot_interrupt(unsigned vector, void *arg)
{
    struct mmio_slot *s = arg;

    (void)vector;
    s->interrupts++;
    for (unsigned i = 0; i < IRQ_ROUNDS && irq_ack(&s->dev); i++)
        if (s->fn && !s->dev.broken)
            s->fn(&s->dev, s->arg);
}

static int slot_irq_bind(struct virtio_dev *dev, virtio_irq_fn fn, void *arg)
{
    struct mmio_slot *s = slot(dev);
    /* virtio-mmio interrupts are edge-triggered and active-high */
    struct irq_source src = {.kind = IRQ_SOURCE_GSI, .number = s->gsi};
    char why[96];

    s->fn = fn;
    s->arg = arg;
    if (s->vector)
        return 0;
    if (irq_bind(&src, slot_interrupt, s, &s->irq, why, sizeof(why))) {
        pr_warn("virtio: %s: GSI %u not routed (%s): no interrupt",
                dev->name, s->gsi, why);
        return -1;
    }
    s->vector = s->irq.vector;
    irq_ack(dev); /* a line already up would never give an edge */
    return 0;
}

static const struct virtio_transport_ops ops_v1 = {
    "mmio-v1", get_status, set_status, get_features, set_features,
    config_read, config_write, queue_max, queue_enable, queue_notify,
    slot_irq_bind, irq_ack, false,
};

static const struct virtio_transport_ops ops_v2 = {
    "mmio-v2", get_status, set_status, get_features, set_features,
    config_read, config_write, queue_max, queue_enable, queue_notify,
    slot_irq_bind, irq_ack, false,
};

static const char *type_name(uint32_t id)
{
    static const char *const names[] = {
        [VIRTIO_ID_NET] = "virtio-net", [VIRTIO_ID_BLOCK] = "virtio-blk",
        [VIRTIO_ID_CONSOLE] = "virtio-console", [VIRTIO_ID_RNG] = "virtio-rng",
    };

    return id < sizeof(names) / sizeof(names[0]) ? names[id] : 0;
}

/* Identify the transport at s->regs: 0 when it holds a device. */
static int identify(struct mmio_slot *s, const char *source)
{
    uint32_t magic = rd(s, MMIO_MAGIC), id;

    if (magic != VIRTIO_MMIO_MAGIC) {
        pr_warn("virtio: mmio 0x%llx (%s): magic 0x%x, not \"virt\": "
                "ignored", (unsigned long long)s->addr, source, magic);
        return -1;
    }
    s->version = rd(s, MMIO_VERSION);
    if (s->version != 1 && s->version != 2) {
        pr_warn("virtio: mmio 0x%llx (%s): version %u, neither 1 nor 2: "
                "ignored", (unsigned long long)s->addr, source, s->version);
        return -1;
    }
    if ((id = rd(s, MMIO_DEVICE_ID)) == 0) {
        pr_debug("virtio: mmio 0x%llx (%s): empty",
                 (unsigned long long)s->addr, source);
        return -1;
    }
    s->dev.device_id = id;
    if (type_name(id))
        tern_snprintf(s->dev.name, sizeof(s->dev.name), "%s@mmio:%llx",
                      type_name(id), (unsigned long long)s->addr);
    else
        tern_snprintf(s->dev.name, sizeof(s->dev.name),
                      "virtio-%u@mmio:%llx", id, (unsigned long long)s->addr);
    return 0;
}

/* The slot's registers mapped; 0, or -1 with a line. */
static int map_slot(const struct boot_info *bi, const struct mmio_range *d,
                    const char *source)
{
    const struct mem_region *e;

    if ((e = mmio_slot_in_map(bi->memmap, bi->memmap_count, d))) {
        pr_warn("virtio: mmio 0x%llx-0x%llx (%s) lies in the memory map's "
                "%s entry 0x%llx-0x%llx: not probed",
                (unsigned long long)d->addr,
                (unsigned long long)(d->addr + d->size), source,
                mem_type_name(e->type), (unsigned long long)e->addr,
                (unsigned long long)(e->addr + e->size));
        return -1;
    }
    return paging_map_mmio(d->addr, d->size); /* says why itself */
}

void virtio_mmio_probe(const struct boot_info *bi,
                       const struct mmio_range *d, const char *source)
{
    struct mmio_slot *s;

    if (map_slot(bi, d, source))
        return;
    if (!(s = kzalloc(sizeof(*s)))) {
        pr_err("virtio: mmio 0x%llx: out of memory",
               (unsigned long long)d->addr);
        return;
    }
    s->regs = (volatile uint8_t *)(uintptr_t)d->addr;
    s->addr = d->addr;
    s->gsi = d->gsi;
    s->config_len = (unsigned)(d->size - VIRTIO_MMIO_CONFIG);
    if (identify(s, source)) {
        kfree(s);
        return;
    }
    s->dev.ops = s->version == 1 ? &ops_v1 : &ops_v2;
    s->dev.transport = s;
    virtio_device_found(&s->dev);
}

uint32_t virtio_mmio_gsi(const struct virtio_dev *dev, uint64_t *irqs)
{
    const struct mmio_slot *s = dev->transport;

    if (dev->ops != &ops_v1 && dev->ops != &ops_v2)
        return 0;
    if (irqs)
        *irqs = s->interrupts;
    return s->gsi;
}
