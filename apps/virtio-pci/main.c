/*
 * virtio-pci: the virtio devices the PCI transports found, one line
 * each (name, transport, id, features offered, queue 0's size, driver),
 * for the boot tests to compare with the devices they attached.
 *
 * "--rng" also reads 16 bytes from every virtio-rng device through one
 * hand-built descriptor on queue 0 and waits (2 s at most) for its
 * interrupt: negotiation, queue set-up in the transport's layout,
 * notify, and the interrupt path (MSI-X or INTx), end to end; then says
 * how often a handler ran with nothing pending for its device (devices
 * sharing an INTx line must not see each other's interrupts).
 * "--blk" reads each virtio-blk device's capacity from its config space
 * before and after binding its interrupt (a legacy device moves its
 * config from offset 20 to 24 once MSI-X is on).
 */
#include <stdio.h>
#include <string.h>
#include <tern/kalloc.h>
#include <tern/thread.h>
#include <tern/time.h>
#include <tern/virtio.h>

#define RNG_BYTES 16
#define VRING_DESC_F_WRITE 2
#define TIMEOUT_NS 2000000000ull

struct vring_desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags, next;
};

static struct semaphore rng_irq = SEMAPHORE_INIT(0);
static unsigned irqs_seen, nothing_pending;

static void list(void)
{
    unsigned n = virtio_device_count();

    printf("virtio-pci: %u device(s)\n", n);
    for (unsigned i = 0; i < n; i++) {
        struct virtio_dev *d = virtio_device_at(i);
        const char *drv = virtio_device_driver(d);

        printf("virtio-pci: %s transport %s id %u features 0x%llx queue0 %u "
               "driver %s\n", d->name, d->ops->name, (unsigned)d->device_id,
               (unsigned long long)d->ops->get_features(d),
               (unsigned)d->ops->queue_max(d, 0), drv ? drv : "none");
    }
}

static void rng_interrupt(struct virtio_dev *dev, void *arg)
{
    uint32_t isr = dev->ops->irq_ack(dev);

    (void)arg;
    if (!isr) {
        nothing_pending++;
        return;
    }
    if (isr & 1) /* a used buffer, not a config change */
        irqs_seen++;
    sem_up(&rng_irq);
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
    return (v + a - 1) & ~(a - 1);
}

/* The one layout virtio.h names: desc, avail, used at the next 4 KiB. */
static int make_queue(struct virtio_queue_mem *m, uint16_t size)
{
    uint64_t avail_end = 16u * size + 6 + 2u * size;
    void *block;

    m->size = size;
    m->bytes = align_up(align_up(avail_end, VIRTIO_LEGACY_ALIGN) + 6 +
                        8u * size, 4096);
    if (!(block = kalloc_pages(m->bytes)))
        return -1;
    memset(block, 0, m->bytes);
    m->base = m->desc = (uintptr_t)block;
    m->avail = m->desc + 16u * size;
    m->used = m->desc + align_up(avail_end, VIRTIO_LEGACY_ALIGN);
    return 0;
}

static int rng_read(struct virtio_dev *d)
{
    static uint8_t buf[RNG_BYTES];
    struct virtio_queue_mem m;
    volatile uint16_t *avail, *used;
    uint16_t size;
    int timed_out, polled;

    if (virtio_negotiate(d, 0) || !(size = d->ops->queue_max(d, 0)) ||
        make_queue(&m, size))
        return -1;
    ((struct vring_desc *)(uintptr_t)m.desc)[0] =
        (struct vring_desc){(uintptr_t)buf, RNG_BYTES, VRING_DESC_F_WRITE, 0};
    avail = (volatile uint16_t *)(uintptr_t)m.avail;
    used = (volatile uint16_t *)(uintptr_t)m.used;
    avail[2] = 0; /* ring[0]: descriptor 0 */
    avail[1] = 1; /* idx */
    polled = d->ops->irq_bind(d, rng_interrupt, 0) != 0;
    if (d->ops->queue_enable(d, 0, &m)) {
        printf("virtio-pci: %s: queue 0 refused\n", d->name);
        return -1;
    }
    virtio_driver_ok(d);
    irqs_seen = 0;
    d->ops->queue_notify(d, 0);
    timed_out = sem_down_until(&rng_irq, clock_monotonic_ns() + TIMEOUT_NS);
    printf("virtio-pci: %s: rng %s, used idx %u, id %u, len %u\n", d->name,
           polled ? "no interrupt" : timed_out ? "timed out" : "interrupt",
           used[1], ((volatile uint32_t *)used)[1],
           ((volatile uint32_t *)used)[2]);
    return timed_out || used[1] != 1 ? -1 : 0;
}

static void ignore(struct virtio_dev *dev, void *arg)
{
    (void)arg;
    dev->ops->irq_ack(dev);
}

static uint64_t capacity(struct virtio_dev *d)
{
    return d->ops->config_read(d, 0, 4) |
           (uint64_t)d->ops->config_read(d, 4, 4) << 32;
}

static void blk_capacity(struct virtio_dev *d)
{
    uint64_t before, after;
    int bound;

    if (virtio_negotiate(d, 0))
        return;
    before = capacity(d);
    bound = d->ops->irq_bind(d, ignore, 0) == 0;
    after = capacity(d);
    printf("virtio-pci: %s: capacity %llu sectors, %s interrupt bound, "
           "%llu sectors\n", d->name, (unsigned long long)before,
           bound ? "after" : "no", (unsigned long long)after);
}

int main(int argc, char **argv)
{
    int status = 0;

    list();
    for (int a = 1; a < argc; a++)
        for (unsigned i = 0; i < virtio_device_count(); i++) {
            struct virtio_dev *d = virtio_device_at(i);

            if (virtio_device_driver(d))
                continue;
            if (!strcmp(argv[a], "--rng") && d->device_id == VIRTIO_ID_RNG &&
                rng_read(d))
                status = 1;
            if (!strcmp(argv[a], "--blk") && d->device_id == VIRTIO_ID_BLOCK)
                blk_capacity(d);
        }
    printf("virtio-pci: handler calls with nothing pending %u\n",
           nothing_pending);
    return status;
}
