/* Completing a checksum a device left partial (virtio-net NEEDS_CSUM).
 * Pure: unit-tested, since every value in it comes from the device. */
#ifndef TERN_LIB_VIRTIO_NET_CSUM_H
#define TERN_LIB_VIRTIO_NET_CSUM_H

#include <stdbool.h>
#include <stdint.h>

/* The one's-complement sum of frame[start, len), which holds the
 * pseudo-header's sum in its checksum field, stored (complemented) in
 * the 2 bytes at start + offset.  False, and frame untouched, when those
 * 2 bytes do not lie inside [start, len). */
bool virtio_net_complete_csum(uint8_t *frame, uint32_t len, uint16_t start,
                              uint16_t offset);

#endif
