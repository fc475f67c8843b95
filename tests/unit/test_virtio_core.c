/* The virtio core (lib/virtio/virtio.c) against a simulated device on a
 * fake transport: the negotiation on legacy and 1.x transports, devices
 * that refuse or lie, virtio_dev_broken's one line, and the registry's
 * binding whichever of device and driver comes first. */
#include <string.h>
#include <tern/platform.h>
#include <tern/virtio.h>
#include "test.h"

struct sim {
    uint8_t status;          /* what reads return */
    uint64_t offered;        /* device features */
    uint64_t written;        /* driver features */
    int keep_status_on_reset; /* a device whose reset never completes */
    int drop_features_ok;     /* a device that refuses the features */
    int status_writes;
};

static uint8_t get_status(struct virtio_dev *d)
{
    return ((struct sim *)d->transport)->status;
}

static void set_status(struct virtio_dev *d, uint8_t v)
{
    struct sim *s = d->transport;

    s->status_writes++;
    if (v == 0 && s->keep_status_on_reset)
        return;
    if (s->drop_features_ok)
        v &= (uint8_t)~VIRTIO_STATUS_FEATURES_OK;
    s->status = v;
}

static uint64_t get_features(struct virtio_dev *d)
{
    return ((struct sim *)d->transport)->offered;
}

static void set_features(struct virtio_dev *d, uint64_t f)
{
    ((struct sim *)d->transport)->written = f;
}

static const struct virtio_transport_ops legacy_ops = {
    .name = "mmio-v1", .get_status = get_status, .set_status = set_status,
    .get_features = get_features, .set_features = set_features};
static const struct virtio_transport_ops modern_ops = {
    .name = "mmio-v2", .get_status = get_status, .set_status = set_status,
    .get_features = get_features, .set_features = set_features};

static struct sim sim;
static struct virtio_dev dev;

static void make(const struct virtio_transport_ops *ops, uint64_t offered)
{
    memset(&sim, 0, sizeof(sim));
    memset(&dev, 0, sizeof(dev));
    sim.status = 0x0f; /* left over from a previous user */
    sim.offered = offered;
    dev.ops = ops;
    dev.transport = &sim;
    strcpy(dev.name, "virtio-blk@test");
    log_clear();
}

#define F(bit) (1ull << (bit))

TEST(virtio_negotiate_legacy_32_bits_no_features_ok)
{
    make(&legacy_ops, F(0) | F(5) | F(VIRTIO_F_EVENT_IDX) | F(40));
    CHECK(virtio_negotiate(&dev, F(5) | F(VIRTIO_F_EVENT_IDX) | F(40) |
                                     F(VIRTIO_F_VERSION_1)) == 0);
    CHECK(sim.written == (F(5) | F(VIRTIO_F_EVENT_IDX)));
    CHECK(dev.features == sim.written);
    CHECK(sim.status == (VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER));
    virtio_driver_ok(&dev);
    CHECK(sim.status == (VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
                         VIRTIO_STATUS_DRIVER_OK));
    CHECK(!dev.broken && log_contains("negotiated 0x20000020"));
}

TEST(virtio_negotiate_modern_takes_version_1_and_checks_features_ok)
{
    make(&modern_ops, F(1) | F(VIRTIO_F_VERSION_1) | F(VIRTIO_F_ACCESS_PLATFORM));
    CHECK(virtio_negotiate(&dev, F(1) | F(2)) == 0);
    /* VERSION_1 accepted though not asked for; ACCESS_PLATFORM not */
    CHECK(sim.written == (F(1) | F(VIRTIO_F_VERSION_1)));
    CHECK(sim.status & VIRTIO_STATUS_FEATURES_OK);
    virtio_driver_ok(&dev);
    CHECK(sim.status == (VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
                         VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK));
}

TEST(virtio_modern_device_without_version_1_is_stopped)
{
    make(&modern_ops, F(1));
    CHECK(virtio_negotiate(&dev, F(1)) == -1);
    CHECK(dev.broken && (sim.status & VIRTIO_STATUS_FAILED));
    CHECK(log_contains("virtio: virtio-blk@test: a virtio 1.x transport "
                       "without VIRTIO_F_VERSION_1"));
}

TEST(virtio_device_refusing_features_is_stopped_once)
{
    make(&modern_ops, F(VIRTIO_F_VERSION_1));
    sim.drop_features_ok = 1;
    CHECK(virtio_negotiate(&dev, 0) == -1);
    CHECK(dev.broken && (sim.status & VIRTIO_STATUS_FAILED));
    CHECK(log_contains("FEATURES_OK not kept"));
    /* later calls: nothing written, nothing printed */
    log_clear();
    sim.status_writes = 0;
    CHECK(virtio_negotiate(&dev, 0) == -1);
    virtio_driver_ok(&dev);
    virtio_dev_broken(&dev, "again");
    CHECK(sim.status_writes == 0 && log_text()[0] == 0);
}

TEST(virtio_reset_that_never_completes_is_stopped)
{
    make(&legacy_ops, F(0));
    sim.keep_status_on_reset = 1;
    CHECK(virtio_negotiate(&dev, F(0)) == -1);
    CHECK(dev.broken && log_contains("status not 0 after reset"));
    CHECK(sim.status & VIRTIO_STATUS_FAILED);
}

TEST(virtio_status_all_ones_is_stopped)
{
    make(&modern_ops, ~0ull);
    sim.keep_status_on_reset = 1;
    sim.status = 0xff;
    CHECK(virtio_negotiate(&dev, ~0ull) == -1);
    CHECK(dev.broken);
}

static int probes, refuse;
static struct virtio_dev *probed;

static int test_probe(struct virtio_dev *d)
{
    probes++;
    probed = d;
    return refuse ? -1 : 0;
}

static const struct virtio_driver rng_driver = {VIRTIO_ID_RNG, "test-rng",
                                                test_probe};

TEST(virtio_registry_binds_whichever_comes_first)
{
    static struct virtio_dev early, late, other, refused;
    unsigned before = virtio_device_count();

    early = (struct virtio_dev){.ops = &legacy_ops, .device_id = VIRTIO_ID_RNG,
                                .name = "virtio-rng@early"};
    late = early;
    strcpy(late.name, "virtio-rng@late");
    other = early;
    other.device_id = 0x77;
    strcpy(other.name, "virtio-119@other");
    log_clear();
    virtio_device_found(&early);
    CHECK(log_contains("virtio: virtio-rng@early (mmio-v1), no driver"));
    virtio_register_driver(&rng_driver);
    CHECK(probes == 1 && probed == &early);
    CHECK(virtio_device_driver(&early) &&
          !strcmp(virtio_device_driver(&early), "test-rng"));
    virtio_device_found(&late);
    CHECK(probes == 2 && probed == &late);
    CHECK(log_contains("virtio: virtio-rng@late (mmio-v1), driver test-rng"));
    virtio_device_found(&other);
    CHECK(probes == 2 && !virtio_device_driver(&other));
    CHECK(virtio_device_count() == before + 3);
    CHECK(virtio_device_at(before + 2) == &other);
    CHECK(virtio_device_at(virtio_device_count()) == NULL);
    refuse = 1;
    refused = early;
    strcpy(refused.name, "virtio-rng@refused");
    virtio_device_found(&refused);
    CHECK(probes == 3 && !virtio_device_driver(&refused));
    CHECK(log_contains("virtio: virtio-rng@refused: driver test-rng did not "
                       "take it"));
}

/* Where device DMA would not reach guest-physical memory (Xen PVH dom0
 * with no IOMMU path in Tern), no driver is handed a device: it timed
 * out after 30 s, or wrote where the guest never looked. */
TEST(virtio_no_driver_where_dma_does_not_reach_guest_memory)
{
    static struct virtio_dev xen_dev;
    int before = probes;

    xen_dev = (struct virtio_dev){.ops = &legacy_ops,
                                  .device_id = VIRTIO_ID_RNG,
                                  .name = "virtio-rng@dom0"};
    refuse = 0;
    platform.dma_not_physical = true;
    platform.name = "xen";
    log_clear();
    virtio_device_found(&xen_dev);
    platform.dma_not_physical = false;
    CHECK(probes == before && !virtio_device_driver(&xen_dev));
    CHECK(log_contains("virtio-rng@dom0: not used: on the xen platform"));
}
