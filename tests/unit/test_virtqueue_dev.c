/* The virtqueue's kernel wrapper (lib/virtio/virtqueue_dev.c) over a fake
 * transport: sizes, the memory handed to queue_enable, failures that
 * leave nothing allocated, kicks, and a breach reported once. */
#include <string.h>
#include <tern/log.h>
#include <tern/virtqueue.h>
#include "host_pages.h"
#include "test.h"

static struct fake {
    uint16_t max;
    int enable_result;
    struct virtio_queue_mem mem;
    unsigned enabled, notified, q;
    uint8_t status;
} fake;

static uint16_t fake_queue_max(struct virtio_dev *dev, unsigned q)
{
    (void)dev;
    fake.q = q;
    return fake.max;
}

static int fake_queue_enable(struct virtio_dev *dev, unsigned q,
                             const struct virtio_queue_mem *mem)
{
    (void)dev;
    (void)q;
    fake.mem = *mem;
    fake.enabled++;
    return fake.enable_result;
}

static void fake_queue_notify(struct virtio_dev *dev, unsigned q)
{
    (void)dev;
    fake.q = q;
    fake.notified++;
}

static void fake_set_status(struct virtio_dev *dev, uint8_t status)
{
    (void)dev;
    fake.status = status;
}

static uint8_t fake_get_status(struct virtio_dev *dev)
{
    (void)dev;
    return fake.status;
}

static const struct virtio_transport_ops fake_ops = {
    .name = "fake",
    .get_status = fake_get_status,
    .set_status = fake_set_status,
    .queue_max = fake_queue_max,
    .queue_enable = fake_queue_enable,
    .queue_notify = fake_queue_notify,
};

/* Stands in for lib/virtio/virtio.c's when the unit tests are built
 * without it: the same line and the same state. */
__attribute__((weak)) void virtio_dev_broken(struct virtio_dev *dev,
                                             const char *rule)
{
    tern_log(LOG_ERROR, "virtio: %s: %s", dev->name, rule);
    dev->broken = true;
}

static struct virtio_dev make_dev(uint16_t max, uint64_t features)
{
    struct virtio_dev dev = {.ops = &fake_ops, .features = features};

    strcpy(dev.name, "virtio-test@fake");
    memset(&fake, 0, sizeof(fake));
    fake.max = max;
    return dev;
}

TEST(virtq_create_takes_the_smaller_power_of_two)
{
    struct { uint16_t max, wanted, size; } cases[] = {
        {256, 256, 256}, {256, 100, 64}, {16, 256, 16}, {1024, 512, 256},
        {128, 1, 1},
    };

    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct virtio_dev dev = make_dev(cases[i].max, 0);
        struct virtq *vq = virtq_create(&dev, 3, cases[i].wanted);

        CHECK(vq && vq->size == cases[i].size && fake.enabled == 1);
        if (!vq)
            continue;
        CHECK(fake.mem.size == cases[i].size && fake.mem.base % 4096 == 0);
        CHECK(fake.mem.desc == fake.mem.base && fake.mem.used % 4096 == 0);
        CHECK((uintptr_t)vq->desc == fake.mem.desc &&
              (uintptr_t)vq->avail == fake.mem.avail &&
              (uintptr_t)vq->used == fake.mem.used);
        CHECK(vq->dev == &dev && vq->index == 3 && !vq->indirect);
        virtq_destroy(vq);
    }
}

/* Legacy PCI has no register for a smaller queue: the device's size is
 * the one it takes, whatever the driver would like. */
TEST(virtq_create_takes_a_fixed_size_whole)
{
    static const struct virtio_transport_ops fixed_ops = {
        .name = "fake-legacy",
        .get_status = fake_get_status,
        .set_status = fake_set_status,
        .queue_max = fake_queue_max,
        .queue_enable = fake_queue_enable,
        .queue_notify = fake_queue_notify,
        .fixed_queue_size = true,
    };
    struct virtio_dev dev = make_dev(256, 0);
    struct virtq *vq;

    dev.ops = &fixed_ops;
    vq = virtq_create(&dev, 0, 128);
    CHECK(vq && vq->size == 256 && fake.mem.size == 256);
    if (vq)
        virtq_destroy(vq);
}

TEST(virtq_create_failures_leave_nothing_allocated)
{
    long before = pages_live;
    struct virtio_dev dev = make_dev(0, 0);

    CHECK(!virtq_create(&dev, 0, 64) && log_contains("no such queue"));
    dev = make_dev(64, 0);
    dev.broken = true;
    CHECK(!virtq_create(&dev, 0, 64) && fake.enabled == 0);
    dev = make_dev(64, 1ull << VIRTIO_F_INDIRECT_DESC);
    fake.enable_result = -1;
    CHECK(!virtq_create(&dev, 1, 64) && log_contains("refused"));
    CHECK(pages_live == before);
    dev = make_dev(64, 1ull << VIRTIO_F_INDIRECT_DESC);
    pages_left = 2; /* the state and the ring, not the indirect pool */
    CHECK(!virtq_create(&dev, 1, 64) && log_contains("out of memory"));
    pages_left = 100000;
    CHECK(pages_live == before && fake.enabled == 0);
}

TEST(virtq_create_gives_an_indirect_pool_when_negotiated)
{
    long before = pages_live;
    struct virtio_dev dev =
        make_dev(64, 1ull << VIRTIO_F_INDIRECT_DESC | 1ull << VIRTIO_F_EVENT_IDX);
    struct virtq *vq = virtq_create(&dev, 0, 64);

    CHECK(vq && vq->indirect && vq->event_idx);
    CHECK(vq && vq->ntables == VIRTQ_INDIRECT_TABLES && vq->tables);
    virtq_destroy(vq);
    CHECK(pages_live == before);
}

TEST(virtq_kick_notifies_only_when_the_device_asks)
{
    struct virtio_dev dev = make_dev(8, 1ull << VIRTIO_F_EVENT_IDX);
    struct virtq *vq = virtq_create(&dev, 2, 8);
    struct virtq_seg seg = {0x1000, 8};

    CHECK(vq);
    if (!vq)
        return;
    virtq_kick(vq);
    CHECK(fake.notified == 0); /* nothing added */
    virtq_add(vq, &seg, 1, 0, &fake);
    virtq_kick(vq);
    CHECK(fake.notified == 1 && fake.q == 2);
    virtq_add(vq, &seg, 1, 0, &fake); /* avail_event still 0: passed */
    virtq_kick(vq);
    CHECK(fake.notified == 1);
    *vq->avail_event = 2;
    virtq_add(vq, &seg, 1, 0, &fake);
    virtq_kick(vq);
    CHECK(fake.notified == 2);
    /* A device stopped for any reason (another queue, its config) is
     * not notified any more. */
    dev.broken = true;
    *vq->avail_event = 3;
    virtq_add(vq, &seg, 1, 0, &fake);
    virtq_kick(vq);
    CHECK(fake.notified == 2);
    virtq_destroy(vq);
}

TEST(virtq_next_used_reports_a_breach_once)
{
    struct virtio_dev dev = make_dev(8, 0);
    struct virtq *vq = virtq_create(&dev, 0, 8);
    struct virtq_seg seg = {0x1000, 8};
    void *t;
    uint32_t len;

    CHECK(vq);
    if (!vq)
        return;
    virtq_add(vq, &seg, 0, 1, &fake);
    vq->used->ring[0] = (struct virtq_used_elem){vq->avail->ring[0], 9};
    vq->used->idx = 1;
    CHECK(virtq_next_used(vq, &t, &len) == VIRTQ_BREACH_LEN);
    CHECK(dev.broken && log_contains("virtio-test@fake") &&
          log_contains(virtq_rule(VIRTQ_BREACH_LEN)));
    log_clear();
    CHECK(virtq_next_used(vq, &t, &len) == VIRTQ_ERR_BROKEN);
    CHECK(!log_contains("virtio"));
    virtq_kick(vq);
    CHECK(fake.notified == 0);
    virtq_destroy(vq);
}
