/*
 * virtio-rng (device id 4, virtio 1.2 section 5.4): one queue of
 * device-writable buffers that the device fills with random bytes, fed
 * to the entropy pool (docs/entropy.md).
 *
 * The device is asked only when the pool wants bytes (entropy_feeder's
 * request: at probe, while an unseeded read waits, when a reseed is
 * due): one buffer in flight at most, so a fast device never keeps the
 * CPU busy with interrupts.  What it returns is checked: the virtqueue
 * core bounds the used ring (id, length); the bytes themselves must not
 * be constant or repeat (device_bytes_broken_rule); a request it never
 * completes times out.  Each breach is one line and the device is
 * stopped and no longer feeds the pool.
 */
#include <stddef.h>
#include <string.h>
#include <tern/entropy.h>
#include <tern/entropy_pool.h>
#include <tern/kalloc.h>
#include <tern/log.h>
#include <tern/time.h>
#include <tern/virtio.h>
#include <tern/driver.h>
#include <tern/virtio_rng.h>
#include <tern/virtqueue.h>

#define RNG_BUF_BYTES 64 /* 512 bits: two reseeds' worth a request */
/* Shorter than CONFIG_ENTROPY_WAIT_MS's default, so that a silent device
 * is named before a waiting read gives up. */
#define RNG_TIMEOUT_NS 2000000000ull

struct rng {
    /* The device writes here (physical == virtual, so contiguous). */
    uint8_t buf[RNG_BUF_BYTES];
    struct virtio_dev *dev;
    struct virtq *vq;
    struct entropy_feeder feeder;
    uint64_t posted_ns, last_head, bytes;
    bool in_flight, stopped;
};

static struct rng *rng_of(struct entropy_feeder *f)
{
    return (struct rng *)((char *)f - offsetof(struct rng, feeder));
}

/* One line (virtio_dev_broken's, or the virtqueue's) has been or is
 * printed here; then the device is out of the pool for good. */
static void stop(struct rng *r, const char *rule)
{
    if (rule)
        virtio_dev_broken(r->dev, rule);
    r->stopped = true;
    entropy_remove_feeder(&r->feeder);
}

static void take_buffer(struct rng *r, uint32_t len)
{
    const char *rule = device_bytes_broken_rule(r->buf, len, &r->last_head);

    r->in_flight = false;
    if (rule) {
        stop(r, rule);
        return;
    }
    if (len)
        entropy_add(r->buf, len, len * 8, r->dev->name);
    r->bytes += len;
    memset(r->buf, 0, sizeof(r->buf));
}

static void drain(struct rng *r)
{
    void *token;
    uint32_t len;
    int got = 0;

    while (!r->stopped && (got = virtq_next_used(r->vq, &token, &len)) == 1)
        take_buffer(r, len);
    if (!r->stopped && got < 0)
        stop(r, 0); /* virtq_next_used said which rule */
}

static void rng_interrupt(struct virtio_dev *dev, void *arg)
{
    struct rng *r = arg;

    (void)dev;
    if (!r->stopped)
        drain(r);
}

static void post(struct rng *r)
{
    struct virtq_seg seg = {(uint64_t)(uintptr_t)r->buf, sizeof(r->buf)};

    if (virtq_add(r->vq, &seg, 0, 1, r) != VIRTQ_OK)
        return;
    r->in_flight = true;
    r->posted_ns = clock_monotonic_ns();
    virtq_kick(r->vq);
}

/* The pool wants bytes: collect what came (polling, for a device with no
 * interrupt), name a device that never answers, else ask for more. */
static void rng_request(struct entropy_feeder *f)
{
    struct rng *r = rng_of(f);

    if (r->stopped)
        return;
    drain(r);
    if (r->stopped)
        return;
    if (!r->in_flight)
        post(r);
    else if (clock_monotonic_ns() - r->posted_ns > RNG_TIMEOUT_NS)
        stop(r, "request not completed within 2 s");
}

int virtio_rng_probe(struct virtio_dev *dev)
{
    struct rng *r;
    bool irq;

    /* No feature bits exist for this device; none of the rings' either
     * is worth it for one buffer at a time. */
    if (virtio_negotiate(dev, 0))
        return -1;
    if (!(r = kzalloc(sizeof(*r)))) {
        virtio_dev_broken(dev, "no memory for the driver");
        return -1;
    }
    /* One buffer at a time would need one entry, but a legacy PCI device
     * cannot be told a size: it takes only its own.  So ask for the
     * most; the transport caps it at the device's. */
    r->vq = virtq_create(dev, 0, VIRTIO_QUEUE_MAX);
    if (!r->vq) {
        kfree(r);
        virtio_dev_broken(dev, "queue 0 could not be set up");
        return -1;
    }
    r->dev = dev;
    dev->driver_data = r;
    irq = dev->ops->irq_bind(dev, rng_interrupt, r) == 0;
    virtio_driver_ok(dev);
    pr_info("virtio-rng: %s feeds the entropy pool (%s)", dev->name,
            irq ? "interrupt" : "polled when the pool asks");
    r->feeder = (struct entropy_feeder){dev->name, rng_request, 0};
    entropy_add_feeder(&r->feeder); /* asks for the first buffer */
    return 0;
}

static const struct virtio_driver rng_driver = {
    VIRTIO_ID_RNG, "virtio-rng", virtio_rng_probe,
};

void virtio_rng_init(void)
{
    virtio_register_driver(&rng_driver);
}

static void virtio_rng_driver_init(const struct boot_info *bi)
{
    (void)bi;
    virtio_rng_init();
}
DRIVER_INIT_REGISTER(virtio_rng_driver_init);
