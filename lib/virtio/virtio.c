/*
 * The virtio core between transports and drivers: the driver registry,
 * the devices found, the start-of-day negotiation (virtio 1.2, 3.1.1) and
 * the one way a device that breaks a rule is stopped.
 *
 * A device found before its driver registers is probed when the driver
 * does: boot order between transports and drivers does not matter.
 */
#include <string.h>
#include <tern/log.h>
#include <tern/platform.h>
#include <tern/virtio.h>

#define MAX_DRIVERS 8
#define MAX_DEVICES 64
#define LEGACY_FEATURES 0xffffffffull

static const struct virtio_driver *drivers[MAX_DRIVERS];
static unsigned ndrivers;
static struct virtio_dev *devices[MAX_DEVICES];
static const struct virtio_driver *bound[MAX_DEVICES];
static unsigned ndevices;

/* The transports whose layout is virtio 1.x (names from virtio.h):
 * there a device must offer VERSION_1 and the driver must accept it. */
static bool transport_is_modern(const struct virtio_dev *dev)
{
    return !strcmp(dev->ops->name, "pci-modern") ||
           !strcmp(dev->ops->name, "mmio-v2");
}

static const struct virtio_driver *driver_for(uint32_t device_id)
{
    for (unsigned i = 0; i < ndrivers; i++)
        if (drivers[i]->device_id == device_id)
            return drivers[i];
    return 0;
}

static void probe(unsigned i, const struct virtio_driver *drv)
{
    struct virtio_dev *dev = devices[i];

    if (dev->broken)
        return;
    if (platform.dma_not_physical) {
        pr_warn("virtio: %s: not used: on the %s platform its DMA would not "
                "reach guest-physical memory (no IOMMU or grant path)",
                dev->name, platform.name);
        return;
    }
    if (drv->probe(dev) == 0)
        bound[i] = drv;
    else if (!dev->broken)
        pr_info("virtio: %s: driver %s did not take it", dev->name,
                drv->name);
}

void virtio_register_driver(const struct virtio_driver *drv)
{
    if (ndrivers == MAX_DRIVERS) {
        pr_err("virtio: more than %d drivers: %s not registered",
               MAX_DRIVERS, drv->name);
        return;
    }
    drivers[ndrivers++] = drv;
    for (unsigned i = 0; i < ndevices; i++)
        if (!bound[i] && devices[i]->device_id == drv->device_id) {
            pr_info("virtio: %s: driver %s", devices[i]->name, drv->name);
            probe(i, drv);
        }
}

void virtio_device_found(struct virtio_dev *dev)
{
    const struct virtio_driver *drv = driver_for(dev->device_id);
    unsigned i = ndevices;

    if (ndevices == MAX_DEVICES) {
        pr_err("virtio: more than %d devices: %s left alone", MAX_DEVICES,
               dev->name);
        return;
    }
    devices[ndevices++] = dev;
    pr_info("virtio: %s (%s), %s%s", dev->name, dev->ops->name,
            drv ? "driver " : "no driver", drv ? drv->name : "");
    if (drv)
        probe(i, drv);
}

unsigned virtio_device_count(void)
{
    return ndevices;
}

struct virtio_dev *virtio_device_at(unsigned i)
{
    return i < ndevices ? devices[i] : 0;
}

const char *virtio_device_driver(const struct virtio_dev *dev)
{
    for (unsigned i = 0; i < ndevices; i++)
        if (devices[i] == dev)
            return bound[i] ? bound[i]->name : 0;
    return 0;
}

/* What the driver asks for, cut to what the transport can carry and the
 * device offers; 1.x transports add VERSION_1, which they require. */
static uint64_t features_to_accept(struct virtio_dev *dev, uint64_t offered,
                                   uint64_t wanted)
{
    uint64_t accept = offered & wanted;

    if (transport_is_modern(dev))
        return accept | 1ull << VIRTIO_F_VERSION_1;
    return accept & LEGACY_FEATURES;
}

int virtio_negotiate(struct virtio_dev *dev, uint64_t wanted)
{
    const struct virtio_transport_ops *ops = dev->ops;
    uint8_t status = VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER;
    uint64_t offered, accept;

    if (dev->broken)
        return -1;
    ops->set_status(dev, 0);
    if (ops->get_status(dev) != 0) {
        virtio_dev_broken(dev, "status not 0 after reset");
        return -1;
    }
    ops->set_status(dev, VIRTIO_STATUS_ACKNOWLEDGE);
    ops->set_status(dev, status);
    offered = ops->get_features(dev);
    if (transport_is_modern(dev) &&
        !(offered & 1ull << VIRTIO_F_VERSION_1)) {
        virtio_dev_broken(dev, "a virtio 1.x transport without "
                               "VIRTIO_F_VERSION_1");
        return -1;
    }
    accept = features_to_accept(dev, offered, wanted);
    ops->set_features(dev, accept);
    pr_debug("virtio: %s: features offered 0x%llx, wanted 0x%llx, "
             "negotiated 0x%llx", dev->name, (unsigned long long)offered,
             (unsigned long long)wanted, (unsigned long long)accept);
    if (transport_is_modern(dev)) {
        /* Legacy devices have no FEATURES_OK: their features hold as
         * written (virtio 1.2, 3.1.2). */
        ops->set_status(dev, status | VIRTIO_STATUS_FEATURES_OK);
        if (!(ops->get_status(dev) & VIRTIO_STATUS_FEATURES_OK)) {
            virtio_dev_broken(dev, "FEATURES_OK not kept: the device "
                                   "refused the features");
            return -1;
        }
    }
    dev->features = accept;
    return 0;
}

void virtio_driver_ok(struct virtio_dev *dev)
{
    uint8_t status = VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
                     VIRTIO_STATUS_DRIVER_OK;

    if (dev->broken)
        return;
    if (transport_is_modern(dev))
        status |= VIRTIO_STATUS_FEATURES_OK;
    dev->ops->set_status(dev, status);
}

void virtio_dev_broken(struct virtio_dev *dev, const char *rule)
{
    if (dev->broken)
        return;
    dev->broken = true;
    pr_err("virtio: %s: %s", dev->name, rule);
    /* What the driver had set, plus FAILED; no reset, which would let
     * the device start over on its own. */
    dev->ops->set_status(dev, (uint8_t)((dev->ops->get_status(dev) & 0x0f) |
                                        VIRTIO_STATUS_FAILED));
}
