/*
 * virtio-mmio (virtio 1.2, 4.2): the transport for both register
 * layouts (version 1, legacy; version 2), and where its devices are
 * found: virtio_mmio.device= words on the command line (lib/core/driver.c)
 * and the DSDT's virtio-mmio objects (_HID "LNRO0005").
 */
#ifndef TERN_VIRTIO_MMIO_H
#define TERN_VIRTIO_MMIO_H

#include <stdint.h>
#include <tern/boot_info.h>

struct virtio_dev;

#define VIRTIO_MMIO_MAGIC 0x74726976u /* "virt" */
#define VIRTIO_MMIO_CONFIG 0x100u     /* device config space offset */

/* One slot: registers and config space at addr, its interrupt a GSI. */
struct mmio_range {
    uint64_t addr, size;
    uint32_t gsi;
};
/* Register block (0x100) plus the device's config space; QEMU gives 512,
 * Firecracker 4096: anything past this is not a virtio-mmio slot. */
#define MMIO_SLOT_MIN_SIZE 0x100u
#define MMIO_SLOT_MAX_SIZE 0x10000u
#define MMIO_SLOT_MAX_GSI 255u
#define MMIO_MAX_SLOTS 32

/* The value of a virtio_mmio.device= word (<size>@<addr>:<irq>[:<id>]):
 * 0, or -1 with why[] set (size 0 or out of range, a number that
 * overflows, an address range that wraps or lies past 2^52, no IRQ, an
 * IRQ of 0 or above MMIO_SLOT_MAX_GSI, trailing characters).  Pure. */
int virtio_mmio_word(const char *value, struct mmio_range *out, char *why,
                     unsigned whylen);

/* Pure: the virtio-mmio devices the DSDT's AML describes, at most max
 * into out[]; their number.  Not an AML interpreter: each object whose
 * _HID is the string "LNRO0005" (Name(_HID, "LNRO0005"), as QEMU's
 * microvm and Firecracker write it) is followed, before the next such
 * _HID, by Name(_CRS, <buffer>); its resource template's first
 * Memory32Fixed and Extended Interrupt descriptors give the slot.  A
 * device whose resources are missing or out of the command line's
 * bounds (cmdline.h) is one warning and skipped. */
unsigned virtio_mmio_dsdt_scan(const uint8_t *aml, uint32_t len,
                               struct mmio_range *out, unsigned max);

/* One slot: mapped unless it lies in the memory map or on RAM in use,
 * identified (magic, version 1 or 2; device id 0, an empty slot, is
 * skipped quietly), handed to virtio_device_found.  source names where
 * the slot came from, for the lines. */
void virtio_mmio_probe(const struct boot_info *bi,
                       const struct mmio_range *d, const char *source);
/* An MMIO device's GSI and (irqs != NULL) the interrupts its slot has
 * taken; 0 for a device on another transport. */
uint32_t virtio_mmio_gsi(const struct virtio_dev *dev, uint64_t *irqs);

#endif
