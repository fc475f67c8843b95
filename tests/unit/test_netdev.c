/* lib/net against a simulated card: frames checked both ways, senders
 * waiting for ring space (never a drop), the bounded receive queue, and
 * a card that breaks a rule.  sched_wait is test_fd.c's stand-in. */
#include <errno.h>
#include <string.h>
#include <tern/netdev_driver.h>
#include <tern/sched.h>
#include "test.h"

struct fake_nic {
    struct netdev dev;
    int full;        /* sends refused with -EAGAIN this many times */
    int sent, stops;
    size_t last_len;
    uint8_t last[1600];
};

static int fake_send(struct netdev *dev, const struct netdev_seg *segs,
                     unsigned nsegs, size_t len,
                     const struct netdev_tx_csum *csum)
{
    struct fake_nic *n = (struct fake_nic *)dev;
    size_t at = 0;

    (void)csum;
    if (n->full) {
        n->full--;
        netdev_tx_space(dev); /* "a completion frees a slot" */
        return -EAGAIN;
    }
    for (unsigned i = 0; i < nsegs; i++, at += segs[i - 1].len)
        memcpy(n->last + at, segs[i].data, segs[i].len);
    n->last_len = len;
    n->sent++;
    return 0;
}

static void fake_stop(struct netdev *dev)
{
    ((struct fake_nic *)dev)->stops++;
}

static const struct netdev_ops fake_ops = {fake_send, fake_stop};

static struct fake_nic *new_nic(void)
{
    static struct fake_nic nics[2];
    static int count;
    struct fake_nic *n = &nics[count++];

    n->dev.ops = &fake_ops;
    n->dev.info = (struct netdev_info){.driver = "fake", .mtu = 1500,
                                       .link_up = true,
                                       .mac = {2, 0, 0, 0, 0, 1}};
    return n;
}

TEST(netdev_sends_gathered_frames_and_refuses_bad_sizes)
{
    struct fake_nic *n = new_nic();
    static uint8_t big[1515], hdr[14] = {1, 2, 3}, body[50] = {9};
    struct netdev_seg two[] = {{hdr, sizeof(hdr)}, {body, sizeof(body)}};
    struct netdev_seg one = {big, 1514};
    struct netdev_tx_csum c = {14, 10};

    CHECK(netdev_register(&n->dev) == 0);
    CHECK(!strcmp(n->dev.info.name, "net0") && netdev_find("net0"));
    CHECK(netdev_send(&n->dev, two, 2, NULL, 0) == 0);
    CHECK(n->last_len == 64 && n->last[0] == 1 && n->last[14] == 9);
    CHECK(netdev_send(&n->dev, &one, 1, NULL, 0) == 0); /* MTU + header */
    one.len = 1515;
    CHECK(netdev_send(&n->dev, &one, 1, NULL, 0) == -EMSGSIZE);
    one.len = 13;
    CHECK(netdev_send(&n->dev, &one, 1, NULL, 0) == -EMSGSIZE);
    one = (struct netdev_seg){NULL, 20};
    CHECK(netdev_send(&n->dev, &one, 1, NULL, 0) == -EINVAL);
    /* a checksum the card cannot do, or placed outside the frame */
    CHECK(netdev_send(&n->dev, two, 2, &c, 0) == -EINVAL);
    n->dev.info.tx_csum = true;
    CHECK(netdev_send(&n->dev, two, 2, &c, 0) == 0);
    c.offset = 60;
    CHECK(netdev_send(&n->dev, two, 2, &c, 0) == -EINVAL);
    CHECK(n->dev.stats.tx_frames == 3);
}

TEST(netdev_sender_waits_for_ring_space_instead_of_dropping)
{
    struct fake_nic *n = (struct fake_nic *)netdev_get(0);
    static uint8_t frame[60];
    struct netdev_seg s = {frame, sizeof(frame)};
    int before = n->sent;

    n->full = 3;
    CHECK(netdev_send(&n->dev, &s, 1, NULL, 0) == 0);
    CHECK(n->sent == before + 1 && n->dev.stats.tx_waits >= 3);
    n->full = 1000000; /* the ring never drains: the deadline ends it */
    sched_stub_times_out = 1;
    CHECK(netdev_send(&n->dev, &s, 1, NULL, 0) == -ETIMEDOUT);
    sched_stub_times_out = 0;
    n->full = 0;
}

TEST(netdev_receive_queue_is_bounded_and_checks_frames)
{
    struct fake_nic *n = (struct fake_nic *)netdev_get(0);
    uint8_t frame[64] = {0}, buf[64];
    unsigned flags = 0;

    for (int i = 0; i < 6; i++) {
        frame[0] = (uint8_t)i;
        netdev_received(&n->dev, frame, sizeof(frame), NETDEV_RX_CSUM_OK);
    }
    netdev_received(&n->dev, frame, 10, 0);   /* runt */
    netdev_received(&n->dev, frame, 5000, 0); /* over the MTU */
    CHECK(n->dev.stats.rx_bad == 2 && n->dev.stats.rx_dropped == 2);
    /* the queue holds 4: frames 2-5, oldest first */
    CHECK(netdev_recv(&n->dev, buf, sizeof(buf), &flags, 0) == 64);
    CHECK(buf[0] == 2 && flags == NETDEV_RX_CSUM_OK);
    CHECK(netdev_recv(&n->dev, buf, 8, NULL, 0) == 64 && buf[0] == 3);
    netdev_recv(&n->dev, buf, sizeof(buf), NULL, 0);
    netdev_recv(&n->dev, buf, sizeof(buf), NULL, 0);
    sched_stub_times_out = 1;
    CHECK(netdev_recv(&n->dev, buf, sizeof(buf), NULL, 0) == -ETIMEDOUT);
    sched_stub_times_out = 0;
}

TEST(netdev_broken_card_is_stopped_once)
{
    struct fake_nic *n = new_nic();
    static uint8_t frame[60];
    struct netdev_seg s = {frame, sizeof(frame)};

    n->dev.info.mtu = 20000;
    CHECK(netdev_register(&n->dev) == -EINVAL);
    n->dev.info.mtu = 1500;
    CHECK(netdev_register(&n->dev) == 0);
    log_clear();
    netdev_broken(&n->dev, "used id out of range");
    netdev_broken(&n->dev, "again");
    CHECK(n->stops == 1 && log_contains("used id out of range"));
    CHECK(!log_contains("again"));
    CHECK(netdev_send(&n->dev, &s, 1, NULL, 0) == -ENETDOWN);
    netdev_received(&n->dev, frame, sizeof(frame), 0);
    CHECK(netdev_recv(&n->dev, frame, sizeof(frame), NULL, 0) == -ENETDOWN);
}
