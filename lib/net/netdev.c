/*
 * The network devices: names, the checks every frame passes both ways,
 * back-pressure for senders, and the receive queue for apps that read
 * frames themselves.
 */
#include <errno.h>
#include <string.h>
#include <tern/format.h>
#include <tern/kalloc.h>
#include <tern/log.h>
#include <tern/netdev_driver.h>
#include <tern/sched.h>

#define MTU_MIN 68
#define MTU_MAX 9000

struct netdev_frame {
    size_t len;
    unsigned flags;
    uint8_t data[];
};

static struct netdev *devices[CONFIG_NETDEV_MAX];
static unsigned ndevices;

unsigned netdev_count(void)
{
    return ndevices;
}

struct netdev *netdev_get(unsigned index)
{
    return index < ndevices ? devices[index] : NULL;
}

struct netdev *netdev_find(const char *name)
{
    for (unsigned i = 0; i < ndevices; i++)
        if (!strcmp(devices[i]->info.name, name))
            return devices[i];
    return NULL;
}

const struct netdev_info *netdev_info(const struct netdev *dev)
{
    return &dev->info;
}

const struct netdev_stats *netdev_stats(const struct netdev *dev)
{
    return &dev->stats;
}

int netdev_register(struct netdev *dev)
{
    const uint8_t *m = dev->info.mac;

    if (ndevices == CONFIG_NETDEV_MAX) {
        pr_warn("net: %s: more than %u network devices; ignored",
                dev->info.driver, CONFIG_NETDEV_MAX);
        return -ENOSPC;
    }
    if (dev->info.mtu < MTU_MIN || dev->info.mtu > MTU_MAX) {
        pr_err("net: %s: MTU %u outside %u-%u; ignored", dev->info.driver,
               dev->info.mtu, MTU_MIN, MTU_MAX);
        return -EINVAL;
    }
    tern_snprintf(dev->info.name, sizeof(dev->info.name), "net%u", ndevices);
    devices[ndevices++] = dev;
    sched_add_wake_source(); /* its frames wake the threads waiting */
    pr_info("net: %s: %s, MAC %02x:%02x:%02x:%02x:%02x:%02x, MTU %u, link "
            "%s%s%s",
            dev->info.name, dev->info.driver, m[0], m[1], m[2], m[3], m[4],
            m[5], dev->info.mtu, dev->info.link_up ? "up" : "down",
            dev->info.tx_csum ? ", tx checksum offload" : "",
            dev->info.rx_csum ? ", rx checksums checked" : "");
    return 0;
}

static size_t frame_max(const struct netdev *dev)
{
    return (size_t)dev->info.mtu + NETDEV_ETH_HLEN;
}

void netdev_broken(struct netdev *dev, const char *rule)
{
    if (dev->stopped)
        return;
    dev->stopped = true;
    pr_err("net: %s (%s): %s; device stopped", dev->info.name,
           dev->info.driver, rule);
    dev->ops->stop(dev);
    while (sched_wake_one(&dev->tx_waiters))
        ;
    while (sched_wake_one(&dev->rx_waiters))
        ;
}

void netdev_tx_space(struct netdev *dev)
{
    sched_wake_one(&dev->tx_waiters);
}

void netdev_link_changed(struct netdev *dev, bool up)
{
    if (dev->info.link_up != up)
        pr_info("net: %s: link %s", dev->info.name, up ? "up" : "down");
    dev->info.link_up = up;
}

static size_t total_length(const struct netdev_seg *segs, unsigned n)
{
    size_t len = 0;

    for (unsigned i = 0; i < n; i++) {
        if (!segs[i].data && segs[i].len)
            return SIZE_MAX;
        if (segs[i].len > SIZE_MAX / 2 - len)
            return SIZE_MAX;
        len += segs[i].len;
    }
    return len;
}

/* The checksum field (2 bytes) lies inside the frame, after start. */
static bool csum_fits(const struct netdev *dev,
                      const struct netdev_tx_csum *c, size_t len)
{
    return !c || (dev->info.tx_csum && c->start >= NETDEV_ETH_HLEN &&
                  (size_t)c->start + c->offset + 2 <= len);
}

int netdev_send(struct netdev *dev, const struct netdev_seg *segs,
                unsigned nsegs, const struct netdev_tx_csum *csum,
                uint64_t deadline)
{
    size_t len = total_length(segs, nsegs);
    int r;

    if (len == SIZE_MAX || !csum_fits(dev, csum, len))
        return -EINVAL;
    if (len < NETDEV_ETH_HLEN || len > frame_max(dev))
        return -EMSGSIZE;
    while (!dev->stopped &&
           (r = dev->ops->send(dev, segs, nsegs, len, csum)) == -EAGAIN) {
        dev->stats.tx_waits++;
        if (sched_wait(&dev->tx_waiters, deadline) == SCHED_TIMED_OUT)
            return -ETIMEDOUT;
    }
    if (dev->stopped)
        return -ENETDOWN;
    if (r == 0) {
        dev->stats.tx_frames++;
        dev->stats.tx_bytes += len;
    }
    return r;
}

void netdev_set_receiver(struct netdev *dev, netdev_rx_fn fn, void *arg)
{
    dev->rx_fn = fn;
    dev->rx_arg = arg;
}

/* Queued for netdev_recv: the oldest frame gives way when full. */
static void enqueue(struct netdev *dev, const void *frame, size_t len,
                    unsigned flags)
{
    struct netdev_frame *f = kmalloc(sizeof(*f) + len);
    unsigned tail;

    if (!f) {
        dev->stats.rx_dropped++;
        return;
    }
    f->len = len;
    f->flags = flags;
    memcpy(f->data, frame, len);
    if (dev->q_count == CONFIG_NETDEV_RX_QUEUE) {
        kfree(dev->queue[dev->q_head]);
        dev->q_head = (dev->q_head + 1) % CONFIG_NETDEV_RX_QUEUE;
        dev->q_count--;
        dev->stats.rx_dropped++;
    }
    tail = (dev->q_head + dev->q_count) % CONFIG_NETDEV_RX_QUEUE;
    dev->queue[tail] = f;
    dev->q_count++;
    sched_wake_one(&dev->rx_waiters);
}

void netdev_received(struct netdev *dev, const void *frame, size_t len,
                     unsigned flags)
{
    if (dev->stopped)
        return;
    if (len < NETDEV_ETH_HLEN || len > frame_max(dev)) {
        dev->stats.rx_bad++;
        return;
    }
    dev->stats.rx_frames++;
    dev->stats.rx_bytes += len;
    flags &= NETDEV_RX_CSUM_OK;
    if (dev->rx_fn)
        dev->rx_fn(dev, frame, len, flags, dev->rx_arg);
    else
        enqueue(dev, frame, len, flags);
}

long netdev_recv(struct netdev *dev, void *buf, size_t cap, unsigned *flags,
                 uint64_t deadline)
{
    struct netdev_frame *f;
    long len;

    while (!dev->q_count) {
        if (dev->stopped)
            return -ENETDOWN;
        if (sched_wait(&dev->rx_waiters, deadline) == SCHED_TIMED_OUT)
            return -ETIMEDOUT;
    }
    f = dev->queue[dev->q_head];
    dev->q_head = (dev->q_head + 1) % CONFIG_NETDEV_RX_QUEUE;
    dev->q_count--;
    memcpy(buf, f->data, f->len < cap ? f->len : cap);
    if (flags)
        *flags = f->flags;
    len = (long)f->len;
    kfree(f);
    return len;
}
