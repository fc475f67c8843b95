/*
 * virtio-net (virtio 1.2, 5.1) behind lib/net: queue 0 receives, queue 1
 * transmits, every frame with the virtio-net header in a descriptor of
 * its own (so legacy devices without ANY_LAYOUT take it too).  Receive
 * buffers stay posted and are refilled as frames come in; transmit
 * copies each frame into a buffer of the slot it takes and reports ring
 * space as slots come back.  Checksums: the device completes ours when it
 * offers CSUM; a frame it hands us with NEEDS_CSUM is completed here
 * before anyone sees it, one marked DATA_VALID goes up as checked.
 */
#include <errno.h>
#include <string.h>
#include <tern/driver.h>
#include <tern/format.h>
#include <tern/kalloc.h>
#include <tern/log.h>
#include <tern/netdev_driver.h>
#include <tern/thread.h>
#include <tern/virtqueue.h>
#include "net_csum.h"

#define VIRTIO_NET_F_CSUM 0
#define VIRTIO_NET_F_GUEST_CSUM 1
#define VIRTIO_NET_F_MAC 5
#define VIRTIO_NET_F_STATUS 16

#define VIRTIO_NET_HDR_F_NEEDS_CSUM 1
#define VIRTIO_NET_HDR_F_DATA_VALID 2
#define VIRTIO_NET_S_LINK_UP 1

#define CFG_MAC 0
#define CFG_STATUS 6

#define RX_QUEUE 0
#define TX_QUEUE 1
#define QUEUE_SIZE 256
#define FRAME_MAX 1514 /* MTU 1500 + Ethernet header */
#define POLL_NS 1000000ull

/* 12 bytes under virtio 1.x (num_buffers is always there), 10 legacy. */
struct net_hdr {
    uint8_t flags;
    uint8_t gso_type;
    uint16_t hdr_len;
    uint16_t gso_size;
    uint16_t csum_start;
    uint16_t csum_offset;
    uint16_t num_buffers;
};

struct net_buf { /* one page: header, then the frame */
    struct net_hdr hdr;
    uint8_t frame[FRAME_MAX];
};

struct vnet {
    struct netdev net;
    struct virtio_dev *vdev;
    struct virtq *rx, *tx;
    struct net_buf *rx_bufs, *tx_bufs;
    struct net_buf *tx_free[QUEUE_SIZE];
    unsigned ntx_free;
    uint16_t rx_size, tx_size;
    uint32_t hdr_len;
    char driver[48];
    bool polling;
};

static bool offered(const struct virtio_dev *d, unsigned bit)
{
    return d->features & (1ull << bit);
}

static int post_rx(struct vnet *v, struct net_buf *b)
{
    struct virtq_seg seg[2] = {{(uintptr_t)&b->hdr, v->hdr_len},
                               {(uintptr_t)b->frame, FRAME_MAX}};

    return virtq_add(v->rx, seg, 0, 2, b);
}

/* A received buffer: its header read once, the frame checked and handed
 * up, the buffer posted again. */
static void take_rx(struct vnet *v, struct net_buf *b, uint32_t len)
{
    struct net_hdr h = b->hdr;
    unsigned flags = 0;

    if (len < v->hdr_len) {
        v->net.stats.rx_bad++;
    } else {
        len -= v->hdr_len;
        if (h.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) {
            if (virtio_net_complete_csum(b->frame, len, h.csum_start,
                                  h.csum_offset))
                flags = NETDEV_RX_CSUM_OK;
            else
                len = 0; /* a checksum outside the frame: dropped */
        } else if (h.flags & VIRTIO_NET_HDR_F_DATA_VALID) {
            flags = NETDEV_RX_CSUM_OK;
        }
        if (len)
            netdev_received(&v->net, b->frame, len, flags);
        else
            v->net.stats.rx_bad++;
    }
    if (post_rx(v, b) != VIRTQ_OK)
        netdev_broken(&v->net, "a receive buffer could not be posted again");
}

static int drain_queue(struct vnet *v, struct virtq *q, bool rx)
{
    void *token;
    uint32_t len;
    int r, n = 0;

    while ((r = virtq_next_used(q, &token, &len)) == 1) {
        n++;
        if (rx)
            take_rx(v, token, len);
        else
            v->tx_free[v->ntx_free++] = token;
    }
    if (rx && n)
        virtq_kick(q);
    if (!rx && n)
        netdev_tx_space(&v->net);
    return r;
}

static void drain(struct vnet *v)
{
    int r;

    do {
        if ((r = drain_queue(v, v->rx, true)) < 0 ||
            (r = drain_queue(v, v->tx, false)) < 0) {
            netdev_broken(&v->net, "a used ring broke a rule (see above)");
            return;
        }
    } while (!v->polling && (virtq_enable_cb(v->rx) == 1 ||
                             virtq_enable_cb(v->tx) == 1));
}

static bool link_is_up(struct vnet *v)
{
    return !offered(v->vdev, VIRTIO_NET_F_STATUS) ||
           (v->vdev->ops->config_read(v->vdev, CFG_STATUS, 2) &
            VIRTIO_NET_S_LINK_UP);
}

static void read_link(struct vnet *v)
{
    netdev_link_changed(&v->net, link_is_up(v));
}

static void on_interrupt(struct virtio_dev *d, void *arg)
{
    (void)d;
    drain(arg);
    read_link(arg); /* a config change may be why we were called */
}

static void *poller(void *arg)
{
    struct vnet *v = arg;

    while (!v->net.stopped) {
        drain(v);
        thread_sleep_ns(POLL_NS);
    }
    return NULL;
}

static int vnet_send(struct netdev *n, const struct netdev_seg *segs,
                     unsigned nsegs, size_t len,
                     const struct netdev_tx_csum *csum)
{
    struct vnet *v = (struct vnet *)n;
    struct net_buf *b;
    struct virtq_seg seg[2];
    size_t at = 0;
    int r;

    if (!v->ntx_free)
        drain_queue(v, v->tx, false);
    if (!v->ntx_free)
        return -EAGAIN;
    b = v->tx_free[--v->ntx_free];
    memset(&b->hdr, 0, sizeof(b->hdr));
    if (csum) {
        b->hdr.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
        b->hdr.csum_start = csum->start;
        b->hdr.csum_offset = csum->offset;
    }
    for (unsigned i = 0; i < nsegs; i++) {
        memcpy(b->frame + at, segs[i].data, segs[i].len);
        at += segs[i].len;
    }
    seg[0] = (struct virtq_seg){(uintptr_t)&b->hdr, v->hdr_len};
    seg[1] = (struct virtq_seg){(uintptr_t)b->frame, (uint32_t)len};
    if ((r = virtq_add(v->tx, seg, 2, 0, b)) != VIRTQ_OK) {
        v->tx_free[v->ntx_free++] = b;
        return r == VIRTQ_ERR_NOSPC ? -EAGAIN : -EIO;
    }
    virtq_kick(v->tx);
    return 0;
}

static void vnet_stop(struct netdev *n)
{
    struct vnet *v = (struct vnet *)n;

    v->vdev->ops->set_status(v->vdev, 0); /* no more DMA into our pages */
}

static const struct netdev_ops vnet_ops = {vnet_send, vnet_stop};

static int alloc_buffers(struct vnet *v)
{
    v->rx_bufs = kalloc_pages((size_t)v->rx_size * sizeof(struct net_buf));
    v->tx_bufs = kalloc_pages((size_t)v->tx_size * sizeof(struct net_buf));
    if (!v->rx_bufs || !v->tx_bufs)
        return -1;
    for (unsigned i = 0; i < v->tx_size; i++)
        v->tx_free[v->ntx_free++] = &v->tx_bufs[i];
    /* Two descriptors a buffer (header, frame): half the ring's worth. */
    for (unsigned i = 0; i < v->rx_size / 2; i++)
        if (post_rx(v, &v->rx_bufs[i]) != VIRTQ_OK)
            return -1;
    virtq_kick(v->rx);
    return 0;
}

/* The MAC the device offers, else a locally administered one of our own
 * (from the TSC: two VMs must not share one). */
static void read_mac(struct vnet *v)
{
    uint8_t *m = v->net.info.mac;

    if (offered(v->vdev, VIRTIO_NET_F_MAC)) {
        for (unsigned i = 0; i < 6; i++)
            m[i] = (uint8_t)v->vdev->ops->config_read(v->vdev, CFG_MAC + i,
                                                      1);
        if (!(m[0] & 1) && (m[0] | m[1] | m[2] | m[3] | m[4] | m[5]))
            return;
        pr_warn("virtio-net: %s: MAC %02x:%02x:%02x:%02x:%02x:%02x is "
                "multicast or zero; using one of our own",
                v->vdev->name, m[0], m[1], m[2], m[3], m[4], m[5]);
    }
    uint64_t t = __builtin_ia32_rdtsc();
    m[0] = 0x02; /* locally administered, unicast */
    for (unsigned i = 1; i < 6; i++)
        m[i] = (uint8_t)(t >> (8 * i));
}

/* A probe that fails part way: the device reset, what it held freed
 * (but what a bound interrupt handler may still be given). */
static int vnet_give_up(struct virtio_dev *d, struct vnet *v, bool bound)
{
    d->ops->set_status(d, 0);
    if (!v)
        return -1;
    if (v->rx)
        virtq_destroy(v->rx);
    if (v->tx)
        virtq_destroy(v->tx);
    if (v->rx_bufs)
        kfree_pages(v->rx_bufs, (size_t)v->rx_size * sizeof(struct net_buf));
    if (v->tx_bufs)
        kfree_pages(v->tx_bufs, (size_t)v->tx_size * sizeof(struct net_buf));
    if (!bound)
        kfree(v);
    return -1;
}

static int vnet_probe(struct virtio_dev *d)
{
    const uint64_t wanted =
        1ull << VIRTIO_NET_F_CSUM | 1ull << VIRTIO_NET_F_GUEST_CSUM |
        1ull << VIRTIO_NET_F_MAC | 1ull << VIRTIO_NET_F_STATUS |
        1ull << VIRTIO_F_EVENT_IDX | 1ull << VIRTIO_F_VERSION_1;
    struct vnet *v = kzalloc(sizeof(*v));

    if (!v || virtio_negotiate(d, wanted))
        return vnet_give_up(d, v, false);
    v->vdev = d;
    v->hdr_len = offered(d, VIRTIO_F_VERSION_1) ? 12 : 10;
    if (!(v->rx = virtq_create(d, RX_QUEUE, QUEUE_SIZE)) ||
        !(v->tx = virtq_create(d, TX_QUEUE, QUEUE_SIZE)))
        return vnet_give_up(d, v, false);
    v->rx_size = v->rx->size;
    v->tx_size = v->tx->size;
    if (alloc_buffers(v)) {
        pr_err("virtio-net: %s: no memory for its buffers, or a receive "
               "ring that does not take them", d->name);
        return vnet_give_up(d, v, false);
    }
    tern_snprintf(v->driver, sizeof(v->driver), "virtio-net (%s)",
                  d->ops->name);
    v->net.info.driver = v->driver;
    v->net.info.mtu = 1500;
    v->net.info.tx_csum = offered(d, VIRTIO_NET_F_CSUM);
    v->net.info.rx_csum = offered(d, VIRTIO_NET_F_GUEST_CSUM);
    v->net.ops = &vnet_ops;
    read_mac(v);
    if (d->ops->irq_bind(d, on_interrupt, v) != 0) {
        v->polling = true;
        pr_info("virtio-net: %s: no interrupt; polling each ms", d->name);
    }
    virtio_driver_ok(d);
    v->net.info.link_up = link_is_up(v); /* said in the card's line */
    if (netdev_register(&v->net))
        return vnet_give_up(d, v, !v->polling);
    if (v->polling)
        thread_detach(thread_create("virtio-net-poll", poller, v, 0));
    return 0;
}

static void virtio_net_init(const struct boot_info *bi)
{
    static const struct virtio_driver drv = {VIRTIO_ID_NET, "virtio-net",
                                             vnet_probe};

    (void)bi;
    virtio_register_driver(&drv);
}
DRIVER_INIT_REGISTER(virtio_net_init);
