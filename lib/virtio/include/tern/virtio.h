/*
 * virtio: what a transport (PCI modern, PCI legacy, MMIO v1 and v2) gives
 * a device driver, and what a driver registers.  Internal to the runtime.
 *
 * Every value read from a device is untrusted (docs/architecture.md,
 * "trust boundary"): transports bound what they return (a queue size is a
 * power of two of at most VIRTIO_QUEUE_MAX, a config offset stays inside
 * the config area), and a device that breaks a rule is stopped with
 * virtio_dev_broken(), one line naming it and the rule.
 */
#ifndef TERN_VIRTIO_H
#define TERN_VIRTIO_H

#include <stdbool.h>
#include <stdint.h>

/* Device status bits (virtio 1.2, 2.1). */
#define VIRTIO_STATUS_ACKNOWLEDGE 1u
#define VIRTIO_STATUS_DRIVER 2u
#define VIRTIO_STATUS_DRIVER_OK 4u
#define VIRTIO_STATUS_FEATURES_OK 8u
#define VIRTIO_STATUS_NEEDS_RESET 64u
#define VIRTIO_STATUS_FAILED 128u

/* Transport-level feature bits a driver may ask for. */
#define VIRTIO_F_INDIRECT_DESC 28
#define VIRTIO_F_EVENT_IDX 29
#define VIRTIO_F_VERSION_1 32
#define VIRTIO_F_ACCESS_PLATFORM 33

/* Device IDs (virtio 1.2, 5). */
#define VIRTIO_ID_NET 1
#define VIRTIO_ID_BLOCK 2
#define VIRTIO_ID_CONSOLE 3
#define VIRTIO_ID_RNG 4

/* The largest queue Tern sets up; a device offering more gets this. */
#define VIRTIO_QUEUE_MAX 256u
/* Legacy transports place a queue's used ring at this alignment after
 * its available ring (virtio 0.9.5, 2.3); every queue Tern allocates uses
 * that one layout, so any transport can take it. */
#define VIRTIO_LEGACY_ALIGN 4096u

struct virtio_dev;
typedef void (*virtio_irq_fn)(struct virtio_dev *dev, void *arg);

/* One queue's memory as the transport must program it: one physically
 * contiguous block from kalloc_pages (identity map: address == physical),
 * the descriptor table at its start, the used ring at a
 * VIRTIO_LEGACY_ALIGN-aligned offset. */
struct virtio_queue_mem {
    uint16_t size; /* entries, a power of two <= VIRTIO_QUEUE_MAX */
    uint64_t base; /* == desc */
    uint64_t desc, avail, used;
    uint64_t bytes; /* whole block */
};

struct virtio_transport_ops {
    const char *name; /* "pci-modern", "pci-legacy", "mmio-v1", "mmio-v2" */
    uint8_t (*get_status)(struct virtio_dev *dev);
    /* set_status(dev, 0) resets the device and waits (bounded) until it
     * reads back 0. */
    void (*set_status)(struct virtio_dev *dev, uint8_t status);
    /* Device features: 64 bits (legacy transports: the low 32). */
    uint64_t (*get_features)(struct virtio_dev *dev);
    void (*set_features)(struct virtio_dev *dev, uint64_t features);
    /* Device config space, size 1, 2, 4 (8 as two reads); offsets past
     * the config area read 0 and write nothing. */
    uint32_t (*config_read)(struct virtio_dev *dev, unsigned off,
                            unsigned size);
    void (*config_write)(struct virtio_dev *dev, unsigned off, unsigned size,
                         uint32_t val);
    /* The largest size the device offers for queue q (0: no such queue),
     * already capped at VIRTIO_QUEUE_MAX and rounded down to a power of
     * two (legacy devices: their fixed size, or 0 if not a power of two
     * or above VIRTIO_QUEUE_MAX). */
    uint16_t (*queue_max)(struct virtio_dev *dev, unsigned q);
    /* Program and enable queue q; 0, or -1 if the device refused it. */
    int (*queue_enable)(struct virtio_dev *dev, unsigned q,
                        const struct virtio_queue_mem *mem);
    void (*queue_notify)(struct virtio_dev *dev, unsigned q);
    /* Bind fn(dev, arg) to the device's interrupt (MSI-X, INTx through the
     * I/O APIC, or an MMIO slot's GSI); 0, or -1 when the device has no
     * interrupt Tern can route (the driver then polls). */
    int (*irq_bind)(struct virtio_dev *dev, virtio_irq_fn fn, void *arg);
    /* Read (and so acknowledge) the interrupt status: bit 0 a queue,
     * bit 1 a config change. */
    uint32_t (*irq_ack)(struct virtio_dev *dev);
    /* The device's queue size is the only one it takes (legacy PCI has
     * no register to choose a smaller one). */
    bool fixed_queue_size;
};

struct virtio_dev {
    const struct virtio_transport_ops *ops;
    void *transport; /* the transport's own state */
    uint32_t device_id;
    /* "virtio-blk@pci:00:04.0", "virtio-console@mmio:feb00000"; room
     * for a 64-bit MMIO address */
    char name[40];
    uint64_t features; /* negotiated */
    bool broken; /* stopped by virtio_dev_broken() */
    void *driver_data;
};

/* Transports call this for each device they find; the registered
 * driver for dev->device_id (if any) is probed. */
void virtio_device_found(struct virtio_dev *dev);

struct virtio_driver {
    uint32_t device_id;
    const char *name;
    /* 0 when it took the device. */
    int (*probe)(struct virtio_dev *dev);
};
void virtio_register_driver(const struct virtio_driver *drv);

/* The devices found so far, in discovery order (for listings), and the
 * name of the driver that took one (NULL: none). */
unsigned virtio_device_count(void);
struct virtio_dev *virtio_device_at(unsigned i);
const char *virtio_device_driver(const struct virtio_dev *dev);

/* The start-of-day sequence (virtio 1.2, 3.1.1): reset, ACKNOWLEDGE,
 * DRIVER, features = offered & wanted (VERSION_1 required on modern
 * transports), FEATURES_OK read back.  0, or -1 with a line and the
 * device left FAILED. */
int virtio_negotiate(struct virtio_dev *dev, uint64_t wanted);
void virtio_driver_ok(struct virtio_dev *dev);
/* One error line "virtio: <name>: <rule>", FAILED status, no more use. */
void virtio_dev_broken(struct virtio_dev *dev, const char *rule);

#endif
