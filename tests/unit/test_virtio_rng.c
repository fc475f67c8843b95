/* lib/virtio/rng.c against a simulated virtio-rng on a fake transport:
 * an honest device feeds the pool one buffer per request; a device that
 * reports more bytes than the buffer holds, names a chain never posted,
 * returns constant or repeated bytes, or never completes is stopped with
 * one line and leaves the pool; without an interrupt the pool's request
 * polls. */
#include <string.h>
#include <tern/entropy.h>
#include <tern/virtio.h>
#include <tern/virtio_rng.h>
#include <tern/virtqueue.h>
#include "test.h"

/* ---- what the driver calls of the kernel -------------------------------- */
static uint64_t fake_now;
static struct entropy_feeder *feeder;
static unsigned added_bytes, added_bits, adds;
static uint8_t added[64];

uint64_t clock_monotonic_ns(void)
{
    return fake_now;
}

void entropy_add(const void *bytes, size_t n, unsigned credited_bits,
                 const char *source)
{
    (void)source;
    adds++;
    added_bytes += (unsigned)n;
    added_bits += credited_bits;
    memcpy(added, bytes, n < sizeof(added) ? n : sizeof(added));
}

void entropy_add_feeder(struct entropy_feeder *f)
{
    feeder = f;
    f->request(f);
}

void entropy_remove_feeder(struct entropy_feeder *f)
{
    if (feeder == f)
        feeder = 0;
}

/* ---- the simulated device --------------------------------------------- */
struct sim {
    uint8_t status;
    struct virtio_queue_mem mem;
    bool enabled, no_irq;
    unsigned kicks;
    uint16_t avail_seen, used_idx;
    virtio_irq_fn fn;
    void *arg;
};

static uint8_t get_status(struct virtio_dev *d)
{
    return ((struct sim *)d->transport)->status;
}

static void set_status(struct virtio_dev *d, uint8_t v)
{
    ((struct sim *)d->transport)->status = v;
}

static uint64_t get_features(struct virtio_dev *d)
{
    (void)d;
    return 0;
}

static void set_features(struct virtio_dev *d, uint64_t f)
{
    (void)d;
    (void)f;
}

static uint16_t queue_max(struct virtio_dev *d, unsigned q)
{
    (void)d;
    return q == 0 ? 8 : 0;
}

static int queue_enable(struct virtio_dev *d, unsigned q,
                        const struct virtio_queue_mem *mem)
{
    struct sim *s = d->transport;

    (void)q;
    s->mem = *mem;
    s->enabled = true;
    return 0;
}

static void queue_notify(struct virtio_dev *d, unsigned q)
{
    (void)q;
    ((struct sim *)d->transport)->kicks++;
}

static int irq_bind(struct virtio_dev *d, virtio_irq_fn fn, void *arg)
{
    struct sim *s = d->transport;

    if (s->no_irq)
        return -1;
    s->fn = fn;
    s->arg = arg;
    return 0;
}

static const struct virtio_transport_ops ops = {
    .name = "mmio-v1", .get_status = get_status, .set_status = set_status,
    .get_features = get_features, .set_features = set_features,
    .queue_max = queue_max, .queue_enable = queue_enable,
    .queue_notify = queue_notify, .irq_bind = irq_bind};

static struct sim sim;
static struct virtio_dev dev;

/* The next chain the driver posted: its head and its one buffer. */
static bool device_take(uint16_t *head, struct virtq_desc *d)
{
    struct virtq_avail *avail = (void *)(uintptr_t)sim.mem.avail;
    struct virtq_desc *desc = (void *)(uintptr_t)sim.mem.desc;

    if (avail->idx == sim.avail_seen)
        return false;
    *head = avail->ring[sim.avail_seen++ % sim.mem.size];
    *d = desc[*head];
    return true;
}

/* Write n bytes of fill into the buffer, then a used entry (id, len) that
 * may lie, then the interrupt if one is bound. */
static void device_complete(uint32_t id, uint32_t len, const uint8_t *fill,
                            uint32_t n, const struct virtq_desc *d)
{
    struct virtq_used *used = (void *)(uintptr_t)sim.mem.used;

    memcpy((void *)(uintptr_t)d->addr, fill, n <= d->len ? n : d->len);
    used->ring[sim.used_idx % sim.mem.size] =
        (struct virtq_used_elem){id, len};
    used->idx = ++sim.used_idx;
    if (sim.fn)
        sim.fn(&dev, sim.arg);
}

static uint8_t noise[64];

static void make_noise(uint32_t seed)
{
    for (unsigned i = 0; i < sizeof(noise); i++) {
        seed = seed * 1103515245u + 12345u;
        noise[i] = (uint8_t)(seed >> 16);
    }
}

static void start(bool no_irq)
{
    memset(&sim, 0, sizeof(sim));
    memset(&dev, 0, sizeof(dev));
    sim.no_irq = no_irq;
    dev.ops = &ops;
    dev.transport = &sim;
    dev.device_id = VIRTIO_ID_RNG;
    strcpy(dev.name, "virtio-rng@sim");
    feeder = 0;
    adds = added_bytes = added_bits = 0;
    fake_now = 1000;
    CHECK(virtio_rng_probe(&dev) == 0);
    CHECK(sim.enabled && feeder && sim.kicks == 1);
    CHECK(sim.status & VIRTIO_STATUS_DRIVER_OK);
}

TEST(virtio_rng_honest_device_feeds_one_buffer_per_request)
{
    uint16_t head;
    struct virtq_desc d;

    start(false);
    CHECK(device_take(&head, &d) && d.len == 64 &&
          (d.flags & VIRTQ_DESC_F_WRITE));
    CHECK(!device_take(&head, &d)); /* one buffer in flight, no more */
    make_noise(1);
    device_complete(head, 64, noise, 64, &d);
    CHECK(adds == 1 && added_bytes == 64 && added_bits == 512);
    CHECK(!memcmp(added, noise, 64));
    CHECK(!device_take(&head, &d)); /* nothing asked until the pool asks */
    feeder->request(feeder);
    CHECK(sim.kicks == 2 && device_take(&head, &d));
    make_noise(2);
    device_complete(head, 20, noise, 20, &d); /* a short answer is fine */
    CHECK(adds == 2 && added_bytes == 84 && feeder);
    feeder->request(feeder);
    CHECK(device_take(&head, &d));
    device_complete(head, 0, noise, 0, &d); /* so is an empty one */
    CHECK(adds == 2 && feeder && !(sim.status & VIRTIO_STATUS_FAILED));
}

TEST(virtio_rng_length_past_the_buffer_stops_it)
{
    uint16_t head;
    struct virtq_desc d;

    start(false);
    CHECK(device_take(&head, &d));
    make_noise(3);
    device_complete(head, 65, noise, 64, &d);
    CHECK(adds == 0 && !feeder && (sim.status & VIRTIO_STATUS_FAILED));
    CHECK(log_contains("virtio: virtio-rng@sim: "));
}

TEST(virtio_rng_chain_never_posted_stops_it)
{
    uint16_t head;
    struct virtq_desc d;

    start(false);
    CHECK(device_take(&head, &d));
    make_noise(4);
    device_complete((uint32_t)head + 1, 64, noise, 64, &d);
    CHECK(adds == 0 && !feeder && (sim.status & VIRTIO_STATUS_FAILED));
}

TEST(virtio_rng_constant_bytes_stop_it)
{
    uint16_t head;
    struct virtq_desc d;
    uint8_t ones[64];

    memset(ones, 0xff, sizeof(ones));
    start(false);
    CHECK(device_take(&head, &d));
    device_complete(head, 64, ones, 64, &d);
    CHECK(adds == 0 && !feeder && (sim.status & VIRTIO_STATUS_FAILED));
    CHECK(log_contains("virtio: virtio-rng@sim: returned a buffer of "
                       "identical bytes"));
}

TEST(virtio_rng_repeated_bytes_stop_it)
{
    uint16_t head;
    struct virtq_desc d;

    start(false);
    make_noise(5);
    CHECK(device_take(&head, &d));
    device_complete(head, 64, noise, 64, &d);
    feeder->request(feeder);
    CHECK(device_take(&head, &d));
    device_complete(head, 64, noise, 64, &d);
    CHECK(adds == 1 && !feeder);
    CHECK(log_contains("virtio: virtio-rng@sim: returned the same bytes "
                       "twice in a row"));
}

TEST(virtio_rng_silence_times_out_with_a_line)
{
    uint16_t head;
    struct virtq_desc d;

    start(false);
    CHECK(device_take(&head, &d));
    fake_now += 1999000000ull;
    feeder->request(feeder); /* still within 2 s: waits */
    CHECK(feeder && sim.kicks == 1);
    fake_now += 2000000ull;
    feeder->request(feeder);
    CHECK(!feeder && (sim.status & VIRTIO_STATUS_FAILED));
    CHECK(log_contains("virtio: virtio-rng@sim: request not completed "
                       "within 2 s"));
    /* A late answer after that is ignored, not credited. */
    make_noise(6);
    device_complete(head, 64, noise, 64, &d);
    CHECK(adds == 0);
}

TEST(virtio_rng_without_interrupt_is_polled_by_the_pool)
{
    uint16_t head;
    struct virtq_desc d;

    start(true);
    CHECK(log_contains("virtio-rng@sim feeds the entropy pool (polled"));
    CHECK(device_take(&head, &d));
    make_noise(7);
    device_complete(head, 64, noise, 64, &d);
    CHECK(adds == 0); /* no interrupt: nothing yet */
    feeder->request(feeder);
    CHECK(adds == 1 && added_bytes == 64 && sim.kicks == 2);
}
