/*
 * virtio-mmio (virtio 1.2, 4.2): the transport for both register
 * layouts (version 1, legacy; version 2), and where its devices are
 * found: virtio_mmio.device= words on the command line (boot/cmdline.c)
 * and the DSDT's virtio-mmio objects (_HID "LNRO0005").
 */
#ifndef TERN_VIRTIO_MMIO_H
#define TERN_VIRTIO_MMIO_H

#include <stdint.h>
#include <tern/boot_info.h>
#include <tern/cmdline.h>

struct virtio_dev;

#define VIRTIO_MMIO_MAGIC 0x74726976u /* "virt" */
#define VIRTIO_MMIO_CONFIG 0x100u     /* device config space offset */

/* Pure: the virtio-mmio devices the DSDT's AML describes, at most max
 * into out[]; their number.  Not an AML interpreter: each object whose
 * _HID is the string "LNRO0005" (Name(_HID, "LNRO0005"), as QEMU's
 * microvm and Firecracker write it) is followed, before the next such
 * _HID, by Name(_CRS, <buffer>); its resource template's first
 * Memory32Fixed and Extended Interrupt descriptors give the slot.  A
 * device whose resources are missing or out of the command line's
 * bounds (cmdline.h) is one warning and skipped. */
unsigned virtio_mmio_dsdt_scan(const uint8_t *aml, uint32_t len,
                               struct boot_mmio_dev *out, unsigned max);

/* Probe the command line's slots, then the DSDT's (a slot named twice
 * is probed once); each device found goes to virtio_device_found. */
void virtio_mmio_init(const struct boot_info *bi,
                      const struct boot_mmio_dev *words, unsigned nwords);
/* One slot: mapped unless it lies in the memory map or on RAM in use,
 * identified (magic, version 1 or 2; device id 0, an empty slot, is
 * skipped quietly), handed to virtio_device_found.  source names where
 * the slot came from, for the lines. */
void virtio_mmio_probe(const struct boot_info *bi,
                       const struct boot_mmio_dev *d, const char *source);
/* An MMIO device's GSI and (irqs != NULL) the interrupts its slot has
 * taken; 0 for a device on another transport. */
uint32_t virtio_mmio_gsi(const struct virtio_dev *dev, uint64_t *irqs);

#endif
