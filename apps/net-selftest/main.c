/*
 * net-selftest: the first network card, at the frame level, against
 * QEMU's user network (slirp): ARP for the gateway 10.0.2.2, then ICMP
 * echo with it, every reply checked (addresses, identifiers, payload,
 * both checksums); then a burst of frames no one answers, sent with
 * back-pressure (none may fail), and frames of bad sizes refused.
 * All traffic stays inside QEMU: slirp answers ARP and pings for its
 * own addresses and drops the rest.
 *
 * Arguments: [pings] (default 20).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tern/netdev.h>
#include <tern/tap.h>
#include <tern/thread.h>

#define SEC 1000000000ull
#include "frames.h"
static const uint8_t our_ip[4] = {10, 0, 2, 15}, gw_ip[4] = {10, 0, 2, 2};
static const uint8_t nobody_ip[4] = {10, 0, 2, 99};
static uint8_t gw_mac[6];


static size_t arp_request(uint8_t *f, const uint8_t *mac,
                          const uint8_t *target)
{
    memset(f, 0xff, 6); /* broadcast */
    memcpy(f + 6, mac, 6);
    put16(f + 12, 0x0806);
    put16(f + 14, 1);      /* Ethernet */
    put16(f + 16, 0x0800); /* IPv4 */
    f[18] = 6;
    f[19] = 4;
    put16(f + 20, 1); /* request */
    memcpy(f + 22, mac, 6);
    memcpy(f + 28, our_ip, 4);
    memset(f + 32, 0, 6);
    memcpy(f + 38, target, 4);
    return 42;
}

/* Frames until one the check accepts, or the deadline: its length. */
static long wait_for(struct netdev *dev, uint8_t *f, size_t cap,
                     int (*want)(const uint8_t *f, long n, const void *ctx),
                     const void *ctx, uint64_t deadline)
{
    long n;

    while ((n = netdev_recv(dev, f, cap, NULL, deadline)) > 0)
        if (want(f, n, ctx))
            return n;
    return n;
}

static int is_arp_reply(const uint8_t *f, long n, const void *ctx)
{
    const uint8_t *mac = ctx;

    return n >= 42 && get16(f + 12) == 0x0806 && get16(f + 20) == 2 &&
           !memcmp(f + 28, gw_ip, 4) && !memcmp(f + 32, mac, 6) &&
           !memcmp(f + 38, our_ip, 4);
}

static void test_arp(struct netdev *dev)
{
    const uint8_t *mac = netdev_info(dev)->mac;
    uint8_t f[1514];
    long n;

    arp_request(f, mac, gw_ip);
    tap_ok(send_frame(dev, f, 42) == 0, "ARP request for 10.0.2.2 sent");
    n = wait_for(dev, f, sizeof(f), is_arp_reply, mac, thread_deadline(3 * SEC));
    tap_ok(n >= 42, "the gateway answers ARP with its MAC, to ours");
    if (n >= 42)
        memcpy(gw_mac, f + 22, 6);
}

struct echo {
    uint16_t id, seq;
    const uint8_t *payload;
    size_t len;
};

static size_t echo_request(uint8_t *f, const uint8_t *mac,
                           const struct echo *e)
{
    uint8_t *ip = f + 14, *icmp = ip + 20;
    size_t total = 20 + 8 + e->len;

    memcpy(f, gw_mac, 6);
    memcpy(f + 6, mac, 6);
    put16(f + 12, 0x0800);
    memset(ip, 0, 20);
    ip[0] = 0x45;
    put16(ip + 2, (uint16_t)total);
    put16(ip + 4, e->seq);
    ip[8] = 64;
    ip[9] = 1; /* ICMP */
    memcpy(ip + 12, our_ip, 4);
    memcpy(ip + 16, gw_ip, 4);
    put16(ip + 10, checksum(ip, 20));
    icmp[0] = 8; /* echo request */
    icmp[1] = 0;
    put16(icmp + 2, 0);
    put16(icmp + 4, e->id);
    put16(icmp + 6, e->seq);
    memcpy(icmp + 8, e->payload, e->len);
    put16(icmp + 2, checksum(icmp, 8 + e->len));
    return 14 + total;
}

/* The reply to e: from the gateway to us, both checksums right, the
 * identifier, sequence and payload ours. */
static int is_echo_reply(const uint8_t *f, long n, const void *ctx)
{
    const struct echo *e = ctx;
    const uint8_t *ip = f + 14, *icmp = ip + 20;

    if (n < (long)(14 + 28 + e->len) || get16(f + 12) != 0x0800 ||
        ip[0] != 0x45 || ip[9] != 1 || memcmp(ip + 12, gw_ip, 4) ||
        memcmp(ip + 16, our_ip, 4) || icmp[0] != 0)
        return 0;
    return checksum(ip, 20) == 0 && get16(ip + 2) == 28 + e->len &&
           checksum(icmp, 8 + e->len) == 0 && get16(icmp + 4) == e->id &&
           get16(icmp + 6) == e->seq && !memcmp(icmp + 8, e->payload, e->len);
}

static void test_ping(struct netdev *dev, int pings)
{
    static uint8_t payload[1472], f[1514];
    int good = 0;

    for (int i = 0; i < pings; i++) {
        struct echo e = {0x7e57, (uint16_t)(i + 1), payload,
                         (size_t)(i * 211 % 1473)};

        for (size_t j = 0; j < e.len; j++)
            payload[j] = (uint8_t)(i * 13 + j);
        send_frame(dev, f, echo_request(f, netdev_info(dev)->mac, &e));
        good += wait_for(dev, f, sizeof(f), is_echo_reply, &e,
                         thread_deadline(2 * SEC)) > 0;
    }
    printf("# %d of %d echo replies right\n", good, pings);
    tap_ok(good == pings, "every ICMP echo to 10.0.2.2 answered, checked");
}

static void test_burst(struct netdev *dev)
{
    uint8_t f[60] = {0};
    const struct netdev_stats *st = netdev_stats(dev);
    uint64_t before = st->tx_frames;
    int failed = 0;

    arp_request(f, netdev_info(dev)->mac, nobody_ip);
    for (int i = 0; i < 3000; i++)
        failed += send_frame(dev, f, 60) != 0;
    printf("# 3000 frames: %d failed, %llu waits for ring space\n", failed,
           (unsigned long long)st->tx_waits);
    tap_ok(failed == 0 && st->tx_frames - before == 3000,
           "a burst of 3000 frames waits for ring space, none dropped");
}

static void test_bad_sizes(struct netdev *dev)
{
    static uint8_t f[1600];
    struct netdev_seg runt = {f, 13}, big = {f, 1515};

    tap_ok(netdev_send(dev, &runt, 1, NULL, 0) < 0 &&
               netdev_send(dev, &big, 1, NULL, 0) < 0,
           "a frame under 14 or over 1514 bytes is refused");
}

int main(int argc, char **argv)
{
    int pings = argc > 1 ? atoi(argv[1]) : 20;
    struct netdev *dev = netdev_get(0);
    const struct netdev_info *info;

    printf("TAP version 13\n");
    tap_ok(dev != NULL, "a network card was found");
    if (!dev)
        return tap_done();
    info = netdev_info(dev);
    printf("# %s: %s, MTU %u\n", info->name, info->driver, info->mtu);
    tap_ok(info->mtu == 1500 && !(info->mac[0] & 1) && info->link_up,
           "MTU 1500, a unicast MAC, link up");
    test_arp(dev);
    test_ping(dev, pings);
    test_burst(dev);
    test_bad_sizes(dev);
    return tap_done();
}
