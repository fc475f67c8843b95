/* What a network driver (virtio-net, netfront) gives lib/net, which names
 * the device, checks frames both ways and offers it (tern/netdev.h). */
#ifndef TERN_NETDEV_DRIVER_H
#define TERN_NETDEV_DRIVER_H

#include <tern/config.h>
#include <tern/netdev.h>
#include <tern/sched_types.h>

struct netdev_ops {
    /* Queue one frame lib/net has checked (length, csum within it): 0,
     * -EAGAIN when the ring is full (lib/net waits for
     * netdev_tx_space), or -errno.  The driver copies or keeps the
     * bytes until it reports the slot free; segs are the caller's. */
    int (*send)(struct netdev *dev, const struct netdev_seg *segs,
                unsigned nsegs, size_t len,
                const struct netdev_tx_csum *csum);
    /* Stop the device for good (reset it). */
    void (*stop)(struct netdev *dev);
};

struct netdev {
    struct netdev_info info; /* the driver fills all but name */
    const struct netdev_ops *ops;
    void *priv;
    bool stopped;
    struct netdev_stats stats;
    netdev_rx_fn rx_fn;
    void *rx_arg;
    struct runq tx_waiters, rx_waiters;
    /* frames waiting for netdev_recv: a ring of copies */
    struct netdev_frame *queue[CONFIG_NETDEV_RX_QUEUE];
    unsigned q_head, q_count;
};

/* Name the device (net0, net1, ... in registration order).  0, or -errno
 * (an MTU out of 68-9000). */
int netdev_register(struct netdev *dev);
/* A frame the device wrote: checked (14 bytes at least, at most the MTU
 * plus the header) and handed on.  Bad ones are counted, never passed. */
void netdev_received(struct netdev *dev, const void *frame, size_t len,
                     unsigned flags);
/* Ring space was freed: wake a waiting sender. */
void netdev_tx_space(struct netdev *dev);
void netdev_link_changed(struct netdev *dev, bool up);
/* The device broke a rule: one line, stopped, every later call
 * -ENETDOWN. */
void netdev_broken(struct netdev *dev, const char *rule);

#endif
