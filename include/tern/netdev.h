/*
 * Network devices: every network card the runtime found (virtio-net on
 * QEMU, netfront under Xen), in discovery order, as net0, net1, ...
 * Ethernet frames without the FCS.  lwIP's netif sits on this; so may an
 * app that speaks frames itself (apps/net-selftest).
 *
 * Errors are negative errnos: -EMSGSIZE for a frame over mtu + 14 bytes
 * or under 14, -ETIMEDOUT when no ring space came before the deadline,
 * -ENETDOWN for a stopped device, -EINVAL for a bad argument.
 */
#ifndef TERN_NETDEV_H
#define TERN_NETDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NETDEV_ETH_HLEN 14

struct netdev;

struct netdev_info {
    char name[8];         /* "net0" */
    const char *driver;   /* "virtio-net (mmio-v2)", "netfront" */
    uint8_t mac[6];
    uint16_t mtu;         /* IP bytes a frame carries: 1500 */
    bool link_up;
    bool tx_csum;         /* the device completes a partial checksum */
    bool rx_csum;         /* the device marks frames it checked */
};

unsigned netdev_count(void);
struct netdev *netdev_get(unsigned index);
struct netdev *netdev_find(const char *name);
const struct netdev_info *netdev_info(const struct netdev *dev);

/* A frame in pieces (lwIP's pbuf chains). */
struct netdev_seg {
    const void *data;
    size_t len;
};

/* Transmit a checksum the device completes: the 16-bit sum of the bytes
 * from csum_start to the frame's end goes at csum_start + csum_offset
 * (where the pseudo-header sum is already).  Only with info->tx_csum. */
struct netdev_tx_csum {
    uint16_t start, offset;
};

/* Send one frame, waiting until the deadline (monotonic ns;
 * THREAD_FOREVER: no limit) for ring space: back-pressure, never a drop.
 * csum may be NULL.  0 or -errno. */
int netdev_send(struct netdev *dev, const struct netdev_seg *segs,
                unsigned nsegs, const struct netdev_tx_csum *csum,
                uint64_t deadline);

/* Received frames go to fn, if set: it runs where the driver learns of
 * them (the interrupt handler in the idle loop, or its polling), must
 * not block, and must copy what it keeps.  flags: NETDEV_RX_CSUM_OK when
 * the device checked the frame's TCP/UDP checksum. */
#define NETDEV_RX_CSUM_OK 0x1u
typedef void (*netdev_rx_fn)(struct netdev *dev, const void *frame,
                             size_t len, unsigned flags, void *arg);
void netdev_set_receiver(struct netdev *dev, netdev_rx_fn fn, void *arg);

/* Without a receiver, frames wait in a bounded queue (the oldest are
 * dropped, and counted, when it is full) for this call: the frame's
 * length (copied up to cap bytes), or -ETIMEDOUT at the deadline. */
long netdev_recv(struct netdev *dev, void *buf, size_t cap, unsigned *flags,
                 uint64_t deadline);

struct netdev_stats {
    uint64_t rx_frames, rx_bytes, rx_dropped, rx_bad;
    uint64_t tx_frames, tx_bytes, tx_waits;
};
const struct netdev_stats *netdev_stats(const struct netdev *dev);

#endif
