/*
 * virtio-list: one line per virtio device the runtime found, with its
 * transport, device id, GSI, the features it offers and queue 0's size
 * (QueueNumMax as Tern caps it), for the boot tests to compare with the
 * devices they attached; then its argv, which must not hold the
 * runtime's virtio_mmio.device= words.
 *
 * "--rng" also reads 16 bytes from the first virtio-rng device through
 * one hand-built descriptor on queue 0 and waits (2 s at most) for its
 * interrupt: the transport's start-of-day sequence, queue set-up in its
 * layout, notify and interrupt path, seen working end to end.
 */
#include <stdio.h>
#include <string.h>
#include <tern/kalloc.h>
#include <tern/thread.h>
#include <tern/time.h>
#include <tern/virtio.h>
#include <tern/virtio_mmio.h>

#define RNG_BYTES 16
#define VRING_DESC_F_WRITE 2

struct vring_desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags, next;
};

static struct semaphore rng_irq = SEMAPHORE_INIT(0);

static void list(void)
{
    unsigned n = virtio_device_count();

    printf("virtio-list: %u device(s)\n", n);
    for (unsigned i = 0; i < n; i++) {
        struct virtio_dev *d = virtio_device_at(i);
        const char *drv = virtio_device_driver(d);

        printf("virtio-list: %s transport %s id %u gsi %u features 0x%llx "
               "queue0 %u driver %s\n", d->name, d->ops->name,
               (unsigned)d->device_id, (unsigned)virtio_mmio_gsi(d, NULL),
               (unsigned long long)d->ops->get_features(d),
               (unsigned)d->ops->queue_max(d, 0), drv ? drv : "none");
    }
}

static void rng_interrupt(struct virtio_dev *dev, void *arg)
{
    (void)dev;
    (void)arg;
    sem_up(&rng_irq);
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
    return (v + a - 1) & ~(a - 1);
}

/* The one layout virtio.h names: desc, avail, used at the next 4 KiB. */
static int make_queue(struct virtio_queue_mem *m, uint16_t size)
{
    uint64_t avail_end;
    void *block;

    m->size = size;
    avail_end = 16u * size + 6 + 2u * size;
    m->bytes = align_up(align_up(avail_end, VIRTIO_LEGACY_ALIGN) + 6 +
                        8u * size, 4096);
    if (!(block = kalloc_pages(m->bytes)))
        return -1;
    m->base = m->desc = (uintptr_t)block;
    m->avail = m->desc + 16u * size;
    m->used = m->desc + align_up(avail_end, VIRTIO_LEGACY_ALIGN);
    return 0;
}

static int rng_read(struct virtio_dev *d)
{
    static uint8_t buf[RNG_BYTES];
    struct virtio_queue_mem m;
    uint16_t size;
    volatile uint16_t *avail, *used;
    struct vring_desc *desc;
    uint64_t irqs = 0;
    int timed_out;

    if (virtio_negotiate(d, 0) || !(size = d->ops->queue_max(d, 0)) ||
        make_queue(&m, size))
        return -1;
    desc = (struct vring_desc *)(uintptr_t)m.desc;
    avail = (volatile uint16_t *)(uintptr_t)m.avail;
    used = (volatile uint16_t *)(uintptr_t)m.used;
    desc[0] = (struct vring_desc){(uintptr_t)buf, RNG_BYTES,
                                  VRING_DESC_F_WRITE, 0};
    avail[2] = 0; /* ring[0]: descriptor 0 */
    avail[1] = 1; /* idx */
    if (d->ops->queue_enable(d, 0, &m)) {
        printf("virtio-list: rng: queue 0 refused\n");
        return -1;
    }
    if (d->ops->irq_bind(d, rng_interrupt, 0))
        printf("virtio-list: rng: no interrupt, polling\n");
    virtio_driver_ok(d);
    d->ops->queue_notify(d, 0);
    timed_out = sem_down_until(&rng_irq, clock_monotonic_ns() + 2000000000ull);
    virtio_mmio_gsi(d, &irqs);
    printf("virtio-list: rng: %s, used idx %u, id %u, len %u, slot "
           "interrupts %llu\n", timed_out ? "timed out" : "interrupt",
           used[1], ((volatile uint32_t *)used)[1],
           ((volatile uint32_t *)used)[2], (unsigned long long)irqs);
    return timed_out ? -1 : 0;
}

static int rng_test(void)
{
    for (unsigned i = 0; i < virtio_device_count(); i++) {
        struct virtio_dev *d = virtio_device_at(i);

        if (d->device_id == VIRTIO_ID_RNG && !virtio_device_driver(d))
            return rng_read(d);
    }
    printf("virtio-list: rng: no virtio-rng device without a driver\n");
    return -1;
}

int main(int argc, char **argv)
{
    int status = 0;

    list();
    for (int i = 1; i < argc; i++)
        printf("virtio-list: argv[%d] %s\n", i, argv[i]);
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--rng") && rng_test())
            status = 1;
    return status;
}
