/* virtio-mmio registers (virtio 1.2, 4.2.2; legacy 4.2.4), the
 * transport's per-slot state, and its pure checks (mmio_check.c). */
#ifndef TERN_VIRTIO_MMIO_REGS_H
#define TERN_VIRTIO_MMIO_REGS_H

#include <stdbool.h>
#include <stdint.h>
#include <tern/virtio_mmio.h>
#include <tern/memmap.h>
#include <tern/irq.h>
#include <tern/virtio.h>

#define MMIO_MAGIC 0x000
#define MMIO_VERSION 0x004
#define MMIO_DEVICE_ID 0x008
#define MMIO_VENDOR_ID 0x00c
#define MMIO_DEVICE_FEATURES 0x010
#define MMIO_DEVICE_FEATURES_SEL 0x014
#define MMIO_DRIVER_FEATURES 0x020
#define MMIO_DRIVER_FEATURES_SEL 0x024
#define MMIO_GUEST_PAGE_SIZE 0x028 /* legacy */
#define MMIO_QUEUE_SEL 0x030
#define MMIO_QUEUE_NUM_MAX 0x034
#define MMIO_QUEUE_NUM 0x038
#define MMIO_QUEUE_ALIGN 0x03c /* legacy */
#define MMIO_QUEUE_PFN 0x040   /* legacy */
#define MMIO_QUEUE_READY 0x044
#define MMIO_QUEUE_NOTIFY 0x050
#define MMIO_INTERRUPT_STATUS 0x060
#define MMIO_INTERRUPT_ACK 0x064
#define MMIO_STATUS 0x070
#define MMIO_QUEUE_DESC_LOW 0x080
#define MMIO_QUEUE_DRIVER_LOW 0x090
#define MMIO_QUEUE_DEVICE_LOW 0x0a0
#define MMIO_INTERRUPT_BITS 3u /* used buffer, config change */
#define MMIO_LEGACY_PAGE 4096u

struct mmio_slot {
    struct virtio_dev dev;
    volatile uint8_t *regs;
    uint64_t addr;
    uint32_t gsi;
    uint32_t version;    /* 1 or 2 */
    unsigned config_len; /* bytes of config space from 0x100 */
    unsigned vector;     /* 0: no interrupt bound */
    struct irq_binding irq;
    virtio_irq_fn fn;
    void *arg;
    uint64_t interrupts;
};

/* A config access of size bytes at off: 1, 2 or 4 bytes, naturally
 * aligned, inside config_len. */
bool mmio_config_access_ok(unsigned config_len, unsigned off, unsigned size);
/* QueueNumMax as Tern uses it: capped at VIRTIO_QUEUE_MAX, rounded down
 * to a power of two (0 stays 0: no such queue). */
uint16_t mmio_queue_size_cap(uint32_t num_max);
/* The legacy layout's queue: a page-aligned block whose page number fits
 * QueuePFN's 32 bits, avail right after the descriptors, used at the
 * next VIRTIO_LEGACY_ALIGN boundary after avail, all inside the block:
 * where a legacy device computes each part from the page number alone. */
bool mmio_legacy_layout_ok(const struct virtio_queue_mem *m);
/* The memory-map entry (any type: RAM, reserved, ACPI, NVS) the slot
 * overlaps, or NULL: devices live in the map's holes. */
const struct mem_region *mmio_slot_in_map(const struct mem_region *map,
                                          unsigned n,
                                          const struct mmio_range *d);

/* The first of list[0..n) that d overlaps, or -1. */
int mmio_slot_overlap(const struct mmio_range *d,
                      const struct mmio_range *list, unsigned n);

#endif
